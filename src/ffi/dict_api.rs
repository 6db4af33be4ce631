//! Exported functions for builders, dictionaries (lookups and writes) and cursors.
//!
//! Every fallible function takes `dictenstein_error **error` last: NULL means "no details
//! wanted"; otherwise `*error` is set to NULL on success and to a new error object (freed with
//! `dictenstein_error_free`) on any status of 10 or more. NOT_FOUND and END create none.

use super::any::{AnyBuilder, AnyDict, AnyWalk, CursorSource, DictKind};
pub use super::any::{
    DICTENSTEIN_KIND_ART, DICTENSTEIN_KIND_DAWG, DICTENSTEIN_KIND_DOUBLE_ARRAY,
    DICTENSTEIN_KIND_SUFFIX_AUTOMATON, DICTENSTEIN_OPEN_VERIFY, DICTENSTEIN_RANGE_HI_INCLUSIVE,
    DICTENSTEIN_RANGE_LO_EXCLUSIVE, DICTENSTEIN_RANGE_NO_HI, DICTENSTEIN_RANGE_NO_LO,
};
use super::args::{self, Out};
use super::boundary::{boundary, Outcome};
use super::error_obj::dictenstein_error;
use super::handles::{borrow, borrow_mut, free_handle, new_handle};
use super::status::dictenstein_status;
use std::ffi::c_char;
use std::ops::Bound;
use std::sync::Arc;

/// A dictionary under construction. Create with `dictenstein_builder_new`, free with
/// `dictenstein_builder_free`. Not thread-safe: use from one thread at a time.
pub struct dictenstein_builder {
    inner: AnyBuilder,
}

/// A dictionary of any kind. Every operation is safe from any number of threads at once:
/// reads never block on the adaptive radix trie; on the DAWG a write waits for reads in
/// progress and reads wait for a write in progress; the double-array trie is read-only.
pub struct dictenstein_dict {
    pub(super) inner: Arc<AnyDict>,
}

/// The dictionary and the term of a keyed call.
///
/// # Safety
/// `dict` NULL or a live dictionary; a non-NULL `term` readable for `term_len` bytes during
/// the call.
unsafe fn dict_term<'a>(
    dict: *const dictenstein_dict,
    term: *const u8,
    term_len: usize,
) -> crate::Result<(&'a AnyDict, &'a [u8])> {
    // SAFETY: per this function's contract.
    let d = unsafe { borrow(dict, "dict") }?;
    // SAFETY: per this function's contract.
    let t = unsafe { args::bytes(term, term_len, "term") }?;
    Ok((&d.inner, t))
}

impl dictenstein_dict {
    pub(super) fn new(d: AnyDict) -> Self {
        dictenstein_dict { inner: Arc::new(d) }
    }
}

self_cell::self_cell!(
    struct CursorCell {
        owner: CursorSource,
        #[not_covariant]
        dependent: AnyWalk,
    }
);

/// A streaming cursor over the terms of a dictionary that start with a prefix, in byte order.
/// Use from one thread at a time. It keeps its dictionary alive.
pub struct dictenstein_cursor {
    cell: CursorCell,
}

/// Creates an empty builder for a dictionary of the given kind.
///
/// Parameters: `kind`: one of the `DICTENSTEIN_KIND_*` constants. `builder`: receives the new
/// builder (required). `error`: optional error details (see the header's introduction).
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT for an unknown kind or a NULL
/// `builder`; DICTENSTEIN_UNSUPPORTED for DICTENSTEIN_KIND_SUFFIX_AUTOMATON (it holds texts,
/// not terms: create it with `dictenstein_dict_new` and add texts with
/// `dictenstein_dict_append_text`) and DICTENSTEIN_KIND_STORE (open a store with
/// `dictenstein_store_open`; `dictenstein_store_dict` gives its dictionary handle).
/// Memory: free the builder with `dictenstein_builder_free`. On failure `*builder` is untouched.
/// Threads: safe from any thread.
///
/// # Safety
/// `builder` must be writable; `error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_builder_new(
    kind: u32,
    builder: *mut *mut dictenstein_builder,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        let out = Out::required(builder, "builder")?;
        let inner = AnyBuilder::new(DictKind::from_u32(kind)?)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_builder { inner })) };
        Ok(Outcome::Ok)
    })
}

