//! Mutable index: our adaptive radix trie against std's HashMap and BTreeMap and the congee
//! crate (an ART for 8-byte keys): insert, get and remove in random order, on byte-string
//! keys and on random u64 keys.

use crate::data::Dataset;
use crate::measure::{ns_per, Rng, Sample};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::Art;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::time::Instant;

/// The three operations, each a median of ns per operation. Every run starts from an empty
/// structure, inserts all keys, looks them all up in another order, removes them all.
struct Ops {
    insert: Sample,
    get: Sample,
    remove: Sample,
}

/// `make` returns a fresh structure; `ins` (true if the key was new), `get` and `del` act on
/// one key (by index).
fn measure<S>(
    ctx: &Ctx,
    n: usize,
    order: &[usize],
    make: impl Fn() -> S,
    ins: impl Fn(&mut S, usize) -> bool,
    get: impl Fn(&S, usize) -> bool,
    del: impl Fn(&mut S, usize) -> bool,
) -> Ops {
    let (mut gets, mut dels) = (Vec::new(), Vec::new());
    let insert = ctx.reps.sample(|| {
        let mut s = make();
        let t = Instant::now();
        let fresh = (0..n).filter(|&i| ins(&mut s, i)).count();
        let r = ns_per(t, n);
        assert_eq!(fresh, n, "an insert of a new key found one already there");
        let t = Instant::now();
        let found = order.iter().filter(|&&i| get(black_box(&s), i)).count();
        gets.push(ns_per(t, n));
        assert_eq!(found, n, "a key went missing");
        let t = Instant::now();
        let removed = order.iter().filter(|&&i| del(&mut s, i)).count();
        dels.push(ns_per(t, n));
        assert_eq!(removed, n, "a remove missed");
        r
    });
    // Warm-up runs pushed figures too: keep those of the measured runs only.
    let of = |mut v: Vec<f64>| Sample::of(v.split_off(v.len() - insert.runs));
    Ops {
        insert,
        get: of(gets),
        remove: of(dels),
    }
}

fn rows(sec: &mut Section, what: &str, ours: Ops, anchors: Vec<(&str, Option<Ops>)>) {
    type Pick = fn(&Ops) -> Sample;
    let picks: [(&str, Pick); 3] = [
        ("insert", |o| o.insert),
        ("get, random order", |o| o.get),
        ("remove, random order", |o| o.remove),
    ];
    for (op, pick) in picks {
        sec.compare(
            &format!("{op}, {what}"),
            Unit::Ns,
            ("adaptive radix trie", pick(&ours).into()),
            anchors
                .iter()
                .map(|(name, o)| {
                    (
                        *name,
                        o.as_ref().map_or_else(
                            || Cell::Missing("8-byte keys only".into()),
                            |o| pick(o).into(),
                        ),
                    )
                })
                .collect(),
        );
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
    let art = measure(
        ctx,
        n,
        &order,
        Art::new,
        |a, i| a.upsert(k(i), i as u64).unwrap().is_none(),
        |a, i| a.get(kk(i)).is_some(),
        |a, i| a.remove(kk(i)).unwrap().is_some(),
    );
    let hash = measure(
        ctx,
        n,
        &order,
        HashMap::new,
        |m, i| m.insert(k(i).to_vec(), i as u64).is_none(),
        |m, i| m.contains_key(kk(i)),
        |m, i| m.remove(kk(i)).is_some(),
    );
    let btree = measure(
        ctx,
        n,
        &order,
        BTreeMap::new,
        |m, i| m.insert(k(i).to_vec(), i as u64).is_none(),
        |m, i| m.contains_key(kk(i)),
        |m, i| m.remove(kk(i)).is_some(),
    );
    rows(
        &mut sec,
        &format!("{n} {} ({})", words.name, "byte strings"),
        art,
        vec![
            ("HashMap", Some(hash)),
            ("BTreeMap", Some(btree)),
            ("congee", None),
        ],
    );

    let n = if ctx.quick { 100_000 } else { 4_000_000 };
    let mut rng = Rng(11);
    let keys: Vec<u64> = (0..n).map(|_| rng.next()).collect();
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let k = |i: usize| keys[i];
    let art = measure(
        ctx,
        n,
        &order,
        Art::new,
        |a, i| a.upsert(&k(i).to_be_bytes(), i as u64).unwrap().is_none(),
        |a, i| a.get(&k(i).to_be_bytes()).is_some(),
        |a, i| a.remove(&k(i).to_be_bytes()).unwrap().is_some(),
    );
    let hash = measure(
        ctx,
        n,
        &order,
        HashMap::new,
        |m, i| m.insert(k(i), i as u64).is_none(),
        |m, i| m.contains_key(&k(i)),
        |m, i| m.remove(&k(i)).is_some(),
    );
    let btree = measure(
        ctx,
        n,
        &order,
        BTreeMap::new,
        |m, i| m.insert(k(i), i as u64).is_none(),
        |m, i| m.contains_key(&k(i)),
        |m, i| m.remove(&k(i)).is_some(),
    );
    let congee = measure(
        ctx,
        n,
        &order,
        congee::U64Congee::<usize>::new,
        |c, i| {
            c.insert(k(i), i, &crossbeam_epoch::pin())
                .unwrap()
                .is_none()
        },
        |c, i| c.get(k(i), &crossbeam_epoch::pin()).is_some(),
        |c, i| c.remove(k(i), &crossbeam_epoch::pin()).is_some(),
    );
    rows(
        &mut sec,
        &format!("{n} random u64 keys"),
        art,
        vec![
            ("HashMap", Some(hash)),
            ("BTreeMap", Some(btree)),
            ("congee", Some(congee)),
        ],
    );
    sec.about(
        "Each run inserts every key into an empty structure (one random order), then gets and \
         removes every key (another random order). The ART stores u64 keys as 8 big-endian \
         bytes; congee takes only 8-byte keys. Ours and congee are safe to share between \
         threads (readers never block); HashMap and BTreeMap are single-threaded.",
    );
    sec
}
