//! The durable store: a crash-safe map from byte-string keys to byte-string values, built
//! from a write-ahead log with group commit, the concurrent ART as memtable, and an
//! append-only ART image read through mmap. See `docs/durability.md` for the guarantees,
//! the formats and the order of writes.
//!
//! - `commit.rs`: the write path (queue, group leader, WAL write, fsync, apply);
//! - `background.rs`: the background thread (periodic sync, checkpoints, compaction);
//! - `open.rs`: create and recover;
//! - `cursor.rs`: snapshots and ordered cursors;
//! - `wal.rs`, `image.rs`, `merge.rs`: the formats and the checkpoint merge;
//! - `vfs.rs`, `fault.rs`: the storage trait and the fault-injecting test storage.

mod background;
mod commit;
mod cursor;
pub mod fault;
mod fuzzy;
mod image;
mod layers;
mod lock;
mod memtable;
mod merge;
mod open;
mod options;
mod stats;
mod trie;
pub mod vfs;
mod wal;

pub use cursor::{Cursor, Snapshot};
pub use fuzzy::{StoreFuzzy, StoreMatch};
pub use options::{Durability, Options, MAX_COMMIT_SPIN, MAX_KEY_LEN, MAX_VALUE_LEN};
pub use stats::Stats;
pub use wal::Op;

use crate::error::{Error, Result};
use background::Background;
use commit::Commit;
use crossbeam_epoch::{self as epoch, Atomic};
use layers::Layers;
use lock::DirLock;
use parking_lot::{Condvar, Mutex};
use stats::Counters;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vfs::{VFile, Vfs};

pub(crate) const IMAGE_FILE: &str = "dictenstein.image";
pub(crate) const COMPACT_FILE: &str = "dictenstein.image.compact";

/// State shared by the handle, the background thread, snapshots and sync handles.
pub(crate) struct Shared {
    dir: PathBuf,
    vfs: Arc<dyn Vfs>,
    store_id: u64,
    max_key_len: usize,
    max_value_len: usize,
    wal_preallocate: u64,
    checkpoint_wal_bytes: u64,
    checkpoint_interval: Option<Duration>,
    durability: Mutex<Durability>,
    /// What readers see; swapped (never mutated) by checkpoints.
    layers: Atomic<Layers>,
    /// Readers read at this LSN: every record up to it is applied.
    applied: AtomicU64,
    /// Last LSN written to the WAL (`current_lsn`).
    written: AtomicU64,
    /// Last LSN known durable, with a condvar for `sync_async` waiters.
    synced: Mutex<u64>,
    synced_cv: Condvar,
    poisoned: AtomicBool,
    poison_cause: Mutex<String>,
    /// Held by `sync` for its fsync and what it concludes from it: see `Shared::sync`.
    sync_lock: Mutex<()>,
    commit: Commit,
    /// Live snapshots: LSN -> count. The applier keeps every version they may read.
    snapshots: Mutex<BTreeMap<u64, usize>>,
    keys: AtomicU64,
    /// Bytes of WAL segments on disk, and of those written since the last checkpoint.
    wal_bytes: AtomicU64,
    wal_since_checkpoint: AtomicU64,
    image_file_bytes: AtomicU64,
    counters: Counters,
    background: Background,
    _lock: DirLock,
}

/// A durable store. Share one handle between threads (`&Store` or `Arc<Store>`): every
/// method takes `&self`. Dropping it stops the background thread, fsyncs the WAL (all
/// policies) and releases the directory lock.
pub struct Store {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("dir", &self.shared.dir)
            .finish_non_exhaustive()
    }
}

/// Completes when the LSN it captured is durable. Dropping it does not cancel the fsync.
pub struct SyncHandle {
    shared: Arc<Shared>,
    lsn: u64,
}

impl Store {
    /// Opens the store in `dir`, creating it when `options.create` allows; recovers from the
    /// WAL what the last checkpoint does not hold.
    pub fn open(dir: impl AsRef<Path>, options: Options) -> Result<Store> {
        let shared = open::open(dir.as_ref(), options)?;
        let thread = background::start(&shared)?;
        Ok(Store {
            shared,
            thread: Some(thread),
        })
    }

    /// Inserts or overwrites `key`. Returns once acknowledged per the durability policy.
    pub fn put(&self, key: &[u8], value: &[u8]) -> Result<()> {
        self.shared.check_key(key)?;
        self.shared.check_value(value)?;
        Counters::bump(&self.shared.counters.puts, 1);
        self.shared.submit(commit::Request::Ops(vec![Op::Put(
            key.to_vec(),
            value.to_vec(),
        )]))?;
        Ok(())
    }

