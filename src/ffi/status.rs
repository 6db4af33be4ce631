//! Status codes and the one place where [`Error`] variants become them.

use crate::error::{Error, FormatError};

/// Return code of every fallible `dictenstein_*` function. 0 is success; 1 and 2 are normal
/// outcomes that are not errors; values of 10 and above are errors.
#[allow(non_camel_case_types)]
pub type dictenstein_status = i32;

/// Success.
pub const DICTENSTEIN_OK: dictenstein_status = 0;
/// A lookup found no such term (not an error; no error object is created).
pub const DICTENSTEIN_NOT_FOUND: dictenstein_status = 1;
/// A cursor has no more results (not an error; no error object is created).
pub const DICTENSTEIN_END: dictenstein_status = 2;
/// An argument is unusable: NULL where a value is required, a NULL pointer with a non-zero
/// length, an unknown kind, flag or enum value, a path that is not valid.
pub const DICTENSTEIN_INVALID_ARGUMENT: dictenstein_status = 10;
/// A term is longer than DICTENSTEIN_MAX_TERM_LEN bytes.
pub const DICTENSTEIN_TERM_TOO_LONG: dictenstein_status = 11;
/// The operation is not supported by this kind of dictionary, or not built yet.
pub const DICTENSTEIN_UNSUPPORTED: dictenstein_status = 12;
/// An operating-system I/O error; the message names the operation, the path and the OS error.
pub const DICTENSTEIN_IO: dictenstein_status = 13;
/// A file is damaged: truncated, checksum mismatch, impossible header values.
pub const DICTENSTEIN_CORRUPT: dictenstein_status = 14;
/// A file is not a libdictenstein file of the expected kind (bad magic, other structure).
pub const DICTENSTEIN_WRONG_FORMAT: dictenstein_status = 15;
/// A libdictenstein file written in a format version this build cannot read.
pub const DICTENSTEIN_VERSION_MISMATCH: dictenstein_status = 16;
/// The structure would exceed a limit of its format (too many units or values).
pub const DICTENSTEIN_TOO_LARGE: dictenstein_status = 17;
/// An internal error (a caught panic). The call had no effect it reported; please report it.
pub const DICTENSTEIN_INTERNAL: dictenstein_status = 18;

/// The durable store is open elsewhere (another handle or process holds its lock).
pub const DICTENSTEIN_LOCKED: dictenstein_status = 19;
/// The durable store refuses writes after a failed fsync; reads go on. Reopen to recover.
pub const DICTENSTEIN_POISONED: dictenstein_status = 20;

/// An output buffer is too small; the call reported the size it needs and copied nothing.
pub const DICTENSTEIN_BUFFER_TOO_SMALL: dictenstein_status = 21;

/// A durable store read through a dictionary handle holds a value that is not an 8-byte
/// little-endian u64; the message gives its length (read it with the store API instead).
pub const DICTENSTEIN_VALUE_NOT_U64: dictenstein_status = 22;

/// Maps each error to its status. This is the only such mapping in the crate.
pub fn status_of(e: &Error) -> dictenstein_status {
    match e {
        Error::InvalidArgument { .. } => DICTENSTEIN_INVALID_ARGUMENT,
        Error::TermTooLong { .. } => DICTENSTEIN_TERM_TOO_LONG,
        Error::Unsupported { .. } => DICTENSTEIN_UNSUPPORTED,
        Error::TooLarge { .. } => DICTENSTEIN_TOO_LARGE,
        Error::Io { .. } => DICTENSTEIN_IO,
        Error::Format { problem, .. } => match problem {
            FormatError::BadMagic { .. } | FormatError::WrongKind { .. } => {
                DICTENSTEIN_WRONG_FORMAT
            }
            FormatError::UnsupportedVersion { .. } => DICTENSTEIN_VERSION_MISMATCH,
            FormatError::Truncated { .. }
            | FormatError::ChecksumMismatch { .. }
            | FormatError::Invalid { .. } => DICTENSTEIN_CORRUPT,
        },
        Error::BufferTooSmall { .. } => DICTENSTEIN_BUFFER_TOO_SMALL,
        Error::Locked { .. } => DICTENSTEIN_LOCKED,
        Error::Poisoned { .. } => DICTENSTEIN_POISONED,
        Error::ValueNotU64 { .. } => DICTENSTEIN_VALUE_NOT_U64,
        Error::Panic { .. } => DICTENSTEIN_INTERNAL,
    }
}

/// Name of each status, as spelled in the header.
pub fn status_name(status: dictenstein_status) -> Option<&'static std::ffi::CStr> {
    Some(match status {
        DICTENSTEIN_OK => c"DICTENSTEIN_OK",
        DICTENSTEIN_NOT_FOUND => c"DICTENSTEIN_NOT_FOUND",
        DICTENSTEIN_END => c"DICTENSTEIN_END",
        DICTENSTEIN_INVALID_ARGUMENT => c"DICTENSTEIN_INVALID_ARGUMENT",
        DICTENSTEIN_TERM_TOO_LONG => c"DICTENSTEIN_TERM_TOO_LONG",
        DICTENSTEIN_UNSUPPORTED => c"DICTENSTEIN_UNSUPPORTED",
        DICTENSTEIN_IO => c"DICTENSTEIN_IO",
        DICTENSTEIN_CORRUPT => c"DICTENSTEIN_CORRUPT",
        DICTENSTEIN_WRONG_FORMAT => c"DICTENSTEIN_WRONG_FORMAT",
        DICTENSTEIN_VERSION_MISMATCH => c"DICTENSTEIN_VERSION_MISMATCH",
        DICTENSTEIN_TOO_LARGE => c"DICTENSTEIN_TOO_LARGE",
        DICTENSTEIN_INTERNAL => c"DICTENSTEIN_INTERNAL",
        DICTENSTEIN_LOCKED => c"DICTENSTEIN_LOCKED",
        DICTENSTEIN_POISONED => c"DICTENSTEIN_POISONED",
        DICTENSTEIN_BUFFER_TOO_SMALL => c"DICTENSTEIN_BUFFER_TOO_SMALL",
        DICTENSTEIN_VALUE_NOT_U64 => c"DICTENSTEIN_VALUE_NOT_U64",
        _ => return None,
    })
}
