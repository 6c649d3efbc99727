//! A `--world` JSON file as `check`, `run` and `serve` read it: merged over the default
//! world (`world::load::load_doc_text`), its spot prices checked
//! (`cost::spot::check_world_prices`), then indexed (`World::from_doc`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = ecsim::world::load::load_doc_text("fuzz.json", text) else {
        return;
    };
    if ecsim::cost::spot::check_world_prices(&doc, "fuzz.json").is_err() {
        return;
    }
    let _ = ecsim::world::World::from_doc(doc);
});
