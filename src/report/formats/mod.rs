//! CI output formats of `check` and `run` (`--format`): SARIF 2.1.0, JUnit XML, GitHub
//! workflow commands and a Markdown summary, beside the text and JSON reports. Each writer is
//! a pure function from finished predictions or scenario reports to bytes (docs/ci.md).
//!
//! This module owns what the formats share: the [`Format`] choice, where a request's source
//! points ([`Location`]), and the escaping rules of XML, Markdown and workflow commands.

pub mod check;
pub mod replay;

/// The version of the JSON outputs' shape (`schema_version` in `check --format json` lines
/// and in `run --format json`, and of `diff --format json`). Fields are only ever added within
/// a version; a rename or removal raises it. The schemas are docs/schema/*.json.
pub const SCHEMA_VERSION: u32 = 1;

/// What `--format` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// The human report (the default).
    #[default]
    Text,
    /// `check`: one JSON object per request per line; `run`: one JSON document.
    Json,
    /// A Markdown summary for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
    Markdown,
    /// JUnit XML: a testcase per request (`check`) or per expectation (`run`).
    Junit,
    /// SARIF 2.1.0: a result per predicted failure, located at its request.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…::…`).
    Github,
}

impl Format {
    /// `--format`, or `json` when the older `--json` flag is given.
    pub fn chosen(format: Format, json: bool) -> Format {
        if json {
            Format::Json
        } else {
            format
        }
    }
}

/// Where a request's source points: `file:LINE`, `file:LINE:COL`, `file:LINE: ADDRESS`
/// (a Terraform resource or ROS resource), a JSON array's `file[N]` (the file alone), or no
/// file at all (`argument 2`, stdin's `-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location<'a> {
    pub file: Option<&'a str>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// A resource address after the place (`alicloud_instance.web[0]`).
    pub address: Option<&'a str>,
}

impl<'a> Location<'a> {
    /// Reads a source as the readers write it: the first `:` followed by a line number that
    /// ends the source, or is followed by `:COL` or `: ADDRESS`, separates the file from the
    /// place. Anything else is a source without a file (`argument 1`).
    pub fn of(source: &'a str) -> Location<'a> {
        for (i, _) in source.match_indices(':') {
            let rest = &source[i + 1..];
            let Some((line, after)) = number(rest) else {
                continue;
            };
            let (column, address) = if after.is_empty() {
                (None, None)
            } else if let Some(tail) = after.strip_prefix(": ") {
                (None, Some(tail))
            } else if let Some((col, tail)) = after.strip_prefix(':').and_then(number) {
                if tail.is_empty() {
                    (Some(col), None)
                } else if let Some(addr) = tail.strip_prefix(": ") {
                    (Some(col), Some(addr))
                } else {
                    continue;
                }
            } else {
                continue;
            };
            let file = &source[..i];
            return Location {
                file: is_file(file).then_some(file),
                line: Some(line),
                column,
                address: address.filter(|a| !a.is_empty()),
            };
        }
        // A JSON array's element: `file[N]`.
        let file = source
            .strip_suffix(']')
            .and_then(|s| s.rsplit_once('['))
            .filter(|(f, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && is_file(f))
            .map(|(f, _)| f);
        Location {
            file,
            line: None,
            column: None,
            address: None,
        }
    }
}

/// Whether a source's first part names a file: not stdin's `-`, nor an inline request's
/// `argument N`.
fn is_file(name: &str) -> bool {
    let inline = name
        .strip_prefix("argument ")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    !name.is_empty() && name != "-" && !inline
}

/// A leading run of ASCII digits as a positive number, and what follows it.
fn number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u32 = s[..end].parse().ok()?;
    (n > 0).then_some((n, &s[end..]))
}

/// Text for XML character data and attribute values: the five special characters escaped,
/// and characters XML 1.0 does not allow (most control characters) dropped.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for one Markdown table cell: pipes escaped, line breaks and HTML kept out.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// Text as a Markdown code span in a table cell: `` `text` ``, backticks inside turned into
/// `'` (a span cannot escape them), pipes escaped, line breaks as spaces.
pub fn md_code(s: &str) -> String {
    let inner: String = s
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '\n' | '\r' => ' ',
            c => c,
        })
        .collect();
    format!("`{}`", inner.replace('|', "\\|"))
}

/// A workflow command's message: `%`, CR and LF percent-encoded, as the runner decodes them.
pub fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`gh_data`], and `:` and `,` encoded too.
pub fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command line: `::error file=F,line=L,col=C,title=T::message`.
pub fn gh_command(kind: &str, at: &Location<'_>, title: &str, message: &str) -> String {
    let mut props = Vec::new();
    if let Some(f) = at.file {
        props.push(format!("file={}", gh_property(f)));
        if let Some(l) = at.line {
            props.push(format!("line={l}"));
            if let Some(c) = at.column {
                props.push(format!("col={c}"));
            }
        }
    }
    if !title.is_empty() {
        props.push(format!("title={}", gh_property(title)));
    }
    let props = if props.is_empty() {
        String::new()
    } else {
        format!(" {}", props.join(","))
    };
    format!("::{kind}{props}::{}\n", gh_data(message))
}

