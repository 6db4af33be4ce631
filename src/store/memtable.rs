//! The memtable: the concurrent ART of `src/art/` mapping each key written since the last
//! checkpoint to a chain of versions, newest first. Every read happens at an LSN and skips
//! newer versions, which gives atomic batches and snapshot cursors without locks.
//!
//! The ART stores a pointer to the newest [`Version`] as its `u64` value. Versions are
//! immutable once published except for the `older` link, which only the applier cuts (to
//! prune versions no reader can need); cut versions are freed through the epoch collector,
//! like ART nodes, so a reader that loaded a pointer under its pin can always follow it.

use crate::art::{scan, Art};
use crate::dict::Dictionary;
use crate::error::Result;
use crate::fuzzy::FuzzyOptions;
use crossbeam_epoch::{self as epoch, Guard};
use std::ops::Bound;
use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

pub(crate) struct Version {
    lsn: u64,
    value: Option<Box<[u8]>>,
    older: AtomicPtr<Version>,
}

impl Version {
    fn bytes(&self) -> usize {
        std::mem::size_of::<Version>() + self.value.as_ref().map_or(0, |v| v.len())
    }
}

/// What a memtable says about a key at some LSN.
pub(crate) enum Found<'g> {
    Value(&'g [u8]),
    /// Removed: lower layers must not be consulted.
    Removed,
    /// Not written here (at that LSN): ask the lower layers.
    Absent,
}

/// A key and its value at some LSN, `None` for a removal.
pub(crate) type Entry = (Vec<u8>, Option<Vec<u8>>);

/// A fuzzy match in a memtable: the term, its distance, its value (`None`: removed).
pub(crate) struct MemHit {
    pub term: Vec<u8>,
    pub distance: u32,
    pub value: Option<Vec<u8>>,
}

pub(crate) struct Memtable {
    art: Art,
    version_bytes: AtomicUsize,
}

/// A version pointer that may be moved into the epoch collector's deferred-free list.
struct Retired(*mut Version);
// SAFETY: the pointer is only dereferenced (freed) once, by whichever thread runs the
// deferred function; `Version` itself is Send + Sync.
unsafe impl Send for Retired {}

impl Memtable {
    pub fn new() -> Self {
        Memtable {
            art: Art::new(),
            version_bytes: AtomicUsize::new(0),
        }
    }

    /// Heap bytes of the index and the versions it holds.
    pub fn heap_bytes(&self) -> usize {
        self.art.heap_bytes() + self.version_bytes.load(Ordering::Relaxed)
    }

