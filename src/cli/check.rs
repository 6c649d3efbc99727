//! `ecsim check`: predict RunInstances' answer for each request given.
//!
//! JSON Lines and query lines stream: a reading thread cuts each input into batches of whole
//! lines ([`wire::LineReader`]) one batch ahead; each batch is parsed and predicted in
//! parallel and its report written to stdout, in input order, before the next batch is
//! checked. Memory stays flat in the input's size. A JSON document (an array, or one object
//! over several lines) is read whole. docs/input-forms.md says what an error mid-stream leaves.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::sync::mpsc::SyncSender;

use clap::Args;
use rayon::prelude::*;

use super::Output;
use crate::edition::EditionId;
use crate::error::{Error, Place};
use crate::report;
use crate::report::formats::{self, Format};
use crate::request::wire::{self, Opened};
use crate::validate::{self, Prediction};
use crate::world::load::{load_doc, WorldSource};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Requests: files (JSON object, JSON array, JSON Lines, query strings, aliyun CLI
    /// lines, a Terraform plan from `terraform show -json`, `.tf` files or a directory of
    /// them), `-` for stdin, or a request inline (a JSON object, a query string, a URL, or an
    /// aliyun CLI line).
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
    /// The same as `--format json`: one JSON object per request per line.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Output format: text, json (JSON Lines), markdown, junit, sarif or github (workflow
    /// commands); docs/ci.md.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub format: Format,
    /// Worker threads (default: one per core; at most 256). The output does not depend on it.
    #[arg(long, value_name = "N", value_parser = crate::limits::parse_threads)]
    pub threads: Option<u16>,
    /// Values for ROS templates' parameters, over their defaults: a JSON object of name →
    /// value, or `[{"ParameterKey": ..., "ParameterValue": ...}]` (docs/ros.md).
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,
}

/// One input named on the command line, opened: its display name and a reader, or the
/// path of Terraform configuration (`.tf` files), read whole when its turn comes.
pub struct Input {
    pub name: String,
    pub reader: Box<dyn BufRead + Send>,
    pub configuration: Option<PathBuf>,
}

impl Input {
    /// Reads a Terraform configuration whole, or opens the wire (or plan) input.
    fn open(self) -> crate::Result<Opened<Box<dyn BufRead + Send>>> {
        match &self.configuration {
            Some(path) if crate::input::ros::is_yaml_path(path) => {
                crate::input::ros::read_path(path)
                    .map(|reqs| Opened::Document(crate::input::Document::of(reqs)))
            }
            Some(path) => crate::input::hcl::read_path(path)
                .map(|reqs| Opened::Document(crate::input::Document::of(reqs))),
            None => wire::open(&self.name, self.reader),
        }
    }
}

/// The read buffer of each input.
const READ_BUFFER: usize = 1 << 20;

/// Opens every input named on the command line, in order (files, `-`, inline requests),
/// before any is read, so a missing file stops the run before any report is written. A path
/// that exists and is not a directory is read as a file (FIFOs and `<(...)` too).
pub fn open_inputs(args: &[String]) -> crate::Result<Vec<Input>> {
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let path = std::path::Path::new(a);
        if crate::input::hcl::is_configuration(path) || crate::input::ros::is_yaml_path(path) {
            out.push(Input {
                name: a.clone(),
                reader: Box::new(std::io::empty()),
                configuration: Some(path.to_path_buf()),
            });
            continue;
        }
        let (name, reader): (String, Box<dyn BufRead + Send>) = if a == "-" {
            let stdin = BufReader::with_capacity(READ_BUFFER, std::io::stdin());
            ("-".to_string(), Box::new(stdin))
        } else if path.metadata().is_ok_and(|m| !m.is_dir()) {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            (
                a.clone(),
                Box::new(BufReader::with_capacity(READ_BUFFER, file)),
            )
        } else if a.trim_start().starts_with('{')
            || a.contains('=')
            || crate::input::cli_line::is_cli_line(a)
        {
            let text = std::io::Cursor::new(a.clone().into_bytes());
            (format!("argument {}", i + 1), Box::new(text))
        } else {
            return Err(Error::input(
                Place::new(format!("argument {}", i + 1)),
                format!(
                    "{a:?} is neither a readable file nor a request; give a path, `-`, a JSON \
                     object, an aliyun CLI line or a query string like \
                     RegionId=cn-hangzhou&InstanceType=ecs.g7.large"
                ),
            ));
        };
        out.push(Input {
            name,
            reader,
            configuration: None,
        });
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

/// Lines per batch, at most: JSON Lines and query lines are parsed, predicted and reported a
/// batch at a time, so memory stays flat in the input's size and the allocator reuses what the
/// previous batch freed.
const BATCH_LINES: usize = 16 * 1024;

/// Bytes per batch, about: a batch ends after the line that takes it past this.
const BATCH_BYTES: usize = 8 << 20;

/// What the reading thread hands over, in input order.
enum Piece {
    Lines(wire::Batch),
    Document(crate::input::Document),
    /// The line input named here has ended (it must have held a request).
    LinesEnd(String),
    Failed(Error),
}

/// Reads the inputs in order, a batch at a time, one batch ahead of the checking; stops at
/// the first error, or when nobody receives.
fn read_ahead(inputs: Vec<Input>, tx: SyncSender<Piece>) {
    for input in inputs {
        let name = input.name.clone();
        match input.open() {
            Err(e) => {
                let _ = tx.send(Piece::Failed(e));
                return;
            }
            Ok(Opened::Document(doc)) => {
                if tx.send(Piece::Document(doc)).is_err() {
                    return;
                }
            }
            Ok(Opened::Lines(mut lines)) => {
                while let Some(batch) = lines.next_batch(BATCH_LINES, BATCH_BYTES) {
                    let last = batch.has_error();
                    if tx.send(Piece::Lines(batch)).is_err() || last {
                        return;
                    }
                }
                if tx.send(Piece::LinesEnd(name)).is_err() {
                    return;
                }
            }
        }
    }
}

/// Requests checked so far.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    total: usize,
    failed: usize,
}

