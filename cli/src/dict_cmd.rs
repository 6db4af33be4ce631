//! The dictionary commands: build, query, info, verify, dump.

use crate::escape::escape;
use crate::input::{parse_u64, split_pair, Lines};
use crate::open::Opened;
use crate::{BuildKind, Failure, Out};
use clap::{Args, ValueEnum};
use dictenstein::ffi::{AnyBuilder, AnyDict, CursorSource, DictKind, FuzzySource};
use dictenstein::{FuzzyOptions, Metric, Units};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args)]
pub struct BuildArgs {
    /// Word list: one term per line (`-` reads standard input); a trailing \r is dropped
    input: PathBuf,
    /// The dictionary file to write
    #[arg(short, long)]
    output: PathBuf,
    /// What to build
    #[arg(short, long, value_enum, default_value_t = BuildKind::DoubleArray)]
    kind: BuildKind,
    /// Lines are TERM<TAB>VALUE (escaped as `dump` prints them; VALUE an unsigned 64-bit
    /// integer) instead of a bare term whose value is its line number
    #[arg(long)]
    values: bool,
    /// Replace OUTPUT when it exists
    #[arg(short, long)]
    force: bool,
    /// No progress bar, no summary
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Args)]
pub struct ExactArgs {
    /// Dictionary file or store directory
    path: PathBuf,
    /// Terms to look up
    #[arg(required = true)]
    terms: Vec<OsString>,
}

#[derive(Args)]
pub struct PrefixArgs {
    /// Dictionary file or store directory
    path: PathBuf,
    /// The prefix (empty lists everything)
    prefix: OsString,
    /// Print at most this many terms
    #[arg(short, long)]
    limit: Option<usize>,
}

#[derive(Clone, Copy, ValueEnum)]
enum MetricArg {
    /// Insertions, deletions, substitutions
    Levenshtein,
    /// Levenshtein plus swaps of adjacent units
    Transposition,
    /// Levenshtein plus merging two units into one and splitting one into two
    MergeSplit,
}

#[derive(Args)]
pub struct FuzzyArgs {
    /// Dictionary file or store directory
    path: PathBuf,
    /// The query
    query: OsString,
    /// Largest edit distance reported (0 to 8)
    #[arg(short = 'd', long, default_value_t = 1)]
    max_distance: u32,
    /// Edit distance
    #[arg(short, long, value_enum, default_value_t = MetricArg::Levenshtein)]
    metric: MetricArg,
    /// Count Unicode code points, not bytes (query and terms must be UTF-8)
    #[arg(long)]
    chars: bool,
    /// Distance to the closest prefix of each term (autocompletion)
    #[arg(long)]
    as_prefix: bool,
    /// Best first: by distance, then term (with --limit: exactly the best N)
    #[arg(long)]
    ordered: bool,
    /// Print at most this many terms
    #[arg(short, long)]
    limit: Option<usize>,
}

#[derive(Args)]
pub struct SubstringArgs {
    /// Suffix automaton file
    path: PathBuf,
    /// The pattern
    pattern: OsString,
    /// Print only the number of occurrences
    #[arg(short, long)]
    count: bool,
    /// Print at most this many occurrences
    #[arg(short, long)]
    limit: Option<usize>,
}

#[derive(Args)]
pub struct LongestPrefixArgs {
    /// Dictionary file or store directory
    path: PathBuf,
    /// The text whose prefixes are looked up
    text: OsString,
}

fn kind_of(k: BuildKind) -> DictKind {
    match k {
        BuildKind::DoubleArray => DictKind::DoubleArray,
        BuildKind::Dawg => DictKind::Dawg,
        BuildKind::SuffixAutomaton => DictKind::SuffixAutomaton,
    }
}

pub fn build(a: BuildArgs) -> Result<(), Failure> {
    if a.output.exists() && !a.force {
        return Err(Failure::Input(format!(
            "{} exists (use --force to replace it)",
            a.output.display()
        )));
    }
    let started = Instant::now();
    let mut lines = Lines::open(&a.input, a.quiet)?;
    let dict = match a.kind {
        BuildKind::SuffixAutomaton => build_texts(&mut lines, a.values)?,
        kind => build_terms(&mut lines, kind_of(kind), a.values)?,
    };
    dict.save(&a.output).map_err(Failure::lib(format_args!(
        "cannot write {}",
        a.output.display()
    )))?;
    if !a.quiet {
        let n = dict.len();
        let bytes = std::fs::metadata(&a.output)
            .map_err(|e| Failure::io("stat", &a.output, e))?
            .len();
        let unit = if a.kind == BuildKind::SuffixAutomaton {
            "distinct substring"
        } else {
            "term"
        };
        eprintln!(
            "built {} of {n} {unit}s in {:.2} s -> {} ({bytes} bytes, {:.2} bytes/{unit})",
            dict.kind().name(),
            started.elapsed().as_secs_f64(),
            a.output.display(),
            bytes as f64 / n.max(1) as f64,
        );
    }
    Ok(())
}

