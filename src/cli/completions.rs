//! `ecsim completions SHELL` and `ecsim man [COMMAND]`: shell completions and roff man pages,
//! generated from the clap definitions, so they list exactly the flags the binary takes.
//! Both print to stdout and write no file.

use clap::{Args, CommandFactory};

use super::{Cli, Output};
use crate::error::Error;

/// `ecsim --help`'s examples: a first plan, a check, the report.
pub const EXAMPLES: &str = "Examples:
  ecsim init                                  # write starter.json, a plan that runs as it is
  ecsim run starter.json                      # replay it; reports in ecsim-out/
  ecsim check scenarios/check/review.jsonl    # predict each request's answer
  ecsim check 'RegionId=cn-hangzhou&InstanceType=ecs.g7.large&ImageId=centos_7'
  ecsim run --help                            # a command's options and examples";

/// `ecsim check --help`'s examples.
pub const CHECK_EXAMPLES: &str = "Examples:
  ecsim check requests.jsonl                  # one answer per request; exit 1 if any fails
  ecsim check --json plan.json | jq .         # JSON Lines, one object per request
  ecsim check --world my-world.json main.tf   # a Terraform configuration against your account
  cat capture.txt | ecsim check -             # requests on stdin";

/// `ecsim run --help`'s examples.
pub const RUN_EXAMPLES: &str = "Examples:
  ecsim run starter.json                      # replay; summary here, reports in ecsim-out/
  ecsim run --trials 10000 --out plan-out scenarios/quota-wave.json
  ecsim run --check --strict plans/*.json     # CI: exit 1 on a failed expectation, 2 on a warning
  ecsim run --precision 1pp wave.json         # trials until every share is within +-1 point
  ecsim run --schema > scenario.schema.json   # the JSON Schema for editors";

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    ecsim completions bash > ~/.local/share/bash-completion/completions/ecsim\n  \
    ecsim completions zsh > ~/.zfunc/_ecsim      # with fpath+=(~/.zfunc) in ~/.zshrc\n  \
    ecsim completions fish > ~/.config/fish/completions/ecsim.fish")]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    ecsim man | man -l -\n  \
    ecsim man run > ~/.local/share/man/man1/ecsim-run.1")]
pub struct ManArgs {
    /// A subcommand's page (`run` gives ecsim-run(1)); without one, ecsim(1).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

pub fn completions(a: CompletionsArgs) -> crate::Result<Output> {
    let mut stdout = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "ecsim", &mut stdout);
    Ok(Output {
        stdout,
        ..Output::default()
    })
}

pub fn man(a: ManArgs) -> crate::Result<Output> {
    let mut cmd = Cli::command();
    cmd.build();
    let page = match &a.command {
        None => cmd,
        Some(name) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .filter(|c| !c.is_hide_set())
                .map(|c| c.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(name).filter(|c| !c.is_hide_set()) else {
                let hint = crate::error::suggest(name, names.iter().map(String::as_str))
                    .map_or(String::new(), |m| format!(" (did you mean {m:?}?)"));
                return Err(Error::Usage(format!(
                    "man {name}: no such command{hint}; give one of {}",
                    names.join(", ")
                )));
            };
            // The page is named ecsim-run(1) and its synopsis reads `ecsim run ...`.
            sub.clone()
                .display_name(format!("ecsim-{}", sub.get_name()))
                .bin_name(format!("ecsim {}", sub.get_name()))
        }
    };
    let mut stdout = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut stdout)
        .map_err(|e| Error::io("stdout", e))?;
    Ok(Output {
        stdout,
        ..Output::default()
    })
}
