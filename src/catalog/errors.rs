//! The error catalog, generated at build time from `data/errors.csv`.
//!
//! A row is looked up by its typed [`ErrorKey`]; message templates may carry `{0}` and `{1}`
//! placeholders that [`Entry::render`] fills.

use serde::Serialize;

/// Where a row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A row of the reference's error table that today's error list does not have.
    Reference,
    /// A row of today's error list only.
    Current,
    /// A row of both (today's message is the default; `reference_message` keeps the old one).
    Both,
    /// Added by ecsim: common ECS errors that neither list names (see the row's note).
    Ecsim,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Reference => "reference",
            Origin::Current => "current",
            Origin::Both => "both",
            Origin::Ecsim => "ecsim",
        }
    }
}

/// One catalog row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub key: ErrorKey,
    /// The API's error code (not unique: `OperationDenied` has several rows).
    pub code: &'static str,
    pub http_status: u16,
    /// The message template, verbatim from the source.
    pub message: &'static str,
    pub origin: Origin,
    /// Whether the row exists in every edition (false: today's API only).
    pub all_editions: bool,
    /// Whether a rule returns this row; otherwise `note` says why not.
    pub modeled: bool,
    /// The reference's wording where today's message differs (used by `reference-2018`).
    pub reference_message: Option<&'static str>,
    /// Today's row for a reference code that the current list renames.
    pub replaced_by: Option<ErrorKey>,
    /// When ecsim returns this row.
    pub condition: &'static str,
    /// What the caller can change.
    pub hint: &'static str,
    /// Today's condition and hint where a limit changed (the 2018 ones stay above).
    pub condition_current: Option<&'static str>,
    pub hint_current: Option<&'static str>,
    /// Interpretation choices and contradictions resolved.
    pub note: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/catalog_gen.rs"));

impl ErrorKey {
    /// The row of this key.
    pub fn entry(self) -> &'static Entry {
        &ENTRIES[self as usize]
    }

    pub fn code(self) -> &'static str {
        self.entry().code
    }

    pub fn http_status(self) -> u16 {
        self.entry().http_status
    }

    /// Looks a key up by its name in `data/errors.csv` (used by world files and scenarios).
    pub fn from_name(name: &str) -> Option<ErrorKey> {
        ENTRIES.iter().find(|e| e.key.name() == name).map(|e| e.key)
    }

    /// The key's name as written in `data/errors.csv`.
    pub fn name(self) -> &'static str {
        KEY_NAMES[self as usize]
    }
}

impl Entry {
    /// Today's message with `{0}`, `{1}` replaced by `args`.
    pub fn render(&self, args: &[&str]) -> String {
        render(self.message, args)
    }
}

/// A message template with `{0}`, `{1}` replaced by `args`; placeholders without an
/// argument are left empty, so no template marker reaches a report.
pub fn render(template: &str, args: &[&str]) -> String {
    let mut m = template.to_string();
    for i in 0..4 {
        let marker = format!("{{{i}}}");
        if m.contains(&marker) {
            m = m.replace(&marker, args.get(i).copied().unwrap_or(""));
        }
    }
    m
}

/// All rows in file order.
pub fn entries() -> &'static [Entry] {
    &ENTRIES
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_index_their_rows() {
        for (i, e) in entries().iter().enumerate() {
            assert_eq!(e.key as usize, i);
            assert_eq!(ErrorKey::from_name(e.key.name()), Some(e.key));
        }
    }

    #[test]
    fn rows_are_unique_by_code_status_and_message() {
        let mut seen = HashSet::new();
        for e in entries() {
            assert!(
                seen.insert((e.code, e.http_status, e.message)),
                "duplicate row {:?}",
                e.key
            );
        }
    }

    #[test]
    fn reference_rows_are_all_there() {
        let reference: Vec<_> = entries()
            .iter()
            .filter(|e| matches!(e.origin, Origin::Reference | Origin::Both))
            .collect();
        assert_eq!(reference.len(), 109);
        let codes: HashSet<_> = reference.iter().map(|e| e.code).collect();
        assert_eq!(codes.len(), 94);
    }

    #[test]
    fn every_modeled_row_says_when_and_how_to_fix() {
        for e in entries() {
            if e.modeled {
                assert!(!e.condition.is_empty(), "{:?} has no condition", e.key);
                assert!(!e.hint.is_empty(), "{:?} has no hint", e.key);
            } else {
                assert!(
                    e.note.starts_with("Not modeled: "),
                    "{:?} is not modeled and says not why",
                    e.key
                );
            }
            assert!((400..600).contains(&e.http_status));
        }
    }

    #[test]
    fn todays_list_is_all_there() {
        // 438 rows in runinstances-errors-current.tsv (shared/facts/current-api); rows of
        // today's other actions that serve answers are not RunInstances'.
        let current = entries()
            .iter()
            .filter(|e| matches!(e.origin, Origin::Current | Origin::Both))
            .filter(|e| !crate::serve::actions::ACTION_CODES.contains(&e.key))
            .count();
        assert_eq!(current, 438);
    }

    #[test]
    fn render_fills_placeholders() {
        let e = ErrorKey::InvalidLaunchTemplateNotFound.entry();
        let m = e.render(&["lt-1", "web"]);
        assert!(m.contains("lt-1") && m.contains("web") && !m.contains("{0}"));
    }
}
