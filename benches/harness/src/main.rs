//! `dictenstein-bench`: libdictenstein and the systems users would pick instead, measured in
//! one run on the same machine and data, reported as a markdown table of ratios.
//!
//! `bash scripts/bench.sh` runs it in full and writes `docs/benchmarks.md` (and the README's
//! headline block); `bash scripts/bench.sh --quick` is the seconds-long smoke run CI does.
//! `cargo run --release -p dictenstein-bench -- --help` lists the options.

mod data;
mod ffi_cost;
mod fuzzy;
mod machine;
mod measure;
mod mutable;
mod report;
mod static_lookup;
mod store;
mod substring;

use measure::{Counting, Reps};
use report::Section;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What every section needs: the mode, the repetitions, where the store benchmark writes.
pub struct Ctx {
    pub quick: bool,
    pub reps: Reps,
    pub work_dir: PathBuf,
}

const SECTIONS: [&str; 6] = ["static", "mutable", "substring", "fuzzy", "store", "ffi"];

struct Args {
    quick: bool,
    offline: bool,
    only: Vec<String>,
    runs: Option<usize>,
    data: PathBuf,
    work: PathBuf,
    docs: Option<PathBuf>,
    readme: Option<PathBuf>,
}

const HELP: &str = "\
dictenstein-bench: libdictenstein side by side with its rivals, one run, same data

usage: dictenstein-bench [options]
  --quick           small generated data, one run each: seconds (what CI runs)
  --only LIST       comma-separated sections: static,mutable,substring,fuzzy,store,ffi
  --runs N          measured runs per figure (default 5; quick 1), after one warm-up
  --data DIR        cache of fetched data sets (default: bench-data/ in the workspace,
                    or $DICTENSTEIN_BENCH_DATA)
  --offline         never fetch; a data set not cached is replaced by generated data
  --work DIR        where the store benchmark writes (default: target/bench-work, or
                    $DICTENSTEIN_BENCH_DIR); put it on the disk you want measured
  --docs FILE       write the report into FILE between its results markers
  --readme FILE     write the headline ratios into FILE between its headline markers
  --help            this text

The report (markdown) goes to standard output; progress and notices to standard error.
Exit status: 0 success, 2 bad arguments or a file that could not be written.";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parse_args() -> Result<Args, String> {
    let env_path =
        |var: &str, default: PathBuf| std::env::var_os(var).map_or(default, PathBuf::from);
    let mut a = Args {
        quick: false,
        offline: false,
        only: SECTIONS.iter().map(|s| s.to_string()).collect(),
        runs: None,
        data: env_path("DICTENSTEIN_BENCH_DATA", workspace().join("bench-data")),
        work: env_path(
            "DICTENSTEIN_BENCH_DIR",
            workspace().join("target/bench-work"),
        ),
        docs: None,
        readme: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--offline" => a.offline = true,
            "--only" => {
                a.only = value("--only")?
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .collect();
                if let Some(bad) = a.only.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                    return Err(format!(
                        "unknown section {bad:?}; known: {}",
                        SECTIONS.join(",")
                    ));
                }
            }
            "--runs" => {
                let v = value("--runs")?;
                a.runs = Some(
                    v.parse()
                        .ok()
                        .filter(|&n: &usize| n > 0)
                        .ok_or_else(|| format!("--runs wants a positive integer, got {v:?}"))?,
                );
            }
            "--data" => a.data = value("--data")?.into(),
            "--work" => a.work = value("--work")?.into(),
            "--docs" => a.docs = Some(value("--docs")?.into()),
            "--readme" => a.readme = Some(value("--readme")?.into()),
            "--help" | "-h" => {
                println!("{HELP}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    Ok(a)
}

fn today() -> String {
    std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown date".into())
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `path`.
fn splice(path: &Path, name: &str, body: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (begin, end) = (
        format!("<!-- {name}:begin -->"),
        format!("<!-- {name}:end -->"),
    );
    let (Some(b), Some(e)) = (text.find(&begin), text.find(&end)) else {
        return Err(format!(
            "{}: markers {begin} and {end} not found",
            path.display()
        ));
    };
    if e < b {
        return Err(format!("{}: {end} comes before {begin}", path.display()));
    }
    let out = format!("{}{begin}\n{body}{}", &text[..b], &text[e..]);
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))
}

