//! The durable store against a `BTreeMap` model, plus recovery, faults and corruption.

use dictenstein::store::fault::FaultVfs;
use dictenstein::store::{Durability, Op, Options, Store};
use dictenstein::Error;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

fn opts(d: Durability) -> Options {
    Options {
        durability: d,
        checkpoint_interval: None,
        ..Options::default()
    }
}

const POLICIES: [Durability; 4] = [
    Durability::Immediate,
    Durability::GroupCommit {
        window: Duration::from_micros(50),
    },
    Durability::Periodic {
        interval: Duration::from_millis(5),
    },
    Durability::None,
];

/// A store over a fault-injecting storage, and that storage.
fn open_faulty(dir: &Path, d: Durability) -> (Store, FaultVfs) {
    let vfs = FaultVfs::new();
    let mut o = opts(d);
    o.vfs = Arc::new(vfs.clone());
    // The fault model keeps file contents in memory: small steps keep it cheap, and make
    // segments grow many times, which exercises the extension path too.
    o.wal_preallocate = 8192;
    (Store::open(dir, o).unwrap(), vfs)
}

fn contents(s: &Store) -> BTreeMap<Vec<u8>, Vec<u8>> {
    s.snapshot()
        .range(Bound::Unbounded, Bound::Unbounded)
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn every_policy_accepts_writes_and_keeps_them_across_reopen() {
    for d in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path(), opts(d)).unwrap();
        s.put(b"a", b"1").unwrap();
        s.put(b"b", b"2").unwrap();
        s.put(b"", b"empty key").unwrap();
        s.remove(b"a").unwrap();
        s.remove(b"zz").unwrap();
        assert_eq!(s.increment(b"n", 5).unwrap(), 5);
        assert_eq!(s.increment(b"n", 2).unwrap(), 7);
        assert!(matches!(
            s.increment(b"b", 1),
            Err(Error::InvalidArgument { .. })
        ));
        s.write_batch(vec![
            Op::Put(b"c".to_vec(), b"3".to_vec()),
            Op::Put(b"c".to_vec(), b"4".to_vec()),
            Op::Remove(b"b".to_vec()),
        ])
        .unwrap();
        assert_eq!(s.get(b"a").unwrap(), None);
        assert_eq!(s.get(b"c").unwrap(), Some(b"4".to_vec()));
        assert_eq!(s.get(b"").unwrap(), Some(b"empty key".to_vec()));
        assert_eq!(s.len(), 3, "{d:?}");
        let before = contents(&s);
        // The refused increment took no LSN.
        assert_eq!(s.current_lsn(), 8);
        s.close().unwrap();
        let s = Store::open(dir.path(), opts(d)).unwrap();
        assert_eq!(contents(&s), before, "{d:?}");
        assert_eq!(s.len(), 3);
        assert_eq!(s.stats().replayed_records, 8);
        assert_eq!(s.current_lsn(), 8);
        assert_eq!(s.synced_lsn(), 8);
    }
}

#[test]
fn bad_arguments_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(Durability::None);
    o.max_key_len = 4;
    o.max_value_len = 4;
    let s = Store::open(dir.path(), o.clone()).unwrap();
    assert!(matches!(
        s.put(b"12345", b"v"),
        Err(Error::TermTooLong { .. })
    ));
    assert!(matches!(
        s.put(b"k", b"12345"),
        Err(Error::InvalidArgument { .. })
    ));
    let long_in_batch = vec![
        Op::Put(b"ok".to_vec(), b"v".to_vec()),
        Op::Remove(b"toolong".to_vec()),
    ];
    assert!(s.write_batch(long_in_batch).is_err());
    assert_eq!(s.get(b"ok").unwrap(), None);
    s.put(b"max", &u64::MAX.to_le_bytes()[..4]).unwrap();
    s.write_batch(vec![Op::Put(
        b"max".to_vec(),
        u64::MAX.to_le_bytes().to_vec(),
    )])
    .unwrap_err();
    assert_eq!(s.current_lsn(), 1);
    drop(s);
    let mut bad = o.clone();
    bad.max_key_len = 0;
    assert!(Store::open(dir.path(), bad).is_err());
    let mut bad = o.clone();
    bad.durability = Durability::Periodic {
        interval: Duration::ZERO,
    };
    assert!(Store::open(dir.path(), bad).is_err());
    let mut bad = o.clone();
    bad.commit_spin = dictenstein::store::MAX_COMMIT_SPIN + Duration::from_nanos(1);
    assert!(matches!(
        Store::open(dir.path(), bad),
        Err(Error::InvalidArgument { .. })
    ));
    let mut no_create = o;
    no_create.create = false;
    let missing = dir.path().join("missing");
    assert!(matches!(
        Store::open(&missing, no_create),
        Err(Error::Io { .. })
    ));
}

