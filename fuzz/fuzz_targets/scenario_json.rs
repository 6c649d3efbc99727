//! A scenario file in JSON as `ecsim run` reads it: `scenario::file::parse`, then its sweep
//! (`sweep::parse` and `expand`). Relative paths start from the shipped `scenarios/`
//! directory, so the seeds' traces and world files resolve.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios"));
    let Ok(scenario) = ecsim::scenario::file::parse("fuzz.json", text, base) else {
        return;
    };
    if let Ok(Some(sweep)) = ecsim::scenario::sweep::parse("fuzz.json", text) {
        let _ = ecsim::scenario::sweep::expand(&scenario, &sweep);
    }
});
