//! Costs: prices, traffic models, internet billing (PayByTraffic against PayByBandwidth), spot
//! billing and interruption, and Monte Carlo summaries. Pure: nothing here reads the clock,
//! prints, or touches files except [`Prices::load`].
//!
//! # The API the replay engine calls
//!
//! Once per run:
//! - [`Prices::default_embedded`]`() -> Prices`, or [`Prices::load`]`(&[PathBuf]) -> Result<Prices>`
//!   (the embedded `data/prices.json` with a planner's files merged over it by keys);
//! - [`spot::trace_from_records`]`(records, zone, type) -> Vec<PricePoint>` for each spot batch's
//!   zone and type (from the world's `SpotPrices`, or a planner's export read by
//!   [`spot::read_history`]), or [`spot::SyntheticMarket::trace`];
//! - [`TrafficModel::validate`] on the scenario's traffic model.
//!
//! Per instance batch and trial (the rng is the trial's stream, `sim::rng`):
//! - [`spot::interruption`]`(trace, start, limit, protection) -> Option<DateTime<Utc>>` when the
//!   engine needs the interruption time to free capacity (the same rule `cost_batch` applies);
//! - [`cost_batch`]`(&Prices, &BatchSpec, &TrafficModel, &mut impl Rng) -> Result<BatchCost>`:
//!   every component, both internet methods, spot details;
//! - [`Totals::add`] to accumulate a trial (one `Totals` per currency).
//!
//! After the trials: [`summarise`]`(&[Totals]) -> TotalsSummary` or [`stats::summary`]`(&mut
//! [f64]) -> Summary` on any per-trial series.
//!
//! # Money
//! Amounts are `f64` in the region's currency, unrounded: no per-bill rounding to 2 decimals
//! (reports round for display). Lives are whole seconds (the replay's clock); the replay adds
//! the pay-as-you-go minimum lifecycle charge (`minimum_charge`, docs/billing.md). Tests compare to 1e-9
//! relative. See `docs/costs.md` for the model and `docs/prices.md` for the figures.

pub mod compute;
pub mod disk;
pub mod import;
pub mod internet;
pub mod prices;
pub mod spot;
pub mod stats;
pub mod subscription;
pub mod traffic;

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde::Serialize;

use crate::error::{Error, Place, Result};
use crate::request::typed::InternetChargeType;

pub use disk::DiskSpec;
pub use internet::BreakEven;
pub use prices::{Currency, InternetRates, Prices};
pub use spot::{PricePoint, SpotBid};
pub use stats::{summary, Summary};
pub use traffic::{Exposure, HourlyTrace, TrafficModel, TrafficSampler};

/// The instance's public internet settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InternetSpec {
    /// What the request chose (`PayByTraffic` by default).
    pub charge_type: InternetChargeType,
    /// `InternetMaxBandwidthOut` in Mbps (0: no public bandwidth).
    pub max_bandwidth_out_mbps: u32,
}

/// A spot batch's bid and market.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpotSpec<'a> {
    pub bid: SpotBid,
    /// `SpotDuration`: protection hours (1 by default, 0 for none).
    pub duration_hours: u32,
    /// The market price trace of the batch's zone and type, sorted by time.
    pub trace: &'a [PricePoint],
}

/// Instances launched together: the same settings, the same life.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchSpec<'a> {
    pub region: &'a str,
    pub zone: &'a str,
    pub instance_type: &'a str,
    pub count: u32,
    /// Creation.
    pub start: DateTime<Utc>,
    /// Planned end: release, auto-release or the horizon, whichever is first. A spot
    /// interruption before it is found here (`SpotWithPriceLimit`) and cuts the life short.
    pub end: DateTime<Utc>,
    pub system_disk: DiskSpec,
    pub data_disks: &'a [DiskSpec],
    pub internet: InternetSpec,
    /// `None`: pay-as-you-go.
    pub spot: Option<SpotSpec<'a>>,
}

