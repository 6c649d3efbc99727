//! Scenario files: a world and the API edition it answers in, a start and horizon, trials
//! and a seed, fault rates, a retry policy, a stock model, and a timeline of RunInstances
//! requests and releases.
//!
//! Two forms are read (see `docs/scenarios.md`): a JSON document ([`mod@file`]) and a CSV timeline
//! with one request per row ([`sheet`]), standalone or referenced from the JSON form. Both
//! become one typed [`Scenario`]; every problem is an input error naming the file, line and
//! column, and unknown fields come with a did-you-mean suggestion.

pub mod file;
pub mod infra;
pub mod lint;
pub mod schema;
pub mod sheet;
pub mod sweep;
pub mod when;

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};

use crate::catalog::errors::entries;
use crate::catalog::ErrorKey;
use crate::edition::EditionId;
use crate::error::{suggest, Error, Place, Result};
use crate::request::RawRequest;
use crate::world::World;

/// The start when a scenario names none.
pub const DEFAULT_START: &str = "2026-12-01T08:00:00Z";
/// Trials when a scenario names none (small, so examples run in seconds).
pub const DEFAULT_TRIALS: u32 = 200;
/// The seed when a scenario names none.
pub const DEFAULT_SEED: u64 = 1;
/// Timeline samples per horizon when `sample_every` is not given and the timeline has no
/// shorter feature (see [`default_sample_every`]).
pub const DEFAULT_SAMPLES: i64 = 24;
/// Timeline samples per horizon at most when `sample_every` is not given: the default grid
/// follows a short wave down to horizon / 240 (42 minutes in a week), and no further.
pub const MAX_DEFAULT_SAMPLES: i64 = 240;

/// Codes a client retry policy retries: the service's transient answers.
pub const TRANSIENT: [ErrorKey; 3] = [
    ErrorKey::InternalError,
    ErrorKey::InnerServiceFailed,
    ErrorKey::OperationDeniedCreating,
];

/// The rate-limit answers (docs/throttling.md), which a client retry policy retries like the
/// transient faults.
pub const THROTTLING: [ErrorKey; 2] = [ErrorKey::ThrottlingUser, ErrorKey::ThrottlingResource];

/// Whether a client retry policy retries an answer: a transient fault or a throttling code.
pub fn retried(key: ErrorKey) -> bool {
    TRANSIENT.contains(&key) || THROTTLING.contains(&key)
}

/// One scenario, typed and checked.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    /// The name random streams derive from: the scenario's own, or for a sweep variant its
    /// base scenario's, so that variants share their random numbers (common random numbers:
    /// differences between variants come from what the sweep changed, not from the draws).
    pub stream_name: String,
    pub description: String,
    /// The file it was read from (or a generator's name).
    pub source: String,
    /// The API edition the file names (`"edition"`), which wins over `--edition`; None when
    /// the file names none (CSV timelines never do). The world's `edition` is the one the
    /// scenario replays under: this one, else [`Scenario::set_default_edition`]'s.
    pub edition: Option<EditionId>,
    pub world: World,
    pub start: DateTime<Utc>,
    pub horizon: TimeDelta,
    /// Spacing of the usage samples written to `timeline.csv`.
    pub sample_every: TimeDelta,
    pub trials: u32,
    pub seed: u64,
    /// Probability per attempt of each transient fault, in catalog order.
    pub faults: Vec<(ErrorKey, f64)>,
    pub retry: Retry,
    pub stock: StockSpec,
    /// Requests and releases in file order (the engine orders them by time, stably).
    pub events: Vec<Event>,
    /// Prices and traffic for the cost model (`costs` in the file; defaults when absent).
    pub costs: Costs,
}

impl Scenario {
    /// Replays the scenario under `edition` (the command line's `--edition`) unless the file
    /// names its own: a scenario written for an edition replays the same whatever the
    /// command line says.
    pub fn set_default_edition(&mut self, edition: EditionId) {
        self.world.edition = self.edition.unwrap_or(edition);
    }
}

/// GB out per instance-hour when a scenario gives no traffic model.
pub const DEFAULT_GB_PER_HOUR: f64 = 0.1;

