//! Argument validation: every raw pointer a caller hands us becomes a Rust value here and
//! nowhere else. Each helper returns `Error::InvalidArgument` naming the parameter.

use crate::error::{Error, Result};
use std::ffi::{c_char, CStr};
use std::path::Path;

/// A byte string given as pointer + length. NULL is accepted only with length 0.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `len` bytes for the lifetime `'a`.
pub unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &'static str) -> Result<&'a [u8]> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::invalid(
            name,
            format!("NULL pointer with length {len}"),
        ));
    }
    if len > isize::MAX as usize {
        return Err(Error::invalid(
            name,
            format!("length {len} is larger than any object"),
        ));
    }
    // SAFETY: non-NULL, length bounded by isize::MAX, and the caller guarantees `len`
    // readable bytes that stay valid and unmodified for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// An output array given as pointer + capacity (in elements). NULL is refused (a cursor's
/// batch needs somewhere to write), as is a zero capacity, which could never make progress.
///
/// # Safety
/// A non-NULL `ptr` must be valid for writes of `capacity` elements of `T` for `'a`, and not
/// be read or written by anything else meanwhile.
pub unsafe fn out_slice<'a, T>(
    ptr: *mut T,
    capacity: usize,
    name: &'static str,
) -> Result<&'a mut [T]> {
    if ptr.is_null() {
        return Err(Error::invalid(name, "NULL array"));
    }
    if capacity == 0 {
        return Err(Error::invalid(name, "capacity 0"));
    }
    if capacity > isize::MAX as usize / std::mem::size_of::<T>().max(1) {
        return Err(Error::invalid(
            name,
            format!("capacity {capacity} is larger than any array"),
        ));
    }
    // SAFETY: non-NULL, size bounded by isize::MAX, and the caller guarantees `capacity`
    // writable, unaliased elements for the duration of the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr, capacity) })
}

/// A NUL-terminated, UTF-8, non-empty file path.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string valid for `'a`.
pub unsafe fn path<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a Path> {
    if ptr.is_null() {
        return Err(Error::invalid(name, "NULL path"));
    }
    // SAFETY: non-NULL and NUL-terminated per the caller's contract.
    let c = unsafe { CStr::from_ptr(ptr) };
    let s = c
        .to_str()
        .map_err(|_| Error::invalid(name, "path is not valid UTF-8"))?;
    if s.is_empty() {
        return Err(Error::invalid(name, "empty path"));
    }
    Ok(Path::new(s))
}

/// A required output location, checked before any work is done and written at the end.
pub struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Rejects NULL.
    pub fn required(ptr: *mut T, name: &'static str) -> Result<Self> {
        if ptr.is_null() {
            return Err(Error::invalid(name, "NULL output pointer"));
        }
        Ok(Out(ptr))
    }

    /// Accepts NULL: the value is then not reported.
    pub fn optional(ptr: *mut T) -> Self {
        Out(ptr)
    }

    /// Stores `value` (does nothing for an optional NULL location).
    ///
    /// # Safety
    /// The pointer given at construction must be valid for a write of one `T`.
    pub unsafe fn write(&self, value: T) {
        if !self.0.is_null() {
            // SAFETY: non-NULL and writable per the caller's contract; `write` does not read
            // or drop the previous (possibly uninitialised) contents.
            unsafe { self.0.write(value) };
        }
    }
}

/// Flag bits that must all be within `known`.
pub fn flags(value: u32, known: u32, name: &'static str) -> Result<u32> {
    if value & !known != 0 {
        return Err(Error::invalid(
            name,
            format!("unknown flag bits {:#x}", value & !known),
        ));
    }
    Ok(value)
}

/// A versioned options struct whose first field is its size in bytes (`size_t`), as the
/// caller's header declared it. NULL is refused; so is a size other than this build's,
/// rather than reading fields the caller did not set or ignoring ones it did.
///
/// # Safety
/// A non-NULL `ptr` must point to a readable `T` whose first field is a `usize`.
pub unsafe fn sized_struct<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T> {
    if ptr.is_null() {
        return Err(Error::invalid(name, "NULL options"));
    }
    // SAFETY: non-NULL and, per the caller's contract, starts with a readable `usize`.
    let size = unsafe { ptr.cast::<usize>().read_unaligned() };
    let expected = std::mem::size_of::<T>();
    if size != expected {
        return Err(Error::invalid(
            name,
            format!(
                "size field is {size}, expected {expected} (initialise the struct with its \
                 _default function)"
            ),
        ));
    }
    // SAFETY: non-NULL, and the size check confirms the caller's struct is a whole `T`.
    Ok(unsafe { &*ptr })
}
