//! Durable store: ours against LMDB (`heed`), redb, fjall, SQLite in WAL mode (`rusqlite`)
//! and sled, at equal durability (every acknowledged write is on disk), on redb's benchmark
//! parameters (24-byte keys, 150-byte values). Each engine's durable setting: ours Immediate
//! and GroupCommit; LMDB and redb a committed write transaction per put; fjall an insert then
//! `persist(SyncData)`; SQLite `synchronous=FULL`, one transaction per put (threads share one
//! connection behind a mutex: SQLite has one writer at a time); sled an insert then `flush()`.

use crate::measure::{Rng, Sample};
use crate::report::{fmt, Cell, Section, Unit};
use crate::Ctx;
use dictenstein::store::{Durability, Op, Options, Store};
use heed::types::Bytes;
use redb::{ReadableDatabase, TableDefinition};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TABLE: TableDefinition<&[u8], &[u8]> = TableDefinition::new("t");

fn key(i: u64) -> [u8; 24] {
    let mut k = [0u8; 24];
    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    k[..8].copy_from_slice(&h.to_be_bytes());
    k[8..16].copy_from_slice(&i.to_be_bytes());
    k
}

const VALUE: [u8; 150] = [0x5a; 150];

fn us(d: Duration, n: u64) -> f64 {
    d.as_secs_f64() * 1e6 / n as f64
}

trait Engine: Send + Sync {
    fn name(&self) -> &'static str;
    fn put_durable(&self, k: &[u8], v: &[u8]);
    /// Loads every key in one transaction (or the engine's bulk path), durably.
    fn bulk(&self, keys: &[[u8; 24]]);
    fn get(&self, k: &[u8]) -> bool;
    /// Streams every key starting with `p` in order; returns how many there were.
    fn scan_prefix(&self, p: &[u8]) -> usize;
}

struct Ours(Store, &'static str);
impl Engine for Ours {
    fn name(&self) -> &'static str {
        self.1
    }
    fn put_durable(&self, k: &[u8], v: &[u8]) {
        self.0.put(k, v).unwrap();
    }
    fn bulk(&self, keys: &[[u8; 24]]) {
        // One atomic batch per 10k keys, then one checkpoint: the data ends in the image.
        for chunk in keys.chunks(10_000) {
            let ops = chunk
                .iter()
                .map(|k| Op::Put(k.to_vec(), VALUE.to_vec()))
                .collect();
            self.0.write_batch(ops).unwrap();
        }
        self.0.checkpoint().unwrap();
    }
    fn get(&self, k: &[u8]) -> bool {
        self.0.get_with(k, |v| v.is_some()).unwrap()
    }
    fn scan_prefix(&self, p: &[u8]) -> usize {
        self.0
            .snapshot()
            .prefix(p)
            .fold(0, |n, r| n + usize::from(r.map(|_| true).unwrap()))
    }
}

struct Lmdb(heed::Env, heed::Database<Bytes, Bytes>);
impl Engine for Lmdb {
    fn name(&self) -> &'static str {
        "LMDB (heed)"
    }
    fn put_durable(&self, k: &[u8], v: &[u8]) {
        let mut w = self.0.write_txn().unwrap();
        self.1.put(&mut w, k, v).unwrap();
        w.commit().unwrap();
    }
    fn bulk(&self, keys: &[[u8; 24]]) {
        let mut w = self.0.write_txn().unwrap();
        for k in keys {
            self.1.put(&mut w, k, &VALUE).unwrap();
        }
        w.commit().unwrap();
    }
    fn get(&self, k: &[u8]) -> bool {
        let r = self.0.read_txn().unwrap();
        self.1.get(&r, k).unwrap().is_some()
    }
    fn scan_prefix(&self, p: &[u8]) -> usize {
        let r = self.0.read_txn().unwrap();
        self.1
            .prefix_iter(&r, p)
            .unwrap()
            .fold(0, |n, e| n + usize::from(e.map(|_| true).unwrap()))
    }
}

