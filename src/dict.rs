//! The one trait API every backend implements.
//!
//! A dictionary maps byte-string terms to `u64` values. Besides whole-term lookups it exposes
//! its automaton: a [`Node`] can be followed edge by edge, which is what prefix iteration and
//! fuzzy search walk. Text is just bytes (UTF-8 terms are their UTF-8 bytes).

use crate::error::Result;
use crate::walk::PrefixWalk;
use std::ops::Bound;

/// The longest term any backend accepts, in bytes. Longer terms are rejected with
/// [`crate::Error::TermTooLong`]; nothing is truncated.
pub const MAX_TERM_LEN: usize = 65_535;

/// A state of a dictionary's automaton: the set of terms sharing the prefix that led here.
///
/// Nodes borrow their dictionary and are cheap to clone (a reference and an index).
pub trait Node: Clone {
    /// Iterator over the outgoing edges, in increasing byte order.
    type Edges: Iterator<Item = (u8, Self)>;

    /// The node reached by following the edge labelled `unit`, if there is one.
    fn transition(&self, unit: u8) -> Option<Self>;

    /// The value of the term that ends at this node, if a term ends here.
    fn value(&self) -> Option<u64>;

    /// Whether a term ends at this node.
    fn is_final(&self) -> bool {
        self.value().is_some()
    }

    /// Outgoing edges in increasing byte order.
    fn edges(&self) -> Self::Edges;

    /// Whether an edge labelled `unit` leaves this node: `transition(unit).is_some()`, which a
    /// backend may answer without branching on the outcome (fuzzy search asks it of many
    /// nodes, and most say no).
    #[inline]
    fn has_edge(&self, unit: u8) -> bool {
        self.transition(unit).is_some()
    }
}

/// Read access to a dictionary. Implemented by every backend.
pub trait Dictionary {
    /// The node type; it borrows the dictionary.
    type Node<'a>: Node
    where
        Self: 'a;

    /// The node of the empty prefix.
    fn root(&self) -> Self::Node<'_>;

    /// Number of terms.
    fn len(&self) -> usize;

    /// True when the dictionary holds no term.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An upper bound on the length of any term reachable in this dictionary. Walks never
    /// descend deeper, which keeps them finite even over a damaged file.
    fn max_term_len(&self) -> usize {
        MAX_TERM_LEN
    }

    /// The node reached by following `prefix` from the root.
    fn node_at(&self, prefix: &[u8]) -> Option<Self::Node<'_>> {
        prefix
            .iter()
            .try_fold(self.root(), |node, &b| node.transition(b))
    }

    /// The value of `term`, if present.
    fn get(&self, term: &[u8]) -> Option<u64> {
        self.node_at(term)?.value()
    }

    /// Whether `term` is present.
    fn contains(&self, term: &[u8]) -> bool {
        self.get(term).is_some()
    }

    /// The longest term that is a prefix of `text`: its length and value.
    fn longest_prefix(&self, text: &[u8]) -> Option<(usize, u64)> {
        crate::walk::longest_prefix(self.root(), text)
    }

    /// Streams every term starting with `prefix`, in byte order, holding memory proportional
    /// to the longest term (not to the number of results).
    fn prefix_walk(&self, prefix: &[u8]) -> PrefixWalk<Self::Node<'_>> {
        PrefixWalk::new(self.node_at(prefix), prefix, self.max_term_len())
    }

    /// Streams every term between `lo` and `hi`, in byte order, holding memory proportional
    /// to the longest term. Starting costs one walk down `lo`; a range with `lo` after `hi`
    /// is empty.
    fn range_walk(&self, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> PrefixWalk<Self::Node<'_>> {
        PrefixWalk::range(self.root(), lo, hi, self.max_term_len())
    }

    /// Streams every term within `opts.max_distance` edits of `query` (see [`crate::fuzzy`]).
    /// Memory is bounded by the longest term, never by the number of results.
    fn fuzzy(
        &self,
        query: &[u8],
        opts: &crate::FuzzyOptions,
    ) -> Result<crate::fuzzy::FuzzySearch<Self::Node<'_>>> {
        crate::fuzzy::search(self, query, opts)
    }
}

/// Write access for the backends that change after construction (adaptive radix trie, DAWG).
/// Static backends such as the double-array trie do not implement it, and the C insert/remove
/// calls return `DICTENSTEIN_UNSUPPORTED` for them. Reading goes through [`Dictionary`], which
/// some backends implement on a view (the ART's [`crate::ArtView`]) rather than on themselves.
pub trait MutableDictionary {
    /// Adds `term` if it is absent; returns whether it was added (an existing value is kept).
    fn insert(&mut self, term: &[u8], value: u64) -> Result<bool>;

    /// Inserts or overwrites; returns the previous value.
    fn upsert(&mut self, term: &[u8], value: u64) -> Result<Option<u64>>;

    /// Removes `term`; returns its value if it was present.
    fn remove(&mut self, term: &[u8]) -> Result<Option<u64>>;
}
