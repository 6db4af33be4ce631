//! Reads of one moment of the trie, without making readers wait in the common case: a
//! sequence counter (a seqlock) that each writer makes odd while it changes the trie and even
//! again when it is done.
//!
//! A reader notes the counter, reads under an epoch pin, then checks the counter again. Equal
//! and even means no write ran at any point of the read, so everything it saw is the trie of
//! one moment: a snapshot. Otherwise it reads again; after [`OPTIMISTIC_TRIES`] disturbed
//! tries it takes the writers' mutex for one read, so a steady stream of writes cannot starve
//! it (writers then wait for that one read; other readers never wait).
//!
//! The ordering follows the classic seqlock proof: the writer's release fence comes after its
//! odd store and before its changes; the reader's acquire fence comes after its reads and
//! before the second load. If the reader saw any change of a write, the fences synchronise and
//! the second load sees at least that write's odd value, so the read is retried.

use super::view::ArtView;
use super::Art;
use crate::error::Result;
use crate::fuzzy::{FuzzyMatch, FuzzyOptions};
use crate::Dictionary;
use parking_lot::MutexGuard;
use std::sync::atomic::{fence, AtomicU64, Ordering};

/// Optimistic reads before a reader takes the writers' mutex. Small: a read disturbed twice
/// is in a write-heavy period where a third try would likely be disturbed too.
const OPTIMISTIC_TRIES: usize = 2;

/// Held by a writer for the whole of one change: the writers' mutex, and the counter made odd
/// until it is dropped.
pub(super) struct WriteGuard<'a> {
    _lock: MutexGuard<'a, ()>,
    seq: &'a AtomicU64,
}

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        // Only the lock holder changes the counter, so a relaxed load is exact. The release
        // store publishes the change to a reader whose first load sees the even value.
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Release);
    }
}

impl Art {
    /// Takes the writers' mutex and marks a write as running.
    pub(super) fn lock_for_write(&self) -> WriteGuard<'_> {
        let lock = self.write.lock();
        let s = self.seq.load(Ordering::Relaxed);
        self.seq.store(s.wrapping_add(1), Ordering::Relaxed);
        // Orders the odd value before every change this writer makes (see the module doc).
        fence(Ordering::Release);
        WriteGuard {
            _lock: lock,
            seq: &self.seq,
        }
    }

    /// Runs `read` over a view of the trie at one moment: no write is half-seen, and no write
    /// lands between two of its reads. `read` may run more than once (its results from a
    /// disturbed run are dropped), so it should have no side effects besides its result.
    ///
    /// Writers are never blocked unless reads keep being disturbed; then one run holds the
    /// writers' mutex (writers wait for it, readers do not).
    pub fn read_consistent<T>(&self, mut read: impl FnMut(&ArtView<'_>) -> T) -> T {
        for _ in 0..OPTIMISTIC_TRIES {
            let before = self.seq.load(Ordering::Acquire);
            if before % 2 == 1 {
                // A write is running; it is short, so let it finish.
                std::thread::yield_now();
                continue;
            }
            let out = read(&self.pin());
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == before {
                return out;
            }
        }
        let _writers_wait = self.write.lock();
        read(&self.pin())
    }

    /// Every term within `opts` of `query` in one snapshot of the trie (see
    /// [`Art::read_consistent`]), in the order of [`crate::Dictionary::fuzzy`]. Memory is
    /// proportional to the number of matches (bounded by `opts.limit` when set).
    ///
    /// Errors: as [`crate::fuzzy::search`].
    pub fn fuzzy_snapshot(&self, query: &[u8], opts: &FuzzyOptions) -> Result<Vec<FuzzyMatch>> {
        // Validate once, outside the retried read.
        opts.validate()?;
        self.read_consistent(|view| Ok(view.fuzzy(query, opts)?.collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    fn key(i: usize) -> Vec<u8> {
        format!("k{i:03}").into_bytes()
    }

    /// Pins the snapshot guarantee of `fuzzy_snapshot` (the C fuzzy cursor over an ART relies
    /// on it). A writer rewrites keys k000..k039 from the last to the first, each round with
    /// the round's number as value. Every moment of the trie holds at most two rounds, the
    /// newer on a suffix of the keys. A walk that is not a snapshot, as the writer laps it,
    /// sees three rounds (checked: with the counter check removed from `read_consistent`
    /// this test fails).
    #[test]
    fn fuzzy_snapshot_sees_one_moment_while_a_writer_runs() {
        const KEYS: usize = 40;
        let art = Arc::new(Art::new());
        for i in 0..KEYS {
            art.insert(&key(i), 0).unwrap();
        }
        let stop = Arc::new(AtomicBool::new(false));
        let rounds = Arc::new(AtomicU64::new(0));
        let writer = {
            let (art, stop, rounds) = (Arc::clone(&art), Arc::clone(&stop), Arc::clone(&rounds));
            std::thread::spawn(move || {
                let mut round = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    round += 1;
                    for i in (0..KEYS).rev() {
                        art.upsert(&key(i), round).unwrap();
                    }
                    rounds.store(round, Ordering::Relaxed);
                }
            })
        };
        let mut opts = FuzzyOptions::new(0);
        opts.prefix = true;
        // Read until the writer has lapped the keys many times while reads ran, so the test
        // cannot pass by finishing before the writer starts.
        while rounds.load(Ordering::Relaxed) == 0 {
            std::thread::yield_now();
        }
        let start = rounds.load(Ordering::Relaxed);
        let mut reads = 0;
        while reads < 3000 || rounds.load(Ordering::Relaxed) < start + 3000 {
            let found = art.fuzzy_snapshot(b"k", &opts).unwrap();
            assert_eq!(found.len(), KEYS);
            let values: Vec<u64> = found.iter().map(|m| m.value).collect();
            assert!(
                values.windows(2).all(|w| w[0] <= w[1]) && values[KEYS - 1] - values[0] <= 1,
                "not one moment of the trie: {values:?}"
            );
            reads += 1;
        }
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
    }

    /// Matches equal a plain walk's when nothing writes, and bad options are refused before
    /// any read.
    #[test]
    fn fuzzy_snapshot_matches_a_walk_and_checks_options() {
        let art = Art::new();
        for w in ["cat", "cart", "act", "at", "", "scat"] {
            art.insert(w.as_bytes(), w.len() as u64).unwrap();
        }
        for k in 0..3 {
            let mut opts = FuzzyOptions::new(k);
            opts.ordered = k == 1;
            let walk: Vec<FuzzyMatch> = art.pin().fuzzy(b"cat", &opts).unwrap().collect();
            assert_eq!(art.fuzzy_snapshot(b"cat", &opts).unwrap(), walk);
        }
        let opts = FuzzyOptions::new(crate::fuzzy::MAX_DISTANCE + 1);
        assert!(matches!(
            art.fuzzy_snapshot(b"cat", &opts),
            Err(crate::Error::InvalidArgument { .. })
        ));
    }
}
