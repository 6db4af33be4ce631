//! What one edit acts on: a byte, or a Unicode code point of a UTF-8 term. The trie is always
//! walked byte by byte; in code-point mode a child is the node after a whole UTF-8 sequence.

use crate::dict::Node;
use crate::error::{Error, Result};

/// The unit an edit operation inserts, deletes or replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Units {
    /// Every byte is a unit; terms may hold any bytes.
    Bytes,
    /// Every Unicode scalar value of a UTF-8 string is a unit. The query must be valid UTF-8;
    /// terms that are not valid UTF-8 are never reported in this mode.
    CodePoints,
}

/// `s` as units. Errors with `InvalidArgument { name }` when code points are asked for and
/// `s` is not valid UTF-8 (the reason gives the byte offset).
pub fn decode(units: Units, s: &[u8], name: &'static str) -> Result<Vec<u32>> {
    match units {
        Units::Bytes => Ok(s.iter().map(|&b| u32::from(b)).collect()),
        Units::CodePoints => match std::str::from_utf8(s) {
            Ok(text) => Ok(text.chars().map(u32::from).collect()),
            Err(e) => Err(Error::invalid(
                name,
                format!("not valid UTF-8 at byte {}", e.valid_up_to()),
            )),
        },
    }
}

/// Appends the bytes of unit `u` to `key`.
pub(super) fn push_unit(units: Units, u: u32, key: &mut Vec<u8>) {
    match units {
        Units::Bytes => key.push(u as u8),
        Units::CodePoints => {
            let c = char::from_u32(u).unwrap_or(char::REPLACEMENT_CHARACTER);
            key.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
}

/// The node reached from `node` by unit `u`.
#[inline]
pub(super) fn step<N: Node>(units: Units, node: &N, u: u32) -> Option<N> {
    match units {
        Units::Bytes => node.transition(u as u8),
        Units::CodePoints => {
            let c = char::from_u32(u)?;
            c.encode_utf8(&mut [0; 4])
                .bytes()
                .try_fold(node.clone(), |n, b| n.transition(b))
        }
    }
}

/// The range the byte after lead byte `b` must fall in, the lead's payload bits and the number
/// of continuation bytes, for the lead bytes of well-formed UTF-8 (RFC 3629); `None` for bytes
/// that cannot start a sequence of two or more bytes.
fn lead(b: u8) -> Option<(u8, u8, u32, u8)> {
    let (lo, hi, missing) = match b {
        0xC2..=0xDF => (0x80, 0xBF, 1),
        // Narrower second bytes exclude overlong forms (E0, F0), surrogates (ED) and code
        // points above U+10FFFF (F4).
        0xE0 => (0xA0, 0xBF, 2),
        0xED => (0x80, 0x9F, 2),
        0xE1..=0xEF => (0x80, 0xBF, 2),
        0xF0 => (0x90, 0xBF, 3),
        0xF4 => (0x80, 0x8F, 3),
        0xF1..=0xF3 => (0x80, 0xBF, 3),
        _ => return None,
    };
    // The lead keeps 5, 4 or 3 payload bits for 1, 2 or 3 continuation bytes.
    Some((lo, hi, u32::from(b & (0x7F >> (missing + 1))), missing))
}

/// One level of an unfinished UTF-8 sequence: the edges still to try, the code point's bits
/// so far, the range the next byte must fall in and how many bytes are still missing.
struct Partial<N: Node> {
    edges: N::Edges,
    bits: u32,
    lo: u8,
    hi: u8,
    missing: u8,
}

/// The children of a node by whole code point, in increasing code point order (which is the
/// byte order of their UTF-8 encodings). Byte paths that are not well-formed UTF-8 are
/// skipped.
pub(super) struct Utf8Edges<N: Node> {
    top: N::Edges,
    /// Levels below `top` while inside a multi-byte sequence (at most 3).
    partial: Vec<Partial<N>>,
}

impl<N: Node> Utf8Edges<N> {
    pub(super) fn new(node: &N) -> Self {
        Utf8Edges {
            top: node.edges(),
            partial: Vec::new(),
        }
    }
}

impl<N: Node> Iterator for Utf8Edges<N> {
    type Item = (u32, N);

    fn next(&mut self) -> Option<(u32, N)> {
        loop {
            let Some(level) = self.partial.last_mut() else {
                let (b, child) = self.top.next()?;
                if b < 0x80 {
                    return Some((u32::from(b), child));
                }
                if let Some((lo, hi, bits, missing)) = lead(b) {
                    self.partial.push(Partial {
                        edges: child.edges(),
                        bits,
                        lo,
                        hi,
                        missing,
                    });
                }
                continue;
            };
            let Some((b, child)) = level.edges.next() else {
                self.partial.pop();
                continue;
            };
            if b < level.lo {
                continue;
            }
            if b > level.hi {
                // Edges come in byte order: nothing further at this level is in range.
                self.partial.pop();
                continue;
            }
            let bits = level.bits << 6 | u32::from(b & 0x3F);
            if level.missing == 1 {
                return Some((bits, child));
            }
            let missing = level.missing - 1;
            self.partial.push(Partial {
                edges: child.edges(),
                bits,
                lo: 0x80,
                hi: 0xBF,
                missing,
            });
        }
    }
}
