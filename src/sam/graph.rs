//! The editable automaton: Blumer et al.'s online construction over the concatenation of the
//! texts, with states (12 bytes) and edges (9 bytes) in chunked arrays, so a multi-megabyte
//! text builds without a pointer per edge and without the copies of a doubling array.
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
    pub(crate) fn get(&self, i: usize) -> T {
        self.chunks[i >> CHUNK_BITS][i & (CHUNK - 1)]
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

/// A state: the length of its longest string, its suffix link (NONE for the root) and the
/// first edge of its list (NONE when it has none). Read together, so stored together.
#[derive(Debug, Clone, Copy)]
pub(crate) struct State {
    pub(crate) len: u32,
    pub(crate) link: u32,
    head: u32,
}

/// An edge in its state's list. Packed to 9 bytes: the label, target and next edge are read
/// together on every step of a list, so one record (one cache line, usually) serves them.
#[derive(Debug, Clone, Copy)]
#[repr(C, packed)]
struct Edge {
    target: u32,
    next: u32,
    label: u8,
}

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub(crate) states: Chunked<State>,
    /// One bit per state: created as a clone (so it is not the end of a text position).
    clones: Vec<u64>,
    edges: Chunked<Edge>,
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
        self.edges.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.states.heap_bytes() + self.clones.capacity() * 8 + self.edges.heap_bytes()
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
        self.states.push(State {
            len,
            link,
            head: NONE,
        });
        if id.is_multiple_of(64) {
            self.clones.push(0);
        }
        if clone {
            self.clones[id as usize / 64] |= 1 << (id % 64);
        }
        id
    }

    fn push_edge(&mut self, from: u32, label: u8, to: u32) {
        let e = self.edges.len() as u32;
        let st = self.states.get_mut(from as usize);
        let next = st.head;
        st.head = e;
        self.edges.push(Edge {
            target: to,
            next,
            label,
        });
    }

    /// Index of the edge of `v` labelled `c`.
    #[inline]
    fn find_edge(&self, v: u32, c: u8) -> Option<usize> {
        let mut e = self.states.get(v as usize).head;
        while e != NONE {
            let edge = self.edges.get(e as usize);
            if edge.label == c {
                return Some(e as usize);
            }
            e = edge.next;
        }
        None
    }

    #[inline]
    pub(crate) fn transition(&self, v: u32, c: u8) -> Option<u32> {
        self.find_edge(v, c).map(|e| self.edges.get(e).target)
    }

    /// The edges of `v`, unordered.
    pub(crate) fn edges(&self, v: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
        let mut e = self.states.get(v as usize).head;
        std::iter::from_fn(move || {
            (e != NONE).then(|| {
                let edge = self.edges.get(e as usize);
                e = edge.next;
                (edge.label, edge.target)
            })
        })
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
            if let Some(e) = self.find_edge(p, c) {
                break Some((p, e));
            }
            self.push_edge(p, c, cur);
            p = self.link(p);
        };
        let link = match hit {
            None => ROOT,
            Some((p, e)) => {
                let q = self.edges.get(e).target;
                if self.len(p) + 1 == self.len(q) {
                    q
                } else {
                    self.split(p, c, q)
                }
            }
        };
        self.states.get_mut(cur as usize).link = link;
        self.last = cur;
    }

    /// Clones `q` for the strings no longer than `len(p) + 1` and redirects the suffixes of
    /// `p` that reached `q` by `c` to the clone. Returns the clone.
    fn split(&mut self, mut p: u32, c: u8, q: u32) -> u32 {
        let clone = self.push_state(self.len(p) + 1, self.link(q), true);
        let mut e = self.states.get(q as usize).head;
        while e != NONE {
            let edge = self.edges.get(e as usize);
            self.push_edge(clone, edge.label, edge.target);
            e = edge.next;
        }
        while p != NONE {
            match self.find_edge(p, c) {
                Some(e) if self.edges.get(e).target == q => {
                    self.edges.get_mut(e).target = clone;
                }
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
            edges: Chunked::default(),
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
