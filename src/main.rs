//! The `ecsim` binary: parse arguments, run, map the result to an exit status.

fn main() -> std::process::ExitCode {
    ecsim::cli::main()
}