    /// Removes `key` (a removal of an absent key is logged too, and is a no-op).
    pub fn remove(&self, key: &[u8]) -> Result<()> {
        self.shared.check_key(key)?;
        Counters::bump(&self.shared.counters.removes, 1);
        self.shared
            .submit(commit::Request::Ops(vec![Op::Remove(key.to_vec())]))?;
        Ok(())
    }

    /// Applies every operation or none, across crashes too (one WAL record). Later
    /// operations on the same key win. An empty batch is a no-op.
    pub fn write_batch(&self, ops: Vec<Op>) -> Result<()> {
        for op in &ops {
            self.shared.check_key(op.key())?;
            if let Op::Put(_, v) = op {
                self.shared.check_value(v)?;
            }
        }
        if ops.is_empty() {
            return Ok(());
        }
        Counters::bump(&self.shared.counters.batches, 1);
        self.shared.submit(commit::Request::Ops(ops))?;
        Ok(())
    }

    /// Adds `delta` to the counter at `key` (8 bytes, little-endian; absent = 0) and returns
    /// the new value. A value of another length, or an overflow, is `InvalidArgument`.
    pub fn increment(&self, key: &[u8], delta: u64) -> Result<u64> {
        self.shared.check_key(key)?;
        Counters::bump(&self.shared.counters.increments, 1);
        self.shared.submit(commit::Request::Increment {
            key: key.to_vec(),
            delta,
        })
    }

    /// The value of `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get_with(key, |v| v.map(<[u8]>::to_vec))
    }

    /// Calls `f` with the value of `key` borrowed (no copy).
    pub fn get_with<R>(&self, key: &[u8], f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R> {
        self.shared.get_with(key, f)
    }

    pub fn contains(&self, key: &[u8]) -> Result<bool> {
        self.get_with(key, |v| v.is_some())
    }

    /// Number of keys.
    pub fn len(&self) -> u64 {
        self.shared.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A consistent read view at the current LSN; cursors opened on it stream that version
    /// while writers and checkpoints go on.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::new(&self.shared)
    }

    /// A read-only handle on this store for code that only reads (the C dictionary handle
    /// over a store holds one). It reads what the store holds now; it stays usable after the
    /// store is closed and then reads the state the close left (nothing can write any more).
    pub fn reader(&self) -> Reader {
        Reader {
            shared: Arc::clone(&self.shared),
        }
    }

    pub fn current_lsn(&self) -> u64 {
        self.shared.written.load(Ordering::Acquire)
    }

    pub fn synced_lsn(&self) -> u64 {
        *self.shared.synced.lock()
    }

    /// Blocks until everything written so far is durable.
    pub fn sync(&self) -> Result<()> {
        self.shared.sync()
    }

    /// Captures `current_lsn()` and asks for an fsync without waiting for it.
    pub fn sync_async(&self) -> SyncHandle {
        let lsn = self.current_lsn();
        if *self.shared.synced.lock() < lsn {
            self.shared.background.request_sync();
        }
        SyncHandle {
            shared: self.shared.clone(),
            lsn,
        }
    }

    pub fn durability(&self) -> Durability {
        *self.shared.durability.lock()
    }

    /// Changes the policy; the next commit group uses it. Moving to a durable policy first
    /// makes everything written so far durable.
    pub fn set_durability(&self, d: Durability) -> Result<()> {
        d.validate()?;
        *self.shared.durability.lock() = d;
        self.shared.background.wake();
        if d.syncs_each_group() {
            self.shared.sync()?;
        }
        Ok(())
    }

    /// Writes what changed since the last checkpoint into the image and deletes the WAL it
    /// covers. Runs on the background thread; this call waits for it.
    pub fn checkpoint(&self) -> Result<()> {
        self.shared.background.run(background::Job::Checkpoint)
    }

    /// Checkpoints, then rewrites the image with only its live nodes.
    pub fn compact(&self) -> Result<()> {
        self.shared.background.run(background::Job::Compact)
    }

    pub fn stats(&self) -> Stats {
        self.shared.stats()
    }

    pub fn dir(&self) -> &Path {
        &self.shared.dir
    }

    /// Stops the background thread, fsyncs the WAL and releases the lock, reporting a failed
    /// fsync (dropping the store does the same but cannot report).
    pub fn close(mut self) -> Result<()> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<()> {
        let Some(t) = self.thread.take() else {
            return Ok(());
        };
        self.shared.background.stop();
        let _ = t.join();
        if self.shared.is_poisoned() {
            return Ok(());
        }
        // The fsync matters more than the trim (a tail left behind is cut at the next open):
        // a failed trim must not skip it.
        let trimmed = self.shared.trim_wal();
        self.shared.sync()?;
        trimmed
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        let _ = self.shutdown();
    }
}

