//! How terms, keys and values travel through text: lines of `TERM<TAB>VALUE`. Bytes that
//! would break a line (tab, newline, carriage return, backslash) and bytes that are not
//! printable UTF-8 are written as escapes (`\t`, `\n`, `\r`, `\\`, `\xHH`), so what `dump`
//! prints, `build --values` and `store load` read back unchanged.

use std::fmt;

/// Writes `bytes` with the escapes above.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// A malformed escape: where in the field, and what was there.
#[derive(Debug, PartialEq, Eq)]
pub struct BadEscape {
    pub at: usize,
    pub found: String,
}

impl fmt::Display for BadEscape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "bad escape at byte {}: {:?} (expected \\\\, \\t, \\n, \\r or \\xHH)",
            self.at, self.found
        )
    }
}

/// Reads a field written by [`escape`] (any other text is taken as it is).
pub fn unescape(text: &[u8]) -> Result<Vec<u8>, BadEscape> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'\\' {
            out.push(text[i]);
            i += 1;
            continue;
        }
        let bad = |len: usize| BadEscape {
            at: i,
            found: String::from_utf8_lossy(&text[i..(i + len).min(text.len())]).into_owned(),
        };
        match text.get(i + 1) {
            Some(b'\\') => out.push(b'\\'),
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b'x') => {
                let hex = text.get(i + 2..i + 4).ok_or_else(|| bad(4))?;
                let s = std::str::from_utf8(hex).map_err(|_| bad(4))?;
                out.push(u8::from_str_radix(s, 16).map_err(|_| bad(4))?);
                i += 2;
            }
            _ => return Err(bad(2)),
        }
        i += 2;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_string_survives_a_round_trip() {
        let samples: Vec<Vec<u8>> = vec![
            b"plain".to_vec(),
            b"tab\there\nnew\rline\\slash".to_vec(),
            vec![0, 1, 0x7f, 0x80, 0xff, b'a'],
            "caf\u{e9} \u{1F600}".as_bytes().to_vec(),
            (0..=255u8).collect(),
            Vec::new(),
        ];
        for s in samples {
            let e = escape(&s);
            assert!(!e.contains(['\t', '\n', '\r']), "{e:?}");
            assert_eq!(unescape(e.as_bytes()).unwrap(), s, "{e:?}");
        }
    }

    #[test]
    fn printable_text_is_left_alone() {
        assert_eq!(escape("naïve words".as_bytes()), "naïve words");
    }

    #[test]
    fn malformed_escapes_are_reported_with_their_place() {
        assert_eq!(
            unescape(b"ab\\q").unwrap_err(),
            BadEscape {
                at: 2,
                found: "\\q".into()
            }
        );
        assert_eq!(unescape(b"\\x4").unwrap_err().at, 0);
        assert_eq!(unescape(b"x\\xzz").unwrap_err().at, 1);
        assert_eq!(unescape(b"end\\").unwrap_err().at, 3);
    }
}
