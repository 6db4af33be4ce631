//! The three edit distances, computed directly on two unit strings. The trie search in
//! `search.rs` computes the same recurrences one row at a time; these whole-matrix versions
//! are what callers use to check and re-rank results, and what the tests compare it with.

use super::units::{decode, Units};
use crate::error::Result;

/// Which edit operations cost 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Insertion, deletion and substitution of one unit (Levenshtein 1966).
    Levenshtein,
    /// Levenshtein plus the swap of two adjacent units, each unit edited at most once (the
    /// restricted "optimal string alignment" distance): "ab" to "ba" costs 1.
    Transposition,
    /// Levenshtein plus merging two units into one and splitting one unit into two (Schulz and
    /// Mihov's merge-and-split, as for OCR errors: "rn" to "m" costs 1).
    MergeSplit,
}

/// The distance between unit strings `a` and `b`; symmetric in its arguments.
///
/// `D[i][j]` is the distance between `a[..i]` and `b[..j]`; memory is three rows of
/// `b.len() + 1` cells.
pub fn unit_distance(metric: Metric, a: &[u32], b: &[u32]) -> usize {
    let n = b.len();
    let mut rows = [vec![0usize; n + 1], vec![0usize; n + 1], (0..=n).collect()];
    for i in 1..=a.len() {
        rows.rotate_left(1);
        let [prev2, prev, cur] = &mut rows;
        cur[0] = i;
        for j in 1..=n {
            let sub = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + sub);
            match metric {
                Metric::Levenshtein => {}
                Metric::Transposition => {
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        d = d.min(prev2[j - 2] + 1);
                    }
                }
                Metric::MergeSplit => {
                    if i > 1 {
                        d = d.min(prev2[j - 1] + 1);
                    }
                    if j > 1 {
                        d = d.min(prev[j - 2] + 1);
                    }
                }
            }
            cur[j] = d;
        }
    }
    rows[2][n]
}

/// The distance between two byte strings read as `units`.
///
/// Errors: `TermTooLong` for a string longer than [`crate::MAX_TERM_LEN`]; `InvalidArgument`
/// naming `a` or `b` when `units` is code points and that string is not valid UTF-8.
pub fn edit_distance(metric: Metric, units: Units, a: &[u8], b: &[u8]) -> Result<usize> {
    super::check_len(a)?;
    super::check_len(b)?;
    let a = decode(units, a, "a")?;
    let b = decode(units, b, "b")?;
    Ok(unit_distance(metric, &a, &b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(metric: Metric, a: &str, b: &str) -> usize {
        edit_distance(metric, Units::Bytes, a.as_bytes(), b.as_bytes()).unwrap()
    }

    #[test]
    fn known_values() {
        use Metric::*;
        assert_eq!(d(Levenshtein, "kitten", "sitting"), 3);
        assert_eq!(d(Levenshtein, "", "abc"), 3);
        assert_eq!(d(Levenshtein, "ab", "ba"), 2);
        assert_eq!(d(Transposition, "ab", "ba"), 1);
        // The restricted variant edits each unit once: "ca" -> "ac" -> "abc" is not allowed.
        assert_eq!(d(Transposition, "ca", "abc"), 3);
        assert_eq!(d(MergeSplit, "rn", "m"), 1);
        assert_eq!(d(MergeSplit, "m", "rn"), 1);
        assert_eq!(d(MergeSplit, "corner", "comer"), 1);
        assert_eq!(d(MergeSplit, "ab", "ba"), 2);
    }

    #[test]
    fn code_points_count_one_per_character() {
        let m = Metric::Levenshtein;
        assert_eq!(
            edit_distance(m, Units::CodePoints, "café".as_bytes(), b"cafe").unwrap(),
            1
        );
        assert_eq!(
            edit_distance(m, Units::Bytes, "café".as_bytes(), b"cafe").unwrap(),
            2
        );
        assert!(edit_distance(m, Units::CodePoints, b"\xff", b"").is_err());
    }
}