/// Adds a term with its value. Terms may be added in any order; when a term is added more
/// than once, the value added last is kept.
///
/// Parameters: `builder`: the builder. `term`, `term_len`: the term's bytes (any bytes,
/// including 0x00; `term` may be NULL only when `term_len` is 0, the empty term). `value`: any
/// 64-bit value. `error`: optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT for a NULL builder or a NULL term
/// with a non-zero length; DICTENSTEIN_TERM_TOO_LONG when `term_len` exceeds
/// DICTENSTEIN_MAX_TERM_LEN (nothing is added).
/// Memory: the bytes are copied; `term` may be reused as soon as the call returns.
/// Threads: one thread at a time per builder.
///
/// # Safety
/// `builder` must be NULL or a live builder; a non-NULL `term` must be readable for
/// `term_len` bytes; `error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_builder_add(
    builder: *mut dictenstein_builder,
    term: *const u8,
    term_len: usize,
    value: u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `builder` is NULL or a live, unshared builder.
        let b = unsafe { borrow_mut(builder, "builder") }?;
        // SAFETY: the caller guarantees `term` is readable for `term_len` bytes.
        let term = unsafe { args::bytes(term, term_len, "term") }?;
        b.inner.add(term, value)?;
        Ok(Outcome::Ok)
    })
}

/// Chooses whether the double-array trie this builder makes gets its child links (the
/// default is yes). The links are two bytes per unit that name each node's first child and
/// each child's next sibling, so listing a node's children (prefix and range cursors, fuzzy
/// search) costs one probe per child. Without them the saved trie is about a third smaller
/// and exact lookups are as fast, but listings probe every byte of the alphabet at every node
/// (in our benchmarks prefix cursors take 3.2 to 4.6 times as long, fuzzy search 1.2 to 1.4
/// times).
/// The choice is stored in the file; `dictenstein_dict_open` reads either.
///
/// Parameters: `builder`: the builder. `enabled`: true to include the links. `error`:
/// optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT for a NULL builder;
/// DICTENSTEIN_UNSUPPORTED when the builder makes another kind (a DAWG or an adaptive radix
/// trie has no such links); the builder is unchanged then.
/// Memory: nothing is allocated. The choice applies to every later
/// `dictenstein_builder_finish` of this builder.
/// Threads: one thread at a time per builder.
///
/// # Safety
/// `builder` must be NULL or a live builder; `error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_builder_set_child_links(
    builder: *mut dictenstein_builder,
    enabled: bool,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `builder` is NULL or a live, unshared builder.
        let b = unsafe { borrow_mut(builder, "builder") }?;
        b.inner.set_child_links(enabled)?;
        Ok(Outcome::Ok)
    })
}

/// Chooses where the double-array trie this builder makes puts its nodes.
/// `DICTENSTEIN_LAYOUT_DEPTH_FIRST` (the default) keeps each node's subtree after it, so the
/// units one exact lookup reads lie close together. `DICTENSTEIN_LAYOUT_LEVEL_ORDER` puts the
/// trie level by level, so the nodes near the root that every fuzzy query walks lie together
/// and stay cached between queries: fuzzy search at distance 2 on English words ran from 3%
/// slower to 18% faster (usually faster) on the two machines we measured, exact lookups
/// about 20% slower on one and no slower on the other (`scripts/bench.sh` reports both
/// layouts). Level order applies to tries of up to 2^21 units (about 12 MiB with child
/// links); a larger trie is built depth first. The file format and every answer are the
/// same either way, and `dictenstein_dict_open` reads both.
///
/// Parameters: `builder`: the builder. `layout`: a `DICTENSTEIN_LAYOUT_*` constant. `error`:
/// optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT for a NULL builder or an unknown
/// layout; DICTENSTEIN_UNSUPPORTED when the builder makes another kind (only the double-array
/// trie has a layout to choose); the builder is unchanged on any error.
/// Memory: nothing is allocated. The choice applies to every later
/// `dictenstein_builder_finish` of this builder.
/// Threads: one thread at a time per builder.
///
/// # Safety
/// `builder` must be NULL or a live builder; `error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_builder_set_layout(
    builder: *mut dictenstein_builder,
    layout: u32,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `builder` is NULL or a live, unshared builder.
        let b = unsafe { borrow_mut(builder, "builder") }?;
        b.inner.set_layout(layout)?;
        Ok(Outcome::Ok)
    })
}

