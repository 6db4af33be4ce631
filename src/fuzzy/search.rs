//! The streaming search: a depth-first walk of any dictionary's automaton that carries one
//! row of the edit-distance matrix per level (banded cells or bit-parallel words, see
//! `row.rs` and `bits.rs`) and abandons a branch as soon as every cell of its row exceeds the
//! budget.
//!
//! Three things keep it fast. A node whose row has no budget to spare (every live cell already
//! equals `k`) can only be extended by matches: every term below it ends a query suffix that
//! a live cell allows (see `Band::suffixes`), so the walk follows those suffixes straight
//! down (`enter_suffixes`) and only the nodes within `k - 1` edits of a query prefix are
//! listed child by child. A node exactly `k - 1` edits away has most of those children:
//! there every child is sorted out before any is entered (`pick`), sharing one row among the
//! children whose unit is not in the query and following all their suffixes together, so
//! that their cache misses overlap. And memory is a row, a unit and an edge iterator per
//! level, so results stream without being collected.
//!
//! Ordered searches run one pass per distance `0, 1, ..= k`, each reporting only the terms at
//! exactly that distance; within a pass the walk goes in byte order, so results come sorted by
//! (distance, term) with nothing buffered.

use super::bits::Bits;
use super::row::{sort_unique_tail, Band, Engine, Suffix};
use super::units::{push_unit, step, Utf8Edges};
use super::{FuzzyOptions, Units};
use crate::dict::Node;

/// How a frame lists the children it still has to try.
enum Kids<N: Node> {
    /// Every child, by byte.
    Bytes(N::Edges),
    /// Every child, by whole code point.
    CodePoints(Utf8Edges<N>),
    /// Only the children labelled with the units `cands[next..end]` (ascending), from
    /// `node`; the units sit on the walk's candidate stack.
    Guided {
        node: N,
        start: u32,
        next: u32,
        end: u32,
    },
    /// Only the terms that end one of the query suffixes `cands[next..end]` ([`Suffix`]
    /// values, in the order of their units) below `node`, which has no budget to spare.
    Suffixes {
        node: N,
        start: u32,
        next: u32,
        end: u32,
    },
    /// Only the children `picked[next..end]` (by unit, ascending) of a node one edit short of
    /// its budget: the others were found dead before any was entered (see `Walk::pick`).
    Picked { start: u32, next: u32, end: u32 },
    /// None (the depth limit).
    Done,
}

/// A query suffix being followed below one child, one unit per round (see `Walk::pick`),
/// once its first unit has been taken: what is left of it is always `query[at..]`.
struct Trail<N> {
    /// The child's index in `picked`.
    child: u32,
    /// The query index of the next unit to follow.
    at: u32,
    /// Where the trail is: the node after each unit followed so far.
    node: N,
}

/// What the top frame yields next.
enum Kid<N> {
    /// A child to enter, by unit.
    Edge(u32, N),
    /// A term at the end of query suffix `.0` (a [`Suffix`] value), with its node and value.
    Term(u32, N, u64),
}

/// One node on the current path: the children still to try, and what the walk knows there.
/// Its row of the matrix is at the same index in `rows`.
struct Frame<N: Node> {
    kids: Kids<N>,
    /// Length of the key (bytes) at this node.
    key_len: usize,
    /// Units from the root to this node: the row's level `j`.
    depth: usize,
    /// The unit on the edge into this node (for transpositions).
    unit: u32,
    /// The smallest `D[.][m]` on the path down to here (prefix mode).
    best: u8,
    /// The smallest cell of the row.
    min: u8,
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
pub struct FuzzySearch<N: Node>(Engines<N>);

/// The search with the row engine chosen for its query.
enum Engines<N: Node> {
    Bits(Walk<N, Bits>),
    Band(Walk<N, Band>),
}

impl<N: Node> FuzzySearch<N> {
    pub(super) fn new(root: N, query: Vec<u32>, opts: FuzzyOptions, max_depth: usize) -> Self {
        let bytes = opts.units == Units::Bytes;
        FuzzySearch(
            match Bits::new(&query, opts.metric, bytes, opts.max_distance as usize) {
                Some(bits) => Engines::Bits(Walk::new(root, bits, opts, max_depth)),
                None => Engines::Band(Walk::new(
                    root,
                    Band {
                        query,
                        metric: opts.metric,
                        k: 0,
                    },
                    opts,
                    max_depth,
                )),
            },
        )
    }

