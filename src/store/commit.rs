//! The write path: writers queue requests; the first one to find no leader commits every
//! queued request as one group (one WAL write, at most one fsync), applies them in LSN order,
//! and hands each writer its result.

use super::layers::Layers;
use super::vfs::VFile;
use super::wal::{encode_record, Op};
use super::{Durability, Shared};
use crate::error::{Error, Result};
use crate::store::stats::Counters;
use crossbeam_epoch::{self as epoch, Guard};
use parking_lot::{Condvar, Mutex, MutexGuard};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

pub(crate) enum Request {
    Ops(Vec<Op>),
    Increment { key: Vec<u8>, delta: u64 },
}

/// The segment new records go to.
pub(crate) struct WalState {
    pub file: Arc<dyn VFile>,
    pub path: PathBuf,
    pub seq: u64,
    /// Where the next record goes.
    pub offset: u64,
    /// The file's length: records up to here need no size change (see `wal_preallocate`).
    pub allocated: u64,
    /// Up to here the file holds records or written zeros, no holes: see `ZERO_AHEAD`.
    pub zeroed: u64,
    /// The segment opened a second time, for `Shared::sync` (see there why).
    pub sync_file: Arc<dyn VFile>,
}

/// How far ahead of its records a WAL segment is filled with real zeros. Writing into a hole
/// makes ext4 allocate a block, so that group's fdatasync must also commit the journal; with
/// groups of 8 records a new 4 KiB block is reached every two or three groups. Writing the
/// zeros a megabyte at a time, with the group that reaches them, pays that block allocation
/// once per megabyte: the other fdatasyncs only flush data (measured on this ext4 volume:
/// 1.6 KB per fdatasync, 131-145 us into written zeros, 164-193 us into a hole). The zeros
/// read as an invalid record, as the hole did, so recovery is unchanged.
const ZERO_AHEAD: u64 = 1 << 20;

/// Where one queued request's writer waits. The leader fills it and wakes that writer
/// alone: a shared condition variable would wake every writer of a group at once and make
/// them take the queue lock one after another, and that chain of wake-ups, not the fsync,
/// was most of a group's cycle with 8 writers on 2 cores.
#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
    cv: Condvar,
    /// Set with `state` (after it), so a yielding writer can poll without the lock.
    filled: AtomicBool,
}

#[derive(Default)]
enum SlotState {
    #[default]
    Waiting,
    /// The previous leader handed the queue to this writer: it commits the next group.
    Lead,
    Done(Result<u64>),
}

impl Slot {
    fn set(&self, state: SlotState) {
        *self.state.lock() = state;
        self.filled.store(true, Ordering::Release);
        // Costs no system call when the writer is still yielding (no one is parked).
        self.cv.notify_one();
    }

    /// Waits until the leader fills the slot, yielding the CPU in a loop for at most `spin`
    /// before sleeping (why: `Options::commit_spin`). `None`: this writer leads the next
    /// group; otherwise its request's result.
    fn wait(&self, spin: Duration) -> Option<Result<u64>> {
        let end = Instant::now() + spin;
        while !self.filled.load(Ordering::Acquire) && Instant::now() < end {
            std::thread::yield_now();
        }
        let mut st = self.state.lock();
        loop {
            match std::mem::take(&mut *st) {
                SlotState::Waiting => self.cv.wait(&mut st),
                SlotState::Lead => return None,
                SlotState::Done(r) => return Some(r),
            }
        }
    }
}

#[derive(Default)]
struct Queue {
    pending: Vec<(Arc<Slot>, Request)>,
    /// A writer is committing a group, or has been handed the queue and will.
    leader: bool,
    /// While a GroupCommit leader gathers: the group size it waits for (0 otherwise), so
    /// arrivals wake it once, when the group is complete, not on every push.
    gather_target: usize,
    /// The threads of the pending requests, and of the last two groups. A GroupCommit
    /// leader waits for as many requests as there were distinct writers in the last two
    /// groups: while one group is fsynced the next one gathers, so with N writers groups
    /// tend to alternate between two halves; counting both halves lets the leader wait for
    /// the writers of the group that just finished, and one fsync serves all of them.
    pending_threads: Vec<ThreadId>,
    recent_threads: [Vec<ThreadId>; 2],
}

