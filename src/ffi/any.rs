//! The one dictionary handle: every backend behind a single type, chosen by kind.

use crate::art::{Art, Range};
use crate::dat::{DatNode, DoubleArray, DoubleArrayBuilder, Layout};
use crate::dawg::{Dawg, DawgFile, DawgFileNode, DawgNode};
use crate::dict::{Dictionary, MutableDictionary};
use crate::error::{Error, Result};
use crate::sam::{CommonSubstring, Occurrences, SamFile, SuffixAutomaton};
use crate::store::{Cursor as StoreCursor, Reader};
use crate::walk::PrefixWalk;
use parking_lot::RwLock;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

/// Kind of dictionary: double-array trie (static, fastest lookups).
pub const DICTENSTEIN_KIND_DOUBLE_ARRAY: u32 = 1;
/// Kind of dictionary: minimal DAWG (shares suffixes; insert and remove keep it minimal).
pub const DICTENSTEIN_KIND_DAWG: u32 = 2;
/// Kind of dictionary: adaptive radix trie (mutable; readers never block).
pub const DICTENSTEIN_KIND_ART: u32 = 3;
/// Kind of dictionary: suffix automaton over appended texts (substring queries).
pub const DICTENSTEIN_KIND_SUFFIX_AUTOMATON: u32 = 4;
/// Kind of dictionary: a durable store, read through `dictenstein_store_dict` (not created
/// by `dictenstein_dict_new` or a builder; written through the store API).
pub const DICTENSTEIN_KIND_STORE: u32 = 5;

/// Double-array layout for `dictenstein_builder_set_layout`: depth first (the default; each
/// lookup's units lie close together).
pub const DICTENSTEIN_LAYOUT_DEPTH_FIRST: u32 = 0;
/// Double-array layout for `dictenstein_builder_set_layout`: level by level (faster fuzzy
/// search, exact lookups up to 20% slower; tries of up to 2^21 units).
pub const DICTENSTEIN_LAYOUT_LEVEL_ORDER: u32 = 1;

/// Flag for `dictenstein_dict_open`: also check the body checksum (O(file size)).
pub const DICTENSTEIN_OPEN_VERIFY: u32 = 1;

/// Range cursor flag: exclude the lower bound itself (default: included).
pub const DICTENSTEIN_RANGE_LO_EXCLUSIVE: u32 = 1;
/// Range cursor flag: include the upper bound itself (default: excluded).
pub const DICTENSTEIN_RANGE_HI_INCLUSIVE: u32 = 2;
/// Range cursor flag: no lower bound (`lo` is ignored and may be NULL).
pub const DICTENSTEIN_RANGE_NO_LO: u32 = 4;
/// Range cursor flag: no upper bound (`hi` is ignored and may be NULL).
pub const DICTENSTEIN_RANGE_NO_HI: u32 = 8;

/// A validated dictionary kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictKind {
    DoubleArray,
    Dawg,
    Art,
    SuffixAutomaton,
    Store,
}

impl DictKind {
    pub fn from_u32(kind: u32) -> Result<Self> {
        Ok(match kind {
            DICTENSTEIN_KIND_DOUBLE_ARRAY => DictKind::DoubleArray,
            DICTENSTEIN_KIND_DAWG => DictKind::Dawg,
            DICTENSTEIN_KIND_ART => DictKind::Art,
            DICTENSTEIN_KIND_SUFFIX_AUTOMATON => DictKind::SuffixAutomaton,
            DICTENSTEIN_KIND_STORE => DictKind::Store,
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
            DictKind::Store => DICTENSTEIN_KIND_STORE,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DictKind::DoubleArray => "double-array trie",
            DictKind::Dawg => "DAWG",
            DictKind::Art => "adaptive radix trie",
            DictKind::SuffixAutomaton => "suffix automaton",
            DictKind::Store => "durable store",
        }
    }
}

/// A builder of any kind: the double-array trie has its own; the mutable kinds collect pairs
/// and are built in one pass at the end (the DAWG with the sorted-input construction).
pub enum AnyBuilder {
    DoubleArray(DoubleArrayBuilder),
    Pairs(DictKind, Vec<(Vec<u8>, u64)>),
}

fn check_term(term: &[u8]) -> Result<()> {
    if term.len() > crate::MAX_TERM_LEN {
        return Err(Error::TermTooLong {
            len: term.len(),
            max: crate::MAX_TERM_LEN,
        });
    }
    Ok(())
}

impl AnyBuilder {
    pub fn new(kind: DictKind) -> Result<Self> {
        match kind {
            DictKind::DoubleArray => Ok(AnyBuilder::DoubleArray(DoubleArrayBuilder::new())),
            DictKind::Dawg | DictKind::Art => Ok(AnyBuilder::Pairs(kind, Vec::new())),
            DictKind::SuffixAutomaton => Err(Error::Unsupported {
                operation: "building from terms (create it with dictenstein_dict_new and add \
                            texts with dictenstein_dict_append_text)",
                backend: kind.name(),
            }),
            DictKind::Store => Err(store_only(kind, "building from terms")),
        }
    }

