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
