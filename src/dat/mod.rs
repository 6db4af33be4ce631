//! The double-array trie: a static dictionary with the fastest exact lookups.
//!
//! Built once from terms in any order, then immutable: lookups read one 4-byte unit per byte
//! of the term. The in-memory structure is the file image itself, so saving writes it out and
//! opening maps it back without parsing or copying.

mod build;
mod layout;
mod unit;

use crate::bytes::Bytes;
use crate::dict::{Dictionary, Node};
use crate::error::{Error, Result};
use crate::format::le_u64;
use std::path::Path;
use unit::LeafValue;

use build::LEVEL_ORDER_UNITS;
pub(crate) use layout::HEADER_LEN;
use layout::{LINK_FIRST, LINK_NEXT};

/// Where a [`DoubleArrayBuilder`] puts the nodes in the array. Either way the file format and
/// every answer are the same; speed differs, and size a little (the benchmarks report both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// Each node's subtree after it (the default): the units one exact lookup reads lie close
    /// together.
    #[default]
    DepthFirst,
    /// Level by level: the nodes near the root, which every fuzzy query walks, lie together
    /// and stay in cache from one query to the next. Fuzzy search at distance 2 on English
    /// words ran from 3% slower to 18% faster (usually faster) on the two machines we
    /// measured; exact lookups ran about 20% slower on one and no slower on the other, so
    /// measure on yours (`scripts/bench.sh` reports both layouts side by side). Only tries
    /// that fit in 2^21 units (about 12 MiB with child links; the 348,454 English words need
    /// 0.93 million) are laid out this way: parents far behind the frontier would waste
    /// space, so a larger trie is built depth first.
    LevelOrder,
}

impl Layout {
    /// The most units a trie laid out in [`Layout::LevelOrder`] may have (2^21); a larger one
    /// is built depth first, so a trie with more units than this is depth first. (A function
    /// rather than a constant: cbindgen would export a public constant into the C header.)
    pub const fn level_order_max_units() -> u64 {
        LEVEL_ORDER_UNITS
    }
}

/// Collects terms and values, then builds a [`DoubleArray`].
///
/// Duplicate terms: the value added last wins (as with repeated `HashMap::insert`).
#[derive(Default)]
pub struct DoubleArrayBuilder {
    arena: Vec<u8>,
    entries: Vec<Entry>,
    /// Leave out the child links ([`DoubleArrayBuilder::child_links`]).
    no_links: bool,
    layout: Layout,
}

/// One added term. `head` is the term's first 8 bytes, big-endian and zero-padded: comparing
/// it orders most pairs without touching the arena; `seq` orders equal terms by insertion.
#[derive(Clone, Copy)]
struct Entry {
    head: u64,
    start: usize,
    len: u32,
    seq: u32,
    value: u64,
}

impl Entry {
    fn new(term: &[u8], start: usize, seq: u32, value: u64) -> Self {
        let mut head = [0u8; 8];
        let n = term.len().min(8);
        head[..n].copy_from_slice(&term[..n]);
        Entry {
            head: u64::from_be_bytes(head),
            start,
            len: term.len() as u32,
            seq,
            value,
        }
    }
}