    /// The double-array builder, for one of its options (`operation` names it); other kinds
    /// have none of them.
    fn dat_option(&mut self, operation: &'static str) -> Result<&mut DoubleArrayBuilder> {
        match self {
            AnyBuilder::DoubleArray(b) => Ok(b),
            AnyBuilder::Pairs(kind, _) => Err(Error::Unsupported {
                operation,
                backend: kind.name(),
            }),
        }
    }

    /// Chooses whether a double-array trie gets its child links; other kinds have none.
    pub fn set_child_links(&mut self, on: bool) -> Result<()> {
        self.dat_option("choosing child links (an option of the double-array trie)")?
            .child_links(on);
        Ok(())
    }

    /// Chooses a double-array trie's layout (`DICTENSTEIN_LAYOUT_*`); other kinds have none.
    pub fn set_layout(&mut self, layout: u32) -> Result<()> {
        let layout = match layout {
            DICTENSTEIN_LAYOUT_DEPTH_FIRST => Layout::DepthFirst,
            DICTENSTEIN_LAYOUT_LEVEL_ORDER => Layout::LevelOrder,
            other => return Err(Error::invalid("layout", format!("unknown layout {other}"))),
        };
        self.dat_option("choosing a layout (an option of the double-array trie)")?
            .layout(layout);
        Ok(())
    }

    pub fn add(&mut self, term: &[u8], value: u64) -> Result<()> {
        match self {
            AnyBuilder::DoubleArray(b) => b.add(term, value),
            AnyBuilder::Pairs(_, pairs) => {
                check_term(term)?;
                pairs.push((term.to_vec(), value));
                Ok(())
            }
        }
    }

    pub fn finish(&mut self) -> Result<AnyDict> {
        match self {
            AnyBuilder::DoubleArray(b) => Ok(AnyDict::DoubleArray(b.finish()?)),
            AnyBuilder::Pairs(DictKind::Dawg, pairs) => {
                let d = Dawg::from_pairs(std::mem::take(pairs))?;
                Ok(AnyDict::Dawg(RwLock::new(Arc::new(DawgRepr::Mem(d)))))
            }
            AnyBuilder::Pairs(_, pairs) => {
                let art = Art::new();
                for (k, v) in std::mem::take(pairs) {
                    art.upsert(&k, v)?;
                }
                Ok(AnyDict::Art(art))
            }
        }
    }
}

/// A DAWG as the handle holds it: editable in memory, or a mapped file until the first write
/// turns it into an editable copy.
pub enum DawgRepr {
    Mem(Dawg),
    File(DawgFile),
}

impl DawgRepr {
    fn get(&self, term: &[u8]) -> Option<u64> {
        match self {
            DawgRepr::Mem(d) => d.get(term),
            DawgRepr::File(d) => d.get(term),
        }
    }

