//! The k-mer table of a saved suffix automaton: for texts over a small alphabet (DNA), where
//! the edge records of the state reached by each string of `k` letters are, so that spelling
//! a pattern longer than `k` starts `k` letters deep instead of at the root.
//!
//! Why: the states a pattern's first letters reach are few and stay cached, but from about
//! log4(text length) letters on each step lands on a random state of a file of hundreds of
//! megabytes: on a 5.7 Mbp genome, letters 9 to 14 of a query cost about 150 ns each and
//! three quarters of a 20-letter query's time. The table answers those first `k` letters with
//! one read, as FM-index aligners such as BWA look up a k-mer's interval instead of stepping
//! through it. An entry holds the state's edge range rather than the state: the next step
//! then reads the edge records at once, where going through the state's first-edge entry
//! would add a dependent miss (measured: 1,100 ns per 20-letter query with state entries,
//! 900 with ranges). A pattern of exactly `k` letters, whose answer is the state itself, is
//! spelled from the root.
//!
//! The table covers up to four letters, two bits each, so its index is the k-mer itself. It
//! is built only when those letters are at least nine tenths of the text (a rare `N` in a
//! genome does not prevent it; a pattern holding another letter is spelled from the root),
//! and it has at most one entry per text byte (`4^k <= N`) and at most 4^12 entries, so it
//! adds at most 8 bytes per text byte and 128 MiB.

use super::graph::{Graph, ROOT};
use super::occ::OccIndex;
use crate::format::put_u32;

/// The deepest table: 4^12 entries of 8 bytes (128 MiB).
pub(crate) const MAX_K: u8 = 12;
/// A table this shallow would skip only letters that are cached anyway.
const MIN_K: u8 = 2;
/// No table unless its letters are at least `COVER_NUM / COVER_DEN` of the text.
const COVER_NUM: u64 = 9;
const COVER_DEN: u64 = 10;
/// Bytes per entry: `u32` first edge record and `u32` end of the state's edge records.
pub(crate) const ENTRY: usize = 8;
/// Both fields of the entry of a k-mer that does not occur. No real range has it: there are
/// at most 3 * 2^30 edge records.
pub(crate) const ABSENT: u32 = u32::MAX;
/// Header bytes of the table's shape: `u8` depth, `u8` letter count, four letters (unused 0).
pub(crate) const SHAPE_LEN: usize = 6;
/// Marks a byte that is not one of the table's letters.
const NOT_A_LETTER: u8 = u8::MAX;

/// The table's shape: its depth and letters (stored in the header), and the code of each byte.
#[derive(Debug, Clone)]
pub(crate) struct Kmers {
    /// Letters per entry; 0 when there is no table.
    pub(crate) k: u8,
    /// The letters, in code order (code = index); at most four.
    letters: Vec<u8>,
    code: [u8; 256],
}

impl Kmers {
    /// No table.
    pub(crate) fn none() -> Self {
        Kmers {
            k: 0,
            letters: Vec::new(),
            code: [NOT_A_LETTER; 256],
        }
    }

    /// A table of depth `k` over `letters`. The caller has checked that `k <= MAX_K`, that
    /// there are at most four letters, distinct, and none exactly when `k == 0`.
    fn new(k: u8, letters: &[u8]) -> Self {
        let mut code = [NOT_A_LETTER; 256];
        for (i, &l) in letters.iter().enumerate() {
            code[l as usize] = i as u8;
        }
        Kmers {
            k,
            letters: letters.to_vec(),
            code,
        }
    }

    /// Chooses the table for an automaton over `total` text bytes: the (up to) four most
    /// frequent letters, and the deepest `k` with `4^k <= total`. No table when the letters
    /// cover too little of the text or `k` would be too shallow to help.
    pub(crate) fn plan(g: &Graph, ix: &OccIndex, total: u64) -> Self {
        // A root edge's target holds the one-letter string, so its count is that letter's
        // number of occurrences.
        let mut freq: Vec<(u64, u8)> = g
            .edges(ROOT)
            .map(|(c, t)| (u64::from(ix.count[t as usize]), c))
            .collect();
        freq.sort_unstable_by(|a, b| b.cmp(a));
        let all: u64 = freq.iter().map(|f| f.0).sum();
        freq.truncate(4);
        let covered: u64 = freq.iter().map(|f| f.0).sum();
        let mut k = 0u8;
        while k < MAX_K && 4u64.pow(u32::from(k) + 1) <= total {
            k += 1;
        }
        if freq.is_empty() || k < MIN_K || covered * COVER_DEN < all * COVER_NUM {
            return Kmers::none();
        }
        let mut letters: Vec<u8> = freq.iter().map(|f| f.1).collect();
        letters.sort_unstable();
        Kmers::new(k, &letters)
    }