/// The ratios the README quotes: one line per headline row that was measured.
fn headline(sections: &[Section]) -> String {
    // (section title starts with, measure starts with, anchor, ours name starts with)
    const PICKS: [(&str, &str, &str, &str); 9] = [
        (
            "Static lookup: English",
            "positive lookup",
            "darts-clone",
            "double-array",
        ),
        (
            "Static lookup: English",
            "positive lookup",
            "fst Set",
            "DAWG",
        ),
        ("Static lookup: English", "size", "fst Set", "DAWG"),
        // Gets on the English words and on the u64 keys: both are goals of #3.
        (
            "Mutable index",
            "get, random order, ",
            "HashMap",
            "adaptive",
        ),
        (
            "Substring index",
            "20-byte contains",
            "suffix SuffixTable",
            "suffix automaton, saved",
        ),
        ("Fuzzy search", "English words", "SymSpell", "DAT"),
        (
            "Durable store",
            "durable put, 1 thread",
            "LMDB (heed)",
            "store",
        ),
        (
            "Durable store",
            "durable puts, 8 writer",
            "sled (flush)",
            "store",
        ),
        (
            "One call through the C ABI",
            "exact lookup",
            "Rust: DoubleArray::get",
            "dictenstein_dict_get from",
        ),
    ];
    let mut out = String::from("| measure | ours | anchor | ours / anchor |\n|---|---|---|---|\n");
    for (sec, measure, anchor, ours) in PICKS {
        let rows = sections
            .iter()
            .filter(|s| s.title.starts_with(sec))
            .flat_map(|s| &s.rows)
            .filter(|r| {
                r.measure.starts_with(measure)
                    && r.anchor == anchor
                    && r.ours_name.starts_with(ours)
            });
        for r in rows {
            if let Some((ratio, better)) = r.ratio() {
                out.push_str(&format!(
                    "| {} | {} | {} | {ratio:.2} ({}) |\n",
                    r.measure,
                    r.ours_name,
                    r.anchor,
                    if better { "better" } else { "worse" }
                ));
            }
        }
    }
    out
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("dictenstein-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let runs = args.runs.unwrap_or(if args.quick { 1 } else { 5 });
    let ctx = Ctx {
        quick: args.quick,
        reps: Reps {
            warmup: usize::from(!args.quick),
            runs,
            budget: if args.quick {
                Duration::from_secs(2)
            } else {
                Duration::from_secs(40)
            },
        },
        work_dir: args.work.clone(),
    };
    let src = data::Sources {
        cache: args.data.clone(),
        quick: args.quick,
        offline: args.offline,
    };
    let wants = |s: &str| args.only.iter().any(|o| o == s);
    let started = Instant::now();
    let words = src.words();
    let mut data_lines = vec![format!(
        "- {} ({} keys)",
        words.describe(),
        words.items.len()
    )];
    let mut sections: Vec<Section> = Vec::new();
    let mut step = |name: &str, f: &mut dyn FnMut() -> Vec<Section>| {
        if wants(name) {
            eprintln!("== {name} ({:.0} s in)", started.elapsed().as_secs_f64());
            sections.extend(f());
        }
    };
    step("static", &mut || {
        let npm = src.npm_names();
        data_lines.push(format!("- {} ({} keys)", npm.describe(), npm.items.len()));
        vec![
            static_lookup::run(&ctx, &words),
            static_lookup::run(&ctx, &npm),
        ]
    });
    step("mutable", &mut || vec![mutable::run(&ctx, &words)]);
    step("substring", &mut || {
        let g = src.genome();
        let bytes: usize = g.items.iter().map(Vec::len).sum();
        data_lines.push(format!(
            "- {} ({} texts, {bytes} bytes)",
            g.describe(),
            g.items.len()
        ));
        vec![substring::run(&ctx, &g)]
    });
    step("fuzzy", &mut || {
        let f = src.frequencies();
        data_lines.push(format!(
            "- {} ({} words with counts)",
            f.describe(),
            f.items.len()
        ));
        vec![fuzzy::run(&ctx, &words, &f)]
    });
    step("store", &mut || vec![store::run(&ctx)]);
    step("ffi", &mut || vec![ffi_cost::run(&ctx, &words)]);

    std::fs::create_dir_all(&args.work).ok();
    let mut report = format!(
        "## Results\n\nRun on {} in {} mode ({:.0} s), sections: {}. Each figure is the median of \
         {runs} measured run(s){}; \"±N%\" is half the range of the runs around the median. \
         Ratios are ours ÷ anchor; \"better\" accounts for the direction (time: lower, \
         rate: higher). Where a ratio says \"rounds a-b\", ours and the anchor ran in the same \
         rounds (one run of each per round, the order rotating) and the ratio is the median \
         of the rounds' ratios, a-b their range.\n\n### Machine\n\n{}\n\n### Data\n\n{}\n\n",
        today(),
        if args.quick { "quick" } else { "full" },
        started.elapsed().as_secs_f64(),
        args.only.join(", "),
        if args.quick {
            ""
        } else {
            " after one warm-up run (slow builds stop repeating after 40 s)"
        },
        machine::describe(&args.work).join("\n"),
        data_lines.join("\n"),
    );
    let head = headline(&sections);
    report.push_str(&format!("### Headline ratios\n\n{head}\n"));
    for s in &sections {
        report.push_str(&s.render());
    }
    print!("{report}");
    let mut status = ExitCode::SUCCESS;
    for (file, name, body) in [
        (&args.docs, "results", &report),
        (&args.readme, "headline", &head),
    ] {
        if let Some(path) = file {
            if let Err(e) = splice(path, name, body) {
                eprintln!("dictenstein-bench: {e}");
                status = ExitCode::from(2);
            }
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The docs are rewritten only between their markers; missing markers are an error that
    /// leaves the file as it was.
    #[test]
    fn splice_replaces_between_markers_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.md");
        std::fs::write(&p, "intro\n<!-- r:begin -->\nold\n<!-- r:end -->\noutro\n").unwrap();
        splice(&p, "r", "new\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "intro\n<!-- r:begin -->\nnew\n<!-- r:end -->\noutro\n"
        );
        let before = std::fs::read_to_string(&p).unwrap();
        assert!(splice(&p, "other", "x").unwrap_err().contains("markers"));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), before);
    }
}
