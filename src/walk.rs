//! Traversals written once over the [`Node`] trait, shared by every backend.

use crate::dict::Node;

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

/// A streaming depth-first walk below one node, yielding terms in byte order.
///
/// It holds one edge iterator per level and the current term, so its memory is bounded by
/// the term length, never by the number of results. It never descends below `max_depth`
/// bytes, so even a damaged automaton with a cycle yields a finite stream.
pub struct PrefixWalk<N: Node> {
    key: Vec<u8>,
    /// Edge iterators of the nodes on the current path; after the prefix, `key` holds one byte
    /// per level below the first (plus one more while `leaf_byte` is set).
    stack: Vec<N::Edges>,
    /// The start node's own value, reported before anything below it.
    pending: Option<u64>,
    /// The last reported term ended at the depth limit: its byte was pushed without a level.
    leaf_byte: bool,
    max_depth: usize,
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
        };
        if let Some(node) = start {
            walk.pending = node.value();
            if prefix.len() < max_depth {
                walk.stack.push(node.edges());
            }
        }
        walk
    }

    /// The next term and its value; the slice is valid until the next call.
    pub fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        if let Some(v) = self.pending.take() {
            return Some((&self.key, v));
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
                self.stack.push(child.edges());
            } else if value.is_some() {
                // At the depth limit nothing below can be a term: report it, descend no
                // further, and drop its byte on the next call.
                self.leaf_byte = true;
            } else {
                self.key.pop();
                continue;
            }
            if let Some(v) = value {
                return Some((&self.key, v));
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
