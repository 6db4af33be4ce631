//! C API of the durable store (`docs/durability.md`): open/close, put/get/remove/contains,
//! batches, counters, snapshot cursors, sync and sync handles, checkpoint, compaction,
//! durability changes, stats.

use super::any::AnyDict;
use super::args::{self, Out};
use super::boundary::{boundary, infallible, Outcome};
use super::dict_api::dictenstein_dict;
use super::error_obj::dictenstein_error;
use super::handles::{borrow, borrow_mut, free_handle, new_handle};
use super::status::dictenstein_status;
use crate::error::{Error, Result};
use crate::store::{Cursor, Durability, Op, Options, Stats, Store, SyncHandle};
use std::ffi::c_char;
use std::ops::Bound;
use std::time::Duration;

/// Acknowledge a write once its WAL record is durable (one fsync per commit group).
pub const DICTENSTEIN_DURABILITY_IMMEDIATE: u32 = 0;
/// As IMMEDIATE; the group leader first waits, at most `interval_us`, until as many writers are
/// queued as its last group had.
pub const DICTENSTEIN_DURABILITY_GROUP_COMMIT: u32 = 1;
/// Acknowledge once written to the OS; fsync in the background every `interval_us`.
pub const DICTENSTEIN_DURABILITY_PERIODIC: u32 = 2;
/// Acknowledge once written to the OS; fsync only at checkpoint, sync and close.
pub const DICTENSTEIN_DURABILITY_NONE: u32 = 3;
/// `dictenstein_store_options.flags`: create the directory and an empty store if missing.
pub const DICTENSTEIN_STORE_CREATE: u32 = 1;

/// Options of `dictenstein_store_open`. Initialise with `dictenstein_store_options_default`,
/// which sets `size`; a struct of another size is refused (INVALID_ARGUMENT).
#[repr(C)]
pub struct dictenstein_store_options {
    /// `sizeof(dictenstein_store_options)`, set by the defaults function.
    pub size: usize,
    /// DICTENSTEIN_DURABILITY_*; default GROUP_COMMIT.
    pub durability: u32,
    /// DICTENSTEIN_STORE_CREATE (default set).
    pub flags: u32,
    /// GROUP_COMMIT: the window (default 100, at most 1,000,000); PERIODIC: the fsync
    /// interval (default 10,000, not 0). In microseconds; ignored by the other policies.
    pub interval_us: u64,
    /// Automatic checkpoint after this many WAL bytes (default 64 MiB; 0 = never on size).
    pub checkpoint_wal_bytes: u64,
    /// Automatic checkpoint this long after the last one (default 60,000; 0 = never on time).
    pub checkpoint_interval_ms: u64,
    /// Longest key (default 4096, at most DICTENSTEIN_MAX_TERM_LEN).
    pub max_key_len: u64,
    /// Longest value (default 1 MiB, at most 64 MiB).
    pub max_value_len: u64,
    /// WAL segments are extended ahead of their records in steps of this many bytes, and
    /// filled with zeros 1 MiB ahead of the records, so a commit's fdatasync need not also
    /// commit a new file length or a block allocation (default 64 MiB; 0 = grow with each
    /// append; at most 1 GiB).
    pub wal_preallocate_bytes: u64,
    /// How long, in microseconds, a writer waiting on a commit (its group's fsync, or a
    /// GROUP_COMMIT leader gathering) yields the CPU in a loop before it sleeps: waking a
    /// sleeping thread can cost tens of microseconds, more than the rest of a commit besides
    /// the fsync. Costs CPU time, given back to any other runnable thread (default 300;
    /// 0 = sleep at once; at most 10,000).
    pub commit_spin_us: u64,
}

