//! The CSV timeline: one request per row, for planners who work in spreadsheets.
//!
//! Columns: `at` (required: `+90m` or UTC), `label`, `expect` (`ok`, a code, or a code and a
//! range of trials like `QuotaExceed.AfterpayInstance 0.9..1`), `release` (`all` or a label:
//! the row is then a release, not a request), and flat RunInstances parameter names
//! (`RegionId`, `DataDisk.1.Size`, ...). Empty cells are parameters left out. Lines starting
//! with `#` are comments.
//!
//! A CSV file run on its own is a scenario with the defaults: the default world, start
//! [`DEFAULT_START`] (or the earliest absolute time in the file), a horizon of 24 hours or up to
//! the last row's hour, [`DEFAULT_TRIALS`] trials and seed [`DEFAULT_SEED`].

use std::path::Path;

use chrono::TimeDelta;

use super::when::{self, AT_HINT};
use super::*;
use crate::catalog::params;

const RESERVED: [&str; 4] = ["at", "label", "expect", "release"];

/// Reads a standalone CSV scenario.
pub fn parse_standalone(source: &str, text: &str, _base: &Path) -> Result<Scenario> {
    let default_start = crate::time::parse_utc(DEFAULT_START).expect("the default start parses");
    let rows = read_rows(source, text)?;
    let earliest_absolute = rows
        .iter()
        .filter(|r| !r.at.trim_start().starts_with('+'))
        .filter_map(|r| when::parse_time(&r.at).ok())
        .min();
    let start = earliest_absolute.map_or(default_start, |t| t.min(default_start));
    let events = to_events(source, rows, start)?;
    let last = events.iter().max_by_key(|e| e.at);
    // Whole hours past the last row, at least a day.
    let hours = last.map_or(0, |e| (e.at - start).num_seconds().div_euclid(3600) + 1);
    let horizon = TimeDelta::hours(hours.max(24));
    let sample_every = super::default_sample_every(horizon, &[], &StockSpec::default());
    if let Err((_, m)) = ceilings(
        start,
        horizon,
        sample_every,
        DEFAULT_TRIALS,
        Retry::default(),
    ) {
        // Only the rows' times decide the horizon: place it at the latest row.
        let place = last.map_or_else(|| Place::new(source), |e| e.place.clone());
        return Err(Error::input(
            place,
            format!(
                "the rows run from {} to this row, the horizon of this CSV timeline: {m}; \
                 split the rows into timelines of at most {}d each",
                crate::time::format_utc(start),
                crate::limits::MAX_DURATION_DAYS
            ),
        ));
    }
    standalone(source, start, horizon, events)
}

/// A scenario of the defaults around a timeline read from one file (a CSV timeline, a
/// Terraform plan or configuration): the default world, trials, seed and retry policy.
pub(super) fn standalone(
    source: &str,
    start: DateTime<Utc>,
    horizon: TimeDelta,
    events: Vec<Event>,
) -> Result<Scenario> {
    let scenario = Scenario {
        name: file::stem(source),
        stream_name: file::stem(source),
        description: String::new(),
        source: source.to_string(),
        edition: None,
        world: build_world(&[], EditionId::default())?,
        start,
        horizon,
        sample_every: super::default_sample_every(horizon, &events, &StockSpec::default()),
        trials: DEFAULT_TRIALS,
        seed: DEFAULT_SEED,
        faults: Vec::new(),
        retry: Retry::default(),
        stock: StockSpec::default(),
        events,
        costs: Costs::default(),
    };
    check_timeline(&scenario)?;
    Ok(scenario)
}

/// Reads a CSV timeline referenced by a JSON scenario.
pub fn parse_timeline(source: &str, text: &str, start: DateTime<Utc>) -> Result<Vec<Event>> {
    let rows = read_rows(source, text)?;
    to_events(source, rows, start)
}

struct Row {
    line: usize,
    /// The 1-based column, in characters, where the row's `at` cell starts.
    at_column: usize,
    at: String,
    label: Option<String>,
    expect: Option<String>,
    release: Option<String>,
    params: Vec<(String, String)>,
}