impl DoubleArrayBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `term` with `value`. Fails only for a term longer than [`crate::MAX_TERM_LEN`].
    pub fn add(&mut self, term: &[u8], value: u64) -> Result<()> {
        if term.len() > crate::MAX_TERM_LEN {
            return Err(Error::TermTooLong {
                len: term.len(),
                max: crate::MAX_TERM_LEN,
            });
        }
        let seq = u32::try_from(self.entries.len()).map_err(|_| Error::TooLarge {
            what: "terms added to one builder",
            limit: u32::MAX as u64,
        })?;
        self.entries
            .push(Entry::new(term, self.arena.len(), seq, value));
        self.arena.extend_from_slice(term);
        Ok(())
    }

    /// Whether the tries built give each unit its child links (the default): two bytes per
    /// unit naming a node's first child and a child's next sibling, so that listing a node's
    /// children (prefix and range cursors, fuzzy search) costs one probe per child. Without
    /// them the image is about a third smaller (2 of every 6 bytes per unit) and exact
    /// lookups are as fast, but every listing probes each byte of the dictionary's alphabet
    /// at each node: in our benchmarks prefix listing takes 3.2 to 4.6 times as long and
    /// fuzzy search 1.2 to 1.4 times. The choice is recorded in the file; any reader opens
    /// both.
    pub fn child_links(&mut self, on: bool) -> &mut Self {
        self.no_links = !on;
        self
    }

    /// Where the tries built put their nodes (see [`Layout`]; the default is depth first).
    pub fn layout(&mut self, layout: Layout) -> &mut Self {
        self.layout = layout;
        self
    }

    /// Number of `add` calls so far (duplicates included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Builds the trie and leaves the builder empty, ready for reuse.
    pub fn finish(&mut self) -> Result<DoubleArray> {
        let arena = std::mem::take(&mut self.arena);
        let mut entries = std::mem::take(&mut self.entries);
        let term = |e: &Entry| &arena[e.start..e.start + e.len as usize];
        // Equal terms are ordered by insertion sequence, so the last-added one ends up last,
        // where the de-duplication below keeps it. (Arena offsets cannot serve as that
        // tie-break: every empty term has the same offset.)
        let order = |a: &Entry, b: &Entry| {
            a.head
                .cmp(&b.head)
                .then_with(|| term(a).cmp(term(b)))
                .then(a.seq.cmp(&b.seq))
        };
        if !entries.windows(2).all(|w| order(&w[0], &w[1]).is_lt()) {
            entries.sort_unstable_by(order);
        }
        let mut keys: Vec<(&[u8], u64)> = Vec::with_capacity(entries.len());
        for e in &entries {
            match keys.last_mut() {
                Some(last) if last.0 == term(e) => last.1 = e.value,
                _ => keys.push((term(e), e.value)),
            }
        }
        let image = build::build_image(&keys, !self.no_links, self.layout)?;
        DoubleArray::from_bytes(Bytes::Owned(image))
    }
}

/// A built or opened double-array trie. Immutable, `Send + Sync`.
pub struct DoubleArray {
    bytes: Bytes,
    meta: layout::Meta,
}

impl std::fmt::Debug for DoubleArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DoubleArray")
            .field("terms", &self.meta.term_count)
            .field("units", &self.meta.unit_count)
            .field("bytes", &self.size_bytes())
            .finish()
    }
}