/// Counters of a store (`dictenstein_store_stats_get`). Set `size` to
/// `sizeof(dictenstein_store_stats)` before the call; fields may be added at the end.
#[repr(C)]
#[derive(Default)]
pub struct dictenstein_store_stats {
    pub size: usize,
    pub gets: u64,
    pub puts: u64,
    pub removes: u64,
    pub batches: u64,
    pub increments: u64,
    /// WAL records written since open (a batch is one record).
    pub wal_records: u64,
    pub wal_bytes_written: u64,
    /// fsyncs of files and directories since open.
    pub fsyncs: u64,
    pub commit_groups: u64,
    /// Requests in those groups: mean group size = commit_requests / commit_groups.
    pub commit_requests: u64,
    pub checkpoints: u64,
    pub last_checkpoint_us: u64,
    pub compactions: u64,
    pub current_lsn: u64,
    pub synced_lsn: u64,
    pub keys: u64,
    pub image_bytes: u64,
    pub image_dead_bytes: u64,
    /// Bytes of WAL segments on disk.
    pub wal_bytes: u64,
    /// Heap bytes of the in-memory index.
    pub index_bytes: u64,
    pub replayed_records: u64,
    pub open_us: u64,
}

/// An open durable store. Shared by any number of threads.
pub struct dictenstein_store {
    inner: Store,
}

/// Operations collected for one atomic `dictenstein_store_write_batch`.
pub struct dictenstein_batch {
    ops: Vec<Op>,
}

/// An ordered cursor over one snapshot of a store.
pub struct dictenstein_store_cursor {
    cursor: Cursor,
    /// The entry the last `next` returned; its bytes are what the caller's pointers see.
    current: Option<(Vec<u8>, Vec<u8>)>,
}

/// Completes when the LSN captured by `dictenstein_store_sync_async` is durable.
pub struct dictenstein_sync_handle {
    inner: SyncHandle,
}

/// The store and the key of a keyed call.
///
/// # Safety
/// `store` NULL or a live store; a non-NULL `key` readable for `key_len` bytes during the call.
unsafe fn store_key<'a>(
    store: *const dictenstein_store,
    key: *const u8,
    key_len: usize,
) -> Result<(&'a Store, &'a [u8])> {
    // SAFETY: per this function's contract.
    let s = unsafe { borrow(store, "store") }?;
    // SAFETY: per this function's contract.
    let k = unsafe { args::bytes(key, key_len, "key") }?;
    Ok((&s.inner, k))
}

fn durability(kind: u32, interval_us: u64) -> Result<Durability> {
    let d = Duration::from_micros(interval_us);
    Ok(match kind {
        DICTENSTEIN_DURABILITY_IMMEDIATE => Durability::Immediate,
        DICTENSTEIN_DURABILITY_GROUP_COMMIT => Durability::GroupCommit { window: d },
        DICTENSTEIN_DURABILITY_PERIODIC => Durability::Periodic { interval: d },
        DICTENSTEIN_DURABILITY_NONE => Durability::None,
        other => {
            return Err(Error::invalid(
                "durability",
                format!("unknown durability policy {other}"),
            ))
        }
    })
}

fn to_options(o: &dictenstein_store_options) -> Result<Options> {
    args::flags(o.flags, DICTENSTEIN_STORE_CREATE, "options.flags")?;
    let as_usize = |v: u64, name| {
        usize::try_from(v).map_err(|_| Error::invalid(name, format!("{v} is too large")))
    };
    Ok(Options {
        create: o.flags & DICTENSTEIN_STORE_CREATE != 0,
        durability: durability(o.durability, o.interval_us)?,
        checkpoint_wal_bytes: o.checkpoint_wal_bytes,
        checkpoint_interval: (o.checkpoint_interval_ms != 0)
            .then(|| Duration::from_millis(o.checkpoint_interval_ms)),
        max_key_len: as_usize(o.max_key_len, "options.max_key_len")?,
        max_value_len: as_usize(o.max_value_len, "options.max_value_len")?,
        wal_preallocate: o.wal_preallocate_bytes,
        commit_spin: Duration::from_micros(o.commit_spin_us),
        ..Options::default()
    })
}