#[test]
fn increments_overflow_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    assert_eq!(s.increment(b"c", u64::MAX).unwrap(), u64::MAX);
    assert!(matches!(
        s.increment(b"c", 1),
        Err(Error::InvalidArgument { .. })
    ));
    assert_eq!(s.get(b"c").unwrap(), Some(u64::MAX.to_le_bytes().to_vec()));
}

#[test]
fn a_second_open_is_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    let e = Store::open(dir.path(), opts(Durability::None)).unwrap_err();
    assert!(matches!(e, Error::Locked { .. }), "{e}");
    assert!(e.to_string().contains("dictenstein.lock"));
    drop(s);
    Store::open(dir.path(), opts(Durability::None)).unwrap();
}

#[test]
fn checkpoints_delete_the_wal_and_open_replays_nothing_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    for i in 0..2000u32 {
        s.put(format!("key{i:05}").as_bytes(), &[7; 150]).unwrap();
    }
    let wal_before = s.stats().wal_bytes;
    s.checkpoint().unwrap();
    let st = s.stats();
    assert!(
        st.wal_bytes < 200,
        "WAL not deleted: {} -> {}",
        wal_before,
        st.wal_bytes
    );
    assert_eq!(st.checkpoints, 1);
    assert_eq!(st.keys, 2000);
    let segments = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("-wal-")
        })
        .count();
    assert_eq!(segments, 1);
    // A second round of changes costs about its own size, not the store's.
    let image_before = st.image_bytes;
    s.put(b"key00042", b"changed").unwrap();
    s.checkpoint().unwrap();
    let grew = s.stats().image_bytes - image_before;
    assert!(grew < 4096, "one change appended {grew} bytes");
    s.close().unwrap();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    assert_eq!(s.stats().replayed_records, 0);
    assert_eq!(s.get(b"key00042").unwrap(), Some(b"changed".to_vec()));
    assert_eq!(s.len(), 2000);
    assert!(s.stats().image_dead_bytes > 0);
    s.compact().unwrap();
    let st = s.stats();
    assert_eq!(st.image_dead_bytes, 0);
    assert_eq!(st.compactions, 1);
    assert_eq!(s.get(b"key00042").unwrap(), Some(b"changed".to_vec()));
    assert_eq!(s.get(b"key01999").unwrap(), Some(vec![7; 150]));
    drop(s);
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    assert_eq!(s.len(), 2000);
    assert_eq!(contents(&s).len(), 2000);
}

#[test]
fn automatic_checkpoints_bound_the_wal() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(Durability::None);
    o.checkpoint_wal_bytes = 64 << 10;
    let s = Store::open(dir.path(), o).unwrap();
    for i in 0..5000u32 {
        s.put(format!("k{}", i % 700).as_bytes(), &[1; 100])
            .unwrap();
    }
    // The background thread checkpoints once the threshold is crossed.
    for _ in 0..200 {
        if s.stats().checkpoints > 0 && s.stats().wal_bytes < 512 << 10 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let st = s.stats();
    assert!(st.checkpoints > 0);
    assert!(st.wal_bytes < 512 << 10, "WAL grew to {}", st.wal_bytes);
    assert_eq!(s.len(), 700);
}

/// Checkpoints also come on time alone: with the size threshold off, a write is followed by
/// a checkpoint once the interval has passed, and the WAL it covered is deleted.
#[test]
fn automatic_checkpoints_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(Durability::Immediate);
    o.checkpoint_wal_bytes = 0;
    o.checkpoint_interval = Some(Duration::from_millis(100));
    let s = Store::open(dir.path(), o).unwrap();
    s.put(b"k", b"v").unwrap();
    let lsn = s.current_lsn();
    let mut checkpoints = 0;
    for _ in 0..500 {
        checkpoints = s.stats().checkpoints;
        if checkpoints > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(checkpoints > 0, "no checkpoint within 5 s");
    s.close().unwrap();
    // Reopening replays nothing: the write is in the image.
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    assert_eq!(s.stats().replayed_records, 0);
    assert_eq!(s.current_lsn(), lsn);
    assert_eq!(s.get(b"k").unwrap().unwrap(), b"v");
}

