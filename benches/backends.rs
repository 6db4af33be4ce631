//! The in-memory backends side by side with the structures users would pick instead, in one
//! run on the same data: the adaptive radix trie against std `HashMap`, `BTreeMap` and the
//! `congee` crate (insert and get, random order), the minimal DAWG against `fst::Set` (bytes
//! per key, build, random positive lookups). Run: `cargo bench --bench backends` (word list
//! as in the `dat` bench; `DICTENSTEIN_BENCH_QUICK=1` for the CI smoke run). Prints medians
//! of the repetitions and the ratio ours / theirs.

use dictenstein::{Art, Dawg, DawgFile, Dictionary};
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::Instant;

mod common;
use common::{load_words, median, per_op, Rng};

fn row(name: &str, ours: f64, theirs: &[(&str, f64)], unit: &str) {
    let others: Vec<String> = theirs
        .iter()
        .map(|(n, v)| format!("{n} {v:.1} {unit} (x{:.2})", ours / v))
        .collect();
    println!("| {name} | {ours:.1} {unit} | {} |", others.join("; "));
}

/// Insert and get of byte-string keys: ours vs HashMap and BTreeMap.
fn mutable_words(words: &[Vec<u8>], reps: usize) {
    let mut rng = Rng(7);
    let mut order: Vec<&[u8]> = words.iter().map(|w| &w[..]).collect();
    rng.shuffle(&mut order);
    let mut art = None;
    let ins_art = median(reps, || {
        let a = Art::new();
        let t = Instant::now();
        for (i, w) in order.iter().enumerate() {
            a.upsert(w, i as u64).unwrap();
        }
        let r = per_op(t, order.len());
        art = Some(a);
        r
    });
    let art = art.unwrap();
    let ins_hash = median(reps, || {
        let mut m = HashMap::new();
        let t = Instant::now();
        for (i, w) in order.iter().enumerate() {
            m.insert(w.to_vec(), i as u64);
        }
        black_box(&m);
        per_op(t, order.len())
    });
    let ins_btree = median(reps, || {
        let mut m = BTreeMap::new();
        let t = Instant::now();
        for (i, w) in order.iter().enumerate() {
            m.insert(w.to_vec(), i as u64);
        }
        black_box(&m);
        per_op(t, order.len())
    });
    let hash: HashMap<Vec<u8>, u64> = order
        .iter()
        .enumerate()
        .map(|(i, w)| (w.to_vec(), i as u64))
        .collect();
    let btree: BTreeMap<Vec<u8>, u64> = hash.clone().into_iter().collect();
    rng.shuffle(&mut order);
    let get = |f: &dyn Fn(&[u8]) -> Option<u64>| {
        median(reps, || {
            let t = Instant::now();
            let mut found = 0;
            for w in &order {
                found += f(black_box(w)).is_some() as usize;
            }
            assert_eq!(found, order.len());
            per_op(t, order.len())
        })
    };
    let get_art = get(&|w| art.get(w));
    let get_hash = get(&|w| hash.get(w).copied());
    let get_btree = get(&|w| btree.get(w).copied());
    println!(
        "\n### Adaptive radix trie, {} words (byte-string keys)\n",
        order.len()
    );
    println!("| operation | ART | others (ratio ART / other) |\n|---|---|---|");
    row(
        "insert",
        ins_art,
        &[("HashMap", ins_hash), ("BTreeMap", ins_btree)],
        "ns",
    );
    row(
        "get, random order",
        get_art,
        &[("HashMap", get_hash), ("BTreeMap", get_btree)],
        "ns",
    );
}

