//! Node layouts of the adaptive radix trie and the tagged words that link them.
//!
//! Every child position is a [`Slot`]: a word (0, a tagged node pointer, or an inline leaf)
//! and, beside it in the same 16 bytes, the value of an inline leaf. A term whose bytes past
//! its slot fit in the word ([`INLINE_MAX`] bytes, seven on 64-bit targets) is stored there
//! with its value: a lookup then ends in the slot it read anyway, with no leaf to fetch (one
//! dependent cache miss fewer, which is most of the cost of a get on a large trie). Longer
//! terms get a heap [`Leaf`] holding the whole term and its value.
//!
//! Concurrency model: one writer at a time (the trie's write lock), any
//! number of lock-free readers. Every field a reader can look at is an atomic. A writer
//! changes a published node only in ways a reader can observe atomically:
//! - storing a word into a slot (Release; readers load with Acquire);
//! - appending a slot to a Node2/4/16/48 (slot contents first, then the count or index, Release);
//! - clearing a slot's word to 0 on removal (a "tombstone"). A tombstoned slot keeps its key
//!   byte, and only that byte may reuse it, so a reader can never be routed to another byte's
//!   child;
//! - storing a new value for the inline leaf a slot already holds.
//!
//! A slot's word and value are two loads, so a reader could pair a word with a value written
//! for another term that passed through the same slot meanwhile (removed, then a different
//! term inserted there, then the first one back). Each node therefore has a version, odd
//! while the writer changes any slot word of it; a reader takes a word and a value as a pair
//! only when the version was even and unchanged around both loads ([`Header::read`]). A value
//! stored for the term a slot already holds needs no new version: either value is a value of
//! that term.
//!
//! Anything else (a prefix change, growth, shrinking, compaction of tombstones) builds a new
//! node, swaps the pointer in the parent slot, and retires the old node through the epoch
//! collector: it is freed only after every reader that could have loaded it has unpinned.
//! A retired node is never written again, so a reader inside it sees a consistent old state.
//!
//! A word of tag 0 that is not 0 points to a bucket: the terms of a small subtree listed in
//! one node, with rules of its own (`bucket.rs`). Buckets are what made gets on words fast:
//! 2.1x HashMap's time with inner nodes down to the last branching byte, 0.9x with buckets.
//!
//! Layouts measured for gets on the 348k English words before buckets (7.2 inner nodes per
//! get: 1.0 Node256, 1.8 Node48, 1.9 Node16, 1.0 Node4, 1.5 Node2) and not kept, on the shared
//! AMD EPYC:
//! - every node kind 64-byte aligned: 2.5-2.6x HashMap's time against 2.2-2.3x (the extra
//!   bytes cost more than the straddled lines);
//! - the slot count in the header's padding and `#[repr(C)]` with the keys right after the
//!   header: cachegrind's L1 read misses fell from 16.9 to 13.2 per get, yet gets ran 3-7%
//!   slower in paired runs of both builds in one process;
//! - no Node48 (a Node16 grows straight into a Node256): +3.8 B/key, no change beyond the
//!   noise of those paired runs;
//! - keys compared all at once (SWAR): 16% slower (see `Small::slot`); a version-free read
//!   of pointer words, a masked u64 prefix compare, prefetching slots: no change.

use super::bucket::{class_for, Bucket, BucketRef};
use super::pool::{Pool, CLASSES};
use crossbeam_epoch::Guard;
use std::sync::atomic::{fence, AtomicU16, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;

/// Tags in the low three bits of a word (all nodes are 8-byte aligned). Tag 0 on a word that
/// is not 0 is a bucket (`bucket.rs`).
const TAG_MASK: usize = 7;
const TAG_BUCKET: usize = 0;
const TAG_LEAF: usize = 1;
const TAG_N2: usize = 2;
const TAG_N4: usize = 3;
const TAG_N16: usize = 4;
const TAG_N48: usize = 5;
const TAG_N256: usize = 6;
const TAG_INLINE: usize = 7;

/// Bytes of a term past its slot that an inline leaf holds: a word less its tag byte (tag in
/// bits 0-2, length in bits 3-5, the bytes from bit 8 up).
pub(crate) const INLINE_MAX: usize = std::mem::size_of::<usize>() - 1;

/// The word of an inline leaf whose term continues with `rest` past its slot; `None` when
/// `rest` is too long to fit.
#[inline]
pub(crate) fn inline_word(rest: &[u8]) -> Option<usize> {
    if rest.len() > INLINE_MAX {
        return None;
    }
    let mut w = TAG_INLINE | rest.len() << 3;
    for (i, &b) in rest.iter().enumerate() {
        w |= (b as usize) << (8 * (i + 1));
    }
    Some(w)
}

#[inline]
pub(crate) fn is_inline(word: usize) -> bool {
    word & TAG_MASK == TAG_INLINE
}

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

/// A term too long for an inline leaf, and its value. It holds the whole term, so it can hang
/// at any depth (lazy expansion), move up or down without change, and a lookup confirms a
/// match with one comparison.
pub(crate) struct Leaf {
    pub key: InlineBytes,
    pub value: AtomicU64,
}

/// A word and the value beside it, as one consistent pair (see [`Header::read`]). The value
/// means something only when the word is an inline leaf.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Entry {
    pub word: usize,
    pub val: u64,
}

