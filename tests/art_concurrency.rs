//! Concurrency stress for the adaptive radix trie: writers, point readers and range scanners
//! at once. Checks that
//! - no reader ever sees a value that was not written for that key (values carry a tag derived
//!   from their key, so a torn node or a misrouted lookup shows up as a wrong tag);
//! - per key, a reader never sees an older write after a newer one (each writer owns its keys
//!   and writes increasing counters);
//! - keys nobody touches are found by every lookup and every scan, in order, exactly once;
//! - the final state equals a model replayed from each writer's deterministic operations.

use dictenstein::Art;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const WRITERS: u64 = 4;
const KEYS_PER_WRITER: u64 = 600;
const ROUNDS: u64 = 150;

fn tag(key: &[u8]) -> u64 {
    (crc32fast::hash(key) as u64) << 32
}

fn writer_key(w: u64, i: u64) -> Vec<u8> {
    // Shared prefixes across writers force node growth, splits and merges in shared nodes.
    format!("k{}{}/{}", i % 7, w, i).into_bytes()
}

fn stable_key(i: u64) -> Vec<u8> {
    format!("k{}s{}", i % 7, i).into_bytes()
}

/// Writer `w`'s operations in round `r` on its key `i`: Some(counter) to upsert, None to remove.
fn planned(w: u64, r: u64, i: u64) -> Option<u64> {
    let h = (w * 31 + r * 17 + i * 13) % 5;
    (h != 0).then_some(r * KEYS_PER_WRITER + i + 1)
}

#[test]
fn readers_writers_and_scanners_at_once() {
    let art = Arc::new(Art::new());
    for i in 0..500 {
        let k = stable_key(i);
        art.upsert(&k, tag(&k) | 7).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::new();
    for t in 0..3u64 {
        let (art, stop) = (art.clone(), stop.clone());
        readers.push(std::thread::spawn(move || {
            let mut last_seen = vec![0u64; (WRITERS * KEYS_PER_WRITER) as usize];
            let mut lookups = 0u64;
            while !stop.load(Ordering::Relaxed) {
                for w in 0..WRITERS {
                    for i in (t..KEYS_PER_WRITER).step_by(3) {
                        let k = writer_key(w, i);
                        if let Some(v) = art.get(&k) {
                            assert_eq!(v & !0xFFFF_FFFF, tag(&k), "foreign value for {k:?}");
                            let counter = v & 0xFFFF_FFFF;
                            let slot = &mut last_seen[(w * KEYS_PER_WRITER + i) as usize];
                            assert!(counter >= *slot, "{k:?} went back from {slot} to {counter}");
                            *slot = counter;
                        }
                        lookups += 1;
                    }
                }
                for i in (0..500).step_by(7) {
                    let k = stable_key(i);
                    assert_eq!(art.get(&k), Some(tag(&k) | 7), "stable key {k:?} missing");
                }
            }
            lookups
        }));
    }
    for _ in 0..2 {
        let (art, stop) = (art.clone(), stop.clone());
        readers.push(std::thread::spawn(move || {
            let mut scans = 0;
            while !stop.load(Ordering::Relaxed) {
                let mut stable_seen = 0;
                let mut prev: Option<Vec<u8>> = None;
                for (k, v) in art.range(Bound::Included(b"k3"), Bound::Excluded(b"k6")) {
                    assert!(
                        prev.as_ref().is_none_or(|p| *p < k),
                        "scan out of order at {k:?}"
                    );
                    assert_eq!(v & !0xFFFF_FFFF, tag(&k), "foreign value in scan for {k:?}");
                    if k.contains(&b's') {
                        stable_seen += 1;
                    }
                    prev = Some(k);
                }
                let expected = (0..500).filter(|i| (3..6).contains(&(i % 7))).count();
                assert_eq!(
                    stable_seen, expected,
                    "a scan missed or repeated stable keys"
                );
                scans += 1;
            }
            scans
        }));
    }
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let art = art.clone();
            std::thread::spawn(move || {
                for r in 0..ROUNDS {
                    for i in 0..KEYS_PER_WRITER {
                        let k = writer_key(w, i);
                        match planned(w, r, i) {
                            Some(c) => {
                                art.upsert(&k, tag(&k) | c).unwrap();
                            }
                            None => {
                                art.remove(&k).unwrap();
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() > 0, "every reader made progress");
    }

    let mut model = BTreeMap::new();
    for i in 0..500 {
        let k = stable_key(i);
        model.insert(k.clone(), tag(&k) | 7);
    }
    for w in 0..WRITERS {
        for i in 0..KEYS_PER_WRITER {
            let k = writer_key(w, i);
            if let Some(c) = planned(w, ROUNDS - 1, i) {
                model.insert(k.clone(), tag(&k) | c);
            }
        }
    }
    let got: Vec<(Vec<u8>, u64)> = art.range(Bound::Unbounded, Bound::Unbounded).collect();
    let expected: Vec<(Vec<u8>, u64)> = model.into_iter().collect();
    assert_eq!(art.len(), expected.len());
    assert_eq!(got, expected);
}