/// The cost model's inputs: prices (the embedded catalog, with the scenario's files merged over
/// it), the traffic model, and traffic overrides per label.
#[derive(Debug, Clone)]
pub struct Costs {
    pub prices: std::sync::Arc<crate::cost::Prices>,
    /// The price files merged over the embedded catalog, in order.
    pub price_files: Vec<PathBuf>,
    pub traffic: crate::cost::TrafficModel,
    pub labels: std::collections::BTreeMap<String, crate::cost::TrafficModel>,
    /// Sigma of `ln L`, where each trial draws one level `L` (log-normal, mean 1) that
    /// multiplies every traffic model: uncertainty about how busy the workload will be.
    pub traffic_uncertainty: f64,
}

impl Default for Costs {
    /// The embedded prices and a constant [`DEFAULT_GB_PER_HOUR`].
    fn default() -> Self {
        static EMBEDDED: std::sync::OnceLock<std::sync::Arc<crate::cost::Prices>> =
            std::sync::OnceLock::new();
        Costs {
            prices: EMBEDDED
                .get_or_init(|| std::sync::Arc::new(crate::cost::Prices::default_embedded()))
                .clone(),
            price_files: Vec::new(),
            traffic: crate::cost::TrafficModel::Constant {
                gb_per_hour: DEFAULT_GB_PER_HOUR,
            },
            labels: std::collections::BTreeMap::new(),
            traffic_uncertainty: 0.0,
        }
    }
}

impl Costs {
    /// The traffic model of a request with `label`.
    pub fn traffic_for(&self, label: Option<&str>) -> &crate::cost::TrafficModel {
        label
            .and_then(|l| self.labels.get(l))
            .unwrap_or(&self.traffic)
    }
}

/// The client's retry policy: how many attempts in all, and the wait between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Attempts in all, at least 1 (1 means no retry).
    pub attempts: u32,
    pub backoff: TimeDelta,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 1,
            backoff: TimeDelta::seconds(30),
        }
    }
}

/// How stock moves: a default model for every pool, per-pool models, and off-sale windows.
#[derive(Debug, Clone, Default)]
pub struct StockSpec {
    pub default: PoolModel,
    pub pools: Vec<PoolSpec>,
    pub off_sale: Vec<OffSale>,
}

impl StockSpec {
    /// The model of (zone, type): its own entry, else the default.
    pub fn model(&self, zone: &str, instance_type: &str) -> &PoolModel {
        self.pools
            .iter()
            .find(|p| p.zone == zone && p.instance_type == instance_type)
            .map_or(&self.default, |p| &p.model)
    }
}

/// The model of one stock pool.
#[derive(Debug, Clone, Default)]
pub struct PoolModel {
    /// Instances deliverable at the start (overrides the world's level; None keeps it).
    pub initial: Option<u32>,
    /// Instances added each hour.
    pub replenish_per_hour: Option<Dist>,
    /// Instances taken by other customers each hour.
    pub competing_demand_per_hour: Option<Dist>,
}

impl PoolModel {
    /// Whether the pool's level moves on its own over time.
    pub fn is_dynamic(&self) -> bool {
        self.replenish_per_hour.is_some() || self.competing_demand_per_hour.is_some()
    }
}

/// A stock pool's model: one zone and instance type.
#[derive(Debug, Clone)]
pub struct PoolSpec {
    pub zone: String,
    pub instance_type: String,
    pub model: PoolModel,
}

/// A count per hour, drawn per trial.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    Constant(u32),
    Poisson(f64),
    /// Uniform integers in `lo..=hi`.
    Uniform(u32, u32),
}

/// A window in which a zone (or one type in it) sells nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct OffSale {
    pub zone: String,
    /// Only this type (None: every type in the zone).
    pub instance_type: Option<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// One timeline entry.
#[derive(Debug, Clone)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub label: Option<String>,
    /// Where the entry is written (`file:line:col`, or `file:line` for a CSV row).
    pub place: Place,
    pub kind: EventKind,
}

#[derive(Debug, Clone)]
pub enum EventKind {
    /// A RunInstances call, with what the planner expects of it.
    Request {
        raw: RawRequest,
        expect: Option<Expect>,
    },
    /// Instances given back.
    Release(Release),
}

/// What a release gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Every instance still running that requests with this label created.
    Label(String),
    /// `count` instances, oldest first, of the label (or of any request).
    Count { count: u32, label: Option<String> },
    /// Every instance the scenario created that still runs.
    All,
}

