//! `ecsim world import FILE...`: Describe* exports (`aliyun ecs Describe... > x.json`) into one
//! world file, on stdout or `--out FILE`, with a report on stderr of what was used and what
//! was not. The logic is [`crate::world::import`]; this file reads and writes.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Output;
use crate::error::Error;
use crate::limits::{read_capped, InputKind};
use crate::world::import::{import, ExportFile, Options};

#[derive(Debug, Args)]
pub struct WorldArgs {
    #[command(subcommand)]
    pub command: WorldCommand,
}

#[derive(Debug, Subcommand)]
pub enum WorldCommand {
    /// Turn Describe* exports (`aliyun ecs DescribeImages ... > images.json`) into one world
    /// file for `--world`. docs/world.md, "Model your own account", has the commands.
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The exports: the JSON of DescribeInstanceTypes, DescribeImages, DescribeSecurityGroups,
    /// DescribeVSwitches, DescribeVpcs, DescribeAvailableResource, DescribeAccountAttributes,
    /// DescribeSpotPriceHistory, DescribeKeyPairs, DescribeSnapshots, DescribeInstances (and
    /// the other Describe* lists a world file takes). Pages of one export concatenate.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Where to write the world file (`-`: stdout, the default).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The region of exports that name none (DescribeKeyPairs, DescribeAccountAttributes, any
    /// export saved with the aliyun CLI's `--pager`): the `--RegionId` they were taken with.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
}

pub fn run(args: WorldArgs) -> crate::Result<Output> {
    match args.command {
        WorldCommand::Import(a) => run_import(a),
    }
}

fn run_import(args: ImportArgs) -> crate::Result<Output> {
    let names: Vec<String> = args.files.iter().map(|p| p.display().to_string()).collect();
    let texts = args
        .files
        .iter()
        .map(|p| read_capped(p, InputKind::World))
        .collect::<crate::Result<Vec<String>>>()?;
    let files: Vec<ExportFile> = names
        .iter()
        .zip(&texts)
        .map(|(name, text)| ExportFile { name, text })
        .collect();
    let imported = import(
        &files,
        &Options {
            region: args.region,
        },
    )?;
    let mut bytes = serde_json::to_vec_pretty(&imported.world)
        .map_err(|e| Error::Usage(format!("writing the world: {e}")))?;
    bytes.push(b'\n');
    let mut out = Output {
        stderr: imported.report,
        ..Output::default()
    };
    match args.out.filter(|p| p.as_os_str() != "-") {
        Some(path) => {
            std::fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
            out.stderr.push(format!("wrote {}", path.display()));
        }
        None => out.stdout = bytes,
    }
    Ok(out)
}