impl<'a> BatchSpec<'a> {
    /// The pay-as-you-go shape of a request's instances, for their hourly rates: no count
    /// and no life yet.
    pub fn rates_shape(d: &'a crate::validate::capacity::Demand, internet: InternetSpec) -> Self {
        BatchSpec {
            region: &d.region,
            zone: d.zone.as_deref().unwrap_or(""),
            instance_type: &d.instance_type,
            count: 0,
            start: DateTime::<Utc>::UNIX_EPOCH,
            end: DateTime::<Utc>::UNIX_EPOCH,
            system_disk: d.system_disk,
            data_disks: &d.data_disks,
            internet,
            spot: None,
        }
    }
}

/// A batch's internet cost under both methods.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InternetCost {
    #[serde(serialize_with = "as_str")]
    pub chosen: InternetChargeType,
    pub max_bandwidth_out_mbps: u32,
    /// GB out of the whole batch (capped per hour at the bandwidth).
    pub gb_out: f64,
    /// Cost under PayByTraffic: `gb_out × traffic price`.
    pub pay_by_traffic: f64,
    /// Cost under PayByBandwidth: `instance-hours × bandwidth_hourly(B)`.
    pub pay_by_bandwidth: f64,
    #[serde(skip)]
    pub break_even: BreakEven,
}

fn as_str<S: serde::Serializer>(
    v: &InternetChargeType,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(v.as_str())
}

impl InternetCost {
    /// The cost under the chosen method.
    pub fn chosen_cost(&self) -> f64 {
        self.cost_of(self.chosen)
    }

    pub fn cost_of(&self, method: InternetChargeType) -> f64 {
        match method {
            InternetChargeType::PayByTraffic => self.pay_by_traffic,
            InternetChargeType::PayByBandwidth => self.pay_by_bandwidth,
        }
    }

    /// The cheaper method (the chosen one on a tie).
    pub fn cheaper(&self) -> InternetChargeType {
        internet::cheaper(self.chosen, |m| self.cost_of(m))
    }

    /// What switching to the other method saves (negative: switching costs more).
    pub fn saving_of_switching(&self) -> f64 {
        (self.pay_by_traffic - self.pay_by_bandwidth).abs()
            * if self.cheaper() == self.chosen {
                -1.0
            } else {
                1.0
            }
    }
}

/// A spot batch's details.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpotCost {
    pub bid: SpotBid,
    /// When the price limit interrupted the batch (before its planned end), if it did.
    pub interrupted_at: Option<DateTime<Utc>>,
    /// `count × (planned end − interruption)` hours; 0 when not interrupted.
    pub lost_instance_hours: f64,
    /// Spot compute cost of the batch (also in [`BatchCost::compute`]).
    pub spot_cost: f64,
    /// Pay-as-you-go compute cost of the same instance-hours.
    pub payg_cost_same_hours: f64,
}

/// A batch's cost by component.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchCost {
    pub currency: Currency,
    pub count: u32,
    /// The actual end: the planned end or the interruption (None for a sum of batches).
    pub end: Option<DateTime<Utc>>,
    /// `count × hours lived`.
    pub instance_hours: f64,
    /// Instance type: spot or pay-as-you-go.
    pub compute: f64,
    pub system_disk: f64,
    pub data_disks: f64,
    pub internet: InternetCost,
    pub spot: Option<SpotCost>,
    /// The part of [`BatchCost::total`] priced with confirmed figures.
    pub confirmed: f64,
    /// Pay-as-you-go against subscription ([`Billing`]); zero for spot batches.
    pub billing: Billing,
}

