//! Fuzzy search against a brute-force scan: for every backend, metric, unit and mode, the
//! search must return exactly the terms a scan of the model finds with the reference distance
//! (no false positives or negatives), with the same distances, in the documented order.

use dictenstein::fuzzy::{decode, unit_distance, FuzzyOptions, Metric, Units, MAX_DISTANCE};
use dictenstein::{
    Art, Dawg, DawgFile, Dictionary, DoubleArray, DoubleArrayBuilder, FuzzyMatch, Layout, SamFile,
    SuffixAutomaton,
};
use proptest::prelude::*;
use std::collections::BTreeMap;

type Model = BTreeMap<Vec<u8>, u64>;

/// What the search must return: every model term within the budget, scored by the reference
/// distance (to the closest prefix in prefix mode), in (distance, term) order when ordered
/// and term order otherwise, cut at the limit.
fn brute_force(model: &Model, query: &[u8], o: &FuzzyOptions) -> Vec<FuzzyMatch> {
    let q = decode(o.units, query, "query").unwrap();
    let mut out: Vec<FuzzyMatch> = model
        .iter()
        .filter_map(|(t, &v)| {
            let tu = decode(o.units, t, "term").ok()?;
            let d = if o.prefix {
                (0..=tu.len())
                    .map(|n| unit_distance(o.metric, &q, &tu[..n]))
                    .min()
                    .unwrap()
            } else {
                unit_distance(o.metric, &q, &tu)
            };
            (d <= o.max_distance as usize).then(|| FuzzyMatch {
                term: t.clone(),
                distance: d as u32,
                value: v,
            })
        })
        .collect();
    if o.ordered {
        out.sort_by(|a, b| (a.distance, &a.term).cmp(&(b.distance, &b.term)));
    }
    if let Some(l) = o.limit {
        out.truncate(l);
    }
    out
}

fn check<D: Dictionary>(name: &str, d: &D, model: &Model, query: &[u8], o: &FuzzyOptions) {
    let got: Vec<FuzzyMatch> = d.fuzzy(query, o).unwrap().collect();
    let expected = brute_force(model, query, o);
    assert_eq!(got, expected, "{name}: query {query:?} {o:?}");
}

fn build_dat(model: &Model) -> DoubleArray {
    build_dat_with(model, true, Layout::DepthFirst)
}

fn build_dat_with(model: &Model, links: bool, layout: Layout) -> DoubleArray {
    let mut b = DoubleArrayBuilder::new();
    b.child_links(links).layout(layout);
    for (k, v) in model {
        b.add(k, *v).unwrap();
    }
    b.finish().unwrap()
}

/// Runs `query` with `o` over every term backend built from `model`.
fn check_all_backends(model: &Model, query: &[u8], o: &FuzzyOptions) {
    let dat = build_dat(model);
    check("double-array trie", &dat, model, query, o);
    let compact = build_dat_with(model, false, Layout::DepthFirst);
    check("double-array trie without links", &compact, model, query, o);
    let level = build_dat_with(model, true, Layout::LevelOrder);
    check("double-array trie in level order", &level, model, query, o);
    let dawg = Dawg::from_pairs(model.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap();
    check("DAWG", &dawg, model, query, o);
    let file = DawgFile::from_vec(dawg.to_file_bytes().unwrap()).unwrap();
    check("DAWG file", &file, model, query, o);
    let art = Art::new();
    for (k, v) in model {
        art.upsert(k, *v).unwrap();
    }
    check("ART", &art.pin(), model, query, o);
    let snapshot = art.fuzzy_snapshot(query, o).unwrap();
    assert_eq!(
        snapshot,
        brute_force(model, query, o),
        "ART snapshot: query {query:?} {o:?}"
    );
}

fn metric() -> impl Strategy<Value = Metric> {
    prop_oneof![
        Just(Metric::Levenshtein),
        Just(Metric::Transposition),
        Just(Metric::MergeSplit)
    ]
}

fn options(units: Units) -> impl Strategy<Value = FuzzyOptions> {
    (
        metric(),
        0u32..4,
        any::<bool>(),
        prop_oneof![3 => Just(None), 1 => (0usize..6).prop_map(Some)],
        any::<bool>(),
    )
        .prop_map(
            move |(metric, max_distance, ordered, limit, prefix)| FuzzyOptions {
                metric,
                units,
                max_distance,
                ordered,
                limit,
                prefix,
            },
        )
}

/// Byte terms over a small alphabet, so that many are within a few edits of each other.
fn byte_term() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0..8),
        1 => proptest::collection::vec(any::<u8>(), 0..5),
    ]
}