impl DoubleArray {
    /// Builds from `(term, value)` pairs in any order.
    pub fn from_pairs<'t>(pairs: impl IntoIterator<Item = (&'t [u8], u64)>) -> Result<Self> {
        let mut b = DoubleArrayBuilder::new();
        for (t, v) in pairs {
            b.add(t, v)?;
        }
        b.finish()
    }

    fn from_bytes(bytes: Bytes) -> Result<Self> {
        let meta = layout::parse(bytes.as_slice())?;
        Ok(DoubleArray { bytes, meta })
    }

    /// Wraps a file image held in memory (e.g. read from elsewhere); the header is validated.
    pub fn from_vec(image: Vec<u8>) -> Result<Self> {
        Self::from_bytes(Bytes::Owned(image))
    }

    /// Maps a saved trie. O(1): checks magic, version, header checksum and lengths only; call
    /// [`DoubleArray::verify`] to check the body checksum as well.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let bytes = Bytes::map_file(path, HEADER_LEN)?;
        Self::from_bytes(bytes).map_err(|e| e.with_path(path))
    }

    /// Saves atomically (temporary file, fsync, rename, directory fsync).
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        crate::bytes::write_atomic(path.as_ref(), self.as_bytes())
    }

    /// Checks the body checksum: O(size).
    pub fn verify(&self) -> Result<()> {
        layout::verify_body(self.as_bytes()).map_err(Error::from)
    }

    /// The file image.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_slice()
    }

    /// Size of the image in bytes (what a saved file occupies).
    pub fn size_bytes(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the image is a file mapping rather than heap memory.
    pub fn is_mapped(&self) -> bool {
        self.bytes.is_mapped()
    }

    /// The units, as the little-endian words they are (the image need not be 4-aligned, so
    /// they stay byte arrays; `parse` checked the section is whole words).
    #[inline(always)]
    fn units(&self) -> &[[u8; 4]] {
        self.as_bytes()[self.meta.units.clone()].as_chunks().0
    }

    /// The link bytes, two per unit (none in a version 1 image).
    #[inline(always)]
    fn links(&self) -> Option<&[[u8; 2]]> {
        let r = self.meta.links.clone()?;
        Some(self.as_bytes()[r].as_chunks().0)
    }

    /// Unit `pos`, or a free unit when `pos` is outside the array (only a damaged image
    /// points there); lookups then simply fail.
    #[inline(always)]
    fn unit_in(units: &[[u8; 4]], pos: u32) -> u32 {
        units
            .get(pos as usize)
            .map_or(unit::FREE_LABEL, |w| u32::from_le_bytes(*w))
    }

    fn leaf_value(&self, pos: u32, u: u32) -> Option<u64> {
        match unit::leaf_value(u) {
            LeafValue::Inline(v) => Some(v),
            LeafValue::Wide(local) => {
                let bytes = self.as_bytes();
                let sb = (pos >> unit::SUPERBLOCK_SHIFT) as usize;
                let base = le_u64(&bytes[self.meta.wide_base.clone()], sb * 8)?;
                let idx = base.checked_add(local as u64)?;
                le_u64(
                    &bytes[self.meta.wide_values.clone()],
                    usize::try_from(idx).ok()?.checked_mul(8)?,
                )
            }
        }
    }

    /// The value of the term ending at node `pos` (unit `u`), if any.
    #[inline(always)]
    fn final_value(&self, units: &[[u8; 4]], pos: u32, u: u32) -> Option<u64> {
        if unit::is_leaf(u) {
            return self.leaf_value(pos, u);
        }
        let t = pos ^ unit::offset(u); // ^ TERMINATOR (0)
        let tu = Self::unit_in(units, t);
        if unit::label(tu) == unit::TERMINATOR && unit::is_leaf(tu) {
            self.leaf_value(t, tu)
        } else {
            None
        }
    }

    #[inline(always)]
    fn child(units: &[[u8; 4]], pos: u32, u: u32, byte: u8) -> Option<(u32, u32)> {
        if unit::is_leaf(u) {
            return None;
        }
        let l = unit::label_of_byte(byte);
        let c = pos ^ unit::offset(u) ^ l;
        let cu = Self::unit_in(units, c);
        (unit::label(cu) == l).then_some((c, cu))
    }

    /// Exact lookup: the hot path, one unit read per byte.
    #[inline]
    pub fn get(&self, term: &[u8]) -> Option<u64> {
        let units = self.units();
        let (mut pos, mut u) = (0u32, Self::unit_in(units, 0));
        for &b in term {
            (pos, u) = Self::child(units, pos, u, b)?;
        }
        self.final_value(units, pos, u)
    }

    /// Whether the image has child links (see [`DoubleArrayBuilder::child_links`]); images of
    /// format version 1 have none.
    pub fn has_child_links(&self) -> bool {
        self.meta.links.is_some()
    }

    /// Number of units (4 bytes each) in the array, free ones included.
    pub fn unit_count(&self) -> u64 {
        self.meta.unit_count
    }
}

/// A node of a [`DoubleArray`]: its unit index and the unit itself.
#[derive(Clone, Copy)]
pub struct DatNode<'a> {
    dat: &'a DoubleArray,
    /// `dat`'s units, sliced once per walk rather than at every step.
    units: &'a [[u8; 4]],
    pos: u32,
    unit: u32,
}

/// Edges of a [`DatNode`], in byte order.
///
/// A double array has no list of a node's children: finding them means probing every byte
/// that could label one. The link bytes (version 2) name each node's first child and each
/// child's next sibling, so a node with `n` children costs `n` probes instead of one per byte
/// of the alphabet (76 for English words; most nodes have one to three children).
pub struct DatEdges<'a> {
    node: DatNode<'a>,
    /// The image's link pairs (next sibling, first child) per unit, if it has them.
    links: Option<&'a [[u8; 2]]>,
    /// The last child returned, as its label; 0 before the first.
    last: u32,
    /// Version 1 images: the index in the alphabet of the next byte to probe.
    next: usize,
}