/// Resident memory of the process's own pages after reading `/proc/self/statm`, in bytes.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

/// Drops a file's clean pages from the page cache (no privileges needed).
fn evict_from_page_cache(path: &Path) {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(path).unwrap();
    f.sync_all().unwrap();
    // SAFETY: a valid open descriptor; the call only drops cached pages of this file.
    let rc = unsafe { libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED) };
    assert_eq!(rc, 0);
}

/// Open maps the image and loads nothing: reopening a store whose ~100 MB image is not in the
/// page cache (as when it is larger than RAM), then 50 lookups, adds well under 3 MB of
/// resident memory: lookups fault in only the pages they touch, without read-ahead.
#[test]
fn open_does_not_load_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    let value = vec![0x42u8; 2000];
    for chunk in (0..50_000u32).collect::<Vec<_>>().chunks(5_000) {
        let ops = chunk
            .iter()
            .map(|i| Op::Put(i.to_be_bytes().to_vec(), value.clone()))
            .collect();
        s.write_batch(ops).unwrap();
    }
    s.checkpoint().unwrap();
    s.close().unwrap();
    let image = std::fs::metadata(dir.path().join("dictenstein.image"))
        .unwrap()
        .len();
    assert!(image > 100_000_000, "image of {image} bytes");
    // As if the image were larger than RAM: none of it is in the page cache.
    evict_from_page_cache(&dir.path().join("dictenstein.image"));
    let before = resident_bytes();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    for i in (0..50_000u32).step_by(1000) {
        assert_eq!(s.get(&i.to_be_bytes()).unwrap().unwrap().len(), 2000);
    }
    let grown = resident_bytes().saturating_sub(before);
    // Measured: 0.75 MB; 6.3 MB without the random-access hint on the mapping.
    assert!(
        grown < 3 << 20,
        "open and 50 lookups made {grown} bytes resident for a {image}-byte image"
    );
    assert_eq!(s.stats().index_bytes, 0);
}

#[test]
fn snapshots_see_one_version_while_writers_and_checkpoints_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::None)).unwrap();
    for i in 0..300u32 {
        s.put(format!("k{i:03}").as_bytes(), b"old").unwrap();
    }
    let snap = s.snapshot();
    let mut cur = snap.prefix(b"k");
    let first: Vec<_> = cur.by_ref().take(10).map(|r| r.unwrap()).collect();
    for i in 0..300u32 {
        s.put(format!("k{i:03}").as_bytes(), b"new").unwrap();
        if i % 3 == 0 {
            s.remove(format!("k{i:03}").as_bytes()).unwrap();
        }
    }
    s.put(b"k999", b"added").unwrap();
    s.checkpoint().unwrap();
    s.put(b"k000", b"newer").unwrap();
    let rest: Vec<_> = cur.map(|r| r.unwrap()).collect();
    assert_eq!(first.len() + rest.len(), 300);
    assert!(first.iter().chain(&rest).all(|(_, v)| v == b"old"));
    assert_eq!(snap.get(b"k003").unwrap(), Some(b"old".to_vec()));
    assert_eq!(snap.get(b"k999").unwrap(), None);
    assert_eq!(s.get(b"k003").unwrap(), None);
    assert_eq!(s.get(b"k000").unwrap(), Some(b"newer".to_vec()));
    let now = s.snapshot();
    // 200 survivors of the removals, k000 put again, and k999.
    assert_eq!(now.prefix(b"k").count(), 202);
    let range: Vec<_> = now
        .range(Bound::Included(b"k100"), Bound::Excluded(b"k110"))
        .map(|r| r.unwrap().0)
        .collect();
    assert_eq!(range.len(), 7);
}

#[derive(Debug, Clone)]
enum Action {
    Put(Vec<u8>, Vec<u8>),
    Remove(Vec<u8>),
    Batch(Vec<(Vec<u8>, Option<Vec<u8>>)>),
    Incr(Vec<u8>, u64),
    Checkpoint,
    Compact,
    Reopen,
}