/// Builds the dictionary from everything added so far. The builder is left empty and may be
/// reused or freed.
///
/// Parameters: `builder`: the builder. `dict`: receives the new dictionary (required).
/// `error`: optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT for a NULL `builder` or `dict`;
/// DICTENSTEIN_TOO_LARGE when the terms exceed the format's limits (2^30 units).
/// Memory: free the dictionary with `dictenstein_dict_free`. On failure `*dict` is untouched
/// (the builder's terms are consumed either way).
/// Threads: one thread at a time per builder.
///
/// # Safety
/// `builder` must be NULL or a live builder; `dict` must be NULL or writable; `error` must be
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_builder_finish(
    builder: *mut dictenstein_builder,
    dict: *mut *mut dictenstein_dict,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `builder` is NULL or a live, unshared builder.
        let b = unsafe { borrow_mut(builder, "builder") }?;
        let out = Out::required(dict, "dict")?;
        let built = b.inner.finish()?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe {
            out.write(new_handle(dictenstein_dict {
                inner: Arc::new(built),
            }))
        };
        Ok(Outcome::Ok)
    })
}

/// Frees a builder and every term it holds. NULL is a no-op.
///
/// Threads: once no other thread uses the builder.
///
/// # Safety
/// `builder` must be NULL or a live builder, freed at most once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_builder_free(builder: *mut dictenstein_builder) {
    // SAFETY: the caller guarantees the pointer is NULL or a live builder freed once.
    super::boundary::infallible((), || unsafe { free_handle(builder) })
}

/// Opens a saved dictionary by mapping the file: no parsing or copying, so the time does not
/// depend on the file's size. The kind is read from the file. Magic, format version, header
/// checksum and section lengths are always checked; the body checksum only with
/// DICTENSTEIN_OPEN_VERIFY (or later with `dictenstein_dict_verify`). A damaged body that was
/// not verified can give wrong answers but never makes a call crash or hang. One exception:
/// a DAWG saved in the older format version 1 is checked whole and converted in memory, in
/// time proportional to its size; save it again for an O(1) open.
///
/// Parameters: `path`: NUL-terminated UTF-8 path. `flags`: 0 or DICTENSTEIN_OPEN_VERIFY.
/// `dict`: receives the dictionary (required). `error`: optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL/empty/non-UTF-8 path, unknown
/// flag bits, NULL `dict`); DICTENSTEIN_IO (cannot open or map; the message has the path and
/// OS error); DICTENSTEIN_WRONG_FORMAT (not a libdictenstein file, or another structure);
/// DICTENSTEIN_VERSION_MISMATCH (a format version this build cannot read);
/// DICTENSTEIN_CORRUPT (truncated, checksum mismatch, impossible header values).
/// Memory: free with `dictenstein_dict_free`. The file must not be modified or truncated while
/// it is open (saving over it with `dictenstein_dict_save` is fine: that replaces the file).
/// Threads: safe from any thread.
///
/// # Safety
/// `path` must be NULL or NUL-terminated; `dict` and `error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_open(
    path: *const c_char,
    flags: u32,
    dict: *mut *mut dictenstein_dict,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `path` is NULL or NUL-terminated.
        let path = unsafe { args::path(path, "path") }?;
        let flags = args::flags(flags, DICTENSTEIN_OPEN_VERIFY, "flags")?;
        let out = Out::required(dict, "dict")?;
        let d = AnyDict::open(path, flags & DICTENSTEIN_OPEN_VERIFY != 0)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_dict::new(d))) };
        Ok(Outcome::Ok)
    })
}

