//! Values of a DAWG, stored by the rank of their term (its position in byte order).
//!
//! A minimal DAWG shares suffixes, so a value cannot live in the state where its term ends;
//! the automaton instead counts the terms below each state, which gives every term its rank
//! (Lucchesi & Kowaltowski's perfect hashing), and the value is looked up by rank. Inserting
//! or removing a term shifts the ranks after it, so values sit in chunks: an insert or remove
//! moves at most one chunk's worth of values instead of the whole array.

const CHUNK: usize = 2048;

#[derive(Debug, Default, Clone)]
pub(crate) struct RankedValues {
    chunks: Vec<Vec<u64>>,
    /// Rank of the first value of each chunk.
    starts: Vec<usize>,
    len: usize,
}

impl RankedValues {
    pub fn from_vec(values: Vec<u64>) -> Self {
        let mut r = RankedValues::default();
        for c in values.chunks(CHUNK) {
            r.chunks.push(c.to_vec());
        }
        r.len = values.len();
        r.reindex(0);
        r
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Recomputes chunk starts from chunk `from` on.
    fn reindex(&mut self, from: usize) {
        self.starts.truncate(from);
        let mut start = if from == 0 {
            0
        } else {
            self.starts[from - 1] + self.chunks[from - 1].len()
        };
        for c in &self.chunks[from..] {
            self.starts.push(start);
            start += c.len();
        }
    }

    /// The chunk holding `rank` (or the last chunk when `rank == len`).
    fn locate(&self, rank: usize) -> (usize, usize) {
        let ci = self
            .starts
            .partition_point(|&s| s <= rank)
            .saturating_sub(1);
        (ci, rank - self.starts.get(ci).copied().unwrap_or(0))
    }

    pub fn get(&self, rank: usize) -> Option<u64> {
        if rank >= self.len {
            return None;
        }
        let (ci, off) = self.locate(rank);
        self.chunks[ci].get(off).copied()
    }

    pub fn set(&mut self, rank: usize, value: u64) {
        let (ci, off) = self.locate(rank);
        self.chunks[ci][off] = value;
    }

    pub fn insert(&mut self, rank: usize, value: u64) {
        assert!(rank <= self.len, "rank out of range");
        if self.chunks.is_empty() {
            self.chunks.push(Vec::new());
        }
        let (ci, off) = self.locate(rank);
        self.chunks[ci].insert(off, value);
        if self.chunks[ci].len() > CHUNK * 2 {
            let tail = self.chunks[ci].split_off(CHUNK);
            self.chunks.insert(ci + 1, tail);
        }
        self.len += 1;
        self.reindex(ci);
    }

    pub fn remove(&mut self, rank: usize) -> u64 {
        let (ci, off) = self.locate(rank);
        let v = self.chunks[ci].remove(off);
        if self.chunks[ci].is_empty() {
            self.chunks.remove(ci);
        }
        self.len -= 1;
        self.reindex(ci.min(self.chunks.len()));
        v
    }

    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.chunks.iter().flatten().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins chunk splitting and merging against a plain vector.
    #[test]
    fn matches_a_vec_through_splits_and_removals() {
        let mut model: Vec<u64> = Vec::new();
        let mut r = RankedValues::default();
        let mut x = 12345u64;
        for i in 0..20_000u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pos = (x >> 33) as usize % (model.len() + 1);
            if i % 3 == 2 && !model.is_empty() {
                let p = pos.min(model.len() - 1);
                assert_eq!(r.remove(p), model.remove(p));
            } else {
                r.insert(pos, i);
                model.insert(pos, i);
            }
        }
        assert_eq!(r.len(), model.len());
        assert_eq!(r.iter().collect::<Vec<_>>(), model);
        for (i, v) in model.iter().enumerate() {
            assert_eq!(r.get(i), Some(*v));
        }
        assert_eq!(r.get(model.len()), None);
    }
}
