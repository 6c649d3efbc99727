//! The error catalog as text or CSV.

use serde::Serialize;

use crate::catalog::Entry;

#[derive(Serialize)]
struct Row<'a> {
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
pub fn csv(entries: &[Entry]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for e in entries {
        w.serialize(Row {
            key: e.key.name(),
            code: e.code,
            http_status: e.http_status,
            message: e.message,
            origin: e.origin.as_str(),
            condition: e.condition,
            hint: e.hint,
            note: e.note,
        })
        .expect("writing CSV to memory cannot fail");
    }
    w.into_inner().expect("in-memory writer")
}

/// One block per row.
pub fn text(entries: &[Entry]) -> Vec<u8> {
    let mut s = String::new();
    for e in entries {
        s.push_str(&format!(
            "{} {} [{}]\n  message:   {}\n  when:      {}\n",
            e.http_status,
            e.code,
            e.origin.as_str(),
            e.message,
            e.condition
        ));
        if !e.note.is_empty() {
            s.push_str(&format!("  note:      {}\n", e.note));
        }
    }
    s.push_str(&format!("{} rows\n", entries.len()));
    s.into_bytes()
}
