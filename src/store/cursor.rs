//! Snapshots and ordered cursors. A snapshot pins one LSN and the layers that were current
//! at it (by `Arc`, not by an epoch pin, so it may live long and move between threads); a
//! cursor merges the memtable, the frozen memtable and the image in key order. Memory is
//! bounded by the key length (the image walk's stack) plus one batch of memtable entries.

use super::image::{read_node_in, NodeView, NODES_START};
use super::layers::{Image, Layers};
use super::memtable::{Entry, Memtable};
use super::Shared;
use crate::error::{Error, Result};
use crossbeam_epoch as epoch;
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::atomic::Ordering;
use std::sync::Arc;

struct Inner {
    shared: Arc<Shared>,
    lsn: u64,
    layers: Layers,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let mut snaps = self.shared.snapshots.lock();
        if let Some(n) = snaps.get_mut(&self.lsn) {
            *n -= 1;
            if *n == 0 {
                snaps.remove(&self.lsn);
            }
        }
    }
}

/// A consistent view of the store at one LSN. Cheap to clone; `Send` and `Sync`. While it
/// lives, the memtable keeps the versions it may read (a long-lived snapshot holds memory,
/// as in any MVCC store).
#[derive(Clone)]
pub struct Snapshot(Arc<Inner>);

impl Snapshot {
    pub(crate) fn new(shared: &Arc<Shared>) -> Snapshot {
        // Registered under the lock the applier reads `keep_lsn` under, so no version this
        // snapshot needs is pruned after it picked its LSN.
        let mut snaps = shared.snapshots.lock();
        let g = epoch::pin();
        loop {
            // The layers and the LSN must belong together: if a checkpoint swapped the
            // layers in between, the LSN may cover writes that went to a newer memtable.
            let p1 = shared.layers.load(Ordering::Acquire, &g);
            let lsn = shared.applied.load(Ordering::Acquire);
            let p2 = shared.layers.load(Ordering::Acquire, &g);
            if p1 != p2 {
                continue;
            }
            // SAFETY: non-null after open; freed only through the epoch after a swap, and
            // `g` is pinned.
            let layers = unsafe { p1.deref() }.clone();
            *snaps.entry(lsn).or_default() += 1;
            return Snapshot(Arc::new(Inner {
                shared: shared.clone(),
                lsn,
                layers,
            }));
        }
    }

    /// The LSN this snapshot reads at.
    pub fn lsn(&self) -> u64 {
        self.0.lsn
    }

    pub(crate) fn layers(&self) -> &Layers {
        &self.0.layers
    }

    /// Every term within `opts.max_distance` edits of `query`, with its value in this
    /// snapshot (see [`crate::fuzzy`] for the options). The image is streamed; matches among
    /// the keys written since the last checkpoint are collected when the search opens.
    pub fn fuzzy(&self, query: &[u8], opts: &crate::FuzzyOptions) -> Result<super::StoreFuzzy> {
        super::StoreFuzzy::new(self.clone(), query, opts)
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let g = epoch::pin();
        Ok(self.0.layers.get(&g, key, self.0.lsn)?.map(<[u8]>::to_vec))
    }

    /// Keys within `lo..hi`, in byte order.
    pub fn range(&self, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> Cursor {
        Cursor::new(
            self.clone(),
            lo.map(<[u8]>::to_vec),
            hi.map(<[u8]>::to_vec),
            None,
        )
    }

    /// Keys starting with `prefix`, in byte order.
    pub fn prefix(&self, prefix: &[u8]) -> Cursor {
        Cursor::new(
            self.clone(),
            Bound::Included(prefix.to_vec()),
            Bound::Unbounded,
            Some(prefix.to_vec()),
        )
    }
}

/// Entries of a memtable from a bound on, fetched in batches under short pins.
struct MemSource {
    from: Bound<Vec<u8>>,
    buf: VecDeque<Entry>,
    done: bool,
}

impl MemSource {
    fn next(&mut self, m: &Memtable, lsn: u64) -> Option<Entry> {
        if self.buf.is_empty() && !self.done {
            let g = epoch::pin();
            let mut batch = Vec::new();
            self.done = m.scan_at(&g, self.from.as_ref().map(|v| &v[..]), lsn, 64, &mut batch);
            if let Some(last) = batch.last() {
                self.from = Bound::Excluded(last.0.clone());
            }
            self.buf = batch.into();
        }
        self.buf.pop_front()
    }
}

/// A depth-first walk of the image from a lower bound. Each frame holds one inner node's
/// remaining children.
struct ImageSource {
    lo: Bound<Vec<u8>>,
    path: Vec<u8>,
    stack: Vec<Frame>,
    /// The next node to enter and the offset it must lie below.
    pending: Option<(u64, u64)>,
}

struct Frame {
    off: u64,
    depth: usize,
    kids: Vec<(u8, u64)>,
    next: usize,
}

fn after_lo(key: &[u8], lo: &Bound<Vec<u8>>) -> bool {
    match lo {
        Bound::Unbounded => true,
        Bound::Included(b) => key >= &b[..],
        Bound::Excluded(b) => key > &b[..],
    }
}

impl ImageSource {
    fn new(image: &Image, lo: Bound<Vec<u8>>) -> Self {
        let root = image.slot.root;
        ImageSource {
            lo,
            path: Vec::new(),
            stack: Vec::new(),
            pending: (root != 0).then_some((root, image.slot.end)),
        }
    }

