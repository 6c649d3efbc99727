//! `ecsim prices`: import a planner's own prices into a price file, and list the figures in
//! force (every figure with its source, date and confidence).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Output;
use crate::cost::import::{self, Discounts};
use crate::cost::Prices;

#[derive(Debug, Args)]
pub struct PricesArgs {
    #[command(subcommand)]
    pub command: PricesCommand,
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Read DescribePrice responses (JSON, with their request) and CSV price tables into one
    /// price file for `costs.prices`, `run --prices` and `serve --prices`.
    Import(ImportArgs),
    /// Print every figure in force (the catalog with --prices files over it) as CSV.
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// DescribePrice files (`.json`) and price tables (`.csv`), read in order.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// Where to write the price file (default: stdout).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A negotiated discount: FAMILY_OR_PRODUCT=FACTOR (`ecs.g7=0.8`, `disk=0.9`); repeatable.
    #[arg(long, value_name = "KEY=FACTOR")]
    pub discount: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Price files merged over the embedded catalog, in order.
    #[arg(long = "prices", value_name = "FILE")]
    pub prices: Vec<PathBuf>,
}

pub fn run(a: PricesArgs) -> crate::Result<Output> {
    match a.command {
        PricesCommand::Import(a) => run_import(a),
        PricesCommand::List(a) => {
            let p = Prices::load(&a.prices)?;
            Ok(Output {
                stdout: p.figures_csv(),
                ..Output::default()
            })
        }
    }
}

fn run_import(a: ImportArgs) -> crate::Result<Output> {
    let discounts = Discounts::parse(&a.discount)?;
    let mut files = Vec::new();
    for p in &a.files {
        let text = crate::limits::read_capped(p, crate::limits::InputKind::Prices)?;
        files.push((p.display().to_string(), text));
    }
    let text = import::import(&files, &discounts, &Prices::default_embedded())?;
    // The result must be a price file the loader takes (checked before it is written).
    Prices::default_embedded().merge_text("the imported prices", &text)?;
    match a.out {
        None => Ok(Output {
            stdout: text.into_bytes(),
            ..Output::default()
        }),
        Some(out) => {
            std::fs::write(&out, &text).map_err(|e| crate::error::Error::Io {
                path: out.clone(),
                source: e,
            })?;
            Ok(Output {
                stderr: vec![format!("wrote {}", out.display())],
                ..Output::default()
            })
        }
    }
}