fn key() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), any::<u8>()], 0..5)
}

fn action() -> impl Strategy<Value = Action> {
    let val = proptest::collection::vec(any::<u8>(), 0..12);
    prop_oneof![
        6 => (key(), val.clone()).prop_map(|(k, v)| Action::Put(k, v)),
        3 => key().prop_map(Action::Remove),
        2 => proptest::collection::vec((key(), proptest::option::of(val)), 0..5)
            .prop_map(Action::Batch),
        1 => (key(), 0u64..5).prop_map(|(k, d)| Action::Incr(k, d)),
        1 => Just(Action::Checkpoint),
        1 => Just(Action::Compact),
        1 => Just(Action::Reopen),
    ]
}

fn check_model(s: &Store, model: &BTreeMap<Vec<u8>, Vec<u8>>) {
    assert_eq!(contents(s), *model);
    assert_eq!(s.len(), model.len() as u64);
    for (k, v) in model {
        assert_eq!(s.get(k).unwrap().as_ref(), Some(v));
    }
    for p in [&b""[..], b"a", b"ab", b"b"] {
        let got: Vec<_> = s.snapshot().prefix(p).map(|r| r.unwrap()).collect();
        let want: Vec<_> = model
            .iter()
            .filter(|(k, _)| k.starts_with(p))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(got, want, "prefix {p:?}");
    }
    let lo: &[u8] = b"a\x80";
    let got: Vec<_> = s
        .snapshot()
        .range(Bound::Excluded(lo), Bound::Included(b"b"))
        .map(|r| r.unwrap().0)
        .collect();
    let want: Vec<_> = model
        .range::<[u8], _>((Bound::Excluded(lo), Bound::Included(&b"b"[..])))
        .map(|(k, _)| k.clone())
        .collect();
    assert_eq!(got, want);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn store_matches_a_btreemap(actions in proptest::collection::vec(action(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let o = opts(Durability::None);
        let mut s = Store::open(dir.path(), o.clone()).unwrap();
        let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        for a in actions {
            match a {
                Action::Put(k, v) => { s.put(&k, &v).unwrap(); model.insert(k, v); }
                Action::Remove(k) => { s.remove(&k).unwrap(); model.remove(&k); }
                Action::Batch(ops) => {
                    let ops: Vec<Op> = ops.into_iter().map(|(k, v)| match v {
                        Some(v) => Op::Put(k, v),
                        None => Op::Remove(k),
                    }).collect();
                    s.write_batch(ops.clone()).unwrap();
                    for op in ops {
                        match op {
                            Op::Put(k, v) => { model.insert(k, v); }
                            Op::Remove(k) => { model.remove(&k); }
                        }
                    }
                }
                Action::Incr(k, d) => {
                    let cur = model.get(&k).cloned();
                    let r = s.increment(&k, d);
                    match cur.as_deref().map(<[u8; 8]>::try_from) {
                        None => { assert_eq!(r.unwrap(), d); model.insert(k, d.to_le_bytes().to_vec()); }
                        Some(Ok(b)) => {
                            let n = u64::from_le_bytes(b) + d;
                            assert_eq!(r.unwrap(), n);
                            model.insert(k, n.to_le_bytes().to_vec());
                        }
                        Some(Err(_)) => { r.unwrap_err(); }
                    }
                }
                Action::Checkpoint => s.checkpoint().unwrap(),
                Action::Compact => s.compact().unwrap(),
                Action::Reopen => {
                    drop(s);
                    s = Store::open(dir.path(), o.clone()).unwrap();
                }
            }
        }
        check_model(&s, &model);
        drop(s);
        let s = Store::open(dir.path(), o).unwrap();
        check_model(&s, &model);
    }
}

fn wal_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("-wal-"))
        .collect();
    v.sort();
    v
}