    /// The newest version of `key` with an LSN of at most `at`.
    pub fn get<'g>(&self, g: &'g Guard, key: &[u8], at: u64) -> Found<'g> {
        match self.art.get_in(g, key) {
            // SAFETY: `head` was just loaded from the ART under `g`.
            Some(head) => unsafe { Self::resolve(head, at) },
            None => Found::Absent,
        }
    }

    /// Every key within reach of a fuzzy query, with its distance and its value at LSN `at`
    /// (`None`: removed at `at`). Keys with no version at `at` are left out; `opts.limit` is
    /// not applied (the caller merges these with the lower layers first).
    pub fn fuzzy_at(&self, query: &[u8], opts: &FuzzyOptions, at: u64) -> Result<Vec<MemHit>> {
        // Pinned before the view loads any version pointer, so each stays allocated while
        // `g` lives (the view's own pin nests inside it).
        let g = epoch::pin();
        let view = self.art.pin();
        let mut search = view.fuzzy(query, opts)?;
        let mut out = Vec::new();
        while let Some(m) = search.next_match() {
            // SAFETY: `m.value` is a version pointer loaded from the ART while `g` is pinned.
            let found: Found<'_> = unsafe { Self::resolve_in(&g, m.value, at) };
            let value = match found {
                Found::Value(v) => Some(v.to_vec()),
                Found::Removed => None,
                Found::Absent => continue,
            };
            out.push(MemHit {
                term: m.term.to_vec(),
                distance: m.distance,
                value,
            });
        }
        Ok(out)
    }

    /// As [`Memtable::resolve`], with the pin the version's lifetime is tied to.
    ///
    /// # Safety
    /// As for [`Memtable::resolve`].
    unsafe fn resolve_in<'g>(_g: &'g Guard, head: u64, at: u64) -> Found<'g> {
        // SAFETY: forwarded from the caller.
        unsafe { Self::resolve(head, at) }
    }

    /// Walks the version chain starting at `head` to the newest version at or below `at`.
    ///
    /// # Safety
    /// `head` must be a value loaded from this memtable's ART under a pin that outlives
    /// `'g`: the ART only holds pointers made by `apply` from `Box<Version>`, and a version
    /// is freed only through the epoch collector after it was unlinked.
    unsafe fn resolve<'g>(head: u64, at: u64) -> Found<'g> {
        // SAFETY: per this function's contract.
        let mut v: &'g Version = unsafe { &*(head as *const Version) };
        loop {
            if v.lsn <= at {
                return match &v.value {
                    Some(b) => Found::Value(b),
                    None => Found::Removed,
                };
            }
            let older = v.older.load(Ordering::Acquire);
            if older.is_null() {
                return Found::Absent;
            }
            // SAFETY: as above: `older` was a live link of a version reachable under `g`.
            v = unsafe { &*older };
        }
    }

    /// Adds a version of `key`. Only the applier calls this, one call at a time. Versions
    /// older than the newest one at or below `keep` (the oldest LSN any reader may still
    /// read at) can never be read again and are pruned.
    pub fn apply(
        &self,
        g: &Guard,
        key: &[u8],
        value: Option<&[u8]>,
        lsn: u64,
        keep: u64,
    ) -> Result<()> {
        let head = self
            .art
            .get_in(g, key)
            .map_or(std::ptr::null_mut(), |p| p as *mut Version);
        self.prune(g, head, keep);
        let v = Box::new(Version {
            lsn,
            value: value.map(Into::into),
            older: AtomicPtr::new(head),
        });
        self.version_bytes.fetch_add(v.bytes(), Ordering::Relaxed);
        let p = Box::into_raw(v);
        if let Err(e) = self.art.upsert(key, p as u64) {
            // SAFETY: `p` was never published.
            let v = unsafe { Box::from_raw(p) };
            self.version_bytes.fetch_sub(v.bytes(), Ordering::Relaxed);
            return Err(e);
        }
        Ok(())
    }

    fn prune(&self, g: &Guard, head: *mut Version, keep: u64) {
        let mut p = head;
        while !p.is_null() {
            // SAFETY: reachable from the ART under `g`; only this (the applier) thread unlinks.
            let v = unsafe { &*p };
            if v.lsn <= keep {
                let mut tail = v.older.swap(std::ptr::null_mut(), Ordering::AcqRel);
                while !tail.is_null() {
                    // SAFETY: `tail` was just unlinked and is no longer reachable from the
                    // ART; readers that loaded it are pinned, so freeing is deferred.
                    let t = unsafe { &*tail };
                    let next = t.older.load(Ordering::Acquire);
                    self.version_bytes.fetch_sub(t.bytes(), Ordering::Relaxed);
                    let r = Retired(tail);
                    // SAFETY: `r` is retired exactly once (it was unlinked above).
                    unsafe { g.defer_unchecked(move || drop(Box::from_raw({ r }.0))) };
                    tail = next;
                }
                return;
            }
            p = v.older.load(Ordering::Acquire);
        }
    }

    /// Up to `limit` entries with keys from `from` on, at LSN `at`, in key order; keys with
    /// no version at `at` are skipped, removals are included. Returns whether the scan ended.
    pub fn scan_at(
        &self,
        g: &Guard,
        from: Bound<&[u8]>,
        at: u64,
        limit: usize,
        out: &mut Vec<Entry>,
    ) -> bool {
        let mut ended = true;
        scan(&self.art, g, from, &mut |k, _| {
            match self.get(g, k, at) {
                Found::Value(v) => out.push((k.to_vec(), Some(v.to_vec()))),
                Found::Removed => out.push((k.to_vec(), None)),
                Found::Absent => {}
            }
            if out.len() >= limit {
                ended = false;
                return false;
            }
            true
        });
        ended
    }
}

impl Drop for Memtable {
    fn drop(&mut self) {
        let chains: Vec<u64> = self
            .art
            .range(Bound::Unbounded, Bound::Unbounded)
            .map(|e| e.1)
            .collect();
        for head in chains {
            let mut p = head as *mut Version;
            while !p.is_null() {
                // SAFETY: `&mut self`: no reader is left, and each version is linked once.
                let v = unsafe { Box::from_raw(p) };
                p = v.older.load(Ordering::Relaxed);
            }
        }
    }
}