/// Fills `options` with the defaults and sets its `size`.
///
/// Parameters: `options`: the struct to fill (required).
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL `options`).
/// Threads: safe from any thread.
///
/// # Safety
/// `options` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_options_default(
    options: *mut dictenstein_store_options,
) -> dictenstein_status {
    boundary(std::ptr::null_mut(), || {
        let out = Out::required(options, "options")?;
        let d = Options::default();
        let o = dictenstein_store_options {
            size: std::mem::size_of::<dictenstein_store_options>(),
            durability: DICTENSTEIN_DURABILITY_GROUP_COMMIT,
            flags: DICTENSTEIN_STORE_CREATE,
            interval_us: 100,
            checkpoint_wal_bytes: d.checkpoint_wal_bytes,
            checkpoint_interval_ms: d.checkpoint_interval.map_or(0, |i| i.as_millis() as u64),
            max_key_len: d.max_key_len as u64,
            max_value_len: d.max_value_len as u64,
            wal_preallocate_bytes: d.wal_preallocate,
            commit_spin_us: d.commit_spin.as_micros() as u64,
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(o) };
        Ok(Outcome::Ok)
    })
}

/// Opens (or creates) the store in directory `path` and recovers it: maps the image and
/// replays the WAL written after the last checkpoint, truncating a torn tail.
///
/// Parameters: `path`: NUL-terminated UTF-8 directory path. `options`: NULL for the defaults,
/// or a struct from `dictenstein_store_options_default`. `store`: receives the handle
/// (required). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL/empty path, NULL `store`, wrong
/// `options.size`, unknown policy or flags, out-of-range limits, intervals or spin);
/// DICTENSTEIN_LOCKED (another handle or process has it open); DICTENSTEIN_IO (missing
/// without CREATE, or an OS error; the message has the path and OS error);
/// DICTENSTEIN_WRONG_FORMAT / DICTENSTEIN_VERSION_MISMATCH / DICTENSTEIN_CORRUPT (a damaged
/// or foreign image or WAL segment; nothing is changed).
/// Memory: close with `dictenstein_store_close`.
/// Threads: the handle may be used from any number of threads at once.
///
/// # Safety
/// `path` NULL or NUL-terminated; `options` NULL or readable; `store`, `error` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_open(
    path: *const c_char,
    options: *const dictenstein_store_options,
    store: *mut *mut dictenstein_store,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `path` is NULL or NUL-terminated.
        let path = unsafe { args::path(path, "path") }?;
        let opts = if options.is_null() {
            Options::default()
        } else {
            // SAFETY: non-NULL and readable per the caller's contract.
            to_options(unsafe { args::sized_struct(options, "options") }?)?
        };
        let out = Out::required(store, "store")?;
        let s = Store::open(path, opts)?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_store { inner: s })) };
        Ok(Outcome::Ok)
    })
}

/// Closes a store: stops its background thread, fsyncs the WAL and releases the lock. The
/// handle is freed whatever the outcome; NULL is a no-op returning OK.
///
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_IO (the final fsync failed: writes acknowledged
/// under PERIODIC or NONE since the last sync may be lost).
/// Threads: no other call may use the store (or be running on it) during or after this one.
/// Cursors and sync handles opened on it stay valid and must still be freed.
///
/// # Safety
/// `store` NULL or a live store not used by any other thread; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_close(
    store: *mut dictenstein_store,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        if store.is_null() {
            return Ok(Outcome::Ok);
        }
        // SAFETY: non-NULL, a live handle from `new_handle`, freed once here.
        let s = unsafe { Box::from_raw(store) };
        s.inner.close()?;
        Ok(Outcome::Ok)
    })
}

/// Inserts or overwrites a key.
///
/// Parameters: `key`, `key_len`, `value`, `value_len`: the pair (a pointer may be NULL only
/// with length 0). `error`: optional.
/// Returns: DICTENSTEIN_OK (acknowledged per the durability policy);
/// DICTENSTEIN_INVALID_ARGUMENT (NULL store, NULL pointer with a length, value longer than
/// max_value_len); DICTENSTEIN_TERM_TOO_LONG (key longer than max_key_len);
/// DICTENSTEIN_IO (the WAL write or fsync failed; the write is not acknowledged);
/// DICTENSTEIN_POISONED (an earlier fsync failed; reopen).
/// Threads: safe from any number of threads; concurrent writers share fsyncs.
///
/// # Safety
/// `store` NULL or live; non-NULL buffers readable for their lengths; `error` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_put(
    store: *const dictenstein_store,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: forwarded from this function's contract.
        let (s, k) = unsafe { store_key(store, key, key_len) }?;
        // SAFETY: the caller guarantees `value` is readable for `value_len` bytes.
        let v = unsafe { args::bytes(value, value_len, "value") }?;
        s.put(k, v)?;
        Ok(Outcome::Ok)
    })
}

