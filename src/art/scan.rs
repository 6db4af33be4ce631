//! Ordered scans: a depth-first walk under one pin that starts at a lower bound, and the
//! `Range` iterator that drives it in batches.

use super::node::{deref, Entry, Ref};
use super::Art;
use crossbeam_epoch::{self as epoch, Guard};
use std::collections::VecDeque;
use std::ops::Bound;
use std::sync::atomic::Ordering;

/// Entries gathered per pin by [`Range`]: big enough to amortise the seek, small enough that
/// memory stays bounded and reclamation is not held back.
const BATCH: usize = 64;

/// Is `key` at or after the lower bound?
fn after_lo(key: &[u8], lo: Bound<&[u8]>) -> bool {
    match lo {
        Bound::Unbounded => true,
        Bound::Included(b) => key >= b,
        Bound::Excluded(b) => key > b,
    }
}

/// Calls `visit` for every key `>= lo` (per the bound) in byte order, until it returns false.
/// Memory: one frame per inner node on the current path.
pub(crate) fn scan(
    art: &Art,
    guard: &Guard,
    lo: Bound<&[u8]>,
    visit: &mut dyn FnMut(&[u8], u64) -> bool,
) {
    struct Frame<'g> {
        node: Ref<'g>,
        /// Length of the path to this node's children (prefix included).
        depth: usize,
        /// The next child byte to look at (256 = done).
        next: usize,
    }
    let lo_bytes: &[u8] = match lo {
        Bound::Included(b) | Bound::Excluded(b) => b,
        Bound::Unbounded => &[],
    };
    let mut path: Vec<u8> = Vec::new();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut pending = Entry::ptr(art.root_ptr());
    loop {
        // Enter `pending` (a child entry; `path` ends with its edge byte).
        // SAFETY: read from a slot of `art` while `guard` is pinned.
        match unsafe { deref(pending, guard) } {
            None => {}
            Some(Ref::Leaf(l))
                if after_lo(&l.key, lo) && !visit(&l.key, l.value.load(Ordering::Acquire)) =>
            {
                return;
            }
            Some(Ref::Leaf(_)) => {}
            Some(Ref::Bucket(b)) => {
                // Slots are in arrival order: visit them sorted. The next child taken from
                // the stack cuts `path` back.
                let base = path.len();
                let order = b.order(base, guard);
                for &i in &order[..b.len()] {
                    let value = b.term(i as usize, guard, &mut path, base);
                    if after_lo(&path, lo) && !visit(&path, value) {
                        return;
                    }
                }
            }
            Some(Ref::Inline(e)) => {
                // An inline leaf holds its term's bytes past the path; the next child taken
                // from the stack cuts `path` back.
                path.extend_from_slice(&e.inline_rest());
                if after_lo(&path, lo) && !visit(&path, e.val) {
                    return;
                }
            }
            Some(node) => {
                let h = node.header().expect("inner node has a header");
                path.extend_from_slice(&h.prefix);
                // Where this subtree sits relative to the lower bound.
                let shared = path
                    .iter()
                    .zip(lo_bytes)
                    .take_while(|(a, b)| a == b)
                    .count();
                let on_bound_path = shared == path.len() && !matches!(lo, Bound::Unbounded);
                let below_lo = !on_bound_path
                    && shared < path.len()
                    && shared < lo_bytes.len()
                    && path[shared] < lo_bytes[shared];
                if !below_lo {
                    let start = if on_bound_path && path.len() < lo_bytes.len() {
                        lo_bytes[path.len()] as usize
                    } else {
                        0
                    };
                    // The node's own term is `path`; it is before every child.
                    // SAFETY: the leaf slot of a node of `art`, under `guard`.
                    if let Some(leaf) = unsafe { deref(node.leaf(), guard) } {
                        // A heap leaf holds the whole term; an inline one here holds no bytes.
                        let term: &[u8] = match leaf {
                            Ref::Leaf(l) => &l.key,
                            _ => &path,
                        };
                        let value = leaf.leaf_value().expect("a leaf has a value");
                        if after_lo(term, lo) && !visit(term, value) {
                            return;
                        }
                    }
                    stack.push(Frame {
                        node,
                        depth: path.len(),
                        next: start,
                    });
                }
            }
        }
        // Advance to the next child of the deepest unfinished node.
        loop {
            let Some(top) = stack.last_mut() else { return };
            match top.node.next_child(top.next) {
                Some((b, child)) => {
                    top.next = b as usize + 1;
                    path.truncate(top.depth);
                    path.push(b);
                    pending = child;
                    break;
                }
                None => {
                    stack.pop();
                }
            }
        }
    }
}

/// Iterator over `(key, value)` pairs in byte order within bounds (and, for prefix scans,
/// starting with a prefix). Each refill pins, seeks past the last key returned and collects up
/// to 64 entries, so the iterator holds no pin between calls and may be sent to another thread.
pub struct Range<'a> {
    art: &'a Art,
    from: Bound<Vec<u8>>,
    hi: Bound<Vec<u8>>,
    prefix: Option<Vec<u8>>,
    buf: VecDeque<(Vec<u8>, u64)>,
    done: bool,
}

impl<'a> Range<'a> {
    pub(crate) fn new(
        art: &'a Art,
        lo: Bound<&[u8]>,
        hi: Bound<&[u8]>,
        prefix: Option<&[u8]>,
    ) -> Self {
        Range {
            art,
            from: lo.map(<[u8]>::to_vec),
            hi: hi.map(<[u8]>::to_vec),
            prefix: prefix.map(<[u8]>::to_vec),
            buf: VecDeque::new(),
            done: false,
        }
    }

    fn before_hi(&self, key: &[u8]) -> bool {
        let prefix_ok = self.prefix.as_deref().is_none_or(|p| key.starts_with(p));
        prefix_ok
            && match &self.hi {
                Bound::Unbounded => true,
                Bound::Included(h) => key <= &h[..],
                Bound::Excluded(h) => key < &h[..],
            }
    }

    fn refill(&mut self) {
        let guard = epoch::pin();
        let mut batch = VecDeque::with_capacity(BATCH);
        let mut ended = true;
        let from = self.from.as_ref().map(|v| &v[..]);
        scan(self.art, &guard, from, &mut |k, v| {
            if !self.before_hi(k) {
                return false;
            }
            batch.push_back((k.to_vec(), v));
            if batch.len() == BATCH {
                ended = false;
                return false;
            }
            true
        });
        drop(guard);
        self.done = ended;
        if let Some((k, _)) = batch.back() {
            self.from = Bound::Excluded(k.clone());
        }
        self.buf = batch;
    }
}

impl Iterator for Range<'_> {
    type Item = (Vec<u8>, u64);

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty() && !self.done {
            self.refill();
        }
        self.buf.pop_front()
    }
}
