//! Static exact lookup: our double-array trie against darts-clone, yada, crawdad, fst's Map
//! and std's HashMap / BTreeMap; our minimal DAWG (saved form) against fst's Set. Build time,
//! bytes per key, positive and negative lookups in random order, prefix listing.

use crate::data::Dataset;
use crate::measure::{figure, heap_of, indexed, ns_per, Rng, Sample};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::{Dawg, DawgFile, Dictionary, DoubleArray, DoubleArrayBuilder, Layout};
use fst::{IntoStreamer, Streamer};
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::Instant;

/// darts-clone through its C wrapper; the handle is freed on drop.
struct Darts(libdarts_sys::DartsT);

impl Darts {
    fn build(keys: &[Vec<u8>]) -> Darts {
        let ptrs: Vec<*const libc::c_char> = keys.iter().map(|k| k.as_ptr().cast()).collect();
        let lens: Vec<libc::size_t> = keys.iter().map(Vec::len).collect();
        // SAFETY: darts_new has no preconditions; the handle is owned by the returned Darts
        // and freed exactly once by Drop.
        let d = Darts(unsafe { libdarts_sys::darts_new() });
        // SAFETY: `ptrs` and `lens` hold keys.len() entries pointing into `keys`, which
        // outlives the call; the keys are sorted, distinct and free of NUL as darts requires
        // (checked by the caller); NULL values and progress callback are allowed.
        let rc = unsafe {
            libdarts_sys::darts_build(
                d.0,
                keys.len(),
                ptrs.as_ptr(),
                lens.as_ptr(),
                std::ptr::null(),
                None,
            )
        };
        assert_eq!(rc, 0, "darts_build failed");
        d
    }

    fn get(&self, key: &[u8]) -> Option<u32> {
        // SAFETY: the handle is live (owned by self); `key` is readable for key.len() bytes
        // and a non-zero length makes darts read exactly that many.
        let v = unsafe {
            libdarts_sys::darts_exact_match_search(self.0, key.as_ptr().cast(), key.len(), 0)
        };
        (v >= 0).then_some(v as u32)
    }

    fn bytes(&self) -> usize {
        // SAFETY: the handle is live.
        unsafe { libdarts_sys::darts_total_size(self.0) }
    }
}

impl Drop for Darts {
    fn drop(&mut self) {
        // SAFETY: the handle came from darts_new and is freed only here.
        unsafe { libdarts_sys::darts_delete(self.0) }
    }
}

/// The smallest byte string greater than every string starting with `p`, if any.
fn successor(p: &[u8]) -> Option<Vec<u8>> {
    let mut s = p.to_vec();
    while let Some(last) = s.pop() {
        if last < 0xff {
            s.push(last + 1);
            return Some(s);
        }
    }
    None
}

/// Median ns per lookup over `qs`, asserting every answer is `expect_found`.
fn lookups<Q: AsRef<[u8]>>(
    ctx: &Ctx,
    qs: &[Q],
    expect_found: bool,
    f: impl Fn(&[u8]) -> bool,
) -> Sample {
    ctx.reps.sample(|| lookup_run(qs, expect_found, &f)[0])
}

/// One run of lookups over `qs`: ns per lookup, asserting every answer is `expect_found`.
fn lookup_run<Q: AsRef<[u8]>>(qs: &[Q], expect_found: bool, f: impl Fn(&[u8]) -> bool) -> [f64; 1] {
    let t = Instant::now();
    let mut found = 0usize;
    for q in qs {
        found += f(black_box(q.as_ref())) as usize;
    }
    let ns = ns_per(t, qs.len());
    assert_eq!(found, if expect_found { qs.len() } else { 0 });
    [ns]
}

/// Times builds (cold: each run builds anew) and keeps the last result.
fn build<T>(ctx: &Ctx, mut f: impl FnMut() -> T) -> (T, Sample) {
    let mut kept = None;
    let s = ctx.reps.cold().sample(|| {
        kept = None; // free the previous build first, so runs do not overlap in memory
        let t = Instant::now();
        let out = f();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        kept = Some(out);
        ms
    });
    (kept.expect("built at least once"), s)
}

/// The double-array trie of `keys` (each key's index as its value), built with the builder
/// options `set` chooses.
fn built_with(keys: &[Vec<u8>], set: impl FnOnce(&mut DoubleArrayBuilder)) -> DoubleArray {
    let mut b = DoubleArrayBuilder::new();
    set(&mut b);
    for (i, k) in keys.iter().enumerate() {
        b.add(k, i as u64).unwrap();
    }
    b.finish().unwrap()
}

