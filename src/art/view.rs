//! A pinned view of the trie that implements the [`Dictionary`] trait, so node walks (prefix
//! walks, longest prefix, fuzzy search) run over the ART like over any other backend.
//!
//! A compressed trie has fewer nodes than the byte automaton the trait describes, so an
//! [`ArtNode`] is a position: a node plus how far into its compressed prefix (or, for a leaf,
//! into its term) the walk has read.

use super::bucket::BucketRef;
use super::node::{deref, Entry, Ref};
use super::Art;
use crate::dict::{Dictionary, Node};
use crossbeam_epoch::{self as epoch, Guard};
use std::sync::atomic::Ordering;

/// The trie pinned for reading: nodes reached through the view stay allocated while it lives.
/// Writers go on meanwhile; a walk sees each key either before or after a concurrent write.
pub struct ArtView<'a> {
    art: &'a Art,
    guard: Guard,
}

impl<'a> ArtView<'a> {
    pub(crate) fn new(art: &'a Art) -> Self {
        ArtView {
            art,
            guard: epoch::pin(),
        }
    }
}

/// A position in the trie's byte automaton.
#[derive(Clone, Copy)]
pub struct ArtNode<'g> {
    node: Option<Ref<'g>>,
    guard: &'g Guard,
    /// Bytes read from the root.
    depth: usize,
    /// Bytes of the current inner node's prefix, or of an inline leaf's bytes, read so far
    /// (unused for heap leaves, which hold their whole term), or of a bucket's terms past its
    /// slot.
    offset: usize,
    /// In a bucket: the slots (a range, as its terms are sorted) whose terms have every byte
    /// read so far.
    span: (usize, usize),
}

impl<'g> ArtNode<'g> {
    /// Enters the node or leaf of entry `e`, reached after `depth` bytes.
    fn enter(e: Entry, guard: &'g Guard, depth: usize) -> Option<Self> {
        // SAFETY: `e` was read from a slot of the trie while `guard` (owned by the view this
        // node borrows) is pinned.
        let node = unsafe { deref(e, guard) }?;
        let span = match node {
            Ref::Bucket(b) => (0, b.len()),
            _ => (0, 0),
        };
        Some(ArtNode {
            node: Some(node),
            guard,
            depth,
            offset: 0,
            span,
        })
    }

    /// Byte `self.offset` of term `i` of bucket `b` (the one this position is in).
    fn bucket_byte(&self, b: BucketRef<'g>, i: usize) -> Option<u8> {
        b.byte_at(i, self.depth - self.offset, self.offset, self.guard)
    }

    /// The position one byte further, in the slots from `lo` on that have `unit` next.
    fn bucket_step(&self, b: BucketRef<'g>, lo: usize, unit: u8) -> Option<Self> {
        let hi = self.span.1;
        let first = (lo..hi).find(|&i| self.bucket_byte(b, i) == Some(unit))?;
        let end = (first + 1..hi)
            .find(|&i| self.bucket_byte(b, i) != Some(unit))
            .unwrap_or(hi);
        Some(ArtNode {
            depth: self.depth + 1,
            offset: self.offset + 1,
            span: (first, end),
            ..*self
        })
    }

    /// The single next byte on a compressed path or inside a leaf's term, if the position is
    /// in one; `None` when at a branching point.
    fn forced(&self) -> Option<Option<u8>> {
        match self.node? {
            Ref::Leaf(l) => Some(l.key.get(self.depth).copied()),
            Ref::Inline(e) => Some(e.inline_rest().get(self.offset).copied()),
            inner => {
                let h = inner.header()?;
                (self.offset < h.prefix.len()).then(|| Some(h.prefix[self.offset]))
            }
        }
    }
}

impl<'g> Node for ArtNode<'g> {
    type Edges = ArtEdges<'g>;

    fn transition(&self, unit: u8) -> Option<Self> {
        if let Some(Ref::Bucket(b)) = self.node {
            return self.bucket_step(b, self.span.0, unit);
        }
        match self.forced() {
            Some(Some(b)) if b == unit => Some(ArtNode {
                depth: self.depth + 1,
                offset: self.offset + 1,
                ..*self
            }),
            Some(_) => None,
            None => {
                let node = self.node?;
                ArtNode::enter(node.child(unit), self.guard, self.depth + 1)
            }
        }
    }

