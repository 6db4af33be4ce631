//! Buckets: the terms of a small subtree, listed in one node instead of a chain of small nodes.
//!
//! Why: a get on the trie of the 348k English words visited 7.2 inner nodes, and the deep ones
//! (a Node16, then Node4s and Node2s a level apart, one per remaining byte of the word) each
//! cost a cache miss that waits for the one before. A bucket holds up to [`BUCKET_MAX`] terms
//! that share the path to its slot, as 16-byte slots in a row: a get compares one word per
//! term, and since every slot's address is known up front the lines load in parallel rather
//! than one after the other. Counted on the word list, the nodes a get visits that have at
//! most 1,000 terms below them (the ones unlikely to be in cache) fall from 4.4 to 2.8, the
//! bucket included. Measured (both builds in one process, alternating): 378 -> 173 ns per
//! get, and 60 -> 32 bytes of heap per word, as a bucket slot is the only place a short
//! term takes.
//!
//! Layout (`#[repr(C)]`): a 24-byte [`Head`] (prefix length, capacity class, term count, then
//! up to [`PREFIX_MAX`] prefix bytes), then the slots. The prefix is bytes all the terms have
//! right after the slot (their longest common run, up to 21 bytes, when the bucket is built
//! from a list of terms; a removal may leave it shorter than that), so the terms' own bytes
//! start past it. A slot holds:
//! - an inline leaf (the term's bytes past the prefix, at most seven) and its value; or
//! - when those bytes are longer, a pointer to a heap leaf (the whole term and its value); the
//!   slot's value word then holds the first eight of those bytes, a filter a get checks before
//!   it fetches the leaf.
//!
//! Rules (checked by the trie's shape test): 2 to [`BUCKET_MAX`] distinct terms; a term whose
//! bytes past the prefix fit inline is inline, so a get compares words only (a key that fits
//! inline cannot be in a heap leaf).
//!
//! Slots are in arrival order, not sorted: a new term goes into the next free slot, then the
//! count is raised (a release store; readers load it with acquire), like a Node16's append, so
//! most inserts neither copy nor retire anything. A slot once counted never changes but for
//! the value of its term (stored in place: any value a reader pairs with the term is that
//! term's). A full bucket is copied into the next size class, or burst into an inner node
//! over smaller buckets at [`BUCKET_MAX`]; a removal copies the other slots into a new
//! bucket. The old one is retired through the epoch collector. Terms that all differ in their
//! first byte past the prefix make an inner node instead from eight on (`FLAT_MIN` in
//! `mod.rs`): such a bucket saves no node visit. Ordered scans sort a bucket's
//! terms as they meet it; node walks track the slots that match the bytes read so far as a
//! bit set, which needs no order.

use super::node::{inline_word, is_inline, Entry, Leaf, Ref, Slot};
use crossbeam_epoch::Guard;
use std::cmp::Ordering;
use std::sync::atomic::{AtomicU8, Ordering as AtomicOrdering};

/// Terms per bucket at most. On the English words, 16 leaves 3.3 uncached node visits per get
/// and 64 leaves 2.4, but 64 makes a get read up to a kilobyte of slots.
pub(crate) const BUCKET_MAX: usize = 32;

/// Prefix bytes a bucket holds (the head is 24 bytes, so its slots stay 8-byte aligned).
pub(crate) const PREFIX_MAX: usize = 21;

/// Slot capacities of the bucket size classes, smallest first.
pub(crate) const CAPS: [usize; 5] = [2, 4, 8, 16, 32];

/// The fixed part of a bucket.
#[repr(C)]
pub(crate) struct Head {
    plen: u8,
    /// Index into [`CAPS`].
    class: u8,
    /// Slots in use; raised by the writer after it fills the next one.
    n: AtomicU8,
    prefix: [u8; PREFIX_MAX],
}

/// A bucket with room for `N` slots (one type per size class).
#[repr(C)]
pub(crate) struct Bucket<const N: usize> {
    head: Head,
    slots: [Slot; N],
}

impl<const N: usize> Bucket<N> {
    pub(crate) fn new(class: usize, prefix: &[u8], entries: &[Entry]) -> Self {
        debug_assert!(entries.len() <= N && prefix.len() <= PREFIX_MAX);
        let mut head = Head {
            plen: prefix.len() as u8,
            class: class as u8,
            n: AtomicU8::new(entries.len() as u8),
            prefix: [0; PREFIX_MAX],
        };
        head.prefix[..prefix.len()].copy_from_slice(prefix);
        Bucket {
            head,
            slots: std::array::from_fn(|i| {
                Slot::new(entries.get(i).copied().unwrap_or(Entry::empty()))
            }),
        }
    }
}