fn build_terms(lines: &mut Lines, kind: DictKind, values: bool) -> Result<AnyDict, Failure> {
    let mut builder = AnyBuilder::new(kind).map_err(Failure::lib("cannot start the build"))?;
    while let Some((number, line)) = lines.next_line()? {
        let parsed = if values {
            split_pair(line).and_then(|(term, field)| Ok((term, parse_u64(&field)?)))
        } else {
            Ok((line.to_vec(), number))
        };
        let (term, value) = parsed.map_err(|m| lines.at(number, m))?;
        if let Err(e) = builder.add(&term, value) {
            return Err(lines.at(number, Failure::lib("term refused")(e)));
        }
    }
    builder.finish().map_err(Failure::lib("cannot build"))
}

fn build_texts(lines: &mut Lines, values: bool) -> Result<AnyDict, Failure> {
    if values {
        return Err(Failure::Input(
            "--values does not apply to a suffix automaton (its values are occurrence counts)"
                .into(),
        ));
    }
    let dict = AnyDict::new_empty(DictKind::SuffixAutomaton)
        .map_err(Failure::lib("cannot start the build"))?;
    while let Some((number, line)) = lines.next_line()? {
        if let Err(e) = dict.append_text(line) {
            return Err(lines.at(number, Failure::lib("text refused")(e)));
        }
    }
    Ok(dict)
}

/// A value as the tool prints it: the u64, or for a store value that is not one, its
/// escaped bytes (read from the store, which this process holds locked: nothing else writes).
fn value_text(
    opened: &Opened,
    term: &[u8],
    value: dictenstein::Result<u64>,
) -> Result<String, Failure> {
    let reading = || Failure::lib(format!("reading {}", escape(term)));
    match (value, &opened.store) {
        (Ok(v), _) => Ok(v.to_string()),
        (Err(dictenstein::Error::ValueNotU64 { .. }), Some(store)) => {
            let bytes = store.get(term).map_err(reading())?;
            Ok(escape(&bytes.unwrap_or_default()))
        }
        (Err(e), _) => Err(reading()(e)),
    }
}

pub fn exact(a: ExactArgs) -> Result<(), Failure> {
    let opened = Opened::path(&a.path)?;
    let mut out = Out::default();
    let mut missing = 0;
    for term in &a.terms {
        let term = term.as_bytes();
        let value = match opened.dict.get(term) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => {
                missing += 1;
                eprintln!("{}: not found", escape(term));
                continue;
            }
            Err(e) => Err(e),
        };
        let text = value_text(&opened, term, value)?;
        out.line(format_args!("{}\t{text}", escape(term)))?;
    }
    out.finish()?;
    opened.close()?;
    if missing > 0 {
        return Err(Failure::NothingFound);
    }
    Ok(())
}

pub fn prefix(a: PrefixArgs) -> Result<(), Failure> {
    let opened = Opened::path(&a.path)?;
    let n = list_prefix(&opened, a.prefix.as_bytes(), a.limit)?;
    opened.close()?;
    if n == 0 {
        return Err(Failure::NothingFound);
    }
    Ok(())
}

/// Prints the terms under `prefix`; returns how many.
fn list_prefix(opened: &Opened, prefix: &[u8], limit: Option<usize>) -> Result<usize, Failure> {
    let source = CursorSource::of(&opened.dict);
    let mut walk = source
        .prefix_walk(prefix)
        .map_err(Failure::lib("cannot list terms"))?;
    let mut out = Out::default();
    let mut n = 0;
    while limit.is_none_or(|l| n < l) {
        let Some((term, value)) = walk
            .next_entry()
            .map_err(Failure::lib("cannot list terms"))?
        else {
            break;
        };
        let text = value_text(opened, term, value)?;
        out.line(format_args!("{}\t{text}", escape(term)))?;
        n += 1;
    }
    out.finish()?;
    Ok(n)
}

