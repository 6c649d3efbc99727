//! `run --shard K/N` and `ecsim merge`: one run's trials over many processes or machines
//! (docs/scale-out.md).
//!
//! A shard directory holds `shard.json` (the run's command line without `--shard` and
//! `--out`, and each scenario's plan fingerprint and trial range) and one `shard-I.cbor` per
//! scenario (its trials' records), as one output set with its run.json manifest. The merge
//! parses the recorded command line again, so it loads the same inputs with the same
//! options, and replays the run with its trials read from the shards: every file a whole run
//! writes, byte for byte.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::{Args, Parser};
use serde::{Deserialize, Serialize};

use super::run::RunArgs;
use super::Output;
use crate::error::{Error, Place};
use crate::output::{OutFile, ScenarioEntry, SetInfo};
use crate::scenario::Scenario;
use crate::sim::shard::{Part, Shard, Source};
use crate::sim::{self, Options};

const FORMAT: &str = "ecsim-shard/1";
const META: &str = "shard.json";

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard directories (`run --shard K/N --out DIR`), every shard of one run, each once.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,
    /// Directory for the merged reports: the files one run of all trials writes.
    #[arg(long, value_name = "DIR", default_value = "ecsim-out")]
    pub out: PathBuf,
    /// Worker threads for the replayed sampled trials and the reports.
    #[arg(long, value_name = "N", value_parser = crate::limits::parse_threads)]
    pub threads: Option<u16>,
}

/// What `shard.json` records.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    format: String,
    ecsim: String,
    shard: String,
    /// The run's command line (the program as invoked first), without `--shard` and
    /// `--out`.
    argv: Vec<String>,
    scenarios: Vec<MetaScenario>,
}

#[derive(Debug, Serialize, Deserialize)]
struct MetaScenario {
    name: String,
    fingerprint: String,
    trials: u32,
    from: u32,
    to: u32,
    file: String,
}

/// The process's command line, without `--shard` and `--out` (and their values): what a
/// merge parses again, and records in its run manifest as the run's.
fn recorded_argv() -> Vec<String> {
    let mut args = std::env::args();
    let mut out: Vec<String> = args.next().into_iter().collect();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--shard" | "--out" => {
                args.next();
            }
            _ if a.starts_with("--shard=") || a.starts_with("--out=") => {}
            _ => out.push(a),
        }
    }
    out
}

/// `run --shard`: runs the shard's trials of every scenario and writes them to `--out`.
pub fn write_shard(
    a: &RunArgs,
    which: Shard,
    scenarios: &[Scenario],
    opts: &Options,
    pool: Option<&rayon::ThreadPool>,
) -> crate::Result<Output> {
    let parts: Vec<Part> = super::in_pool(pool, || {
        sim::run_shard(scenarios, opts, a.max_memory, which)
    })?;
    let mut files = Vec::new();
    let mut entries = Vec::new();
    for (i, (s, p)) in scenarios.iter().zip(parts).enumerate() {
        let file = format!("shard-{i}.cbor");
        entries.push(MetaScenario {
            name: s.name.clone(),
            fingerprint: p.fingerprint.clone(),
            trials: p.trials,
            from: p.range.0,
            to: p.range.1,
            file: file.clone(),
        });
        files.push(OutFile::new(file, p.data));
    }
    let meta = Meta {
        format: FORMAT.into(),
        ecsim: env!("CARGO_PKG_VERSION").into(),
        shard: which.to_string(),
        argv: recorded_argv(),
        scenarios: entries,
    };
    let mut json = serde_json::to_vec_pretty(&meta).expect("the shard metadata serialises");
    json.push(b'\n');
    let summary: Vec<String> = meta
        .scenarios
        .iter()
        .map(|s| format!("{}: trials {}..{} of {}", s.name, s.from, s.to, s.trials))
        .collect();
    files.insert(0, OutFile::new(META, json));
    let info = SetInfo {
        command: "run --shard",
        scenarios: meta
            .scenarios
            .iter()
            .zip(scenarios)
            .map(|(m, s)| ScenarioEntry {
                name: m.name.clone(),
                source: s.source.clone(),
                seed: s.seed,
                trials: m.trials,
                price_date: None,
            })
            .collect(),
    };
    crate::output::write_set(&a.out, info, &files)?;
    let mut stdout = format!("shard {which}: ").into_bytes();
    stdout.extend_from_slice(summary.join("; ").as_bytes());
    stdout.extend_from_slice(
        format!(
            "\nwrote {}; merge every shard with `ecsim merge DIR...`\n",
            a.out.join(META).display()
        )
        .as_bytes(),
    );
    Ok(Output {
        stdout,
        ..Output::default()
    })
}