impl Entry {
    /// No leaf or node. (A function, not an associated const: cbindgen would put a const of
    /// this type into the C header.)
    pub const fn empty() -> Entry {
        Entry { word: 0, val: 0 }
    }

    /// A node or heap-leaf pointer (no value beside it).
    pub fn ptr(word: usize) -> Entry {
        debug_assert!(!is_inline(word));
        Entry { word, val: 0 }
    }

    pub fn is_empty(self) -> bool {
        self.word == 0
    }

    /// Whether this is a leaf (inline or heap), not an inner node or nothing.
    pub fn is_leaf(self) -> bool {
        matches!(self.word & TAG_MASK, TAG_LEAF | TAG_INLINE)
    }

    pub fn is_inline(self) -> bool {
        is_inline(self.word)
    }

    /// The bytes an inline leaf holds (its term past its slot).
    pub fn inline_rest(self) -> InlineRest {
        debug_assert!(self.is_inline());
        let len = (self.word >> 3) & 7;
        let bytes = (self.word >> 8).to_le_bytes();
        let mut out = [0u8; INLINE_MAX];
        out.copy_from_slice(&bytes[..INLINE_MAX]);
        InlineRest {
            len: len as u8,
            bytes: out,
        }
    }
}

/// The bytes of an inline leaf, decoded.
#[derive(Clone, Copy)]
pub(crate) struct InlineRest {
    len: u8,
    bytes: [u8; INLINE_MAX],
}

impl std::ops::Deref for InlineRest {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

/// One child position: a word and the value of the inline leaf the word may be.
pub(crate) struct Slot {
    word: AtomicUsize,
    val: AtomicU64,
}

impl Slot {
    pub(crate) fn new(e: Entry) -> Self {
        Slot {
            word: AtomicUsize::new(e.word),
            val: AtomicU64::new(e.val),
        }
    }

    /// The current pair, for the writer (the only one who changes slots, so its two loads
    /// cannot straddle a change). Readers use [`Header::read`].
    pub fn entry(&self) -> Entry {
        Entry {
            word: self.word.load(Ordering::Acquire),
            val: self.val.load(Ordering::Acquire),
        }
    }

    #[inline]
    pub(crate) fn word(&self) -> usize {
        self.word.load(Ordering::Acquire)
    }

    /// Writer only, inside [`Header::edit`] of the owning node (or on an unpublished node).
    pub(crate) fn store(&self, e: Entry) {
        // The value first: a reader that sees the new word sees its value.
        self.val.store(e.val, Ordering::Relaxed);
        self.word.store(e.word, Ordering::Release);
    }

    /// Gives the inline leaf this slot holds a new value; returns the old one. No new version
    /// is needed: the slot keeps its term, so any value a reader pairs with it is that term's.
    pub fn swap_value(&self, value: u64) -> u64 {
        self.val.swap(value, Ordering::AcqRel)
    }
}

/// Shared part of the inner nodes.
pub(crate) struct Header {
    /// Compressed path: bytes every term below this node shares after the parent's edge byte.
    /// Immutable once published; changing it means building a new node.
    pub prefix: InlineBytes,
    /// The term that ends exactly after `prefix`: empty, or a leaf (inline with no bytes, or a
    /// heap leaf moved here whole).
    pub leaf: Slot,
    /// Odd while the writer changes a slot word of this node; see the module doc.
    ver: AtomicU32,
}

impl Header {
    /// A consistent (word, value) pair of `slot`, one of this node's slots. Retries only
    /// while the writer is changing a word of this very node, which takes a few stores.
    #[inline]
    pub fn read(&self, slot: &Slot) -> Entry {
        loop {
            let v = self.ver.load(Ordering::Acquire);
            let word = slot.word.load(Ordering::Acquire);
            let val = slot.val.load(Ordering::Relaxed);
            // Orders the two slot loads before the second version load (seqlock reader).
            fence(Ordering::Acquire);
            if v.is_multiple_of(2) && self.ver.load(Ordering::Relaxed) == v {
                return Entry { word, val };
            }
            std::hint::spin_loop();
        }
    }

