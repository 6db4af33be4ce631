//! The queries, written once over the few reads both forms (editable and saved) provide.

use super::graph::{NONE, ROOT};

/// Reads an automaton. The saved form answers from a file that may be damaged, so every
/// read may come back empty and the algorithms below stay finite whatever they read.
pub(crate) trait Automaton {
    fn transition(&self, v: u32, c: u8) -> Option<u32>;
    fn state_len(&self, v: u32) -> u32;
    /// Suffix link; NONE for the root.
    fn link(&self, v: u32) -> u32;

    /// The state reached by spelling `pattern` from the root (a form may do it faster than
    /// one `transition` per letter).
    fn find(&self, pattern: &[u8]) -> Option<u32> {
        pattern.iter().try_fold(ROOT, |v, &c| self.transition(v, c))
    }
}

/// The state reached by spelling `pattern` from the root.
pub(crate) fn find(a: &impl Automaton, pattern: &[u8]) -> Option<u32> {
    a.find(pattern)
}

/// The longest substring of `query` that is a substring of the texts: its start in the
/// query, its length and its state. `None` when no byte of the query occurs.
pub(crate) fn longest_common(a: &impl Automaton, query: &[u8]) -> Option<(usize, usize, u32)> {
    let (mut v, mut l) = (ROOT, 0usize);
    let mut best: Option<(usize, usize, u32)> = None;
    for (i, &c) in query.iter().enumerate() {
        loop {
            if let Some(t) = a.transition(v, c) {
                v = t;
                l += 1;
                break;
            }
            if v == ROOT {
                l = 0;
                break;
            }
            // Drop the longest matched prefix that cannot be extended: the suffix link names
            // the longest suffix with other end positions. A link must lead to a shorter
            // state; a damaged file that says otherwise restarts from the root instead of
            // looping.
            let p = a.link(v);
            if p == NONE || a.state_len(p) >= a.state_len(v) {
                v = ROOT;
                l = 0;
            } else {
                v = p;
                l = l.min(a.state_len(p) as usize);
            }
        }
        if l > best.map_or(0, |b| b.1) {
            best = Some((i + 1 - l, l, v));
        }
    }
    best
}

/// Where each text starts in the concatenation (texts joined by one separator each).
#[derive(Debug, Clone, Default)]
pub(crate) struct TextMap {
    starts: Vec<u64>,
    lens: Vec<u64>,
    /// The longest length, kept so walks learn their depth bound in O(1).
    max: u64,
}

impl TextMap {
    pub(crate) fn from_lens(lens: impl Iterator<Item = u64>) -> Self {
        let mut m = TextMap::default();
        for len in lens {
            m.push(len);
        }
        m
    }

    /// Records a text of `len` bytes appended after the current ones.
    pub(crate) fn push(&mut self, len: u64) {
        let start = match (self.starts.last(), self.lens.last()) {
            (Some(s), Some(l)) => s + l + 1,
            _ => 0,
        };
        self.starts.push(start);
        self.lens.push(len);
        self.max = self.max.max(len);
    }

    pub(crate) fn count(&self) -> usize {
        self.lens.len()
    }

    pub(crate) fn len_of(&self, text: usize) -> Option<u64> {
        self.lens.get(text).copied()
    }

    pub(crate) fn lens(&self) -> &[u64] {
        &self.lens
    }

    /// Length of the concatenation, separators included.
    pub(crate) fn total(&self) -> u64 {
        match (self.starts.last(), self.lens.last()) {
            (Some(s), Some(l)) => s + l,
            _ => 0,
        }
    }

    pub(crate) fn max_len(&self) -> u64 {
        self.max
    }

    /// Occurrences of the empty string: every offset of every text, end included.
    pub(crate) fn empty_count(&self) -> u64 {
        self.lens.iter().map(|l| l + 1).sum()
    }

