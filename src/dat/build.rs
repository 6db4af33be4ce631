//! Construction of the double array from sorted, de-duplicated terms.
//!
//! Nodes are laid out depth first, or level by level on request ([`Layout`]). For each
//! internal node we choose a base `B` such that every child slot `B ^ label` is free and no
//! other node uses `B`; distinct bases are what makes the label alone a sufficient check.
//! Only the last [`OPEN_BLOCKS`] blocks are searched for free slots (older blocks are closed
//! and their holes stay free), which keeps the build linear in the number of nodes.

use super::layout::{self, LINK_FIRST, LINK_NEXT};
use super::unit::{self, BLOCK, DATA_MAX, FREE_LABEL, MAX_UNITS, SUPERBLOCK_SHIFT};
use super::Layout;
use crate::error::{Error, Result};
use std::collections::VecDeque;

const OPEN_BLOCKS: u32 = 16;
const NONE: u32 = u32::MAX;
/// Label stored in the root unit: never a valid edge label, never "free".
pub(crate) const ROOT_LABEL: u32 = FREE_LABEL - 1;

/// The most units a level-order build may use: below 2^21 every XOR of two positions fits an
/// internal unit's offset field, so every parent can use any free base. Past it, parents a
/// level behind the frontier could only use one base per block and the array would bloat
/// (measured: 151 bytes per npm name against 58.6 depth first, and an 11 s build).
pub(crate) const LEVEL_ORDER_UNITS: u64 = DATA_MAX as u64 + 1;

/// Builds the complete file image for `keys` (sorted, unique), with the link section when
/// `with_links`, laid out as `layout` asks (level order falls back to depth first for a trie
/// of more than [`LEVEL_ORDER_UNITS`] units).
pub fn build_image(keys: &[(&[u8], u64)], with_links: bool, layout: Layout) -> Result<Vec<u8>> {
    build_within(keys, with_links, layout, LEVEL_ORDER_UNITS)
}

/// [`build_image`] with the level-order unit limit as a parameter, so tests can reach the
/// fallback with a small trie.
pub(crate) fn build_within(
    keys: &[(&[u8], u64)],
    with_links: bool,
    layout: Layout,
    level_limit: u64,
) -> Result<Vec<u8>> {
    if layout == Layout::LevelOrder {
        match place_all(keys, with_links, true, level_limit) {
            Err(Error::TooLarge { .. }) => {}
            done => return done,
        }
    }
    place_all(keys, with_links, false, MAX_UNITS)
}

/// Places every node, breadth first when `level_order` (else depth first), in at most
/// `limit` units (`Error::TooLarge` past it), and writes the image.
fn place_all(
    keys: &[(&[u8], u64)],
    with_links: bool,
    level_order: bool,
    limit: u64,
) -> Result<Vec<u8>> {
    let mut placer = Placer::new(limit);
    let mut wide: Vec<(u32, u64)> = Vec::new();
    // Every byte of every term is the label of some edge, so both are gathered while the
    // edges are placed instead of in a pass over all term bytes.
    let mut alphabet = [0u8; 32];
    let mut max_len = 0usize;

    // An empty dictionary keeps the root as `Placer::new` left it: offset 0, so its children
    // would sit at 0 ^ label, all free units.
    // Nodes to place: (position, depth, key range). Depth first pops the back, so the
    // children are pushed in reverse and the smallest label is placed next; level order
    // takes the front, so children go in ascending order behind the whole current level.
    let mut pending: VecDeque<(u32, usize, usize, usize)> = VecDeque::new();
    if !keys.is_empty() {
        pending.push_back((0, 0, 0, keys.len()));
    }
    let mut links: Vec<u8> = Vec::new();
    let mut labels: Vec<u32> = Vec::with_capacity(257);
    let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(257);
    let next = |p: &mut VecDeque<_>| {
        if level_order {
            p.pop_front()
        } else {
            p.pop_back()
        }
    };
    let mut children: Vec<(u32, usize, usize, usize)> = Vec::with_capacity(257);
    while let Some((pos, depth, lo, hi)) = next(&mut pending) {
        labels.clear();
        ranges.clear();
        let mut i = lo;
        // All keys in lo..hi share `depth` bytes; only the first can end here (sorted order).
        if keys[i].0.len() == depth {
            labels.push(unit::TERMINATOR);
            ranges.push((i, i + 1));
            i += 1;
        }
        while i < hi {
            let byte = keys[i].0[depth];
            let start = i;
            i = group_end(keys, depth, byte, i, hi);
            alphabet[byte as usize / 8] |= 1 << (byte % 8);
            labels.push(unit::label_of_byte(byte));
            ranges.push((start, i));
        }
        let base = placer.place(pos, &labels)?;
        if with_links {
            set_links(&mut links, placer.units.len(), pos, base, &labels);
        }
        let own_label = unit::label(placer.units[pos as usize]);
        placer.units[pos as usize] = unit::internal(own_label, pos ^ base)
            .expect("placer only returns bases with an encodable offset");
        children.clear();
        for (&l, &(a, b)) in labels.iter().zip(&ranges) {
            let child = base ^ l;
            let is_leaf = l == unit::TERMINATOR || (b - a == 1 && keys[a].0.len() == depth + 1);
            if is_leaf {
                max_len = max_len.max(keys[a].0.len());
                let value = keys[a].1;
                placer.units[child as usize] = if value <= DATA_MAX as u64 {
                    unit::leaf_inline(l, value as u32)
                } else {
                    wide.push((child, value));
                    unit::leaf_wide(l, 0)
                };
            } else {
                placer.units[child as usize] = l;
                children.push((child, depth + 1, a, b));
            }
        }
        if level_order {
            pending.extend(children.iter().copied());
        } else {
            pending.extend(children.iter().rev().copied());
        }
    }

    let mut units = placer.units;
    if with_links {
        // An empty dictionary placed nothing; its units still get their (zero) link bytes.
        links.resize(units.len() * 2, 0);
    }
    let (wide_base, wide_values) = assign_wide(&mut units, &mut wide);
    Ok(layout::write_image(&layout::ImageParts {
        term_count: keys.len() as u64,
        max_term_len: max_len as u32,
        alphabet,
        units: &units,
        links: with_links.then_some(&links[..]),
        wide_base: &wide_base,
        wide_values: &wide_values,
    }))
}

