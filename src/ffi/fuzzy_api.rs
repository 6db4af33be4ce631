//! Exported functions for fuzzy search: options, cursors over any dictionary (one result or a
//! batch per call) and the edit distances themselves. Conventions as in `dict_api`.

use super::any_fuzzy::{AnyFuzzy, FuzzySource};
use super::args::{self, Out};
use super::boundary::{boundary, Outcome};
use super::dict_api::dictenstein_dict;
use super::error_obj::dictenstein_error;
use super::handles::{borrow, borrow_mut, free_handle, new_handle};
use super::status::dictenstein_status;
use crate::error::{Error, Result};
use crate::fuzzy::{FuzzyOptions, Metric, Units};

/// Metric: insertions, deletions and substitutions cost 1 (Levenshtein).
pub const DICTENSTEIN_METRIC_LEVENSHTEIN: u32 = 0;
/// Metric: Levenshtein plus the swap of two adjacent units, each unit edited at most once
/// (restricted "optimal string alignment"): "ab" to "ba" costs 1.
pub const DICTENSTEIN_METRIC_TRANSPOSITION: u32 = 1;
/// Metric: Levenshtein plus merging two units into one and splitting one into two ("rn" to
/// "m" costs 1).
pub const DICTENSTEIN_METRIC_MERGE_SPLIT: u32 = 2;
/// Units: every byte is one unit.
pub const DICTENSTEIN_UNITS_BYTES: u32 = 0;
/// Units: every Unicode code point of UTF-8 text is one unit. The query must be valid UTF-8;
/// terms that are not are never reported.
pub const DICTENSTEIN_UNITS_CODE_POINTS: u32 = 1;
/// Fuzzy flag: report by (distance, then term in byte order) instead of in byte order of terms;
/// with a limit, gives exactly the best `limit` terms.
pub const DICTENSTEIN_FUZZY_ORDERED: u32 = 1;
/// Fuzzy flag: a term's distance is the query's distance to the closest prefix of the term
/// (autocompletion).
pub const DICTENSTEIN_FUZZY_PREFIX: u32 = 2;
/// The largest `max_distance` accepted.
pub const DICTENSTEIN_FUZZY_MAX_DISTANCE: u32 = 8;
const _: () = assert!(DICTENSTEIN_FUZZY_MAX_DISTANCE == crate::fuzzy::MAX_DISTANCE);

/// What a fuzzy search looks for. Initialise with `dictenstein_fuzzy_options_default`, then
/// set fields; `size` lets later versions add fields without breaking callers built earlier.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct dictenstein_fuzzy_options {
    /// `sizeof(dictenstein_fuzzy_options)`, set by the default function.
    pub size: usize,
    /// One of the `DICTENSTEIN_METRIC_*` constants (default Levenshtein).
    pub metric: u32,
    /// One of the `DICTENSTEIN_UNITS_*` constants (default bytes).
    pub units: u32,
    /// Largest distance reported, 0 to DICTENSTEIN_FUZZY_MAX_DISTANCE (default 1).
    pub max_distance: u32,
    /// `DICTENSTEIN_FUZZY_*` flags or-ed together (default 0: unordered, whole terms).
    pub flags: u32,
    /// Stop after this many results; 0 means no limit (the default).
    pub limit: u64,
}

impl dictenstein_fuzzy_options {
    fn to_rust(self) -> Result<FuzzyOptions> {
        let flags = args::flags(
            self.flags,
            DICTENSTEIN_FUZZY_ORDERED | DICTENSTEIN_FUZZY_PREFIX,
            "flags",
        )?;
        let opts = FuzzyOptions {
            metric: metric(self.metric)?,
            units: units(self.units)?,
            max_distance: self.max_distance,
            ordered: flags & DICTENSTEIN_FUZZY_ORDERED != 0,
            limit: (self.limit != 0).then(|| usize::try_from(self.limit).unwrap_or(usize::MAX)),
            prefix: flags & DICTENSTEIN_FUZZY_PREFIX != 0,
        };
        opts.validate()?;
        Ok(opts)
    }
}

fn metric(m: u32) -> Result<Metric> {
    match m {
        DICTENSTEIN_METRIC_LEVENSHTEIN => Ok(Metric::Levenshtein),
        DICTENSTEIN_METRIC_TRANSPOSITION => Ok(Metric::Transposition),
        DICTENSTEIN_METRIC_MERGE_SPLIT => Ok(Metric::MergeSplit),
        other => Err(Error::invalid("metric", format!("unknown metric {other}"))),
    }
}