pub fn run(ctx: &Ctx, data: &Dataset<Vec<Vec<u8>>>) -> Section {
    let keys: Vec<Vec<u8>> = data
        .items
        .iter()
        .filter(|k| !k.contains(&0))
        .cloned()
        .collect();
    let n = keys.len();
    let per_key = |bytes: usize| Cell::Value(Sample::once(bytes as f64 / n as f64));
    let mut sec = Section::new(format!("Static lookup: {}", data.name));
    sec.about(format!(
        "{} distinct keys, {:.1} bytes per key on average. Ours: the double-array trie (a u64 value \
         per key), the same trie built without child links or laid out level by level, and the \
         minimal DAWG's saved form. \
         darts-clone, yada, crawdad and fst's Map store each key's index as its value; fst's Set \
         and our DAWG store the set (value 0).",
        n,
        keys.iter().map(Vec::len).sum::<usize>() as f64 / n as f64
    ));

    let (dat, dat_build) = build(ctx, || {
        DoubleArray::from_pairs(keys.iter().enumerate().map(|(i, k)| (&k[..], i as u64))).unwrap()
    });
    // The same trie without child links (a builder option): smaller, same lookups.
    let compact = built_with(&keys, |b| {
        b.child_links(false);
    });
    // The same trie laid out level by level (a builder option for faster fuzzy search).
    let level = built_with(&keys, |b| {
        b.layout(Layout::LevelOrder);
    });
    let level_name = if level.unit_count() <= Layout::level_order_max_units() {
        "double-array trie in level order"
    } else {
        "double-array trie in level order (too large: built depth first)"
    };
    let (darts, darts_build) = build(ctx, || Darts::build(&keys));
    let (yada, yada_build) = build(ctx, || {
        let set: Vec<(&[u8], u32)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (&k[..], i as u32))
            .collect();
        yada::DoubleArray::new(yada::builder::DoubleArrayBuilder::build(&set).unwrap()).unwrap()
    });
    let strs: Option<Vec<&str>> = keys.iter().map(|k| std::str::from_utf8(k).ok()).collect();
    let crawdad = strs
        .as_ref()
        .map(|s| build(ctx, || crawdad::Trie::from_keys(s).unwrap()));
    let (map, fst_build) = build(ctx, || {
        fst::Map::from_iter(keys.iter().enumerate().map(|(i, k)| (k, i as u64))).unwrap()
    });
    let (dawg, dawg_build) = build(ctx, || {
        let d = Dawg::from_pairs(keys.iter().map(|k| (k.clone(), 0)).collect()).unwrap();
        DawgFile::from_vec(d.to_file_bytes().unwrap()).unwrap()
    });
    let (set, set_build) = build(ctx, || fst::Set::from_iter(keys.iter()).unwrap());
    let ((hash, hash_bytes), hash_build) =
        build(ctx, || heap_of(|| indexed::<HashMap<_, _>>(&keys)));
    let ((btree, btree_bytes), btree_build) =
        build(ctx, || heap_of(|| indexed::<BTreeMap<_, _>>(&keys)));
    let no_utf8 = || Cell::Missing("keys are not all UTF-8".into());

    let ms = Unit::Ms;
    sec.compare(
        "build from sorted keys",
        ms,
        ("double-array trie", dat_build.into()),
        vec![
            ("darts-clone", darts_build.into()),
            ("yada", yada_build.into()),
            (
                "crawdad",
                crawdad.as_ref().map_or_else(no_utf8, |c| c.1.into()),
            ),
            ("fst Map", fst_build.into()),
            ("HashMap", hash_build.into()),
            ("BTreeMap", btree_build.into()),
        ],
    );
    sec.compare(
        "size",
        Unit::BytesPerKey,
        ("double-array trie", per_key(dat.size_bytes())),
        vec![
            ("darts-clone", per_key(darts.bytes())),
            ("yada", per_key(yada_bytes(&yada))),
            (
                "crawdad (heap)",
                crawdad
                    .as_ref()
                    .map_or_else(no_utf8, |c| per_key(c.0.heap_bytes())),
            ),
            ("fst Map", per_key(map.as_fst().as_bytes().len())),
            ("HashMap (heap, keys included)", per_key(hash_bytes)),
            ("BTreeMap (heap, keys included)", per_key(btree_bytes)),
        ],
    );
    sec.compare(
        "size",
        Unit::BytesPerKey,
        (
            "double-array trie without child links",
            per_key(compact.size_bytes()),
        ),
        vec![("darts-clone", per_key(darts.bytes()))],
    );
    sec.compare(
        "size",
        Unit::BytesPerKey,
        (level_name, per_key(level.size_bytes())),
        vec![("darts-clone", per_key(darts.bytes()))],
    );
    sec.compare(
        "build from sorted keys",
        ms,
        ("DAWG, to saved form", dawg_build.into()),
        vec![("fst Set", set_build.into())],
    );
    sec.compare(
        "size",
        Unit::BytesPerKey,
        ("DAWG saved form", per_key(dawg.size_bytes())),
        vec![("fst Set", per_key(set.as_fst().as_bytes().len()))],
    );

    // Queries: at most 500k keys in random order, and as many absent keys made by changing
    // one byte of a present one. Each query is its own copy, allocated in the order it is
    // asked (as a batch read from a log or a socket would be), so reading a query costs the
    // same for every contender and little. A query borrowed from the sorted key list sits
    // at a random heap address instead: every lookup first waits for that miss, which the
    // CPU cannot overlap with a lookup that is itself a chain of dependent loads. That case
    // has its own row below.
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut scattered: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
    rng.shuffle(&mut scattered);
    scattered.truncate(if ctx.quick { 20_000 } else { 500_000 });
    let pos: Vec<Vec<u8>> = scattered.iter().map(|k| k.to_vec()).collect();
    let neg: Vec<Vec<u8>> = pos
        .iter()
        .map(|k| {
            let mut m = k.to_vec();
            let i = rng.below(m.len());
            m[i] = m[i].wrapping_add(1 + rng.below(3) as u8).max(1);
            m
        })
        .filter(|m| keys.binary_search(m).is_err())
        .collect();
    sec.about(format!(
        "Lookups: {} present keys in random order, and {} absent keys (a present key with one \
         byte changed), each query a copy allocated in the order it is asked. The row \
         \"queries scattered\" asks the same present keys where the sorted key list holds \
         them, each at a random heap address.",
        pos.len(),
        neg.len()
    ));
    for (label, qs, found) in [
        (
            "positive lookup, random order",
            &pos.iter().map(|v| &v[..]).collect::<Vec<_>>()[..],
            true,
        ),
        (
            "negative lookup",
            &neg.iter().map(|v| &v[..]).collect::<Vec<_>>()[..],
            false,
        ),
    ] {
        // Our tries and darts-clone run in the same rounds, and so do the DAWG and fst's Set
        // (see `Reps::rounds`): these ratios are the headline ones.
        let tries = ctx.reps.rounds(&mut [
            &mut || lookup_run(qs, found, |q| dat.get(q).is_some()),
            &mut || lookup_run(qs, found, |q| darts.get(q).is_some()),
            &mut || lookup_run(qs, found, |q| compact.get(q).is_some()),
            &mut || lookup_run(qs, found, |q| level.get(q).is_some()),
        ]);
        let ours = figure(&tries[0], 0);
        let crawdad_cell = crawdad.as_ref().map_or_else(no_utf8, |c| {
            // crawdad takes chars: only valid UTF-8 queries can be asked; a negative query
            // made invalid by the byte change is absent by definition and skipped.
            let qs: Vec<&str> = qs
                .iter()
                .filter_map(|q| std::str::from_utf8(q).ok())
                .collect();
            lookups(ctx, &qs, found, |q| {
                c.0.exact_match(std::str::from_utf8(q).unwrap().chars())
                    .is_some()
            })
            .into()
        });
        let darts_row = |sec: &mut Section, name: &str, i: usize| {
            sec.compare_in_rounds(label, Unit::Ns, &tries, (name, i), ("darts-clone", 1))
        };
        darts_row(&mut sec, "double-array trie", 0);
        sec.compare(
            label,
            Unit::Ns,
            ("double-array trie", ours.into()),
            vec![
                (
                    "yada",
                    lookups(ctx, qs, found, |q| yada.exact_match_search(q).is_some()).into(),
                ),
                ("crawdad", crawdad_cell),
                (
                    "fst Map",
                    lookups(ctx, qs, found, |q| map.get(q).is_some()).into(),
                ),
                (
                    "HashMap",
                    lookups(ctx, qs, found, |q| hash.contains_key(q)).into(),
                ),
                (
                    "BTreeMap",
                    lookups(ctx, qs, found, |q| btree.contains_key(q)).into(),
                ),
            ],
        );
        darts_row(&mut sec, "double-array trie without child links", 2);
        darts_row(&mut sec, level_name, 3);
        let sets = ctx.reps.rounds(&mut [
            &mut || lookup_run(qs, found, |q| dawg.contains(q)),
            &mut || lookup_run(qs, found, |q| set.contains(q)),
        ]);
        sec.compare_in_rounds(
            label,
            Unit::Ns,
            &sets,
            ("DAWG saved form", 0),
            ("fst Set", 1),
        );
    }

    scattered_lookups(ctx, &mut sec, &scattered, &dat, &darts, &dawg, &set);
    prefix_listing(ctx, &mut sec, &keys, [&dat, &compact], &dawg, &map, &btree);
    sec
}

