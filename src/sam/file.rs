//! The saved suffix automaton: a 96-byte header, the text lengths, each state's first edge,
//! a 16-byte record per state, 10-byte edge records sorted by label, the positions in
//! link-tree preorder, and (version 3, small alphabets) the k-mer table (`kmer.rs`). The same
//! bytes are read in memory and through mmap, so opening is O(number of texts). Byte table:
//! `docs/format.md`.
//!
//! States keep their creation order: the states of consecutive text positions are
//! consecutive, so the long unique stretches a query walks once it is past the shared
//! prefixes read memory sequentially. An edge record carries where its target's edges are
//! (first record and count), so spelling a pattern reads one run of edge records per letter:
//! one cache miss, where looking the target up in the first-edge array would add a second.

use super::graph::{Graph, NONE, ROOT};
use super::kmer::{Kmers, ABSENT, ENTRY, SHAPE_LEN};
use super::occ::OccIndex;
use super::query::{Automaton, Positions, TextMap};
use super::{Form, SuffixAutomaton, MAX_TOTAL_BYTES};
use crate::bytes::Bytes;
use crate::dict::{Dictionary, Node};
use crate::error::{Error, FormatError, Result};
use crate::format::{self, align8, le_u32, put_u32, put_u64, Fields, KIND_SUFFIX_AUTOMATON, MAGIC};
use std::path::Path;

pub(crate) const HEADER_LEN: usize = 96;
/// Version 3 added the k-mer table; version 2 files (which have none) are still read.
pub(crate) const VERSION: u32 = 3;
const VERSION_2: u32 = 2;
const OFF_FILE_LEN: usize = 16;
const OFF_STATES: usize = 24;
const OFF_EDGES: usize = 32;
const OFF_TEXTS: usize = 40;
const OFF_TOTAL: usize = 48;
const OFF_LAST: usize = 56;
const OFF_DISTINCT: usize = 64;
const OFF_MAX_TEXT: usize = 72;
const OFF_BODY_CRC: usize = 80;
/// Version 3: `u8` k-mer table depth, `u8` number of table letters, four letter bytes, two
/// zero bytes; then the header CRC, which so covers them.
const OFF_KMER: usize = 84;
const OFF_HEADER_CRC: usize = 92;
/// Version 2 kept its header CRC where the table's shape now is, and zeros after it.
const OFF_HEADER_CRC_V2: usize = 84;

const STATE_BYTES: usize = 16;
/// Label, target's edge count, target, target's first edge.
const EDGE_BYTES: usize = 10;
/// An edge count this large or larger is read from the first-edge array instead.
const MANY_EDGES: u8 = u8::MAX;
/// Bit 31 of a state's length field: the state is a clone (ends no text position).
const CLONE_BIT: u32 = 1 << 31;

/// Where each section starts; computed from the header's counts.
#[derive(Debug, Clone, Copy)]
struct Layout {
    texts: usize,
    first: usize,
    states: usize,
    edges: usize,
    occ: usize,
    kmers: usize,
    end: usize,
}

impl Layout {
    /// `None` when the counts overflow the address space (a damaged header).
    fn new(states: u64, edges: u64, texts: u64, total: u64, k: u8) -> Option<Self> {
        let texts_off = HEADER_LEN;
        let first_off = texts_off.checked_add(usize::try_from(texts).ok()?.checked_mul(8)?)?;
        let n = usize::try_from(states).ok()?;
        let states_off = align8(first_off.checked_add(n.checked_add(1)?.checked_mul(4)?)?);
        let edges_off = states_off.checked_add(n.checked_mul(STATE_BYTES)?)?;
        let occ_off =
            align8(edges_off.checked_add(usize::try_from(edges).ok()?.checked_mul(EDGE_BYTES)?)?);
        let kmers_off = align8(occ_off.checked_add(usize::try_from(total).ok()?.checked_mul(4)?)?);
        let end = kmers_off.checked_add(Kmers::section_len(k))?;
        Some(Layout {
            texts: texts_off,
            first: first_off,
            states: states_off,
            edges: edges_off,
            occ: occ_off,
            kmers: kmers_off,
            end,
        })
    }
}

