//! Version 1 of the saved DAWG, read only to convert old files (see `file.rs`): a 96-byte
//! header, the edges of every state packed into fixed-width sorted records, and the values
//! bit-packed by rank. Byte table: `docs/format.md`.
//!
//! A state is addressed by the index of its first edge record; its edges are consecutive and
//! sorted, the last one flagged. The finality of a state is stored on the edges that enter it
//! (and in the header for the root), so a state needs no record of its own. The only state
//! without edges in a minimal DAWG is the final sink, addressed by the all-ones target.

use super::file::{file_len, invalid, mask, read_value, value_width_and_max_len, values_range};
use crate::bytes::Bytes;
use crate::dict::{Dictionary, Node};
use crate::error::{FormatError, Result};
use crate::format::{self, le_u64, Fields, KIND_DAWG};
#[cfg(test)]
use {
    super::file::{bits_for, write_bits},
    super::Dawg,
    crate::error::Error,
    crate::format::{put_u32, put_u64, MAGIC},
};

const HEADER_LEN: usize = 96;
pub(super) const VERSION: u32 = 1;
#[cfg(test)]
const OFF_FILE_LEN: usize = 16;
const OFF_TERMS: usize = 24;
const OFF_EDGES: usize = 32;
const OFF_ROOT: usize = 40;
#[cfg(test)]
const OFF_MAX_LEN: usize = 48;
const OFF_WIDTHS: usize = 52;
const OFF_FLAGS: usize = 56;
const OFF_RESERVED: usize = 60;
const OFF_CONSTANT: usize = 64;
const OFF_VALUES: usize = 72;
const OFF_BODY_CRC: usize = 80;
const OFF_HEADER_CRC: usize = 84;

/// Flag: the empty term is in the dictionary.
const FLAG_ROOT_FINAL: u32 = 1;
/// Flag: values are stored per rank (otherwise every term has the header's constant value,
/// and edges carry no rank counts).
const FLAG_RANKED: u32 = 2;

/// Flag: the root state is dense (see `DENSE_EDGES`).
const FLAG_ROOT_DENSE: u32 = 4;

/// Record fields, from the least significant bit: label (8), last edge of its state (1),
/// target is final (1), target is dense (1), target address, then (ranked files) terms
/// before this edge.
const LABEL_BITS: u32 = 8;
const FIXED_BITS: u32 = 11;

/// States with at least this many edges are dense: a 32-byte bitmap of their labels sits
/// right before their first record, so a transition is one bit test and a popcount instead
/// of a scan. Few states qualify (the root and the first letters of English words) but they
/// are on every lookup's path.
#[cfg(test)]
const DENSE_EDGES: usize = 16;
const BITMAP_BYTES: u64 = 32;

/// Widths chosen when encoding, stored in the header.
#[derive(Debug, Clone, Copy)]
struct Widths {
    /// Bytes per edge record.
    edge: u32,
    target: u32,
    rank: u32,
    value: u32,
}

impl Widths {
    fn sink(self) -> u64 {
        mask(self.target)
    }
}

/// Assigns each state with edges the slot index of its first record, depth-first from the
/// root, leaving room for the bitmap before each dense state. Returns the addresses, the
/// states in layout order and the number of slots.
#[cfg(test)]
fn layout(d: &Dawg, edge_bytes: u32) -> (Vec<u64>, Vec<super::StateId>, u64) {
    let g = &d.g;
    let bitmap_slots = BITMAP_BYTES.div_ceil(edge_bytes as u64);
    let mut addr = vec![u64::MAX; g.states.len()];
    let mut order = Vec::new();
    let mut stack = vec![super::ROOT];
    let mut next = 0u64;
    while let Some(s) = stack.pop() {
        let st = &g.states[s as usize];
        if addr[s as usize] != u64::MAX || st.edges.is_empty() {
            continue;
        }
        if st.edges.len() >= DENSE_EDGES {
            next += bitmap_slots;
        }
        addr[s as usize] = next;
        next += st.edges.len() as u64;
        order.push(s);
        stack.extend(st.edges.iter().rev().map(|e| e.1));
    }
    (addr, order, next)
}

