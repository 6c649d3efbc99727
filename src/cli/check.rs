//! `ecsim check`: predict RunInstances' answer for each request given.
//!
//! JSON Lines and query lines stream: a reading thread cuts each input into batches of whole
//! lines ([`wire::LineReader`]) one batch ahead; the workers take each batch a chunk of lines
//! at a time through parsing, prediction and the report, and a writing thread writes the
//! batch's report to stdout, in input order, while the next batch is checked. Memory stays
//! flat in the input's size. A JSON document (an array, or one object
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

impl Tally {
    fn add(&mut self, other: Tally) {
        self.total += other.total;
        self.failed += other.failed;
    }
}

/// Lines a worker parses, predicts and reports at a time: small enough that the workers
/// share a batch evenly and a chunk's rows stay in cache, large enough that handing chunks
/// out costs nothing next to checking them.
const CHUNK_LINES: usize = 256;

/// A chunk of requests checked: its report bytes (the row formats), what the document
/// formats keep until the end, and its counts.
#[derive(Default)]
struct Checked {
    bytes: Vec<u8>,
    items: Vec<formats::check::Item>,
    tally: Tally,
}

impl Checked {
    /// Reports one prediction in `format`; the prediction is dropped here, on the worker
    /// that made it.
    fn add(&mut self, p: Prediction, format: Format) {
        self.tally.total += 1;
        self.tally.failed += usize::from(!p.outcome.ok());
        let one = std::slice::from_ref(&p);
        match format {
            Format::Json => report::check::json_rows(one, &mut self.bytes),
            Format::Text => self.bytes.extend(report::check::text_rows(one)),
            Format::Github => self
                .bytes
                .extend(formats::check::github_rows(&[formats::check::Item::of(&p)])),
            Format::Markdown | Format::Junit | Format::Sarif => {
                self.items.push(formats::check::Item::of(&p))
            }
        }
    }
}

/// What the writer is handed for each batch: its chunks' bytes in order, and its counts.
type Written = (Vec<Vec<u8>>, Tally);

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
    let mut stdout = std::io::stdout();
    let tally = stream(
        inputs,
        &mut world,
        at,
        Format::chosen(a.format, a.json),
        pool.as_ref(),
        &mut stdout,
    )?;
    Ok(Output {
        stdout: Vec::new(),
        stderr: Vec::new(),
        status: u8::from(tally.failed > 0),
    })
}

/// Checks `inputs` in order and writes each batch's report to `out` once the whole batch
/// is parsed, predicted and reported (the text summary last). Each worker takes a chunk of
/// the batch's lines through parsing, prediction and the report at once; a writing thread
/// writes batch N while the workers check batch N+1, so the report's bytes and their order
/// do not depend on the thread count. An input error stops the run: nothing of the batch
/// that holds it is written, earlier batches' rows are. A closed pipe on `out` (`ecsim check
/// ... | head`) ends the run quietly with what was checked.
fn stream(
    inputs: Vec<Input>,
    world: &mut crate::world::World,
    at: chrono::DateTime<chrono::Utc>,
    format: Format,
    pool: Option<&rayon::ThreadPool>,
    out: &mut (impl Write + Send),
) -> crate::Result<Tally> {
    // Not a scoped thread: on an error the run ends without waiting for a read that may
    // block (a slow pipe on stdin).
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    let reader = std::thread::spawn(move || read_ahead(inputs, tx));
    // What the document formats (Markdown, JUnit, SARIF) keep until the end.
    let mut items: Vec<formats::check::Item> = Vec::new();
    let (checked, written, tally) = std::thread::scope(|s| {
        // One batch's report waits while the writer writes the one before it.
        let (wtx, wrx) = std::sync::mpsc::sync_channel::<Written>(1);
        let out = &mut *out;
        let writer = s.spawn(move || {
            // Counts what was handed over, the batch a write failed in included.
            let mut tally = Tally::default();
            for (chunks, t) in wrx {
                tally.add(t);
                for c in &chunks {
                    if let Err(e) = out.write_all(c) {
                        return (tally, Err(e));
                    }
                }
            }
            (tally, Ok(()))
        });
        let checked = check_pieces(rx, world, at, format, pool, &mut items, &wtx);
        drop(wtx);
        let (tally, written) = writer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (checked, written, tally)
    });
    let write_err = |e: std::io::Error| Error::io("stdout", e);
    // A failed write came first in input order: it ends the run whatever came after it.
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(tally),
        r => r.map_err(write_err)?,
    }
    checked?;
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

/// Checks the pieces the reader hands over, in order, and hands each batch's report to the
/// writer (`wtx`); stops at the first input error, or when the writer has stopped.
fn check_pieces(
    rx: std::sync::mpsc::Receiver<Piece>,
    world: &mut crate::world::World,
    at: chrono::DateTime<chrono::Utc>,
    format: Format,
    pool: Option<&rayon::ThreadPool>,
    items: &mut Vec<formats::check::Item>,
    wtx: &SyncSender<Written>,
) -> crate::Result<()> {
    // Requests of the line input being read: one of only comments holds none.
    let mut in_input = 0usize;
    for piece in rx.iter() {
        let (chunks, lines) = match piece {
            Piece::Lines(batch) => {
                let world = &*world;
                let chunks = super::in_pool(pool, || {
                    batch.parse_chunks(CHUNK_LINES, Checked::default, |c, r| {
                        c.add(validate::predict_owned(r, world, at), format)
                    })
                })?;
                (chunks, true)
            }
            Piece::Document(doc) => {
                // A plan's standing instances take their places before its launches, and
                // stay for the inputs after it.
                world.stand(&doc.existing);
                let world = &*world;
                let chunks = super::in_pool(pool, || {
                    doc.requests
                        .par_chunks(CHUNK_LINES)
                        .map(|reqs| {
                            let mut c = Checked::default();
                            for r in reqs {
                                c.add(validate::predict(r, world, at), format);
                            }
                            c
                        })
                        .collect::<Vec<_>>()
                });
                (chunks, false)
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
        let mut tally = Tally::default();
        let mut bytes = Vec::with_capacity(chunks.len());
        for c in chunks {
            tally.add(c.tally);
            items.extend(c.items);
            bytes.push(c.bytes);
        }
        if lines {
            in_input += tally.total;
        }
        if wtx.send((bytes, tally)).is_err() {
            // The writer stopped at a failed write, which `stream` reports.
            return Ok(());
        }
    }
    Ok(())
}
