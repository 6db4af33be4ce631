//! Write-ahead log: segment headers, record encoding and the recovery scan. Byte layouts are
//! in `docs/durability.md`.

use crate::error::FormatError;
use crate::format::{le_u32, le_u64, MAGIC};

/// Structure kind of a WAL segment (byte 8 of its header).
pub const KIND_WAL: u32 = 5;
pub const WAL_VERSION: u32 = 1;
pub const SEGMENT_HEADER: usize = 48;
pub const RECORD_HEADER: usize = 16;
/// Largest payload a record may claim; a longer length is a torn or corrupt record.
pub const MAX_PAYLOAD: usize = 1 << 30;

const OP_PUT: u8 = 1;
const OP_REMOVE: u8 = 2;

/// One change inside a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    Put(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
}

impl Op {
    pub fn key(&self) -> &[u8] {
        match self {
            Op::Put(k, _) | Op::Remove(k) => k,
        }
    }

    fn encoded_len(&self) -> usize {
        match self {
            Op::Put(k, v) => 9 + k.len() + v.len(),
            Op::Remove(k) => 5 + k.len(),
        }
    }
}

pub fn segment_name(seq: u64) -> String {
    format!("dictenstein-wal-{seq:016x}.log")
}

/// The sequence number of a segment file name, `None` for other files.
pub fn parse_segment_name(name: &str) -> Option<u64> {
    let hex = name
        .strip_prefix("dictenstein-wal-")?
        .strip_suffix(".log")?;
    if hex.len() != 16 {
        return None;
    }
    u64::from_str_radix(hex, 16).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentHeader {
    pub seq: u64,
    pub store_id: u64,
    pub prev_lsn: u64,
}

impl SegmentHeader {
    pub fn encode(&self) -> [u8; SEGMENT_HEADER] {
        let mut h = [0u8; SEGMENT_HEADER];
        h[..8].copy_from_slice(&MAGIC);
        h[8..12].copy_from_slice(&KIND_WAL.to_le_bytes());
        h[12..16].copy_from_slice(&WAL_VERSION.to_le_bytes());
        h[16..24].copy_from_slice(&self.seq.to_le_bytes());
        h[24..32].copy_from_slice(&self.store_id.to_le_bytes());
        h[32..40].copy_from_slice(&self.prev_lsn.to_le_bytes());
        let crc = crc32fast::hash(&h[..44]);
        h[44..48].copy_from_slice(&crc.to_le_bytes());
        h
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, FormatError> {
        crate::format::check_common_header(bytes, SEGMENT_HEADER, 44, KIND_WAL, WAL_VERSION)?;
        Ok(SegmentHeader {
            seq: le_u64(bytes, 16).unwrap_or(0),
            store_id: le_u64(bytes, 24).unwrap_or(0),
            prev_lsn: le_u64(bytes, 32).unwrap_or(0),
        })
    }
}

/// Appends one record holding `ops` with `lsn` to `out`.
pub fn encode_record(out: &mut Vec<u8>, lsn: u64, ops: &[Op]) {
    let start = out.len();
    let n: usize = ops.iter().map(Op::encoded_len).sum();
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&lsn.to_le_bytes());
    for op in ops {
        match op {
            Op::Put(k, v) => {
                out.push(OP_PUT);
                out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                out.extend_from_slice(&(v.len() as u32).to_le_bytes());
                out.extend_from_slice(k);
                out.extend_from_slice(v);
            }
            Op::Remove(k) => {
                out.push(OP_REMOVE);
                out.extend_from_slice(&(k.len() as u32).to_le_bytes());
                out.extend_from_slice(k);
            }
        }
    }
    let crc = record_crc(&out[start..]);
    out[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
}

/// CRC of a whole record (its bytes 4..8 are skipped: they hold the CRC).
fn record_crc(rec: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&rec[..4]);
    h.update(&rec[8..]);
    h.finalize()
}

/// Bytes a record holding `ops` takes.
#[cfg(test)]
pub fn record_len(ops: &[Op]) -> usize {
    RECORD_HEADER + ops.iter().map(Op::encoded_len).sum::<usize>()
}

/// Decodes a payload that passed its CRC. `None` if it is malformed anyway (a bug or a
/// CRC collision): the scan treats it as corrupt.
pub fn decode_ops(mut p: &[u8]) -> Option<Vec<Op>> {
    let mut ops = Vec::new();
    while let Some((&tag, rest)) = p.split_first() {
        let klen = le_u32(rest, 0)? as usize;
        match tag {
            OP_PUT => {
                let vlen = le_u32(rest, 4)? as usize;
                let k = rest.get(8..8 + klen)?;
                let v = rest.get(8 + klen..8 + klen + vlen)?;
                ops.push(Op::Put(k.to_vec(), v.to_vec()));
                p = &rest[8 + klen + vlen..];
            }
            OP_REMOVE => {
                let k = rest.get(4..4 + klen)?;
                ops.push(Op::Remove(k.to_vec()));
                p = &rest[4 + klen..];
            }
            _ => return None,
        }
    }
    Some(ops)
}

/// Why a segment scan stopped before the end of the segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Fewer bytes left than a record header or than the record's length says.
    Short,
    Checksum,
    /// The LSN is not the next one (stale bytes, or a record from another run).
    Lsn {
        expected: u64,
        got: u64,
    },
    Malformed,
}

