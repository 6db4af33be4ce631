//! Buckets: the terms of a small subtree, listed in one node instead of a chain of small nodes.
//!
//! Why: a get on the trie of the 348k English words visited 7.2 inner nodes, and the deep ones
//! (a Node16, then Node4s and Node2s a level apart, one per remaining byte of the word) each
//! cost a cache miss that waits for the one before. A bucket holds up to [`BUCKET_MAX`] terms
//! that share the path to its slot, as 16-byte slots in a row: a get compares one word per
//! term, and since every slot's address is known up front the lines load in parallel rather
//! than one after the other. On those words the inner nodes a get visits below the first,
//! cached levels fall from 4.4 to 2.8 (bucket included), counted on the sorted list.
//!
//! Layout (`#[repr(C)]`): a 24-byte [`Head`] (prefix length, capacity class, term count, then
//! up to [`PREFIX_MAX`] prefix bytes), then the slots. The prefix is the bytes all the terms
//! have right after the slot, so the terms' own bytes start past it. A slot holds:
//! - an inline leaf (the term's bytes past the prefix, at most seven) and its value; or
//! - when those bytes are longer, a pointer to a heap leaf (the whole term and its value); the
//!   slot's value word then holds the first eight of those bytes, a filter a get checks before
//!   it fetches the leaf.
//!
//! Rules (checked by the trie's shape test): 2 to [`BUCKET_MAX`] terms, sorted by their bytes;
//! a term whose bytes past the prefix fit inline is inline, so a get compares words only (a
//! key that fits inline cannot be in a heap leaf). A published bucket never changes, except
//! for the value of a term it holds (stored in place: any value a reader pairs with the term
//! is that term's). Adding or removing a term builds a new bucket, or an inner node over new
//! buckets when full, and retires the old one through the epoch collector.

use super::node::{inline_word, is_inline, Entry, Leaf, Ref, Slot};
use crossbeam_epoch::Guard;

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
    n: u8,
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
            n: entries.len() as u8,
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

/// The size class for a bucket of `n` terms.
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

/// A published bucket, borrowed for a guard's lifetime.
#[derive(Clone, Copy)]
pub(crate) struct BucketRef<'g> {
    head: &'g Head,
    slots: &'g [Slot],
}

/// A term on its way into a new bucket or subtree: its whole bytes, its value, and the heap
/// leaf that holds it now, if any (moved, or retired when the term becomes inline).
pub(crate) struct Term {
    pub key: Vec<u8>,
    pub value: u64,
    pub heap: Option<usize>,
}

impl<'g> BucketRef<'g> {
    /// The bucket at `addr`.
    ///
    /// # Safety
    /// `addr` holds a live `Bucket<CAPS[class]>` (the class its head names) for `'g`.
    pub(crate) unsafe fn at(addr: usize) -> Self {
        // SAFETY: per the contract, a bucket starts at `addr`; its head comes first
        // (`#[repr(C)]`), and names the class, hence the concrete type, to read the slots from.
        unsafe {
            let head = &*(addr as *const Head);
            let slots: &'g [Slot] = match head.class {
                0 => &(*(addr as *const Bucket<2>)).slots,
                1 => &(*(addr as *const Bucket<4>)).slots,
                2 => &(*(addr as *const Bucket<8>)).slots,
                3 => &(*(addr as *const Bucket<16>)).slots,
                _ => &(*(addr as *const Bucket<32>)).slots,
            };
            BucketRef {
                head,
                slots: &slots[..head.n as usize],
            }
        }
    }

    pub fn len(self) -> usize {
        self.slots.len()
    }

    pub fn class(self) -> usize {
        self.head.class as usize
    }

    pub fn prefix(self) -> &'g [u8] {
        &self.head.prefix[..self.head.plen as usize]
    }

    /// Slot `i`'s word and value (read without a version: a bucket's words never change).
    pub fn entry(self, i: usize) -> Entry {
        self.slots[i].entry()
    }

    pub fn slot(self, i: usize) -> &'g Slot {
        &self.slots[i]
    }

    /// The slot index and the leaf of `key`, whose first `depth` bytes led to this bucket.
    #[inline]
    pub fn find(self, key: &[u8], depth: usize, guard: &'g Guard) -> Option<(usize, Ref<'g>)> {
        let rest = key[depth..].strip_prefix(self.prefix())?;
        match inline_word(rest) {
            Some(w) => {
                let i = self.slots.iter().position(|s| s.word() == w)?;
                Some((i, Ref::Inline(self.entry(i))))
            }
            None => {
                let f = filter(rest);
                self.slots.iter().enumerate().find_map(|(i, s)| {
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

    /// Every term, in order, with the heap leaf holding it; `path` is the path to the slot.
    pub fn terms(self, path: &[u8], guard: &'g Guard) -> Vec<Term> {
        let mut buf = path.to_vec();
        (0..self.len())
            .map(|i| {
                let value = self.term(i, guard, &mut buf, path.len());
                let e = self.entry(i);
                Term {
                    key: buf.clone(),
                    value,
                    heap: (!e.is_inline()).then_some(e.word),
                }
            })
            .collect()
    }

    /// Byte `off` of term `i` counted from this bucket's slot, which sits `start` bytes into
    /// the term (`None` when the term ends before it).
    pub fn byte_at(self, i: usize, start: usize, off: usize, guard: &'g Guard) -> Option<u8> {
        let p = self.prefix();
        if off < p.len() {
            return Some(p[off]);
        }
        let e = self.entry(i);
        if e.is_inline() {
            e.inline_rest().get(off - p.len()).copied()
        } else {
            self.leaf(e, guard).key.get(start + off).copied()
        }
    }

    /// Words of the heap leaves (for freeing a whole trie).
    pub fn heap_leaves(self) -> impl Iterator<Item = Entry> + 'g {
        self.slots
            .iter()
            .map(Slot::entry)
            .filter(|e| !e.is_inline())
    }
}