/// UTF-8 terms mixing 1-, 2-, 3- and 4-byte code points that share lead bytes, plus some
/// byte strings that are not UTF-8 (never reported in code-point mode).
fn utf8_term() -> impl Strategy<Value = Vec<u8>> {
    let ch = prop_oneof![
        Just('a'),
        Just('b'),
        Just('é'),
        Just('è'),
        Just('€'),
        Just('₤'),
        Just('😀'),
        Just('😁')
    ];
    prop_oneof![
        5 => proptest::collection::vec(ch, 0..6).prop_map(|v| v.into_iter().collect::<String>().into_bytes()),
        1 => proptest::collection::vec(prop_oneof![Just(0xC3u8), Just(0xA9), Just(b'a'), Just(0xFF)], 0..5),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn bytes_every_backend_matches_brute_force(
        terms in proptest::collection::btree_map(byte_term(), any::<u64>(), 0..60),
        queries in proptest::collection::vec(byte_term(), 1..4),
        o in options(Units::Bytes),
    ) {
        for q in &queries {
            check_all_backends(&terms, q, &o);
        }
    }

    #[test]
    fn code_points_every_backend_matches_brute_force(
        terms in proptest::collection::btree_map(utf8_term(), any::<u64>(), 0..60),
        queries in proptest::collection::vec(utf8_term(), 1..4),
        o in options(Units::CodePoints),
    ) {
        for q in &queries {
            if std::str::from_utf8(q).is_ok() {
                check_all_backends(&terms, q, &o);
            } else {
                prop_assert!(DoubleArray::from_pairs(std::iter::empty()).unwrap().fuzzy(q, &o).is_err());
            }
        }
    }

    /// Long queries (64 units and more) and budgets above 3 take the banded matrix instead of
    /// the bit-parallel rows; both must agree with the scan around that boundary.
    #[test]
    fn long_queries_and_large_budgets_match_brute_force(
        base in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b')], 58..70),
        edits in proptest::collection::vec((0usize..70, prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0u8..3), 0..40),
        metric in metric(),
        max_distance in 0u32..6,
        ordered in any::<bool>(),
        prefix in any::<bool>(),
    ) {
        // Terms are the base with a growing number of random edits, so distances spread.
        let mut model = Model::new();
        let mut t = base.clone();
        for (i, (pos, b, op)) in edits.iter().enumerate() {
            let pos = pos % (t.len() + 1);
            match op {
                0 => t.insert(pos, *b),
                1 if pos < t.len() => { t.remove(pos); }
                _ if pos < t.len() => t[pos] = *b,
                _ => t.push(*b),
            }
            model.insert(t.clone(), i as u64);
        }
        let o = FuzzyOptions { metric, units: Units::Bytes, max_distance, ordered, limit: None, prefix };
        check_all_backends(&model, &base, &o);
        check_all_backends(&model, &base[..base.len() - 3], &o);
    }

    /// The suffix automaton is the dictionary of every substring of its texts, valued by its
    /// count: fuzzy search over it is approximate substring search.
    #[test]
    fn suffix_automaton_matches_brute_force_over_substrings(
        texts in proptest::collection::vec(proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0..10), 1..4),
        query in byte_term(),
        o in options(Units::Bytes),
    ) {
        let mut sam = SuffixAutomaton::new();
        let mut model = Model::new();
        for t in &texts {
            sam.append(t).unwrap();
        }
        for t in &texts {
            for i in 0..=t.len() {
                for j in i..=t.len() {
                    *model.entry(t[i..j].to_vec()).or_default() += 0;
                }
            }
        }
        for (sub, count) in model.iter_mut() {
            *count = texts
                .iter()
                .map(|t| (0..=t.len().saturating_sub(sub.len())).filter(|&i| t[i..].starts_with(sub)).count() as u64)
                .sum();
        }
        check("suffix automaton", &sam, &model, &query, &o);
        let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
        check("suffix automaton file", &file, &model, &query, &o);
    }
}

fn words(list: &[&str]) -> Model {
    list.iter()
        .enumerate()
        .map(|(i, w)| (w.as_bytes().to_vec(), i as u64))
        .collect()
}

