//! Suffix automaton (Blumer et al. 1985) over one or many texts: the minimal automaton of
//! every substring, built online, one letter at a time.
//!
//! [`SuffixAutomaton`] is the editable form (append texts at any time); [`SamFile`] is the
//! saved form, opened through mmap without copying (format in `docs/format.md`). Both answer
//! the same queries: substring test, occurrence count, occurrence positions streamed by an
//! iterator, and the longest common substring of a query with the texts.
//!
//! Through the [`Dictionary`] trait a suffix automaton is the dictionary of all distinct
//! substrings of its texts (the empty one included once there is a text), each valued by its
//! number of occurrences; its nodes can be walked like any other backend's.

mod file;
mod graph;
mod kmer;
mod occ;
mod query;

pub use file::{SamFile, SamFileEdges, SamFileNode};
pub use query::{CommonSubstring, Occurrence, Occurrences};

use crate::dict::{Dictionary, Node};
use crate::error::{Error, Result};
use graph::{Graph, ROOT};
use occ::OccIndex;
use query::{Automaton, Positions, TextMap};
use std::path::Path;
use std::sync::OnceLock;

/// The most bytes all texts together may hold (separators included): state numbers stay
/// below 2^31 and edge numbers below 2^32.
pub const MAX_TOTAL_BYTES: u64 = 1 << 30;

/// An editable suffix automaton over any number of texts.
///
/// Appending takes `&mut self`; queries take `&self`. Counts and positions need an index
/// computed in O(size) on the first such query after an append (substring tests and the
/// longest common substring do not).
#[derive(Debug, Clone)]
pub struct SuffixAutomaton {
    g: Graph,
    texts: TextMap,
    index: OnceLock<OccIndex>,
}

impl Default for SuffixAutomaton {
    fn default() -> Self {
        Self::new()
    }
}

impl Automaton for Graph {
    #[inline]
    fn transition(&self, v: u32, c: u8) -> Option<u32> {
        Graph::transition(self, v, c)
    }

    fn state_len(&self, v: u32) -> u32 {
        self.len(v)
    }

    fn link(&self, v: u32) -> u32 {
        Graph::link(self, v)
    }
}

/// What the queries need from either form; the queries themselves are written once, here.
pub(crate) trait Form {
    type A: Automaton;
    fn automaton(&self) -> &Self::A;
    fn texts(&self) -> &TextMap;
    /// Number of end positions of state `v`.
    fn state_count_of(&self, v: u32) -> u64;
    /// The occurrences of the `plen`-byte strings of state `v`.
    fn run(&self, v: u32, plen: usize) -> Occurrences<'_>;

    fn contains(&self, pattern: &[u8]) -> bool {
        if pattern.is_empty() {
            return self.texts().count() > 0;
        }
        query::find(self.automaton(), pattern).is_some()
    }

    fn count(&self, pattern: &[u8]) -> u64 {
        if pattern.is_empty() {
            return self.texts().empty_count();
        }
        query::find(self.automaton(), pattern).map_or(0, |v| self.state_count_of(v))
    }

    fn occurrences(&self, pattern: &[u8]) -> Occurrences<'_> {
        if pattern.is_empty() {
            return Occurrences::every_offset(self.texts());
        }
        match query::find(self.automaton(), pattern) {
            Some(v) => self.run(v, pattern.len()),
            None => Occurrences::none(self.texts()),
        }
    }

    fn longest_common_substring(&self, query: &[u8]) -> Option<CommonSubstring> {
        let (query_offset, len, v) = query::longest_common(self.automaton(), query)?;
        let first = self.run(v, len).next()?;
        Some(CommonSubstring {
            query_offset,
            len,
            first,
        })
    }
}

impl Form for SuffixAutomaton {
    type A = Graph;

    fn automaton(&self) -> &Graph {
        &self.g
    }

    fn texts(&self) -> &TextMap {
        &self.texts
    }

    fn state_count_of(&self, v: u32) -> u64 {
        self.index().count[v as usize].into()
    }

    fn run(&self, v: u32, plen: usize) -> Occurrences<'_> {
        let ix = self.index();
        Occurrences::run(
            &self.texts,
            Positions::Native(&ix.occ),
            ix.occ_lo[v as usize] as usize,
            ix.count[v as usize] as usize,
            plen,
        )
    }
}

impl SuffixAutomaton {
    pub fn new() -> Self {
        SuffixAutomaton {
            g: Graph::new(),
            texts: TextMap::default(),
            index: OnceLock::new(),
        }
    }

    /// Builds over `texts`, numbered 0, 1, ... in order.
    pub fn from_texts<T: AsRef<[u8]>>(texts: impl IntoIterator<Item = T>) -> Result<Self> {
        let mut a = Self::new();
        for t in texts {
            a.append(t.as_ref())?;
        }
        Ok(a)
    }