/// Serializes a DAWG in version 1 (tests make old files with it).
#[cfg(test)]
pub(super) fn encode(d: &Dawg) -> Result<Vec<u8>> {
    let g = &d.g;
    // Lay states out depth-first from the root; the edge-less sink gets no address.
    // The record width depends on the number of slots, which depends on the width (bitmaps
    // take 32 bytes of slots): lay out with a guess and redo it if the guess was too small.
    let mut edge_bytes = 2;
    let (addr, order, edges) = loop {
        let (addr, order, slots) = layout(d, edge_bytes);
        let values_len = d.values.len() as u64;
        let ranked = d
            .values
            .iter()
            .zip(d.values.iter().skip(1))
            .any(|(a, b)| a != b);
        let rank = if ranked { bits_for(values_len) } else { 0 };
        let need = (FIXED_BITS + bits_for(slots).max(1) + rank).div_ceil(8);
        if need <= edge_bytes || need > 8 {
            break (addr, order, slots);
        }
        edge_bytes = need;
    };
    let values: Vec<u64> = d.values.iter().collect();
    let ranked = values.windows(2).any(|w| w[0] != w[1]);
    let constant = if ranked {
        0
    } else {
        values.first().copied().unwrap_or(0)
    };
    let target = bits_for(edges).max(1);
    let rank = if ranked {
        bits_for(values.len() as u64)
    } else {
        0
    };
    let mut value = if ranked {
        bits_for(values.iter().copied().max().unwrap_or(0))
    } else {
        0
    };
    if value > 57 {
        value = 64;
    }
    let record_bits = FIXED_BITS + target + rank;
    if record_bits > 57 {
        return Err(Error::TooLarge {
            what: "DAWG edges",
            limit: 1 << 40,
        });
    }
    // The layout settled on `edge_bytes`, which holds at least `record_bits`.
    let w = Widths {
        edge: edge_bytes,
        target,
        rank,
        value,
    };
    if record_bits.div_ceil(8) > edge_bytes {
        return Err(Error::TooLarge {
            what: "DAWG edges",
            limit: 1 << 40,
        });
    }
    let edges_len = (edges * w.edge as u64) as usize;
    let values_off = format::align8(HEADER_LEN + edges_len + 8);
    let values_len = if value == 64 {
        values.len() * 8
    } else {
        (values.len() as u64 * value as u64).div_ceil(8) as usize
    };
    let file_len = values_off + values_len + 8;
    let mut out = vec![0u8; file_len];
    let body = &mut out[HEADER_LEN..HEADER_LEN + edges_len];
    for &s in &order {
        let st = &g.states[s as usize];
        let mut before = st.is_final as u64;
        let base = addr[s as usize];
        for (i, &(label, t)) in st.edges.iter().enumerate() {
            let ts = &g.states[t as usize];
            let target = if ts.edges.is_empty() {
                w.sink()
            } else {
                addr[t as usize]
            };
            let last = i + 1 == st.edges.len();
            let dense = ts.edges.len() >= DENSE_EDGES;
            let mut rec = label as u64
                | (last as u64) << LABEL_BITS
                | (ts.is_final as u64) << 9
                | (dense as u64) << 10
                | target << FIXED_BITS;
            if ranked {
                rec |= before << (FIXED_BITS + w.target);
            }
            let bit = (base + i as u64) * w.edge as u64 * 8;
            write_bits(body, bit, w.edge * 8, rec);
            before += ts.count;
        }
        if st.edges.len() >= DENSE_EDGES {
            let start = (base * w.edge as u64 - BITMAP_BYTES) as usize;
            for &(label, _) in &st.edges {
                body[start + label as usize / 8] |= 1 << (label % 8);
            }
        }
    }
    let vals = &mut out[values_off..values_off + values_len];
    for (i, &v) in values.iter().enumerate() {
        if ranked && value == 64 {
            vals[i * 8..i * 8 + 8].copy_from_slice(&v.to_le_bytes());
        } else if ranked {
            write_bits(vals, i as u64 * value as u64, value, v);
        }
    }
    let root_final = g.states[super::ROOT as usize].is_final;
    let root = if g.states[super::ROOT as usize].edges.is_empty() {
        w.sink()
    } else {
        addr[super::ROOT as usize]
    };
    let mut flags = 0;
    if root_final {
        flags |= FLAG_ROOT_FINAL;
    }
    if ranked {
        flags |= FLAG_RANKED;
    }
    if g.states[super::ROOT as usize].edges.len() >= DENSE_EDGES {
        flags |= FLAG_ROOT_DENSE;
    }
    let h = &mut out[..HEADER_LEN];
    h[..8].copy_from_slice(&MAGIC);
    put_u32(h, 8, KIND_DAWG);
    put_u32(h, 12, VERSION);
    put_u64(h, OFF_FILE_LEN, file_len as u64);
    put_u64(h, OFF_TERMS, values.len() as u64);
    put_u64(h, OFF_EDGES, edges);
    put_u64(h, OFF_ROOT, root);
    put_u32(h, OFF_MAX_LEN, d.max_len as u32);
    h[OFF_WIDTHS..OFF_WIDTHS + 4].copy_from_slice(&[
        w.edge as u8,
        w.target as u8,
        w.rank as u8,
        w.value as u8,
    ]);
    put_u32(h, OFF_FLAGS, flags);
    put_u64(h, OFF_CONSTANT, constant);
    put_u64(h, OFF_VALUES, values_off as u64);
    format::seal(&mut out, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
    Ok(out)
}

/// Header fields after validation.
#[derive(Debug, Clone)]
struct Meta {
    terms: u64,
    edges: u64,
    root: u64,
    root_final: bool,
    root_dense: bool,
    ranked: bool,
    max_len: u32,
    w: Widths,
    constant: u64,
    edges_range: std::ops::Range<usize>,
    values_range: std::ops::Range<usize>,
}

fn parse(bytes: &[u8]) -> std::result::Result<Meta, FormatError> {
    format::check_common_header(bytes, HEADER_LEN, OFF_HEADER_CRC, KIND_DAWG, VERSION)?;
    let f = Fields::new(bytes);
    let file_len = file_len(bytes)?;
    let [edge, target, rank, value] = f.u32(OFF_WIDTHS).to_le_bytes().map(u32::from);
    let flags = f.u32(OFF_FLAGS);
    if flags & !(FLAG_ROOT_FINAL | FLAG_RANKED | FLAG_ROOT_DENSE) != 0 {
        return Err(invalid("flags", flags as u64));
    }
    if f.u32(OFF_RESERVED) != 0
        || bytes[OFF_HEADER_CRC + 4..HEADER_LEN]
            .iter()
            .any(|&b| b != 0)
    {
        return Err(invalid("reserved header bytes", 0));
    }
    let ranked = flags & FLAG_RANKED != 0;
    let record_bits = FIXED_BITS + target + rank;
    if target == 0
        || record_bits > 57
        || edge < record_bits.div_ceil(8)
        || edge > 8
        || (!ranked && rank != 0)
    {
        return Err(invalid("edge record widths", f.u32(OFF_WIDTHS) as u64));
    }
    let max_len = value_width_and_max_len(&f, value, ranked)?;
    let w = Widths {
        edge,
        target,
        rank,
        value,
    };
    let terms = f.u64(OFF_TERMS);
    let edges = f.u64(OFF_EDGES);
    if edges > w.sink() {
        return Err(invalid("edge count", edges));
    }
    let root = f.u64(OFF_ROOT);
    if root != w.sink() && root >= edges.max(1) {
        return Err(invalid("root address", root));
    }
    let edges_end = edges
        .checked_mul(edge as u64)
        .and_then(|n| n.checked_add(HEADER_LEN as u64))
        .filter(|&n| n + 8 <= file_len)
        .ok_or(invalid("edge count", edges))?;
    let values_range = values_range(terms, value, edges_end, f.u64(OFF_VALUES), file_len)?;
    Ok(Meta {
        terms,
        edges,
        root,
        root_final: flags & FLAG_ROOT_FINAL != 0,
        root_dense: flags & FLAG_ROOT_DENSE != 0,
        ranked,
        max_len,
        w,
        constant: f.u64(OFF_CONSTANT),
        // Both sections are followed by 8 bytes of padding so a record or value can be read
        // with one 8-byte load.
        edges_range: HEADER_LEN..edges_end as usize + 8,
        values_range,
    })
}

/// A version 1 DAWG image, read in place.
pub struct V1File {
    bytes: Bytes,
    meta: Meta,
    /// Byte length of the edge records (without padding).
    records_end: usize,
}

/// One decoded edge record.
#[derive(Clone, Copy)]
struct Edge {
    label: u8,
    last: bool,
    target_final: bool,
    target_dense: bool,
    target: u64,
    before: u64,
}

impl V1File {
    /// Reads a version 1 image; the header is validated, the body is not.
    pub(super) fn from_bytes(bytes: Bytes) -> Result<Self> {
        let meta = parse(bytes.as_slice())?;
        let records_end = (meta.edges * meta.w.edge as u64) as usize;
        Ok(V1File {
            bytes,
            meta,
            records_end,
        })
    }

    /// Checks the body checksum: O(size).
    pub(super) fn verify(&self) -> Result<()> {
        Ok(format::check_body(
            self.bytes.as_slice(),
            HEADER_LEN,
            OFF_BODY_CRC,
        )?)
    }

    /// Every term with its value, in byte order. The body must have passed [`V1File::verify`]:
    /// then the records are the ones the encoder wrote and the walk lists exactly the header's
    /// number of terms (it is cut there in any case).
    pub(super) fn pairs(&self) -> Vec<(Vec<u8>, u64)> {
        let mut w = self.prefix_walk(b"");
        let mut out = Vec::new();
        while out.len() < self.meta.terms as usize {
            match w.next_entry() {
                Some((t, v)) => out.push((t.to_vec(), v)),
                None => break,
            }
        }
        out
    }

    /// Decodes the record at byte offset `off` of the edge section (records end at
    /// `records_end`; the section has 8 bytes of padding so the load stays in bounds).
    #[inline(always)]
    fn edge_at(&self, body: &[u8], off: usize) -> Option<Edge> {
        if off >= self.records_end {
            return None;
        }
        let w = self.meta.w;
        let rec = le_u64(body, off)?;
        Some(Edge {
            label: rec as u8,
            last: rec >> LABEL_BITS & 1 == 1,
            target_final: rec >> 9 & 1 == 1,
            target_dense: rec >> 10 & 1 == 1,
            target: (rec >> FIXED_BITS) & mask(w.target),
            before: (rec >> (FIXED_BITS + w.target)) & mask(w.rank),
        })
    }

    #[inline(always)]
    fn body(&self) -> &[u8] {
        &self.bytes.as_slice()[self.meta.edges_range.clone()]
    }

    /// Byte offset of the record with index `index` (saturating: far addresses are simply
    /// out of bounds).
    #[inline(always)]
    fn offset(&self, index: u64) -> usize {
        usize::try_from(index.saturating_mul(self.meta.w.edge as u64)).unwrap_or(usize::MAX)
    }

    fn value_at(&self, rank: u64) -> Option<u64> {
        if !self.meta.ranked {
            return Some(self.meta.constant);
        }
        let vals = &self.bytes.as_slice()[self.meta.values_range.clone()];
        read_value(vals, self.meta.w.value, rank)
    }
}

/// A state of a [`V1File`].
#[derive(Clone, Copy)]
pub struct V1Node<'a> {
    file: &'a V1File,
    /// Address of the first edge (the sink address for the edge-less state).
    addr: u64,
    is_final: bool,
    /// A label bitmap precedes the records.
    dense: bool,
    rank: u64,
}

