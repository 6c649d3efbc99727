//! `check --format markdown|junit|sarif|github`: each request's prediction as CI formats.
//!
//! `check` streams: GitHub commands are written a batch at a time ([`github_rows`]); the
//! document formats (Markdown, JUnit, SARIF) need the whole run, so `check` keeps one small
//! [`Item`] per request (no parameters, so no secret) and writes the document at the end.

use std::fmt::Write as _;

use super::{gh_command, md_cell, md_code, xml, Location};
use crate::validate::{Outcome, Prediction};

/// What the document formats keep of one prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub source: String,
    pub ok: bool,
    /// The error code; `DryRunOperation` for a passing dry run.
    pub code: Option<&'static str>,
    pub http_status: Option<u16>,
    /// The catalog row's message template (the SARIF rule's description).
    pub template: Option<&'static str>,
    pub message: Option<String>,
    pub parameter: Option<String>,
    pub hint: Option<&'static str>,
    /// The limit that bound a capacity answer, in one line.
    pub limit: Option<String>,
    pub warnings: Vec<String>,
}

impl Item {
    pub fn of(p: &Prediction) -> Item {
        let key = p.outcome.error_key();
        let (message, parameter, hint, limit) = match &p.outcome {
            Outcome::Failed(v) => (
                Some(v.message()),
                v.param.map(|r| r.to_string()),
                Some(v.edition.get().hint(v.key.entry())),
                v.bound.as_deref().map(|b| b.describe()),
            ),
            Outcome::Created { dry_run: true, .. } => (
                Some(
                    crate::catalog::ErrorKey::DryRunOperation
                        .entry()
                        .message
                        .to_string(),
                ),
                None,
                None,
                None,
            ),
            Outcome::Created { .. } => (None, None, None, None),
        };
        Item {
            source: p.source.clone(),
            ok: p.outcome.ok(),
            code: key.map(|k| k.code()),
            http_status: key.map(|k| k.http_status()),
            template: key.map(|k| k.entry().message),
            message,
            parameter,
            hint,
            limit,
            warnings: p.warnings.iter().map(|w| w.0.clone()).collect(),
        }
    }

    /// `DataDisk.1.Size: The specified ...`: the parameter (if any) and the message.
    fn what(&self) -> String {
        let m = self.message.as_deref().unwrap_or("");
        match &self.parameter {
            Some(p) => format!("{p}: {m}"),
            None => m.to_string(),
        }
    }

    /// The failure's whole explanation: what, the hint and the bounding limit.
    fn explained(&self) -> String {
        let mut s = format!(
            "{} {}: {}",
            self.http_status.unwrap_or(0),
            self.code.unwrap_or(""),
            self.what()
        );
        if let Some(h) = self.hint {
            let _ = write!(s, "\nhint: {h}");
        }
        if let Some(l) = &self.limit {
            let _ = write!(s, "\nlimit: {l}");
        }
        s
    }
}

/// GitHub workflow commands for a batch: an `::error` per predicted failure at its request,
/// a `::warning` per warning.
pub fn github_rows(items: &[Item]) -> Vec<u8> {
    let mut s = String::new();
    for i in items {
        let at = Location::of(&i.source);
        if !i.ok {
            s.push_str(&gh_command(
                "error",
                &at,
                i.code.unwrap_or("error"),
                &format!("{}: {}", i.source, i.explained()),
            ));
        }
        for w in &i.warnings {
            s.push_str(&gh_command(
                "warning",
                &at,
                "ecsim warning",
                &format!("{}: {w}", i.source),
            ));
        }
    }
    s.into_bytes()
}

/// The Markdown summary: the counts, then a table of the failures and one of the warnings
/// (each at most [`MD_ROWS`] rows, the rest counted).
pub fn markdown(items: &[Item]) -> Vec<u8> {
    let failed: Vec<&Item> = items.iter().filter(|i| !i.ok).collect();
    let mut s = String::from("## ecsim check\n\n");
    let _ = writeln!(
        s,
        "{} {} request(s): {} predicted to succeed, {} to fail\n",
        if failed.is_empty() { "✅" } else { "❌" },
        items.len(),
        items.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        s.push_str("| request | status | code | parameter | message |\n");
        s.push_str("| --- | --- | --- | --- | --- |\n");
        for i in failed.iter().take(MD_ROWS) {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md_code(&i.source),
                i.http_status.unwrap_or(0),
                md_code(i.code.unwrap_or("")),
                md_cell(i.parameter.as_deref().unwrap_or("")),
                md_cell(&format!(
                    "{}{}",
                    i.message.as_deref().unwrap_or(""),
                    i.hint.map(|h| format!(" Hint: {h}")).unwrap_or_default()
                ))
            );
        }
        if failed.len() > MD_ROWS {
            let _ = writeln!(s, "\n… and {} more failure(s).", failed.len() - MD_ROWS);
        }
        s.push('\n');
    }
    let warnings: Vec<(&str, &str)> = items
        .iter()
        .flat_map(|i| {
            i.warnings
                .iter()
                .map(move |w| (i.source.as_str(), w.as_str()))
        })
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(s, "### Warnings ({})\n", warnings.len());
        s.push_str("| request | warning |\n| --- | --- |\n");
        for (src, w) in warnings.iter().take(MD_ROWS) {
            let _ = writeln!(s, "| {} | {} |", md_code(src), md_cell(w));
        }
        if warnings.len() > MD_ROWS {
            let _ = writeln!(s, "\n… and {} more warning(s).", warnings.len() - MD_ROWS);
        }
        s.push('\n');
    }
    s.into_bytes()
}

