//! Real crashes: a child process (this binary, run with `child`) writes from several threads
//! under a durability policy, checkpointing and compacting meanwhile, and prints every
//! acknowledged write; the parent kills it with SIGKILL at a random moment, reopens the store
//! and checks:
//! - every acknowledged write is there (a killed process loses no page cache, so this holds
//!   under every policy);
//! - each thread's writes form a prefix (writes are applied in LSN order);
//! - batches are whole.
//!
//! `STORE_CRASH_CYCLES` (default 8 per policy) sets the number of kills; `scripts/soak.sh`
//! runs thousands.

use dictenstein::store::{Durability, Op, Options, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::ops::Bound;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const THREADS: u32 = 4;

fn policy(name: &str) -> Durability {
    match name {
        "immediate" => Durability::Immediate,
        "group" => Durability::GroupCommit {
            window: Duration::from_micros(100),
        },
        "periodic" => Durability::Periodic {
            interval: Duration::from_millis(3),
        },
        _ => Durability::None,
    }
}

fn options(p: &str) -> Options {
    Options {
        durability: policy(p),
        checkpoint_wal_bytes: 256 << 10,
        checkpoint_interval: Some(Duration::from_millis(30)),
        ..Options::default()
    }
}

fn child(dir: &Path, p: &str, cycle: u32) {
    let s = Arc::new(Store::open(dir, options(p)).expect("child open"));
    let out = Arc::new(std::sync::Mutex::new(std::io::stdout()));
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (s, out) = (s.clone(), out.clone());
            std::thread::spawn(move || {
                for i in 0u32.. {
                    let key = format!("c{cycle:04}-t{t}-{i:07}");
                    if i % 5 == 4 {
                        s.write_batch(vec![
                            Op::Put(format!("{key}-x").into_bytes(), i.to_le_bytes().to_vec()),
                            Op::Put(format!("{key}-y").into_bytes(), i.to_le_bytes().to_vec()),
                        ])
                        .expect("batch");
                    } else {
                        s.put(key.as_bytes(), &i.to_le_bytes()).expect("put");
                    }
                    let mut o = out.lock().unwrap();
                    writeln!(o, "{t} {i}").unwrap();
                    o.flush().unwrap();
                }
            })
        })
        .collect();
    for n in 0u32.. {
        std::thread::sleep(Duration::from_millis(7));
        if n % 9 == 8 {
            s.compact().expect("compact");
        } else {
            s.checkpoint().expect("checkpoint");
        }
    }
    drop(writers);
}

/// Checks one reopened store against everything acknowledged so far.
fn verify(dir: &Path, acked: &BTreeMap<(u32, u32), u32>, why: &str) {
    let s = Store::open(dir, options("none")).unwrap_or_else(|e| panic!("{why}: reopen: {e}"));
    let keys: BTreeSet<Vec<u8>> = s
        .snapshot()
        .range(Bound::Unbounded, Bound::Unbounded)
        .map(|r| r.unwrap_or_else(|e| panic!("{why}: read: {e}")).0)
        .collect();
    assert_eq!(s.len(), keys.len() as u64, "{why}: len");
    for (&(cycle, t), &max_acked) in acked {
        let present = |i: u32| {
            let key = format!("c{cycle:04}-t{t}-{i:07}");
            if i % 5 == 4 {
                let x = keys.contains(format!("{key}-x").as_bytes());
                let y = keys.contains(format!("{key}-y").as_bytes());
                assert_eq!(x, y, "{why}: torn batch {key}");
                x
            } else {
                keys.contains(key.as_bytes())
            }
        };
        // Every acknowledged write is there, and nothing after a gap.
        for i in 0..=max_acked {
            assert!(present(i), "{why}: acknowledged c{cycle} t{t} #{i} lost");
        }
        let mut i = max_acked + 1;
        while present(i) {
            i += 1;
        }
        for j in i + 1..i + 50 {
            assert!(
                !present(j),
                "{why}: c{cycle} t{t} #{j} present after a gap at #{i}"
            );
        }
    }
}

fn parent() {
    let cycles: u32 = std::env::var("STORE_CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        ^ u64::from(std::process::id());
    println!("store_crash: seed {seed}, {cycles} kills per policy");
    let exe = std::env::current_exe().unwrap();
    let mut total = 0usize;
    for p in ["immediate", "group", "periodic", "none"] {
        let dir = tempfile::tempdir().unwrap();
        let mut acked: BTreeMap<(u32, u32), u32> = BTreeMap::new();
        for cycle in 0..cycles {
            let mut child = Command::new(&exe)
                .args(["child", p, &cycle.to_string()])
                .arg(dir.path())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let stdout = child.stdout.take().unwrap();
            let reader = std::thread::spawn(move || {
                let mut max: BTreeMap<u32, u32> = BTreeMap::new();
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    let mut it = line.split(' ').map(|x| x.parse::<u32>().unwrap());
                    let (t, i) = (it.next().unwrap(), it.next().unwrap());
                    max.insert(t, i);
                }
                max
            });
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            std::thread::sleep(Duration::from_millis(40 + seed % 160));
            child.kill().unwrap();
            let status = child.wait().unwrap();
            assert!(
                status.code().is_none(),
                "{p} cycle {cycle}: child exited: {status}"
            );
            for (t, i) in reader.join().unwrap() {
                acked.insert((cycle, t), i);
                total += i as usize + 1;
            }
            verify(dir.path(), &acked, &format!("{p} cycle {cycle}"));
        }
    }
    println!(
        "store_crash: ok, {total} acknowledged writes checked after {} kills",
        4 * cycles
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(Path::new(&args[4]), &args[2], args[3].parse().unwrap());
    } else if args.iter().skip(1).any(|a| a == "--list") {
        // `cargo test -- --list` asks every test binary for its tests.
        println!("store_crash: test");
    } else {
        parent();
    }
}
