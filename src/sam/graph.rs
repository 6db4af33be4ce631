//! The editable automaton: Blumer et al.'s online construction over the concatenation of the
//! texts, with states (24 bytes, up to three edges inline) and the edges of busier states
//! (9 bytes each) in chunked arrays, so a multi-megabyte text builds without a pointer per
//! edge and without the copies of a doubling array.
//!
//! Texts are joined by separators that are each unique. A unique letter never has an
//! outgoing edge to look up later, so its edges are not stored at all: the separator's state
//! exists (it is a text position) but nothing reaches it, and no query path crosses texts.

/// "No state" / "no edge".
pub(crate) const NONE: u32 = u32::MAX;
/// The initial state (the empty string).
pub(crate) const ROOT: u32 = 0;

/// Elements per chunk of a [`Chunked`] array.
const CHUNK_BITS: u32 = 16;
const CHUNK: usize = 1 << CHUNK_BITS;

/// A growable array in fixed chunks: growing never copies what is there, so a build's peak
/// memory is its final size plus one chunk (a doubling `Vec` needs up to three times the
/// live size while it reallocates).
#[derive(Debug, Clone)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Copy> Chunked<T> {
    #[inline]
    fn at(&self, i: usize) -> &T {
        &self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }

    #[inline]
    pub(crate) fn get(&self, i: usize) -> T {
        *self.at(i)
    }

    /// Asks the cache for element `i` without waiting for it.
    #[inline]
    fn prefetch(&self, i: usize) {
        let at: *const T = self.at(i);
        #[cfg(target_arch = "x86_64")]
        // SAFETY: a prefetch is a hint that never faults, and `at` points into a live chunk.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast())
        };
        #[cfg(not(target_arch = "x86_64"))]
        let _ = at;
    }

    #[inline]
    fn get_mut(&mut self, i: usize) -> &mut T {
        &mut self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
    }

    fn push(&mut self, x: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.chunks[self.len >> CHUNK_BITS].push(x);
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    fn heap_bytes(&self) -> usize {
        self.chunks.len() * CHUNK * std::mem::size_of::<T>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
    }
}

/// Edges kept inside a state record.
const INLINE: usize = 3;
/// `State::n` of a state with more than [`INLINE`] edges: its first `INLINE - 1` edges are
/// inline and the last target slot heads a list of the others in `Graph::spill`.
const SPILLED: u8 = u8::MAX;

/// A state: the length of its longest string, its suffix link (NONE for the root) and its
/// edges, up to three of them inline. Most states of a suffix automaton have one to three
/// edges, so the construction's edge lookups (one per state on a suffix-link chain) read one
/// 24-byte record instead of a record and then a list scattered over the edge array; only
/// states with more edges (near the root, which stay cached) follow a list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct State {
    pub(crate) len: u32,
    pub(crate) link: u32,
    labels: [u8; INLINE],
    /// Inline edges used (0..=INLINE), or SPILLED.
    n: u8,
    targets: [u32; INLINE],
}

impl State {
    fn new(len: u32, link: u32) -> Self {
        State {
            len,
            link,
            labels: [0; INLINE],
            n: 0,
            targets: [NONE; INLINE],
        }
    }

    /// Number of inline edges.
    #[inline]
    fn inline(&self) -> usize {
        if self.n == SPILLED {
            INLINE - 1
        } else {
            self.n as usize
        }
    }

    /// Head of the spilled list, NONE when there is none.
    #[inline]
    fn spill_head(&self) -> u32 {
        if self.n == SPILLED {
            self.targets[INLINE - 1]
        } else {
            NONE
        }
    }
}

/// An edge in a spilled list. Packed to 9 bytes: label, target and next are read together.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed)]
struct Edge {
    target: u32,
    next: u32,
    label: u8,
}