/// The same instances as pay-as-you-go and as subscription, over what the two bill
/// differently: instance type, disks, and PayByBandwidth bandwidth (traffic costs the same
/// under both and is left out). See `docs/billing.md`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Billing {
    /// As pay-as-you-go for the hours billed.
    pub as_payg: f64,
    /// As subscription: a PrePaid batch's terms, else the cheapest whole weeks or months
    /// covering each life.
    pub as_subscription: f64,
    /// `count x` a month's subscription price, and `count x` a month (720 h) of
    /// pay-as-you-go: their ratio is the break-even share of a month.
    pub month_rate: f64,
    pub payg_month_rate: f64,
    /// PrePaid instances billed.
    pub prepaid_instances: f64,
}

impl Billing {
    pub fn add(&mut self, b: &Billing) {
        self.as_payg += b.as_payg;
        self.as_subscription += b.as_subscription;
        self.month_rate += b.month_rate;
        self.payg_month_rate += b.payg_month_rate;
        self.prepaid_instances += b.prepaid_instances;
    }
}

impl BatchCost {
    /// Compute, disks and internet under the chosen method.
    pub fn total(&self) -> f64 {
        self.compute + self.system_disk + self.data_disks + self.internet.chosen_cost()
    }
}

/// The prices a batch's shape resolves to, looked up once (a batch's life and count do not
/// change them). The replay engine resolves each request once and costs every batch of it with
/// [`BatchRates::cost`]; [`cost_batch`] does both for one batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchRates {
    pub currency: Currency,
    /// Pay-as-you-go price of the type per instance-hour.
    pub payg_hourly: f64,
    /// System disk per instance-hour.
    pub system_disk_hourly: f64,
    /// All data disks per instance-hour.
    pub data_disks_hourly: f64,
    pub internet: InternetRates,
    /// PayByBandwidth per instance-hour at the batch's bandwidth.
    pub bandwidth_hourly: f64,
    pub break_even: BreakEven,
    /// Which of these rates rest on confirmed figures (docs/prices.md "What a cost rests on").
    pub confirmed: ConfirmedRates,
}

/// The part of a shape's hourly rates that rests on confirmed figures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ConfirmedRates {
    /// Confirmed pay-as-you-go compute per instance-hour (0 when the type's figure is derived).
    pub compute_hourly: f64,
    /// Confirmed disks per instance-hour.
    pub disks_hourly: f64,
    pub traffic: bool,
    pub bandwidth: bool,
}

impl BatchRates {
    /// Looks up every price of `spec`'s shape (region, type, disks, internet); an error names
    /// the missing price and the price file that would add it.
    pub fn of(prices: &Prices, spec: &BatchSpec) -> Result<BatchRates> {
        let internet = prices.internet(spec.region)?;
        let mbps = spec.internet.max_bandwidth_out_mbps;
        Ok(BatchRates {
            currency: prices.currency(spec.region)?,
            payg_hourly: prices.instance_hourly(spec.region, spec.instance_type)?,
            system_disk_hourly: disk::disk_cost(prices, spec.region, &spec.system_disk, 1.0)?,
            data_disks_hourly: disk::disks_cost(prices, spec.region, spec.data_disks, 1.0)?,
            internet,
            bandwidth_hourly: internet::bandwidth_hourly(&internet, mbps),
            break_even: internet::break_even(&internet, mbps),
            confirmed: confirmed_rates(prices, spec)?,
        })
    }

