//! What the counting and position queries need beyond the automaton itself, computed in
//! O(states + text length) after the last append (and stored in the saved file).
//!
//! The end positions of a state's strings are the text positions whose (non-clone) states lie
//! in its subtree of the suffix-link tree. Listing the positions in a preorder of that tree
//! makes every subtree one contiguous run, so a state needs only where its run starts and how
//! long it is: counting is one read and a position cursor is two integers, whatever the
//! number of occurrences.

use super::graph::{Graph, ROOT};
use super::query::TextMap;

#[derive(Debug, Clone)]
pub(crate) struct OccIndex {
    /// Number of end positions of each state (occurrences of each of its strings).
    pub(crate) count: Vec<u32>,
    /// Where each state's run starts in `occ`.
    pub(crate) occ_lo: Vec<u32>,
    /// End positions (index of the last letter in the concatenation), in preorder.
    pub(crate) occ: Vec<u32>,
    /// Distinct non-empty substrings of the texts.
    pub(crate) distinct: u64,
}

impl OccIndex {
    pub(crate) fn build(g: &Graph, texts: &TextMap) -> Self {
        let (occ_lo, count, occ) = preorder_positions(g);
        let distinct = distinct_substrings(g, texts, &occ_lo, &occ);
        OccIndex {
            count,
            occ_lo,
            occ,
            distinct,
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        (self.count.capacity() + self.occ_lo.capacity() + self.occ.capacity()) * 4
    }
}

/// The states in increasing order of length (a counting sort). A suffix link is always
/// shorter than its state, so every state comes after its link: the passes below visit the
/// suffix-link tree top-down (this order) or bottom-up (reversed) without walking it. A walk
/// is a chain of dependent cache misses; these passes read states in an order known in
/// advance, so the processor overlaps their misses.
fn by_length(g: &Graph) -> Vec<u32> {
    let n = g.state_count();
    // Scanned rather than taken from `last`: an editable copy of a saved file is checked for
    // shorter links, not for `last` being the longest state, and this sizes an index.
    let longest = (0..n as u32).map(|v| g.len(v)).max().unwrap_or(0);
    let mut start = vec![0u32; longest as usize + 2];
    for v in 0..n as u32 {
        start[g.len(v) as usize + 1] += 1;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut order = vec![0u32; n];
    for v in 0..n as u32 {
        let slot = &mut start[g.len(v) as usize];
        order[*slot as usize] = v;
        *slot += 1;
    }
    order
}

/// Whether state `v` ends a text position of its own (the root and clones do not).
fn ends_position(g: &Graph, v: u32) -> bool {
    v != ROOT && !g.is_clone(v)
}

/// Lays out the positions in a preorder of the suffix-link tree (a state's own position, then
/// its children's runs) and returns each state's run start, run length and the positions.
fn preorder_positions(g: &Graph) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = g.state_count();
    let order = by_length(g);
    // Bottom-up: a state's count is its own position plus its children's counts, all of
    // which are final before it is reached (children are longer).
    let mut count = vec![0u32; n];
    for &v in order.iter().rev().filter(|&&v| v != ROOT) {
        count[v as usize] += u32::from(ends_position(g, v));
        count[g.link(v) as usize] += count[v as usize];
    }
    // Top-down: each state takes the next free run inside its link's run; `next` is where
    // the next child of a state starts.
    let mut occ_lo = vec![0u32; n];
    let mut next = vec![0u32; n];
    let mut occ = vec![0u32; count[ROOT as usize] as usize];
    for &v in &order {
        let lo = if v == ROOT {
            0
        } else {
            let parent = &mut next[g.link(v) as usize];
            let lo = *parent;
            *parent += count[v as usize];
            lo
        };
        occ_lo[v as usize] = lo;
        let own = ends_position(g, v);
        if own {
            occ[lo as usize] = g.len(v) - 1;
        }
        next[v as usize] = lo + u32::from(own);
    }
    (occ_lo, count, occ)
}

/// The strings of a state share their end positions, so taking any one of them, `e`, the
/// strings of the state without a separator are those no longer than the run of text that
/// ends at `e`; each state adds those longer than its suffix link's strings.
fn distinct_substrings(g: &Graph, texts: &TextMap, occ_lo: &[u32], occ: &[u32]) -> u64 {
    (1..g.state_count() as u32)
        .map(|v| {
            let e = occ[occ_lo[v as usize] as usize];
            let run = texts.run_ending_at(e.into());
            let longest = u64::from(g.len(v)).min(run);
            longest.saturating_sub(g.len(g.link(v)).into())
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins the layout the saved format promises (a preorder of the suffix-link tree): each
    /// state's run lies inside its link's run and starts with the state's own position, and
    /// every position is listed once.
    #[test]
    fn runs_nest_inside_their_links_runs() {
        let mut g = Graph::new();
        b"abracadabra".iter().for_each(|&c| g.extend(c));
        g.separate();
        b"cadabra, abracadabra".iter().for_each(|&c| g.extend(c));
        let (lo, count, occ) = preorder_positions(&g);
        let n = g.state_count() as u32;
        for v in 1..n {
            let (p, v_) = (g.link(v) as usize, v as usize);
            assert!(lo[p] <= lo[v_] && lo[v_] + count[v_] <= lo[p] + count[p]);
            if ends_position(&g, g.link(v)) {
                assert!(lo[v_] > lo[p], "the link's own position comes first");
            }
            if ends_position(&g, v) {
                assert_eq!(occ[lo[v_] as usize], g.len(v) - 1);
            }
        }
        let mut listed = occ.clone();
        listed.sort_unstable();
        let mut own: Vec<u32> = (1..n)
            .filter(|&v| ends_position(&g, v))
            .map(|v| g.len(v) - 1)
            .collect();
        own.sort_unstable();
        assert_eq!(listed, own);
        assert_eq!(count[ROOT as usize] as usize, occ.len());
    }
}