fn units(u: u32) -> Result<Units> {
    match u {
        DICTENSTEIN_UNITS_BYTES => Ok(Units::Bytes),
        DICTENSTEIN_UNITS_CODE_POINTS => Ok(Units::CodePoints),
        other => Err(Error::invalid("units", format!("unknown units {other}"))),
    }
}

/// One result of a batch: the term (valid until the next call on the cursor or its free),
/// its distance and value.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct dictenstein_fuzzy_match {
    pub term: *const u8,
    pub term_len: usize,
    pub distance: u32,
    pub value: u64,
}

self_cell::self_cell!(
    struct FuzzyCell {
        owner: FuzzySource,
        #[not_covariant]
        dependent: AnyFuzzy,
    }
);

/// A streaming fuzzy search over one version of a dictionary. Use from one thread at a time
/// (it may move between threads). It keeps that version's data alive.
pub struct dictenstein_fuzzy_cursor {
    cell: FuzzyCell,
    /// Terms of the last batch, which its `dictenstein_fuzzy_match` entries point into.
    batch_terms: Vec<u8>,
    /// A read error met after a batch already held results: reported by the next call.
    deferred: Option<Error>,
}

/// Fills `options` with the defaults: Levenshtein over bytes, distance 1, all matches in byte
/// order of terms, no limit, whole terms; and sets its `size`. NULL is a no-op.
///
/// Threads: safe from any thread.
///
/// # Safety
/// `options` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_fuzzy_options_default(
    options: *mut dictenstein_fuzzy_options,
) {
    let defaults = default_options();
    // SAFETY: the caller guarantees `options` is NULL or writable.
    super::boundary::infallible((), || unsafe { Out::optional(options).write(defaults) })
}

/// Opens a cursor over every term within `options->max_distance` edits of `query`.
///
/// Works on every kind: the double-array trie, the DAWG (in memory or opened from a file),
/// the suffix automaton (whose terms are all substrings of its texts, valued by their count:
/// this is approximate substring search), the adaptive radix trie and a durable store
/// (`dictenstein_store_dict`).
///
/// Parameters: `dict`: the dictionary. `query`, `query_len`: the query (`query` may be NULL
/// only when `query_len` is 0). `options`: required, initialised by
/// `dictenstein_fuzzy_options_default`. `cursor`: receives the cursor (required). `error`:
/// optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict, options or cursor; NULL
/// query with non-zero length; an options `size` other than this header's; an unknown metric,
/// units or flag; `max_distance` above DICTENSTEIN_FUZZY_MAX_DISTANCE; a query that is not
/// valid UTF-8 with DICTENSTEIN_UNITS_CODE_POINTS); DICTENSTEIN_TERM_TOO_LONG (query longer
/// than DICTENSTEIN_MAX_TERM_LEN). On failure `*cursor` is untouched.
/// Order: without DICTENSTEIN_FUZZY_ORDERED, in byte order of terms; with it, by distance and
/// then byte order. Memory: the cursor holds one edge iterator and one row per level of the
/// longest term, never the results; over a store it also holds the matches among the keys
/// written since its last checkpoint (collected when it opens; the image is streamed); over
/// an adaptive radix trie it holds all its matches (at most `limit`), collected when it
/// opens. Free
/// it with `dictenstein_fuzzy_cursor_free`; it keeps its data alive after the dictionary is
/// freed.
/// Consistency: the cursor reads the version of the dictionary of the moment it was opened
/// (a store: one snapshot); later inserts, removes or appends do not affect it. On an
/// adaptive radix trie the opening search reads one moment of the trie without blocking
/// anyone; if concurrent writes disturb it twice, it runs once more holding the trie's
/// writer lock (writers wait for that search; readers never do).
/// Threads: the dictionary may be used by other threads meanwhile; the cursor by one thread
/// at a time.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `query` readable for `query_len` bytes; `options` NULL or
/// a readable `dictenstein_fuzzy_options`; `cursor` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_fuzzy_cursor(
    dict: *const dictenstein_dict,
    query: *const u8,
    query_len: usize,
    options: *const dictenstein_fuzzy_options,
    cursor: *mut *mut dictenstein_fuzzy_cursor,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `query` is readable for `query_len` bytes.
        let query = unsafe { args::bytes(query, query_len, "query") }?;
        // SAFETY: the caller guarantees `options` is NULL or a readable options struct.
        let opts = unsafe { args::sized_struct(options, "options") }?.to_rust()?;
        let out = Out::required(cursor, "cursor")?;
        let source = FuzzySource::of(&d.inner)?;
        let cell = FuzzyCell::try_new(source, |s| s.search(query, &opts))?;
        let handle = dictenstein_fuzzy_cursor {
            cell,
            batch_terms: Vec::new(),
            deferred: None,
        };
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(handle)) };
        Ok(Outcome::Ok)
    })
}