    fn len(&self) -> usize {
        match self {
            DawgRepr::Mem(d) => d.len(),
            DawgRepr::File(d) => d.len(),
        }
    }
}

/// A suffix automaton as the handle holds it: editable in memory, or a mapped file until the
/// first append turns it into an editable copy.
pub enum SamRepr {
    Mem(SuffixAutomaton),
    File(SamFile),
}

impl SamRepr {
    fn contains(&self, pattern: &[u8]) -> bool {
        match self {
            SamRepr::Mem(s) => s.contains(pattern),
            SamRepr::File(s) => s.contains(pattern),
        }
    }

    fn count(&self, pattern: &[u8]) -> u64 {
        match self {
            SamRepr::Mem(s) => s.count(pattern),
            SamRepr::File(s) => s.count(pattern),
        }
    }

    pub fn occurrences(&self, pattern: &[u8]) -> Occurrences<'_> {
        match self {
            SamRepr::Mem(s) => s.occurrences(pattern),
            SamRepr::File(s) => s.occurrences(pattern),
        }
    }

    fn longest_common_substring(&self, query: &[u8]) -> Option<CommonSubstring> {
        match self {
            SamRepr::Mem(s) => s.longest_common_substring(query),
            SamRepr::File(s) => s.longest_common_substring(query),
        }
    }

    fn len(&self) -> usize {
        match self {
            SamRepr::Mem(s) => s.len(),
            SamRepr::File(s) => s.len(),
        }
    }

    fn get(&self, term: &[u8]) -> Option<u64> {
        Some(self.count(term)).filter(|&c| c > 0)
    }
}

/// A structure the handle keeps either editable in memory or as a read-only mapped file
/// (the DAWG, the suffix automaton).
trait Editable: Sized {
    type Mem;
    /// The editable structure, if this is one.
    fn mem_mut(&mut self) -> Option<&mut Self::Mem>;
    /// An editable copy (of a file: thawed, which may find it damaged).
    fn editable_copy(&self) -> Result<Self>;
}

impl Editable for DawgRepr {
    type Mem = Dawg;
    fn mem_mut(&mut self) -> Option<&mut Dawg> {
        match self {
            DawgRepr::Mem(d) => Some(d),
            DawgRepr::File(_) => None,
        }
    }
    fn editable_copy(&self) -> Result<Self> {
        Ok(DawgRepr::Mem(match self {
            DawgRepr::Mem(d) => d.clone(),
            DawgRepr::File(f) => f.to_dawg(),
        }))
    }
}

impl Editable for SamRepr {
    type Mem = SuffixAutomaton;
    fn mem_mut(&mut self) -> Option<&mut SuffixAutomaton> {
        match self {
            SamRepr::Mem(s) => Some(s),
            SamRepr::File(_) => None,
        }
    }
    fn editable_copy(&self) -> Result<Self> {
        Ok(SamRepr::Mem(match self {
            SamRepr::Mem(s) => s.clone(),
            SamRepr::File(f) => f.to_automaton()?,
        }))
    }
}

/// Runs a write on the structure behind `lock`. When a cursor holds the current version, or
/// it is a mapped file, the write goes to an editable copy that is then published: the
/// cursor keeps the version it started on. Nothing changes when making the copy fails.
fn edit_private<R: Editable, T>(
    lock: &RwLock<Arc<R>>,
    edit: impl FnOnce(&mut R::Mem) -> Result<T>,
) -> Result<T> {
    let mut guard = lock.write();
    if Arc::get_mut(&mut guard).and_then(R::mem_mut).is_none() {
        let copy = guard.editable_copy()?;
        *guard = Arc::new(copy);
    }
    match Arc::get_mut(&mut guard).and_then(R::mem_mut) {
        Some(m) => edit(m),
        None => unreachable!("the structure was just made private and editable"),
    }
}

/// The error for what a dictionary handle cannot do to a durable store.
fn store_only(kind: DictKind, operation: &'static str) -> Error {
    Error::Unsupported {
        operation,
        backend: match kind {
            DictKind::Store => {
                "durable store through a dictionary handle (open it with \
                 dictenstein_store_open, write with dictenstein_store_put/remove/increment, \
                 read through dictenstein_store_dict)"
            }
            other => other.name(),
        },
    }
}