    /// Appends a text (any bytes, possibly empty) and returns its number. Online: the work is
    /// proportional to the text, whatever was appended before.
    ///
    /// Errors: [`Error::TooLarge`] when all texts together would exceed [`MAX_TOTAL_BYTES`];
    /// nothing is appended then.
    pub fn append(&mut self, text: &[u8]) -> Result<u32> {
        let sep = u64::from(self.texts.count() > 0);
        let total = self.texts.total() + sep + text.len() as u64;
        if total > MAX_TOTAL_BYTES || self.texts.count() >= u32::MAX as usize {
            return Err(Error::TooLarge {
                what: "bytes of text in one suffix automaton (separators included)",
                limit: MAX_TOTAL_BYTES,
            });
        }
        self.index = OnceLock::new();
        if sep == 1 {
            self.g.separate();
        }
        for &c in text {
            self.g.extend(c);
        }
        self.texts.push(text.len() as u64);
        Ok(self.texts.count() as u32 - 1)
    }

    pub(crate) fn from_parts(g: Graph, texts: TextMap) -> Self {
        SuffixAutomaton {
            g,
            texts,
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &OccIndex {
        self.index
            .get_or_init(|| OccIndex::build(&self.g, &self.texts))
    }

    /// Number of texts appended.
    pub fn text_count(&self) -> usize {
        self.texts.count()
    }

    /// Length of text `text`, if there is such a text.
    pub fn text_len(&self, text: u32) -> Option<u64> {
        self.texts.len_of(text as usize)
    }

    pub fn state_count(&self) -> usize {
        self.g.state_count()
    }

    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    /// Heap bytes held: the automaton, plus the count and position index when it has been
    /// computed.
    pub fn heap_bytes(&self) -> usize {
        self.g.heap_bytes() + self.index.get().map_or(0, OccIndex::heap_bytes)
    }

    /// Whether `pattern` occurs in some text (the empty pattern does once there is a text).
    pub fn contains(&self, pattern: &[u8]) -> bool {
        Form::contains(self, pattern)
    }

    /// Number of occurrences of `pattern` in all texts, overlapping ones included (the empty
    /// pattern occurs at every offset of every text, end included).
    pub fn count(&self, pattern: &[u8]) -> u64 {
        Form::count(self, pattern)
    }

    /// Streams every occurrence of `pattern` as (text, offset), in no particular order.
    pub fn occurrences(&self, pattern: &[u8]) -> Occurrences<'_> {
        Form::occurrences(self, pattern)
    }

    /// The longest substring of `query` that occurs in a text, with one occurrence; `None`
    /// when no byte of the query occurs. Among equally long ones, the first in the query.
    pub fn longest_common_substring(&self, query: &[u8]) -> Option<CommonSubstring> {
        Form::longest_common_substring(self, query)
    }

    /// The saved form's bytes (computes the index if needed).
    pub fn to_file_bytes(&self) -> Result<Vec<u8>> {
        file::encode(&self.g, self.index(), &self.texts)
    }

    /// Writes the saved form to `path` atomically (temporary file, fsync, rename, directory
    /// fsync).
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::bytes::write_atomic(path, &self.to_file_bytes()?)
    }

    fn node(&self, v: u32) -> SamNode<'_> {
        SamNode { a: self, v }
    }
}

/// A state of an editable suffix automaton, as a [`Node`].
#[derive(Clone)]
pub struct SamNode<'a> {
    a: &'a SuffixAutomaton,
    v: u32,
}

impl<'a> Node for SamNode<'a> {
    type Edges = std::vec::IntoIter<(u8, SamNode<'a>)>;

    fn transition(&self, unit: u8) -> Option<Self> {
        self.a.g.transition(self.v, unit).map(|v| self.a.node(v))
    }

    fn value(&self) -> Option<u64> {
        if self.v == ROOT {
            let n = self.a.texts.empty_count();
            return (n > 0).then_some(n);
        }
        Some(self.a.state_count_of(self.v))
    }

    fn edges(&self) -> Self::Edges {
        let mut e: Vec<(u8, SamNode<'a>)> = self
            .a
            .g
            .edges(self.v)
            .map(|(c, t)| (c, self.a.node(t)))
            .collect();
        e.sort_unstable_by_key(|x| x.0);
        e.into_iter()
    }
}

impl Dictionary for SuffixAutomaton {
    type Node<'a> = SamNode<'a>;

    fn root(&self) -> SamNode<'_> {
        self.node(ROOT)
    }

    /// Number of distinct substrings, the empty one included once there is a text.
    fn len(&self) -> usize {
        self.index().distinct as usize + usize::from(self.texts.count() > 0)
    }

    fn max_term_len(&self) -> usize {
        self.texts.max_len() as usize
    }
}
