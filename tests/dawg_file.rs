//! Damaged DAWG files: every truncation and every single-bit flip of a small saved DAWG must
//! give an error or a dictionary that answers without crashing or hanging; with the body
//! checksum verified, every flip is reported.

use dictenstein::{Dawg, DawgFile, Dictionary, Error, FormatError};

fn sample() -> Vec<u8> {
    let pairs: Vec<(Vec<u8>, u64)> = [
        "", "a", "ab", "abc", "b", "bcd", "zebra", "zebras", "x\u{0}y",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| (t.as_bytes().to_vec(), (i as u64) << 40))
    .collect();
    // Dense states too: a root with many edges.
    let mut pairs = pairs;
    pairs.extend((b'A'..=b'Z').map(|c| (vec![c, b'q'], c as u64)));
    Dawg::from_pairs(pairs).unwrap().to_file_bytes().unwrap()
}

/// Uses every read path once; must terminate without panicking.
fn exercise(d: &DawgFile) {
    for t in [&b"abc"[..], b"zebras", b"", b"Aq", b"nope"] {
        let _ = d.get(t);
        let _ = d.longest_prefix(t);
    }
    let _ = d.prefix_walk(b"").take(10_000).count();
}

#[test]
fn every_truncation_is_rejected() {
    let bytes = sample();
    for n in 0..bytes.len() {
        let err = DawgFile::from_vec(bytes[..n].to_vec())
            .err()
            .expect("a truncated file must not open");
        assert!(matches!(err, Error::Format { .. }), "length {n}: {err:?}");
    }
    let d = DawgFile::from_vec(bytes).unwrap();
    d.verify().unwrap();
    exercise(&d);
}

#[test]
fn every_bit_flip_is_caught_by_verify_and_never_crashes() {
    let bytes = sample();
    for bit in 0..bytes.len() * 8 {
        let mut b = bytes.clone();
        b[bit / 8] ^= 1 << (bit % 8);
        match DawgFile::from_vec(b) {
            Err(e) => assert!(matches!(e, Error::Format { .. }), "bit {bit}: {e:?}"),
            Ok(d) => {
                exercise(&d);
                assert!(d.verify().is_err(), "bit {bit} flipped but verify passed");
            }
        }
    }
}

#[test]
fn a_double_array_file_is_the_wrong_kind() {
    let dat = dictenstein::DoubleArray::from_pairs([(&b"a"[..], 1)]).unwrap();
    match DawgFile::from_vec(dat.as_bytes().to_vec()) {
        Err(Error::Format {
            problem:
                FormatError::WrongKind {
                    expected: 2,
                    got: 1,
                },
            ..
        }) => {}
        other => panic!("expected a wrong-kind error, got {:?}", other.err()),
    }
}