/// Writes the links of the node at `pos` (base `base`) and of its children labelled
/// `labels` (ascending), growing `links` to cover `unit_count` units.
fn set_links(links: &mut Vec<u8>, unit_count: usize, pos: u32, base: u32, labels: &[u32]) {
    links.resize(unit_count * 2, 0);
    // The first byte child (a terminator comes before them all).
    let first_byte = labels.iter().find(|&&l| l != unit::TERMINATOR);
    links[pos as usize * 2 + LINK_FIRST] = first_byte.map_or(0, |&l| (l - 1) as u8);
    for (i, &l) in labels.iter().enumerate() {
        links[(base ^ l) as usize * 2 + LINK_NEXT] = sibling_byte(l, labels.get(i + 1).copied());
    }
}

/// The next-sibling byte of the child labelled `l` (`docs/format.md`): the byte of the next
/// child `next`, or when there is none `l`'s own byte, which a reader recognises because
/// siblings only ever go up. (A terminator without a next child, only in the trie of the empty
/// term alone, stores 0; readers never follow a terminator's link.)
fn sibling_byte(l: u32, next: Option<u32>) -> u8 {
    match next {
        Some(n) => (n - 1) as u8,
        None => l.saturating_sub(1) as u8,
    }
}

/// The end of the run of keys in `start..hi` whose byte at `depth` is `byte` (keys are
/// sorted, so the run is contiguous). Galloping: cost grows with the log of the run's
/// length, so wide nodes near the root do not rescan every key below them.
fn group_end(keys: &[(&[u8], u64)], depth: usize, byte: u8, start: usize, hi: usize) -> usize {
    let same = |j: usize| keys[j].0[depth] == byte;
    let mut lo = start + 1; // first index not yet known to be in the run
    let mut step = 1;
    while lo < hi && same(lo) {
        lo += step;
        step *= 2;
    }
    // The run ends in (last known member, min(lo, hi)]; binary search that window.
    let mut left = lo.saturating_sub(step / 2).max(start + 1);
    let mut right = lo.min(hi);
    while left < right {
        let mid = left + (right - left) / 2;
        if same(mid) {
            left = mid + 1;
        } else {
            right = mid;
        }
    }
    left
}

/// Orders wide values by unit position and computes, per superblock of 2^16 units, the index
/// of its first wide value; each wide leaf is rewritten to hold its index relative to that
/// base, which is below 2^16 and always fits the 21-bit data field, however many wide values
/// there are. Returns (superblock bases, values in position order).
fn assign_wide(units: &mut [u32], wide: &mut [(u32, u64)]) -> (Vec<u64>, Vec<u64>) {
    wide.sort_unstable_by_key(|&(pos, _)| pos);
    let superblocks = units.len().div_ceil(1 << SUPERBLOCK_SHIFT);
    let mut bases = vec![0u64; superblocks];
    let mut values = Vec::with_capacity(wide.len());
    let mut next = 0usize;
    for (s, base) in bases.iter_mut().enumerate() {
        *base = next as u64;
        let end = ((s + 1) as u64) << SUPERBLOCK_SHIFT;
        while next < wide.len() && (wide[next].0 as u64) < end {
            let (pos, value) = wide[next];
            let local = (next as u64 - *base) as u32;
            units[pos as usize] = unit::leaf_wide(unit::label(units[pos as usize]), local);
            values.push(value);
            next += 1;
        }
    }
    (bases, values)
}

