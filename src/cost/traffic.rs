//! Traffic models: outbound GB per instance-hour, never more than the bandwidth cap carries in
//! that hour (`InternetMaxBandwidthOut × 0.45` GB; see [`super::internet::full_rate_gb_per_hour`]).
//!
//! A batch's total is drawn once per batch and trial, never by looping over instance-hours
//! when that is not needed:
//! - `Constant`, `DailyProfile` and `Trace` are deterministic: the capped hourly value times the
//!   instance count, summed over the hours of the batch (whole periods in closed form, so a
//!   month-long batch costs at most one period's walk);
//! - distributions (`LogNormal`, `Gamma`, `TruncatedNormal`) are i.i.d. per instance-hour and
//!   each draw is capped: `Σ min(Xᵢ, cap)`. Up to [`EXACT_MAX_DRAWS`] draws are sampled one by
//!   one (exact). Beyond that the sum is drawn from its normal approximation (CLT) with the
//!   exact mean and variance of the **capped** variable (closed forms below), clamped to
//!   `[0, n × cap]`, so the cap is honoured hour by hour in expectation and the total can never
//!   exceed what the link carries. For a Gamma whose tail beyond the cap is negligible
//!   (`P(X > cap) < 1e-12`) the sum is drawn exactly as `Gamma(n·k, λ)`.
//!
//! A partial hour of fraction `f` carries `f × min(X, cap)`.

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::Deserialize;
use statrs::distribution::{Continuous, ContinuousCDF, Gamma, LogNormal, Normal};
use statrs::function::gamma::gamma_lr;

use crate::error::{Error, Place, Result};

use super::internet::full_rate_gb_per_hour;

/// Sums of at most this many instance-hour draws are sampled draw by draw.
pub const EXACT_MAX_DRAWS: u64 = 16;

/// Below this tail probability beyond the cap, a Gamma sum is drawn as one Gamma.
const NEGLIGIBLE_TAIL: f64 = 1e-12;

/// Outbound GB per instance-hour.
#[derive(Debug, Clone, PartialEq)]
pub enum TrafficModel {
    /// The same GB every hour.
    Constant { gb_per_hour: f64 },
    /// `ln X ~ Normal(mu, sigma)`.
    LogNormal { mu: f64, sigma: f64 },
    /// Gamma with `shape` k and `rate` λ (mean k/λ).
    Gamma { shape: f64, rate: f64 },
    /// Normal(mean, sd) truncated to `X ≥ 0`.
    TruncatedNormal { mean: f64, sd: f64 },
    /// `base × factors[local hour]`, local hour = UTC hour + `utc_offset_hours` (8 for China).
    DailyProfile {
        base_gb_per_hour: f64,
        factors: [f64; 24],
        utc_offset_hours: i32,
    },
    /// Hourly GB from a trace, repeated cyclically.
    Trace(HourlyTrace),
}

/// GB per instance-hour for hours `origin + i h .. origin + (i+1) h`, repeating after the last.
#[derive(Debug, Clone, PartialEq)]
pub struct HourlyTrace {
    pub origin: DateTime<Utc>,
    pub gb: Vec<f64>,
}

#[derive(Deserialize)]
struct TraceRow {
    hour: u64,
    gb: f64,
}

impl HourlyTrace {
    /// Reads a CSV with header `hour,gb` (hour 0, 1, 2, ... in order; GB ≥ 0) starting at
    /// `origin`. `source` names the file in messages.
    pub fn from_csv(text: &str, source: &str, origin: DateTime<Utc>) -> Result<HourlyTrace> {
        let mut r = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut gb = Vec::new();
        for (i, row) in r.deserialize::<TraceRow>().enumerate() {
            let row = row.map_err(|e| {
                let line = e.position().map_or(i + 2, |p| p.line() as usize);
                Error::input(
                    Place::at(source, line, 1),
                    format!(
                        "{}; a traffic trace has the header `hour,gb` and rows like `0,1.5`",
                        crate::error::plain(&e.to_string())
                    ),
                )
            })?;
            let place = Place::at(source, i + 2, 1);
            if row.hour != i as u64 {
                return Err(Error::input(
                    place,
                    format!("hour {} where hour {i} was expected; list hours 0, 1, 2, ... in order, one row each", row.hour),
                ));
            }
            if !(row.gb.is_finite() && row.gb >= 0.0) {
                return Err(Error::input(
                    place,
                    format!(
                        "gb {} is not a number >= 0 (GB out per instance in that hour); write \
                         a number >= 0",
                        row.gb
                    ),
                ));
            }
            if row.gb > crate::limits::MAX_GB_PER_HOUR {
                return Err(Error::input(
                    place,
                    format!(
                        "gb {} is over the ceiling of {} GB out per instance-hour (a 100 Gbit/s \
                         link carries about 45000); check the unit (docs/reliability.md)",
                        crate::limits::show(row.gb),
                        crate::limits::MAX_GB_PER_HOUR
                    ),
                ));
            }
            gb.push(row.gb);
        }
        if gb.is_empty() {
            return Err(Error::input(
                Place::new(source),
                "the traffic trace has no rows; give `hour,gb` then one row per hour",
            ));
        }
        Ok(HourlyTrace { origin, gb })
    }
}