/// Advances a fuzzy cursor by one result.
///
/// Parameters: `cursor`: the cursor. `term`, `term_len`: receive the term; the bytes belong
/// to the cursor and stay valid until the next call on it or its free. `distance`, `value`:
/// receive its distance and value. Each output may be NULL. `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_END (no more; outputs untouched; later calls keep
/// returning DICTENSTEIN_END); DICTENSTEIN_INVALID_ARGUMENT (NULL cursor). Over a store also:
/// DICTENSTEIN_VALUE_NOT_U64 (the term's value is not 8 bytes: term and distance are set,
/// `*value` is not; the next call goes on after it); DICTENSTEIN_CORRUPT or DICTENSTEIN_IO
/// (reading the store failed, e.g. a damaged image node; the message names the file; later
/// calls return END).
/// Threads: one thread at a time per cursor.
///
/// # Safety
/// `cursor` NULL or a live cursor; every output and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_fuzzy_cursor_next(
    cursor: *mut dictenstein_fuzzy_cursor,
    term: *mut *const u8,
    term_len: *mut usize,
    distance: *mut u32,
    value: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `cursor` is NULL or a live, unshared cursor.
        let c = unsafe { borrow_mut(cursor, "cursor") }?;
        if let Some(e) = c.deferred.take() {
            return Err(e);
        }
        c.cell.with_dependent_mut(|_, s| {
            let Some(hit) = s.next_hit()? else {
                return Ok(Outcome::End);
            };
            // SAFETY: the caller guarantees non-NULL outputs are writable. The term pointer
            // is into the search's key buffer (or the store result it holds), which only
            // changes at the next step of the cursor.
            unsafe {
                Out::optional(term).write(hit.term.as_ptr());
                Out::optional(term_len).write(hit.term.len());
                Out::optional(distance).write(hit.distance);
            }
            // The term and distance are reported even when the value is not a u64.
            let v = hit.value?;
            // SAFETY: as above.
            unsafe { Out::optional(value).write(v) };
            Ok(Outcome::Ok)
        })
    })
}

