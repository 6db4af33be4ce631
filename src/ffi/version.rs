//! Version macros and the runtime version query.

use super::boundary::infallible;
use super::status::{self, dictenstein_status};
use std::ffi::{c_char, CStr};

/// Major version of the library this header belongs to.
pub const DICTENSTEIN_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const DICTENSTEIN_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const DICTENSTEIN_VERSION_PATCH: u32 = 0;
/// Version of the library this header belongs to, as "MAJOR.MINOR.PATCH".
pub const DICTENSTEIN_VERSION_STRING: &CStr = c"0.1.0";

/// Longest term, in bytes, that any dictionary accepts.
pub const DICTENSTEIN_MAX_TERM_LEN: usize = 65535;

/// Reports the version of the library actually loaded at run time (compare it with the
/// `DICTENSTEIN_VERSION_*` macros of the header you compiled against).
///
/// Parameters: `major`, `minor`, `patch`: where to store each component; each may be NULL.
/// Returns: the version as a NUL-terminated "MAJOR.MINOR.PATCH" string in static storage
/// (never NULL, never freed).
/// Threads: safe from any thread.
///
/// # Safety
/// Each non-NULL pointer must be valid for a write of one `uint32_t`.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_version(
    major: *mut u32,
    minor: *mut u32,
    patch: *mut u32,
) -> *const c_char {
    for (p, v) in [
        (major, DICTENSTEIN_VERSION_MAJOR),
        (minor, DICTENSTEIN_VERSION_MINOR),
        (patch, DICTENSTEIN_VERSION_PATCH),
    ] {
        // SAFETY: the caller guarantees each non-NULL pointer is writable.
        unsafe { super::args::Out::optional(p).write(v) };
    }
    DICTENSTEIN_VERSION_STRING.as_ptr()
}

/// The name of a status code, e.g. "DICTENSTEIN_NOT_FOUND".
///
/// Parameters: `status`: any value.
/// Returns: a NUL-terminated string in static storage (never NULL, never freed);
/// "DICTENSTEIN_UNKNOWN_STATUS" for a value this library does not define.
/// Threads: safe from any thread.
#[no_mangle]
pub extern "C" fn dictenstein_status_name(status: dictenstein_status) -> *const c_char {
    infallible(c"DICTENSTEIN_UNKNOWN_STATUS".as_ptr(), || {
        status::status_name(status)
            .unwrap_or(c"DICTENSTEIN_UNKNOWN_STATUS")
            .as_ptr()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins that the header's version macros agree with Cargo.toml.
    #[test]
    fn version_constants_match_cargo() {
        assert_eq!(
            DICTENSTEIN_VERSION_MAJOR.to_string(),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            DICTENSTEIN_VERSION_MINOR.to_string(),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            DICTENSTEIN_VERSION_PATCH.to_string(),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        assert_eq!(
            DICTENSTEIN_VERSION_STRING.to_str().unwrap(),
            env!("CARGO_PKG_VERSION")
        );
        assert_eq!(DICTENSTEIN_MAX_TERM_LEN, crate::dict::MAX_TERM_LEN);
    }
}
