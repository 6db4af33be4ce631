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
    // AssertUnwindSafe: after a panic nothing the closure touched is used again by us; the
    // handles it borrowed are immutable or, for builders and cursors, are left in a state
    // that is safe to use or free (their own code never leaves invariants broken mid-update
    // across a panic point except by dropping data).
    let result = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(r) => r,
        Err(payload) => Err(Error::Panic { message: panic_message(&payload) }),
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
