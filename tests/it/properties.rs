//! Properties over generated inputs (proptest): wire forms round-trip through the parser, no
//! text panics a loader, and a run's reports do not depend on the thread count. Case counts
//! are small so the module runs in seconds; the fuzzers (`fuzz/`, docs/fuzzing.md) search
//! the same loaders for much longer.

use std::path::Path;

use ecsim::request::wire::parse_text;
use ecsim::sim::{self, Options};
use proptest::prelude::*;

// ------------------------------------------------------------------ printers

/// `pairs` as one query string, percent-encoded as an SDK does (space as `+`).
fn query_line(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let k: String = form_urlencoded::byte_serialize(k.as_bytes()).collect();
            let v: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `pairs` as one flat JSON object on one line, in order, duplicates kept.
fn json_line(pairs: &[(String, String)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}:{}",
                serde_json::to_string(k).unwrap(),
                serde_json::to_string(v).unwrap()
            )
        })
        .collect();
    format!("{{{}}}", body.join(","))
}

fn pairs_of(r: &ecsim::request::RawRequest) -> Vec<(String, String)> {
    r.params
        .iter()
        .map(|p| (p.name.to_string(), p.value.clone()))
        .collect()
}

// ------------------------------------------------------------------ strategies

/// Values with the characters that break naive printers: separators, escapes, unicode,
/// spaces and line breaks.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[&#=%+?;/ \\\\\"'a-zA-Z0-9.\u{e9}\u{4e2d}\u{1f600}\u{feff}\t\r\n-]{0,16}",
        any::<String>(),
    ]
}

/// A name a query string may carry: letters, digits and `.`, not a secret (a secret makes
/// later unknown names an error by design; `secret_tail` covers secrets).
fn query_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9.]{1,16}".prop_filter("not a secret name", |k| !ecsim::request::is_secret(k))
}

/// A query request: some pairs, then maybe a `Password` with an arbitrary value (which the
/// printer must encode so that nothing of it leaks into a next pair).
fn query_request() -> impl Strategy<Value = Vec<(String, String)>> {
    (
        prop::collection::vec((query_name(), value()), 1..6),
        prop::option::of(value()),
    )
        .prop_map(|(mut pairs, secret)| {
            if let Some(v) = secret {
                pairs.push(("Password".to_string(), v));
            }
            pairs
        })
}

/// A JSON request: any names at all (empty, duplicated, unicode), any values.
fn json_request() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            prop_oneof![query_name(), value(), Just("RegionId".into())],
            value(),
        ),
        0..6,
    )
}

/// A shipped file with a few random edits (characters inserted, deleted or replaced), so
/// that the text is nearly valid and reaches past the first syntax check.
fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), 0u8..3, any::<char>());
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit, 0..6),
    )
        .prop_map(|(seed, edits)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, op, c) in edits {
                let i = at.index(chars.len() + 1);
                match op {
                    0 => chars.insert(i, c),
                    1 if i < chars.len() => {
                        chars.remove(i);
                    }
                    _ if i < chars.len() => chars[i] = c,
                    _ => chars.push(c),
                }
            }
            chars.into_iter().collect()
        })
}

/// Arbitrary text, or text made of a format's punctuation.
fn text(punctuation: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), punctuation]
}

const REQUEST_SEEDS: &[&str] = &[
    include_str!("../../scenarios/check/reference-example.txt"),
    include_str!("../../scenarios/check/review.jsonl"),
    include_str!("../../scenarios/check/sdk-capture.json"),
];

const SCENARIO_SEEDS: &[&str] = &[
    include_str!("../../scenarios/quota-wave.json"),
    include_str!("../../scenarios/sg-fill.json"),
    include_str!("../../scenarios/stockout-fallback.json"),
    include_str!("../../scenarios/internet-billing.json"),
];

const SHEET_SEEDS: &[&str] = &[include_str!("../../scenarios/spreadsheet.csv")];

const WORLD_SEEDS: &[&str] = &[
    include_str!("../../data/world/account.json"),
    include_str!("../../data/world/quotas.json"),
    include_str!("../../data/world/stock.json"),
    include_str!("../../data/world/regions.json"),
];

