//! Subscription (PrePaid) billing: a term of `Period` weeks or months paid in full when it
//! starts, renewed by `AutoRenewPeriod` while `AutoRenew` holds, and the cheapest subscription
//! that would have covered a pay-as-you-go life (for the "pay-as-you-go against subscription"
//! line). Prices are rules over the pay-as-you-go figures ([`SubscriptionRule`], `subscription`
//! in `data/prices.json`). See `docs/billing.md`.
//!
//! Choices (documented there):
//! - a term is paid whole when it starts: an instance released before its term ends is charged
//!   the whole term (refunds are not modeled);
//! - a term that ends before the instance's end (its release or the horizon) renews when
//!   `AutoRenew` is true, each renewal paid whole when it starts (also when the horizon cuts it);
//!   without `AutoRenew` the instance stops costing at expiry;
//! - a month is a calendar month (the same day of the next month, or its last day), a week is
//!   7 days.

use chrono::{DateTime, Duration, Months, Utc};

use super::prices::{Currency, SubscriptionRule};
use super::BatchRates;
use crate::catalog::params::ParamId;
use crate::error::{Error, Place, Result};
use crate::request::typed::{InternetChargeType, Request};

/// `PeriodUnit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    Week,
    Month,
}

impl PeriodUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodUnit::Week => "Week",
            PeriodUnit::Month => "Month",
        }
    }
}

/// A PrePaid request's term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term {
    /// `Period` (1 when not sent).
    pub period: u32,
    /// `PeriodUnit` (`Month` when not sent).
    pub unit: PeriodUnit,
    /// `AutoRenew` (false when not sent).
    pub auto_renew: bool,
    /// `AutoRenewPeriod` (1 when not sent), in `unit`s.
    pub renew_period: u32,
}

impl Term {
    /// The term of a `InstanceChargeType=PrePaid` request; `None` for any other.
    pub fn of_request(r: &Request) -> Option<Term> {
        if r.instance_charge_type != Some(crate::request::typed::InstanceChargeType::PrePaid) {
            return None;
        }
        let int = |id| {
            r.get_int(id)
                .and_then(|v| u32::try_from(v).ok())
                .filter(|v| *v > 0)
        };
        let unit = match r.get_str(ParamId::PeriodUnit) {
            Some(u) if u.eq_ignore_ascii_case("Week") => PeriodUnit::Week,
            _ => PeriodUnit::Month,
        };
        Some(Term {
            period: int(ParamId::Period).unwrap_or(1),
            unit,
            auto_renew: r.get_bool(ParamId::AutoRenew).unwrap_or(false),
            renew_period: int(ParamId::AutoRenewPeriod).unwrap_or(1),
        })
    }
}

/// A week, and the shortest span one calendar month adds (from 31 January to 28 February).
const WEEK_SECS: i64 = 7 * 86_400;
const SHORTEST_MONTH_SECS: i64 = 28 * 86_400;

/// `n` units after `t`: calendar months, or weeks of 7 days.
pub fn advance(t: DateTime<Utc>, unit: PeriodUnit, n: u32) -> DateTime<Utc> {
    match unit {
        PeriodUnit::Week => t + Duration::days(7 * i64::from(n)),
        PeriodUnit::Month => t
            .checked_add_months(Months::new(n))
            .unwrap_or(DateTime::<Utc>::MAX_UTC),
    }
}

/// What a subscription bought at `start` and held until `end` pays.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paid {
    /// Units paid: the first `Period` and every renewal's.
    pub units: u32,
    /// The end of the last paid term.
    pub paid_until: DateTime<Utc>,
    /// When the instance stops costing: `end`, or its expiry when that is earlier (no renewal).
    pub billed_until: DateTime<Utc>,
}