/// The headline pairs (our trie and darts-clone, our DAWG and fst's Set) on present keys
/// read where the sorted key list holds them: each query's first byte is a miss at a random
/// heap address before the lookup can start.
fn scattered_lookups(
    ctx: &Ctx,
    sec: &mut Section,
    qs: &[&[u8]],
    dat: &DoubleArray,
    darts: &Darts,
    dawg: &DawgFile,
    set: &fst::Set<Vec<u8>>,
) {
    let label = "positive lookup, random order, queries scattered";
    let rounds = ctx.reps.rounds(&mut [
        &mut || lookup_run(qs, true, |q| dat.get(q).is_some()),
        &mut || lookup_run(qs, true, |q| darts.get(q).is_some()),
        &mut || lookup_run(qs, true, |q| dawg.contains(q)),
        &mut || lookup_run(qs, true, |q| set.contains(q)),
    ]);
    sec.compare_in_rounds(
        label,
        Unit::Ns,
        &rounds,
        ("double-array trie", 0),
        ("darts-clone", 1),
    );
    sec.compare_in_rounds(
        label,
        Unit::Ns,
        &rounds,
        ("DAWG saved form", 2),
        ("fst Set", 3),
    );
}

/// Streams every term of a prefix walk (touching each) and counts them.
fn listed<N: dictenstein::Node>(mut w: dictenstein::PrefixWalk<N>) -> usize {
    let mut n = 0;
    while let Some((k, _)) = w.next_entry() {
        black_box(k);
        n += 1;
    }
    n
}

