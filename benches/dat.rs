//! Double-array trie benchmark: build time, bytes per key, random-order positive and negative
//! lookups, prefix listing. Run: `cargo bench --bench dat` (word list: $DICTENSTEIN_WORDS,
//! else Debian's american-english-huge, else the list shipped in data/).
//!
//! Prints medians over repetitions with min/max spread. Side-by-side comparisons with other
//! libraries belong to the benchmark harness (issue: benchmarks); this reports our own numbers.

use dictenstein::{Dictionary, DoubleArray, DoubleArrayBuilder};
use std::hint::black_box;
use std::time::Instant;

mod common;
use common::{load_words, Rng};

fn median_spread(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (xs[xs.len() / 2], xs[0], xs[xs.len() - 1])
}

fn main() {
    // Quick mode (CI): the shipped list, two repetitions; it only proves the harness runs.
    let quick = std::env::var_os("DICTENSTEIN_BENCH_QUICK").is_some();
    let (path, words) = load_words(quick);
    let default_reps = if quick { 2 } else { 7 };
    let reps = std::env::var("DICTENSTEIN_BENCH_REPS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default_reps);
    println!(
        "word list: {path} ({} terms, {:.1} B/term)",
        words.len(),
        words.iter().map(|w| w.len()).sum::<usize>() as f64 / words.len() as f64
    );

    let mut build_ms = Vec::new();
    let mut dat = None;
    for _ in 0..reps {
        let t = Instant::now();
        let mut b = DoubleArrayBuilder::new();
        for (i, w) in words.iter().enumerate() {
            b.add(w, i as u64).unwrap();
        }
        let d = b.finish().unwrap();
        build_ms.push(t.elapsed().as_secs_f64() * 1e3);
        dat = Some(d);
    }
    let dat: DoubleArray = dat.unwrap();
    let (m, lo, hi) = median_spread(build_ms);
    println!("build: {m:.1} ms (min {lo:.1}, max {hi:.1})");
    println!(
        "size: {} bytes = {:.2} B/key ({} units)",
        dat.size_bytes(),
        dat.size_bytes() as f64 / dat.len() as f64,
        dat.unit_count()
    );

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut queries: Vec<&[u8]> = words.iter().map(|w| w.as_slice()).collect();
    rng.shuffle(&mut queries);
    let negatives: Vec<Vec<u8>> = queries
        .iter()
        .map(|w| {
            let mut n = w.to_vec();
            let i = (rng.next() % n.len() as u64) as usize;
            n[i] = n[i].wrapping_add(1 + (rng.next() % 3) as u8);
            n
        })
        .filter(|n| dat.get(n).is_none())
        .collect();

    let mut pos_ns = Vec::new();
    let mut neg_ns = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let mut found = 0usize;
        for q in &queries {
            found += dat.get(black_box(q)).is_some() as usize;
        }
        pos_ns.push(t.elapsed().as_nanos() as f64 / queries.len() as f64);
        assert_eq!(found, queries.len());
        let t = Instant::now();
        let mut found = 0usize;
        for q in &negatives {
            found += dat.get(black_box(q)).is_some() as usize;
        }
        neg_ns.push(t.elapsed().as_nanos() as f64 / negatives.len() as f64);
        assert_eq!(found, 0);
    }
    let (m, lo, hi) = median_spread(pos_ns);
    println!("positive lookup, random order: {m:.1} ns (min {lo:.1}, max {hi:.1})");
    let (m, lo, hi) = median_spread(neg_ns);
    println!(
        "negative lookup, random order: {m:.1} ns (min {lo:.1}, max {hi:.1}; {} queries)",
        negatives.len()
    );

    let mut list_ns = Vec::new();
    for _ in 0..reps {
        let t = Instant::now();
        let mut n = 0usize;
        let mut walk = dat.prefix_walk(b"");
        while let Some((k, _)) = walk.next_entry() {
            n += k.len();
        }
        black_box(n);
        list_ns.push(t.elapsed().as_nanos() as f64 / dat.len() as f64);
    }
    let (m, lo, hi) = median_spread(list_ns);
    println!("full listing in order: {m:.1} ns/term (min {lo:.1}, max {hi:.1})");

    let dir = std::env::temp_dir().join(format!("dictenstein-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("words.dat");
    dat.save(&file).unwrap();
    let t = Instant::now();
    let opened = DoubleArray::open(&file).unwrap();
    let open_us = t.elapsed().as_secs_f64() * 1e6;
    assert_eq!(opened.get(queries[0]), dat.get(queries[0]));
    println!("open (mmap + header check): {open_us:.1} us");
    std::fs::remove_dir_all(&dir).ok();
}