/// Serializes an automaton with its index.
pub(crate) fn encode(g: &Graph, ix: &OccIndex, texts: &TextMap) -> Result<Vec<u8>> {
    let n = g.state_count();
    let m = g.edge_count();
    let total = texts.total();
    let kmers = Kmers::plan(g, ix, total);
    let lay = Layout::new(n as u64, m as u64, texts.count() as u64, total, kmers.k).ok_or(
        Error::TooLarge {
            what: "suffix automaton file bytes",
            limit: usize::MAX as u64,
        },
    )?;
    let mut out = vec![0u8; lay.end];
    out[..8].copy_from_slice(&MAGIC);
    put_u32(&mut out, 8, KIND_SUFFIX_AUTOMATON);
    put_u32(&mut out, 12, VERSION);
    put_u64(&mut out, OFF_FILE_LEN, lay.end as u64);
    put_u64(&mut out, OFF_STATES, n as u64);
    put_u64(&mut out, OFF_EDGES, m as u64);
    put_u64(&mut out, OFF_TEXTS, texts.count() as u64);
    put_u64(&mut out, OFF_TOTAL, total);
    put_u32(&mut out, OFF_LAST, g.last);
    put_u64(&mut out, OFF_DISTINCT, ix.distinct);
    put_u64(&mut out, OFF_MAX_TEXT, texts.max_len());
    out[OFF_KMER..OFF_KMER + SHAPE_LEN].copy_from_slice(&kmers.shape());
    for (i, &len) in texts.lens().iter().enumerate() {
        put_u64(&mut out, lay.texts + i * 8, len);
    }
    // Every record names its target's first edge, so the first-edge array is computed before
    // any record is written.
    let mut first = Vec::with_capacity(n + 1);
    let mut at = 0u32;
    for v in 0..n {
        first.push(at);
        at += g.edges(v as u32).count() as u32;
    }
    first.push(at);
    let mut edge = 0usize;
    let mut sorted = Vec::new();
    for v in 0..n {
        let rec = lay.states + v * STATE_BYTES;
        let clone = if g.is_clone(v as u32) { CLONE_BIT } else { 0 };
        put_u32(&mut out, lay.first + v * 4, edge as u32);
        put_u32(&mut out, rec, g.len(v as u32) | clone);
        put_u32(&mut out, rec + 4, g.link(v as u32));
        put_u32(&mut out, rec + 8, ix.count[v]);
        put_u32(&mut out, rec + 12, ix.occ_lo[v]);
        sorted.clear();
        sorted.extend(g.edges(v as u32));
        sorted.sort_unstable_by_key(|e| e.0);
        for &(label, target) in &sorted {
            let at = lay.edges + edge * EDGE_BYTES;
            let t = target as usize;
            out[at] = label;
            out[at + 1] = (first[t + 1] - first[t]).min(u32::from(MANY_EDGES)) as u8;
            put_u32(&mut out, at + 2, target);
            put_u32(&mut out, at + 6, first[t]);
            edge += 1;
        }
    }
    put_u32(&mut out, lay.first + n * 4, edge as u32);
    for (i, &p) in ix.occ.iter().enumerate() {
        put_u32(&mut out, lay.occ + i * 4, p);
    }
    kmers.fill(g, &first, &mut out[lay.kmers..lay.end]);
    format::seal(&mut out, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
    Ok(out)
}

/// A saved suffix automaton, in memory or mapped. Read-only; [`SamFile::to_automaton`] gives
/// an editable copy to append to.
pub struct SamFile {
    bytes: Bytes,
    lay: Layout,
    states: u32,
    edges: u32,
    last: u32,
    distinct: u64,
    texts: TextMap,
    kmers: Kmers,
}

fn invalid(what: &'static str, value: u64) -> Error {
    Error::Format {
        path: None,
        problem: FormatError::Invalid { what, value },
    }
}

impl SamFile {
    /// Maps a saved automaton. Checks the header (magic, kind, version, checksum, sizes and
    /// text lengths) in O(number of texts); [`SamFile::verify`] checks the body.
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = Bytes::map_file(path, HEADER_LEN)?;
        Self::from_bytes(bytes).map_err(|e| e.with_path(path))
    }

    /// Reads a saved automaton from memory.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Self> {
        Self::from_bytes(Bytes::Owned(bytes))
    }

    fn from_bytes(bytes: Bytes) -> Result<Self> {
        let b = bytes.as_slice();
        let f = Fields::new(b);
        // Either version is accepted; anything else is reported against the current one.
        let version = if b.len() >= 16 && f.u32(12) == VERSION_2 {
            VERSION_2
        } else {
            VERSION
        };
        let crc_off = if version == VERSION_2 {
            OFF_HEADER_CRC_V2
        } else {
            OFF_HEADER_CRC
        };
        format::check_common_header(b, HEADER_LEN, crc_off, KIND_SUFFIX_AUTOMATON, version)
            .map_err(|problem| Error::Format {
                path: None,
                problem,
            })?;
        let reserved = if version == VERSION_2 {
            &b[OFF_HEADER_CRC_V2 + 4..HEADER_LEN]
        } else {
            &b[OFF_KMER + SHAPE_LEN..OFF_HEADER_CRC]
        };
        if f.u32(OFF_LAST + 4) != 0 || reserved.iter().any(|&x| x != 0) {
            return Err(invalid("reserved header bytes", 0));
        }
        let kmers = if version == VERSION_2 {
            Kmers::none()
        } else {
            let mut shape = [0u8; SHAPE_LEN];
            shape.copy_from_slice(&b[OFF_KMER..OFF_KMER + SHAPE_LEN]);
            Kmers::from_shape(&shape).map_err(|(what, value)| invalid(what, value))?
        };
        let (n, m, k, total) = (
            f.u64(OFF_STATES),
            f.u64(OFF_EDGES),
            f.u64(OFF_TEXTS),
            f.u64(OFF_TOTAL),
        );
        if total > MAX_TOTAL_BYTES {
            return Err(invalid("total text bytes", total));
        }
        // Blumer et al.'s bounds: at most two states per letter (plus the root) and three
        // edges per letter.
        if n == 0 || n > 2 * total + 1 {
            return Err(invalid("state count", n));
        }
        if m > 3 * total {
            return Err(invalid("edge count", m));
        }
        if k > total + 1 {
            return Err(invalid("text count", k));
        }
        let lay = Layout::new(n, m, k, total, kmers.k).ok_or(invalid("state count", n))?;
        let file_len = f.u64(OFF_FILE_LEN);
        if file_len != lay.end as u64 || b.len() as u64 != file_len {
            return Err(Error::Format {
                path: None,
                problem: FormatError::Truncated {
                    expected: lay.end as u64,
                    got: b.len() as u64,
                },
            });
        }
        let texts = TextMap::from_lens((0..k as usize).map(|i| f.u64(lay.texts + i * 8)));
        if texts.total() != total {
            return Err(invalid("sum of text lengths", texts.total()));
        }
        if f.u64(OFF_MAX_TEXT) != texts.max_len() {
            return Err(invalid("longest text length", f.u64(OFF_MAX_TEXT)));
        }
        let last = f.u32(OFF_LAST);
        if u64::from(last) >= n {
            return Err(invalid("last state", last.into()));
        }
        let distinct = f.u64(OFF_DISTINCT);
        Ok(SamFile {
            lay,
            states: n as u32,
            edges: m as u32,
            last,
            distinct,
            texts,
            kmers,
            bytes,
        })
    }

    /// Checks the body checksum: O(file size).
    pub fn verify(&self) -> Result<()> {
        format::check_body(self.bytes.as_slice(), HEADER_LEN, OFF_BODY_CRC).map_err(|problem| {
            Error::Format {
                path: None,
                problem,
            }
        })
    }

    /// Writes the same bytes to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::bytes::write_atomic(path, self.bytes.as_slice())
    }

    pub fn size_bytes(&self) -> usize {
        self.bytes.as_slice().len()
    }

    pub fn is_mapped(&self) -> bool {
        self.bytes.is_mapped()
    }

    pub fn state_count(&self) -> usize {
        self.states as usize
    }

    /// Letters the k-mer table skips (0: no table). Saving builds one when at most four
    /// letters make up nine tenths of the texts, as in DNA; see `docs/format.md`.
    pub fn kmer_depth(&self) -> usize {
        self.kmers.k as usize
    }

    pub fn edge_count(&self) -> usize {
        self.edges as usize
    }

    pub fn text_count(&self) -> usize {
        self.texts.count()
    }

    pub fn text_len(&self, text: u32) -> Option<u64> {
        self.texts.len_of(text as usize)
    }

    /// Field `field` of state `v`'s record: 0 length (and clone bit), 1 suffix link, 2 count,
    /// 3 start of its run of positions.
    #[inline]
    fn field(&self, v: u32, field: usize) -> Option<u32> {
        if v >= self.states {
            return None;
        }
        le_u32(
            self.bytes.as_slice(),
            self.lay.states + v as usize * STATE_BYTES + field * 4,
        )
    }

    /// The edge records of `v`, as a range of edge indices.
    #[inline]
    fn edge_range(&self, v: u32) -> (u32, u32) {
        if v >= self.states {
            return (0, 0);
        }
        let b = self.bytes.as_slice();
        let at = self.lay.first + v as usize * 4;
        let lo = le_u32(b, at).unwrap_or(0);
        let hi = le_u32(b, at + 4).unwrap_or(0);
        if lo > hi || hi > self.edges {
            return (0, 0);
        }
        (lo, hi)
    }

    #[inline]
    fn edge(&self, i: u32) -> Option<(u8, u32)> {
        let at = self.lay.edges + i as usize * EDGE_BYTES;
        let b = self.bytes.as_slice();
        let target = le_u32(b, at + 2)?;
        (target < self.states).then(|| (b[at], target))
    }

    /// The record labelled `c` among the records `range` of one state (sorted by label).
    #[inline]
    fn labelled(&self, range: (u32, u32), c: u8) -> Option<u32> {
        let labels = &self.bytes.as_slice()[self.lay.edges..];
        for i in range.0..range.1 {
            match labels.get(i as usize * EDGE_BYTES)?.cmp(&c) {
                std::cmp::Ordering::Equal => return Some(i),
                std::cmp::Ordering::Greater => return None,
                std::cmp::Ordering::Less => {}
            }
        }
        None
    }

    /// The target of edge record `i` and its edge range, from the record alone (the
    /// first-edge array only for a target with [`MANY_EDGES`] or more).
    #[inline]
    fn follow(&self, i: u32) -> Option<(u32, (u32, u32))> {
        let at = self.lay.edges + i as usize * EDGE_BYTES;
        let b = self.bytes.as_slice();
        let target = le_u32(b, at + 2)?;
        if target >= self.states {
            return None;
        }
        let count = *b.get(at + 1)?;
        if count == MANY_EDGES {
            return Some((target, self.edge_range(target)));
        }
        // Clipped to the edge section: a damaged record cannot send reads elsewhere.
        let lo = le_u32(b, at + 6)?.min(self.edges);
        Some((
            target,
            (lo, lo.saturating_add(count.into()).min(self.edges)),
        ))
    }

    /// An editable copy, to append more texts to: O(size). Checks the body checksum and the
    /// invariants the construction relies on to terminate (every suffix link leads to a
    /// shorter state, every edge to a longer one), so a damaged file gives an error here
    /// rather than a loop later.
    pub fn to_automaton(&self) -> Result<SuffixAutomaton> {
        self.verify()?;
        let len = |v: u32| self.field(v, 0).unwrap_or(0) & !CLONE_BIT;
        if len(ROOT) != 0 {
            return Err(invalid("root length", len(ROOT).into()));
        }
        let mut states = Vec::with_capacity(self.states as usize);
        states.push((0, NONE, false));
        for v in 1..self.states {
            let raw = self.field(v, 0).unwrap_or(0);
            let link = self.field(v, 1).unwrap_or(NONE);
            if link >= self.states || len(link) >= len(v) {
                return Err(invalid("suffix link", link.into()));
            }
            states.push((raw & !CLONE_BIT, link, raw & CLONE_BIT != 0));
        }
        let mut edges = Vec::with_capacity(self.edges as usize);
        for v in 0..self.states {
            let (lo, hi) = self.edge_range(v);
            for i in lo..hi {
                let (c, t) = self.edge(i).ok_or(invalid("edge target", i.into()))?;
                if len(t) <= len(v) {
                    return Err(invalid("edge target", t.into()));
                }
                edges.push((v, c, t));
            }
        }
        Ok(SuffixAutomaton::from_parts(
            Graph::from_parts(states.into_iter(), edges.into_iter(), self.last),
            self.texts.clone(),
        ))
    }

    fn node(&self, v: u32) -> SamFileNode<'_> {
        SamFileNode { f: self, v }
    }

    pub fn contains(&self, pattern: &[u8]) -> bool {
        Form::contains(self, pattern)
    }

    pub fn count(&self, pattern: &[u8]) -> u64 {
        Form::count(self, pattern)
    }

    pub fn occurrences(&self, pattern: &[u8]) -> super::Occurrences<'_> {
        Form::occurrences(self, pattern)
    }

    pub fn longest_common_substring(&self, query: &[u8]) -> Option<super::CommonSubstring> {
        Form::longest_common_substring(self, query)
    }
}

