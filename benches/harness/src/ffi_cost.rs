//! The cost of one call through the C ABI against the same call in Rust: an exact lookup in
//! a double-array trie of the words, by `DoubleArray::get`, by the exported
//! `dictenstein_dict_get` linked in statically, and by the same function resolved with
//! dlopen/dlsym from the built `libdictenstein.so`, as a C program calls it.

use crate::data::Dataset;
use crate::measure::{figure, ns_per, Rng};
use crate::report::{Cell, Section, Unit};
use crate::Ctx;
use dictenstein::ffi::{
    dictenstein_builder, dictenstein_builder_add, dictenstein_builder_finish,
    dictenstein_builder_free, dictenstein_builder_new, dictenstein_dict, dictenstein_dict_free,
    dictenstein_dict_get, dictenstein_error, dictenstein_status, DICTENSTEIN_KIND_DOUBLE_ARRAY,
};
use dictenstein::DoubleArray;
use std::ffi::{c_void, CString};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

type ErrOut = *mut *mut dictenstein_error;

type BuilderNew =
    unsafe extern "C" fn(u32, *mut *mut dictenstein_builder, ErrOut) -> dictenstein_status;
type BuilderAdd = unsafe extern "C" fn(
    *mut dictenstein_builder,
    *const u8,
    usize,
    u64,
    ErrOut,
) -> dictenstein_status;
type BuilderFinish = unsafe extern "C" fn(
    *mut dictenstein_builder,
    *mut *mut dictenstein_dict,
    ErrOut,
) -> dictenstein_status;
type BuilderFree = unsafe extern "C" fn(*mut dictenstein_builder);
type DictFree = unsafe extern "C" fn(*mut dictenstein_dict);
type DictGet = unsafe extern "C" fn(
    *const dictenstein_dict,
    *const u8,
    usize,
    *mut u64,
    ErrOut,
) -> dictenstein_status;

/// The C functions this benchmark calls, with the signatures of `include/dictenstein.h`:
/// either the ones linked into this binary or the same symbols resolved in the shared library.
struct CApi {
    builder_new: BuilderNew,
    builder_add: BuilderAdd,
    builder_finish: BuilderFinish,
    builder_free: BuilderFree,
    dict_free: DictFree,
    dict_get: DictGet,
}

impl CApi {
    /// The exported functions linked into this binary.
    fn linked() -> CApi {
        CApi {
            builder_new: dictenstein_builder_new,
            builder_add: dictenstein_builder_add,
            builder_finish: dictenstein_builder_finish,
            builder_free: dictenstein_builder_free,
            dict_free: dictenstein_dict_free,
            dict_get: dictenstein_dict_get,
        }
    }

    /// Builds a double-array dictionary of `words` (values: their indexes) through the C
    /// builder; the caller frees it with `dict_free`.
    fn build(&self, words: &[Vec<u8>]) -> *mut dictenstein_dict {
        let no_err: ErrOut = std::ptr::null_mut();
        let mut b = std::ptr::null_mut();
        // SAFETY: valid out-pointers; a NULL error pointer asks for no error object; every
        // word is readable for its length; the builder is live until freed once at the end.
        unsafe {
            assert_eq!(
                (self.builder_new)(DICTENSTEIN_KIND_DOUBLE_ARRAY, &mut b, no_err),
                0
            );
            for (i, w) in words.iter().enumerate() {
                assert_eq!(
                    (self.builder_add)(b, w.as_ptr(), w.len(), i as u64, no_err),
                    0
                );
            }
            let mut d = std::ptr::null_mut();
            assert_eq!((self.builder_finish)(b, &mut d, no_err), 0);
            (self.builder_free)(b);
            d
        }
    }
}

/// The shared library a C program would link: `$DICTENSTEIN_SO`, else the workspace's
/// release build.
fn library_path() -> PathBuf {
    std::env::var_os("DICTENSTEIN_SO").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/libdictenstein.so"),
        PathBuf::from,
    )
}

/// The shared library opened with dlopen, and its symbols; closed on drop.
struct Shared {
    handle: *mut c_void,
    api: CApi,
}

impl Shared {
    fn open() -> Result<Shared, String> {
        let path = library_path();
        let c = CString::new(path.to_string_lossy().into_owned()).map_err(|e| e.to_string())?;
        // SAFETY: `c` is a NUL-terminated path; dlopen has no other precondition.
        let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_LOCAL) };
        if handle.is_null() {
            return Err(format!(
                "{} not built (cargo build --release --lib)",
                path.display()
            ));
        }
        let sym = |name: &str| -> Result<*mut c_void, String> {
            let n = CString::new(name).unwrap();
            // SAFETY: `handle` is a live dlopen handle and `n` NUL-terminated.
            let p = unsafe { libc::dlsym(handle, n.as_ptr()) };
            if p.is_null() {
                Err(format!("{name} missing from {}", path.display()))
            } else {
                Ok(p)
            }
        };
        // SAFETY: each symbol is the exported function of that name, built from the same
        // source as the linked one of the same type (see `CApi::linked`), so the signatures
        // are identical.
        unsafe {
            Ok(Shared {
                api: CApi {
                    builder_new: std::mem::transmute::<*mut c_void, BuilderNew>(sym(
                        "dictenstein_builder_new",
                    )?),
                    builder_add: std::mem::transmute::<*mut c_void, BuilderAdd>(sym(
                        "dictenstein_builder_add",
                    )?),
                    builder_finish: std::mem::transmute::<*mut c_void, BuilderFinish>(sym(
                        "dictenstein_builder_finish",
                    )?),
                    builder_free: std::mem::transmute::<*mut c_void, BuilderFree>(sym(
                        "dictenstein_builder_free",
                    )?),
                    dict_free: std::mem::transmute::<*mut c_void, DictFree>(sym(
                        "dictenstein_dict_free",
                    )?),
                    dict_get: std::mem::transmute::<*mut c_void, DictGet>(sym(
                        "dictenstein_dict_get",
                    )?),
                },
                handle,
            })
        }
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // SAFETY: the handle came from dlopen; nothing from the library is used after this
        // (the dictionary it built is freed before the Shared value is dropped).
        unsafe { libc::dlclose(self.handle) };
    }
}

