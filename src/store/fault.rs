//! A [`Vfs`] for tests that injects faults, as redb's crash and fuzzer backends do.
//!
//! It writes through to real files and keeps, for each file, a shadow of what a power
//! failure would leave: the content as of the last `fdatasync`, and whether the directory
//! entry is durable. It can
//! - fail the Nth `write_at` (the first half of the bytes are written, then `ENOSPC`),
//! - fail the Nth fsync (`EIO`; file and directory syncs count alike),
//! - [`FaultVfs::crash`]: rewrite every file to its durable shadow, optionally keeping the
//!   first bytes of the very last write (a torn write), and refuse every later call, so the
//!   store that was running can be dropped without touching the files again.
//!
//! Model limits: a rename is durable at once (only compaction renames), and nothing written
//! since a file's last fsync survives a crash (a real disk may keep some of it, which the
//! torn-write mode approximates for the last write only).

use super::vfs::{OsVfs, VFile, Vfs};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Default)]
struct Shadow {
    /// Content a power failure would leave (None: the file would not exist).
    durable: Option<Vec<u8>>,
    /// Whether the directory entry is durable (a created file needs a directory fsync).
    entry_durable: bool,
    /// Writes since the last fsync, oldest first: (offset, bytes) or a length change.
    pending: Vec<Pending>,
    exists: bool,
}

enum Pending {
    Write(u64, Vec<u8>),
    SetLen(u64),
}

#[derive(Default)]
struct State {
    writes: u64,
    syncs: u64,
    fail_write: Option<u64>,
    fail_sync: Option<u64>,
    crashed: bool,
    files: HashMap<PathBuf, Shadow>,
    /// The file of the most recent write, for torn-write crashes.
    last_write: Option<PathBuf>,
}

/// See the module documentation.
#[derive(Clone, Default)]
pub struct FaultVfs {
    state: Arc<Mutex<State>>,
}

fn eio(what: &str) -> io::Error {
    io::Error::other(format!("injected fault: {what}"))
}

fn crashed() -> io::Error {
    io::Error::other("injected crash: the file system is gone")
}

impl FaultVfs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes the `n`th write from now (1-based) fail after writing half its bytes.
    pub fn fail_write_after(&self, n: u64) {
        let mut s = self.state.lock();
        s.fail_write = Some(s.writes + n);
    }

    /// Makes the `n`th fsync from now (1-based) fail.
    pub fn fail_sync_after(&self, n: u64) {
        let mut s = self.state.lock();
        s.fail_sync = Some(s.syncs + n);
    }

    /// Writes and fsyncs so far (for tests that iterate over every N).
    pub fn counts(&self) -> (u64, u64) {
        let s = self.state.lock();
        (s.writes, s.syncs)
    }

    /// Simulates a power failure: every file becomes what was durable, plus the first
    /// `torn_keep` bytes of the last write when given. Every later call fails.
    pub fn crash(&self, torn_keep: Option<usize>) -> io::Result<()> {
        let mut s = self.state.lock();
        s.crashed = true;
        let last = s.last_write.clone();
        for (path, sh) in s.files.iter_mut() {
            let mut content = if sh.entry_durable {
                sh.durable.clone()
            } else {
                None
            };
            if let (Some(keep), Some(c)) = (torn_keep, content.as_mut()) {
                if last.as_deref() == Some(path.as_path()) {
                    if let Some(Pending::Write(off, bytes)) = sh
                        .pending
                        .iter()
                        .rev()
                        .find(|p| matches!(p, Pending::Write(..)))
                    {
                        apply(
                            c,
                            &Pending::Write(*off, bytes[..keep.min(bytes.len())].to_vec()),
                        );
                    }
                }
            }
            match content {
                Some(c) => std::fs::write(path, c)?,
                None => match std::fs::remove_file(path) {
                    Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                },
            }
        }
        Ok(())
    }
}