/// Insert and get of random u64 keys (big-endian bytes for the ART): ours vs HashMap,
/// BTreeMap and congee (an ART restricted to 8-byte keys).
fn mutable_u64(n: usize, reps: usize) {
    let mut rng = Rng(11);
    let keys: Vec<u64> = (0..n).map(|_| rng.next()).collect();
    let mut art = None;
    let ins_art = median(reps, || {
        let a = Art::new();
        let t = Instant::now();
        for (i, k) in keys.iter().enumerate() {
            a.upsert(&k.to_be_bytes(), i as u64).unwrap();
        }
        let r = per_op(t, n);
        art = Some(a);
        r
    });
    let art = art.unwrap();
    let ins_hash = median(reps, || {
        let mut m = HashMap::new();
        let t = Instant::now();
        for (i, k) in keys.iter().enumerate() {
            m.insert(*k, i as u64);
        }
        black_box(&m);
        per_op(t, n)
    });
    let ins_btree = median(reps, || {
        let mut m = BTreeMap::new();
        let t = Instant::now();
        for (i, k) in keys.iter().enumerate() {
            m.insert(*k, i as u64);
        }
        black_box(&m);
        per_op(t, n)
    });
    let mut congee = None;
    let ins_congee = median(reps, || {
        let c = congee::U64Congee::<usize>::new();
        let t = Instant::now();
        let g = crossbeam_epoch::pin();
        for (i, k) in keys.iter().enumerate() {
            c.insert(*k, i, &g).unwrap();
        }
        drop(g);
        let r = per_op(t, n);
        congee = Some(c);
        r
    });
    let congee = congee.unwrap();
    let hash: HashMap<u64, u64> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (*k, i as u64))
        .collect();
    let btree: BTreeMap<u64, u64> = hash.iter().map(|(k, v)| (*k, *v)).collect();
    let mut order = keys.clone();
    rng.shuffle(&mut order);
    let get = |f: &dyn Fn(u64) -> Option<u64>| {
        median(reps, || {
            let t = Instant::now();
            let mut found = 0;
            for k in &order {
                found += f(black_box(*k)).is_some() as usize;
            }
            assert_eq!(found, order.len());
            per_op(t, n)
        })
    };
    let get_art = get(&|k| art.get(&k.to_be_bytes()));
    let get_hash = get(&|k| hash.get(&k).copied());
    let get_btree = get(&|k| btree.get(&k).copied());
    let get_congee = get(&|k| {
        let g = crossbeam_epoch::pin();
        congee.get(k, &g).map(|v| v as u64)
    });
    println!("\n### Adaptive radix trie, {n} random u64 keys\n");
    println!("| operation | ART | others (ratio ART / other) |\n|---|---|---|");
    row(
        "insert",
        ins_art,
        &[
            ("HashMap", ins_hash),
            ("BTreeMap", ins_btree),
            ("congee", ins_congee),
        ],
        "ns",
    );
    row(
        "get, random order",
        get_art,
        &[
            ("HashMap", get_hash),
            ("BTreeMap", get_btree),
            ("congee", get_congee),
        ],
        "ns",
    );
}

/// The DAWG's saved form against fst::Set: size, build, lookups.
fn dawg_vs_fst(words: &[Vec<u8>], reps: usize) {
    let mut file = None;
    let build_dawg = median(reps, || {
        let t = Instant::now();
        let d = Dawg::from_pairs(words.iter().map(|w| (w.clone(), 0)).collect()).unwrap();
        let f = DawgFile::from_vec(d.to_file_bytes().unwrap()).unwrap();
        let r = t.elapsed().as_secs_f64() * 1e3;
        file = Some(f);
        r
    });
    let file = file.unwrap();
    let mut set = None;
    let build_fst = median(reps, || {
        let t = Instant::now();
        let s = fst::Set::from_iter(words.iter()).unwrap();
        let r = t.elapsed().as_secs_f64() * 1e3;
        set = Some(s);
        r
    });
    let set = set.unwrap();
    let mut order: Vec<&[u8]> = words.iter().map(|w| &w[..]).collect();
    Rng(3).shuffle(&mut order);
    let get = |f: &dyn Fn(&[u8]) -> bool| {
        median(reps, || {
            let t = Instant::now();
            let mut found = 0;
            for w in &order {
                found += f(black_box(w)) as usize;
            }
            assert_eq!(found, order.len());
            per_op(t, order.len())
        })
    };
    let get_dawg = get(&|w| file.contains(w));
    let get_fst = get(&|w| set.contains(w));
    let n = words.len() as f64;
    println!(
        "\n### Minimal DAWG (saved form) vs fst::Set, {} words\n",
        words.len()
    );
    println!("| measure | DAWG | fst (ratio DAWG / fst) |\n|---|---|---|");
    row(
        "bytes per key",
        file.size_bytes() as f64 / n,
        &[("fst", set.as_fst().as_bytes().len() as f64 / n)],
        "B",
    );
    row(
        "build (from sorted words, to the saved form)",
        build_dawg,
        &[("fst", build_fst)],
        "ms",
    );
    row(
        "positive lookup, random order",
        get_dawg,
        &[("fst", get_fst)],
        "ns",
    );
}

fn main() {
    let quick = std::env::var_os("DICTENSTEIN_BENCH_QUICK").is_some();
    let reps = if quick { 1 } else { 5 };
    let (path, mut words) = load_words(quick);
    words.sort();
    words.dedup();
    println!(
        "word list: {path} ({} distinct words); medians of {reps}",
        words.len()
    );
    mutable_words(&words, reps);
    mutable_u64(if quick { 100_000 } else { 4_000_000 }, reps);
    dawg_vs_fst(&words, reps);
}
