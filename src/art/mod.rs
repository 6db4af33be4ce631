//! Adaptive radix trie (Leis, Kemper, Neumann, ICDE 2013) that many threads share: lookups
//! never block and never take a lock; writers take turns on one mutex.
//!
//! - Nodes of 4, 16, 48 and 256 children, grown and shrunk with the fanout.
//! - Path compression (each inner node stores its whole compressed prefix) and lazy expansion
//!   (a leaf holds its whole term and hangs as high as it can).
//! - Any byte string of up to [`crate::MAX_TERM_LEN`] bytes is a key, the empty one included:
//!   a term that ends inside the trie lives in its node's `leaf` slot.
//! - Freed memory is reclaimed with crossbeam-epoch; the rules that make in-place changes safe
//!   for readers are in `node.rs`. Nodes live in the trie's own pool (`pool.rs`), on huge
//!   pages when the trie is large.
//!
//! No I/O happens here, so the durable store reuses this type as its in-memory index.

mod node;
mod pool;
mod scan;
mod snapshot;
mod view;

pub(crate) use scan::scan;
pub use scan::Range;
pub use view::{ArtEdges, ArtNode, ArtView};

use crate::error::{Error, Result};
use crate::MAX_TERM_LEN;
use crossbeam_epoch::{self as epoch, Guard};
use node::{build_inner, deref, is_leaf, new_leaf, retire, Ref};
use parking_lot::Mutex;
use pool::Pool;
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// A concurrent adaptive radix trie mapping byte strings to `u64` values.
///
/// All methods take `&self`; share it between threads with `Arc`. Reads are lock-free and
/// each sees every key either before or after any concurrent write to it. Iteration is not a
/// snapshot: a key written while a scan runs may or may not appear, but every key present
/// for the whole scan does, once, in order. [`Art::read_consistent`] and
/// [`Art::fuzzy_snapshot`] read one moment of the trie.
pub struct Art {
    /// Tagged pointer to the root node or leaf, 0 when empty.
    root: AtomicUsize,
    len: AtomicUsize,
    /// Heap bytes held by reachable nodes and leaves (maintained by the writer).
    heap_bytes: AtomicUsize,
    write: Mutex<()>,
    /// Odd while a writer changes the trie; see `snapshot.rs`.
    seq: AtomicU64,
    /// Where the nodes live; see `pool.rs`.
    pool: Arc<Pool>,
}

impl Default for Art {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Art {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Art").field("len", &self.len()).finish()
    }
}

fn check_key(key: &[u8]) -> Result<()> {
    if key.len() > MAX_TERM_LEN {
        return Err(Error::TermTooLong {
            len: key.len(),
            max: MAX_TERM_LEN,
        });
    }
    Ok(())
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// What a write does when the key is already present.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnExisting {
    Keep,
    Overwrite,
}

