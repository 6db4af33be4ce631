//! One row of the banded edit-distance matrix, and the step from a row to the next.
//!
//! Row `j` holds `D[j][i]`, the distance between the first `j` units of the term path and the
//! first `i` units of the query, for `i` in the band `j-k ..= j+k` only: outside it every
//! value exceeds `k`, so the band is all a search with budget `k` needs. Cell `c` of row `j`
//! is column `i = j - k + c`. Values are capped at `k + 1` ("too far").

use super::distance::Metric;

/// The largest budget a query may ask for; band cells fit in a `u8` and a row in a fixed array.
pub const MAX_DISTANCE: u32 = 8;
/// Cells in the widest band.
pub const MAX_WIDTH: usize = 2 * MAX_DISTANCE as usize + 1;

/// How a search computes its rows: the banded matrix here for any query, or the
/// bit-parallel automaton of `bits.rs` for queries of fewer than 64 units. A row describes the
/// node at level `j`; `k` is the budget of the current pass.
pub(super) trait Engine {
    type Row: Copy;
    fn query(&self) -> &[u32];
    fn set_budget(&mut self, k: usize);
    /// The row of the root.
    fn first(&self) -> Self::Row;
    /// A row with every cell beyond the budget.
    fn dead(&self) -> Self::Row;
    /// The row of a child at level `j + 1` reached by unit `u`, from its parent's row `prev`
    /// (level `j`), the grandparent's `prev2` and the unit `pu` into the parent.
    fn next(
        &self,
        j: usize,
        prev: &Self::Row,
        prev2: Option<&Self::Row>,
        u: u32,
        pu: u32,
    ) -> Self::Row;
    /// The smallest cell, capped at `k + 1`.
    fn min(&self, j: usize, row: &Self::Row) -> u8;
    /// `D[j][m]`, capped at `k + 1`.
    fn last(&self, j: usize, row: &Self::Row) -> u8;
    /// The query column of the only cell within budget, if exactly one is.
    fn single_live(&self, j: usize, row: &Self::Row) -> Option<usize>;
    /// Whether unit `u` occurs in the query. A unit that does not gives the same child row
    /// and the same suffixes as any other such unit (the recurrences see a unit only
    /// through its matches).
    fn in_query(&self, u: u32) -> bool;
    /// Calls `each` with every query suffix that can still end a term below a node with no
    /// budget to spare (see [`Band::suffixes`]), encoded as a [`Suffix`] value, in no
    /// particular order. A callback rather than a list: most suffixes are dropped at once.
    fn suffixes(
        &self,
        j: usize,
        row: &Self::Row,
        prev: Option<&Self::Row>,
        pu: u32,
        each: impl FnMut(u32),
    );
}

/// The banded matrix: what the recurrence needs from the query and the budget of the
/// current pass.
pub(super) struct Band {
    pub query: Vec<u32>,
    pub metric: Metric,
    /// The pass's budget `k`.
    pub k: usize,
}

/// A row of the band; only the first `2k + 1` cells are used.
pub(super) type Cells = [u8; MAX_WIDTH];

impl Engine for Band {
    type Row = Cells;
    fn query(&self) -> &[u32] {
        &self.query
    }
    fn set_budget(&mut self, k: usize) {
        self.k = k;
    }
    fn first(&self) -> Cells {
        let mut row = self.dead();
        self.first_row(&mut row[..self.width()]);
        row
    }
    fn dead(&self) -> Cells {
        [self.inf(); MAX_WIDTH]
    }
    fn next(&self, j: usize, prev: &Cells, prev2: Option<&Cells>, u: u32, pu: u32) -> Cells {
        let mut row = self.dead();
        let w = self.width();
        self.next_row(j, &prev[..w], prev2.map(|p| &p[..w]), u, pu, &mut row[..w]);
        row
    }
    fn min(&self, _j: usize, row: &Cells) -> u8 {
        row[..self.width()].iter().copied().min().unwrap_or(0)
    }
    fn last(&self, j: usize, row: &Cells) -> u8 {
        Band::last(self, j, &row[..self.width()])
    }
    fn single_live(&self, j: usize, row: &Cells) -> Option<usize> {
        Band::single_live(self, j, &row[..self.width()])
    }
    fn in_query(&self, u: u32) -> bool {
        self.query.contains(&u)
    }
    fn suffixes(
        &self,
        j: usize,
        row: &Cells,
        prev: Option<&Cells>,
        pu: u32,
        each: impl FnMut(u32),
    ) {
        let w = self.width();
        Band::suffixes(self, j, &row[..w], prev.map(|p| &p[..w]), pu, each)
    }
}

