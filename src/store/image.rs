//! The on-disk ART image: header slots, node encoding and validated reads. Layouts are in
//! `docs/durability.md`; the checkpoint merge that writes nodes is in `merge.rs`.

use crate::error::FormatError;
use crate::format::{le_u32, le_u64, MAGIC};

pub const KIND_IMAGE: u32 = 6;
pub const IMAGE_VERSION: u32 = 1;
/// Distance between the two header slots.
pub const SLOT_STRIDE: usize = 4096;
pub const SLOT_LEN: usize = 80;
/// Offset of the first node; everything before it is the two slots.
pub const NODES_START: u64 = 8192;

const NODE_LEAF: u8 = 1;
const NODE_SPARSE: u8 = 2;
const NODE_DENSE: u8 = 3;
/// Most children a sparse node holds; more make a dense node.
const SPARSE_MAX: usize = 48;

/// One header slot: what a checkpoint published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub generation: u64,
    pub store_id: u64,
    /// Every WAL record up to this LSN is in the image.
    pub lsn: u64,
    /// Root node offset, 0 for an empty store.
    pub root: u64,
    /// Bytes in use; the next checkpoint appends here.
    pub end: u64,
    pub keys: u64,
    /// Bytes of nodes reachable from the root.
    pub live: u64,
}

impl Slot {
    pub fn empty(store_id: u64) -> Self {
        Slot {
            generation: 1,
            store_id,
            lsn: 0,
            root: 0,
            end: NODES_START,
            keys: 0,
            live: 0,
        }
    }

    pub fn encode(&self) -> [u8; SLOT_LEN] {
        let mut s = [0u8; SLOT_LEN];
        s[..8].copy_from_slice(&MAGIC);
        s[8..12].copy_from_slice(&KIND_IMAGE.to_le_bytes());
        s[12..16].copy_from_slice(&IMAGE_VERSION.to_le_bytes());
        for (i, v) in [
            self.generation,
            self.store_id,
            self.lsn,
            self.root,
            self.end,
            self.keys,
            self.live,
        ]
        .into_iter()
        .enumerate()
        {
            s[16 + 8 * i..24 + 8 * i].copy_from_slice(&v.to_le_bytes());
        }
        let crc = crc32fast::hash(&s[..76]);
        s[76..80].copy_from_slice(&crc.to_le_bytes());
        s
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        crate::format::check_common_header(bytes, SLOT_LEN, 76, KIND_IMAGE, IMAGE_VERSION)?;
        let f = |i: usize| le_u64(bytes, 16 + 8 * i).unwrap_or(0);
        let s = Slot {
            generation: f(0),
            store_id: f(1),
            lsn: f(2),
            root: f(3),
            end: f(4),
            keys: f(5),
            live: f(6),
        };
        if s.end < NODES_START || !s.end.is_multiple_of(8) {
            return Err(FormatError::Invalid {
                what: "image end offset",
                value: s.end,
            });
        }
        if s.root != 0 && (s.root < NODES_START || s.root >= s.end) {
            return Err(FormatError::Invalid {
                what: "image root offset",
                value: s.root,
            });
        }
        Ok(s)
    }
}

/// Picks the current slot of an image whose first `NODES_START` bytes are `head`: the valid
/// one with the higher generation. Returns its index too (the next checkpoint writes the
/// other one).
pub fn current_slot(head: &[u8]) -> Result<(usize, Slot), FormatError> {
    let a = Slot::decode(head.get(..SLOT_LEN).unwrap_or(head));
    let b = Slot::decode(head.get(SLOT_STRIDE..SLOT_STRIDE + SLOT_LEN).unwrap_or(&[]));
    match (a, b) {
        (Ok(a), Ok(b)) if a.store_id != b.store_id => Err(FormatError::Invalid {
            what: "image slots of two different stores, store id",
            value: b.store_id,
        }),
        (Ok(a), Ok(b)) => Ok(if b.generation > a.generation {
            (1, b)
        } else {
            (0, a)
        }),
        (Ok(a), Err(_)) => Ok((0, a)),
        (Err(_), Ok(b)) => Ok((1, b)),
        // Report slot 0's problem: it is the one a fresh store writes first.
        (Err(e), Err(_)) => Err(e),
    }
}

