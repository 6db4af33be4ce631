//! Adaptive radix trie (Leis, Kemper, Neumann, ICDE 2013) that many threads share: lookups
//! never block and never take a lock; writers take turns on one mutex.
//!
//! - Nodes of 4, 16, 48 and 256 children, grown and shrunk with the fanout.
//! - Path compression (each inner node stores its whole compressed prefix) and lazy expansion
//!   (a leaf hangs as high as it can). A leaf whose bytes past its slot fit in seven bytes is
//!   kept inline, in its parent's slot with its value; a longer one is a heap leaf holding its
//!   whole term (`node.rs`).
//! - Not in the paper: a subtree of up to 32 terms is a bucket, one node listing them in
//!   16-byte slots (`bucket.rs`), not a chain of small nodes a byte apart. New terms are
//!   appended in place; a full bucket bursts into an inner node over smaller buckets.
//! - Any byte string of up to [`crate::MAX_TERM_LEN`] bytes is a key, the empty one included:
//!   a term that ends inside the trie lives in its node's `leaf` slot.
//! - Freed memory is reclaimed with crossbeam-epoch; the rules that make in-place changes safe
//!   for readers are in `node.rs`. Nodes live in the trie's own pool (`pool.rs`), on huge
//!   pages when the trie is large.
//!
//! No I/O happens here, so the durable store reuses this type as its in-memory index.

mod bucket;
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
use bucket::{cmp_keys, filter, Term, BUCKET_MAX, PREFIX_MAX};
use crossbeam_epoch::{self as epoch, Guard};
use node::{
    build_bucket, build_inner, deref, inline_word, new_leaf, retire, Entry, Header, Ref, Slot,
};
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
    /// Terms a bucket holds at most ([`BUCKET_MAX`]; 1 for a trie without buckets, as tests
    /// of the inner node kinds use).
    bucket_max: usize,
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

/// Terms from which a bucket whose terms all differ in their first byte past its prefix is
/// built as an inner node instead. Such a bucket saves no node visit over an inner node of
/// inline leaves, yet an insert into it reads every slot: a trie of random u64 keys took 20%
/// longer to build with them.
const FLAT_MIN: usize = 8;

/// Whether the sorted `terms`, which share their first `at` bytes, each take a different
/// byte after those (a term that ends at `at` aside).
fn flat(terms: &[Term<'_>], at: usize) -> bool {
    let next = |t: &Term<'_>| t.key.get(at).copied();
    terms
        .windows(2)
        .all(|w| next(&w[0]).is_none() || next(&w[0]) != next(&w[1]))
}

/// What a write does when the key is already present.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnExisting {
    Keep,
    Overwrite,
}

impl Art {
    pub fn new() -> Self {
        Self::with_bucket_max(BUCKET_MAX)
    }

