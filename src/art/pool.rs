//! Where one trie's nodes and leaves live: a free list and a run of memory chunks per node
//! kind, so that a big trie sits on transparent huge pages.
//!
//! Why not `Box`: a get on a trie of millions of keys touches four or five nodes scattered
//! over hundreds of megabytes, and with 4 KiB pages nearly every one of those touches also
//! misses the TLB (the second-level TLB maps about 6 MiB). Chunks from 4 MiB up are advised
//! `MADV_HUGEPAGE`, so the whole trie is mapped by a few hundred 2 MiB pages. Measured on 4M
//! random u64 keys in a standalone loop: 331-353 ns per get with `Box` nodes, 305-328 ns from
//! this pool (302 ns in the benchmark run, against 340). Where the kernel has transparent huge
//! pages off the advice is ignored and the trie works as before.
//!
//! Chunks double from 64 KiB, so a small trie costs little memory; they are freed when the trie
//! and every node it retired are gone (the pool is shared through an `Arc` by the trie and by
//! each retired node waiting for its readers). A freed slot is reused by the same trie only;
//! memory is not returned to the system before then.
//!
//! Why chunks come from the global allocator (2 MiB aligned) and not from `mmap`: leak
//! checkers such as LeakSanitizer scan heap blocks for pointers but not private mappings, and
//! the durable store keeps pointers to its versions in trie leaves; in a mapping they looked
//! leaked. The alignment also puts every 2 MiB of a large chunk on one huge page.

use parking_lot::Mutex;
use std::alloc::Layout;
use std::ptr::NonNull;

/// Size classes: one per node kind (index = pointer tag - 1), then one per bucket capacity.
pub(crate) const CLASSES: usize = 11;
const FIRST_CHUNK: usize = 64 << 10;
const LAST_CHUNK: usize = 32 << 20;
/// Chunks this large or larger are advised onto huge pages (one 2 MiB page is already a
/// waste for a trie that fits in a few small chunks).
const HUGE_FROM: usize = 4 << 20;
/// Huge page size on x86-64 and aarch64 (with 4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

pub(crate) struct Pool {
    classes: [Mutex<Class>; CLASSES],
}

struct Class {
    /// Bytes per slot: the kind's size rounded up to 8 (the alignment of every node), and to
    /// 64 for the big kinds (Node48, Node256) so that their header sits in one cache line and
    /// no child slot straddles two: a get reads one line of each, and a second line per
    /// node is a second miss. (Measured: 4M random u64 keys, 300 -> 291 ns per get.)
    slot: usize,
    /// Addresses of freed slots.
    free: Vec<usize>,
    /// The unused part of the newest chunk.
    next: usize,
    end: usize,
    chunks: Vec<Chunk>,
}

/// One block from the global allocator, freed on drop.
struct Chunk {
    ptr: NonNull<u8>,
    layout: Layout,
}

// SAFETY: a chunk is plain memory; the pool hands out disjoint slots of it under its lock, and
// what lives in a slot follows the trie's own rules for sharing nodes between threads.
unsafe impl Send for Chunk {}
// SAFETY: as above: `Chunk` itself is never read or written through `&Chunk`.
unsafe impl Sync for Chunk {}

impl Drop for Chunk {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from `alloc` with this very layout and is freed once, here.
        unsafe { std::alloc::dealloc(self.ptr.as_ptr(), self.layout) }
    }
}

impl Pool {
    /// A pool for kinds of the given sizes (all nodes are 8-byte aligned; nodes of 1 KiB or
    /// more are 64-byte aligned, since chunks are page aligned).
    pub fn new(sizes: [usize; CLASSES]) -> Self {
        Pool {
            classes: sizes.map(|size| {
                Mutex::new(Class {
                    slot: if size >= 1024 {
                        size.next_multiple_of(64)
                    } else {
                        size.max(8).next_multiple_of(8)
                    },
                    free: Vec::new(),
                    next: 0,
                    end: 0,
                    chunks: Vec::new(),
                })
            }),
        }
    }

