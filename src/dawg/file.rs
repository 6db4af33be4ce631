//! The saved DAWG, version 2: a 96-byte header, the edges of every state laid out as a double
//! array of bit-packed units, and the values bit-packed by rank. The same bytes are read in
//! memory and through mmap, so opening is O(1). Byte table: `docs/format.md`.
//!
//! Why a double array: following an edge is one load (the unit at `base + label`, checked by
//! its label) instead of a scan of the state's sorted records, and the scan's unpredictable
//! length was most of a lookup's time. Suffix sharing survives because a unit belongs to an
//! edge, not to a state: every edge into a shared state stores that state's base. Each unit
//! also names its next sibling and its target's first child, so listing children in byte order
//! needs no probing.
//!
//! Version 1 files (sorted edge records, `v1.rs`) still open: they are checked and converted
//! in memory, in O(n).

use super::{v1, Dawg, StateId, ROOT};
use crate::bytes::Bytes;
use crate::dict::{Dictionary, Node};
use crate::error::{Error, FormatError, Result};
use crate::format::{self, le_u64, put_u32, put_u64, Fields, KIND_DAWG, MAGIC};
use std::path::Path;

pub(crate) const HEADER_LEN: usize = 96;
pub(crate) const VERSION: u32 = 2;
const OFF_VERSION: usize = 12;
const OFF_FILE_LEN: usize = 16;
const OFF_TERMS: usize = 24;
const OFF_UNITS: usize = 32;
const OFF_ROOT: usize = 40;
const OFF_MAX_LEN: usize = 48;
const OFF_WIDTHS: usize = 52;
const OFF_FLAGS: usize = 56;
const OFF_ROOT_FIRST: usize = 60;
const OFF_CONSTANT: usize = 64;
const OFF_VALUES: usize = 72;
const OFF_BODY_CRC: usize = 80;
const OFF_HEADER_CRC: usize = 84;

/// Flag: the empty term is in the dictionary.
const FLAG_ROOT_FINAL: u32 = 1;
/// Flag: values are stored per rank (otherwise every term has the header's constant value,
/// and units carry no rank counts).
const FLAG_RANKED: u32 = 2;

/// Unit fields, from the least significant bit: label (8), target is final (1), next sibling's
/// label (8), target's first child's label (8), target base. Ranked files keep each edge's
/// rank count (terms before it) in a separate array, so the unit, read on every step, stays
/// within one 8-byte load however many terms there are.
const FINAL_SHIFT: u32 = 8;
const NEXT_SHIFT: u32 = 9;
const FIRST_SHIFT: u32 = 17;
const FIXED_BITS: u32 = 25;

pub(super) fn bits_for(max: u64) -> u32 {
    64 - max.leading_zeros()
}

pub(super) fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Reads `bits` (at most 57) bits starting at bit `bit` of `bytes` (little-endian), 0 when
/// out of bounds.
#[inline(always)]
pub(super) fn read_bits(bytes: &[u8], bit: u64, bits: u32) -> u64 {
    let byte = (bit / 8) as usize;
    le_u64(bytes, byte).map_or(0, |w| (w >> (bit % 8)) & mask(bits))
}

/// Ors `value` (at most 57 bits) into `out` at bit `bit`, a byte at a time.
pub(super) fn write_bits(out: &mut [u8], bit: u64, bits: u32, value: u64) {
    let shifted = (value & mask(bits)) << (bit % 8);
    let bytes = (bit % 8 + bits as u64).div_ceil(8) as usize;
    let at = (bit / 8) as usize;
    for (i, b) in out[at..at + bytes].iter_mut().enumerate() {
        *b |= (shifted >> (8 * i)) as u8;
    }
}

/// Widths chosen when encoding, stored in the header.
#[derive(Debug, Clone, Copy)]
struct Widths {
    /// Bits per unit.
    unit: u32,
    base: u32,
    rank: u32,
    value: u32,
}

impl Widths {
    /// The base of the edge-less final state: no unit can be reached from it.
    fn sink(self) -> u64 {
        mask(self.base)
    }
}

/// How far back from the end of the array the builder looks for room for a state's children
/// (the free units before it stay empty). Larger finds denser layouts but builds slower.
const WINDOW: u64 = 4096;

