//! The data sets: fetched once from the registries we reach, cached, and replaced by
//! generated data with a clear notice when a source cannot be reached. Quick mode never
//! fetches: it uses small generated sets (and the word list shipped in `data/`).
//!
//! | set | source | cached as |
//! |---|---|---|
//! | English words | Debian `wamerican-huge`, `usr/share/dict/american-english-huge` | `american-english-huge` |
//! | npm package names | npm `all-the-package-names@2.0.2578`, `package/names.json` | `npm-names.json` |
//! | genome | Debian `kleborate-examples`, `Klebs_HS11286.fna.xz` | `Klebs_HS11286.fna` |
//! | frequency dictionary | PyPI `symspellpy==6.10.1`, `frequency_dictionary_en_82_765.txt` | same name |

use crate::measure::Rng;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a data set came from, printed in the report.
pub enum Origin {
    Fetched(String),
    Generated(String),
}

pub struct Dataset<T> {
    pub name: &'static str,
    pub origin: Origin,
    pub items: T,
}

impl<T> Dataset<T> {
    pub fn describe(&self) -> String {
        match &self.origin {
            Origin::Fetched(from) => format!("{}: {from}", self.name),
            Origin::Generated(why) => format!("{}: **generated** ({why})", self.name),
        }
    }
}

pub struct Sources {
    pub cache: PathBuf,
    pub quick: bool,
    pub offline: bool,
}

/// Runs a command in `dir`; an error names the command and what it printed.
fn run(dir: &Path, cmd: &str, args: &[&str]) -> Result<(), String> {
    let out = Command::new(cmd)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{cmd}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("").trim();
        Err(format!("{cmd} {} failed: {last}", args.join(" ")))
    }
}

/// Downloads a Debian package's .deb into `dir` and unpacks it into `dir/x`.
fn apt_unpack(dir: &Path, package: &str) -> Result<PathBuf, String> {
    if run(dir, "apt-get", &["download", package]).is_err() {
        // The package index may be missing on a fresh machine.
        run(dir, "apt-get", &["update", "-qq"])?;
        run(dir, "apt-get", &["download", package])?;
    }
    let deb = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .ok_or_else(|| format!("apt-get download {package} left no .deb"))?;
    let x = dir.join("x");
    run(
        dir,
        "dpkg",
        &["-x", &deb.to_string_lossy(), &x.to_string_lossy()],
    )?;
    Ok(x)
}

impl Sources {
    /// The cached file `name`, fetched by `fetch(tmpdir, destination)` when missing; never
    /// in quick mode, which uses generated data.
    fn cached(
        &self,
        name: &str,
        fetch: impl FnOnce(&Path, &Path) -> Result<(), String>,
    ) -> Result<PathBuf, String> {
        if self.quick {
            return Err("quick mode".into());
        }
        let path = self.cache.join(name);
        if path.metadata().is_ok_and(|m| m.len() > 0) {
            return Ok(path);
        }
        if self.offline {
            return Err(format!("{} not cached and --offline given", path.display()));
        }
        std::fs::create_dir_all(&self.cache).map_err(|e| e.to_string())?;
        let tmp = tempfile::tempdir_in(&self.cache).map_err(|e| e.to_string())?;
        let partial = tmp.path().join("partial");
        eprintln!("fetching {name} ...");
        fetch(tmp.path(), &partial)?;
        // Renamed into place only when complete, so an interrupted fetch is retried.
        std::fs::rename(&partial, &path).map_err(|e| e.to_string())?;
        Ok(path)
    }

    /// The data set `name`: what `got` read (from `source`), else `fallback()` marked
    /// generated with the reason, announced on stderr unless quick mode asked for it.
    fn settle<T>(
        &self,
        name: &'static str,
        source: &str,
        got: Result<T, String>,
        fallback: impl FnOnce() -> T,
    ) -> Dataset<T> {
        match got {
            Ok(items) => Dataset {
                name,
                origin: Origin::Fetched(source.to_string()),
                items,
            },
            Err(why) => {
                if !self.quick {
                    eprintln!(
                        "NOTICE: {name}: source unreachable ({why}); using generated data instead"
                    );
                }
                Dataset {
                    name,
                    origin: Origin::Generated(why),
                    items: fallback(),
                }
            }
        }
    }

    /// Debian's wamerican-huge (347k words); quick mode: every 8th word of `data/words.txt`.
    pub fn words(&self) -> Dataset<Vec<Vec<u8>>> {
        let name = "English words";
        if self.quick {
            let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/words.txt");
            if let Ok(text) = std::fs::read(&shipped) {
                let items = sorted_lines(&text).into_iter().step_by(8).collect();
                let source = "every 8th word of data/words.txt (quick mode)";
                return self.settle(name, source, Ok(items), Vec::new);
            }
        }
        let got = self
            .cached("american-english-huge", |tmp, dest| {
                let x = apt_unpack(tmp, "wamerican-huge")?;
                std::fs::copy(x.join("usr/share/dict/american-english-huge"), dest)
                    .map(drop)
                    .map_err(|e| e.to_string())
            })
            .and_then(|p| std::fs::read(&p).map_err(|e| e.to_string()))
            .map(|text| sorted_lines(&text));
        let n = if self.quick { 12_000 } else { 350_000 };
        self.settle(name, "Debian wamerican-huge", got, || generated_words(n, 1))
    }

