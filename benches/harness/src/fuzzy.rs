//! Fuzzy search: ours on the double-array trie and the DAWG's saved form against
//! `levenshtein_automata` DFAs walking an `fst::Set`, and SymSpell (the `symspell` crate,
//! whose index of deletes is built first and timed). Queries are dictionary words with one
//! random edit; every system returns all matches, and the match counts are checked equal.

use crate::data::Dataset;
use crate::measure::{figure, live_heap, Rng, Sample};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::fuzzy::{FuzzyOptions, Metric};
use dictenstein::{Dawg, DawgFile, Dictionary, DoubleArray, DoubleArrayBuilder, Layout, Units};
use fst::{IntoStreamer, Streamer};
use levenshtein_automata::LevenshteinAutomatonBuilder;
use std::time::Instant;
use symspell::{SymSpell, SymSpellBuilder, UnicodeStringStrategy, Verbosity};

/// Dictionary words with one random edit of a lowercase letter.
fn queries(words: &[Vec<u8>], n: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(42);
    (0..n)
        .map(|_| {
            let mut w = words[rng.below(words.len())].clone();
            let pos = rng.below(w.len() + 1);
            let letter = b'a' + rng.below(26) as u8;
            match rng.below(3) {
                0 => w.insert(pos, letter),
                1 if pos < w.len() => {
                    w.remove(pos);
                }
                _ if pos < w.len() => w[pos] = letter,
                _ => w.push(letter),
            }
            w
        })
        .collect()
}

/// One run of one contender: queries per second over all `qs`, with the matches found
/// stored in `found` (the same in every run).
fn timed<Q>(qs: &[Q], f: impl Fn(&Q) -> usize, found: &mut usize) -> [f64; 1] {
    let t = Instant::now();
    *found = qs.iter().map(f).sum();
    [qs.len() as f64 / t.elapsed().as_secs_f64()]
}

/// The matches of our search for `q` in `d`.
fn count<D: Dictionary>(d: &D, q: &[u8], o: &FuzzyOptions) -> usize {
    let mut s = d.fuzzy(q, o).unwrap();
    let mut n = 0;
    while s.next_match().is_some() {
        n += 1;
    }
    n
}

pub fn run(
    ctx: &Ctx,
    words: &Dataset<Vec<Vec<u8>>>,
    freq: &Dataset<Vec<(Vec<u8>, u64)>>,
) -> Section {
    let mut sec = Section::new("Fuzzy search (Levenshtein)");
    let nq = if ctx.quick { 200 } else { 1_000 };
    sec.about(format!(
        "{nq} queries per data set, each a dictionary word with one random edit (insert, \
         delete or substitute a lowercase letter); all matches returned. Ours needs nothing \
         beyond the dictionary; SymSpell builds an index of deletes (for distances up to 2) \
         first. SymSpell's distance allows adjacent transpositions, so it is compared with our \
         transposition metric; fst's automata with our standard metric. The \"nearest\" rows \
         answer two different questions a spelling corrector asks: ours the best 10 ordered by \
         (distance, term), SymSpell's `Closest` every match at the smallest distance found \
         (which lets it stop early); they are shown side by side, not as equals."
    ));
    let word_pairs: Vec<(Vec<u8>, u64)> = words.items.iter().map(|w| (w.clone(), 1)).collect();
    one_set(ctx, &mut sec, words.name, &word_pairs, nq);
    one_set(ctx, &mut sec, freq.name, &freq.items, nq);
    sec
}