/// Removes a key (removing an absent key succeeds and changes nothing).
///
/// Returns: as `dictenstein_store_put`.
/// Threads: safe from any number of threads.
///
/// # Safety
/// As `dictenstein_store_put`.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_remove(
    store: *const dictenstein_store,
    key: *const u8,
    key_len: usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: forwarded from this function's contract.
        let (s, k) = unsafe { store_key(store, key, key_len) }?;
        s.remove(k)?;
        Ok(Outcome::Ok)
    })
}

/// Copies the value of a key into the caller's buffer.
///
/// Parameters: `key`, `key_len`: the key. `buf`, `buf_cap`: where to copy the value (`buf`
/// may be NULL when `buf_cap` is 0, to ask for the length). `value_len`: receives the
/// value's length (required). `error`: optional.
/// Returns: DICTENSTEIN_OK (copied); DICTENSTEIN_NOT_FOUND; DICTENSTEIN_BUFFER_TOO_SMALL
/// (`*value_len` says how much is needed; nothing copied); DICTENSTEIN_INVALID_ARGUMENT
/// (NULL store or `value_len`, NULL pointer with a length); DICTENSTEIN_CORRUPT (the image
/// is damaged where the lookup went).
/// Threads: safe from any number of threads; never blocks on writers.
///
/// # Safety
/// `store` NULL or live; `key` readable for `key_len`; `buf` writable for `buf_cap` bytes;
/// `value_len` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_get(
    store: *const dictenstein_store,
    key: *const u8,
    key_len: usize,
    buf: *mut u8,
    buf_cap: usize,
    value_len: *mut usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: forwarded from this function's contract.
        let (s, k) = unsafe { store_key(store, key, key_len) }?;
        let len_out = Out::required(value_len, "value_len")?;
        if buf.is_null() && buf_cap != 0 {
            return Err(Error::invalid(
                "buf",
                format!("NULL buffer with capacity {buf_cap}"),
            ));
        }
        s.get_with(k, |v| {
            let Some(v) = v else {
                return Ok(Outcome::NotFound);
            };
            // SAFETY: checked non-NULL; the caller guarantees it is writable.
            unsafe { len_out.write(v.len()) };
            if v.len() > buf_cap {
                return Err(Error::BufferTooSmall {
                    needed: v.len(),
                    capacity: buf_cap,
                });
            }
            if !v.is_empty() {
                // SAFETY: `buf` is non-NULL here (capacity >= len > 0) and writable for
                // `buf_cap >= v.len()` bytes; the value is in our memory, so no overlap.
                unsafe { std::ptr::copy_nonoverlapping(v.as_ptr(), buf, v.len()) };
            }
            Ok(Outcome::Ok)
        })?
    })
}

/// Whether a key is present.
///
/// Returns: DICTENSTEIN_OK (present); DICTENSTEIN_NOT_FOUND; DICTENSTEIN_INVALID_ARGUMENT;
/// DICTENSTEIN_CORRUPT. Threads: safe from any number of threads.
///
/// # Safety
/// `store` NULL or live; `key` readable for `key_len`; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_contains(
    store: *const dictenstein_store,
    key: *const u8,
    key_len: usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: forwarded from this function's contract.
        let (s, k) = unsafe { store_key(store, key, key_len) }?;
        Ok(if s.contains(k)? {
            Outcome::Ok
        } else {
            Outcome::NotFound
        })
    })
}