/// An expected answer and the share of trials in which it must occur.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub outcome: Expected,
    /// Inclusive bounds on the fraction of trials answering `outcome`.
    pub probability: (f64, f64),
    /// With a confidence level, the expectation is met when the whole interval of the share
    /// at that level lies within `probability`; without, when the point estimate does.
    pub confidence: Option<f64>,
}

impl Expect {
    /// Whether the trials' share (with its interval at this expectation's level) meets it.
    pub fn judge(&self, share: &crate::stats::Share) -> bool {
        let eps = 1e-9;
        let (lo, hi) = self.probability;
        match self.confidence {
            None => share.estimate + eps >= lo && share.estimate - eps <= hi,
            Some(_) => share.lo + eps >= lo && share.hi - eps <= hi,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Instances created (MinAmount partial grants and passing dry runs included).
    Ok,
    /// An error code (`QuotaExceed.AfterpayInstance`) or catalog key name.
    Code(String),
}

impl Expected {
    /// Whether an answer (None: instances created) is the expected one.
    pub fn matches(&self, answer: Option<ErrorKey>) -> bool {
        match (self, answer) {
            (Expected::Ok, None | Some(ErrorKey::DryRunOperation)) => true,
            (Expected::Ok, Some(_)) => false,
            (Expected::Code(_), None) => false,
            (Expected::Code(c), Some(k)) => k.code() == c || k.name() == c,
        }
    }

    /// Reads `ok` or a catalog code / key name, with a suggestion for a near miss.
    pub fn parse(s: &str) -> std::result::Result<Expected, String> {
        if s.eq_ignore_ascii_case("ok") {
            return Ok(Expected::Ok);
        }
        if entries().iter().any(|e| e.code == s || e.key.name() == s) {
            return Ok(Expected::Code(s.to_string()));
        }
        let names = entries()
            .iter()
            .flat_map(|e| [e.code, e.key.name()])
            .chain(["ok"]);
        Err(match suggest(s, names) {
            Some(m) => {
                format!("{s:?} is not \"ok\" or an error code of the catalog (did you mean {m:?}?)")
            }
            None => format!(
                "{s:?} is not \"ok\" or an error code of the catalog (`ecsim codes` lists them)"
            ),
        })
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match &self.outcome {
            Expected::Ok => "ok",
            Expected::Code(c) => c,
        };
        if self.probability == (1.0, 1.0) {
            write!(f, "{what} in every trial")?;
        } else {
            write!(
                f,
                "{what} in {}..{} of trials",
                self.probability.0, self.probability.1
            )?;
        }
        match self.confidence {
            Some(c) => write!(f, " at {}% confidence", c * 100.0),
            None => Ok(()),
        }
    }
}

/// Where world data for a scenario comes from, merged in order over the default world.
#[derive(Debug, Clone)]
pub enum WorldPart {
    File(PathBuf),
    Inline {
        value: serde_json::Value,
        place: Place,
    },
}

/// Builds the world: the embedded default, then each part in order, answering in `edition`.
pub fn build_world(parts: &[WorldPart], edition: EditionId) -> Result<World> {
    use crate::world::load::{load_doc, WorldSource};
    let sources: Vec<WorldSource> = parts
        .iter()
        .map(|p| match p {
            WorldPart::File(f) => WorldSource::File(f),
            WorldPart::Inline { value, place } => WorldSource::Inline { value, place },
        })
        .collect();
    let doc = load_doc(&sources)?;
    let names: Vec<String> = parts
        .iter()
        .map(|p| match p {
            WorldPart::File(f) => f.display().to_string(),
            WorldPart::Inline { place, .. } => place.to_string(),
        })
        .collect();
    let source = if names.is_empty() {
        "data/world".to_string()
    } else {
        names.join(", ")
    };
    crate::cost::spot::check_world_prices(&doc, &source)?;
    let mut world = World::from_doc(doc);
    world.edition = edition;
    Ok(world)
}

/// Reads a scenario file: `.csv` is a standalone CSV timeline, a Terraform plan (`terraform
/// show -json`), a ROS template, a `.tf` file or a directory of them launches its instances at the start of a
/// default scenario ([`infra`]), anything else is a JSON scenario.
pub fn load(path: &Path) -> Result<Scenario> {
    load_with(path, &LoadOptions::default())
}

/// How [`load_with`] reads a scenario file.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Spread a plan's or template's requests evenly over this much time instead of one a
    /// second ([`infra::scenario`]); scenario files keep their own times.
    pub spread: Option<chrono::TimeDelta>,
}

/// [`load`], with `options`.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<Scenario> {
    load_read(path, options).map(|(s, _)| s)
}

