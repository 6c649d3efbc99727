//! The error catalog as text or CSV, as one edition answers it.
//!
//! Today's edition writes every column (origin `reference`, `current`, `both` or `ecsim`,
//! `modeled`, the reference's wording where it differs). The `reference-2018` edition writes
//! the catalog exactly as ecsim wrote it before today's API: the same columns and rows, the
//! reference's messages, `both` read as `reference` (pinned by a golden test).

use serde::Serialize;

use crate::catalog::Entry;
use crate::edition::Edition;

#[derive(Serialize)]
struct Row<'a> {
    key: &'a str,
    code: &'a str,
    http_status: u16,
    message: &'a str,
    origin: &'a str,
    modeled: bool,
    reference_message: &'a str,
    condition: &'a str,
    hint: &'a str,
    note: &'a str,
}

/// A row of the 2018 catalog's CSV.
#[derive(Serialize)]
struct Row2018<'a> {
    key: &'a str,
    code: &'a str,
    http_status: u16,
    message: &'a str,
    origin: &'a str,
    condition: &'a str,
    hint: &'a str,
    note: &'a str,
}

/// CSV with a header row.
pub fn csv(edition: &Edition, entries: &[&Entry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for e in entries {
        let written = if edition.current_rows {
            w.serialize(Row {
                key: e.key.name(),
                code: e.code,
                http_status: e.http_status,
                message: e.message,
                origin: e.origin.as_str(),
                modeled: e.modeled,
                reference_message: e.reference_message.unwrap_or(""),
                condition: edition.condition(e),
                hint: edition.hint(e),
                note: e.note,
            })
        } else {
            w.serialize(Row2018 {
                key: e.key.name(),
                code: e.code,
                http_status: e.http_status,
                message: edition.message(e),
                origin: edition.origin_label(e),
                condition: e.condition,
                hint: e.hint,
                note: e.note,
            })
        };
        written.expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("in-memory writer")
}

/// One block per row.
pub fn text(edition: &Edition, entries: &[&Entry]) -> Vec<u8> {
    let mut s = String::new();
    for e in entries {
        let modeled = if e.modeled { "" } else { ", not modeled" };
        s.push_str(&format!(
            "{} {} [{}{modeled}]\n  message:   {}\n",
            e.http_status,
            e.code,
            edition.origin_label(e),
            edition.message(e),
        ));
        if e.modeled {
            s.push_str(&format!("  when:      {}\n", edition.condition(e)));
        }
        if !e.note.is_empty() {
            s.push_str(&format!("  note:      {}\n", e.note));
        }
    }
    let modeled = entries.iter().filter(|e| e.modeled).count();
    s.push_str(&format!(
        "{} rows ({modeled} modeled), edition {}\n",
        entries.len(),
        edition.name
    ));
    s.into_bytes()
}