    /// Prices one batch over its life with these rates. Draws traffic from `rng` (once per
    /// batch) with `traffic`, a sampler built for the batch's bandwidth
    /// (`model.sampler(spec.internet.max_bandwidth_out_mbps)`). Errors only for a spot batch
    /// without a market trace.
    pub fn cost(
        &self,
        spec: &BatchSpec,
        traffic: &TrafficSampler,
        rng: &mut impl Rng,
    ) -> Result<BatchCost> {
        let n = f64::from(spec.count);
        let protection = spec
            .spot
            .map(|s| Duration::hours(i64::from(s.duration_hours)))
            .unwrap_or_else(Duration::zero);
        let interrupted_at = match spec.spot {
            Some(SpotSpec {
                bid: SpotBid::WithPriceLimit { limit },
                trace,
                ..
            }) => spot::interruption(trace, spec.start, limit, protection)
                .filter(|t| *t < spec.end)
                .map(|t| t.max(spec.start)),
            _ => None,
        };
        let end = interrupted_at.unwrap_or(spec.end).max(spec.start);
        let life = end - spec.start;
        let hours = compute::hours_of(life);
        let instance_hours = n * hours;

        let payg = self.payg_hourly * instance_hours;
        let spot = match spec.spot {
            None => None,
            Some(s) => {
                let per_instance =
                    spot::bill(s.trace, spec.start, end, protection).ok_or_else(|| {
                        Error::input(
                            Place::new("SpotPrices"),
                            format!(
                                "no spot price trace for {} in {}; add DescribeSpotPriceHistory \
                                 records for it to the world (SpotPrices.SpotPriceType) or use a \
                                 synthetic market",
                                spec.instance_type, spec.zone
                            ),
                        )
                    })?;
                let lost = interrupted_at.map_or(0.0, |t| n * compute::hours_between(t, spec.end));
                Some(SpotCost {
                    bid: s.bid,
                    interrupted_at,
                    lost_instance_hours: lost,
                    spot_cost: n * per_instance,
                    payg_cost_same_hours: payg,
                })
            }
        };

        let gb_out = traffic.gb_from(spec.count, spec.start, life.num_seconds(), rng);
        let mut c = self.bill(spec.count, instance_hours, gb_out, spec.internet);
        c.end = Some(end);
        if let Some(s) = spot {
            // The spot trace is world data, not a confirmed price.
            c.confirmed -= self.confirmed.compute_hourly * instance_hours;
            c.compute = s.spot_cost;
            c.spot = Some(s);
        }
        Ok(c)
    }

    /// What `instance_hours` of `count` instances sending `gb_out` GB cost at pay-as-you-go
    /// rates: compute, disks, and internet under both methods. The one place the hourly
    /// formulas live; a spot batch replaces `compute` with its bill over the trace. `end` is
    /// left unset (the sum of many batches has none).
    pub fn bill(
        &self,
        count: u32,
        instance_hours: f64,
        gb_out: f64,
        internet: InternetSpec,
    ) -> BatchCost {
        let k = &self.confirmed;
        let internet_confirmed = match internet.charge_type {
            InternetChargeType::PayByTraffic if k.traffic => {
                internet::traffic_cost(&self.internet, gb_out)
            }
            InternetChargeType::PayByBandwidth if k.bandwidth => {
                self.bandwidth_hourly * instance_hours
            }
            _ => 0.0,
        };
        BatchCost {
            confirmed: (k.compute_hourly + k.disks_hourly) * instance_hours + internet_confirmed,
            currency: self.currency,
            count,
            end: None,
            instance_hours,
            compute: self.payg_hourly * instance_hours,
            system_disk: self.system_disk_hourly * instance_hours,
            data_disks: self.data_disks_hourly * instance_hours,
            internet: InternetCost {
                chosen: internet.charge_type,
                max_bandwidth_out_mbps: internet.max_bandwidth_out_mbps,
                gb_out,
                pay_by_traffic: internet::traffic_cost(&self.internet, gb_out),
                pay_by_bandwidth: self.bandwidth_hourly * instance_hours,
                break_even: self.break_even,
            },
            spot: None,
            billing: Billing::default(),
        }
    }
}