struct Redb(redb::Database);
impl Engine for Redb {
    fn name(&self) -> &'static str {
        "redb"
    }
    fn put_durable(&self, k: &[u8], v: &[u8]) {
        let w = self.0.begin_write().unwrap();
        w.open_table(TABLE).unwrap().insert(k, v).unwrap();
        w.commit().unwrap();
    }
    fn bulk(&self, keys: &[[u8; 24]]) {
        let w = self.0.begin_write().unwrap();
        {
            let mut t = w.open_table(TABLE).unwrap();
            for k in keys {
                t.insert(&k[..], &VALUE[..]).unwrap();
            }
        }
        w.commit().unwrap();
    }
    fn get(&self, k: &[u8]) -> bool {
        let r = self.0.begin_read().unwrap();
        r.open_table(TABLE).unwrap().get(k).unwrap().is_some()
    }
    fn scan_prefix(&self, p: &[u8]) -> usize {
        let r = self.0.begin_read().unwrap();
        let t = r.open_table(TABLE).unwrap();
        let mut n = 0;
        for e in t.range::<&[u8]>(p..).unwrap() {
            if !e.unwrap().0.value().starts_with(p) {
                break;
            }
            n += 1;
        }
        n
    }
}

struct Fjall(fjall::Database, fjall::Keyspace);
impl Engine for Fjall {
    fn name(&self) -> &'static str {
        "fjall (persist SyncData)"
    }
    fn put_durable(&self, k: &[u8], v: &[u8]) {
        self.1.insert(k, v).unwrap();
        self.0.persist(fjall::PersistMode::SyncData).unwrap();
    }
    fn bulk(&self, keys: &[[u8; 24]]) {
        for chunk in keys.chunks(10_000) {
            let mut b = self.0.batch();
            for k in chunk {
                b.insert(&self.1, &k[..], &VALUE[..]);
            }
            b.commit().unwrap();
        }
        self.0.persist(fjall::PersistMode::SyncData).unwrap();
    }
    fn get(&self, k: &[u8]) -> bool {
        self.1.get(k).unwrap().is_some()
    }
    fn scan_prefix(&self, p: &[u8]) -> usize {
        self.1
            .prefix(p)
            .fold(0, |n, g| n + usize::from(g.key().map(|_| true).unwrap()))
    }
}

/// SQLite allows one writer at a time; threads share one connection behind a mutex.
struct Sqlite(Mutex<rusqlite::Connection>);
impl Engine for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite WAL, synchronous=FULL"
    }
    fn put_durable(&self, k: &[u8], v: &[u8]) {
        let c = self.0.lock().unwrap();
        let mut st = c
            .prepare_cached("INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)")
            .unwrap();
        st.execute((k, v)).unwrap();
    }
    fn bulk(&self, keys: &[[u8; 24]]) {
        let mut c = self.0.lock().unwrap();
        let tx = c.transaction().unwrap();
        {
            let mut st = tx
                .prepare_cached("INSERT OR REPLACE INTO kv (k, v) VALUES (?1, ?2)")
                .unwrap();
            for k in keys {
                st.execute((&k[..], &VALUE[..])).unwrap();
            }
        }
        tx.commit().unwrap();
    }
    fn get(&self, k: &[u8]) -> bool {
        let c = self.0.lock().unwrap();
        let mut st = c.prepare_cached("SELECT 1 FROM kv WHERE k = ?1").unwrap();
        st.exists([k]).unwrap()
    }
    fn scan_prefix(&self, p: &[u8]) -> usize {
        let c = self.0.lock().unwrap();
        let mut st = c
            .prepare_cached("SELECT k, v FROM kv WHERE k >= ?1 ORDER BY k")
            .unwrap();
        let mut rows = st.query([p]).unwrap();
        let mut n = 0;
        while let Some(r) = rows.next().unwrap() {
            let k: Vec<u8> = r.get(0).unwrap();
            if !k.starts_with(p) {
                break;
            }
            n += 1;
        }
        n
    }
}

struct Sled(sled::Db);
impl Engine for Sled {
    fn name(&self) -> &'static str {
        "sled (flush)"
    }
    fn put_durable(&self, k: &[u8], v: &[u8]) {
        self.0.insert(k, v).unwrap();
        self.0.flush().unwrap();
    }
    fn bulk(&self, keys: &[[u8; 24]]) {
        let mut b = sled::Batch::default();
        for k in keys {
            b.insert(&k[..], &VALUE[..]);
        }
        self.0.apply_batch(b).unwrap();
        self.0.flush().unwrap();
    }
    fn get(&self, k: &[u8]) -> bool {
        self.0.get(k).unwrap().is_some()
    }
    fn scan_prefix(&self, p: &[u8]) -> usize {
        self.0
            .scan_prefix(p)
            .fold(0, |n, e| n + usize::from(e.map(|_| true).unwrap()))
    }
}

