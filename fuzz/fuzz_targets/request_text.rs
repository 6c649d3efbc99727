//! Request text as `ecsim check` reads it: `wire::parse_text`, then every request predicted
//! against the default world at a fixed time, and the predictions written as `check` prints
//! them. Input that is not UTF-8 is skipped, as the file reader refuses it.
#![no_main]

use std::sync::OnceLock;

use ecsim::world::World;
use libfuzzer_sys::fuzz_target;

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| ecsim::world::load::default_world().expect("the default world loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(requests) = ecsim::request::wire::parse_text("fuzz.txt", text) else {
        return;
    };
    let at = ecsim::time::parse_utc("2027-06-01T00:00:00Z").expect("a fixed time");
    let predictions: Vec<_> = requests
        .iter()
        .map(|raw| ecsim::validate::predict(raw, world(), at))
        .collect();
    let _ = ecsim::report::check::json_lines(&predictions);
    let _ = ecsim::report::check::text(&predictions);
});
