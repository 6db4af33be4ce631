//! A pinned view of the trie that implements the [`Dictionary`] trait, so node walks (prefix
//! walks, longest prefix, fuzzy search) run over the ART like over any other backend.
//!
//! A compressed trie has fewer nodes than the byte automaton the trait describes, so an
//! [`ArtNode`] is a position: a node plus how far into its compressed prefix (or, for a leaf,
//! into its term) the walk has read.

use super::bucket::{BucketRef, BUCKET_MAX};
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
    /// In a bucket: the slots (bit i for slot i) whose terms have every byte read so far.
    mask: u32,
}

impl<'g> ArtNode<'g> {
    /// Enters the node or leaf of entry `e`, reached after `depth` bytes.
    fn enter(e: Entry, guard: &'g Guard, depth: usize) -> Option<Self> {
        // SAFETY: `e` was read from a slot of the trie while `guard` (owned by the view this
        // node borrows) is pinned.
        let node = unsafe { deref(e, guard) }?;
        let mask = match node {
            Ref::Bucket(b) => ((1u64 << b.len()) - 1) as u32,
            _ => 0,
        };
        Some(ArtNode {
            node: Some(node),
            guard,
            depth,
            offset: 0,
            mask,
        })
    }

    /// Byte `self.offset` of term `i` of bucket `b` (the one this position is in).
    #[inline]
    fn bucket_byte(&self, b: BucketRef<'g>, i: usize) -> Option<u8> {
        b.byte_at(i, self.depth - self.offset, self.offset, self.guard)
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

    /// The slots of the mask whose next byte is `unit` (`None`: whose term ends here).
    fn bucket_next(&self, b: BucketRef<'g>, unit: Option<u8>) -> u32 {
        let start = self.depth - self.offset;
        b.narrow(self.mask, self.offset, unit, start, self.guard)
    }

    /// The next bytes of the mask's terms, sorted, each with the slots that take it: one
    /// pass over the slots, rather than one per edge.
    fn bucket_edges(&self, b: BucketRef<'g>) -> BucketEdges<'g> {
        let mut e = BucketEdges {
            at: *self,
            units: [0; BUCKET_MAX],
            masks: [0; BUCKET_MAX],
            len: 0,
            next: 0,
        };
        for i in slots_of(self.mask) {
            let Some(u) = self.bucket_byte(b, i) else {
                continue;
            };
            let at = e.units[..e.len].partition_point(|&x| x < u);
            if at == e.len || e.units[at] != u {
                e.units.copy_within(at..e.len, at + 1);
                e.masks.copy_within(at..e.len, at + 1);
                e.units[at] = u;
                e.masks[at] = 0;
                e.len += 1;
            }
            e.masks[at] |= 1 << i;
        }
        e
    }

    /// The position one byte further, in bucket `b`.
    fn bucket_step(&self, b: BucketRef<'g>, unit: u8) -> Option<Self> {
        let mask = self.bucket_next(b, Some(unit));
        (mask != 0).then(|| self.bucket_child(mask))
    }

    /// The position one byte further in this bucket, at the slots of `mask`.
    fn bucket_child(&self, mask: u32) -> Self {
        ArtNode {
            depth: self.depth + 1,
            offset: self.offset + 1,
            mask,
            ..*self
        }
    }
}

/// The slot indexes in a bucket mask.
fn slots_of(mut mask: u32) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (mask != 0).then(|| {
            let i = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            i
        })
    })
}

impl<'g> Node for ArtNode<'g> {
    type Edges = ArtEdges<'g>;

    fn transition(&self, unit: u8) -> Option<Self> {
        if let Some(Ref::Bucket(b)) = self.node {
            return self.bucket_step(b, unit);
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
            // Terms are distinct, so at most one of the mask ends here.
            Ref::Bucket(b) => slots_of(self.bucket_next(b, None))
                .next()
                .map(|i| b.value(i, self.guard)),
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
            let e = self.bucket_edges(b);
            // Deep in a bucket most positions have one way on: no list to allocate.
            return ArtEdges(match e.len {
                0 | 1 => {
                    Edges::One((e.len == 1).then(|| (e.units[0], self.bucket_child(e.masks[0]))))
                }
                _ => Edges::Bucket(Box::new(e)),
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
    /// In a bucket: its edges, listed when the walk asks for them (boxed: the lists would
    /// make every `ArtEdges` as big).
    Bucket(Box<BucketEdges<'g>>),
}

/// The edges of a position in a bucket: each next byte of the mask's terms, in order, with the
/// mask of the terms that take it.
struct BucketEdges<'g> {
    at: ArtNode<'g>,
    units: [u8; BUCKET_MAX],
    masks: [u32; BUCKET_MAX],
    len: usize,
    next: usize,
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
            Edges::Bucket(e) => {
                let i = e.next;
                (i < e.len).then(|| {
                    e.next += 1;
                    (e.units[i], e.at.bucket_child(e.masks[i]))
                })
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
            mask: 0,
        })
    }

    fn len(&self) -> usize {
        self.art.len()
    }

    fn get(&self, term: &[u8]) -> Option<u64> {
        self.art.get_in(&self.guard, term)
    }
}
