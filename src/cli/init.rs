//! `ecsim init`: write a starter scenario that runs as it is on the default world.
//!
//! Scenario files are strict JSON without comments (docs/scenarios.md), so the starter
//! explains itself in its own `description` and in each request's `label`, and `init` prints
//! what to change next on stderr. An existing file is kept unless `--force`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::Output;
use crate::error::Error;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the starter scenario.
    #[arg(long, value_name = "FILE", default_value = "starter.json")]
    pub out: PathBuf,
    /// Overwrite FILE when it exists.
    #[arg(long)]
    pub force: bool,
}

/// The starter: a dry run, a launch that succeeds, and a request the API refuses, each with
/// the expectation that `run --check` holds it to, in the default world's network.
pub const STARTER: &str = r#"{
  "name": "starter",
  "description": "A starter scenario from `ecsim init`. Keys: start and horizon are the simulated window (UTC, and how long after start); trials is how many seeded replays (seed makes them repeatable); retry is the client's policy after a failed call; timeline lists requests in time order, each with at (+minutes from start), a label shown in the reports, an optional expect (ok, or an error code, alone or with the share of trials it must hold in) and request (RunInstances parameters in their flat wire form). The three requests: a dry run of the launch, the launch of 10 ecs.g7.large in cn-hangzhou-i, and one asking for a 10 GiB ESSD data disk, under that category's 20 GiB minimum, which the API refuses. Change the request parameters to your own and run `ecsim run --check starter.json`; docs/scenarios.md has every key.",
  "start": "2026-12-01T08:00:00Z",
  "horizon": "2h",
  "trials": 200,
  "seed": 1,
  "retry": {"attempts": 3, "backoff": "30s"},
  "timeline": [
    {"at": "+0m", "label": "dry-run-first", "expect": "DryRunOperation",
     "request": {"RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-i",
                 "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
                 "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k",
                 "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd",
                 "Amount": 10, "DryRun": true}},
    {"at": "+5m", "label": "launch-web-tier", "expect": {"code": "ok", "probability": [0.99, 1.0]},
     "request": {"RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-i",
                 "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
                 "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k",
                 "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd",
                 "Amount": 10}},
    {"at": "+30m", "label": "data-disk-too-small", "expect": "InvalidDataDiskSize.ValueNotSupported",
     "request": {"RegionId": "cn-hangzhou", "ZoneId": "cn-hangzhou-i",
                 "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
                 "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k",
                 "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd",
                 "DataDisk.1.Category": "cloud_essd", "DataDisk.1.Size": 10, "Amount": 1}}
  ]
}
"#;

pub fn run(a: InitArgs) -> crate::Result<Output> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    if a.force {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    let mut file = open.open(&a.out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Usage(format!(
                "{}: the file exists and is kept; give another --out FILE, or --force to \
                 overwrite it",
                a.out.display()
            ))
        } else {
            Error::io(&a.out, e)
        }
    })?;
    file.write_all(STARTER.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| Error::io(&a.out, e))?;
    let shown = a.out.display();
    Ok(Output {
        stdout: format!("wrote {shown}\n").into_bytes(),
        stderr: vec![
            format!(
                "next: ecsim run --check {shown}   (replays it; exit 1 if an expectation fails)"
            ),
            "its \"description\" explains each key; docs/scenarios.md has them all".to_string(),
        ],
        status: 0,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_starter_is_a_scenario_the_loader_reads() {
        let s =
            crate::scenario::file::parse("starter.json", super::STARTER, std::path::Path::new(""))
                .expect("the starter parses");
        assert_eq!(s.name, "starter");
    }
}