    /// The next match; the term borrows the search until the next call.
    pub fn next_match(&mut self) -> Option<Match<'_>> {
        let (walk_key, found) = match &mut self.0 {
            Engines::Bits(w) => {
                let f = w.advance()?;
                (&w.key, f)
            }
            Engines::Band(w) => {
                let f = w.advance()?;
                (&w.key, f)
            }
        };
        Some(Match {
            term: walk_key,
            distance: u32::from(found.0),
            value: found.1,
        })
    }
}

/// The depth-first walk, with rows computed by engine `E`.
struct Walk<N: Node, E: Engine> {
    root: N,
    engine: E,
    opts: FuzzyOptions,
    max_depth: usize,
    /// Budget of the current pass; `None` before the first pass.
    pass: Option<usize>,
    frames: Vec<Frame<N>>,
    /// One row per frame.
    rows: Vec<E::Row>,
    key: Vec<u8>,
    reported: usize,
    /// Candidate units of the guided frames on the path, a stack like `rows`.
    cands: Vec<u32>,
    /// Children of the picked frames on the path, a stack like `cands`, and whether each
    /// one is worth entering.
    picked: Vec<(u32, N, bool)>,
    /// Scratch for `pick`: the suffixes being followed, the suffixes shared by the children
    /// whose unit is not in the query, and those of one other child. The lists hold each
    /// suffix decoded once as its first byte and the query index after it, as every child
    /// tries them.
    trails: Vec<Trail<N>>,
    shared: Vec<(u8, u32)>,
    own: Vec<(u8, u32)>,
}