/// A store's value as the dictionary API's `u64`: 8 little-endian bytes (what counters and
/// `u64` writes store); any other length is an error naming it, never a truncation.
pub fn u64_value(value: &[u8]) -> Result<u64> {
    <[u8; 8]>::try_from(value)
        .map(u64::from_le_bytes)
        .map_err(|_| Error::ValueNotU64 { len: value.len() })
}

/// A dictionary of any kind, behind one set of operations.
///
/// The DAWG sits behind a lock around an `Arc`: readers and cursors take a snapshot (an `Arc`
/// clone) under a short read lock; a writer edits in place when no snapshot is out and copies
/// the DAWG first when one is, so an open cursor always sees the version it started on.
pub enum AnyDict {
    DoubleArray(DoubleArray),
    Dawg(RwLock<Arc<DawgRepr>>),
    Art(Art),
    /// Locked like the DAWG: appends copy the automaton when a cursor holds a snapshot.
    Sam(RwLock<Arc<SamRepr>>),
    /// A durable store, read only: lookups read its current state, cursors one snapshot.
    Store(Reader),
}

/// What a cursor reads from: the dictionary handle, or a snapshot of a DAWG.
pub enum CursorSource {
    Dict(Arc<AnyDict>),
    Dawg(Arc<DawgRepr>),
}

/// A streaming walk over any kind.
pub enum AnyWalk<'a> {
    DoubleArray(PrefixWalk<DatNode<'a>>),
    DawgMem(PrefixWalk<DawgNode<'a>>),
    DawgFile(PrefixWalk<DawgFileNode<'a>>),
    Art {
        range: Range<'a>,
        current: Option<(Vec<u8>, u64)>,
    },
    /// A store snapshot's cursor, and the entry last returned.
    Store {
        cursor: Box<StoreCursor>,
        current: Option<(Vec<u8>, Vec<u8>)>,
    },
}

/// A term and its value as the dictionary API reports it: the value is an error
/// (`ValueNotU64`) for a store value that is not a `u64`; the term is reported either way.
pub type WalkEntry<'a> = (&'a [u8], Result<u64>);

impl AnyWalk<'_> {
    /// The next entry; an `Err` is a failed read (I/O, damage), after which the walk ends.
    pub fn next_entry(&mut self) -> Result<Option<WalkEntry<'_>>> {
        fn ok(e: Option<(&[u8], u64)>) -> Result<Option<WalkEntry<'_>>> {
            Ok(e.map(|(k, v)| (k, Ok(v))))
        }
        match self {
            AnyWalk::DoubleArray(w) => ok(w.next_entry()),
            AnyWalk::DawgMem(w) => ok(w.next_entry()),
            AnyWalk::DawgFile(w) => ok(w.next_entry()),
            AnyWalk::Art { range, current } => {
                *current = range.next();
                ok(current.as_ref().map(|(k, v)| (&k[..], *v)))
            }
            AnyWalk::Store { cursor, current } => {
                *current = cursor.next().transpose()?;
                Ok(current.as_ref().map(|(k, v)| (&k[..], u64_value(v))))
            }
        }
    }
}

impl CursorSource {
    /// The source a cursor over `dict` reads: a DAWG snapshot, or the handle itself.
    pub fn of(dict: &Arc<AnyDict>) -> Self {
        match &**dict {
            AnyDict::Dawg(lock) => CursorSource::Dawg(Arc::clone(&lock.read())),
            _ => CursorSource::Dict(Arc::clone(dict)),
        }
    }

