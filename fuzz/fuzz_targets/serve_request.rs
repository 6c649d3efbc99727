//! `ecsim serve`'s API handling without the socket: each input line is one request,
//! `query[TAB form body[TAB x-acs-action]]`, turned into a raw request the way
//! `src/serve/http.rs` `api` does (form-urlencoded pairs of the query, then of the body,
//! empty names dropped) and answered by a fresh `Session` over the default world, in order;
//! each reply is rendered as JSON and XML, and the session report written at the end.
#![no_main]

use std::sync::OnceLock;

use ecsim::request::RawRequest;
use ecsim::serve::{ClockMode, Session, SessionConfig};
use ecsim::world::WorldDoc;
use libfuzzer_sys::fuzz_target;

/// Requests answered per input at most (a long input is many requests, not a slow one).
const MAX_REQUESTS: usize = 16;

fn doc() -> &'static WorldDoc {
    static DOC: OnceLock<WorldDoc> = OnceLock::new();
    DOC.get_or_init(|| ecsim::world::load::load_doc(&[]).expect("the default world loads"))
}

/// As `http.rs` `push_pairs`.
fn push_pairs(raw: &mut RawRequest, bytes: &[u8]) {
    for (k, v) in form_urlencoded::parse(bytes) {
        if !k.is_empty() {
            raw.push(k.into_owned(), v.into_owned());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let config = SessionConfig {
        seed: 7,
        start: ecsim::time::parse_utc("2027-06-01T00:00:00Z").expect("a fixed time"),
        clock: ClockMode::Manual,
        log_limit: 64,
    };
    let session = Session::from_doc(doc().clone(), &config);
    for line in data.split(|&b| b == b'\n').take(MAX_REQUESTS) {
        let mut parts = line.splitn(3, |&b| b == b'\t');
        let query = parts.next().unwrap_or_default();
        let body = parts.next().unwrap_or_default();
        let header = parts.next();
        let mut raw = RawRequest::new("POST /");
        push_pairs(&mut raw, query);
        push_pairs(&mut raw, body);
        raw.action_header = header
            .and_then(|h| std::str::from_utf8(h).ok())
            .map(str::to_string);
        let reply = session.handle(&raw);
        let _ = ecsim::serve::body::to_json(&reply);
        let _ = ecsim::serve::body::to_xml(&reply);
    }
    let report = session.report();
    let _ = ecsim::serve::report::requests_csv(&report.requests);
    let _ = ecsim::serve::report::failures_csv(&report.failures);
});