/// Read access to an open store, shared with it; see [`Store::reader`]. Cheap to clone.
#[derive(Clone)]
pub struct Reader {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader")
            .field("dir", &self.shared.dir)
            .finish_non_exhaustive()
    }
}

impl Reader {
    /// As [`Store::get_with`].
    pub fn get_with<R>(&self, key: &[u8], f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R> {
        self.shared.get_with(key, f)
    }

    /// Number of keys.
    pub fn len(&self) -> u64 {
        self.shared.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// As [`Store::snapshot`].
    pub fn snapshot(&self) -> Snapshot {
        Snapshot::new(&self.shared)
    }

    /// Checks the current image: every node reachable from its root is read and its
    /// checksum verified, and the keys found must number what the header says. O(image);
    /// writers and other readers go on meanwhile.
    pub fn verify(&self) -> Result<()> {
        let snap = self.snapshot();
        trie::ImageTrie::new(Arc::clone(&snap.layers().image)).verify()
    }

    /// Heap bytes of the in-memory index plus the image's bytes on disk.
    pub fn size_bytes(&self) -> u64 {
        let s = self.shared.stats();
        s.index_bytes.saturating_add(s.image_bytes)
    }
}

impl SyncHandle {
    /// The LSN this handle waits for.
    pub fn lsn(&self) -> u64 {
        self.lsn
    }

    /// Whether the LSN is durable. A poisoned store that never reached it is an error.
    pub fn poll(&self) -> Result<bool> {
        self.wait(Duration::ZERO)
    }

    /// Waits up to `timeout` for the LSN to be durable; returns whether it is.
    pub fn wait(&self, timeout: Duration) -> Result<bool> {
        let deadline = std::time::Instant::now() + timeout;
        let mut synced = self.shared.synced.lock();
        loop {
            if *synced >= self.lsn {
                return Ok(true);
            }
            if self.shared.is_poisoned() {
                return Err(self.shared.poison_error());
            }
            if self
                .shared
                .synced_cv
                .wait_until(&mut synced, deadline)
                .timed_out()
            {
                return Ok(*synced >= self.lsn);
            }
        }
    }
}

impl Shared {
    fn layers<'g>(&self, g: &'g epoch::Guard) -> &'g Layers {
        // SAFETY: `layers` is never null after open, and replaced layers are freed only
        // through the epoch collector after the swap, so they outlive the pin `g`.
        unsafe { self.layers.load(Ordering::Acquire, g).deref() }
    }

    /// Publishes new layers; the old ones are freed once no pinned reader can hold them.
    fn swap_layers(&self, new: Layers) {
        let g = epoch::pin();
        let old = self
            .layers
            .swap(epoch::Owned::new(new), Ordering::AcqRel, &g);
        // SAFETY: `old` is unlinked by the swap above and retired exactly once.
        unsafe { g.defer_destroy(old) };
    }

    fn len(&self) -> u64 {
        self.keys.load(Ordering::Acquire)
    }

    fn get_with<R>(&self, key: &[u8], f: impl FnOnce(Option<&[u8]>) -> R) -> Result<R> {
        Counters::bump(&self.counters.gets, 1);
        let g = epoch::pin();
        let layers = self.layers(&g);
        let at = self.applied.load(Ordering::Acquire);
        Ok(f(layers.get(&g, key, at)?))
    }

    fn check_key(&self, key: &[u8]) -> Result<()> {
        if key.len() > self.max_key_len {
            return Err(Error::TermTooLong {
                len: key.len(),
                max: self.max_key_len,
            });
        }
        Ok(())
    }

    fn check_value(&self, value: &[u8]) -> Result<()> {
        if value.len() > self.max_value_len {
            return Err(Error::invalid(
                "value",
                format!(
                    "{} bytes is longer than max_value_len ({})",
                    value.len(),
                    self.max_value_len
                ),
            ));
        }
        Ok(())
    }

    fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::Acquire)
    }

    fn poison_error(&self) -> Error {
        Error::Poisoned {
            cause: self.poison_cause.lock().clone(),
        }
    }

    /// Refuses writes from now on: after a failed fsync the kernel may have dropped the
    /// dirty pages, so a later successful fsync would not prove anything about them.
    fn poison(&self, cause: &Error) {
        let mut c = self.poison_cause.lock();
        if !self.is_poisoned() {
            *c = cause.to_string();
            self.poisoned.store(true, Ordering::Release);
        }
        drop(c);
        // Wake sync waiters so they see the poison.
        let _s = self.synced.lock();
        self.synced_cv.notify_all();
    }

    /// fsync of a file, counted; a failure poisons the store.
    fn fsync(&self, file: &dyn VFile, path: &Path) -> Result<()> {
        Counters::bump(&self.counters.fsyncs, 1);
        file.sync().map_err(|e| {
            let err = Error::io("fsync", path, e);
            self.poison(&err);
            err
        })
    }

    /// fsync of the store directory, counted; a failure poisons the store.
    fn fsync_dir(&self) -> Result<()> {
        Counters::bump(&self.counters.fsyncs, 1);
        self.vfs.sync_dir(&self.dir).map_err(|e| {
            let err = Error::io("fsync directory", &self.dir, e);
            self.poison(&err);
            err
        })
    }

    fn mark_synced(&self, lsn: u64) {
        let mut s = self.synced.lock();
        if *s < lsn {
            *s = lsn;
            self.synced_cv.notify_all();
        }
    }

    /// Cuts the current segment's preallocated tail, so the next open reads only records
    /// (the final fsync of the close makes the length durable).
    fn trim_wal(&self) -> Result<()> {
        let mut wal = self.commit.wal.lock();
        wal.file
            .set_len(wal.offset)
            .map_err(|e| Error::io("trim WAL segment", &wal.path, e))?;
        wal.allocated = wal.offset;
        wal.zeroed = wal.offset;
        Ok(())
    }

    /// Makes every record written so far durable.
    ///
    /// Why its own open file description and a lock: Linux reports a writeback error once
    /// to each open file description that fsyncs. Had `sync` and the commit groups shared one,
    /// a `sync` from another thread (or the background thread under `Periodic`) could take
    /// the error about a group's pages, and that group's own fdatasync would then succeed and
    /// acknowledge writes that are not durable. With separate descriptions each sees the
    /// error. Two `sync` calls at once (a user's and the background thread's) share this one,
    /// so the lock makes each one's fsync, its poisoning on failure, and the check below one
    /// step: the second never marks LSNs synced after the first saw them fail.
    fn sync(&self) -> Result<()> {
        let _one_at_a_time = self.sync_lock.lock();
        if self.is_poisoned() {
            return Err(self.poison_error());
        }
        let (file, path, lsn) = self.commit.current_segment(self);
        if *self.synced.lock() >= lsn {
            return Ok(());
        }
        // Records of older segments were fsynced when the segment was rotated, so the
        // current one is all that can hold unsynced records up to `lsn`.
        self.fsync(&*file, &path)?;
        // A commit group's failed fdatasync may have poisoned the store meanwhile.
        if self.is_poisoned() {
            return Err(self.poison_error());
        }
        self.mark_synced(lsn);
        Ok(())
    }

    /// The LSN readers must still be able to read at: the oldest live snapshot, or the
    /// applied LSN before the group being applied.
    fn keep_lsn(&self) -> u64 {
        let snaps = self.snapshots.lock();
        let applied = self.applied.load(Ordering::Acquire);
        snaps.keys().next().map_or(applied, |&s| s.min(applied))
    }

    fn stats(&self) -> Stats {
        let c = &self.counters;
        let g = epoch::pin();
        let layers = self.layers(&g);
        let slot = layers.image.slot;
        let index = layers.mem.heap_bytes() + layers.frozen.as_ref().map_or(0, |f| f.heap_bytes());
        Stats {
            gets: Counters::get(&c.gets),
            puts: Counters::get(&c.puts),
            removes: Counters::get(&c.removes),
            batches: Counters::get(&c.batches),
            increments: Counters::get(&c.increments),
            wal_records: Counters::get(&c.wal_records),
            wal_bytes_written: Counters::get(&c.wal_bytes_written),
            fsyncs: Counters::get(&c.fsyncs),
            commit_groups: Counters::get(&c.commit_groups),
            commit_requests: Counters::get(&c.commit_requests),
            checkpoints: Counters::get(&c.checkpoints),
            last_checkpoint_micros: Counters::get(&c.last_checkpoint_micros),
            compactions: Counters::get(&c.compactions),
            current_lsn: self.written.load(Ordering::Acquire),
            synced_lsn: *self.synced.lock(),
            keys: self.keys.load(Ordering::Acquire),
            image_bytes: self.image_file_bytes.load(Ordering::Relaxed),
            image_dead_bytes: (slot.end - image::NODES_START).saturating_sub(slot.live),
            wal_bytes: self.wal_bytes.load(Ordering::Relaxed),
            index_bytes: index as u64,
            replayed_records: Counters::get(&c.replayed_records),
            open_micros: Counters::get(&c.open_micros),
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // SAFETY: `&mut self`: no reader is left; the current layers are owned here.
        unsafe {
            let g = epoch::unprotected();
            let l = self.layers.swap(epoch::Shared::null(), Ordering::AcqRel, g);
            if !l.is_null() {
                drop(l.into_owned());
            }
        }
    }
}
