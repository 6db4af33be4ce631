//! The directory lock: `flock(LOCK_EX | LOCK_NB)` on `dictenstein.lock`, held while the store
//! is open. flock locks belong to the open file description, so a second open of the same
//! store, in this process or another, is refused.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::os::fd::AsRawFd;
use std::path::Path;

pub const LOCK_FILE: &str = "dictenstein.lock";

pub(crate) struct DirLock {
    _file: File,
}

impl DirLock {
    pub fn acquire(dir: &Path) -> Result<Self> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io("open lock file", &path, e))?;
        // SAFETY: `file` owns a valid descriptor for the duration of the call.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                return Err(Error::Locked { path });
            }
            return Err(Error::io("lock", &path, e));
        }
        // The lock is released when the descriptor closes (drop), even on a crash.
        Ok(DirLock { _file: file })
    }
}