    /// An uninitialised, 8-byte aligned slot of `size` bytes in class `class` (at most the
    /// class's size). Aborts like `Box::new` when no memory can be allocated.
    pub fn alloc(&self, class: usize, size: usize) -> *mut u8 {
        let mut c = self.classes[class].lock();
        assert!(
            size <= c.slot,
            "node of {size} bytes in a {}-byte class",
            c.slot
        );
        if let Some(addr) = c.free.pop() {
            return addr as *mut u8;
        }
        if c.end - c.next < c.slot {
            c.grow();
        }
        let addr = c.next;
        c.next += c.slot;
        addr as *mut u8
    }

    /// Gives a slot back for reuse.
    ///
    /// # Safety
    /// `addr` came from [`Pool::alloc`] of this pool and class, its value was dropped, and
    /// nothing will read it again (for a published node: every reader that could hold it
    /// has unpinned).
    pub unsafe fn release(&self, class: usize, addr: *mut u8) {
        self.classes[class].lock().free.push(addr as usize);
    }
}

impl Class {
    /// Allocates the next chunk (the last one's remainder, under one slot, is left unused).
    fn grow(&mut self) {
        let len = (FIRST_CHUNK << self.chunks.len().min(12))
            .min(LAST_CHUNK)
            .max(self.slot);
        let huge = len >= HUGE_FROM;
        let align = if huge { HUGE_PAGE } else { 4096 };
        let layout = Layout::from_size_align(len, align).expect("chunk sizes are small");
        // SAFETY: `layout` has a non-zero size.
        let raw = unsafe { std::alloc::alloc(layout) };
        let Some(ptr) = NonNull::new(raw) else {
            std::alloc::handle_alloc_error(layout)
        };
        if huge {
            // Advice only: without transparent huge pages the chunk is used as it is.
            // SAFETY: the range is exactly the block just allocated, page aligned; the advice
            // changes how it is backed, never its contents.
            let _ = unsafe { libc::madvise(raw.cast(), len, libc::MADV_HUGEPAGE) };
        }
        self.next = raw as usize;
        self.end = self.next + len;
        self.chunks.push(Chunk { ptr, layout });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Live slots never overlap, are 8-byte aligned, and stay apart across chunk boundaries
    /// up to the chunks that get the huge-page advice.
    #[test]
    fn slots_are_distinct_aligned_and_writable_across_chunks() {
        let pool = Pool::new([24, 48, 72, 200, 700, 2100, 8, 8, 8, 8, 8]);
        // 2100-byte slots: enough for chunks from 64 KiB up past HUGE_FROM.
        let n = (16 << 20) / 2104;
        let mut addrs: Vec<usize> = (0..n).map(|_| pool.alloc(5, 2100) as usize).collect();
        for (i, &a) in addrs.iter().enumerate() {
            assert_eq!(a % 8, 0);
            // SAFETY: each slot is 2104 bytes of pool memory owned by this test.
            unsafe { std::ptr::write_bytes(a as *mut u8, i as u8, 2100) };
        }
        for (i, &a) in addrs.iter().enumerate() {
            // SAFETY: as above, written just before.
            let (first, last) = unsafe { (*(a as *const u8), *((a + 2099) as *const u8)) };
            assert_eq!(
                (first, last),
                (i as u8, i as u8),
                "slot {i} was overwritten"
            );
        }
        addrs.sort_unstable();
        assert!(addrs.windows(2).all(|w| w[1] - w[0] >= 2104));
        assert!(pool.classes[5].lock().chunks.len() > 7);
    }

    /// A released slot is handed out again (to the same class only).
    #[test]
    fn released_slots_are_reused_by_their_class() {
        let pool = Pool::new([24, 48, 72, 200, 700, 2100, 8, 8, 8, 8, 8]);
        let a = pool.alloc(0, 24);
        let b = pool.alloc(0, 24);
        assert_ne!(a, b);
        // SAFETY: `a` came from this pool's class 0 and holds nothing.
        unsafe { pool.release(0, a) };
        let other = pool.alloc(1, 48);
        assert_ne!(other, a);
        assert_eq!(pool.alloc(0, 24), a);
    }
}