    /// How many letters of text end at concatenation index `e`: 0 at a separator.
    pub(crate) fn run_ending_at(&self, e: u64) -> u64 {
        match self.starts.partition_point(|&s| s <= e).checked_sub(1) {
            Some(t) if e < self.starts[t] + self.lens[t] => e - self.starts[t] + 1,
            _ => 0,
        }
    }

    /// The text and offset of an occurrence of a `plen`-byte pattern that ends at
    /// concatenation index `end`; `None` for an impossible position (a damaged file).
    pub(crate) fn locate(&self, end: u64, plen: u64) -> Option<Occurrence> {
        let start = (end + 1).checked_sub(plen)?;
        let text = self
            .starts
            .partition_point(|&s| s <= start)
            .checked_sub(1)?;
        let offset = start - self.starts[text];
        (offset + plen <= self.lens[text]).then_some(Occurrence {
            text: text as u32,
            offset,
        })
    }
}

/// One occurrence of a pattern: which text (numbered from 0 in the order appended) and the
/// byte offset where it starts in that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Occurrence {
    pub text: u32,
    pub offset: u64,
}

/// The positions of one state's run, as either form stores them.
#[derive(Clone)]
pub(crate) enum Positions<'a> {
    Native(&'a [u32]),
    /// Little-endian `u32`s in a file.
    Le(&'a [u8]),
}

impl Positions<'_> {
    fn get(&self, i: usize) -> Option<u32> {
        match self {
            Positions::Native(p) => p.get(i).copied(),
            Positions::Le(b) => crate::format::le_u32(b, i * 4),
        }
    }
}

/// Streams the occurrences of a pattern, in an order fixed by the structure (not sorted),
/// holding no memory beyond itself.
#[derive(Clone)]
pub struct Occurrences<'a> {
    inner: OccInner<'a>,
    texts: &'a TextMap,
}

#[derive(Clone)]
enum OccInner<'a> {
    Run {
        positions: Positions<'a>,
        next: usize,
        end: usize,
        plen: u64,
    },
    /// The empty pattern: every offset of every text.
    Empty { text: usize, offset: u64 },
}

impl<'a> Occurrences<'a> {
    pub(crate) fn none(texts: &'a TextMap) -> Self {
        Self::run(texts, Positions::Native(&[]), 0, 0, 0)
    }

    pub(crate) fn run(
        texts: &'a TextMap,
        positions: Positions<'a>,
        lo: usize,
        count: usize,
        plen: usize,
    ) -> Self {
        Occurrences {
            inner: OccInner::Run {
                positions,
                next: lo,
                end: lo.saturating_add(count),
                plen: plen as u64,
            },
            texts,
        }
    }

    pub(crate) fn every_offset(texts: &'a TextMap) -> Self {
        Occurrences {
            inner: OccInner::Empty { text: 0, offset: 0 },
            texts,
        }
    }
}

impl Iterator for Occurrences<'_> {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        match &mut self.inner {
            OccInner::Run {
                positions,
                next,
                end,
                plen,
            } => {
                while *next < *end {
                    let i = *next;
                    *next += 1;
                    // A position a damaged file makes impossible is skipped, not invented.
                    if let Some(o) = positions
                        .get(i)
                        .and_then(|e| self.texts.locate(e as u64, *plen))
                    {
                        return Some(o);
                    }
                }
                None
            }
            OccInner::Empty { text, offset } => {
                let len = self.texts.len_of(*text)?;
                let o = Occurrence {
                    text: *text as u32,
                    offset: *offset,
                };
                if *offset == len {
                    *text += 1;
                    *offset = 0;
                } else {
                    *offset += 1;
                }
                Some(o)
            }
        }
    }
}

/// The longest common substring of a query with the texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommonSubstring {
    /// Where it starts in the query.
    pub query_offset: usize,
    /// Its length in bytes (at least 1).
    pub len: usize,
    /// One of its occurrences in the texts (the first the occurrence cursor would give).
    pub first: Occurrence,
}