/// Saves a dictionary to a file atomically: it writes a temporary file beside `path`, fsyncs
/// it, renames it over `path` and fsyncs the directory, so a crash leaves the old file or the
/// new one, never a partial one.
///
/// Parameters: `dict`: the dictionary. `path`: NUL-terminated UTF-8 path. `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict, NULL/empty/non-UTF-8
/// path); DICTENSTEIN_IO (create, write, fsync or rename failed, e.g. a full disk; the
/// message has the path and OS error; the temporary file is removed and `path` is unchanged);
/// DICTENSTEIN_UNSUPPORTED (an adaptive radix trie, or a store: it persists itself).
/// Threads: safe concurrently with other reads of the same dictionary.
///
/// # Safety
/// `dict` must be NULL or a live dictionary; `path` NULL or NUL-terminated; `error` NULL or
/// writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_save(
    dict: *const dictenstein_dict,
    path: *const c_char,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `path` is NULL or NUL-terminated.
        let path = unsafe { args::path(path, "path") }?;
        d.inner.save(path)?;
        Ok(Outcome::Ok)
    })
}

/// Checks the whole dictionary against its stored body checksum (O(size)). For a store, reads
/// every node of its current image, checks each node's checksum and that the keys found
/// number what the image header says (O(image)). In-memory structures have nothing to check.
///
/// Parameters: `dict`: the dictionary. `error`: optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict); DICTENSTEIN_CORRUPT
/// (checksum mismatch or damage; the message has the file, the expected and actual values).
/// Threads: safe concurrently with other reads.
///
/// # Safety
/// `dict` must be NULL or a live dictionary; `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_verify(
    dict: *const dictenstein_dict,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        unsafe { borrow(dict, "dict") }?.inner.verify()?;
        Ok(Outcome::Ok)
    })
}

/// Reports the dictionary's kind, number of terms and size in bytes.
///
/// Parameters: `dict`: the dictionary. `kind`: receives a `DICTENSTEIN_KIND_*` value (may be
/// NULL). `term_count`: receives the number of distinct terms (may be NULL); for a suffix
/// automaton, the number of distinct substrings of its texts, the empty one included once
/// there is a text. `size_bytes`: receives the bytes the structure occupies: the file size
/// for an opened file, the heap held for an in-memory structure, for a store its in-memory
/// index plus its image file (may be NULL).
/// `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict).
/// Threads: safe concurrently with other reads.
///
/// # Safety
/// `dict` must be NULL or a live dictionary; each other pointer NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_info(
    dict: *const dictenstein_dict,
    kind: *mut u32,
    term_count: *mut u64,
    size_bytes: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees each non-NULL pointer is writable.
        unsafe {
            Out::optional(kind).write(d.inner.kind().to_u32());
            Out::optional(term_count).write(d.inner.len() as u64);
            Out::optional(size_bytes).write(d.inner.size_bytes() as u64);
        }
        Ok(Outcome::Ok)
    })
}

/// Looks up a term. On a suffix automaton the terms are the substrings of its texts and the
/// value is the number of occurrences.
///
/// Parameters: `dict`: the dictionary. `term`, `term_len`: the term (`term` may be NULL only
/// when `term_len` is 0). `value`: receives the term's value when found (may be NULL, then
/// this is a membership test). `error`: optional.
/// Returns: DICTENSTEIN_OK (found); DICTENSTEIN_NOT_FOUND (absent, including any term longer
/// than DICTENSTEIN_MAX_TERM_LEN; `*value` untouched); DICTENSTEIN_INVALID_ARGUMENT (NULL
/// dict, NULL term with non-zero length).
/// A store (`dictenstein_store_dict`) adds: DICTENSTEIN_CORRUPT (its image is damaged; the
/// message names the file), DICTENSTEIN_IO (a read failed) and DICTENSTEIN_VALUE_NOT_U64
/// (the term is present but its value is not 8 bytes; `*value` untouched).
/// Threads: safe from any number of threads at once.
///
/// # Safety
/// `dict` must be NULL or a live dictionary; a non-NULL `term` readable for `term_len` bytes;
/// `value` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_get(
    dict: *const dictenstein_dict,
    term: *const u8,
    term_len: usize,
    value: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or live and `term` readable.
        let (d, term) = unsafe { dict_term(dict, term, term_len) }?;
        match d.get(term)? {
            Some(v) => {
                // SAFETY: the caller guarantees a non-NULL `value` is writable.
                unsafe { Out::optional(value).write(v) };
                Ok(Outcome::Ok)
            }
            None => Ok(Outcome::NotFound),
        }
    })
}

