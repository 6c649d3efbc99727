//! Wire forms → raw requests.
//!
//! Accepted: a JSON object of flat parameters (string values as SDKs send them; numbers and
//! booleans also taken), a JSON array of such objects, JSON Lines (one object per line), and
//! query strings or whole URLs (`https://ecs.aliyuncs.com/?Action=RunInstances&...`), one per
//! line, percent-decoded. In a query line an unencoded `#`, a name that is not letters, digits
//! and `.`, and an unknown name after a secret pair are bad input, placed at their column and
//! never echoed (each may be a piece of a value cut by an unencoded `&`). Nested values (`"DataDisk": [...]`) are input errors with the flat
//! spelling as the fix.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::raw::RawRequest;
use crate::error::{Error, Place, Result};

/// Reads every request in `text`, which came from `source` (a path, `-`, or `argument N`).
pub fn parse_text(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    let trimmed = text.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return Err(Error::input(
            Place::new(source),
            "no request found; give a JSON object of flat parameters, JSON Lines, or a query string",
        ));
    }
    match trimmed.as_bytes()[0] {
        b'[' => parse_json_array(source, text),
        b'{' => {
            // One object spanning the whole text, or JSON Lines.
            if is_json_lines(text) {
                parse_json_lines(source, text)
            } else {
                let line = first_content_line(text);
                let mut req = parse_json_object(source, line, trimmed)?;
                req.source = format!("{source}:{line}");
                Ok(vec![req])
            }
        }
        _ => parse_query_lines(source, text),
    }
}

fn first_content_line(text: &str) -> usize {
    text.lines()
        .position(|l| !l.trim().is_empty())
        .map_or(1, |i| i + 1)
}

/// Whether `text` is JSON Lines: more than one non-blank line, each a `{...}` object.
pub fn is_json_lines(text: &str) -> bool {
    let mut n = 0;
    for l in text.lines() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if !(t.starts_with('{') && t.ends_with('}')) {
            return false;
        }
        n += 1;
    }
    n > 1
}

/// The non-blank lines of `text` with their 1-based numbers.
pub fn content_lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l))
        .collect()
}

/// JSON Lines: one flat object per non-blank line.
pub fn parse_json_lines(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    parse_lines(source, &content_lines(text))
}

/// Numbered JSON lines, parsed in parallel; the first error in line order is reported,
/// whatever the thread count.
pub fn parse_lines(source: &str, lines: &[(usize, &str)]) -> Result<Vec<RawRequest>> {
    use rayon::prelude::*;
    let parsed: Vec<Result<RawRequest>> = lines
        .par_iter()
        .with_min_len(256)
        .map(|(n, l)| parse_json_object(source, *n, l))
        .collect();
    parsed.into_iter().collect()
}

fn parse_json_array(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    let values: Vec<Value> = serde_json::from_str(text).map_err(|e| json_error(source, 0, &e))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let src = format!("{source}[{i}]");
            match v {
                Value::Object(map) => {
                    let mut req = RawRequest::new(src.clone());
                    for (k, v) in map {
                        push_json_value(&mut req, &src, &k, v)?;
                    }
                    Ok(req)
                }
                _ => Err(Error::input(
                    Place::new(src),
                    "each array element must be an object of flat RunInstances parameters",
                )),
            }
        })
        .collect()
}

/// One flat JSON object on line `line` (1-based) of `source`.
pub fn parse_json_object(source: &str, line: usize, text: &str) -> Result<RawRequest> {
    let src = format!("{source}:{line}");
    let mut de = serde_json::Deserializer::from_str(text);
    let pairs = de
        .deserialize_map(PairsVisitor)
        .and_then(|p| de.end().map(|_| p))
        .map_err(|e| json_error(source, line.saturating_sub(1), &e))?;
    let mut req = RawRequest::new(src.clone());
    req.params.reserve(pairs.len());
    for (k, v) in pairs {
        push_json_value(&mut req, &src, &k, v)?;
    }
    Ok(req)
}

fn push_json_value(req: &mut RawRequest, src: &str, key: &str, v: Value) -> Result<()> {
    let value = match v {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => return Ok(()),
        Value::Array(_) | Value::Object(_) => {
            return Err(Error::input(
                Place::new(src),
                format!(
                    "{key}: nested values are not wire parameters; flatten them as an SDK does \
                     (e.g. \"DataDisk.1.Size\": \"40\", \"Tag.1.Key\": \"team\")"
                ),
            ))
        }
    };
    req.push(key, value);
    Ok(())
}

fn json_error(source: &str, line_offset: usize, e: &serde_json::Error) -> Error {
    let what = match e.classify() {
        serde_json::error::Category::Data => {
            "expected a JSON object of flat RunInstances parameters".to_string()
        }
        _ => format!("invalid JSON: {e}"),
    };
    let place = if e.line() > 0 {
        Place::at(source, e.line() + line_offset, e.column())
    } else {
        Place::new(source)
    };
    Error::input(place, what)
}