/// Where the builder puts each state's children: unit `b + c` for the child labelled `c` of
/// the state with base `b`.
struct Placer {
    /// Bit `p` set when unit `p` is taken.
    used: Vec<u64>,
    /// Bit `b` set when `b` is some state's base.
    bases: Vec<u64>,
    /// Every unit below this is taken.
    full: u64,
    /// One past the last unit taken.
    end: u64,
}

fn bit(set: &[u64], i: u64) -> bool {
    set.get((i / 64) as usize)
        .is_some_and(|w| w >> (i % 64) & 1 == 1)
}

fn set_bit(set: &mut Vec<u64>, i: u64) {
    let w = (i / 64) as usize;
    if w >= set.len() {
        set.resize(w + 1, 0);
    }
    set[w] |= 1 << (i % 64);
}

impl Placer {
    /// A base for a state with these (sorted, non-empty) labels, its units marked taken.
    ///
    /// Bases never end in a zero byte: an empty unit at `p` stores the label `p & 0xFF`, and
    /// a lookup from base `b` reads it as the child `p - b`, which is that label only when
    /// `b = p - (p & 0xFF)`, a base ending in a zero byte. So an empty unit never passes a
    /// label check. Two states never share a base, so a unit's label alone tells which state
    /// owns it.
    fn place(&mut self, labels: &[u8]) -> u64 {
        let first = u64::from(labels[0]);
        let fits = |b: u64| {
            b & 0xFF != 0
                && !bit(&self.bases, b)
                && labels.iter().all(|&c| !bit(&self.used, b + u64::from(c)))
        };
        let mut found = None;
        let mut p = self.full.max(self.end.saturating_sub(WINDOW));
        while p < self.end {
            let word = self.used[(p / 64) as usize] >> (p % 64);
            if word & 1 == 1 {
                // Skip the run of taken units.
                p += u64::from((!word).trailing_zeros().min(64 - (p % 64) as u32));
                continue;
            }
            if p >= first && fits(p - first) {
                found = Some(p - first);
                break;
            }
            p += 1;
        }
        // Past the end everything is free: the first base whose children all land there.
        let b = found.unwrap_or_else(|| {
            let mut b = self.end.saturating_sub(first).max(1);
            while !fits(b) {
                b += 1;
            }
            b
        });
        for &c in labels {
            set_bit(&mut self.used, b + u64::from(c));
        }
        set_bit(&mut self.bases, b);
        self.end = self.end.max(b + u64::from(labels[labels.len() - 1]) + 1);
        while bit(&self.used, self.full) {
            self.full += 1;
        }
        b
    }
}

/// The base of every state with edges (`u64::MAX` for the others), placed in a depth-first
/// order from the root so that a state's children sit near it, and the placer, whose `used`
/// bits and `end` are the taken units and the number of units.
fn layout(d: &Dawg) -> (Vec<u64>, Placer) {
    let g = &d.g;
    let mut base = vec![u64::MAX; g.states.len()];
    let mut placer = Placer {
        used: Vec::new(),
        bases: Vec::new(),
        full: 0,
        end: 0,
    };
    let mut labels = Vec::new();
    let mut stack: Vec<StateId> = vec![ROOT];
    while let Some(s) = stack.pop() {
        let st = &g.states[s as usize];
        if base[s as usize] != u64::MAX || st.edges.is_empty() {
            continue;
        }
        labels.clear();
        labels.extend(st.edges.iter().map(|e| e.0));
        base[s as usize] = placer.place(&labels);
        stack.extend(st.edges.iter().rev().map(|e| e.1));
    }
    (base, placer)
}

