//! `check` reports: a linter-style text report and JSON Lines.

use serde::Serialize;

use crate::validate::{Outcome, Prediction};

/// One JSON line per request.
#[derive(Serialize)]
struct JsonRow<'a> {
    /// [`super::formats::SCHEMA_VERSION`] (docs/schema/check.schema.json).
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
    /// For a capacity answer: the limit that bound and its numbers.
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<LimitJson<'a>>,
}

#[derive(Serialize)]
struct LimitJson<'a> {
    name: &'a str,
    unit: &'static str,
    used: Option<u64>,
    max: Option<u64>,
    per_instance: u32,
    room: u32,
    asked: u32,
}

fn row(p: &Prediction) -> JsonRow<'_> {
    let key = p.outcome.error_key();
    let (parameter, message, zone, instances) = match &p.outcome {
        Outcome::Failed(v) => (v.param.map(|r| r.to_string()), Some(v.message()), None, 0),
        Outcome::Created { grant, dry_run } => (
            None,
            dry_run.then(|| {
                crate::catalog::ErrorKey::DryRunOperation
                    .entry()
                    .message
                    .to_string()
            }),
            Some(grant.zone.as_str()),
            if *dry_run { 0 } else { grant.amount },
        ),
    };
    JsonRow {
        schema_version: super::formats::SCHEMA_VERSION,
        source: &p.source,
        ok: p.outcome.ok(),
        code: key.map(|k| k.code()),
        http_status: key.map(|k| k.http_status()),
        message,
        parameter,
        hint: match &p.outcome {
            Outcome::Failed(v) => Some(v.edition.get().hint(v.key.entry())),
            _ => None,
        },
        zone: zone.filter(|z| !z.is_empty()),
        instances,
        warnings: p.warnings.iter().map(|w| w.0.as_str()).collect(),
        limit: match &p.outcome {
            Outcome::Failed(v) => v.bound.as_deref().map(|b| LimitJson {
                name: &b.limit,
                unit: b.unit,
                used: b.used,
                max: b.max,
                per_instance: b.per_instance,
                room: b.room,
                asked: b.asked,
            }),
            _ => None,
        },
    }
}

/// JSON Lines, in input order (chunks are serialised in parallel and joined in order).
pub fn json_lines(preds: &[Prediction]) -> Vec<u8> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<u8>> = preds
        .par_chunks(1024)
        .map(|chunk| {
            let mut out = Vec::with_capacity(chunk.len() * 200);
            json_rows(chunk, &mut out);
            out
        })
        .collect();
    chunks.concat()
}

/// The JSON lines of `preds`, in order, appended to `out` on this thread (a caller that
/// formats chunks in parallel concatenates them in order).
pub fn json_rows(preds: &[Prediction], out: &mut Vec<u8>) {
    for p in preds {
        serde_json::to_writer(&mut *out, &row(p)).expect("serialising to memory cannot fail");
        out.push(b'\n');
    }
}

/// The linter-style report: one line per request, details indented, a summary at the end.
pub fn text(preds: &[Prediction]) -> Vec<u8> {
    let mut out = text_rows(preds);
    let failed = preds.iter().filter(|p| !p.outcome.ok()).count();
    out.extend(text_summary(preds.len(), failed));
    out
}

/// The summary line of the text report.
pub fn text_summary(total: usize, failed: usize) -> Vec<u8> {
    format!(
        "{total} request(s): {} predicted to succeed, {failed} to fail\n",
        total - failed
    )
    .into_bytes()
}

/// The per-request lines of the text report.
pub fn text_rows(preds: &[Prediction]) -> Vec<u8> {
    use std::fmt::Write;
    let mut s = String::with_capacity(preds.len() * 120);
    for p in preds {
        match &p.outcome {
            Outcome::Created {
                grant,
                dry_run: false,
            } => {
                let _ = writeln!(
                    s,
                    "{}: ok: {} instance(s) in {}",
                    p.source,
                    grant.amount,
                    if grant.zone.is_empty() {
                        "-"
                    } else {
                        &grant.zone
                    }
                );
            }
            Outcome::Created { dry_run: true, .. } => {
                let _ = writeln!(
                    s,
                    "{}: ok (dry run): 400 DryRunOperation: {}",
                    p.source,
                    crate::catalog::ErrorKey::DryRunOperation.entry().message
                );
            }
            Outcome::Failed(v) => {
                let e = v.key.entry();
                let param = v.param.map(|r| format!("{r}: ")).unwrap_or_default();
                let _ = writeln!(
                    s,
                    "{}: error: {param}{} {}: {}\n  hint: {}",
                    p.source,
                    e.http_status,
                    e.code,
                    v.message(),
                    v.edition.get().hint(e)
                );
                if let Some(b) = &v.bound {
                    let _ = writeln!(s, "  limit: {}", b.describe());
                }
            }
        }
        for w in &p.warnings {
            let _ = writeln!(s, "  warning: {}", w.0);
        }
    }
    s.into_bytes()
}