/// Adds `delta` to the 8-byte little-endian counter at `key` (absent = 0), atomically.
///
/// Parameters: `new_value`: receives the result (may be NULL). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (the value is not 8 bytes, the sum
/// overflows, NULL store); otherwise as `dictenstein_store_put`.
/// Threads: safe from any number of threads.
///
/// # Safety
/// `store` NULL or live; `key` readable for `key_len`; `new_value`, `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_increment(
    store: *const dictenstein_store,
    key: *const u8,
    key_len: usize,
    delta: u64,
    new_value: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: forwarded from this function's contract.
        let (s, k) = unsafe { store_key(store, key, key_len) }?;
        let v = s.increment(k, delta)?;
        // SAFETY: the caller guarantees a non-NULL `new_value` is writable.
        unsafe { Out::optional(new_value).write(v) };
        Ok(Outcome::Ok)
    })
}

/// Number of keys. Returns DICTENSTEIN_OK or DICTENSTEIN_INVALID_ARGUMENT (NULL store or
/// `len`). Threads: safe from any number of threads.
///
/// # Safety
/// `store` NULL or live; `len`, `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_len(
    store: *const dictenstein_store,
    len: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        let out = Out::required(len, "len")?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(s.inner.len()) };
        Ok(Outcome::Ok)
    })
}

/// A dictionary handle over a store (kind DICTENSTEIN_KIND_STORE), so code written against
/// the one dictionary API reads a store too: `dictenstein_dict_get`, `_contains`,
/// `_longest_prefix`, `_info`, `_verify`, prefix and range cursors, and fuzzy cursors.
///
/// Values: the dictionary API's values are u64s. A store value of exactly 8 bytes is read as
/// a little-endian u64 (what `dictenstein_store_increment` keeps, and what a caller writes with
/// an 8-byte little-endian `put`). Any other value gives DICTENSTEIN_VALUE_NOT_U64 where a
/// value is returned, with the term still reported by cursors (read the bytes with
/// `dictenstein_store_get` or a store cursor). `dictenstein_dict_insert`, `_upsert`, `_remove`
/// and `_save` return DICTENSTEIN_UNSUPPORTED: write through the store handle.
///
/// Parameters: `store`: the store. `dict`: receives the handle (required). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL store or dict).
/// Memory: free with `dictenstein_dict_free`. The handle shares the store's data: it may
/// outlive `dictenstein_store_close`, after which it reads the state the close left; the
/// directory lock is released when the store and every handle, cursor and snapshot on it are
/// freed. Lookups read the store's current state; each cursor reads one snapshot taken when it
/// opens, while writers and checkpoints go on.
/// Threads: the handle is safe from any number of threads, like the store.
///
/// # Safety
/// `store` NULL or live; `dict` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_dict(
    store: *const dictenstein_store,
    dict: *mut *mut dictenstein_dict,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        let out = Out::required(dict, "dict")?;
        let handle = dictenstein_dict::new(AnyDict::Store(s.inner.reader()));
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(new_handle(handle)) };
        Ok(Outcome::Ok)
    })
}

/// A new, empty batch. Free with `dictenstein_batch_free`.
///
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL `batch`).
/// Threads: a batch is used by one thread at a time.
///
/// # Safety
/// `batch` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_batch_new(
    batch: *mut *mut dictenstein_batch,
) -> dictenstein_status {
    boundary(std::ptr::null_mut(), || {
        let out = Out::required(batch, "batch")?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_batch { ops: Vec::new() })) };
        Ok(Outcome::Ok)
    })
}

/// Adds a put to a batch (copied; nothing is written until `dictenstein_store_write_batch`).
///
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL batch, NULL pointer with a
/// length). Lengths are checked against the store's limits when the batch is written.
///
/// # Safety
/// `batch` NULL or live and not used elsewhere; buffers readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_batch_put(
    batch: *mut dictenstein_batch,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `batch` is NULL or live and unaliased.
        let b = unsafe { borrow_mut(batch, "batch") }?;
        // SAFETY: the caller guarantees the buffers are readable for their lengths.
        let (k, v) = unsafe {
            (
                args::bytes(key, key_len, "key")?,
                args::bytes(value, value_len, "value")?,
            )
        };
        b.ops.push(Op::Put(k.to_vec(), v.to_vec()));
        Ok(Outcome::Ok)
    })
}