/// The size class for a bucket with room for `n` terms.
pub(crate) fn class_for(n: usize) -> usize {
    CAPS.iter()
        .position(|&c| c >= n)
        .expect("a bucket holds at most BUCKET_MAX terms")
}

/// The filter stored beside a heap leaf: the first eight of its bytes past the prefix.
pub(crate) fn filter(rest: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    let n = rest.len().min(8);
    b[..n].copy_from_slice(&rest[..n]);
    u64::from_le_bytes(b)
}

/// Byte order of two keys, decided by their first eight bytes when those differ (one integer
/// compare; bursting a bucket sorts its terms, and most differ there).
pub(crate) fn cmp_keys(a: &[u8], b: &[u8]) -> Ordering {
    let head = |k: &[u8]| u64::from_be_bytes(filter(k).to_le_bytes());
    head(a).cmp(&head(b)).then_with(|| a.cmp(b))
}

/// A published bucket, borrowed for a guard's lifetime.
#[derive(Clone, Copy)]
pub(crate) struct BucketRef<'g> {
    head: &'g Head,
    /// Slots in use when the bucket was reached. (Two words in all, like the other `Ref`
    /// payloads: a wider `Ref` made every step of a write slower.)
    n: usize,
}

/// A term on its way into a new bucket or subtree: its whole bytes, its value, and the heap
/// leaf that holds it now, if any (moved, or retired when the term becomes inline).
pub(crate) struct Term<'a> {
    pub key: &'a [u8],
    pub value: u64,
    pub heap: Option<usize>,
}

impl<'g> BucketRef<'g> {
    /// The bucket at `addr`.
    ///
    /// # Safety
    /// `addr` holds a live `Bucket<CAPS[class]>` (the class its head names) for `'g`.
    pub(crate) unsafe fn at(addr: usize) -> Self {
        // SAFETY: per the contract, a bucket starts at `addr`, its head first (`#[repr(C)]`).
        let head = unsafe { &*(addr as *const Head) };
        // Pairs with the release store of `append`: the slots counted are filled.
        let n = head.n.load(AtomicOrdering::Acquire) as usize;
        BucketRef { head, n }
    }

