//! Conformance suite: every backend, through the one trait API, must agree with a `BTreeMap`
//! model on lookups, length, iteration order, prefix listings and longest-prefix matches.
//! Backends join by adding a `build_*` function and a proptest below.

use dictenstein::{
    Art, Dawg, DawgFile, Dictionary, DoubleArray, DoubleArrayBuilder, Layout, MutableDictionary,
    SamFile, SuffixAutomaton,
};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::ops::Bound;

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
    check_ranges(d, model, probes);
}

/// Range walks against the model's ranges, for bounds of every kind built from pairs of
/// probes (terms, their prefixes, strings past them), in both orders.
fn check_ranges<D: Dictionary>(d: &D, model: &Model, probes: &[Vec<u8>]) {
    if probes.is_empty() {
        return;
    }
    for (i, a) in probes.iter().enumerate().take(12) {
        let b = &probes[(i * 7 + 3) % probes.len()];
        for (lo, hi) in [(a, b), (b, a)] {
            for (lb, hb) in [
                (Bound::Included(&lo[..]), Bound::Excluded(&hi[..])),
                (Bound::Excluded(&lo[..]), Bound::Included(&hi[..])),
                (Bound::Included(&lo[..]), Bound::Included(&hi[..])),
                (Bound::Excluded(&lo[..]), Bound::Unbounded),
                (Bound::Unbounded, Bound::Excluded(&hi[..])),
                (Bound::Unbounded, Bound::Unbounded),
            ] {
                let got: Vec<(Vec<u8>, u64)> = d.range_walk(lb, hb).collect();
                // BTreeMap refuses a range whose start is after its end; that range is empty.
                let empty = match (lb, hb) {
                    (Bound::Included(l), Bound::Included(h)) => l > h,
                    (Bound::Included(l) | Bound::Excluded(l), Bound::Excluded(h))
                    | (Bound::Excluded(l), Bound::Included(h)) => l >= h,
                    _ => false,
                };
                let expected: Vec<(Vec<u8>, u64)> = if empty {
                    Vec::new()
                } else {
                    model
                        .range::<[u8], _>((lb, hb))
                        .map(|(k, v)| (k.clone(), *v))
                        .collect()
                };
                assert_eq!(got, expected, "range {lb:?}..{hb:?}");
            }
        }
    }
}

/// Pins the range walk's seek at the depth limit (a saved DAWG never walks deeper than its
/// longest term): lower bounds that run past the longest term, or end exactly at it, must
/// resume at the right place.
#[test]
fn range_bounds_past_the_longest_term() {
    let pairs: Vec<(Vec<u8>, u64)> = [&b"ab"[..], b"abc", b"abd", b"b"]
        .iter()
        .enumerate()
        .map(|(i, t)| (t.to_vec(), i as u64))
        .collect();
    let model = model_of(&pairs);
    let dawg = Dawg::from_pairs(pairs.clone()).unwrap();
    let file = DawgFile::from_vec(dawg.to_file_bytes().unwrap()).unwrap();
    assert_eq!(file.max_term_len(), 3);
    let probes: Vec<Vec<u8>> = [
        &b"abcd"[..],
        b"abc",
        b"abc\x00",
        b"abd",
        b"abdz",
        b"ab",
        b"a",
        b"",
    ]
    .iter()
    .map(|p| p.to_vec())
    .collect();
    check_ranges(&file, &model, &probes);
    check_ranges(&build_dat(&pairs), &model, &probes);
}

fn build_dat(pairs: &[(Vec<u8>, u64)]) -> DoubleArray {
    build_dat_with(pairs, true, Layout::DepthFirst)
}