/// A query suffix that can end a term below a node with no budget to spare, as a `u32`:
/// column `i` alone stands for `query[i..]` (a live cell, matched to the end), and
/// `SWAP | i` for `query[i], query[i + 2..]` (a transposition of `query[i]` and
/// `query[i + 1]` that began one level up, then the rest matched).
pub(super) struct Suffix;

impl Suffix {
    pub(super) const SWAP: u32 = 1 << 31;

    /// The first unit of suffix `e` of `query` (a swap's and a plain suffix's alike).
    #[inline]
    pub fn first(query: &[u32], e: u32) -> u32 {
        query[(e & !Self::SWAP) as usize]
    }

    /// The query index of the unit that follows the first unit of suffix `e` (a swap skips
    /// the unit it swapped with).
    #[inline]
    pub fn after_first(e: u32) -> u32 {
        (e & !Self::SWAP) + 1 + u32::from(e & Self::SWAP != 0)
    }

    /// The units of suffix `e` of `query`: an optional first unit, then a tail.
    #[inline]
    pub fn units(query: &[u32], e: u32) -> (Option<u32>, &[u32]) {
        let i = (e & !Self::SWAP) as usize;
        if e & Self::SWAP != 0 {
            (Some(query[i]), &query[i + 2..])
        } else {
            (None, &query[i..])
        }
    }

    /// Sorts the suffixes in `out` by their units, so terms come in byte order. No two
    /// entries spell the same units: suffixes of different lengths differ, and a swap from
    /// column `i` has the length of the plain suffix from `i + 1`, which would spell the same
    /// only if `query[i] == query[i + 1]`; but then the unit into the node matched column
    /// `i + 1` from a parent cell under `k`, and the node would have budget to spare.
    pub fn sort(query: &[u32], out: &mut [u32]) {
        let spell = |e: u32| {
            let (head, tail) = Self::units(query, e);
            head.into_iter().chain(tail.iter().copied())
        };
        out.sort_unstable_by(|&a, &b| spell(a).cmp(spell(b)));
    }
}

impl Band {
    pub fn width(&self) -> usize {
        2 * self.k + 1
    }

    fn inf(&self) -> u8 {
        self.k as u8 + 1
    }

    /// Row 0: `D[0][i] = i` (the query's first `i` units deleted).
    pub fn first_row(&self, out: &mut [u8]) {
        let m = self.query.len() as isize;
        for (c, cell) in out.iter_mut().enumerate() {
            let i = c as isize - self.k as isize;
            *cell = if (0..=m).contains(&i) {
                i as u8
            } else {
                self.inf()
            };
        }
    }

    /// Fills row `j + 1` from row `j` (`prev`), row `j - 1` (`prev2`, when `j >= 1`), the unit
    /// `u` on the edge into the new node and the unit `pu` on the edge before it.
    /// Returns the smallest cell of the new row.
    ///
    /// With `i = j + 1 - k + c`, each operation reads one cell of an older row at a fixed
    /// offset from `c`: substitution or match `prev[c]`, term unit inserted `prev[c + 1]`,
    /// query unit deleted `out[c - 1]`, transposition `prev2[c]`, merge (two query units into
    /// one) `prev[c - 1]`, split (one query unit into two) `prev2[c + 1]`.
    pub fn next_row(
        &self,
        j: usize,
        prev: &[u8],
        prev2: Option<&[u8]>,
        u: u32,
        pu: u32,
        out: &mut [u8],
    ) -> u8 {
        let inf = self.inf();
        let m = self.query.len() as isize;
        let w = self.width();
        let base = j as isize + 1 - self.k as isize;
        let mut min = inf;
        for c in 0..w {
            let i = base + c as isize;
            if i < 0 || i > m {
                out[c] = inf;
                continue;
            }
            let mut d = inf;
            if c + 1 < w {
                d = d.min(prev[c + 1].saturating_add(1));
            }
            if c > 0 {
                d = d.min(out[c - 1].saturating_add(1));
            }
            if i > 0 {
                let q = self.query[i as usize - 1];
                d = d.min(prev[c] + u8::from(q != u));
                match (self.metric, prev2) {
                    (Metric::Levenshtein, _) | (_, None) => {}
                    (Metric::Transposition, Some(p2)) => {
                        if i > 1 && q == pu && self.query[i as usize - 2] == u {
                            d = d.min(p2[c].saturating_add(1));
                        }
                    }
                    (Metric::MergeSplit, Some(p2)) => {
                        if c + 1 < w {
                            d = d.min(p2[c + 1].saturating_add(1));
                        }
                    }
                }
                if self.metric == Metric::MergeSplit && i > 1 && c > 0 {
                    d = d.min(prev[c - 1].saturating_add(1));
                }
            }
            let d = d.min(inf);
            out[c] = d;
            min = min.min(d);
        }
        min
    }

