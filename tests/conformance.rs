//! Conformance suite: every backend, through the one trait API, must agree with a `BTreeMap`
//! model on lookups, length, iteration order, prefix listings and longest-prefix matches.
//! Backends join by adding a `build_*` function and a proptest below.

use dictenstein::{Dictionary, DoubleArray, DoubleArrayBuilder};
use proptest::prelude::*;
use std::collections::BTreeMap;

type Model = BTreeMap<Vec<u8>, u64>;

/// Checks `d` against `model` with the given extra probe strings.
fn check_against_model<D: Dictionary>(d: &D, model: &Model, probes: &[Vec<u8>]) {
    assert_eq!(d.len(), model.len());
    for (k, v) in model {
        assert_eq!(d.get(k), Some(*v), "term {k:?}");
        assert!(d.contains(k));
    }
    for p in probes {
        assert_eq!(d.get(p), model.get(p).copied(), "probe {p:?}");
        // Prefix listing of every probe, in order.
        let expected: Vec<(Vec<u8>, u64)> = model
            .range(p.clone()..)
            .take_while(|(k, _)| k.starts_with(p))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let got: Vec<(Vec<u8>, u64)> = d.prefix_walk(p).collect();
        assert_eq!(got, expected, "prefix {p:?}");
        // Longest prefix: the longest model term that prefixes the probe.
        let expected_lp = (0..=p.len())
            .rev()
            .find_map(|n| model.get(&p[..n]).map(|v| (n, *v)));
        assert_eq!(d.longest_prefix(p), expected_lp, "longest prefix of {p:?}");
    }
    let all: Vec<(Vec<u8>, u64)> = d.prefix_walk(b"").collect();
    let expected: Vec<(Vec<u8>, u64)> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
    assert_eq!(all, expected, "full listing");
}

fn build_dat(pairs: &[(Vec<u8>, u64)]) -> DoubleArray {
    let mut b = DoubleArrayBuilder::new();
    for (k, v) in pairs {
        b.add(k, *v).unwrap();
    }
    b.finish().unwrap()
}

fn model_of(pairs: &[(Vec<u8>, u64)]) -> Model {
    // Later duplicates overwrite earlier ones: the documented rule for builders.
    pairs.iter().cloned().collect()
}

/// Terms that stress tries: a small alphabet (many shared prefixes), binary bytes including
/// 0x00 and 0xFF, the empty term, and occasional very long terms.
fn term() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0..12),
        2 => proptest::collection::vec(any::<u8>(), 0..8),
        1 => proptest::collection::vec(prop_oneof![Just(0u8), Just(255u8), Just(1u8)], 0..6),
        1 => (proptest::collection::vec(Just(b'x'), 200..3000), any::<u8>())
            .prop_map(|(mut v, b)| { v.push(b); v }),
    ]
}

fn value() -> impl Strategy<Value = u64> {
    prop_oneof![0..(1u64 << 21), any::<u64>(), Just(u64::MAX), Just(1u64 << 21)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn double_array_matches_model(
        pairs in proptest::collection::vec((term(), value()), 0..200),
        probes in proptest::collection::vec(term(), 0..20),
    ) {
        let model = model_of(&pairs);
        let d = build_dat(&pairs);
        let mut all_probes = probes.clone();
        // Every prefix of a few terms, and each term with a byte appended.
        for (k, _) in pairs.iter().take(5) {
            for n in 0..=k.len().min(20) {
                all_probes.push(k[..n].to_vec());
            }
            let mut longer = k.clone();
            longer.push(b'a');
            all_probes.push(longer);
        }
        check_against_model(&d, &model, &all_probes);
        // The image round-trips: a reopened copy answers the same.
        let copy = DoubleArray::from_vec(d.as_bytes().to_vec()).unwrap();
        copy.verify().unwrap();
        check_against_model(&copy, &model, &probes);
    }
}

/// Pins wide values spread over several 2^16-unit superblocks (the relative wide index).
#[test]
fn wide_values_across_superblocks() {
    let pairs: Vec<(Vec<u8>, u64)> = (0..120_000u64)
        .map(|i| (format!("{:x}-{}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15), i).into_bytes(), u64::MAX - i))
        .collect();
    let d = build_dat(&pairs);
    assert!(d.unit_count() > 3 << 16, "test needs several superblocks");
    check_against_model(&d, &model_of(&pairs), &[b"0".to_vec(), b"".to_vec()]);
}

/// The shipped word list: every word found with its line number, listing in byte order.
#[test]
fn shipped_word_list() {
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/words.txt")).unwrap();
    let pairs: Vec<(Vec<u8>, u64)> = text
        .split(|&b| b == b'\n')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| (w.to_vec(), i as u64))
        .collect();
    let d = build_dat(&pairs);
    check_against_model(&d, &model_of(&pairs), &[b"dict".to_vec(), b"zz".to_vec(), b"A".to_vec()]);
}

/// Save to a file, reopen through mmap, and compare with the model.
#[test]
fn save_and_mmap_round_trip() {
    let pairs: Vec<(Vec<u8>, u64)> =
        (0..5000u64).map(|i| (format!("key{i}").into_bytes(), i * 3)).collect();
    let d = build_dat(&pairs);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.dat");
    d.save(&path).unwrap();
    let opened = DoubleArray::open(&path).unwrap();
    assert!(opened.is_mapped());
    opened.verify().unwrap();
    check_against_model(&opened, &model_of(&pairs), &[b"key1".to_vec()]);
    // No temporary files are left beside the saved file.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("d.dat")]);
}
