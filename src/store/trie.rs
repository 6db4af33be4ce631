//! The mapped image seen as a byte automaton (the [`Dictionary`] trait), so fuzzy search runs
//! over it in place, like over any other backend. Nothing here needs an epoch pin: the image
//! of one checkpoint never changes, and the owner keeps it mapped.
//!
//! The image is a compressed trie, so an [`ImageNode`] is a position: a node plus how much of
//! its compressed prefix (or, for a leaf, of its key) the walk has read. A term's "value" is
//! the file offset of its leaf; [`ImageTrie::value_at`] turns it into the value bytes.

use super::image::{read_node_in, Inner, NodeView, NODES_START};
use super::layers::Image;
use crate::dict::{Dictionary, Node};
use crate::error::{Error, FormatError, Result};
use std::cell::Cell;
use std::sync::Arc;

/// One checkpoint's image, walkable. A damaged node met during a walk ends that branch and
/// is remembered: [`ImageTrie::take_error`] reports it, so a walk never hides damage.
pub(crate) struct ImageTrie {
    image: Arc<Image>,
    error: Cell<Option<FormatError>>,
}

impl ImageTrie {
    pub fn new(image: Arc<Image>) -> Self {
        ImageTrie {
            image,
            error: Cell::new(None),
        }
    }

    /// The first damage a walk met, with the image's path.
    pub fn take_error(&self) -> Result<()> {
        match self.error.take() {
            Some(e) => Err(Error::from(e).with_path(&self.image.path)),
            None => Ok(()),
        }
    }

    /// The value bytes of the leaf at `off` (a value reported by a node of this trie).
    pub fn value_at(&self, off: u64) -> Result<&[u8]> {
        let with_path = |e: FormatError| Error::from(e).with_path(&self.image.path);
        match read_node_in(self.image.nodes(), NODES_START, off, self.image.slot.end) {
            Ok(NodeView::Leaf { value, .. }) => Ok(value),
            Ok(NodeView::Inner(_)) => Err(with_path(FormatError::Invalid {
                what: "image leaf offset (an inner node)",
                value: off,
            })),
            Err(e) => Err(with_path(e)),
        }
    }

    /// Reads every node reachable from the root (checksums, offsets, ordering) and checks
    /// that they hold as many keys as the header says. Costs one pass over the live image.
    pub fn verify(&self) -> Result<()> {
        let mut walk = self.prefix_walk(b"");
        let mut keys = 0u64;
        while let Some((_, off)) = walk.next_entry() {
            self.take_error()?;
            self.value_at(off)?;
            keys += 1;
        }
        self.take_error()?;
        if keys != self.image.slot.keys {
            return Err(Error::from(FormatError::Invalid {
                what: "image: keys reachable from the root (the header counts another number)",
                value: keys,
            })
            .with_path(&self.image.path));
        }
        Ok(())
    }

    /// Reads a node for a walk; damage is recorded, and the walk sees no node there.
    fn read(&self, off: u64, below: u64) -> Option<NodeView<'_>> {
        match read_node_in(self.image.nodes(), NODES_START, off, below) {
            Ok(n) => Some(n),
            Err(e) => {
                // Keep the first error: later ones are usually consequences of it.
                let first = self.error.take().unwrap_or(e);
                self.error.set(Some(first));
                None
            }
        }
    }

    fn enter(&self, off: u64, below: u64, depth: usize) -> Option<ImageNode<'_>> {
        let pos = match self.read(off, below)? {
            NodeView::Leaf { key, .. } => Pos::Leaf { off, key },
            NodeView::Inner(node) => Pos::Inner { off, node, at: 0 },
        };
        Some(ImageNode {
            trie: self,
            depth,
            pos,
        })
    }
}

/// A position in the image's byte automaton.
#[derive(Clone, Copy)]
pub(crate) struct ImageNode<'a> {
    trie: &'a ImageTrie,
    /// Bytes read from the root.
    depth: usize,
    pos: Pos<'a>,
}