fn open_ours(dir: &Path, durability: Durability) -> Store {
    let o = Options {
        durability,
        checkpoint_wal_bytes: 256 << 20,
        checkpoint_interval: None,
        ..Options::default()
    };
    Store::open(dir, o).unwrap()
}

fn open_lmdb(dir: &Path) -> Lmdb {
    std::fs::create_dir_all(dir).unwrap();
    // SAFETY: the environment is opened once, by this process only, and not reopened while
    // open (heed's requirement for memory safety of the map).
    let env = unsafe { heed::EnvOpenOptions::new().map_size(8 << 30).open(dir) }.unwrap();
    let mut w = env.write_txn().unwrap();
    let db = env.create_database(&mut w, None).unwrap();
    w.commit().unwrap();
    Lmdb(env, db)
}

fn open_sqlite(dir: &Path) -> Sqlite {
    std::fs::create_dir_all(dir).unwrap();
    let c = rusqlite::Connection::open(dir.join("db.sqlite")).unwrap();
    c.pragma_update(None, "journal_mode", "WAL").unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute(
        "CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID",
        (),
    )
    .unwrap();
    Sqlite(Mutex::new(c))
}

/// The engines, each opened (or created) in its own directory under `root`.
fn open_engine(name: &str, root: &Path) -> Arc<dyn Engine> {
    let dir = root.join(name);
    match name {
        "ours" => Arc::new(Ours(
            open_ours(&dir, Durability::Immediate),
            "ours, Immediate",
        )),
        "ours-group" => Arc::new(Ours(
            open_ours(
                &dir,
                Durability::GroupCommit {
                    window: Duration::from_micros(100),
                },
            ),
            "ours, GroupCommit 100 us",
        )),
        "lmdb" => Arc::new(open_lmdb(&dir)),
        "redb" => {
            std::fs::create_dir_all(&dir).unwrap();
            Arc::new(Redb(redb::Database::create(dir.join("db")).unwrap()))
        }
        "fjall" => {
            let db = fjall::Database::builder(&dir).open().unwrap();
            let ks = db
                .keyspace("kv", fjall::KeyspaceCreateOptions::default)
                .unwrap();
            Arc::new(Fjall(db, ks))
        }
        "sqlite" => Arc::new(open_sqlite(&dir)),
        "sled" => Arc::new(Sled(sled::open(&dir).unwrap())),
        other => unreachable!("no engine {other}"),
    }
}

const ENGINES: [&str; 6] = ["ours", "lmdb", "redb", "fjall", "sqlite", "sled"];

/// Appends 174 bytes and fdatasyncs, `n` times: what one durable commit costs at least.
fn fdatasync_floor(dir: &std::path::Path, n: u64) -> f64 {
    let mut f = std::fs::File::create(dir.join("floor")).unwrap();
    let rec = [1u8; 174];
    let t = Instant::now();
    for _ in 0..n {
        f.write_all(&rec).unwrap();
        f.sync_data().unwrap();
    }
    us(t.elapsed(), n)
}

/// Figures of one engine's write runs: one thread (us per put), 8 and 64 threads (puts/s).
struct Writes {
    one: Sample,
    eight: Sample,
    sixty_four: Sample,
}

/// Durable puts from 1, 8 and 64 threads, each run writing fresh keys.
fn writes(ctx: &Ctx, e: &Arc<dyn Engine>, single: u64, per_thread: u64) -> Writes {
    let mut run = 0u64;
    let reps = ctx.reps.cold();
    let one = reps.sample(|| {
        run += 1;
        let t = Instant::now();
        for i in 0..single {
            e.put_durable(&key(run << 48 | i), &VALUE);
        }
        us(t.elapsed(), single)
    });
    let mut threaded = |threads: u64, n: u64| {
        reps.sample(|| {
            run += 1;
            let t = Instant::now();
            std::thread::scope(|s| {
                for th in 0..threads {
                    let e = e.clone();
                    s.spawn(move || {
                        for i in 0..n {
                            e.put_durable(&key(run << 48 | 1 << 40 | th << 20 | i), &VALUE);
                        }
                    });
                }
            });
            (threads * n) as f64 / t.elapsed().as_secs_f64()
        })
    };
    let eight = threaded(8, per_thread);
    let sixty_four = threaded(64, per_thread / 4 + 1);
    Writes {
        one,
        eight,
        sixty_four,
    }
}

