//! The saved suffix automaton: a 96-byte header, the text lengths, each state's first edge,
//! a 16-byte record per state, 10-byte edge records sorted by label, and the positions in
//! link-tree preorder. The same bytes are read in memory and through mmap, so opening is
//! O(number of texts). Byte table: `docs/format.md`.
//!
//! States keep their creation order: the states of consecutive text positions are
//! consecutive, so the long unique stretches a query walks once it is past the shared
//! prefixes read memory sequentially. An edge record carries where its target's edges are
//! (first record and count), so spelling a pattern reads one run of edge records per letter:
//! one cache miss, where looking the target up in the first-edge array would add a second.

use super::graph::{Graph, NONE, ROOT};
use super::occ::OccIndex;
use super::query::{Automaton, Positions, TextMap};
use super::{Form, SuffixAutomaton, MAX_TOTAL_BYTES};
use crate::bytes::Bytes;
use crate::dict::{Dictionary, Node};
use crate::error::{Error, FormatError, Result};
use crate::format::{self, align8, le_u32, put_u32, put_u64, Fields, KIND_SUFFIX_AUTOMATON, MAGIC};
use std::path::Path;

pub(crate) const HEADER_LEN: usize = 96;
pub(crate) const VERSION: u32 = 2;
const OFF_FILE_LEN: usize = 16;
const OFF_STATES: usize = 24;
const OFF_EDGES: usize = 32;
const OFF_TEXTS: usize = 40;
const OFF_TOTAL: usize = 48;
const OFF_LAST: usize = 56;
const OFF_DISTINCT: usize = 64;
const OFF_MAX_TEXT: usize = 72;
const OFF_BODY_CRC: usize = 80;
const OFF_HEADER_CRC: usize = 84;

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
    end: usize,
}

impl Layout {
    /// `None` when the counts overflow the address space (a damaged header).
    fn new(states: u64, edges: u64, texts: u64, total: u64) -> Option<Self> {
        let texts_off = HEADER_LEN;
        let first_off = texts_off.checked_add(usize::try_from(texts).ok()?.checked_mul(8)?)?;
        let n = usize::try_from(states).ok()?;
        let states_off = align8(first_off.checked_add(n.checked_add(1)?.checked_mul(4)?)?);
        let edges_off = states_off.checked_add(n.checked_mul(STATE_BYTES)?)?;
        let occ_off =
            align8(edges_off.checked_add(usize::try_from(edges).ok()?.checked_mul(EDGE_BYTES)?)?);
        let end = align8(occ_off.checked_add(usize::try_from(total).ok()?.checked_mul(4)?)?);
        Some(Layout {
            texts: texts_off,
            first: first_off,
            states: states_off,
            edges: edges_off,
            occ: occ_off,
            end,
        })
    }
}

/// Serializes an automaton with its index.
pub(crate) fn encode(g: &Graph, ix: &OccIndex, texts: &TextMap) -> Result<Vec<u8>> {
    let n = g.state_count();
    let m = g.edge_count();
    let total = texts.total();
    let lay =
        Layout::new(n as u64, m as u64, texts.count() as u64, total).ok_or(Error::TooLarge {
            what: "suffix automaton file bytes",
            limit: usize::MAX as u64,
        })?;
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
        format::check_common_header(
            b,
            HEADER_LEN,
            OFF_HEADER_CRC,
            KIND_SUFFIX_AUTOMATON,
            VERSION,
        )
        .map_err(|problem| Error::Format {
            path: None,
            problem,
        })?;
        let f = Fields::new(b);
        if f.u32(OFF_LAST + 4) != 0 || b[OFF_HEADER_CRC + 4..HEADER_LEN].iter().any(|&x| x != 0) {
            return Err(invalid("reserved header bytes", 0));
        }
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
        let lay = Layout::new(n, m, k, total).ok_or(invalid("state count", n))?;
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
    /// Spells `pattern` carrying each state's edge range from the record that led to it.
    fn find(&self, pattern: &[u8]) -> Option<u32> {
        let (mut v, mut range) = (ROOT, self.edge_range(ROOT));
        for &c in pattern {
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
