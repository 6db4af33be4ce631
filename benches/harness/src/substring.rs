//! Substring index: our suffix automaton against the `suffix` crate's SuffixTable, a suffix
//! array sorted by `cdivsufsort` (queried by binary search) and, in the full run, the
//! `general-sam` crate's suffix automaton. Build time, peak heap during the build, and
//! 20-byte substring queries cut from random places of the text.

use crate::data::Dataset;
use crate::measure::{figure, ns_per, peak_heap, Rng, Sample};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::{SamFile, SuffixAutomaton};
use std::hint::black_box;
use std::time::Instant;

/// Builds `reps` times; returns the last result, the time sample (ms) and the peak heap of
/// the last build in bytes per input byte.
fn build<T>(ctx: &Ctx, bytes: usize, mut f: impl FnMut() -> T) -> (T, Sample, Sample) {
    let mut kept = None;
    let mut peak = 0;
    let s = ctx.reps.cold().sample(|| {
        kept = None;
        let (out, secs, p) = peak_heap(&mut f);
        kept = Some(out);
        peak = p;
        secs * 1e3
    });
    (
        kept.expect("built once"),
        s,
        Sample::once(peak as f64 / bytes as f64),
    )
}

/// A substring query: its answer, which must be above 0 for a present substring.
type Query<'a> = dyn Fn(&[u8]) -> u64 + 'a;

/// The range of suffixes (indexes into `sa`) that start with `q`.
fn sa_range(text: &[u8], sa: &[i32], q: &[u8]) -> std::ops::Range<usize> {
    let head = |i: &i32| {
        let s = *i as usize;
        &text[s..(s + q.len()).min(text.len())]
    };
    let lo = sa.partition_point(|i| head(i) < q);
    let hi = lo + sa[lo..].partition_point(|i| head(i) == q);
    lo..hi
}

