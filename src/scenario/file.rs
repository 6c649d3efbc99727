//! The JSON scenario form: serde structs that deny unknown fields, turned into a typed
//! [`Scenario`] with every error placed at `file:line:col` and near misses suggested.
//!
//! Positions come from the text itself: the timeline's entries are read as raw JSON slices of
//! the file, so each entry knows where it starts and errors inside it are shifted to the file.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::when::{self, AT_HINT, DURATION_HINT};
use super::*;
use crate::request::wire;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Doc<'a> {
    /// Accepted so editors can point at the schema; not used.
    #[serde(rename = "$schema", default)]
    _schema: Option<String>,
    name: Option<String>,
    #[serde(default)]
    description: String,
    /// An edition name (`current`, `reference-2018`); wins over `--edition`.
    edition: Option<String>,
    #[serde(borrow, default)]
    world: Option<&'a RawValue>,
    start: Option<String>,
    horizon: Option<String>,
    sample_every: Option<String>,
    trials: Option<u32>,
    seed: Option<u64>,
    #[serde(default)]
    faults: BTreeMap<String, f64>,
    retry: Option<RetryDoc>,
    stock: Option<StockDoc>,
    costs: Option<CostsDoc>,
    /// Read by `sweep::parse` (variants of this scenario); accepted here.
    #[serde(rename = "sweep", borrow, default)]
    _sweep: Option<&'a RawValue>,
    #[serde(borrow)]
    timeline: &'a RawValue,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CostsDoc {
    traffic: Option<TrafficDoc>,
    traffic_uncertainty: Option<f64>,
    #[serde(default)]
    prices: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, TrafficDoc>,
}

/// A traffic model as written: exactly one of these keys.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum TrafficDoc {
    ConstantGbPerHour(f64),
    #[serde(rename = "lognormal")]
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Gamma {
        shape: f64,
        rate: f64,
    },
    TruncatedNormal {
        mean: f64,
        sd: f64,
    },
    DailyProfile {
        base_gb_per_hour: f64,
        factors: [f64; 24],
        #[serde(default = "china_offset")]
        utc_offset_hours: i32,
    },
    /// A CSV `hour,gb` relative to the scenario file, hour 0 at the scenario's start.
    Trace(String),
}

fn china_offset() -> i32 {
    8
}

fn traffic_model(
    doc: TrafficDoc,
    base: &Path,
    start: chrono::DateTime<chrono::Utc>,
) -> Result<crate::cost::TrafficModel> {
    use crate::cost::TrafficModel as T;
    Ok(match doc {
        TrafficDoc::ConstantGbPerHour(gb_per_hour) => T::Constant { gb_per_hour },
        TrafficDoc::LogNormal { mu, sigma } => T::LogNormal { mu, sigma },
        TrafficDoc::Gamma { shape, rate } => T::Gamma { shape, rate },
        TrafficDoc::TruncatedNormal { mean, sd } => T::TruncatedNormal { mean, sd },
        TrafficDoc::DailyProfile {
            base_gb_per_hour,
            factors,
            utc_offset_hours,
        } => T::DailyProfile {
            base_gb_per_hour,
            factors,
            utc_offset_hours,
        },
        TrafficDoc::Trace(rel) => {
            let path = base.join(&rel);
            let text = crate::limits::read_capped(&path, crate::limits::InputKind::Traffic)?;
            T::Trace(crate::cost::HourlyTrace::from_csv(
                &text,
                &path.display().to_string(),
                start,
            )?)
        }
    })
}