/// Figures of one engine's read side after a bulk load.
struct Reads {
    load: Sample,
    get: Sample,
    scan: Sample,
    reopen: Sample,
}

fn reads(
    ctx: &Ctx,
    name: &str,
    root: &Path,
    keys: &[[u8; 24]],
    probe: &[u64],
    prefixes: &[[u8; 2]],
) -> (Reads, usize) {
    let n = keys.len() as u64;
    let e = open_engine(name, root);
    let t = Instant::now();
    e.bulk(keys);
    let load = Sample::once(us(t.elapsed(), n));
    let get = ctx.reps.sample(|| {
        let t = Instant::now();
        let found = probe.iter().filter(|&&i| e.get(&key(i))).count();
        assert_eq!(found, probe.len(), "{}: a loaded key is missing", e.name());
        us(t.elapsed(), probe.len() as u64)
    });
    let mut scanned = 0;
    let scan = ctx.reps.sample(|| {
        let t = Instant::now();
        scanned = prefixes.iter().map(|p| e.scan_prefix(p)).sum();
        us(t.elapsed(), prefixes.len() as u64)
    });
    drop(e);
    let reopen = ctx.reps.cold().sample(|| {
        let t = Instant::now();
        let e = open_engine(name, root);
        assert!(
            e.get(&key(n / 2)),
            "{}: reopened without its data",
            e.name()
        );
        let ms = t.elapsed().as_secs_f64() * 1e3;
        drop(e);
        ms
    });
    (
        Reads {
            load,
            get,
            scan,
            reopen,
        },
        scanned,
    )
}

fn bench_root(ctx: &Ctx) -> tempfile::TempDir {
    std::fs::create_dir_all(&ctx.work_dir).unwrap();
    tempfile::tempdir_in(&ctx.work_dir).unwrap()
}