pub fn fuzzy(a: FuzzyArgs) -> Result<(), Failure> {
    let opened = Opened::path(&a.path)?;
    let opts = FuzzyOptions {
        metric: match a.metric {
            MetricArg::Levenshtein => Metric::Levenshtein,
            MetricArg::Transposition => Metric::Transposition,
            MetricArg::MergeSplit => Metric::MergeSplit,
        },
        units: if a.chars {
            Units::CodePoints
        } else {
            Units::Bytes
        },
        max_distance: a.max_distance,
        ordered: a.ordered,
        limit: a.limit,
        prefix: a.as_prefix,
    };
    let source = FuzzySource::of(&opened.dict).map_err(Failure::lib("cannot search"))?;
    let mut search = source
        .search(a.query.as_bytes(), &opts)
        .map_err(Failure::lib("cannot search"))?;
    let mut out = Out::default();
    let mut n = 0usize;
    while let Some(hit) = search.next_hit().map_err(Failure::lib("search failed"))? {
        let text = value_text(&opened, hit.term, hit.value)?;
        out.line(format_args!(
            "{}\t{}\t{text}",
            escape(hit.term),
            hit.distance
        ))?;
        n += 1;
    }
    out.finish()?;
    drop(search);
    drop(source);
    opened.close()?;
    if n == 0 {
        return Err(Failure::NothingFound);
    }
    Ok(())
}

pub fn substring(a: SubstringArgs) -> Result<(), Failure> {
    let opened = Opened::path(&a.path)?;
    let pattern = a.pattern.as_bytes();
    let mut out = Out::default();
    let found = if a.count {
        let n = opened
            .dict
            .count_occurrences(pattern)
            .map_err(Failure::lib("cannot count"))?;
        out.line(format_args!("{n}"))?;
        n
    } else {
        let sam = opened
            .dict
            .sam_snapshot()
            .map_err(Failure::lib("cannot search substrings"))?;
        let mut n = 0u64;
        for occ in sam.occurrences(pattern).take(a.limit.unwrap_or(usize::MAX)) {
            out.line(format_args!("{}\t{}", occ.text, occ.offset))?;
            n += 1;
        }
        n
    };
    out.finish()?;
    opened.close()?;
    if found == 0 {
        return Err(Failure::NothingFound);
    }
    Ok(())
}

pub fn longest_prefix(a: LongestPrefixArgs) -> Result<(), Failure> {
    let opened = Opened::path(&a.path)?;
    let text = a.text.as_bytes();
    let hit = opened.dict.longest_prefix(text);
    let mut out = Out::default();
    let found = match hit {
        Ok(Some((len, v))) => {
            out.line(format_args!("{}\t{v}", escape(&text[..len])))?;
            true
        }
        Ok(None) => false,
        Err(e) => return Err(Failure::lib("cannot look up")(e)),
    };
    out.finish()?;
    opened.close()?;
    if !found {
        return Err(Failure::NothingFound);
    }
    Ok(())
}

pub fn info(path: &Path) -> Result<(), Failure> {
    let opened = Opened::path(path)?;
    let mut out = Out::default();
    let d = &opened.dict;
    out.line(format_args!("path\t{}", path.display()))?;
    out.line(format_args!("kind\t{}", d.kind().name()))?;
    let what = match d.kind() {
        DictKind::SuffixAutomaton => "distinct substrings",
        DictKind::Store => "keys",
        _ => "terms",
    };
    out.line(format_args!("{what}\t{}", d.len()))?;
    out.line(format_args!("bytes\t{}", d.size_bytes()))?;
    if let Some(store) = &opened.store {
        crate::store_cmd::print_stats(&mut out, &store.stats())?;
    }
    out.finish()?;
    opened.close()
}

pub fn verify(path: &Path) -> Result<(), Failure> {
    let opened = Opened::path(path)?;
    opened.dict.verify().map_err(Failure::lib(format_args!(
        "{} failed verification",
        path.display()
    )))?;
    let mut out = Out::default();
    out.line(format_args!(
        "{}: ok ({}, {} {})",
        path.display(),
        opened.dict.kind().name(),
        opened.dict.len(),
        if opened.store.is_some() {
            "keys"
        } else {
            "terms"
        }
    ))?;
    out.finish()?;
    opened.close()
}

pub fn dump(path: &Path) -> Result<(), Failure> {
    let opened = Opened::path(path)?;
    if let Some(store) = &opened.store {
        crate::store_cmd::dump(store)?;
    } else if opened.dict.kind() == DictKind::SuffixAutomaton {
        return Err(Failure::Input(format!(
            "{}: a suffix automaton's terms are every substring of its texts; they are not \
             listed (query them with `query substring`)",
            path.display()
        )));
    } else {
        list_prefix(&opened, b"", None)?;
    }
    opened.close()
}
