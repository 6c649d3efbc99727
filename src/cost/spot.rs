//! Spot instances over a market price trace: billing, price-limit interruption, the request-time
//! limit check, and a synthetic trace when no real one is given.
//!
//! A trace is a step function: each [`PricePoint`] sets the hourly market price from its time
//! until the next point (DescribeSpotPriceHistory samples are such steps). Before the first
//! point the first price holds, after the last point the last price holds.
//!
//! Rules (`docs/costs.md` § Spot; facts file §4):
//! - billing is per second at hourly prices; during the protection period (`SpotDuration` hours,
//!   1 by default, 0 for none) the instance is billed at the market price in force at purchase,
//!   afterwards at the price in force in each period;
//! - `SpotWithPriceLimit`: from the end of protection the platform checks every 5 minutes; the
//!   first time the market price in force is above the limit (the price in force when protection
//!   ends, or a later trace point), the instance is interrupted at that time rounded up to the
//!   next 5-minute wall-clock boundary (UTC, multiples of 300 s since the epoch) and released
//!   then. The ~5-minute notice is folded into that rounding, not added. A rise that falls back
//!   within the same 5 minutes still counts (traces step hourly, so this does not arise);
//! - `SpotAsPriceGo` is never interrupted for price (only for stock, which the engine owns).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use statrs::distribution::Normal;

use crate::error::{Error, Place, Result};
use crate::world::SpotPriceType;

use super::compute::hours_between;

/// Seconds between the platform's price checks after protection.
pub const CHECK_INTERVAL_SECS: i64 = 300;

/// One step of a market price trace: the hourly price from `at` on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricePoint {
    pub at: DateTime<Utc>,
    pub price: f64,
}

/// How the instance bids.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SpotBid {
    /// `SpotWithPriceLimit` with its `SpotPriceLimit` (hourly).
    WithPriceLimit { limit: f64 },
    /// `SpotAsPriceGo`.
    AsPriceGo,
}

impl SpotBid {
    /// The `SpotStrategy` value of the bid.
    pub fn strategy(self) -> &'static str {
        match self {
            SpotBid::WithPriceLimit { .. } => "SpotWithPriceLimit",
            SpotBid::AsPriceGo => "SpotAsPriceGo",
        }
    }

    /// The price limit, when the bid has a finite one.
    pub fn limit(self) -> Option<f64> {
        match self {
            SpotBid::WithPriceLimit { limit } => limit.is_finite().then_some(limit),
            SpotBid::AsPriceGo => None,
        }
    }
}

/// The trace of one zone and instance type from DescribeSpotPriceHistory records, sorted by
/// time (records of other zones or types and unreadable timestamps are skipped; the world
/// loader has already rejected the latter).
pub fn trace_from_records<'a>(
    records: impl IntoIterator<Item = &'a SpotPriceType>,
    zone: &str,
    instance_type: &str,
) -> Vec<PricePoint> {
    let mut out: Vec<PricePoint> = records
        .into_iter()
        .filter(|r| r.zone_id == zone && r.instance_type == instance_type)
        .filter_map(|r| {
            crate::time::parse_utc(&r.timestamp).map(|at| PricePoint {
                at,
                price: r.spot_price,
            })
        })
        .collect();
    out.sort_by_key(|p| p.at);
    out
}