/// A decoded node; slices borrow the image.
#[derive(Debug, Clone, Copy)]
pub enum NodeView<'a> {
    Leaf {
        key: &'a [u8],
        value: &'a [u8],
        size: u64,
    },
    Inner(Inner<'a>),
}

#[derive(Debug, Clone, Copy)]
pub struct Inner<'a> {
    pub prefix: &'a [u8],
    /// Offset of the leaf of the key ending here, 0 = none.
    pub leaf: u64,
    dense: bool,
    /// Sparse: the child key bytes, ascending.
    keys: &'a [u8],
    /// Child offsets, 8 bytes each (sparse: one per key byte; dense: 256).
    kids: &'a [u8],
    pub size: u64,
}

impl Inner<'_> {
    fn kid(&self, i: usize) -> u64 {
        le_u64(self.kids, 8 * i).unwrap_or(0)
    }

    /// The child under byte `b`, if any.
    pub fn child(&self, b: u8) -> Option<u64> {
        if self.dense {
            Some(self.kid(b as usize)).filter(|&c| c != 0)
        } else {
            self.keys.iter().position(|&k| k == b).map(|i| self.kid(i))
        }
    }

    /// The first child whose byte is at least `from` (0..=256).
    pub fn child_from(&self, from: usize) -> Option<(u8, u64)> {
        if self.dense {
            (from..256)
                .map(|b| (b as u8, self.kid(b)))
                .find(|&(_, c)| c != 0)
        } else {
            let i = self.keys.iter().position(|&k| k as usize >= from)?;
            Some((self.keys[i], self.kid(i)))
        }
    }

    /// Every child, in byte order.
    pub fn children(&self) -> Vec<(u8, u64)> {
        let mut out = Vec::new();
        let mut from = 0;
        while let Some((b, c)) = self.child_from(from) {
            out.push((b, c));
            from = b as usize + 1;
        }
        out
    }
}

fn corrupt(what: &'static str, value: u64) -> FormatError {
    FormatError::Invalid { what, value }
}

fn node_crc(node: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&node[..4]);
    h.update(&node[8..]);
    h.finalize()
}

/// Reads and validates the node at file offset `off`. `below` is an offset
/// the node must start before (its parent's, or the slot's end for the root): children are
/// always written before their parents, so a walk can never loop.
/// `bytes` holds the image from file offset `base` on.
pub fn read_node_in(
    bytes: &[u8],
    base: u64,
    off: u64,
    below: u64,
) -> Result<NodeView<'_>, FormatError> {
    if off < NODES_START.max(base) || !off.is_multiple_of(8) || off >= below {
        return Err(corrupt("image node offset", off));
    }
    let limit = below.min(base + bytes.len() as u64);
    let at = (off - base) as usize;
    let head = bytes
        .get(at..at + 16)
        .ok_or_else(|| corrupt("image node offset (past the end)", off))?;
    let kind = head[0];
    let (size, parsed) = match kind {
        NODE_LEAF => {
            let k = le_u32(head, 8).unwrap_or(0) as u64;
            let v = le_u32(head, 12).unwrap_or(0) as u64;
            (align8(16 + k + v), (k, v, 0u64))
        }
        NODE_SPARSE | NODE_DENSE => {
            let c = u16::from_le_bytes([head[2], head[3]]) as u64;
            let p = le_u32(head, 8).unwrap_or(0) as u64;
            let dense = kind == NODE_DENSE;
            if (dense && c <= SPARSE_MAX as u64)
                || (!dense && (c > SPARSE_MAX as u64 || c < 1))
                || c > 256
            {
                return Err(corrupt("image node child count", c));
            }
            let size = if dense {
                align8(24 + p) + 256 * 8
            } else {
                align8(24 + p + c) + 8 * c
            };
            (size, (p, c, 0))
        }
        other => return Err(corrupt("image node kind", other as u64)),
    };
    if off.saturating_add(size) > limit {
        return Err(corrupt(
            "image node length (runs past its parent or the end)",
            off,
        ));
    }
    let node = &bytes[at..at + size as usize];
    let stored = le_u32(node, 4).unwrap_or(0);
    let actual = node_crc(node);
    if stored != actual {
        return Err(FormatError::ChecksumMismatch {
            what: "image node",
            expected: stored,
            got: actual,
        });
    }
    if kind == NODE_LEAF {
        let (k, v, _) = parsed;
        return Ok(NodeView::Leaf {
            key: &node[16..16 + k as usize],
            value: &node[16 + k as usize..(16 + k + v) as usize],
            size,
        });
    }
    let (p, c, _) = parsed;
    let leaf = le_u64(node, 16).unwrap_or(0);
    if leaf != 0 && (leaf < NODES_START || leaf >= off) {
        return Err(corrupt("image leaf offset", leaf));
    }
    let prefix = &node[24..24 + p as usize];
    let (keys, kids) = if kind == NODE_DENSE {
        let k0 = align8(24 + p) as usize;
        (&node[..0], &node[k0..])
    } else {
        let keys = &node[24 + p as usize..(24 + p + c) as usize];
        if keys.windows(2).any(|w| w[0] >= w[1]) {
            return Err(corrupt("image node key order", off));
        }
        (keys, &node[align8(24 + p + c) as usize..])
    };
    Ok(NodeView::Inner(Inner {
        prefix,
        leaf,
        dense: kind == NODE_DENSE,
        keys,
        kids,
        size,
    }))
}