pub fn run(ctx: &Ctx, words: &Dataset<Vec<Vec<u8>>>) -> Section {
    let mut sec = Section::new("One call through the C ABI against the same call in Rust");
    let keys = &words.items;
    let mut order: Vec<&[u8]> = keys.iter().map(|k| &k[..]).collect();
    Rng(3).shuffle(&mut order);
    order.truncate(if ctx.quick { 20_000 } else { 300_000 });
    // Copies in the order asked, as in the static lookups (see there).
    let qs: Vec<Vec<u8>> = order.iter().map(|q| q.to_vec()).collect();
    sec.about(format!(
        "An exact lookup of {} {} in random order, in a double-array trie of all {}: the \
         boundary (NULL checks, panic catch, handle borrow, status) is the difference.",
        qs.len(),
        words.name,
        keys.len()
    ));
    // One pass over the queries with `f`, in ns per lookup.
    let pass = |f: &dyn Fn(&[u8]) -> bool| {
        let t = Instant::now();
        let found = qs.iter().filter(|q| f(black_box(q))).count();
        assert_eq!(found, qs.len());
        [ns_per(t, qs.len())]
    };
    let dat =
        DoubleArray::from_pairs(keys.iter().enumerate().map(|(i, k)| (&k[..], i as u64))).unwrap();
    // One lookup through a C API table, on a dictionary its own builder made. The value slot
    // is declared once per pass, not zeroed before every call: a fresh `let mut v = 0` per
    // lookup made the C loop 1.2-1.7x the Rust one by itself (measured with bare `extern "C"`
    // wrappers in rotating rounds: the zeroing store, then the callee's store of the result
    // to the same slot), which is the caller's cost, not the boundary's.
    let through = |api: &CApi, d: *mut dictenstein_dict| {
        let mut v = 0u64;
        let slot: *mut u64 = &mut v;
        let ns = pass(&|q| {
            // SAFETY: `d` is live until freed below; `q` is readable; `slot` points to `v`,
            // which outlives the pass.
            unsafe { (api.dict_get)(d, q.as_ptr(), q.len(), slot, std::ptr::null_mut()) == 0 }
        });
        black_box(v);
        ns
    };
    let linked = CApi::linked();
    let linked_dict = linked.build(keys);
    let shared = Shared::open();
    let shared_dict = shared.as_ref().ok().map(|lib| lib.api.build(keys));
    // All three run in the same rounds (see `Reps::rounds`): taken in separate loops, this
    // ratio read anywhere from 1.06x to 1.35x from one run to the next.
    let mut rust_run = || pass(&|q| dat.get(q).is_some());
    let mut linked_run = || through(&linked, linked_dict);
    let mut shared_run = (shared.as_ref().ok())
        .zip(shared_dict)
        .map(|(lib, d)| move || through(&lib.api, d));
    let mut runs: Vec<&mut dyn FnMut() -> [f64; 1]> = vec![&mut rust_run, &mut linked_run];
    if let Some(run) = shared_run.as_mut() {
        runs.push(run);
    }
    let rounds = ctx.reps.rounds(&mut runs);
    // SAFETY: each dictionary came from its API's builder, is freed once, and is not used
    // after this (the rounds are over).
    unsafe {
        (linked.dict_free)(linked_dict);
        if let (Ok(lib), Some(d)) = (&shared, shared_dict) {
            (lib.api.dict_free)(d);
        }
    }
    let rust = ("Rust: DoubleArray::get", 0);
    let shared_name = "dictenstein_dict_get from libdictenstein.so (dlopen)";
    match &shared {
        Ok(_) => sec.compare_in_rounds("exact lookup", Unit::Ns, &rounds, (shared_name, 2), rust),
        Err(why) => sec.compare(
            "exact lookup",
            Unit::Ns,
            (shared_name, Cell::Missing(why.clone())),
            vec![(rust.0, figure(&rounds[0], 0).into())],
        ),
    }
    let linked_name = "dictenstein_dict_get linked statically";
    sec.compare_in_rounds("exact lookup", Unit::Ns, &rounds, (linked_name, 1), rust);
    sec
}