fn build_dat_with(pairs: &[(Vec<u8>, u64)], links: bool, layout: Layout) -> DoubleArray {
    let mut b = DoubleArrayBuilder::new();
    b.child_links(links).layout(layout);
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
    prop_oneof![
        0..(1u64 << 21),
        any::<u64>(),
        Just(u64::MAX),
        Just(1u64 << 21)
    ]
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
        // Built without child links, it lists children by probing: the same answers.
        let compact = build_dat_with(&pairs, false, Layout::DepthFirst);
        prop_assert!(!compact.has_child_links());
        check_against_model(&compact, &model, &all_probes);
        // Laid out level by level: the same answers.
        let level = build_dat_with(&pairs, true, Layout::LevelOrder);
        check_against_model(&level, &model, &all_probes);
    }
}

/// One step of a mutation sequence for the mutable backends.
#[derive(Debug, Clone)]
enum Op {
    Insert(Vec<u8>, u64),
    Upsert(Vec<u8>, u64),
    Remove(Vec<u8>),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (term(), value()).prop_map(|(k, v)| Op::Insert(k, v)),
        2 => (term(), value()).prop_map(|(k, v)| Op::Upsert(k, v)),
        3 => term().prop_map(Op::Remove),
    ]
}

/// Applies `op` to the model and returns what a backend must answer: for inserts whether the
/// term was added, for upserts and removes the previous value.
fn apply_model(model: &mut Model, op: &Op) -> (Option<bool>, Option<u64>) {
    match op {
        Op::Insert(k, v) => {
            let added = !model.contains_key(k);
            if added {
                model.insert(k.clone(), *v);
            }
            (Some(added), None)
        }
        Op::Upsert(k, v) => (None, model.insert(k.clone(), *v)),
        Op::Remove(k) => (None, model.remove(k)),
    }
}

/// Probes for a model: every prefix of a few terms, each with a byte appended, plus `extra`.
fn probes_for(model: &Model, extra: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut all = extra.to_vec();
    for k in model.keys().take(6) {
        for n in 0..=k.len().min(20) {
            all.push(k[..n].to_vec());
        }
        let mut longer = k.clone();
        longer.push(b'a');
        all.push(longer);
    }
    all
}