impl TrafficModel {
    /// Checks the parameters; the message names the bad one. Besides each parameter's own
    /// range, GB per instance-hour (a constant, a trace hour, a profile's busiest hour, a
    /// distribution's mean) is at most [`crate::limits::MAX_GB_PER_HOUR`].
    pub fn validate(&self) -> std::result::Result<(), String> {
        let max = crate::limits::MAX_GB_PER_HOUR;
        let nonneg = |name: &str, v: f64| {
            if !(v.is_finite() && v >= 0.0) {
                Err(format!(
                    "{name} {v} must be a number >= 0; write a number >= 0"
                ))
            } else {
                Ok(())
            }
        };
        let gb = |name: &str, v: f64| {
            nonneg(name, v)?;
            if v > max {
                return Err(format!(
                    "{name} {} is over the ceiling of {max} GB per instance-hour (a 100 Gbit/s \
                     link carries about 45000); check the unit (docs/reliability.md)",
                    crate::limits::show(v)
                ));
            }
            Ok(())
        };
        let pos = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} {v} must be a number > 0"))
            }
        };
        match self {
            TrafficModel::Constant { gb_per_hour } => gb("gb_per_hour", *gb_per_hour),
            TrafficModel::LogNormal { mu, sigma } => {
                if !mu.is_finite() {
                    return Err(format!("mu {mu} must be a finite number"));
                }
                pos("sigma", *sigma)?;
                gb(
                    "the mean exp(mu + sigma^2/2)",
                    (mu + sigma * sigma / 2.0).exp(),
                )
            }
            TrafficModel::Gamma { shape, rate } => {
                pos("shape", *shape)?;
                pos("rate", *rate)?;
                gb("the mean shape/rate", shape / rate)
            }
            TrafficModel::TruncatedNormal { mean, sd } => {
                if !mean.is_finite() {
                    return Err(format!("mean {mean} must be a finite number"));
                }
                pos("sd", *sd)?;
                gb("mean", mean.max(0.0))?;
                gb("sd", *sd)
            }
            TrafficModel::DailyProfile {
                base_gb_per_hour,
                factors,
                utc_offset_hours,
            } => {
                gb("base_gb_per_hour", *base_gb_per_hour)?;
                for (h, f) in factors.iter().enumerate() {
                    nonneg(&format!("factors[{h}]"), *f)?;
                    gb(
                        &format!("base_gb_per_hour x factors[{h}]"),
                        base_gb_per_hour * f,
                    )?;
                }
                if !(-12..=14).contains(utc_offset_hours) {
                    return Err(format!(
                        "utc_offset_hours {utc_offset_hours} must be in -12..=14"
                    ));
                }
                Ok(())
            }
            TrafficModel::Trace(t) => {
                if t.gb.is_empty() {
                    return Err("the traffic trace is empty".into());
                }
                for (h, g) in t.gb.iter().enumerate() {
                    gb(&format!("trace hour {h}"), *g)?;
                }
                Ok(())
            }
        }
    }

    /// Total GB out of `count` instances from `start` to `end`, each hour capped at what
    /// `cap_mbps` carries. Deterministic models ignore `rng`. Assumes [`Self::validate`] passed.
    /// (Builds a [`TrafficSampler`]; keep one when pricing many batches.)
    pub fn batch_gb(
        &self,
        count: u32,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        cap_mbps: u32,
        rng: &mut impl Rng,
    ) -> f64 {
        self.sampler(cap_mbps).batch_gb(count, start, end, rng)
    }

    /// The model with every hour's GB multiplied by `f > 0` (before the cap): a workload
    /// `f` times as busy. Exact for every model (a log-normal shifts `mu` by `ln f`, a Gamma
    /// divides its rate by `f`, a truncated normal scales mean and sd).
    pub fn scaled(&self, f: f64) -> TrafficModel {
        match self {
            TrafficModel::Constant { gb_per_hour } => TrafficModel::Constant {
                gb_per_hour: gb_per_hour * f,
            },
            TrafficModel::LogNormal { mu, sigma } => TrafficModel::LogNormal {
                mu: mu + f.ln(),
                sigma: *sigma,
            },
            TrafficModel::Gamma { shape, rate } => TrafficModel::Gamma {
                shape: *shape,
                rate: rate / f,
            },
            TrafficModel::TruncatedNormal { mean, sd } => TrafficModel::TruncatedNormal {
                mean: mean * f,
                sd: sd * f,
            },
            TrafficModel::DailyProfile {
                base_gb_per_hour,
                factors,
                utc_offset_hours,
            } => TrafficModel::DailyProfile {
                base_gb_per_hour: base_gb_per_hour * f,
                factors: *factors,
                utc_offset_hours: *utc_offset_hours,
            },
            TrafficModel::Trace(t) => TrafficModel::Trace(HourlyTrace {
                origin: t.origin,
                gb: t.gb.iter().map(|g| g * f).collect(),
            }),
        }
    }

    /// The model ready to draw batches under the cap of `cap_mbps`: distributions built and
    /// capped moments computed once.
    pub fn sampler(&self, cap_mbps: u32) -> TrafficSampler {
        self.sampler_capped(full_rate_gb_per_hour(cap_mbps))
    }

    fn sampler_capped(&self, cap: f64) -> TrafficSampler {
        let kind = match self {
            TrafficModel::LogNormal { mu, sigma } => {
                LogNormal::new(*mu, *sigma).map_or(Draw::Zero, Draw::LogNormal)
            }
            TrafficModel::Gamma { shape, rate } => Gamma::new(*shape, *rate)
                .map_or(Draw::Zero, |g| {
                    Draw::Gamma(g, 1.0 - gamma_lr(*shape, rate * cap) < NEGLIGIBLE_TAIL)
                }),
            TrafficModel::TruncatedNormal { mean, sd } => Draw::TruncatedNormal {
                lo: std_normal().cdf(-mean / sd),
            },
            _ => Draw::Zero,
        };
        let (mean, var) = match self {
            TrafficModel::LogNormal { .. }
            | TrafficModel::Gamma { .. }
            | TrafficModel::TruncatedNormal { .. } => self.capped_moments(cap),
            _ => (0.0, 0.0),
        };
        TrafficSampler {
            model: self.clone(),
            cap,
            mean,
            var,
            kind,
        }
    }

    /// Expected GB per full instance-hour under the cap of `cap_mbps` (exact for every model;
    /// for profiles and traces the mean over one period).
    pub fn mean_gb_per_hour(&self, cap_mbps: u32) -> f64 {
        let cap = full_rate_gb_per_hour(cap_mbps);
        match self {
            TrafficModel::Constant { gb_per_hour } => gb_per_hour.min(cap),
            TrafficModel::DailyProfile {
                base_gb_per_hour,
                factors,
                ..
            } => {
                factors
                    .iter()
                    .map(|f| (base_gb_per_hour * f).min(cap))
                    .sum::<f64>()
                    / 24.0
            }
            TrafficModel::Trace(t) => {
                t.gb.iter().map(|g| g.min(cap)).sum::<f64>() / t.gb.len() as f64
            }
            dist => dist.capped_moments(cap).0,
        }
    }

    /// `(E[min(X, c)], Var[min(X, c)])` of a distribution model.
    fn capped_moments(&self, c: f64) -> (f64, f64) {
        let std = std_normal();
        let (m1, m2) = match self {
            TrafficModel::LogNormal { mu, sigma } => {
                let a = (c.ln() - mu) / sigma;
                let tail = 1.0 - std.cdf(a);
                (
                    (mu + sigma * sigma / 2.0).exp() * std.cdf(a - sigma) + c * tail,
                    (2.0 * mu + 2.0 * sigma * sigma).exp() * std.cdf(a - 2.0 * sigma)
                        + c * c * tail,
                )
            }
            TrafficModel::Gamma { shape: k, rate: l } => {
                let z = l * c;
                let tail = 1.0 - gamma_lr(*k, z);
                (
                    k / l * gamma_lr(k + 1.0, z) + c * tail,
                    k * (k + 1.0) / (l * l) * gamma_lr(k + 2.0, z) + c * c * tail,
                )
            }
            TrafficModel::TruncatedNormal { mean: m, sd: s } => {
                let a = -m / s;
                let b = (c - m) / s;
                let (pa, pb) = (std.cdf(a), std.cdf(b));
                let (fa, fb) = (std.pdf(a), std.pdf(b));
                let mass = 1.0 - pa;
                let tail = 1.0 - pb;
                let e1 = m * (pb - pa) + s * (fa - fb);
                let e2 = (m * m + s * s) * (pb - pa)
                    + 2.0 * m * s * (fa - fb)
                    + s * s * (a * fa - b * fb);
                ((e1 + c * tail) / mass, (e2 + c * c * tail) / mass)
            }
            TrafficModel::Constant { gb_per_hour } => {
                let g = gb_per_hour.min(c);
                (g, g * g)
            }
            _ => (0.0, 0.0),
        };
        (m1, (m2 - m1 * m1).max(0.0))
    }
}

