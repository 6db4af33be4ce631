//! The editable automaton: Blumer et al.'s online construction over the concatenation of the
//! texts, with states and edges in flat arrays (structure of arrays, 21 bytes per state and
//! edge pair on average) so a multi-megabyte text builds without a pointer per edge.
//!
//! Texts are joined by separators that are each unique. A unique letter never has an
//! outgoing edge to look up later, so its edges are not stored at all: the separator's state
//! exists (it is a text position) but nothing reaches it, and no query path crosses texts.

/// "No state" / "no edge".
pub(crate) const NONE: u32 = u32::MAX;
/// The initial state (the empty string).
pub(crate) const ROOT: u32 = 0;

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    /// Length of the longest string of each state.
    pub(crate) len: Vec<u32>,
    /// Suffix link (NONE for the root).
    pub(crate) link: Vec<u32>,
    /// First edge of each state's list (NONE when it has none).
    head: Vec<u32>,
    /// One bit per state: created as a clone (so it is not the end of a text position).
    clones: Vec<u64>,
    e_label: Vec<u8>,
    e_target: Vec<u32>,
    e_next: Vec<u32>,
    /// The state of the whole concatenation so far.
    pub(crate) last: u32,
}

impl Graph {
    pub(crate) fn new() -> Self {
        let mut g = Graph {
            len: Vec::new(),
            link: Vec::new(),
            head: Vec::new(),
            clones: Vec::new(),
            e_label: Vec::new(),
            e_target: Vec::new(),
            e_next: Vec::new(),
            last: ROOT,
        };
        g.push_state(0, NONE, false);
        g
    }

    pub(crate) fn state_count(&self) -> usize {
        self.len.len()
    }

    pub(crate) fn edge_count(&self) -> usize {
        self.e_target.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.len.capacity() * 4
            + self.link.capacity() * 4
            + self.head.capacity() * 4
            + self.clones.capacity() * 8
            + self.e_label.capacity()
            + self.e_target.capacity() * 4
            + self.e_next.capacity() * 4
    }

    /// Reserves room for `bytes` more letters: at most two states and three edges each
    /// (Blumer et al.'s bounds), reserved at once so the arrays do not double past need.
    pub(crate) fn reserve_for(&mut self, bytes: usize) {
        let states = bytes.saturating_mul(2);
        self.len.reserve(states);
        self.link.reserve(states);
        self.head.reserve(states);
        self.clones.reserve(states / 64 + 1);
        // Measured on DNA and English text: about 1.5 edges per letter; the arrays grow
        // geometrically past that if a text needs more.
        let edges = bytes.saturating_mul(3) / 2;
        self.e_label.reserve(edges);
        self.e_target.reserve(edges);
        self.e_next.reserve(edges);
    }

    pub(crate) fn is_clone(&self, v: u32) -> bool {
        self.clones[v as usize / 64] >> (v % 64) & 1 == 1
    }

    fn push_state(&mut self, len: u32, link: u32, clone: bool) -> u32 {
        let id = self.len.len() as u32;
        self.len.push(len);
        self.link.push(link);
        self.head.push(NONE);
        if id.is_multiple_of(64) {
            self.clones.push(0);
        }
        if clone {
            self.clones[id as usize / 64] |= 1 << (id % 64);
        }
        id
    }

    fn push_edge(&mut self, from: u32, label: u8, to: u32) {
        let e = self.e_target.len() as u32;
        self.e_label.push(label);
        self.e_target.push(to);
        self.e_next.push(self.head[from as usize]);
        self.head[from as usize] = e;
    }

    /// Index of the edge of `v` labelled `c`.
    #[inline]
    fn find_edge(&self, v: u32, c: u8) -> Option<usize> {
        let mut e = self.head[v as usize];
        while e != NONE {
            if self.e_label[e as usize] == c {
                return Some(e as usize);
            }
            e = self.e_next[e as usize];
        }
        None
    }

    #[inline]
    pub(crate) fn transition(&self, v: u32, c: u8) -> Option<u32> {
        self.find_edge(v, c).map(|e| self.e_target[e])
    }

    /// The edges of `v`, unordered.
    pub(crate) fn edges(&self, v: u32) -> impl Iterator<Item = (u8, u32)> + '_ {
        let mut e = self.head[v as usize];
        std::iter::from_fn(move || {
            (e != NONE).then(|| {
                let i = e as usize;
                e = self.e_next[i];
                (self.e_label[i], self.e_target[i])
            })
        })
    }

    /// Appends one letter (Blumer et al.): a new state for the new position, edges from the
    /// suffixes of the old text that lacked this letter, and a clone when the state the
    /// shortest such suffix reaches also holds longer strings.
    pub(crate) fn extend(&mut self, c: u8) {
        let cur = self.push_state(self.len[self.last as usize] + 1, NONE, false);
        let mut p = self.last;
        let hit = loop {
            if p == NONE {
                break None;
            }
            if let Some(e) = self.find_edge(p, c) {
                break Some((p, e));
            }
            self.push_edge(p, c, cur);
            p = self.link[p as usize];
        };
        self.link[cur as usize] = match hit {
            None => ROOT,
            Some((p, e)) => {
                let q = self.e_target[e];
                if self.len[p as usize] + 1 == self.len[q as usize] {
                    q
                } else {
                    self.split(p, c, q)
                }
            }
        };
        self.last = cur;
    }

    /// Clones `q` for the strings no longer than `len(p) + 1` and redirects the suffixes of
    /// `p` that reached `q` by `c` to the clone. Returns the clone.
    fn split(&mut self, mut p: u32, c: u8, q: u32) -> u32 {
        let clone = self.push_state(self.len[p as usize] + 1, self.link[q as usize], true);
        let mut e = self.head[q as usize];
        while e != NONE {
            let i = e as usize;
            self.push_edge(clone, self.e_label[i], self.e_target[i]);
            e = self.e_next[i];
        }
        while p != NONE {
            match self.find_edge(p, c) {
                Some(e) if self.e_target[e] == q => self.e_target[e] = clone,
                _ => break,
            }
            p = self.link[p as usize];
        }
        self.link[q as usize] = clone;
        clone
    }

    /// Appends a separator unique to this point. Its edges would never be looked up again,
    /// so they are not stored; its state still records the position.
    pub(crate) fn separate(&mut self) {
        let cur = self.push_state(self.len[self.last as usize] + 1, ROOT, false);
        self.last = cur;
    }

    /// Rebuilds an editable graph from saved states and edges (the inverse of saving).
    pub(crate) fn from_parts(
        states: impl Iterator<Item = (u32, u32, bool)>,
        edges: impl Iterator<Item = (u32, u8, u32)>,
        last: u32,
    ) -> Self {
        let mut g = Graph {
            len: Vec::new(),
            link: Vec::new(),
            head: Vec::new(),
            clones: Vec::new(),
            e_label: Vec::new(),
            e_target: Vec::new(),
            e_next: Vec::new(),
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
