//! The editable minimal DAWG: states with sorted edges, a register of the states that are
//! already minimal (keyed by their content), and in-degree counts that tell which states are
//! shared.
//!
//! Minimality is kept after every operation (Daciuk, Mihov, Watson, Watson 2000; Carrasco and
//! Forcada 2002 for removal):
//! 1. walk the term's path; every state on it changes language, so it leaves the register;
//! 2. a shared state on the path (in-degree > 1) and everything after it on the path is cloned
//!    first, so the change cannot leak into other terms;
//! 3. change the path (add the missing tail, or unmark the final state and prune dead states);
//! 4. walk back from the deepest state: a state equivalent to a registered one is replaced by
//!    it, otherwise it is registered. Two states are equivalent when they have the same
//!    finality and the same edges, because their targets are already unique.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

pub(crate) type StateId = u32;
pub(crate) const ROOT: StateId = 0;

#[derive(Debug, Clone, Default)]
pub(crate) struct State {
    /// Edges sorted by label.
    pub edges: Vec<(u8, StateId)>,
    pub is_final: bool,
    /// Number of terms accepted from this state (its right language's size).
    pub count: u64,
    /// Number of edges pointing here.
    indeg: u32,
    registered: bool,
    /// On the free list.
    dead: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub states: Vec<State>,
    free: Vec<StateId>,
    register: HashMap<u64, Vec<StateId>>,
}

fn signature(s: &State) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.is_final.hash(&mut h);
    s.edges.hash(&mut h);
    h.finish()
}

impl Graph {
    pub fn new() -> Self {
        Graph {
            states: vec![State::default()],
            free: Vec::new(),
            register: HashMap::new(),
        }
    }

    /// Number of live states (the root included).
    pub fn state_count(&self) -> usize {
        self.states.len() - self.free.len()
    }

    pub fn edge_count(&self) -> usize {
        self.states
            .iter()
            .filter(|s| !s.dead)
            .map(|s| s.edges.len())
            .sum()
    }

    pub fn heap_bytes(&self) -> usize {
        let states = self.states.capacity() * std::mem::size_of::<State>()
            + self
                .states
                .iter()
                .map(|s| s.edges.capacity() * std::mem::size_of::<(u8, StateId)>())
                .sum::<usize>();
        let register = self.register.capacity() * (8 + std::mem::size_of::<Vec<StateId>>())
            + self
                .register
                .values()
                .map(|b| b.capacity() * 4)
                .sum::<usize>();
        states + register + self.free.capacity() * 4
    }

    pub fn target(&self, s: StateId, label: u8) -> Option<StateId> {
        let e = &self.states[s as usize].edges;
        e.binary_search_by_key(&label, |x| x.0).ok().map(|i| e[i].1)
    }

    /// Terms below `s` that come before the edge `label`: the state's own term (if final) and
    /// every term under smaller labels.
    pub fn rank_before(&self, s: StateId, label: u8) -> u64 {
        let st = &self.states[s as usize];
        st.is_final as u64
            + st.edges
                .iter()
                .take_while(|e| e.0 < label)
                .map(|e| self.states[e.1 as usize].count)
                .sum::<u64>()
    }

    /// The path of `term` as far as it exists, and the rank a term with this path would have.
    pub fn walk(&self, term: &[u8]) -> (Vec<StateId>, u64) {
        let mut path = vec![ROOT];
        let mut rank = 0;
        let mut s = ROOT;
        for &b in term {
            let Some(t) = self.target(s, b) else {
                rank += self.rank_before(s, b);
                return (path, rank);
            };
            rank += self.rank_before(s, b);
            path.push(t);
            s = t;
        }
        (path, rank)
    }

    fn alloc(&mut self, st: State) -> StateId {
        match self.free.pop() {
            Some(id) => {
                self.states[id as usize] = st;
                id
            }
            None => {
                self.states.push(st);
                (self.states.len() - 1) as StateId
            }
        }
    }

    fn release(&mut self, id: StateId) {
        let edges = std::mem::take(&mut self.states[id as usize].edges);
        for (_, t) in edges {
            self.states[t as usize].indeg -= 1;
        }
        self.states[id as usize] = State {
            dead: true,
            ..State::default()
        };
        self.free.push(id);
    }

    fn unregister(&mut self, id: StateId) {
        if !self.states[id as usize].registered {
            return;
        }
        let sig = signature(&self.states[id as usize]);
        if let Some(bucket) = self.register.get_mut(&sig) {
            bucket.retain(|&x| x != id);
            if bucket.is_empty() {
                self.register.remove(&sig);
            }
        }
        self.states[id as usize].registered = false;
    }

    /// Registers `id`, or returns the registered state equivalent to it.
    fn register_or_find(&mut self, id: StateId) -> Option<StateId> {
        let st = &self.states[id as usize];
        let sig = signature(st);
        let bucket = self.register.entry(sig).or_default();
        if let Some(&e) = bucket.iter().find(|&&e| {
            let o = &self.states[e as usize];
            o.is_final == st.is_final && o.edges == st.edges
        }) {
            return Some(e);
        }
        bucket.push(id);
        self.states[id as usize].registered = true;
        None
    }