impl Automaton for SamFile {
    /// Spells `pattern` carrying each state's edge range from the record that led to it,
    /// starting past its first k letters when the k-mer table covers them.
    fn find(&self, pattern: &[u8]) -> Option<u32> {
        let (mut v, skip, mut range) = match self.kmers.index(pattern) {
            Some(i) => {
                let b = self.bytes.as_slice();
                let at = self.lay.kmers + i * ENTRY;
                let (lo, hi) = (le_u32(b, at)?, le_u32(b, at + 4)?);
                if lo == ABSENT {
                    return None;
                }
                // Clipped like an edge record's range: a damaged entry cannot send reads
                // elsewhere. (The state itself is not needed: the pattern is longer than k,
                // so the walk below takes at least one more step and ends on a target.)
                let hi = hi.min(self.edges);
                (ROOT, self.kmers.k as usize, (lo.min(hi), hi))
            }
            None => (ROOT, 0, self.edge_range(ROOT)),
        };
        for &c in &pattern[skip..] {
            (v, range) = self.follow(self.labelled(range, c)?)?;
        }
        Some(v)
    }

    #[inline]
    fn transition(&self, v: u32, c: u8) -> Option<u32> {
        let i = self.labelled(self.edge_range(v), c)?;
        self.edge(i).map(|(_, target)| target)
    }