fn parse_costs(
    doc: Option<CostsDoc>,
    base: &Path,
    start: chrono::DateTime<chrono::Utc>,
    place: Place,
) -> Result<Costs> {
    let Some(doc) = doc else {
        return Ok(Costs::default());
    };
    let mut costs = Costs::default();
    let check = |m: crate::cost::TrafficModel, what: &str| {
        m.validate()
            .map(|()| m)
            .map_err(|e| Error::input(place.clone(), format!("costs: {what}: {e}")))
    };
    if let Some(t) = doc.traffic {
        costs.traffic = check(traffic_model(t, base, start)?, "traffic")?;
    }
    for (label, t) in doc.labels {
        let m = check(traffic_model(t, base, start)?, &format!("labels.{label}"))?;
        costs.labels.insert(label, m);
    }
    if let Some(u) = doc.traffic_uncertainty {
        if !(u.is_finite() && (0.0..=3.0).contains(&u)) {
            return Err(Error::input(
                place,
                format!(
                    "costs: traffic_uncertainty {u} must be between 0 and 3 (the sigma of the \
                     log of the per-trial traffic level; 0.3 means about +-30 %)"
                ),
            ));
        }
        costs.traffic_uncertainty = u;
    }
    if !doc.prices.is_empty() {
        costs.price_files = doc.prices.iter().map(|p| base.join(p)).collect();
        costs.prices = std::sync::Arc::new(crate::cost::Prices::load(&costs.price_files)?);
    }
    Ok(costs)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetryDoc {
    attempts: u32,
    backoff: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StockDoc {
    default: Option<ModelDoc>,
    #[serde(default)]
    pools: Vec<PoolDoc>,
    #[serde(default)]
    off_sale: Vec<OffSaleDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelDoc {
    initial: Option<u32>,
    replenish_per_hour: Option<DistDoc>,
    competing_demand_per_hour: Option<DistDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PoolDoc {
    zone: String,
    instance_type: String,
    initial: Option<u32>,
    replenish_per_hour: Option<DistDoc>,
    competing_demand_per_hour: Option<DistDoc>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
enum DistDoc {
    Constant(u32),
    Poisson(f64),
    Uniform([u32; 2]),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OffSaleDoc {
    zone: String,
    instance_type: Option<String>,
    from: String,
    to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventDoc<'a> {
    at: String,
    label: Option<String>,
    #[serde(borrow, default)]
    request: Option<&'a RawValue>,
    expect: Option<Value>,
    release: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectDoc {
    code: String,
    probability: Option<[f64; 2]>,
    confidence: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseDoc {
    label: Option<String>,
    count: Option<u32>,
}

/// Reads the JSON form. `base` is the directory that relative paths start from.
///
/// The typed reading stops at its first error. Only then is the whole text walked against the
/// schema ([`super::lint`]), so that every unknown field, wrong type and unreadable value is
/// reported at once, each with its place; the walk's problems win over the typed error. Each
/// problem the walk finds is one the typed reading refuses too, so a file that reads is not
/// walked: on a 10,000-request scenario the walk cost as much as the rest of the reading
/// (docs/benchmarks.md).
pub fn parse(source: &str, text: &str, base: &Path) -> Result<Scenario> {
    parse_typed(source, text, base)
        .map_err(|e| super::lint::error(source, &super::lint::problems(text)).unwrap_or(e))
}

fn parse_typed(source: &str, text: &str, base: &Path) -> Result<Scenario> {
    let src = Src {
        name: source,
        text,
        cursor: std::cell::Cell::new((0, 1, 1)),
    };
    let doc: Doc = serde_json::from_str(text).map_err(|e| src.serde_error(Pos::START, &e))?;
    let key = |k: &str| src.key_place(k);
    let edition = doc
        .edition
        .as_deref()
        .map(|e| EditionId::parse(e).map_err(|m| Error::input(key("edition"), m)))
        .transpose()?;

    let start = match &doc.start {
        None => crate::time::parse_utc(DEFAULT_START).expect("the default start parses"),
        Some(s) => when::parse_time(s).map_err(|e| {
            Error::input(
                key("start"),
                e.explain(
                    "start",
                    s,
                    "not a UTC time; write it like \"2026-12-01T08:00:00Z\"",
                ),
            )
        })?,
    };
    // `name` is the field as written (`retry.backoff`); errors are placed at its top-level key.
    let duration = |name: &str, v: &Option<String>| -> Result<Option<TimeDelta>> {
        let top = name.split('.').next().unwrap_or(name);
        v.as_deref()
            .map(|s| {
                when::parse_duration(s)
                    .map_err(|e| Error::input(key(top), e.explain(name, s, DURATION_HINT)))
            })
            .transpose()
    };
    let horizon = duration("horizon", &doc.horizon)?.unwrap_or(TimeDelta::hours(24));
    if horizon <= TimeDelta::zero() {
        return Err(Error::input(
            key("horizon"),
            "horizon must be longer than 0; e.g. \"24h\"",
        ));
    }
    let sample_every = match duration("sample_every", &doc.sample_every)? {
        Some(d) if d <= TimeDelta::zero() => {
            return Err(Error::input(
                key("sample_every"),
                "sample_every must be longer than 0",
            ))
        }
        Some(d) => d,
        // Refined once the timeline is read (below); this coarsest default bounds the
        // ceilings checked before it.
        None => super::default_sample_every(horizon, &[], &StockSpec::default()),
    };
    let trials = doc.trials.unwrap_or(DEFAULT_TRIALS);
    if trials == 0 {
        return Err(Error::input(key("trials"), "trials must be at least 1"));
    }
    let faults = parse_faults(&doc.faults).map_err(|m| Error::input(key("faults"), m))?;
    let retry = match doc.retry {
        None => Retry::default(),
        Some(r) => {
            if !(1..=100).contains(&r.attempts) {
                return Err(Error::input(
                    key("retry"),
                    "retry.attempts counts every attempt, from 1 (no retry) to 100",
                ));
            }
            Retry {
                attempts: r.attempts,
                backoff: duration("retry.backoff", &r.backoff)?.unwrap_or(Retry::default().backoff),
            }
        }
    };
    // Before the world, the costs or the timeline are read: nothing is allocated past a
    // ceiling.
    ceilings(start, horizon, sample_every, trials, retry).map_err(|(k, m)| {
        // A default horizon is not written: place its error at the start that it runs from.
        let k = if k == "horizon" && doc.horizon.is_none() {
            "start"
        } else {
            k
        };
        Error::input(key(k), m)
    })?;
    let stock = parse_stock(doc.stock.unwrap_or_default(), start)
        .map_err(|m| Error::input(key("stock"), m))?;
    let world_parts = match doc.world {
        None => Vec::new(),
        Some(raw) => src.world_parts(raw, base)?,
    };
    let costs = parse_costs(doc.costs, base, start, key("costs"))?;
    let events = src.timeline(doc.timeline, base, start)?;
    let name = doc.name.unwrap_or_else(|| stem(source));
    let sample_every = match doc.sample_every {
        Some(_) => sample_every,
        None => super::default_sample_every(horizon, &events, &stock),
    };
    let scenario = Scenario {
        stream_name: name.clone(),
        name,
        description: doc.description,
        source: source.to_string(),
        edition,
        world: build_world(&world_parts, edition.unwrap_or_default())?,
        start,
        horizon,
        sample_every,
        trials,
        seed: doc.seed.unwrap_or(DEFAULT_SEED),
        faults,
        retry,
        stock,
        events,
        costs,
    };
    check_timeline(&scenario)?;
    Ok(scenario)
}

/// The file name without directory and extension.
pub(crate) fn stem(source: &str) -> String {
    Path::new(source)
        .file_stem()
        .map_or_else(|| source.to_string(), |s| s.to_string_lossy().into_owned())
}

fn parse_faults(map: &BTreeMap<String, f64>) -> std::result::Result<Vec<(ErrorKey, f64)>, String> {
    let names: Vec<&str> = TRANSIENT.iter().map(|k| k.name()).collect();
    let mut out = Vec::new();
    for (name, rate) in map {
        let Some(key) = TRANSIENT.iter().copied().find(|k| k.name() == name) else {
            let hint = suggest(name, names.iter().copied())
                .map_or(String::new(), |m| format!(" (did you mean {m:?}?)"));
            return Err(format!(
                "faults: {name:?} is not a transient fault{hint}; use {}",
                names.join(", ")
            ));
        };
        if !(0.0..=1.0).contains(rate) {
            return Err(format!(
                "faults: {name} rate {rate} is not a probability in 0..=1"
            ));
        }
        out.push((key, *rate));
    }
    if out.iter().map(|(_, r)| r).sum::<f64>() > 1.0 {
        return Err("faults: the rates add up to more than 1".into());
    }
    out.sort_by_key(|(k, _)| *k as usize);
    Ok(out)
}

fn parse_dist(d: DistDoc) -> std::result::Result<Dist, String> {
    match d {
        DistDoc::Constant(n) => Ok(Dist::Constant(n)),
        DistDoc::Poisson(l) if l > 0.0 && l <= crate::limits::MAX_PER_HOUR => Ok(Dist::Poisson(l)),
        DistDoc::Poisson(l) if l > crate::limits::MAX_PER_HOUR => Err(format!(
            "poisson mean {} is over the ceiling of {} per hour (docs/reliability.md)",
            crate::limits::show(l),
            crate::limits::MAX_PER_HOUR
        )),
        DistDoc::Poisson(l) => Err(format!("poisson mean {l} must be above 0")),
        DistDoc::Uniform([lo, hi]) if lo <= hi => Ok(Dist::Uniform(lo, hi)),
        DistDoc::Uniform([lo, hi]) => Err(format!(
            "uniform [{lo}, {hi}]: the low end is above the high end"
        )),
    }
}

fn model(
    initial: Option<u32>,
    repl: Option<DistDoc>,
    comp: Option<DistDoc>,
) -> std::result::Result<PoolModel, String> {
    Ok(PoolModel {
        initial,
        replenish_per_hour: repl.map(parse_dist).transpose()?,
        competing_demand_per_hour: comp.map(parse_dist).transpose()?,
    })
}

fn parse_stock(doc: StockDoc, start: DateTime<Utc>) -> std::result::Result<StockSpec, String> {
    let default = match doc.default {
        Some(m) => model(m.initial, m.replenish_per_hour, m.competing_demand_per_hour)?,
        None => PoolModel::default(),
    };
    let pools = doc
        .pools
        .into_iter()
        .map(|p| {
            Ok(PoolSpec {
                model: model(p.initial, p.replenish_per_hour, p.competing_demand_per_hour)?,
                zone: p.zone,
                instance_type: p.instance_type,
            })
        })
        .collect::<std::result::Result<_, String>>()?;
    let off_sale = doc
        .off_sale
        .into_iter()
        .map(|o| {
            let t =
                |s: &str| when::parse_at(s, start).map_err(|e| e.explain("off_sale", s, AT_HINT));
            let (from, to) = (t(&o.from)?, t(&o.to)?);
            if to <= from {
                return Err(format!(
                    "off_sale in {}: \"to\" must come after \"from\"",
                    o.zone
                ));
            }
            Ok(OffSale {
                zone: o.zone,
                instance_type: o.instance_type,
                from,
                to,
            })
        })
        .collect::<std::result::Result<_, String>>()?;
    Ok(StockSpec {
        default,
        pools,
        off_sale,
    })
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pos {
    line: usize,
    col: usize,
}

impl Pos {
    const START: Pos = Pos { line: 1, col: 1 };

    /// A position inside a slice that starts at `self`, made absolute.
    fn shift(self, line: usize, col: usize) -> Pos {
        if line <= 1 {
            Pos {
                line: self.line,
                col: self.col + col.saturating_sub(1),
            }
        } else {
            Pos {
                line: self.line + line - 1,
                col,
            }
        }
    }
}

/// The scenario text and its name, for placing errors.
struct Src<'t> {
    name: &'t str,
    text: &'t str,
    /// (offset, line, column) of the last position asked for.
    cursor: std::cell::Cell<(usize, usize, usize)>,
}

impl<'t> Src<'t> {
    fn place(&self, p: Pos) -> Place {
        Place::at(self.name, p.line, p.col)
    }

    /// Where `slice` (a sub-slice of the text) starts. Positions are asked for in increasing
    /// order, so the scan resumes from the last answer, line and column included (linear in
    /// the file, not quadratic, even for minified JSON on one line).
    fn pos_of(&self, slice: &str) -> Pos {
        let offset = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let offset = offset.min(self.text.len());
        let (mut from, mut line, mut col) = self.cursor.get();
        if offset < from {
            (from, line, col) = (0, 1, 1);
        }
        // Counted a span at a time, in loops the compiler vectorises: the newlines, then the
        // characters after the last one (every byte but UTF-8 continuation bytes starts one).
        let span = &self.text.as_bytes()[from..offset];
        let tail = match span.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                line += span.iter().filter(|&&b| b == b'\n').count();
                col = 1;
                &span[last + 1..]
            }
            None => span,
        };
        col += tail.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        self.cursor.set((offset, line, col));
        Pos { line, col }
    }

    /// Where the top-level key `"k":` is written (the file start when it is not found).
    fn key_place(&self, k: &str) -> Place {
        let needle = format!("\"{k}\"");
        let mut from = 0;
        while let Some(i) = self.text[from..].find(&needle) {
            let at = from + i;
            let rest = self.text[at + needle.len()..].trim_start();
            if rest.starts_with(':') {
                return self.place(self.pos_of(&self.text[at..]));
            }
            from = at + needle.len();
        }
        self.place(Pos::START)
    }

    fn serde_error(&self, base: Pos, e: &serde_json::Error) -> Error {
        let pos = if e.line() > 0 {
            base.shift(e.line(), e.column())
        } else {
            base
        };
        Error::input(self.place(pos), explain(e))
    }

    fn world_parts(&self, raw: &RawValue, base: &Path) -> Result<Vec<WorldPart>> {
        let pos = self.pos_of(raw.get());
        let items: Vec<&RawValue> = if raw.get().starts_with('[') {
            serde_json::from_str(raw.get()).map_err(|e| self.serde_error(pos, &e))?
        } else {
            vec![raw]
        };
        items
            .into_iter()
            .map(|item| {
                let pos = self.pos_of(item.get());
                let value: Value =
                    serde_json::from_str(item.get()).map_err(|e| self.serde_error(pos, &e))?;
                match value {
                    Value::String(p) => {
                        let path = base.join(&p);
                        match std::fs::metadata(&path) {
                            Ok(m) if m.is_file() => Ok(WorldPart::File(path)),
                            _ => Err(Error::input(
                                self.place(pos),
                                format!(
                                    "world file {} cannot be read; paths are relative to the scenario file",
                                    path.display()
                                ),
                            )),
                        }
                    }
                    Value::Object(_) => Ok(WorldPart::Inline {
                        value,
                        place: self.place(pos),
                    }),
                    _ => Err(Error::input(
                        self.place(pos),
                        "world: give a world file path (relative to the scenario), an inline \
                         world object like {\"RegionQuotas\": {...}}, or a list of them",
                    )),
                }
            })
            .collect()
    }

    fn timeline(&self, raw: &RawValue, base: &Path, start: DateTime<Utc>) -> Result<Vec<Event>> {
        let pos = self.pos_of(raw.get());
        let text = raw.get();
        if text.starts_with('"') {
            let rel: String = serde_json::from_str(text).map_err(|e| self.serde_error(pos, &e))?;
            let path = base.join(&rel);
            let csv = crate::limits::read_capped(&path, crate::limits::InputKind::Timeline)
                .map_err(|e| match e {
                    Error::Io { source: e, .. } => Error::input(
                        self.place(pos),
                        format!(
                            "timeline {}: {e}; the path is relative to the scenario file",
                            path.display()
                        ),
                    ),
                    other => other,
                })?;
            return sheet::parse_timeline(&path.display().to_string(), &csv, start);
        }
        if !text.starts_with('[') {
            return Err(Error::input(
                self.place(pos),
                "timeline: give a list of events ([{\"at\": \"+0m\", \"request\": {...}}]) or the \
                 path of a CSV timeline",
            ));
        }
        let items: Vec<&RawValue> =
            serde_json::from_str(text).map_err(|e| self.serde_error(pos, &e))?;
        // Every event's error, not the first only.
        let mut events = Vec::with_capacity(items.len());
        let mut errors = Vec::new();
        for item in items {
            match self.event(item, start) {
                Ok(e) => events.push(e),
                Err(e) => errors.push(e),
            }
        }
        match super::lint::collect(errors) {
            Some(e) => Err(e),
            None => Ok(events),
        }
    }

    fn event(&self, raw: &RawValue, start: DateTime<Utc>) -> Result<Event> {
        let pos = self.pos_of(raw.get());
        let place = self.place(pos);
        let doc: EventDoc =
            serde_json::from_str(raw.get()).map_err(|e| self.serde_error(pos, &e))?;
        let bad = |m: String| Error::input(place.clone(), m);
        let at =
            when::parse_at(&doc.at, start).map_err(|e| bad(e.explain("at", &doc.at, AT_HINT)))?;
        let kind = match (doc.request, doc.release) {
            (Some(req), None) => {
                let raw = self.request(req)?;
                let expect = doc.expect.map(parse_expect).transpose().map_err(bad)?;
                EventKind::Request { raw, expect }
            }
            (None, Some(rel)) => {
                if doc.expect.is_some() {
                    return Err(bad("expect applies to requests, not releases".into()));
                }
                if doc.label.is_some() {
                    return Err(bad(
                        "a release names what it gives back inside \"release\": \
                         {\"release\": {\"label\": \"wave-1\"}}"
                            .into(),
                    ));
                }
                EventKind::Release(parse_release(rel).map_err(bad)?)
            }
            (Some(_), Some(_)) => {
                return Err(bad(
                    "an event is a request or a release, not both; split it in two".into(),
                ))
            }
            (None, None) => {
                return Err(bad(
                    "an event needs \"request\" (RunInstances parameters) or \"release\"".into(),
                ))
            }
        };
        Ok(Event {
            at,
            label: doc.label,
            place,
            kind,
        })
    }

    fn request(&self, raw: &RawValue) -> Result<RawRequest> {
        let pos = self.pos_of(raw.get());
        let text = raw.get();
        if text.starts_with('{') {
            let mut r = wire::parse_json_object(self.name, pos.line, text)?;
            r.source = self.place(pos).to_string();
            return Ok(r);
        }
        if text.starts_with('"') {
            let q: String = serde_json::from_str(text).map_err(|e| self.serde_error(pos, &e))?;
            return wire::parse_query(&self.place(pos).to_string(), &q);
        }
        Err(Error::input(
            self.place(pos),
            "request: give an object of flat RunInstances parameters or a query string",
        ))
    }
}

/// `"ok"`, a code, or `{"code": ..., "probability": [lo, hi]}`.
pub(crate) fn parse_expect(v: Value) -> std::result::Result<Expect, String> {
    match v {
        Value::String(s) => Ok(Expect {
            outcome: Expected::parse(&s)?,
            probability: (1.0, 1.0),
            confidence: None,
        }),
        Value::Object(_) => {
            let d: ExpectDoc =
                serde_json::from_value(v).map_err(|e| format!("expect: {}", explain(&e)))?;
            let (lo, hi) = d.probability.map_or((1.0, 1.0), |[a, b]| (a, b));
            if !(0.0 <= lo && lo <= hi && hi <= 1.0) {
                return Err(format!(
                    "expect: probability [{lo}, {hi}] must be two fractions with 0 <= low <= high <= 1"
                ));
            }
            if let Some(c) = d.confidence {
                if !(0.5..1.0).contains(&c) {
                    return Err(format!(
                        "expect: confidence {c} must be a fraction in 0.5..1, such as 0.95"
                    ));
                }
            }
            Ok(Expect {
                outcome: Expected::parse(&d.code)?,
                probability: (lo, hi),
                confidence: d.confidence,
            })
        }
        _ => Err(
            "expect: give \"ok\", an error code, or {\"code\": ..., \"probability\": [0.9, 1.0], \"confidence\": 0.95}"
                .into(),
        ),
    }
}

fn parse_release(v: Value) -> std::result::Result<Release, String> {
    match v {
        Value::String(s) if s == "all" => Ok(Release::All),
        Value::Object(_) => {
            let d: ReleaseDoc =
                serde_json::from_value(v).map_err(|e| format!("release: {}", explain(&e)))?;
            match (d.count, d.label) {
                (Some(count), label) => Ok(Release::Count { count, label }),
                (None, Some(l)) => Ok(Release::Label(l)),
                (None, None) => Err("release: name a \"label\", a \"count\", or both".into()),
            }
        }
        _ => Err(
            "release: give \"all\", {\"label\": \"wave-1\"} or {\"count\": 10, \"label\": \"wave-1\"}"
                .into(),
        ),
    }
}

/// serde's message without its position, with a did-you-mean for unknown names.
pub(crate) fn explain(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let msg = full
        .rfind(" at line ")
        .map_or(full.as_str(), |i| &full[..i]);
    for (prefix, what) in [("unknown field `", "field"), ("unknown variant `", "value")] {
        let Some(rest) = msg.strip_prefix(prefix) else {
            continue;
        };
        let Some((name, tail)) = rest.split_once('`') else {
            continue;
        };
        let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
        let hint = match suggest(name, expected.iter().copied()) {
            Some(m) => format!(" (did you mean {m:?}?)"),
            None if expected.is_empty() => String::new(),
            None => format!("; write one of: {}", expected.join(", ")),
        };
        return format!("unknown {what} {name:?}{hint}");
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return format!("missing field {name:?}; add it");
    }
    crate::error::plain(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_suggests_the_near_field() {
        let e = serde_json::from_str::<RetryDoc>(r#"{"attempts": 2, "backof": "1m"}"#).unwrap_err();
        assert_eq!(
            explain(&e),
            "unknown field \"backof\" (did you mean \"backoff\"?)"
        );
        let e = serde_json::from_str::<DistDoc>(r#"{"poison": 3}"#).unwrap_err();
        assert_eq!(
            explain(&e),
            "unknown value \"poison\" (did you mean \"poisson\"?)"
        );
    }

    #[test]
    fn costs_read_with_defaults_and_overrides() {
        use crate::cost::TrafficModel;
        let tl = r#""timeline": [{"at": "+0m", "release": "all"}]"#;
        let s = parse("c.json", &format!("{{{tl}}}"), Path::new(".")).unwrap();
        assert_eq!(
            s.costs.traffic,
            TrafficModel::Constant {
                gb_per_hour: DEFAULT_GB_PER_HOUR
            }
        );
        let text = format!(
            r#"{{"costs": {{"traffic": {{"constant_gb_per_hour": 0.5}},
                "labels": {{"web": {{"lognormal": {{"mu": 0.1, "sigma": 0.5}}}}}}}}, {tl}}}"#
        );
        let s = parse("c.json", &text, Path::new(".")).unwrap();
        assert_eq!(
            s.costs.traffic_for(None),
            &TrafficModel::Constant { gb_per_hour: 0.5 }
        );
        assert_eq!(
            s.costs.traffic_for(Some("web")),
            &TrafficModel::LogNormal {
                mu: 0.1,
                sigma: 0.5
            }
        );
        let bad =
            format!(r#"{{"costs": {{"traffic": {{"gamma": {{"shape": 0, "rate": 1}}}}}}, {tl}}}"#);
        let e = parse("c.json", &bad, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.contains("shape"), "{e}");
        let two = format!(r#"{{"costs": {{"trafic": {{}}}}, {tl}}}"#);
        assert!(parse("c.json", &two, Path::new(".")).is_err());
    }

    #[test]
    fn the_edition_is_read_placed_and_reaches_the_world() {
        let tl = r#""timeline": [{"at": "+0m", "release": "all"}]"#;
        let s = parse("e.json", &format!("{{{tl}}}"), Path::new(".")).unwrap();
        assert_eq!((s.edition, s.world.edition), (None, EditionId::Current));
        let text = format!("{{\"edition\": \"reference-2018\", {tl}}}");
        let s = parse("e.json", &text, Path::new(".")).unwrap();
        assert_eq!(s.edition, Some(EditionId::Reference2018));
        assert_eq!(s.world.edition, EditionId::Reference2018);
        let text = format!("{{\n  {tl},\n  \"edition\": \"2019\"\n}}");
        let e = parse("e.json", &text, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("e.json:3:3: ") && e.contains("current, reference-2018"),
            "{e}"
        );
    }

    #[test]
    fn positions_count_characters_and_resume_from_the_last_answer() {
        let text = "{\"a\": \"café\", \"b\": 1,\n  \"ç\": [\"x\"], \"d\": 2}";
        let src = Src {
            name: "t.json",
            text,
            cursor: std::cell::Cell::new((0, 1, 1)),
        };
        let naive = |offset: usize| {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            Pos { line, col }
        };
        let offsets: Vec<usize> = text.match_indices('"').map(|(i, _)| i).collect();
        for &o in &offsets {
            assert_eq!(src.pos_of(&text[o..]), naive(o), "at byte {o}");
        }
        // Asking for an earlier place restarts the scan.
        assert_eq!(src.pos_of(&text[offsets[1]..]), naive(offsets[1]));
    }

    #[test]
    fn positions_shift_into_the_file() {
        let p = Pos { line: 10, col: 5 };
        assert_eq!(p.shift(1, 3), Pos { line: 10, col: 7 });
        assert_eq!(p.shift(3, 2), Pos { line: 12, col: 2 });
    }

    #[test]
    fn expectations_and_releases_read() {
        let e = parse_expect(serde_json::json!({"code": "ok", "probability": [0.9, 1.0]})).unwrap();
        assert_eq!(e.probability, (0.9, 1.0));
        assert!(
            parse_expect(serde_json::json!({"code": "ok", "probability": [0.9, 0.1]})).is_err()
        );
        let c = parse_expect(
            serde_json::json!({"code": "ok", "probability": [0.99, 1.0], "confidence": 0.95}),
        )
        .unwrap();
        assert_eq!(c.confidence, Some(0.95));
        assert_eq!(c.to_string(), "ok in 0.99..1 of trials at 95% confidence");
        let bad = parse_expect(serde_json::json!({"code": "ok", "confidence": 95}));
        assert!(bad.unwrap_err().contains("such as 0.95"));
        assert_eq!(parse_release(serde_json::json!("all")), Ok(Release::All));
        assert_eq!(
            parse_release(serde_json::json!({"count": 3})),
            Ok(Release::Count {
                count: 3,
                label: None
            })
        );
        assert!(parse_release(serde_json::json!({"lable": "x"}))
            .unwrap_err()
            .contains("did you mean \"label\""));
    }
}
