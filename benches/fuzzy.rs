//! Fuzzy search side by side with what users would pick instead, in one run on the same words
//! and queries: `levenshtein_automata` DFAs walking an `fst::Set`, and SymSpell (the
//! `symspell` crate, whose index of deletes is built first and timed). Queries are dictionary
//! words with one random edit (insert, delete or substitute a letter); every system returns
//! all matches. Ours runs on the double-array trie and the DAWG file, at distance 1, 2 and 3,
//! all matches and best-10 (ordered, limit 10).
//!
//! Run: `cargo bench --bench fuzzy` (word list as in the `dat` bench;
//! `DICTENSTEIN_BENCH_QUICK=1` for the CI smoke run). SymSpell's default distance is the
//! restricted Damerau one, so it is compared with our transposition metric, and the number of
//! matches each returns is printed as a check that all answer the same question.

use dictenstein::fuzzy::{FuzzyOptions, Metric};
use dictenstein::{Dawg, DawgFile, Dictionary, DoubleArray};
use fst::{IntoStreamer, Streamer};
use levenshtein_automata::LevenshteinAutomatonBuilder;
use std::time::Instant;
use symspell::{SymSpell, SymSpellBuilder, UnicodeStringStrategy, Verbosity};

mod common;
use common::{load_words, median, Rng};

/// Dictionary words with one random edit of a lowercase letter.
fn queries(words: &[Vec<u8>], n: usize) -> Vec<Vec<u8>> {
    let mut rng = Rng(42);
    (0..n)
        .map(|_| {
            let mut w = words[(rng.next() % words.len() as u64) as usize].clone();
            let pos = (rng.next() % (w.len() as u64 + 1)) as usize;
            let letter = b'a' + (rng.next() % 26) as u8;
            match rng.next() % 3 {
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

/// Queries per second over all `qs`, median of `reps`; also returns the matches found.
fn rate<Q>(reps: usize, qs: &[Q], mut f: impl FnMut(&Q) -> usize) -> (f64, usize) {
    let mut found = 0;
    let ns = median(reps, || {
        let t = Instant::now();
        found = qs.iter().map(&mut f).sum();
        t.elapsed().as_nanos() as f64
    });
    (qs.len() as f64 * 1e9 / ns, found)
}

fn ours<D: Dictionary>(d: &D, reps: usize, qs: &[Vec<u8>], o: FuzzyOptions) -> (f64, usize) {
    rate(reps, qs, |q| {
        let mut s = d.fuzzy(q, &o).unwrap();
        let mut n = 0;
        while s.next_match().is_some() {
            n += 1;
        }
        n
    })
}

fn main() {
    let quick = std::env::var_os("DICTENSTEIN_BENCH_QUICK").is_some();
    let (source, mut words) = load_words(quick);
    words.sort();
    words.dedup();
    let (nq, reps) = if quick { (200, 1) } else { (1000, 3) };
    let qs = queries(&words, nq);
    println!(
        "fuzzy search: {} words from {source}, {nq} queries with one edit, median of {reps}",
        words.len()
    );

    let dat = DoubleArray::from_pairs(words.iter().map(|w| (&w[..], 1))).unwrap();
    let dawg = Dawg::from_pairs(words.iter().map(|w| (w.clone(), 1)).collect()).unwrap();
    let dawg = DawgFile::from_vec(dawg.to_file_bytes().unwrap()).unwrap();
    let set = fst::Set::from_iter(words.iter()).unwrap();

    let t = Instant::now();
    let mut sym: SymSpell<UnicodeStringStrategy> = SymSpellBuilder::default()
        .max_dictionary_edit_distance(2)
        .build()
        .unwrap();
    let texts: Vec<String> = words
        .iter()
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect();
    for w in &texts {
        sym.load_dictionary_line(&format!("{w}\t1"), 0, 1, "\t");
    }
    let sym_build = t.elapsed().as_secs_f64();
    println!("SymSpell index build (max distance 2): {sym_build:.2} s; ours and fst need no index beyond the dictionary");
    let str_qs: Vec<String> = qs
        .iter()
        .map(|q| String::from_utf8_lossy(q).into_owned())
        .collect();

    println!();
    println!("| distance | ours DAT, all | ours DAWG, all | ours DAT, best 10 | ours DAT, transposition | fst + levenshtein_automata | SymSpell (Damerau) | DAT / SymSpell |");
    println!("|---|---|---|---|---|---|---|---|");
    for k in 1..=3u32 {
        let all = FuzzyOptions::new(k);
        let (dat_all, n_all) = ours(&dat, reps, &qs, all);
        let (dawg_all, n_dawg) = ours(&dawg, reps, &qs, all);
        assert_eq!(n_all, n_dawg, "DAT and DAWG disagree");
        let best = FuzzyOptions {
            ordered: true,
            limit: Some(10),
            ..all
        };
        let (dat_best, _) = ours(&dat, reps, &qs, best);
        let tr = FuzzyOptions {
            metric: Metric::Transposition,
            ..all
        };
        let (dat_tr, n_tr) = ours(&dat, reps, &qs, tr);
        // fst's automata count code points: so does this run, whose count must equal fst's.
        let cp = FuzzyOptions {
            units: dictenstein::Units::CodePoints,
            ..all
        };
        let (_, n_cp) = ours(&dat, 1, &qs, cp);
        let builder = LevenshteinAutomatonBuilder::new(k as u8, false);
        let (fst_rate, n_fst) = rate(reps, &qs, |q| {
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
        let sym_cell = if k <= 2 {
            let (r, n_sym) = rate(reps, &str_qs, |q| {
                sym.lookup(q, Verbosity::All, k as i64).len()
            });
            println!(
                "<!-- d={k}: matches ours {n_all} (transposition {n_tr}), fst {n_fst}, SymSpell {n_sym} -->"
            );
            Some(r)
        } else {
            println!("<!-- d={k}: matches ours {n_all}, fst {n_fst} -->");
            None
        };
        let (sym_s, ratio) = match sym_cell {
            Some(r) => (
                format!("{:.1}k q/s", r / 1e3),
                format!("x{:.2}", dat_all / r),
            ),
            None => ("not built for 3".into(), "-".into()),
        };
        println!(
            "| {k} | {:.1}k q/s | {:.1}k q/s | {:.1}k q/s | {:.1}k q/s | {:.1}k q/s | {sym_s} | {ratio} |",
            dat_all / 1e3,
            dawg_all / 1e3,
            dat_best / 1e3,
            dat_tr / 1e3,
            fst_rate / 1e3,
        );
    }
}