/// Which of a shape's rates rest on confirmed figures.
fn confirmed_rates(prices: &Prices, spec: &BatchSpec) -> Result<ConfirmedRates> {
    let r = prices.region(spec.region)?;
    let conf = |f: &Option<prices::Figure>| f.as_ref().is_some_and(prices::Figure::confirmed);
    let compute = prices
        .instance_figure(spec.region, spec.instance_type)
        .is_some_and(prices::Figure::confirmed);
    let mut disks = 0.0;
    for d in std::iter::once(&spec.system_disk).chain(spec.data_disks) {
        if prices.disk_confirmed(spec.region, d.category, d.performance_level) {
            disks += disk::disk_cost(prices, spec.region, d, 1.0)?;
        }
    }
    let i = &r.internet;
    Ok(ConfirmedRates {
        compute_hourly: if compute {
            prices.instance_hourly(spec.region, spec.instance_type)?
        } else {
            0.0
        },
        disks_hourly: disks,
        traffic: conf(&i.traffic_per_gb),
        bandwidth: conf(&i.bandwidth_per_mbps_hour_up_to_5)
            && (spec.internet.max_bandwidth_out_mbps <= 5
                || conf(&i.bandwidth_per_mbps_hour_above_5)),
    })
}

/// Prices one batch over its life. Draws traffic from `rng` (once per batch).
pub fn cost_batch(
    prices: &Prices,
    spec: &BatchSpec,
    traffic: &TrafficModel,
    rng: &mut impl Rng,
) -> Result<BatchCost> {
    let sampler = traffic.sampler(spec.internet.max_bandwidth_out_mbps);
    BatchRates::of(prices, spec)?.cost(spec, &sampler, rng)
}

/// One trial's sums over batches of one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Totals {
    pub compute: f64,
    pub system_disk: f64,
    pub data_disks: f64,
    /// Internet under each batch's chosen method.
    pub internet: f64,
    /// Internet if every batch used PayByTraffic.
    pub pay_by_traffic: f64,
    /// Internet if every batch used PayByBandwidth.
    pub pay_by_bandwidth: f64,
    pub gb_out: f64,
    pub instance_hours: f64,
    pub lost_instance_hours: f64,
    /// Instances interrupted by their price limit.
    pub interruptions: u64,
    /// Spot batches' pay-as-you-go cost for the same hours.
    pub spot_payg_same_hours: f64,
    pub total: f64,
    /// The part of `total` priced with confirmed figures.
    pub confirmed: f64,
    /// Pay-as-you-go against subscription for the non-spot instances.
    pub billing: Billing,
    /// GB of PayByTraffic traffic that CDT's free allowance covered, and what it saved
    /// (already taken off `internet` and `total`; `pay_by_traffic` has its own allowance).
    pub cdt_free_gb: f64,
    pub cdt_saving: f64,
}

impl Totals {
    /// Adds a batch (of this `Totals`' currency; keep one per currency).
    pub fn add(&mut self, c: &BatchCost) {
        self.compute += c.compute;
        self.system_disk += c.system_disk;
        self.data_disks += c.data_disks;
        self.internet += c.internet.chosen_cost();
        self.pay_by_traffic += c.internet.pay_by_traffic;
        self.pay_by_bandwidth += c.internet.pay_by_bandwidth;
        self.gb_out += c.internet.gb_out;
        self.instance_hours += c.instance_hours;
        if let Some(s) = &c.spot {
            self.lost_instance_hours += s.lost_instance_hours;
            self.interruptions += u64::from(s.interrupted_at.is_some()) * u64::from(c.count);
            self.spot_payg_same_hours += s.payg_cost_same_hours;
        }
        self.total += c.total();
        self.confirmed += c.confirmed;
        self.billing.add(&c.billing);
    }
}

/// [`Summary`] of each [`Totals`] field over trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TotalsSummary {
    pub compute: Summary,
    pub system_disk: Summary,
    pub data_disks: Summary,
    pub internet: Summary,
    pub pay_by_traffic: Summary,
    pub pay_by_bandwidth: Summary,
    pub gb_out: Summary,
    pub lost_instance_hours: Summary,
    pub total: Summary,
    /// Non-spot instances as pay-as-you-go and as subscription ([`Billing`]).
    pub as_payg: Summary,
    pub as_subscription: Summary,
    /// The share of a month an instance must run for a month's subscription to cost less
    /// (ratio of the sums over trials); None without non-spot instances.
    pub subscription_break_even: Option<f64>,
    /// Whether any trial billed a PrePaid instance.
    pub has_prepaid: bool,
    pub cdt_free_gb: Summary,
    pub cdt_saving: Summary,
}