fn yada_bytes(y: &yada::DoubleArray<Vec<u8>>) -> usize {
    y.0.len()
}

/// Listing every key under short prefixes taken from random keys, in byte order.
fn prefix_listing(
    ctx: &Ctx,
    sec: &mut Section,
    keys: &[Vec<u8>],
    [dat, compact]: [&DoubleArray; 2],
    dawg: &DawgFile,
    map: &fst::Map<Vec<u8>>,
    btree: &BTreeMap<Vec<u8>, u64>,
) {
    let mut rng = Rng(77);
    let len = if keys.iter().map(Vec::len).sum::<usize>() / keys.len() > 12 {
        5
    } else {
        3
    };
    let prefixes: Vec<Vec<u8>> = (0..if ctx.quick { 200 } else { 1_000 })
        .map(|_| {
            let k = &keys[rng.below(keys.len())];
            k[..k.len().min(len)].to_vec()
        })
        .collect();
    let expected: usize = prefixes
        .iter()
        .map(|p| {
            let lo = keys.partition_point(|k| k.as_slice() < p.as_slice());
            keys[lo..].iter().take_while(|k| k.starts_with(p)).count()
        })
        .sum();
    let time = |f: &dyn Fn(&[u8]) -> usize| {
        ctx.reps.sample(|| {
            let t = Instant::now();
            let listed: usize = prefixes.iter().map(|p| f(black_box(p))).sum();
            let us = ns_per(t, prefixes.len()) / 1e3;
            assert_eq!(listed, expected, "a prefix listing returned the wrong keys");
            us
        })
    };
    let ours = time(&|p| listed(dat.prefix_walk(p)));
    let ours_compact = time(&|p| listed(compact.prefix_walk(p)));
    let ours_dawg = time(&|p| listed(dawg.prefix_walk(p)));
    let fst_t = time(&|p| {
        let b = map.range().ge(p);
        let mut s = match successor(p) {
            Some(hi) => b.lt(hi).into_stream(),
            None => b.into_stream(),
        };
        let mut n = 0;
        while let Some((k, _)) = s.next() {
            black_box(k);
            n += 1;
        }
        n
    });
    let btree_t = time(&|p| {
        btree
            .range::<[u8], _>((std::ops::Bound::Included(p), std::ops::Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(p))
            .count()
    });
    let label = format!(
        "list keys under a {len}-byte prefix ({:.0} keys per prefix)",
        expected as f64 / prefixes.len() as f64
    );
    let none = || Cell::Missing("no ordered listing".into());
    sec.compare(
        &label,
        Unit::Us,
        ("double-array trie", ours.into()),
        vec![
            ("fst Map", fst_t.into()),
            ("BTreeMap", btree_t.into()),
            ("darts-clone", none()),
            ("yada", none()),
            ("crawdad", none()),
        ],
    );
    sec.compare(
        &label,
        Unit::Us,
        ("double-array trie without child links", ours_compact.into()),
        vec![("fst Map", fst_t.into())],
    );
    sec.compare(
        &label,
        Unit::Us,
        ("DAWG saved form", ours_dawg.into()),
        vec![("fst Map", fst_t.into())],
    );
}

#[cfg(test)]
mod tests {
    use super::successor;

    #[test]
    fn successor_bounds_a_prefix() {
        assert_eq!(successor(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(successor(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(successor(b"\xff\xff"), None);
    }
}