/// The terms paid for an instance bought at `start` with `term` and held until `end`.
pub fn paid(term: Term, start: DateTime<Utc>, end: DateTime<Utc>) -> Paid {
    let mut units = term.period.max(1);
    let mut until = advance(start, term.unit, units);
    if term.auto_renew {
        let step = term.renew_period.max(1);
        while until < end {
            units = units.saturating_add(step);
            // From `start`, so that month ends do not drift (31 Jan + 1 + 1 month = 31 Mar).
            until = advance(start, term.unit, units);
        }
    }
    Paid {
        units,
        paid_until: until,
        billed_until: end.min(until).max(start),
    }
}

/// A shape's subscription prices per instance and unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubscriptionRates {
    /// The instance type per month: `hourly x hours_per_month / instance premium`.
    pub instance_month: f64,
    /// The system disk per month: `hourly x hours_per_month / disk premium`.
    pub system_disk_month: f64,
    /// All data disks per month, the same way.
    pub data_disks_month: f64,
    /// PayByBandwidth per month at the shape's bandwidth (tiered at 5 Mbps).
    pub bandwidth_month: f64,
    /// A week's price as a fraction of a month's.
    pub week_of_month: f64,
    /// Hours in the rule's month (720), for break-even utilisations.
    pub hours_per_month: f64,
}

impl SubscriptionRates {
    /// The subscription prices of a shape whose pay-as-you-go rates are `rates`, at `mbps`.
    /// An error names the missing bandwidth price when the shape has public bandwidth.
    pub fn of(rule: &SubscriptionRule, rates: &BatchRates, mbps: u32) -> Result<SubscriptionRates> {
        let h = rule.hours_per_month;
        let bandwidth_month = if mbps == 0 {
            0.0
        } else {
            let b = rule
                .bandwidth_per_mbps_month
                .get(&rates.currency)
                .ok_or_else(|| missing_bandwidth(rates.currency))?;
            f64::from(mbps.min(5)) * b.up_to_5 + f64::from(mbps.saturating_sub(5)) * b.above_5
        };
        Ok(SubscriptionRates {
            instance_month: rates.payg_hourly * h / rule.instance_payg_premium.factor,
            system_disk_month: rates.system_disk_hourly * h / rule.disk_payg_premium.factor,
            data_disks_month: rates.data_disks_hourly * h / rule.disk_payg_premium.factor,
            bandwidth_month,
            week_of_month: rule.week_of_month.factor,
            hours_per_month: h,
        })
    }

    /// (instance, system disk, data disks, bandwidth) for one instance and one `unit`.
    pub fn per_unit(&self, unit: PeriodUnit) -> [f64; 4] {
        let f = match unit {
            PeriodUnit::Month => 1.0,
            PeriodUnit::Week => self.week_of_month,
        };
        [
            self.instance_month * f,
            self.system_disk_month * f,
            self.data_disks_month * f,
            self.bandwidth_month * f,
        ]
    }

    /// One instance-month of what the comparison covers: instance, disks, and bandwidth when
    /// the shape bills PayByBandwidth (traffic costs the same under both, so it is left out).
    pub fn month_total(&self, charge: InternetChargeType) -> f64 {
        self.instance_month
            + self.system_disk_month
            + self.data_disks_month
            + bandwidth_if(charge, self.bandwidth_month)
    }

    /// The cheapest subscription covering `[start, end)`: whole months or whole weeks,
    /// whichever costs less, per instance. 0 for an empty life.
    pub fn cheapest_cover(
        &self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        charge: InternetChargeType,
    ) -> f64 {
        if end <= start {
            return 0.0;
        }
        // Whole seconds, rounded up: a week or a month covers a life exactly when it covers
        // that many seconds, so a fraction of a second still counts as before.
        let life = end - start;
        let secs = life.num_seconds() + i64::from(life.subsec_nanos() > 0);
        if let Some(cover) = self.cheapest_cover_short(secs, charge) {
            return cover;
        }
        let mut months = 1u32;
        while advance(start, PeriodUnit::Month, months) < end {
            months += 1;
        }
        self.cover_of(months, secs, charge)
    }

