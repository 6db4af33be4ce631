//! `dictenstein`: build, query, verify and dump libdictenstein dictionaries and durable stores.
//!
//! Exit status, as grep's: 0 success; 1 a query found nothing; 2 an error (bad arguments or
//! input, I/O, a damaged file), with a message on standard error.

mod dict_cmd;
mod escape;
mod input;
mod open;
mod store_cmd;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dictenstein::ffi::{status_name, status_of};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dictenstein",
    version,
    about = "Build, query, verify and dump libdictenstein dictionaries and durable stores",
    long_about = "Build, query, verify and dump libdictenstein dictionaries and durable stores.\n\n\
        A PATH is a dictionary file (double-array trie, DAWG or suffix automaton; the kind is \
        read from the file) or a durable store's directory.\n\n\
        Terms, keys and values are printed one per line as TERM<TAB>VALUE, with tab, newline, \
        carriage return, backslash and bytes that are not printable UTF-8 escaped as \\t, \\n, \
        \\r, \\\\ and \\xHH; `build --values` and `store load` read the same escapes, so a \
        dump can be loaded back. The query commands show a store value of exactly 8 bytes as \
        the little-endian u64 it holds (what `store put --u64` writes) and other values as \
        their bytes; `store get` and `dump` always show the bytes.\n\n\
        Exit status: 0 success, 1 a query found nothing, 2 an error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build a dictionary file from a word list (one term per line)
    Build(dict_cmd::BuildArgs),
    /// Look terms up in a dictionary file or a store
    #[command(subcommand)]
    Query(QueryCommand),
    /// Print a dictionary's or a store's kind, size and counters
    Info(PathArg),
    /// Check every checksum of a dictionary file, or read every node of a store's image
    Verify(PathArg),
    /// Print every term and its value (a store: every key and its value bytes)
    Dump(PathArg),
    /// Create, fill, read and inspect a durable store
    #[command(subcommand)]
    Store(store_cmd::StoreCommand),
}

#[derive(Subcommand)]
enum QueryCommand {
    /// The value of each term given (exit 1 when any is missing)
    Exact(dict_cmd::ExactArgs),
    /// Every term starting with a prefix, in byte order
    Prefix(dict_cmd::PrefixArgs),
    /// The terms within an edit distance of a query
    Fuzzy(dict_cmd::FuzzyArgs),
    /// Where a pattern occurs in a suffix automaton's texts (TEXT<TAB>OFFSET per line)
    Substring(dict_cmd::SubstringArgs),
    /// The longest term that is a prefix of a text
    LongestPrefix(dict_cmd::LongestPrefixArgs),
}

#[derive(Args)]
struct PathArg {
    /// Dictionary file or store directory
    path: PathBuf,
}

/// The kinds `build` makes.
#[derive(Clone, Copy, ValueEnum, Debug, PartialEq, Eq)]
pub enum BuildKind {
    /// Static double-array trie: the fastest lookups
    DoubleArray,
    /// Minimal DAWG: shares suffixes, smallest for natural-language word lists
    Dawg,
    /// Suffix automaton over texts (each line one text): substring search
    SuffixAutomaton,
}

/// Why a command failed, and the exit status it gives.
pub enum Failure {
    /// Bad input data (a line that does not parse, ...): the message names file and line.
    Input(String),
    /// A library call failed.
    Lib {
        doing: String,
        error: dictenstein::Error,
    },
    /// An I/O error outside the library.
    Io(String),
    /// A query found nothing (exit 1, no message).
    NothingFound,
}

impl Failure {
    pub fn io(op: &str, path: &Path, e: io::Error) -> Failure {
        Failure::Io(format!("cannot {op} {}: {e}", path.display()))
    }

    /// Wraps a library error with what was being done.
    pub fn lib(doing: impl fmt::Display) -> impl FnOnce(dictenstein::Error) -> Failure {
        let doing = doing.to_string();
        move |error| Failure::Lib { doing, error }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Input(m) | Failure::Io(m) => f.write_str(m),
            Failure::Lib { doing, error } => {
                let name = status_name(status_of(error))
                    .map(|n| {
                        n.to_string_lossy()
                            .trim_start_matches("DICTENSTEIN_")
                            .to_owned()
                    })
                    .unwrap_or_default();
                write!(f, "{doing}: {name}: {error}")
            }
            Failure::NothingFound => f.write_str("nothing found"),
        }
    }
}

/// Standard output, buffered; a closed pipe (`| head`) ends the command quietly.
pub struct Out(io::BufWriter<io::StdoutLock<'static>>);

impl Default for Out {
    fn default() -> Out {
        Out(io::BufWriter::with_capacity(1 << 16, io::stdout().lock()))
    }
}

impl Out {
    pub fn line(&mut self, args: fmt::Arguments<'_>) -> Result<(), Failure> {
        writeln!(self.0, "{args}").map_err(out_error)
    }

    pub fn finish(mut self) -> Result<(), Failure> {
        self.0.flush().map_err(out_error)
    }
}

fn out_error(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    Failure::Io(format!("cannot write to standard output: {e}"))
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Build(a) => dict_cmd::build(a),
        Command::Query(q) => match q {
            QueryCommand::Exact(a) => dict_cmd::exact(a),
            QueryCommand::Prefix(a) => dict_cmd::prefix(a),
            QueryCommand::Fuzzy(a) => dict_cmd::fuzzy(a),
            QueryCommand::Substring(a) => dict_cmd::substring(a),
            QueryCommand::LongestPrefix(a) => dict_cmd::longest_prefix(a),
        },
        Command::Info(a) => dict_cmd::info(&a.path),
        Command::Verify(a) => dict_cmd::verify(&a.path),
        Command::Dump(a) => dict_cmd::dump(&a.path),
        Command::Store(s) => store_cmd::run(s),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::NothingFound) => ExitCode::from(1),
        Err(f) => {
            eprintln!("dictenstein: {f}");
            ExitCode::from(2)
        }
    }
}