    /// npm's all-the-package-names (4.5M names with long shared prefixes).
    pub fn npm_names(&self) -> Dataset<Vec<Vec<u8>>> {
        let got = self
            .cached("npm-names.json", |tmp, dest| {
                run(
                    tmp,
                    "npm",
                    &["pack", "--silent", "all-the-package-names@2.0.2578"],
                )?;
                run(
                    tmp,
                    "tar",
                    &[
                        "-xzf",
                        "all-the-package-names-2.0.2578.tgz",
                        "package/names.json",
                    ],
                )?;
                std::fs::rename(tmp.join("package/names.json"), dest).map_err(|e| e.to_string())
            })
            .and_then(|p| {
                let text = std::fs::read(&p).map_err(|e| e.to_string())?;
                let names: Vec<String> =
                    serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", p.display()))?;
                let mut v: Vec<Vec<u8>> = names.into_iter().map(String::into_bytes).collect();
                v.retain(|n| !n.is_empty() && !n.contains(&0));
                v.sort_unstable();
                v.dedup();
                Ok(v)
            });
        let n = if self.quick { 20_000 } else { 4_500_000 };
        self.settle(
            "npm package names",
            "npm all-the-package-names@2.0.2578",
            got,
            || generated_names(n),
        )
    }

    /// One 5.68 Mbp genome (Klebsiella pneumoniae HS11286, 7 records), each record a text.
    pub fn genome(&self) -> Dataset<Vec<Vec<u8>>> {
        let got = self
            .cached("Klebs_HS11286.fna", |tmp, dest| {
                let x = apt_unpack(tmp, "kleborate-examples")?;
                let xz = x.join("usr/share/doc/kleborate/examples/data/Klebs_HS11286.fna.xz");
                let out = Command::new("xz")
                    .arg("-dc")
                    .arg(&xz)
                    .output()
                    .map_err(|e| format!("xz: {e}"))?;
                if !out.status.success() {
                    return Err(format!("xz -dc {} failed", xz.display()));
                }
                std::fs::write(dest, out.stdout).map_err(|e| e.to_string())
            })
            .and_then(|p| std::fs::read(&p).map_err(|e| e.to_string()))
            .map(|t| fasta_records(&t));
        let n = if self.quick { 300_000 } else { 5_600_000 };
        self.settle(
            "genome",
            "Debian kleborate-examples, Klebs_HS11286 (7 records)",
            got,
            || vec![generated_dna(n)],
        )
    }

    /// SymSpell's English frequency dictionary (82,765 words with counts).
    pub fn frequencies(&self) -> Dataset<Vec<(Vec<u8>, u64)>> {
        let file = "frequency_dictionary_en_82_765.txt";
        let got = self
            .cached(file, |tmp, dest| {
                run(
                    tmp,
                    "pip",
                    &[
                        "download",
                        "--no-deps",
                        "-q",
                        "-d",
                        ".",
                        "symspellpy==6.10.1",
                    ],
                )?;
                let out = Command::new("unzip")
                    .args(["-p", "symspellpy-6.10.1-py3-none-any.whl"])
                    .arg(format!("symspellpy/{file}"))
                    .current_dir(tmp)
                    .output()
                    .map_err(|e| format!("unzip: {e}"))?;
                if !out.status.success() || out.stdout.is_empty() {
                    return Err(format!("unzip of {file} from the symspellpy wheel failed"));
                }
                std::fs::write(dest, out.stdout).map_err(|e| e.to_string())
            })
            .and_then(|p| std::fs::read(&p).map_err(|e| e.to_string()))
            .map(|t| frequency_lines(&t));
        let n = if self.quick { 5_000 } else { 82_765 };
        let source = format!("PyPI symspellpy==6.10.1, {file}");
        self.settle("frequency dictionary", &source, got, || {
            let mut rng = Rng(9);
            generated_words(n, 2)
                .into_iter()
                .map(|w| (w, 1 + rng.next() % 1_000_000))
                .collect()
        })
    }
}

fn sorted_lines(text: &[u8]) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = text
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn fasta_records(text: &[u8]) -> Vec<Vec<u8>> {
    let mut records: Vec<Vec<u8>> = Vec::new();
    for line in text.split(|&b| b == b'\n') {
        if line.starts_with(b">") {
            records.push(Vec::new());
        } else if let Some(r) = records.last_mut() {
            r.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
        }
    }
    records.retain(|r| !r.is_empty());
    records
}