impl<N: Node, E: Engine> Walk<N, E> {
    fn new(root: N, engine: E, opts: FuzzyOptions, max_depth: usize) -> Self {
        Walk {
            root,
            engine,
            opts,
            max_depth,
            pass: None,
            frames: Vec::new(),
            rows: Vec::new(),
            key: Vec::new(),
            reported: 0,
            cands: Vec::new(),
            picked: Vec::new(),
            trails: Vec::new(),
            shared: Vec::new(),
            own: Vec::new(),
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

    /// The match `node` makes at `distance` in the pass with budget `k`, if it is a term that
    /// the pass reports (the distance is checked first: reading a value costs more).
    fn found(&self, node: &N, distance: u8, k: usize) -> Option<(u8, u64)> {
        if self.wanted(distance, k) {
            node.value().map(|v| (distance, v))
        } else {
            None
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
        self.engine.set_budget(k);
        let row = self.engine.first();
        let last = self.engine.last(0, &row);
        let min = self.engine.min(0, &row);
        self.rows.clear();
        self.key.clear();
        self.frames.clear();
        self.cands.clear();
        self.picked.clear();
        let root = self.root.clone();
        let found = self.found(&root, last, k);
        self.push(root, row, k, 0, u32::MAX, last, min);
        Some(found)
    }

    /// Makes `node` (at `depth` units, with `row`) the top of the path.
    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, node: N, row: E::Row, k: usize, depth: usize, unit: u32, best: u8, min: u8) {
        self.rows.push(row);
        self.frames.push(Frame {
            kids: Kids::Done,
            key_len: self.key.len(),
            depth,
            unit,
            best,
            min,
        });
        let kids = self.kids(&node, k);
        if let Some(top) = self.frames.last_mut() {
            top.kids = kids;
        }
    }

    /// Whether the branch below frame `f` is listed whole (prefix mode, query matched).
    fn listing(&self, f: usize, k: usize) -> bool {
        self.opts.prefix && usize::from(self.frames[f].best) <= k
    }

    /// How the top frame's node lists its children.
    fn kids(&mut self, node: &N, k: usize) -> Kids<N> {
        if self.key.len() >= self.max_depth {
            return Kids::Done;
        }
        let f = self.frames.len() - 1;
        let kk = k as u8;
        let frame = &self.frames[f];
        let prev = f.checked_sub(1).map(|p| &self.rows[p]);
        let slack = frame.min < kk
            || (self.opts.metric == super::Metric::MergeSplit
                && f > 0
                && self.frames[f - 1].min < kk);
        let listing = self.listing(f, k);
        if !listing && frame.min + 1 == kk && self.opts.units == Units::Bytes && self.by_suffixes()
        {
            return self.pick(node, k);
        }
        if listing || slack {
            return match self.opts.units {
                Units::Bytes => Kids::Bytes(node.edges()),
                Units::CodePoints => Kids::CodePoints(Utf8Edges::new(node)),
            };
        }
        if frame.min > kk {
            return Kids::Done;
        }
        // Every term below ends a query suffix the row allows, matched exactly.
        let next = self.cands.len() as u32;
        let cands = &mut self.cands;
        self.engine
            .suffixes(frame.depth, &self.rows[f], prev, frame.unit, |e| {
                cands.push(e)
            });
        let query = self.engine.query();
        if self.by_suffixes() {
            // Follow each one straight down, with no row and no frame per level.
            Suffix::sort(query, &mut self.cands[next as usize..]);
            return Kids::Suffixes {
                node: node.clone(),
                start: next,
                next,
                end: self.cands.len() as u32,
            };
        }
        // Or level by level: only the suffixes' first units are worth following from here.
        for c in &mut self.cands[next as usize..] {
            *c = Suffix::first(query, *c);
        }
        sort_unique_tail(&mut self.cands, next as usize);
        Kids::Guided {
            node: node.clone(),
            start: next,
            next,
            end: self.cands.len() as u32,
        }
    }
    /// What the top frame yields next.
    fn next_kid(&mut self) -> Option<Kid<N>> {
        let units = self.opts.units;
        let frame = self.frames.last_mut()?;
        match &mut frame.kids {
            Kids::Bytes(e) => e.next().map(|(b, n)| Kid::Edge(u32::from(b), n)),
            Kids::CodePoints(e) => e.next().map(|(u, n)| Kid::Edge(u, n)),
            Kids::Guided {
                node, next, end, ..
            } => {
                while *next < *end {
                    let u = self.cands[*next as usize];
                    *next += 1;
                    if let Some(child) = step(units, node, u) {
                        return Some(Kid::Edge(u, child));
                    }
                }
                None
            }
            Kids::Suffixes {
                node, next, end, ..
            } => {
                let query = self.engine.query();
                while *next < *end {
                    let e = self.cands[*next as usize];
                    *next += 1;
                    let end = follow(units, query, node, e);
                    if let Some((end, v)) = end.and_then(|n| n.value().map(|v| (n, v))) {
                        return Some(Kid::Term(e, end, v));
                    }
                }
                None
            }
            Kids::Picked { next, end, .. } => {
                while *next < *end {
                    let (u, ref child, keep) = self.picked[*next as usize];
                    *next += 1;
                    if keep {
                        return Some(Kid::Edge(u, child.clone()));
                    }
                }
                None
            }
            Kids::Done => None,
        }
    }

    /// Lists the children of the top frame's node, which is one edit short of its budget
    /// (`min == k - 1`), so some children have budget to spare and the others none. A child
    /// with none is worth entering only if it is a match itself or one of its query
    /// suffixes ends at a term below it (see `enter_suffixes`), and most are neither. So
    /// every child's row is computed here first. Each suffix of a child with no budget
    /// takes its first unit at once, where most fail; the survivors of all the children are
    /// then followed together, one unit per round: each round's loads are independent of
    /// each other, so their cache misses overlap instead of queueing one suffix after the
    /// other. Children found dead are dropped or marked, and never entered.
    fn pick(&mut self, node: &N, k: usize) -> Kids<N> {
        let kk = k as u8;
        let f = self.frames.len() - 1;
        let (j, pu) = (self.frames[f].depth, self.frames[f].unit);
        let start = self.picked.len();
        let row = &self.rows[f];
        let prev = f.checked_sub(1).map(|p| &self.rows[p]);
        self.trails.clear();
        // Children whose unit is not in the query all get one row and one suffix list: made
        // at the first of them, kept in `shared` and `self.shared`.
        let mut shared = None;
        for (b, child) in node.edges() {
            let u = u32::from(b);
            let common = !self.engine.in_query(u);
            let (min, last) = match shared {
                Some(ml) if common => ml,
                _ => {
                    let crow = self.engine.next(j, row, prev, u, pu);
                    let ml = (
                        self.engine.min(j + 1, &crow),
                        self.engine.last(j + 1, &crow),
                    );
                    let list = if common {
                        &mut self.shared
                    } else {
                        &mut self.own
                    };
                    list.clear();
                    if ml.0 == kk {
                        let query = self.engine.query();
                        self.engine.suffixes(j + 1, &crow, Some(row), u, |e| {
                            list.push((Suffix::first(query, e) as u8, Suffix::after_first(e)))
                        });
                    }
                    if common {
                        shared = Some(ml);
                    }
                    ml
                }
            };
            if min > kk {
                continue;
            }
            let keep = min < kk || (self.wanted(last, k) && child.is_final());
            if !keep {
                let idx = self.picked.len() as u32;
                let list = if common { &self.shared } else { &self.own };
                // Most suffixes fail at their first unit, tried right here while the child
                // is at hand: only the survivors cost a trail (10% faster on English words
                // at distance 2 than trails that all start at the child and take their
                // first unit in the first round).
                let before = self.trails.len();
                for &(first, at) in list {
                    if let Some(node) = child.transition(first) {
                        self.trails.push(Trail {
                            child: idx,
                            at,
                            node,
                        });
                    }
                }
                if self.trails.len() == before {
                    // Dead: no trail left to make it worth entering.
                    continue;
                }
            }
            self.picked.push((u, child, keep));
        }
        self.follow_trails();
        Kids::Picked {
            start: start as u32,
            next: start as u32,
            end: self.picked.len() as u32,
        }
    }

    /// Follows every trail of `pick` one unit per round, dropping those that leave the
    /// dictionary; a trail that reaches a term marks its child worth entering (its other
    /// trails then stop: one is enough).
    fn follow_trails(&mut self) {
        let query = self.engine.query();
        while !self.trails.is_empty() {
            let mut alive = 0;
            for r in 0..self.trails.len() {
                let t = &self.trails[r];
                let keep = &mut self.picked[t.child as usize].2;
                if *keep {
                    continue;
                }
                let Some(&unit) = query.get(t.at as usize) else {
                    *keep = t.node.is_final();
                    continue;
                };
                if let Some(node) = t.node.transition(unit as u8) {
                    self.trails[alive] = Trail {
                        node,
                        at: t.at + 1,
                        ..self.trails[r]
                    };
                    alive += 1;
                }
            }
            self.trails.truncate(alive);
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
            let Some(kid) = self.next_kid() else {
                match self.frames.pop() {
                    Some(Frame {
                        kids: Kids::Guided { start, .. } | Kids::Suffixes { start, .. },
                        ..
                    }) => {
                        // Frames above it are gone, so its candidates are the top of the stack.
                        self.cands.truncate(start as usize);
                    }
                    Some(Frame {
                        kids: Kids::Picked { start, .. },
                        ..
                    }) => self.picked.truncate(start as usize),
                    _ => {}
                }
                self.rows.pop();
                if let Some(parent) = self.frames.last() {
                    self.key.truncate(parent.key_len);
                }
                continue;
            };
            match kid {
                Kid::Edge(u, child) => {
                    if let Some(found) = self.descend(k, u, child) {
                        return self.count(found);
                    }
                }
                Kid::Term(e, node, value) => {
                    let found = self.enter_term(k, e, node, value);
                    return self.count(found);
                }
            }
        }
    }

    fn count(&mut self, found: (u8, u64)) -> Option<(u8, u64)> {
        self.reported += 1;
        Some(found)
    }

    /// Computes the row of `child` (one unit below the top frame) and enters it if the branch
    /// is alive. Returns the match it makes, if any.
    fn descend(&mut self, k: usize, u: u32, child: N) -> Option<(u8, u64)> {
        let kk = k as u8;
        let f = self.frames.len() - 1;
        let parent = &self.frames[f];
        let (j, pu, parent_best) = (parent.depth, parent.unit, parent.best);
        // A dead parent row (a listed branch) only has dead children; skipping the step also
        // keeps rows of unrelated depths (below a jump, see `jump`) out of the recurrence.
        let row = if parent.min <= kk {
            let prev2 = f.checked_sub(1).map(|p| &self.rows[p]);
            self.engine.next(j, &self.rows[f], prev2, u, pu)
        } else {
            self.engine.dead()
        };
        let min = self.engine.min(j + 1, &row);
        let last = self.engine.last(j + 1, &row);
        let best = if self.opts.prefix {
            parent_best.min(last)
        } else {
            last
        };
        let listed = self.opts.prefix && best <= kk;
        if min > kk && !listed {
            return None;
        }
        if !listed && min == kk && self.by_suffixes() {
            return self.enter_suffixes(k, u, child, row, best);
        }
        if !listed && self.opts.metric != super::Metric::MergeSplit && min == kk {
            if let Some(p) = self.engine.single_live(j + 1, &row) {
                if p < self.engine.query().len() && self.parent_has_no_slack(f, k) {
                    return self.jump(k, u, child, j + 1, p);
                }
            }
        }
        push_unit(self.opts.units, u, &mut self.key);
        let found = self.found(&child, best, k);
        self.push(child, row, k, j + 1, u, best, min);
        found
    }

    /// Whether a node with no budget to spare is searched by following query suffixes (see
    /// [`Band::suffixes`](super::row::Band::suffixes)). Not in prefix mode, where the whole
    /// branch below a matched query is listed, nor with merges and splits, whose steps reach
    /// back differently.
    fn by_suffixes(&self) -> bool {
        !self.opts.prefix && self.opts.metric != super::Metric::MergeSplit
    }

    /// `child` (one unit `u` below the top frame, with `row`) has no budget to spare: every
    /// term below it ends one of the query suffixes the row allows, matched exactly. Follows
    /// each suffix at once and enters the child only if it is a match or some suffix ends at
    /// a term; most such children are neither and cost no frame. Returns the child's match.
    fn enter_suffixes(
        &mut self,
        k: usize,
        u: u32,
        child: N,
        row: E::Row,
        best: u8,
    ) -> Option<(u8, u64)> {
        let f = self.frames.len() - 1;
        let depth = self.frames[f].depth + 1;
        let start = self.cands.len();
        let (units, query) = (self.opts.units, self.engine.query());
        // Most suffixes fail at their first unit. That first step is tried for all of them
        // with no branch on its outcome (which no predictor guesses): each suffix is written
        // at the end of the survivors, which grow by one only if it passed.
        let cands = &mut self.cands;
        let mut passed = start;
        self.engine
            .suffixes(depth, &row, Some(&self.rows[f]), u, |e| {
                cands.push(e);
                cands[passed] = e;
                passed += usize::from(first_step(units, query, &child, e));
            });
        cands.truncate(passed);
        // Only the survivors that end at a term are kept; the frame follows them again as it
        // reports them (a few per query), rather than holding their end nodes.
        let mut kept = start;
        for i in start..passed {
            let e = cands[i];
            if follow(units, query, &child, e).is_some_and(|n| n.is_final()) {
                cands[kept] = e;
                kept += 1;
            }
        }
        cands.truncate(kept);
        let found = self.found(&child, best, k);
        if kept == start && found.is_none() {
            return None;
        }
        Suffix::sort(query, &mut self.cands[start..]);
        push_unit(units, u, &mut self.key);
        self.rows.push(row);
        let kids = Kids::Suffixes {
            node: child,
            start: start as u32,
            next: start as u32,
            end: self.cands.len() as u32,
        };
        self.frames.push(Frame {
            kids,
            key_len: self.key.len(),
            depth,
            unit: u,
            best,
            min: k as u8,
        });
        found
    }

    /// Enters `node`, the end of query suffix `e` below the top frame, a term at distance `k`
    /// (its path from the frame's node matches the suffix exactly, and the frame has no
    /// budget to spare). Its frame has nothing below, so the walk leaves it next.
    fn enter_term(&mut self, k: usize, e: u32, node: N, value: u64) -> (u8, u64) {
        let units = self.opts.units;
        let (head, tail) = Suffix::units(self.engine.query(), e);
        let parent = &self.frames[self.frames.len() - 1];
        let depth = parent.depth + usize::from(head.is_some()) + tail.len();
        let unit = tail.last().copied().or(head).unwrap_or(parent.unit);
        for u in head.into_iter().chain(tail.iter().copied()) {
            push_unit(units, u, &mut self.key);
        }
        let kk = k as u8;
        let dead = self.engine.dead();
        self.push(node, dead, k, depth, unit, kk, kk + 1);
        (kk, value)
    }

    /// Whether frame `f`'s row has no cell below `k` (so a transposition cannot start there).
    fn parent_has_no_slack(&self, f: usize, k: usize) -> bool {
        self.opts.metric == super::Metric::Levenshtein || self.frames[f].min >= k as u8
    }

    /// The child's row has one live cell, at query column `p < m`, and no budget to spare,
    /// and no row above it can start a transposition: the only way on is to match the rest
    /// of the query exactly. Follows it in one go instead of level by level; enters the end
    /// node (distance `k`) if the whole rest is there. Returns its match, if any.
    fn jump(&mut self, k: usize, u: u32, child: N, depth: usize, p: usize) -> Option<(u8, u64)> {
        let units = self.opts.units;
        let query = self.engine.query();
        let mut node = child;
        for &q in &query[p..] {
            node = step(units, &node, q)?;
        }
        let rest = &query[p..];
        push_unit(units, u, &mut self.key);
        for &q in rest {
            push_unit(units, q, &mut self.key);
        }
        let (depth, unit) = (depth + rest.len(), query[query.len() - 1]);
        let kk = k as u8;
        let found = self.found(&node, kk, k);
        // No further unit keeps a row within budget (the last column is reached and nothing
        // has slack), so the end node is dead except as the root of a listed branch in prefix
        // mode, where every term below is at distance `k`.
        let dead = self.engine.dead();
        self.push(node, dead, k, depth, unit, kk, kk + 1);
        found
    }
}

/// Whether the first unit of query suffix `e` leaves `node` (with byte units; in code-point
/// mode every suffix passes, to be followed in full).
#[inline]
fn first_step<N: Node>(units: Units, query: &[u32], node: &N, e: u32) -> bool {
    units == Units::CodePoints || node.has_edge(Suffix::first(query, e) as u8)
}

/// The node at the end of query suffix `e` (a [`Suffix`] value) below `node`, if the path
/// is there.
#[inline]
fn follow<N: Node>(units: Units, query: &[u32], node: &N, e: u32) -> Option<N> {
    let (head, tail) = Suffix::units(query, e);
    // The unit kind is matched once per suffix, not at every step.
    match units {
        Units::Bytes => follow_units(node, head, tail, |n, u| n.transition(u as u8)),
        Units::CodePoints => follow_units(node, head, tail, |n, u| step(units, n, u)),
    }
}

/// The node reached from `node` by `head` (if any), then every unit of `tail`, by `step`.
#[inline(always)]
fn follow_units<N: Node>(
    node: &N,
    head: Option<u32>,
    tail: &[u32],
    step: impl Fn(&N, u32) -> Option<N>,
) -> Option<N> {
    let mut n = match head {
        Some(u) => step(node, u)?,
        None => node.clone(),
    };
    for &u in tail {
        n = step(&n, u)?;
    }
    Some(n)
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