    pub fn prefix_walk(&self, prefix: &[u8]) -> Result<AnyWalk<'_>> {
        Ok(match self {
            CursorSource::Dawg(r) => match &**r {
                DawgRepr::Mem(d) => AnyWalk::DawgMem(d.prefix_walk(prefix)),
                DawgRepr::File(d) => AnyWalk::DawgFile(d.prefix_walk(prefix)),
            },
            CursorSource::Dict(d) => match &**d {
                AnyDict::DoubleArray(d) => AnyWalk::DoubleArray(d.prefix_walk(prefix)),
                AnyDict::Art(a) => AnyWalk::Art {
                    range: a.prefix(prefix),
                    current: None,
                },
                AnyDict::Store(r) => AnyWalk::Store {
                    cursor: Box::new(r.snapshot().prefix(prefix)),
                    current: None,
                },
                other => {
                    return Err(Error::Unsupported {
                        operation: "prefix cursors (a suffix automaton lists occurrences: use \
                                    dictenstein_dict_occurrence_cursor)",
                        backend: other.kind().name(),
                    })
                }
            },
        })
    }

    pub fn range(&self, lo: Bound<&[u8]>, hi: Bound<&[u8]>) -> Result<AnyWalk<'_>> {
        match self {
            CursorSource::Dawg(r) => Ok(match &**r {
                DawgRepr::Mem(d) => AnyWalk::DawgMem(d.range_walk(lo, hi)),
                DawgRepr::File(d) => AnyWalk::DawgFile(d.range_walk(lo, hi)),
            }),
            CursorSource::Dict(d) => match &**d {
                AnyDict::DoubleArray(d) => Ok(AnyWalk::DoubleArray(d.range_walk(lo, hi))),
                AnyDict::Art(a) => Ok(AnyWalk::Art {
                    range: a.range(lo, hi),
                    current: None,
                }),
                AnyDict::Store(r) => Ok(AnyWalk::Store {
                    cursor: Box::new(r.snapshot().range(lo, hi)),
                    current: None,
                }),
                other => Err(Error::Unsupported {
                    operation: "range cursors (a suffix automaton lists occurrences: use \
                                dictenstein_dict_occurrence_cursor)",
                    backend: other.kind().name(),
                }),
            },
        }
    }
}

/// The kind stored at byte 8 of a libdictenstein file, if the file starts with the magic.
fn peek_kind(path: &Path) -> Option<u32> {
    use std::io::Read;
    let mut head = [0u8; 12];
    std::fs::File::open(path).ok()?.read_exact(&mut head).ok()?;
    (head[..8] == crate::format::MAGIC)
        .then(|| u32::from_le_bytes([head[8], head[9], head[10], head[11]]))
}

impl AnyDict {
    /// An empty dictionary of a mutable kind.
    pub fn new_empty(kind: DictKind) -> Result<Self> {
        match kind {
            DictKind::Art => Ok(AnyDict::Art(Art::new())),
            DictKind::Dawg => Ok(AnyDict::Dawg(RwLock::new(Arc::new(DawgRepr::Mem(
                Dawg::new(),
            ))))),
            DictKind::DoubleArray => Err(Error::Unsupported {
                operation: "creating an empty mutable dictionary (it is static: use a builder)",
                backend: kind.name(),
            }),
            DictKind::SuffixAutomaton => Ok(AnyDict::Sam(RwLock::new(Arc::new(SamRepr::Mem(
                SuffixAutomaton::new(),
            ))))),
            DictKind::Store => Err(store_only(kind, "creating an empty dictionary")),
        }
    }

    /// Opens a saved dictionary; the kind is read from the file.
    pub fn open(path: &Path, verify: bool) -> Result<Self> {
        if peek_kind(path) == Some(crate::format::KIND_SUFFIX_AUTOMATON) {
            let s = SamFile::open(path)?;
            if verify {
                s.verify().map_err(|e| e.with_path(path))?;
            }
            return Ok(AnyDict::Sam(RwLock::new(Arc::new(SamRepr::File(s)))));
        }
        if peek_kind(path) == Some(crate::format::KIND_DAWG) {
            let d = DawgFile::open(path)?;
            if verify {
                d.verify().map_err(|e| e.with_path(path))?;
            }
            return Ok(AnyDict::Dawg(RwLock::new(Arc::new(DawgRepr::File(d)))));
        }
        let d = DoubleArray::open(path)?;
        if verify {
            d.verify().map_err(|e| e.with_path(path))?;
        }
        Ok(AnyDict::DoubleArray(d))
    }

