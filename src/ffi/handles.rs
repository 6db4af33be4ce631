//! Ownership of opaque handles. Every handle is a `Box` created by [`new_handle`], borrowed
//! by [`borrow`] / [`borrow_mut`] and destroyed by [`free_handle`]; nothing else casts them.

use crate::error::{Error, Result};

/// Moves `value` to the heap and hands its pointer to C; the caller owns it until it passes
/// it to the matching `*_free`.
pub fn new_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Shared borrow of a handle for the duration of one call.
///
/// # Safety
/// A non-NULL `ptr` must come from [`new_handle`] for type `T` and not have been freed; it
/// must not be mutably borrowed at the same time (the documented thread-safety rules).
pub unsafe fn borrow<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T> {
    // SAFETY: per the contract above the pointer is a live Box<T> allocation.
    unsafe { ptr.as_ref() }.ok_or_else(|| Error::invalid(name, "NULL handle"))
}

/// Exclusive borrow of a handle for the duration of one call.
///
/// # Safety
/// As for [`borrow`], and no other reference to the handle may exist during the call (a
/// builder or cursor is used by one thread at a time, as documented).
pub unsafe fn borrow_mut<'a, T>(ptr: *mut T, name: &'static str) -> Result<&'a mut T> {
    // SAFETY: per the contract above the pointer is a live, unaliased Box<T> allocation.
    unsafe { ptr.as_mut() }.ok_or_else(|| Error::invalid(name, "NULL handle"))
}

/// Destroys a handle; NULL is a no-op.
///
/// # Safety
/// A non-NULL `ptr` must come from [`new_handle`] for type `T` and not have been freed.
pub unsafe fn free_handle<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: the pointer owns a Box<T> created by `new_handle` and is freed once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}