/// Where an edge is stored, so that its target can be redirected.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Inline(u32, usize),
    Spilled(u32),
}

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub(crate) states: Chunked<State>,
    /// One bit per state: created as a clone (so it is not the end of a text position).
    clones: Vec<u64>,
    /// Edges of states with more than [`INLINE`] edges, beyond the inline ones.
    spill: Chunked<Edge>,
    /// Number of edges, inline and spilled.
    edges: usize,
    /// The state of the whole concatenation so far.
    pub(crate) last: u32,
}

impl Graph {
    /// The automaton of no text: the root alone.
    pub(crate) fn new() -> Self {
        Self::from_parts(std::iter::once((0, NONE, false)), std::iter::empty(), ROOT)
    }

    pub(crate) fn state_count(&self) -> usize {
        self.states.len()
    }

    pub(crate) fn edge_count(&self) -> usize {
        self.edges
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.states.heap_bytes() + self.clones.capacity() * 8 + self.spill.heap_bytes()
    }

    #[inline]
    pub(crate) fn len(&self, v: u32) -> u32 {
        self.states.get(v as usize).len
    }

    #[inline]
    pub(crate) fn link(&self, v: u32) -> u32 {
        self.states.get(v as usize).link
    }

    pub(crate) fn is_clone(&self, v: u32) -> bool {
        self.clones[v as usize / 64] >> (v % 64) & 1 == 1
    }

    fn push_state(&mut self, len: u32, link: u32, clone: bool) -> u32 {
        let id = self.states.len() as u32;
        self.states.push(State::new(len, link));
        if id.is_multiple_of(64) {
            self.clones.push(0);
        }
        if clone {
            self.clones[id as usize / 64] |= 1 << (id % 64);
        }
        id
    }

    /// Prepends an edge to a spilled list; returns the new head.
    fn push_spill(&mut self, head: u32, label: u8, target: u32) -> u32 {
        let e = self.spill.len() as u32;
        self.spill.push(Edge {
            target,
            next: head,
            label,
        });
        e
    }

    fn push_edge(&mut self, from: u32, label: u8, to: u32) {
        self.edges += 1;
        let st = self.states.get(from as usize);
        let n = st.n as usize;
        if n < INLINE {
            let st = self.states.get_mut(from as usize);
            st.labels[n] = label;
            st.targets[n] = to;
            st.n += 1;
            return;
        }
        // The last inline slot becomes the list head: its edge moves to the list first.
        let head = if st.n == SPILLED {
            st.targets[INLINE - 1]
        } else {
            self.push_spill(NONE, st.labels[INLINE - 1], st.targets[INLINE - 1])
        };
        let head = self.push_spill(head, label, to);
        let st = self.states.get_mut(from as usize);
        st.n = SPILLED;
        st.targets[INLINE - 1] = head;
    }

    /// Where the edge of `v` labelled `c` is.
    #[inline]
    fn find_edge(&self, v: u32, c: u8) -> Option<Slot> {
        let st = self.states.get(v as usize);
        if let Some(i) = st.labels[..st.inline()].iter().position(|&l| l == c) {
            return Some(Slot::Inline(v, i));
        }
        let mut e = st.spill_head();
        while e != NONE {
            let edge = self.spill.get(e as usize);
            if edge.label == c {
                return Some(Slot::Spilled(e));
            }
            e = edge.next;
        }
        None
    }

    #[inline]
    fn target(&self, slot: Slot) -> u32 {
        match slot {
            Slot::Inline(v, i) => self.states.get(v as usize).targets[i],
            Slot::Spilled(e) => self.spill.get(e as usize).target,
        }
    }

    fn set_target(&mut self, slot: Slot, to: u32) {
        match slot {
            Slot::Inline(v, i) => self.states.get_mut(v as usize).targets[i] = to,
            Slot::Spilled(e) => self.spill.get_mut(e as usize).target = to,
        }
    }

    #[inline]
    pub(crate) fn transition(&self, v: u32, c: u8) -> Option<u32> {
        self.find_edge(v, c).map(|slot| self.target(slot))
    }