/// Pins the torn-tail bug of the reference design: writes appended after a reopen that
/// found a torn record must survive the next reopen.
#[test]
fn a_torn_tail_is_truncated_so_later_writes_survive() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    s.put(b"a", b"1").unwrap();
    s.put(b"b", b"2").unwrap();
    drop(s);
    let last = wal_files(dir.path()).pop().unwrap();
    let len = std::fs::metadata(&last).unwrap().len();
    // The tail of the last record is lost.
    let f = std::fs::OpenOptions::new().write(true).open(&last).unwrap();
    f.set_len(len - 3).unwrap();
    drop(f);
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    assert_eq!(s.get(b"a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(s.get(b"b").unwrap(), None);
    s.put(b"c", b"3").unwrap();
    drop(s);
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    assert_eq!(s.get(b"c").unwrap(), Some(b"3".to_vec()));
    assert_eq!(s.get(b"a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(s.current_lsn(), 2);
}

/// Pins a recovery bug `store_crash` found: a checkpoint killed while deleting the segments
/// it covered could leave a gap among them (they went in directory order), and open then
/// refused the store ("a segment is missing") although the image held all their records.
#[test]
fn segments_left_by_an_interrupted_deletion_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    // Each open starts a segment: four rounds leave four, one record each.
    for round in 0..4u32 {
        let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
        s.put(format!("k{round}").as_bytes(), b"v").unwrap();
        s.close().unwrap();
    }
    let old: Vec<_> = wal_files(dir.path())
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    assert_eq!(old.len(), 4);
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    s.checkpoint().unwrap();
    s.put(b"after", b"1").unwrap();
    s.close().unwrap();
    assert!(
        old.iter().all(|(p, _)| !p.exists()),
        "the checkpoint deleted them"
    );
    // The crash left the first and third: a gap, and no later one to bridge it. In the gap,
    // a file with a segment's name that is not one: skipped, and not ours to delete.
    for (p, bytes) in old.iter().step_by(2) {
        std::fs::write(p, bytes).unwrap();
    }
    std::fs::write(&old[1].0, b"not a segment").unwrap();
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    let want: BTreeMap<Vec<u8>, Vec<u8>> = ["k0", "k1", "k2", "k3", "after"]
        .iter()
        .map(|k| {
            (
                k.as_bytes().to_vec(),
                if *k == "after" { b"1" } else { b"v" }.to_vec(),
            )
        })
        .collect();
    assert_eq!(contents(&s), want);
    assert_eq!(
        s.stats().replayed_records,
        1,
        "only the record after the checkpoint"
    );
    let left: Vec<bool> = old.iter().map(|(p, _)| p.exists()).collect();
    assert_eq!(
        left,
        [false, true, false, false],
        "open removed the leftovers only"
    );
    s.put(b"later", b"2").unwrap();
    drop(s);
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    assert_eq!(s.get(b"later").unwrap(), Some(b"2".to_vec()));
    assert_eq!(s.len(), 6);
}

#[test]
fn a_failed_fsync_poisons_writes_but_not_reads() {
    let dir = tempfile::tempdir().unwrap();
    let (s, vfs) = open_faulty(dir.path(), Durability::Immediate);
    s.put(b"a", b"1").unwrap();
    vfs.fail_sync_after(1);
    let e = s.put(b"b", b"2").unwrap_err();
    assert!(e.to_string().contains("fsync"), "{e}");
    assert!(matches!(s.put(b"c", b"3"), Err(Error::Poisoned { .. })));
    assert!(matches!(s.checkpoint(), Err(Error::Poisoned { .. })));
    assert!(matches!(s.sync(), Err(Error::Poisoned { .. })));
    assert_eq!(s.get(b"a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(s.get(b"b").unwrap(), None);
    // The failed group's LSN was written but never became durable.
    let h = s.sync_async();
    assert!(matches!(h.poll(), Err(Error::Poisoned { .. })));
}

#[test]
fn a_failed_write_loses_nothing_acknowledged_and_the_store_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (s, vfs) = open_faulty(dir.path(), Durability::Immediate);
    s.put(b"a", b"1").unwrap();
    vfs.fail_write_after(1);
    let e = s.put(b"b", &[9; 100]).unwrap_err();
    assert!(e.to_string().contains("No space"), "{e}");
    s.put(b"c", b"3").unwrap();
    drop(s);
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    assert_eq!(s.get(b"a").unwrap(), Some(b"1".to_vec()));
    assert_eq!(s.get(b"b").unwrap(), None);
    assert_eq!(s.get(b"c").unwrap(), Some(b"3".to_vec()));
}

/// A small workload with checkpoints; returns what was acknowledged, in order.
fn workload(s: &Store) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let mut acked = Vec::new();
    for i in 0..12u32 {
        let k = format!("k{}", i % 5).into_bytes();
        let r = if i % 4 == 3 {
            s.write_batch(vec![
                Op::Put(b"b1".to_vec(), i.to_le_bytes().to_vec()),
                Op::Put(b"b2".to_vec(), i.to_le_bytes().to_vec()),
            ])
            .map(|()| {
                vec![
                    (b"b1".to_vec(), Some(i.to_le_bytes().to_vec())),
                    (b"b2".to_vec(), Some(i.to_le_bytes().to_vec())),
                ]
            })
        } else if i % 5 == 4 {
            s.remove(&k).map(|()| vec![(k.clone(), None)])
        } else {
            s.put(&k, &i.to_le_bytes())
                .map(|()| vec![(k.clone(), Some(i.to_le_bytes().to_vec()))])
        };
        match r {
            Ok(ch) => acked.extend(ch),
            Err(_) => break,
        }
        if i % 6 == 5 && s.checkpoint().is_err() {
            break;
        }
    }
    acked
}

/// Is `got` the state after the first `n` acknowledged changes, for some `n >= min`?
fn is_prefix_state(
    got: &BTreeMap<Vec<u8>, Vec<u8>>,
    acked: &[(Vec<u8>, Option<Vec<u8>>)],
    min: usize,
) -> bool {
    let mut m = BTreeMap::new();
    for (n, (k, v)) in acked.iter().enumerate() {
        if n >= min && m == *got {
            return true;
        }
        match v {
            Some(v) => m.insert(k.clone(), v.clone()),
            None => m.remove(k),
        };
    }
    m == *got
}

/// Checks the reopened store holds exactly the first `n` acknowledged changes for some `n`
/// at least `min` (a prefix in LSN order), with batches whole.
fn check_prefix(s: &Store, acked: &[(Vec<u8>, Option<Vec<u8>>)], min: usize, why: &str) {
    let got = contents(s);
    let ok = is_prefix_state(&got, acked, min);
    assert!(
        ok,
        "{why}: state {got:?} is not a prefix (>= {min}) of {acked:?}"
    );
    assert_eq!(
        got.get(&b"b1"[..]),
        got.get(&b"b2"[..]),
        "{why}: torn batch"
    );
}

#[test]
fn injected_faults_at_every_step_keep_acknowledged_writes() {
    // Count the steps of the clean workload first.
    let dir = tempfile::tempdir().unwrap();
    let (s, vfs) = open_faulty(dir.path(), Durability::Immediate);
    let (w0, s0) = vfs.counts();
    workload(&s);
    let (w1, s1) = vfs.counts();
    drop(s);
    for (kind, steps) in [("write", w1 - w0), ("fsync", s1 - s0)] {
        for n in 1..=steps + 1 {
            for torn in [None, Some(5)] {
                let dir = tempfile::tempdir().unwrap();
                let (s, vfs) = open_faulty(dir.path(), Durability::Immediate);
                if kind == "write" {
                    vfs.fail_write_after(n);
                } else {
                    vfs.fail_sync_after(n);
                }
                let acked = workload(&s);
                vfs.crash(torn).unwrap();
                drop(s);
                let why = format!("fail {kind} #{n}, torn {torn:?}");
                let s = Store::open(dir.path(), opts(Durability::Immediate))
                    .unwrap_or_else(|e| panic!("{why}: reopen failed: {e}"));
                check_prefix(&s, &acked, acked.len(), &why);
            }
        }
    }
}

#[test]
fn power_loss_under_lazy_policies_keeps_a_prefix() {
    for d in [Durability::None, POLICIES[2]] {
        for torn in [None, Some(1), Some(20)] {
            let dir = tempfile::tempdir().unwrap();
            let (s, vfs) = open_faulty(dir.path(), d);
            let acked = workload(&s);
            vfs.crash(torn).unwrap();
            drop(s);
            let s = Store::open(dir.path(), opts(d)).unwrap();
            check_prefix(&s, &acked, 0, &format!("{d:?} torn {torn:?}"));
        }
    }
}

/// Every single-bit flip and every truncation of every file of a small store: open and
/// reads give an error or a consistent state, never a panic or a hang.
#[test]
fn corrupted_files_give_errors_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    let mut acked = workload(&s);
    s.put(b"after", b"checkpoint").unwrap();
    acked.push((b"after".to_vec(), Some(b"checkpoint".to_vec())));
    drop(s);
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.ends_with("dictenstein.lock"))
        .collect();
    let mut outcomes = (0, 0);
    for f in &files {
        let orig = std::fs::read(f).unwrap();
        let interesting: Vec<usize> = (0..orig.len())
            .filter(|&i| i < 200 || orig[i] != 0 || i % 509 == 0)
            .collect();
        for &i in &interesting {
            for cut in [false, true] {
                let mut bad = orig.clone();
                if cut {
                    bad.truncate(i);
                } else {
                    bad[i] ^= 1 << (i % 8);
                }
                std::fs::write(f, &bad).unwrap();
                match Store::open(dir.path(), opts(Durability::None)) {
                    Err(_) => outcomes.0 += 1,
                    Ok(s) => {
                        outcomes.1 += 1;
                        // Reads either fail or give a state the writes went through.
                        let all: std::result::Result<BTreeMap<_, _>, _> = s
                            .snapshot()
                            .range(Bound::Unbounded, Bound::Unbounded)
                            .collect();
                        if let Ok(got) = all {
                            let ok = is_prefix_state(&got, &acked, 0);
                            assert!(ok, "{f:?} byte {i} cut {cut}: inconsistent {got:?}");
                        }
                    }
                }
                std::fs::write(f, &orig).unwrap();
            }
        }
    }
    assert!(outcomes.0 > 0 && outcomes.1 > 0, "{outcomes:?}");
}

