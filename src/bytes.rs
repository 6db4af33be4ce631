//! Immutable byte images that are either built in memory or mapped from a file, and the
//! atomic file write used to save them. Shared by every static structure.

use crate::error::{Error, Result};
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The bytes of a structure. Reading them never needs to know where they came from.
pub enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Bytes {
    #[inline(always)]
    pub fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }

    /// Whether the bytes are a file mapping rather than heap memory.
    pub fn is_mapped(&self) -> bool {
        matches!(self, Bytes::Mapped(_))
    }

    /// Maps `path` read-only. Files shorter than `min_len` are read instead (mapping an empty
    /// file fails on Linux, and a short file is about to be rejected by the header check).
    pub fn map_file(path: &Path, min_len: usize) -> Result<Bytes> {
        let mut file = File::open(path).map_err(|e| Error::io("open", path, e))?;
        let len = file
            .metadata()
            .map_err(|e| Error::io("stat", path, e))?
            .len();
        if len < min_len as u64 {
            let mut buf = Vec::new();
            file.read_to_end(&mut buf)
                .map_err(|e| Error::io("read", path, e))?;
            return Ok(Bytes::Owned(buf));
        }
        // SAFETY: the map is read-only and private to this process. Soundness requires that no
        // one truncates or rewrites the file while it is mapped; that is the documented
        // contract of every open-from-file call (as for LMDB and fst). Saves from this library
        // never rewrite a file in place: they write a new file and rename it over the old one,
        // so an existing mapping keeps seeing the old inode.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io("mmap", path, e))?;
        Ok(Bytes::Mapped(map))
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory is written and
/// fsynced, renamed over `path`, and the directory is fsynced so the rename itself is durable.
/// A crash leaves either the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| Error::invalid("path", format!("{} has no file name", path.display())))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);
    let result = (|| {
        let mut f = File::create(&tmp).map_err(|e| Error::io("create", &tmp, e))?;
        f.write_all(bytes)
            .map_err(|e| Error::io("write", &tmp, e))?;
        f.sync_all().map_err(|e| Error::io("fsync", &tmp, e))?;
        fs::rename(&tmp, path).map_err(|e| Error::io("rename to", path, e))?;
        sync_dir(&dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// fsyncs a directory so that entries created or renamed in it survive a crash.
pub fn sync_dir(dir: &Path) -> Result<()> {
    let d = File::open(dir).map_err(|e| Error::io("open directory", dir, e))?;
    d.sync_all()
        .map_err(|e| Error::io("fsync directory", dir, e))
}