/// "word count" lines; sorted by word, duplicates dropped.
fn frequency_lines(text: &[u8]) -> Vec<(Vec<u8>, u64)> {
    let mut v: Vec<(Vec<u8>, u64)> = text
        .split(|&b| b == b'\n')
        .filter_map(|l| {
            let l = std::str::from_utf8(l).ok()?.trim();
            let (w, c) = l.split_once(' ')?;
            Some((w.as_bytes().to_vec(), c.trim().parse().ok()?))
        })
        .collect();
    v.sort_unstable();
    v.dedup_by(|a, b| a.0 == b.0);
    v
}

/// Pronounceable lowercase words with English-like lengths, sorted and distinct.
fn generated_words(n: usize, seed: u64) -> Vec<Vec<u8>> {
    const C: &[u8] = b"bcdfghklmnprstvwz";
    const V: &[u8] = b"aeiou";
    let mut rng = Rng(0x5EED ^ seed);
    distinct(n, || {
        let syllables = 1 + rng.below(4);
        let mut w = Vec::new();
        for _ in 0..syllables {
            w.push(C[rng.below(C.len())]);
            w.push(V[rng.below(V.len())]);
        }
        match rng.below(4) {
            0 => w.extend_from_slice(b"s"),
            1 => w.extend_from_slice(b"ed"),
            2 => w.extend_from_slice(b"ing"),
            _ => {}
        }
        w
    })
}

/// `n` distinct outputs of `make`, sorted (fewer only if `make` cannot produce `n`).
fn distinct(n: usize, mut make: impl FnMut() -> Vec<u8>) -> Vec<Vec<u8>> {
    let mut set = std::collections::BTreeSet::new();
    let mut attempts = 0;
    while set.len() < n && attempts < 100 * n {
        set.insert(make());
        attempts += 1;
    }
    set.into_iter().collect()
}

/// Package-like names: optional scopes, hyphenated parts drawn from a small vocabulary, so
/// prefixes are long and shared as in the real list.
fn generated_names(n: usize) -> Vec<Vec<u8>> {
    let parts = generated_words(400, 3);
    let scopes = generated_words(60, 4);
    let mut rng = Rng(0xA11);
    distinct(n, || {
        let mut s = Vec::new();
        if rng.below(5) == 0 {
            s.push(b'@');
            s.extend_from_slice(&scopes[rng.below(scopes.len())]);
            s.push(b'/');
        }
        for i in 0..1 + rng.below(3) {
            if i > 0 {
                s.push(b'-');
            }
            s.extend_from_slice(&parts[rng.below(parts.len())]);
        }
        if rng.below(3) == 0 {
            s.extend_from_slice(rng.below(1000).to_string().as_bytes());
        }
        s
    })
}

/// Random DNA with repeats copied in, so a suffix automaton has clones to make.
fn generated_dna(n: usize) -> Vec<u8> {
    let mut rng = Rng(11);
    let mut dna: Vec<u8> = (0..n).map(|_| b"ACGT"[rng.below(4)]).collect();
    for _ in 0..n / 2000 {
        let from = rng.below(n - 500);
        let to = rng.below(n - 500);
        dna.copy_within(from..from + 400, to);
    }
    dna
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_read_the_real_formats() {
        assert_eq!(
            sorted_lines(b"b\r\na\n\nb\n"),
            vec![b"a".to_vec(), b"b".to_vec()]
        );
        let fasta = b">r1 desc\nAC\nGT\n>r2\n\n>r3\nTT\n";
        assert_eq!(fasta_records(fasta), vec![b"ACGT".to_vec(), b"TT".to_vec()]);
        let freq = b"the 23135851162\nof 13151942776\nbad line\nthe 1\n";
        assert_eq!(
            frequency_lines(freq),
            vec![(b"of".to_vec(), 13151942776), (b"the".to_vec(), 1)]
        );
    }

    /// Generated stand-ins are sorted, distinct and of the asked size, as the real sets are.
    #[test]
    fn generated_sets_are_sorted_and_distinct() {
        for v in [generated_words(5_000, 1), generated_names(5_000)] {
            assert_eq!(v.len(), 5_000);
            assert!(v.windows(2).all(|w| w[0] < w[1]));
            assert!(v.iter().all(|k| !k.is_empty() && !k.contains(&0)));
        }
        let dna = generated_dna(10_000);
        assert_eq!(dna.len(), 10_000);
        assert!(dna.iter().all(|b| b"ACGT".contains(b)));
    }

    /// Offline with an empty cache: generated data and the reason, never a fetch or a panic.
    #[test]
    fn offline_without_cache_falls_back_with_a_notice() {
        let dir = tempfile::tempdir().unwrap();
        let src = Sources {
            cache: dir.path().to_path_buf(),
            quick: false,
            offline: true,
        };
        let g = src.frequencies();
        assert!(matches!(&g.origin, Origin::Generated(why) if why.contains("--offline")));
        assert!(g.describe().contains("**generated**"));
        assert_eq!(g.items.len(), 82_765);
    }
}
