//! The streaming search: a depth-first walk of any dictionary's automaton that carries one
//! band of the edit-distance matrix per level and abandons a branch as soon as every cell of
//! its row exceeds the budget.
//!
//! Two things keep it fast. A node whose row has no budget to spare (every live cell already
//! equals `k`) can only be extended by a match, so instead of listing its children the walk
//! follows the few query units the row allows (`Band::matches`); only the nodes within
//! `k - 1` edits of a query prefix are listed child by child. And memory is a row, a unit and
//! an edge iterator per level, so results stream without being collected.
//!
//! Ordered searches run one pass per distance `0, 1, ..= k`, each reporting only the terms at
//! exactly that distance; within a pass the walk goes in byte order, so results come sorted by
//! (distance, term) with nothing buffered.

use super::row::{Band, MAX_WIDTH};
use super::units::{push_unit, step, Utf8Edges};
use super::{FuzzyOptions, Units};
use crate::dict::Node;

/// How a frame lists the children it still has to try.
enum Kids<N: Node> {
    /// Every child, by byte.
    Bytes(N::Edges),
    /// Every child, by whole code point.
    CodePoints(Utf8Edges<N>),
    /// Only the children labelled with these units (ascending), from `node`.
    Guided {
        node: N,
        units: [u32; MAX_WIDTH],
        len: u8,
        next: u8,
    },
    /// None (the depth limit).
    Done,
}

/// One level of the walk: the children still to try and the key length at this node.
struct Frame<N: Node> {
    kids: Kids<N>,
    key_len: usize,
}

/// A term found by a search, borrowed from the search until its next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'s> {
    pub term: &'s [u8],
    pub distance: u32,
    pub value: u64,
}

/// An owned [`Match`], as the iterator yields it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FuzzyMatch {
    pub term: Vec<u8>,
    pub distance: u32,
    pub value: u64,
}

/// A running fuzzy search over one dictionary; see [`crate::Dictionary::fuzzy`].
pub struct FuzzySearch<N: Node> {
    root: Option<N>,
    query: Vec<u32>,
    opts: FuzzyOptions,
    max_depth: usize,
    /// Budget of the current pass; `None` before the first pass.
    pass: Option<usize>,
    frames: Vec<Frame<N>>,
    /// Rows of the current path, `width` cells each (level `j` at `j * width`).
    rows: Vec<u8>,
    /// Units on the current path (one per level below the root).
    path: Vec<u32>,
    /// Per level: the smallest `D[j][m]` seen on the path so far (prefix mode).
    best: Vec<u8>,
    key: Vec<u8>,
    reported: usize,
    scratch: Vec<u32>,
}

impl<N: Node> FuzzySearch<N> {
    pub(super) fn new(root: N, query: Vec<u32>, opts: FuzzyOptions, max_depth: usize) -> Self {
        FuzzySearch {
            root: Some(root),
            query,
            opts,
            max_depth,
            pass: None,
            frames: Vec::new(),
            rows: Vec::new(),
            path: Vec::new(),
            best: Vec::new(),
            key: Vec::new(),
            reported: 0,
            scratch: Vec::new(),
        }
    }

