//! Mutable index: our adaptive radix trie against std's HashMap and BTreeMap and the congee
//! crate (an ART for 8-byte keys): insert, get and remove in random order, on byte-string
//! keys and on random u64 keys.

use crate::data::Dataset;
use crate::measure::{figure, ns_per, ratios, Rng};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::Art;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::Instant;

/// One run of one structure: `make` returns an empty one, `ins` inserts key `i` with value
/// `i` (true if it was new), `get` (its value) and `del` act on one key (by index). Inserts
/// all `n` keys, gets them all in `order`, gets them all again with each lookup waiting for
/// the one before ([`chained_gets`]), removes them all in `order`; returns ns per insert,
/// get, chained get and remove.
fn one_run<S>(
    n: usize,
    order: &[usize],
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
    let found = order
        .iter()
        .filter(|&&i| get(black_box(&s), i).is_some())
        .count();
    let got = ns_per(t, n);
    assert_eq!(found, n, "a key went missing");
    let chained = chained_gets(&s, order, &get);
    let t = Instant::now();
    let removed = order.iter().filter(|&&i| del(&mut s, i)).count();
    let gone = ns_per(t, n);
    assert_eq!(removed, n, "a remove missed");
    [insert, got, chained, gone]
}

/// ns per get when each lookup's key depends on the result of the one before, as when a
/// program follows links stored as values: nothing of one lookup can overlap the next, so
/// this is the latency of a get, where the plain loop measures throughput (a CPU runs
/// several independent lookups at once, and does so better the shorter each one is).
fn chained_gets<S>(s: &S, order: &[usize], get: &impl Fn(&S, usize) -> Option<u64>) -> f64 {
    let n = order.len();
    let t = Instant::now();
    let (mut at, mut found) = (0, 0);
    for _ in 0..n {
        let value = get(black_box(s), order[at]);
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
/// no trait), inserting the owned key `$key(i)` and looking up and removing by `$look(i)`.
macro_rules! std_map_run {
    ($map:ident, $n:expr, $order:expr, $key:expr, $look:expr) => {
        one_run(
            $n,
            $order,
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
    // Insert in one random order, get and remove in another.
    let ins_order = order.clone();
    rng.shuffle(&mut order);
    let k = |i: usize| &keys[ins_order[i]][..];
    let kk = |i: usize| &keys[i][..];
    // Every structure runs once per round, so their ratios compare runs on the same
    // machine conditions (see `Reps::rounds`).
    let rounds = ctx.reps.rounds(&mut [
        &mut || {
            one_run(
                n,
                &order,
                Art::new,
                |a, i| a.upsert(k(i), i as u64).unwrap().is_none(),
                |a, i| a.get(kk(i)),
                |a, i| a.remove(kk(i)).unwrap().is_some(),
            )
        },
        &mut || std_map_run!(HashMap, n, &order, |i| k(i).to_vec(), kk),
        &mut || std_map_run!(BTreeMap, n, &order, |i| k(i).to_vec(), kk),
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
    let keys: Vec<u64> = (0..n).map(|_| rng.next()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let k = |i: usize| keys[i];
    let rounds = ctx.reps.rounds(&mut [
        &mut || {
            one_run(
                n,
                &order,
                Art::new,
                |a, i| a.upsert(&k(i).to_be_bytes(), i as u64).unwrap().is_none(),
                |a, i| a.get(&k(i).to_be_bytes()),
                |a, i| a.remove(&k(i).to_be_bytes()).unwrap().is_some(),
            )
        },
        &mut || std_map_run!(HashMap, n, &order, k, |i: usize| &keys[i]),
        &mut || std_map_run!(BTreeMap, n, &order, k, |i: usize| &keys[i]),
        &mut || {
            one_run(
                n,
                &order,
                congee::U64Congee::<usize>::new,
                |c, i| {
                    c.insert(k(i), i, &crossbeam_epoch::pin())
                        .unwrap()
                        .is_none()
                },
                |c, i| c.get(k(i), &crossbeam_epoch::pin()).map(|v| v as u64),
                |c, i| c.remove(k(i), &crossbeam_epoch::pin()).is_some(),
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
         removes every key (another random order). Between them it gets every key again with \
         each lookup's key computed from the result of the one before, so no two overlap: \
         the latency of one get, where the plain gets measure how many a core finishes per \
         second with several in flight. The ART stores u64 keys as 8 big-endian \
         bytes; congee takes only 8-byte keys. Ours and congee are safe to share between \
         threads (readers never block); HashMap and BTreeMap are single-threaded.",
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
        let order = [3, 0, 4, 1, 2];
        let seen = RefCell::new(Vec::new());
        chained_gets(&(), &order, &|_: &(), i| {
            seen.borrow_mut().push(i);
            Some(i as u64)
        });
        assert_eq!(seen.into_inner(), order);
    }
}