/// Adds a removal to a batch. Returns as `dictenstein_batch_put`.
///
/// # Safety
/// As `dictenstein_batch_put`.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_batch_remove(
    batch: *mut dictenstein_batch,
    key: *const u8,
    key_len: usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `batch` is NULL or live and unaliased.
        let b = unsafe { borrow_mut(batch, "batch") }?;
        // SAFETY: the caller guarantees `key` is readable for `key_len` bytes.
        let k = unsafe { args::bytes(key, key_len, "key") }?;
        b.ops.push(Op::Remove(k.to_vec()));
        Ok(Outcome::Ok)
    })
}

/// Writes every operation of `batch` atomically (one WAL record: all or nothing, across
/// crashes too; later operations on a key win). On success the batch is emptied for reuse;
/// on an error it keeps its operations.
///
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_TERM_TOO_LONG / DICTENSTEIN_INVALID_ARGUMENT (an
/// operation breaks a limit: nothing is written); otherwise as `dictenstein_store_put`.
/// Threads: the store from any thread; the batch by one thread at a time.
///
/// # Safety
/// `store` NULL or live; `batch` NULL or live and unaliased; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_write_batch(
    store: *const dictenstein_store,
    batch: *mut dictenstein_batch,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        // SAFETY: the caller guarantees `batch` is NULL or live and unaliased.
        let b = unsafe { borrow_mut(batch, "batch") }?;
        s.inner.write_batch(b.ops.clone())?;
        b.ops.clear();
        Ok(Outcome::Ok)
    })
}

/// Frees a batch; NULL is a no-op.
///
/// # Safety
/// `batch` NULL or a live batch, freed once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_batch_free(batch: *mut dictenstein_batch) {
    // SAFETY: the caller guarantees the pointer is NULL or a live batch freed once.
    infallible((), || unsafe { free_handle(batch) })
}

/// Opens a cursor over the keys in `[lo, hi)` of a snapshot taken now: it streams that one
/// version while writers, checkpoints and compactions go on.
///
/// Parameters: `lo`, `lo_len`: inclusive lower bound (NULL with 0 = from the first key).
/// `hi`, `hi_len`: exclusive upper bound; `hi` NULL = no upper bound. `prefix_mode`: when
/// non-zero, `lo` is a prefix and the cursor yields exactly the keys starting with it (`hi`
/// must then be NULL). `cursor`: receives the cursor (required). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL store or `cursor`, NULL
/// pointer with a length, `hi` given in prefix mode).
/// Memory: free with `dictenstein_store_cursor_free`; it keeps the snapshot (and the memory
/// of the versions it may read) alive, and stays valid after the store is closed.
/// Threads: the store from any thread; the cursor by one thread at a time (it may move).
///
/// # Safety
/// `store` NULL or live; bounds readable for their lengths; `cursor`, `error` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_cursor_open(
    store: *const dictenstein_store,
    lo: *const u8,
    lo_len: usize,
    hi: *const u8,
    hi_len: usize,
    prefix_mode: u32,
    cursor: *mut *mut dictenstein_store_cursor,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        // SAFETY: the caller guarantees `lo` is readable for `lo_len` bytes.
        let lo = unsafe { args::bytes(lo, lo_len, "lo") }?;
        let hi = if hi.is_null() {
            if hi_len != 0 {
                return Err(Error::invalid(
                    "hi",
                    format!("NULL pointer with length {hi_len}"),
                ));
            }
            None
        } else {
            // SAFETY: the caller guarantees `hi` is readable for `hi_len` bytes.
            Some(unsafe { args::bytes(hi, hi_len, "hi") }?)
        };
        let out = Out::required(cursor, "cursor")?;
        let snap = s.inner.snapshot();
        let c = match (prefix_mode != 0, hi) {
            (true, Some(_)) => return Err(Error::invalid("hi", "must be NULL in prefix mode")),
            (true, None) => snap.prefix(lo),
            (false, hi) => snap.range(
                Bound::Included(lo),
                hi.map_or(Bound::Unbounded, Bound::Excluded),
            ),
        };
        let handle = dictenstein_store_cursor {
            cursor: c,
            current: None,
        };
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(new_handle(handle)) };
        Ok(Outcome::Ok)
    })
}