/// A relative or absolute path as a SARIF `uri`: `/` separators, characters outside a URI's
/// unreserved set and `/` percent-encoded (an absolute path gets `file://`).
pub fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    if out.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

/// The SARIF document around one run's rules and results.
pub fn sarif_doc(rules: Vec<serde_json::Value>, results: Vec<serde_json::Value>) -> Vec<u8> {
    let doc = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ecsim",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_vec_pretty(&doc).expect("JSON serialises");
    out.push(b'\n');
    out
}

/// A SARIF `locations` array for a request's source (empty when it names no file).
pub fn sarif_locations(at: &Location<'_>) -> serde_json::Value {
    let Some(file) = at.file else {
        return serde_json::json!([]);
    };
    let mut region = serde_json::Map::new();
    if let Some(l) = at.line {
        region.insert("startLine".into(), l.into());
        if let Some(c) = at.column {
            region.insert("startColumn".into(), c.into());
        }
    }
    let mut physical = serde_json::json!({"artifactLocation": {"uri": file_uri(file)}});
    if !region.is_empty() {
        physical["region"] = serde_json::Value::Object(region);
    }
    let mut loc = serde_json::json!({"physicalLocation": physical});
    if let Some(a) = at.address {
        loc["logicalLocations"] =
            serde_json::json!([{"fullyQualifiedName": a, "kind": "resource"}]);
    }
    serde_json::json!([loc])
}

/// A SARIF rule for an error code: its catalog message and HTTP status.
pub fn sarif_rule(code: &str, message: &str, http_status: u16) -> serde_json::Value {
    serde_json::json!({
        "id": code,
        "name": code,
        "shortDescription": {"text": message},
        "properties": {"http_status": http_status},
    })
}

/// The SARIF `ruleIndex` of `code`, adding its rule on first use (rules in first-use order).
pub fn rule_index(
    rules: &mut Vec<serde_json::Value>,
    code: &str,
    make: impl FnOnce() -> serde_json::Value,
) -> usize {
    match rules.iter().position(|r| r["id"] == code) {
        Some(i) => i,
        None => {
            rules.push(make());
            rules.len() - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_split_into_file_line_column_and_address() {
        let l = Location::of("scenarios/quota-wave.json:21:17");
        assert_eq!(
            (l.file, l.line, l.column, l.address),
            (Some("scenarios/quota-wave.json"), Some(21), Some(17), None)
        );
        let l = Location::of("plan.json:327: alicloud_instance.web[0]");
        assert_eq!(
            (l.file, l.line, l.column, l.address),
            (
                Some("plan.json"),
                Some(327),
                None,
                Some("alicloud_instance.web[0]")
            )
        );
        let l = Location::of("a:b/review.jsonl:3");
        assert_eq!((l.file, l.line), (Some("a:b/review.jsonl"), Some(3)));
        let l = Location::of("argument 1");
        assert_eq!((l.file, l.line), (None, None));
        let l = Location::of("argument 2:1");
        assert_eq!((l.file, l.line), (None, Some(1)));
        let l = Location::of("-:4");
        assert_eq!((l.file, l.line), (None, Some(4)));
        let l = Location::of("batch.json[12]");
        assert_eq!((l.file, l.line), (Some("batch.json"), None));
        assert_eq!(Location::of("argument 1[0]").file, None);
        let l = Location::of("t.yaml:5:3: WebGroup");
        assert_eq!((l.column, l.address), (Some(3), Some("WebGroup")));
    }

    #[test]
    fn workflow_commands_escape_data_and_properties() {
        let at = Location::of("dir,x/a:b.json:2:7");
        assert_eq!(
            gh_command("error", &at, "Code", "50% off\nnext"),
            "::error file=dir%2Cx/a%3Ab.json,line=2,col=7,title=Code::50%25 off%0Anext\n"
        );
        assert_eq!(
            gh_command("warning", &Location::of("argument 1"), "", "m"),
            "::warning::m\n"
        );
    }

    #[test]
    fn xml_and_markdown_escapes() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(md_cell("a|b\nc<d>`"), "a\\|b c&lt;d&gt;\\`");
        assert_eq!(md_code("a`b|c"), "`a'b\\|c`");
        assert_eq!(file_uri("my dir/a.json"), "my%20dir/a.json");
        assert_eq!(file_uri("/tmp/a.json"), "file:///tmp/a.json");
    }
}
