//! The bare baseline as a whole command, to time beside `ecsim check --json` on the same file
//! (docs/benchmarks.md, "## Check"):
//!
//! ```text
//! cargo bench --bench check_bare --no-run      # prints the binary's path
//! target/release/deps/check_bare-HASH /tmp/100k.jsonl > /tmp/bare.jsonl
//! ```
//!
//! It reads the file a line at a time through a 1 MiB buffer and writes what
//! `ecsim check --json FILE` writes for it (every request predicted to succeed). Without a
//! path (as `cargo bench` runs it) it checks itself on a small generated input and exits.

mod bare;

use std::io::{BufRead, BufReader, Write};

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        let text = "{\"ZoneId\":\"cn-hangzhou-i\",\"Amount\":\"2\"}\n".repeat(3);
        let mut out = Vec::new();
        bare::lines("self.jsonl", &text, &mut out);
        assert_eq!(out.iter().filter(|&&b| b == b'\n').count(), 3);
        println!("check_bare: give a JSON Lines file to time the bare baseline on it");
        return;
    };
    let file = std::fs::File::open(&path).expect("the input opens");
    let mut input = BufReader::with_capacity(1 << 20, file);
    let stdout = std::io::stdout();
    let mut stdout = stdout.lock();
    let mut line = Vec::new();
    let mut source = String::new();
    let mut out = Vec::with_capacity(1 << 20);
    let mut number = 0;
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line).expect("the input reads") == 0 {
            break;
        }
        number += 1;
        let text = std::str::from_utf8(&line).expect("UTF-8");
        if !text.trim().is_empty() {
            bare::line(&path, number, text.trim_end(), &mut source, &mut out);
        }
        if out.len() >= 1 << 20 {
            stdout.write_all(&out).expect("stdout");
            out.clear();
        }
    }
    stdout.write_all(&out).expect("stdout");
}