    /// The edges of `v`, unordered.
    pub(crate) fn edges(&self, v: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
        let st = self.states.get(v as usize);
        let inline = (0..st.inline()).map(move |i| (st.labels[i], st.targets[i]));
        let mut e = st.spill_head();
        inline.chain(std::iter::from_fn(move || {
            (e != NONE).then(|| {
                let edge = self.spill.get(e as usize);
                e = edge.next;
                (edge.label, edge.target)
            })
        }))
    }

    /// Appends one letter (Blumer et al.): a new state for the new position, edges from the
    /// suffixes of the old text that lacked this letter, and a clone when the state the
    /// shortest such suffix reaches also holds longer strings.
    pub(crate) fn extend(&mut self, c: u8) {
        let cur = self.push_state(self.len(self.last) + 1, NONE, false);
        let mut p = self.last;
        let hit = loop {
            if p == NONE {
                break None;
            }
            if let Some(slot) = self.find_edge(p, c) {
                break Some((p, slot));
            }
            self.push_edge(p, c, cur);
            p = self.link(p);
        };
        let link = match hit {
            None => ROOT,
            Some((p, slot)) => {
                let q = self.target(slot);
                // The build is bound by dependent cache misses, so two reads that come later
                // are started now: `link(p)`, which a split's redirect walk reads next, is
                // known before `q`'s record arrives, so its miss overlaps with `q`'s; and
                // `link(q)`, which the next letter's suffix chain reads after `q` or its clone
                // (the clone has the same link), overlaps with a split's redirect walk.
                self.prefetch_state(self.link(p));
                let qs = self.states.get(q as usize);
                self.prefetch_state(qs.link);
                if self.len(p) + 1 == qs.len {
                    q
                } else {
                    self.split(p, c, q)
                }
            }
        };
        self.states.get_mut(cur as usize).link = link;
        self.last = cur;
    }

    #[inline]
    fn prefetch_state(&self, v: u32) {
        if v != NONE {
            self.states.prefetch(v as usize);
        }
    }

    /// Clones `q` for the strings no longer than `len(p) + 1` and redirects the suffixes of
    /// `p` that reached `q` by `c` to the clone. Returns the clone.
    fn split(&mut self, mut p: u32, c: u8, q: u32) -> u32 {
        let clone = self.push_state(self.len(p) + 1, self.link(q), true);
        let qs = self.states.get(q as usize);
        if qs.n != SPILLED {
            // The common case: copy the inline edges with the record.
            let st = self.states.get_mut(clone as usize);
            (st.labels, st.n, st.targets) = (qs.labels, qs.n, qs.targets);
            self.edges += qs.n as usize;
        } else {
            // A list is copied edge by edge: the two states' lists must not share nodes,
            // since redirecting one's edge must not change the other's.
            let copy: Vec<(u8, u32)> = self.edges(q).collect();
            for (label, target) in copy {
                self.push_edge(clone, label, target);
            }
        }
        while p != NONE {
            match self.find_edge(p, c) {
                Some(slot) if self.target(slot) == q => self.set_target(slot, clone),
                _ => break,
            }
            p = self.link(p);
        }
        self.states.get_mut(q as usize).link = clone;
        clone
    }

    /// Appends a separator unique to this point. Its edges would never be looked up again,
    /// so they are not stored; its state still records the position.
    pub(crate) fn separate(&mut self) {
        let cur = self.push_state(self.len(self.last) + 1, ROOT, false);
        self.last = cur;
    }

    /// Rebuilds an editable graph from saved states and edges (the inverse of saving).
    pub(crate) fn from_parts(
        states: impl Iterator<Item = (u32, u32, bool)>,
        edges: impl Iterator<Item = (u32, u8, u32)>,
        last: u32,
    ) -> Self {
        let mut g = Graph {
            states: Chunked::default(),
            clones: Vec::new(),
            spill: Chunked::default(),
            edges: 0,
            last,
        };
        for (len, link, clone) in states {
            g.push_state(len, link, clone);
        }
        for (from, label, to) in edges {
            g.push_edge(from, label, to);
        }
        g
    }
}