    /// `D[j][m]`: the distance between the whole query and the path to row `j`'s node, if
    /// that column is in the band.
    pub fn last(&self, j: usize, row: &[u8]) -> u8 {
        let c = self.query.len() as isize - j as isize + self.k as isize;
        if (0..self.width() as isize).contains(&c) {
            row[c as usize]
        } else {
            self.inf()
        }
    }

    /// The query suffixes that can end a term below a node at level `j` whose row has no
    /// budget to spare (every cell is at least `k`, and so is every cell of the rows below
    /// it: each step adds to a cell or copies one from the row above, and a transposition
    /// reads two rows up). From a live cell of column `i < m`, only `query[i..]` matched
    /// exactly stays within `k`; with transpositions, a cell of `prev` (row `j - 1`, reached by
    /// unit `pu`) still below `k` may finish a swap at the next level and then match the
    /// rest. Given to `each` as [`Suffix`] values; a live cell at column `m` is the node's
    /// own match, not a suffix.
    pub fn suffixes(
        &self,
        j: usize,
        row: &[u8],
        prev: Option<&[u8]>,
        pu: u32,
        mut each: impl FnMut(u32),
    ) {
        let k = self.k as u8;
        let m = self.query.len() as isize;
        for (c, &d) in row.iter().enumerate() {
            let i = j as isize - self.k as isize + c as isize;
            if d <= k && (0..m).contains(&i) {
                each(i as u32);
            }
        }
        if let (Metric::Transposition, Some(prev)) = (self.metric, prev) {
            for (c, &d) in prev.iter().enumerate() {
                let i = j as isize - 1 - self.k as isize + c as isize;
                if d < k && i >= 0 && i + 1 < m && self.query[i as usize + 1] == pu {
                    each(Suffix::SWAP | i as u32);
                }
            }
        }
    }

    /// The query column of the only cell of row `j` within budget, if exactly one is.
    pub fn single_live(&self, j: usize, row: &[u8]) -> Option<usize> {
        let k = self.k as u8;
        let mut live = row.iter().enumerate().filter(|(_, &d)| d <= k);
        let (c, _) = live.next()?;
        if live.next().is_some() {
            return None;
        }
        Some(j + c - self.k)
    }
}

/// Sorts `out[from..]` and removes its duplicates, leaving `out[..from]` (the candidates of
/// the frames above) untouched. In place: it runs for every guided node.
pub(super) fn sort_unique_tail(out: &mut Vec<u32>, from: usize) {
    out[from..].sort_unstable();
    let mut kept = from;
    for i in from..out.len() {
        if kept == from || out[kept - 1] != out[i] {
            out[kept] = out[i];
            kept += 1;
        }
    }
    out.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fuzzy::distance::unit_distance;

    /// The banded rows give the same `D[j][m]` as the whole matrix whenever it is within `k`.
    #[test]
    fn band_agrees_with_full_matrix() {
        let words = [
            "", "a", "ab", "ba", "abc", "acb", "rn", "m", "corner", "comer", "xyzzy",
        ];
        for metric in [
            Metric::Levenshtein,
            Metric::Transposition,
            Metric::MergeSplit,
        ] {
            for q in words {
                for t in words {
                    let qu: Vec<u32> = q.bytes().map(u32::from).collect();
                    let tu: Vec<u32> = t.bytes().map(u32::from).collect();
                    let full = unit_distance(metric, &qu, &tu);
                    for k in 0..4 {
                        let band = Band {
                            query: qu.clone(),
                            metric,
                            k,
                        };
                        let w = band.width();
                        let mut rows = vec![0u8; w * (tu.len() + 1)];
                        band.first_row(&mut rows[..w]);
                        for j in 0..tu.len() {
                            let (old, new) = rows.split_at_mut((j + 1) * w);
                            let prev = &old[j * w..];
                            let prev2 = j.checked_sub(1).map(|p| &old[p * w..(p + 1) * w]);
                            let pu = if j > 0 { tu[j - 1] } else { u32::MAX };
                            band.next_row(j, prev, prev2, tu[j], pu, &mut new[..w]);
                        }
                        let got = band.last(tu.len(), &rows[tu.len() * w..]);
                        let expect = full.min(k + 1) as u8;
                        assert_eq!(got, expect, "{metric:?} {q:?} {t:?} k={k}");
                    }
                }
            }
        }
    }
}