    pub fn kind(&self) -> DictKind {
        match self {
            AnyDict::DoubleArray(_) => DictKind::DoubleArray,
            AnyDict::Dawg(_) => DictKind::Dawg,
            AnyDict::Art(_) => DictKind::Art,
            AnyDict::Sam(_) => DictKind::SuffixAutomaton,
            AnyDict::Store(_) => DictKind::Store,
        }
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        match self {
            AnyDict::DoubleArray(d) => d.save(path),
            AnyDict::Dawg(lock) => {
                let snapshot = Arc::clone(&lock.read());
                match &*snapshot {
                    DawgRepr::Mem(d) => d.save(path),
                    DawgRepr::File(d) => d.save(path),
                }
            }
            AnyDict::Art(_) => Err(Error::Unsupported {
                operation:
                    "saving to a file (the durable store is the persistent form; not built yet)",
                backend: "adaptive radix trie",
            }),
            AnyDict::Sam(lock) => {
                let snapshot = Arc::clone(&lock.read());
                match &*snapshot {
                    SamRepr::Mem(s) => s.save(path),
                    SamRepr::File(s) => s.save(path),
                }
            }
            AnyDict::Store(_) => Err(store_only(
                DictKind::Store,
                "saving to a file (a store persists itself; dictenstein_store_checkpoint \
                 writes its image)",
            )),
        }
    }

