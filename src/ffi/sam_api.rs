//! Exported functions for texts and substring queries: appending texts to a suffix
//! automaton, substring tests and counts, occurrence cursors and the longest common
//! substring. Conventions as in `dict_api` (the `error` argument last, statuses of 10 or more
//! come with an error object).

use super::any::SamRepr;
use super::args::{self, Out};
use super::boundary::{boundary, Outcome};
use super::dict_api::dictenstein_dict;
use super::error_obj::dictenstein_error;
use super::handles::{borrow, borrow_mut, free_handle, new_handle};
use super::status::dictenstein_status;
use crate::sam::{Occurrence, Occurrences};
use std::sync::Arc;

/// One occurrence of a pattern: the text it is in (numbered from 0 in the order the texts
/// were appended) and the byte offset where it starts in that text.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct dictenstein_occurrence {
    pub text_id: u32,
    pub offset: u64,
}

impl From<Occurrence> for dictenstein_occurrence {
    fn from(o: Occurrence) -> Self {
        dictenstein_occurrence {
            text_id: o.text,
            offset: o.offset,
        }
    }
}

self_cell::self_cell!(
    struct OccCell {
        owner: Arc<SamRepr>,
        #[covariant]
        dependent: Occurrences,
    }
);

/// A streaming cursor over the occurrences of a pattern in a suffix automaton's texts. Use
/// from one thread at a time (it may move between threads). It keeps its dictionary's data
/// alive.
pub struct dictenstein_occurrence_cursor {
    cell: OccCell,
}

/// Appends a text to a suffix automaton. Online: the cost is proportional to the text, not
/// to what was appended before. Matches never span two texts.
///
/// Parameters: `dict`: a dictionary of kind DICTENSTEIN_KIND_SUFFIX_AUTOMATON. `text`,
/// `text_len`: the text, any bytes (`text` may be NULL only when `text_len` is 0; an empty
/// text is allowed and gets a number). `text_id`: receives the text's number, 0 for the first
/// text and one more for each next (may be NULL). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict, NULL text with non-zero
/// length); DICTENSTEIN_UNSUPPORTED (another kind of dictionary); DICTENSTEIN_TOO_LARGE
/// (all texts together would exceed 2^30 bytes, counting one separator between texts;
/// nothing is appended); DICTENSTEIN_CORRUPT (the dictionary was opened from a file that
/// fails its checksum or invariants when it is copied to memory for the first append).
/// Memory: the bytes are copied. A dictionary opened from a file is copied to memory at its
/// first append; the file does not change (save it again to keep the texts).
/// Consistency: cursors opened before keep reading the version they started on (the append
/// copies the automaton once if one is open).
/// Threads: safe from any number of threads; appends wait for reads in progress and for
/// each other.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `text` readable for `text_len` bytes; `text_id` and
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_append_text(
    dict: *const dictenstein_dict,
    text: *const u8,
    text_len: usize,
    text_id: *mut u32,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `text` is readable for `text_len` bytes.
        let text = unsafe { args::bytes(text, text_len, "text") }?;
        let id = d.inner.append_text(text)?;
        // SAFETY: the caller guarantees a non-NULL `text_id` is writable.
        unsafe { Out::optional(text_id).write(id) };
        Ok(Outcome::Ok)
    })
}

/// Counts the occurrences of `pattern` in all texts of a suffix automaton, overlapping ones
/// included. The empty pattern occurs at every offset of every text, end included.
///
/// Parameters: `dict`: a suffix automaton. `pattern`, `pattern_len`: the pattern (`pattern`
/// may be NULL only when `pattern_len` is 0). `count`: receives the count, 0 when absent
/// (required). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict or count, NULL pattern
/// with non-zero length); DICTENSTEIN_UNSUPPORTED (another kind).
/// Cost: O(pattern length), plus, on the first count or cursor after an append, a one-time
/// O(size of the automaton) pass that indexes the positions.
/// Threads: safe from any number of threads at once.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `pattern` readable for `pattern_len` bytes; `count` and
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_count_occurrences(
    dict: *const dictenstein_dict,
    pattern: *const u8,
    pattern_len: usize,
    count: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `pattern` is readable for `pattern_len` bytes.
        let pattern = unsafe { args::bytes(pattern, pattern_len, "pattern") }?;
        let out = Out::required(count, "count")?;
        let n = d.inner.count_occurrences(pattern)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(n) };
        Ok(Outcome::Ok)
    })
}

/// Opens a cursor over every occurrence of `pattern` in a suffix automaton's texts. The
/// order is fixed by the structure, not sorted; each occurrence comes exactly once.
///
/// Parameters: `dict`: a suffix automaton. `pattern`, `pattern_len`: the pattern (`pattern`
/// may be NULL only when `pattern_len` is 0; the empty pattern yields every offset of every
/// text). `cursor`: receives the cursor (required). `error`: optional.
/// Returns: DICTENSTEIN_OK (also when the pattern does not occur: the cursor is at its end);
/// DICTENSTEIN_INVALID_ARGUMENT (NULL dict or cursor, NULL pattern with non-zero length);
/// DICTENSTEIN_UNSUPPORTED (another kind).
/// Memory: free with `dictenstein_occurrence_cursor_free`. The cursor holds the version of
/// the automaton current when it was opened (appends meanwhile do not change what it
/// yields) and keeps it alive, so the dictionary may be freed first. Its own memory is
/// constant, whatever the number of occurrences. The pattern is not kept.
/// Threads: the dictionary may be used by other threads meanwhile; the cursor by one thread
/// at a time.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `pattern` readable for `pattern_len` bytes; `cursor` and
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_occurrence_cursor(
    dict: *const dictenstein_dict,
    pattern: *const u8,
    pattern_len: usize,
    cursor: *mut *mut dictenstein_occurrence_cursor,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `pattern` is readable for `pattern_len` bytes.
        let pattern = unsafe { args::bytes(pattern, pattern_len, "pattern") }?;
        let out = Out::required(cursor, "cursor")?;
        let snapshot = d.inner.sam_snapshot()?;
        let cell = OccCell::new(snapshot, |sam| sam.occurrences(pattern));
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_occurrence_cursor { cell })) };
        Ok(Outcome::Ok)
    })
}

