//! Counters of the store. Every field is incremented where the event happens; nothing is
//! estimated.

use std::sync::atomic::{AtomicU64, Ordering};

/// A consistent-enough copy of the counters (each is read atomically, the set is not).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub gets: u64,
    pub puts: u64,
    pub removes: u64,
    pub batches: u64,
    pub increments: u64,
    /// WAL records written since open (a batch is one record).
    pub wal_records: u64,
    /// WAL bytes written since open.
    pub wal_bytes_written: u64,
    /// fsyncs of files and directories since open.
    pub fsyncs: u64,
    pub commit_groups: u64,
    /// Requests committed in those groups (mean group size = this / `commit_groups`).
    pub commit_requests: u64,
    pub checkpoints: u64,
    pub last_checkpoint_micros: u64,
    pub compactions: u64,
    pub current_lsn: u64,
    pub synced_lsn: u64,
    pub keys: u64,
    /// Size of the image file.
    pub image_bytes: u64,
    /// Bytes of the image no longer reachable (reclaimed by compaction).
    pub image_dead_bytes: u64,
    /// Bytes of the WAL segments on disk.
    pub wal_bytes: u64,
    /// Heap bytes of the in-memory index (memtables and their versions).
    pub index_bytes: u64,
    pub replayed_records: u64,
    pub open_micros: u64,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub gets: AtomicU64,
    pub puts: AtomicU64,
    pub removes: AtomicU64,
    pub batches: AtomicU64,
    pub increments: AtomicU64,
    pub wal_records: AtomicU64,
    pub wal_bytes_written: AtomicU64,
    pub fsyncs: AtomicU64,
    pub commit_groups: AtomicU64,
    pub commit_requests: AtomicU64,
    pub checkpoints: AtomicU64,
    pub last_checkpoint_micros: AtomicU64,
    pub compactions: AtomicU64,
    pub replayed_records: AtomicU64,
    pub open_micros: AtomicU64,
}

impl Counters {
    pub fn bump(c: &AtomicU64, n: u64) {
        c.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(c: &AtomicU64) -> u64 {
        c.load(Ordering::Relaxed)
    }
}
