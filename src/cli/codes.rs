//! `ecsim codes`: the error catalog of one edition, filtered.

use clap::Args;

use super::Output;
use crate::catalog::Entry;
use crate::edition::EditionId;
use crate::report;

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// Print CSV (key, code, http_status, message, origin, modeled, reference_message,
    /// condition, hint, note; the reference-2018 edition keeps its own eight columns).
    #[arg(long)]
    pub csv: bool,
    /// The API edition: `current` (today's API, the default) or `reference-2018`.
    #[arg(long, value_name = "EDITION", default_value = "current")]
    pub edition: EditionId,
    /// Only the rows a rule returns.
    #[arg(long, conflicts_with = "not_modeled")]
    pub modeled: bool,
    /// Only the rows no rule returns (each says why in its note).
    #[arg(long)]
    pub not_modeled: bool,
    /// Only rows of this origin: reference, current, both or ecsim.
    #[arg(long, value_name = "ORIGIN", value_parser = ["reference", "current", "both", "ecsim"])]
    pub origin: Option<String>,
}

pub fn run(a: CodesArgs) -> crate::Result<Output> {
    let edition = a.edition.get();
    let rows: Vec<&Entry> = edition
        .rows()
        .filter(|e| !a.modeled || e.modeled)
        .filter(|e| !a.not_modeled || !e.modeled)
        .filter(|e| a.origin.as_deref().is_none_or(|o| e.origin.as_str() == o))
        .collect();
    let stdout = if a.csv {
        report::codes::csv(edition, &rows)
    } else {
        report::codes::text(edition, &rows)
    };
    Ok(Output {
        stdout,
        ..Output::default()
    })
}