/// Rows per Markdown table: a PR comment holds at most 65,536 characters.
pub const MD_ROWS: usize = 100;

/// JUnit XML: one `<testsuite>` per input file (in first-seen order), one `<testcase>` per
/// request, a `<failure>` for a predicted error, warnings in `<system-out>`.
pub fn junit(items: &[Item]) -> Vec<u8> {
    let mut suites: Vec<(String, Vec<&Item>)> = Vec::new();
    for i in items {
        let at = Location::of(&i.source);
        let file = at.file.map_or_else(|| i.source.clone(), str::to_string);
        match suites.iter_mut().find(|(f, _)| *f == file) {
            Some((_, v)) => v.push(i),
            None => suites.push((file, vec![i])),
        }
    }
    let failures = items.iter().filter(|i| !i.ok).count();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"ecsim check\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        items.len()
    );
    for (file, cases) in &suites {
        let f = cases.iter().filter(|i| !i.ok).count();
        let _ = writeln!(
            s,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\" skipped=\"0\">",
            xml(file),
            cases.len()
        );
        for i in cases {
            let _ = write!(
                s,
                "    <testcase name=\"{}\" classname=\"{}\"",
                xml(&i.source),
                xml(file)
            );
            if i.ok && i.warnings.is_empty() {
                s.push_str("/>\n");
                continue;
            }
            s.push_str(">\n");
            if !i.ok {
                let code = i.code.unwrap_or("error");
                let _ = writeln!(
                    s,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml(&format!("{code}: {}", i.what())),
                    xml(code),
                    xml(&i.explained())
                );
            }
            if !i.warnings.is_empty() {
                let lines: Vec<String> =
                    i.warnings.iter().map(|w| format!("warning: {w}")).collect();
                let _ = writeln!(
                    s,
                    "      <system-out>{}</system-out>",
                    xml(&lines.join("\n"))
                );
            }
            s.push_str("    </testcase>\n");
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s.into_bytes()
}

/// SARIF 2.1.0: one result per predicted failure (level `error`, the rule its code) and one
/// per warning (level `warning`, rule `ecsim.warning`), located at the request.
pub fn sarif(items: &[Item]) -> Vec<u8> {
    let mut rules = Vec::new();
    let mut results = Vec::new();
    for i in items {
        let at = Location::of(&i.source);
        if !i.ok {
            let code = i.code.unwrap_or("error");
            let index = super::rule_index(&mut rules, code, || {
                super::sarif_rule(code, i.template.unwrap_or(""), i.http_status.unwrap_or(0))
            });
            results.push(serde_json::json!({
                "ruleId": code,
                "ruleIndex": index,
                "level": "error",
                "message": {"text": format!("{}: {}", i.source, i.explained())},
                "locations": super::sarif_locations(&at),
            }));
        }
        for w in &i.warnings {
            let index = super::rule_index(&mut rules, WARNING_RULE, || {
                serde_json::json!({
                    "id": WARNING_RULE,
                    "name": "warning",
                    "shortDescription": {"text": "A parameter ecsim ignored or could not read; the request is checked without it."},
                })
            });
            results.push(serde_json::json!({
                "ruleId": WARNING_RULE,
                "ruleIndex": index,
                "level": "warning",
                "message": {"text": format!("{}: {w}", i.source)},
                "locations": super::sarif_locations(&at),
            }));
        }
    }
    super::sarif_doc(rules, results)
}

/// The SARIF rule of `check`'s warnings (unknown or ignored parameters).
pub const WARNING_RULE: &str = "ecsim.warning";

#[cfg(test)]
mod tests {
    use super::*;

    fn failed() -> Item {
        Item {
            source: "a.jsonl:2".into(),
            ok: false,
            code: Some("InvalidParameter"),
            http_status: Some(400),
            template: Some("bad"),
            message: Some("bad <x>".into()),
            parameter: Some("HostName".into()),
            hint: Some("fix it"),
            limit: None,
            warnings: vec!["Foo: unknown".into()],
        }
    }

    #[test]
    fn junit_counts_and_escapes() {
        let x = String::from_utf8(junit(&[failed()])).unwrap();
        assert!(x.contains("tests=\"1\" failures=\"1\""), "{x}");
        assert!(x.contains("bad &lt;x&gt;"), "{x}");
        assert!(
            x.contains("<system-out>warning: Foo: unknown</system-out>"),
            "{x}"
        );
    }

    #[test]
    fn github_rows_have_an_error_and_a_warning() {
        let g = String::from_utf8(github_rows(&[failed()])).unwrap();
        let lines: Vec<&str> = g.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("::error file=a.jsonl,line=2,title=InvalidParameter::"));
        assert!(lines[1].starts_with("::warning file=a.jsonl,line=2,title=ecsim warning::"));
    }
}