impl Art {
    pub fn new() -> Self {
        Art {
            root: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
            heap_bytes: AtomicUsize::new(0),
            write: Mutex::new(()),
            seq: AtomicU64::new(0),
            pool: Arc::new(node::new_pool()),
        }
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Heap bytes of the nodes and leaves currently in the trie (retired nodes awaiting
    /// reclamation are not counted).
    pub fn heap_bytes(&self) -> usize {
        self.heap_bytes.load(Ordering::Relaxed)
    }

    /// A pinned read view: implements [`crate::Dictionary`] (node walks, prefix walks, fuzzy
    /// search). Memory retired while a view lives is kept until it is dropped, so keep views
    /// short-lived; a view stays on the thread that made it.
    pub fn pin(&self) -> ArtView<'_> {
        ArtView::new(self)
    }

    /// The value of `key`.
    pub fn get(&self, key: &[u8]) -> Option<u64> {
        let guard = epoch::pin();
        self.get_in(&guard, key)
    }

    pub fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn root_ptr(&self) -> usize {
        self.root.load(Ordering::Acquire)
    }

    pub(crate) fn get_in(&self, guard: &Guard, key: &[u8]) -> Option<u64> {
        let mut p = self.root_ptr();
        let mut depth = 0;
        loop {
            // SAFETY: `p` was loaded from a slot of this trie while `guard` is pinned.
            let node = unsafe { deref(p, guard) }?;
            let h = match node {
                Ref::Leaf(l) => {
                    return (*l.key == *key).then(|| l.value.load(Ordering::Acquire));
                }
                inner => inner.header()?,
            };
            // In a Node48 or Node256 the child slot sits cache lines away from the header.
            // Load the child for the next byte as if the prefix were empty (dense nodes mostly
            // have none) before reading the prefix: the slot's address does not depend on the
            // header, so the two cache misses overlap instead of queueing. (A Node4/16 keeps
            // its slots next to its header, and often has a prefix: no gain there.)
            // A published node's prefix never changes, so loading the slot first reads what
            // a load after the header would (a concurrent write to the slot is seen before or
            // after, as ever).
            let early = match (node, key.get(depth)) {
                (Ref::N48(_) | Ref::N256(_), Some(&b)) => Some(node.child(b)),
                _ => None,
            };
            let rest = &key[depth..];
            if !rest.starts_with(&h.prefix) {
                return None;
            }
            let skipped = h.prefix.len();
            depth += skipped;
            if depth == key.len() {
                // SAFETY: as above; the leaf slot holds 0 or a leaf pointer of this trie.
                return match unsafe { deref(h.leaf.load(Ordering::Acquire), guard) } {
                    Some(Ref::Leaf(l)) => Some(l.value.load(Ordering::Acquire)),
                    _ => None,
                };
            }
            p = match early {
                Some(child) if skipped == 0 => child,
                _ => node.child(key[depth]),
            };
            depth += 1;
        }
    }

    /// Adds `key` if absent; returns whether it was added (an existing value is kept).
    pub fn insert(&self, key: &[u8], value: u64) -> Result<bool> {
        Ok(self.write(key, value, OnExisting::Keep)?.is_none())
    }

    /// Inserts or overwrites; returns the previous value.
    pub fn upsert(&self, key: &[u8], value: u64) -> Result<Option<u64>> {
        self.write(key, value, OnExisting::Overwrite)
    }

    fn add_bytes(&self, n: usize) {
        self.heap_bytes.fetch_add(n, Ordering::Relaxed);
    }

    fn sub_bytes(&self, n: usize) {
        self.heap_bytes.fetch_sub(n, Ordering::Relaxed);
    }

    /// Allocates a leaf and counts it.
    fn leaf(&self, guard: &Guard, key: &[u8], value: u64) -> usize {
        let p = new_leaf(&self.pool, key, value);
        self.account_new(guard, p);
        p
    }

    /// Builds an inner node and counts it.
    fn inner(&self, guard: &Guard, prefix: &[u8], leaf: usize, entries: &[(u8, usize)]) -> usize {
        let p = build_inner(&self.pool, prefix, leaf, entries);
        self.account_new(guard, p);
        p
    }

    fn account_new(&self, guard: &Guard, p: usize) {
        // SAFETY: `p` was just allocated by this thread and is not shared yet.
        if let Some(r) = unsafe { deref(p, guard) } {
            self.add_bytes(r.heap_bytes());
        }
    }

    /// Retires an unlinked node or leaf and uncounts it.
    ///
    /// # Safety
    /// As [`node::retire`]: `p` is unlinked and retired once.
    unsafe fn drop_node(&self, guard: &Guard, p: usize) {
        // SAFETY: `p` is still allocated (it is only being scheduled for freeing here).
        if let Some(r) = unsafe { deref(p, guard) } {
            self.sub_bytes(r.heap_bytes());
        }
        // SAFETY: forwarded from this function's contract.
        unsafe { retire(guard, &self.pool, p) };
    }

    fn write(&self, key: &[u8], value: u64, mode: OnExisting) -> Result<Option<u64>> {
        check_key(key)?;
        let _writer = self.lock_for_write();
        let guard = epoch::pin();
        let g = &guard;
        let mut slot: &AtomicUsize = &self.root;
        let mut depth = 0;
        loop {
            let p = slot.load(Ordering::Acquire);
            // SAFETY: loaded from a slot of this trie under `guard`; we hold the write lock,
            // so nothing we look at is retired before we are done.
            let node = match unsafe { deref(p, g) } {
                None => {
                    // Only the root slot is ever empty while walked.
                    slot.store(self.leaf(g, key, value), Ordering::Release);
                    self.len.fetch_add(1, Ordering::Release);
                    return Ok(None);
                }
                Some(n) => n,
            };
            let h = match node {
                Ref::Leaf(l) if *l.key == *key => return Ok(Some(update(l, value, mode))),
                Ref::Leaf(l) => {
                    // Two terms now share this position: a new Node4 holding both.
                    let split = depth + common_prefix(&l.key[depth..], &key[depth..]);
                    let mut leaf_here = 0;
                    let mut entries = Vec::with_capacity(2);
                    let fresh = self.leaf(g, key, value);
                    for (k, ptr) in [(&l.key[..], p), (key, fresh)] {
                        match k.get(split) {
                            None => leaf_here = ptr,
                            Some(&b) => entries.push((b, ptr)),
                        }
                    }
                    entries.sort_unstable_by_key(|e| e.0);
                    let n = self.inner(g, &key[depth..split], leaf_here, &entries);
                    slot.store(n, Ordering::Release);
                    self.len.fetch_add(1, Ordering::Release);
                    return Ok(None);
                }
                inner => inner.header().expect("inner node has a header"),
            };
            let rest = &key[depth..];
            let m = common_prefix(&h.prefix, rest);
            if m < h.prefix.len() {
                // The key leaves the compressed path: split it with a new parent. The old node
                // is replaced by a copy with the shorter prefix (prefixes never change in place).
                let fresh = self.leaf(g, key, value);
                let copy = self.inner(
                    g,
                    &h.prefix[m + 1..],
                    h.leaf.load(Ordering::Relaxed),
                    &node.entries(),
                );
                let mut entries = vec![(h.prefix[m], copy)];
                let mut leaf_here = 0;
                match rest.get(m) {
                    None => leaf_here = fresh,
                    Some(&b) => entries.push((b, fresh)),
                }
                entries.sort_unstable_by_key(|e| e.0);
                let n = self.inner(g, &h.prefix[..m], leaf_here, &entries);
                slot.store(n, Ordering::Release);
                // SAFETY: the old node was just unlinked (its slot now holds `n`).
                unsafe { self.drop_node(g, p) };
                self.len.fetch_add(1, Ordering::Release);
                return Ok(None);
            }
            depth += m;
            if depth == key.len() {
                // SAFETY: the leaf slot of a node of this trie, under `guard`.
                if let Some(Ref::Leaf(l)) = unsafe { deref(h.leaf.load(Ordering::Acquire), g) } {
                    return Ok(Some(update(l, value, mode)));
                }
                h.leaf.store(self.leaf(g, key, value), Ordering::Release);
                self.len.fetch_add(1, Ordering::Release);
                return Ok(None);
            }
            let b = key[depth];
            if let Some(s) = node.slot(b).filter(|s| s.load(Ordering::Acquire) != 0) {
                slot = s;
                depth += 1;
                continue;
            }
            let fresh = self.leaf(g, key, value);
            if !node.try_add(b, fresh) {
                // Full: rebuild with room (a bigger kind, or the same kind without tombstones).
                let mut entries = node.entries();
                entries.push((b, fresh));
                entries.sort_unstable_by_key(|e| e.0);
                let n = self.inner(g, &h.prefix, h.leaf.load(Ordering::Relaxed), &entries);
                slot.store(n, Ordering::Release);
                // SAFETY: the old node was just unlinked.
                unsafe { self.drop_node(g, p) };
            }
            self.len.fetch_add(1, Ordering::Release);
            return Ok(None);
        }
    }

    /// Removes `key`; returns its value if it was present.
    pub fn remove(&self, key: &[u8]) -> Result<Option<u64>> {
        check_key(key)?;
        let _writer = self.lock_for_write();
        let guard = epoch::pin();
        let g = &guard;
        // The slot holding the current node, and the slot holding its parent (with the parent).
        let mut slot: &AtomicUsize = &self.root;
        let mut parent: Option<(&AtomicUsize, Ref<'_>)> = None;
        let mut depth = 0;
        loop {
            let p = slot.load(Ordering::Acquire);
            // SAFETY: loaded under `guard` with the write lock held.
            let node = match unsafe { deref(p, g) } {
                None => return Ok(None),
                Some(n) => n,
            };
            let h = match node {
                Ref::Leaf(l) if *l.key == *key => {
                    let old = l.value.load(Ordering::Acquire);
                    // A tombstone in the parent (or an empty root).
                    slot.store(0, Ordering::Release);
                    if let Some((pslot, pnode)) = parent {
                        pnode.child_cleared();
                        self.after_removal(g, pslot, pnode);
                    }
                    // SAFETY: the leaf was just unlinked.
                    unsafe { self.drop_node(g, p) };
                    self.len.fetch_sub(1, Ordering::Release);
                    return Ok(Some(old));
                }
                Ref::Leaf(_) => return Ok(None),
                inner => inner.header().expect("inner node has a header"),
            };
            if !key[depth..].starts_with(&h.prefix) {
                return Ok(None);
            }
            depth += h.prefix.len();
            if depth == key.len() {
                let lp = h.leaf.load(Ordering::Acquire);
                // SAFETY: the leaf slot of a node of this trie, under `guard`.
                let Some(Ref::Leaf(l)) = (unsafe { deref(lp, g) }) else {
                    return Ok(None);
                };
                let old = l.value.load(Ordering::Acquire);
                h.leaf.store(0, Ordering::Release);
                self.after_removal(g, slot, node);
                // SAFETY: the leaf was just unlinked.
                unsafe { self.drop_node(g, lp) };
                self.len.fetch_sub(1, Ordering::Release);
                return Ok(Some(old));
            }
            match node
                .slot(key[depth])
                .filter(|s| s.load(Ordering::Acquire) != 0)
            {
                None => return Ok(None),
                Some(s) => {
                    parent = Some((slot, node));
                    slot = s;
                    depth += 1;
                }
            }
        }
    }

    /// Restores the invariants of `node` (held in `slot`) after one of its entries went away:
    /// an inner node keeps at least two entries (else it is replaced by its only one, which
    /// re-compresses the path) and a kind that fits its fanout.
    fn after_removal<'g>(&self, g: &'g Guard, slot: &AtomicUsize, node: Ref<'g>) {
        let h = node.header().expect("parent is an inner node");
        let p = slot.load(Ordering::Relaxed);
        let leaf = h.leaf.load(Ordering::Relaxed);
        // Most removals leave the node as it is; finding that out must not list its children.
        let live = node.live_children();
        if !(live == 0 || (live == 1 && leaf == 0) || node.should_shrink(live)) {
            return;
        }
        let entries = node.entries();
        debug_assert_eq!(entries.len(), live, "a node's live count drifted");
        let replacement = match (entries.len(), leaf) {
            (0, 0) => 0,
            (0, l) => l,
            (1, 0) => {
                let (b, child) = entries[0];
                if is_leaf(child) {
                    child
                } else {
                    // Merge the only child into this node's path.
                    // SAFETY: a child of a node of this trie, under `guard`.
                    let c = unsafe { deref(child, g) }.expect("live child");
                    let ch = c.header().expect("inner child");
                    let mut prefix = Vec::with_capacity(h.prefix.len() + 1 + ch.prefix.len());
                    prefix.extend_from_slice(&h.prefix);
                    prefix.push(b);
                    prefix.extend_from_slice(&ch.prefix);
                    let merged =
                        self.inner(g, &prefix, ch.leaf.load(Ordering::Relaxed), &c.entries());
                    // SAFETY: `child` is replaced by `merged` once the slot is swapped below,
                    // and this node (its only parent) is retired with it.
                    unsafe { self.drop_node(g, child) };
                    merged
                }
            }
            (live, _) if node.should_shrink(live) => self.inner(g, &h.prefix, leaf, &entries),
            _ => return,
        };
        // A replacement of 0 (no children, no leaf) would need a node already down to one child
        // and no leaf, which this function never leaves behind: no Node256 count is missed.
        slot.store(replacement, Ordering::Release);
        // SAFETY: the node was just unlinked from `slot`.
        unsafe { self.drop_node(g, p) };
    }

    /// Streams `(key, value)` pairs with keys in `range`, in byte order, in batches taken under
    /// short pins (a slow consumer never holds back memory reclamation).
    pub fn range<'a>(&'a self, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> Range<'a> {
        Range::new(self, lo, hi, None)
    }