    /// [`cheapest_cover`](Self::cheapest_cover) of a life of `secs` seconds that one month
    /// covers wherever it starts (at most 28 days: the shortest month from any day, 31 Jan to
    /// 28 Feb), worked out without the calendar; None for a longer life.
    pub fn cheapest_cover_short(&self, secs: i64, charge: InternetChargeType) -> Option<f64> {
        match secs {
            ..=0 => Some(0.0),
            1..=SHORTEST_MONTH_SECS => Some(self.cover_of(1, secs, charge)),
            _ => None,
        }
    }

    /// `months` whole months, or the whole weeks covering `secs`, whichever costs less.
    fn cover_of(&self, months: u32, secs: i64, charge: InternetChargeType) -> f64 {
        let month = self.month_total(charge);
        let weeks = secs.div_euclid(WEEK_SECS) + i64::from(secs.rem_euclid(WEEK_SECS) != 0);
        (f64::from(months) * month).min(weeks as f64 * month * self.week_of_month)
    }
}

/// A shape's pay-as-you-go hourly total over what the comparison covers (as
/// [`SubscriptionRates::month_total`]).
pub fn payg_hourly_total(rates: &BatchRates, charge: InternetChargeType) -> f64 {
    rates.payg_hourly
        + rates.system_disk_hourly
        + rates.data_disks_hourly
        + bandwidth_if(charge, rates.bandwidth_hourly)
}

fn bandwidth_if(charge: InternetChargeType, x: f64) -> f64 {
    match charge {
        InternetChargeType::PayByBandwidth => x,
        InternetChargeType::PayByTraffic => 0.0,
    }
}