/// Known hard case: "ab" and "ba" are one transposition apart, two Levenshtein edits.
#[test]
fn adjacent_swap_costs_one_only_with_transposition() {
    let model = words(&["ba", "abc", "b"]);
    let dat = build_dat(&model);
    let mut o = FuzzyOptions::new(1);
    let lev: Vec<_> = dat.fuzzy(b"ab", &o).unwrap().map(|m| m.term).collect();
    assert_eq!(lev, vec![b"abc".to_vec(), b"b".to_vec()]);
    o.metric = Metric::Transposition;
    let tr: Vec<_> = dat.fuzzy(b"ab", &o).unwrap().map(|m| m.term).collect();
    assert_eq!(tr, vec![b"abc".to_vec(), b"b".to_vec(), b"ba".to_vec()]);
    check_all_backends(&model, b"ab", &o);
}

/// Known hard case: a final node beyond the budget whose children are within it ("abcd" is 3
/// from "abcdxyz" but "abcdxy" below it is 1), and a final node within it whose subtree is
/// not; neither may stop the walk early.
#[test]
fn final_node_beyond_budget_with_matching_children() {
    let model = words(&["abcd", "abcdxy", "abcdxyzzzz", "abcdxyz"]);
    for k in 0..=3 {
        for ordered in [false, true] {
            let mut o = FuzzyOptions::new(k);
            o.ordered = ordered;
            check_all_backends(&model, b"abcdxyz", &o);
        }
    }
}

/// Pins the suffix walk below nodes with no budget to spare: a swap that starts at a node
/// with slack and ends below one without ("acbd" for "abcd"), and queries with doubled units,
/// where a swap and a plain suffix could spell the same units ("aab": "a" then "b", and "ab")
/// if both were ever allowed at one node; every term must come once, in order.
#[test]
fn suffixes_below_a_node_without_slack() {
    let model = words(&[
        "acbd", "abcd", "abdc", "bacd", "aab", "ab", "aaab", "ba", "aba",
    ]);
    for metric in [Metric::Levenshtein, Metric::Transposition] {
        for k in 0..=2 {
            for ordered in [false, true] {
                let mut o = FuzzyOptions::new(k);
                o.metric = metric;
                o.ordered = ordered;
                for query in [&b"abcd"[..], b"aab", b"aaab", b"aba", b"abab"] {
                    check_all_backends(&model, query, &o);
                }
            }
        }
    }
    let mut o = FuzzyOptions::new(1);
    o.metric = Metric::Transposition;
    let found: Vec<_> = build_dat(&model)
        .fuzzy(b"abcd", &o)
        .unwrap()
        .map(|m| m.term)
        .collect();
    assert!(found.contains(&b"acbd".to_vec()), "{found:?}");
}

/// Known hard case: multi-byte code points count as one edit in code-point mode and as
/// several in byte mode; shared lead bytes must not merge different characters.
#[test]
fn multi_byte_code_points() {
    let model = words(&["café", "cafè", "cafe", "caf€", "caf😀", "cafés"]);
    let dat = build_dat(&model);
    let mut o = FuzzyOptions::new(1);
    o.units = Units::CodePoints;
    o.ordered = true;
    let got: Vec<_> = dat
        .fuzzy("café".as_bytes(), &o)
        .unwrap()
        .map(|m| (String::from_utf8(m.term).unwrap(), m.distance))
        .collect();
    let expect = [
        ("café", 0),
        ("cafe", 1),
        ("cafè", 1),
        ("cafés", 1),
        ("caf€", 1),
        ("caf😀", 1),
    ];
    let expect: Vec<_> = expect.iter().map(|(t, d)| (t.to_string(), *d)).collect();
    assert_eq!(got, expect);
    o.units = Units::Bytes;
    let bytes: Vec<_> = dat
        .fuzzy("café".as_bytes(), &o)
        .unwrap()
        .map(|m| m.term)
        .collect();
    let expect: Vec<Vec<u8>> = ["café", "cafè", "cafés"]
        .iter()
        .map(|t| t.as_bytes().to_vec())
        .collect();
    assert_eq!(bytes, expect);
    for units in [Units::Bytes, Units::CodePoints] {
        for prefix in [false, true] {
            o.units = units;
            o.prefix = prefix;
            check_all_backends(&model, "cafè".as_bytes(), &o);
        }
    }
}

