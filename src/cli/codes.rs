//! `ecsim codes`: the error catalog.

use clap::Args;

use super::Output;
use crate::report;

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// Print CSV (key, code, http_status, message, origin, condition, hint, note).
    #[arg(long)]
    pub csv: bool,
}

pub fn run(a: CodesArgs) -> crate::Result<Output> {
    let entries = crate::catalog::errors::entries();
    let stdout = if a.csv {
        report::codes::csv(entries)
    } else {
        report::codes::text(entries)
    };
    Ok(Output {
        stdout,
        ..Output::default()
    })
}