/// Keeps an object's pairs in document order, duplicates included.
struct PairsVisitor;

impl<'de> Visitor<'de> for PairsVisitor {
    type Value = Vec<(String, Value)>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object of flat RunInstances parameters")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(16));
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            out.push((k, v));
        }
        Ok(out)
    }
}

impl<'de> de::Deserialize<'de> for Pairs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PairsVisitor).map(Pairs)
    }
}

/// A JSON object read as ordered pairs.
pub struct Pairs(pub Vec<(String, Value)>);

/// Query strings or URLs, one per non-blank line (`#` starts a comment line).
pub fn parse_query_lines(source: &str, text: &str) -> Result<Vec<RawRequest>> {
    let reqs: Vec<RawRequest> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map(|(i, l)| {
            let src = format!("{source}:{}", i + 1);
            let t = l.trim();
            let indent = l[..l.len() - l.trim_start().len()].chars().count();
            read_query(&src, t).map_err(|e| match e.column {
                Some(c) => Error::input(Place::at(source, i + 1, indent + c), e.message),
                None => Error::input(Place::new(src), e.message),
            })
        })
        .collect::<Result<_>>()?;
    Ok(reqs)
}

/// One query string or URL. Line breaks before `&` (as in the reference's example) are
/// tolerated when the whole text is given. Errors name the column within the query text.
pub fn parse_query(source: &str, text: &str) -> Result<RawRequest> {
    let joined: String;
    let text = if text.contains('\n') {
        joined = text.lines().map(str::trim).collect();
        &joined
    } else {
        text
    };
    read_query(source, text).map_err(|e| {
        let message = match e.column {
            Some(c) => format!("column {c} of the query: {}", e.message),
            None => e.message,
        };
        Error::input(Place::new(source), message)
    })
}

/// The fix for a value that a query string's separators cut.
const ENCODE_FIX: &str = "percent-encode `&` and `#` in values (%26, %23)";

/// Why a query text cannot be read, at a 1-based column of it when known. The message never
/// holds text of the query itself: it may be a piece of a secret.
struct QueryError {
    column: Option<usize>,
    message: String,
}