pub fn run(ctx: &Ctx) -> Section {
    let (single, per_thread, bulk_n, gets, scans, replay_n) = if ctx.quick {
        (50, 20, 5_000, 5_000, 500, 2_000)
    } else {
        (1_000, 500, 1_000_000, 1_000_000, 20_000, 200_000)
    };
    let mut sec = Section::new("Durable store");
    sec.about(
        "24-byte keys, 150-byte values (redb's benchmark parameters). Every engine at its \
         durable setting: an acknowledged write is on disk. Ours `Immediate` for one thread, \
         `GroupCommit` (100 us window; as durable) for 8 and 64 threads; LMDB and redb a \
         committed write transaction per put; fjall an insert then `persist(SyncData)`; SQLite \
         in WAL mode with `synchronous=FULL`, one transaction per put, threads sharing one \
         connection (one writer at a time); sled an insert then `flush()`.",
    );
    let root = bench_root(ctx);
    sec.note(format!(
        "the floor: appending 174 bytes to a file and fdatasync-ing, {} us per write",
        fdatasync_floor(root.path(), single).round()
    ));
    let ours_imm = writes(ctx, &open_engine("ours", root.path()), single, per_thread);
    let ours_gc = writes(
        ctx,
        &open_engine("ours-group", root.path()),
        single,
        per_thread,
    );
    sec.note(format!(
        "ours Immediate: 1 thread {}, 8 threads {}, 64 threads {}; GroupCommit: 1 thread {}",
        fmt(Unit::Us, ours_imm.one),
        fmt(Unit::PerSec, ours_imm.eight),
        fmt(Unit::PerSec, ours_imm.sixty_four),
        fmt(Unit::Us, ours_gc.one),
    ));
    let mut theirs = Vec::new();
    for name in &ENGINES[1..] {
        let e = open_engine(name, root.path());
        theirs.push((e.name(), writes(ctx, &e, single, per_thread)));
    }
    drop(root);
    type Pick = fn(&Writes) -> Sample;
    let rows: [(&str, Unit, &Writes, Pick); 3] = [
        ("durable put, 1 thread", Unit::Us, &ours_imm, |w| w.one),
        (
            "durable puts, 8 writer threads",
            Unit::PerSec,
            &ours_gc,
            |w| w.eight,
        ),
        (
            "durable puts, 64 writer threads",
            Unit::PerSec,
            &ours_gc,
            |w| w.sixty_four,
        ),
    ];
    for (label, unit, ours, pick) in rows {
        sec.compare(
            label,
            unit,
            ("store", pick(ours).into()),
            theirs
                .iter()
                .map(|(n, w)| (*n, Cell::from(pick(w))))
                .collect(),
        );
    }

    let root = bench_root(ctx);
    let keys: Vec<[u8; 24]> = (0..bulk_n).map(key).collect();
    let mut rng = Rng(7);
    let probe: Vec<u64> = (0..gets).map(|_| rng.next() % bulk_n).collect();
    // Two-byte prefixes of hashed keys: about bulk_n / 65536 keys each.
    let prefixes: Vec<[u8; 2]> = (0..scans)
        .map(|_| (rng.next() as u16).to_be_bytes())
        .collect();
    let mut all = Vec::new();
    let mut scanned_by_all = None;
    for name in ENGINES {
        let (r, scanned) = reads(ctx, name, root.path(), &keys, &probe, &prefixes);
        assert_eq!(
            *scanned_by_all.get_or_insert(scanned),
            scanned,
            "{name} scanned other keys"
        );
        all.push((name, r));
    }
    let (_, ours) = all.remove(0);
    // The same engines in the same order as the write runs, which recorded their labels.
    let names: Vec<&str> = theirs.iter().map(|(n, _)| *n).collect();
    type PickR = fn(&Reads) -> Sample;
    let rows: [(String, Unit, PickR); 4] = [
        (
            format!("bulk load of {bulk_n} keys, per key"),
            Unit::Us,
            |r| r.load,
        ),
        (format!("random get, {bulk_n} keys"), Unit::Us, |r| r.get),
        (
            format!(
                "prefix scan, 2-byte prefix ({:.0} keys each)",
                scanned_by_all.unwrap_or(0) as f64 / scans as f64
            ),
            Unit::Us,
            |r| r.scan,
        ),
        (
            format!("reopen + first get, {bulk_n} keys"),
            Unit::Ms,
            |r| r.reopen,
        ),
    ];
    for (label, unit, pick) in rows {
        sec.compare(
            &label,
            unit,
            ("store", pick(&ours).into()),
            names
                .iter()
                .zip(&all)
                .map(|(n, (_, r))| (*n, Cell::from(pick(r))))
                .collect(),
        );
    }
    sec.about(
        "Bulk load: ours in atomic batches of 10,000 then one checkpoint; LMDB, redb, SQLite \
         and sled one transaction or batch; fjall batches of 10,000; each made durable at the \
         end.",
    );
    let s = open_ours(&root.path().join("ours"), Durability::Immediate);
    let st = s.stats();
    sec.note(format!(
        "our checkpointed {}-key store: image {:.1} MB, in-memory index {} KB after reopen",
        st.keys,
        st.image_bytes as f64 / 1e6,
        st.index_bytes / 1024
    ));
    drop(s);
    recovery(&mut sec, root.path(), replay_n);
    sec
}

/// Reopen with the WAL of `replay_n` puts to replay (no checkpoint since).
fn recovery(sec: &mut Section, root: &Path, replay_n: u64) {
    let dir = root.join("replay");
    let s = open_ours(&dir, Durability::None);
    for chunk in (0..replay_n).collect::<Vec<_>>().chunks(1_000) {
        let ops = chunk
            .iter()
            .map(|&i| Op::Put(key(i).to_vec(), VALUE.to_vec()))
            .collect();
        s.write_batch(ops).unwrap();
    }
    for i in 0..1_000 {
        s.put(&key(replay_n + i), &VALUE).unwrap();
    }
    s.close().unwrap();
    let t = Instant::now();
    let s = open_ours(&dir, Durability::Immediate);
    let open = t.elapsed();
    let st = s.stats();
    sec.note(format!(
        "recovery: reopen replaying {} WAL records ({} keys, {:.1} MB of WAL): {:.1} ms ({:.2} us per key)",
        st.replayed_records,
        st.keys,
        st.wal_bytes as f64 / 1e6,
        open.as_secs_f64() * 1e3,
        us(open, st.keys)
    ));
}