/// Tests whether a term is present; on a suffix automaton, whether `term` occurs as a
/// substring of a text (the empty string does once there is a text).
///
/// Parameters: `dict`: the dictionary. `term`, `term_len`: the term (`term` may be NULL only
/// when `term_len` is 0). `found`: receives the answer (required). `error`: optional.
/// Returns: DICTENSTEIN_OK (`*found` set, true or false); DICTENSTEIN_INVALID_ARGUMENT (NULL
/// dict or found, NULL term with non-zero length).
/// A store (`dictenstein_store_dict`) adds: DICTENSTEIN_CORRUPT (its image is damaged; the
/// message names the file) and DICTENSTEIN_IO (a read failed).
/// Threads: safe from any number of threads at once.
///
/// # Safety
/// `dict` must be NULL or a live dictionary; a non-NULL `term` readable for `term_len` bytes;
/// `found` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_contains(
    dict: *const dictenstein_dict,
    term: *const u8,
    term_len: usize,
    found: *mut bool,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or live and `term` readable.
        let (d, term) = unsafe { dict_term(dict, term, term_len) }?;
        let out = Out::required(found, "found")?;
        let present = d.contains(term)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(present) };
        Ok(Outcome::Ok)
    })
}

/// Finds the longest term that is a prefix of `text` (the empty term counts if present).
///
/// Parameters: `dict`: the dictionary. `text`, `text_len`: the text (`text` may be NULL only
/// when `text_len` is 0). `prefix_len`: receives the length of the longest matching term (may
/// be NULL). `value`: receives its value (may be NULL). `error`: optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_NOT_FOUND (no term is a prefix of `text`; outputs
/// untouched); DICTENSTEIN_INVALID_ARGUMENT (NULL dict, NULL text with non-zero length).
/// A store (`dictenstein_store_dict`) adds: DICTENSTEIN_CORRUPT (its image is damaged; the
/// message names the file), DICTENSTEIN_IO (a read failed) and DICTENSTEIN_VALUE_NOT_U64
/// (the longest such term's value is not 8 bytes; outputs untouched).
/// Cost: one walk of `text`; on a store, one lookup per candidate length, longest first, all
/// in one snapshot.
/// Threads: safe from any number of threads at once.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `text` readable for `text_len` bytes; `prefix_len`, `value`
/// and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_longest_prefix(
    dict: *const dictenstein_dict,
    text: *const u8,
    text_len: usize,
    prefix_len: *mut usize,
    value: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `text` is readable for `text_len` bytes.
        let text = unsafe { args::bytes(text, text_len, "text") }?;
        match d.inner.longest_prefix(text)? {
            Some((len, v)) => {
                // SAFETY: the caller guarantees non-NULL outputs are writable.
                unsafe {
                    Out::optional(prefix_len).write(len);
                    Out::optional(value).write(v);
                }
                Ok(Outcome::Ok)
            }
            None => Ok(Outcome::NotFound),
        }
    })
}

/// Opens a cursor over every term that starts with `prefix` (all terms for an empty prefix),
/// in increasing byte order. The cursor streams: its memory is bounded by the longest term,
/// not by the number of results.
///
/// Parameters: `dict`: the dictionary. `prefix`, `prefix_len`: the prefix (`prefix` may be
/// NULL only when `prefix_len` is 0). `cursor`: receives the cursor (required). `error`:
/// optional.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict or cursor, NULL prefix
/// with non-zero length); DICTENSTEIN_UNSUPPORTED for a suffix automaton (its substrings are
/// listed by occurrence: `dictenstein_dict_occurrence_cursor`).
/// Memory: free with `dictenstein_cursor_free`. The cursor holds a reference to the
/// dictionary's data, so `dictenstein_dict_free` may be called before the cursor is freed.
/// The prefix bytes are copied.
/// Consistency: on a DAWG the cursor reads the version current when it was opened (a write
/// meanwhile copies the DAWG once); on an adaptive radix trie it streams the live trie in
/// batches, so a term written meanwhile may or may not appear, while every term present
/// throughout appears once, in order. A double-array trie never changes. On a store the
/// cursor reads one snapshot taken when it opens; writers and checkpoints go on meanwhile.
/// Threads: the dictionary may be used by other threads meanwhile; the cursor itself must be
/// used by one thread at a time (it may move between threads).
///
/// # Safety
/// `dict` NULL or live; a non-NULL `prefix` readable for `prefix_len` bytes; `cursor` and
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_prefix_cursor(
    dict: *const dictenstein_dict,
    prefix: *const u8,
    prefix_len: usize,
    cursor: *mut *mut dictenstein_cursor,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        // SAFETY: the caller guarantees `prefix` is readable for `prefix_len` bytes.
        let prefix = unsafe { args::bytes(prefix, prefix_len, "prefix") }?;
        let out = Out::required(cursor, "cursor")?;
        let cell = CursorCell::try_new(CursorSource::of(&d.inner), |owner| {
            owner.prefix_walk(prefix)
        })?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_cursor { cell })) };
        Ok(Outcome::Ok)
    })
}