    fn state_len(&self, v: u32) -> u32 {
        self.field(v, 0).unwrap_or(0) & !CLONE_BIT
    }

    fn link(&self, v: u32) -> u32 {
        if v == ROOT {
            return NONE;
        }
        self.field(v, 1)
            .filter(|&l| l < self.states)
            .unwrap_or(NONE)
    }
}

impl Form for SamFile {
    type A = SamFile;

    fn automaton(&self) -> &SamFile {
        self
    }

    fn texts(&self) -> &TextMap {
        &self.texts
    }

    fn state_count_of(&self, v: u32) -> u64 {
        self.field(v, 2).unwrap_or(0).into()
    }

    fn run(&self, v: u32, plen: usize) -> super::Occurrences<'_> {
        let lo = self.field(v, 3).unwrap_or(0) as usize;
        let count = self.field(v, 2).unwrap_or(0) as usize;
        let occ = &self.bytes.as_slice()[self.lay.occ..self.lay.end];
        // A damaged record cannot send the cursor past the positions it owns.
        let positions = (self.texts.total() as usize).min(occ.len() / 4);
        let count = count.min(positions.saturating_sub(lo));
        super::Occurrences::run(&self.texts, Positions::Le(occ), lo, count, plen)
    }
}

/// A state of a saved suffix automaton, as a [`Node`].
#[derive(Clone)]
pub struct SamFileNode<'a> {
    f: &'a SamFile,
    v: u32,
}