    fn value(&self) -> Option<u64> {
        match self.node? {
            Ref::Leaf(l) => (l.key.len() == self.depth).then(|| l.value.load(Ordering::Acquire)),
            Ref::Inline(e) => (e.inline_rest().len() == self.offset).then_some(e.val),
            // Sorted, so a term that ends here is the first of the span.
            Ref::Bucket(b) => {
                let i = self.span.0;
                (i < self.span.1 && self.bucket_byte(b, i).is_none())
                    .then(|| b.value(i, self.guard))
            }
            inner => {
                if self.offset < inner.header()?.prefix.len() {
                    return None;
                }
                // SAFETY: the leaf slot of a node of the pinned trie.
                unsafe { deref(inner.leaf(), self.guard) }?.leaf_value()
            }
        }
    }

    fn edges(&self) -> ArtEdges<'g> {
        if let Some(Ref::Bucket(b)) = self.node {
            return ArtEdges(Edges::Bucket {
                b,
                at: *self,
                next: self.span.0,
            });
        }
        match self.forced() {
            Some(Some(b)) => ArtEdges(Edges::One(Some((
                b,
                ArtNode {
                    depth: self.depth + 1,
                    offset: self.offset + 1,
                    ..*self
                },
            )))),
            Some(None) => ArtEdges(Edges::One(None)),
            None => match self.node {
                Some(node) => ArtEdges(Edges::Children {
                    node,
                    guard: self.guard,
                    depth: self.depth + 1,
                    next: 0,
                }),
                None => ArtEdges(Edges::One(None)),
            },
        }
    }
}

/// Outgoing edges of an [`ArtNode`], in byte order.
pub struct ArtEdges<'g>(Edges<'g>);

enum Edges<'g> {
    /// Inside a compressed path or a leaf: at most one edge.
    One(Option<(u8, ArtNode<'g>)>),
    /// At a branching node: its children, found one by one.
    Children {
        node: Ref<'g>,
        guard: &'g Guard,
        depth: usize,
        next: usize,
    },
    /// In a bucket: one edge per run of slots with the same next byte, from slot `next` on.
    Bucket {
        b: BucketRef<'g>,
        at: ArtNode<'g>,
        next: usize,
    },
}

impl<'g> Iterator for ArtEdges<'g> {
    type Item = (u8, ArtNode<'g>);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Edges::One(e) => e.take(),
            Edges::Children {
                node,
                guard,
                depth,
                next,
            } => loop {
                let (b, child) = node.next_child(*next)?;
                *next = b as usize + 1;
                // A child may be unlinked between finding and entering it; skip it then.
                if let Some(n) = ArtNode::enter(child, guard, *depth) {
                    return Some((b, n));
                }
            },
            Edges::Bucket { b, at, next } => {
                // Skip the term that ends here (it has no next byte), if any.
                while *next < at.span.1 && at.bucket_byte(*b, *next).is_none() {
                    *next += 1;
                }
                if *next >= at.span.1 {
                    return None;
                }
                let unit = at.bucket_byte(*b, *next)?;
                let n = at.bucket_step(*b, *next, unit)?;
                *next = n.span.1;
                Some((unit, n))
            }
        }
    }
}

impl Dictionary for ArtView<'_> {
    type Node<'b>
        = ArtNode<'b>
    where
        Self: 'b;

    fn root(&self) -> ArtNode<'_> {
        ArtNode::enter(Entry::ptr(self.art.root_ptr()), &self.guard, 0).unwrap_or(ArtNode {
            node: None,
            guard: &self.guard,
            depth: 0,
            offset: 0,
            span: (0, 0),
        })
    }

    fn len(&self) -> usize {
        self.art.len()
    }

    fn get(&self, term: &[u8]) -> Option<u64> {
        self.art.get_in(&self.guard, term)
    }
}