impl<'a> Iterator for DatEdges<'a> {
    type Item = (u8, DatNode<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if unit::is_leaf(self.node.unit) {
            return None;
        }
        // A `None` changes no state, so every later call gives `None` again.
        let found = match self.links {
            Some(links) if self.last != 0 => self.after_last(links),
            Some(links) => links
                .get(self.node.pos as usize)
                .and_then(|l| self.child(l[LINK_FIRST])),
            None => self.probe_alphabet(),
        };
        if let Some((b, _)) = found {
            self.last = unit::label_of_byte(b);
        }
        found
    }
}

impl<'a> DatEdges<'a> {
    #[inline]
    fn child(&self, b: u8) -> Option<(u8, DatNode<'a>)> {
        self.node.step(b).map(|c| (b, c))
    }

    /// The child after the last one returned: its next-sibling byte names it, unless that
    /// byte is not above the last one's (the last child). A damaged image can name a byte
    /// that is not a child; the listing then ends, and since each step goes up it always ends.
    #[inline]
    fn after_last(&self, links: &[[u8; 2]]) -> Option<(u8, DatNode<'a>)> {
        let pos = self.node.pos ^ unit::offset(self.node.unit) ^ self.last;
        let b = links.get(pos as usize)?[LINK_NEXT];
        (unit::label_of_byte(b) > self.last)
            .then(|| self.child(b))
            .flatten()
    }

    /// The next child found by probing the dictionary's alphabet in order (version 1).
    fn probe_alphabet(&mut self) -> Option<(u8, DatNode<'a>)> {
        let alphabet = &self.node.dat.meta.alphabet;
        while let Some(&b) = alphabet.get(self.next) {
            self.next += 1;
            if let Some(found) = self.child(b) {
                return Some(found);
            }
        }
        None
    }
}

impl<'a> DatNode<'a> {
    #[inline(always)]
    fn step(&self, b: u8) -> Option<DatNode<'a>> {
        let (pos, unit) = DoubleArray::child(self.units, self.pos, self.unit, b)?;
        Some(DatNode { pos, unit, ..*self })
    }
}

impl<'a> Node for DatNode<'a> {
    type Edges = DatEdges<'a>;

    #[inline]
    fn transition(&self, unit: u8) -> Option<Self> {
        self.step(unit)
    }

    #[inline]
    fn has_edge(&self, b: u8) -> bool {
        // A leaf's offset bits are its value, so the probed unit means nothing for it; the
        // read stays in bounds (`unit_in`), and `&` rather than `&&` keeps it branch-free.
        let l = unit::label_of_byte(b);
        let c = self.pos ^ unit::offset(self.unit) ^ l;
        !unit::is_leaf(self.unit) & (unit::label(DoubleArray::unit_in(self.units, c)) == l)
    }

    #[inline]
    fn value(&self) -> Option<u64> {
        self.dat.final_value(self.units, self.pos, self.unit)
    }

    #[inline]
    fn edges(&self) -> DatEdges<'a> {
        DatEdges {
            node: *self,
            links: self.dat.links(),
            last: 0,
            next: 0,
        }
    }
}

impl Dictionary for DoubleArray {
    type Node<'a> = DatNode<'a>;