/// How a sampler draws one instance-hour.
#[derive(Debug, Clone, Copy)]
enum Draw {
    /// Deterministic models (and invalid parameters, which validation rejects).
    Zero,
    LogNormal(LogNormal),
    /// The distribution, and whether its tail beyond the cap is negligible.
    Gamma(Gamma, bool),
    /// Inverse CDF above 0: `lo` = Φ(−mean/sd).
    TruncatedNormal {
        lo: f64,
    },
}

/// A [`TrafficModel`] under one bandwidth cap, ready to draw batch totals.
#[derive(Debug, Clone)]
pub struct TrafficSampler {
    model: TrafficModel,
    /// GB one instance can send in an hour.
    cap: f64,
    /// `E[min(X, cap)]` and `Var[min(X, cap)]` (distributions only).
    mean: f64,
    var: f64,
    kind: Draw,
}

impl TrafficSampler {
    /// The same sampler for a workload `f` times as busy ([`TrafficModel::scaled`]).
    pub fn scaled(&self, f: f64) -> TrafficSampler {
        self.model.scaled(f).sampler_capped(self.cap)
    }

    /// Total GB out of `count` instances from `start` to `end` (see [`TrafficModel::batch_gb`]).
    pub fn batch_gb(
        &self,
        count: u32,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        rng: &mut impl Rng,
    ) -> f64 {
        self.gb_from(count, start, (end - start).num_seconds(), rng)
    }