/// Advances a cursor to its next term.
///
/// Parameters: `cursor`: the cursor. `term`: receives a pointer to the term's bytes (may be
/// NULL). `term_len`: receives its length (may be NULL). `value`: receives its value (may be
/// NULL). `error`: optional.
/// Returns: DICTENSTEIN_OK (outputs set); DICTENSTEIN_END (no more terms; outputs untouched;
/// later calls keep returning DICTENSTEIN_END); DICTENSTEIN_INVALID_ARGUMENT (NULL cursor).
/// Over a store also: DICTENSTEIN_VALUE_NOT_U64 (this term's value is not 8 bytes: `*term`
/// and `*term_len` are set, `*value` is not; the next call goes on after it);
/// DICTENSTEIN_CORRUPT or DICTENSTEIN_IO (reading the store failed; later calls return END).
/// Memory: `*term` points into the cursor and stays valid until the next call on this cursor
/// or its free; copy the bytes to keep them. It is not NUL-terminated.
/// Threads: one thread at a time per cursor.
///
/// # Safety
/// `cursor` NULL or a live cursor; `term`, `term_len`, `value` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_cursor_next(
    cursor: *mut dictenstein_cursor,
    term: *mut *const u8,
    term_len: *mut usize,
    value: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `cursor` is NULL or a live, unshared cursor.
        let c = unsafe { borrow_mut(cursor, "cursor") }?;
        c.cell
            .with_dependent_mut(|_, walk| match walk.next_entry()? {
                Some((k, v)) => {
                    // SAFETY: the caller guarantees non-NULL outputs are writable. The term
                    // pointer stays valid because the walk's buffer is only changed by the next
                    // call on this cursor.
                    unsafe {
                        Out::optional(term).write(k.as_ptr());
                        Out::optional(term_len).write(k.len());
                    }
                    // The term is reported even when its value is not a u64 (VALUE_NOT_U64).
                    let v = v?;
                    // SAFETY: as above.
                    unsafe { Out::optional(value).write(v) };
                    Ok(Outcome::Ok)
                }
                None => Ok(Outcome::End),
            })
    })
}

/// Frees a cursor. NULL is a no-op. The dictionary stays usable.
///
/// Threads: once no other thread uses the cursor.
///
/// # Safety
/// `cursor` must be NULL or a live cursor, freed at most once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_cursor_free(cursor: *mut dictenstein_cursor) {
    // SAFETY: the caller guarantees the pointer is NULL or a live cursor freed once.
    super::boundary::infallible((), || unsafe { free_handle(cursor) })
}

/// Frees a dictionary handle. NULL is a no-op. Cursors opened on it stay valid: the data is
/// released (and a mapped file unmapped) when the last of them is freed.
///
/// Threads: once no other thread is inside a call on this handle.
///
/// # Safety
/// `dict` must be NULL or a live dictionary, freed at most once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_free(dict: *mut dictenstein_dict) {
    // SAFETY: the caller guarantees the pointer is NULL or a live dictionary freed once.
    super::boundary::infallible((), || unsafe { free_handle(dict) })
}