fn read_rows(source: &str, text: &str) -> Result<Vec<Row>> {
    // Comment lines become blank lines (which csv skips) so that line numbers stay true.
    let body: String = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(|l| {
            if l.trim_start().starts_with('#') {
                ""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    // csv places a record at the end of the previous one; skip the blank lines between.
    let line_at = |byte: u64| {
        let bytes = body.as_bytes();
        let mut k = (byte as usize).min(bytes.len());
        while k < bytes.len() && (bytes[k] == b'\n' || bytes[k] == b'\r') {
            k += 1;
        }
        bytes[..k].iter().filter(|&&b| b == b'\n').count() + 1
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .trim(::csv::Trim::All)
        .from_reader(body.as_bytes());
    let csv_error = |e: ::csv::Error| {
        let place = match e.position() {
            Some(p) => Place {
                source: source.to_string(),
                line: Some(line_at(p.byte())),
                column: None,
            },
            None => Place::new(source),
        };
        Error::input(place, format!("not a CSV timeline: {e}"))
    };
    let headers = rdr.headers().map_err(csv_error)?.clone();
    let header_place = Place {
        source: source.to_string(),
        line: Some(1),
        column: None,
    };
    if !headers.iter().any(|h| h == "at") {
        return Err(Error::input(
            header_place,
            "a CSV timeline needs an \"at\" column (\"+90m\" or UTC) beside the parameter columns",
        ));
    }
    for h in headers.iter() {
        if !RESERVED.contains(&h) && params::lookup(h).is_none() {
            let candidates = RESERVED
                .iter()
                .copied()
                .chain(params::specs().iter().map(|s| s.name));
            let hint = suggest(h, candidates).map_or_else(
                || {
                    "; columns are at, label, expect, release and RunInstances parameter names"
                        .into()
                },
                |m| format!(" (did you mean {m:?}?)"),
            );
            return Err(Error::input(
                header_place,
                format!("unknown column {h:?}{hint}"),
            ));
        }
    }
    let at_index = headers.iter().position(|h| h == "at").unwrap_or(0);
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(csv_error)?;
        let line = rec.position().map_or(0, |p| line_at(p.byte()));
        let at_column = body
            .lines()
            .nth(line.saturating_sub(1))
            .map_or(1, |l| field_column(l, at_index));
        let mut row = Row {
            line,
            at_column,
            at: String::new(),
            label: None,
            expect: None,
            release: None,
            params: Vec::new(),
        };
        for (h, v) in headers.iter().zip(rec.iter()) {
            let v = v.to_string();
            match h {
                "at" => row.at = v,
                _ if v.is_empty() => {}
                "label" => row.label = Some(v),
                "expect" => row.expect = Some(v),
                "release" => row.release = Some(v),
                _ => row.params.push((h.to_string(), v)),
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The 1-based column, in characters, where field `index` of a CSV `line` starts (commas
/// inside double quotes do not separate fields).
fn field_column(line: &str, index: usize) -> usize {
    let mut field = 0;
    let mut quoted = false;
    for (column, c) in line.chars().enumerate() {
        if field == index {
            return column + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

fn to_events(source: &str, rows: Vec<Row>, start: DateTime<Utc>) -> Result<Vec<Event>> {
    rows.into_iter()
        .map(|r| {
            let place = Place {
                source: source.to_string(),
                line: Some(r.line),
                column: None,
            };
            let bad = |m: String| Error::input(place.clone(), m);
            let at = when::parse_at(&r.at, start).map_err(|e| {
                Error::input(
                    Place::at(source, r.line, r.at_column),
                    e.explain("at", &r.at, AT_HINT),
                )
            })?;
            let kind = match r.release {
                Some(rel) => {
                    if !r.params.is_empty() || r.expect.is_some() {
                        return Err(bad(
                            "a release row carries no parameters or expect; put the request on its own row"
                                .into(),
                        ));
                    }
                    EventKind::Release(if rel == "all" {
                        Release::All
                    } else {
                        Release::Label(rel)
                    })
                }
                None => {
                    if r.params.is_empty() {
                        return Err(bad("the row has no RunInstances parameters".into()));
                    }
                    let mut raw = RawRequest::new(place.to_string());
                    for (k, v) in r.params {
                        raw.push(k, v);
                    }
                    let expect = r.expect.as_deref().map(parse_expect_cell).transpose().map_err(bad)?;
                    EventKind::Request { raw, expect }
                }
            };
            Ok(Event {
                at,
                label: r.label,
                place,
                kind,
            })
        })
        .collect()
}

/// `ok`, a code, or a code and a range: `QuotaExceed.AfterpayInstance 0.9..1`.
fn parse_expect_cell(cell: &str) -> std::result::Result<Expect, String> {
    let mut parts = cell.split_whitespace();
    let outcome = Expected::parse(parts.next().unwrap_or(""))?;
    let probability = match parts.next() {
        None => (1.0, 1.0),
        Some(range) => {
            let parsed = range
                .split_once("..")
                .and_then(|(a, b)| Some((a.parse::<f64>().ok()?, b.parse::<f64>().ok()?)));
            match parsed {
                Some((lo, hi)) if 0.0 <= lo && lo <= hi && hi <= 1.0 => (lo, hi),
                _ => {
                    return Err(format!(
                        "expect {cell:?}: the range is two fractions like 0.9..1 (low <= high, within 0..1)"
                    ))
                }
            }
        }
    };
    Ok(Expect {
        outcome,
        probability,
        confidence: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_requests_and_releases() {
        let text = "at,label,expect,release,RegionId,Amount\n\
                    # a comment\n\
                    +0m,w1,ok,,cn-hangzhou,2\n\
                    +1h,,,w1,,\n";
        let start = crate::time::parse_utc(DEFAULT_START).unwrap();
        let ev = parse_timeline("t.csv", text, start).unwrap();
        assert_eq!(ev.len(), 2);
        match &ev[0].kind {
            EventKind::Request { raw, expect } => {
                assert_eq!(raw.get("Amount"), Some("2"));
                assert_eq!(raw.source, "t.csv:3");
                assert_eq!(expect.as_ref().unwrap().outcome, Expected::Ok);
            }
            _ => panic!("a request"),
        }
        assert!(matches!(&ev[1].kind, EventKind::Release(Release::Label(l)) if l == "w1"));
        assert_eq!(ev[1].at, start + TimeDelta::hours(1));
    }

    #[test]
    fn unknown_columns_are_errors_with_a_suggestion() {
        let start = crate::time::parse_utc(DEFAULT_START).unwrap();
        let err = parse_timeline("t.csv", "at,RegionID\n+0m,x\n", start).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv:1: unknown column \"RegionID\" (did you mean \"RegionId\"?)"
        );
    }

    #[test]
    fn expect_cells_take_a_range() {
        let e = parse_expect_cell("QuotaExceed.AfterpayInstance 0.5..1").unwrap();
        assert_eq!(e.probability, (0.5, 1.0));
        assert!(parse_expect_cell("ok 2..3").is_err());
    }
}