/// Summarises per-trial totals, field by field.
pub fn summarise(trials: &[Totals]) -> TotalsSummary {
    let of = |f: fn(&Totals) -> f64| summary(&mut trials.iter().map(f).collect::<Vec<_>>());
    TotalsSummary {
        compute: of(|t| t.compute),
        system_disk: of(|t| t.system_disk),
        data_disks: of(|t| t.data_disks),
        internet: of(|t| t.internet),
        pay_by_traffic: of(|t| t.pay_by_traffic),
        pay_by_bandwidth: of(|t| t.pay_by_bandwidth),
        gb_out: of(|t| t.gb_out),
        lost_instance_hours: of(|t| t.lost_instance_hours),
        total: of(|t| t.total),
        as_payg: of(|t| t.billing.as_payg),
        as_subscription: of(|t| t.billing.as_subscription),
        subscription_break_even: {
            let (m, p) = trials.iter().fold((0.0, 0.0), |(m, p), t| {
                (m + t.billing.month_rate, p + t.billing.payg_month_rate)
            });
            (p > 0.0).then(|| m / p)
        },
        has_prepaid: trials.iter().any(|t| t.billing.prepaid_instances > 0.0),
        cdt_free_gb: of(|t| t.cdt_free_gb),
        cdt_saving: of(|t| t.cdt_saving),
    }
}

/// Helpers shared by the cost modules' tests.
#[cfg(test)]
pub(crate) mod test_util {
    use chrono::{DateTime, Utc};

    /// A UTC time from the API's form.
    pub fn t(s: &str) -> DateTime<Utc> {
        crate::time::parse_utc(s).unwrap()
    }

    /// A crafted spot trace: 0.10 until 10:00, 0.12 from 10:00, 0.30 from 12:20 (above a 0.20
    /// limit), 0.11 from 14:00, on 2026-01-01.
    pub fn crafted() -> Vec<super::PricePoint> {
        [
            ("2026-01-01T00:00:00Z", 0.10),
            ("2026-01-01T10:00:00Z", 0.12),
            ("2026-01-01T12:20:00Z", 0.30),
            ("2026-01-01T14:00:00Z", 0.11),
        ]
        .iter()
        .map(|(s, p)| super::PricePoint {
            at: t(s),
            price: *p,
        })
        .collect()
    }

    /// Equal to 1e-9, relative (money is unrounded f64).
    pub fn close(a: f64, b: f64) {
        assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} != {b}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::test_util::{close, crafted, t};
    use crate::request::typed::{DiskCategory, PerformanceLevel};
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const ESSD_PL0_40: DiskSpec = DiskSpec {
        category: DiskCategory::CloudEssd,
        size_gib: 40,
        performance_level: Some(PerformanceLevel::PL0),
    };
    const EFFICIENCY_100: DiskSpec = DiskSpec {
        category: DiskCategory::CloudEfficiency,
        size_gib: 100,
        performance_level: None,
    };

