//! `--edition` on every subcommand and a scenario's `"edition"` (filled in next).
