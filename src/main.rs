//! The `ecsim` binary: parse arguments, run, map the result to an exit status.

// Parsing wire requests allocates many small strings; mimalloc measured about a third less
// CPU than the system allocator on `check` (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    ecsim::cli::main()
}
