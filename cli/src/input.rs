//! Line-by-line input from a file or standard input, with a progress bar on large files.

use crate::escape::unescape;
use crate::Failure;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

/// Files at least this large get a progress bar (when standard error is a terminal).
const PROGRESS_FROM_BYTES: u64 = 8 << 20;

/// A source of lines: its name for messages, a reader, and the bar (hidden when not wanted).
pub struct Lines {
    name: String,
    reader: Box<dyn BufRead>,
    bar: ProgressBar,
    line: Vec<u8>,
    number: u64,
}

impl Lines {
    /// Opens `path` (`-` is standard input). A bar is drawn for files of at least 8 MiB,
    /// unless `quiet`; indicatif draws nothing when standard error is not a terminal.
    pub fn open(path: &Path, quiet: bool) -> Result<Lines, Failure> {
        if path == Path::new("-") {
            return Ok(Lines::new(
                "<stdin>".into(),
                Box::new(io::stdin().lock()),
                None,
            ));
        }
        let file = File::open(path).map_err(|e| Failure::io("open", path, e))?;
        let len = file
            .metadata()
            .map_err(|e| Failure::io("stat", path, e))?
            .len();
        let bar = (!quiet && len >= PROGRESS_FROM_BYTES).then_some(len);
        let name = path.display().to_string();
        Ok(Lines::new(
            name,
            Box::new(BufReader::with_capacity(1 << 16, file)),
            bar,
        ))
    }

    fn new(name: String, reader: Box<dyn BufRead>, bar_len: Option<u64>) -> Lines {
        let bar = match bar_len {
            Some(len) => {
                let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
                    )
                    .expect("the template is valid")
                    .progress_chars("=> "),
                );
                bar.set_message(format!("reading {name}"));
                bar
            }
            None => ProgressBar::hidden(),
        };
        Lines {
            name,
            reader,
            bar,
            line: Vec::new(),
            number: 0,
        }
    }

    /// The next line without its `\n` (and a `\r` before it), with its 1-based number.
    pub fn next_line(&mut self) -> Result<Option<(u64, &[u8])>, Failure> {
        self.line.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.line)
            .map_err(|e| Failure::io("read", &PathBuf::from(&self.name), e))?;
        if n == 0 {
            self.bar.finish_and_clear();
            return Ok(None);
        }
        self.bar.inc(n as u64);
        self.number += 1;
        if self.line.last() == Some(&b'\n') {
            self.line.pop();
            if self.line.last() == Some(&b'\r') {
                self.line.pop();
            }
        }
        Ok(Some((self.number, &self.line)))
    }

    /// A message about line `line` of this input.
    pub fn at(&self, line: u64, what: impl std::fmt::Display) -> Failure {
        self.bar.abandon();
        Failure::Input(format!("{}:{line}: {what}", self.name))
    }
}

/// Splits `KEY<TAB>VALUE` and undoes the escapes of both fields.
pub fn split_pair(line: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    let Some(tab) = line.iter().position(|&b| b == b'\t') else {
        return Err("expected KEY<TAB>VALUE, found no tab".into());
    };
    let key = unescape(&line[..tab]).map_err(|e| format!("key: {e}"))?;
    let value = unescape(&line[tab + 1..]).map_err(|e| format!("value: {e}"))?;
    Ok((key, value))
}

/// Parses a decimal u64 value field.
pub fn parse_u64(field: &[u8]) -> Result<u64, String> {
    std::str::from_utf8(field)
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| {
            format!(
                "value {:?} is not an unsigned 64-bit integer",
                String::from_utf8_lossy(field)
            )
        })
}
