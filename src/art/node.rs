//! Node layouts of the adaptive radix trie and the tagged pointers that link them.
//!
//! Concurrency model: one writer at a time (the trie's write lock), any
//! number of lock-free readers. Every field a reader can look at is an atomic. A writer
//! changes a published node only in ways a reader can observe atomically:
//! - storing a child or leaf pointer into a slot (Release; readers load with Acquire);
//! - appending a slot to a Node4/16/48 (slot contents first, then the count or index, Release);
//! - clearing a slot to 0 on removal (a "tombstone"). A tombstoned slot keeps its key byte, and
//!   only that byte may reuse it, so a reader can never be routed to another byte's child.
//!
//! Anything else (a prefix change, growth, shrinking, compaction of tombstones) builds a new
//! node, swaps the pointer in the parent slot, and retires the old node through the epoch
//! collector: it is freed only after every reader that could have loaded it has unpinned.
//! A retired node is never written again, so a reader inside it sees a consistent old state.

use super::pool::{Pool, CLASSES};
use crossbeam_epoch::Guard;
use std::sync::atomic::{AtomicU16, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

/// Tags in the low three bits of a node pointer (all nodes are 8-byte aligned).
const TAG_MASK: usize = 7;
const TAG_LEAF: usize = 1;
const TAG_N4: usize = 2;
const TAG_N16: usize = 3;
const TAG_N48: usize = 4;
const TAG_N256: usize = 5;

/// Bytes stored in the node itself when short (most prefixes and many keys), so reading them
/// costs no extra cache miss; longer ones spill to the heap.
pub(crate) enum InlineBytes {
    Inline(u8, [u8; INLINE]),
    Heap(Box<[u8]>),
}

const INLINE: usize = 22;

impl InlineBytes {
    fn new(bytes: &[u8]) -> Self {
        if bytes.len() <= INLINE {
            let mut b = [0u8; INLINE];
            b[..bytes.len()].copy_from_slice(bytes);
            InlineBytes::Inline(bytes.len() as u8, b)
        } else {
            InlineBytes::Heap(bytes.into())
        }
    }

    /// Heap bytes outside the node.
    fn spilled(&self) -> usize {
        match self {
            InlineBytes::Inline(..) => 0,
            InlineBytes::Heap(b) => b.len(),
        }
    }
}

impl std::ops::Deref for InlineBytes {
    type Target = [u8];

    #[inline(always)]
    fn deref(&self) -> &[u8] {
        match self {
            InlineBytes::Inline(n, b) => &b[..*n as usize],
            InlineBytes::Heap(b) => b,
        }
    }
}

/// A term and its value. Leaves hold the whole term, so a leaf can hang at any depth (lazy
/// expansion) and a lookup confirms a match with one comparison.
pub(crate) struct Leaf {
    pub key: InlineBytes,
    pub value: AtomicU64,
}

/// Shared part of the inner nodes.
pub(crate) struct Header {
    /// Compressed path: bytes every term below this node shares after the parent's edge byte.
    /// Immutable once published; changing it means building a new node.
    pub prefix: InlineBytes,
    /// Tagged pointer to the leaf of the term that ends exactly after `prefix`, or 0.
    pub leaf: AtomicUsize,
}

/// Node4 and Node16: up to N (byte, child) slots, appended in arrival order (not sorted), so
/// an insertion never moves a slot a reader may be looking at.
pub(crate) struct Small<const N: usize> {
    pub h: Header,
    used: AtomicU8,
    keys: [AtomicU8; N],
    kids: [AtomicUsize; N],
}

/// Node48: a 256-entry index (slot + 1, 0 = absent) into 48 child slots.
pub(crate) struct Node48 {
    pub h: Header,
    used: AtomicU8,
    index: [AtomicU8; 256],
    kids: [AtomicUsize; 48],
}

/// Node256: one child slot per byte.
pub(crate) struct Node256 {
    pub h: Header,
    /// Live children, kept by the writer (readers never look at it): a removal must decide
    /// whether to shrink without scanning 256 slots (32 cache lines) every time.
    live: AtomicU16,
    kids: [AtomicUsize; 256],
}

/// A borrowed, decoded node pointer; valid for the guard lifetime `'g`.
#[derive(Clone, Copy)]
pub(crate) enum Ref<'g> {
    Leaf(&'g Leaf),
    N4(&'g Small<4>),
    N16(&'g Small<16>),
    N48(&'g Node48),
    N256(&'g Node256),
}

/// Decodes a tagged pointer; `None` for 0.
///
/// # Safety
/// `p` must be 0 or a pointer produced by this module (`new_leaf`, `build_inner`) that was
/// loaded from a slot while `guard` was pinned, or that the caller owns exclusively. Nodes are
/// freed only through [`retire`] (after every guard pinned before the unlink is gone) or by
/// the trie's `Drop` (which has exclusive access), and their chunks stay mapped while the
/// trie or any retired node holds the pool, so the memory stays valid for `'g`.
pub(crate) unsafe fn deref<'g>(p: usize, _guard: &'g Guard) -> Option<Ref<'g>> {
    let addr = p & !TAG_MASK;
    // SAFETY: (every arm) by the function contract the untagged pointer addresses a live
    // value of the type the tag names, placed by `place` in this module.
    unsafe {
        Some(match p & TAG_MASK {
            0 => return None,
            TAG_LEAF => Ref::Leaf(&*(addr as *const Leaf)),
            TAG_N4 => Ref::N4(&*(addr as *const Small<4>)),
            TAG_N16 => Ref::N16(&*(addr as *const Small<16>)),
            TAG_N48 => Ref::N48(&*(addr as *const Node48)),
            TAG_N256 => Ref::N256(&*(addr as *const Node256)),
            _ => unreachable!("corrupt ART pointer tag"),
        })
    }
}

pub(crate) fn is_leaf(p: usize) -> bool {
    p & TAG_MASK == TAG_LEAF
}

/// The pool for one trie's nodes: one size class per tag.
pub(crate) fn new_pool() -> Pool {
    let sizes: [usize; CLASSES] = [
        std::mem::size_of::<Leaf>(),
        std::mem::size_of::<Small<4>>(),
        std::mem::size_of::<Small<16>>(),
        std::mem::size_of::<Node48>(),
        std::mem::size_of::<Node256>(),
    ];
    Pool::new(sizes)
}

/// Moves `value` into a slot of its class and returns the tagged pointer.
fn place<T>(pool: &Pool, value: T, tag: usize) -> usize {
    debug_assert!(std::mem::align_of::<T>() <= 8);
    let p = pool.alloc(tag - 1, std::mem::size_of::<T>()).cast::<T>();
    // SAFETY: `alloc` returned an unused, 8-byte aligned slot of at least `size_of::<T>()`
    // bytes (every node type is aligned to at most 8), so writing a `T` there is in bounds.
    unsafe { p.write(value) };
    let addr = p as usize;
    debug_assert_eq!(addr & TAG_MASK, 0, "ART nodes must be 8-byte aligned");
    addr | tag
}

pub(crate) fn new_leaf(pool: &Pool, key: &[u8], value: u64) -> usize {
    place(
        pool,
        Leaf {
            key: InlineBytes::new(key),
            value: AtomicU64::new(value),
        },
        TAG_LEAF,
    )
}

fn header(prefix: &[u8], leaf: usize) -> Header {
    Header {
        prefix: InlineBytes::new(prefix),
        leaf: AtomicUsize::new(leaf),
    }
}

/// Builds an unpublished inner node of the smallest kind that holds `entries` (sorted by
/// byte, non-zero children) with the given prefix and leaf. Ownership of the children and of
/// the leaf moves into the new node.
pub(crate) fn build_inner(
    pool: &Pool,
    prefix: &[u8],
    leaf: usize,
    entries: &[(u8, usize)],
) -> usize {
    let n = entries.len();
    if n <= 4 {
        place(
            pool,
            Small::<4>::from_entries(header(prefix, leaf), entries),
            TAG_N4,
        )
    } else if n <= 16 {
        place(
            pool,
            Small::<16>::from_entries(header(prefix, leaf), entries),
            TAG_N16,
        )
    } else if n <= 48 {
        let node = Node48 {
            h: header(prefix, leaf),
            used: AtomicU8::new(n as u8),
            index: std::array::from_fn(|_| AtomicU8::new(0)),
            kids: std::array::from_fn(|_| AtomicUsize::new(0)),
        };
        for (i, &(b, c)) in entries.iter().enumerate() {
            node.index[b as usize].store(i as u8 + 1, Ordering::Relaxed);
            node.kids[i].store(c, Ordering::Relaxed);
        }
        place(pool, node, TAG_N48)
    } else {
        let node = Node256 {
            h: header(prefix, leaf),
            live: AtomicU16::new(n as u16),
            kids: std::array::from_fn(|_| AtomicUsize::new(0)),
        };
        for &(b, c) in entries {
            node.kids[b as usize].store(c, Ordering::Relaxed);
        }
        place(pool, node, TAG_N256)
    }
}

impl<const N: usize> Small<N> {
    fn from_entries(h: Header, entries: &[(u8, usize)]) -> Self {
        let node = Small {
            h,
            used: AtomicU8::new(entries.len() as u8),
            keys: std::array::from_fn(|_| AtomicU8::new(0)),
            kids: std::array::from_fn(|_| AtomicUsize::new(0)),
        };
        for (i, &(b, c)) in entries.iter().enumerate() {
            node.keys[i].store(b, Ordering::Relaxed);
            node.kids[i].store(c, Ordering::Relaxed);
        }
        node
    }

    fn used(&self) -> usize {
        (self.used.load(Ordering::Acquire) as usize).min(N)
    }

    /// The slot for byte `b` (live or tombstoned); at most one slot per byte exists.
    fn slot(&self, b: u8) -> Option<&AtomicUsize> {
        (0..self.used())
            .find(|&i| self.keys[i].load(Ordering::Relaxed) == b)
            .map(|i| &self.kids[i])
    }

    fn try_add(&self, b: u8, child: usize) -> bool {
        if let Some(s) = self.slot(b) {
            s.store(child, Ordering::Release);
            return true;
        }
        let i = self.used();
        if i == N {
            return false;
        }
        self.keys[i].store(b, Ordering::Relaxed);
        self.kids[i].store(child, Ordering::Relaxed);
        // Publishes the slot: a reader that sees the new count sees its key and child.
        self.used.store(i as u8 + 1, Ordering::Release);
        true
    }

    fn next_after(&self, from: usize) -> Option<(u8, usize)> {
        let mut best: Option<(u8, usize)> = None;
        for i in 0..self.used() {
            let b = self.keys[i].load(Ordering::Relaxed);
            if (b as usize) < from || best.is_some_and(|(bb, _)| bb <= b) {
                continue;
            }
            let c = self.kids[i].load(Ordering::Acquire);
            if c != 0 {
                best = Some((b, c));
            }
        }
        best
    }
}

impl Node48 {
    fn slot(&self, b: u8) -> Option<&AtomicUsize> {
        match self.index[b as usize].load(Ordering::Acquire) {
            0 => None,
            i => self.kids.get(i as usize - 1),
        }
    }

    fn try_add(&self, b: u8, child: usize) -> bool {
        if let Some(s) = self.slot(b) {
            s.store(child, Ordering::Release);
            return true;
        }
        let i = self.used.load(Ordering::Relaxed) as usize;
        if i == 48 {
            return false;
        }
        self.kids[i].store(child, Ordering::Relaxed);
        // Publishes the slot through the index entry readers look up.
        self.index[b as usize].store(i as u8 + 1, Ordering::Release);
        self.used.store(i as u8 + 1, Ordering::Relaxed);
        true
    }
}

/// Smallest byte `>= from` (from in 0..=256) with a live child, scanning dense slots.
fn next_dense(from: usize, child_of: impl Fn(usize) -> usize) -> Option<(u8, usize)> {
    (from..256).find_map(|b| match child_of(b) {
        0 => None,
        c => Some((b as u8, c)),
    })
}

impl<'g> Ref<'g> {
    /// The header of an inner node; `None` for a leaf.
    pub fn header(self) -> Option<&'g Header> {
        match self {
            Ref::Leaf(_) => None,
            Ref::N4(n) => Some(&n.h),
            Ref::N16(n) => Some(&n.h),
            Ref::N48(n) => Some(&n.h),
            Ref::N256(n) => Some(&n.h),
        }
    }

    /// The slot holding the child for byte `b`, if one exists (it may hold 0: a tombstone).
    pub fn slot(self, b: u8) -> Option<&'g AtomicUsize> {
        match self {
            Ref::Leaf(_) => None,
            Ref::N4(n) => n.slot(b),
            Ref::N16(n) => n.slot(b),
            Ref::N48(n) => n.slot(b),
            Ref::N256(n) => Some(&n.kids[b as usize]),
        }
    }

    /// The live child for byte `b` (a tagged pointer), or 0.
    pub fn child(self, b: u8) -> usize {
        self.slot(b).map_or(0, |s| s.load(Ordering::Acquire))
    }

    /// Adds a child for a byte that has no live child; false when the node is full.
    /// Writers only.
    pub fn try_add(self, b: u8, child: usize) -> bool {
        match self {
            Ref::Leaf(_) => false,
            Ref::N4(n) => n.try_add(b, child),
            Ref::N16(n) => n.try_add(b, child),
            Ref::N48(n) => n.try_add(b, child),
            Ref::N256(n) => {
                n.kids[b as usize].store(child, Ordering::Release);
                n.live.fetch_add(1, Ordering::Relaxed);
                true
            }
        }
    }

    /// Records that the writer cleared one of this node's child slots to 0 (a removal).
    /// Writers only.
    pub fn child_cleared(self) {
        if let Ref::N256(n) = self {
            n.live.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// How many live children this node has, without listing them: a count kept by the
    /// writer for a Node256, a scan of at most 48 slots for the others. Writers only (a
    /// reader could see a count out of step with the slots).
    pub fn live_children(self) -> usize {
        let live = |kids: &[AtomicUsize]| {
            kids.iter()
                .filter(|k| k.load(Ordering::Relaxed) != 0)
                .count()
        };
        match self {
            Ref::Leaf(_) => 0,
            Ref::N4(n) => live(&n.kids[..n.used()]),
            Ref::N16(n) => live(&n.kids[..n.used()]),
            Ref::N48(n) => live(&n.kids[..n.used.load(Ordering::Relaxed) as usize]),
            Ref::N256(n) => n.live.load(Ordering::Relaxed) as usize,
        }
    }

    /// The live child with the smallest byte `>= from` (`from` in 0..=256).
    pub fn next_child(self, from: usize) -> Option<(u8, usize)> {
        match self {
            Ref::Leaf(_) => None,
            Ref::N4(n) => n.next_after(from),
            Ref::N16(n) => n.next_after(from),
            Ref::N48(n) => next_dense(from, |b| match n.index[b].load(Ordering::Acquire) {
                0 => 0,
                i => n.kids[i as usize - 1].load(Ordering::Acquire),
            }),
            Ref::N256(n) => next_dense(from, |b| n.kids[b].load(Ordering::Acquire)),
        }
    }

    /// Every live child, sorted by byte.
    pub fn entries(self) -> Vec<(u8, usize)> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some((b, c)) = self.next_child(from) {
            out.push((b, c));
            from = b as usize + 1;
        }
        out
    }

    /// Whether a node holding `live` children should be rebuilt as a smaller kind. The
    /// thresholds sit well below the growth points so a key flapping in and out does not
    /// rebuild a node on every operation.
    pub fn should_shrink(self, live: usize) -> bool {
        match self {
            Ref::N16(_) => live <= 3,
            Ref::N48(_) => live <= 12,
            Ref::N256(_) => live <= 40,
            _ => false,
        }
    }

    /// Heap bytes of this node alone (not its children or leaf).
    pub fn heap_bytes(self) -> usize {
        match self {
            Ref::Leaf(l) => std::mem::size_of::<Leaf>() + l.key.spilled(),
            Ref::N4(n) => std::mem::size_of::<Small<4>>() + n.h.prefix.spilled(),
            Ref::N16(n) => std::mem::size_of::<Small<16>>() + n.h.prefix.spilled(),
            Ref::N48(n) => std::mem::size_of::<Node48>() + n.h.prefix.spilled(),
            Ref::N256(n) => std::mem::size_of::<Node256>() + n.h.prefix.spilled(),
        }
    }
}

/// Frees one node or leaf (not what it points to).
///
/// # Safety
/// `p` must be a pointer from this module that no reader can still reach or hold, and that is
/// freed exactly once.
pub(crate) unsafe fn free_one(pool: &Pool, p: usize) {
    let addr = p & !TAG_MASK;
    let tag = p & TAG_MASK;
    // SAFETY: per the contract, `addr` holds a live value of the type the tag names, placed
    // there by `place` with this pool, and nobody will use it again: drop it (its heap
    // bytes, if any), then give the slot back.
    unsafe {
        match tag {
            TAG_LEAF => std::ptr::drop_in_place(addr as *mut Leaf),
            TAG_N4 => std::ptr::drop_in_place(addr as *mut Small<4>),
            TAG_N16 => std::ptr::drop_in_place(addr as *mut Small<16>),
            TAG_N48 => std::ptr::drop_in_place(addr as *mut Node48),
            TAG_N256 => std::ptr::drop_in_place(addr as *mut Node256),
            _ => return,
        }
        pool.release(tag - 1, addr as *mut u8);
    }
}

/// Schedules `p` (a node or leaf just unlinked by the writer) to be freed once every reader
/// pinned now has unpinned. Only the node itself is freed: its children and leaf were moved
/// into a replacement or are retired separately.
///
/// # Safety
/// `p` must have been unlinked from the trie (no slot holds it any more) and be retired once.
pub(crate) unsafe fn retire(guard: &Guard, pool: &Arc<Pool>, p: usize) {
    // The closure keeps the pool (and so the node's chunk) alive even if the trie is dropped
    // before the collector runs it.
    let pool = Arc::clone(pool);
    // SAFETY: `p` is unreachable for new readers; readers that loaded it earlier are pinned
    // and the collector runs the closure only after they unpin, so the free cannot race a read.
    unsafe { guard.defer_unchecked(move || free_one(&pool, p)) }
}

/// Frees a whole subtree. Iterative, so a degenerate trie thousands of levels deep cannot
/// overflow the stack.
///
/// # Safety
/// The caller has exclusive access to the subtree (the trie is being dropped).
pub(crate) unsafe fn free_tree(pool: &Pool, root: usize, guard: &Guard) {
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        // SAFETY: exclusive access per the contract; each pointer is reachable exactly once.
        if let Some(r) = unsafe { deref(p, guard) } {
            if let Some(h) = r.header() {
                stack.push(h.leaf.load(Ordering::Relaxed));
                stack.extend(r.entries().into_iter().map(|(_, c)| c));
            }
            // SAFETY: as above; `r` is not used after this point.
            unsafe { free_one(pool, p) };
        }
    }
}