/// A loader's error is bad input (or a file it names that cannot be read), never a usage
/// error, and it says something.
fn is_input_error(e: &ecsim::Error) -> bool {
    matches!(e, ecsim::Error::Input { .. } | ecsim::Error::Io { .. }) && !e.to_string().is_empty()
}

fn scenarios_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
}

/// `cases` cases from a fixed seed, so that `cargo test` is deterministic. To explore, set
/// `PROPTEST_RNG_SEED` (a number) and `PROPTEST_CASES`; a failure prints its shrunk input.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(11);
    }
    c
}

// ------------------------------------------------------------------ round trips

proptest! {
    #![proptest_config(config(64))]

    /// Query lines (bare or as URLs, indented, between comments and blank lines) read back
    /// as the pairs printed, each request sourced at its line.
    #[test]
    fn query_lines_round_trip(
        requests in prop::collection::vec((query_request(), any::<bool>(), "[ \t]{0,2}"), 1..4),
        comment in any::<bool>(),
    ) {
        let mut text = String::new();
        let mut lines = Vec::new();
        for (pairs, as_url, indent) in &requests {
            if comment {
                text.push_str("# a comment line\n\n");
            }
            let url = if *as_url { "https://ecs.aliyuncs.com/?" } else { "" };
            text.push_str(&format!("{indent}{url}{}\n", query_line(pairs)));
            lines.push(text.lines().count());
        }
        let parsed = parse_text("p.txt", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.len(), requests.len());
        for ((r, (pairs, _, _)), line) in parsed.iter().zip(&requests).zip(&lines) {
            prop_assert_eq!(&pairs_of(r), pairs);
            prop_assert_eq!(&r.source, &format!("p.txt:{line}"));
        }
    }

    /// JSON objects, one per line (JSON Lines) or a single one, read back as the pairs
    /// printed, in order and with duplicates.
    #[test]
    fn json_lines_round_trip(requests in prop::collection::vec(json_request(), 1..4)) {
        let text: String = requests.iter().map(|p| format!("{}\n", json_line(p))).collect();
        let parsed = parse_text("p.jsonl", &text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.len(), requests.len());
        for (i, (r, pairs)) in parsed.iter().zip(&requests).enumerate() {
            prop_assert_eq!(&pairs_of(r), pairs);
            prop_assert_eq!(&r.source, &format!("p.jsonl:{}", i + 1));
        }
    }

    /// The same pairs read the same whether sent as a query line or as a JSON object.
    #[test]
    fn query_and_json_forms_agree(pairs in query_request()) {
        let q = parse_text("q.txt", &query_line(&pairs)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let j = parse_text("j.json", &json_line(&pairs)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(pairs_of(&q[0]), pairs_of(&j[0]));
        prop_assert_eq!(q[0].fingerprint(), j[0].fingerprint());
    }
}

// ------------------------------------------------------------------ no panics

proptest! {
    #![proptest_config(config(48))]

    /// Request text: requests sourced in the named input, or an input error placed there.
    #[test]
    fn request_text_never_panics(
        t in prop_oneof![text("[{}\\[\\]\":,=&#%?a-z0-9 \n]{0,40}"), mutated(REQUEST_SEEDS)],
    ) {
        match parse_text("p.txt", &t) {
            // (a text of comment lines only reads as no requests: reported, not pinned here)
            Ok(reqs) => {
                for r in &reqs {
                    prop_assert!(r.source.starts_with("p.txt"), "{}", r.source);
                }
            }
            Err(e) => {
                prop_assert!(e.to_string().starts_with("p.txt"), "{}", e);
                prop_assert!(is_input_error(&e), "{}", e);
            }
        }
    }

    /// Scenario JSON: a scenario or an input error.
    #[test]
    fn scenario_file_never_panics(
        t in prop_oneof![text("[{}\\[\\]\":,0-9a-z+ \n]{0,40}"), mutated(SCENARIO_SEEDS)],
    ) {
        if let Err(e) = ecsim::scenario::file::parse("p.json", &t, scenarios_dir()) {
            prop_assert!(is_input_error(&e), "{}", e);
        }
    }

    /// CSV scenarios: a scenario or an input error.
    #[test]
    fn scenario_sheet_never_panics(
        t in prop_oneof![text("[,\"+a-z0-9:TZ\n-]{0,40}"), mutated(SHEET_SEEDS)],
    ) {
        if let Err(e) = ecsim::scenario::sheet::parse_standalone("p.csv", &t, scenarios_dir()) {
            prop_assert!(is_input_error(&e), "{}", e);
        }
    }

    /// World fragments: a merged world whose spot prices are checked, or an input error
    /// that names the fragment.
    #[test]
    fn world_fragment_never_panics(
        t in prop_oneof![text("[{}\\[\\]\":,0-9a-zA-Z \n]{0,40}"), mutated(WORLD_SEEDS)],
    ) {
        match ecsim::world::load::load_doc_text("w.json", &t) {
            Ok(doc) => {
                if let Err(e) = ecsim::cost::spot::check_world_prices(&doc, "w.json") {
                    prop_assert!(is_input_error(&e), "{}", e);
                }
                ecsim::world::World::from_doc(doc);
            }
            Err(e) => {
                prop_assert!(e.to_string().starts_with("w.json"), "{}", e);
                prop_assert!(is_input_error(&e), "{}", e);
            }
        }
    }
}

// ------------------------------------------------------------------ thread counts

/// Every report file of a run, in the order `ecsim run` writes them.
fn report_files(reports: &[ecsim::sim::ScenarioReport]) -> Vec<(&'static str, Vec<u8>)> {
    use ecsim::report::{compare, costs, replay};
    vec![
        ("summary", replay::summary(reports)),
        ("requests.csv", replay::requests_csv(reports)),
        ("failures.csv", replay::failures_csv(reports)),
        ("timeline.csv", replay::timeline_csv(reports)),
        ("costs.csv", costs::costs_csv(reports)),
        ("internet.csv", costs::internet_csv(reports)),
        ("spot.csv", costs::spot_csv(reports)),
        ("comparison.csv", compare::comparison_csv(reports)),
    ]
}

/// The reports of `scenarios` run on a pool of `threads` threads.
fn run_on(
    threads: usize,
    scenarios: &[ecsim::scenario::Scenario],
    opts: &Options,
) -> Vec<(&'static str, Vec<u8>)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let reports = pool
        .install(|| sim::run_checked(scenarios, opts, ecsim::limits::DEFAULT_MAX_MEMORY))
        .expect("the scenario runs");
    report_files(&reports)
}

fn same_on_1_and_3_threads(
    scenarios: &[ecsim::scenario::Scenario],
    opts: &Options,
) -> Result<(), TestCaseError> {
    let one = run_on(1, scenarios, opts);
    let three = run_on(3, scenarios, opts);
    for ((name, a), (_, b)) in one.iter().zip(&three) {
        prop_assert!(a == b, "{} differs between 1 and 3 threads", name);
    }
    // and the run did something: some request rows were written
    prop_assert!(one[1].1.iter().filter(|&&b| b == b'\n').count() > 1);
    Ok(())
}

proptest! {
    #![proptest_config(config(6))]

    /// Generated scenarios (`ecsim run --generate`): byte-identical reports on 1 and 3
    /// threads, whatever the size, trial count, amount and seed.
    #[test]
    fn generated_runs_do_not_depend_on_threads(
        requests in 3usize..24,
        trials in 1u32..6,
        amount in 1u32..5,
        seed in any::<u64>(),
    ) {
        let text = sim::gen::generate(sim::gen::GenSpec { requests, trials, amount, seed });
        let s = ecsim::scenario::file::parse("gen.json", &text, Path::new("."))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        same_on_1_and_3_threads(&[s], &Options::default())?;
    }

    /// The shipped scenarios with spot traces, traffic models and stock dynamics (sweeps
    /// expanded, run side by side), under any seed and a few trials.
    #[test]
    fn shipped_runs_do_not_depend_on_threads(
        file in prop::sample::select(&["spot-fleet.json", "internet-billing.json", "stockout-fallback.json"][..]),
        trials in 1u32..4,
        seed in any::<u64>(),
        sample_trials in 1u32..3,
    ) {
        let scenarios = ecsim::scenario::sweep::load_expanded(&scenarios_dir().join(file))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let opts = Options {
            trials: Some(trials),
            seed: Some(seed),
            sample_trials,
            ..Options::default()
        };
        same_on_1_and_3_threads(&scenarios, &opts)?;
    }
}