/// [`load_with`], with the text of a JSON scenario file as read (None for the other forms),
/// so that its sweep is read from the same text ([`sweep::load_expanded_with`]).
pub(crate) fn load_read(path: &Path, options: &LoadOptions) -> Result<(Scenario, Option<String>)> {
    let source = path.display().to_string();
    if is_configuration(path) {
        let reqs = crate::input::hcl::read_path(path)?;
        let doc = crate::input::Document::of(reqs);
        return Ok((infra::scenario(&source, doc, options.spread)?, None));
    }
    let text = crate::limits::read_capped(path, crate::limits::InputKind::Scenario)?;
    if let Some(doc) = crate::input::read_document(&source, &text) {
        return Ok((infra::scenario(&source, doc?, options.spread)?, None));
    }
    let base = path.parent().unwrap_or(Path::new(""));
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        Ok((sheet::parse_standalone(&source, &text, base)?, None))
    } else {
        let s = file::parse(&source, &text, base)?;
        Ok((s, Some(text)))
    }
}

/// Whether `path` is Terraform configuration (a `.tf` file or a directory of them), read by
/// [`crate::input::hcl`] rather than as a scenario's text.
pub fn is_configuration(path: &Path) -> bool {
    path.is_dir()
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("tf"))
}

/// The scenario inputs checked against the ceilings of [`crate::limits`], before anything is
/// allocated for them: the trial count, the horizon (and where it ends), the usage samples
/// per trial, and the latest time a retry can reach. On failure, the top-level key at fault
/// (`trials`, `horizon`, `sample_every`, `retry`) and the message with the fix.
pub(crate) fn ceilings(
    start: DateTime<Utc>,
    horizon: TimeDelta,
    sample_every: TimeDelta,
    trials: u32,
    retry: Retry,
) -> std::result::Result<(), (&'static str, String)> {
    use crate::limits::{self, MAX_SAMPLES, MAX_TRIALS};
    let fmt = crate::time::format_utc;
    if trials > MAX_TRIALS {
        return Err((
            "trials",
            format!(
                "trials {trials} is over the ceiling of {MAX_TRIALS}; {MAX_TRIALS} trials already \
                 estimate a probability within 0.0002, so give fewer (docs/reliability.md)"
            ),
        ));
    }
    if horizon > limits::max_duration() {
        return Err((
            "horizon",
            format!(
                "horizon {} is longer than the ceiling of {}d (about 100 years); give a \
                 shorter horizon (docs/reliability.md)",
                when::format_duration(horizon),
                limits::MAX_DURATION_DAYS
            ),
        ));
    }
    let Some(end) = limits::add_time(start, horizon) else {
        return Err((
            "horizon",
            format!(
                "horizon {} from {} ends after {}; start earlier or give a shorter horizon",
                when::format_duration(horizon),
                fmt(start),
                fmt(limits::max_time())
            ),
        ));
    };
    let every = sample_every.num_seconds().max(1);
    let samples = horizon.num_seconds() / every + 1;
    if samples > MAX_SAMPLES {
        // The shortest spacing that fits, in whole minutes.
        let secs = (horizon.num_seconds() + MAX_SAMPLES - 2) / (MAX_SAMPLES - 1);
        let fits = TimeDelta::minutes((secs + 59) / 60);
        return Err((
            "sample_every",
            format!(
                "a horizon of {} sampled every {} is {samples} usage samples per trial, over \
                 the ceiling of {MAX_SAMPLES}; sample less often (\"sample_every\": \"{}\" or \
                 more) or shorten the horizon (docs/reliability.md)",
                when::format_duration(horizon),
                when::format_duration(sample_every),
                when::format_duration(fits)
            ),
        ));
    }
    let waits = retry
        .backoff
        .checked_mul(retry.attempts.saturating_sub(1) as i32)
        .and_then(|w| limits::add_time(end, w));
    if waits.is_none() {
        return Err((
            "retry",
            format!(
                "retry: {} attempts {} apart after the horizon's end ({}) reach past {}; give a \
                 shorter backoff or fewer attempts",
                retry.attempts,
                when::format_duration(retry.backoff),
                fmt(end),
                fmt(limits::max_time())
            ),
        ));
    }
    Ok(())
}

