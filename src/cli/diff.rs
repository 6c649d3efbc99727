//! `ecsim diff OLD NEW`: compare two runs (output directories or `run --format json` files)
//! scenario by scenario: failure shares per code with their intervals, cost percentiles and
//! the internet choice (docs/ci.md).
//!
//! Exit status: 0 no `--fail-on` threshold crossed; 1 one was; 2 bad input or usage.

use std::path::{Path, PathBuf};

use clap::Args;

use super::Output;
use crate::error::{Error, Place};
use crate::report::diff::{self, FailOn, Run};

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  ecsim diff baseline-out/ ecsim-out/\n  \
    ecsim diff --fail-on failure-up --fail-on cost-up=5% --format markdown old.json new.json")]
pub struct DiffArgs {
    /// The accepted run: an output directory of `ecsim run --out DIR`, or a file of
    /// `ecsim run --format json`.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The run to compare with it, in either form.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Exit with status 1 when a threshold is crossed: `failure-up[=PP]` (a share of trials
    /// with a failure, or with one code, rose by more than PP percentage points; any rise
    /// without a value), `cost-up[=PCT%]` (total cost P50 or P95 rose by more than PCT%),
    /// `new-code`, `internet-change`. Repeatable, or comma-separated.
    #[arg(long = "fail-on", value_name = "THRESHOLD", value_delimiter = ',', value_parser = FailOn::parse)]
    pub fail_on: Vec<FailOn>,
    /// Output format.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t)]
    pub format: DiffFormat,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DiffFormat {
    #[default]
    Text,
    Markdown,
    Json,
}

pub fn run(a: DiffArgs) -> crate::Result<Output> {
    let old = read(&a.old)?;
    let new = read(&a.new)?;
    let d = diff::compare(&old, &new, &a.fail_on);
    let stdout = match a.format {
        DiffFormat::Text => diff::text(&d),
        DiffFormat::Markdown => diff::markdown(&d),
        DiffFormat::Json => diff::json(&d),
    };
    Ok(Output {
        stdout,
        stderr: Vec::new(),
        status: u8::from(!d.crossed.is_empty()),
    })
}

/// One side: a verified output directory's CSVs, or a JSON file.
fn read(path: &Path) -> crate::Result<Run> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        return Run::from_json(&name, &text);
    }
    let manifest = crate::output::verify(path).map_err(|e| {
        Error::input(
            Place::new(name.clone()),
            format!("{e}; diff reads only a complete output set of `ecsim run --out DIR`"),
        )
    })?;
    if manifest.command != "run" {
        return Err(Error::input(
            Place::new(name),
            format!(
                "written by `ecsim {}`, not `ecsim run`; give an output directory of a run",
                manifest.command
            ),
        ));
    }
    let file = |f: &str| -> crate::Result<Vec<u8>> {
        let p = path.join(f);
        std::fs::read(&p).map_err(|e| Error::io(p, e))
    };
    let origin = match name.trim_end_matches('/') {
        "" => name.as_str(),
        trimmed => trimmed,
    };
    Run::from_csvs(
        origin,
        &file("comparison.csv")?,
        &file("failures.csv")?,
        &file("costs.csv")?,
        &file("internet.csv")?,
    )
}