/// Prefix mode scores a term by its closest prefix, and lists whole subtrees under a match.
#[test]
fn prefix_mode_for_autocompletion() {
    let model = words(&["help", "helpful", "helping", "hello", "yelp", "he"]);
    let dat = build_dat(&model);
    let mut o = FuzzyOptions::new(1);
    o.prefix = true;
    o.ordered = true;
    let got: Vec<_> = dat
        .fuzzy(b"help", &o)
        .unwrap()
        .map(|m| (String::from_utf8(m.term).unwrap(), m.distance))
        .collect();
    let expect = [
        ("help", 0),
        ("helpful", 0),
        ("helping", 0),
        ("hello", 1),
        ("yelp", 1),
    ];
    let expect: Vec<_> = expect.iter().map(|(t, d)| (t.to_string(), *d)).collect();
    assert_eq!(got, expect);
    o.limit = Some(2);
    assert_eq!(dat.fuzzy(b"help", &o).unwrap().count(), 2);
}

/// Options are validated: a distance above the documented maximum and a query that is not
/// UTF-8 in code-point mode are errors, never clamped or ignored.
#[test]
fn invalid_options_are_errors() {
    let dat = build_dat(&words(&["a"]));
    let o = FuzzyOptions::new(MAX_DISTANCE + 1);
    let e = dat.fuzzy(b"a", &o).err().unwrap().to_string();
    assert!(e.contains("max_distance"), "{e}");
    let mut o = FuzzyOptions::new(MAX_DISTANCE);
    assert!(dat.fuzzy(b"a", &o).is_ok());
    o.units = Units::CodePoints;
    let e = dat.fuzzy(b"a\xff", &o).err().unwrap().to_string();
    assert!(e.contains("UTF-8 at byte 1"), "{e}");
    let long = vec![b'a'; dictenstein::MAX_TERM_LEN + 1];
    assert!(dat.fuzzy(&long, &FuzzyOptions::new(1)).is_err());
}

/// The shipped word list: a distance-2 search agrees with the brute-force scan.
#[test]
fn shipped_word_list_distance_two() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/words.txt"));
    let Ok(text) = text else { return };
    let model: Model = text
        .lines()
        .enumerate()
        .map(|(i, w)| (w.as_bytes().to_vec(), i as u64))
        .collect();
    let dat = build_dat(&model);
    for q in ["recieve", "algorithm", "teh", "zebra"] {
        for metric in [
            Metric::Levenshtein,
            Metric::Transposition,
            Metric::MergeSplit,
        ] {
            let mut o = FuzzyOptions::new(2);
            o.metric = metric;
            check("double-array trie", &dat, &model, q.as_bytes(), &o);
        }
    }
}

/// The durable store: the image searched in place, merged with the memtable (newer values
/// and removals shadow the image's versions), and one snapshot kept while writers go on.
mod store {
    use super::*;
    use dictenstein::store::fault::FaultVfs;
    use dictenstein::store::{Durability, Options, Snapshot, Store};
    use std::sync::Arc;

    fn options(vfs: Option<FaultVfs>) -> Options {
        let mut o = Options {
            durability: Durability::None,
            checkpoint_interval: None,
            checkpoint_wal_bytes: 0,
            ..Options::default()
        };
        if let Some(v) = vfs {
            o.vfs = Arc::new(v);
        }
        o
    }

    /// The search over a snapshot, with values read back as the u64 the model holds.
    fn search(s: &Snapshot, query: &[u8], o: &FuzzyOptions) -> Vec<FuzzyMatch> {
        s.fuzzy(query, o)
            .unwrap()
            .map(|m| {
                let m = m.unwrap();
                FuzzyMatch {
                    term: m.term,
                    distance: m.distance,
                    value: u64::from_le_bytes(m.value.try_into().unwrap()),
                }
            })
            .collect()
    }

    fn apply(s: &Store, model: &mut Model, ops: &[(Vec<u8>, Option<u64>)]) {
        for (k, v) in ops {
            match v {
                Some(v) => {
                    s.put(k, &v.to_le_bytes()).unwrap();
                    model.insert(k.clone(), *v);
                }
                None => {
                    s.remove(k).unwrap();
                    model.remove(k);
                }
            }
        }
    }

