//! The single FFI boundary. Every exported fallible function is one call to [`boundary`]:
//! it catches panics, turns `Err` into a status and, when asked, an error object. Argument
//! checks happen inside the closure through the helpers in `args`, so they share this path.

use super::error_obj::dictenstein_error;
use super::status::{self, dictenstein_status, DICTENSTEIN_OK};
use crate::error::{Error, Result};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The success outcomes a call can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    NotFound,
    End,
}

impl Outcome {
    fn status(self) -> dictenstein_status {
        match self {
            Outcome::Ok => DICTENSTEIN_OK,
            Outcome::NotFound => status::DICTENSTEIN_NOT_FOUND,
            Outcome::End => status::DICTENSTEIN_END,
        }
    }
}

/// Runs `body`; reports errors through `error_out` (may be NULL) and never unwinds.
///
/// On success `*error_out` is set to NULL; on an error it receives a new error object that
/// the caller frees with `dictenstein_error_free`.
pub fn boundary(
    error_out: *mut *mut dictenstein_error,
    body: impl FnOnce() -> Result<Outcome>,
) -> dictenstein_status {
    // AssertUnwindSafe: a panic can leave a handle the closure borrowed mutably (a builder or
    // cursor) half-updated, but never memory-unsafe: they hold only safe Rust types, so the
    // worst outcome is a builder that lost its terms (finish takes them out first) or a
    // cursor that ends early. Dictionaries are only borrowed shared and never change.
    let result = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => Err(Error::Panic {
            message: panic_message(&payload),
        }),
    };
    match result {
        Ok(outcome) => {
            super::error_obj::clear(error_out);
            outcome.status()
        }
        Err(e) => {
            let code = status::status_of(&e);
            super::error_obj::report(error_out, code, &e);
            code
        }
    }
}

/// Runs an infallible body (free functions, getters that cannot fail) without unwinding;
/// a panic yields `fallback`.
pub fn infallible<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::{dictenstein_error_free, dictenstein_error_message, dictenstein_error_status};
    use std::ffi::CStr;

    /// A panic inside an exported function becomes DICTENSTEIN_INTERNAL with the panic's
    /// message, and never unwinds into the caller.
    #[test]
    fn panic_becomes_internal_status_with_message() {
        let mut err: *mut dictenstein_error = std::ptr::null_mut();
        let st = boundary(&mut err, || panic!("boom {}", 42));
        assert_eq!(st, status::DICTENSTEIN_INTERNAL);
        assert!(!err.is_null());
        // SAFETY: `err` was just produced by `boundary` and is freed once below.
        unsafe {
            assert_eq!(dictenstein_error_status(err), status::DICTENSTEIN_INTERNAL);
            let msg = CStr::from_ptr(dictenstein_error_message(err))
                .to_str()
                .unwrap();
            assert!(msg.contains("boom 42"), "{msg}");
            dictenstein_error_free(err);
        }
        assert_eq!(infallible(7, || -> i32 { panic!("x") }), 7);
    }

    /// Success clears a stale error pointer; NOT_FOUND and END create no error object.
    #[test]
    fn success_outcomes_clear_the_error_slot() {
        for (outcome, code) in [
            (Outcome::Ok, status::DICTENSTEIN_OK),
            (Outcome::NotFound, status::DICTENSTEIN_NOT_FOUND),
            (Outcome::End, status::DICTENSTEIN_END),
        ] {
            let mut err = std::ptr::NonNull::<dictenstein_error>::dangling().as_ptr();
            assert_eq!(boundary(&mut err, || Ok(outcome)), code);
            assert!(err.is_null());
        }
    }
}