pub fn run(a: CheckArgs) -> crate::Result<Output> {
    let at = parse_at(a.at.as_deref())?;
    let pool = super::thread_pool(a.threads)?;
    let sources: Vec<WorldSource> = a.world.iter().map(|p| WorldSource::File(p)).collect();
    let doc = load_doc(&sources)?;
    crate::cost::spot::check_world_prices(&doc, &super::serve::world_names(&a.world))?;
    let mut world = crate::world::World::from_doc(doc);
    world.edition = a.edition;
    crate::input::ros::params::set_supplied(
        a.parameters
            .as_deref()
            .map(crate::input::ros::params::read_file)
            .transpose()?,
    );
    let inputs = open_inputs(&a.requests)?;
    let stdout = std::io::stdout();
    let tally = stream(
        inputs,
        &mut world,
        at,
        Format::chosen(a.format, a.json),
        pool.as_ref(),
        &mut stdout.lock(),
    )?;
    Ok(Output {
        stdout: Vec::new(),
        stderr: Vec::new(),
        status: u8::from(tally.failed > 0),
    })
}

/// Checks `inputs` in order and writes each batch's report to `out` as soon as the whole
/// batch is parsed and predicted (the text summary last). An input error stops the run:
/// nothing of the batch that holds it is written, earlier batches' rows already are. A closed
/// pipe on `out` (`ecsim check ... | head`) ends the run quietly with what was checked.
fn stream(
    inputs: Vec<Input>,
    world: &mut crate::world::World,
    at: chrono::DateTime<chrono::Utc>,
    format: Format,
    pool: Option<&rayon::ThreadPool>,
    out: &mut impl Write,
) -> crate::Result<Tally> {
    // Not a scoped thread: on an error the run ends without waiting for a read that may
    // block (a slow pipe on stdin).
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let reader = std::thread::spawn(move || read_ahead(inputs, tx));
    let mut tally = Tally::default();
    let write_err = |e: std::io::Error| Error::io("stdout", e);
    // Requests of the line input being read: one of only comments holds none.
    let mut in_input = 0usize;
    // What the document formats (Markdown, JUnit, SARIF) keep until the end.
    let mut items: Vec<formats::check::Item> = Vec::new();
    for piece in rx.iter() {
        let reqs = match piece {
            Piece::Lines(batch) => {
                let reqs = super::in_pool(pool, || batch.parse())?;
                in_input += reqs.len();
                reqs
            }
            Piece::Document(doc) => {
                // A plan's standing instances take their places before its launches, and
                // stay for the inputs after it.
                world.stand(&doc.existing);
                doc.requests
            }
            Piece::LinesEnd(name) => {
                if std::mem::take(&mut in_input) == 0 {
                    return Err(Error::input(
                        crate::error::Place::new(name),
                        "no request found, only comments and blank lines; give a JSON \
                         object of flat parameters, JSON Lines, query strings or aliyun CLI \
                         lines",
                    ));
                }
                continue;
            }
            Piece::Failed(e) => return Err(e),
        };
        let world = &*world;
        let bytes = super::in_pool(pool, || {
            let preds: Vec<Prediction> = reqs
                .par_iter()
                .map(|r| validate::predict(r, world, at))
                .collect();
            tally.total += preds.len();
            tally.failed += preds.iter().filter(|p| !p.outcome.ok()).count();
            let bytes = match format {
                Format::Text => report::check::text_rows(&preds),
                Format::Json => report::check::json_lines(&preds),
                Format::Github => {
                    let batch: Vec<_> = preds.iter().map(formats::check::Item::of).collect();
                    formats::check::github_rows(&batch)
                }
                Format::Markdown | Format::Junit | Format::Sarif => {
                    items.extend(preds.iter().map(formats::check::Item::of));
                    Vec::new()
                }
            };
            // Free the batch on the workers that made it: on this thread, between batches,
            // dropping the requests was a serial tenth of the run.
            rayon::join(
                || reqs.into_par_iter().with_min_len(512).for_each(drop),
                || preds.into_par_iter().with_min_len(512).for_each(drop),
            );
            bytes
        });
        match out.write_all(&bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(tally),
            r => r.map_err(write_err)?,
        }
    }
    // The channel closed: the reader is done, or it panicked (its message already printed),
    // which must not pass for the end of the input.
    if let Err(panic) = reader.join() {
        std::panic::resume_unwind(panic);
    }
    let summary = match format {
        Format::Text | Format::Github => {
            Some(report::check::text_summary(tally.total, tally.failed))
        }
        Format::Json => None,
        Format::Markdown => Some(formats::check::markdown(&items)),
        Format::Junit => Some(formats::check::junit(&items)),
        Format::Sarif => Some(formats::check::sarif(&items)),
    };
    if let Some(summary) = summary {
        match out.write_all(&summary) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(tally),
            r => r.map_err(write_err)?,
        }
    }
    match out.flush() {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(tally),
        r => r.map(|_| tally).map_err(write_err),
    }
}
