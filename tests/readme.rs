//! The README's examples are the files the tests build and run: each code block that follows
//! a `<!-- file: PATH -->` marker must equal that file, so a change to one without the other
//! fails here. (The block marked `<!-- test: cli -->` is run by `cli/tests/cli.rs`.)

use std::path::Path;

/// (path, block) for every marked block of the README.
fn marked_blocks(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(path) = line
            .strip_prefix("<!-- file: ")
            .and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "no code block after the marker for {path}"
        );
        let mut block = String::new();
        for l in lines.by_ref() {
            if l == "```" {
                break;
            }
            block.push_str(l);
            block.push('\n');
        }
        out.push((path.to_owned(), block));
    }
    out
}

#[test]
fn readme_examples_are_the_tested_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = marked_blocks(&readme);
    let paths: Vec<&str> = blocks.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "examples/install/CMakeLists.txt",
        "examples/install/hello.c",
        "examples/install/hello.cpp",
        "bindings/go/example/main.go",
        "bindings/java/example/Example.java",
    ] {
        assert!(
            paths.contains(&expected),
            "README lost its {expected} example"
        );
    }
    for (path, block) in blocks {
        let file = std::fs::read_to_string(root.join(&path)).unwrap();
        assert_eq!(block, file, "README's copy of {path} differs from the file");
    }
}

/// The README's headline ratios are the ones in `docs/benchmarks.md`'s latest run (the
/// harness writes both; a hand edit of one would make them disagree).
#[test]
fn readme_headline_ratios_come_from_the_benchmark_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let docs = std::fs::read_to_string(root.join("docs/benchmarks.md")).unwrap();
    let between = |text: &str, name: &str| -> String {
        let (b, e) = (
            format!("<!-- {name}:begin -->\n"),
            format!("<!-- {name}:end -->"),
        );
        let start = text.find(&b).unwrap_or_else(|| panic!("no {b}")) + b.len();
        let end = text.find(&e).unwrap_or_else(|| panic!("no {e}"));
        text[start..end].to_string()
    };
    let headline = between(&readme, "headline");
    assert!(
        headline.lines().count() > 2,
        "the README's headline block holds no ratios"
    );
    let results = between(&docs, "results");
    assert!(
        results.contains(&format!("### Headline ratios\n\n{headline}")),
        "the README's headline ratios differ from docs/benchmarks.md's run:\n{headline}"
    );
}
