//! Link settings for the shared library: a SONAME carrying the major ABI version (0.x
//! releases may break the ABI at each minor version, so the SONAME carries both), and a
//! version script that exports only the `dictenstein_` symbols.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap();
    let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap();
    let soname_version = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libdictenstein.so.{soname_version}");
        let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap();
        println!("cargo:rustc-cdylib-link-arg=-Wl,--version-script={manifest}/cmake/exports.map");
        println!("cargo:rerun-if-changed=cmake/exports.map");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