    fn band(&self, k: usize) -> Band<'_> {
        Band {
            query: &self.query,
            metric: self.opts.metric,
            k,
        }
    }

    /// Whether a term at `distance` is reported in the pass with budget `k`.
    fn wanted(&self, distance: u8, k: usize) -> bool {
        if self.opts.ordered {
            usize::from(distance) == k
        } else {
            usize::from(distance) <= k
        }
    }

    /// Starts the next pass; returns the root's own match if it has one. `None` from the
    /// outer option means no pass is left.
    fn start_pass(&mut self) -> Option<Option<(u8, u64)>> {
        let k = match self.pass {
            None if self.opts.ordered => 0,
            None => self.opts.max_distance as usize,
            Some(k) if self.opts.ordered && k < self.opts.max_distance as usize => k + 1,
            Some(_) => return None,
        };
        self.pass = Some(k);
        let root = self.root.clone()?;
        let band = self.band(k);
        let w = band.width();
        let mut row = [0u8; MAX_WIDTH];
        band.first_row(&mut row[..w]);
        let last = band.last(0, &row[..w]);
        self.rows.clear();
        self.rows.extend_from_slice(&row[..w]);
        self.path.clear();
        self.best.clear();
        self.best.push(last);
        self.key.clear();
        self.frames.clear();
        let found = root
            .value()
            .filter(|_| self.wanted(last, k))
            .map(|v| (last, v));
        let kids = self.kids(&root, 0, k);
        self.frames.push(Frame { kids, key_len: 0 });
        Some(found)
    }

    /// How the node at level `j` (whose row is the last in `rows`) lists its children.
    fn kids(&mut self, node: &N, j: usize, k: usize) -> Kids<N> {
        if self.key.len() >= self.max_depth {
            return Kids::Done;
        }
        let w = 2 * k + 1;
        let row = &self.rows[j * w..(j + 1) * w];
        let kk = k as u8;
        let listed = self.opts.prefix && self.best[j] <= kk;
        let slack = row.iter().any(|&d| d < kk)
            || (self.opts.metric != super::Metric::Levenshtein
                && j > 0
                && self.rows[(j - 1) * w..j * w].iter().any(|&d| d < kk));
        if listed || slack {
            return match self.opts.units {
                Units::Bytes => Kids::Bytes(node.edges()),
                Units::CodePoints => Kids::CodePoints(Utf8Edges::new(node)),
            };
        }
        let mut scratch = std::mem::take(&mut self.scratch);
        self.band(k).matches(j, row, &mut scratch);
        let mut units = [0u32; MAX_WIDTH];
        units[..scratch.len()].copy_from_slice(&scratch);
        let len = scratch.len() as u8;
        self.scratch = scratch;
        Kids::Guided {
            node: node.clone(),
            units,
            len,
            next: 0,
        }
    }

    /// The next child of the top frame, by unit.
    fn next_kid(&mut self) -> Option<(u32, N)> {
        let units = self.opts.units;
        let frame = self.frames.last_mut()?;
        match &mut frame.kids {
            Kids::Bytes(e) => e.next().map(|(b, n)| (u32::from(b), n)),
            Kids::CodePoints(e) => e.next(),
            Kids::Guided {
                node,
                units: list,
                len,
                next,
            } => {
                while *next < *len {
                    let u = list[usize::from(*next)];
                    *next += 1;
                    if let Some(child) = step(units, node, u) {
                        return Some((u, child));
                    }
                }
                None
            }
            Kids::Done => None,
        }
    }

    /// Advances to the next match: its distance and value (the term is `self.key`).
    fn advance(&mut self) -> Option<(u8, u64)> {
        if self.opts.limit.is_some_and(|l| self.reported >= l) {
            return None;
        }
        loop {
            let Some(k) = self.pass.filter(|_| !self.frames.is_empty()) else {
                match self.start_pass()? {
                    Some(found) => return self.count(found),
                    None => continue,
                }
            };
            let j = self.frames.len() - 1;
            let Some((u, child)) = self.next_kid() else {
                let frame = self.frames.pop()?;
                let w = 2 * k + 1;
                self.rows.truncate(j * w);
                self.path.truncate(j.saturating_sub(1));
                self.best.truncate(j);
                if let Some(parent) = self.frames.last() {
                    self.key.truncate(parent.key_len);
                }
                drop(frame);
                continue;
            };
            if let Some(found) = self.descend(j, k, u, child) {
                return self.count(found);
            }
        }
    }

    fn count(&mut self, found: (u8, u64)) -> Option<(u8, u64)> {
        self.reported += 1;
        Some(found)
    }

    /// Computes the row of `child` (level `j + 1`), and enters it if the branch is alive.
    /// Returns the child's match, if it is one.
    fn descend(&mut self, j: usize, k: usize, u: u32, child: N) -> Option<(u8, u64)> {
        let band = self.band(k);
        let w = band.width();
        let mut row = [0u8; MAX_WIDTH];
        let prev = &self.rows[j * w..(j + 1) * w];
        let prev2 = j.checked_sub(1).map(|p| &self.rows[p * w..(p + 1) * w]);
        let pu = self.path.last().copied().unwrap_or(u32::MAX);
        let min = band.next_row(j, prev, prev2, u, pu, &mut row[..w]);
        let last = band.last(j + 1, &row[..w]);
        let kk = k as u8;
        let best = if self.opts.prefix {
            self.best[j].min(last)
        } else {
            last
        };
        if min > kk && !(self.opts.prefix && best <= kk) {
            return None;
        }
        // Enter the child: its row, unit and key bytes are the new top of every stack.
        self.rows.extend_from_slice(&row[..w]);
        self.path.push(u);
        self.best.push(best);
        push_unit(self.opts.units, u, &mut self.key);
        let found = child
            .value()
            .filter(|_| self.wanted(best, k))
            .map(|v| (best, v));
        let kids = self.kids(&child, j + 1, k);
        self.frames.push(Frame {
            kids,
            key_len: self.key.len(),
        });
        found
    }

    /// The next match; the term borrows the search until the next call.
    pub fn next_match(&mut self) -> Option<Match<'_>> {
        let (distance, value) = self.advance()?;
        Some(Match {
            term: &self.key,
            distance: u32::from(distance),
            value,
        })
    }
}

impl<N: Node> Iterator for FuzzySearch<N> {
    type Item = FuzzyMatch;

    fn next(&mut self) -> Option<FuzzyMatch> {
        self.next_match().map(|m| FuzzyMatch {
            term: m.term.to_vec(),
            distance: m.distance,
            value: m.value,
        })
    }
}