impl<'a> V1Node<'a> {
    fn follow(&self, e: Edge) -> Self {
        V1Node {
            file: self.file,
            addr: e.target,
            is_final: e.target_final,
            dense: e.target_dense,
            rank: self.rank + e.before,
        }
    }
}

impl<'a> Node for V1Node<'a> {
    type Edges = V1Edges<'a>;

    #[inline]
    fn transition(&self, unit: u8) -> Option<Self> {
        let f = self.file;
        let body = f.body();
        let step = f.meta.w.edge as usize;
        let mut off = f.offset(self.addr);
        if self.dense {
            // Bit test, then the record's index among the state's edges is the number of
            // smaller labels present.
            let map = off
                .checked_sub(BITMAP_BYTES as usize)
                .and_then(|s| body.get(s..off))?;
            let word = |i: usize| le_u64(map, i * 8).unwrap_or(0);
            let (wi, bit) = (unit as usize / 64, unit as u32 % 64);
            if word(wi) >> bit & 1 == 0 {
                return None;
            }
            let below = (0..wi).map(|i| word(i).count_ones()).sum::<u32>()
                + (word(wi) & mask(bit)).count_ones();
            let e = f.edge_at(body, off + below as usize * step)?;
            return (e.label == unit).then(|| self.follow(e));
        }
        loop {
            let e = f.edge_at(body, off)?;
            if e.label == unit {
                return Some(self.follow(e));
            }
            if e.label > unit || e.last {
                return None;
            }
            off += step;
        }
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

    fn edges(&self) -> V1Edges<'a> {
        V1Edges {
            node: *self,
            next: self.addr,
            done: false,
        }
    }
}

/// Edges of a [`V1Node`], in byte order.
pub struct V1Edges<'a> {
    node: V1Node<'a>,
    next: u64,
    done: bool,
}

impl<'a> Iterator for V1Edges<'a> {
    type Item = (u8, V1Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let f = self.node.file;
        let Some(e) = f.edge_at(f.body(), f.offset(self.next)) else {
            self.done = true;
            return None;
        };
        self.done = e.last;
        self.next += 1;
        Some((e.label, self.node.follow(e)))
    }
}

impl Dictionary for V1File {
    type Node<'a> = V1Node<'a>;

    fn root(&self) -> V1Node<'_> {
        V1Node {
            file: self,
            addr: self.meta.root,
            is_final: self.meta.root_final,
            dense: self.meta.root_dense,
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