    /// The shape as stored in the header ([`SHAPE_LEN`] bytes).
    pub(crate) fn shape(&self) -> [u8; SHAPE_LEN] {
        let mut h = [0u8; SHAPE_LEN];
        h[0] = self.k;
        h[1] = self.letters.len() as u8;
        h[2..2 + self.letters.len()].copy_from_slice(&self.letters);
        h
    }

    /// Reads a shape written by [`Kmers::shape`]; an inconsistent one gives what is wrong
    /// and the offending bytes.
    pub(crate) fn from_shape(h: &[u8; SHAPE_LEN]) -> Result<Self, (&'static str, u64)> {
        let (k, count) = (h[0], h[1] as usize);
        if k > MAX_K || count > 4 || (k == 0) != (count == 0) {
            let value = u64::from(k) << 8 | count as u64;
            return Err(("k-mer table depth and letter count", value));
        }
        let letters = &h[2..2 + count];
        let distinct = letters
            .iter()
            .enumerate()
            .all(|(i, l)| !letters[..i].contains(l));
        if !distinct || h[2 + count..].iter().any(|&x| x != 0) {
            let value = u64::from(u32::from_be_bytes([h[2], h[3], h[4], h[5]]));
            return Err(("k-mer table letters", value));
        }
        Ok(Kmers::new(k, letters))
    }

    /// Bytes of the table section.
    pub(crate) fn section_len(k: u8) -> usize {
        if k == 0 {
            0
        } else {
            ENTRY << (2 * u32::from(k))
        }
    }

    /// The entry index of `pattern`'s first `k` letters; `None` when there is no table, the
    /// pattern is not longer than `k`, or one of those letters is not a table letter.
    #[inline]
    pub(crate) fn index(&self, pattern: &[u8]) -> Option<usize> {
        if self.k == 0 || pattern.len() <= self.k as usize {
            return None;
        }
        let head = &pattern[..self.k as usize];
        let mut at = 0usize;
        for &b in head {
            let c = self.code[b as usize];
            if c == NOT_A_LETTER {
                return None;
            }
            at = at << 2 | c as usize;
        }
        Some(at)
    }

    /// Writes the table into `out` (exactly [`Kmers::section_len`] bytes): for each k-mer its
    /// state's edge records `first[v]..first[v + 1]`, or [`ABSENT`] in both fields for a
    /// k-mer that does not occur. A depth-first walk from the root along the table letters:
    /// O(distinct substrings of at most `k` table letters).
    pub(crate) fn fill(&self, g: &Graph, first: &[u32], out: &mut [u8]) {
        out.fill(0xFF);
        if self.k == 0 {
            return;
        }
        let mut stack = vec![(ROOT, 0u8, 0usize)];
        while let Some((v, depth, at)) = stack.pop() {
            if depth == self.k {
                put_u32(out, at * ENTRY, first[v as usize]);
                put_u32(out, at * ENTRY + 4, first[v as usize + 1]);
                continue;
            }
            for (code, &l) in self.letters.iter().enumerate() {
                if let Some(t) = g.transition(v, l) {
                    stack.push((t, depth + 1, at << 2 | code));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(text: &[u8]) -> Kmers {
        let mut g = Graph::new();
        for &c in text {
            g.extend(c);
        }
        let texts = super::super::query::TextMap::from_lens(std::iter::once(text.len() as u64));
        Kmers::plan(&g, &OccIndex::build(&g, &texts), text.len() as u64)
    }

    /// Four letters with a rare fifth get a table as deep as `4^k <= N` allows; five equally
    /// common letters, or a text too short for `k >= 2`, get none.
    #[test]
    fn plan_needs_few_letters_and_enough_text() {
        let dna: Vec<u8> = (0..1100u32)
            .map(|i| {
                if i % 100 == 99 {
                    b'N'
                } else {
                    b"TGCA"[(i * 7 % 13 % 4) as usize]
                }
            })
            .collect();
        let p = plan_for(&dna);
        assert_eq!((p.k, &p.letters[..]), (5, &b"ACGT"[..]));
        let five: Vec<u8> = (0..1100u32)
            .map(|i| b"abcde"[(i * 7 % 11 % 5) as usize])
            .collect();
        assert_eq!(plan_for(&five).k, 0);
        assert_eq!(plan_for(b"ACGTACG").k, 0, "4^2 > 7 letters");
        assert_eq!(plan_for(b"ACGTACGTACGTACGT").k, 2);
    }

    /// Only patterns longer than `k` whose first `k` letters are all table letters have an
    /// index, and the index is the 2-bit codes, first letter highest.
    #[test]
    fn index_covers_long_patterns_of_table_letters() {
        let t = Kmers::new(3, b"ACGT");
        assert_eq!(t.index(b"ACGT"), Some(0b00_01_10));
        assert_eq!(t.index(b"TTAN"), Some(0b11_11_00));
        assert_eq!(t.index(b"ACG"), None, "not longer than k");
        assert_eq!(t.index(b"ANGT"), None, "N is not a table letter");
        assert_eq!(Kmers::none().index(b"ACGTACGT"), None);
    }
}