    /// Total GB out of `count` instances for `secs` seconds from `start`.
    pub fn gb_from(&self, count: u32, start: DateTime<Utc>, secs: i64, rng: &mut impl Rng) -> f64 {
        let mut e = Exposure::default();
        self.expose(&mut e, count, start, secs);
        self.draw_total(&e, rng)
    }

    /// Whether [`Self::expose`] reads `start` (daily profiles and traces); the others only
    /// need the duration.
    pub fn needs_start(&self) -> bool {
        matches!(
            self.model,
            TrafficModel::DailyProfile { .. } | TrafficModel::Trace(_)
        )
    }

    /// Adds `count` instances sending for `secs` seconds from `start` to `e`: deterministic
    /// models add their GB, distributions their instance-hours (whole, and partial with their
    /// fractions). Exposures of many batches added up and drawn once have the distribution
    /// of the batches drawn one by one, since the hours are i.i.d.
    pub fn expose(&self, e: &mut Exposure, count: u32, start: DateTime<Utc>, secs: i64) {
        let cap = self.cap;
        if count == 0 || cap <= 0.0 || secs <= 0 {
            return;
        }
        let n = f64::from(count);
        let hours = secs as f64 / 3600.0;
        match &self.model {
            TrafficModel::Constant { gb_per_hour } => {
                e.fixed_gb += n * hours * gb_per_hour.min(cap)
            }
            TrafficModel::DailyProfile {
                base_gb_per_hour,
                factors,
                utc_offset_hours,
            } => {
                // Local midnight falls at UTC -offset hours.
                let origin = DateTime::from_timestamp(-i64::from(*utc_offset_hours) * 3600, 0)
                    .unwrap_or_default();
                e.fixed_gb += n * periodic_integral(origin, 24, start, secs, |h| {
                    (base_gb_per_hour * factors[h]).min(cap)
                })
            }
            TrafficModel::Trace(t) => {
                e.fixed_gb +=
                    n * periodic_integral(t.origin, t.gb.len(), start, secs, |h| t.gb[h].min(cap))
            }
            _ => {
                e.full += u64::from(count) * (secs / 3600) as u64;
                let frac = (secs % 3600) as f64 / 3600.0;
                if frac > 0.0 {
                    e.add_parts(count, frac);
                }
            }
        }
    }