    /// Runs a writer's change of this node's slot words between two version bumps.
    fn edit<R>(&self, change: impl FnOnce() -> R) -> R {
        let v = self.ver.load(Ordering::Relaxed);
        self.ver.store(v.wrapping_add(1), Ordering::Relaxed);
        // A reader that loads a word or value stored below also sees the odd version.
        fence(Ordering::Release);
        let out = change();
        self.ver.store(v.wrapping_add(2), Ordering::Release);
        out
    }

    /// Stores `e` into `slot`, one of this node's slots. Writer only.
    pub fn set(&self, slot: &Slot, e: Entry) {
        self.edit(|| slot.store(e));
    }
}

/// Node2, Node4 and Node16: up to N (byte, child) slots, appended in arrival order (not
/// sorted), so an insertion never moves a slot a reader may be looking at.
///
/// Node2 is not in Leis et al.'s paper. Most inner nodes of a trie of words hold two entries
/// (two children, or one child and the term ending at the node): on wamerican-huge 111k of
/// 177k nodes that would be Node4s. A Node2 is 88 bytes against 120, which takes the trie of
/// those words from 73 to 60 bytes per key (gets ran at the same speed within noise).
pub(crate) struct Small<const N: usize> {
    pub h: Header,
    used: AtomicU8,
    keys: [AtomicU8; N],
    slots: [Slot; N],
}

/// Node48: a 256-entry index (slot + 1, 0 = absent) into 48 child slots.
pub(crate) struct Node48 {
    pub h: Header,
    used: AtomicU8,
    index: [AtomicU8; 256],
    slots: [Slot; 48],
}

/// Node256: one child slot per byte.
pub(crate) struct Node256 {
    pub h: Header,
    /// Live children, kept by the writer (readers never look at it): a removal must decide
    /// whether to shrink without scanning 256 slots (64 cache lines) every time.
    live: AtomicU16,
    slots: [Slot; 256],
}

/// A borrowed, decoded word; valid for the guard lifetime `'g`.
#[derive(Clone, Copy)]
pub(crate) enum Ref<'g> {
    Leaf(&'g Leaf),
    /// An inline leaf: the word and the value read with it.
    Inline(Entry),
    N2(&'g Small<2>),
    N4(&'g Small<4>),
    N16(&'g Small<16>),
    N48(&'g Node48),
    N256(&'g Node256),
    Bucket(BucketRef<'g>),
}

/// Decodes an entry; `None` for an empty one.
///
/// # Safety
/// `e.word` must be 0, an inline leaf, or a pointer produced by this module (`new_leaf`,
/// `build_inner`) that was loaded from a slot while `guard` was pinned, or that the caller
/// owns exclusively. Nodes are freed only through [`retire`] (after every guard pinned before
/// the unlink is gone) or by the trie's `Drop` (which has exclusive access), and their chunks
/// stay mapped while the trie or any retired node holds the pool, so the memory stays valid
/// for `'g`.
#[inline]
pub(crate) unsafe fn deref<'g>(e: Entry, _guard: &'g Guard) -> Option<Ref<'g>> {
    let addr = e.word & !TAG_MASK;
    // SAFETY: (every pointer arm) by the function contract the untagged pointer addresses a
    // live value of the type the tag names, placed by `place` in this module.
    unsafe {
        Some(match e.word & TAG_MASK {
            0 if e.word == 0 => return None,
            TAG_BUCKET => Ref::Bucket(BucketRef::at(addr)),
            TAG_INLINE => Ref::Inline(e),
            TAG_LEAF => Ref::Leaf(&*(addr as *const Leaf)),
            TAG_N2 => Ref::N2(&*(addr as *const Small<2>)),
            TAG_N4 => Ref::N4(&*(addr as *const Small<4>)),
            TAG_N16 => Ref::N16(&*(addr as *const Small<16>)),
            TAG_N48 => Ref::N48(&*(addr as *const Node48)),
            TAG_N256 => Ref::N256(&*(addr as *const Node256)),
            _ => unreachable!("corrupt ART word tag"),
        })
    }
}

/// Pool class of the smallest bucket; the bucket classes follow it (one per entry of
/// [`CAPS`]), after one class per pointer tag of the other kinds (class = tag - 1).
const BUCKET_CLASS: usize = 6;

/// Bytes of a bucket of size class `class`.
fn bucket_size(class: usize) -> usize {
    match class {
        0 => std::mem::size_of::<Bucket<2>>(),
        1 => std::mem::size_of::<Bucket<4>>(),
        2 => std::mem::size_of::<Bucket<8>>(),
        3 => std::mem::size_of::<Bucket<16>>(),
        _ => std::mem::size_of::<Bucket<32>>(),
    }
}

/// The pool for one trie's nodes: one size class per pointer tag, then one per bucket size.
pub(crate) fn new_pool() -> Pool {
    let sizes: [usize; CLASSES] = [
        std::mem::size_of::<Leaf>(),
        std::mem::size_of::<Small<2>>(),
        std::mem::size_of::<Small<4>>(),
        std::mem::size_of::<Small<16>>(),
        std::mem::size_of::<Node48>(),
        std::mem::size_of::<Node256>(),
        bucket_size(0),
        bucket_size(1),
        bucket_size(2),
        bucket_size(3),
        bucket_size(4),
    ];
    Pool::new(sizes)
}

/// Moves `value` into a slot of its class and returns the tagged pointer.
fn place<T>(pool: &Pool, value: T, tag: usize) -> usize {
    place_in(pool, value, tag - 1, tag)
}

/// Builds an unpublished bucket holding `entries` (sorted, see `bucket.rs`) past `prefix`.
pub(crate) fn build_bucket(pool: &Pool, prefix: &[u8], entries: &[Entry]) -> usize {
    let class = class_for(entries.len());
    let pc = BUCKET_CLASS + class;
    match class {
        0 => place_in(
            pool,
            Bucket::<2>::new(class, prefix, entries),
            pc,
            TAG_BUCKET,
        ),
        1 => place_in(
            pool,
            Bucket::<4>::new(class, prefix, entries),
            pc,
            TAG_BUCKET,
        ),
        2 => place_in(
            pool,
            Bucket::<8>::new(class, prefix, entries),
            pc,
            TAG_BUCKET,
        ),
        3 => place_in(
            pool,
            Bucket::<16>::new(class, prefix, entries),
            pc,
            TAG_BUCKET,
        ),
        _ => place_in(
            pool,
            Bucket::<32>::new(class, prefix, entries),
            pc,
            TAG_BUCKET,
        ),
    }
}

/// Moves `value` into a slot of pool class `class` and returns the pointer tagged `tag`.
fn place_in<T>(pool: &Pool, value: T, class: usize, tag: usize) -> usize {
    debug_assert!(std::mem::align_of::<T>() <= 8);
    let p = pool.alloc(class, std::mem::size_of::<T>()).cast::<T>();
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

fn header(prefix: &[u8], leaf: Entry) -> Header {
    debug_assert!(leaf.is_empty() || leaf.is_leaf());
    Header {
        prefix: InlineBytes::new(prefix),
        leaf: Slot::new(leaf),
        ver: AtomicU32::new(0),
    }
}

/// Builds an unpublished inner node of the smallest kind that holds `entries` (sorted by
/// byte, none empty) with the given prefix and leaf. Ownership of the children and of the
/// leaf moves into the new node.
pub(crate) fn build_inner(
    pool: &Pool,
    prefix: &[u8],
    leaf: Entry,
    entries: &[(u8, Entry)],
) -> usize {
    let n = entries.len();
    if n <= 2 {
        place(
            pool,
            Small::<2>::from_entries(header(prefix, leaf), entries),
            TAG_N2,
        )
    } else if n <= 4 {
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
            slots: std::array::from_fn(|_| Slot::new(Entry::empty())),
        };
        for (i, &(b, e)) in entries.iter().enumerate() {
            node.index[b as usize].store(i as u8 + 1, Ordering::Relaxed);
            node.slots[i].store(e);
        }
        place(pool, node, TAG_N48)
    } else {
        let node = Node256 {
            h: header(prefix, leaf),
            live: AtomicU16::new(n as u16),
            slots: std::array::from_fn(|_| Slot::new(Entry::empty())),
        };
        for &(b, e) in entries {
            node.slots[b as usize].store(e);
        }
        place(pool, node, TAG_N256)
    }
}

impl<const N: usize> Small<N> {
    fn from_entries(h: Header, entries: &[(u8, Entry)]) -> Self {
        let node = Small {
            h,
            used: AtomicU8::new(entries.len() as u8),
            keys: std::array::from_fn(|_| AtomicU8::new(0)),
            slots: std::array::from_fn(|_| Slot::new(Entry::empty())),
        };
        for (i, &(b, e)) in entries.iter().enumerate() {
            node.keys[i].store(b, Ordering::Relaxed);
            node.slots[i].store(e);
        }
        node
    }

    fn used(&self) -> usize {
        (self.used.load(Ordering::Acquire) as usize).min(N)
    }

    /// The slot for byte `b` (live or tombstoned); at most one slot per byte exists.
    ///
    /// A loop with a branch per key, on purpose. Comparing all keys at once (packed in words,
    /// SWAR) ran 16% slower on 348k English words, though it never mispredicts: the branch
    /// lets the CPU guess which slot matches and load it while the key bytes are still on
    /// their way from memory, and the branchless form makes that load wait for them.
    fn slot(&self, b: u8) -> Option<&Slot> {
        (0..self.used())
            .find(|&i| self.keys[i].load(Ordering::Relaxed) == b)
            .map(|i| &self.slots[i])
    }

    fn try_add(&self, b: u8, e: Entry) -> bool {
        if let Some(s) = self.slot(b) {
            self.h.set(s, e);
            return true;
        }
        let i = self.used();
        if i == N {
            return false;
        }
        self.keys[i].store(b, Ordering::Relaxed);
        // A slot past the count is invisible to readers, and was never used in this node.
        self.slots[i].store(e);
        // Publishes the slot: a reader that sees the new count sees its key and entry.
        self.used.store(i as u8 + 1, Ordering::Release);
        true
    }

    fn next_after(&self, from: usize) -> Option<(u8, Entry)> {
        let mut best: Option<(u8, Entry)> = None;
        for i in 0..self.used() {
            let b = self.keys[i].load(Ordering::Relaxed);
            if (b as usize) < from || best.is_some_and(|(bb, _)| bb <= b) {
                continue;
            }
            let e = self.h.read(&self.slots[i]);
            if !e.is_empty() {
                best = Some((b, e));
            }
        }
        best
    }
}

impl Node48 {
    /// The child entry for byte `b`, read as a consistent pair (empty when absent).
    #[inline]
    pub fn child(&self, b: u8) -> Entry {
        self.slot(b).map_or(Entry::empty(), |s| self.h.read(s))
    }

    fn slot(&self, b: u8) -> Option<&Slot> {
        match self.index[b as usize].load(Ordering::Acquire) {
            0 => None,
            i => self.slots.get(i as usize - 1),
        }
    }

    fn try_add(&self, b: u8, e: Entry) -> bool {
        if let Some(s) = self.slot(b) {
            self.h.set(s, e);
            return true;
        }
        let i = self.used.load(Ordering::Relaxed) as usize;
        if i == 48 {
            return false;
        }
        // Unindexed slots are invisible to readers and were never used in this node.
        self.slots[i].store(e);
        // Publishes the slot through the index entry readers look up.
        self.index[b as usize].store(i as u8 + 1, Ordering::Release);
        self.used.store(i as u8 + 1, Ordering::Relaxed);
        true
    }
}

impl Node256 {
    /// The child entry for byte `b`, read as a consistent pair (empty when absent).
    #[inline]
    pub fn child(&self, b: u8) -> Entry {
        self.h.read(&self.slots[b as usize])
    }
}

/// Smallest byte `>= from` (from in 0..=256) with a live child, scanning dense slots.
fn next_dense(from: usize, entry_of: impl Fn(usize) -> Entry) -> Option<(u8, Entry)> {
    (from..256).find_map(|b| {
        let e = entry_of(b);
        (!e.is_empty()).then_some((b as u8, e))
    })
}

impl<'g> Ref<'g> {
    /// The header of an inner node; `None` for a leaf.
    #[inline]
    pub fn header(self) -> Option<&'g Header> {
        match self {
            Ref::Leaf(_) | Ref::Inline(_) | Ref::Bucket(_) => None,
            Ref::N2(n) => Some(&n.h),
            Ref::N4(n) => Some(&n.h),
            Ref::N16(n) => Some(&n.h),
            Ref::N48(n) => Some(&n.h),
            Ref::N256(n) => Some(&n.h),
        }
    }

    /// The slot for byte `b`, if one exists (its word may be 0: a tombstone).
    #[inline]
    pub fn slot(self, b: u8) -> Option<&'g Slot> {
        match self {
            Ref::Leaf(_) | Ref::Inline(_) | Ref::Bucket(_) => None,
            Ref::N2(n) => n.slot(b),
            Ref::N4(n) => n.slot(b),
            Ref::N16(n) => n.slot(b),
            Ref::N48(n) => n.slot(b),
            Ref::N256(n) => Some(&n.slots[b as usize]),
        }
    }

    /// The child entry for byte `b` (empty when there is none), read as a consistent pair.
    #[inline]
    pub fn child(self, b: u8) -> Entry {
        match (self.header(), self.slot(b)) {
            (Some(h), Some(s)) => h.read(s),
            _ => Entry::empty(),
        }
    }

    /// The term ending at this node (empty when there is none), read as a consistent pair.
    pub fn leaf(self) -> Entry {
        self.header().map_or(Entry::empty(), |h| h.read(&h.leaf))
    }

    /// Adds a child for a byte that has no live child; false when the node is full.
    /// Writers only.
    pub fn try_add(self, b: u8, e: Entry) -> bool {
        match self {
            Ref::Leaf(_) | Ref::Inline(_) | Ref::Bucket(_) => false,
            Ref::N2(n) => n.try_add(b, e),
            Ref::N4(n) => n.try_add(b, e),
            Ref::N16(n) => n.try_add(b, e),
            Ref::N48(n) => n.try_add(b, e),
            Ref::N256(n) => {
                n.h.set(&n.slots[b as usize], e);
                n.live.fetch_add(1, Ordering::Relaxed);
                true
            }
        }
    }

    /// Records that the writer cleared one of this node's child slots (a removal).
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
        let live = |slots: &[Slot]| slots.iter().filter(|s| s.word() != 0).count();
        match self {
            Ref::Leaf(_) | Ref::Inline(_) | Ref::Bucket(_) => 0,
            Ref::N2(n) => live(&n.slots[..n.used()]),
            Ref::N4(n) => live(&n.slots[..n.used()]),
            Ref::N16(n) => live(&n.slots[..n.used()]),
            Ref::N48(n) => live(&n.slots[..n.used.load(Ordering::Relaxed) as usize]),
            Ref::N256(n) => n.live.load(Ordering::Relaxed) as usize,
        }
    }

    /// The live child with the smallest byte `>= from` (`from` in 0..=256).
    pub fn next_child(self, from: usize) -> Option<(u8, Entry)> {
        match self {
            Ref::Leaf(_) | Ref::Inline(_) | Ref::Bucket(_) => None,
            Ref::N2(n) => n.next_after(from),
            Ref::N4(n) => n.next_after(from),
            Ref::N16(n) => n.next_after(from),
            Ref::N48(n) => next_dense(from, |b| match n.index[b].load(Ordering::Acquire) {
                0 => Entry::empty(),
                i => n.h.read(&n.slots[i as usize - 1]),
            }),
            Ref::N256(n) => next_dense(from, |b| n.h.read(&n.slots[b])),
        }
    }

    /// Every live child, sorted by byte.
    pub fn entries(self) -> Vec<(u8, Entry)> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some((b, e)) = self.next_child(from) {
            out.push((b, e));
            from = b as usize + 1;
        }
        out
    }

    /// Whether a node holding `live` children should be rebuilt as a smaller kind. The
    /// thresholds sit well below the growth points so a key flapping in and out does not
    /// rebuild a node on every operation.
    pub fn should_shrink(self, live: usize) -> bool {
        match self {
            Ref::N4(_) => live <= 1,
            Ref::N16(_) => live <= 3,
            Ref::N48(_) => live <= 12,
            Ref::N256(_) => live <= 40,
            _ => false,
        }
    }

    /// Heap bytes of this node alone (not its children or leaf); 0 for an inline leaf, which
    /// lives in its parent's slot.
    pub fn heap_bytes(self) -> usize {
        match self {
            Ref::Leaf(l) => std::mem::size_of::<Leaf>() + l.key.spilled(),
            Ref::Inline(_) => 0,
            Ref::N2(n) => std::mem::size_of::<Small<2>>() + n.h.prefix.spilled(),
            Ref::N4(n) => std::mem::size_of::<Small<4>>() + n.h.prefix.spilled(),
            Ref::N16(n) => std::mem::size_of::<Small<16>>() + n.h.prefix.spilled(),
            Ref::N48(n) => std::mem::size_of::<Node48>() + n.h.prefix.spilled(),
            Ref::N256(n) => std::mem::size_of::<Node256>() + n.h.prefix.spilled(),
            Ref::Bucket(b) => bucket_size(b.class()),
        }
    }

    /// Whether this leaf, met after the first `depth` bytes of `key` matched the path to it,
    /// holds exactly `key`.
    #[inline]
    pub fn leaf_is(self, key: &[u8], depth: usize) -> bool {
        match self {
            Ref::Leaf(l) => *l.key == *key,
            Ref::Inline(e) => inline_word(&key[depth..]) == Some(e.word),
            _ => false,
        }
    }

    /// The value of a leaf.
    pub fn leaf_value(self) -> Option<u64> {
        match self {
            Ref::Leaf(l) => Some(l.value.load(Ordering::Acquire)),
            Ref::Inline(e) => Some(e.val),
            _ => None,
        }
    }
}

/// Frees one node or heap leaf (not what it points to); nothing for an inline leaf.
///
/// # Safety
/// `p` must be a word from this module that no reader can still reach or hold, and that is
/// freed exactly once.
pub(crate) unsafe fn free_one(pool: &Pool, p: usize) {
    let addr = p & !TAG_MASK;
    let tag = p & TAG_MASK;
    if tag == TAG_BUCKET {
        // SAFETY: per the contract, a bucket lives at `addr` until this call.
        let class = unsafe { BucketRef::at(addr) }.class();
        // SAFETY: as below; a bucket owns no heap memory (its heap leaves are freed on their
        // own), so releasing its slot is all there is to free.
        unsafe { pool.release(BUCKET_CLASS + class, addr as *mut u8) };
        return;
    }
    // SAFETY: per the contract, `addr` holds a live value of the type the tag names, placed
    // there by `place` with this pool, and nobody will use it again: drop it (its heap
    // bytes, if any), then give the slot back.
    unsafe {
        match tag {
            TAG_LEAF => std::ptr::drop_in_place(addr as *mut Leaf),
            TAG_N2 => std::ptr::drop_in_place(addr as *mut Small<2>),
            TAG_N4 => std::ptr::drop_in_place(addr as *mut Small<4>),
            TAG_N16 => std::ptr::drop_in_place(addr as *mut Small<16>),
            TAG_N48 => std::ptr::drop_in_place(addr as *mut Node48),
            TAG_N256 => std::ptr::drop_in_place(addr as *mut Node256),
            _ => return,
        }
        pool.release(tag - 1, addr as *mut u8);
    }
}

/// Schedules `p` (a node or heap leaf just unlinked by the writer) to be freed once every
/// reader pinned now has unpinned. Only the node itself is freed: its children and leaf were
/// moved into a replacement or are retired separately. An inline leaf needs nothing.
///
/// # Safety
/// `p` must have been unlinked from the trie (no slot holds it any more) and be retired once.
pub(crate) unsafe fn retire(guard: &Guard, pool: &Arc<Pool>, p: usize) {
    if is_inline(p) || p == 0 {
        return;
    }
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
    let mut stack = vec![Entry::ptr(root)];
    while let Some(e) = stack.pop() {
        // SAFETY: exclusive access per the contract; each word is reachable exactly once.
        if let Some(r) = unsafe { deref(e, guard) } {
            if let Some(h) = r.header() {
                stack.push(h.leaf.entry());
                stack.extend(r.entries().into_iter().map(|(_, c)| c));
            }
            if let Ref::Bucket(b) = r {
                stack.extend(b.heap_leaves());
            }
            // SAFETY: as above; `r` is not used after this point.
            unsafe { free_one(pool, e.word) };
        }
    }
}