#[test]
fn stats_count_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), opts(Durability::Immediate)).unwrap();
    s.put(b"a", b"1").unwrap();
    s.put(b"b", b"1").unwrap();
    s.remove(b"a").unwrap();
    s.write_batch(vec![Op::Put(b"c".to_vec(), vec![])]).unwrap();
    s.increment(b"n", 1).unwrap();
    s.get(b"b").unwrap();
    let st = s.stats();
    assert_eq!(
        (st.puts, st.removes, st.batches, st.increments, st.gets),
        (2, 1, 1, 1, 1)
    );
    assert_eq!(st.wal_records, 5);
    assert_eq!(st.commit_groups, 5);
    assert_eq!(st.commit_requests, 5);
    assert!(st.fsyncs >= 5);
    assert!(st.wal_bytes_written > 5 * 16);
    assert_eq!((st.current_lsn, st.synced_lsn, st.keys), (5, 5, 3));
    assert!(st.index_bytes > 0);
    s.checkpoint().unwrap();
    let st = s.stats();
    assert_eq!(st.checkpoints, 1);
    assert!(st.image_bytes > 8192);
}

/// Both ways a writer waits for its group (yielding, then sleeping: `Options::commit_spin`)
/// and both ways a leader gathers, under writers, readers and checkpoints at once.
#[test]
fn concurrent_writers_share_fsyncs_and_readers_never_see_torn_batches() {
    let group = Durability::GroupCommit {
        window: Duration::from_micros(200),
    };
    for (d, spin) in [
        (Durability::Immediate, Duration::ZERO),
        (Durability::Immediate, Options::default().commit_spin),
        (group, Duration::ZERO),
        (group, Duration::from_millis(10)),
    ] {
        concurrent_writers(d, spin);
    }
}