    /// The total GB of an exposure: its fixed GB plus one draw of its capped sum.
    pub fn draw_total(&self, e: &Exposure, rng: &mut impl Rng) -> f64 {
        let drawn = if e.full + e.parts > 0 {
            self.capped_sum(e, rng)
        } else {
            0.0
        };
        e.fixed_gb + drawn
    }

    /// One instance-hour, uncapped.
    fn draw(&self, rng: &mut impl Rng) -> f64 {
        match self.kind {
            Draw::LogNormal(d) => rng.sample(d),
            Draw::Gamma(d, _) => rng.sample(d),
            Draw::TruncatedNormal { lo } => {
                let TrafficModel::TruncatedNormal { mean, sd } = self.model else {
                    return 0.0;
                };
                let u = lo + (1.0 - lo) * rng.gen::<f64>();
                (mean + sd * std_normal().inverse_cdf(u.min(1.0 - 1e-16))).max(0.0)
            }
            Draw::Zero => 0.0,
        }
    }

    /// `Σ min(Xᵢ, cap)` over the exposure's whole hours plus `Σ fⱼ min(Xⱼ, cap)` over its
    /// partial hours.
    fn capped_sum(&self, e: &Exposure, rng: &mut impl Rng) -> f64 {
        let cap = self.cap;
        let weight = e.full as f64 + e.part_w;
        if e.full + e.parts <= EXACT_MAX_DRAWS {
            let mut total = 0.0;
            for _ in 0..e.full {
                total += self.draw(rng).min(cap);
            }
            for &f in &e.fracs[..e.parts as usize] {
                total += f * self.draw(rng).min(cap);
            }
            return total;
        }
        if let (Draw::Gamma(_, true), TrafficModel::Gamma { shape, rate }, Some(frac)) =
            (self.kind, &self.model, e.one_frac())
        {
            let total = gamma_sum(*shape, *rate, e.full, rng)
                + frac * gamma_sum(*shape, *rate, e.parts, rng);
            return total.clamp(0.0, weight * cap);
        }
        let mean = weight * self.mean;
        let var = (e.full as f64 + e.part_w2) * self.var;
        let z: f64 = rng.sample(std_normal());
        let total = match self.kind {
            // Fenton-Wilkinson: a sum of (capped) log-normals as the log-normal with its mean
            // and variance, which keeps the right skew a normal would lose.
            // exp(μ + σz) with σ² = ln(1 + r), μ = ln(mean) − σ²/2, r = var/mean².
            Draw::LogNormal(_) if mean > 0.0 => {
                let r = var / (mean * mean);
                mean / (1.0 + r).sqrt() * ((r.ln_1p()).sqrt() * z).exp()
            }
            _ => mean + var.sqrt() * z,
        };
        total.clamp(0.0, weight * cap)
    }
}

/// What a traffic total is drawn over: GB already fixed by deterministic models, and the
/// instance-hours of distribution models, whole and partial (a partial hour of fraction `f`
/// sends `f × min(X, cap)`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Exposure {
    pub fixed_gb: f64,
    /// Whole instance-hours.
    pub full: u64,
    /// Partial instance-hours, `Σ f` and `Σ f²` of their fractions.
    pub parts: u64,
    pub part_w: f64,
    pub part_w2: f64,
    /// The first fractions, in order (for the exact path, which needs at most this many).
    fracs: [f64; EXACT_MAX_DRAWS as usize],
    /// All partial hours share `fracs[0]`.
    mixed: bool,
}

impl Exposure {
    fn add_parts(&mut self, count: u32, frac: f64) {
        if self.parts > 0 && frac != self.fracs[0] {
            self.mixed = true;
        }
        let stored = self.parts as usize;
        for slot in self.fracs.iter_mut().skip(stored).take(count as usize) {
            *slot = frac;
        }
        self.parts += u64::from(count);
        self.part_w += f64::from(count) * frac;
        self.part_w2 += f64::from(count) * frac * frac;
    }

    /// The fraction every partial hour shares, if they do.
    fn one_frac(&self) -> Option<f64> {
        (!self.mixed).then(|| if self.parts > 0 { self.fracs[0] } else { 0.0 })
    }
}

/// One draw of the sum of `n` i.i.d. Gamma(k, λ): Gamma(n·k, λ).
fn gamma_sum(k: f64, rate: f64, n: u64, rng: &mut impl Rng) -> f64 {
    if n == 0 {
        return 0.0;
    }
    Gamma::new(k * n as f64, rate)
        .map(|d| rng.sample(d))
        .unwrap_or(0.0)
}

fn std_normal() -> Normal {
    Normal::new(0.0, 1.0).expect("standard normal")
}