/// Where a scan of one segment ended.
#[derive(Debug)]
pub struct ScanEnd {
    /// Bytes of the segment made of whole, valid records (the header included).
    pub valid_len: u64,
    pub last_lsn: u64,
    /// `None` when every byte was a valid record.
    pub stop: Option<Stop>,
}

/// Walks the records of a segment (`bytes` = the whole file, header checked by the caller),
/// calling `visit(lsn, ops)` for each valid one in order.
pub fn scan(bytes: &[u8], prev_lsn: u64, mut visit: impl FnMut(u64, Vec<Op>)) -> ScanEnd {
    let mut at = SEGMENT_HEADER;
    let mut last = prev_lsn;
    let stop = loop {
        if at == bytes.len() {
            break None;
        }
        let rest = &bytes[at..];
        if rest.len() < RECORD_HEADER {
            break Some(Stop::Short);
        }
        let n = le_u32(rest, 0).unwrap_or(0) as usize;
        if n > MAX_PAYLOAD || rest.len() < RECORD_HEADER + n {
            break Some(Stop::Short);
        }
        let rec = &rest[..RECORD_HEADER + n];
        if le_u32(rec, 4) != Some(record_crc(rec)) {
            break Some(Stop::Checksum);
        }
        let lsn = le_u64(rec, 8).unwrap_or(0);
        if lsn != last + 1 {
            break Some(Stop::Lsn {
                expected: last + 1,
                got: lsn,
            });
        }
        let Some(ops) = decode_ops(&rec[RECORD_HEADER..]) else {
            break Some(Stop::Malformed);
        };
        visit(lsn, ops);
        last = lsn;
        at += rec.len();
    };
    ScanEnd {
        valid_len: at as u64,
        last_lsn: last,
        stop,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(records: &[(u64, Vec<Op>)]) -> Vec<u8> {
        let mut b = SegmentHeader {
            seq: 1,
            store_id: 7,
            prev_lsn: 0,
        }
        .encode()
        .to_vec();
        for (lsn, ops) in records {
            encode_record(&mut b, *lsn, ops);
        }
        b
    }

    #[test]
    fn records_round_trip_and_every_truncation_stops_cleanly() {
        let recs = vec![
            (1, vec![Op::Put(b"a".to_vec(), b"1".to_vec())]),
            (
                2,
                vec![Op::Remove(b"a".to_vec()), Op::Put(vec![], vec![9; 40])],
            ),
        ];
        let seg = segment(&recs);
        let mut seen = Vec::new();
        let end = scan(&seg, 0, |l, o| seen.push((l, o)));
        assert_eq!(seen, recs);
        assert_eq!(end.stop, None);
        assert_eq!(end.valid_len, seg.len() as u64);
        let first_end = (SEGMENT_HEADER + record_len(&recs[0].1)) as u64;
        for cut in SEGMENT_HEADER..seg.len() {
            let end = scan(&seg[..cut], 0, |_, _| {});
            let expect = if cut as u64 >= first_end {
                first_end
            } else {
                SEGMENT_HEADER as u64
            };
            assert_eq!(end.valid_len, expect, "cut at {cut}");
            // Only a cut between records is a clean end.
            assert_eq!(end.stop.is_none(), cut as u64 == expect, "cut at {cut}");
        }
    }

    #[test]
    fn bit_flips_and_wrong_lsns_stop_the_scan() {
        let recs = vec![(1, vec![Op::Put(b"k".to_vec(), b"v".to_vec())])];
        let seg = segment(&recs);
        for i in SEGMENT_HEADER..seg.len() {
            let mut bad = seg.clone();
            bad[i] ^= 0x10;
            let end = scan(&bad, 0, |_, _| {});
            assert_eq!(end.valid_len, SEGMENT_HEADER as u64, "flip at {i}");
        }
        let end = scan(&seg, 5, |_, _| {});
        assert_eq!(
            end.stop,
            Some(Stop::Lsn {
                expected: 6,
                got: 1
            })
        );
    }

    #[test]
    fn segment_names_round_trip() {
        assert_eq!(parse_segment_name(&segment_name(0x1f)), Some(0x1f));
        assert_eq!(parse_segment_name("dictenstein-wal-1.log"), None);
        assert_eq!(parse_segment_name("other"), None);
    }
}
