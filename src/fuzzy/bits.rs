//! The bit-parallel form of the same recurrences, for queries of fewer than 64 units and
//! budgets up to 3 (the usual case): row `j` is `k + 1` words, word `e` holding bit `i` when `D[j][i] <= e`
//! (Wu and Manber's automaton, extended by Hyyrö's transposition term). A step costs a few
//! shifts and ors per word instead of a pass over the band.
//!
//! With `Q[u]` the set of columns `i` where `query[i] == u`, the child's words are
//! `R'[0] = (R[0] & Q[u]) << 1` and, for `e >= 1`, the union of
//! - match: `(R[e] & Q[u]) << 1`;
//! - substitution `R[e-1] << 1`, term unit inserted `R[e-1]`, query unit deleted `R'[e-1] << 1`;
//! - transposition: `(R2[e-1] & Q[u] & (Q[pu] >> 1)) << 2` (`R2` the grandparent's row);
//! - merge (two query units into one) `R[e-1] << 2`, split (one into two) `R2[e-1] << 1`.

use super::distance::Metric;
use super::row::{Engine, Suffix};

/// The largest budget this engine serves; larger ones use the band (rows stay 32 bytes).
pub(super) const MAX_BITS_DISTANCE: usize = 3;

/// Words of a row (only the first `k + 1` are used).
pub(super) type Words = [u64; MAX_BITS_DISTANCE + 1];

/// The bit-parallel engine for one query.
pub(super) struct Bits {
    query: Vec<u32>,
    metric: Metric,
    k: usize,
    /// Bits `0 ..= m`: the columns that exist.
    full: u64,
    masks: Masks,
}

/// `Q[u]` for every unit: a table for bytes, a sorted list for code points.
enum Masks {
    Bytes(Box<[u64; 256]>),
    Units(Vec<(u32, u64)>),
}

impl Bits {
    /// The engine for `query` and budgets up to `max_distance`, if the query is short enough
    /// (fewer than 64 units) and the budget small enough.
    pub fn new(query: &[u32], metric: Metric, bytes: bool, max_distance: usize) -> Option<Self> {
        if query.len() >= 64 || max_distance > MAX_BITS_DISTANCE {
            return None;
        }
        let masks = if bytes {
            let mut t = Box::new([0u64; 256]);
            for (i, &u) in query.iter().enumerate() {
                t[u as usize & 0xFF] |= 1 << i;
            }
            Masks::Bytes(t)
        } else {
            let mut list: Vec<(u32, u64)> = Vec::new();
            for (i, &u) in query.iter().enumerate() {
                match list.iter_mut().find(|(v, _)| *v == u) {
                    Some((_, m)) => *m |= 1 << i,
                    None => list.push((u, 1 << i)),
                }
            }
            list.sort_unstable();
            Masks::Units(list)
        };
        Some(Bits {
            query: query.to_vec(),
            metric,
            k: 0,
            full: u64::MAX >> (63 - query.len()),
            masks,
        })
    }

    #[inline]
    fn mask(&self, u: u32) -> u64 {
        match &self.masks {
            Masks::Bytes(t) => t[u as usize & 0xFF],
            Masks::Units(list) => list
                .binary_search_by_key(&u, |&(v, _)| v)
                .map_or(0, |i| list[i].1),
        }
    }

    fn m(&self) -> usize {
        self.query.len()
    }
}

impl Engine for Bits {
    type Row = Words;

    fn query(&self) -> &[u32] {
        &self.query
    }

    fn set_budget(&mut self, k: usize) {
        self.k = k;
    }

    fn first(&self) -> Words {
        let mut r = [0; MAX_BITS_DISTANCE + 1];
        for (e, w) in r.iter_mut().enumerate().take(self.k + 1) {
            // D[0][i] = i: columns 0 ..= e.
            *w = (u64::MAX >> (63 - e)) & self.full;
        }
        r
    }

    fn dead(&self) -> Words {
        [0; MAX_BITS_DISTANCE + 1]
    }

    #[inline]
    fn next(&self, _j: usize, prev: &Words, prev2: Option<&Words>, u: u32, pu: u32) -> Words {
        const NONE: Words = [0; MAX_BITS_DISTANCE + 1];
        let q = self.mask(u);
        let p2 = prev2.unwrap_or(&NONE);
        // Every word is computed, whatever the budget, so the loop has a fixed length and
        // no branch; words above `k` are never read.
        let swap = match self.metric {
            Metric::Transposition if prev2.is_some() => q & (self.mask(pu) >> 1),
            _ => 0,
        };
        let merge_split = if self.metric == Metric::MergeSplit {
            u64::MAX
        } else {
            0
        };
        let mut r = [0; MAX_BITS_DISTANCE + 1];
        r[0] = ((prev[0] & q) << 1) & self.full;
        for e in 1..=MAX_BITS_DISTANCE {
            let x = ((prev[e] & q) << 1)
                | prev[e - 1]
                | (prev[e - 1] << 1)
                | (r[e - 1] << 1)
                | ((p2[e - 1] & swap) << 2)
                | (((prev[e - 1] << 2) | (p2[e - 1] << 1)) & merge_split);
            r[e] = (x | r[e - 1]) & self.full;
        }
        r
    }

    fn min(&self, _j: usize, row: &Words) -> u8 {
        (0..=self.k).find(|&e| row[e] != 0).unwrap_or(self.k + 1) as u8
    }

    fn last(&self, _j: usize, row: &Words) -> u8 {
        let bit = 1u64 << self.m();
        (0..=self.k)
            .find(|&e| row[e] & bit != 0)
            .unwrap_or(self.k + 1) as u8
    }

    fn single_live(&self, _j: usize, row: &Words) -> Option<usize> {
        let w = row[self.k];
        (w.count_ones() == 1).then(|| w.trailing_zeros() as usize)
    }

    #[inline]
    fn in_query(&self, u: u32) -> bool {
        self.mask(u) != 0
    }

    #[inline]
    fn suffixes(
        &self,
        _j: usize,
        row: &Words,
        prev: Option<&Words>,
        pu: u32,
        mut each: impl FnMut(u32),
    ) {
        let mut live = row[self.k] & !(1u64 << self.m());
        while live != 0 {
            each(live.trailing_zeros());
            live &= live - 1;
        }
        if let (Metric::Transposition, Some(prev), true) = (self.metric, prev, self.k > 0) {
            // A swap starts from a column `i` of the parent's row within `k - 1`, when the
            // unit into the node was `query[i + 1]`: the next unit must be `query[i]`.
            let mut start = prev[self.k - 1] & (self.mask(pu) >> 1);
            while start != 0 {
                each(Suffix::SWAP | start.trailing_zeros());
                start &= start - 1;
            }
        }
    }
}
