//! Fuzzy search: every term within an edit distance of a query, found by walking any
//! backend's automaton through the [`Node`](crate::Node) trait, with no index beyond the
//! dictionary itself.
//!
//! - Distances ([`Metric`]): Levenshtein, with adjacent transpositions (restricted, "optimal
//!   string alignment"), or with merges and splits.
//! - [`Units`]: bytes, or the code points of UTF-8 terms.
//! - Modes: all matches as they are found (in byte order of terms), or ordered by (distance,
//!   term); an optional result limit, exact for "the best k" when ordered; prefix mode, where
//!   a term's distance is the query's distance to the closest prefix of the term.

mod bits;
mod distance;
mod row;
mod search;
mod units;

pub use distance::{edit_distance, unit_distance, Metric};
pub use row::MAX_DISTANCE;
pub use search::{FuzzyMatch, FuzzySearch, Match};
pub use units::{decode, Units};

use crate::dict::Dictionary;
use crate::error::{Error, Result};

/// What a fuzzy search looks for. `FuzzyOptions::new(k)` gives Levenshtein over bytes, all
/// matches unordered, no limit, whole terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FuzzyOptions {
    pub metric: Metric,
    pub units: Units,
    /// Largest distance reported; at most [`MAX_DISTANCE`] (larger is an error).
    pub max_distance: u32,
    /// Report by (distance, then term in byte order) instead of as found (byte order).
    pub ordered: bool,
    /// Stop after this many results.
    pub limit: Option<usize>,
    /// Measure the distance to the closest prefix of each term (autocompletion).
    pub prefix: bool,
}

impl FuzzyOptions {
    pub fn new(max_distance: u32) -> Self {
        FuzzyOptions {
            metric: Metric::Levenshtein,
            units: Units::Bytes,
            max_distance,
            ordered: false,
            limit: None,
            prefix: false,
        }
    }

    /// Checks the options. Errors: `InvalidArgument` naming `max_distance` above
    /// [`MAX_DISTANCE`].
    pub fn validate(&self) -> Result<()> {
        if self.max_distance > MAX_DISTANCE {
            return Err(Error::invalid(
                "max_distance",
                format!(
                    "{} is above the maximum of {MAX_DISTANCE}",
                    self.max_distance
                ),
            ));
        }
        Ok(())
    }
}

/// Starts a fuzzy search of `query` over `dict`.
///
/// Errors: `InvalidArgument` for options that fail [`FuzzyOptions::validate`] or a query that
/// is not valid UTF-8 in code-point mode; `TermTooLong` for a query longer than
/// [`crate::MAX_TERM_LEN`].
pub fn search<'d, D: Dictionary + ?Sized>(
    dict: &'d D,
    query: &[u8],
    opts: &FuzzyOptions,
) -> Result<FuzzySearch<D::Node<'d>>> {
    opts.validate()?;
    check_len(query)?;
    let units = decode(opts.units, query, "query")?;
    Ok(FuzzySearch::new(
        dict.root(),
        units,
        *opts,
        dict.max_term_len(),
    ))
}

/// Refuses a string longer than [`crate::MAX_TERM_LEN`]: no term can be within reach of it
/// for any useful budget, and the cost of a search or a distance grows with its length.
fn check_len(s: &[u8]) -> Result<()> {
    if s.len() > crate::MAX_TERM_LEN {
        return Err(Error::TermTooLong {
            len: s.len(),
            max: crate::MAX_TERM_LEN,
        });
    }
    Ok(())
}
