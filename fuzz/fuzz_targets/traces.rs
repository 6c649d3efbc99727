//! Spot price traces and traffic traces: each input is read as a DescribeSpotPriceHistory
//! export in JSON and in CSV (`cost::spot::read_history`, then `trace_from_records` and
//! `price_at` for its first zone and type), as a spot CSV given to `--world`
//! (`load_doc_text` with a `.csv` name), and as an hourly traffic trace
//! (`cost::HourlyTrace::from_csv`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for source in ["fuzz.json", "fuzz.csv"] {
        if let Ok(records) = ecsim::cost::spot::read_history(text, source) {
            if let Some(first) = records.first() {
                let trace = ecsim::cost::spot::trace_from_records(
                    &records,
                    &first.zone_id,
                    &first.instance_type,
                );
                if let Some(p) = trace.first() {
                    let _ = ecsim::cost::spot::price_at(&trace, p.at);
                }
            }
        }
    }
    if let Ok(doc) = ecsim::world::load::load_doc_text("fuzz.csv", text) {
        let _ = ecsim::cost::spot::check_world_prices(&doc, "fuzz.csv");
    }
    let origin = ecsim::time::parse_utc("2026-12-01T00:00:00Z").expect("a fixed time");
    let _ = ecsim::cost::HourlyTrace::from_csv(text, "fuzz-traffic.csv", origin);
});