fn concurrent_writers(d: Durability, spin: Duration) {
    let dir = tempfile::tempdir().unwrap();
    let mut o = opts(d);
    o.commit_spin = spin;
    let s = Arc::new(Store::open(dir.path(), o).unwrap());
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (s, stop) = (s.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut checks = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let snap = s.snapshot();
                let pairs: Vec<_> = snap.prefix(b"pair").map(|r| r.unwrap()).collect();
                for w in pairs.chunks(2) {
                    assert_eq!(w.len(), 2, "half a batch: {pairs:?}");
                    assert_eq!(w[0].1, w[1].1);
                }
                checks += 1;
            }
            checks
        })
    };
    let checkpointer = {
        let (s, stop) = (s.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                s.checkpoint().unwrap();
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let writers: Vec<_> = (0..8)
        .map(|t| {
            let s = s.clone();
            std::thread::spawn(move || {
                for i in 0..100u32 {
                    let v = format!("{t}-{i}").into_bytes();
                    s.write_batch(vec![
                        Op::Put(format!("pair{t}a").into_bytes(), v.clone()),
                        Op::Put(format!("pair{t}b").into_bytes(), v),
                    ])
                    .unwrap();
                    s.increment(b"counter", 1).unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    checkpointer.join().unwrap();
    assert_eq!(
        s.get(b"counter").unwrap(),
        Some(800u64.to_le_bytes().to_vec())
    );
    let st = s.stats();
    assert_eq!(st.commit_requests, 1600, "{d:?}, spin {spin:?}");
    assert!(st.commit_groups <= 1600);
    for t in 0..8 {
        let want = format!("{t}-99").into_bytes();
        assert_eq!(s.get(format!("pair{t}a").as_bytes()).unwrap(), Some(want));
    }
}

#[test]
fn sync_async_completes_under_every_policy() {
    for d in POLICIES {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path(), opts(d)).unwrap();
        s.put(b"k", b"v").unwrap();
        let h = s.sync_async();
        assert_eq!(h.lsn(), 1);
        assert!(h.wait(Duration::from_secs(10)).unwrap(), "{d:?}");
        assert!(h.poll().unwrap());
        assert_eq!(s.synced_lsn(), 1);
        // Dropping a handle does not cancel the fsync.
        s.put(b"k2", b"v").unwrap();
        drop(s.sync_async());
        s.sync().unwrap();
        assert_eq!(s.synced_lsn(), 2);
        s.set_durability(Durability::None).unwrap();
        s.put(b"k3", b"v").unwrap();
        assert_eq!(s.synced_lsn(), 2);
        s.set_durability(Durability::Immediate).unwrap();
        assert_eq!(s.synced_lsn(), 3);
    }
}

/// WAL segments are extended ahead of their records and zero-filled 1 MiB ahead, so a
/// commit's fdatasync need not commit a new file size or a block allocation; the tail is cut at close, and a tail left by a crash (zeros)
/// ends recovery like a torn record: it is truncated and nothing acknowledged is lost.
#[test]
fn wal_segments_are_preallocated_and_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let segments = |dir: &Path| -> Vec<(String, u64)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".log"))
            .map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                (name, e.metadata().unwrap().len())
            })
            .collect();
        v.sort();
        v
    };
    let mut o = opts(Durability::Immediate);
    o.wal_preallocate = 1 << 20;
    let s = Store::open(dir.path(), o.clone()).unwrap();
    s.put(b"a", &[7u8; 3000]).unwrap();
    let segs = segments(dir.path());
    assert_eq!(segs.len(), 1);
    assert_eq!(segs[0].1, 1 << 20, "{segs:?}");
    // The zeros ahead of the records are written, not a hole: later fdatasyncs then need no
    // block allocation (a hole would hold a few KiB of blocks here, not the whole step).
    let allocated_bytes = {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir.path().join(&segs[0].0))
            .unwrap()
            .blocks()
            * 512
    };
    assert!(
        allocated_bytes >= 1 << 20,
        "{allocated_bytes} bytes of blocks"
    );
    // A batch larger than one step grows the segment by whole steps.
    let big: Vec<Op> = (0..400u32)
        .map(|i| Op::Put(i.to_be_bytes().to_vec(), vec![1u8; 4000]))
        .collect();
    s.write_batch(big).unwrap();
    let segs = segments(dir.path());
    assert_eq!(segs[0].1, 2 << 20, "{segs:?}");
    s.close().unwrap();
    let segs = segments(dir.path());
    assert!(segs[0].1 < 2 << 20 && segs[0].1 > 1_600_000, "{segs:?}");

    // A kill leaves the preallocated zeros; the next open cuts them and replays the rest.
    let s = Store::open(dir.path(), o.clone()).unwrap();
    s.put(b"b", b"after reopen").unwrap();
    std::mem::forget(s); // no close: the segment keeps its zero tail, as after a kill
    let segs = segments(dir.path());
    assert_eq!(segs.last().unwrap().1, 1 << 20, "{segs:?}");
    // The forgotten handle still holds the lock: open a copy of the directory instead.
    let copy = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(dir.path()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.path().join(e.file_name())).unwrap();
    }
    let s = Store::open(copy.path(), o).unwrap();
    assert_eq!(s.get(b"b").unwrap().unwrap(), b"after reopen");
    assert_eq!(s.get(b"a").unwrap().unwrap(), vec![7u8; 3000]);
    assert_eq!(s.len(), 402);
    assert!(s.stats().replayed_records >= 3);
}