/// The growing unit array with a free list over its open blocks.
struct Placer {
    units: Vec<u32>,
    used_base: Vec<u64>,
    next: Vec<u32>,
    prev: Vec<u32>,
    head: u32,
    tail: u32,
    /// First unit of the oldest open block.
    open_start: u32,
    /// The most units the array may grow to.
    limit: u64,
}

impl Placer {
    fn new(limit: u64) -> Self {
        let mut p = Placer {
            limit,
            units: Vec::new(),
            used_base: Vec::new(),
            next: Vec::new(),
            prev: Vec::new(),
            head: NONE,
            tail: NONE,
            open_start: 0,
        };
        p.grow().expect("one block always fits");
        p.unlink(0);
        p.units[0] = ROOT_LABEL;
        p
    }

    fn is_free(&self, pos: u32) -> bool {
        unit::label(self.units[pos as usize]) == FREE_LABEL
    }

    fn base_used(&self, base: u32) -> bool {
        self.used_base[base as usize / 64] & (1 << (base % 64)) != 0
    }

    fn fits(&self, pos: u32, base: u32, labels: &[u32]) -> bool {
        !self.base_used(base)
            && unit::offset_encodable(pos ^ base)
            && labels.iter().all(|&l| self.is_free(base ^ l))
    }

    /// Chooses a base for the children `labels` of the node at `pos` and reserves the slots.
    fn place(&mut self, pos: u32, labels: &[u32]) -> Result<u32> {
        let last = self.units.len() as u32 - 1;
        let near = (pos ^ self.open_start) <= DATA_MAX && (pos ^ last) <= DATA_MAX;
        if near {
            let mut e = self.head;
            while e != NONE {
                let base = e ^ labels[0];
                if self.fits(pos, base, labels) {
                    return Ok(self.take(base, labels));
                }
                e = self.next[e as usize];
            }
        } else {
            // A far parent can only use a base whose low 9 bits equal its own (the offset is
            // then stored shifted); there is exactly one such base per open block.
            let mut blk = self.open_start;
            while blk <= last {
                let base = blk | (pos & (BLOCK - 1));
                if self.fits(pos, base, labels) {
                    return Ok(self.take(base, labels));
                }
                blk += BLOCK;
            }
        }
        let start = self.grow()?;
        // A fresh block is entirely free and its bases unused; matching the low bits keeps the
        // offset encodable however far away the parent is.
        let base = start | (pos & (BLOCK - 1));
        debug_assert!(self.fits(pos, base, labels));
        Ok(self.take(base, labels))
    }

    fn take(&mut self, base: u32, labels: &[u32]) -> u32 {
        self.used_base[base as usize / 64] |= 1 << (base % 64);
        for &l in labels {
            let p = base ^ l;
            self.unlink(p);
            self.units[p as usize] = l;
        }
        base
    }

    /// Appends one free block, closing the oldest open block when too many are open.
    fn grow(&mut self) -> Result<u32> {
        let start = self.units.len() as u64;
        if start + BLOCK as u64 > self.limit {
            return Err(Error::TooLarge {
                what: "double-array units",
                limit: self.limit,
            });
        }
        let start = start as u32;
        let end = start + BLOCK;
        self.units.resize(end as usize, FREE_LABEL);
        self.used_base.resize(end as usize / 64, 0);
        self.next.resize(end as usize, NONE);
        self.prev.resize(end as usize, NONE);
        for p in start..end {
            self.push_back(p);
        }
        if (end - self.open_start) / BLOCK > OPEN_BLOCKS {
            for p in self.open_start..self.open_start + BLOCK {
                if self.is_free(p) {
                    self.unlink(p);
                }
            }
            self.open_start += BLOCK;
        }
        Ok(start)
    }

    fn push_back(&mut self, p: u32) {
        self.prev[p as usize] = self.tail;
        self.next[p as usize] = NONE;
        if self.tail == NONE {
            self.head = p;
        } else {
            self.next[self.tail as usize] = p;
        }
        self.tail = p;
    }

    fn unlink(&mut self, p: u32) {
        let (n, pr) = (self.next[p as usize], self.prev[p as usize]);
        if pr == NONE {
            self.head = n;
        } else {
            self.next[pr as usize] = n;
        }
        if n == NONE {
            self.tail = pr;
        } else {
            self.prev[n as usize] = pr;
        }
    }
}
