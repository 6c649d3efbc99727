//! `ecsim verify DIR` (hidden): checks an output directory against its `run.json` manifest,
//! the way a reader of the directory should before trusting it (docs/reliability.md).
//!
//! Exit status: 0 every listed file matches; 1 no manifest (the set is incomplete) or a
//! listed file is missing, changed or truncated, each named on stdout; 2 DIR is not a
//! directory, or usage.

use std::path::PathBuf;

use clap::Args;

use super::Output;
use crate::error::Error;
use crate::output::verify;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// An output directory of `ecsim run --out` or `ecsim serve --out`.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

pub fn run(a: VerifyArgs) -> crate::Result<Output> {
    match std::fs::metadata(&a.dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{}: not a directory; give the --out directory of a run",
                a.dir.display()
            )))
        }
        Err(e) => {
            return Err(Error::Usage(format!(
                "{}: {e}; give the --out directory of a run",
                a.dir.display()
            )))
        }
    }
    let (line, status) = match verify(&a.dir) {
        Ok(m) => (
            format!(
                "ok: {} file(s) match {} (ecsim {} {})",
                m.files.len(),
                a.dir.join(crate::output::MANIFEST).display(),
                m.ecsim,
                m.command
            ),
            0,
        ),
        // Every way a set fails to verify is an answer, not a program error.
        Err(e) => (e.to_string(), 1),
    };
    Ok(Output {
        stdout: format!("{line}\n").into_bytes(),
        stderr: Vec::new(),
        status,
    })
}
