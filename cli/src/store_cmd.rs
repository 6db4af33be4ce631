//! The durable-store commands.

use crate::escape::escape;
use crate::input::{parse_u64, split_pair, Lines};
use crate::open::open_store;
use crate::{Failure, Out};
use clap::{Args, Subcommand};
use dictenstein::store::{Durability, Op, Options, Stats, Store};
use std::ffi::OsString;
use std::ops::Bound;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Subcommand)]
pub enum StoreCommand {
    /// Create a new store in an empty or missing directory, optionally filled from a file
    Create(LoadArgs),
    /// Add the pairs of a file to an existing store (later lines win)
    Load(LoadArgs),
    /// Print the value of a key
    Get(KeyArgs),
    /// Set a key's value (durable when the command returns)
    Put(PutArgs),
    /// Remove a key (durable when the command returns)
    Remove(KeyArgs),
    /// Print the store's size and counters
    Stats(DirArg),
    /// Write the keys changed since the last checkpoint into the image
    Checkpoint(CheckpointArgs),
}

#[derive(Args)]
pub struct LoadArgs {
    /// Store directory
    dir: PathBuf,
    /// Pairs, one KEY<TAB>VALUE per line, escaped as `dump` prints them (`-` is standard input)
    #[arg(required_unless_present = "empty")]
    pairs: Option<PathBuf>,
    /// Create the store with no keys (`store create` only)
    #[arg(long, conflicts_with = "pairs")]
    empty: bool,
    /// VALUE is an unsigned 64-bit integer, stored as 8 little-endian bytes (what the
    /// dictionary API and `increment` read)
    #[arg(long)]
    u64: bool,
    /// No progress bar, no summary
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub struct KeyArgs {
    /// Store directory
    dir: PathBuf,
    /// The key
    key: OsString,
}

#[derive(Args)]
pub struct PutArgs {
    /// Store directory
    dir: PathBuf,
    /// The key
    key: OsString,
    /// The value
    value: OsString,
    /// VALUE is an unsigned 64-bit integer, stored as 8 little-endian bytes
    #[arg(long)]
    u64: bool,
}

#[derive(Args)]
pub struct DirArg {
    /// Store directory
    dir: PathBuf,
}

#[derive(Args)]
pub struct CheckpointArgs {
    /// Store directory
    dir: PathBuf,
    /// Rewrite the whole image, dropping space no longer reachable
    #[arg(long)]
    compact: bool,
}

pub fn run(cmd: StoreCommand) -> Result<(), Failure> {
    match cmd {
        StoreCommand::Create(a) => load(a, true),
        StoreCommand::Load(a) => load(a, false),
        StoreCommand::Get(a) => get(&a.dir, a.key.as_bytes()),
        StoreCommand::Put(a) => {
            let value = if a.u64 {
                parse_u64(a.value.as_bytes())
                    .map_err(Failure::Input)?
                    .to_le_bytes()
                    .to_vec()
            } else {
                a.value.as_bytes().to_vec()
            };
            write_one(&a.dir, |s| s.put(a.key.as_bytes(), &value))
        }
        StoreCommand::Remove(a) => write_one(&a.dir, |s| s.remove(a.key.as_bytes())),
        StoreCommand::Stats(a) => {
            let store = open_store(&a.dir, false)?;
            let mut out = Out::default();
            print_stats(&mut out, &store.stats())?;
            out.finish()?;
            close(store)
        }
        StoreCommand::Checkpoint(a) => {
            let store = open_store(&a.dir, false)?;
            let done = if a.compact {
                store.compact()
            } else {
                store.checkpoint()
            };
            done.map_err(Failure::lib("checkpoint failed"))?;
            close(store)
        }
    }
}

fn close(store: Store) -> Result<(), Failure> {
    store
        .close()
        .map_err(Failure::lib("cannot close the store"))
}

/// Pairs per WAL record when loading: large enough that commits cost little, small enough
/// that one record stays a few MiB.
const LOAD_BATCH: usize = 4096;

fn load(a: LoadArgs, create: bool) -> Result<(), Failure> {
    if a.empty && !create {
        return Err(Failure::Input(
            "--empty applies to `store create` only".into(),
        ));
    }
    let started = Instant::now();
    let existed = a.dir.exists();
    let store = open_store(&a.dir, create)?;
    let filled = fill(&store, &a);
    let keys = store.len();
    let closed = close(store);
    let n = match filled.and_then(|n| closed.map(|()| n)) {
        Ok(n) => n,
        Err(f) if create => {
            // Leave nothing half-made behind: the directory was missing or empty before.
            let cleanup = if existed {
                empty_dir(&a.dir)
            } else {
                std::fs::remove_dir_all(&a.dir)
            };
            if let Err(e) = cleanup {
                eprintln!(
                    "dictenstein: could not remove the new store {}: {e}",
                    a.dir.display()
                );
            }
            return Err(f);
        }
        Err(f) => return Err(f),
    };
    if !a.quiet {
        eprintln!(
            "{} {}: {n} pairs written in {:.2} s, {keys} keys",
            if create { "created" } else { "loaded" },
            a.dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn empty_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// Parses one line of a pairs file into a put, refusing what the store would refuse (its
/// limits are `limits`, the options the command opens stores with).
fn parse_line(line: &[u8], as_u64: bool, limits: &Options) -> Result<Op, String> {
    let (key, value) = split_pair(line)?;
    let value = if as_u64 {
        parse_u64(&value)?.to_le_bytes().to_vec()
    } else {
        value
    };
    check_lengths(&key, &value, limits)?;
    Ok(Op::Put(key, value))
}

/// Reads a pairs file once without writing, so that a bad line anywhere in it changes nothing
/// in the store. Standard input cannot be read twice: it is checked as it is written.
fn validate(pairs: &Path, as_u64: bool, limits: &Options) -> Result<(), Failure> {
    if pairs == Path::new("-") {
        return Ok(());
    }
    let mut lines = Lines::open(pairs, true)?;
    while let Some((number, line)) = lines.next_line()? {
        if let Err(m) = parse_line(line, as_u64, limits) {
            return Err(lines.at(number, m));
        }
    }
    Ok(())
}

/// Writes the pairs file, if any, into the store; returns how many pairs were written.
fn fill(store: &Store, a: &LoadArgs) -> Result<u64, Failure> {
    let Some(pairs) = &a.pairs else {
        return Ok(0);
    };
    let limits = Options::default();
    validate(pairs, a.u64, &limits)?;
    // A bulk load is one unit of work: nothing is fsynced per batch; the sync and the
    // checkpoint at the end make all of it durable before the command reports success.
    store
        .set_durability(Durability::None)
        .map_err(Failure::lib("cannot set durability"))?;
    let mut lines = Lines::open(pairs, a.quiet)?;
    let mut batch = Vec::with_capacity(LOAD_BATCH);
    let mut n = 0u64;
    while let Some((number, line)) = lines.next_line()? {
        let op = match parse_line(line, a.u64, &limits) {
            Ok(op) => op,
            // Only standard input gets here with a bad line (a file was validated).
            Err(m) if n > 0 => {
                return Err(lines.at(
                    number,
                    format!("{m} (the {n} pairs before it were written)"),
                ))
            }
            Err(m) => return Err(lines.at(number, m)),
        };
        batch.push((number, op));
        if batch.len() == LOAD_BATCH {
            n += write(store, &mut batch)?;
        }
    }
    n += write(store, &mut batch)?;
    store.sync().map_err(Failure::lib("cannot sync"))?;
    store
        .checkpoint()
        .map_err(Failure::lib("cannot checkpoint"))?;
    Ok(n)
}

/// Writes a batch. Key and value lengths were checked line by line as they were read, so a
/// refusal here is the store's (I/O, a poisoned store) and names the batch's lines.
fn write(store: &Store, batch: &mut Vec<(u64, Op)>) -> Result<u64, Failure> {
    let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
        return Ok(0);
    };
    let lines = format!("cannot write the pairs of lines {}-{}", first.0, last.0);
    let ops: Vec<Op> = batch.drain(..).map(|(_, op)| op).collect();
    let n = ops.len() as u64;
    store.write_batch(ops).map_err(Failure::lib(lines))?;
    Ok(n)
}

/// Refuses a pair longer than the store's limits allow.
fn check_lengths(key: &[u8], value: &[u8], limits: &Options) -> Result<(), String> {
    if key.len() > limits.max_key_len {
        return Err(format!(
            "key of {} bytes is longer than the store's limit of {}",
            key.len(),
            limits.max_key_len
        ));
    }
    if value.len() > limits.max_value_len {
        return Err(format!(
            "value of {} bytes is longer than the store's limit of {}",
            value.len(),
            limits.max_value_len
        ));
    }
    Ok(())
}

fn get(dir: &Path, key: &[u8]) -> Result<(), Failure> {
    let store = open_store(dir, false)?;
    let value = store.get(key).map_err(Failure::lib("cannot read"))?;
    close(store)?;
    match value {
        Some(v) => {
            let mut out = Out::default();
            out.line(format_args!("{}", escape(&v)))?;
            out.finish()
        }
        None => {
            eprintln!("{}: not found", escape(key));
            Err(Failure::NothingFound)
        }
    }
}

fn write_one(
    dir: &Path,
    op: impl FnOnce(&Store) -> dictenstein::Result<()>,
) -> Result<(), Failure> {
    let store = open_store(dir, false)?;
    // The default policy (group commit) fsyncs before the call returns.
    op(&store).map_err(Failure::lib("cannot write"))?;
    close(store)
}

/// Every key and its value bytes, in key order, from one snapshot.
pub fn dump(store: &Store) -> Result<(), Failure> {
    let mut out = Out::default();
    for entry in store.snapshot().range(Bound::Unbounded, Bound::Unbounded) {
        let (k, v) = entry.map_err(Failure::lib("cannot read"))?;
        out.line(format_args!("{}\t{}", escape(&k), escape(&v)))?;
    }
    out.finish()
}

pub fn print_stats(out: &mut Out, s: &Stats) -> Result<(), Failure> {
    let rows: [(&str, u64); 12] = [
        ("keys", s.keys),
        ("image_bytes", s.image_bytes),
        ("image_dead_bytes", s.image_dead_bytes),
        ("wal_bytes", s.wal_bytes),
        ("index_bytes", s.index_bytes),
        ("current_lsn", s.current_lsn),
        ("synced_lsn", s.synced_lsn),
        ("replayed_records", s.replayed_records),
        ("open_micros", s.open_micros),
        ("checkpoints", s.checkpoints),
        ("fsyncs", s.fsyncs),
        ("wal_records", s.wal_records),
    ];
    for (name, v) in rows {
        out.line(format_args!("{name}\t{v}"))?;
    }
    Ok(())
}
