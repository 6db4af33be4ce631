//! The background thread: periodic fsyncs, `sync_async` requests, automatic and requested
//! checkpoints, and compaction. Checkpoint merges recurse once per key byte, so they run here,
//! on a thread with a stack sized for the longest key, whatever thread asked for them.

use super::image::{read_node_in, NodeView, NodeWriter, Slot, NODES_START, SLOT_LEN, SLOT_STRIDE};
use super::layers::{Image, Layers};
use super::memtable::{Entry, Memtable};
use super::merge::merge;
use super::vfs::VFile;
use super::wal::{parse_segment_name, segment_name, SegmentHeader, SEGMENT_HEADER};
use super::{Durability, Shared, COMPACT_FILE, IMAGE_FILE};
use crate::error::{Error, Result};
use crate::store::commit::WalState;
use crate::store::stats::Counters;
use crossbeam_epoch as epoch;
use parking_lot::{Condvar, Mutex};
use std::collections::{HashMap, VecDeque};
use std::ops::Bound;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Stack of the background thread: merges recurse once per byte of the longest key.
const STACK: usize = 256 << 20;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Job {
    Checkpoint,
    Compact,
}

#[derive(Default)]
struct State {
    stop: bool,
    sync: bool,
    auto_checkpoint: bool,
    jobs: VecDeque<(u64, Job)>,
    results: HashMap<u64, Result<()>>,
    next: u64,
}

/// The image file as the checkpointer sees it.
pub(crate) struct ImageFile {
    pub file: Arc<dyn VFile>,
    pub path: PathBuf,
    /// Index (0 or 1) of the slot holding the current header.
    pub slot_index: usize,
    /// A memtable frozen by a checkpoint that failed after freezing: the next checkpoint
    /// finishes it first. (memtable, its last LSN, first segment not covered by it)
    pub frozen: Option<(Arc<Memtable>, u64, u64)>,
}

pub(crate) struct Background {
    state: Mutex<State>,
    wake: Condvar,
    done: Condvar,
    pub image: Mutex<ImageFile>,
}

impl Background {
    pub fn new(image: ImageFile) -> Self {
        Background {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            done: Condvar::new(),
            image: Mutex::new(image),
        }
    }

    pub fn request_sync(&self) {
        self.state.lock().sync = true;
        self.wake.notify_one();
    }

    pub fn request_checkpoint(&self) {
        self.state.lock().auto_checkpoint = true;
        self.wake.notify_one();
    }

    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub fn stop(&self) {
        self.state.lock().stop = true;
        self.wake.notify_one();
    }

    /// Runs `job` on the background thread and waits for its result.
    pub fn run(&self, job: Job) -> Result<()> {
        let mut st = self.state.lock();
        let id = st.next;
        st.next += 1;
        st.jobs.push_back((id, job));
        self.wake.notify_one();
        loop {
            if let Some(r) = st.results.remove(&id) {
                return r;
            }
            self.done.wait(&mut st);
        }
    }
}

pub(crate) fn start(shared: &Arc<Shared>) -> Result<std::thread::JoinHandle<()>> {
    let s = shared.clone();
    std::thread::Builder::new()
        .name("dictenstein-store".into())
        .stack_size(STACK)
        .spawn(move || run_loop(&s))
        .map_err(|e| Error::io("start background thread for", &shared.dir, e))
}