/// Creates an empty dictionary of a mutable kind, to fill with `dictenstein_dict_insert` /
/// `dictenstein_dict_upsert`.
///
/// A suffix automaton is created empty here and filled with `dictenstein_dict_append_text`.
///
/// Parameters: `kind`: DICTENSTEIN_KIND_ART, DICTENSTEIN_KIND_DAWG or
/// DICTENSTEIN_KIND_SUFFIX_AUTOMATON. `dict`: receives the new dictionary (required).
/// `error`: optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT for an unknown kind or a NULL
/// `dict`; DICTENSTEIN_UNSUPPORTED for DICTENSTEIN_KIND_DOUBLE_ARRAY (static: use a builder)
/// and DICTENSTEIN_KIND_STORE (`dictenstein_store_open`, then `dictenstein_store_dict`).
/// Memory: free with `dictenstein_dict_free`. On failure `*dict` is untouched.
/// Threads: safe from any thread.
///
/// # Safety
/// `dict` must be writable; `error` must be NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_new(
    kind: u32,
    dict: *mut *mut dictenstein_dict,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        let out = Out::required(dict, "dict")?;
        let d = AnyDict::new_empty(DictKind::from_u32(kind)?)?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_dict::new(d))) };
        Ok(Outcome::Ok)
    })
}

/// Adds a term if it is absent; an existing term keeps its value.
///
/// Parameters: `dict`: an adaptive radix trie or a DAWG. `term`, `term_len`: the term (any
/// bytes; `term` may be NULL only when `term_len` is 0). `value`: its value. `inserted`:
/// optional; receives true when the term was added, false when it was already present.
/// `error`: optional error details.
/// Returns: DICTENSTEIN_OK (whether or not the term was new); DICTENSTEIN_INVALID_ARGUMENT
/// for a NULL dict or a NULL term with a non-zero length; DICTENSTEIN_TERM_TOO_LONG above
/// DICTENSTEIN_MAX_TERM_LEN; DICTENSTEIN_UNSUPPORTED on a double-array trie, a suffix
/// automaton or a store (write with `dictenstein_store_put` and friends). Nothing changes on
/// failure.
/// Memory: the term is copied. A DAWG opened from a file becomes an in-memory copy at its
/// first write (the file is not changed; save it to persist).
/// Threads: safe from any number of threads; see `dictenstein_dict`.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `term` readable for `term_len` bytes; `inserted` and
/// `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_insert(
    dict: *const dictenstein_dict,
    term: *const u8,
    term_len: usize,
    value: u64,
    inserted: *mut bool,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or live and `term` readable.
        let (d, term) = unsafe { dict_term(dict, term, term_len) }?;
        let added = d.insert(term, value)?;
        // SAFETY: the caller guarantees a non-NULL `inserted` is writable.
        unsafe { Out::optional(inserted).write(added) };
        Ok(Outcome::Ok)
    })
}

/// Inserts a term or overwrites its value.
///
/// Parameters: as `dictenstein_dict_insert`, plus `previous` (optional): receives the old
/// value when the term was present; `replaced` (optional): receives whether it was.
/// Returns: as `dictenstein_dict_insert`.
/// Memory, threads: as `dictenstein_dict_insert`.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `term` readable for `term_len` bytes; `previous`,
/// `replaced` and `error` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_upsert(
    dict: *const dictenstein_dict,
    term: *const u8,
    term_len: usize,
    value: u64,
    previous: *mut u64,
    replaced: *mut bool,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or live and `term` readable.
        let (d, term) = unsafe { dict_term(dict, term, term_len) }?;
        let old = d.upsert(term, value)?;
        // SAFETY: the caller guarantees non-NULL outputs are writable.
        unsafe {
            if let Some(v) = old {
                Out::optional(previous).write(v);
            }
            Out::optional(replaced).write(old.is_some());
        }
        Ok(Outcome::Ok)
    })
}

/// Removes a term.
///
/// Parameters: `dict`: an adaptive radix trie or a DAWG. `term`, `term_len`: the term.
/// `value`: optional; receives the removed term's value. `error`: optional error details.
/// Returns: DICTENSTEIN_OK when removed; DICTENSTEIN_NOT_FOUND when absent (no error object);
/// DICTENSTEIN_INVALID_ARGUMENT, DICTENSTEIN_TERM_TOO_LONG, DICTENSTEIN_UNSUPPORTED as for
/// `dictenstein_dict_insert`.
/// Memory, threads: as `dictenstein_dict_insert`.
///
/// # Safety
/// `dict` NULL or live; a non-NULL `term` readable for `term_len` bytes; `value` and `error`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_remove(
    dict: *const dictenstein_dict,
    term: *const u8,
    term_len: usize,
    value: *mut u64,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or live and `term` readable.
        let (d, term) = unsafe { dict_term(dict, term, term_len) }?;
        match d.remove(term)? {
            Some(v) => {
                // SAFETY: the caller guarantees a non-NULL `value` is writable.
                unsafe { Out::optional(value).write(v) };
                Ok(Outcome::Ok)
            }
            None => Ok(Outcome::NotFound),
        }
    })
}