    /// Every slot of the bucket's class, used or not.
    #[inline]
    fn all(self) -> &'g [Slot] {
        let addr = self.head as *const Head as usize;
        // SAFETY: `self.head` is the head of a live bucket (see `at`), and it names the class,
        // hence the concrete type whose slots follow it.
        unsafe {
            match self.head.class {
                0 => &(*(addr as *const Bucket<2>)).slots,
                1 => &(*(addr as *const Bucket<4>)).slots,
                2 => &(*(addr as *const Bucket<8>)).slots,
                3 => &(*(addr as *const Bucket<16>)).slots,
                _ => &(*(addr as *const Bucket<32>)).slots,
            }
        }
    }

    pub fn len(self) -> usize {
        self.n
    }

    #[inline]
    fn slots(self) -> &'g [Slot] {
        let all = self.all();
        &all[..self.n.min(all.len())]
    }

    /// Whether a slot is free for [`BucketRef::append`].
    pub fn has_room(self) -> bool {
        self.n < self.all().len()
    }

    /// Fills the next free slot with `e` and counts it. Writer only, with [`has_room`]
    /// checked, `e` a term not in the bucket that follows the rules above.
    ///
    /// [`has_room`]: BucketRef::has_room
    pub fn append(self, e: Entry) {
        // A slot past the count is invisible to readers and was never used in this bucket.
        self.all()[self.n].store(e);
        // Publishes the slot: a reader that sees the new count sees its word and value.
        self.head.n.store(self.n as u8 + 1, AtomicOrdering::Release);
    }

    pub fn class(self) -> usize {
        self.head.class as usize
    }

    pub fn prefix(self) -> &'g [u8] {
        &self.head.prefix[..self.head.plen as usize]
    }

    /// Slot `i`'s word and value (read without a version: a bucket's words never change).
    pub fn entry(self, i: usize) -> Entry {
        self.slots()[i].entry()
    }

    pub fn slot(self, i: usize) -> &'g Slot {
        &self.slots()[i]
    }

    /// The slot index and the leaf of `key`, whose first `depth` bytes led to this bucket.
    #[inline]
    pub fn find(self, key: &[u8], depth: usize, guard: &'g Guard) -> Option<(usize, Ref<'g>)> {
        let rest = key[depth..].strip_prefix(self.prefix())?;
        match inline_word(rest) {
            Some(w) => {
                let i = self.slots().iter().position(|s| s.word() == w)?;
                Some((i, Ref::Inline(self.entry(i))))
            }
            None => {
                let f = filter(rest);
                self.slots().iter().enumerate().find_map(|(i, s)| {
                    let e = s.entry();
                    if e.val != f || is_inline(e.word) {
                        return None;
                    }
                    let l = self.leaf(e, guard);
                    (*l.key == *key).then_some((i, Ref::Leaf(l)))
                })
            }
        }
    }

    fn leaf(self, e: Entry, guard: &'g Guard) -> &'g Leaf {
        // SAFETY: a non-inline word of a published bucket is a heap leaf of the same trie,
        // reachable while `guard` is pinned.
        match unsafe { super::node::deref(e, guard) } {
            Some(Ref::Leaf(l)) => l,
            _ => unreachable!("a bucket slot holds an inline or heap leaf"),
        }
    }

    /// Puts term `i` in `buf` (whose first `base` bytes are the path to this bucket's slot)
    /// and returns its value.
    pub fn term(self, i: usize, guard: &'g Guard, buf: &mut Vec<u8>, base: usize) -> u64 {
        let e = self.entry(i);
        buf.truncate(base);
        if e.is_inline() {
            buf.extend_from_slice(self.prefix());
            buf.extend_from_slice(&e.inline_rest());
            e.val
        } else {
            let l = self.leaf(e, guard);
            buf.clear();
            buf.extend_from_slice(&l.key);
            l.value.load(std::sync::atomic::Ordering::Acquire)
        }
    }

    /// Term `i`'s bytes past the prefix, decoded into `buf` for an inline leaf (a heap
    /// leaf's term sits `start` bytes into its key there).
    fn rest<'b>(self, i: usize, start: usize, guard: &'g Guard, buf: &'b mut [u8; 8]) -> &'b [u8]
    where
        'g: 'b,
    {
        let e = self.entry(i);
        if e.is_inline() {
            let r = e.inline_rest();
            buf[..r.len()].copy_from_slice(&r);
            &buf[..r.len()]
        } else {
            &self.leaf(e, guard).key[start..]
        }
    }

    /// The slot indexes in the order of their terms (the bucket sits `depth` bytes into
    /// them); only the first [`BucketRef::len`] entries are meaningful.
    pub fn order(self, depth: usize, guard: &'g Guard) -> [u8; BUCKET_MAX] {
        let start = depth + self.prefix().len();
        let mut idx: [u8; BUCKET_MAX] = std::array::from_fn(|i| i as u8);
        let (mut x, mut y) = ([0u8; 8], [0u8; 8]);
        // Insertion sort: at most 32 slots, and a scan is the only caller.
        for i in 1..self.len() {
            let mut j = i;
            while j > 0 {
                let a = self.rest(idx[j - 1] as usize, start, guard, &mut x);
                let b = self.rest(idx[j] as usize, start, guard, &mut y);
                if a.cmp(b) != Ordering::Greater {
                    break;
                }
                idx.swap(j - 1, j);
                j -= 1;
            }
        }
        idx
    }

    /// Whether every term, and a new one with bytes `rest` past the prefix, has a different
    /// first byte past the prefix (a term that ends at the prefix aside). Reads no heap leaf:
    /// an inline word holds its first byte, a heap leaf's filter its first eight.
    pub fn flat_with(self, rest: &[u8]) -> bool {
        let mut seen = [0u64; 4];
        let mut add = |b: u8| {
            let (w, bit) = (b as usize / 64, 1u64 << (b % 64));
            let fresh = seen[w] & bit == 0;
            seen[w] |= bit;
            fresh
        };
        let first = |e: Entry| match e.is_inline() {
            true => (!e.inline_rest().is_empty()).then_some((e.word >> 8) as u8),
            false => Some(e.val as u8),
        };
        rest.first().is_none_or(|&b| add(b))
            && self
                .slots()
                .iter()
                .all(|s| first(s.entry()).is_none_or(&mut add))
    }

    /// Every slot's entry, with `e` at the end.
    pub fn with(self, e: Entry) -> Vec<Entry> {
        let mut out: Vec<Entry> = (0..self.len()).map(|i| self.entry(i)).collect();
        out.push(e);
        out
    }

    /// The slots but slot `i`.
    pub fn without(self, i: usize) -> Vec<Entry> {
        (0..self.len())
            .filter(|&j| j != i)
            .map(|j| self.entry(j))
            .collect()
    }

    /// The value of term `i`.
    pub fn value(self, i: usize, guard: &'g Guard) -> u64 {
        let e = self.entry(i);
        if e.is_inline() {
            e.val
        } else {
            self.leaf(e, guard)
                .value
                .load(std::sync::atomic::Ordering::Acquire)
        }
    }

    /// Every term, sorted, with the heap leaf holding it; `path` is the path to the slot.
    /// The terms' bytes are written one after the other into `arena`, which they borrow.
    pub fn terms<'a>(self, path: &[u8], guard: &'g Guard, arena: &'a mut Vec<u8>) -> Vec<Term<'a>> {
        arena.clear();
        let mut spans = Vec::with_capacity(self.len());
        for i in 0..self.len() {
            let e = self.entry(i);
            let from = arena.len();
            let value = if e.is_inline() {
                arena.extend_from_slice(path);
                arena.extend_from_slice(self.prefix());
                arena.extend_from_slice(&e.inline_rest());
                e.val
            } else {
                let l = self.leaf(e, guard);
                arena.extend_from_slice(&l.key);
                l.value.load(AtomicOrdering::Acquire)
            };
            spans.push((from, arena.len(), value, (!e.is_inline()).then_some(e.word)));
        }
        let arena: &'a [u8] = arena;
        let mut terms: Vec<Term<'a>> = spans
            .into_iter()
            .map(|(from, to, value, heap)| Term {
                key: &arena[from..to],
                value,
                heap,
            })
            .collect();
        terms.sort_unstable_by(|a, b| cmp_keys(a.key, b.key));
        terms
    }

    /// Byte `off` of term `i` counted from this bucket's slot, which sits `start` bytes into
    /// the term (`None` when the term ends before it).
    #[inline]
    pub fn byte_at(self, i: usize, start: usize, off: usize, guard: &'g Guard) -> Option<u8> {
        let plen = self.head.plen as usize;
        if off < plen {
            return Some(self.head.prefix[off]);
        }
        self.rest_byte(self.slots()[i].word(), off - plen, start + off, guard)
    }

    /// Byte `k` past the prefix of the term in a slot holding `word`; in a heap leaf's key
    /// that byte sits at `key_at`. Read straight from an inline word: node walks call this for
    /// every slot they pass.
    #[inline]
    fn rest_byte(self, word: usize, k: usize, key_at: usize, guard: &'g Guard) -> Option<u8> {
        if is_inline(word) {
            (k < (word >> 3) & 7).then_some((word >> (8 * (k + 1))) as u8)
        } else {
            self.leaf(Entry::ptr(word), guard).key.get(key_at).copied()
        }
    }

    /// The slots of `mask` whose term has `unit` as byte `off` past this bucket's slot
    /// (`None`: whose term ends before it); the bucket sits `start` bytes into its terms.
    /// One pass with the slots and prefix looked up once: node walks call this for every
    /// step they try.
    #[inline]
    pub fn narrow(
        self,
        mask: u32,
        off: usize,
        unit: Option<u8>,
        start: usize,
        guard: &'g Guard,
    ) -> u32 {
        let plen = self.head.plen as usize;
        if off < plen {
            return if unit == Some(self.head.prefix[off]) {
                mask
            } else {
                0
            };
        }
        let k = off - plen;
        let slots = self.slots();
        let mut out = 0;
        let mut m = mask;
        while m != 0 {
            let i = m.trailing_zeros() as usize;
            m &= m - 1;
            if self.rest_byte(slots[i].word(), k, start + off, guard) == unit {
                out |= 1 << i;
            }
        }
        out
    }

    /// Words of the heap leaves (for freeing a whole trie).
    pub fn heap_leaves(self) -> impl Iterator<Item = Entry> + 'g {
        self.slots()
            .iter()
            .map(Slot::entry)
            .filter(|e| !e.is_inline())
    }
}
