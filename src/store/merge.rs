//! The checkpoint merge: applies a sorted set of changes to the image by path copying. Only
//! nodes on the path to a changed key are rewritten (appended after the image's end); every
//! other subtree keeps its offset. Cost: O(changes x depth), whatever the size of the image.

use super::image::{read_node_in, NodeView, NodeWriter};
use crate::error::FormatError;

/// A key and its new value, or `None` for a removal.
pub type Change = (Vec<u8>, Option<Vec<u8>>);

/// A node read back as owned data (it may come from the image or from the write buffer).
enum Owned {
    Leaf {
        key: Vec<u8>,
        size: u64,
    },
    Inner {
        prefix: Vec<u8>,
        leaf: u64,
        kids: Vec<(u8, u64)>,
        size: u64,
    },
}

/// An entry of a subtree being built: a new pair, or an existing leaf kept by offset.
enum Item<'c> {
    New(&'c [u8], &'c [u8]),
    Old(u64, Vec<u8>),
}

impl Item<'_> {
    fn key(&self) -> &[u8] {
        match self {
            Item::New(k, _) => k,
            Item::Old(_, k) => k,
        }
    }
}

/// The outcome of one checkpoint merge.
pub struct Merged {
    pub root: u64,
    /// Encoded nodes to append at the old end offset.
    pub bytes: Vec<u8>,
    pub keys: u64,
    /// Live bytes after the merge.
    pub live: u64,
}

struct Merger<'a> {
    /// The image's node region, which starts at file offset `base`.
    image: &'a [u8],
    base: u64,
    end: u64,
    w: NodeWriter,
    /// Bytes of nodes (old or freshly written) that are no longer reachable.
    dead: u64,
    keys: i64,
}

