//! Opening a PATH: a dictionary file, or a durable store's directory read through the same
//! dictionary operations.

use crate::Failure;
use dictenstein::ffi::AnyDict;
use dictenstein::store::{Options, Store};
use std::path::Path;
use std::sync::Arc;

/// An open dictionary, and the store behind it when PATH was a store.
pub struct Opened {
    pub dict: Arc<AnyDict>,
    pub store: Option<Store>,
}

impl Opened {
    /// Opens a dictionary file (checksums checked as each kind's open does) or an existing
    /// store (never creates one).
    pub fn path(path: &Path) -> Result<Opened, Failure> {
        if path.is_dir() {
            let store = open_store(path, false)?;
            let dict = Arc::new(AnyDict::Store(store.reader()));
            return Ok(Opened {
                dict,
                store: Some(store),
            });
        }
        let dict = AnyDict::open(path, false)
            .map_err(Failure::lib(format_args!("cannot open {}", path.display())))?;
        Ok(Opened {
            dict: Arc::new(dict),
            store: None,
        })
    }

    /// Closes the store, if any, reporting a failed final fsync.
    pub fn close(self) -> Result<(), Failure> {
        drop(self.dict);
        match self.store {
            Some(store) => store
                .close()
                .map_err(Failure::lib("cannot close the store")),
            None => Ok(()),
        }
    }
}

/// Opens the store in `dir`; `create` makes a new one (and refuses a directory that holds
/// anything already, so a typo cannot write a store into the wrong place).
pub fn open_store(dir: &Path, create: bool) -> Result<Store, Failure> {
    if create {
        if let Ok(mut entries) = std::fs::read_dir(dir) {
            if entries.next().is_some() {
                return Err(Failure::Input(format!(
                    "{} exists and is not empty; `store create` makes a new store \
                     (use `store load` to add to an existing one)",
                    dir.display()
                )));
            }
        }
    } else if !dir.is_dir() {
        return Err(Failure::Input(format!(
            "{} is not a store directory (make one with `dictenstein store create`)",
            dir.display()
        )));
    }
    let options = Options {
        create,
        ..Options::default()
    };
    Store::open(dir, options).map_err(Failure::lib(format_args!(
        "cannot open the store {}",
        dir.display()
    )))
}
