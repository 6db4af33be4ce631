//! Fuzzy search: ours on the double-array trie and the DAWG's saved form against
//! `levenshtein_automata` DFAs walking an `fst::Set`, and SymSpell (the `symspell` crate,
//! whose index of deletes is built first and timed). Queries are dictionary words with one
//! random edit; every system returns all matches, and the match counts are checked equal.

use crate::data::Dataset;
use crate::measure::{live_heap, Rng, Sample};
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

/// Queries per second over all `qs` (a sample of runs), and the matches found in total.
fn rate<Q>(ctx: &Ctx, qs: &[Q], f: impl Fn(&Q) -> usize) -> (Sample, usize) {
    let mut found = 0;
    let s = ctx.reps.sample(|| {
        let t = Instant::now();
        found = qs.iter().map(&f).sum();
        qs.len() as f64 / t.elapsed().as_secs_f64()
    });
    (s, found)
}

fn ours<D: Dictionary>(ctx: &Ctx, d: &D, qs: &[Vec<u8>], o: FuzzyOptions) -> (Sample, usize) {
    rate(ctx, qs, |q| {
        let mut s = d.fuzzy(q, &o).unwrap();
        let mut n = 0;
        while s.next_match().is_some() {
            n += 1;
        }
        n
    })
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
        let (dat_all, n_all) = ours(ctx, &dat, &qs, all);
        let (dawg_all, n_dawg) = ours(ctx, &dawg, &qs, all);
        assert_eq!(n_all, n_dawg, "DAT and DAWG disagree at distance {k}");
        let tr = FuzzyOptions {
            metric: Metric::Transposition,
            ..all
        };
        let (dat_tr, n_tr) = ours(ctx, &dat, &qs, tr);
        let (level_tr, n_level) = ours(ctx, &level, &qs, tr);
        assert_eq!(n_tr, n_level, "the layouts disagree at distance {k}");
        let best = FuzzyOptions {
            ordered: true,
            limit: Some(10),
            ..tr
        };
        let (dat_best, _) = ours(ctx, &dat, &qs, best);
        let (level_best, _) = ours(ctx, &level, &qs, best);
        // fst's automata count code points: ours in that mode must find as many matches.
        let cp = FuzzyOptions {
            units: Units::CodePoints,
            ..all
        };
        let n_cp: usize = qs
            .iter()
            .map(|q| {
                let mut s = dat.fuzzy(q, &cp).unwrap();
                let mut n = 0;
                while s.next_match().is_some() {
                    n += 1;
                }
                n
            })
            .sum();
        let builder = LevenshteinAutomatonBuilder::new(k as u8, false);
        let (fst_rate, n_fst) = rate(ctx, &qs, |q| {
            let dfa = builder.build_dfa(&String::from_utf8_lossy(q));
            let mut s = set.search(&dfa).into_stream();
            let mut n = 0;
            while s.next().is_some() {
                n += 1;
            }
            n
        });
        assert_eq!(
            n_cp, n_fst,
            "code-point matches differ from fst's at distance {k}"
        );
        let (sym_all, sym_near) = if k <= 2 {
            let (r, n_sym) = rate(ctx, &str_qs, |q| {
                sym.lookup(q, Verbosity::All, k as i64).len()
            });
            sec.note(format!(
                "{name}, distance {k}: matches found: ours {n_all} (with transpositions \
                 {n_tr}), fst {n_fst}, SymSpell {n_sym}"
            ));
            let (near, _) = rate(ctx, &str_qs, |q| {
                sym.lookup(q, Verbosity::Closest, k as i64).len()
            });
            (r.into(), near.into())
        } else {
            let why = || Cell::Missing("index built for distance <= 2".into());
            (why(), why())
        };
        let label = |what: &str| format!("{name}, distance {k}, {what}");
        sec.compare(
            &label("all matches"),
            Unit::PerSec,
            ("DAT", dat_all.into()),
            vec![("fst + levenshtein_automata", fst_rate.into())],
        );
        sec.compare(
            &label("all matches"),
            Unit::PerSec,
            ("DAWG saved form", dawg_all.into()),
            vec![("fst + levenshtein_automata", fst_rate.into())],
        );
        sec.compare(
            &label("all matches, with transpositions"),
            Unit::PerSec,
            ("DAT", dat_tr.into()),
            vec![("SymSpell", sym_all.clone())],
        );
        sec.compare(
            &label("all matches, with transpositions"),
            Unit::PerSec,
            ("DAT in level order", level_tr.into()),
            vec![("SymSpell", sym_all)],
        );
        sec.compare(
            &label("nearest (ours: best 10; SymSpell: Closest), with transpositions"),
            Unit::PerSec,
            ("DAT", dat_best.into()),
            vec![("SymSpell Closest", sym_near.clone())],
        );
        sec.compare(
            &label("nearest (ours: best 10; SymSpell: Closest), with transpositions"),
            Unit::PerSec,
            ("DAT in level order", level_best.into()),
            vec![("SymSpell Closest", sym_near)],
        );
    }
}
