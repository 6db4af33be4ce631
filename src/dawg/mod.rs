//! Minimal DAWG (directed acyclic word graph): a trie whose equal suffixes are shared, kept
//! minimal by every insert and remove, with `u64` values stored by term rank.
//!
//! [`Dawg`] is the editable in-memory form; [`DawgFile`] is the compact saved form, opened
//! through mmap without copying (format in `docs/format.md`).

mod file;
mod graph;
mod v1;
mod values;

pub use file::{DawgFile, DawgFileEdges, DawgFileNode};

use crate::dict::{Dictionary, MutableDictionary, Node};
use crate::error::{Error, Result};
use crate::MAX_TERM_LEN;
use graph::{Graph, StateId, ROOT};
use std::path::Path;
use values::RankedValues;

/// An editable minimal DAWG. After any sequence of inserts and removes its state count equals
/// that of the minimal automaton built from scratch for the same terms.
#[derive(Debug, Clone)]
pub struct Dawg {
    g: Graph,
    values: RankedValues,
    max_len: usize,
}

impl Default for Dawg {
    fn default() -> Self {
        Self::new()
    }
}

fn check_term(term: &[u8]) -> Result<()> {
    if term.len() > MAX_TERM_LEN {
        return Err(Error::TermTooLong {
            len: term.len(),
            max: MAX_TERM_LEN,
        });
    }
    Ok(())
}

impl Dawg {
    pub fn new() -> Self {
        Dawg {
            g: Graph::new(),
            values: RankedValues::default(),
            max_len: 0,
        }
    }

    /// Builds from pairs in any order; when a term repeats, the last value wins.
    pub fn from_pairs(mut pairs: Vec<(Vec<u8>, u64)>) -> Result<Self> {
        for (t, _) in &pairs {
            check_term(t)?;
        }
        // Stable sort keeps insertion order among equal terms; keep the last of each run.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut dedup: Vec<(Vec<u8>, u64)> = Vec::with_capacity(pairs.len());
        for p in pairs {
            match dedup.last_mut() {
                Some(last) if last.0 == p.0 => *last = p,
                _ => dedup.push(p),
            }
        }
        Ok(Self::from_sorted_unique(
            dedup.iter().map(|(t, v)| (&t[..], *v)),
        ))
    }

    /// Builds from terms in strictly increasing order (the caller guarantees it).
    pub(crate) fn from_sorted_unique<'a>(
        pairs: impl Iterator<Item = (&'a [u8], u64)> + Clone,
    ) -> Self {
        let g = Graph::from_sorted(pairs.clone().map(|p| p.0));
        let max_len = pairs.clone().map(|p| p.0.len()).max().unwrap_or(0);
        let values = RankedValues::from_vec(pairs.map(|p| p.1).collect());
        Dawg { g, values, max_len }
    }

    /// Number of states, the root included (the measure of minimality).
    pub fn state_count(&self) -> usize {
        self.g.state_count()
    }

    pub fn edge_count(&self) -> usize {
        self.g.edge_count()
    }

    /// Heap bytes held: states with their edge vectors, the register and the values.
    pub fn heap_bytes(&self) -> usize {
        self.g.heap_bytes() + self.values.len() * 8
    }

    /// Adds or overwrites; returns the previous value.
    fn put(&mut self, term: &[u8], value: u64, overwrite: bool) -> Result<Option<u64>> {
        check_term(term)?;
        let (path, rank) = self.g.walk(term);
        if path.len() == term.len() + 1
            && self.g.states[*path.last().expect("root") as usize].is_final
        {
            let old = self
                .values
                .get(rank as usize)
                .expect("rank of a present term");
            if overwrite {
                self.values.set(rank as usize, value);
            }
            return Ok(Some(old));
        }
        let rank = self.g.add(term);
        self.values.insert(rank as usize, value);
        self.max_len = self.max_len.max(term.len());
        Ok(None)
    }

    /// Saves the compact form atomically (temporary file, fsync, rename, directory fsync).
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::bytes::write_atomic(path, &file::encode(self)?)
    }

    /// The compact form in memory.
    pub fn to_file_bytes(&self) -> Result<Vec<u8>> {
        file::encode(self)
    }
}

impl MutableDictionary for Dawg {
    fn insert(&mut self, term: &[u8], value: u64) -> Result<bool> {
        Ok(self.put(term, value, false)?.is_none())
    }

    fn upsert(&mut self, term: &[u8], value: u64) -> Result<Option<u64>> {
        self.put(term, value, true)
    }

    fn remove(&mut self, term: &[u8]) -> Result<Option<u64>> {
        check_term(term)?;
        let (path, rank) = self.g.walk(term);
        if path.len() != term.len() + 1
            || !self.g.states[*path.last().expect("root") as usize].is_final
        {
            return Ok(None);
        }
        self.g.delete(term, path);
        Ok(Some(self.values.remove(rank as usize)))
    }
}

/// A state of an in-memory [`Dawg`] with the rank of the terms it leads to.
#[derive(Clone, Copy)]
pub struct DawgNode<'a> {
    dawg: &'a Dawg,
    state: StateId,
    /// Number of terms that come before every term below this state.
    rank: u64,
}

impl<'a> Node for DawgNode<'a> {
    type Edges = DawgEdges<'a>;

    fn transition(&self, unit: u8) -> Option<Self> {
        let t = self.dawg.g.target(self.state, unit)?;
        Some(DawgNode {
            state: t,
            rank: self.rank + self.dawg.g.rank_before(self.state, unit),
            ..*self
        })
    }

    fn value(&self) -> Option<u64> {
        if self.dawg.g.states[self.state as usize].is_final {
            self.dawg.values.get(self.rank as usize)
        } else {
            None
        }
    }

    fn edges(&self) -> DawgEdges<'a> {
        let st = &self.dawg.g.states[self.state as usize];
        DawgEdges {
            node: *self,
            next: 0,
            rank: self.rank + st.is_final as u64,
        }
    }
}

/// Edges of a [`DawgNode`] in byte order.
pub struct DawgEdges<'a> {
    node: DawgNode<'a>,
    next: usize,
    rank: u64,
}

impl<'a> Iterator for DawgEdges<'a> {
    type Item = (u8, DawgNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let g = &self.node.dawg.g;
        let &(label, t) = g.states[self.node.state as usize].edges.get(self.next)?;
        self.next += 1;
        let child = DawgNode {
            state: t,
            rank: self.rank,
            ..self.node
        };
        self.rank += g.states[t as usize].count;
        Some((label, child))
    }
}

impl Dictionary for Dawg {
    type Node<'a> = DawgNode<'a>;

    fn root(&self) -> DawgNode<'_> {
        DawgNode {
            dawg: self,
            state: ROOT,
            rank: 0,
        }
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    fn max_term_len(&self) -> usize {
        self.max_len
    }
}
