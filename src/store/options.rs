//! Store options and durability policies.

use super::vfs::{OsVfs, Vfs};
use crate::error::{Error, Result};
use std::sync::Arc;
use std::time::Duration;

/// When a write is acknowledged and when the WAL is fsynced; see `docs/durability.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Acknowledged once its WAL record is durable (one fsync per commit group).
    Immediate,
    /// As `Immediate`; the group leader first waits, at most `window`, until as many writers
    /// are queued as its last group had.
    GroupCommit { window: Duration },
    /// Acknowledged once written to the OS; a background fsync every `interval`.
    Periodic { interval: Duration },
    /// Acknowledged once written to the OS; fsync only at checkpoint, `sync` and close.
    None,
}

impl Durability {
    /// Does a commit group fsync before it is acknowledged?
    pub fn syncs_each_group(self) -> bool {
        matches!(self, Durability::Immediate | Durability::GroupCommit { .. })
    }

    pub(crate) fn validate(self) -> Result<()> {
        match self {
            Durability::GroupCommit { window } if window > Duration::from_secs(1) => Err(
                Error::invalid("durability", "group-commit window longer than 1 s"),
            ),
            Durability::Periodic { interval } if interval.is_zero() => {
                Err(Error::invalid("durability", "periodic interval of 0"))
            }
            _ => Ok(()),
        }
    }
}

/// Largest key the store accepts (the in-memory index's limit).
pub const MAX_KEY_LEN: usize = crate::MAX_TERM_LEN;
/// Largest value the store accepts.
pub const MAX_VALUE_LEN: usize = 64 << 20;

/// Longest [`Options::commit_spin`]: a longer yield loop would only burn CPU, as every
/// commit is acknowledged within a few fsyncs.
pub const MAX_COMMIT_SPIN: Duration = Duration::from_millis(10);

/// Options of [`super::Store::open`]. `Options::default()` gives the documented defaults.
#[derive(Clone)]
pub struct Options {
    /// Create the directory and an empty store when missing (default true).
    pub create: bool,
    /// Default `GroupCommit` with a 100 us window.
    pub durability: Durability,
    /// Checkpoint automatically once this many WAL bytes were written since the last one
    /// (default 64 MiB; 0 = never on size).
    pub checkpoint_wal_bytes: u64,
    /// Checkpoint automatically this long after the last one when something changed
    /// (default 60 s; `None` = never on time).
    pub checkpoint_interval: Option<Duration>,
    /// Longest key accepted, at most [`MAX_KEY_LEN`] (default 4096).
    pub max_key_len: usize,
    /// Longest value accepted, at most [`MAX_VALUE_LEN`] (default 1 MiB).
    pub max_value_len: usize,
    /// Each WAL segment is extended to a multiple of this many bytes ahead of its records
    /// (a sparse `set_len`, then filled with zeros 1 MiB at a time ahead of the records), so
    /// the fdatasync of a commit does not also have to commit a new file size or a block
    /// allocation: about 40% less per durable commit on ext4. Default 64 MiB; 0 = grow
    /// with each append (and no zero fill); at most 1 GiB.
    pub wal_preallocate: u64,
    /// How long a writer waiting on a commit (its group's fsync, or a GroupCommit leader
    /// gathering its group) yields the CPU in a loop before it sleeps. Waking a sleeping
    /// thread can cost tens of microseconds (about 27 us on the 2-vCPU VMs we measure on),
    /// and with several writers those wake-ups queue up behind every fsync; a writer that
    /// is still yielding sees its answer at once. The price is CPU time: up to this long per
    /// wait, given back to any other runnable thread. Default 300 us (about two fsyncs
    /// here); zero sleeps at once; at most 10 ms.
    pub commit_spin: Duration,
    /// The storage (the real file system by default; tests inject faults here).
    pub vfs: Arc<dyn Vfs>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            create: true,
            durability: Durability::GroupCommit {
                window: Duration::from_micros(100),
            },
            checkpoint_wal_bytes: 64 << 20,
            checkpoint_interval: Some(Duration::from_secs(60)),
            max_key_len: 4096,
            max_value_len: 1 << 20,
            wal_preallocate: 64 << 20,
            commit_spin: Duration::from_micros(300),
            vfs: Arc::new(OsVfs),
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("create", &self.create)
            .field("durability", &self.durability)
            .field("checkpoint_wal_bytes", &self.checkpoint_wal_bytes)
            .field("checkpoint_interval", &self.checkpoint_interval)
            .field("max_key_len", &self.max_key_len)
            .field("max_value_len", &self.max_value_len)
            .field("wal_preallocate", &self.wal_preallocate)
            .field("commit_spin", &self.commit_spin)
            .finish()
    }
}

impl Options {
    pub(crate) fn validate(&self) -> Result<()> {
        self.durability.validate()?;
        if self.max_key_len == 0 || self.max_key_len > MAX_KEY_LEN {
            return Err(Error::invalid(
                "max_key_len",
                format!("{} is not in 1..={MAX_KEY_LEN}", self.max_key_len),
            ));
        }
        if self.max_value_len > MAX_VALUE_LEN {
            return Err(Error::invalid(
                "max_value_len",
                format!("{} is above {MAX_VALUE_LEN}", self.max_value_len),
            ));
        }
        if self.wal_preallocate > 1 << 30 {
            return Err(Error::invalid(
                "wal_preallocate",
                format!("{} is above 1 GiB", self.wal_preallocate),
            ));
        }
        if self.commit_spin > MAX_COMMIT_SPIN {
            return Err(Error::invalid(
                "commit_spin",
                format!("{:?} is above {MAX_COMMIT_SPIN:?}", self.commit_spin),
            ));
        }
        if self.checkpoint_interval.is_some_and(|d| d.is_zero()) {
            return Err(Error::invalid(
                "checkpoint_interval",
                "0 (use None for never)",
            ));
        }
        Ok(())
    }
}