pub fn run(ctx: &Ctx, genome: &Dataset<Vec<Vec<u8>>>) -> Section {
    let texts = &genome.items;
    let total: usize = texts.iter().map(Vec::len).sum();
    let mut sec = Section::new("Substring index");
    sec.about(format!(
        "{}: {} texts, {total} bytes. Ours appends each record as a text; the others index the \
         records joined by a newline. Peak heap is counted by a wrapping allocator around one \
         build.",
        genome.name,
        texts.len()
    ));
    let (sam, sam_ms, sam_peak) = build(ctx, total, || SuffixAutomaton::from_texts(texts).unwrap());
    let (_, index_secs, index_peak) = peak_heap(|| sam.count(b"ACGT"));
    let file = SamFile::from_vec(sam.to_file_bytes().unwrap()).unwrap();
    sec.note(format!(
        "ours: {} states, {} edges; the count/position index is built at the first count after \
         an append: {:.0} ms, +{:.1} B/byte peak; the saved (mmap) form is {:.1} B/byte",
        sam.state_count(),
        sam.edge_count(),
        index_secs * 1e3,
        index_peak as f64 / total as f64,
        file.size_bytes() as f64 / total as f64
    ));

    let joined: Vec<u8> = texts.join(&b'\n');
    let joined_str = std::str::from_utf8(&joined).expect("DNA is ASCII");
    let (table, table_ms, table_peak) = build(ctx, total, || suffix::SuffixTable::new(joined_str));
    let (sa, sa_ms, sa_peak) = build(ctx, total, || {
        let mut sa = vec![0i32; joined.len()];
        cdivsufsort::sort_in_place(&joined, &mut sa);
        sa
    });
    let gsam = (!ctx.quick).then(|| {
        let (g, secs, peak) = peak_heap(|| {
            general_sam::GeneralSam::<general_sam::BTreeTransTable<u8>>::from_bytes(&joined)
        });
        (
            g,
            Sample::once(secs * 1e3),
            Sample::once(peak as f64 / total as f64),
        )
    });
    let skipped = || Cell::Missing("skipped in quick mode".into());
    sec.compare(
        "build",
        Unit::Ms,
        ("suffix automaton", sam_ms.into()),
        vec![
            ("suffix SuffixTable", table_ms.into()),
            ("cdivsufsort suffix array", sa_ms.into()),
            (
                "general-sam",
                gsam.as_ref().map_or_else(skipped, |g| g.1.into()),
            ),
        ],
    );
    sec.compare(
        "peak heap during the build",
        Unit::BytesPerByte,
        ("suffix automaton", sam_peak.into()),
        vec![
            ("suffix SuffixTable", table_peak.into()),
            ("cdivsufsort suffix array", sa_peak.into()),
            (
                "general-sam",
                gsam.as_ref().map_or_else(skipped, |g| g.2.into()),
            ),
        ],
    );

    let n = if ctx.quick { 20_000 } else { 100_000 };
    let mut rng = Rng(5);
    let queries: Vec<&[u8]> = (0..n)
        .map(|_| {
            let t = &texts[rng.below(texts.len())];
            let t = if t.len() < 20 { &joined } else { t };
            let at = rng.below(t.len() - 19);
            &t[at..at + 20]
        })
        .collect();
    sec.about(format!("Queries: {n} substrings of 20 bytes, all present."));
    // Every contender of a measure runs in the same rounds (see `Reps::rounds`).
    let queries = &queries;
    let query_rounds = |fs: &[&Query]| {
        let mut runs: Vec<Box<dyn FnMut() -> [f64; 1] + '_>> = fs
            .iter()
            .map(|f| {
                Box::new(move || {
                    let t = Instant::now();
                    for q in queries {
                        assert!(f(black_box(q)) > 0, "a present substring was not found");
                    }
                    [ns_per(t, n)]
                }) as Box<dyn FnMut() -> [f64; 1]>
            })
            .collect();
        let mut refs: Vec<&mut dyn FnMut() -> [f64; 1]> =
            runs.iter_mut().map(|r| &mut **r as _).collect();
        ctx.reps.rounds(&mut refs)
    };
    let contains_file = |q: &[u8]| file.contains(q) as u64;
    let contains_mem = |q: &[u8]| sam.contains(q) as u64;
    let table_contains = |q: &[u8]| table.contains(std::str::from_utf8(q).unwrap()) as u64;
    let sa_contains = |q: &[u8]| !sa_range(&joined, &sa, q).is_empty() as u64;
    let g_contains = |q: &[u8]| {
        gsam.as_ref().map_or(0, |(g, _, _)| {
            let mut s = g.get_root_state();
            s.feed_bytes(q);
            !s.is_nil() as u64
        })
    };
    let mut contains: Vec<&Query> =
        vec![&contains_file, &contains_mem, &table_contains, &sa_contains];
    if gsam.is_some() {
        contains.push(&g_contains);
    }
    let r = query_rounds(&contains);
    let measure = "20-byte contains";
    let file_name = "suffix automaton, saved form";
    for (i, anchor) in ["suffix SuffixTable", "cdivsufsort + binary search"]
        .into_iter()
        .enumerate()
    {
        sec.compare_in_rounds(measure, Unit::Ns, &r, (file_name, 0), (anchor, i + 2));
    }
    match gsam {
        Some(_) => sec.compare_in_rounds(measure, Unit::Ns, &r, (file_name, 0), ("general-sam", 4)),
        None => sec.compare(
            measure,
            Unit::Ns,
            (file_name, figure(&r[0], 0).into()),
            vec![("general-sam", skipped())],
        ),
    }
    sec.compare_in_rounds(
        measure,
        Unit::Ns,
        &r,
        ("suffix automaton, editable form", 1),
        ("suffix SuffixTable", 2),
    );
    let count = |q: &[u8]| file.count(q);
    let table_count = |q: &[u8]| table.positions(std::str::from_utf8(q).unwrap()).len() as u64;
    let sa_count = |q: &[u8]| sa_range(&joined, &sa, q).len() as u64;
    let r = query_rounds(&[&count, &table_count, &sa_count]);
    for (i, anchor) in [
        "suffix SuffixTable (positions)",
        "cdivsufsort + binary search",
    ]
    .into_iter()
    .enumerate()
    {
        let measure = "20-byte occurrence count";
        sec.compare_in_rounds(measure, Unit::Ns, &r, (file_name, 0), (anchor, i + 1));
    }
    sec
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The binary search over cdivsufsort's array counts exactly what a naive scan counts.
    #[test]
    fn suffix_array_range_counts_like_a_scan() {
        let text = b"ACGTACGTTACGAACGT\nACGTTT";
        let mut sa = vec![0i32; text.len()];
        cdivsufsort::sort_in_place(text, &mut sa);
        for q in [&b"ACG"[..], b"ACGT", b"T", b"GTT", b"CCC", b"T\nA", b"TTT"] {
            let naive = (0..text.len())
                .filter(|&i| text[i..].starts_with(q))
                .count();
            assert_eq!(sa_range(text, &sa, q).len(), naive, "{:?}", q);
        }
    }
}