    /// Checks the stored image's checksums; in-memory dictionaries have none to check.
    pub fn verify(&self) -> Result<()> {
        match self {
            AnyDict::DoubleArray(d) => d.verify(),
            AnyDict::Dawg(lock) => match &**lock.read() {
                DawgRepr::File(d) => d.verify(),
                DawgRepr::Mem(_) => Ok(()),
            },
            AnyDict::Art(_) => Ok(()),
            AnyDict::Sam(lock) => match &**lock.read() {
                SamRepr::File(s) => s.verify(),
                SamRepr::Mem(_) => Ok(()),
            },
            AnyDict::Store(r) => r.verify(),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            AnyDict::DoubleArray(d) => d.len(),
            AnyDict::Dawg(lock) => lock.read().len(),
            AnyDict::Art(a) => a.len(),
            AnyDict::Sam(lock) => lock.read().len(),
            AnyDict::Store(r) => usize::try_from(r.len()).unwrap_or(usize::MAX),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of the file image (static kinds and opened DAWGs) or of heap held by the
    /// structure (ART nodes and leaves; the DAWG's states, edges and values).
    pub fn size_bytes(&self) -> usize {
        match self {
            AnyDict::DoubleArray(d) => d.size_bytes(),
            AnyDict::Dawg(lock) => match &**lock.read() {
                DawgRepr::Mem(d) => d.heap_bytes(),
                DawgRepr::File(d) => d.size_bytes(),
            },
            AnyDict::Art(a) => a.heap_bytes(),
            AnyDict::Sam(lock) => match &**lock.read() {
                SamRepr::Mem(s) => s.heap_bytes(),
                SamRepr::File(s) => s.size_bytes(),
            },
            AnyDict::Store(r) => usize::try_from(r.size_bytes()).unwrap_or(usize::MAX),
        }
    }

    /// The value of `term`. Only a store can fail (I/O, damage, a value that is no `u64`).
    pub fn get(&self, term: &[u8]) -> Result<Option<u64>> {
        Ok(match self {
            AnyDict::DoubleArray(d) => d.get(term),
            AnyDict::Dawg(lock) => lock.read().get(term),
            AnyDict::Art(a) => a.get(term),
            AnyDict::Sam(lock) => lock.read().get(term),
            AnyDict::Store(r) => return r.get_with(term, |v| v.map(u64_value))?.transpose(),
        })
    }

    /// Whether `term` is present; for a suffix automaton, whether it occurs as a substring.
    pub fn contains(&self, term: &[u8]) -> Result<bool> {
        match self {
            AnyDict::Sam(lock) => Ok(lock.read().contains(term)),
            AnyDict::Store(r) => r.get_with(term, |v| v.is_some()),
            other => Ok(other.get(term)?.is_some()),
        }
    }

    fn sam(&self, operation: &'static str) -> Result<Arc<SamRepr>> {
        match self {
            AnyDict::Sam(lock) => Ok(Arc::clone(&lock.read())),
            other => Err(Error::Unsupported {
                operation,
                backend: other.kind().name(),
            }),
        }
    }

    /// A snapshot of a suffix automaton, for an occurrence cursor.
    pub fn sam_snapshot(&self) -> Result<Arc<SamRepr>> {
        self.sam("occurrence cursors (suffix automaton only)")
    }

    pub fn count_occurrences(&self, pattern: &[u8]) -> Result<u64> {
        Ok(self
            .sam("counting occurrences (suffix automaton only)")?
            .count(pattern))
    }

    pub fn longest_common_substring(&self, query: &[u8]) -> Result<Option<CommonSubstring>> {
        Ok(self
            .sam("longest common substring (suffix automaton only)")?
            .longest_common_substring(query))
    }

    /// Appends a text to a suffix automaton; returns its number.
    pub fn append_text(&self, text: &[u8]) -> Result<u32> {
        let AnyDict::Sam(lock) = self else {
            return Err(Error::Unsupported {
                operation: "appending texts (suffix automaton only)",
                backend: self.kind().name(),
            });
        };
        edit_private(lock, |s| s.append(text))
    }

    /// The longest term that is a prefix of `text`, as (length, value). On a store this is
    /// one lookup per candidate length, longest first, in one snapshot.
    pub fn longest_prefix(&self, text: &[u8]) -> Result<Option<(usize, u64)>> {
        Ok(match self {
            AnyDict::DoubleArray(d) => d.longest_prefix(text),
            AnyDict::Dawg(lock) => match &**lock.read() {
                DawgRepr::Mem(d) => d.longest_prefix(text),
                DawgRepr::File(d) => d.longest_prefix(text),
            },
            AnyDict::Art(a) => a.pin().longest_prefix(text),
            AnyDict::Sam(lock) => match &**lock.read() {
                SamRepr::Mem(s) => s.longest_prefix(text),
                SamRepr::File(s) => s.longest_prefix(text),
            },
            AnyDict::Store(r) => {
                let snap = r.snapshot();
                for n in (0..=text.len().min(crate::MAX_TERM_LEN)).rev() {
                    if let Some(v) = snap.get(&text[..n])? {
                        return Ok(Some((n, u64_value(&v)?)));
                    }
                }
                None
            }
        })
    }

    /// Runs a write on a mutable kind.
    fn write<T>(
        &self,
        operation: &'static str,
        art: impl FnOnce(&Art) -> Result<T>,
        dawg: impl FnOnce(&mut Dawg) -> Result<T>,
    ) -> Result<T> {
        match self {
            AnyDict::Art(a) => art(a),
            AnyDict::Dawg(lock) => edit_private(lock, dawg),
            AnyDict::DoubleArray(_) => Err(Error::Unsupported {
                operation,
                backend: "double-array trie (static: build a new one with a builder)",
            }),
            AnyDict::Sam(_) => Err(Error::Unsupported {
                operation,
                backend: "suffix automaton (add texts with dictenstein_dict_append_text)",
            }),
            AnyDict::Store(_) => Err(store_only(DictKind::Store, operation)),
        }
    }

    pub fn insert(&self, term: &[u8], value: u64) -> Result<bool> {
        check_term(term)?;
        self.write(
            "inserting",
            |a| a.insert(term, value),
            |d| d.insert(term, value),
        )
    }

    pub fn upsert(&self, term: &[u8], value: u64) -> Result<Option<u64>> {
        check_term(term)?;
        self.write(
            "inserting",
            |a| a.upsert(term, value),
            |d| d.upsert(term, value),
        )
    }

    pub fn remove(&self, term: &[u8]) -> Result<Option<u64>> {
        check_term(term)?;
        self.write("removing", |a| a.remove(term), |d| d.remove(term))
    }
}