    /// Points the edge `label` of `from` at `to` (updating in-degrees).
    fn retarget(&mut self, from: StateId, label: u8, to: StateId) {
        let edges = &mut self.states[from as usize].edges;
        let i = edges
            .binary_search_by_key(&label, |e| e.0)
            .expect("edge exists");
        let old = std::mem::replace(&mut edges[i].1, to);
        self.states[old as usize].indeg -= 1;
        self.states[to as usize].indeg += 1;
    }

    fn add_edge(&mut self, from: StateId, label: u8, to: StateId) {
        let edges = &mut self.states[from as usize].edges;
        let i = edges
            .binary_search_by_key(&label, |e| e.0)
            .expect_err("edge is new");
        edges.insert(i, (label, to));
        self.states[to as usize].indeg += 1;
    }

    /// Steps 1 and 2: takes every state on `path` out of the register and makes each one
    /// private to this path (cloning from the first shared state on), so it can be edited.
    fn make_path_private(&mut self, path: &mut [StateId], term: &[u8]) {
        let mut cloning = false;
        for i in 0..path.len() {
            let s = path[i];
            if i > 0 && self.states[s as usize].indeg > 1 {
                cloning = true;
            }
            if !cloning {
                self.unregister(s);
                continue;
            }
            let original = &self.states[s as usize];
            let clone = State {
                edges: original.edges.clone(),
                is_final: original.is_final,
                count: original.count,
                ..State::default()
            };
            for &(_, t) in &clone.edges {
                self.states[t as usize].indeg += 1;
            }
            let c = self.alloc(clone);
            self.retarget(path[i - 1], term[i - 1], c);
            path[i] = c;
        }
    }

    /// Step 4 along `path` (whose states spell `term`): replace or register, deepest first.
    fn minimize_path(&mut self, path: &[StateId], term: &[u8]) {
        for i in (1..path.len()).rev() {
            let s = path[i];
            if let Some(e) = self.register_or_find(s) {
                self.retarget(path[i - 1], term[i - 1], e);
                self.release(s);
            }
        }
    }

    /// Adds `term` (absent) at the rank the walk computed. Returns that rank.
    pub fn add(&mut self, term: &[u8]) -> u64 {
        let (mut path, rank) = self.walk(term);
        self.make_path_private(&mut path, term);
        for &b in &term[path.len() - 1..] {
            let t = self.alloc(State::default());
            self.add_edge(*path.last().expect("path has the root"), b, t);
            path.push(t);
        }
        let last = *path.last().expect("path has the root") as usize;
        debug_assert!(!self.states[last].is_final);
        self.states[last].is_final = true;
        for &s in &path {
            self.states[s as usize].count += 1;
        }
        self.minimize_path(&path, term);
        rank
    }

    /// Removes `term`, whose full path is `path` (ending in a final state).
    pub fn delete(&mut self, term: &[u8], mut path: Vec<StateId>) {
        self.make_path_private(&mut path, term);
        let last = *path.last().expect("path has the root") as usize;
        self.states[last].is_final = false;
        for &s in &path {
            self.states[s as usize].count -= 1;
        }
        // Prune states that no longer lead to any term.
        while path.len() > 1 {
            let s = *path.last().expect("non-empty") as usize;
            if self.states[s].is_final || !self.states[s].edges.is_empty() {
                break;
            }
            let parent = path[path.len() - 2] as usize;
            let label = term[path.len() - 2];
            let edges = &mut self.states[parent].edges;
            let i = edges
                .binary_search_by_key(&label, |e| e.0)
                .expect("edge exists");
            edges.remove(i);
            self.states[s].indeg -= 1;
            self.release(s as StateId);
            path.pop();
        }
        self.minimize_path(&path, &term[..path.len() - 1]);
    }

    /// Builds from terms in strictly increasing byte order (Daciuk et al.'s sorted algorithm):
    /// only the previous term's unshared tail is ever unminimized, so the cost is linear.
    pub fn from_sorted<'a>(terms: impl Iterator<Item = &'a [u8]>) -> Self {
        let mut g = Graph::new();
        // The path of the previous term: (state, label into it); index 0 is the root.
        let mut path: Vec<StateId> = vec![ROOT];
        let mut prev: &[u8] = &[];
        for term in terms {
            let common = prev.iter().zip(term).take_while(|(a, b)| a == b).count();
            g.seal_below(&mut path, prev, common);
            for &b in &term[common..] {
                let t = g.alloc(State::default());
                g.add_edge(*path.last().expect("root"), b, t);
                path.push(t);
            }
            g.states[*path.last().expect("root") as usize].is_final = true;
            prev = term;
        }
        g.seal_below(&mut path, prev, 0);
        g.states[ROOT as usize].count = g.count_of(ROOT);
        g
    }

    fn count_of(&self, s: StateId) -> u64 {
        let st = &self.states[s as usize];
        st.is_final as u64
            + st.edges
                .iter()
                .map(|e| self.states[e.1 as usize].count)
                .sum::<u64>()
    }

    /// Minimizes the states of `path` deeper than `keep` (their subtrees are complete).
    fn seal_below(&mut self, path: &mut Vec<StateId>, term: &[u8], keep: usize) {
        while path.len() > keep + 1 {
            let s = path.pop().expect("deeper than keep");
            self.states[s as usize].count = self.count_of(s);
            let parent = *path.last().expect("root stays");
            if let Some(e) = self.register_or_find(s) {
                self.retarget(parent, term[path.len() - 1], e);
                self.release(s);
            }
        }
    }
}