/// Reads one query string or URL (a single line). A `?` starts the query only in a URL or
/// after a prefix without `=` (so a `?` inside a value is kept). Rejected, at their column and
/// without echoing them: an unencoded `#` (which would end the query and drop the rest), a
/// name with characters other than letters, digits and `.`, and, once a secret pair
/// ([`is_secret`](super::raw::is_secret)) has been read, a name ecsim does not know: each may
/// be the tail of a value cut at an unencoded `&`.
fn read_query(source: &str, text: &str) -> std::result::Result<RawRequest, QueryError> {
    let is_url = text.starts_with("http://") || text.starts_with("https://");
    let start = match text.find('?') {
        Some(q) if is_url || !text[..q].contains('=') => q + 1,
        None if is_url => text.len(),
        _ => 0,
    };
    let query = &text[start..];
    let column = |byte: usize| text[..start + byte].chars().count() + 1;
    if let Some(h) = query.find('#') {
        return Err(QueryError {
            column: Some(column(h)),
            message: format!(
                "an unencoded '#' would end the query here and drop the rest of it; {ENCODE_FIX}"
            ),
        });
    }
    if !query.contains('=') {
        return Err(QueryError {
            column: None,
            message: "not a query string: expected name=value pairs joined by '&' \
                      (e.g. RegionId=cn-hangzhou&InstanceType=ecs.g7.large)"
                .into(),
        });
    }
    let mut req = RawRequest::new(source);
    let mut after_secret: Option<String> = None;
    let mut at = 0;
    for seg in query.split('&') {
        let seg_at = at;
        at += seg.len() + 1;
        let Some((k, v)) = form_urlencoded::parse(seg.as_bytes()).next() else {
            continue;
        };
        if k.is_empty() {
            continue;
        }
        if !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') {
            return Err(QueryError {
                column: Some(column(seg_at)),
                message: format!(
                    "this pair's name is not a parameter name (names hold only letters, digits \
                     and '.'); it may be part of a value cut at an unencoded '&'; {ENCODE_FIX}"
                ),
            });
        }
        if let Some(secret) = &after_secret {
            if crate::catalog::params::lookup(&k).is_none() {
                return Err(QueryError {
                    column: Some(column(seg_at)),
                    message: format!(
                        "this pair follows {secret} and its name is not a parameter ecsim \
                         knows; it may be the rest of {secret}'s value, cut at an unencoded \
                         '&': {ENCODE_FIX}, or remove the unknown parameter"
                    ),
                });
            }
        }
        if after_secret.is_none() && super::raw::is_secret(&k) {
            after_secret = Some(k.to_string());
        }
        req.push(k.into_owned(), v.into_owned());
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_object_keeps_order_and_stringifies_scalars() {
        let r = parse_text(
            "a.json",
            r#"{"RegionId":"cn-hangzhou","DataDisk.1.Size":40,"DryRun":true,"X":null}"#,
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        let p: Vec<_> = r[0]
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            p,
            [
                ("RegionId", "cn-hangzhou"),
                ("DataDisk.1.Size", "40"),
                ("DryRun", "true")
            ]
        );
        assert_eq!(r[0].source, "a.json:1");
    }

    #[test]
    fn json_lines_are_numbered() {
        let r = parse_text("b.jsonl", "{\"RegionId\":\"a\"}\n\n{\"RegionId\":\"b\"}\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].source, "b.jsonl:3");
    }

    #[test]
    fn pretty_object_is_one_request() {
        let r = parse_text(
            "c.json",
            "{\n  \"RegionId\": \"cn-hangzhou\",\n  \"Amount\": \"2\"\n}\n",
        )
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].get("Amount"), Some("2"));
    }

    #[test]
    fn url_form_is_percent_decoded() {
        let r = parse_text(
            "argument 1",
            "https://ecs.aliyuncs.com/?Action=RunInstances&RegionId=cn-hangzhou&Tag.1.Value=a%20b+c&HostName=x%2Dy",
        )
        .unwrap();
        assert_eq!(r[0].get("Tag.1.Value"), Some("a b c"));
        assert_eq!(r[0].get("HostName"), Some("x-y"));
        assert_eq!(r[0].get("Action"), Some("RunInstances"));
    }

    #[test]
    fn nested_values_are_input_errors_with_the_fix() {
        let e = parse_text("d.json", r#"{"DataDisk":[{"Size":40}]}"#).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("d.json:1: DataDisk: nested"), "{m}");
        assert!(m.contains("DataDisk.1.Size"));
    }

    #[test]
    fn bad_json_names_line_and_column() {
        let e = parse_text("e.jsonl", "{\"RegionId\":\"a\"}\n{\"RegionId\" \"b\"}\n").unwrap_err();
        assert!(e.to_string().starts_with("e.jsonl:2:"), "{e}");
    }

    #[test]
    fn array_of_objects() {
        let r = parse_text("f.json", r#"[{"RegionId":"a"},{"RegionId":"b"}]"#).unwrap();
        assert_eq!(r[1].source, "f.json[1]");
    }

    #[test]
    fn text_without_pairs_is_rejected() {
        assert!(parse_text("g", "hello world").is_err());
        assert!(parse_text("g", "   ").is_err());
    }

    #[test]
    fn an_unencoded_ampersand_in_a_password_echoed_its_tail() {
        let line = "RegionId=cn-hangzhou&Password=Abc&Tail9x!&Amount=2";
        let e = parse_text("q.txt", line).unwrap_err().to_string();
        // the pair after Password, at its column, without its name
        assert!(e.starts_with("q.txt:1:35: "), "{e}");
        assert!(!e.contains("Tail9x") && !e.contains("Abc"), "{e}");
        assert!(e.contains("percent-encode `&` and `#` in values"), "{e}");
        // a tail that looks like a name but is unknown, after a lower-case password
        let e = parse_text("q.txt", "  password=Abc&TailName=1&RegionId=x")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("q.txt:1:16: ") && !e.contains("TailName"),
            "{e}"
        );
        // known names after a secret, and unknown ones before it, are fine
        let r = parse_text("q.txt", "Fancy=1&Password=Abc%26Tail&Amount=2").unwrap();
        assert_eq!(r[0].get("Password"), Some("Abc&Tail"));
        assert_eq!(r[0].get("Fancy"), Some("1"));
    }

    #[test]
    fn an_unencoded_hash_dropped_the_rest_of_the_line() {
        let e = parse_text("q.txt", "RegionId=x&Password=Ab#cd&Amount=2")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("q.txt:1:23: ") && e.contains("'#'"), "{e}");
        assert!(!e.contains("cd&") && e.contains("%23"), "{e}");
        let e = parse_query("s.json:3:9", "RegionId=x&Password=Ab#cd")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.json:3:9: column 23 of the query: "), "{e}");
        let r = parse_text("q.txt", "# a comment\nRegionId=x&Password=Ab%23cd\n").unwrap();
        assert_eq!(r[0].get("Password"), Some("Ab#cd"));
        assert_eq!(r[0].source, "q.txt:2");
    }

    #[test]
    fn mangled_names_were_echoed() {
        // an encoded '=' puts the secret into the name
        let e = parse_text("q.txt", "RegionId=x&Password%3DSecretZ9=")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("q.txt:1:12: ") && !e.contains("SecretZ9"),
            "{e}"
        );
        // a '?' inside a value no longer starts the query
        let r = parse_text("q.txt", "RegionId=x&Password=Ab?cd=1").unwrap();
        assert_eq!(r[0].get("Password"), Some("Ab?cd=1"));
        assert_eq!(r[0].get("RegionId"), Some("x"));
        let r = parse_text("u", "https://ecs.aliyuncs.com/?RegionId=x&Amount=2").unwrap();
        assert_eq!(r[0].get("Amount"), Some("2"));
    }
}