/// Opens a cursor over the terms between two bounds, in byte order. Read it with
/// `dictenstein_cursor_next`.
///
/// Parameters: `dict`: a double-array trie, a DAWG, an adaptive radix trie or a store (not a
/// suffix automaton). `lo`, `lo_len`: the lower bound (included
/// unless DICTENSTEIN_RANGE_LO_EXCLUSIVE; ignored with DICTENSTEIN_RANGE_NO_LO). `hi`,
/// `hi_len`: the upper bound (excluded unless DICTENSTEIN_RANGE_HI_INCLUSIVE; ignored with
/// DICTENSTEIN_RANGE_NO_HI). A bound pointer may be NULL when its length is 0 or it is
/// ignored. `flags`: a combination of the DICTENSTEIN_RANGE_* flags. `cursor`: receives the
/// cursor (required). `error`: optional error details.
/// Returns: DICTENSTEIN_OK; DICTENSTEIN_INVALID_ARGUMENT (NULL dict or cursor, NULL bound
/// with a non-zero length, unknown flags); DICTENSTEIN_UNSUPPORTED for a suffix automaton
/// (use `dictenstein_dict_occurrence_cursor`). A lower bound after the upper bound gives an
/// empty cursor.
/// Cost: opening follows the lower bound down the automaton (O(its length)); each step then
/// streams as a prefix cursor does.
/// Memory: as `dictenstein_dict_prefix_cursor`; the bounds are copied.
/// Consistency and threads: as `dictenstein_dict_prefix_cursor`.
///
/// # Safety
/// `dict` NULL or live; non-NULL bounds readable for their lengths; `cursor` and `error`
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_dict_range_cursor(
    dict: *const dictenstein_dict,
    lo: *const u8,
    lo_len: usize,
    hi: *const u8,
    hi_len: usize,
    flags: u32,
    cursor: *mut *mut dictenstein_cursor,
    error: *mut *mut dictenstein_error,
) -> dictenstein_status {
    boundary(error, || {
        // SAFETY: the caller guarantees `dict` is NULL or a live dictionary.
        let d = unsafe { borrow(dict, "dict") }?;
        let all = DICTENSTEIN_RANGE_LO_EXCLUSIVE
            | DICTENSTEIN_RANGE_HI_INCLUSIVE
            | DICTENSTEIN_RANGE_NO_LO
            | DICTENSTEIN_RANGE_NO_HI;
        let flags = args::flags(flags, all, "flags")?;
        let bound = |ptr: *const u8, len: usize, name, none, flip, flip_is_included| {
            if flags & none != 0 {
                return Ok(Bound::Unbounded);
            }
            // SAFETY: the caller guarantees a used bound is readable for its length.
            let b = unsafe { args::bytes(ptr, len, name) }?.to_vec();
            Ok::<_, crate::Error>(if (flags & flip != 0) == flip_is_included {
                Bound::Included(b)
            } else {
                Bound::Excluded(b)
            })
        };
        let lo = bound(
            lo,
            lo_len,
            "lo",
            DICTENSTEIN_RANGE_NO_LO,
            DICTENSTEIN_RANGE_LO_EXCLUSIVE,
            false,
        )?;
        let hi = bound(
            hi,
            hi_len,
            "hi",
            DICTENSTEIN_RANGE_NO_HI,
            DICTENSTEIN_RANGE_HI_INCLUSIVE,
            true,
        )?;
        let out = Out::required(cursor, "cursor")?;
        let cell = CursorCell::try_new(CursorSource::of(&d.inner), |owner| {
            owner.range(lo.as_ref().map(|b| &b[..]), hi.as_ref().map(|b| &b[..]))
        })?;
        // SAFETY: `out` was checked non-NULL and the caller guarantees it is writable.
        unsafe { out.write(new_handle(dictenstein_cursor { cell })) };
        Ok(Outcome::Ok)
    })
}
