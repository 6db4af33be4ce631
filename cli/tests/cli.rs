//! The `dictenstein` tool, run as a user would: every subcommand, its output format, exit
//! statuses, and its answers to bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn tool() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dictenstein"))
}

/// Runs the tool; returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = tool().args(args).stdin(Stdio::null()).output().unwrap();
    decode(out)
}

fn decode(out: Output) -> (i32, String, String) {
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs the tool and insists on success; returns stdout.
fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?} failed: {err}");
    out
}

/// Runs the tool and insists on exit 2 (an error); returns stderr.
fn error(args: &[&str]) -> String {
    let (code, out, err) = run(args);
    assert_eq!(code, 2, "{args:?} should fail; stdout: {out} stderr: {err}");
    assert!(
        err.starts_with("dictenstein: ") || err.starts_with("error: "),
        "{err}"
    );
    err
}

struct Dir(tempfile::TempDir);

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }
    fn file(&self, name: &str, content: &[u8]) -> String {
        let p = self.0.path().join(name);
        fs::write(&p, content).unwrap();
        p.to_str().unwrap().to_owned()
    }
    fn path(&self, name: &str) -> String {
        self.0.path().join(name).to_str().unwrap().to_owned()
    }
}

const WORDS: &str = "hello\nhelp\nhell\nworld\nyellow\nna\u{ef}ve\nhello\n";

#[test]
fn builds_and_queries_a_double_array_trie_and_a_dawg() {
    let d = Dir::new();
    let words = d.file("words.txt", WORDS.as_bytes());
    for kind in ["double-array", "dawg"] {
        let out = d.path(kind);
        let (code, _, err) = run(&["build", &words, "-o", &out, "-k", kind]);
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("of 6 terms"), "summary: {err}");
        // A repeated term keeps its last line.
        assert_eq!(
            ok(&["query", "exact", &out, "hello", "world"]),
            "hello\t7\nworld\t4\n"
        );
        let (code, stdout, stderr) = run(&["query", "exact", &out, "help", "nope"]);
        assert_eq!((code, stdout.as_str()), (1, "help\t2\n"));
        assert_eq!(stderr, "nope: not found\n");
        assert_eq!(
            ok(&["query", "prefix", &out, "hel"]),
            "hell\t3\nhello\t7\nhelp\t2\n"
        );
        assert_eq!(
            ok(&["query", "prefix", &out, "hel", "--limit", "1"]),
            "hell\t3\n"
        );
        assert_eq!(run(&["query", "prefix", &out, "zz"]).0, 1);
        assert_eq!(
            ok(&["query", "fuzzy", &out, "helo", "--ordered"]),
            "hell\t1\t3\nhello\t1\t7\nhelp\t1\t2\n"
        );
        assert_eq!(
            ok(&["query", "fuzzy", &out, "yelow", "-d", "1"]),
            "yellow\t1\t5\n"
        );
        assert_eq!(
            ok(&["query", "fuzzy", &out, "naive", "--chars", "-d", "1"]),
            "na\u{ef}ve\t1\t6\n"
        );
        assert_eq!(run(&["query", "fuzzy", &out, "zzzzzz"]).0, 1);
        assert_eq!(
            ok(&["query", "longest-prefix", &out, "helloworld"]),
            "hello\t7\n"
        );
        assert!(ok(&["verify", &out]).contains(": ok ("));
        let info = ok(&["info", &out]);
        assert!(info.contains("terms\t6\n"), "{info}");
    }
}

#[test]
fn a_dump_builds_the_same_dictionary_back() {
    let d = Dir::new();
    // Terms with bytes that need escapes: tab, newline inside a term via --values, 0xff.
    let pairs =
        b"a\\tb\t1\nline\\nbreak\t2\nraw\\xff\t3\nback\\\\slash\t4\nplain\t18446744073709551615\n";
    let input = d.file("pairs.tsv", pairs);
    let first = d.path("first.dat");
    ok(&["build", &input, "-o", &first, "--values", "-q"]);
    let dump = ok(&["dump", &first]);
    assert_eq!(
        dump,
        "a\\tb\t1\nback\\\\slash\t4\nline\\nbreak\t2\nplain\t18446744073709551615\nraw\\xff\t3\n"
    );
    let again = d.file("dump.tsv", dump.as_bytes());
    let second = d.path("second.dawg");
    ok(&[
        "build", &again, "-o", &second, "--values", "-k", "dawg", "-q",
    ]);
    assert_eq!(ok(&["dump", &second]), dump);
}

