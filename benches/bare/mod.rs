//! The bare baseline for `ecsim check --json` (issue 16): each JSON line parsed with serde_json
//! into borrowed name/value pairs, and the row `check --json` writes for a request predicted to
//! succeed written from its ZoneId and Amount. No validation, no world, one thread: the floor
//! a JSON Lines checker cannot go under with serde_json. Only for inputs of string values
//! without escapes, all predicted to succeed (tools/gen-check-jsonl.py writes one).

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Serialize;

/// A line's members in order, borrowed from the line.
struct Pairs<'a>(Vec<(&'a str, &'a str)>);

impl<'de> serde::Deserialize<'de> for Pairs<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Pairs<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of string values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(24);
                while let Some(kv) = map.next_entry::<&'de str, &'de str>()? {
                    out.push(kv);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// `check --json`'s row for a request predicted to succeed, field for field.
#[derive(Serialize)]
struct Row<'a> {
    schema_version: u32,
    source: &'a str,
    ok: bool,
    code: Option<&'static str>,
    http_status: Option<u16>,
    message: Option<String>,
    parameter: Option<String>,
    hint: Option<&'static str>,
    zone: Option<&'a str>,
    instances: u32,
    warnings: Vec<&'a str>,
}

/// Appends the row of line `number` of `name` (`text`, one JSON object) to `out`.
pub fn line(name: &str, number: usize, text: &str, source: &mut String, out: &mut Vec<u8>) {
    let pairs: Pairs = serde_json::from_str(text).expect("a flat object of string values");
    let get = |k: &str| pairs.0.iter().rev().find(|(n, _)| *n == k).map(|(_, v)| *v);
    source.clear();
    use std::fmt::Write;
    write!(source, "{name}:{number}").expect("writing to a String");
    let row = Row {
        schema_version: 1,
        source,
        ok: true,
        code: None,
        http_status: None,
        message: None,
        parameter: None,
        hint: None,
        zone: get("ZoneId"),
        instances: get("Amount").map_or(1, |a| a.parse().expect("Amount is a number")),
        warnings: Vec::new(),
    };
    serde_json::to_writer(&mut *out, &row).expect("writing to memory");
    out.push(b'\n');
}

/// The rows of every non-blank line of `text`.
pub fn lines(name: &str, text: &str, out: &mut Vec<u8>) {
    let mut source = String::new();
    for (i, l) in text.lines().enumerate() {
        if !l.trim().is_empty() {
            line(name, i + 1, l, &mut source, out);
        }
    }
}