fn missing_bandwidth(c: Currency) -> Error {
    Error::input(
        Place::new("prices"),
        format!(
            "no subscription bandwidth price for {c}; add one to a price file, e.g. \
             {{\"subscription\": {{..., \"bandwidth_per_mbps_month\": {{\"{c}\": {{\"up_to_5\": 25, \
             \"above_5\": 80, \"source\": \"my quote\"}}}}}}}}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::test_util::{close, t};

    fn term(period: u32, unit: PeriodUnit, auto_renew: bool, renew_period: u32) -> Term {
        Term {
            period,
            unit,
            auto_renew,
            renew_period,
        }
    }

    #[test]
    fn months_are_calendar_months_and_weeks_seven_days() {
        let s = t("2026-01-31T10:00:00Z");
        assert_eq!(advance(s, PeriodUnit::Month, 1), t("2026-02-28T10:00:00Z"));
        assert_eq!(advance(s, PeriodUnit::Month, 2), t("2026-03-31T10:00:00Z"));
        assert_eq!(advance(s, PeriodUnit::Week, 2), t("2026-02-14T10:00:00Z"));
    }

    #[test]
    fn a_term_renews_only_with_auto_renew() {
        let s = t("2026-01-01T00:00:00Z");
        let end = t("2026-04-15T00:00:00Z");
        let once = paid(term(1, PeriodUnit::Month, false, 1), s, end);
        assert_eq!(once.units, 1);
        assert_eq!(once.billed_until, t("2026-02-01T00:00:00Z"));
        let renewed = paid(term(1, PeriodUnit::Month, true, 2), s, end);
        // 1 month, then 2 (to 1 Apr), then 2 more (to 1 Jun) covering 15 Apr.
        assert_eq!(renewed.units, 5);
        assert_eq!(renewed.paid_until, t("2026-06-01T00:00:00Z"));
        assert_eq!(renewed.billed_until, end);
        // Released inside its first term: the whole term is paid, billing ends at release.
        let early = paid(
            term(3, PeriodUnit::Week, true, 1),
            s,
            t("2026-01-05T00:00:00Z"),
        );
        assert_eq!(early.units, 3);
        assert_eq!(early.billed_until, t("2026-01-05T00:00:00Z"));
    }

    #[test]
    fn the_short_cover_agrees_with_the_calendar() {
        let r = SubscriptionRates {
            instance_month: 240.0,
            system_disk_month: 10.0,
            data_disks_month: 0.0,
            bandwidth_month: 50.0,
            week_of_month: 0.3,
            hours_per_month: 720.0,
        };
        let charge = InternetChargeType::PayByBandwidth;
        // The month from 31 January is the shortest: 28 days, then 29 in a leap year.
        for start in [
            "2026-01-31T10:00:00Z",
            "2028-01-31T00:00:00Z",
            "2026-12-01T00:00:00Z",
        ] {
            let s = t(start);
            for secs in [1, 3599, WEEK_SECS, WEEK_SECS + 1, SHORTEST_MONTH_SECS - 1]
                .into_iter()
                .chain([SHORTEST_MONTH_SECS, SHORTEST_MONTH_SECS + 1, 40 * 86_400])
            {
                let calendar = {
                    // The calendar's answer, worked out here month by month.
                    let end = s + Duration::seconds(secs);
                    let months = (1..).find(|&m| advance(s, PeriodUnit::Month, m) >= end);
                    let weeks = (1..).find(|&w| advance(s, PeriodUnit::Week, w) >= end);
                    let weeks = i64::from(weeks.unwrap());
                    let month = r.month_total(charge);
                    (f64::from(months.unwrap()) * month).min(weeks as f64 * month * 0.3)
                };
                assert_eq!(
                    r.cheapest_cover(s, s + Duration::seconds(secs), charge),
                    calendar
                );
                if let Some(short) = r.cheapest_cover_short(secs, charge) {
                    assert!(secs <= SHORTEST_MONTH_SECS);
                    assert_eq!(short, calendar, "{start} + {secs} s");
                }
            }
        }
        // Half a second past a week is a second week, as the calendar counts it.
        let s = t("2026-12-01T00:00:00Z");
        let end = s + Duration::days(7) + Duration::milliseconds(500);
        let two_weeks = 2.0 * r.month_total(charge) * 0.3;
        assert!(two_weeks < r.month_total(charge));
        assert_eq!(r.cheapest_cover(s, end, charge), two_weeks);
        assert_eq!(r.cheapest_cover_short(29 * 86_400, charge), None);
        assert_eq!(r.cheapest_cover_short(0, charge), Some(0.0));
    }

    #[test]
    fn the_cheapest_cover_picks_weeks_or_months() {
        let r = SubscriptionRates {
            instance_month: 240.0,
            system_disk_month: 10.0,
            data_disks_month: 0.0,
            bandwidth_month: 50.0,
            week_of_month: 0.25,
            hours_per_month: 720.0,
        };
        let s = t("2026-01-01T00:00:00Z");
        let traffic = InternetChargeType::PayByTraffic;
        // 10 days: 2 weeks (2 x 62.5) against 1 month (250).
        close(
            r.cheapest_cover(s, t("2026-01-11T00:00:00Z"), traffic),
            125.0,
        );
        // Exactly one week.
        close(
            r.cheapest_cover(s, t("2026-01-08T00:00:00Z"), traffic),
            62.5,
        );
        // 25 days: 4 weeks (250) ties 1 month; 40 days: 2 months (500) against 6 weeks (375).
        close(
            r.cheapest_cover(s, t("2026-01-26T00:00:00Z"), traffic),
            250.0,
        );
        close(
            r.cheapest_cover(s, t("2026-02-10T00:00:00Z"), traffic),
            375.0,
        );
        // PayByBandwidth counts the bandwidth.
        let bw = InternetChargeType::PayByBandwidth;
        close(r.cheapest_cover(s, t("2026-01-31T00:00:00Z"), bw), 300.0);
        close(r.cheapest_cover(s, s, bw), 0.0);
    }
}
