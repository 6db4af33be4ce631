//! Mutable index: our adaptive radix trie against std's HashMap and BTreeMap and the congee
//! crate (an ART for 8-byte keys): insert, get and remove in random order, on byte-string
//! keys and on random u64 keys.

use crate::data::Dataset;
use crate::measure::{figure, heap_of, indexed, ns_per, ratios, Rng, Sample};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::Art;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::Instant;

/// One run of one structure: `make` returns an empty one, `ins` inserts the `i`-th key of
/// the insert order with value `i` (true if it was new), `get` (its value) and `del` act on
/// the `j`-th key of the lookup order. Inserts all `n` keys, gets them all, gets them all
/// again with each lookup waiting for the one before ([`chained_gets`]), removes them all;
/// returns ns per insert, get, chained get and remove.
///
/// Callers keep each order's keys in a list of their own, in that order (as a batch read
/// from a log or a socket would be): a key looked up through an index into the one key list
/// sits at a random address, and each operation would first wait for that miss, which the
/// CPU overlaps with a short operation but not with a long chain of dependent loads.
fn one_run<S>(
    n: usize,
    make: impl Fn() -> S,
    ins: impl Fn(&mut S, usize) -> bool,
    get: impl Fn(&S, usize) -> Option<u64>,
    del: impl Fn(&mut S, usize) -> bool,
) -> [f64; 4] {
    let mut s = make();
    let t = Instant::now();
    let fresh = (0..n).filter(|&i| ins(&mut s, i)).count();
    let insert = ns_per(t, n);
    assert_eq!(fresh, n, "an insert of a new key found one already there");
    let t = Instant::now();
    let found = (0..n).filter(|&j| get(black_box(&s), j).is_some()).count();
    let got = ns_per(t, n);
    assert_eq!(found, n, "a key went missing");
    let chained = chained_gets(&s, n, &get);
    let t = Instant::now();
    let removed = (0..n).filter(|&j| del(&mut s, j)).count();
    let gone = ns_per(t, n);
    assert_eq!(removed, n, "a remove missed");
    [insert, got, chained, gone]
}

/// ns per get when each lookup's key depends on the result of the one before, as when a
/// program follows links stored as values: nothing of one lookup can overlap the next, so
/// this is the latency of a get, where the plain loop measures throughput (a CPU runs
/// several independent lookups at once, and does so better the shorter each one is).
fn chained_gets<S>(s: &S, n: usize, get: &impl Fn(&S, usize) -> Option<u64>) -> f64 {
    let t = Instant::now();
    let (mut at, mut found) = (0, 0);
    for _ in 0..n {
        let value = get(black_box(s), at);
        found += usize::from(value.is_some());
        // The next index is computed from the bits of the value read (its top bit is 0, a
        // fact the compiler cannot know), so its load waits for this lookup's last load. A
        // step computed from whether the key was found would not do: the compiler makes
        // that a branch, which the CPU predicts and runs past (measured: HashMap's chained
        // gets then took the time of its independent ones).
        let top = value.unwrap_or(0) >> 63;
        at += 1 + top as usize;
        if at >= n {
            at -= n;
        }
    }
    let ns = ns_per(t, n);
    assert_eq!(found, n, "a key went missing");
    ns
}

/// [`one_run`] of a std map type (`HashMap` or `BTreeMap`, which share their method names but
/// no trait), inserting the owned key `$key(i)` and looking up and removing by `$look(j)`.
macro_rules! std_map_run {
    ($map:ident, $n:expr, $key:expr, $look:expr) => {
        one_run(
            $n,
            $map::new,
            |m, i| m.insert($key(i), i as u64).is_none(),
            |m, i| m.get($look(i)).copied(),
            |m, i| m.remove($look(i)).is_some(),
        )
    };
}

/// Rows for the three operations: ours (contender 0 of `rounds`) against each anchor, which
/// is a contender of the same rounds or has no figure (`None`: it cannot take these keys).
fn rows(
    sec: &mut Section,
    what: &str,
    rounds: &[Vec<[f64; 4]>],
    anchors: &[(&str, Option<usize>)],
) {
    let ops = [
        "insert",
        "get, random order",
        "get, each key depending on the get before (latency)",
        "remove, random order",
    ];
    for (op_index, op) in ops.iter().enumerate() {
        let measure = format!("{op}, {what}");
        let ours = figure(&rounds[0], op_index);
        for &(name, anchor) in anchors {
            match anchor {
                Some(a) => sec.compare_paired(
                    &measure,
                    Unit::Ns,
                    ("adaptive radix trie", ours),
                    (name, figure(&rounds[a], op_index)),
                    ratios(&rounds[0], &rounds[a], op_index),
                ),
                None => sec.compare(
                    &measure,
                    Unit::Ns,
                    ("adaptive radix trie", ours.into()),
                    vec![(name, Cell::Missing("8-byte keys only".into()))],
                ),
            }
        }
    }
}

