//! libdictenstein: dictionary data structures with a C ABI.
//!
//! Rust users work with the [`Dictionary`] / [`Node`] traits and the backend types; C, C++,
//! Go and Java users call the `dictenstein_*` functions declared in `include/dictenstein.h`.

pub mod art;
pub mod bytes;
pub mod dat;
pub mod dawg;
pub mod dict;
pub mod error;
pub mod ffi;
pub mod format;
pub mod fuzzy;
pub mod sam;
pub mod store;
pub mod walk;

pub use art::{Art, ArtView};
pub use dat::{DoubleArray, DoubleArrayBuilder, Layout};
pub use dawg::{Dawg, DawgFile};
pub use dict::{Dictionary, MutableDictionary, Node, MAX_TERM_LEN};
pub use error::{Error, FormatError, Result};
pub use fuzzy::{FuzzyMatch, FuzzyOptions, Metric, Units};
pub use sam::{SamFile, SuffixAutomaton};
pub use walk::PrefixWalk;