fn align8(n: u64) -> u64 {
    n.div_ceil(8) * 8
}

/// The value of `key` in the tree at `root` (`end` = the slot's end offset).
#[cfg(test)]
pub fn get<'a>(
    bytes: &'a [u8],
    root: u64,
    end: u64,
    key: &[u8],
) -> Result<Option<&'a [u8]>, FormatError> {
    get_in(bytes, 0, root, end, key)
}

/// As [`get`], for a buffer holding the image from offset `base` on.
pub fn get_in<'a>(
    bytes: &'a [u8],
    base: u64,
    root: u64,
    end: u64,
    key: &[u8],
) -> Result<Option<&'a [u8]>, FormatError> {
    if root == 0 {
        return Ok(None);
    }
    let (mut off, mut below, mut depth) = (root, end, 0usize);
    loop {
        match read_node_in(bytes, base, off, below)? {
            NodeView::Leaf { key: k, value, .. } => return Ok((k == key).then_some(value)),
            NodeView::Inner(n) => {
                if !key[depth..].starts_with(n.prefix) {
                    return Ok(None);
                }
                depth += n.prefix.len();
                let next = if depth == key.len() {
                    n.leaf
                } else {
                    let c = n.child(key[depth]).unwrap_or(0);
                    depth += 1;
                    c
                };
                if next == 0 {
                    return Ok(None);
                }
                below = off;
                off = next;
            }
        }
    }
}

/// Appends encoded nodes after `base` (the image's end offset) in one buffer.
pub struct NodeWriter {
    pub base: u64,
    pub buf: Vec<u8>,
}

impl NodeWriter {
    pub fn new(base: u64) -> Self {
        NodeWriter {
            base,
            buf: Vec::new(),
        }
    }