pub fn run(ctx: &Ctx, words: &Dataset<Vec<Vec<u8>>>) -> Section {
    let mut sec = Section::new("Mutable index: insert, get, remove");
    let keys = &words.items;
    let n = keys.len();
    let mut rng = Rng(7);
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    // Insert in one random order, get and remove in another; each order's keys are copies
    // kept in that order (see `one_run`).
    let inserts: Vec<Vec<u8>> = order.iter().map(|&i| keys[i].clone()).collect();
    rng.shuffle(&mut order);
    let lookups: Vec<Vec<u8>> = order.iter().map(|&i| keys[i].clone()).collect();
    let k = |i: usize| &inserts[i][..];
    let kk = |j: usize| &lookups[j][..];
    // What each keeps once every word is in: heap bytes per key, keys included. Measured
    // before the timed runs, whose removals leave retired ART nodes for the epoch collector
    // to free later: freed during this build, they would be subtracted from it.
    let per_key = |bytes: usize| Cell::Value(Sample::once(bytes as f64 / n as f64));
    let art_heap = heap_of(|| {
        let a = Art::new();
        for (i, k) in keys.iter().enumerate() {
            a.upsert(k, i as u64).unwrap();
        }
        a
    })
    .1;
    let hash_heap = heap_of(|| indexed::<HashMap<_, _>>(keys)).1;
    let btree_heap = heap_of(|| indexed::<BTreeMap<_, _>>(keys)).1;
    sec.compare(
        &format!("heap with every key in, keys included, {n} {}", words.name),
        Unit::BytesPerKey,
        ("adaptive radix trie", per_key(art_heap)),
        vec![
            ("HashMap", per_key(hash_heap)),
            ("BTreeMap", per_key(btree_heap)),
        ],
    );
    // Every structure runs once per round, so their ratios compare runs on the same
    // machine conditions (see `Reps::rounds`).
    let rounds = ctx.reps.rounds(&mut [
        &mut || {
            one_run(
                n,
                Art::new,
                |a, i| a.upsert(k(i), i as u64).unwrap().is_none(),
                |a, j| a.get(kk(j)),
                |a, j| a.remove(kk(j)).unwrap().is_some(),
            )
        },
        &mut || std_map_run!(HashMap, n, |i| k(i).to_vec(), kk),
        &mut || std_map_run!(BTreeMap, n, |i| k(i).to_vec(), kk),
    ]);
    rows(
        &mut sec,
        &format!("{n} {} ({})", words.name, "byte strings"),
        &rounds,
        &[
            ("HashMap", Some(1)),
            ("BTreeMap", Some(2)),
            ("congee", None),
        ],
    );

    let n = if ctx.quick { 100_000 } else { 4_000_000 };
    let mut rng = Rng(11);
    // Inserted in generation order (already random), looked up and removed in a shuffled
    // order kept as its own list (see `one_run`).
    let keys: Vec<u64> = (0..n).map(|_| rng.next()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let lookups: Vec<u64> = order.iter().map(|&i| keys[i]).collect();
    let k = |i: usize| keys[i];
    let kk = |j: usize| lookups[j];
    let rounds = ctx.reps.rounds(&mut [
        &mut || {
            one_run(
                n,
                Art::new,
                |a, i| a.upsert(&k(i).to_be_bytes(), i as u64).unwrap().is_none(),
                |a, j| a.get(&kk(j).to_be_bytes()),
                |a, j| a.remove(&kk(j).to_be_bytes()).unwrap().is_some(),
            )
        },
        &mut || std_map_run!(HashMap, n, k, |j: usize| &lookups[j]),
        &mut || std_map_run!(BTreeMap, n, k, |j: usize| &lookups[j]),
        &mut || {
            one_run(
                n,
                congee::U64Congee::<usize>::new,
                |c, i| {
                    c.insert(k(i), i, &crossbeam_epoch::pin())
                        .unwrap()
                        .is_none()
                },
                |c, j| c.get(kk(j), &crossbeam_epoch::pin()).map(|v| v as u64),
                |c, j| c.remove(kk(j), &crossbeam_epoch::pin()).is_some(),
            )
        },
    ]);
    rows(
        &mut sec,
        &format!("{n} random u64 keys"),
        &rounds,
        &[
            ("HashMap", Some(1)),
            ("BTreeMap", Some(2)),
            ("congee", Some(3)),
        ],
    );
    sec.about(
        "Each run inserts every key into an empty structure (one random order), then gets and \
         removes every key (another random order); each order's keys are copies kept in that \
         order, so reading the next key is cheap for every contender. Between them it gets \
         every key again with each lookup's key computed from the result of the one before, \
         so no two overlap: the latency of one get, where the plain gets measure how many a \
         core finishes per second with several in flight. The ART stores u64 keys as 8 \
         big-endian bytes; congee takes only 8-byte keys. Ours and congee are safe to share between \
         threads (readers never block); HashMap and BTreeMap are single-threaded. The heap \
         row counts what each structure asked of the allocator once every word is in, keys \
         included: the ART's node pool grows in chunks that double up to 32 MiB, and the \
         unused end of its newest chunks (reserved, never touched) is part of its figure.",
    );
    sec
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    /// The chained loop looks up every key of the order exactly once, in that order (its
    /// next index is computed from each hit, so a slip there would skip or repeat keys).
    #[test]
    fn chained_gets_visit_every_key_once_in_order() {
        let seen = RefCell::new(Vec::new());
        chained_gets(&(), 5, &|_: &(), j| {
            seen.borrow_mut().push(j);
            Some(j as u64 * 3)
        });
        assert_eq!(seen.into_inner(), [0, 1, 2, 3, 4]);
    }
}
