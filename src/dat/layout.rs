//! The double-array file image: a 128-byte header followed by four little-endian arrays.
//! The same bytes serve in memory and on disk, so opening a file is mapping it and checking
//! the header. Byte table: `docs/format.md`.

use super::unit::{BLOCK, MAX_UNITS, SUPERBLOCK_SHIFT};
use crate::error::FormatError;
use crate::format::{self, Fields, KIND_DOUBLE_ARRAY, MAGIC};

pub(crate) const HEADER_LEN: usize = 128;
pub(crate) const VERSION: u32 = 2;
/// Bytes per unit in the link section, and the offset of each link in them: the unit's next
/// sibling, and (for an internal unit) its first child, each as a byte (`docs/format.md`).
pub(crate) const LINK_BYTES: u64 = 2;
pub(crate) const LINK_NEXT: usize = 0;
pub(crate) const LINK_FIRST: usize = 1;
/// The first version, without the link section: still read (its children are then found by
/// probing the alphabet), never written.
const VERSION_1: u32 = 1;
/// Header flag (version 2): the image has no link section, by the builder's choice
/// ([`super::DoubleArrayBuilder::child_links`]); children are listed as in version 1.
pub(crate) const FLAG_NO_LINKS: u32 = 1;
const OFF_FILE_LEN: usize = 16;
const OFF_TERMS: usize = 24;
const OFF_UNITS: usize = 32;
const OFF_WIDE: usize = 40;
const OFF_MAX_LEN: usize = 48;
const OFF_FLAGS: usize = 52;
const OFF_ALPHABET: usize = 56;
const OFF_RESERVED: usize = 88;
const OFF_BODY_CRC: usize = 120;
const OFF_HEADER_CRC: usize = 124;

pub struct ImageParts<'a> {
    pub term_count: u64,
    pub max_term_len: u32,
    pub alphabet: [u8; 32],
    pub units: &'a [u32],
    /// Two bytes per unit (see [`Meta::links`]), or `None` for an image without links.
    pub links: Option<&'a [u8]>,
    pub wide_base: &'a [u64],
    pub wide_values: &'a [u64],
}

/// Where each array lives, derived from the counts in the header.
#[derive(Debug, Clone)]
pub struct Meta {
    pub term_count: u64,
    pub unit_count: u64,
    pub max_term_len: u32,
    /// Bytes that occur in some term, ascending: the only edge labels worth probing.
    pub alphabet: Vec<u8>,
    pub units: std::ops::Range<usize>,
    /// Two bytes per unit (version 2), see [`LINK_NEXT`] and [`LINK_FIRST`]. `None` for a
    /// version 1 image or one built without links ([`FLAG_NO_LINKS`]).
    pub links: Option<std::ops::Range<usize>>,
    pub wide_base: std::ops::Range<usize>,
    pub wide_values: std::ops::Range<usize>,
}

/// Section boundaries: (end of the units, end of the links, start and end of the wide bases,
/// file length). Without links (version 1, or [`FLAG_NO_LINKS`]) the link section is empty:
/// it ends where the units do.
fn sections(
    links: bool,
    unit_count: u64,
    wide_count: u64,
) -> Option<(usize, usize, usize, usize, usize)> {
    let superblocks = unit_count.div_ceil(1 << SUPERBLOCK_SHIFT);
    let units_end = (HEADER_LEN as u64).checked_add(unit_count.checked_mul(4)?)?;
    let links = if links {
        unit_count.checked_mul(LINK_BYTES)?
    } else {
        0
    };
    let links_end = units_end.checked_add(links)?;
    let base_start = format::align8(usize::try_from(links_end).ok()?) as u64;
    let base_end = base_start.checked_add(superblocks.checked_mul(8)?)?;
    let file_len = base_end.checked_add(wide_count.checked_mul(8)?)?;
    Some((
        usize::try_from(units_end).ok()?,
        usize::try_from(links_end).ok()?,
        usize::try_from(base_start).ok()?,
        usize::try_from(base_end).ok()?,
        usize::try_from(file_len).ok()?,
    ))
}

pub fn write_image(p: &ImageParts<'_>) -> Vec<u8> {
    if let Some(links) = p.links {
        assert_eq!(links.len(), p.units.len() * 2, "two link bytes per unit");
    }
    let (units_end, links_end, base_start, base_end, file_len) = sections(
        p.links.is_some(),
        p.units.len() as u64,
        p.wide_values.len() as u64,
    )
    .expect("unit count is bounded by MAX_UNITS");
    let flags = if p.links.is_some() { 0 } else { FLAG_NO_LINKS };
    let mut out = Vec::with_capacity(file_len);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&KIND_DOUBLE_ARRAY.to_le_bytes());
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(file_len as u64).to_le_bytes());
    out.extend_from_slice(&p.term_count.to_le_bytes());
    out.extend_from_slice(&(p.units.len() as u64).to_le_bytes());
    out.extend_from_slice(&(p.wide_values.len() as u64).to_le_bytes());
    out.extend_from_slice(&p.max_term_len.to_le_bytes());
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&p.alphabet);
    out.resize(HEADER_LEN, 0);
    for u in p.units {
        out.extend_from_slice(&u.to_le_bytes());
    }
    debug_assert_eq!(out.len(), units_end);
    out.extend_from_slice(p.links.unwrap_or_default());
    debug_assert_eq!(out.len(), links_end);
    out.resize(base_start, 0);
    for b in p.wide_base {
        out.extend_from_slice(&b.to_le_bytes());
    }
    debug_assert_eq!(out.len(), base_end);
    for v in p.wide_values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    debug_assert_eq!(out.len(), file_len);
    format::seal(&mut out, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
    out
}

