//! What readers see: the memtable, the frozen memtable (during a checkpoint) and the mapped
//! image, published together so a reader loads one consistent set.

use super::image::{self, Slot, NODES_START};
use super::memtable::{Found, Memtable};
use super::vfs::VFile;
use crate::error::{Error, Result};
use crossbeam_epoch::Guard;
use memmap2::{Mmap, MmapOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The image as one checkpoint published it.
pub(crate) struct Image {
    /// The node region `NODES_START..slot.end`, `None` when it is empty.
    map: Option<Mmap>,
    pub slot: Slot,
    pub path: PathBuf,
}

impl Image {
    /// Maps the nodes of `slot` (not the header slots, which later checkpoints rewrite).
    pub fn map(file: &dyn VFile, path: &Path, slot: Slot) -> Result<Self> {
        let len = slot.end - NODES_START;
        let map = if len == 0 {
            None
        } else {
            let file_len = file.len().map_err(|e| Error::io("stat", path, e))?;
            if file_len < slot.end {
                return Err(Error::from(crate::FormatError::Truncated {
                    expected: slot.end,
                    got: file_len,
                })
                .with_path(path));
            }
            // SAFETY: the mapped range is the node region up to `slot.end`. Nodes below the
            // end offset of a published slot are never written again: checkpoints append
            // after it, and compaction writes a new file and renames it (this mapping keeps
            // the old inode). So the bytes behind the slice never change while it lives.
            let m = unsafe {
                MmapOptions::new()
                    .offset(NODES_START)
                    .len(len as usize)
                    .map(file.file())
            };
            let m = m.map_err(|e| Error::io("mmap", path, e))?;
            // Lookups jump around the image: without this hint each page fault reads ahead
            // around it, so lookups on an image that is not cached pull in far more than they
            // touch (test `open_does_not_load_the_image`: 50 lookups made 6.3 MB resident
            // without it, 0.75 MB with it). Random access, as LMDB does. The hint only
            // affects performance; failing to give it is not an error.
            let _ = m.advise(memmap2::Advice::Random);
            Some(m)
        };
        Ok(Image {
            map,
            slot,
            path: path.to_path_buf(),
        })
    }

    /// The node region (offset 0 of the slice is file offset `NODES_START`).
    pub fn nodes(&self) -> &[u8] {
        self.map.as_deref().unwrap_or(&[])
    }

    pub fn get(&self, key: &[u8]) -> Result<Option<&[u8]>> {
        if self.slot.root == 0 {
            return Ok(None);
        }
        image::get_in(
            self.nodes(),
            NODES_START,
            self.slot.root,
            self.slot.end,
            key,
        )
        .map_err(|e| Error::from(e).with_path(&self.path))
    }
}

#[derive(Clone)]
pub(crate) struct Layers {
    pub mem: Arc<Memtable>,
    pub frozen: Option<Arc<Memtable>>,
    pub image: Arc<Image>,
}

impl Layers {
    /// The value of `key` at LSN `at`, borrowed for the pin `g` (memtables) or the layers.
    pub fn get<'a>(&'a self, g: &'a Guard, key: &[u8], at: u64) -> Result<Option<&'a [u8]>> {
        for m in std::iter::once(&self.mem).chain(self.frozen.as_ref()) {
            match m.get(g, key, at) {
                Found::Value(v) => return Ok(Some(v)),
                Found::Removed => return Ok(None),
                Found::Absent => {}
            }
        }
        self.image.get(key)
    }
}
