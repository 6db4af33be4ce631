//! The durable store side by side with LMDB (`heed`) and redb, in one run, on the same data:
//! redb's benchmark parameters (24-byte keys, 150-byte values), each engine at its durable
//! setting (ours: Immediate; LMDB and redb: a committed write transaction per put).
//! Also the physical limit: appending the same bytes to a file and fdatasync-ing each time.
//!
//! `cargo bench --bench store` (full: 1M keys for bulk load, gets and open);
//! `DICTENSTEIN_BENCH_QUICK=1` runs every row on a few thousand keys so the code never rots.

mod common;

use common::Rng;
use dictenstein::store::{Durability, Op, Options, Store};
use heed::types::Bytes;
use redb::{ReadableDatabase, TableDefinition};
use std::io::Write;
use std::sync::Arc;
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
    fn bulk(&self, keys: &[[u8; 24]]);
    fn get(&self, k: &[u8]) -> bool;
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
}

fn open_ours(dir: &std::path::Path, durability: Durability) -> Store {
    let o = Options {
        durability,
        checkpoint_wal_bytes: 256 << 20,
        checkpoint_interval: None,
        ..Options::default()
    };
    Store::open(dir, o).unwrap()
}

fn open_lmdb(dir: &std::path::Path) -> Lmdb {
    // SAFETY: the environment is opened once, by this process only, and not reopened while
    // open (heed's requirement for memory safety of the map).
    let env = unsafe { heed::EnvOpenOptions::new().map_size(8 << 30).open(dir) }.unwrap();
    let mut w = env.write_txn().unwrap();
    let db = env.create_database(&mut w, None).unwrap();
    w.commit().unwrap();
    Lmdb(env, db)
}

fn engines(root: &std::path::Path) -> Vec<Arc<dyn Engine>> {
    let (a, b, c) = (root.join("ours"), root.join("lmdb"), root.join("redb"));
    std::fs::create_dir_all(&b).unwrap();
    vec![
        Arc::new(Ours(
            open_ours(&a, Durability::Immediate),
            "ours, Immediate",
        )),
        Arc::new(open_lmdb(&b)),
        Arc::new(Redb(redb::Database::create(c.join("db")).unwrap_or_else(
            |_| {
                std::fs::create_dir_all(&c).unwrap();
                redb::Database::create(c.join("db")).unwrap()
            },
        ))),
    ]
}

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

fn main() {
    let quick = std::env::var("DICTENSTEIN_BENCH_QUICK").is_ok();
    let (single, per_thread, bulk_n, gets) = if quick {
        (50, 20, 5_000, 5_000)
    } else {
        (1_000, 500, 1_000_000, 1_000_000)
    };
    let root =
        tempfile::tempdir_in(std::env::var("DICTENSTEIN_BENCH_DIR").unwrap_or(".".into())).unwrap();
    println!("durable store, 24-byte keys, 150-byte values; times per operation");
    println!(
        "fdatasync floor (append 174 B + fdatasync): {:.1} us",
        fdatasync_floor(root.path(), single)
    );

    let mut es = engines(root.path());
    let window = Duration::from_micros(100);
    let group = open_ours(
        &root.path().join("ours-group"),
        Durability::GroupCommit { window },
    );
    es.insert(1, Arc::new(Ours(group, "ours, GroupCommit 100 us")));
    println!("\n| engine | 1 thread durable put | 8 threads durable puts (total/s) | 64 threads (total/s) |");
    println!("|---|---|---|---|");
    let mut next = 0u64;
    for e in &es {
        let t = Instant::now();
        for _ in 0..single {
            next += 1;
            e.put_durable(&key(next), &VALUE);
        }
        let one = us(t.elapsed(), single);
        let mut rates = Vec::new();
        for threads in [8u64, 64] {
            let n = if threads == 64 {
                per_thread / 4 + 1
            } else {
                per_thread
            };
            let t = Instant::now();
            std::thread::scope(|s| {
                for th in 0..threads {
                    let e = e.clone();
                    s.spawn(move || {
                        for i in 0..n {
                            e.put_durable(&key(1 << 40 | th << 20 | i), &VALUE);
                        }
                    });
                }
            });
            rates.push((threads * n) as f64 / t.elapsed().as_secs_f64());
        }
        println!(
            "| {} | {:.1} us ({:.0}/s) | {:.0}/s | {:.0}/s |",
            e.name(),
            one,
            1e6 / one,
            rates[0],
            rates[1]
        );
    }
    drop(es);

    // Bulk load, random gets, open.
    let root2 =
        tempfile::tempdir_in(std::env::var("DICTENSTEIN_BENCH_DIR").unwrap_or(".".into())).unwrap();
    let es = engines(root2.path());
    let keys: Vec<[u8; 24]> = (0..bulk_n).map(key).collect();
    println!("\n| engine | bulk load {bulk_n} keys | random get | found |");
    println!("|---|---|---|---|");
    let mut rng = Rng(7);
    let probe: Vec<u64> = (0..gets).map(|_| rng.next() % bulk_n).collect();
    for e in &es {
        let t = Instant::now();
        e.bulk(&keys);
        let load = us(t.elapsed(), bulk_n);
        let t = Instant::now();
        let found = probe.iter().filter(|&&i| e.get(&key(i))).count();
        let get = us(t.elapsed(), gets);
        assert_eq!(found as u64, gets, "{}", e.name());
        println!(
            "| {} | {:.2} us/key | {:.3} us | {} |",
            e.name(),
            load,
            get,
            found
        );
    }
    drop(es);
    let t = Instant::now();
    let s = open_ours(&root2.path().join("ours"), Durability::Immediate);
    let open = t.elapsed();
    let st = s.stats();
    println!(
        "\nreopen of our checkpointed {}-key store: {:.2} ms (replayed {} records; image {:.1} MB, index {} KB)",
        st.keys,
        open.as_secs_f64() * 1e3,
        st.replayed_records,
        st.image_bytes as f64 / 1e6,
        st.index_bytes / 1024
    );
}
