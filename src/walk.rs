//! Traversals written once over the [`Node`] trait, shared by every backend.

use crate::dict::Node;
use std::ops::Bound;

/// The longest prefix of `text` that is a term, as (length, value).
pub fn longest_prefix<N: Node>(root: N, text: &[u8]) -> Option<(usize, u64)> {
    let mut best = root.value().map(|v| (0, v));
    let mut node = root;
    for (i, &b) in text.iter().enumerate() {
        match node.transition(b) {
            Some(next) => node = next,
            None => break,
        }
        if let Some(v) = node.value() {
            best = Some((i + 1, v));
        }
    }
    best
}

/// One level of a walk: the edges of a node still to try, and one edge already taken out of
/// them and not tried yet (a range walk's seek stops on the first edge past its bound).
struct Level<N: Node> {
    edges: N::Edges,
    held: Option<(u8, N)>,
}

impl<N: Node> Level<N> {
    fn of(node: &N) -> Self {
        Level {
            edges: node.edges(),
            held: None,
        }
    }

    fn next(&mut self) -> Option<(u8, N)> {
        self.held.take().or_else(|| self.edges.next())
    }
}

/// A streaming depth-first walk, yielding terms in byte order: every term below one node
/// ([`crate::Dictionary::prefix_walk`]) or every term between two bounds
/// ([`crate::Dictionary::range_walk`]).
///
/// It holds one edge iterator per level and the current term, so its memory is bounded by
/// the term length, never by the number of results. It never descends below `max_depth`
/// bytes, so even a damaged automaton with a cycle yields a finite stream.
pub struct PrefixWalk<N: Node> {
    key: Vec<u8>,
    /// The levels of the nodes on the current path; after the prefix, `key` holds one byte
    /// per level below the first (plus one more while `leaf_byte` is set).
    stack: Vec<Level<N>>,
    /// The start node's own value, reported before anything below it.
    pending: Option<u64>,
    /// The last reported term ended at the depth limit: its byte was pushed without a level.
    leaf_byte: bool,
    max_depth: usize,
    /// The upper bound of a range walk (the walk ends at the first term past it).
    hi: Bound<Vec<u8>>,
}

impl<N: Node> PrefixWalk<N> {
    /// A walk of every term below `start`, whose path from the root is `prefix`.
    /// `start == None` gives an empty walk.
    pub fn new(start: Option<N>, prefix: &[u8], max_depth: usize) -> Self {
        let mut walk = PrefixWalk {
            key: prefix.to_vec(),
            stack: Vec::new(),
            pending: None,
            leaf_byte: false,
            max_depth,
            hi: Bound::Unbounded,
        };
        if let Some(node) = start {
            walk.pending = node.value();
            if prefix.len() < max_depth {
                walk.stack.push(Level::of(&node));
            }
        }
        walk
    }

    /// A walk of every term within `lo` and `hi`, from the automaton's `root`. It first
    /// follows `lo` as far as it goes, leaving each level's edges positioned after the
    /// bound's byte, so the first term it yields is the first term in range: O(|lo|) to
    /// start, like a B-tree seek, then the same streaming walk as a prefix walk.
    pub fn range(root: N, lo: Bound<&[u8]>, hi: Bound<&[u8]>, max_depth: usize) -> Self {
        let mut walk = PrefixWalk::new(None, b"", max_depth);
        walk.hi = hi.map(<[u8]>::to_vec);
        let (bound, inclusive) = match lo {
            Bound::Unbounded => {
                walk.pending = root.value();
                walk.stack.push(Level::of(&root));
                return walk;
            }
            Bound::Included(b) => (b, true),
            Bound::Excluded(b) => (b, false),
        };
        let mut node = root;
        for &byte in bound {
            if walk.key.len() >= max_depth {
                // `node` is at the depth limit: its own term is a proper prefix of the bound
                // (before it) and nothing below counts. Resume at its parent's next edge.
                walk.key.pop();
                return walk;
            }
            let mut level = Level::of(&node);
            let mut exact = None;
            for (b, child) in level.edges.by_ref() {
                if b == byte {
                    exact = Some(child);
                    break;
                }
                if b > byte {
                    // Everything from this edge on is past the bound: try it next.
                    level.held = Some((b, child));
                    break;
                }
            }
            walk.stack.push(level);
            match exact {
                Some(child) => {
                    walk.key.push(byte);
                    node = child;
                }
                // The bound is not a path: the walk resumes after it at this level.
                None => return walk,
            }
        }
        // The whole bound is a path: the node's own term is the bound itself, and all below
        // it come after it.
        if inclusive {
            walk.pending = node.value();
        }
        if walk.key.len() < max_depth {
            walk.stack.push(Level::of(&node));
        } else {
            // No level for a node at the depth limit: its byte is dropped at the next step.
            walk.leaf_byte = true;
        }
        walk
    }

    /// Whether `key` is past the upper bound.
    fn past_hi(&self, key: &[u8]) -> bool {
        match &self.hi {
            Bound::Unbounded => false,
            Bound::Included(h) => key > h.as_slice(),
            Bound::Excluded(h) => key >= h.as_slice(),
        }
    }

    /// The next term and its value; the slice is valid until the next call.
    pub fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        let (found, value) = self.advance()?;
        if self.past_hi(&self.key[..found]) {
            // Terms come in order: none after this one is in range either.
            self.stack.clear();
            self.pending = None;
            return None;
        }
        Some((&self.key[..found], value))
    }

    /// Moves to the next term: its length (the term is `key[..len]`) and value.
    fn advance(&mut self) -> Option<(usize, u64)> {
        if let Some(v) = self.pending.take() {
            return Some((self.key.len(), v));
        }
        if std::mem::take(&mut self.leaf_byte) {
            self.key.pop();
        }
        loop {
            let top = self.stack.last_mut()?;
            let Some((b, child)) = top.next() else {
                self.stack.pop();
                if self.stack.is_empty() {
                    return None;
                }
                self.key.pop();
                continue;
            };
            let value = child.value();
            self.key.push(b);
            if self.key.len() < self.max_depth {
                self.stack.push(Level::of(&child));
            } else if value.is_some() {
                // At the depth limit nothing below can be a term: report it, descend no
                // further, and drop its byte on the next call.
                self.leaf_byte = true;
            } else {
                self.key.pop();
                continue;
            }
            if let Some(v) = value {
                return Some((self.key.len(), v));
            }
        }
    }
}

impl<N: Node> Iterator for PrefixWalk<N> {
    type Item = (Vec<u8>, u64);

    /// Owned variant of [`PrefixWalk::next_entry`] (allocates one `Vec` per term).
    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry().map(|(k, v)| (k.to_vec(), v))
    }
}
