//! Pieces shared by every on-disk structure: the magic, structure kinds, little-endian field
//! access and checksums. The byte-by-byte layouts live in `docs/format.md`.

use crate::error::FormatError;

/// First eight bytes of every libdictenstein file.
pub const MAGIC: [u8; 8] = *b"DICTNSTN";

/// Structure kind stored at byte 8 of every file.
pub const KIND_DOUBLE_ARRAY: u32 = 1;
/// Structure kind of a saved minimal DAWG.
pub const KIND_DAWG: u32 = 2;
/// Structure kind of a saved suffix automaton.
pub const KIND_SUFFIX_AUTOMATON: u32 = 3;

/// Reads a little-endian `u32` at `off`; `None` when out of bounds.
#[inline(always)]
pub fn le_u32(bytes: &[u8], off: usize) -> Option<u32> {
    let chunk = bytes.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes(chunk.try_into().ok()?))
}

/// Reads a little-endian `u64` at `off`; `None` when out of bounds.
#[inline(always)]
pub fn le_u64(bytes: &[u8], off: usize) -> Option<u64> {
    let chunk = bytes.get(off..off.checked_add(8)?)?;
    Some(u64::from_le_bytes(chunk.try_into().ok()?))
}

/// Writes a little-endian `u32` at `at` (the caller sized the buffer).
pub fn put_u32(out: &mut [u8], at: usize, v: u32) {
    out[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Writes a little-endian `u64` at `at` (the caller sized the buffer).
pub fn put_u64(out: &mut [u8], at: usize, v: u64) {
    out[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Header field reader that turns a short buffer into a `Truncated` error.
pub struct Fields<'a> {
    bytes: &'a [u8],
}

impl<'a> Fields<'a> {
    /// Wraps a header; the caller has checked it is at least `header_len` long.
    pub fn new(bytes: &'a [u8]) -> Self {
        Fields { bytes }
    }

    pub fn u32(&self, off: usize) -> u32 {
        le_u32(self.bytes, off).unwrap_or(0)
    }

    pub fn u64(&self, off: usize) -> u64 {
        le_u64(self.bytes, off).unwrap_or(0)
    }
}

/// Validates the part of a header every structure shares: length, magic, kind, version and
/// header checksum. Kind and version come first (they sit at the same offsets in every
/// format) so opening one structure's file as another reports the kind, not a checksum.
/// `crc_off` is where the header CRC (over bytes `0..crc_off`) is stored.
pub fn check_common_header(
    bytes: &[u8],
    header_len: usize,
    crc_off: usize,
    kind: u32,
    version: u32,
) -> Result<(), FormatError> {
    if bytes.len() < header_len {
        if bytes.len() >= 8 && bytes[..8] != MAGIC {
            return Err(FormatError::BadMagic { got: first8(bytes) });
        }
        return Err(FormatError::Truncated {
            expected: header_len as u64,
            got: bytes.len() as u64,
        });
    }
    if bytes[..8] != MAGIC {
        return Err(FormatError::BadMagic { got: first8(bytes) });
    }
    let f = Fields::new(bytes);
    if f.u32(8) != kind {
        return Err(FormatError::WrongKind {
            expected: kind,
            got: f.u32(8),
        });
    }
    if f.u32(12) != version {
        return Err(FormatError::UnsupportedVersion {
            supported: version,
            got: f.u32(12),
        });
    }
    let stored = le_u32(bytes, crc_off).unwrap_or(0);
    let actual = crc32fast::hash(&bytes[..crc_off]);
    if stored != actual {
        return Err(FormatError::ChecksumMismatch {
            what: "header",
            expected: stored,
            got: actual,
        });
    }
    Ok(())
}

/// Stores the two checksums of a finished image: the body CRC (over `header_len..`) at
/// `body_crc_off`, then the header CRC (over `0..header_crc_off`, so it covers the body CRC)
/// at `header_crc_off`.
pub fn seal(out: &mut [u8], header_len: usize, body_crc_off: usize, header_crc_off: usize) {
    let body_crc = crc32fast::hash(&out[header_len..]);
    out[body_crc_off..body_crc_off + 4].copy_from_slice(&body_crc.to_le_bytes());
    let header_crc = crc32fast::hash(&out[..header_crc_off]);
    out[header_crc_off..header_crc_off + 4].copy_from_slice(&header_crc.to_le_bytes());
}

/// Checks the body CRC stored at `body_crc_off` against the bytes after the header: O(size).
pub fn check_body(bytes: &[u8], header_len: usize, body_crc_off: usize) -> Result<(), FormatError> {
    let stored = le_u32(bytes, body_crc_off).unwrap_or(0);
    let actual = crc32fast::hash(bytes.get(header_len..).unwrap_or(&[]));
    if stored != actual {
        return Err(FormatError::ChecksumMismatch {
            what: "body",
            expected: stored,
            got: actual,
        });
    }
    Ok(())
}

fn first8(bytes: &[u8]) -> [u8; 8] {
    let mut got = [0u8; 8];
    let n = bytes.len().min(8);
    got[..n].copy_from_slice(&bytes[..n]);
    got
}

/// Rounds `n` up to a multiple of 8.
pub fn align8(n: usize) -> usize {
    n.div_ceil(8) * 8
}