/// Fills an array with the cursor's next results: one call instead of one per result, for
/// callers whose calls into C are costly (Go, Java).
///
/// Parameters: `cursor`: the cursor. `out`: an array of `capacity` elements (required).
/// `capacity`: at least 1. `written`: receives how many were filled (required). `error`:
/// optional.
/// Returns: DICTENSTEIN_OK (`*written` between 1 and `capacity`; fewer than `capacity` does
/// not mean the end); DICTENSTEIN_END (no more: `*written` is 0);
/// DICTENSTEIN_INVALID_ARGUMENT (NULL cursor, out or written; capacity 0). Over a store also:
/// DICTENSTEIN_VALUE_NOT_U64 (`*written` is 1 and `out[0]` holds that term and its distance,
/// value 0: a batch stops before such a term, so it always comes alone; the next call goes on
/// after it); DICTENSTEIN_CORRUPT or DICTENSTEIN_IO (reading the store failed; `*written` is
/// untouched; a batch that already held results returns them with OK and the error comes at
/// the next call; later calls return END).
/// Memory: the terms point into a buffer of the cursor, valid until the next call on it or
/// its free.
/// Threads: one thread at a time per cursor.
///
/// # Safety
/// `cursor` NULL or a live cursor; a non-NULL `out` writable for `capacity` elements;
/// `written` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_fuzzy_cursor_next_batch(
    cursor: *mut dictenstein_fuzzy_cursor,
    out: *mut dictenstein_fuzzy_match,
    capacity: usize,
    written: *mut usize,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `cursor` is NULL or a live, unshared cursor.
        let c = unsafe { borrow_mut(cursor, "cursor") }?;
        // SAFETY: the caller guarantees `out` is writable for `capacity` elements.
        let slots = unsafe { args::out_slice(out, capacity, "out") }?;
        let written_out = Out::required(written, "written")?;
        if let Some(e) = c.deferred.take() {
            return Err(e);
        }
        let terms = &mut c.batch_terms;
        terms.clear();
        let mut n = 0;
        let stopped = c.cell.with_dependent_mut(|_, s| -> Result<Option<Error>> {
            while n < slots.len() {
                let hit = match s.next_hit() {
                    Ok(Some(hit)) => hit,
                    Ok(None) => break,
                    // Results already in this batch are delivered; the error comes next.
                    Err(e) if n > 0 => return Ok(Some(e)),
                    Err(e) => return Err(e),
                };
                let (value, not_u64) = match hit.value {
                    Ok(v) => (v, None),
                    Err(e) => (0, Some(e)),
                };
                if not_u64.is_some() && n > 0 {
                    // Reported alone by the next call, so this batch stays all-OK.
                    s.hold();
                    break;
                }
                // Offsets for now: `terms` may still grow and move.
                slots[n] = dictenstein_fuzzy_match {
                    term: std::ptr::null(),
                    term_len: hit.term.len(),
                    distance: hit.distance,
                    value,
                };
                terms.extend_from_slice(hit.term);
                n += 1;
                if not_u64.is_some() {
                    return Ok(not_u64);
                }
            }
            Ok(None)
        })?;
        let mut start = 0;
        for slot in &mut slots[..n] {
            slot.term = terms[start..].as_ptr();
            start += slot.term_len;
        }
        // SAFETY: `written_out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { written_out.write(n) };
        match stopped {
            // A value that is not a u64: the one entry written is that term.
            Some(e @ Error::ValueNotU64 { .. }) => Err(e),
            Some(e) => {
                c.deferred = Some(e);
                Ok(Outcome::Ok)
            }
            None => Ok(if n == 0 { Outcome::End } else { Outcome::Ok }),
        }
    })
}

/// Frees a fuzzy cursor. NULL is a no-op.
///
/// Threads: once no other thread uses the cursor.
///
/// # Safety
/// `cursor` must be NULL or a live cursor, freed at most once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_fuzzy_cursor_free(cursor: *mut dictenstein_fuzzy_cursor) {
    // SAFETY: the caller guarantees the pointer is NULL or a live cursor freed once.
    super::boundary::infallible((), || unsafe { free_handle(cursor) })
}

/// Computes the edit distance between two strings, as the fuzzy cursors measure it, so
/// callers can check or re-rank results.
///
/// Parameters: `metric`: a `DICTENSTEIN_METRIC_*` constant. `units`: a `DICTENSTEIN_UNITS_*`
/// constant. `a`, `a_len`, `b`, `b_len`: the strings (each pointer may be NULL only with
/// length 0). `distance`: receives the distance (required). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (unknown metric or units; NULL
/// distance; NULL string with non-zero length; a string that is not valid UTF-8 with
/// DICTENSTEIN_UNITS_CODE_POINTS); DICTENSTEIN_TERM_TOO_LONG (a string longer than
/// DICTENSTEIN_MAX_TERM_LEN).
/// Cost: O(len(a) * len(b)) time, O(len(b)) memory.
/// Threads: safe from any thread.
///
/// # Safety
/// Non-NULL `a` and `b` readable for their lengths; `distance` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_edit_distance(
    metric: u32,
    units: u32,
    a: *const u8,
    a_len: usize,
    b: *const u8,
    b_len: usize,
    distance: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        let metric = self::metric(metric)?;
        let units = self::units(units)?;
        // SAFETY: the caller guarantees `a` and `b` are readable for their lengths.
        let (a, b) = unsafe { (args::bytes(a, a_len, "a")?, args::bytes(b, b_len, "b")?) };
        let out = Out::required(distance, "distance")?;
        let d = crate::fuzzy::edit_distance(metric, units, a, b)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(d as u64) };
        Ok(Outcome::Ok)
    })
}

fn default_options() -> dictenstein_fuzzy_options {
    dictenstein_fuzzy_options {
        size: std::mem::size_of::<dictenstein_fuzzy_options>(),
        metric: DICTENSTEIN_METRIC_LEVENSHTEIN,
        units: DICTENSTEIN_UNITS_BYTES,
        max_distance: 1,
        flags: 0,
        limit: 0,
    }
}
