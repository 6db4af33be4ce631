//! The suffix automaton side by side with the substring indexes users would pick instead, in
//! one run on the same genome: the `suffix` crate's SuffixTable (suffix array) and the
//! `general-sam` crate's suffix automaton. Build time, peak heap during the build (counted by
//! a wrapping allocator), and 20-byte substring queries taken at random from the genome.
//!
//! Run: `bash scripts/fetch-genome.sh && cargo bench --bench sam` (Klebsiella pneumoniae
//! HS11286 from Debian's kleborate-examples, 5.68 Mbp in 7 records, each record one text).
//! `DICTENSTEIN_BENCH_QUICK=1` runs on 400 kbp of generated DNA and skips `general-sam`.

use dictenstein::{SamFile, SuffixAutomaton};
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

mod common;
use common::{median, per_op, Rng};

/// Counts live heap bytes and their peak, so every structure's build is measured the same
/// way (capacity slack, temporary buffers and all).
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters only
// observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's layout, which it guarantees is valid.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: `p` came from `alloc` above with this layout.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let now = LIVE.fetch_add(new, Ordering::Relaxed) + new;
        PEAK.fetch_max(now, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: `p` came from this allocator with layout `l`; the caller guarantees `new`
        // is a valid size for it.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns its result, seconds taken and peak heap bytes above the start.
fn measured<T>(f: impl FnOnce() -> T) -> (T, f64, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let t = Instant::now();
    let out = f();
    let secs = t.elapsed().as_secs_f64();
    (out, secs, PEAK.load(Ordering::Relaxed) - base)
}

fn load_genome(quick: bool) -> (String, Vec<Vec<u8>>) {
    let path = std::env::var("DICTENSTEIN_GENOME")
        .unwrap_or_else(|_| "bench-data/Klebs_HS11286.fna".to_string());
    if !quick {
        if let Ok(text) = std::fs::read(&path) {
            let mut records: Vec<Vec<u8>> = Vec::new();
            for line in text.split(|&b| b == b'\n') {
                if line.starts_with(b">") {
                    records.push(Vec::new());
                } else if let Some(r) = records.last_mut() {
                    r.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
                }
            }
            return (path, records);
        }
        eprintln!("{path} not found (run scripts/fetch-genome.sh); using generated DNA");
    }
    // Random DNA with some repeats copied in, so the automaton has clones to make.
    let mut rng = Rng(11);
    let n = if quick { 400_000 } else { 5_600_000 };
    let mut dna: Vec<u8> = (0..n).map(|_| b"ACGT"[(rng.next() % 4) as usize]).collect();
    for _ in 0..n / 2000 {
        let from = (rng.next() % (n as u64 - 500)) as usize;
        let to = (rng.next() % (n as u64 - 500)) as usize;
        dna.copy_within(from..from + 400, to);
    }
    ("generated DNA".to_string(), vec![dna])
}

fn main() {
    let quick = std::env::var_os("DICTENSTEIN_BENCH_QUICK").is_some();
    let (source, texts) = load_genome(quick);
    let total: usize = texts.iter().map(Vec::len).sum();
    println!(
        "## Suffix automaton: {source}, {} texts, {total} bytes\n",
        texts.len()
    );

    let (sam, sam_secs, sam_peak) = measured(|| SuffixAutomaton::from_texts(&texts).unwrap());
    let heap = sam.heap_bytes();
    let (_, index_secs, index_peak) = measured(|| sam.count(b"ACGT"));
    let (file_bytes, save_secs, _) = measured(|| sam.to_file_bytes().unwrap());
    let file = SamFile::from_vec(file_bytes).unwrap();

    // One text for the suffix array and general-sam: the records joined by a byte no query
    // contains.
    let joined: String = texts
        .iter()
        .map(|t| String::from_utf8_lossy(t).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let (table, table_secs, table_peak) = measured(|| suffix::SuffixTable::new(joined.as_str()));
    let gsam = (!quick).then(|| {
        measured(|| {
            general_sam::GeneralSam::<general_sam::BTreeTransTable<u8>>::from_bytes(
                joined.as_bytes(),
            )
        })
    });

    let mb = total as f64;
    println!("| build | time | peak heap during build | after build |");
    println!("|---|---|---|---|");
    println!(
        "| ours (editable; {} states, {} edges) | {:.0} ms | {:.1} B/byte | {:.1} B/byte |",
        sam.state_count(),
        sam.edge_count(),
        sam_secs * 1e3,
        sam_peak as f64 / mb,
        heap as f64 / mb
    );
    println!(
        "| ours: count/position index, first count after the build | {:.0} ms | +{:.1} B/byte | {:.1} B/byte in all |",
        index_secs * 1e3,
        index_peak as f64 / mb,
        sam.heap_bytes() as f64 / mb
    );
    println!(
        "| ours: saved form (encode) | {:.0} ms | - | {:.1} B/byte file |",
        save_secs * 1e3,
        file.size_bytes() as f64 / mb
    );
    println!(
        "| suffix SuffixTable | {:.0} ms | {:.1} B/byte | - |",
        table_secs * 1e3,
        table_peak as f64 / mb
    );
    if let Some((_, secs, peak)) = &gsam {
        println!(
            "| general-sam GeneralSam | {:.0} ms | {:.1} B/byte | - |",
            secs * 1e3,
            *peak as f64 / mb
        );
    }

    // 20-byte queries cut from random places of the genome (all occur).
    let n = if quick { 20_000 } else { 100_000 };
    let mut rng = Rng(5);
    let queries: Vec<&[u8]> = (0..n)
        .map(|_| {
            let t = &texts[(rng.next() % texts.len() as u64) as usize];
            let t = if t.len() < 20 { &texts[0] } else { t };
            let at = (rng.next() % (t.len() as u64 - 19)) as usize;
            &t[at..at + 20]
        })
        .collect();
    let strs: Vec<&str> = queries
        .iter()
        .map(|q| std::str::from_utf8(q).expect("DNA is ASCII"))
        .collect();

    let reps = if quick { 1 } else { 5 };
    let ours_mem = median(reps, || {
        let t = Instant::now();
        for q in &queries {
            assert!(black_box(sam.contains(q)));
        }
        per_op(t, n)
    });
    let ours_file = median(reps, || {
        let t = Instant::now();
        for q in &queries {
            assert!(black_box(file.contains(q)));
        }
        per_op(t, n)
    });
    let ours_count = median(reps, || {
        let t = Instant::now();
        for q in &queries {
            assert!(black_box(file.count(q)) > 0);
        }
        per_op(t, n)
    });
    let theirs_table = median(reps, || {
        let t = Instant::now();
        for q in &strs {
            assert!(black_box(table.contains(q)));
        }
        per_op(t, n)
    });
    let theirs_positions = median(reps, || {
        let t = Instant::now();
        for q in &strs {
            assert!(!black_box(table.positions(q)).is_empty());
        }
        per_op(t, n)
    });
    println!("\n| 20-byte query ({n} queries) | ns/query | ratio ours/SuffixTable contains |");
    println!("|---|---|---|");
    let r = |name: &str, v: f64| println!("| {name} | {v:.0} | x{:.2} |", v / theirs_table);
    r("ours, editable form: contains", ours_mem);
    r("ours, saved form: contains", ours_file);
    r("ours, saved form: count", ours_count);
    r("suffix SuffixTable: contains", theirs_table);
    r("suffix SuffixTable: positions (count)", theirs_positions);
    if let Some((g, _, _)) = &gsam {
        let v = median(reps, || {
            let t = Instant::now();
            for q in &queries {
                let mut s = g.get_root_state();
                s.feed_bytes(q);
                assert!(!black_box(s.is_nil()));
            }
            per_op(t, n)
        });
        r("general-sam: contains", v);
    }
}