/// Merges `changes` (sorted by key, unique) into the tree at `root` of `image` (the bytes
/// from file offset `base` on), whose slot says `end`, `keys` and `live`.
#[allow(clippy::too_many_arguments)]
pub fn merge(
    image: &[u8],
    base: u64,
    root: u64,
    end: u64,
    keys: u64,
    live: u64,
    changes: &[Change],
) -> Result<Merged, FormatError> {
    let mut m = Merger {
        image,
        base,
        end,
        w: NodeWriter::new(end),
        dead: 0,
        keys: keys as i64,
    };
    let sub = (root != 0).then_some((root, 0));
    let new_root = if changes.is_empty() {
        root
    } else {
        m.merge(0, sub, changes)?.unwrap_or(0)
    };
    let written = m.w.buf.len() as u64;
    Ok(Merged {
        root: new_root,
        keys: m.keys.max(0) as u64,
        live: (live + written).saturating_sub(m.dead),
        bytes: m.w.buf,
    })
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Splits sorted `changes` (all longer than `pos`) into runs sharing the byte at `pos`.
fn groups(changes: &[Change], pos: usize) -> Vec<(u8, &[Change])> {
    let mut out: Vec<(u8, &[Change])> = Vec::new();
    let mut start = 0;
    for i in 1..=changes.len() {
        if i == changes.len() || changes[i].0[pos] != changes[start].0[pos] {
            out.push((changes[start].0[pos], &changes[start..i]));
            start = i;
        }
    }
    out
}

impl Merger<'_> {
    /// Reads a node from the image or from what this merge already wrote.
    fn node(&self, off: u64) -> Result<Owned, FormatError> {
        if off >= self.w.base {
            Self::own(read_node_in(&self.w.buf, self.w.base, off, self.w.end())?)
        } else {
            Self::own(read_node_in(self.image, self.base, off, self.end)?)
        }
    }

    fn own(view: NodeView<'_>) -> Result<Owned, FormatError> {
        Ok(match view {
            NodeView::Leaf { key, size, .. } => Owned::Leaf {
                key: key.to_vec(),
                size,
            },
            NodeView::Inner(i) => Owned::Inner {
                prefix: i.prefix.to_vec(),
                leaf: i.leaf,
                kids: i.children(),
                size: i.size,
            },
        })
    }

    /// Applies `changes` (sorted, non-empty, every key sharing the path to `depth`) to the
    /// subtree `sub` = (node offset, bytes of its prefix already consumed by a split above).
    fn merge(
        &mut self,
        depth: usize,
        sub: Option<(u64, usize)>,
        changes: &[Change],
    ) -> Result<Option<u64>, FormatError> {
        let Some((off, skip)) = sub else {
            let items: Vec<Item<'_>> = changes
                .iter()
                .filter_map(|(k, v)| v.as_deref().map(|v| Item::New(k, v)))
                .collect();
            self.keys += items.len() as i64;
            return Ok((!items.is_empty()).then(|| self.build(depth, &items)));
        };
        match self.node(off)? {
            Owned::Leaf { key, size } => Ok(self.merge_leaf(depth, off, key, size, changes)),
            Owned::Inner {
                prefix,
                leaf,
                kids,
                size,
            } => {
                let rest = &prefix[skip..];
                let m = changes
                    .iter()
                    .map(|(k, _)| common_prefix(rest, &k[depth..]))
                    .min()
                    .unwrap_or(rest.len());
                if m < rest.len() {
                    self.split(depth, off, skip, rest, m, changes)
                } else {
                    self.dead += size;
                    self.merge_inner(depth, rest, leaf, &kids, changes)
                }
            }
        }
    }

    /// A leaf meets changes: rebuild the few keys involved.
    fn merge_leaf(
        &mut self,
        depth: usize,
        off: u64,
        key: Vec<u8>,
        size: u64,
        changes: &[Change],
    ) -> Option<u64> {
        let mut items = Vec::with_capacity(changes.len() + 1);
        let mut old = Some(Item::Old(off, key));
        for (k, v) in changes {
            if let Some(o) = old.take_if(|o| o.key() < &k[..]) {
                items.push(o);
            }
            if old.as_ref().is_some_and(|o| o.key() == &k[..]) {
                // The change replaces or removes the existing leaf.
                old = None;
                self.dead += size;
                self.keys -= 1;
            }
            if let Some(v) = v {
                items.push(Item::New(k, v));
                self.keys += 1;
            }
        }
        items.extend(old);
        (!items.is_empty()).then(|| self.build(depth, &items))
    }

    /// Some change leaves the node's prefix after `m` bytes: a new node with the shared part
    /// takes the old node (with a shorter prefix) and the new keys as children.
    fn split(
        &mut self,
        depth: usize,
        off: u64,
        skip: usize,
        rest: &[u8],
        m: usize,
        changes: &[Change],
    ) -> Result<Option<u64>, FormatError> {
        let pos = depth + m;
        let (here, longer): (Vec<&Change>, Vec<&Change>) =
            changes.iter().partition(|(k, _)| k.len() == pos);
        let longer: Vec<Change> = longer.into_iter().cloned().collect();
        let leaf = match here.first() {
            Some((k, Some(v))) => {
                self.keys += 1;
                self.w.leaf(k, v)
            }
            _ => 0,
        };
        let mut kids = Vec::new();
        let old_byte = rest[m];
        let mut old_done = false;
        for (b, group) in groups(&longer, pos) {
            if b > old_byte && !old_done {
                kids.push((old_byte, self.reprefix(off, skip + m + 1)?));
                old_done = true;
            }
            let sub = (b == old_byte).then_some((off, skip + m + 1));
            old_done |= b == old_byte;
            if let Some(c) = self.merge(pos + 1, sub, group)? {
                kids.push((b, c));
            }
        }
        if !old_done {
            kids.push((old_byte, self.reprefix(off, skip + m + 1)?));
        }
        self.normalize(&rest[..m], leaf, kids)
    }

    /// Every change passes through the node's whole prefix: merge leaf and children.
    fn merge_inner(
        &mut self,
        depth: usize,
        rest: &[u8],
        old_leaf: u64,
        old_kids: &[(u8, u64)],
        changes: &[Change],
    ) -> Result<Option<u64>, FormatError> {
        let pos = depth + rest.len();
        let (here, longer): (Vec<&Change>, Vec<&Change>) =
            changes.iter().partition(|(k, _)| k.len() == pos);
        let longer: Vec<Change> = longer.into_iter().cloned().collect();
        let leaf = match here.first() {
            None => old_leaf,
            Some((k, v)) => {
                if old_leaf != 0 {
                    self.dead += self.node(old_leaf).map(|n| size_of(&n))?;
                    self.keys -= 1;
                }
                match v {
                    Some(v) => {
                        self.keys += 1;
                        self.w.leaf(k, v)
                    }
                    None => 0,
                }
            }
        };
        let mut kids = Vec::with_capacity(old_kids.len() + 1);
        let mut old = old_kids.iter().peekable();
        for (b, group) in groups(&longer, pos) {
            while let Some(&&(ob, oc)) = old.peek() {
                if ob >= b {
                    break;
                }
                kids.push((ob, oc));
                old.next();
            }
            let sub = old.next_if(|o| o.0 == b).map(|&(_, oc)| (oc, 0));
            if let Some(c) = self.merge(pos + 1, sub, group)? {
                kids.push((b, c));
            }
        }
        kids.extend(old.copied());
        self.normalize(rest, leaf, kids)
    }

    /// The node at `off` with the first `skip` bytes of its prefix removed (a split above
    /// took them). Leaves hold their whole key and need no copy.
    fn reprefix(&mut self, off: u64, skip: usize) -> Result<u64, FormatError> {
        match self.node(off)? {
            Owned::Leaf { .. } => Ok(off),
            Owned::Inner {
                prefix,
                leaf,
                kids,
                size,
            } => {
                self.dead += size;
                Ok(self.w.inner(&prefix[skip..], leaf, &kids))
            }
        }
    }

    /// Writes an inner node unless it is empty (nothing) or has a single entry (that entry,
    /// with this node's prefix folded into a child's).
    fn normalize(
        &mut self,
        prefix: &[u8],
        leaf: u64,
        kids: Vec<(u8, u64)>,
    ) -> Result<Option<u64>, FormatError> {
        match (kids.len(), leaf) {
            (0, 0) => Ok(None),
            (0, l) => Ok(Some(l)),
            (1, 0) => {
                let (b, c) = kids[0];
                match self.node(c)? {
                    Owned::Leaf { .. } => Ok(Some(c)),
                    Owned::Inner {
                        prefix: cp,
                        leaf: cl,
                        kids: ck,
                        size,
                    } => {
                        self.dead += size;
                        let mut p = prefix.to_vec();
                        p.push(b);
                        p.extend_from_slice(&cp);
                        Ok(Some(self.w.inner(&p, cl, &ck)))
                    }
                }
            }
            _ => Ok(Some(self.w.inner(prefix, leaf, &kids))),
        }
    }

    /// Writes a new subtree for `items` (sorted, unique, non-empty, sharing `depth` bytes).
    fn build(&mut self, depth: usize, items: &[Item<'_>]) -> u64 {
        if let [only] = items {
            return match only {
                Item::New(k, v) => self.w.leaf(k, v),
                Item::Old(off, _) => *off,
            };
        }
        let first = items[0].key();
        let last = items[items.len() - 1].key();
        let pos = depth + common_prefix(&first[depth..], &last[depth..]);
        let mut rest = items;
        let mut leaf = 0;
        if first.len() == pos {
            leaf = self.build(pos, &items[..1]);
            rest = &items[1..];
        }
        let mut kids = Vec::new();
        let mut start = 0;
        for i in 1..=rest.len() {
            if i == rest.len() || rest[i].key()[pos] != rest[start].key()[pos] {
                let b = rest[start].key()[pos];
                kids.push((b, self.build(pos + 1, &rest[start..i])));
                start = i;
            }
        }
        self.w.inner(&first[depth..pos], leaf, &kids)
    }
}

fn size_of(n: &Owned) -> u64 {
    match n {
        Owned::Leaf { size, .. } | Owned::Inner { size, .. } => *size,
    }
}

#[cfg(test)]
mod tests {
    use super::super::image::{get, NODES_START};
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// Applies rounds of changes and checks every key of the model after each round.
    fn check_rounds(rounds: Vec<BTreeMap<Vec<u8>, Option<Vec<u8>>>>) {
        let mut image = vec![0u8; NODES_START as usize];
        let (mut root, mut keys, mut live) = (0u64, 0u64, 0u64);
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for round in rounds {
            let changes: Vec<Change> = round.clone().into_iter().collect();
            let end = image.len() as u64;
            let m = merge(&image, 0, root, end, keys, live, &changes).unwrap();
            image.extend_from_slice(&m.bytes);
            (root, keys, live) = (m.root, m.keys, m.live);
            for (k, v) in round {
                match v {
                    Some(v) => model.insert(k, v),
                    None => model.remove(&k),
                };
            }
            assert_eq!(keys, model.len() as u64);
            let end = image.len() as u64;
            for (k, v) in &model {
                assert_eq!(get(&image, root, end, k).unwrap(), Some(&v[..]), "{k:?}");
            }
            for (k, _) in &changes {
                if !model.contains_key(k) {
                    assert_eq!(get(&image, root, end, k).unwrap(), None);
                }
            }
            assert!(live <= end - NODES_START);
            assert_eq!(live == 0, model.is_empty());
        }
    }

    fn key() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), 0u8..=255], 0..6)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn merge_matches_a_model(rounds in proptest::collection::vec(
            proptest::collection::btree_map(key(), proptest::option::of(
                proptest::collection::vec(any::<u8>(), 0..4)), 0..40), 1..6)) {
            check_rounds(rounds);
        }
    }

    #[test]
    fn a_small_change_writes_a_small_amount() {
        let mut image = vec![0u8; NODES_START as usize];
        let changes: Vec<Change> = (0..50_000u32)
            .map(|i| (format!("key{i:08}").into_bytes(), Some(vec![1; 8])))
            .collect();
        let m = merge(&image, 0, 0, image.len() as u64, 0, 0, &changes).unwrap();
        image.extend_from_slice(&m.bytes);
        let big = m.bytes.len();
        let one = vec![(b"key00012345".to_vec(), Some(vec![2; 8]))];
        let m2 = merge(&image, 0, m.root, image.len() as u64, m.keys, m.live, &one).unwrap();
        assert!(m2.bytes.len() * 100 < big, "{} of {}", m2.bytes.len(), big);
        assert_eq!(m2.keys, 50_000);
    }
}
