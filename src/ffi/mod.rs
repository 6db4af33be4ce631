//! The C ABI. Conventions (handles, statuses, error objects, lifetimes, threads) are described
//! in `docs/c-api.md`; every exported function goes through `boundary::boundary`.
#![allow(non_camel_case_types)]
#![deny(unsafe_op_in_unsafe_fn)]

mod any;
mod any_fuzzy;
mod args;
mod boundary;
mod dict_api;
mod error_obj;
mod fuzzy_api;
mod handles;
mod sam_api;
mod status;
mod store_api;
mod version;

pub use any::{AnyBuilder, AnyDict, AnyWalk, CursorSource, DictKind, WalkEntry};
pub use any_fuzzy::{AnyFuzzy, FuzzySource, Hit};
pub use dict_api::*;
pub use error_obj::*;
pub use fuzzy_api::*;
pub use sam_api::*;
pub use status::*;
pub use store_api::*;
pub use version::*;
