//! The suffix automaton's substring queries against a naive scan of the texts, in every form
//! (editable, saved in memory, mapped from a file, thawed and appended to), and its saved
//! file against damage.

use dictenstein::sam::{Occurrence, MAX_TOTAL_BYTES};
use dictenstein::{Error, FormatError, SamFile, SuffixAutomaton};
use proptest::prelude::*;

/// Every occurrence of `p` in `texts`, overlapping ones included, sorted.
fn naive_occurrences(texts: &[Vec<u8>], p: &[u8]) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for (t, text) in texts.iter().enumerate() {
        if p.len() > text.len() {
            continue;
        }
        for off in 0..=text.len() - p.len() {
            if &text[off..off + p.len()] == p {
                out.push(Occurrence {
                    text: t as u32,
                    offset: off as u64,
                });
            }
        }
    }
    out
}

/// The longest substring of `q` found in a text: (query offset, length), first in the query.
fn naive_lcs(texts: &[Vec<u8>], q: &[u8]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for i in 0..q.len() {
        for j in i + 1..=q.len() {
            let found = texts
                .iter()
                .any(|t| t.windows(j - i).any(|w| w == &q[i..j]));
            if found && j - i > best.map_or(0, |b| b.1) {
                best = Some((i, j - i));
            }
        }
    }
    best
}

/// The queries every form answers, so one check covers them all.
trait Substrings {
    fn contains(&self, p: &[u8]) -> bool;
    fn count(&self, p: &[u8]) -> u64;
    fn occurrences(&self, p: &[u8]) -> Vec<Occurrence>;
    fn lcs(&self, q: &[u8]) -> Option<dictenstein::sam::CommonSubstring>;
}

impl Substrings for SuffixAutomaton {
    fn contains(&self, p: &[u8]) -> bool {
        SuffixAutomaton::contains(self, p)
    }
    fn count(&self, p: &[u8]) -> u64 {
        SuffixAutomaton::count(self, p)
    }
    fn occurrences(&self, p: &[u8]) -> Vec<Occurrence> {
        SuffixAutomaton::occurrences(self, p).collect()
    }
    fn lcs(&self, q: &[u8]) -> Option<dictenstein::sam::CommonSubstring> {
        self.longest_common_substring(q)
    }
}

impl Substrings for SamFile {
    fn contains(&self, p: &[u8]) -> bool {
        SamFile::contains(self, p)
    }
    fn count(&self, p: &[u8]) -> u64 {
        SamFile::count(self, p)
    }
    fn occurrences(&self, p: &[u8]) -> Vec<Occurrence> {
        SamFile::occurrences(self, p).collect()
    }
    fn lcs(&self, q: &[u8]) -> Option<dictenstein::sam::CommonSubstring> {
        self.longest_common_substring(q)
    }
}

fn check(sam: &impl Substrings, texts: &[Vec<u8>], patterns: &[Vec<u8>]) {
    for p in patterns {
        let mut expected = naive_occurrences(texts, p);
        expected.sort();
        let mut got = sam.occurrences(p);
        got.sort();
        assert_eq!(got, expected, "occurrences of {p:?}");
        assert_eq!(sam.count(p), expected.len() as u64, "count of {p:?}");
        assert_eq!(sam.contains(p), !expected.is_empty(), "contains {p:?}");
        let lcs = sam.lcs(p);
        assert_eq!(
            lcs.map(|l| (l.query_offset, l.len)),
            naive_lcs(texts, p),
            "longest common substring of {p:?}"
        );
        if let Some(l) = lcs {
            let text = &texts[l.first.text as usize];
            let at = l.first.offset as usize;
            assert_eq!(
                &text[at..at + l.len],
                &p[l.query_offset..l.query_offset + l.len]
            );
        }
    }
}

/// Patterns: every substring of the texts up to length 6 (so every state is asked), plus
/// random strings and the caller's extras.
fn patterns_for(texts: &[Vec<u8>], extra: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut all = extra.to_vec();
    all.push(Vec::new());
    for t in texts {
        for i in 0..t.len() {
            for j in i + 1..=(i + 6).min(t.len()) {
                all.push(t[i..j].to_vec());
            }
        }
    }
    all.sort();
    all.dedup();
    all
}

/// A letter of a five-letter alphabet: more letters than a state keeps inline (three), so
/// states spill edges to a list, and clones of such states and redirects inside lists occur.
fn five() -> impl Strategy<Value = u8> {
    (b'a'..=b'e').prop_map(|b| b)
}

fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0..40),
        3 => proptest::collection::vec(five(), 0..80),
        1 => proptest::collection::vec(any::<u8>(), 0..20),
    ]
}

