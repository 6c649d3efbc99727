//! A standalone CSV scenario as `ecsim run` reads a `.csv` file:
//! `scenario::sheet::parse_standalone`.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios"));
    let _ = ecsim::scenario::sheet::parse_standalone("fuzz.csv", text, base);
});