    fn payg_batch<'a>(
        data: &'a [DiskSpec],
        charge: InternetChargeType,
        mbps: u32,
    ) -> BatchSpec<'a> {
        BatchSpec {
            region: "cn-hangzhou",
            zone: "cn-hangzhou-i",
            instance_type: "ecs.g7.large",
            count: 2,
            start: t("2026-01-01T00:00:00Z"),
            end: t("2026-01-31T00:00:00Z"), // 720 h
            system_disk: ESSD_PL0_40,
            data_disks: data,
            internet: InternetSpec {
                charge_type: charge,
                max_bandwidth_out_mbps: mbps,
            },
            spot: None,
        }
    }

    #[test]
    fn a_month_of_two_payg_instances_by_hand() {
        let p = Prices::default_embedded();
        let data = [EFFICIENCY_100];
        let spec = payg_batch(&data, InternetChargeType::PayByBandwidth, 7);
        let traffic = TrafficModel::Constant { gb_per_hour: 1.0 };
        let c = cost_batch(&p, &spec, &traffic, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
        assert_eq!(c.currency, Currency::CNY);
        close(c.instance_hours, 1440.0);
        close(c.compute, 2.0 * 720.0 * 0.5139); // 740.016 (g7.large: 185 × 2 / 720)
        close(c.system_disk, 2.0 * 40.0 * 0.0010 * 720.0); // 57.60
        close(c.data_disks, 2.0 * 100.0 * 0.0007 * 720.0); // 100.80
        close(c.internet.pay_by_bandwidth, 2.0 * 583.92); // 1167.84
        close(c.internet.gb_out, 1440.0);
        close(c.internet.pay_by_traffic, 1152.0);
        assert_eq!(c.internet.cheaper(), InternetChargeType::PayByTraffic);
        close(c.internet.saving_of_switching(), 15.84);
        close(c.total(), 740.016 + 57.6 + 100.8 + 1167.84);
        assert!(c.spot.is_none());
        // Utilisation 1 / 3.15 is below break-even 0.811 / 2.52: consistent with the choice.
        assert!(1.0 / 3.15 < c.internet.break_even.utilisation().unwrap());
    }

    #[test]
    fn two_and_five_mbps_tiers_in_a_batch() {
        let p = Prices::default_embedded();
        let traffic = TrafficModel::Constant { gb_per_hour: 0.0 };
        let mut r = ChaCha8Rng::seed_from_u64(0);
        let c2 = cost_batch(
            &p,
            &payg_batch(&[], InternetChargeType::PayByBandwidth, 2),
            &traffic,
            &mut r,
        )
        .unwrap();
        close(c2.internet.pay_by_bandwidth, 2.0 * 90.72);
        let c5 = cost_batch(
            &p,
            &payg_batch(&[], InternetChargeType::PayByBandwidth, 5),
            &traffic,
            &mut r,
        )
        .unwrap();
        close(c5.internet.pay_by_bandwidth, 2.0 * 720.0 * 0.315); // 453.60
        close(c5.internet.pay_by_traffic, 0.0);
        close(c5.internet.saving_of_switching(), 453.6);
        close(c5.data_disks, 0.0);
    }

    fn spot_batch<'a>(trace: &'a [PricePoint], bid: SpotBid) -> BatchSpec<'a> {
        BatchSpec {
            region: "cn-hangzhou",
            zone: "cn-hangzhou-i",
            instance_type: "ecs.g7.large",
            count: 3,
            start: t("2026-01-01T09:00:00Z"),
            end: t("2026-01-01T15:00:00Z"),
            system_disk: ESSD_PL0_40,
            data_disks: &[],
            internet: InternetSpec {
                charge_type: InternetChargeType::PayByTraffic,
                max_bandwidth_out_mbps: 2,
            },
            spot: Some(SpotSpec {
                bid,
                duration_hours: 1,
                trace,
            }),
        }
    }

    #[test]
    fn spot_with_price_limit_is_interrupted_and_billed_by_hand() {
        let p = Prices::default_embedded();
        let trace = crafted();
        let spec = spot_batch(&trace, SpotBid::WithPriceLimit { limit: 0.20 });
        let traffic = TrafficModel::Constant { gb_per_hour: 0.5 };
        let c = cost_batch(&p, &spec, &traffic, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
        let s = c.spot.unwrap();
        assert_eq!(s.interrupted_at, Some(t("2026-01-01T12:20:00Z")));
        assert_eq!(c.end, Some(t("2026-01-01T12:20:00Z")));
        // 3 instances × 3 h 20 min.
        close(c.instance_hours, 10.0);
        // Per instance: protection 09-10 at 0.10, then 10:00-12:20 at 0.12 = 0.10 + 0.28.
        close(c.compute, 3.0 * 0.38);
        close(s.spot_cost, 1.14);
        close(s.payg_cost_same_hours, 10.0 * 0.5139);
        // Lost: 3 × (15:00 − 12:20) = 8 instance-hours.
        close(s.lost_instance_hours, 8.0);
        // Disks are billed for the hours lived, at pay-as-you-go prices.
        close(c.system_disk, 10.0 * 40.0 * 0.0010);
        // 2 Mbps, 0.5 GB/h: 5 GB × 0.80 = 4.00; bandwidth 10 h × 0.126 = 1.26.
        close(c.internet.pay_by_traffic, 4.0);
        close(c.internet.pay_by_bandwidth, 1.26);
        close(c.internet.saving_of_switching(), 2.74);
        close(c.total(), 1.14 + 0.4 + 4.0);
        // The engine's own call agrees.
        assert_eq!(
            spot::interruption(&trace, spec.start, 0.20, Duration::hours(1)),
            s.interrupted_at
        );
        let mut totals = Totals::default();
        totals.add(&c);
        assert_eq!(totals.interruptions, 3);
        close(totals.lost_instance_hours, 8.0);
    }

    #[test]
    fn spot_as_price_go_rides_out_the_spike() {
        let p = Prices::default_embedded();
        let trace = crafted();
        let spec = spot_batch(&trace, SpotBid::AsPriceGo);
        let traffic = TrafficModel::Constant { gb_per_hour: 0.0 };
        let c = cost_batch(&p, &spec, &traffic, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
        let s = c.spot.unwrap();
        assert_eq!(s.interrupted_at, None);
        close(s.lost_instance_hours, 0.0);
        close(c.instance_hours, 18.0);
        // 0.10 + 0.12 × 7/3 + 0.30 × 5/3 + 0.11 × 1 = 0.99 per instance.
        close(c.compute, 3.0 * 0.99);
        close(s.payg_cost_same_hours, 18.0 * 0.5139);
        // A limit interruption after the planned end does not count.
        let mut late = spot_batch(&trace, SpotBid::WithPriceLimit { limit: 0.20 });
        late.end = t("2026-01-01T12:00:00Z");
        let c = cost_batch(&p, &late, &traffic, &mut ChaCha8Rng::seed_from_u64(0)).unwrap();
        assert_eq!(c.spot.unwrap().interrupted_at, None);
        // An empty trace is an input error naming the zone and type.
        let empty = spot_batch(&[], SpotBid::AsPriceGo);
        let e = cost_batch(&p, &empty, &traffic, &mut ChaCha8Rng::seed_from_u64(0)).unwrap_err();
        assert!(
            e.to_string().contains("ecs.g7.large in cn-hangzhou-i"),
            "{e}"
        );
    }

    #[test]
    fn monte_carlo_is_deterministic_for_a_seed() {
        let p = Prices::default_embedded();
        let spec = payg_batch(&[], InternetChargeType::PayByTraffic, 10);
        let traffic = TrafficModel::LogNormal {
            mu: 0.0,
            sigma: 1.0,
        };
        let run = |seed: u64| {
            let trials: Vec<Totals> = (0..50)
                .map(|trial| {
                    let mut r = ChaCha8Rng::seed_from_u64(seed * 1000 + trial);
                    let mut tot = Totals::default();
                    tot.add(&cost_batch(&p, &spec, &traffic, &mut r).unwrap());
                    tot
                })
                .collect();
            summarise(&trials)
        };
        let a = run(1);
        assert_eq!(a, run(1));
        assert_ne!(a.total, run(2).total);
        assert!(a.total.p50 <= a.total.p90 && a.total.p90 <= a.total.p99);
        close(a.compute.p50, 2.0 * 720.0 * 0.5139);
    }
}