/// [`ceilings`] for a scenario already built (a sweep variant, whose trials the sweep may have
/// changed), with `trials` overriding its own when given (`--trials`): the error names the
/// scenario's file and name.
pub fn check_ceilings(s: &Scenario, trials: Option<u32>) -> Result<()> {
    let trials = trials.unwrap_or(s.trials);
    let place = || Place::new(s.source.clone());
    ceilings(s.start, s.horizon, s.sample_every, trials, s.retry)
        .map_err(|(_, m)| Error::input(place(), format!("scenario {}: {m}", s.name)))?;
    // A swept traffic_scale multiplies the models the file's load checked.
    let models = std::iter::once(("traffic", &s.costs.traffic))
        .chain(s.costs.labels.iter().map(|(l, m)| (l.as_str(), m)));
    for (what, m) in models {
        m.validate().map_err(|e| {
            Error::input(place(), format!("scenario {}: costs: {what}: {e}", s.name))
        })?;
    }
    Ok(())
}

/// The timeline spacing when a scenario gives no `sample_every`: horizon / [`DEFAULT_SAMPLES`],
/// or finer when the timeline has a shorter feature, so that a sample falls inside every one.
/// A feature's length is the gap between two consecutive distinct times at which something is
/// planned: timeline entries (launches and releases), requests' `AutoReleaseTime` and the
/// edges of off-sale windows. Anything that lasts at least the grid holds a sample, because a
/// sample at time t is taken after the events at t. Rounded down to a whole minute, and no
/// finer than horizon / [`MAX_DEFAULT_SAMPLES`] (rounded up to a minute), so a burst of
/// launches seconds apart does not multiply the samples kept per trial (docs/engine.md).
pub fn default_sample_every(horizon: TimeDelta, events: &[Event], stock: &StockSpec) -> TimeDelta {
    let minutes = |secs: i64| TimeDelta::minutes((secs / 60).max(1));
    let coarse = minutes(horizon.num_seconds() / DEFAULT_SAMPLES + 59);
    let finest = minutes(horizon.num_seconds() / MAX_DEFAULT_SAMPLES + 59);
    let auto_release = events.iter().filter_map(|e| match &e.kind {
        EventKind::Request { raw, .. } => {
            raw.get("AutoReleaseTime").and_then(crate::time::parse_utc)
        }
        EventKind::Release(_) => None,
    });
    let mut times: Vec<DateTime<Utc>> = events
        .iter()
        .map(|e| e.at)
        .chain(auto_release)
        .chain(stock.off_sale.iter().flat_map(|w| [w.from, w.to]))
        .collect();
    times.sort_unstable();
    times.dedup();
    let shortest = times
        .windows(2)
        .map(|w| (w[1] - w[0]).num_seconds())
        .filter(|&gap| gap > 0)
        .min();
    match shortest {
        Some(gap) => minutes(gap).clamp(finest, coarse),
        None => coarse,
    }
}