fn apply(content: &mut Vec<u8>, p: &Pending) {
    match p {
        Pending::Write(off, bytes) => {
            let off = *off as usize;
            if content.len() < off + bytes.len() {
                content.resize(off + bytes.len(), 0);
            }
            content[off..off + bytes.len()].copy_from_slice(bytes);
        }
        Pending::SetLen(n) => content.resize(*n as usize, 0),
    }
}

struct FaultFile {
    inner: Arc<dyn VFile>,
    path: PathBuf,
    state: Arc<Mutex<State>>,
}

impl VFile for FaultFile {
    fn read_at(&self, buf: &mut [u8], off: u64) -> io::Result<()> {
        if self.state.lock().crashed {
            return Err(crashed());
        }
        self.inner.read_at(buf, off)
    }

    fn write_at(&self, buf: &[u8], off: u64) -> io::Result<()> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        s.writes += 1;
        s.last_write = Some(self.path.clone());
        let (bytes, result) = if s.fail_write == Some(s.writes) {
            let half = &buf[..buf.len() / 2];
            (half, Err(io::Error::from_raw_os_error(libc::ENOSPC)))
        } else {
            (buf, Ok(()))
        };
        self.inner.write_at(bytes, off)?;
        let sh = s.files.entry(self.path.clone()).or_default();
        sh.pending.push(Pending::Write(off, bytes.to_vec()));
        result
    }

    fn sync(&self) -> io::Result<()> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        s.syncs += 1;
        if s.fail_sync == Some(s.syncs) {
            return Err(eio("fsync"));
        }
        self.inner.sync()?;
        let sh = s.files.entry(self.path.clone()).or_default();
        let mut content = sh.durable.take().unwrap_or_default();
        for p in sh.pending.drain(..) {
            apply(&mut content, &p);
        }
        sh.durable = Some(content);
        Ok(())
    }

    fn set_len(&self, len: u64) -> io::Result<()> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        self.inner.set_len(len)?;
        let sh = s.files.entry(self.path.clone()).or_default();
        sh.pending.push(Pending::SetLen(len));
        Ok(())
    }

    fn len(&self) -> io::Result<u64> {
        self.inner.len()
    }

    fn file(&self) -> &File {
        self.inner.file()
    }
}

impl Vfs for FaultVfs {
    fn open(&self, path: &Path, create: bool) -> io::Result<Arc<dyn VFile>> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        let existed = path.exists();
        let inner = OsVfs.open(path, create)?;
        let sh = s.files.entry(path.to_path_buf()).or_default();
        if !sh.exists {
            sh.exists = true;
            if existed {
                // First sight of a file made before this VFS: all of it is durable.
                sh.durable = Some(std::fs::read(path)?);
                sh.entry_durable = true;
            } else {
                sh.durable = Some(Vec::new());
                sh.entry_durable = false;
            }
        }
        Ok(Arc::new(FaultFile {
            inner,
            path: path.to_path_buf(),
            state: self.state.clone(),
        }))
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        OsVfs.remove(path)?;
        if let Some(sh) = s.files.get_mut(path) {
            sh.exists = false;
        }
        Ok(())
    }

    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        OsVfs.rename(from, to)?;
        if let Some(mut sh) = s.files.remove(from) {
            sh.entry_durable = true;
            s.files.insert(to.to_path_buf(), sh);
        }
        Ok(())
    }

    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        let mut s = self.state.lock();
        if s.crashed {
            return Err(crashed());
        }
        s.syncs += 1;
        if s.fail_sync == Some(s.syncs) {
            return Err(eio("directory fsync"));
        }
        OsVfs.sync_dir(dir)?;
        s.files.retain(|p, sh| {
            if p.parent() != Some(dir) {
                return true;
            }
            sh.entry_durable = sh.exists;
            sh.exists
        });
        Ok(())
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<String>> {
        if self.state.lock().crashed {
            return Err(crashed());
        }
        OsVfs.list(dir)
    }
}