impl Queue {
    /// Distinct writers in the last two groups (1 for a single writer: no waiting).
    fn recent_writers(&self) -> usize {
        let all: HashSet<&ThreadId> = self.recent_threads.iter().flatten().collect();
        all.len()
    }
}

pub(crate) struct Commit {
    queue: Mutex<Queue>,
    /// `Options::commit_spin`.
    spin: Duration,
    /// Signalled when the group a GroupCommit leader gathers is complete.
    arrivals: Condvar,
    /// Held by the leader from the WAL write to the end of the apply, and by checkpoints
    /// while they rotate segments.
    pub wal: Mutex<WalState>,
}

impl Commit {
    pub fn new(wal: WalState, spin: Duration) -> Self {
        Commit {
            queue: Mutex::new(Queue::default()),
            spin,
            arrivals: Condvar::new(),
            wal: Mutex::new(wal),
        }
    }

    /// The current segment (opened for `Shared::sync`) and the last LSN written to the WAL.
    pub fn current_segment(&self, s: &Shared) -> (Arc<dyn VFile>, PathBuf, u64) {
        let w = self.wal.lock();
        (
            w.sync_file.clone(),
            w.path.clone(),
            s.written.load(Ordering::Acquire),
        )
    }
}

/// A copy of an I/O error for every member of a failed group (`io::Error` is not `Clone`).
fn copy_err(e: &Error) -> Error {
    match e {
        Error::Io { op, path, source } => Error::Io {
            op,
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        Error::Poisoned { cause } => Error::Poisoned {
            cause: cause.clone(),
        },
        other => Error::invalid("write", other.to_string()),
    }
}

impl Shared {
    /// Queues `req` and returns its result: the LSN of its record, or an increment's value.
    pub(crate) fn submit(&self, req: Request) -> Result<u64> {
        if self.is_poisoned() {
            return Err(self.poison_error());
        }
        let c = &self.commit;
        let slot = Arc::new(Slot::default());
        let mut q = c.queue.lock();
        q.pending.push((slot.clone(), req));
        q.pending_threads.push(std::thread::current().id());
        if q.leader {
            if q.gather_target > 0 && q.pending.len() >= q.gather_target {
                c.arrivals.notify_one();
            }
            drop(q);
            if let Some(r) = slot.wait(c.spin) {
                return r;
            }
            q = c.queue.lock();
        } else {
            q.leader = true;
        }
        let policy = *self.durability.lock();
        if let Durability::GroupCommit { window } = policy {
            // Wait for the writers seen lately (they are likely coming back with their next
            // write), but never longer than the window: first yielding the CPU, which the
            // returning writers need and which a sleeping leader would have to be woken from
            // (`Options::commit_spin`), then asleep for the rest of the window.
            let now = Instant::now();
            let deadline = now + window;
            let target = q.recent_writers();
            let yield_end = now + c.spin.min(window);
            while q.pending.len() < target && Instant::now() < yield_end {
                MutexGuard::unlocked(&mut q, std::thread::yield_now);
            }
            q.gather_target = target;
            while q.pending.len() < target {
                if c.arrivals.wait_until(&mut q, deadline).timed_out() {
                    break;
                }
            }
            q.gather_target = 0;
        }
        let group = std::mem::take(&mut q.pending);
        let threads = std::mem::take(&mut q.pending_threads);
        q.recent_threads.swap(0, 1);
        q.recent_threads[0] = threads;
        drop(q);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.commit_group(&group, policy)
        }));
        // Hand the queue to the first writer that arrived during this group before waking
        // this group's writers, so the next group's WAL write starts at once.
        let mut q = c.queue.lock();
        match q.pending.first() {
            Some((next, _)) => next.set(SlotState::Lead),
            None => q.leader = false,
        }
        drop(q);
        let answers = match outcome {
            Ok(answers) => answers,
            Err(p) => {
                let message = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                (0..group.len())
                    .map(|i| {
                        let message = message.clone();
                        (i, Err(Error::Panic { message }))
                    })
                    .collect()
            }
        };
        debug_assert_eq!(answers.len(), group.len(), "one answer per request");
        let mut own = None;
        for (i, r) in answers {
            let s = &group[i].0;
            if Arc::ptr_eq(s, &slot) {
                own = Some(r);
            } else {
                s.set(SlotState::Done(r));
            }
        }
        own.expect("the leader's own request is in the group it committed")
    }

    fn commit_group(
        &self,
        group: &[(Arc<Slot>, Request)],
        policy: Durability,
    ) -> Vec<(usize, Result<u64>)> {
        let mut out = Vec::with_capacity(group.len());
        if self.is_poisoned() {
            for id in 0..group.len() {
                out.push((id, Err(self.poison_error())));
            }
            return out;
        }
        let mut wal = self.commit.wal.lock();
        let g = epoch::pin();
        let layers = self.layers(&g);
        let needs_overlay = group
            .iter()
            .any(|(_, r)| matches!(r, Request::Increment { .. }));
        let mut overlay: HashMap<Vec<u8>, Option<Vec<u8>>> = HashMap::new();
        let mut lsn = self.written.load(Ordering::Acquire);
        let mut buf = Vec::new();
        // (index in the group, lsn, ops, result)
        let mut staged: Vec<(usize, u64, Vec<Op>, u64)> = Vec::with_capacity(group.len());
        for (id, (_, req)) in group.iter().enumerate() {
            let (ops, result) = match req {
                Request::Ops(ops) => (ops.clone(), 0),
                Request::Increment { key, delta } => {
                    match self.resolve_increment(&g, layers, &overlay, key, *delta) {
                        Ok(v) => (vec![Op::Put(key.clone(), v.to_le_bytes().to_vec())], v),
                        Err(e) => {
                            out.push((id, Err(e)));
                            continue;
                        }
                    }
                }
            };
            lsn += 1;
            if needs_overlay {
                for op in &ops {
                    let v = match op {
                        Op::Put(_, v) => Some(v.clone()),
                        Op::Remove(_) => None,
                    };
                    overlay.insert(op.key().to_vec(), v);
                }
            }
            encode_record(&mut buf, lsn, &ops);
            let result = if matches!(req, Request::Ops(_)) {
                lsn
            } else {
                result
            };
            staged.push((id, lsn, ops, result));
        }
        if staged.is_empty() {
            return out;
        }
        if let Err(e) = self.append(&mut wal, &buf) {
            out.extend(staged.iter().map(|s| (s.0, Err(copy_err(&e)))));
            return out;
        }
        Counters::bump(&self.counters.wal_records, staged.len() as u64);
        Counters::bump(&self.counters.commit_groups, 1);
        Counters::bump(&self.counters.commit_requests, group.len() as u64);
        self.written.store(lsn, Ordering::Release);
        if policy.syncs_each_group() {
            if let Err(e) = self.fsync(&*wal.file, &wal.path) {
                out.extend(staged.iter().map(|s| (s.0, Err(copy_err(&e)))));
                return out;
            }
        }
        let keep = self.keep_lsn();
        for (_, rec_lsn, ops, _) in &staged {
            for op in ops {
                self.apply_op(&g, layers, op, *rec_lsn, keep);
            }
        }
        self.applied.store(lsn, Ordering::Release);
        if policy.syncs_each_group() {
            self.mark_synced(lsn);
        }
        let since = self
            .wal_since_checkpoint
            .fetch_add(buf.len() as u64, Ordering::Relaxed)
            + buf.len() as u64;
        drop(wal);
        if self.checkpoint_wal_bytes > 0 && since >= self.checkpoint_wal_bytes {
            self.background.request_checkpoint();
        }
        out.extend(staged.into_iter().map(|(id, _, _, r)| (id, Ok(r))));
        out
    }

    /// One `pwrite` of a group's records (see `cut_failed_write` for a failure).
    fn append(&self, wal: &mut WalState, buf: &[u8]) -> Result<()> {
        let end = wal.offset + buf.len() as u64;
        if end > wal.allocated && self.wal_preallocate > 0 {
            // Grow ahead in whole steps; the next fsync makes the new length durable with
            // this group's records, and later groups again write inside the file.
            let grown = end.div_ceil(self.wal_preallocate) * self.wal_preallocate;
            wal.file
                .set_len(grown)
                .map_err(|e| Error::io("extend WAL segment", &wal.path, e))?;
            wal.allocated = grown;
        }
        // Past the zeroed part the group's records and the next megabyte of zeros go out in
        // one write (`allocated` >= `end` here whenever preallocation is on).
        let zeros_to = (end + ZERO_AHEAD).min(wal.allocated);
        let written = if end > wal.zeroed && zeros_to > end {
            let mut with_zeros = Vec::with_capacity((zeros_to - wal.offset) as usize);
            with_zeros.extend_from_slice(buf);
            with_zeros.resize((zeros_to - wal.offset) as usize, 0);
            wal.file
                .write_at(&with_zeros, wal.offset)
                .map(|()| zeros_to)
        } else {
            wal.file.write_at(buf, wal.offset).map(|()| wal.zeroed)
        };
        let zeroed = match written {
            Ok(z) => z,
            Err(e) => return Err(self.cut_failed_write(wal, e)),
        };
        wal.zeroed = zeroed.max(end);
        wal.offset = end;
        Counters::bump(&self.counters.wal_bytes_written, buf.len() as u64);
        self.wal_bytes
            .fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// After a failed WAL write: cuts the segment back to where the group began (so a later
    /// group never follows a partial record), poisoning the store if even that fails.
    fn cut_failed_write(&self, wal: &mut WalState, e: std::io::Error) -> Error {
        let err = Error::io("write WAL", &wal.path, e);
        wal.allocated = wal.offset;
        wal.zeroed = wal.offset;
        if let Err(e2) = wal.file.set_len(wal.offset) {
            self.poison(&Error::io(
                "truncate WAL after a failed write",
                &wal.path,
                e2,
            ));
        }
        err
    }

    fn resolve_increment(
        &self,
        g: &Guard,
        layers: &Layers,
        overlay: &HashMap<Vec<u8>, Option<Vec<u8>>>,
        key: &[u8],
        delta: u64,
    ) -> Result<u64> {
        let cur = match overlay.get(key) {
            Some(v) => v.clone(),
            None => layers.get(g, key, u64::MAX)?.map(<[u8]>::to_vec),
        };
        let base = match cur {
            None => 0,
            Some(b) => u64::from_le_bytes(b.as_slice().try_into().map_err(|_| {
                Error::invalid(
                    "key",
                    format!("holds a value of {} bytes, not an 8-byte counter", b.len()),
                )
            })?),
        };
        base.checked_add(delta)
            .ok_or_else(|| Error::invalid("delta", format!("{base} + {delta} overflows a u64")))
    }

    /// Applies one operation to the memtable and keeps the key count. Used by commits and by
    /// recovery, so both build the same state.
    pub(crate) fn apply_op(&self, g: &Guard, layers: &Layers, op: &Op, lsn: u64, keep: u64) {
        let key = op.key();
        // The key count is exact unless the image is corrupt (then reads report it).
        let existed = layers.get(g, key, u64::MAX).is_ok_and(|v| v.is_some());
        let value = match op {
            Op::Put(_, v) => Some(&v[..]),
            Op::Remove(_) if !existed => return,
            Op::Remove(_) => None,
        };
        if let Err(e) = layers.mem.apply(g, key, value, lsn, keep) {
            // Keys are checked against max_key_len (<= the index's limit) before they are
            // logged, so this cannot happen; refuse further writes rather than diverge.
            self.poison(&e);
            return;
        }
        match (existed, value.is_some()) {
            (false, true) => {
                self.keys.fetch_add(1, Ordering::AcqRel);
            }
            (true, false) => {
                self.keys.fetch_sub(1, Ordering::AcqRel);
            }
            _ => {}
        }
    }
}
