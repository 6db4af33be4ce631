//! Error objects: how a caller gets the detailed message of one failed call.
//!
//! Design choice: the caller passes `dictenstein_error **error` to each call and owns what it
//! receives. Unlike a thread-local "last error", this stays correct when Go moves a goroutine
//! to another OS thread between the call and the read of its message, and when many threads
//! share one handle.

use super::status::dictenstein_status;
use crate::error::Error;
use std::ffi::{c_char, CString};

/// The details of one failed call: its status and a human-readable message.
pub struct dictenstein_error {
    status: dictenstein_status,
    message: CString,
}

pub(super) fn clear(out: *mut *mut dictenstein_error) {
    if !out.is_null() {
        // SAFETY: a non-NULL `error` argument points to writable storage for one pointer; that
        // is the documented contract of every function taking it.
        unsafe { out.write(std::ptr::null_mut()) };
    }
}

pub(super) fn report(out: *mut *mut dictenstein_error, status: dictenstein_status, e: &Error) {
    if out.is_null() {
        return;
    }
    // Interior NULs cannot be represented in a C string; replace them rather than truncate.
    let text = e.to_string().replace('\0', "\\0");
    let message = CString::new(text).unwrap_or_default();
    let obj = Box::new(dictenstein_error { status, message });
    // SAFETY: as in `clear`: `out` is non-NULL and points to storage for one pointer.
    unsafe { out.write(Box::into_raw(obj)) };
}

impl dictenstein_error {
    pub(super) fn status(&self) -> dictenstein_status {
        self.status
    }

    pub(super) fn message_ptr(&self) -> *const c_char {
        self.message.as_ptr()
    }
}

/// The status of the failed call that produced `error`.
///
/// Parameters: `error`: an error object, or NULL.
/// Returns: its status; DICTENSTEIN_INVALID_ARGUMENT when `error` is NULL.
/// Threads: safe from any thread while the object is alive.
///
/// # Safety
/// A non-NULL `error` must be an object received from this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_error_status(
    error: *const dictenstein_error,
) -> dictenstein_status {
    // SAFETY: the caller guarantees a non-NULL pointer is a live error object.
    match unsafe { super::handles::borrow(error, "error") } {
        Ok(e) => e.status(),
        Err(_) => super::status::DICTENSTEIN_INVALID_ARGUMENT,
    }
}

/// The detailed message of the failed call that produced `error`: what failed and why, with
/// the path and OS error for I/O failures and expected/actual values for damaged files.
///
/// Parameters: `error`: an error object, or NULL.
/// Returns: a NUL-terminated UTF-8 string owned by `error`, valid until
/// `dictenstein_error_free(error)`; an empty static string when `error` is NULL.
/// Threads: safe from any thread while the object is alive.
///
/// # Safety
/// A non-NULL `error` must be an object received from this library and not yet freed.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_error_message(
    error: *const dictenstein_error,
) -> *const c_char {
    // SAFETY: the caller guarantees a non-NULL pointer is a live error object.
    match unsafe { super::handles::borrow(error, "error") } {
        Ok(e) => e.message_ptr(),
        Err(_) => c"".as_ptr(),
    }
}

/// Frees an error object. NULL is a no-op.
///
/// Parameters: `error`: an object received through a `dictenstein_error **error` argument.
/// Memory: the message returned by `dictenstein_error_message` dies with it.
/// Threads: any thread, once no other thread uses the object.
///
/// # Safety
/// A non-NULL `error` must be an object received from this library, freed at most once.
#[no_mangle]
pub unsafe extern "C" fn dictenstein_error_free(error: *mut dictenstein_error) {
    // SAFETY: the caller guarantees the pointer is NULL or a live error object freed once.
    unsafe { super::handles::free_handle(error) }
}