/// `∫ value(hour of period) dt` in hours, from `start` for `secs` seconds, where the hour of
/// period is `((t − origin) / 1 h) mod period_hours`. Whole periods in closed form, then at
/// most one period's hours walked.
fn periodic_integral(
    origin: DateTime<Utc>,
    period_hours: usize,
    start: DateTime<Utc>,
    secs: i64,
    value: impl Fn(usize) -> f64,
) -> f64 {
    let period = period_hours as i64 * 3600;
    let whole = secs / period;
    let mut acc = if whole > 0 {
        whole as f64 * (0..period_hours).map(&value).sum::<f64>()
    } else {
        0.0
    };
    let mut pos = (start - origin).num_seconds().rem_euclid(period);
    let mut left = secs - whole * period;
    while left > 0 {
        let h = (pos / 3600) as usize;
        let take = (3600 - pos % 3600).min(left);
        acc += value(h) * take as f64 / 3600.0;
        pos = (pos + take) % period;
        left -= take;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::test_util::{close, t};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn rng() -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(42)
    }

    const START: &str = "2026-01-01T00:00:00Z";

    #[test]
    fn constant_is_capped_at_the_bandwidth() {
        let m = TrafficModel::Constant { gb_per_hour: 10.0 };
        let end = t("2026-01-31T00:00:00Z"); // 720 h
                                             // 5 Mbps carries 2.25 GB/h: 3 instances × 720 h × 2.25.
        close(m.batch_gb(3, t(START), end, 5, &mut rng()), 4860.0);
        // 100 Mbps carries 45 GB/h: uncapped 3 × 720 × 10.
        close(m.batch_gb(3, t(START), end, 100, &mut rng()), 21600.0);
        close(m.batch_gb(3, t(START), end, 0, &mut rng()), 0.0);
        // 90 minutes: 1.5 h.
        close(
            m.batch_gb(1, t(START), t("2026-01-01T01:30:00Z"), 100, &mut rng()),
            15.0,
        );
    }

    #[test]
    fn distributions_never_exceed_the_cap() {
        // Median e^10 GB/h: every hour is capped, on both sampling paths.
        let m = TrafficModel::LogNormal {
            mu: 10.0,
            sigma: 1.0,
        };
        let end = t("2026-01-02T00:00:00Z");
        close(
            m.batch_gb(1, t(START), t("2026-01-01T12:00:00Z"), 5, &mut rng()),
            12.0 * 2.25,
        ); // exact path (12 draws)
        close(
            m.batch_gb(2, t(START), end, 5, &mut rng()),
            2.0 * 24.0 * 2.25,
        ); // one-step path (48 hours)
        close(
            m.batch_gb(100, t(START), end, 5, &mut rng()),
            100.0 * 24.0 * 2.25,
        ); // CLT path
        for model in [
            TrafficModel::Gamma {
                shape: 2.0,
                rate: 1.0,
            },
            TrafficModel::TruncatedNormal { mean: 3.0, sd: 2.0 },
            TrafficModel::LogNormal {
                mu: 0.5,
                sigma: 1.0,
            },
        ] {
            let mut r = rng();
            for count in [1, 50, 1000] {
                let gb = model.batch_gb(count, t(START), end, 2, &mut r);
                assert!(
                    gb >= 0.0 && gb <= f64::from(count) * 24.0 * 0.9 + 1e-9,
                    "{model:?} {gb}"
                );
            }
        }
    }

    #[test]
    fn capped_moments_match_sampling() {
        let cap = full_rate_gb_per_hour(5); // 2.25
        for model in [
            TrafficModel::LogNormal {
                mu: 0.0,
                sigma: 0.8,
            },
            TrafficModel::Gamma {
                shape: 2.0,
                rate: 1.5,
            },
            TrafficModel::TruncatedNormal { mean: 1.0, sd: 1.5 },
        ] {
            let (m, v) = model.capped_moments(cap);
            let mut r = rng();
            let n = 200_000;
            let sampler = model.sampler(5);
            let xs: Vec<f64> = (0..n).map(|_| sampler.draw(&mut r).min(cap)).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
            assert!((mean - m).abs() < 0.01 * m, "{model:?}: mean {mean} vs {m}");
            assert!((var - v).abs() < 0.03 * v, "{model:?}: var {var} vs {v}");
        }
        // Uncapped limits: the plain moments.
        let (m, v) = TrafficModel::Gamma {
            shape: 2.0,
            rate: 4.0,
        }
        .capped_moments(1e6);
        close(m, 0.5);
        close(v, 0.125);
        let (m, _) = TrafficModel::LogNormal {
            mu: 0.0,
            sigma: 1.0,
        }
        .capped_moments(1e9);
        assert!((m - 0.5f64.exp()).abs() < 1e-9);
    }

    #[test]
    fn large_batches_match_the_capped_mean() {
        let end = t("2026-01-31T00:00:00Z"); // 720 h
        for model in [
            TrafficModel::LogNormal {
                mu: 0.0,
                sigma: 0.8,
            },
            TrafficModel::Gamma {
                shape: 2.0,
                rate: 1.5,
            },
            TrafficModel::Gamma {
                shape: 2.0,
                rate: 20.0,
            }, // tail negligible: one Gamma draw
            TrafficModel::TruncatedNormal { mean: 1.0, sd: 1.5 },
        ] {
            let expect = 10.0 * 720.0 * model.mean_gb_per_hour(5);
            let mut r = rng();
            let trials: Vec<f64> = (0..200)
                .map(|_| model.batch_gb(10, t(START), end, 5, &mut r))
                .collect();
            let mean = trials.iter().sum::<f64>() / 200.0;
            assert!(
                (mean - expect).abs() < 0.005 * expect,
                "{model:?}: {mean} vs {expect}"
            );
            assert!(trials.windows(2).any(|w| w[0] != w[1]), "random");
        }
    }

    #[test]
    fn one_step_sums_match_draw_by_draw_quantiles() {
        // 40 instance-hours of a skewed LogNormal under a 10 Mbps cap (4.5 GB/h, ~6 % of
        // hours capped): the one-step draw (Fenton-Wilkinson) against 20,000 exact sums.
        let model = TrafficModel::LogNormal {
            mu: 0.0,
            sigma: 1.2,
        };
        let s = model.sampler(10);
        let mut r = rng();
        let n = 20_000;
        let mut exact: Vec<f64> = (0..n)
            .map(|_| (0..40).map(|_| s.draw(&mut r).min(4.5)).sum())
            .collect();
        let forty = Exposure {
            full: 40,
            ..Exposure::default()
        };
        let mut fast: Vec<f64> = (0..n).map(|_| s.capped_sum(&forty, &mut r)).collect();
        let (e, f) = (
            crate::cost::summary(&mut exact),
            crate::cost::summary(&mut fast),
        );
        for (name, a, b) in [
            ("mean", e.mean, f.mean),
            ("p50", e.p50, f.p50),
            ("p90", e.p90, f.p90),
            ("p99", e.p99, f.p99),
        ] {
            assert!(
                (a - b).abs() < 0.03 * a,
                "{name}: exact {a} vs one-step {b}"
            );
        }
        // A normal approximation would put the median at the mean; the sum is right-skewed.
        assert!(f.p50 < f.mean && e.p50 < e.mean);
    }

    #[test]
    fn one_draw_over_summed_exposures_matches_a_draw_per_batch() {
        // Five batches with whole and partial hours, summed into one exposure and drawn once,
        // against each batch drawn on its own: same mean and spread over 20,000 trials.
        let s = TrafficModel::Gamma {
            shape: 1.5,
            rate: 2.0,
        }
        .sampler(5);
        let batches = [(1, 5400), (3, 7200), (2, 1800), (1, 36_000), (4, 600)];
        let mut e = Exposure::default();
        for (count, secs) in batches {
            s.expose(&mut e, count, t(START), secs);
        }
        assert_eq!((e.full, e.parts), (1 + 6 + 10, 1 + 2 + 4));
        let mut r = rng();
        let n = 20_000;
        let mut once: Vec<f64> = (0..n).map(|_| s.draw_total(&e, &mut r)).collect();
        let mut each: Vec<f64> = (0..n)
            .map(|_| {
                batches
                    .iter()
                    .map(|&(c, secs)| s.gb_from(c, t(START), secs, &mut r))
                    .sum()
            })
            .collect();
        let var = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n as f64;
        let (a, b) = (
            crate::cost::summary(&mut once),
            crate::cost::summary(&mut each),
        );
        assert!((a.mean - b.mean).abs() < 0.01 * b.mean, "{a:?} vs {b:?}");
        let (va, vb) = (var(&once, a.mean), var(&each, b.mean));
        assert!((va - vb).abs() < 0.05 * vb, "variance {va} vs {vb}");
        assert!((a.p90 - b.p90).abs() < 0.03 * b.p90, "{a:?} vs {b:?}");
    }

    #[test]
    fn scaling_multiplies_the_uncapped_mean() {
        for m in [
            TrafficModel::Constant { gb_per_hour: 0.4 },
            TrafficModel::LogNormal {
                mu: -1.0,
                sigma: 0.7,
            },
            TrafficModel::Gamma {
                shape: 2.0,
                rate: 3.0,
            },
            TrafficModel::TruncatedNormal { mean: 0.5, sd: 0.3 },
        ] {
            // 1000 Mbps: the cap (450 GB/h) never binds.
            let (a, b) = (
                m.mean_gb_per_hour(1000),
                m.scaled(2.5).mean_gb_per_hour(1000),
            );
            assert!((b - 2.5 * a).abs() < 1e-9 * b, "{m:?}: {a} -> {b}");
        }
        // Under a binding cap the scaled mean stops at the cap.
        let c = TrafficModel::Constant { gb_per_hour: 2.0 };
        close(c.scaled(3.0).mean_gb_per_hour(5), 2.25);
    }

    #[test]
    fn seeded_draws_repeat() {
        let m = TrafficModel::LogNormal {
            mu: 0.0,
            sigma: 1.0,
        };
        let end = t("2026-01-03T00:00:00Z");
        let a = m.batch_gb(3, t(START), end, 10, &mut rng());
        let b = m.batch_gb(3, t(START), end, 10, &mut rng());
        assert_eq!(a, b);
    }

    #[test]
    fn daily_profile_follows_local_hours_and_the_cap() {
        let mut factors = [0.0; 24];
        factors[9] = 1.0; // 09:00-10:00 local
        factors[20] = 4.0; // 20:00-21:00 local, capped
        let m = TrafficModel::DailyProfile {
            base_gb_per_hour: 1.0,
            factors,
            utc_offset_hours: 8,
        };
        // One UTC day holds one of each local hour: 1 + min(4, 2.25).
        close(
            m.batch_gb(1, t(START), t("2026-01-02T00:00:00Z"), 5, &mut rng()),
            3.25,
        );
        // 10 days and a half hour into 01:00 UTC (= 09:00 local): 10 × 3.25 + 0.5.
        close(
            m.batch_gb(2, t(START), t("2026-01-11T01:30:00Z"), 5, &mut rng()),
            2.0 * (32.5 + 0.5),
        );
        // 12:00 UTC is 20:00 local.
        close(
            m.batch_gb(
                1,
                t("2026-01-01T12:00:00Z"),
                t("2026-01-01T12:20:00Z"),
                100,
                &mut rng(),
            ),
            4.0 / 3.0,
        );
        close(m.mean_gb_per_hour(5), 3.25 / 24.0);
    }

    #[test]
    fn trace_csv_repeats_and_is_capped() {
        let text = "hour,gb\n0,1.0\n1,3.0\n2,0.5\n";
        let tr = HourlyTrace::from_csv(text, "traffic.csv", t(START)).unwrap();
        assert_eq!(tr.gb, vec![1.0, 3.0, 0.5]);
        let m = TrafficModel::Trace(tr);
        // 7 hours: 1 + 2.25 + 0.5, twice, then 1.
        close(
            m.batch_gb(1, t(START), t("2026-01-01T07:00:00Z"), 5, &mut rng()),
            2.0 * 3.75 + 1.0,
        );
        // Starting at hour 1 for 90 minutes: 2.25 + 0.5 × 0.5.
        close(
            m.batch_gb(
                1,
                t("2026-01-01T01:00:00Z"),
                t("2026-01-01T02:30:00Z"),
                5,
                &mut rng(),
            ),
            2.5,
        );
        let e = HourlyTrace::from_csv("hour,gb\n0,1\n2,1\n", "traffic.csv", t(START))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("traffic.csv:3:1: hour 2 where hour 1 was expected"),
            "{e}"
        );
        let e = HourlyTrace::from_csv("hour,gb\n0,abc\n", "traffic.csv", t(START))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("traffic.csv:2:"), "{e}");
        let e = HourlyTrace::from_csv("hour,gb\n0,-1\n", "traffic.csv", t(START))
            .unwrap_err()
            .to_string();
        assert!(e.contains("gb -1 is not a number >= 0"), "{e}");
    }

    #[test]
    fn validation_names_the_parameter() {
        assert!(TrafficModel::Gamma {
            shape: 0.0,
            rate: 1.0
        }
        .validate()
        .unwrap_err()
        .contains("shape"));
        assert!(TrafficModel::Constant { gb_per_hour: -1.0 }
            .validate()
            .is_err());
        assert!(TrafficModel::LogNormal {
            mu: 0.0,
            sigma: 1.0
        }
        .validate()
        .is_ok());
    }
}