fn pattern() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(b'c')], 0..10),
        2 => proptest::collection::vec(five(), 0..6),
        1 => proptest::collection::vec(any::<u8>(), 0..5),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Appends one text at a time and checks every form after each append against the scan.
    #[test]
    fn substring_queries_match_naive_scan(
        texts in proptest::collection::vec(text(), 1..5),
        extra in proptest::collection::vec(pattern(), 0..8),
    ) {
        let mut sam = SuffixAutomaton::new();
        for (i, t) in texts.iter().enumerate() {
            prop_assert_eq!(sam.append(t).unwrap(), i as u32);
            let so_far = &texts[..=i];
            let patterns = patterns_for(so_far, &extra);
            check(&sam, so_far, &patterns);
        }
        let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
        file.verify().unwrap();
        let patterns = patterns_for(&texts, &extra);
        check(&file, &texts, &patterns);
        // Thaw, append the first text again, and compare.
        let mut thawed = file.to_automaton().unwrap();
        thawed.append(&texts[0]).unwrap();
        let mut all = texts.clone();
        all.push(texts[0].clone());
        check(&thawed, &all, &patterns_for(&all, &extra));
    }
}

#[test]
fn empty_automaton_and_empty_texts() {
    let sam = SuffixAutomaton::new();
    assert!(!sam.contains(b""));
    assert_eq!(sam.count(b""), 0);
    assert_eq!(sam.occurrences(b"a").count(), 0);
    assert_eq!(sam.longest_common_substring(b"abc"), None);
    let sam = SuffixAutomaton::from_texts([b"", b""]).unwrap();
    assert!(sam.contains(b""));
    assert_eq!(sam.count(b""), 2);
    assert!(!sam.contains(b"a"));
    let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
    assert_eq!(file.count(b""), 2);
    assert_eq!(file.text_count(), 2);
}

/// Pins that no match crosses a text boundary: "ab" spans texts "xa" and "by" in the
/// concatenation but occurs in neither.
#[test]
fn matches_never_cross_texts() {
    let sam = SuffixAutomaton::from_texts([&b"xa"[..], b"by", b"ab"]).unwrap();
    assert_eq!(
        sam.occurrences(b"ab").collect::<Vec<_>>(),
        vec![Occurrence { text: 2, offset: 0 }]
    );
    assert!(!sam.contains(b"xab"));
    let l = sam.longest_common_substring(b"xaby").unwrap();
    assert_eq!((l.query_offset, l.len), (0, 2));
}

#[test]
fn a_genome_sized_repeat_counts_every_overlap() {
    let text = vec![b'A'; 100_000];
    let sam = SuffixAutomaton::from_texts([&text]).unwrap();
    assert_eq!(sam.count(b"AAAA"), 100_000 - 3);
    assert_eq!(sam.count(&text), 1);
    assert_eq!(sam.occurrences(&text[..99_990]).count(), 11);
    // A linear text has one state per position: no clone, n + 1 states.
    assert_eq!(sam.state_count(), 100_001);
}

#[test]
fn too_much_text_is_refused_and_changes_nothing() {
    let mut sam = SuffixAutomaton::from_texts([b"abc"]).unwrap();
    let big = vec![0u8; MAX_TOTAL_BYTES as usize];
    match sam.append(&big) {
        Err(Error::TooLarge { .. }) => {}
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert_eq!(sam.text_count(), 1);
    assert_eq!(sam.count(b"abc"), 1);
}

fn sample_bytes() -> Vec<u8> {
    let texts: Vec<Vec<u8>> = (0..5)
        .map(|i| format!("banana{i}bandana{i}cabana").into_bytes())
        .collect();
    SuffixAutomaton::from_texts(&texts)
        .unwrap()
        .to_file_bytes()
        .unwrap()
}

/// Every truncation is refused at open with a clear error.
#[test]
fn every_truncation_is_refused() {
    let bytes = sample_bytes();
    for cut in 0..bytes.len() {
        match SamFile::from_vec(bytes[..cut].to_vec()) {
            Err(Error::Format { .. }) => {}
            Ok(_) => panic!("truncation to {cut} bytes accepted"),
            Err(e) => panic!("truncation to {cut}: unexpected error {e}"),
        }
    }
}

/// Every single-bit flip is caught (at open or by verify), and whatever the damaged file
/// answers before verify, no query crashes or loops and thawing refuses it. Run on a file
/// without a k-mer table and on one with (DNA), so damaged table entries are tried too.
#[test]
fn every_bit_flip_is_caught_and_harmless() {
    let dna = SuffixAutomaton::from_texts([dna(90, 1)])
        .unwrap()
        .to_file_bytes()
        .unwrap();
    assert!(SamFile::from_vec(dna.clone()).unwrap().kmer_depth() > 0);
    for bytes in [sample_bytes(), dna] {
        flip_every_bit(&bytes);
    }
}

fn flip_every_bit(bytes: &[u8]) {
    for bit in 0..bytes.len() * 8 {
        let mut b = bytes.to_vec();
        b[bit / 8] ^= 1 << (bit % 8);
        let Ok(file) = SamFile::from_vec(b) else {
            continue;
        };
        assert!(file.verify().is_err(), "flip of bit {bit} not detected");
        assert!(file.to_automaton().is_err(), "flip of bit {bit} thawed");
        let queries = [
            &b"banana"[..],
            b"ana",
            b"cabana",
            b"zzz",
            b"bandana3cab",
            b"ACGTACGT",
        ];
        for q in queries {
            let _ = file.count(q);
            let _ = file.occurrences(q).take(1000).count();
            let _ = file.longest_common_substring(q);
        }
    }
}

/// `n` letters of pseudo-random DNA (seeded), with an `N` every 997 letters.
fn dna(n: usize, seed: u32) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|i| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if i % 997 == 996 {
                b'N'
            } else {
                b"ACGT"[(x >> 16) as usize % 4]
            }
        })
        .collect()
}