fn read_meta(dir: &Path) -> crate::Result<Meta> {
    let path = dir.join(META);
    let place = || Place::new(path.display().to_string());
    // The manifest first: a shard killed mid-write, or edited, is not read at all.
    crate::output::verify(dir).map_err(|e| {
        Error::input(
            Place::new(dir.display().to_string()),
            format!(
                "not a complete shard ({e}); give the --out of a finished `ecsim run --shard \
                 K/N`, or run that shard again"
            ),
        )
    })?;
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::input(
            place(),
            format!("not a shard directory ({e}); give the --out of `ecsim run --shard K/N`"),
        )
    })?;
    let meta: Meta = serde_json::from_str(&text).map_err(|e| {
        Error::input(
            Place::at(path.display().to_string(), e.line(), e.column()),
            format!("not an ecsim shard description: {e}"),
        )
    })?;
    if meta.format != FORMAT || meta.ecsim != env!("CARGO_PKG_VERSION") {
        return Err(Error::input(
            place(),
            format!(
                "written by ecsim {} ({}); this is ecsim {} ({FORMAT}): run the shards and the \
                 merge with one ecsim",
                meta.ecsim,
                meta.format,
                env!("CARGO_PKG_VERSION")
            ),
        ));
    }
    Ok(meta)
}

/// `ecsim merge`: the whole run from its shards.
pub fn merge(m: MergeArgs) -> crate::Result<Output> {
    let metas: Vec<Meta> = m
        .dirs
        .iter()
        .map(|d| read_meta(d))
        .collect::<crate::Result<_>>()?;
    let first = &metas[0];
    let place = |i: usize| Place::new(m.dirs[i].join(META).display().to_string());
    let mut seen = std::collections::BTreeSet::new();
    let mut count = None;
    for (i, meta) in metas.iter().enumerate() {
        if meta.argv != first.argv {
            return Err(Error::input(
                place(i),
                format!(
                    "from another run: `{}` here, `{}` in {}; merge the shards of one run",
                    meta.argv.join(" "),
                    first.argv.join(" "),
                    m.dirs[0].display()
                ),
            ));
        }
        let s = Shard::parse(&meta.shard).map_err(|e| Error::input(place(i), e))?;
        if *count.get_or_insert(s.count) != s.count || !seen.insert(s.index) {
            return Err(Error::input(
                place(i),
                format!(
                    "shard {} does not fit: give every shard of one --shard K/N split once",
                    meta.shard
                ),
            ));
        }
    }
    let n = count.expect("at least one directory");
    if seen.len() as u32 != n {
        let missing: Vec<String> = (0..n)
            .filter(|k| !seen.contains(k))
            .take(5)
            .map(|k| format!("{k}/{n}"))
            .collect();
        return Err(Error::Usage(format!(
            "shards missing: {} (of {n}); merge every shard of the run",
            missing.join(", ")
        )));
    }
    let argv = first.argv.clone();
    if argv.is_empty() {
        return Err(Error::input(place(0), "the shard records no command line"));
    }
    let cli = super::Cli::try_parse_from(&argv).map_err(|e| {
        Error::Usage(format!(
            "the shards' command line `{}` does not parse here: {e}",
            argv.join(" ")
        ))
    })?;
    let super::Command::Run(mut run) = cli.command else {
        return Err(Error::Usage(format!(
            "the shards' command line `{}` is not a run",
            argv.join(" ")
        )));
    };
    run.out = m.out;
    if m.threads.is_some() {
        run.threads = m.threads;
    }
    run.from_shards = m.dirs;
    run.recorded_argv = Some(argv);
    super::run::run(run)
}

/// Every scenario's trials from the shard directories, by scenario index; `names` are the
/// merging run's scenarios, which must be the shards' in number and order.
pub fn sources(dirs: &[PathBuf], names: &[&str]) -> crate::Result<Arc<Vec<Mutex<Source>>>> {
    let mut parts: Vec<Vec<Part>> = (0..names.len()).map(|_| Vec::new()).collect();
    for dir in dirs {
        let meta = read_meta(dir)?;
        let place = Place::new(dir.join(META).display().to_string());
        let got: Vec<&str> = meta.scenarios.iter().map(|s| s.name.as_str()).collect();
        if got != names {
            return Err(Error::input(
                place,
                format!(
                    "the shard holds scenarios {got:?}, this run loads {names:?}: the inputs \
                     changed since the shards ran; run the merge where the shards ran, with \
                     the same files"
                ),
            ));
        }
        for (i, s) in meta.scenarios.iter().enumerate() {
            let path = dir.join(&s.file);
            let data = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            parts[i].push(Part {
                fingerprint: s.fingerprint.clone(),
                trials: s.trials,
                range: (s.from, s.to),
                data,
            });
        }
    }
    let sources = parts
        .into_iter()
        .zip(names)
        .map(|(p, name)| {
            Source::new(p)
                .map(Mutex::new)
                .map_err(|e| Error::Usage(format!("scenario {name}: {e}")))
        })
        .collect::<crate::Result<Vec<_>>>()?;
    Ok(Arc::new(sources))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_args_parse() {
        let cli =
            super::super::Cli::try_parse_from(["ecsim", "merge", "a", "b", "--out", "o"]).unwrap();
        let super::super::Command::Merge(m) = cli.command else {
            panic!("not a merge")
        };
        assert_eq!(m.dirs, vec![PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(m.out, PathBuf::from("o"));
    }
}