    fn next(&mut self, image: &Image) -> Result<Option<Entry>> {
        let nodes = image.nodes();
        let read = |off, below| {
            read_node_in(nodes, NODES_START, off, below)
                .map_err(|e| Error::from(e).with_path(&image.path))
        };
        loop {
            if let Some((off, below)) = self.pending.take() {
                match read(off, below)? {
                    NodeView::Leaf { key, value, .. } => {
                        if after_lo(key, &self.lo) {
                            return Ok(Some((key.to_vec(), Some(value.to_vec()))));
                        }
                    }
                    NodeView::Inner(n) => {
                        self.path.extend_from_slice(n.prefix);
                        if let Some(start) = self.start_byte() {
                            let kids = n.children().into_iter().filter(|k| k.0 as usize >= start);
                            self.stack.push(Frame {
                                off,
                                depth: self.path.len(),
                                kids: kids.collect(),
                                next: 0,
                            });
                            if n.leaf != 0 {
                                if let NodeView::Leaf { key, value, .. } = read(n.leaf, off)? {
                                    if after_lo(key, &self.lo) {
                                        return Ok(Some((key.to_vec(), Some(value.to_vec()))));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let Some(top) = self.stack.last_mut() else {
                return Ok(None);
            };
            match top.kids.get(top.next) {
                Some(&(b, c)) => {
                    top.next += 1;
                    self.path.truncate(top.depth);
                    self.path.push(b);
                    self.pending = Some((c, top.off));
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }

    /// Where the children of the node whose path is `self.path` start relative to the
    /// lower bound: `None` if the whole subtree is below it.
    fn start_byte(&self) -> Option<usize> {
        let lo: &[u8] = match &self.lo {
            Bound::Unbounded => return Some(0),
            Bound::Included(b) | Bound::Excluded(b) => b,
        };
        let p = &self.path;
        let shared = p.iter().zip(lo).take_while(|(a, b)| a == b).count();
        if shared == p.len() {
            // The bound runs through this node: children from its next byte on.
            return Some(lo.get(p.len()).map_or(0, |&b| b as usize));
        }
        if shared < lo.len() && p[shared] < lo[shared] {
            return None;
        }
        Some(0)
    }
}

/// An ordered cursor over a snapshot: yields `(key, value)` pairs.
pub struct Cursor {
    snap: Snapshot,
    hi: Bound<Vec<u8>>,
    prefix: Option<Vec<u8>>,
    mem: MemSource,
    frozen: MemSource,
    image: ImageSource,
    /// The next entry of each source (memtable, frozen, image), `None` once taken.
    heads: [Option<Entry>; 3],
    ended: [bool; 3],
    done: bool,
}

impl Cursor {
    fn new(
        snap: Snapshot,
        lo: Bound<Vec<u8>>,
        hi: Bound<Vec<u8>>,
        prefix: Option<Vec<u8>>,
    ) -> Cursor {
        let src = |lo: &Bound<Vec<u8>>| MemSource {
            from: lo.clone(),
            buf: VecDeque::new(),
            done: false,
        };
        let has_frozen = snap.0.layers.frozen.is_some();
        Cursor {
            mem: src(&lo),
            frozen: src(&lo),
            image: ImageSource::new(&snap.0.layers.image, lo),
            snap,
            hi,
            prefix,
            heads: [None, None, None],
            ended: [false, !has_frozen, false],
            done: false,
        }
    }

    fn before_hi(&self, key: &[u8]) -> bool {
        self.prefix.as_deref().is_none_or(|p| key.starts_with(p))
            && match &self.hi {
                Bound::Unbounded => true,
                Bound::Included(h) => key <= &h[..],
                Bound::Excluded(h) => key < &h[..],
            }
    }

    fn fill(&mut self) -> Result<()> {
        let (s, lsn) = (&self.snap.0.layers, self.snap.0.lsn);
        for i in 0..3 {
            if self.heads[i].is_some() || self.ended[i] {
                continue;
            }
            let e = match i {
                0 => self.mem.next(&s.mem, lsn),
                1 => self
                    .frozen
                    .next(s.frozen.as_ref().expect("has frozen"), lsn),
                _ => self.image.next(&s.image)?,
            };
            self.ended[i] = e.is_none();
            self.heads[i] = e;
        }
        Ok(())
    }

    fn step(&mut self) -> Result<Option<(Vec<u8>, Vec<u8>)>> {
        loop {
            self.fill()?;
            let Some(min) = self.heads.iter().flatten().map(|e| &e.0).min().cloned() else {
                return Ok(None);
            };
            if !self.before_hi(&min) {
                return Ok(None);
            }
            // The newest layer holding the key wins; the others' entries are shadowed.
            let mut winner = None;
            for h in self.heads.iter_mut() {
                if h.as_ref().is_some_and(|e| e.0 == min) {
                    let e = h.take();
                    if winner.is_none() {
                        winner = e;
                    }
                }
            }
            if let Some((k, Some(v))) = winner {
                return Ok(Some((k, v)));
            }
        }
    }
}

impl Iterator for Cursor {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.step().transpose();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }
}
