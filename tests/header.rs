//! The checked-in header must be exactly what cbindgen generates from the sources, so the
//! header can never drift from the library. Regenerate with
//! `DICTENSTEIN_BLESS=1 cargo test --test header`.

use std::path::PathBuf;

fn generate() -> String {
    let crate_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn checked_in_header_matches_cbindgen_output() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("include/dictenstein.h");
    let generated = generate();
    if std::env::var_os("DICTENSTEIN_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write header");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/dictenstein.h is stale; run DICTENSTEIN_BLESS=1 cargo test --test header"
    );
}

/// Every name the header defines is prefixed, and the version macros match Cargo.toml.
#[test]
fn header_names_are_prefixed_and_versions_agree() {
    let header = generate();
    for line in header.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#define ") {
            let name = rest.split_whitespace().next().unwrap();
            assert!(name.starts_with("DICTENSTEIN_"), "unprefixed macro {name}");
        }
        if let Some(rest) = line.strip_prefix("typedef struct ") {
            assert!(
                rest.starts_with("dictenstein_"),
                "unprefixed type in {line}"
            );
        }
    }
    for (name, value) in [
        (
            "DICTENSTEIN_VERSION_MAJOR",
            env!("CARGO_PKG_VERSION_MAJOR").to_string(),
        ),
        (
            "DICTENSTEIN_VERSION_MINOR",
            env!("CARGO_PKG_VERSION_MINOR").to_string(),
        ),
        (
            "DICTENSTEIN_VERSION_PATCH",
            env!("CARGO_PKG_VERSION_PATCH").to_string(),
        ),
        (
            "DICTENSTEIN_VERSION_STRING",
            format!("\"{}\"", env!("CARGO_PKG_VERSION")),
        ),
    ] {
        let expected = format!("#define {name} {value}");
        assert!(header.contains(&expected), "header lacks `{expected}`");
    }
}