fn one_set(ctx: &Ctx, sec: &mut Section, name: &str, pairs: &[(Vec<u8>, u64)], nq: usize) {
    let words: Vec<Vec<u8>> = pairs.iter().map(|p| p.0.clone()).collect();
    let qs = queries(&words, nq);
    let t = Instant::now();
    let dat = DoubleArray::from_pairs(pairs.iter().map(|(w, c)| (&w[..], *c))).unwrap();
    let dat_build = t.elapsed().as_secs_f64() * 1e3;
    // The same trie laid out level by level (a builder option): the shallow levels every
    // query walks lie together and stay cached across queries.
    let level = {
        let mut b = DoubleArrayBuilder::new();
        b.layout(Layout::LevelOrder);
        for (w, c) in pairs {
            b.add(w, *c).unwrap();
        }
        b.finish().unwrap()
    };
    let dawg = Dawg::from_pairs(pairs.to_vec()).unwrap();
    let dawg = DawgFile::from_vec(dawg.to_file_bytes().unwrap()).unwrap();
    let set = fst::Set::from_iter(words.iter()).unwrap();

    let heap_before = live_heap();
    let t = Instant::now();
    let mut sym: SymSpell<UnicodeStringStrategy> = SymSpellBuilder::default()
        .max_dictionary_edit_distance(2)
        .count_threshold(0)
        .build()
        .unwrap();
    for (w, c) in pairs {
        sym.load_dictionary_line(&format!("{}\t{c}", String::from_utf8_lossy(w)), 0, 1, "\t");
    }
    let sym_build = t.elapsed().as_secs_f64() * 1e3;
    let sym_heap = live_heap().saturating_sub(heap_before);
    sec.compare(
        &format!(
            "{name} ({} words): build what the search needs",
            words.len()
        ),
        Unit::Ms,
        ("double-array trie", Sample::once(dat_build).into()),
        vec![(
            "SymSpell index, distance <= 2",
            Sample::once(sym_build).into(),
        )],
    );
    sec.compare(
        &format!("{name}: memory the search needs"),
        Unit::Megabytes,
        (
            "double-array trie (the dictionary itself)",
            Sample::once(dat.size_bytes() as f64 / 1e6).into(),
        ),
        vec![(
            "SymSpell dictionary + index (heap)",
            Sample::once(sym_heap as f64 / 1e6).into(),
        )],
    );
    let str_qs: Vec<String> = qs
        .iter()
        .map(|q| String::from_utf8_lossy(q).into_owned())
        .collect();

    for k in 1..=3u32 {
        let all = FuzzyOptions::new(k);
        let tr = FuzzyOptions {
            metric: Metric::Transposition,
            ..all
        };
        let best = FuzzyOptions {
            ordered: true,
            limit: Some(10),
            ..tr
        };
        // fst's automata count code points: ours in that mode must find as many matches.
        let cp = FuzzyOptions {
            units: Units::CodePoints,
            ..all
        };
        let n_cp: usize = qs.iter().map(|q| count(&dat, q, &cp)).sum();
        let builder = LevenshteinAutomatonBuilder::new(k as u8, false);
        let fst_count = |q: &Vec<u8>| {
            let dfa = builder.build_dfa(&String::from_utf8_lossy(q));
            let mut s = set.search(&dfa).into_stream();
            let mut n = 0;
            while s.next().is_some() {
                n += 1;
            }
            n
        };
        // Each comparison's contenders run in the same rounds (see `Reps::rounds`); the
        // ratios reported are those of the rounds.
        let (mut n_all, mut n_dawg, mut n_fst) = (0, 0, 0);
        let standard = ctx.reps.rounds(&mut [
            &mut || timed(&qs, |q| count(&dat, q, &all), &mut n_all),
            &mut || timed(&qs, |q| count(&dawg, q, &all), &mut n_dawg),
            &mut || timed(&qs, fst_count, &mut n_fst),
        ]);
        assert_eq!(n_all, n_dawg, "DAT and DAWG disagree at distance {k}");
        assert_eq!(
            n_cp, n_fst,
            "code-point matches differ from fst's at distance {k}"
        );
        // SymSpell's index serves distances up to 2 only.
        let symspell_serves = k <= 2;
        // Our search on both layouts of the double array and on the DAWG with `o`, and
        // SymSpell asked with `verbosity` when it serves distance `k`, in the same rounds;
        // and each one's matches.
        let against_symspell = |o: &FuzzyOptions, verbosity: fn() -> Verbosity| {
            let (mut n_dat, mut n_level, mut n_dawg, mut n_sym) = (0, 0, 0, 0);
            let rounds = {
                let mut on_dat = || timed(&qs, |q| count(&dat, q, o), &mut n_dat);
                let mut on_level = || timed(&qs, |q| count(&level, q, o), &mut n_level);
                let mut on_dawg = || timed(&qs, |q| count(&dawg, q, o), &mut n_dawg);
                let mut symspell = || {
                    let ask = |q: &String| sym.lookup(q, verbosity(), k as i64).len();
                    timed(&str_qs, ask, &mut n_sym)
                };
                let mut fs: Vec<&mut dyn FnMut() -> [f64; 1]> =
                    vec![&mut on_dat, &mut on_level, &mut on_dawg];
                if symspell_serves {
                    fs.push(&mut symspell);
                }
                ctx.reps.rounds(&mut fs)
            };
            (rounds, [n_dat, n_level, n_dawg, n_sym])
        };
        let (transposed, [n_tr, n_level, n_tr_dawg, n_sym]) =
            against_symspell(&tr, || Verbosity::All);
        assert_eq!(n_tr, n_level, "the layouts disagree at distance {k}");
        assert_eq!(
            n_tr, n_tr_dawg,
            "DAT and DAWG disagree with transpositions at distance {k}"
        );
        if symspell_serves {
            sec.note(format!(
                "{name}, distance {k}: matches found: ours {n_all} (with transpositions \
                 {n_tr}), fst {n_fst}, SymSpell {n_sym}"
            ));
        }
        let (nearest, [n_best, n_level_best, n_dawg_best, _]) =
            against_symspell(&best, || Verbosity::Closest);
        assert_eq!(
            n_best, n_level_best,
            "the layouts disagree on the best 10 at distance {k}"
        );
        assert_eq!(
            n_best, n_dawg_best,
            "DAT and DAWG disagree on the best 10 at distance {k}"
        );
        let label = |what: &str| format!("{name}, distance {k}, {what}");
        let all_label = label("all matches");
        sec.compare_in_rounds(
            &all_label,
            Unit::PerSec,
            &standard,
            ("DAT", 0),
            ("fst + levenshtein_automata", 2),
        );
        sec.compare_in_rounds(
            &all_label,
            Unit::PerSec,
            &standard,
            ("DAWG saved form", 1),
            ("fst + levenshtein_automata", 2),
        );
        let sides = [
            ("DAT", 0),
            ("DAT in level order", 1),
            ("DAWG saved form", 2),
        ];
        for (what, rounds, anchor) in [
            ("all matches, with transpositions", &transposed, "SymSpell"),
            (
                "nearest (ours: best 10; SymSpell: Closest), with transpositions",
                &nearest,
                "SymSpell Closest",
            ),
        ] {
            for side in sides {
                if symspell_serves {
                    sec.compare_in_rounds(&label(what), Unit::PerSec, rounds, side, (anchor, 3));
                } else {
                    sec.compare(
                        &label(what),
                        Unit::PerSec,
                        (side.0, figure(&rounds[side.1], 0).into()),
                        vec![(
                            anchor,
                            Cell::Missing("index built for distance <= 2".into()),
                        )],
                    );
                }
            }
        }
    }
}
