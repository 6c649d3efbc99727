//! Program errors: bad input, bad usage, I/O. Predicted API errors are *not* here; they are
//! outcomes (see `validate`). Every variant names the input, the place and the fix, and maps
//! to exit status 2.

use std::path::PathBuf;

/// Where in an input something went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// A file path, `-` for stdin, or `argument N` for a request given inline.
    pub source: String,
    /// 1-based line and column, when known.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Place {
    pub fn new(source: impl Into<String>) -> Place {
        Place {
            source: source.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(source: impl Into<String>, line: usize, column: usize) -> Place {
        Place {
            source: source.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.column {
                write!(f, ":{c}")?;
            }
        }
        Ok(())
    }
}

/// An error that stops the program with exit status 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that cannot be read as what it claims to be.
    #[error("{place}: {message}")]
    Input { place: Place, message: String },
    /// A file that cannot be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Arguments that do not fit together.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn input(place: Place, message: impl Into<String>) -> Error {
        Error::Input {
            place,
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A serde or CSV reader's message about one value (`invalid type: string "500", expected
/// u32`, `number out of range`, `invalid float literal`) in a reader's words, with the fix.
/// Messages it does not know come back unchanged. Values are shown at most 40 characters long.
pub fn plain(raw: &str) -> String {
    // serde_json's own " at line L column C" tail: the place is given by the caller.
    let raw = match raw.rfind(" at line ") {
        Some(i) if raw[i + 9..].contains(" column ") => &raw[..i],
        _ => raw,
    };
    let what = |expected: &str| match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number >= 0".to_string(),
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
        "f32" | "f64" => "a number".to_string(),
        "a boolean" | "bool" => "true or false".to_string(),
        other => other.to_string(),
    };
    if let Some(rest) = raw.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.rsplit_once(", expected ") {
            let want = what(expected);
            let found = clip(found);
            if let Some(text) = found.strip_prefix("string ") {
                let inner = text.trim_matches('"');
                if inner.trim().parse::<f64>().is_ok() && want.contains("number") {
                    return format!(
                        "{found} is text, not {want}; write the number without quotes: {inner}"
                    );
                }
            }
            return format!("{found} where {want} is expected; write {want} here");
        }
    }
    if raw.starts_with("number out of range") {
        return "a number too large for a 64-bit float (about 1.8e308; JSON has no NaN or \
                infinity); write a finite number"
            .to_string();
    }
    if let Some(field) = raw
        .strip_prefix("duplicate field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return format!("{field} is given twice; remove one of them");
    }
    for (needle, fix) in [
        (
            "invalid float literal",
            "not a number; write a number like 0.25",
        ),
        (
            "invalid digit found in string",
            "not a whole number; write a whole number like 3",
        ),
        (
            "number too large to fit in target type",
            "a whole number too large for its field; write a smaller number",
        ),
        (
            "cannot parse integer from empty string",
            "empty; write a whole number",
        ),
    ] {
        if raw.contains(needle) {
            // csv: "CSV deserialize error: record 1 (line: 2, byte: 52): field 2: invalid ..."
            let field = raw
                .split(": field ")
                .nth(1)
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.trim().parse::<usize>().ok());
            return match field {
                Some(n) => format!("field {} is {fix}", n + 1),
                None => fix.to_string(),
            };
        }
    }
    raw.to_string()
}

/// `s` cut to 40 characters, with `…` when cut, so a message never echoes a long value.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The closest of `candidates` to `word` (edit distance at most 3), for "did you mean" hints.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_serde_messages_get_a_fix() {
        assert_eq!(
            plain(r#"invalid type: string "500", expected u32"#),
            r#"string "500" is text, not a whole number >= 0; write the number without quotes: 500"#
        );
        assert_eq!(
            plain("invalid type: map, expected f64"),
            "map where a number is expected; write a number here"
        );
        assert!(plain("number out of range").contains("write a finite number"));
        assert_eq!(
            plain("CSV deserialize error: record 1 (line: 2, byte: 52): field 2: invalid float literal"),
            "field 3 is not a number; write a number like 0.25"
        );
        assert_eq!(plain("something else"), "something else");
        assert_eq!(clip(&"x".repeat(50)).chars().count(), 41);
    }

    #[test]
    fn place_prints_file_line_column() {
        assert_eq!(Place::at("a.json", 3, 7).to_string(), "a.json:3:7");
        assert_eq!(Place::new("-").to_string(), "-");
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("Imagez", ["Images", "Vpcs"]), Some("Images"));
        assert_eq!(suggest("Zebra", ["Images", "Vpcs"]), None);
    }
}