    /// Streams the keys starting with `prefix`, in byte order.
    pub fn prefix(&self, prefix: &[u8]) -> Range<'_> {
        Range::new(
            self,
            Bound::Included(prefix),
            Bound::Unbounded,
            Some(prefix),
        )
    }
}

fn update(l: &node::Leaf, value: u64, mode: OnExisting) -> u64 {
    if mode == OnExisting::Overwrite {
        l.value.swap(value, Ordering::AcqRel)
    } else {
        l.value.load(Ordering::Acquire)
    }
}

impl Drop for Art {
    fn drop(&mut self) {
        let guard = epoch::pin();
        let root = std::mem::replace(self.root.get_mut(), 0);
        // SAFETY: `&mut self` means no reader or writer is left; retired nodes are not
        // reachable from the root, so nothing is freed twice.
        unsafe { node::free_tree(&self.pool, root, &guard) };
    }
}

impl crate::dict::MutableDictionary for Art {
    fn insert(&mut self, term: &[u8], value: u64) -> Result<bool> {
        Art::insert(self, term, value)
    }

    fn upsert(&mut self, term: &[u8], value: u64) -> Result<Option<u64>> {
        Art::upsert(self, term, value)
    }

    fn remove(&mut self, term: &[u8]) -> Result<Option<u64>> {
        Art::remove(self, term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    /// Pins that a node retired just before its trie is dropped is freed into memory that is
    /// still mapped: the deferred free holds the node pool, which would otherwise be unmapped
    /// with the trie (the free would then touch unmapped memory and crash).
    #[test]
    fn nodes_retired_before_the_trie_is_dropped_are_freed_safely() {
        for round in 0..50u64 {
            let art = Art::new();
            let reader = epoch::pin();
            for i in 0..2000u64 {
                // Long keys spill to the heap, so freeing them runs a real destructor.
                let key = format!("{round}-{i:04}-{}", "x".repeat(40));
                art.insert(key.as_bytes(), i).unwrap();
            }
            for i in 0..2000u64 {
                let key = format!("{round}-{i:04}-{}", "x".repeat(40));
                art.remove(key.as_bytes()).unwrap();
            }
            drop(art);
            drop(reader);
            // Let the collector run the deferred frees now.
            for _ in 0..64 {
                epoch::pin().flush();
            }
        }
    }

    /// Walks the whole trie under one pin and checks, for every inner node below the root,
    /// that its kept live count equals its listed children and that it holds two children,
    /// or one and a leaf (what `after_removal` restores).
    fn check_shape(art: &Art) {
        let guard = epoch::pin();
        let mut stack = vec![(art.root.load(Ordering::Acquire), true)];
        while let Some((p, is_root)) = stack.pop() {
            // SAFETY: loaded from a slot of this trie under `guard`; no writer runs.
            let Some(node) = (unsafe { deref(p, &guard) }) else {
                continue;
            };
            let Some(h) = node.header() else { continue };
            let entries = node.entries();
            assert_eq!(node.live_children(), entries.len(), "kept count drifted");
            let leaf = h.leaf.load(Ordering::Acquire) != 0;
            assert!(
                is_root || entries.len() >= 2 || (entries.len() == 1 && leaf),
                "an inner node kept {} children and leaf {leaf}",
                entries.len()
            );
            stack.extend(entries.iter().map(|&(_, c)| (c, false)));
        }
    }

    /// Pins the guard on the early child load of `get_in`: that load reads the slot of the
    /// byte right after the node's own edge, which is the right slot only when the node has
    /// no prefix. Here Node256s (and a Node48) sit under prefixes "zz" and "y", so the early
    /// slot ('z' or 'y') is a real, wrong child; every lookup must still find its own term.
    #[test]
    fn dense_nodes_under_a_prefix_are_looked_up_past_it() {
        let art = Art::new();
        let mut model = BTreeMap::new();
        for b in 0..=255u8 {
            model.insert(vec![b'a', b'z', b'z', b], u64::from(b));
            if b % 6 == 0 {
                model.insert(vec![b'c', b'y', b], 1000 + u64::from(b));
            }
        }
        model.insert(b"b".to_vec(), 7);
        for (k, v) in &model {
            art.insert(k, *v).unwrap();
        }
        for (k, v) in &model {
            assert_eq!(art.get(k), Some(*v), "key {k:?}");
        }
        for miss in [
            &b"azz"[..],
            b"az",
            b"azy\x05",
            b"azzz\x00",
            b"cy",
            b"cz\x06",
            b"cyy",
        ] {
            assert_eq!(art.get(miss), None, "key {miss:?}");
        }
    }

    /// Pins the Node256 live count that lets a removal skip listing 256 slots: random
    /// inserts and removes of short keys over all 256 byte values (so Node256s form, shrink
    /// and regrow) keep the trie equal to a model and every kept count exact.
    #[test]
    fn removals_keep_counts_and_shape() {
        let art = Art::new();
        let mut model = BTreeMap::new();
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..6 {
            for i in 0..20_000u64 {
                let r = next();
                let len = 1 + (r % 3) as usize;
                let key: Vec<u8> = r.to_le_bytes()[1..1 + len].to_vec();
                // Insert-heavy rounds, then remove-heavy ones, so nodes grow and shrink.
                if (r >> 40) % 10 < if round % 2 == 0 { 7 } else { 2 } {
                    assert_eq!(art.upsert(&key, i).unwrap(), model.insert(key, i));
                } else {
                    assert_eq!(art.remove(&key).unwrap(), model.remove(&key));
                }
            }
            check_shape(&art);
            assert_eq!(art.len(), model.len());
        }
        for key in model.keys() {
            assert!(art.remove(key).unwrap().is_some());
        }
        assert!(art.is_empty());
        check_shape(&art);
    }
}