/// Advances a store cursor. The key and value bytes belong to the cursor and stay valid
/// until the next call on it or its free.
///
/// Parameters: `key`, `key_len`, `value`, `value_len`: receive the entry (each may be NULL).
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_END (no more; later calls keep returning it);
/// DICTENSTEIN_INVALID_ARGUMENT (NULL cursor); DICTENSTEIN_CORRUPT (a damaged image; the
/// cursor then ends).
/// Threads: one thread at a time per cursor.
///
/// # Safety
/// `cursor` NULL or live and unaliased; outputs and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_cursor_next(
    cursor: *mut dictenstein_store_cursor,
    key: *mut *const u8,
    key_len: *mut usize,
    value: *mut *const u8,
    value_len: *mut usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `cursor` is NULL or live and unaliased.
        let c = unsafe { borrow_mut(cursor, "cursor") }?;
        let Some(entry) = c.cursor.next().transpose()? else {
            return Ok(Outcome::End);
        };
        let (k, v) = c.current.insert(entry);
        // SAFETY: the caller guarantees each non-NULL output is writable.
        unsafe {
            Out::optional(key).write(k.as_ptr());
            Out::optional(key_len).write(k.len());
            Out::optional(value).write(v.as_ptr());
            Out::optional(value_len).write(v.len());
        }
        Ok(Outcome::Ok)
    })
}

/// Frees a store cursor; NULL is a no-op.
///
/// # Safety
/// `cursor` NULL or a live cursor, freed once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_cursor_free(cursor: *mut dictenstein_store_cursor) {
    // SAFETY: the caller guarantees the pointer is NULL or a live cursor freed once.
    infallible((), || unsafe { free_handle(cursor) })
}

/// Blocks until everything written so far is durable.
///
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_IO (the fsync failed; the store is now poisoned);
/// DICTENSTEIN_POISONED; DICTENSTEIN_INVALID_ARGUMENT (NULL store).
/// Threads: safe from any number of threads.
///
/// # Safety
/// `store` NULL or live; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_sync(
    store: *const dictenstein_store,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        s.inner.sync()?;
        Ok(Outcome::Ok)
    })
}

/// Captures the current LSN and asks the background thread to make it durable, without
/// waiting. The handle may be freed at any time: that does not cancel the fsync.
///
/// Parameters: `handle`: receives it (required). `lsn`: receives the captured LSN (may be
/// NULL). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL store or `handle`).
/// Memory: free with `dictenstein_sync_handle_free`; valid after the store is closed.
/// Threads: safe from any thread; a handle may be polled from any one thread at a time.
///
/// # Safety
/// `store` NULL or live; `handle`, `lsn`, `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_sync_async(
    store: *const dictenstein_store,
    handle: *mut *mut dictenstein_sync_handle,
    lsn: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        let out = Out::required(handle, "handle")?;
        let h = s.inner.sync_async();
        // SAFETY: checked non-NULL / optional, writable per the caller's contract.
        unsafe {
            Out::optional(lsn).write(h.lsn());
            out.write(new_handle(dictenstein_sync_handle { inner: h }));
        }
        Ok(Outcome::Ok)
    })
}

/// Waits up to `timeout_ms` (0 = just poll) for a sync handle's LSN to be durable.
///
/// Parameters: `done`: receives 1 when durable, 0 when the timeout passed first (required).
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_POISONED (an fsync failed before the LSN became
/// durable: it never will); DICTENSTEIN_INVALID_ARGUMENT (NULL handle or `done`).
/// Threads: one thread at a time per handle.
///
/// # Safety
/// `handle` NULL or live; `done`, `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_sync_handle_wait(
    handle: *const dictenstein_sync_handle,
    timeout_ms: u64,
    done: *mut u32,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `handle` is NULL or live.
        let h = unsafe { borrow(handle, "handle") }?;
        let out = Out::required(done, "done")?;
        let ok = h.inner.wait(Duration::from_millis(timeout_ms))?;
        // SAFETY: checked non-NULL; the caller guarantees it is writable.
        unsafe { out.write(u32::from(ok)) };
        Ok(Outcome::Ok)
    })
}