fn run_loop(s: &Shared) {
    let bg = &s.background;
    let mut last_sync = Instant::now();
    let mut last_checkpoint = Instant::now();
    loop {
        let mut st = bg.state.lock();
        let policy = *s.durability.lock();
        let mut timeout = Duration::from_secs(3600);
        if let Durability::Periodic { interval } = policy {
            timeout = timeout.min(interval.saturating_sub(last_sync.elapsed()));
        }
        if let Some(ci) = s.checkpoint_interval {
            timeout = timeout.min(ci.saturating_sub(last_checkpoint.elapsed()));
        }
        let busy = st.stop || st.sync || st.auto_checkpoint || !st.jobs.is_empty();
        if !busy && !timeout.is_zero() {
            bg.wake.wait_for(&mut st, timeout);
        }
        if st.stop {
            for (id, _) in std::mem::take(&mut st.jobs) {
                st.results.insert(
                    id,
                    Err(Error::invalid("store", "closed while the job was queued")),
                );
            }
            bg.done.notify_all();
            return;
        }
        let periodic_due =
            matches!(policy, Durability::Periodic { interval } if last_sync.elapsed() >= interval);
        let sync_now = std::mem::take(&mut st.sync) || periodic_due;
        let job = st.jobs.pop_front();
        let timed = s
            .checkpoint_interval
            .is_some_and(|ci| last_checkpoint.elapsed() >= ci);
        let auto = std::mem::take(&mut st.auto_checkpoint) || timed;
        drop(st);
        if sync_now {
            // A failure poisons the store; waiters see it through their handles.
            let _ = s.sync();
            last_sync = Instant::now();
        }
        if let Some((id, job)) = job {
            let r = match job {
                Job::Checkpoint => s.checkpoint(),
                Job::Compact => s.checkpoint().and_then(|()| s.compact()),
            };
            last_checkpoint = Instant::now();
            bg.state.lock().results.insert(id, r);
            bg.done.notify_all();
        } else if auto {
            // An automatic checkpoint that fails is retried at the next trigger; a failed
            // fsync inside it has poisoned the store.
            let _ = s.checkpoint();
            last_checkpoint = Instant::now();
        }
    }
}

impl Shared {
    /// Creates segment `seq` whose first record will be `prev_lsn + 1`: header, fsync, then
    /// a directory fsync so the file survives a crash.
    pub(crate) fn create_segment(&self, seq: u64, prev_lsn: u64) -> Result<WalState> {
        let path = self.dir.join(segment_name(seq));
        let file = self
            .vfs
            .open(&path, true)
            .map_err(|e| Error::io("create WAL segment", &path, e))?;
        let header = SegmentHeader {
            seq,
            store_id: self.store_id,
            prev_lsn,
        };
        // A file of that name can only be a leftover of a crashed creation: start it over.
        // The zeros of the preallocated tail read as an invalid record, which is where a
        // scan stops (see `docs/durability.md`, "Recovery").
        let allocated = (SEGMENT_HEADER as u64).max(self.wal_preallocate);
        file.set_len(0)
            .and_then(|()| file.write_at(&header.encode(), 0))
            .and_then(|()| file.set_len(allocated))
            .map_err(|e| Error::io("write WAL segment header", &path, e))?;
        self.fsync(&*file, &path)?;
        self.fsync_dir()?;
        let sync_file = self
            .vfs
            .open(&path, false)
            .map_err(|e| Error::io("open WAL segment", &path, e))?;
        self.wal_bytes
            .fetch_add(SEGMENT_HEADER as u64, Ordering::Relaxed);
        Ok(WalState {
            file,
            path,
            seq,
            offset: SEGMENT_HEADER as u64,
            allocated,
            zeroed: SEGMENT_HEADER as u64,
            sync_file,
        })
    }