#[test]
fn builds_a_suffix_automaton_and_finds_substrings() {
    let d = Dir::new();
    let texts = d.file("texts.txt", b"banana\nbandana\n");
    let sam = d.path("t.sam");
    ok(&["build", &texts, "-o", &sam, "-k", "suffix-automaton", "-q"]);
    let mut hits: Vec<String> = ok(&["query", "substring", &sam, "ana"])
        .lines()
        .map(str::to_owned)
        .collect();
    hits.sort();
    assert_eq!(hits, ["0\t1", "0\t3", "1\t4"]);
    assert_eq!(ok(&["query", "substring", &sam, "an", "--count"]), "4\n");
    assert_eq!(
        ok(&["query", "substring", &sam, "an", "-l", "2"])
            .lines()
            .count(),
        2
    );
    assert_eq!(run(&["query", "substring", &sam, "xyz"]).0, 1);
    // Its terms are the substrings; values are occurrence counts.
    assert_eq!(ok(&["query", "exact", &sam, "ban"]), "ban\t2\n");
    assert!(error(&["dump", &sam]).contains("not listed"));
    let err = error(&[
        "build",
        &texts,
        "-o",
        &d.path("v.sam"),
        "-k",
        "suffix-automaton",
        "--values",
    ]);
    assert!(err.contains("--values does not apply"), "{err}");
    // Substring search on another kind is refused clearly.
    let words = d.file("w.txt", b"banana\n");
    let dat = d.path("w.dat");
    ok(&["build", &words, "-o", &dat, "-q"]);
    assert!(error(&["query", "substring", &dat, "an"]).contains("UNSUPPORTED"));
}

#[test]
fn stores_are_created_loaded_read_and_dumped() {
    let d = Dir::new();
    let store = d.path("store");
    let pairs = d.file("p.tsv", b"apple\tred\nbanana\tyellow\nk\\x00ey\tv\\tal\n");
    ok(&["store", "create", &store, &pairs, "-q"]);
    assert_eq!(ok(&["store", "get", &store, "apple"]), "red\n");
    assert_eq!(
        ok(&["dump", &store]),
        "apple\tred\nbanana\tyellow\nk\\x00ey\tv\\tal\n"
    );
    // Later lines win; load adds to what is there.
    let more = d.file("more.tsv", b"apple\tgreen\ncherry\tdark\\nred wine\n");
    ok(&["store", "load", &store, &more, "-q"]);
    assert_eq!(ok(&["store", "get", &store, "apple"]), "green\n");
    assert_eq!(ok(&["store", "get", &store, "cherry"]), "dark\\nred wine\n");
    ok(&["store", "put", &store, "count", "41", "--u64"]);
    ok(&["store", "remove", &store, "banana"]);
    let (code, _, err) = run(&["store", "get", &store, "banana"]);
    assert_eq!((code, err.as_str()), (1, "banana: not found\n"));
    // Through the dictionary commands: u64 values as numbers, others as their bytes.
    assert_eq!(ok(&["query", "exact", &store, "count"]), "count\t41\n");
    assert_eq!(
        ok(&["query", "prefix", &store, "c"]),
        "cherry\tdark\\nred wine\ncount\t41\n"
    );
    assert_eq!(ok(&["query", "fuzzy", &store, "aple"]), "apple\t1\tgreen\n");
    assert!(ok(&["verify", &store]).contains("ok (durable store, 4 keys)"));
    let stats = ok(&["store", "stats", &store]);
    assert!(stats.starts_with("keys\t4\n"), "{stats}");
    ok(&["store", "checkpoint", &store]);
    ok(&["store", "checkpoint", &store, "--compact"]);
    assert!(ok(&["info", &store]).contains("keys\t4\n"));
    let dumped = d.file("dumped.tsv", ok(&["dump", &store]).as_bytes());
    let copy = d.path("copy");
    ok(&["store", "create", &copy, &dumped, "-q"]);
    assert_eq!(ok(&["dump", &copy]), ok(&["dump", &store]));
    let empty = d.path("empty");
    ok(&["store", "create", &empty, "--empty", "-q"]);
    assert_eq!(ok(&["dump", &empty]), "");
}