/// Range listings of the ART against the model for a few bounds built from the probes.
fn check_art_ranges(art: &Art, model: &Model, probes: &[Vec<u8>]) {
    for (i, a) in probes.iter().enumerate().take(8) {
        let b = &probes[(i * 7 + 3) % probes.len()];
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        for (lb, hb) in [
            (Bound::Included(&lo[..]), Bound::Excluded(&hi[..])),
            (Bound::Excluded(&lo[..]), Bound::Included(&hi[..])),
            (Bound::Included(&lo[..]), Bound::Unbounded),
            (Bound::Unbounded, Bound::Included(&hi[..])),
        ] {
            let got: Vec<(Vec<u8>, u64)> = art.range(lb, hb).collect();
            let expected: Vec<(Vec<u8>, u64)> = model
                .range::<[u8], _>((lb, hb))
                .map(|(k, v)| (k.clone(), *v))
                .collect();
            assert_eq!(got, expected, "range {lb:?}..{hb:?}");
        }
        let got: Vec<(Vec<u8>, u64)> = art.prefix(a).collect();
        let expected: Vec<(Vec<u8>, u64)> = model
            .range(a.clone()..)
            .take_while(|(k, _)| k.starts_with(a))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        assert_eq!(got, expected, "prefix {a:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The ART after any sequence of inserts, upserts and removes answers like the model,
    /// through the trait (a pinned view), its own lookups and its range scans.
    #[test]
    fn art_matches_model(
        ops in proptest::collection::vec(op(), 0..300),
        probes in proptest::collection::vec(term(), 0..10),
    ) {
        let art = Art::new();
        let mut model = Model::new();
        for op in &ops {
            let (added, previous) = apply_model(&mut model, op);
            match op {
                Op::Insert(k, v) => prop_assert_eq!(Some(art.insert(k, *v).unwrap()), added),
                Op::Upsert(k, v) => prop_assert_eq!(art.upsert(k, *v).unwrap(), previous),
                Op::Remove(k) => prop_assert_eq!(art.remove(k).unwrap(), previous),
            }
        }
        let probes = probes_for(&model, &probes);
        check_against_model(&art.pin(), &model, &probes);
        check_art_ranges(&art, &model, &probes);
        if model.is_empty() {
            prop_assert_eq!(art.heap_bytes(), 0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The DAWG after any sequence of inserts, upserts and removes answers like the model and
    /// is minimal: it has exactly as many states as the DAWG built from scratch for the same
    /// terms. Its saved form and the copy thawed from it answer the same.
    #[test]
    fn dawg_matches_model_and_stays_minimal(
        ops in proptest::collection::vec(op(), 0..200),
        probes in proptest::collection::vec(term(), 0..10),
    ) {
        let mut d = Dawg::new();
        let mut model = Model::new();
        for op in &ops {
            let (added, previous) = apply_model(&mut model, op);
            match op {
                Op::Insert(k, v) => prop_assert_eq!(Some(d.insert(k, *v).unwrap()), added),
                Op::Upsert(k, v) => prop_assert_eq!(d.upsert(k, *v).unwrap(), previous),
                Op::Remove(k) => prop_assert_eq!(d.remove(k).unwrap(), previous),
            }
        }
        let scratch = Dawg::from_pairs(model.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap();
        prop_assert_eq!(d.state_count(), scratch.state_count(), "not minimal");
        prop_assert_eq!(d.edge_count(), scratch.edge_count());
        let probes = probes_for(&model, &probes);
        check_against_model(&d, &model, &probes);
        let file = DawgFile::from_vec(d.to_file_bytes().unwrap()).unwrap();
        file.verify().unwrap();
        check_against_model(&file, &model, &probes);
        let thawed = file.to_dawg();
        prop_assert_eq!(thawed.state_count(), scratch.state_count());
        check_against_model(&thawed, &model, &probes);
    }

    /// Building from pairs in any order, with duplicates: the last value wins.
    #[test]
    fn dawg_from_pairs_matches_model(pairs in proptest::collection::vec((term(), value()), 0..200)) {
        let model = model_of(&pairs);
        let d = Dawg::from_pairs(pairs.clone()).unwrap();
        check_against_model(&d, &model, &probes_for(&model, &[]));
    }
}

/// Minimality on a realistic set: inserting the shipped word list in a scrambled order, then
/// removing every third word, gives the same automaton size as building from scratch.
#[test]
fn dawg_incremental_equals_scratch_on_words() {
    let text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/data/words.txt")).unwrap();
    let mut words: Vec<Vec<u8>> = text
        .split(|&b| b == b'\n')
        .filter(|w| !w.is_empty())
        .map(|w| w.to_vec())
        .collect();
    words.truncate(20_000);
    let mut order: Vec<usize> = (0..words.len()).collect();
    order.sort_by_key(|&i| (i * 7919) % words.len());
    let mut d = Dawg::new();
    let mut model = Model::new();
    for &i in &order {
        d.insert(&words[i], i as u64).unwrap();
        model.insert(words[i].clone(), i as u64);
    }
    for (n, &i) in order.iter().enumerate() {
        if n % 3 == 0 {
            assert_eq!(d.remove(&words[i]).unwrap(), model.remove(&words[i]));
        }
    }
    let scratch = Dawg::from_pairs(model.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap();
    assert_eq!(d.state_count(), scratch.state_count());
    check_against_model(&d, &model, &[b"ab".to_vec(), b"zz".to_vec()]);
}

/// The DAWG file through mmap: saved, reopened, compared; a set (all values equal) stores no
/// values at all; wide values round-trip.
#[test]
fn dawg_save_and_mmap_round_trip() {
    for values in [|_: u64| 0u64, |i: u64| u64::MAX - i, |i: u64| i % 1000] {
        let pairs: Vec<(Vec<u8>, u64)> = (0..5000u64)
            .map(|i| (format!("key{i}").into_bytes(), values(i)))
            .collect();
        let d = Dawg::from_pairs(pairs.clone()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("d.dawg");
        d.save(&path).unwrap();
        let opened = DawgFile::open(&path).unwrap();
        assert!(opened.is_mapped());
        opened.verify().unwrap();
        check_against_model(
            &opened,
            &model_of(&pairs),
            &[b"key1".to_vec(), b"key".to_vec()],
        );
    }
}

/// Grows nodes through every kind (4, 16, 48, 256) and shrinks them back by removal, at the
/// root and below a shared prefix, checking the model after each phase.
#[test]
fn art_grows_and_shrinks_every_node_kind() {
    let art = Art::new();
    let mut model = Model::new();
    let keys: Vec<Vec<u8>> = (0..=255u8)
        .flat_map(|b| [vec![b], vec![b'p', b'q', b], vec![b'p', b'q', b, b'z']])
        .collect();
    for (i, k) in keys.iter().enumerate() {
        art.upsert(k, i as u64).unwrap();
        model.insert(k.clone(), i as u64);
        if [3, 15, 47, 255].contains(&(i / 3)) {
            check_against_model(&art.pin(), &model, &[b"pq".to_vec()]);
        }
    }
    for (i, k) in keys.iter().enumerate().rev() {
        if i % 5 != 0 {
            assert_eq!(art.remove(k).unwrap(), model.remove(k));
        }
    }
    check_against_model(&art.pin(), &model, &[b"pq".to_vec(), vec![]]);
    check_art_ranges(&art, &model, &keys);
    for k in &keys {
        assert_eq!(art.remove(k).unwrap(), model.remove(k));
    }
    assert!(art.is_empty());
    assert_eq!(art.heap_bytes(), 0);
}

/// Pins wide values spread over several 2^16-unit superblocks (the relative wide index).
#[test]
fn wide_values_across_superblocks() {
    let pairs: Vec<(Vec<u8>, u64)> = (0..120_000u64)
        .map(|i| {
            (
                format!("{:x}-{}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15), i).into_bytes(),
                u64::MAX - i,
            )
        })
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
    check_against_model(
        &d,
        &model_of(&pairs),
        &[b"dict".to_vec(), b"zz".to_vec(), b"A".to_vec()],
    );
}

/// Save to a file, reopen through mmap, and compare with the model.
#[test]
fn save_and_mmap_round_trip() {
    let pairs: Vec<(Vec<u8>, u64)> = (0..5000u64)
        .map(|i| (format!("key{i}").into_bytes(), i * 3))
        .collect();
    let d = build_dat(&pairs);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.dat");
    d.save(&path).unwrap();
    let opened = DoubleArray::open(&path).unwrap();
    assert!(opened.is_mapped());
    opened.verify().unwrap();
    check_against_model(&opened, &model_of(&pairs), &[b"key1".to_vec()]);
    // No temporary files are left beside the saved file.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("d.dat")]);
}

/// The suffix automaton as a dictionary: every distinct substring of the texts (the empty one
/// too), valued by its number of occurrences, counted by a naive scan.
fn substring_model(texts: &[Vec<u8>]) -> Model {
    let mut model = Model::new();
    for t in texts {
        for i in 0..=t.len() {
            for j in i..=t.len() {
                *model.entry(t[i..j].to_vec()).or_insert(0) += 1;
            }
        }
    }
    model
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0..14),
        1 => proptest::collection::vec(any::<u8>(), 0..10),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The suffix automaton's dictionary view (editable, saved, and saved-then-thawed-then
    /// appended) equals the substring model.
    #[test]
    fn sam_matches_substring_model(
        texts in proptest::collection::vec(text(), 0..4),
        more in text(),
        probes in proptest::collection::vec(term(), 0..6),
    ) {
        let sam = SuffixAutomaton::from_texts(&texts).unwrap();
        let model = substring_model(&texts);
        check_against_model(&sam, &model, &probes);
        let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
        check_against_model(&file, &model, &probes);
        let mut thawed = file.to_automaton().unwrap();
        thawed.append(&more).unwrap();
        let mut all = texts.clone();
        all.push(more);
        check_against_model(&thawed, &substring_model(&all), &probes);
    }
}