    fn op() -> impl Strategy<Value = (Vec<u8>, Option<u64>)> {
        (byte_term(), proptest::option::weighted(0.7, any::<u64>()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn store_snapshots_match_brute_force(
            checkpointed in proptest::collection::vec(op(), 0..50),
            later in proptest::collection::vec(op(), 0..30),
            after_snapshot in proptest::collection::vec(op(), 0..20),
            queries in proptest::collection::vec(byte_term(), 1..3),
            o in super::options(Units::Bytes),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let s = Store::open(dir.path(), options(None)).unwrap();
            let mut model = Model::new();
            apply(&s, &mut model, &checkpointed);
            s.checkpoint().unwrap();
            apply(&s, &mut model, &later);
            let snap = s.snapshot();
            let before = model.clone();
            apply(&s, &mut model, &after_snapshot);
            for q in &queries {
                prop_assert_eq!(search(&snap, q, &o), brute_force(&before, q, &o));
                prop_assert_eq!(search(&s.snapshot(), q, &o), brute_force(&model, q, &o));
            }
        }
    }

    /// A checkpoint that fails after freezing the memtable leaves three layers (memtable,
    /// frozen memtable, image); the newest one holding a key decides it.
    #[test]
    fn three_layers_merge() {
        let dir = tempfile::tempdir().unwrap();
        let vfs = FaultVfs::new();
        let s = Store::open(dir.path(), options(Some(vfs.clone()))).unwrap();
        let mut model = Model::new();
        let image: Vec<_> = ["abc", "abd", "abe", "xyz", "ab"]
            .iter()
            .enumerate()
            .map(|(i, t)| (t.as_bytes().to_vec(), Some(i as u64)))
            .collect();
        apply(&s, &mut model, &image);
        s.checkpoint().unwrap();
        let frozen = [("abd", None), ("abf", Some(10)), ("abc", Some(11))];
        let frozen: Vec<_> = frozen
            .iter()
            .map(|(t, v)| (t.as_bytes().to_vec(), *v))
            .collect();
        apply(&s, &mut model, &frozen);
        // The new segment's header is written, then the first image write fails.
        vfs.fail_write_after(2);
        let e = s.checkpoint().unwrap_err().to_string();
        assert!(e.contains("write image"), "{e}");
        vfs.fail_write_after(u64::MAX);
        let mem = [
            ("abf", None),
            ("abd", Some(20)),
            ("abe", None),
            ("aa", Some(21)),
        ];
        let mem: Vec<_> = mem
            .iter()
            .map(|(t, v)| (t.as_bytes().to_vec(), *v))
            .collect();
        apply(&s, &mut model, &mem);
        for ordered in [false, true] {
            for k in 0..3 {
                let mut o = FuzzyOptions::new(k);
                o.ordered = ordered;
                assert_eq!(
                    search(&s.snapshot(), b"abc", &o),
                    brute_force(&model, b"abc", &o)
                );
                o.limit = Some(2);
                assert_eq!(
                    search(&s.snapshot(), b"abc", &o),
                    brute_force(&model, b"abc", &o)
                );
            }
        }
        s.checkpoint().unwrap();
        let o = FuzzyOptions::new(2);
        assert_eq!(
            search(&s.snapshot(), b"abc", &o),
            brute_force(&model, b"abc", &o)
        );
    }

    /// A damaged image node met by the walk is reported (CORRUPT), never skipped in silence
    /// and never a crash: every key is within distance 8 of the empty query, so the search
    /// visits every node, and each flipped byte must surface as an error at open or search.
    #[test]
    fn damaged_image_nodes_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path(), options(None)).unwrap();
        for i in 0..300u32 {
            let k = format!("{:x}", i.wrapping_mul(2_654_435_761) >> 8);
            s.put(&k.as_bytes()[..k.len().min(8)], &i.to_le_bytes())
                .unwrap();
        }
        s.checkpoint().unwrap();
        s.close().unwrap();
        let path = dir.path().join("dictenstein.image");
        let clean = std::fs::read(&path).unwrap();
        let o = FuzzyOptions::new(8);
        let mut checked = 0;
        for off in (8192..clean.len()).step_by(37) {
            let mut bad = clean.clone();
            bad[off] ^= 0x40;
            std::fs::write(&path, &bad).unwrap();
            let Ok(s) = Store::open(dir.path(), options(None)) else {
                continue;
            };
            let r: Result<Vec<_>, _> = s.snapshot().fuzzy(b"", &o).unwrap().collect();
            let e = r
                .expect_err("a flipped node byte must be reported")
                .to_string();
            assert!(e.contains("dictenstein.image"), "{e}");
            checked += 1;
        }
        assert!(checked > 50, "only {checked} damaged images opened");
    }
}