/// Serializes a DAWG (version 2).
pub(crate) fn encode(d: &Dawg) -> Result<Vec<u8>> {
    let g = &d.g;
    let (bases, placer) = layout(d);
    let units = placer.end;
    let values: Vec<u64> = d.values.iter().collect();
    let ranked = values.windows(2).any(|w| w[0] != w[1]);
    let constant = if ranked {
        0
    } else {
        values.first().copied().unwrap_or(0)
    };
    let mut w = Widths {
        unit: 0,
        // Every base is below `units`, so the all-ones sink is never a real base.
        base: bits_for(units).max(1),
        rank: if ranked {
            bits_for(values.len() as u64)
        } else {
            0
        },
        value: if ranked {
            bits_for(values.iter().copied().max().unwrap_or(0))
        } else {
            0
        },
    };
    if w.value > 57 {
        w.value = 64;
    }
    w.unit = FIXED_BITS + w.base;
    if w.unit > 57 {
        return Err(Error::TooLarge {
            what: "DAWG units",
            limit: 1 << 32,
        });
    }
    let units_len = (units * w.unit as u64).div_ceil(8) as usize;
    let ranks_off = format::align8(HEADER_LEN + units_len + 8);
    let ranks_len = (units * w.rank as u64).div_ceil(8) as usize;
    let values_off = format::align8(ranks_off + ranks_len + 8);
    let values_len = if w.value == 64 {
        values.len() * 8
    } else {
        (values.len() as u64 * w.value as u64).div_ceil(8) as usize
    };
    let file_len = values_off + values_len + 8;
    let mut out = vec![0u8; file_len];
    let (head, rest) = out.split_at_mut(ranks_off);
    let body = &mut head[HEADER_LEN..HEADER_LEN + units_len];
    let ranks = &mut rest[..ranks_len];
    let target_of = |t: StateId| {
        let ts = &g.states[t as usize];
        match ts.edges.first() {
            Some(&(first, _)) => (bases[t as usize], first),
            None => (w.sink(), 0),
        }
    };
    for (s, st) in g.states.iter().enumerate() {
        let b = bases[s];
        if b == u64::MAX {
            continue;
        }
        let mut before = st.is_final as u64;
        for (i, &(label, t)) in st.edges.iter().enumerate() {
            let ts = &g.states[t as usize];
            let (tb, first) = target_of(t);
            // The last child names itself as its next sibling: siblings only go up.
            let next = st.edges.get(i + 1).map_or(label, |e| e.0);
            let unit = label as u64
                | (ts.is_final as u64) << FINAL_SHIFT
                | (next as u64) << NEXT_SHIFT
                | (first as u64) << FIRST_SHIFT
                | tb << FIXED_BITS;
            let p = b + label as u64;
            write_bits(body, p * w.unit as u64, w.unit, unit);
            if ranked {
                write_bits(ranks, p * w.rank as u64, w.rank, before);
            }
            before += ts.count;
        }
    }
    // Empty units carry their own position's low byte as label (see `Placer::place`).
    for p in (0..units).filter(|&p| !bit(&placer.used, p)) {
        write_bits(body, p * w.unit as u64, 8, p & 0xFF);
    }
    let vals = &mut out[values_off..values_off + values_len];
    for (i, &v) in values.iter().enumerate() {
        if ranked && w.value == 64 {
            vals[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        } else if ranked {
            write_bits(vals, i as u64 * w.value as u64, w.value, v);
        }
    }
    let root = &g.states[ROOT as usize];
    let (root_base, root_first) = target_of(ROOT);
    let mut flags = 0;
    if root.is_final {
        flags |= FLAG_ROOT_FINAL;
    }
    if ranked {
        flags |= FLAG_RANKED;
    }
    let h = &mut out[..HEADER_LEN];
    h[..8].copy_from_slice(&MAGIC);
    put_u32(h, 8, KIND_DAWG);
    put_u32(h, OFF_VERSION, VERSION);
    put_u64(h, OFF_FILE_LEN, file_len as u64);
    put_u64(h, OFF_TERMS, values.len() as u64);
    put_u64(h, OFF_UNITS, units);
    put_u64(h, OFF_ROOT, root_base);
    put_u32(h, OFF_MAX_LEN, d.max_len as u32);
    h[OFF_WIDTHS..OFF_WIDTHS + 4].copy_from_slice(&[
        w.unit as u8,
        w.base as u8,
        w.rank as u8,
        w.value as u8,
    ]);
    put_u32(h, OFF_FLAGS, flags);
    put_u32(h, OFF_ROOT_FIRST, u32::from(root_first));
    put_u64(h, OFF_CONSTANT, constant);
    put_u64(h, OFF_VALUES, values_off as u64);
    format::seal(&mut out, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
    Ok(out)
}

/// Header fields after validation.
#[derive(Debug, Clone)]
struct Meta {
    terms: u64,
    units: u64,
    root: u64,
    root_first: u8,
    root_final: bool,
    ranked: bool,
    max_len: u32,
    w: Widths,
    /// `mask(w.base)`, kept so that decoding a unit needs no branch on the width.
    base_mask: u64,
    constant: u64,
    units_range: std::ops::Range<usize>,
    ranks_range: std::ops::Range<usize>,
    values_range: std::ops::Range<usize>,
}

pub(super) fn invalid(what: &'static str, value: u64) -> FormatError {
    FormatError::Invalid { what, value }
}

/// The header's file length, checked against the bytes (both versions keep it at byte 16).
pub(super) fn file_len(bytes: &[u8]) -> std::result::Result<u64, FormatError> {
    let file_len = Fields::new(bytes).u64(OFF_FILE_LEN);
    if file_len != bytes.len() as u64 {
        return Err(FormatError::Truncated {
            expected: file_len,
            got: bytes.len() as u64,
        });
    }
    Ok(file_len)
}

/// The value width `V` (0..57 or 64; 0 unless ranked), and the longest term, checked; both
/// versions keep them at the same offsets.
pub(super) fn value_width_and_max_len(
    f: &Fields,
    value: u32,
    ranked: bool,
) -> std::result::Result<u32, FormatError> {
    if !(value <= 57 || value == 64) || (!ranked && value != 0) {
        return Err(invalid("value width", value as u64));
    }
    let max_len = f.u32(OFF_MAX_LEN);
    if max_len as usize > crate::MAX_TERM_LEN {
        return Err(invalid("maximum term length", max_len as u64));
    }
    Ok(max_len)
}

/// The value section's byte range (both versions lay it out alike): `V` bits per term
/// (8 bytes at `V = 64`) from the first 8-aligned offset after the padding of the section
/// that ends at `before`, then 8 zero bytes ending the file. `values_off` is the header's
/// copy of the offset, which must agree.
pub(super) fn values_range(
    terms: u64,
    value_bits: u32,
    before: u64,
    values_off: u64,
    file_len: u64,
) -> std::result::Result<std::ops::Range<usize>, FormatError> {
    let values_len = if value_bits == 64 {
        terms.checked_mul(8)
    } else {
        terms.checked_mul(value_bits as u64).map(|b| b.div_ceil(8))
    };
    if values_off != format::align8(before as usize + 8) as u64 {
        return Err(invalid("values offset", values_off));
    }
    let expected_len = values_len
        .and_then(|l| l.checked_add(values_off + 8))
        .ok_or(invalid("term count", terms))?;
    if expected_len != file_len {
        return Err(FormatError::Truncated {
            expected: expected_len,
            got: file_len,
        });
    }
    Ok(values_off as usize..file_len as usize)
}

/// Value number `rank` of a values section of `bits` bits per value.
pub(super) fn read_value(vals: &[u8], bits: u32, rank: u64) -> Option<u64> {
    match bits {
        64 => le_u64(vals, (rank * 8) as usize),
        bits => Some(read_bits(vals, rank * bits as u64, bits)),
    }
}

fn parse(bytes: &[u8]) -> std::result::Result<Meta, FormatError> {
    format::check_common_header(bytes, HEADER_LEN, OFF_HEADER_CRC, KIND_DAWG, VERSION)?;
    let f = Fields::new(bytes);
    let file_len = file_len(bytes)?;
    let [unit, base, rank, value] = f.u32(OFF_WIDTHS).to_le_bytes().map(u32::from);
    let flags = f.u32(OFF_FLAGS);
    if flags & !(FLAG_ROOT_FINAL | FLAG_RANKED) != 0 {
        return Err(invalid("flags", flags as u64));
    }
    if bytes[OFF_HEADER_CRC + 4..HEADER_LEN]
        .iter()
        .any(|&b| b != 0)
    {
        return Err(invalid("reserved header bytes", 0));
    }
    let ranked = flags & FLAG_RANKED != 0;
    if base == 0 || unit != FIXED_BITS + base || unit > 57 || rank > 57 || (!ranked && rank != 0) {
        return Err(invalid("unit widths", f.u32(OFF_WIDTHS) as u64));
    }
    let max_len = value_width_and_max_len(&f, value, ranked)?;
    let w = Widths {
        unit,
        base,
        rank,
        value,
    };
    let terms = f.u64(OFF_TERMS);
    let units = f.u64(OFF_UNITS);
    if units > w.sink() {
        return Err(invalid("unit count", units));
    }
    let root = f.u64(OFF_ROOT);
    if root != w.sink() && root >= units {
        return Err(invalid("root base", root));
    }
    let root_first = f.u32(OFF_ROOT_FIRST);
    if root_first > 0xFF {
        return Err(invalid("root's first label", root_first as u64));
    }
    // `units < 2^32` (a unit of at most 57 bits leaves at most 32 for the base) and both
    // widths are at most 57 bits: nothing here can overflow.
    let units_end = HEADER_LEN as u64 + (units * unit as u64).div_ceil(8);
    let ranks_off = format::align8(units_end as usize + 8) as u64;
    let ranks_end = ranks_off + (units * rank as u64).div_ceil(8);
    if ranks_end + 8 > file_len {
        return Err(FormatError::Truncated {
            expected: ranks_end + 8,
            got: file_len,
        });
    }
    let values_range = values_range(terms, value, ranks_end, f.u64(OFF_VALUES), file_len)?;
    Ok(Meta {
        terms,
        units,
        root,
        root_first: root_first as u8,
        root_final: flags & FLAG_ROOT_FINAL != 0,
        ranked,
        max_len,
        w,
        base_mask: mask(w.base),
        constant: f.u64(OFF_CONSTANT),
        // Every section is followed by 8 bytes of padding so a unit, rank count or value can
        // be read with one 8-byte load.
        units_range: HEADER_LEN..units_end as usize + 8,
        ranks_range: ranks_off as usize..ranks_end as usize + 8,
        values_range,
    })
}

/// A saved DAWG, read in place (mapped or in memory). Read-only; [`DawgFile::to_dawg`] gives
/// an editable copy.
pub struct DawgFile {
    bytes: Bytes,
    meta: Meta,
}

/// One decoded unit: an edge into a state.
#[derive(Clone, Copy)]
struct Unit {
    label: u8,
    target_final: bool,
    next: u8,
    target_first: u8,
    target: u64,
    /// Its position, where its rank count is.
    pos: u64,
}

impl DawgFile {
    fn from_bytes(bytes: Bytes) -> Result<Self> {
        let b = bytes.as_slice();
        // A version 1 image is converted; any other version is checked (and reported)
        // against this one.
        if b.len() >= HEADER_LEN && Fields::new(b).u32(OFF_VERSION) == v1::VERSION {
            return Self::convert_v1(bytes);
        }
        let meta = parse(b)?;
        Ok(DawgFile { bytes, meta })
    }

    /// Rewrites a version 1 image in this version, in memory. Its body is verified first: a
    /// damaged old file is reported, never converted into a plausible new one.
    fn convert_v1(bytes: Bytes) -> Result<Self> {
        let old = v1::V1File::from_bytes(bytes)?;
        old.verify()?;
        let pairs = old.pairs();
        let d = Dawg::from_sorted_unique(pairs.iter().map(|(t, v)| (&t[..], *v)));
        Self::from_bytes(Bytes::Owned(encode(&d)?))
    }

    /// Wraps a saved image held in memory; the header is validated.
    pub fn from_vec(image: Vec<u8>) -> Result<Self> {
        Self::from_bytes(Bytes::Owned(image))
    }

    /// Maps a saved DAWG. O(1): checks the header only; [`DawgFile::verify`] checks the body.
    /// A version 1 file is verified and converted in memory instead (O(n)); save it again to
    /// open it in O(1).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = Bytes::map_file(path, HEADER_LEN)?;
        Self::from_bytes(bytes).map_err(|e| e.with_path(path))
    }

    /// Checks the body checksum: O(size).
    pub fn verify(&self) -> Result<()> {
        Ok(format::check_body(
            self.as_bytes(),
            HEADER_LEN,
            OFF_BODY_CRC,
        )?)
    }

    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::bytes::write_atomic(path.as_ref(), self.as_bytes())
    }

    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    pub fn size_bytes(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn is_mapped(&self) -> bool {
        self.bytes.is_mapped()
    }

    /// Number of units in the double array (edges plus the empty units between them).
    pub fn unit_count(&self) -> u64 {
        self.meta.units
    }

    /// An editable copy (O(n): the terms are listed and rebuilt).
    pub fn to_dawg(&self) -> Dawg {
        let pairs: Vec<(Vec<u8>, u64)> = self.prefix_walk(b"").collect();
        Dawg::from_sorted_unique(pairs.iter().map(|(t, v)| (&t[..], *v)))
    }

    /// The units section, sliced once per walk (each node carries it) rather than at every
    /// step: slicing means a match on how the image is held and two bounds checks.
    fn units(&self) -> &[u8] {
        &self.as_bytes()[self.meta.units_range.clone()]
    }

    /// Decodes unit `p` of `units` (this file's [`DawgFile::units`]), if it is inside the
    /// array.
    #[inline(always)]
    fn unit(&self, units: &[u8], p: u64) -> Option<Unit> {
        if p >= self.meta.units {
            return None;
        }
        // The unit's bits and whatever follows them: every field is cut out below, the target
        // (the highest) masked to its width.
        let bit = p * u64::from(self.meta.w.unit);
        let u = le_u64(units, (bit / 8) as usize).map_or(0, |w| w >> (bit % 8));
        Some(Unit {
            label: u as u8,
            target_final: u >> FINAL_SHIFT & 1 == 1,
            next: (u >> NEXT_SHIFT) as u8,
            target_first: (u >> FIRST_SHIFT) as u8,
            target: (u >> FIXED_BITS) & self.meta.base_mask,
            pos: p,
        })
    }

    /// The edge labelled `c` out of the state with base `base`, if there is one.
    #[inline(always)]
    fn edge(&self, units: &[u8], base: u64, c: u8) -> Option<Unit> {
        // The sink's base is past every unit, so it has no edges.
        self.unit(units, base + u64::from(c))
            .filter(|u| u.label == c)
    }

    /// Terms before the edge at unit `p` within its state (ranked files; 0 otherwise).
    #[inline(always)]
    fn before(&self, p: u64) -> u64 {
        let bits = self.meta.w.rank;
        if bits == 0 {
            return 0;
        }
        let ranks = &self.as_bytes()[self.meta.ranks_range.clone()];
        read_bits(ranks, p * bits as u64, bits)
    }

    fn value_at(&self, rank: u64) -> Option<u64> {
        if !self.meta.ranked {
            return Some(self.meta.constant);
        }
        let vals = &self.as_bytes()[self.meta.values_range.clone()];
        read_value(vals, self.meta.w.value, rank)
    }
}

/// A state of a [`DawgFile`].
#[derive(Clone, Copy)]
pub struct DawgFileNode<'a> {
    file: &'a DawgFile,
    /// `file.units()`.
    units: &'a [u8],
    /// The state's base (the sink's for the edge-less state).
    base: u64,
    /// The label of its first child (meaningless without children).
    first: u8,
    is_final: bool,
    rank: u64,
}

