//! What the counting and position queries need beyond the automaton itself, computed in
//! O(states) after the last append (and stored in the saved file).
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

/// Children lists of the suffix-link tree, as offsets into one array.
fn link_children(g: &Graph) -> (Vec<u32>, Vec<u32>) {
    let n = g.state_count();
    let mut start = vec![0u32; n + 1];
    for v in 1..n {
        start[g.link(v as u32) as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut kids = vec![0u32; n.saturating_sub(1)];
    for v in 1..n {
        let p = g.link(v as u32) as usize;
        kids[fill[p] as usize] = v as u32;
        fill[p] += 1;
    }
    (start, kids)
}

/// Walks the suffix-link tree in preorder with an explicit stack (it can be as deep as the
/// text is long) and returns each state's run start, run length and the positions.
fn preorder_positions(g: &Graph) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = g.state_count();
    let (start, kids) = link_children(g);
    let mut occ_lo = vec![0u32; n];
    let mut count = vec![0u32; n];
    let mut occ = Vec::with_capacity(g.len(g.last) as usize);
    let mut stack: Vec<(u32, u32)> = vec![(ROOT, start[ROOT as usize])];
    while let Some(top) = stack.last_mut() {
        let (v, next) = *top;
        if next < start[v as usize + 1] {
            top.1 += 1;
            let c = kids[next as usize];
            occ_lo[c as usize] = occ.len() as u32;
            if !g.is_clone(c) {
                occ.push(g.len(c) - 1);
            }
            stack.push((c, start[c as usize]));
        } else {
            count[v as usize] = occ.len() as u32 - occ_lo[v as usize];
            stack.pop();
        }
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