/// Validates the header in O(1) (the body checksum is left to [`verify_body`]) and derives
/// the section ranges. Every later read is bounds-checked, so a damaged body can give wrong
/// answers but never reads outside the buffer.
pub fn parse(bytes: &[u8]) -> Result<Meta, FormatError> {
    let f = Fields::new(bytes);
    // Either version is accepted; anything else is reported against the current one.
    let version = if f.u32(12) == VERSION_1 {
        VERSION_1
    } else {
        VERSION
    };
    format::check_common_header(
        bytes,
        HEADER_LEN,
        OFF_HEADER_CRC,
        KIND_DOUBLE_ARRAY,
        version,
    )?;
    let file_len = f.u64(OFF_FILE_LEN);
    if file_len != bytes.len() as u64 {
        return Err(FormatError::Truncated {
            expected: file_len,
            got: bytes.len() as u64,
        });
    }
    let unit_count = f.u64(OFF_UNITS);
    if unit_count == 0 || unit_count > MAX_UNITS || !unit_count.is_multiple_of(BLOCK as u64) {
        return Err(FormatError::Invalid {
            what: "unit count",
            value: unit_count,
        });
    }
    let term_count = f.u64(OFF_TERMS);
    if term_count > unit_count {
        return Err(FormatError::Invalid {
            what: "term count",
            value: term_count,
        });
    }
    let max_term_len = f.u32(OFF_MAX_LEN);
    if max_term_len as usize > crate::MAX_TERM_LEN {
        return Err(FormatError::Invalid {
            what: "maximum term length",
            value: max_term_len as u64,
        });
    }
    let flags = f.u32(OFF_FLAGS);
    let known = if version == VERSION_1 {
        0
    } else {
        FLAG_NO_LINKS
    };
    if flags & !known != 0 {
        return Err(FormatError::Invalid {
            what: "flags",
            value: flags as u64,
        });
    }
    let has_links = version != VERSION_1 && flags & FLAG_NO_LINKS == 0;
    if bytes[OFF_RESERVED..OFF_BODY_CRC].iter().any(|&b| b != 0) {
        return Err(FormatError::Invalid {
            what: "reserved header bytes",
            value: 0,
        });
    }
    let wide_count = f.u64(OFF_WIDE);
    let (units_end, links_end, base_start, base_end, expected_len) =
        sections(has_links, unit_count, wide_count).ok_or(FormatError::Invalid {
            what: "wide value count",
            value: wide_count,
        })?;
    if expected_len as u64 != file_len {
        return Err(FormatError::Truncated {
            expected: expected_len as u64,
            got: file_len,
        });
    }
    let alphabet = (0..=255u8)
        .filter(|&b| bytes[OFF_ALPHABET + b as usize / 8] & (1 << (b % 8)) != 0)
        .collect();
    Ok(Meta {
        term_count,
        unit_count,
        max_term_len,
        alphabet,
        units: HEADER_LEN..units_end,
        links: has_links.then_some(units_end..links_end),
        wide_base: base_start..base_end,
        wide_values: base_end..expected_len,
    })
}

/// Checks the body checksum: O(file size).
pub fn verify_body(bytes: &[u8]) -> Result<(), FormatError> {
    format::check_body(bytes, HEADER_LEN, OFF_BODY_CRC)
}

/// The version 1 image of a version 2 one: the same trie without its sibling section, as the
/// first release wrote it. Tests use it to check that such files still read the same.
#[cfg(test)]
pub fn to_version_1(image: &[u8]) -> Vec<u8> {
    let meta = parse(image).expect("a valid version 2 image");
    let (units_end, _, base_start, _, file_len) =
        sections(false, meta.unit_count, meta.wide_values.len() as u64 / 8)
            .expect("sizes of a valid image");
    let mut out = image[..units_end].to_vec();
    out.resize(base_start, 0);
    out.extend_from_slice(&image[meta.wide_base.start..]);
    assert_eq!(out.len(), file_len);
    out[12..16].copy_from_slice(&VERSION_1.to_le_bytes());
    out[OFF_FLAGS..OFF_FLAGS + 4].copy_from_slice(&0u32.to_le_bytes());
    out[OFF_FILE_LEN..OFF_FILE_LEN + 8].copy_from_slice(&(file_len as u64).to_le_bytes());
    format::seal(&mut out, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
    out
}

/// `image` with its header flags replaced by `flags` and its checksums redone, so that only
/// the flags are wrong. For tests of the header checks.
#[cfg(test)]
pub fn with_flags(mut image: Vec<u8>, flags: u32) -> Vec<u8> {
    image[OFF_FLAGS..OFF_FLAGS + 4].copy_from_slice(&flags.to_le_bytes());
    format::seal(&mut image, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
    image
}