/// Advances an occurrence cursor by one.
///
/// Parameters: `cursor`: the cursor. `text_id`, `offset`: receive the occurrence (each may be
/// NULL). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_END (no more; outputs untouched; later calls keep
/// returning DICTENSTEIN_END); DICTENSTEIN_INVALID_ARGUMENT (NULL cursor).
/// Threads: one thread at a time per cursor.
///
/// # Safety
/// `cursor` NULL or a live cursor; `text_id`, `offset` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_occurrence_cursor_next(
    cursor: *mut dictenstein_occurrence_cursor,
    text_id: *mut u32,
    offset: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `cursor` is NULL or a live, unshared cursor.
        let c = unsafe { borrow_mut(cursor, "cursor") }?;
        match c.cell.with_dependent_mut(|_, occ| occ.next()) {
            Some(o) => {
                // SAFETY: the caller guarantees non-NULL outputs are writable.
                unsafe {
                    Out::optional(text_id).write(o.text);
                    Out::optional(offset).write(o.offset);
                }
                Ok(Outcome::Ok)
            }
            None => Ok(Outcome::End),
        }
    })
}

/// Fills an array with the cursor's next occurrences: one call instead of one per
/// occurrence, for callers whose calls into C are costly (Go, Java).
///
/// Parameters: `cursor`: the cursor. `out`: an array of `capacity` elements (required).
/// `capacity`: at least 1. `written`: receives how many elements were filled (required).
/// `error`: optional.
/// Returns: DICTENSTEIN_OK (`*written` is between 1 and `capacity`; fewer than `capacity`
/// does not mean the end); DICTENSTEIN_END (no more: `*written` is 0);
/// DICTENSTEIN_INVALID_ARGUMENT (NULL cursor, out or written; capacity 0).
/// Threads: one thread at a time per cursor.
///
/// # Safety
/// `cursor` NULL or a live cursor; a non-NULL `out` writable for `capacity` elements;
/// `written` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_occurrence_cursor_next_batch(
    cursor: *mut dictenstein_occurrence_cursor,
    out: *mut dictenstein_occurrence,
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
        let n = c.cell.with_dependent_mut(|_, occ| {
            slots
                .iter_mut()
                .zip(occ)
                .map(|(slot, o)| *slot = o.into())
                .count()
        });
        // SAFETY: `written_out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { written_out.write(n) };
        Ok(if n == 0 { Outcome::End } else { Outcome::Ok })
    })
}

/// Frees an occurrence cursor. NULL is a no-op.
///
/// Threads: once no other thread uses the cursor.
///
/// # Safety
/// `cursor` must be NULL or a live cursor, freed at most once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_occurrence_cursor_free(
    cursor: *mut dictenstein_occurrence_cursor,
) {
    // SAFETY: the caller guarantees the pointer is NULL or a live cursor freed once.
    super::boundary::infallible((), || unsafe { free_handle(cursor) })
}

/// Finds the longest substring of `query` that occurs in a text of a suffix automaton, and
/// one of its occurrences. Among equally long ones, the first in the query is reported.
///
/// Parameters: `dict`: a suffix automaton. `query`, `query_len`: the query (`query` may be
/// NULL only when `query_len` is 0). `query_offset`, `length`: receive where the substring
/// starts in the query and its length (at least 1). `text_id`, `text_offset`: receive one
/// occurrence (the first an occurrence cursor would give). Each output may be NULL.
/// `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_NOT_FOUND (no byte of the query occurs; outputs
/// untouched); DICTENSTEIN_INVALID_ARGUMENT (NULL dict, NULL query with non-zero length);
/// DICTENSTEIN_UNSUPPORTED (another kind).
/// Cost: O(query length) (amortized over suffix links).
/// Threads: safe from any number of threads at once.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `query` readable for `query_len` bytes; every output and
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_longest_common_substring(
    dict: *const dictenstein_dict,
    query: *const u8,
    query_len: usize,
    query_offset: *mut usize,
    length: *mut usize,
    text_id: *mut u32,
    text_offset: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `query` is readable for `query_len` bytes.
        let query = unsafe { args::bytes(query, query_len, "query") }?;
        match d.inner.longest_common_substring(query)? {
            Some(m) => {
                // SAFETY: the caller guarantees non-NULL outputs are writable.
                unsafe {
                    Out::optional(query_offset).write(m.query_offset);
                    Out::optional(length).write(m.len);
                    Out::optional(text_id).write(m.first.text);
                    Out::optional(text_offset).write(m.first.offset);
                }
                Ok(Outcome::Ok)
            }
            None => Ok(Outcome::NotFound),
        }
    })
}