/// Frees a sync handle (the fsync it asked for still happens); NULL is a no-op.
///
/// # Safety
/// `handle` NULL or a live handle, freed once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_sync_handle_free(handle: *mut dictenstein_sync_handle) {
    // SAFETY: the caller guarantees the pointer is NULL or a live handle freed once.
    infallible((), || unsafe { free_handle(handle) })
}

/// Checkpoint (`compact` = 0): writes what changed since the last checkpoint into the image
/// and deletes the WAL segments it covers. Compaction (`compact` = 1): a checkpoint, then a
/// rewrite of the image without its dead bytes. Readers and writers go on meanwhile.
///
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_IO (a write failed; the store stays usable and the
/// next checkpoint retries, unless it was an fsync: then the store is poisoned);
/// DICTENSTEIN_POISONED; DICTENSTEIN_CORRUPT (the image is damaged);
/// DICTENSTEIN_INVALID_ARGUMENT (NULL store, `compact` not 0 or 1).
/// Threads: safe from any thread; checkpoints run one at a time.
///
/// # Safety
/// `store` NULL or live; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_checkpoint(
    store: *const dictenstein_store,
    compact: u32,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        match compact {
            0 => s.inner.checkpoint()?,
            1 => s.inner.compact()?,
            other => return Err(Error::invalid("compact", format!("{other} is not 0 or 1"))),
        }
        Ok(Outcome::Ok)
    })
}

/// Changes the durability policy; the next commit group uses it. Moving to IMMEDIATE or
/// GROUP_COMMIT first makes everything written so far durable.
///
/// Parameters: `durability`: DICTENSTEIN_DURABILITY_*. `interval_us`: as in the options.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL store, unknown policy, bad
/// interval); DICTENSTEIN_IO / DICTENSTEIN_POISONED (the fsync of that first step failed).
/// Threads: safe from any thread.
///
/// # Safety
/// `store` NULL or live; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_set_durability(
    store: *const dictenstein_store,
    durability_policy: u32,
    interval_us: u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        s.inner
            .set_durability(durability(durability_policy, interval_us)?)?;
        Ok(Outcome::Ok)
    })
}

fn to_c_stats(s: Stats) -> dictenstein_store_stats {
    dictenstein_store_stats {
        size: std::mem::size_of::<dictenstein_store_stats>(),
        gets: s.gets,
        puts: s.puts,
        removes: s.removes,
        batches: s.batches,
        increments: s.increments,
        wal_records: s.wal_records,
        wal_bytes_written: s.wal_bytes_written,
        fsyncs: s.fsyncs,
        commit_groups: s.commit_groups,
        commit_requests: s.commit_requests,
        checkpoints: s.checkpoints,
        last_checkpoint_us: s.last_checkpoint_micros,
        compactions: s.compactions,
        current_lsn: s.current_lsn,
        synced_lsn: s.synced_lsn,
        keys: s.keys,
        image_bytes: s.image_bytes,
        image_dead_bytes: s.image_dead_bytes,
        wal_bytes: s.wal_bytes,
        index_bytes: s.index_bytes,
        replayed_records: s.replayed_records,
        open_us: s.open_micros,
    }
}

/// Reads the counters (each counted where it happens; LSNs, keys and sizes are current).
///
/// Parameters: `stats`: a struct whose `size` the caller set to
/// `sizeof(dictenstein_store_stats)`.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL store or stats, wrong size).
/// Threads: safe from any number of threads.
///
/// # Safety
/// `store` NULL or live; `stats` NULL or writable; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_store_stats_get(
    store: *const dictenstein_store,
    stats: *mut dictenstein_store_stats,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `store` is NULL or live.
        let s = unsafe { borrow(store, "store") }?;
        // SAFETY: the caller guarantees a non-NULL `stats` is a readable struct.
        unsafe { args::sized_struct(stats.cast_const(), "stats") }?;
        let out = Out::required(stats, "stats")?;
        // SAFETY: checked non-NULL and of the right size; writable per the contract.
        unsafe { out.write(to_c_stats(s.inner.stats())) };
        Ok(Outcome::Ok)
    })
}