    fn root(&self) -> DatNode<'_> {
        let units = self.units();
        DatNode {
            dat: self,
            units,
            pos: 0,
            unit: Self::unit_in(units, 0),
        }
    }

    fn len(&self) -> usize {
        self.meta.term_count as usize
    }

    fn max_term_len(&self) -> usize {
        self.meta.max_term_len as usize
    }

    fn get(&self, term: &[u8]) -> Option<u64> {
        DoubleArray::get(self, term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `has_edge` answers as `transition` does for every byte at every node, leaves included
    /// (whose offset bits hold a value, so the unit it reads must not count).
    #[test]
    fn has_edge_agrees_with_transition() {
        let pairs = random_pairs(3, 3000);
        let d = DoubleArray::from_pairs(pairs.iter().map(|(k, v)| (&k[..], *v))).unwrap();
        let mut nodes = vec![d.root()];
        let mut seen = 0;
        while let Some(n) = nodes.pop() {
            for b in 0..=255u8 {
                assert_eq!(n.has_edge(b), n.transition(b).is_some(), "byte {b}");
            }
            nodes.extend(n.edges().map(|e| e.1));
            seen += 1;
        }
        assert!(seen > d.len(), "every node visited");
    }

    #[test]
    fn small_set_with_prefixes_and_empty_term() {
        let words: &[(&[u8], u64)] = &[
            (b"cat", 1),
            (b"", 7),
            (b"cats", 2),
            (b"car", 3),
            (b"dog", 4),
            (b"ca", 5),
        ];
        let d = DoubleArray::from_pairs(words.iter().copied()).unwrap();
        for &(w, v) in words {
            assert_eq!(d.get(w), Some(v), "{:?}", std::str::from_utf8(w));
        }
        assert_eq!(d.get(b"c"), None);
        assert_eq!(d.get(b"catsx"), None);
        assert_eq!(d.len(), 6);
        let all: Vec<_> = d.prefix_walk(b"").collect();
        let mut expected: Vec<_> = words.iter().map(|(w, v)| (w.to_vec(), *v)).collect();
        expected.sort();
        assert_eq!(all, expected);
        assert_eq!(d.longest_prefix(b"catsup"), Some((4, 2)));
        assert_eq!(d.longest_prefix(b"xyz"), Some((0, 7)));
    }

    #[test]
    fn wide_values_and_duplicates_last_wins() {
        let mut b = DoubleArrayBuilder::new();
        b.add(b"a", u64::MAX).unwrap();
        b.add(b"b", 1 << 40).unwrap();
        b.add(b"a", 3 << 30).unwrap();
        let d = b.finish().unwrap();
        assert!(b.is_empty());
        assert_eq!(d.get(b"a"), Some(3 << 30));
        assert_eq!(d.get(b"b"), Some(1 << 40));
        assert_eq!(d.len(), 2);
    }

    /// Regression: duplicates of the empty term kept an arbitrary value instead of the last
    /// one, because the sort's tie-break used arena offsets, equal for all empty terms.
    #[test]
    fn duplicate_empty_terms_last_wins() {
        let mut b = DoubleArrayBuilder::new();
        for v in [5u64, 1 << 50, 9, 3 << 40, 42] {
            b.add(b"", v).unwrap();
            b.add(b"a", v + 1).unwrap();
        }
        let d = b.finish().unwrap();
        assert_eq!(d.get(b""), Some(42));
        assert_eq!(d.get(b"a"), Some(43));
    }

    /// Random terms over a small alphabet that includes bytes 0 and 255, with the empty term,
    /// terms that are prefixes of others, and values too wide to store inline.
    fn random_pairs(seed: u64, n: usize) -> Vec<(Vec<u8>, u64)> {
        let mut s = seed;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let alphabet = [0u8, 1, b'a', b'b', b'c', b'z', 0x80, 0xC3, 0xFF];
        let mut pairs: Vec<(Vec<u8>, u64)> = (0..n)
            .map(|_| {
                let len = (next() % 7) as usize;
                let term = (0..len)
                    .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                    .collect();
                (term, next() >> (next() % 64))
            })
            .collect();
        pairs.push((Vec::new(), 7));
        pairs
    }

    /// Every node's children, in the order the edge iterator gives them, by a walk that
    /// collects them all.
    fn all_edges(d: &DoubleArray) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![(Vec::new(), d.root())];
        while let Some((key, node)) = stack.pop() {
            let kids: Vec<(u8, DatNode<'_>)> = node.edges().collect();
            out.push((key.clone(), kids.iter().map(|&(b, _)| b).collect()));
            for (b, child) in kids {
                let mut k = key.clone();
                k.push(b);
                stack.push((k, child));
            }
        }
        out
    }

    /// A node's children listed by the link bytes are exactly those that probing every
    /// byte finds, in byte order; a version 1 image (no link section) still opens and gives
    /// the same terms, children and fuzzy matches.
    #[test]
    fn link_listing_matches_probing_and_version_1_still_reads() {
        for seed in 1..40u64 {
            let pairs = random_pairs(seed, (seed as usize * 7) % 200);
            let d = DoubleArray::from_pairs(pairs.iter().map(|(t, v)| (&t[..], *v))).unwrap();
            assert!(d.links().is_some());
            let old = DoubleArray::from_vec(layout::to_version_1(d.as_bytes())).unwrap();
            assert!(old.links().is_none());
            old.verify().unwrap();
            assert!(old.size_bytes() < d.size_bytes());
            let edges = all_edges(&d);
            for (key, kids) in &edges {
                let node = walk(&d, key);
                let probed: Vec<u8> = (0..=255u8)
                    .filter(|&b| node.transition(b).is_some())
                    .collect();
                assert_eq!(kids, &probed, "seed {seed}, node {key:?}");
            }
            assert_same_listings(&d, &old, &pairs[..pairs.len().min(20)], seed);
        }
    }

    /// `b` lists the same children, terms and fuzzy matches (for queries `some`) as `a`.
    fn assert_same_listings(a: &DoubleArray, b: &DoubleArray, some: &[(Vec<u8>, u64)], seed: u64) {
        assert_eq!(all_edges(b), all_edges(a), "seed {seed}");
        let terms: Vec<_> = a.prefix_walk(b"").collect();
        assert_eq!(b.prefix_walk(b"").collect::<Vec<_>>(), terms, "seed {seed}");
        let opts = crate::FuzzyOptions::new(2);
        for (t, _) in some {
            let x: Vec<_> = a.fuzzy(t, &opts).unwrap().collect();
            let y: Vec<_> = b.fuzzy(t, &opts).unwrap().collect();
            assert_eq!(x, y, "seed {seed}, query {t:?}");
        }
    }

    /// Level order is a layout, not another trie: the same lookups, children, terms and
    /// fuzzy matches from an image that differs in its bytes.
    #[test]
    fn level_order_answers_the_same() {
        for seed in 1..25u64 {
            let pairs = random_pairs(seed, (seed as usize * 41) % 1000);
            let mut b = DoubleArrayBuilder::new();
            let mut l = DoubleArrayBuilder::new();
            l.layout(Layout::LevelOrder);
            for (t, v) in &pairs {
                b.add(t, *v).unwrap();
                l.add(t, *v).unwrap();
            }
            let (d, level) = (b.finish().unwrap(), l.finish().unwrap());
            level.verify().unwrap();
            for (t, _) in &pairs {
                assert_eq!(level.get(t), d.get(t), "seed {seed}, term {t:?}");
            }
            assert_same_listings(&d, &level, &pairs[..pairs.len().min(20)], seed);
            if pairs.len() > 500 {
                assert_ne!(d.as_bytes(), level.as_bytes(), "seed {seed}: same layout");
            }
        }
    }

    /// A trie that does not fit the level-order limit is built depth first, byte for byte
    /// (here with a limit of two blocks rather than 2^21 units).
    #[test]
    fn level_order_past_its_limit_falls_back_to_depth_first() {
        let model: std::collections::BTreeMap<Vec<u8>, u64> =
            random_pairs(99, 3000).into_iter().collect();
        let keys: Vec<(&[u8], u64)> = model.iter().map(|(k, v)| (&k[..], *v)).collect();
        let limit = 2 * unit::BLOCK as u64;
        let depth = build::build_image(&keys, true, Layout::DepthFirst).unwrap();
        assert!(DoubleArray::from_vec(depth.clone()).unwrap().unit_count() as u64 > limit);
        let fallback = build::build_within(&keys, true, Layout::LevelOrder, limit).unwrap();
        assert!(fallback == depth, "the fallback is the depth-first image");
        let level =
            build::build_within(&keys, true, Layout::LevelOrder, LEVEL_ORDER_UNITS).unwrap();
        assert!(level != depth, "within the limit, level order is used");
    }

    /// A trie built without child links is the same trie: the same lookups, children,
    /// terms and fuzzy matches, in an image 2 bytes per unit smaller that records the choice
    /// in its header and survives a save and an open.
    #[test]
    fn trie_built_without_links_answers_the_same() {
        let dir = tempfile::tempdir().unwrap();
        for seed in 1..25u64 {
            let pairs = random_pairs(seed, (seed as usize * 11) % 300);
            let mut b = DoubleArrayBuilder::new();
            let mut c = DoubleArrayBuilder::new();
            c.child_links(false);
            for (t, v) in &pairs {
                b.add(t, *v).unwrap();
                c.add(t, *v).unwrap();
            }
            let (d, compact) = (b.finish().unwrap(), c.finish().unwrap());
            assert!(d.has_child_links() && !compact.has_child_links());
            assert_eq!(
                d.size_bytes() - compact.size_bytes(),
                (d.unit_count() as usize * 2).next_multiple_of(8),
                "seed {seed}"
            );
            let path = dir.path().join(format!("{seed}.dat"));
            compact.save(&path).unwrap();
            let reopened = DoubleArray::open(&path).unwrap();
            reopened.verify().unwrap();
            assert!(!reopened.has_child_links());
            for (t, _) in &pairs {
                assert!(d.get(t).is_some());
                assert_eq!(reopened.get(t), d.get(t), "seed {seed}");
            }
            assert_same_listings(&d, &reopened, &pairs[..pairs.len().min(10)], seed);
        }
    }

    /// Header flags other than "no links" are rejected (version 2), and version 1 knows no
    /// flag at all; the flag on an image that has its links leaves the sections disagreeing
    /// with the file length.
    #[test]
    fn unknown_or_inconsistent_flags_are_rejected() {
        let pairs = random_pairs(7, 100);
        let d = DoubleArray::from_pairs(pairs.iter().map(|(t, v)| (&t[..], *v))).unwrap();
        let reseal = |image: Vec<u8>, flags: u32| {
            DoubleArray::from_vec(layout::with_flags(image, flags)).map(|_| ())
        };
        for flags in [2u32, 4, 1 << 31] {
            let err = reseal(d.as_bytes().to_vec(), flags).unwrap_err();
            assert!(err.to_string().contains("flags"), "{err}");
        }
        // "No links" on an image that has them: the sections no longer add up.
        let err = reseal(d.as_bytes().to_vec(), layout::FLAG_NO_LINKS).unwrap_err();
        assert!(matches!(err, Error::Format { .. }), "{err}");
        let v1 = layout::to_version_1(d.as_bytes());
        let err = reseal(v1, layout::FLAG_NO_LINKS).unwrap_err();
        assert!(err.to_string().contains("flags"), "{err}");
    }

    fn walk<'a>(d: &'a DoubleArray, key: &[u8]) -> DatNode<'a> {
        key.iter()
            .fold(d.root(), |n, &b| n.transition(b).expect("a listed child"))
    }

    /// Damaged link bytes (not caught without `verify`) can drop children from a listing
    /// but never loop, never return a byte that is not a child, and keep byte order.
    #[test]
    fn damaged_link_bytes_end_listings_safely() {
        let pairs = random_pairs(99, 300);
        let d = DoubleArray::from_pairs(pairs.iter().map(|(t, v)| (&t[..], *v))).unwrap();
        let good = all_edges(&d);
        let range = d.meta.links.clone().unwrap();
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..20 {
            let mut image = d.as_bytes().to_vec();
            for b in &mut image[range.clone()] {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                if round == 0 || s.is_multiple_of(4) {
                    *b = (s >> 32) as u8;
                }
            }
            let bad = DoubleArray::from_vec(image).unwrap();
            assert!(bad.verify().is_err());
            for (key, kids) in &good {
                let node = walk(&bad, key);
                let listed: Vec<u8> = node.edges().map(|(b, _)| b).collect();
                assert!(listed.windows(2).all(|w| w[0] < w[1]), "{listed:?}");
                assert!(
                    listed.iter().all(|b| kids.contains(b)),
                    "{listed:?} vs {kids:?}"
                );
            }
        }
    }

    #[test]
    fn empty_dictionary() {
        let d = DoubleArray::from_pairs(std::iter::empty()).unwrap();
        assert_eq!(d.get(b""), None);
        assert_eq!(d.prefix_walk(b"").count(), 0);
        assert!(d.is_empty());
    }
}
