//! Structured errors. Every fallible operation in the crate returns [`Error`]; the C boundary
//! maps each variant to exactly one status code in `ffi::status` and nowhere else.

use std::fmt;
use std::path::PathBuf;

/// Result alias used throughout the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Everything that can go wrong, with the data needed to say exactly what.
#[derive(Debug)]
pub enum Error {
    /// A caller passed an argument that cannot be used (NULL where a value is required, a
    /// pointer/length pair that disagrees, an out-of-range enum or flag).
    InvalidArgument { name: &'static str, reason: String },
    /// A term longer than [`crate::MAX_TERM_LEN`].
    TermTooLong { len: usize, max: usize },
    /// The operation exists in the API but this backend cannot perform it (or it is not built
    /// yet); nothing was changed.
    Unsupported {
        operation: &'static str,
        backend: &'static str,
    },
    /// The structure would exceed a limit of its format (units, values, file size).
    TooLarge { what: &'static str, limit: u64 },
    /// An operating-system I/O error, with the path and the operation that failed.
    Io {
        op: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file or buffer is not a valid libdictenstein structure.
    Format {
        path: Option<PathBuf>,
        problem: FormatError,
    },
    /// A caller's output buffer cannot hold the result; `needed` bytes are required.
    BufferTooSmall { needed: usize, capacity: usize },
    /// Another handle (in this process or another) has the store open for writing.
    Locked { path: PathBuf },
    /// An earlier fsync failed, so what was written since the last good one may be lost:
    /// the store refuses writes until it is reopened (reads go on).
    Poisoned { cause: String },
    /// A durable store's value read through the `u64` dictionary API is not 8 bytes long
    /// (only 8-byte little-endian values, as counters and dictionary writes store, are `u64`s).
    ValueNotU64 { len: usize },
    /// A panic was caught at the FFI boundary (a bug in the library); the message is the
    /// panic payload.
    Panic { message: String },
}

/// What exactly is wrong with a file; readers report expected and actual values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The first eight bytes are not the libdictenstein magic.
    BadMagic { got: [u8; 8] },
    /// A libdictenstein file, but of another structure (e.g. a DAWG opened as a trie).
    WrongKind { expected: u32, got: u32 },
    /// A format version this build cannot read.
    UnsupportedVersion { supported: u32, got: u32 },
    /// The file is shorter (or longer) than its header says.
    Truncated { expected: u64, got: u64 },
    /// A stored CRC32 does not match the bytes it covers.
    ChecksumMismatch {
        what: &'static str,
        expected: u32,
        got: u32,
    },
    /// A header field holds an impossible value.
    Invalid { what: &'static str, value: u64 },
}

impl Error {
    pub(crate) fn invalid(name: &'static str, reason: impl Into<String>) -> Self {
        Error::InvalidArgument {
            name,
            reason: reason.into(),
        }
    }

    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            op,
            path: path.into(),
            source,
        }
    }

    /// Attaches a path to a format error that was detected on an in-memory buffer.
    pub(crate) fn with_path(self, p: &std::path::Path) -> Self {
        match self {
            Error::Format {
                path: None,
                problem,
            } => Error::Format {
                path: Some(p.to_path_buf()),
                problem,
            },
            other => other,
        }
    }
}

impl From<FormatError> for Error {
    fn from(problem: FormatError) -> Self {
        Error::Format {
            path: None,
            problem,
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::BadMagic { got } => {
                write!(
                    f,
                    "bad magic: expected {:?}, got {:?}",
                    crate::format::MAGIC,
                    got
                )
            }
            FormatError::WrongKind { expected, got } => {
                write!(f, "wrong structure kind: expected {expected}, got {got}")
            }
            FormatError::UnsupportedVersion { supported, got } => {
                write!(
                    f,
                    "unsupported format version: this build reads {supported}, file has {got}"
                )
            }
            FormatError::Truncated { expected, got } => {
                write!(
                    f,
                    "wrong file length: header says {expected} bytes, file has {got}"
                )
            }
            FormatError::ChecksumMismatch {
                what,
                expected,
                got,
            } => write!(
                f,
                "{what} checksum mismatch: expected {expected:#010x}, got {got:#010x}"
            ),
            FormatError::Invalid { what, value } => write!(f, "invalid {what}: {value}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
            Error::TermTooLong { len, max } => {
                write!(f, "term of {len} bytes is longer than the maximum of {max}")
            }
            Error::Unsupported { operation, backend } => {
                write!(f, "{operation} is not supported by the {backend} backend")
            }
            Error::TooLarge { what, limit } => {
                write!(f, "{what} exceeds the format limit of {limit}")
            }
            Error::Io { op, path, source } => write!(f, "{op} {}: {source}", path.display()),
            Error::Format {
                path: Some(p),
                problem,
            } => write!(f, "{}: {problem}", p.display()),
            Error::Format {
                path: None,
                problem,
            } => write!(f, "{problem}"),
            Error::BufferTooSmall { needed, capacity } => write!(
                f,
                "the buffer holds {capacity} bytes but {needed} are needed"
            ),
            Error::Locked { path } => write!(
                f,
                "{}: the store is already open (locked by another handle or process)",
                path.display()
            ),
            Error::Poisoned { cause } => write!(
                f,
                "the store refuses writes after a failed fsync ({cause}); reopen it to recover"
            ),
            Error::ValueNotU64 { len } => write!(
                f,
                "the value is {len} bytes long, not an 8-byte u64 (read it with \
                 dictenstein_store_get or a store cursor)"
            ),
            Error::Panic { message } => write!(f, "internal error (panic caught): {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