/// Outgoing edges of a [`SamFileNode`], in byte order.
pub struct SamFileEdges<'a> {
    f: &'a SamFile,
    next: u32,
    end: u32,
}

impl<'a> Iterator for SamFileEdges<'a> {
    type Item = (u8, SamFileNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        while self.next < self.end {
            let i = self.next;
            self.next += 1;
            if let Some((c, t)) = self.f.edge(i) {
                return Some((c, self.f.node(t)));
            }
        }
        None
    }
}

impl<'a> Node for SamFileNode<'a> {
    type Edges = SamFileEdges<'a>;

    fn transition(&self, unit: u8) -> Option<Self> {
        Automaton::transition(self.f, self.v, unit).map(|t| self.f.node(t))
    }

    fn value(&self) -> Option<u64> {
        if self.v == ROOT {
            let n = self.f.texts.empty_count();
            return (n > 0).then_some(n);
        }
        Some(self.f.state_count_of(self.v))
    }

    fn edges(&self) -> SamFileEdges<'a> {
        let (lo, hi) = self.f.edge_range(self.v);
        SamFileEdges {
            f: self.f,
            next: lo,
            end: hi,
        }
    }
}

impl Dictionary for SamFile {
    type Node<'a> = SamFileNode<'a>;

    fn root(&self) -> SamFileNode<'_> {
        self.node(ROOT)
    }

    fn len(&self) -> usize {
        self.distinct as usize + usize::from(self.texts.count() > 0)
    }

    fn max_term_len(&self) -> usize {
        self.texts.max_len() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved automaton over `text` (one text).
    fn saved(text: &[u8]) -> Vec<u8> {
        SuffixAutomaton::from_texts([text])
            .unwrap()
            .to_file_bytes()
            .unwrap()
    }

    /// A DNA-like text: enough letters for a table of depth 4 (4^4 <= 300).
    fn dna() -> Vec<u8> {
        let mut x = 7u32;
        (0..300)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                b"ACGT"[(x >> 16) as usize % 4]
            })
            .collect()
    }

    /// `bytes` with the k-mer table's shape replaced, checksums recomputed.
    fn patched(mut bytes: Vec<u8>, kmer: [u8; 6]) -> Vec<u8> {
        bytes[OFF_KMER..OFF_KMER + 6].copy_from_slice(&kmer);
        format::seal(&mut bytes, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
        bytes
    }

    /// `bytes` (a file without a table) rewritten with a version 2 header: bytes 84..96
    /// are the header CRC and zeros, except `extra` from 88 on.
    fn as_version_2(mut bytes: Vec<u8>, extra: &[u8]) -> Vec<u8> {
        put_u32(&mut bytes, 12, VERSION_2);
        bytes[OFF_HEADER_CRC_V2..HEADER_LEN].fill(0);
        bytes[88..88 + extra.len()].copy_from_slice(extra);
        format::seal(&mut bytes, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC_V2);
        bytes
    }

    fn problem(bytes: Vec<u8>) -> String {
        match SamFile::from_vec(bytes) {
            Err(Error::Format { problem, .. }) => format!("{problem:?}"),
            Err(e) => panic!("unexpected error {e}"),
            Ok(_) => panic!("accepted"),
        }
    }

    /// A version 2 file (which had no table) opens and answers as the version 3 file of the
    /// same automaton; its reserved bytes must still be zero.
    #[test]
    fn version_2_files_open() {
        let plain = saved(b"the quick brown fox jumps over the lazy dog");
        let file = SamFile::from_vec(plain.clone()).unwrap();
        assert_eq!(file.kmer_depth(), 0);
        let old = SamFile::from_vec(as_version_2(plain.clone(), &[])).unwrap();
        old.verify().unwrap();
        assert_eq!(old.kmer_depth(), 0);
        for q in [&b"the"[..], b"fox j", b"cat"] {
            assert_eq!(old.count(q), file.count(q));
        }
        let got = problem(as_version_2(plain, &[4, 4, b'A', b'C', b'G', b'T']));
        assert!(got.contains("reserved header bytes"), "{got}");
    }

    /// Every inconsistent table shape in the header is refused with what is wrong, and a
    /// depth that disagrees with the file's length is reported as a length mismatch.
    #[test]
    fn damaged_table_headers_are_refused() {
        let table = saved(&dna());
        assert_eq!(SamFile::from_vec(table.clone()).unwrap().kmer_depth(), 4);
        assert_eq!(
            &table[OFF_KMER..OFF_KMER + 6],
            &[4, 4, b'A', b'C', b'G', b'T']
        );
        for (kmer, what) in [
            ([13, 4, b'A', b'C', b'G', b'T'], "depth"),
            ([4, 5, b'A', b'C', b'G', b'T'], "depth"),
            ([4, 0, 0, 0, 0, 0], "depth"),
            ([0, 2, b'A', b'C', 0, 0], "depth"),
            ([4, 4, b'A', b'C', b'G', b'G'], "letters"),
            ([4, 2, b'A', b'C', b'G', 0], "letters"),
        ] {
            let got = problem(patched(table.clone(), kmer));
            assert!(got.contains(what), "{kmer:?}: {got}");
        }
        let got = problem(patched(table.clone(), [3, 4, b'A', b'C', b'G', b'T']));
        assert!(got.contains("Truncated"), "{got}");
        let mut reserved = table;
        reserved[OFF_KMER + 7] = 1;
        format::seal(&mut reserved, HEADER_LEN, OFF_BODY_CRC, OFF_HEADER_CRC);
        assert!(problem(reserved).contains("reserved header bytes"));
    }
}