    /// See `docs/durability.md`, "Checkpoint".
    pub(crate) fn checkpoint(&self) -> Result<()> {
        let mut img = self.background.image.lock();
        if self.is_poisoned() {
            return Err(self.poison_error());
        }
        let start = Instant::now();
        let (frozen, lsn, first_kept) = match img.frozen.clone() {
            Some(f) => f,
            None => match self.freeze()? {
                Some(f) => f,
                None => return Ok(()),
            },
        };
        img.frozen = Some((frozen.clone(), lsn, first_kept));
        let changes = collect(&frozen);
        let g = epoch::pin();
        let image = self.layers(&g).image.clone();
        drop(g);
        let slot = image.slot;
        let merged = merge(
            image.nodes(),
            NODES_START,
            slot.root,
            slot.end,
            slot.keys,
            slot.live,
            &changes,
        )
        .map_err(|e| Error::from(e).with_path(&img.path))?;
        // Nodes first, durable, and only then the slot that points at them.
        img.file
            .write_at(&merged.bytes, slot.end)
            .map_err(|e| Error::io("write image", &img.path, e))?;
        self.fsync(&*img.file, &img.path)?;
        let new_slot = Slot {
            generation: slot.generation + 1,
            store_id: self.store_id,
            lsn,
            root: merged.root,
            end: slot.end + merged.bytes.len() as u64,
            keys: merged.keys,
            live: merged.live,
        };
        let other = 1 - img.slot_index;
        img.file
            .write_at(&new_slot.encode(), (other * SLOT_STRIDE) as u64)
            .map_err(|e| Error::io("write image header", &img.path, e))?;
        self.fsync(&*img.file, &img.path)?;
        img.slot_index = other;
        img.frozen = None;
        let mapped = Arc::new(Image::map(&*img.file, &img.path, new_slot)?);
        self.image_file_bytes
            .fetch_max(new_slot.end, Ordering::Relaxed);
        let g = epoch::pin();
        let mem = self.layers(&g).mem.clone();
        drop(g);
        self.swap_layers(Layers {
            mem,
            frozen: None,
            image: mapped,
        });
        drop(img);
        self.delete_segments_below(first_kept)?;
        Counters::bump(&self.counters.checkpoints, 1);
        self.counters
            .last_checkpoint_micros
            .store(start.elapsed().as_micros() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Under the WAL lock: fsync the current segment, start the next one, and swap in an
    /// empty memtable. Returns the frozen memtable, its last LSN and the new segment's
    /// number, or `None` when nothing was written since the last checkpoint.
    fn freeze(&self) -> Result<Option<(Arc<Memtable>, u64, u64)>> {
        let mut wal = self.commit.wal.lock();
        if self.is_poisoned() {
            return Err(self.poison_error());
        }
        let last = self.written.load(Ordering::Acquire);
        let g = epoch::pin();
        let layers = self.layers(&g);
        if last == layers.image.slot.lsn {
            return Ok(None);
        }
        // The old segment must be durable before a newer one exists: recovery treats a bad
        // record in any segment but the last as corruption, not as a torn tail. So its
        // preallocated tail (zeros, which read as a bad record) is cut off first.
        wal.file
            .set_len(wal.offset)
            .map_err(|e| Error::io("trim WAL segment", &wal.path, e))?;
        wal.allocated = wal.offset;
        wal.zeroed = wal.offset;
        self.fsync(&*wal.file, &wal.path)?;
        self.mark_synced(last);
        let next = self.create_segment(wal.seq + 1, last)?;
        let seq = next.seq;
        *wal = next;
        self.wal_since_checkpoint.store(0, Ordering::Relaxed);
        let frozen = layers.mem.clone();
        self.swap_layers(Layers {
            mem: Arc::new(Memtable::new()),
            frozen: Some(frozen.clone()),
            image: layers.image.clone(),
        });
        Ok(Some((frozen, last, seq)))
    }

    /// Deletes the segments numbered below `seq` (all their records are in the image).
    fn delete_segments_below(&self, seq: u64) -> Result<()> {
        let names = self
            .vfs
            .list(&self.dir)
            .map_err(|e| Error::io("list", &self.dir, e))?;
        // Oldest first, so a crash part way leaves the newest of them: a run that recovery
        // reads without a gap (it also copes with any subset; see `open::skip_covered`).
        let mut below: Vec<u64> = names
            .iter()
            .filter_map(|n| parse_segment_name(n))
            .filter(|&s| s < seq)
            .collect();
        below.sort_unstable();
        for &s in &below {
            let path = self.dir.join(segment_name(s));
            let len = self
                .vfs
                .open(&path, false)
                .and_then(|f| f.len())
                .unwrap_or(0);
            self.vfs
                .remove(&path)
                .map_err(|e| Error::io("delete WAL segment", &path, e))?;
            self.wal_bytes.fetch_sub(len, Ordering::Relaxed);
        }
        if !below.is_empty() {
            self.fsync_dir()?;
        }
        Ok(())
    }

    /// Rewrites the image with only the nodes reachable from the root.
    pub(crate) fn compact(&self) -> Result<()> {
        let mut img = self.background.image.lock();
        if self.is_poisoned() {
            return Err(self.poison_error());
        }
        let g = epoch::pin();
        let image = self.layers(&g).image.clone();
        drop(g);
        let slot = image.slot;
        let path = self.dir.join(COMPACT_FILE);
        let file = self
            .vfs
            .open(&path, true)
            .map_err(|e| Error::io("create", &path, e))?;
        let io = |e| Error::io("write", &path, e);
        file.set_len(0).map_err(io)?;
        let mut w = NodeWriter::new(NODES_START);
        let root = if slot.root == 0 {
            0
        } else {
            copy(&image, slot.root, slot.end, &mut w, &*file, &path)?
        };
        file.write_at(&w.buf, w.base).map_err(io)?;
        let end = w.end();
        let new_slot = Slot {
            generation: slot.generation + 1,
            root,
            end,
            live: end - NODES_START,
            ..slot
        };
        let mut head = vec![0u8; NODES_START as usize];
        head[..SLOT_LEN].copy_from_slice(&new_slot.encode());
        file.write_at(&head, 0).map_err(io)?;
        self.fsync(&*file, &path)?;
        let final_path = self.dir.join(IMAGE_FILE);
        self.vfs
            .rename(&path, &final_path)
            .map_err(|e| Error::io("rename compacted image to", &final_path, e))?;
        self.fsync_dir()?;
        let mapped = Arc::new(Image::map(&*file, &final_path, new_slot)?);
        *img = ImageFile {
            file,
            path: final_path,
            slot_index: 0,
            frozen: None,
        };
        self.image_file_bytes.store(end, Ordering::Relaxed);
        let g = epoch::pin();
        let l = self.layers(&g);
        let (mem, frozen) = (l.mem.clone(), l.frozen.clone());
        drop(g);
        self.swap_layers(Layers {
            mem,
            frozen,
            image: mapped,
        });
        Counters::bump(&self.counters.compactions, 1);
        Ok(())
    }
}

/// Every entry of a frozen memtable (nothing writes to it any more), newest versions.
fn collect(m: &Memtable) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut from: Bound<Vec<u8>> = Bound::Unbounded;
    loop {
        let g = epoch::pin();
        let mut batch = Vec::new();
        let ended = m.scan_at(
            &g,
            from.as_ref().map(|v| &v[..]),
            u64::MAX,
            4096,
            &mut batch,
        );
        drop(g);
        if let Some(last) = batch.last() {
            from = Bound::Excluded(last.0.clone());
        }
        out.append(&mut batch);
        if ended {
            return out;
        }
    }
}

/// Copies the subtree at `off` into `w` (children first), flushing `w` to `out` (at
/// `out_path`) as it grows.
fn copy(
    image: &Image,
    off: u64,
    below: u64,
    w: &mut NodeWriter,
    out: &dyn VFile,
    out_path: &std::path::Path,
) -> Result<u64> {
    const FLUSH: usize = 8 << 20;
    // A damaged node is reported against the image it was read from.
    let node = read_node_in(image.nodes(), NODES_START, off, below)
        .map_err(|e| Error::from(e).with_path(&image.path))?;
    let new = match node {
        NodeView::Leaf { key, value, .. } => w.leaf(key, value),
        NodeView::Inner(n) => {
            let leaf = if n.leaf == 0 {
                0
            } else {
                copy(image, n.leaf, off, w, out, out_path)?
            };
            let mut kids = Vec::new();
            for (b, c) in n.children() {
                kids.push((b, copy(image, c, off, w, out, out_path)?));
            }
            w.inner(n.prefix, leaf, &kids)
        }
    };
    if w.buf.len() >= FLUSH {
        out.write_at(&w.buf, w.base)
            .map_err(|e| Error::io("write compacted image", out_path, e))?;
        w.base += w.buf.len() as u64;
        w.buf.clear();
    }
    Ok(new)
}
