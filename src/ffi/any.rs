//! The one dictionary handle: every backend behind a single type, chosen by kind.

use crate::dat::{DatNode, DoubleArray, DoubleArrayBuilder};
use crate::dict::Dictionary;
use crate::error::{Error, Result};
use crate::walk::PrefixWalk;
use std::path::Path;

/// Kind of dictionary: double-array trie (static, fastest lookups).
pub const DICTENSTEIN_KIND_DOUBLE_ARRAY: u32 = 1;
/// Kind of dictionary: minimal DAWG. Not built yet: creating one returns DICTENSTEIN_UNSUPPORTED.
pub const DICTENSTEIN_KIND_DAWG: u32 = 2;
/// Kind of dictionary: adaptive radix trie. Not built yet: DICTENSTEIN_UNSUPPORTED.
pub const DICTENSTEIN_KIND_ART: u32 = 3;
/// Kind of dictionary: suffix automaton. Not built yet: DICTENSTEIN_UNSUPPORTED.
pub const DICTENSTEIN_KIND_SUFFIX_AUTOMATON: u32 = 4;

/// Flag for `dictenstein_dict_open`: also check the body checksum (O(file size)).
pub const DICTENSTEIN_OPEN_VERIFY: u32 = 1;

/// A validated dictionary kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictKind {
    DoubleArray,
    Dawg,
    Art,
    SuffixAutomaton,
}

impl DictKind {
    pub fn from_u32(kind: u32) -> Result<Self> {
        Ok(match kind {
            DICTENSTEIN_KIND_DOUBLE_ARRAY => DictKind::DoubleArray,
            DICTENSTEIN_KIND_DAWG => DictKind::Dawg,
            DICTENSTEIN_KIND_ART => DictKind::Art,
            DICTENSTEIN_KIND_SUFFIX_AUTOMATON => DictKind::SuffixAutomaton,
            other => {
                return Err(Error::invalid(
                    "kind",
                    format!("unknown dictionary kind {other}"),
                ))
            }
        })
    }

    pub fn to_u32(self) -> u32 {
        match self {
            DictKind::DoubleArray => DICTENSTEIN_KIND_DOUBLE_ARRAY,
            DictKind::Dawg => DICTENSTEIN_KIND_DAWG,
            DictKind::Art => DICTENSTEIN_KIND_ART,
            DictKind::SuffixAutomaton => DICTENSTEIN_KIND_SUFFIX_AUTOMATON,
        }
    }

    fn name(self) -> &'static str {
        match self {
            DictKind::DoubleArray => "double-array trie",
            DictKind::Dawg => "DAWG (not built yet)",
            DictKind::Art => "adaptive radix trie (not built yet)",
            DictKind::SuffixAutomaton => "suffix automaton (not built yet)",
        }
    }
}

/// A builder of any kind.
pub enum AnyBuilder {
    DoubleArray(DoubleArrayBuilder),
}

impl AnyBuilder {
    pub fn new(kind: DictKind) -> Result<Self> {
        match kind {
            DictKind::DoubleArray => Ok(AnyBuilder::DoubleArray(DoubleArrayBuilder::new())),
            other => Err(Error::Unsupported {
                operation: "building",
                backend: other.name(),
            }),
        }
    }

    pub fn add(&mut self, term: &[u8], value: u64) -> Result<()> {
        match self {
            AnyBuilder::DoubleArray(b) => b.add(term, value),
        }
    }

    pub fn finish(&mut self) -> Result<AnyDict> {
        match self {
            AnyBuilder::DoubleArray(b) => Ok(AnyDict::DoubleArray(b.finish()?)),
        }
    }
}

/// A dictionary of any kind, behind one set of operations.
pub enum AnyDict {
    DoubleArray(DoubleArray),
}

/// A streaming prefix walk over any kind.
pub enum AnyWalk<'a> {
    DoubleArray(PrefixWalk<DatNode<'a>>),
}

impl AnyWalk<'_> {
    pub fn next_entry(&mut self) -> Option<(&[u8], u64)> {
        match self {
            AnyWalk::DoubleArray(w) => w.next_entry(),
        }
    }
}

impl AnyDict {
    /// Opens a saved dictionary; the kind is read from the file.
    pub fn open(path: &Path, verify: bool) -> Result<Self> {
        let d = DoubleArray::open(path)?;
        if verify {
            d.verify().map_err(|e| e.with_path(path))?;
        }
        Ok(AnyDict::DoubleArray(d))
    }

    pub fn kind(&self) -> DictKind {
        match self {
            AnyDict::DoubleArray(_) => DictKind::DoubleArray,
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        match self {
            AnyDict::DoubleArray(d) => d.save(path),
        }
    }

    pub fn verify(&self) -> Result<()> {
        match self {
            AnyDict::DoubleArray(d) => d.verify(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            AnyDict::DoubleArray(d) => d.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn size_bytes(&self) -> usize {
        match self {
            AnyDict::DoubleArray(d) => d.size_bytes(),
        }
    }

    pub fn get(&self, term: &[u8]) -> Option<u64> {
        match self {
            AnyDict::DoubleArray(d) => d.get(term),
        }
    }

    pub fn longest_prefix(&self, text: &[u8]) -> Option<(usize, u64)> {
        match self {
            AnyDict::DoubleArray(d) => d.longest_prefix(text),
        }
    }

    pub fn prefix_walk(&self, prefix: &[u8]) -> AnyWalk<'_> {
        match self {
            AnyDict::DoubleArray(d) => AnyWalk::DoubleArray(d.prefix_walk(prefix)),
        }
    }
}
