//! Fuzzy search over a dictionary of any kind, reading one version of it: the part of the
//! fuzzy cursor that is not about C (the command-line tool uses it directly).

use super::any::{u64_value, AnyDict, DawgRepr, SamRepr};
use crate::dat::DatNode;
use crate::dawg::{DawgFileNode, DawgNode};
use crate::dict::Dictionary;
use crate::error::Result;
use crate::fuzzy::{FuzzyMatch, FuzzyOptions, FuzzySearch, Match};
use crate::sam::{SamFileNode, SamNode};
use crate::store::{Reader, StoreFuzzy, StoreMatch};
use std::sync::Arc;

/// What a fuzzy cursor reads: the data of one version of the dictionary.
pub enum FuzzySource {
    /// Immutable kinds: the handle itself.
    Dict(Arc<AnyDict>),
    Dawg(Arc<DawgRepr>),
    Sam(Arc<SamRepr>),
    /// A store: the search takes its own snapshot when it opens.
    Store(Reader),
    /// An adaptive radix trie: the search collects its matches from one moment of the trie
    /// when it opens (`Art::fuzzy_snapshot`).
    Art(Arc<AnyDict>),
}

/// A running search over any kind the cursor can snapshot.
pub enum AnyFuzzy<'a> {
    DoubleArray(FuzzySearch<DatNode<'a>>),
    DawgMem(FuzzySearch<DawgNode<'a>>),
    DawgFile(FuzzySearch<DawgFileNode<'a>>),
    SamMem(FuzzySearch<SamNode<'a>>),
    SamFile(FuzzySearch<SamFileNode<'a>>),
    Store {
        search: StoreFuzzy,
        /// The result last returned, which the caller's term pointer sees.
        current: Option<StoreMatch>,
        /// Return `current` again at the next call (see [`AnyFuzzy::hold`]).
        held: bool,
    },
    /// The matches of an adaptive radix trie, collected when the search opened.
    Art {
        matches: std::vec::IntoIter<FuzzyMatch>,
        /// The result last returned, which the caller's term pointer sees.
        current: Option<FuzzyMatch>,
    },
}

/// One result as the C API reports it. `value` is an error for a store value that is not a
/// `u64`; the term and distance are reported anyway.
pub struct Hit<'a> {
    pub term: &'a [u8],
    pub distance: u32,
    pub value: Result<u64>,
}

impl<'a> From<Match<'a>> for Hit<'a> {
    fn from(m: Match<'a>) -> Self {
        Hit {
            term: m.term,
            distance: m.distance,
            value: Ok(m.value),
        }
    }
}

impl AnyFuzzy<'_> {
    /// The next result; an `Err` is a failed read of a store (I/O, damage), after which the
    /// search ends.
    pub fn next_hit(&mut self) -> Result<Option<Hit<'_>>> {
        Ok(match self {
            AnyFuzzy::DoubleArray(s) => s.next_match().map(Hit::from),
            AnyFuzzy::DawgMem(s) => s.next_match().map(Hit::from),
            AnyFuzzy::DawgFile(s) => s.next_match().map(Hit::from),
            AnyFuzzy::SamMem(s) => s.next_match().map(Hit::from),
            AnyFuzzy::SamFile(s) => s.next_match().map(Hit::from),
            AnyFuzzy::Store {
                search,
                current,
                held,
            } => {
                if !std::mem::take(held) {
                    *current = search.next().transpose()?;
                }
                current.as_ref().map(|m| Hit {
                    term: &m.term,
                    distance: m.distance,
                    value: u64_value(&m.value),
                })
            }
            AnyFuzzy::Art { matches, current } => {
                *current = matches.next();
                current.as_ref().map(|m| Hit {
                    term: &m.term,
                    distance: m.distance,
                    value: Ok(m.value),
                })
            }
        })
    }

    /// Makes the next call return the last result again. Only a store's results can need it
    /// (a batch stops before a value that is not a `u64`, so that one is reported alone).
    pub fn hold(&mut self) {
        if let AnyFuzzy::Store { held, .. } = self {
            *held = true;
        }
    }
}

impl FuzzySource {
    pub fn of(dict: &Arc<AnyDict>) -> Result<Self> {
        Ok(match &**dict {
            AnyDict::DoubleArray(_) => FuzzySource::Dict(Arc::clone(dict)),
            AnyDict::Dawg(lock) => FuzzySource::Dawg(Arc::clone(&lock.read())),
            AnyDict::Sam(lock) => FuzzySource::Sam(Arc::clone(&lock.read())),
            AnyDict::Store(r) => FuzzySource::Store(r.clone()),
            AnyDict::Art(_) => FuzzySource::Art(Arc::clone(dict)),
        })
    }

    pub fn search(&self, query: &[u8], opts: &FuzzyOptions) -> Result<AnyFuzzy<'_>> {
        Ok(match self {
            FuzzySource::Dict(d) => match &**d {
                AnyDict::DoubleArray(d) => AnyFuzzy::DoubleArray(d.fuzzy(query, opts)?),
                other => unreachable!("{} is snapshotted by kind", other.kind().name()),
            },
            FuzzySource::Dawg(r) => match &**r {
                DawgRepr::Mem(d) => AnyFuzzy::DawgMem(d.fuzzy(query, opts)?),
                DawgRepr::File(d) => AnyFuzzy::DawgFile(d.fuzzy(query, opts)?),
            },
            FuzzySource::Sam(r) => match &**r {
                SamRepr::Mem(s) => AnyFuzzy::SamMem(s.fuzzy(query, opts)?),
                SamRepr::File(s) => AnyFuzzy::SamFile(s.fuzzy(query, opts)?),
            },
            FuzzySource::Art(d) => match &**d {
                AnyDict::Art(a) => AnyFuzzy::Art {
                    matches: a.fuzzy_snapshot(query, opts)?.into_iter(),
                    current: None,
                },
                other => unreachable!("{} is not an adaptive radix trie", other.kind().name()),
            },
            FuzzySource::Store(r) => AnyFuzzy::Store {
                search: r.snapshot().fuzzy(query, opts)?,
                current: None,
                held: false,
            },
        })
    }
}