    /// A trie whose buckets hold at most `max` terms (at most [`BUCKET_MAX`]); with 1 it has
    /// none and every subtree of two terms or more is an inner node.
    pub(crate) fn with_bucket_max(max: usize) -> Self {
        assert!((1..=BUCKET_MAX).contains(&max), "bucket size {max}");
        Art {
            bucket_max: max,
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
        // The root word is never an inline leaf, so it needs no value beside it.
        let mut e = Entry::ptr(self.root_ptr());
        let mut depth = 0;
        loop {
            // SAFETY: `e` was read from a slot of this trie while `guard` is pinned.
            let node = unsafe { deref(e, guard) }?;
            // In a Node48 or Node256 the child slot sits cache lines away from the header.
            // Load the child for the next byte as if the prefix were empty (dense nodes mostly
            // have none) before reading the prefix: the slot's address does not depend on the
            // header, so the two cache misses overlap instead of queueing. (A Node2/4/16 keeps
            // its slots next to its header, and often has a prefix: no gain there.)
            // A published node's prefix never changes, so loading the slot first reads what
            // a load after the header would (a concurrent write to the slot is seen before or
            // after, as ever).
            let (h, early) = match node {
                Ref::N256(n) => (&n.h, key.get(depth).map(|&b| n.child(b))),
                Ref::N48(n) => (&n.h, key.get(depth).map(|&b| n.child(b))),
                Ref::N2(n) => (&n.h, None),
                Ref::N4(n) => (&n.h, None),
                Ref::N16(n) => (&n.h, None),
                Ref::Bucket(b) => {
                    return b
                        .find(key, depth, guard)
                        .and_then(|(_, leaf)| leaf.leaf_value())
                }
                // A leaf: inline ones hold the bytes from `depth` on, heap ones the whole term.
                leaf => {
                    return leaf
                        .leaf_is(key, depth)
                        .then(|| leaf.leaf_value())
                        .flatten()
                }
            };
            let skipped = h.prefix.len();
            if skipped != 0 {
                if !key[depth..].starts_with(&h.prefix) {
                    return None;
                }
                depth += skipped;
            }
            if depth == key.len() {
                // The term ending here, if any, is in the leaf slot (an inline leaf with no
                // bytes past it, or a heap leaf); the next turn checks and reads it.
                e = h.read(&h.leaf);
                continue;
            }
            e = match early {
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

    /// Allocates a heap leaf and counts it.
    fn leaf(&self, guard: &Guard, key: &[u8], value: u64) -> usize {
        let p = new_leaf(&self.pool, key, value);
        self.account_new(guard, Entry::ptr(p));
        p
    }

    /// The leaf entry for `term`, placed where its bytes from `at` on are past the path: an
    /// inline leaf when they fit and the place can hold one, else a counted heap leaf.
    fn leaf_entry(&self, g: &Guard, term: &[u8], at: usize, value: u64, place: Place<'_>) -> Entry {
        match inline_word(&term[at..]).filter(|_| place.holds_inline()) {
            Some(word) => Entry { word, val: value },
            None => Entry::ptr(self.leaf(g, term, value)),
        }
    }

    /// Moves leaf `e` (whose whole term is `term`) to a place where its bytes from `at` on are
    /// past the path. A heap leaf moves as it is; an inline one is re-encoded for its new
    /// place, and becomes a heap leaf when its bytes no longer fit there.
    fn relocate(&self, g: &Guard, e: Entry, term: &[u8], at: usize, place: Place<'_>) -> Entry {
        if e.is_inline() {
            self.leaf_entry(g, term, at, e.val, place)
        } else {
            e
        }
    }

    /// Builds an inner node and counts it.
    fn inner(&self, guard: &Guard, prefix: &[u8], leaf: Entry, entries: &[(u8, Entry)]) -> Entry {
        let p = Entry::ptr(build_inner(&self.pool, prefix, leaf, entries));
        self.account_new(guard, p);
        p
    }

    /// Builds the subtree holding `terms` (sorted, at least one, all sharing their first `at`
    /// bytes) for a slot `at` bytes into them: a leaf for one term, a bucket for up to
    /// `bucket_max`, else an inner node over smaller subtrees. Heap leaves of terms that
    /// become inline are pushed on `dead`, to be retired once the subtree is published.
    fn subtree(
        &self,
        g: &Guard,
        terms: &[Term<'_>],
        at: usize,
        place: Place<'_>,
        dead: &mut Vec<Entry>,
    ) -> Entry {
        let first = &terms[0].key;
        let last = &terms[terms.len() - 1].key;
        let common = common_prefix(&first[at..], &last[at..]);
        if terms.len() == 1 {
            return self.term_leaf(g, &terms[0], at, place.holds_inline(), dead);
        }
        if terms.len() <= self.bucket_max && !(terms.len() >= FLAT_MIN && flat(terms, at + common))
        {
            let plen = common.min(PREFIX_MAX);
            let entries: Vec<Entry> = terms
                .iter()
                .map(|t| {
                    let rest = &t.key[at + plen..];
                    match self.term_leaf(g, t, at + plen, true, dead) {
                        e if e.is_inline() => e,
                        e => Entry {
                            word: e.word,
                            val: filter(rest),
                        },
                    }
                })
                .collect();
            let p = Entry::ptr(build_bucket(&self.pool, &first[at..at + plen], &entries));
            self.account_new(g, p);
            return p;
        }
        let end = at + common;
        let mut rest = terms;
        let mut leaf_here = Entry::empty();
        if first.len() == end {
            leaf_here = self.term_leaf(g, &terms[0], end, true, dead);
            rest = &terms[1..];
        }
        let mut entries = Vec::new();
        while let Some(t) = rest.first() {
            let b = t.key[end];
            let n = rest.iter().take_while(|t| t.key[end] == b).count();
            let child = self.subtree(g, &rest[..n], end + 1, Place::Inside, dead);
            entries.push((b, child));
            rest = &rest[n..];
        }
        self.inner(g, &first[at..end], leaf_here, &entries)
    }

    /// The leaf for `t` in a slot `at` bytes into it: inline when its bytes from there fit
    /// and `inline_ok` (retiring the heap leaf it had, if any), else its heap leaf or a new one.
    fn term_leaf(
        &self,
        g: &Guard,
        t: &Term<'_>,
        at: usize,
        inline_ok: bool,
        dead: &mut Vec<Entry>,
    ) -> Entry {
        match (inline_word(&t.key[at..]).filter(|_| inline_ok), t.heap) {
            (Some(word), heap) => {
                dead.extend(heap.map(Entry::ptr));
                Entry { word, val: t.value }
            }
            (None, Some(p)) => Entry::ptr(p),
            (None, None) => Entry::ptr(self.leaf(g, t.key, t.value)),
        }
    }

    /// Publishes `e` in `place` (replacing `old`), then retires `old` and every entry of
    /// `dead`, which no reader can reach any more.
    fn replace(&self, g: &Guard, place: Place<'_>, old: Entry, e: Entry, dead: Vec<Entry>) {
        place.set(e);
        for d in std::iter::once(old).chain(dead) {
            // SAFETY: `old` was just unlinked from `place`, and `dead` holds heap leaves
            // whose terms moved into `e` as inline leaves (or were removed): unlinked too.
            unsafe { self.drop_node(g, d) };
        }
    }

    fn account_new(&self, guard: &Guard, e: Entry) {
        // SAFETY: `e` was just allocated by this thread and is not shared yet.
        if let Some(r) = unsafe { deref(e, guard) } {
            self.add_bytes(r.heap_bytes());
        }
    }

    /// Retires an unlinked node or leaf and uncounts it (an inline leaf needs neither).
    ///
    /// # Safety
    /// As [`node::retire`]: `e` is unlinked and retired once.
    unsafe fn drop_node(&self, guard: &Guard, e: Entry) {
        // SAFETY: `e` is still allocated (it is only being scheduled for freeing here).
        if let Some(r) = unsafe { deref(e, guard) } {
            self.sub_bytes(r.heap_bytes());
        }
        // SAFETY: forwarded from this function's contract.
        unsafe { retire(guard, &self.pool, e.word) };
    }

    fn write(&self, key: &[u8], value: u64, mode: OnExisting) -> Result<Option<u64>> {
        check_key(key)?;
        let _writer = self.lock_for_write();
        let guard = epoch::pin();
        let g = &guard;
        let mut place = Place::Root(&self.root);
        let mut depth = 0;
        loop {
            let cur = place.entry();
            // SAFETY: read from a slot of this trie under `guard`; we hold the write lock,
            // so nothing we look at is retired before we are done.
            let node = match unsafe { deref(cur, g) } {
                None => {
                    // Only the root is ever empty while walked.
                    place.set(self.leaf_entry(g, key, depth, value, place));
                    self.len.fetch_add(1, Ordering::Release);
                    return Ok(None);
                }
                Some(n) => n,
            };
            let h = match node {
                Ref::Bucket(b) => {
                    if let Some((i, leaf)) = b.find(key, depth, g) {
                        return Ok(Some(match leaf {
                            Ref::Inline(_) if mode == OnExisting::Overwrite => {
                                b.slot(i).swap_value(value)
                            }
                            Ref::Inline(e) => e.val,
                            heap => update(place, heap, value, mode),
                        }));
                    }
                    // The common case: fewer terms than a bucket holds, and the key has the
                    // bucket's prefix (so the prefix stays common to all the terms).
                    let rest = key[depth..].strip_prefix(b.prefix());
                    let room = b.len() < self.bucket_max;
                    let fits = |rest| b.len() + 1 < FLAT_MIN || !b.flat_with(rest);
                    if let (Some(rest), true) = (rest.filter(|&r| fits(r)), room) {
                        let e = match inline_word(rest) {
                            Some(word) => Entry { word, val: value },
                            None => Entry {
                                word: self.leaf(g, key, value),
                                val: filter(rest),
                            },
                        };
                        if b.has_room() {
                            b.append(e);
                            self.len.fetch_add(1, Ordering::Release);
                            return Ok(None);
                        }
                        // Full: a copy in the next size class.
                        let slots = b.with(e);
                        let p = Entry::ptr(build_bucket(&self.pool, b.prefix(), &slots));
                        self.account_new(g, p);
                        self.replace(g, place, cur, p, Vec::new());
                        self.len.fetch_add(1, Ordering::Release);
                        return Ok(None);
                    }
                    // Otherwise the terms are listed and built again: a new bucket with a
                    // shorter prefix, or an inner node over smaller ones when it is full.
                    let mut arena = Vec::new();
                    let mut terms = b.terms(&key[..depth], g, &mut arena);
                    let at = terms.partition_point(|t| cmp_keys(t.key, key).is_lt());
                    terms.insert(
                        at,
                        Term {
                            key,
                            value,
                            heap: None,
                        },
                    );
                    let mut dead = Vec::new();
                    let e = self.subtree(g, &terms, depth, place, &mut dead);
                    self.replace(g, place, cur, e, dead);
                    self.len.fetch_add(1, Ordering::Release);
                    return Ok(None);
                }
                leaf if leaf.leaf_is(key, depth) => {
                    return Ok(Some(update(place, leaf, value, mode)));
                }
                Ref::Leaf(_) | Ref::Inline(_) => {
                    // Two terms now share this position: a bucket holding both.
                    let old_key = leaf_term(node, key, depth);
                    let old = Term {
                        key: &old_key,
                        value: node.leaf_value().expect("a leaf has a value"),
                        heap: (!cur.is_inline()).then_some(cur.word),
                    };
                    let new = Term {
                        key,
                        value,
                        heap: None,
                    };
                    let terms = if old.key[..] < *key {
                        [old, new]
                    } else {
                        [new, old]
                    };
                    let mut dead = Vec::new();
                    let e = self.subtree(g, &terms, depth, place, &mut dead);
                    // The old leaf moved into `e` (or, when it became inline, is in `dead`).
                    place.set(e);
                    for d in dead {
                        // SAFETY: a heap leaf whose term is inline in `e` now: unlinked.
                        unsafe { self.drop_node(g, d) };
                    }
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
                // Its slots keep their depth in the key, so their inline leaves copy unchanged.
                let copy = self.inner(g, &h.prefix[m + 1..], h.leaf.entry(), &node.entries());
                let mut entries = vec![(h.prefix[m], copy)];
                let mut leaf_here = Entry::empty();
                match rest.get(m) {
                    None => leaf_here = self.leaf_entry(g, key, depth + m, value, Place::Inside),
                    Some(&b) => entries.push((
                        b,
                        self.leaf_entry(g, key, depth + m + 1, value, Place::Inside),
                    )),
                }
                entries.sort_unstable_by_key(|e| e.0);
                let n = self.inner(g, &h.prefix[..m], leaf_here, &entries);
                place.set(n);
                // SAFETY: the old node was just unlinked (its place now holds `n`).
                unsafe { self.drop_node(g, cur) };
                self.len.fetch_add(1, Ordering::Release);
                return Ok(None);
            }
            depth += m;
            if depth == key.len() {
                let here = Place::In(h, &h.leaf);
                // SAFETY: the leaf slot of a node of this trie, under `guard`.
                if let Some(leaf) = unsafe { deref(h.leaf.entry(), g) } {
                    // Whatever ends here has the path's bytes, so it is `key`.
                    return Ok(Some(update(here, leaf, value, mode)));
                }
                here.set(self.leaf_entry(g, key, depth, value, here));
                self.len.fetch_add(1, Ordering::Release);
                return Ok(None);
            }
            let b = key[depth];
            if let Some(s) = node.slot(b).filter(|s| !s.entry().is_empty()) {
                place = Place::In(h, s);
                depth += 1;
                continue;
            }
            let fresh = self.leaf_entry(g, key, depth + 1, value, Place::Inside);
            if !node.try_add(b, fresh) {
                // Full: rebuild with room (a bigger kind, or the same kind without tombstones).
                let mut entries = node.entries();
                entries.push((b, fresh));
                entries.sort_unstable_by_key(|e| e.0);
                let n = self.inner(g, &h.prefix, h.leaf.entry(), &entries);
                place.set(n);
                // SAFETY: the old node was just unlinked.
                unsafe { self.drop_node(g, cur) };
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
        // The place holding the current node, and the parent node with its place and the depth
        // in the key where the parent's prefix starts.
        let mut place = Place::Root(&self.root);
        let mut parent: Option<(Place<'_>, Ref<'_>, usize)> = None;
        let mut depth = 0;
        loop {
            let cur = place.entry();
            // SAFETY: read under `guard` with the write lock held.
            let node = match unsafe { deref(cur, g) } {
                None => return Ok(None),
                Some(n) => n,
            };
            let h = match node {
                Ref::Bucket(b) => {
                    let Some((i, leaf)) = b.find(key, depth, g) else {
                        return Ok(None);
                    };
                    let old = leaf.leaf_value().expect("a leaf has a value");
                    let gone = b.entry(i);
                    let gone_heap: Vec<Entry> =
                        (!gone.is_inline()).then_some(gone).into_iter().collect();
                    if b.len() > 2 {
                        // The rest keep their prefix (still common to them) and slots.
                        let p = build_bucket(&self.pool, b.prefix(), &b.without(i));
                        let p = Entry::ptr(p);
                        self.account_new(g, p);
                        self.replace(g, place, cur, p, gone_heap);
                        self.len.fetch_sub(1, Ordering::Release);
                        return Ok(Some(old));
                    }
                    let mut arena = Vec::new();
                    let mut terms = b.terms(&key[..depth], g, &mut arena);
                    // (Sorted by term: `i`, a slot index, does not say where the key is.)
                    terms.retain(|t| t.key != key);
                    let mut dead = gone_heap;
                    // At least one term is left, so the parent keeps this child.
                    let e = self.subtree(g, &terms, depth, place, &mut dead);
                    self.replace(g, place, cur, e, dead);
                    self.len.fetch_sub(1, Ordering::Release);
                    return Ok(Some(old));
                }
                leaf if leaf.leaf_is(key, depth) => {
                    let old = leaf.leaf_value().expect("a leaf has a value");
                    // A tombstone in the parent (or an empty root).
                    place.set(Entry::empty());
                    if let Some((pplace, pnode, start)) = parent {
                        pnode.child_cleared();
                        self.after_removal(g, pplace, pnode, key, start);
                    }
                    // SAFETY: the leaf was just unlinked.
                    unsafe { self.drop_node(g, cur) };
                    self.len.fetch_sub(1, Ordering::Release);
                    return Ok(Some(old));
                }
                Ref::Leaf(_) | Ref::Inline(_) => return Ok(None),
                inner => inner.header().expect("inner node has a header"),
            };
            if !key[depth..].starts_with(&h.prefix) {
                return Ok(None);
            }
            let start = depth;
            depth += h.prefix.len();
            if depth == key.len() {
                let le = h.leaf.entry();
                // SAFETY: the leaf slot of a node of this trie, under `guard`.
                let Some(leaf) = (unsafe { deref(le, g) }) else {
                    return Ok(None);
                };
                let old = leaf.leaf_value().expect("a leaf has a value");
                h.set(&h.leaf, Entry::empty());
                self.after_removal(g, place, node, key, start);
                // SAFETY: the leaf was just unlinked.
                unsafe { self.drop_node(g, le) };
                self.len.fetch_sub(1, Ordering::Release);
                return Ok(Some(old));
            }
            match node.slot(key[depth]).filter(|s| !s.entry().is_empty()) {
                None => return Ok(None),
                Some(s) => {
                    parent = Some((place, node, start));
                    place = Place::In(h, s);
                    depth += 1;
                }
            }
        }
    }

    /// Restores the invariants of `node` (held in `place`, its prefix starting at byte `start`
    /// of `key`, the term just removed from below it) after one of its entries went away: an
    /// inner node keeps at least two entries (else it is replaced by its only one, which
    /// re-compresses the path) and a kind that fits its fanout.
    fn after_removal<'g>(
        &self,
        g: &'g Guard,
        place: Place<'g>,
        node: Ref<'g>,
        key: &[u8],
        start: usize,
    ) {
        let h = node.header().expect("parent is an inner node");
        let cur = place.entry();
        let leaf = h.leaf.entry();
        // Most removals leave the node as it is; finding that out must not list its children.
        let live = node.live_children();
        if !(live == 0 || (live == 1 && leaf.is_empty()) || node.should_shrink(live)) {
            return;
        }
        let entries = node.entries();
        debug_assert_eq!(entries.len(), live, "a node's live count drifted");
        // The bytes from the place down to this node's children: the path the removed key
        // shares with every term still below.
        let mut path = key[..start].to_vec();
        path.extend_from_slice(&h.prefix);
        let mut dead = Vec::new();
        let replacement = match (entries.len(), leaf.is_empty()) {
            (0, true) => Entry::empty(),
            // Only the term ending here is left: it moves up into the place.
            (0, false) => self.relocate(g, leaf, &path, start, place),
            (1, true) => {
                let (b, child) = entries[0];
                // SAFETY: a child of a node of this trie, under `guard`.
                let c = unsafe { deref(child, g) }.expect("live child");
                if let Ref::Bucket(cb) = c {
                    // The bucket takes this node's place, its prefix grown by the path.
                    path.push(b);
                    let mut arena = Vec::new();
                    let terms = cb.terms(&path, g, &mut arena);
                    dead.push(child);
                    self.subtree(g, &terms, start, place, &mut dead)
                } else if child.is_leaf() {
                    path.push(b);
                    let term = leaf_term(c, &path, path.len());
                    self.relocate(g, child, &term, start, place)
                } else {
                    // Merge the only child into this node's path; its slots keep their depth
                    // in the key, so their inline leaves copy unchanged.
                    let ch = c.header().expect("inner child");
                    let mut prefix = Vec::with_capacity(h.prefix.len() + 1 + ch.prefix.len());
                    prefix.extend_from_slice(&h.prefix);
                    prefix.push(b);
                    prefix.extend_from_slice(&ch.prefix);
                    let merged = self.inner(g, &prefix, ch.leaf.entry(), &c.entries());
                    // SAFETY: `child` is replaced by `merged` once the place is set below,
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
        self.replace(g, place, cur, replacement, dead);
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

/// Where an entry sits while the writer walks: the root word, or a slot of an inner node
/// (whose version the writer moves when it changes the slot's word).
#[derive(Clone, Copy)]
enum Place<'g> {
    /// Never holds an inline leaf: there is no value beside the root word.
    Root(&'g AtomicUsize),
    In(&'g Header, &'g Slot),
    /// A slot of a node being built (not yet published); only asked whether it holds inline
    /// leaves.
    Inside,
}

impl Place<'_> {
    fn entry(self) -> Entry {
        match self {
            Place::Root(r) => Entry::ptr(r.load(Ordering::Acquire)),
            Place::In(_, s) => s.entry(),
            Place::Inside => unreachable!("an unpublished slot is not read"),
        }
    }

    fn holds_inline(self) -> bool {
        !matches!(self, Place::Root(_))
    }

    fn set(self, e: Entry) {
        match self {
            Place::Root(r) => {
                debug_assert!(!e.is_inline(), "the root cannot hold an inline leaf");
                r.store(e.word, Ordering::Release);
            }
            Place::In(h, s) => h.set(s, e),
            Place::Inside => unreachable!("an unpublished slot is filled when built"),
        }
    }
}

/// The whole term of leaf `leaf`, met after the first `depth` bytes of `path` matched the
/// path to it: a heap leaf holds it; an inline one holds the bytes past `depth`.
fn leaf_term<'a>(leaf: Ref<'a>, path: &[u8], depth: usize) -> std::borrow::Cow<'a, [u8]> {
    match leaf {
        Ref::Leaf(l) => std::borrow::Cow::Borrowed(&l.key[..]),
        Ref::Inline(e) => {
            let mut t = path[..depth].to_vec();
            t.extend_from_slice(&e.inline_rest());
            std::borrow::Cow::Owned(t)
        }
        _ => unreachable!("not a leaf"),
    }
}

/// Reads or overwrites the value of the leaf `leaf` found in `place`.
fn update(place: Place<'_>, leaf: Ref<'_>, value: u64, mode: OnExisting) -> u64 {
    match (leaf, place) {
        (Ref::Leaf(l), _) if mode == OnExisting::Overwrite => l.value.swap(value, Ordering::AcqRel),
        (Ref::Leaf(l), _) => l.value.load(Ordering::Acquire),
        (Ref::Inline(_), Place::In(_, s)) if mode == OnExisting::Overwrite => s.swap_value(value),
        (Ref::Inline(e), _) => e.val,
        _ => unreachable!("not a leaf"),
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

    /// Bucket sizes the model tests run with: none (inner nodes only), small buckets that
    /// burst and merge often, and the default.
    const BUCKET_SIZES: [usize; 3] = [1, 4, BUCKET_MAX];

    /// A xorshift64 sequence from `seed` (non-zero), so the random tests replay exactly.
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// Upserts `key` (when `insert`) or removes it, in the trie and in the model, and checks
    /// that both report the same previous value.
    fn apply(
        art: &Art,
        model: &mut BTreeMap<Vec<u8>, u64>,
        key: Vec<u8>,
        value: u64,
        insert: bool,
    ) {
        if insert {
            assert_eq!(art.upsert(&key, value).unwrap(), model.insert(key, value));
        } else {
            assert_eq!(art.remove(&key).unwrap(), model.remove(&key));
        }
    }

    /// Checks that none of `keys` is found.
    fn assert_absent(art: &Art, keys: &[&[u8]]) {
        for miss in keys {
            assert_eq!(art.get(miss), None, "key {miss:?}");
        }
    }

    /// Checks the trie against `model`: shape, length, every get and a full scan.
    fn check_against(art: &Art, model: &BTreeMap<Vec<u8>, u64>) {
        check_shape(art);
        assert_eq!(art.len(), model.len());
        for (k, v) in model {
            assert_eq!(art.get(k), Some(*v), "key {k:?}");
        }
        let listed: Vec<(Vec<u8>, u64)> = art.range(Bound::Unbounded, Bound::Unbounded).collect();
        let expected: Vec<(Vec<u8>, u64)> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
        assert_eq!(listed, expected);
    }

    /// Walks the whole trie under one pin and checks, for every inner node below the root,
    /// that its kept live count equals its listed children, that it holds two children, or
    /// one and a leaf, and that its kind is not one it should have shrunk from (what
    /// `after_removal` restores).
    fn check_shape(art: &Art) {
        let guard = epoch::pin();
        let mut stack = vec![(Entry::ptr(art.root.load(Ordering::Acquire)), true, 0)];
        while let Some((p, is_root, depth)) = stack.pop() {
            // SAFETY: loaded from a slot of this trie under `guard`; no writer runs.
            let Some(node) = (unsafe { deref(p, &guard) }) else {
                continue;
            };
            if let Ref::Bucket(b) = node {
                check_bucket(b, depth, &guard);
                continue;
            }
            let Some(h) = node.header() else { continue };
            let entries = node.entries();
            assert_eq!(node.live_children(), entries.len(), "kept count drifted");
            let leaf = !h.leaf.entry().is_empty();
            assert!(
                is_root || entries.len() >= 2 || (entries.len() == 1 && leaf),
                "an inner node kept {} children and leaf {leaf}",
                entries.len()
            );
            // The smallest fanout each kind keeps (its shrink threshold plus one; a Node2, the
            // smallest kind, keeps any the rule above allows). Written out, not read from
            // `should_shrink`, so that a wrong threshold there fails here.
            let least = match node {
                Ref::N4(_) => 2,
                Ref::N16(_) => 4,
                Ref::N48(_) => 13,
                Ref::N256(_) => 41,
                _ => 0,
            };
            assert!(
                is_root || entries.len() >= least,
                "a node too big for its {} children was kept",
                entries.len()
            );
            let below = depth + h.prefix.len() + 1;
            stack.extend(entries.iter().map(|&(_, c)| (c, false, below)));
        }
    }

    /// The rules of a bucket `depth` bytes into its terms (see `bucket.rs`): 2 to BUCKET_MAX
    /// distinct terms in a class that holds them; inline exactly when a term's bytes past the
    /// prefix fit, a heap leaf's filter equal to its first bytes.
    fn check_bucket(b: bucket::BucketRef<'_>, depth: usize, guard: &Guard) {
        assert!((2..=BUCKET_MAX).contains(&b.len()), "bucket of {}", b.len());
        assert_eq!(
            b.class(),
            bucket::class_for(b.len()),
            "bucket not in its class"
        );
        let mut tails: Vec<Vec<u8>> = Vec::new();
        for i in 0..b.len() {
            let e = b.entry(i);
            let rest = if e.is_inline() {
                e.inline_rest().to_vec()
            } else {
                // SAFETY: a slot of a bucket of the trie, under `guard`.
                let Some(Ref::Leaf(l)) = (unsafe { deref(e, guard) }) else {
                    panic!("a bucket slot is neither inline nor a heap leaf");
                };
                let tail = &l.key[depth..];
                assert!(tail.starts_with(b.prefix()), "heap leaf off the prefix");
                let rest = tail[b.prefix().len()..].to_vec();
                assert!(inline_word(&rest).is_none(), "heap leaf that fits inline");
                assert_eq!(e.val, filter(&rest), "heap leaf filter");
                rest
            };
            tails.push(rest);
        }
        tails.sort();
        assert!(
            tails.windows(2).all(|w| w[0] < w[1]),
            "a term twice in a bucket"
        );
    }

    /// Pins the guard on the early child load of `get_in`: that load reads the slot of the
    /// byte right after the node's own edge, which is the right slot only when the node has
    /// no prefix. Here Node256s (and a Node48) sit under prefixes "zz" and "y", so the early
    /// slot ('z' or 'y') is a real, wrong child; every lookup must still find its own term.
    #[test]
    fn dense_nodes_under_a_prefix_are_looked_up_past_it() {
        for max in BUCKET_SIZES {
            dense_nodes_under_a_prefix_are_looked_up_past_it_with(Art::with_bucket_max(max));
        }
    }

    fn dense_nodes_under_a_prefix_are_looked_up_past_it_with(art: Art) {
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
        assert_absent(
            &art,
            &[
                b"azz",
                b"az",
                b"azy\x05",
                b"azzz\x00",
                b"cy",
                b"cz\x06",
                b"cyy",
            ],
        );
    }

    /// Pins the Node256 live count that lets a removal skip listing 256 slots: random
    /// inserts and removes of short keys over all 256 byte values (so Node256s form, shrink
    /// and regrow) keep the trie equal to a model and every kept count exact.
    #[test]
    fn removals_keep_counts_and_shape() {
        for max in BUCKET_SIZES {
            removals_keep_counts_and_shape_with(Art::with_bucket_max(max));
        }
    }

    fn removals_keep_counts_and_shape_with(art: Art) {
        let mut model = BTreeMap::new();
        let mut next = xorshift(0x2545_F491_4F6C_DD1Du64);
        for round in 0..6 {
            for i in 0..20_000u64 {
                let r = next();
                let len = 1 + (r % 3) as usize;
                let key: Vec<u8> = r.to_le_bytes()[1..1 + len].to_vec();
                // Insert-heavy rounds, then remove-heavy ones, so nodes grow and shrink.
                let insert = (r >> 40) % 10 < if round % 2 == 0 { 7 } else { 2 };
                apply(&art, &mut model, key, i, insert);
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

    /// The kind of a node, leaf or bucket, for tests that pin which one a change builds.
    fn kind_of(r: Option<Ref<'_>>) -> &'static str {
        match r {
            Some(Ref::Bucket(_)) => "bucket",
            Some(Ref::Leaf(_) | Ref::Inline(_)) => "leaf",
            Some(Ref::N2(_)) => "Node2",
            Some(Ref::N4(_)) => "Node4",
            Some(Ref::N16(_)) => "Node16",
            Some(Ref::N48(_) | Ref::N256(_)) => "Node48 or Node256",
            None => "nothing",
        }
    }

    /// The kind of the root.
    fn root_kind(art: &Art) -> &'static str {
        let guard = epoch::pin();
        // SAFETY: the root word of this trie, under `guard`; no writer runs.
        kind_of(unsafe { deref(Entry::ptr(art.root.load(Ordering::Acquire)), &guard) })
    }

    /// Pins heap leaves inside buckets. Terms whose bytes past the bucket's prefix pass seven
    /// are heap leaves, found through a filter of their first eight bytes: here twenty terms
    /// share those eight bytes, so only the whole key tells them apart, and short terms (inline
    /// beside them) must never be looked for among them. Also pins the bucket's life: one
    /// term is a leaf, two make a bucket, it grows in place and through its size classes, and
    /// removals shrink it back to a leaf. (The long terms come first: their bucket's prefix is
    /// then "k12345678-" and they are inline; the short ones cut it to "k", which turns the
    /// long ones into heap leaves.)
    #[test]
    fn buckets_tell_heap_leaves_apart_past_their_filter() {
        let art = Art::new();
        let mut model = BTreeMap::new();
        let mut terms: Vec<Vec<u8>> = (0..20)
            .map(|i| format!("k12345678-{}{i}", i % 3).into_bytes())
            .collect();
        terms.extend((0..10).map(|i| format!("k{i}").into_bytes()));
        for (i, t) in terms.iter().enumerate() {
            apply(&art, &mut model, t.clone(), i as u64, true);
            let expected = if i == 0 { "leaf" } else { "bucket" };
            assert_eq!(root_kind(&art), expected, "after {} terms", i + 1);
            check_against(&art, &model);
        }
        assert_absent(
            &art,
            &[
                b"k12345678-",
                b"k12345678-20",
                b"k12345678",
                b"k1234567",
                b"k",
                b"k10",
            ],
        );
        {
            let guard = epoch::pin();
            // SAFETY: the root word of this trie, under `guard`; no writer runs.
            let root = unsafe { deref(Entry::ptr(art.root.load(Ordering::Acquire)), &guard) };
            let Some(Ref::Bucket(b)) = root else {
                panic!("the root is not a bucket")
            };
            assert_eq!((b.prefix(), b.heap_leaves().count()), (&b"k"[..], 20));
        }
        // Overwrites reach the heap leaf and the inline slot alike.
        apply(&art, &mut model, terms[3].clone(), 1000, true);
        apply(&art, &mut model, terms[25].clone(), 1001, true);
        check_against(&art, &model);
        for t in &terms[1..] {
            apply(&art, &mut model, t.clone(), 0, false);
            check_against(&art, &model);
        }
        assert_eq!(root_kind(&art), "leaf");
    }

    /// Pins the rule for flat buckets: from `FLAT_MIN` terms on, terms that all differ in their
    /// first byte past the prefix make an inner node (a Node16 for eight), while as many that
    /// share first bytes stay a bucket.
    #[test]
    fn terms_that_all_differ_at_once_make_an_inner_node_not_a_bucket() {
        let flat = Art::new();
        let deep = Art::new();
        for i in 0..FLAT_MIN as u8 {
            flat.insert(&[b'a' + i, b'x'], 1).unwrap();
            deep.insert(&[b'a' + i / 4, b'x' + i % 4], 1).unwrap();
            let expected = match i {
                0 => "leaf",
                i if i + 1 < FLAT_MIN as u8 => "bucket",
                _ => "Node16",
            };
            assert_eq!(root_kind(&flat), expected, "flat, {} terms", i + 1);
            assert_eq!(root_kind(&deep), if i == 0 { "leaf" } else { "bucket" });
        }
    }

    /// The kind of the node below the root's child slot for byte `b`.
    fn kind_under(art: &Art, b: u8) -> &'static str {
        let guard = epoch::pin();
        // SAFETY: words loaded from slots of this trie under `guard`; no writer runs.
        let root = unsafe { deref(Entry::ptr(art.root.load(Ordering::Acquire)), &guard) };
        // SAFETY: as above.
        kind_of(unsafe { deref(root.expect("a root").child(b), &guard) })
    }

    /// Pins the Node2 kind: two entries (two children, or a child and the term ending at the
    /// node) make a Node2, a third grows it into a Node4, and removals back to one child and
    /// the term shrink it into a Node2 again; the trie's heap bytes follow each kind's size.
    #[test]
    fn nodes_of_two_entries_are_node2s_and_grow_and_shrink_through_them() {
        let art = Art::with_bucket_max(1);
        // "x" makes the root branch at the first byte, so the node studied sits below it.
        for k in [&b"x"[..], b"ab", b"ac"] {
            art.insert(k, 1).unwrap();
        }
        assert_eq!(kind_under(&art, b'a'), "Node2");
        let two = art.heap_bytes();
        art.insert(b"ad", 1).unwrap();
        assert_eq!(kind_under(&art, b'a'), "Node4");
        assert_eq!(
            art.heap_bytes() - two,
            std::mem::size_of::<node::Small<4>>() - std::mem::size_of::<node::Small<2>>()
        );
        art.insert(b"a", 1).unwrap();
        assert!(art.remove(b"ac").unwrap().is_some());
        assert_eq!(
            kind_under(&art, b'a'),
            "Node4",
            "two children and a term: no shrink"
        );
        assert!(art.remove(b"ad").unwrap().is_some());
        assert_eq!(kind_under(&art, b'a'), "Node2");
        for (k, v) in [
            (&b"a"[..], Some(1)),
            (b"ab", Some(1)),
            (b"ac", None),
            (b"ad", None),
        ] {
            assert_eq!(art.get(k), v, "key {k:?}");
        }
        check_shape(&art);
    }

    /// Pins the moves of inline leaves (a term's last bytes kept in its parent's slot): a
    /// split moves one deeper (fewer bytes), a removal that collapses a node moves one up
    /// (more bytes), and past seven bytes, or into the root word, it must become a heap leaf
    /// with its whole term. Keys over a 3-letter alphabet, 0 to 11 bytes long, cross that
    /// limit in both directions; every round compares gets, a full scan and the shape with a
    /// model.
    #[test]
    fn inline_leaves_keep_their_terms_when_nodes_split_and_collapse() {
        for max in BUCKET_SIZES {
            inline_leaves_keep_their_terms_when_nodes_split_and_collapse_with(
                Art::with_bucket_max(max),
            );
        }
    }

    fn inline_leaves_keep_their_terms_when_nodes_split_and_collapse_with(art: Art) {
        let mut model = BTreeMap::new();
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15u64);
        for round in 0..8 {
            for i in 0..4_000u64 {
                let r = next();
                let len = (r % 12) as usize;
                let key: Vec<u8> = (0..len)
                    .map(|j| b"abc"[(r >> (8 + 2 * j)) as usize % 3])
                    .collect();
                let insert = (r >> 60) % 10 < if round % 2 == 0 { 7 } else { 3 };
                apply(&art, &mut model, key, i, insert);
            }
            check_against(&art, &model);
        }
        // Down to one term: it ends in the root word, which holds no inline leaf.
        let keep = model.keys().next().cloned().expect("terms left");
        for k in model.keys().skip(1) {
            art.remove(k).unwrap();
        }
        assert_eq!(art.len(), 1);
        assert_eq!(art.get(&keep), model.get(&keep).copied());
        assert_eq!(art.remove(&keep).unwrap(), model.get(&keep).copied());
        assert!(art.is_empty());
    }

    /// Pins compressed paths across the 22 bytes a header holds in place (longer ones live on
    /// the heap). Every key is a prefix of one 64-byte stem, cut at one of a few lengths 0 to
    /// 17 bytes apart, plus up to two bytes, so nodes sit at the cut lengths present: inserts
    /// split paths at any offset and removals merge them into longer ones. Each round
    /// compares gets, misses, a scan and the shape with a model; at the end the heap count
    /// must return to that of the empty trie.
    #[test]
    fn long_prefixes_split_and_merge_across_the_in_place_limit() {
        for max in BUCKET_SIZES {
            long_prefixes_split_and_merge_across_the_in_place_limit_with(Art::with_bucket_max(max));
        }
    }

    fn long_prefixes_split_and_merge_across_the_in_place_limit_with(art: Art) {
        let stem: Vec<u8> = (0..64u8).map(|i| b'0' + i).collect();
        let cuts = [0, 1, 8, 9, 10, 17, 26, 27, 40, 49, 63, 64];
        let empty_bytes = art.heap_bytes();
        let mut model = BTreeMap::new();
        let mut next = xorshift(0xD1B5_4A32_D192_ED03u64);
        for round in 0..60 {
            for i in 0..60u64 {
                let r = next();
                let mut key = stem[..cuts[(r % 12) as usize]].to_vec();
                let tail = ((r >> 8) % 3) as usize;
                key.extend((0..tail).map(|j| b"xy"[(r >> (16 + 2 * j)) as usize % 2]));
                let insert = (r >> 60) % 10 < if round % 2 == 0 { 6 } else { 3 };
                apply(&art, &mut model, key, i, insert);
            }
            check_against(&art, &model);
            for len in 0..=stem.len() {
                let mut miss = stem[..len].to_vec();
                assert_eq!(art.get(&miss), model.get(&miss).copied());
                miss.push(b'w');
                assert_eq!(art.get(&miss), None);
            }
        }
        for k in model.keys() {
            assert!(art.remove(k).unwrap().is_some());
        }
        assert!(art.is_empty());
        assert_eq!(
            art.heap_bytes(),
            empty_bytes,
            "node bytes leaked from the count"
        );
    }

    /// Pins the node version that pairs a slot's word with its value. Two terms take turns in
    /// one slot of a node that stays in place ("zz" and "yy" keep it from collapsing), so a
    /// slot that held "a1" is refilled with "a2" and its value. A reader that paired the word
    /// of "a1" with the value stored for "a2" would see an even value for "a1"; the version
    /// makes it read the pair again instead.
    #[test]
    fn a_slot_reused_by_another_term_never_pairs_its_word_with_the_other_value() {
        let art = Arc::new(Art::with_bucket_max(1));
        art.insert(b"zz", 1).unwrap();
        art.insert(b"yy", 1).unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (art, stop) = (Arc::clone(&art), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut round = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    round += 1;
                    // "a1" gets odd values, "a2" even ones.
                    art.upsert(b"a1", round * 2 + 1).unwrap();
                    art.remove(b"a1").unwrap();
                    art.upsert(b"a2", round * 2).unwrap();
                    art.remove(b"a2").unwrap();
                }
            })
        };
        let start = std::time::Instant::now();
        let mut seen = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(1500) {
            if let Some(v) = art.get(b"a1") {
                assert_eq!(v % 2, 1, "a1 read with a value written for a2");
                seen += 1;
            }
            if let Some(v) = art.get(b"a2") {
                assert_eq!(v % 2, 0, "a2 read with a value written for a1");
                seen += 1;
            }
        }
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
        assert!(
            seen > 0,
            "the readers never met a term: the test did not exercise the slot"
        );
    }
}
