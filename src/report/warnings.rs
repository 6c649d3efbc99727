//! Request warnings in the replay's reports: what `check` warns about each request of a
//! scenario (unknown parameters with a "did you mean", repeated parameters, values a reader
//! could not resolve), as the run summary's lines and report.html's list. `requests.csv`
//! carries them in its `warnings` column ([`super::replay::requests_csv`]).

use std::fmt::Write as _;

use crate::sim::ScenarioReport;

/// Each warning of the scenario's requests with the request's place, in file order.
pub fn of(r: &ScenarioReport) -> impl Iterator<Item = (&str, &str)> {
    r.requests.iter().flat_map(|q| {
        q.warnings
            .iter()
            .map(move |w| (q.source.as_str(), w.as_str()))
    })
}

/// The summary's lines: `  warning: <place>: <warning>`, none without warnings.
pub fn summary_lines(r: &ScenarioReport) -> String {
    let mut s = String::new();
    for (place, w) in of(r) {
        let _ = writeln!(s, "  warning: {place}: {w}");
    }
    s
}

/// report.html's list of the scenario's request warnings (empty without warnings).
pub fn html(r: &ScenarioReport) -> String {
    let mut s = String::new();
    let mut any = false;
    for (place, w) in of(r) {
        if !any {
            s.push_str("<h3>Request warnings</h3>\n<ul class=\"warnings\">\n");
            any = true;
        }
        let _ = writeln!(
            s,
            "<li class=\"fail\"><code>{}</code>: {}</li>",
            super::html::esc(place),
            super::html::esc(w)
        );
    }
    if any {
        s.push_str("</ul>\n");
    }
    s
}