#[test]
fn bulk_loads_stream_many_batches() {
    let d = Dir::new();
    let mut pairs = String::new();
    for i in 0..20_000 {
        pairs.push_str(&format!("key{i:06}\t{i}\n"));
    }
    let file = d.file("big.tsv", pairs.as_bytes());
    let store = d.path("s");
    ok(&["store", "create", &store, &file, "--u64", "-q"]);
    assert_eq!(
        ok(&["query", "exact", &store, "key019999", "key000000"]),
        "key019999\t19999\nkey000000\t0\n"
    );
    assert!(ok(&["store", "stats", &store]).starts_with("keys\t20000\n"));
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_2() {
    let d = Dir::new();
    let missing = d.path("missing.txt");
    assert!(error(&["build", &missing, "-o", &d.path("x")]).contains("missing.txt"));
    let words = d.file("w.txt", b"one\ntwo\n");
    let out = d.path("w.dat");
    ok(&["build", &words, "-o", &out, "-q"]);
    assert!(error(&["build", &words, "-o", &out]).contains("--force"));
    ok(&["build", &words, "-o", &out, "-q", "--force"]);

    let bad_value = d.file("v.tsv", b"one\t1\ntwo\tmany\n");
    assert!(
        error(&["build", &bad_value, "-o", &d.path("v"), "--values"])
            .contains("v.tsv:2: value \"many\"")
    );
    let no_tab = d.file("t.tsv", b"one 1\n");
    assert!(error(&["build", &no_tab, "-o", &d.path("t"), "--values"])
        .contains("t.tsv:1: expected KEY<TAB>VALUE"));
    let long = d.file("long.txt", &[vec![b'a'; 70_000], b"\n".to_vec()].concat());
    assert!(error(&["build", &long, "-o", &d.path("l")])
        .contains("long.txt:1: term refused: TERM_TOO_LONG"));
    assert!(!Path::new(&d.path("l")).exists());

    // Damaged and foreign files.
    let mut bytes = fs::read(&out).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    let damaged = d.file("damaged.dat", &bytes);
    let err = error(&["verify", &damaged]);
    assert!(err.contains("CORRUPT"), "{err}");
    let truncated = d.file("truncated.dat", &fs::read(&out).unwrap()[..40]);
    assert!(error(&["query", "exact", &truncated, "one"]).contains("CORRUPT"));
    let foreign = d.file("foreign.txt", b"just some text, not a dictionary at all\n");
    assert!(error(&["info", &foreign]).contains("WRONG_FORMAT"));
    assert!(error(&["query", "exact", &missing, "one"]).contains("missing.txt"));

    // Arguments.
    assert_eq!(
        run(&["build", &words, "-o", &d.path("k"), "--kind", "btree"]).0,
        2
    );
    assert!(error(&["query", "fuzzy", &out, "one", "-d", "9"]).contains("INVALID_ARGUMENT"));
    assert_eq!(run(&["query", "exact", &out]).0, 2);
    assert_eq!(run(&[]).0, 2);
}

#[test]
fn store_commands_refuse_bad_input_and_leave_nothing_half_made() {
    let d = Dir::new();
    let store = d.path("s");
    let bad = d.file("bad.tsv", b"ok\t1\nbad\\qkey\t2\n");
    assert!(error(&["store", "create", &store, &bad]).contains("bad.tsv:2: key: bad escape"));
    assert!(
        !Path::new(&store).exists(),
        "a failed create leaves no store behind"
    );

    let empty_dir = d.path("empty-dir");
    fs::create_dir(&empty_dir).unwrap();
    let long_key = d.file("long.tsv", &[vec![b'k'; 5000], b"\tv\n".to_vec()].concat());
    assert!(error(&["store", "create", &empty_dir, &long_key])
        .contains("long.tsv:1: key of 5000 bytes"));
    assert!(
        Path::new(&empty_dir).exists(),
        "a directory that was there stays"
    );
    assert_eq!(
        fs::read_dir(&empty_dir).unwrap().count(),
        0,
        "and is left empty"
    );

    let good = d.file("good.tsv", b"a\t1\n");
    ok(&["store", "create", &store, &good, "-q"]);
    assert!(error(&["store", "create", &store, &good]).contains("not empty"));
    // A failed load changes nothing that was there, even when the bad line comes after
    // several batches' worth of good ones.
    assert!(error(&["store", "load", &store, &bad]).contains("bad.tsv:2"));
    let mut late = String::new();
    for i in 0..10_000 {
        late.push_str(&format!("k{i}\tv\n"));
    }
    late.push_str("broken line without a tab\n");
    let late = d.file("late.tsv", late.as_bytes());
    assert!(
        error(&["store", "load", &store, &late]).contains("late.tsv:10001: expected KEY<TAB>VALUE")
    );
    assert_eq!(ok(&["dump", &store]), "a\t1\n");
    let nowhere = d.path("nowhere");
    assert!(error(&["store", "get", &nowhere, "a"]).contains("not a store directory"));
    assert!(
        !Path::new(&nowhere).exists(),
        "reading never creates a store"
    );
    assert!(error(&["store", "put", &store, "n", "x", "--u64"]).contains("not an unsigned"));
    assert!(error(&["store", "load", &store, "--empty"]).contains("--empty"));
}

#[test]
fn every_subcommand_has_help() {
    let commands: &[&[&str]] = &[
        &[],
        &["build"],
        &["query"],
        &["query", "exact"],
        &["query", "prefix"],
        &["query", "fuzzy"],
        &["query", "substring"],
        &["query", "longest-prefix"],
        &["info"],
        &["verify"],
        &["dump"],
        &["store"],
        &["store", "create"],
        &["store", "load"],
        &["store", "get"],
        &["store", "put"],
        &["store", "remove"],
        &["store", "stats"],
        &["store", "checkpoint"],
    ];
    for c in commands {
        let args: Vec<&str> = c.iter().copied().chain(["--help"]).collect();
        let out = ok(&args);
        assert!(out.contains("Usage: dictenstein"), "{args:?}: {out}");
    }
    assert_eq!(
        ok(&["--version"]),
        format!("dictenstein {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// The progress bar appears on a large input when standard error is a terminal (given by
/// `script`, from util-linux, on every Debian system) and never in a pipe.
#[test]
fn large_inputs_get_a_progress_bar_on_a_terminal() {
    let d = Dir::new();
    let mut words = String::new();
    for i in 0..900_000 {
        words.push_str(&format!("word{i:07}\n"));
    }
    let input = d.file("big.txt", words.as_bytes());
    let (_, _, piped) = run(&["build", &input, "-o", &d.path("a.dat")]);
    assert!(!piped.contains("reading"), "no bar in a pipe: {piped}");
    let cmd = format!(
        "{} build {} -o {}",
        env!("CARGO_BIN_EXE_dictenstein"),
        input,
        d.path("b.dat")
    );
    let script = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output();
    let Ok(out) = script else {
        panic!("`script` (util-linux) is needed to give the tool a terminal");
    };
    let (code, tty, _) = decode(out);
    assert_eq!(code, 0, "{tty}");
    assert!(
        tty.contains("reading ") && tty.contains("big.txt"),
        "bar drawn: {tty:?}"
    );
    assert!(PathBuf::from(d.path("b.dat")).exists());
}

/// The README's command-line example (the block after `<!-- test: cli -->`) runs as written,
/// from a directory holding `data/words.txt`, with the tool on PATH.
#[test]
fn the_readme_example_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("<!-- test: cli -->")
        .expect("README marks its CLI example");
    let block = readme[start..]
        .split("```")
        .nth(1)
        .expect("a code block follows the marker");
    let script = block.strip_prefix("sh\n").expect("an sh block");
    let d = Dir::new();
    fs::create_dir(d.0.path().join("data")).unwrap();
    fs::copy(
        root.join("data/words.txt"),
        d.0.path().join("data/words.txt"),
    )
    .unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_dictenstein"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(d.0.path())
        .env("PATH", path)
        .output()
        .unwrap();
    let (code, stdout, stderr) = decode(out);
    assert_eq!(code, 0, "the README example failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("hello\t"), "{stdout}");
    assert!(
        stdout.contains("apple\t1\t3\n"),
        "fuzzy over the store: {stdout}"
    );
    assert!(
        stdout.contains("fruit: ok (durable store, 3 keys)"),
        "{stdout}"
    );
}
