//! `ecsim check`: predict RunInstances' answer for each request given.

use std::path::PathBuf;

use clap::Args;
use rayon::prelude::*;

use super::Output;
use crate::edition::EditionId;
use crate::error::{Error, Place};
use crate::report;
use crate::request::{wire, RawRequest};
use crate::validate::{self, Prediction};
use crate::world::load::{load_doc, WorldSource};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Requests: files (JSON object, JSON array, JSON Lines, query strings), `-` for stdin,
    /// or a request inline (a JSON object, a query string, or a URL).
    #[arg(required = true, value_name = "REQUEST")]
    pub requests: Vec<String>,
    /// World files merged over the embedded default world, in order.
    #[arg(long = "world", value_name = "FILE")]
    pub world: Vec<PathBuf>,
    /// The simulated request time, UTC (`2026-11-28T10:00:00Z`); default now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// The API edition: `current` (today's API, the default) or `reference-2018`.
    #[arg(long, value_name = "EDITION", default_value = "current")]
    pub edition: EditionId,
    /// One JSON object per request per line instead of the text report.
    #[arg(long)]
    pub json: bool,
}

/// One input named on the command line: its display name and its text.
pub struct Input {
    pub name: String,
    pub text: String,
}

/// Reads every input named on the command line, in order (files, `-`, inline requests).
pub fn read_inputs(args: &[String]) -> crate::Result<Vec<Input>> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let (name, text) = if a == "-" {
            ("-".to_string(), crate::limits::read_stdin_capped()?)
        } else if std::path::Path::new(a).is_file() {
            (
                a.clone(),
                crate::limits::read_capped(a.as_ref(), crate::limits::InputKind::Requests)?,
            )
        } else if a.trim_start().starts_with('{') || a.contains('=') {
            (format!("argument {}", i + 1), a.clone())
        } else {
            return Err(Error::input(
                Place::new(format!("argument {}", i + 1)),
                format!(
                    "{a:?} is neither a readable file nor a request; give a path, `-`, a JSON \
                     object or a query string like RegionId=cn-hangzhou&InstanceType=ecs.g7.large"
                ),
            ));
        };
        out.push(Input { name, text });
    }
    Ok(out)
}

/// Reads every request named on the command line, in order.
pub fn read_requests(args: &[String]) -> crate::Result<Vec<RawRequest>> {
    let mut out = Vec::new();
    for input in read_inputs(args)? {
        out.extend(wire::parse_text(&input.name, &input.text)?);
    }
    Ok(out)
}

/// Parses `--at`, defaulting to now.
pub fn parse_at(at: Option<&str>) -> crate::Result<chrono::DateTime<chrono::Utc>> {
    match at {
        None => Ok(chrono::Utc::now()),
        Some(s) => crate::scenario::when::parse_time(s).map_err(|e| {
            Error::Usage(e.explain("--at", s, "expected UTC time like 2026-11-28T10:00:00Z"))
        }),
    }
}

/// Requests per batch: JSON Lines are parsed, predicted and reported a batch at a time, so
/// memory stays bounded and the allocator reuses what the previous batch freed.
const BATCH: usize = 16 * 1024;

pub fn run(a: CheckArgs) -> crate::Result<Output> {
    let at = parse_at(a.at.as_deref())?;
    let sources: Vec<WorldSource> = a.world.iter().map(|p| WorldSource::File(p)).collect();
    let doc = load_doc(&sources)?;
    crate::cost::spot::check_world_prices(&doc, &super::serve::world_names(&a.world))?;
    let mut world = crate::world::World::from_doc(doc);
    world.edition = a.edition;
    let inputs = read_inputs(&a.requests)?;
    let mut stdout = Vec::new();
    let (mut total, mut failed) = (0, 0);
    let mut emit = |raws: Vec<RawRequest>| {
        let preds: Vec<Prediction> = raws
            .par_iter()
            .map(|r| validate::predict(r, &world, at))
            .collect();
        total += preds.len();
        failed += preds.iter().filter(|p| !p.outcome.ok()).count();
        stdout.extend(if a.json {
            report::check::json_lines(&preds)
        } else {
            report::check::text_rows(&preds)
        });
    };
    for input in &inputs {
        if wire::is_json_lines(&input.text) {
            for chunk in wire::content_lines(&input.text).chunks(BATCH) {
                emit(wire::parse_lines(&input.name, chunk)?);
            }
        } else {
            emit(wire::parse_text(&input.name, &input.text)?);
        }
    }
    if !a.json {
        stdout.extend(report::check::text_summary(total, failed));
    }
    Ok(Output {
        stdout,
        stderr: Vec::new(),
        status: u8::from(failed > 0),
    })
}
