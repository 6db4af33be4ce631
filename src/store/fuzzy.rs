//! Fuzzy search over one snapshot of the store, with the value bytes of every match.
//!
//! The image is searched in place and streamed (`trie.rs`). The memtables change under
//! writers and are read under epoch pins, which a cursor cannot hold across calls (nor move
//! between threads), so their matches are collected when the search opens: their number is
//! bounded by the keys written since the last checkpoint. A key the memtables hold (a newer
//! value, or a removal) shadows the image's version of it.

use super::cursor::Snapshot;
use super::trie::{ImageNode, ImageTrie};
use crate::dict::Dictionary;
use crate::error::Result;
use crate::fuzzy::{FuzzyOptions, FuzzySearch};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;

/// One result: the term, its distance and its value in the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreMatch {
    pub term: Vec<u8>,
    pub distance: u32,
    pub value: Vec<u8>,
}

type ImageFuzzy<'a> = FuzzySearch<ImageNode<'a>>;

self_cell::self_cell!(
    struct ImageSearch {
        owner: ImageTrie,
        #[not_covariant]
        dependent: ImageFuzzy,
    }
);

/// A running fuzzy search over a snapshot; yields results in the order the options ask for
/// (byte order of terms, or by distance then term), up to the limit. It is not `Send` (the
/// walk records damage in a `Cell`), but nothing in it is tied to a thread: the C cursor,
/// used by one thread at a time as documented, may move between threads.
pub struct StoreFuzzy {
    /// Keeps the versions the collected matches were read at (and the image) alive.
    _snap: Snapshot,
    image: ImageSearch,
    image_done: bool,
    /// The next image match, waiting for its turn in the merge.
    pending: Option<StoreMatch>,
    /// Memtable matches with a value, in result order.
    mem: VecDeque<StoreMatch>,
    /// Every key the memtables decide (value or removal): the image's version is stale.
    shadowed: HashSet<Vec<u8>>,
    ordered: bool,
    left: Option<usize>,
    done: bool,
}

impl StoreFuzzy {
    pub(crate) fn new(snap: Snapshot, query: &[u8], opts: &FuzzyOptions) -> Result<Self> {
        opts.validate()?;
        // Shadowed image matches are dropped after the search, so the limit is applied to
        // the merged stream, not to either source.
        let all = FuzzyOptions {
            limit: None,
            ..*opts
        };
        let layers = snap.layers();
        let lsn = snap.lsn();
        // The newest layer that has the key at `lsn` decides it: the memtable, then the
        // frozen one.
        let mut decided: BTreeMap<Vec<u8>, (u32, Option<Vec<u8>>)> = BTreeMap::new();
        for m in std::iter::once(&layers.mem).chain(layers.frozen.as_ref()) {
            for hit in m.fuzzy_at(query, &all, lsn)? {
                decided.entry(hit.term).or_insert((hit.distance, hit.value));
            }
        }
        let shadowed = decided.keys().cloned().collect();
        let mut mem: Vec<StoreMatch> = decided
            .into_iter()
            .filter_map(|(term, (distance, value))| {
                value.map(|value| StoreMatch {
                    term,
                    distance,
                    value,
                })
            })
            .collect();
        if opts.ordered {
            mem.sort_by(|a, b| order(a, b, true));
        }
        let image = ImageSearch::try_new(ImageTrie::new(Arc::clone(&layers.image)), |t| {
            t.fuzzy(query, &all)
        })?;
        Ok(StoreFuzzy {
            _snap: snap,
            image,
            image_done: false,
            pending: None,
            mem: mem.into(),
            shadowed,
            ordered: opts.ordered,
            left: opts.limit,
            done: false,
        })
    }

    /// The next image match the memtables do not shadow.
    fn next_image(&mut self) -> Result<Option<StoreMatch>> {
        let shadowed = &self.shadowed;
        self.image.with_dependent_mut(|trie, search| loop {
            let m = search.next_match();
            // A damaged node ends its branch; report that before anything found after it.
            trie.take_error()?;
            let Some(m) = m else {
                return Ok(None);
            };
            if shadowed.contains(m.term) {
                continue;
            }
            let value = trie.value_at(m.value)?.to_vec();
            return Ok(Some(StoreMatch {
                term: m.term.to_vec(),
                distance: m.distance,
                value,
            }));
        })
    }

    fn step(&mut self) -> Result<Option<StoreMatch>> {
        if self.left == Some(0) {
            return Ok(None);
        }
        if self.pending.is_none() && !self.image_done {
            self.pending = self.next_image()?;
            self.image_done = self.pending.is_none();
        }
        let from_mem = match (self.mem.front(), &self.pending) {
            (Some(a), Some(b)) => order(a, b, self.ordered) == Ordering::Less,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return Ok(None),
        };
        let m = if from_mem {
            self.mem.pop_front()
        } else {
            self.pending.take()
        };
        if let Some(n) = &mut self.left {
            *n -= 1;
        }
        Ok(m)
    }
}

/// Result order: by term, or by (distance, term). The two sources never hold the same term.
fn order(a: &StoreMatch, b: &StoreMatch, ordered: bool) -> Ordering {
    if ordered {
        (a.distance, &a.term).cmp(&(b.distance, &b.term))
    } else {
        a.term.cmp(&b.term)
    }
}

impl Iterator for StoreFuzzy {
    type Item = Result<StoreMatch>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.step().transpose();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }
}
