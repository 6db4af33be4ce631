//! Create and recover: see `docs/durability.md`, "Recovery (open)".

use super::background::{Background, ImageFile};
use super::commit::{Commit, WalState};
use super::image::{current_slot, Slot, NODES_START, SLOT_LEN};
use super::layers::{Image, Layers};
use super::lock::DirLock;
use super::memtable::Memtable;
use super::stats::Counters;
use super::vfs::{VFile, Vfs};
use super::wal::{self, parse_segment_name, segment_name, SegmentHeader, SEGMENT_HEADER};
use super::{Options, Shared, COMPACT_FILE, IMAGE_FILE};
use crate::error::{Error, FormatError, Result};
use crossbeam_epoch::{self as epoch, Atomic};
use parking_lot::{Condvar, Mutex};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn random_id() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    h.finish() | 1
}

fn read_all(file: &dyn VFile, path: &Path, len: u64) -> Result<Vec<u8>> {
    let mut buf = vec![0u8; len as usize];
    file.read_at(&mut buf, 0)
        .map_err(|e| Error::io("read", path, e))?;
    Ok(buf)
}

/// An empty image: slot 0 generation 1, slot 1 zero, durable before any WAL exists.
fn create_image(vfs: &dyn Vfs, path: &Path, store_id: u64) -> Result<(Arc<dyn VFile>, Slot)> {
    let file = vfs
        .open(path, true)
        .map_err(|e| Error::io("create image", path, e))?;
    let slot = Slot::empty(store_id);
    let mut head = vec![0u8; NODES_START as usize];
    head[..SLOT_LEN].copy_from_slice(&slot.encode());
    file.set_len(0)
        .and_then(|()| file.write_at(&head, 0))
        .map_err(|e| Error::io("write image", path, e))?;
    file.sync().map_err(|e| Error::io("fsync", path, e))?;
    Ok((file, slot))
}

pub(crate) fn open(dir: &Path, o: Options) -> Result<Arc<Shared>> {
    let started = Instant::now();
    o.validate()?;
    if o.create {
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    }
    if !dir.is_dir() {
        let e = std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory");
        return Err(Error::io("open store directory", dir, e));
    }
    let lock = DirLock::acquire(dir)?;
    let vfs = o.vfs.clone();
    let names = vfs.list(dir).map_err(|e| Error::io("list", dir, e))?;
    let mut seqs: Vec<u64> = names.iter().filter_map(|n| parse_segment_name(n)).collect();
    seqs.sort_unstable();
    if names.iter().any(|n| n == COMPACT_FILE) {
        // A compaction that crashed before its rename: the image itself is intact.
        let p = dir.join(COMPACT_FILE);
        vfs.remove(&p).map_err(|e| Error::io("remove", &p, e))?;
    }
    let image_path = dir.join(IMAGE_FILE);
    let mut existing = None;
    if names.iter().any(|n| n == IMAGE_FILE) {
        let file = vfs
            .open(&image_path, false)
            .map_err(|e| Error::io("open image", &image_path, e))?;
        let len = file.len().map_err(|e| Error::io("stat", &image_path, e))?;
        // An empty image with no WAL is a creation that crashed before anything existed.
        if len > 0 || !seqs.is_empty() {
            existing = Some((file, len));
        }
    }
    let (file, slot_index, slot, created) = match existing {
        Some((file, len)) => {
            let head = read_all(&*file, &image_path, len.min(NODES_START))?;
            let (i, slot) =
                current_slot(&head).map_err(|e| Error::from(e).with_path(&image_path))?;
            (file, i, slot, false)
        }
        None if o.create => {
            let (file, slot) = create_image(&*vfs, &image_path, random_id())?;
            (file, 0, slot, true)
        }
        None => {
            let e = std::io::Error::new(std::io::ErrorKind::NotFound, "no store here");
            return Err(Error::io("open image", &image_path, e));
        }
    };
    let image = Image::map(&*file, &image_path, slot)?;
    let image_len = file.len().map_err(|e| Error::io("stat", &image_path, e))?;
    let layers = Layers {
        mem: Arc::new(Memtable::new()),
        frozen: None,
        image: Arc::new(image),
    };
    let shared = Arc::new(Shared {
        dir: dir.to_path_buf(),
        vfs: vfs.clone(),
        store_id: slot.store_id,
        max_key_len: o.max_key_len,
        max_value_len: o.max_value_len,
        wal_preallocate: o.wal_preallocate,
        checkpoint_wal_bytes: o.checkpoint_wal_bytes,
        checkpoint_interval: o.checkpoint_interval,
        durability: Mutex::new(o.durability),
        layers: Atomic::new(layers),
        applied: AtomicU64::new(slot.lsn),
        written: AtomicU64::new(slot.lsn),
        synced: Mutex::new(slot.lsn),
        synced_cv: Condvar::new(),
        poisoned: AtomicBool::new(false),
        poison_cause: Mutex::new(String::new()),
        sync_lock: Mutex::new(()),
        // Replaced by the real segment once recovery knows the last LSN.
        commit: Commit::new(
            WalState {
                file: file.clone(),
                path: image_path.clone(),
                seq: 0,
                offset: 0,
                allocated: 0,
                zeroed: 0,
                sync_file: file.clone(),
            },
            o.commit_spin,
        ),
        snapshots: Mutex::new(BTreeMap::new()),
        keys: AtomicU64::new(slot.keys),
        wal_bytes: AtomicU64::new(0),
        wal_since_checkpoint: AtomicU64::new(0),
        image_file_bytes: AtomicU64::new(image_len),
        counters: Counters::default(),
        background: Background::new(ImageFile {
            file,
            path: image_path,
            slot_index,
            frozen: None,
        }),
        _lock: lock,
    });
    let last = if created {
        0
    } else {
        replay(&shared, &seqs, slot)?
    };
    let next_seq = seqs.last().map_or(1, |s| s + 1);
    let segment = shared.create_segment(next_seq, last)?;
    *shared.commit.wal.lock() = segment;
    shared.written.store(last, Ordering::Release);
    shared.applied.store(last, Ordering::Release);
    shared.mark_synced(last);
    shared
        .counters
        .open_micros
        .store(started.elapsed().as_micros() as u64, Ordering::Relaxed);
    Ok(shared)
}