/// Checks what the whole timeline must satisfy: times within the horizon, release labels
/// that some request carries.
pub(crate) fn check_timeline(s: &Scenario) -> Result<()> {
    let end = crate::limits::add_time(s.start, s.horizon).ok_or_else(|| {
        Error::input(
            Place::new(s.source.clone()),
            format!(
                "the horizon ends after {}; {}",
                crate::time::format_utc(crate::limits::max_time()),
                crate::limits::time_range_hint()
            ),
        )
    })?;
    let labels: Vec<&str> = s
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Request { .. }))
        .filter_map(|e| e.label.as_deref())
        .collect();
    for e in &s.events {
        if e.at < s.start || e.at > end {
            return Err(Error::input(
                e.place.clone(),
                format!(
                    "at {} is outside the scenario ({} to {}); move it or lengthen \"horizon\"",
                    crate::time::format_utc(e.at),
                    crate::time::format_utc(s.start),
                    crate::time::format_utc(end)
                ),
            ));
        }
        let label = match &e.kind {
            EventKind::Release(Release::Label(l)) => Some(l),
            EventKind::Release(Release::Count { label, .. }) => label.as_ref(),
            _ => None,
        };
        if let Some(l) = label {
            if !labels.contains(&l.as_str()) {
                let hint = match suggest(l, labels.iter().copied()) {
                    Some(m) => format!(" (did you mean {m:?}?)"),
                    None => "; label a request with \"label\" first".to_string(),
                };
                return Err(Error::input(
                    e.place.clone(),
                    format!("release: no request is labelled {l:?}{hint}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: DateTime<Utc>, minutes: i64, kind: EventKind) -> Event {
        Event {
            at: start + TimeDelta::minutes(minutes),
            label: None,
            place: Place::new("t"),
            kind,
        }
    }

    #[test]
    fn the_default_grid_follows_the_shortest_gap_within_its_bounds() {
        let start = crate::time::parse_utc(DEFAULT_START).unwrap();
        let week = TimeDelta::days(7);
        let none = StockSpec::default();
        let launch = |m| {
            at(
                start,
                m,
                EventKind::Request {
                    raw: RawRequest::new("t"),
                    expect: None,
                },
            )
        };
        let release = |m| at(start, m, EventKind::Release(Release::All));
        // Nothing shorter than the horizon: horizon / 24, 7 h in a week.
        assert_eq!(default_sample_every(week, &[], &none), TimeDelta::hours(7));
        assert_eq!(
            default_sample_every(week, &[launch(0)], &none),
            TimeDelta::hours(7)
        );
        // A one-hour wave: hourly samples.
        let wave = [launch(0), launch(3000), release(3060)];
        assert_eq!(
            default_sample_every(week, &wave, &none),
            TimeDelta::hours(1)
        );
        // A burst a minute apart stops at horizon / 240 (42 minutes in a week).
        let burst = [launch(0), launch(1), launch(2)];
        assert_eq!(
            default_sample_every(week, &burst, &none),
            TimeDelta::minutes(42)
        );
        // Gaps round down to a whole minute; off-sale windows and AutoReleaseTime count.
        let mut stock = StockSpec::default();
        stock.off_sale.push(OffSale {
            zone: "z".into(),
            instance_type: None,
            from: start + TimeDelta::minutes(600),
            to: start + TimeDelta::seconds(600 * 60 + 150 * 60 + 30),
        });
        assert_eq!(
            default_sample_every(week, &[], &stock),
            TimeDelta::minutes(150)
        );
        let mut raw = RawRequest::new("t");
        raw.push("AutoReleaseTime", "2026-12-01T10:00:00Z");
        let short_life = [at(start, 0, EventKind::Request { raw, expect: None })];
        assert_eq!(
            default_sample_every(week, &short_life, &none),
            TimeDelta::hours(2)
        );
        // A day: 1 h by default, down to 6 minutes.
        assert_eq!(
            default_sample_every(TimeDelta::days(1), &burst, &none),
            TimeDelta::minutes(6)
        );
    }

    #[test]
    fn expectations_read_codes_and_key_names() {
        assert_eq!(Expected::parse("ok"), Ok(Expected::Ok));
        let e = Expected::parse("QuotaExceed.AfterpayInstance").unwrap();
        assert!(e.matches(Some(ErrorKey::QuotaExceedAfterpayInstance)));
        assert!(!e.matches(None));
        let k = Expected::parse("QuotaExceedAfterpayInstance").unwrap();
        assert!(k.matches(Some(ErrorKey::QuotaExceedAfterpayInstance)));
        let err = Expected::parse("QuotaExceed.AfterpayInstanse").unwrap_err();
        assert!(
            err.contains("did you mean \"QuotaExceed.AfterpayInstance\""),
            "{err}"
        );
        assert!(Expected::Ok.matches(Some(ErrorKey::DryRunOperation)));
    }

    #[test]
    fn the_files_edition_wins_over_the_default() {
        let tl = r#"{"timeline": [{"at": "+0m", "release": "all"}]}"#;
        let mut s = file::parse("d.json", tl, Path::new(".")).unwrap();
        s.set_default_edition(EditionId::Reference2018);
        assert_eq!(s.world.edition, EditionId::Reference2018);
        let pinned = r#"{"edition": "current", "timeline": [{"at": "+0m", "release": "all"}]}"#;
        let mut s = file::parse("d.json", pinned, Path::new(".")).unwrap();
        s.set_default_edition(EditionId::Reference2018);
        assert_eq!(s.world.edition, EditionId::Current);
    }
}