    fn finish(&mut self, start: usize) -> u64 {
        self.buf
            .resize(start + align8((self.buf.len() - start) as u64) as usize, 0);
        let crc = node_crc(&self.buf[start..]);
        self.buf[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
        self.base + start as u64
    }

    pub fn leaf(&mut self, key: &[u8], value: &[u8]) -> u64 {
        let start = self.buf.len();
        self.buf
            .extend_from_slice(&[NODE_LEAF, 0, 0, 0, 0, 0, 0, 0]);
        self.buf
            .extend_from_slice(&(key.len() as u32).to_le_bytes());
        self.buf
            .extend_from_slice(&(value.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(key);
        self.buf.extend_from_slice(value);
        self.finish(start)
    }

    /// `kids` sorted by byte, at least one of `kids` or `leaf`.
    pub fn inner(&mut self, prefix: &[u8], leaf: u64, kids: &[(u8, u64)]) -> u64 {
        let start = self.buf.len();
        let dense = kids.len() > SPARSE_MAX;
        let kind = if dense { NODE_DENSE } else { NODE_SPARSE };
        let c = kids.len() as u16;
        self.buf.extend_from_slice(&[kind, 0]);
        self.buf.extend_from_slice(&c.to_le_bytes());
        self.buf.extend_from_slice(&[0; 4]);
        self.buf
            .extend_from_slice(&(prefix.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(&[0; 4]);
        self.buf.extend_from_slice(&leaf.to_le_bytes());
        self.buf.extend_from_slice(prefix);
        if dense {
            self.pad(start);
            let mut table = [0u64; 256];
            for &(b, off) in kids {
                table[b as usize] = off;
            }
            for off in table {
                self.buf.extend_from_slice(&off.to_le_bytes());
            }
        } else {
            self.buf.extend(kids.iter().map(|k| k.0));
            self.pad(start);
            for &(_, off) in kids {
                self.buf.extend_from_slice(&off.to_le_bytes());
            }
        }
        self.finish(start)
    }

    fn pad(&mut self, start: usize) {
        let len = align8((self.buf.len() - start) as u64) as usize;
        self.buf.resize(start + len, 0);
    }

    /// Offset the next node will get.
    pub fn end(&self) -> u64 {
        self.base + self.buf.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image_with(build: impl FnOnce(&mut NodeWriter) -> u64) -> (Vec<u8>, u64, u64) {
        let mut w = NodeWriter::new(NODES_START);
        let root = build(&mut w);
        let mut bytes = vec![0u8; NODES_START as usize];
        bytes.extend_from_slice(&w.buf);
        let end = bytes.len() as u64;
        (bytes, root, end)
    }

    #[test]
    fn nodes_round_trip_sparse_and_dense() {
        let (bytes, root, end) = image_with(|w| {
            let mut kids = Vec::new();
            for b in 0..=255u8 {
                kids.push((b, w.leaf(&[b'p', b], &[b])));
            }
            let l = w.leaf(b"p", b"self");
            w.inner(b"p", l, &kids)
        });
        assert_eq!(get(&bytes, root, end, b"p").unwrap(), Some(&b"self"[..]));
        for b in 0..=255u8 {
            assert_eq!(get(&bytes, root, end, &[b'p', b]).unwrap(), Some(&[b][..]));
        }
        assert_eq!(get(&bytes, root, end, b"q").unwrap(), None);
        assert_eq!(get(&bytes, root, end, b"pxx").unwrap(), None);
    }

    #[test]
    fn every_bit_flip_is_an_error_or_the_right_answer() {
        let (bytes, root, end) = image_with(|w| {
            let a = w.leaf(b"ab", b"1");
            let c = w.leaf(b"ac", b"2");
            w.inner(b"a", 0, &[(b'b', a), (b'c', c)])
        });
        for i in NODES_START as usize..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[i] ^= 1 << bit;
                for (k, v) in [(&b"ab"[..], &b"1"[..]), (b"ac", b"2")] {
                    if let Ok(got) = get(&bad, root, end, k) {
                        assert_eq!(got, Some(v), "flip {i}.{bit}");
                    }
                }
            }
        }
    }

    #[test]
    fn slots_pick_the_newest_valid_one() {
        let mut head = vec![0u8; NODES_START as usize];
        let a = Slot::empty(9);
        let b = Slot { generation: 2, ..a };
        head[..SLOT_LEN].copy_from_slice(&a.encode());
        assert_eq!(current_slot(&head).unwrap(), (0, a));
        head[SLOT_STRIDE..SLOT_STRIDE + SLOT_LEN].copy_from_slice(&b.encode());
        assert_eq!(current_slot(&head).unwrap(), (1, b));
        head[SLOT_STRIDE + 20] ^= 1;
        assert_eq!(current_slot(&head).unwrap(), (0, a));
        head[3] ^= 1;
        assert!(current_slot(&head).is_err());
    }
}