impl<'a> DawgFileNode<'a> {
    fn follow(&self, u: Unit) -> Self {
        DawgFileNode {
            file: self.file,
            units: self.units,
            base: u.target,
            first: u.target_first,
            is_final: u.target_final,
            rank: self.rank + self.file.before(u.pos),
        }
    }
}

impl<'a> Node for DawgFileNode<'a> {
    type Edges = DawgFileEdges<'a>;

    #[inline]
    fn transition(&self, unit: u8) -> Option<Self> {
        // The first child's label came with the node (from the edge into it), so a label
        // below it is refused without reading a unit: fuzzy search asks for many of those.
        if unit < self.first {
            return None;
        }
        self.file
            .edge(self.units, self.base, unit)
            .map(|u| self.follow(u))
    }

    fn is_final(&self) -> bool {
        self.is_final
    }

    fn value(&self) -> Option<u64> {
        if self.is_final {
            self.file.value_at(self.rank)
        } else {
            None
        }
    }

    fn edges(&self) -> DawgFileEdges<'a> {
        DawgFileEdges {
            node: *self,
            next: Some(self.first),
        }
    }
}

/// Edges of a [`DawgFileNode`], in byte order.
pub struct DawgFileEdges<'a> {
    node: DawgFileNode<'a>,
    /// The label of the next child to return.
    next: Option<u8>,
}