/// `{"SpotPrices": {"SpotPriceType": [...]}}`, envelope fields (`RequestId`, `NextOffset`,
/// `Currency`, ...) ignored.
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HistoryExport {
    spot_prices: HistoryList,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HistoryList {
    spot_price_type: Vec<SpotPriceType>,
}

/// Reads a planner's DescribeSpotPriceHistory export: the JSON response, or a CSV with the same
/// column names (`ZoneId,InstanceType,SpotPrice,OriginPrice,Timestamp[,NetworkType,IoOptimized]`).
/// `source` names the file in messages; a name ending in `.csv` is read as CSV.
pub fn read_history(text: &str, source: &str) -> Result<Vec<SpotPriceType>> {
    let records: Vec<(usize, SpotPriceType)> = if source.ends_with(".csv") {
        let mut r = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut out = Vec::new();
        for (i, row) in r.deserialize::<SpotPriceType>().enumerate() {
            let row = row.map_err(|e| {
                let line = e.position().map_or(i + 2, |p| p.line() as usize);
                Error::input(
                    Place::at(source, line, 1),
                    format!(
                        "{}; a spot price CSV has the header \
                         ZoneId,InstanceType,SpotPrice,OriginPrice,Timestamp",
                        crate::error::plain(&e.to_string())
                    ),
                )
            })?;
            out.push((i + 2, row));
        }
        out
    } else {
        let doc: HistoryExport = serde_json::from_str(text).map_err(|e| {
            Error::input(
                Place::at(source, e.line(), e.column()),
                format!(
                    "{}; a spot price file is a DescribeSpotPriceHistory response: \
                     {{\"SpotPrices\": {{\"SpotPriceType\": [...]}}}}",
                    crate::error::plain(&e.to_string())
                ),
            )
        })?;
        doc.spot_prices
            .spot_price_type
            .into_iter()
            .map(|r| (0, r))
            .collect()
    };
    let mut out = Vec::with_capacity(records.len());
    for (line, r) in records {
        let place = if line > 0 {
            Place::at(source, line, 1)
        } else {
            Place::new(source)
        };
        if crate::time::parse_utc(&r.timestamp).is_none() {
            return Err(Error::input(
                place,
                format!(
                    "Timestamp {:?} of {} in {} is not a UTC time; write one like \
                     2026-01-01T00:00:00Z",
                    crate::error::clip(&r.timestamp),
                    r.instance_type,
                    r.zone_id
                ),
            ));
        }
        check_record(&r).map_err(|m| Error::input(place, m))?;
        out.push(r);
    }
    Ok(out)
}

/// Checks a spot price record's prices: `SpotPrice` and `OriginPrice` finite, in
/// `0..=`[`crate::limits::MAX_PRICE`] per hour. Charts and bills of prices past that are
/// meaningless (and a price near `f64::MAX` overflows every sum).
pub fn check_record(r: &SpotPriceType) -> std::result::Result<(), String> {
    let max = crate::limits::MAX_PRICE;
    for (name, v) in [("SpotPrice", r.spot_price), ("OriginPrice", r.origin_price)] {
        let shown = crate::limits::show(v);
        if !(v.is_finite() && v >= 0.0) {
            return Err(format!(
                "{name} {shown} of {} in {} at {} is not a price >= 0; write a price >= 0 per \
                 hour",
                r.instance_type, r.zone_id, r.timestamp
            ));
        }
        if v > max {
            return Err(format!(
                "{name} {shown} of {} in {} at {} is over the ceiling of {max} per hour; check \
                 the unit and the decimal point (docs/reliability.md)",
                r.instance_type, r.zone_id, r.timestamp
            ));
        }
    }
    Ok(())
}

/// Checks every spot price record of a merged world document ([`check_record`]); `source`
/// names the world's files in the message. The first bad record by (zone, type, time) is
/// reported, so the message does not depend on hash order.
pub fn check_world_prices(doc: &crate::world::WorldDoc, source: &str) -> Result<()> {
    let bad = doc
        .spot_prices
        .inner
        .values()
        .flatten()
        .filter(|r| check_record(r).is_err())
        .min_by(|a, b| {
            (&a.zone_id, &a.instance_type, &a.timestamp).cmp(&(
                &b.zone_id,
                &b.instance_type,
                &b.timestamp,
            ))
        });
    match bad.map(check_record) {
        Some(Err(m)) => Err(Error::input(Place::new(source), format!("SpotPrices: {m}"))),
        _ => Ok(()),
    }
}

/// The market price in force at `t`; `None` for an empty trace.
pub fn price_at(trace: &[PricePoint], t: DateTime<Utc>) -> Option<f64> {
    let i = trace.partition_point(|p| p.at <= t);
    trace.get(i.saturating_sub(1)).map(|p| p.price)
}

/// `t` rounded up to the next multiple of [`CHECK_INTERVAL_SECS`] since the epoch (unchanged
/// when it is on one).
pub fn next_check(t: DateTime<Utc>) -> DateTime<Utc> {
    let secs = t.timestamp();
    let rem = secs.rem_euclid(CHECK_INTERVAL_SECS);
    let on_boundary = rem == 0 && t.timestamp_subsec_nanos() == 0;
    if on_boundary {
        t
    } else {
        DateTime::from_timestamp(secs - rem + CHECK_INTERVAL_SECS, 0).unwrap_or(t)
    }
}

/// When a `SpotWithPriceLimit` instance bought at `start` with `protection` is interrupted:
/// the first time from the end of protection at which the market price in force exceeds
/// `limit`, rounded up by [`next_check`]. `None`: never, within the trace (the last price holds
/// for ever, so a trace ending above the limit interrupts).
pub fn interruption(
    trace: &[PricePoint],
    start: DateTime<Utc>,
    limit: f64,
    protection: Duration,
) -> Option<DateTime<Utc>> {
    let protected_until = start + protection;
    if price_at(trace, protected_until)? > limit {
        return Some(next_check(protected_until));
    }
    let i = trace.partition_point(|p| p.at <= protected_until);
    trace[i..]
        .iter()
        .find(|p| p.price > limit)
        .map(|p| next_check(p.at))
}

/// Spot compute cost of one instance from `start` to `end` (already cut at an interruption):
/// the price at purchase during protection, then the price in force per period, per second.
/// `None` for an empty trace.
pub fn bill(
    trace: &[PricePoint],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    protection: Duration,
) -> Option<f64> {
    let at_purchase = price_at(trace, start)?;
    if end <= start {
        return Some(0.0);
    }
    let protected_until = (start + protection).min(end);
    let mut cost = at_purchase * hours_between(start, protected_until);
    let mut t = protected_until;
    let mut current = price_at(trace, t)?;
    let i = trace.partition_point(|p| p.at <= t);
    for p in trace[i..].iter().take_while(|p| p.at < end) {
        cost += current * hours_between(t, p.at);
        t = p.at;
        current = p.price;
    }
    cost += current * hours_between(t, end);
    Some(cost)
}

/// The request-time check of a `SpotPriceLimit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitCheck {
    Ok,
    /// Below the market price now (`InvalidSpotPriceLimit.LowerThanPublicPrice`).
    BelowMarket,
    /// Above the pay-as-you-go price (the console's cap).
    AbovePayg,
}

