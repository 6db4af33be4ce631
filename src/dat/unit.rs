//! Encoding of one double-array unit (a little-endian `u32`).
//!
//! ```text
//! bits 0..9    label: 0 = terminator edge, 1..=256 = byte + 1, 0x1FF = free unit
//! bit  9       leaf: the unit holds a value instead of a child offset
//! bits 10..31  data (21 bits)
//! bit  31      ext: internal -> offset = data << 9; leaf -> value lives in the wide table
//! ```
//! An internal unit at index `p` with offset `o` has its children at `p ^ o ^ label`; the
//! builder gives every internal node a distinct base `p ^ o`, so the label stored in the
//! child is a complete check (no parent index needed).

pub(crate) const LABEL_BITS: u32 = 9;
pub(crate) const LABEL_MASK: u32 = (1 << LABEL_BITS) - 1;
pub(crate) const FREE_LABEL: u32 = LABEL_MASK;
pub(crate) const TERMINATOR: u32 = 0;
pub(crate) const LEAF: u32 = 1 << 9;
pub(crate) const DATA_SHIFT: u32 = 10;
pub(crate) const DATA_BITS: u32 = 21;
pub(crate) const DATA_MAX: u32 = (1 << DATA_BITS) - 1;
pub(crate) const EXT: u32 = 1 << 31;
/// Units per block; children of one node always sit in one aligned block.
pub(crate) const BLOCK: u32 = 1 << LABEL_BITS;
/// Units per wide-value superblock (see `wide_index`).
pub(crate) const SUPERBLOCK_SHIFT: u32 = 16;
/// Largest number of units the format can address (offsets are < 2^30).
pub(crate) const MAX_UNITS: u64 = 1 << 30;

#[inline(always)]
pub fn label_of_byte(b: u8) -> u32 {
    b as u32 + 1
}

#[inline(always)]
pub fn label(u: u32) -> u32 {
    u & LABEL_MASK
}

#[inline(always)]
pub fn is_leaf(u: u32) -> bool {
    u & LEAF != 0
}

#[inline(always)]
fn data(u: u32) -> u32 {
    (u >> DATA_SHIFT) & DATA_MAX
}

/// Child offset of an internal unit.
#[inline(always)]
pub fn offset(u: u32) -> u32 {
    if u & EXT != 0 {
        data(u) << LABEL_BITS
    } else {
        data(u)
    }
}

/// What a leaf unit says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafValue {
    Inline(u64),
    /// Index relative to the wide-table base of the unit's superblock.
    Wide(u32),
}

#[inline(always)]
pub fn leaf_value(u: u32) -> LeafValue {
    if u & EXT != 0 {
        LeafValue::Wide(data(u))
    } else {
        LeafValue::Inline(data(u) as u64)
    }
}

/// An internal unit; `None` when the offset cannot be encoded (the builder avoids this).
pub fn internal(label: u32, offset: u32) -> Option<u32> {
    if offset <= DATA_MAX {
        Some(label | (offset << DATA_SHIFT))
    } else if offset & (BLOCK - 1) == 0 && (offset >> LABEL_BITS) <= DATA_MAX {
        Some(label | ((offset >> LABEL_BITS) << DATA_SHIFT) | EXT)
    } else {
        None
    }
}

/// Whether `offset` can be encoded in an internal unit.
pub fn offset_encodable(offset: u32) -> bool {
    internal(0, offset).is_some()
}

pub fn leaf_inline(label: u32, value: u32) -> u32 {
    debug_assert!(value <= DATA_MAX);
    label | LEAF | (value << DATA_SHIFT)
}

pub fn leaf_wide(label: u32, local_index: u32) -> u32 {
    debug_assert!(local_index <= DATA_MAX);
    label | LEAF | EXT | (local_index << DATA_SHIFT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_round_trip_near_and_far() {
        for off in [0u32, 1, 511, DATA_MAX, 1 << 21, 5 << 9, (DATA_MAX) << 9] {
            let u = internal(label_of_byte(b'a'), off).expect("encodable");
            assert_eq!(offset(u), off);
            assert_eq!(label(u), label_of_byte(b'a'));
            assert!(!is_leaf(u));
        }
        assert!(
            internal(0, DATA_MAX + 2).is_none(),
            "far offsets must be block-aligned"
        );
        assert!(
            internal(0, (DATA_MAX + 1) << LABEL_BITS).is_none(),
            "offsets stop below 2^30"
        );
    }

    #[test]
    fn leaves_round_trip() {
        let u = leaf_inline(TERMINATOR, DATA_MAX);
        assert!(is_leaf(u));
        assert_eq!(leaf_value(u), LeafValue::Inline(DATA_MAX as u64));
        let w = leaf_wide(label_of_byte(255), 77);
        assert_eq!(leaf_value(w), LeafValue::Wide(77));
        assert_eq!(label(w), 256);
    }
}