/// Pins the k-mer table of the saved form (spelling starts k letters deep): on DNA with rare
/// `N`s the file has one, and it answers every pattern as the editable automaton's plain walk
/// does: every substring of up to k + 3 letters, each with its last or first letter changed
/// (k-mers that do not occur), patterns holding an `N` before or after the first k letters,
/// and patterns of exactly k letters (spelled from the root). Some are also checked against
/// the naive scan.
#[test]
fn kmer_table_gives_the_walks_answers() {
    let texts = vec![dna(3000, 1), dna(2000, 2), b"ACGTNACGTACGTTTT".to_vec()];
    let sam = SuffixAutomaton::from_texts(&texts).unwrap();
    let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
    let k = file.kmer_depth();
    assert_eq!(k, 6, "4^6 <= 5018 letters < 4^7");
    let mut patterns = Vec::new();
    for t in &texts {
        for i in 0..t.len() {
            for len in 1..=(k + 3).min(t.len() - i) {
                let p = t[i..i + len].to_vec();
                for at in [0, len - 1] {
                    let mut q = p.clone();
                    q[at] = b"CGTA"[b"ACGTN".iter().position(|&c| c == q[at]).unwrap() % 4];
                    patterns.push(q);
                }
                patterns.push(p);
            }
        }
    }
    patterns.sort();
    patterns.dedup();
    for p in &patterns {
        assert_eq!(file.count(p), sam.count(p), "count of {p:?}");
        assert_eq!(file.contains(p), sam.contains(p), "contains {p:?}");
    }
    let sample: Vec<Vec<u8>> = patterns.iter().step_by(97).cloned().collect();
    check(&file, &texts, &sample);
}

#[test]
fn wrong_kind_is_named() {
    let dawg = dictenstein::Dawg::from_pairs(vec![(b"a".to_vec(), 1)]).unwrap();
    let path = tempfile::tempdir().unwrap();
    let p = path.path().join("d.dawg");
    dawg.save(&p).unwrap();
    match SamFile::open(&p) {
        Err(Error::Format {
            problem:
                FormatError::WrongKind {
                    expected: 3,
                    got: 2,
                },
            ..
        }) => {}
        other => panic!("expected WrongKind, got {:?}", other.err()),
    }
}

#[test]
fn mapped_file_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("g.sam");
    let sam = SuffixAutomaton::from_texts([&b"GATTACA"[..], b"TACAGAT"]).unwrap();
    sam.save(&p).unwrap();
    let file = SamFile::open(&p).unwrap();
    assert!(file.is_mapped());
    file.verify().unwrap();
    let mut got: Vec<_> = file.occurrences(b"TACA").collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            Occurrence { text: 0, offset: 3 },
            Occurrence { text: 1, offset: 0 }
        ]
    );
    assert_eq!(file.state_count(), sam.state_count());
    assert_eq!(file.edge_count(), sam.edge_count());
}

/// Pins the saved form's edge records that carry their target's edge count in one byte, 255
/// meaning "255 or more, read the first-edge array": states with 254, 255 and 256 edges are
/// reached through an edge (not as the root) and spelled past, in memory and thawed.
#[test]
fn states_with_many_edges_are_spelled_past() {
    for fanout in [254usize, 255, 256] {
        // "a" + b for `fanout` distinct bytes b: the state of "a" has `fanout` edges.
        let text: Vec<u8> = (0..fanout).flat_map(|b| [b'a', b as u8]).collect();
        let texts = vec![text];
        let sam = SuffixAutomaton::from_texts(&texts).unwrap();
        let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
        let thawed = file.to_automaton().unwrap();
        for b in 0..=255u8 {
            for p in [vec![b'a', b], vec![b'a', b, b'a'], vec![b, b'a', b]] {
                let expected = naive_occurrences(&texts, &p).len() as u64;
                assert_eq!(file.count(&p), expected, "fanout {fanout}, {p:?}");
                assert_eq!(file.contains(&p), expected > 0, "fanout {fanout}, {p:?}");
                assert_eq!(thawed.count(&p), expected, "fanout {fanout}, {p:?}");
            }
        }
    }
}