/// Checks a limit against the market price at request time and the pay-as-you-go price.
pub fn limit_check(limit: f64, market_now: f64, payg: f64) -> LimitCheck {
    if limit < market_now {
        LimitCheck::BelowMarket
    } else if limit > payg {
        LimitCheck::AbovePayg
    } else {
        LimitCheck::Ok
    }
}

/// A synthetic market: hourly prices `origin × exp(x)`, where the log price ratio `x` follows
/// an AR(1) around `ln(mean_ratio)`: `x' = m + reversion × (x − m) + volatility × N(0, 1)`,
/// clamped to `origin` (spot never costs more than pay-as-you-go here).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SyntheticMarket {
    /// Mean spot price as a fraction of the pay-as-you-go price (0.1 = 90 % off).
    pub mean_ratio: f64,
    /// Hour-to-hour persistence in `[0, 1)`.
    pub reversion: f64,
    /// Standard deviation of the hourly log-price shock.
    pub volatility: f64,
}

impl SyntheticMarket {
    /// `hours` hourly points from `start`, starting at the mean; deterministic for the rng.
    pub fn trace(
        &self,
        origin_price: f64,
        start: DateTime<Utc>,
        hours: u32,
        rng: &mut impl Rng,
    ) -> Vec<PricePoint> {
        let m = self.mean_ratio.max(1e-9).ln();
        let shock = Normal::new(0.0, self.volatility.max(0.0)).ok();
        let mut x = m;
        (0..hours)
            .map(|h| {
                if h > 0 {
                    let e = shock.map_or(0.0, |n| rng.sample(n));
                    x = m + self.reversion * (x - m) + e;
                }
                PricePoint {
                    at: start + Duration::hours(i64::from(h)),
                    price: (origin_price * x.exp()).min(origin_price),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::test_util::{close, crafted, t};
    use rand::SeedableRng;

    #[test]
    fn price_in_force_is_a_step_function() {
        let tr = crafted();
        assert_eq!(price_at(&tr, t("2025-12-31T00:00:00Z")), Some(0.10));
        assert_eq!(price_at(&tr, t("2026-01-01T10:00:00Z")), Some(0.12));
        assert_eq!(price_at(&tr, t("2026-01-01T12:19:59Z")), Some(0.12));
        assert_eq!(price_at(&tr, t("2027-01-01T00:00:00Z")), Some(0.11));
        assert_eq!(price_at(&[], t("2026-01-01T00:00:00Z")), None);
    }

    #[test]
    fn checks_round_up_to_five_minutes() {
        assert_eq!(
            next_check(t("2026-01-01T12:20:00Z")),
            t("2026-01-01T12:20:00Z")
        );
        assert_eq!(
            next_check(t("2026-01-01T12:20:01Z")),
            t("2026-01-01T12:25:00Z")
        );
        assert_eq!(
            next_check(t("2026-01-01T12:57:00Z")),
            t("2026-01-01T13:00:00Z")
        );
    }

    #[test]
    fn protection_hour_billed_at_purchase_price_then_market() {
        let tr = crafted();
        // Bought 09:30 at 0.10, protected to 10:30 (the 10:00 rise to 0.12 is not billed),
        // then 0.12 until 12:00: 1 h × 0.10 + 1.5 h × 0.12 = 0.28.
        let c = bill(
            &tr,
            t("2026-01-01T09:30:00Z"),
            t("2026-01-01T12:00:00Z"),
            Duration::hours(1),
        );
        close(c.unwrap(), 0.28);
        // Without protection (SpotDuration=0): 0.5 h × 0.10 + 2 h × 0.12 = 0.29.
        let c = bill(
            &tr,
            t("2026-01-01T09:30:00Z"),
            t("2026-01-01T12:00:00Z"),
            Duration::zero(),
        );
        close(c.unwrap(), 0.29);
        // Ending inside protection: 20 minutes at the purchase price.
        let c = bill(
            &tr,
            t("2026-01-01T09:30:00Z"),
            t("2026-01-01T09:50:00Z"),
            Duration::hours(1),
        );
        close(c.unwrap(), 0.10 / 3.0);
        // Across every step, per second: 11:00→15:00 protected to 12:00 at 0.12, then
        // 0.12 × 20 min + 0.30 × 100 min + 0.11 × 60 min.
        let c = bill(
            &tr,
            t("2026-01-01T11:00:00Z"),
            t("2026-01-01T15:00:00Z"),
            Duration::hours(1),
        );
        close(c.unwrap(), 0.12 + 0.12 / 3.0 + 0.30 * 100.0 / 60.0 + 0.11);
        assert_eq!(
            bill(
                &[],
                t("2026-01-01T11:00:00Z"),
                t("2026-01-01T12:00:00Z"),
                Duration::hours(1)
            ),
            None
        );
    }

    #[test]
    fn price_limit_interrupts_after_protection_at_a_check() {
        let tr = crafted();
        let h1 = Duration::hours(1);
        // Rise above 0.20 at 12:20, outside protection: interrupted at 12:20.
        assert_eq!(
            interruption(&tr, t("2026-01-01T09:00:00Z"), 0.20, h1),
            Some(t("2026-01-01T12:20:00Z"))
        );
        // Bought 11:47, protected until 12:47, the price in force then (0.30) is above the
        // limit: interrupted at the first check after protection, 12:50.
        assert_eq!(
            interruption(&tr, t("2026-01-01T11:47:00Z"), 0.20, h1),
            Some(t("2026-01-01T12:50:00Z"))
        );
        // Without protection the same purchase is interrupted at the rise itself.
        assert_eq!(
            interruption(&tr, t("2026-01-01T11:47:00Z"), 0.20, Duration::zero()),
            Some(t("2026-01-01T12:20:00Z"))
        );
        // Bought after the spike: never.
        assert_eq!(interruption(&tr, t("2026-01-01T14:00:00Z"), 0.20, h1), None);
        // A limit at the peak is never exceeded ("above", not "at").
        assert_eq!(interruption(&tr, t("2026-01-01T09:00:00Z"), 0.30, h1), None);
    }

    #[test]
    fn limit_check_against_market_and_payg() {
        assert_eq!(limit_check(0.05, 0.10, 0.59), LimitCheck::BelowMarket);
        assert_eq!(limit_check(0.10, 0.10, 0.59), LimitCheck::Ok);
        assert_eq!(limit_check(0.60, 0.10, 0.59), LimitCheck::AbovePayg);
    }

    #[test]
    fn traces_come_from_describe_records() {
        let doc = crate::world::load::load_doc(&[]).unwrap();
        let recs: Vec<_> = doc.spot_prices.inner.values().flatten().cloned().collect();
        let tr = trace_from_records(&recs, "cn-hangzhou-i", "ecs.g7.large");
        assert!(tr.len() >= 2);
        assert!(tr.windows(2).all(|w| w[0].at <= w[1].at));
        assert_eq!(tr[0].price, 0.089);
    }

    #[test]
    fn reads_a_history_export_as_json_or_csv() {
        let json = r#"{"RequestId": "x", "Currency": "CNY", "NextOffset": 0,
            "SpotPrices": {"SpotPriceType": [
              {"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": 0.2,
               "OriginPrice": 0.59, "Timestamp": "2026-01-01T01:00:00Z"},
              {"ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large", "SpotPrice": 0.1,
               "OriginPrice": 0.59, "Timestamp": "2026-01-01T00:00:00Z"}]}}"#;
        let recs = read_history(json, "hist.json").unwrap();
        let tr = trace_from_records(&recs, "cn-hangzhou-i", "ecs.g7.large");
        assert_eq!(
            tr.iter().map(|p| p.price).collect::<Vec<_>>(),
            vec![0.1, 0.2]
        );
        let csv = "ZoneId,InstanceType,SpotPrice,OriginPrice,Timestamp\n\
                   cn-hangzhou-i,ecs.g7.large,0.1,0.59,2026-01-01T00:00:00Z\n\
                   cn-hangzhou-i,ecs.g7.large,0.3,0.59,2026-01-01T02:00Z\n";
        let recs = read_history(csv, "hist.csv").unwrap();
        assert_eq!(recs.len(), 2);
        let bad = "ZoneId,InstanceType,SpotPrice,OriginPrice,Timestamp\n\
                   cn-hangzhou-i,ecs.g7.large,0.1,0.59,yesterday\n";
        let e = read_history(bad, "hist.csv").unwrap_err().to_string();
        assert!(
            e.starts_with("hist.csv:2:1: Timestamp \"yesterday\""),
            "{e}"
        );
        let e = read_history("{\"SpotPrices\": 3}", "hist.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("hist.json:1:"), "{e}");
    }

    #[test]
    fn synthetic_market_is_seeded_and_capped() {
        let m = SyntheticMarket {
            mean_ratio: 0.15,
            reversion: 0.9,
            volatility: 0.2,
        };
        let start = t("2026-01-01T00:00:00Z");
        let a = m.trace(
            0.59,
            start,
            48,
            &mut rand_chacha::ChaCha8Rng::seed_from_u64(7),
        );
        let b = m.trace(
            0.59,
            start,
            48,
            &mut rand_chacha::ChaCha8Rng::seed_from_u64(7),
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 48);
        close(a[0].price, 0.59 * 0.15);
        assert!(a.iter().all(|p| p.price > 0.0 && p.price <= 0.59));
        assert_eq!(a[47].at, start + Duration::hours(47));
    }
}