impl<'a> Iterator for DawgFileEdges<'a> {
    type Item = (u8, DawgFileNode<'a>);

    // Inlined into the caller's loop (fuzzy search lists thousands of children per query;
    // as a call this made distance 2 on English words 11% slower).
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let c = self.next.take()?;
        // Every named child is checked like a lookup, so a damaged name can end the listing
        // early but never yield a unit that is not a child; names must go up, so it ends.
        let u = self.node.file.edge(self.node.units, self.node.base, c)?;
        if u.next > c {
            self.next = Some(u.next);
        }
        Some((c, self.node.follow(u)))
    }
}

impl Dictionary for DawgFile {
    type Node<'a> = DawgFileNode<'a>;

    fn root(&self) -> DawgFileNode<'_> {
        DawgFileNode {
            file: self,
            units: self.units(),
            base: self.meta.root,
            first: self.meta.root_first,
            is_final: self.meta.root_final,
            rank: 0,
        }
    }

    fn len(&self) -> usize {
        self.meta.terms as usize
    }

    fn max_term_len(&self) -> usize {
        self.meta.max_len as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::Dictionary;

    /// Small random dictionaries over a tiny alphabet (so suffixes are shared), with bytes 0
    /// and 255 and the empty term; ranked values or one constant value.
    fn samples() -> Vec<Dawg> {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut rnd = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let alphabet = [0u8, 1, b'a', b'b', b'c', 0xFE, 0xFF];
        (0..40)
            .map(|i| {
                let pairs: Vec<(Vec<u8>, u64)> = (0..rnd(300))
                    .map(|_| {
                        let t = (0..rnd(7))
                            .map(|_| alphabet[rnd(alphabet.len() as u64) as usize])
                            .collect();
                        (t, if i % 2 == 0 { 7 } else { rnd(1 << 40) })
                    })
                    .collect();
                Dawg::from_pairs(pairs).unwrap()
            })
            .collect()
    }

    /// Walks the file and the editable DAWG in step: the same children in the same order, the
    /// same finality and values, and every one of the 256 bytes leads somewhere in the file
    /// exactly when it does in the DAWG (so no empty or foreign unit passes a label check).
    fn same<A: Node, B: Node>(a: &A, b: &B, depth: usize) {
        assert_eq!(a.value(), b.value());
        assert_eq!(a.is_final(), b.is_final());
        let la: Vec<u8> = a.edges().map(|e| e.0).collect();
        let lb: Vec<u8> = b.edges().map(|e| e.0).collect();
        assert_eq!(la, lb, "children at depth {depth}");
        for c in 0..=255u8 {
            assert_eq!(
                a.transition(c).is_some(),
                b.transition(c).is_some(),
                "byte {c}"
            );
        }
        for ((_, ca), (_, cb)) in a.edges().zip(b.edges()) {
            same(&ca, &cb, depth + 1);
        }
    }

    #[test]
    fn file_answers_like_the_editable_dawg() {
        for d in samples() {
            let f = DawgFile::from_vec(encode(&d).unwrap()).unwrap();
            f.verify().unwrap();
            same(&f.root(), &d.root(), 0);
            assert_eq!(f.len(), d.len());
        }
    }

    /// The label check alone tells edges from everything else, below the first-label shortcut
    /// of `transition` (which would hide a broken rule for empty units): from every state's
    /// base, exactly its listed labels pass `edge`.
    #[test]
    fn only_real_edges_pass_the_label_check() {
        for d in samples() {
            let f = DawgFile::from_vec(encode(&d).unwrap()).unwrap();
            let mut stack = vec![f.root()];
            while let Some(n) = stack.pop() {
                let listed: Vec<u8> = n.edges().map(|e| e.0).collect();
                for c in 0..=255u8 {
                    assert_eq!(
                        f.edge(f.units(), n.base, c).is_some(),
                        listed.contains(&c),
                        "byte {c}"
                    );
                }
                stack.extend(n.edges().map(|e| e.1));
            }
        }
    }

    /// The layout stays dense on data that is hard to pack (thousands of states with the same
    /// eleven labels spread over 73 bytes): at least 80% of the units are edges. Real word
    /// lists do better (99.95% on wamerican-huge, 99.85% on the npm names).
    #[test]
    fn layout_leaves_few_units_empty() {
        let words: Vec<(Vec<u8>, u64)> = (0..20_000u32)
            .map(|i| (format!("w{}x{}", i % 977, i / 7).into_bytes(), 0))
            .collect();
        let d = Dawg::from_pairs(words).unwrap();
        let f = DawgFile::from_vec(encode(&d).unwrap()).unwrap();
        let edges = d.edge_count() as u64;
        assert!(
            f.unit_count() * 4 <= edges * 5,
            "{} units for {edges} edges",
            f.unit_count()
        );
    }

    /// Regression: rank counts used to sit in the unit, so 25 + base bits + rank bits passed
    /// 57 at about 100k distinct values (SymSpell's frequency dictionary) and encoding failed
    /// with `TooLarge`. They now have their own array.
    #[test]
    fn ranked_dictionaries_of_many_terms_encode() {
        let pairs: Vec<(Vec<u8>, u64)> = (0..120_000u64)
            .map(|i| {
                let t = format!(
                    "{:x}q{}",
                    i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40,
                    i % 13
                );
                (t.into_bytes(), i * 1_000_003)
            })
            .collect();
        let d = Dawg::from_pairs(pairs.clone()).unwrap();
        let f = DawgFile::from_vec(encode(&d).unwrap()).unwrap();
        assert!(f.meta.ranked && f.meta.w.rank >= 17);
        for (t, v) in pairs.iter().step_by(97) {
            assert_eq!(f.get(t), d.get(t));
            assert_eq!(f.get(t), Some(*v));
        }
    }

    /// A version 1 image opens as the same dictionary (converted to version 2), and one with
    /// a damaged body is refused instead of being converted.
    #[test]
    fn version_1_files_are_converted_and_damaged_ones_refused() {
        for d in samples() {
            let old = v1::encode(&d).unwrap();
            let f = DawgFile::from_vec(old.clone()).unwrap();
            assert_eq!(Fields::new(f.as_bytes()).u32(OFF_VERSION), VERSION);
            assert!(!f.is_mapped());
            same(&f.root(), &d.root(), 0);
            let mut bad = old;
            let last = bad.len() - 9;
            bad[HEADER_LEN.min(last)] ^= 0x10;
            if bad.len() > HEADER_LEN + 8 {
                assert!(matches!(
                    DawgFile::from_vec(bad).err(),
                    Some(Error::Format {
                        problem: FormatError::ChecksumMismatch { .. },
                        ..
                    })
                ));
            }
        }
    }

    /// Damaged sibling and first-child names end a listing early or name real children, in
    /// increasing order, and never loop.
    #[test]
    fn damaged_links_never_loop_or_invent_children() {
        let d = &samples()[1];
        let good = encode(d).unwrap();
        let f = DawgFile::from_vec(good.clone()).unwrap();
        let w = f.meta.w;
        for p in 0..f.unit_count().min(512) {
            for shift in (NEXT_SHIFT..NEXT_SHIFT + 8).chain(FIRST_SHIFT..FIRST_SHIFT + 8) {
                let mut bad = good.clone();
                let at = p * w.unit as u64 + u64::from(shift);
                bad[HEADER_LEN + (at / 8) as usize] ^= 1 << (at % 8);
                let bf = DawgFile::from_vec(bad).unwrap();
                let mut stack = vec![(bf.root(), 0)];
                let mut seen = 0;
                while let Some((n, depth)) = stack.pop() {
                    let labels: Vec<u8> = n.edges().map(|e| e.0).take(257).collect();
                    assert!(labels.windows(2).all(|l| l[0] < l[1]), "{labels:?}");
                    for &c in &labels {
                        assert!(n.transition(c).is_some());
                    }
                    seen += 1;
                    assert!(seen < 100_000, "the walk does not end");
                    if depth < bf.max_term_len() {
                        stack.extend(n.edges().map(|(_, c)| (c, depth + 1)));
                    }
                }
            }
        }
    }
}