/// The header of segment `seq`, or `None` when it cannot be read as one of this store's.
fn read_header(s: &Shared, seq: u64) -> Option<SegmentHeader> {
    let path = s.dir.join(segment_name(seq));
    let file = s.vfs.open(&path, false).ok()?;
    let mut head = [0u8; SEGMENT_HEADER];
    file.read_at(&mut head, 0).ok()?;
    SegmentHeader::decode(&head)
        .ok()
        .filter(|h| h.seq == seq && h.store_id == s.store_id)
}

/// Skips the segments a later one shows the image covers, removing those that are this
/// store's, and returns where replay starts in `seqs`.
///
/// Why they can exist: a checkpoint deletes every segment below the one it started, and a
/// crash can cut that deletion short; unlinks need not reach the disk in the order they were
/// made, so any subset may be left, with gaps between them. The last segment that begins at
/// or before the checkpoint LSN (`prev_lsn <= slot.lsn`) is where replay starts: every record
/// of an earlier segment has an LSN at most that `prev_lsn`, so the image holds it. A file
/// that does not read as one of this store's segments is left alone (nothing is read from it
/// either): deleting what we cannot identify would be worse than keeping it.
fn skip_covered(s: &Shared, seqs: &[u64], slot: Slot) -> Result<usize> {
    let headers: Vec<Option<SegmentHeader>> = seqs.iter().map(|&q| read_header(s, q)).collect();
    let start = headers
        .iter()
        .rposition(|h| h.is_some_and(|h| h.prev_lsn <= slot.lsn))
        .unwrap_or(0);
    let mut removed = false;
    for (&q, _) in seqs
        .iter()
        .zip(&headers[..start])
        .filter(|(_, h)| h.is_some())
    {
        let path = s.dir.join(segment_name(q));
        s.vfs
            .remove(&path)
            .map_err(|e| Error::io("remove covered WAL segment", &path, e))?;
        removed = true;
    }
    if removed {
        s.fsync_dir()?;
    }
    Ok(start)
}

/// Replays the records after the checkpoint LSN; returns the last LSN of the log.
fn replay(s: &Shared, seqs: &[u64], slot: Slot) -> Result<u64> {
    let seqs = &seqs[skip_covered(s, seqs, slot)?..];
    let mut last: Option<u64> = None;
    for (i, &seq) in seqs.iter().enumerate() {
        let is_last = i + 1 == seqs.len();
        let path = s.dir.join(segment_name(seq));
        let file = s
            .vfs
            .open(&path, false)
            .map_err(|e| Error::io("open WAL segment", &path, e))?;
        let len = file.len().map_err(|e| Error::io("stat", &path, e))?;
        let bytes = read_all(&*file, &path, len)?;
        let header = match SegmentHeader::decode(&bytes) {
            Ok(h) => h,
            Err(_) if is_last && len <= SEGMENT_HEADER as u64 => {
                // Its creation was cut short: the header is fsynced before any record is
                // written, so nothing in it was ever acknowledged.
                s.vfs
                    .remove(&path)
                    .map_err(|e| Error::io("remove torn WAL segment", &path, e))?;
                s.fsync_dir()?;
                continue;
            }
            Err(e) => return Err(Error::from(e).with_path(&path)),
        };
        let bad = |what: &'static str, value: u64| {
            Error::from(FormatError::Invalid { what, value }).with_path(&path)
        };
        if header.store_id != s.store_id {
            return Err(bad(
                "WAL segment store id (from another store)",
                header.store_id,
            ));
        }
        if header.seq != seq {
            return Err(bad("WAL segment sequence number", header.seq));
        }
        match last {
            None if header.prev_lsn > slot.lsn => {
                return Err(bad(
                    "first WAL segment's previous LSN (records after the checkpoint are missing)",
                    header.prev_lsn,
                ))
            }
            Some(l) if header.prev_lsn != l => {
                return Err(bad(
                    "WAL segment previous LSN (a segment is missing)",
                    header.prev_lsn,
                ))
            }
            _ => {}
        }
        let g = epoch::pin();
        let layers = s.layers(&g);
        let mut replayed = 0u64;
        let end = wal::scan(&bytes, header.prev_lsn, |lsn, ops| {
            if lsn > slot.lsn {
                for op in &ops {
                    s.apply_op(&g, layers, op, lsn, lsn - 1);
                }
                s.applied.store(lsn, Ordering::Release);
                replayed += 1;
            }
        });
        drop(g);
        Counters::bump(&s.counters.replayed_records, replayed);
        s.wal_bytes.fetch_add(end.valid_len, Ordering::Relaxed);
        if end.stop.is_some() {
            if !is_last {
                return Err(Error::from(FormatError::Invalid {
                    what: "WAL record in a segment that is not the last (offset)",
                    value: end.valid_len,
                })
                .with_path(&path));
            }
            // A torn tail: cut it off so records appended after this open are reachable.
            file.set_len(end.valid_len)
                .map_err(|e| Error::io("truncate torn WAL tail", &path, e))?;
        }
        // Whatever was read must be durable before new records follow it.
        s.fsync(&*file, &path)?;
        last = Some(end.last_lsn);
    }
    Ok(last.unwrap_or(slot.lsn).max(slot.lsn))
}