#[derive(Clone, Copy)]
enum Pos<'a> {
    /// The empty image.
    Empty,
    /// Inside or at the end of an inner node's prefix: `at` bytes of it read.
    Inner {
        off: u64,
        node: Inner<'a>,
        at: usize,
    },
    /// Inside a leaf's key (which holds the whole key): `depth` bytes of it read.
    Leaf { off: u64, key: &'a [u8] },
}

impl<'a> ImageNode<'a> {
    /// The one byte a compressed path or a leaf's key forces next: `Some(None)` at the end of
    /// a leaf, `None` at a branching point.
    fn forced(&self) -> Option<Option<u8>> {
        match self.pos {
            Pos::Empty => Some(None),
            Pos::Leaf { key, .. } => Some(key.get(self.depth).copied()),
            Pos::Inner { node, at, .. } => (at < node.prefix.len()).then(|| Some(node.prefix[at])),
        }
    }

    /// The position one forced byte further.
    fn advance(&self) -> Self {
        let pos = match self.pos {
            Pos::Inner { off, node, at } => Pos::Inner {
                off,
                node,
                at: at + 1,
            },
            other => other,
        };
        ImageNode {
            depth: self.depth + 1,
            pos,
            ..*self
        }
    }
}

impl<'a> Node for ImageNode<'a> {
    type Edges = ImageEdges<'a>;

    fn transition(&self, unit: u8) -> Option<Self> {
        match self.forced() {
            Some(Some(b)) if b == unit => Some(self.advance()),
            Some(_) => None,
            None => match self.pos {
                Pos::Inner { off, node, .. } => {
                    let child = node.child(unit)?;
                    self.trie.enter(child, off, self.depth + 1)
                }
                _ => None,
            },
        }
    }

    /// The file offset of the leaf of the term ending here.
    fn value(&self) -> Option<u64> {
        match self.pos {
            Pos::Empty => None,
            Pos::Leaf { off, key } => (key.len() == self.depth).then_some(off),
            Pos::Inner { node, at, .. } => {
                (at == node.prefix.len() && node.leaf != 0).then_some(node.leaf)
            }
        }
    }

    fn edges(&self) -> ImageEdges<'a> {
        match self.forced() {
            Some(Some(b)) => ImageEdges::One(Some((b, self.advance()))),
            Some(None) => ImageEdges::One(None),
            None => ImageEdges::Children {
                from: *self,
                next: 0,
            },
        }
    }
}

/// Outgoing edges of an [`ImageNode`], in byte order.
pub(crate) enum ImageEdges<'a> {
    One(Option<(u8, ImageNode<'a>)>),
    /// The children of a branching inner node, read one by one from byte `next` on.
    Children {
        from: ImageNode<'a>,
        next: usize,
    },
}

impl<'a> Iterator for ImageEdges<'a> {
    type Item = (u8, ImageNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            ImageEdges::One(e) => e.take(),
            ImageEdges::Children { from, next } => loop {
                let Pos::Inner { off, node, .. } = from.pos else {
                    return None;
                };
                let (b, child) = node.child_from(*next)?;
                *next = b as usize + 1;
                // A damaged child is recorded by `enter` and skipped here.
                if let Some(n) = from.trie.enter(child, off, from.depth + 1) {
                    return Some((b, n));
                }
            },
        }
    }
}

impl Dictionary for ImageTrie {
    type Node<'b>
        = ImageNode<'b>
    where
        Self: 'b;

    fn root(&self) -> ImageNode<'_> {
        let slot = self.image.slot;
        let empty = ImageNode {
            trie: self,
            depth: 0,
            pos: Pos::Empty,
        };
        if slot.root == 0 {
            return empty;
        }
        self.enter(slot.root, slot.end, 0).unwrap_or(empty)
    }

    fn len(&self) -> usize {
        usize::try_from(self.image.slot.keys).unwrap_or(usize::MAX)
    }
}
