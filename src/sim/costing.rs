//! Costs inside the replay: what each created batch costs over its life in each trial, summed
//! per trial and merged over trials. The formulas are the cost model's ([`crate::cost`]); this
//! module only decides *which* batch lives *when*:
//!
//! - prices are resolved once per distinct request ([`BatchRates`]), never per trial;
//! - a batch is charged when instances leave it (a release, an auto-release, a spot
//!   interruption) and, for what is left, at the horizon, so each chunk is priced once with its
//!   own life; traffic is drawn once per chunk from the trial's cost stream;
//! - a `SpotWithPriceLimit` batch gets an interruption event at the time the cost model's rule
//!   gives ([`spot::interruption`]): it frees capacity then, and the chunk is priced with its
//!   planned end so that lost instance-hours are counted.
//!
//! See `docs/costs.md` § In the replay.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand_chacha::ChaCha8Rng;

use super::plan::{AdmittedDemand, Plan, StepKind, NONE};
use super::rng;
use crate::cost::subscription::{self, SubscriptionRates, Term};
use crate::cost::{
    self, spot, BatchCost, BatchRates, BatchSpec, Billing, Currency, Exposure, InternetSpec,
    PricePoint, SpotBid, SpotSpec, Summary, Totals, TotalsSummary, TrafficModel, TrafficSampler,
};
use crate::request::typed::{InternetChargeType, SpotStrategy};

/// Stream of a trial's traffic draws (pools use `1 + pool`, service faults 0).
pub const COST_STREAM: u64 = 1 << 62;
/// Stream of a trial's synthetic spot market of pool `p`: `MARKET_STREAM + p`.
pub const MARKET_STREAM: u64 = 1 << 61;

/// A distinct request's billing shape and its prices.
#[derive(Debug, Clone)]
pub struct Priced {
    pub region: String,
    pub instance_type: String,
    pub system_disk: cost::DiskSpec,
    pub data_disks: Vec<cost::DiskSpec>,
    pub internet: InternetSpec,
    /// The bid and protection hours of a spot request.
    pub spot: Option<(SpotBid, u32)>,
    /// The term of a PrePaid request.
    pub term: Option<Term>,
    /// Subscription prices (None: the prices have no subscription rule, or a spot shape).
    pub sub: Option<SubscriptionRates>,
    /// The least a pay-as-you-go instance's lifecycle costs (0: no minimum).
    pub minimum: f64,
    pub rates: BatchRates,
}

/// Where a pool's spot market prices come from.
#[derive(Debug, Clone)]
pub enum Market {
    /// No spot request lands in the pool.
    Unused,
    /// The world's DescribeSpotPriceHistory records of the zone and type.
    Trace(Vec<PricePoint>),
    /// No records: a synthetic market per trial around the pay-as-you-go price.
    Synthetic { origin: f64 },
}

/// Requests priced together in `internet.csv`: one label, region, bandwidth and method.
#[derive(Debug, Clone, PartialEq)]
pub struct InternetGroup {
    pub label: Option<String>,
    pub region: String,
    pub currency: Currency,
    pub mbps: u32,
    pub chosen: InternetChargeType,
    pub break_even: cost::BreakEven,
}

/// Spot instances priced together in `spot.csv`: one label, pool and bid.
#[derive(Debug, Clone, PartialEq)]
pub struct SpotGroup {
    pub label: Option<String>,
    pub zone: String,
    pub instance_type: String,
    pub pool: u32,
    pub bid: SpotBid,
    pub currency: Currency,
}

/// The scenario's cost inputs, prepared once.
#[derive(Debug, Clone, Default)]
pub struct Costing {
    /// Distinct billing shapes (requests differing only in what does not bill, such as a
    /// ClientToken or an AutoReleaseTime, share one, which keeps them in cache).
    pub priced: Vec<Priced>,
    /// Per admitted request: its shape, or [`NONE`] when a price is missing (see `warnings`).
    pub shape_of: Vec<u32>,
    /// Per pool.
    pub markets: Vec<Market>,
    /// Traffic samplers, one per (traffic model, bandwidth) in use; the model is the
    /// scenario's default or a label's override.
    pub traffic: Vec<TrafficSampler>,
    pub groups: Vec<InternetGroup>,
    pub spot_groups: Vec<SpotGroup>,
    /// Pay-as-you-go use summed over a trial: (shape, traffic sampler, internet group).
    pub buckets: Vec<(u32, u32, u32)>,
    /// Prices that were missing, once each: those requests are left out of the costs.
    pub warnings: Vec<String>,
}

/// The synthetic market used when the world has no trace for a spot pool: about 20 % of the
/// pay-as-you-go price, persistent, with a few percent of hourly noise.
pub const SYNTHETIC_MARKET: spot::SyntheticMarket = spot::SyntheticMarket {
    mean_ratio: 0.2,
    reversion: 0.9,
    volatility: 0.08,
};

/// Resolves prices, markets and report groups, and stamps each request step with its groups.
pub fn prepare(plan: &mut Plan) {
    let s = plan.scenario;
    let prices = &s.costs.prices;
    let mut c = Costing {
        markets: vec![Market::Unused; plan.pools.len()],
        ..Costing::default()
    };
    let model_of = |label: Option<&str>| {
        label
            .and_then(|l| s.costs.labels.keys().position(|k| k == l))
            .map_or(0, |i| i + 1)
    };
    let models: Vec<&TrafficModel> = std::iter::once(&s.costs.traffic)
        .chain(s.costs.labels.values())
        .collect();
    let mut samplers: HashMap<(usize, u32), u32> = HashMap::new();
    let mut shapes: HashMap<String, u32> = HashMap::new();
    for a in &plan.admitted {
        let (key, shape) = billing_shape(a);
        let id = *shapes
            .entry(key)
            .or_insert_with(|| match priced(prices, a, shape) {
                Ok(p) => {
                    c.priced.push(p);
                    c.priced.len() as u32 - 1
                }
                Err(e) => {
                    let msg = e.to_string();
                    if !c.warnings.contains(&msg) {
                        c.warnings.push(msg);
                    }
                    NONE
                }
            });
        c.shape_of.push(id);
    }
    let mut groups: HashMap<(u32, String, u32, bool), u32> = HashMap::new();
    let mut buckets: HashMap<(u32, u32, u32), u32> = HashMap::new();
    let mut spot_groups: HashMap<(u32, u32, u64, u32), u32> = HashMap::new();
    for step in &mut plan.steps {
        let StepKind::Request(req) = &mut step.kind else {
            continue;
        };
        let Ok(ai) = req.admission else { continue };
        req.shape = c.shape_of[ai as usize];
        let Some(p) = c.priced.get(req.shape as usize) else {
            continue;
        };
        let label = (req.label != NONE).then(|| plan.labels[req.label as usize].clone());
        let model = model_of(label.as_deref());
        let mbps = p.internet.max_bandwidth_out_mbps;
        let next = c.traffic.len() as u32;
        req.traffic_model = *samplers.entry((model, mbps)).or_insert_with(|| {
            c.traffic.push(models[model].sampler(mbps));
            next
        });
        if p.internet.max_bandwidth_out_mbps > 0 {
            let chosen = p.internet.charge_type;
            let key = (
                req.label,
                p.region.clone(),
                p.internet.max_bandwidth_out_mbps,
                chosen == InternetChargeType::PayByTraffic,
            );
            let next = c.groups.len() as u32;
            req.cost_group = *groups.entry(key).or_insert_with(|| {
                c.groups.push(InternetGroup {
                    label: label.clone(),
                    region: p.region.clone(),
                    currency: p.rates.currency,
                    mbps: p.internet.max_bandwidth_out_mbps,
                    chosen,
                    break_even: p.rates.break_even,
                });
                next
            });
        }
        if p.spot.is_none() && p.term.is_none() {
            let key = (req.shape, req.traffic_model, req.cost_group);
            let next = c.buckets.len() as u32;
            req.bucket = *buckets.entry(key).or_insert_with(|| {
                c.buckets.push(key);
                next
            });
        }
        if let Some((bid, hours)) = p.spot {
            let limit_bits = match bid {
                SpotBid::WithPriceLimit { limit } => limit.to_bits(),
                SpotBid::AsPriceGo => u64::MAX,
            };
            req.spot_groups = req
                .pools
                .iter()
                .map(|&pool| {
                    let pr = &plan.pools[pool as usize];
                    if matches!(c.markets[pool as usize], Market::Unused) {
                        let trace = s
                            .world
                            .spot_series(&pr.zone, &pr.instance_type)
                            .map(|series| {
                                spot::trace_from_records(
                                    series.iter().map(|(_, r)| r),
                                    &pr.zone,
                                    &pr.instance_type,
                                )
                            })
                            .unwrap_or_default();
                        c.markets[pool as usize] = if trace.is_empty() {
                            Market::Synthetic {
                                origin: p.rates.payg_hourly,
                            }
                        } else {
                            Market::Trace(trace)
                        };
                    }
                    let next = c.spot_groups.len() as u32;
                    *spot_groups
                        .entry((req.label, pool, limit_bits, hours))
                        .or_insert_with(|| {
                            c.spot_groups.push(SpotGroup {
                                label: label.clone(),
                                zone: pr.zone.clone(),
                                instance_type: pr.instance_type.clone(),
                                pool,
                                bid,
                                currency: p.rates.currency,
                            });
                            next
                        })
                })
                .collect();
        }
    }
    plan.costing = c;
}

/// What bills in a request besides prices: (spot bid and protection, internet, PrePaid term),
/// and a key naming the whole shape (region, type, disks, internet, spot, term).
fn billing_shape(a: &AdmittedDemand) -> (String, Shape) {
    let d = &a.demand;
    let spot = match d.spot {
        SpotStrategy::NoSpot => None,
        SpotStrategy::SpotAsPriceGo => Some((SpotBid::AsPriceGo, d.spot_duration)),
        SpotStrategy::SpotWithPriceLimit => Some((
            SpotBid::WithPriceLimit {
                limit: d.spot_limit.unwrap_or(f64::INFINITY),
            },
            d.spot_duration,
        )),
    };
    let internet = InternetSpec {
        charge_type: d.charge,
        max_bandwidth_out_mbps: d.bandwidth_out,
    };
    let term = a.term.filter(|_| spot.is_none());
    let key = format!(
        "{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        d.region, d.instance_type, d.system_disk, d.data_disks, internet, spot, term
    );
    (key, (spot, internet, term))
}

/// (spot bid and protection, internet, PrePaid term).
type Shape = (Option<(SpotBid, u32)>, InternetSpec, Option<Term>);

fn priced(
    prices: &cost::Prices,
    a: &AdmittedDemand,
    (spot, internet, term): Shape,
) -> crate::Result<Priced> {
    let d = &a.demand;
    let spec = BatchSpec::rates_shape(d, internet);
    let rates = BatchRates::of(prices, &spec)?;
    let sub = match (&prices.subscription, spot) {
        (Some(rule), None) => {
            let r = SubscriptionRates::of(rule, &rates, internet.max_bandwidth_out_mbps);
            match (r, term) {
                (Ok(r), _) => Some(r),
                // A PrePaid request cannot be priced without it.
                (Err(e), Some(_)) => return Err(e),
                (Err(_), None) => None,
            }
        }
        _ => None,
    };
    if term.is_some() && sub.is_none() {
        return Err(crate::Error::input(
            crate::error::Place::new("prices"),
            "no subscription rule for PrePaid instances; add a \"subscription\" section to a \
             price file (see docs/billing.md)"
                .to_string(),
        ));
    }
    let minimum = match (&prices.minimum_charge, spot) {
        (Some(m), None) => m
            .per_instance_lifecycle
            .get(&rates.currency)
            .copied()
            .unwrap_or(0.0),
        _ => 0.0,
    };
    Ok(Priced {
        term,
        sub,
        minimum,
        region: d.region.clone(),
        instance_type: d.instance_type.clone(),
        system_disk: d.system_disk,
        data_disks: d.data_disks.clone(),
        internet,
        spot,
        rates,
    })
}

/// What a batch needs to be priced.
#[derive(Debug, Clone, Copy)]
pub struct Life {
    /// Billing shape (index into [`Costing::priced`]); [`NONE`] when unpriced.
    pub priced: u32,
    /// Index into [`Costing::traffic`].
    pub traffic: u32,
    /// Pay-as-you-go bucket ([`Costing::buckets`]); [`NONE`] for spot batches, priced chunk
    /// by chunk over their market.
    pub bucket: u32,
    pub group: u32,
    pub spot_group: u32,
    pub pool: u32,
    /// Creation, seconds after the start.
    pub created: i64,
    /// Auto-release time or the horizon, whichever is first.
    pub planned_end: i64,
}

/// Sums of one internet group in one trial.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GroupSums {
    pub instances: u64,
    pub gb_out: f64,
    pub pay_by_traffic: f64,
    pub pay_by_bandwidth: f64,
}

/// Sums of one spot group in one trial.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpotSums {
    pub instances: u64,
    pub interruptions: u64,
    pub lost_instance_hours: f64,
    pub spot_cost: f64,
    pub payg_cost: f64,
}

/// One trial's costs (what a trial shard keeps of them, src/sim/shard.rs).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct TrialCosts {
    /// Per currency (CNY, USD).
    pub totals: [Totals; 2],
    pub groups: Vec<GroupSums>,
    pub spot: Vec<SpotSums>,
    /// (spot group, seconds after the start, instances) of each interruption.
    pub interruptions: Vec<(u32, i64, u32)>,
}

/// Pay-as-you-go use of one bucket in one trial: instances, instance-hours and traffic
/// exposure, priced once at the end of the trial ([`Meter::finish`]). Since every hour's
/// traffic is i.i.d. (or deterministic), one draw over the summed exposure has the
/// distribution of a draw per batch, and the bill is linear in instance-hours.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    count: u64,
    instance_hours: f64,
    exposure: Exposure,
    /// Pay-as-you-go against subscription; `as_payg` is set when the bucket is priced.
    billing: Billing,
    /// What the minimum lifecycle charge adds to instances that cost less.
    topup: f64,
}

/// A trial's cost state: sums, its traffic stream and its synthetic markets.
pub struct Meter {
    sums: TrialCosts,
    /// Per bucket: pay-as-you-go use so far in the trial.
    usage: Vec<Usage>,
    rng: ChaCha8Rng,
    /// The trial's traffic samplers when the scenario's traffic level is uncertain (each
    /// plan sampler scaled by the trial's level); None: the plan's.
    traffic: Option<Vec<TrafficSampler>>,
    /// Per pool: the trial's synthetic market, when the pool has one.
    pub synthetic: Vec<Option<Vec<PricePoint>>>,
}

pub fn currency_index(c: Currency) -> usize {
    match c {
        Currency::CNY => 0,
        Currency::USD => 1,
    }
}

impl Meter {
    pub fn new(plan: &Plan, trial: u64) -> Meter {
        let c = &plan.costing;
        let start = plan.scenario.start;
        let hours = (plan.scenario.horizon.num_seconds().max(0) / 3600 + 2) as u32;
        let mut rng = rng::stream(plan.seed, plan.key, trial, COST_STREAM);
        let sigma = plan.scenario.costs.traffic_uncertainty;
        let traffic = (sigma > 0.0).then(|| {
            let level = traffic_level(sigma, &mut rng);
            c.traffic.iter().map(|s| s.scaled(level)).collect()
        });
        Meter {
            usage: vec![Usage::default(); c.buckets.len()],
            sums: TrialCosts {
                totals: [Totals::default(); 2],
                groups: vec![GroupSums::default(); c.groups.len()],
                spot: vec![SpotSums::default(); c.spot_groups.len()],
                interruptions: Vec::new(),
            },
            rng,
            traffic,
            synthetic: c
                .markets
                .iter()
                .enumerate()
                .map(|(p, m)| match m {
                    Market::Synthetic { origin } => {
                        let mut r =
                            rng::stream(plan.seed, plan.key, trial, MARKET_STREAM + p as u64);
                        Some(SYNTHETIC_MARKET.trace(*origin, start, hours, &mut r))
                    }
                    _ => None,
                })
                .collect(),
        }
    }

    /// The market trace of a pool in this trial.
    pub fn trace<'a>(&'a self, plan: &'a Plan, pool: u32) -> &'a [PricePoint] {
        trace_of(&self.synthetic, plan, pool)
    }

    /// When a new spot batch with a price limit is interrupted (seconds after the start), if
    /// before its planned end.
    pub fn interruption(&self, plan: &Plan, life: &Life) -> Option<i64> {
        let p = plan.costing.priced.get(life.priced as usize)?;
        let (SpotBid::WithPriceLimit { limit }, hours) = p.spot? else {
            return None;
        };
        let start = plan.scenario.start;
        let at = spot::interruption(
            self.trace(plan, life.pool),
            crate::limits::offset_time(start, life.created),
            limit,
            Duration::hours(i64::from(hours)),
        )?;
        let secs = (at - start).num_seconds().max(life.created);
        (secs < life.planned_end).then_some(secs)
    }

    /// Prices `k` instances of a batch that live from creation to `end` (seconds after the
    /// start; clamped to the horizon). `interrupted`: the chunk leaves at its interruption, so
    /// it is priced to its planned end and the cost model cuts it (counting lost hours).
    pub fn charge(&mut self, plan: &Plan, life: &Life, k: u32, end: i64, interrupted: bool) {
        let Some(p) = plan.costing.priced.get(life.priced as usize) else {
            return;
        };
        if k == 0 {
            return;
        }
        let start = plan.scenario.start;
        let horizon = plan.scenario.horizon.num_seconds();
        let end = if interrupted { life.planned_end } else { end }.min(horizon);
        let traffic = match &self.traffic {
            Some(t) => &t[life.traffic as usize],
            None => &plan.costing.traffic[life.traffic as usize],
        };
        if let Some(term) = p.term {
            self.charge_prepaid(plan, p, life, term, k, end);
            return;
        }
        if let Some(u) = self.usage.get_mut(life.bucket as usize) {
            let secs = (end - life.created).max(0);
            u.count += u64::from(k);
            u.instance_hours += f64::from(k) * secs as f64 / 3600.0;
            let n = f64::from(k);
            let charge = p.internet.charge_type;
            let hourly = subscription::payg_hourly_total(&p.rates, charge);
            if let Some(sub) = &p.sub {
                // Most lives are under a month: their cover needs no calendar.
                let cover = sub.cheapest_cover_short(secs, charge).unwrap_or_else(|| {
                    let from = crate::limits::offset_time(start, life.created);
                    let to = crate::limits::offset_time(start, end.max(life.created));
                    sub.cheapest_cover(from, to, charge)
                });
                u.billing.as_subscription += n * cover;
                u.billing.month_rate += n * sub.month_total(charge);
                u.billing.payg_month_rate += n * hourly * sub.hours_per_month;
            }
            // The minimum is for a whole lifecycle: not for instances the horizon cuts.
            let own = hourly * secs as f64 / 3600.0;
            if own < p.minimum && end < horizon {
                u.topup += n * (p.minimum - own);
            }
            let from = if traffic.needs_start() {
                crate::limits::offset_time(start, life.created)
            } else {
                start
            };
            traffic.expose(&mut u.exposure, k, from, secs);
            return;
        }
        let pool = &plan.pools[life.pool as usize];
        let spot = p.spot.map(|(bid, duration_hours)| SpotSpec {
            bid,
            duration_hours,
            trace: trace_of(&self.synthetic, plan, life.pool),
        });
        let spec = BatchSpec {
            region: &p.region,
            zone: &pool.zone,
            instance_type: &p.instance_type,
            count: k,
            start: crate::limits::offset_time(start, life.created),
            end: crate::limits::offset_time(start, end.max(life.created)),
            system_disk: p.system_disk,
            data_disks: &p.data_disks,
            internet: p.internet,
            spot,
        };
        let Ok(c) = p.rates.cost(&spec, traffic, &mut self.rng) else {
            return;
        };
        self.record(&c, life.group);
        if let (Some(g), Some(sc)) = (self.sums.spot.get_mut(life.spot_group as usize), c.spot) {
            g.instances += u64::from(k);
            g.spot_cost += sc.spot_cost;
            g.payg_cost += sc.payg_cost_same_hours;
            g.lost_instance_hours += sc.lost_instance_hours;
            if let Some(at) = sc.interrupted_at {
                g.interruptions += u64::from(k);
                let secs = (at - start).num_seconds();
                self.sums.interruptions.push((life.spot_group, secs, k));
            }
        }
    }

    /// Prices `k` PrePaid instances created at `life.created` and held until `end`: their
    /// terms paid whole ([`subscription::paid`]), traffic per GB for the hours billed.
    fn charge_prepaid(
        &mut self,
        plan: &Plan,
        p: &Priced,
        life: &Life,
        term: Term,
        k: u32,
        end: i64,
    ) {
        let Some(sub) = &p.sub else { return };
        let start = plan.scenario.start;
        let from = crate::limits::offset_time(start, life.created);
        let to = crate::limits::offset_time(start, end.max(life.created));
        let paid = subscription::paid(term, from, to);
        let secs = (paid.billed_until - from).num_seconds().max(0);
        let traffic = match &self.traffic {
            Some(t) => &t[life.traffic as usize],
            None => &plan.costing.traffic[life.traffic as usize],
        };
        let gb = traffic.gb_from(k, from, secs, &mut self.rng);
        let n = f64::from(k);
        let hours = n * secs as f64 / 3600.0;
        let mut c = p.rates.bill(k, hours, gb, p.internet);
        let units = n * f64::from(paid.units);
        let [inst, sys, data, bw] = sub.per_unit(term.unit).map(|x| x * units);
        let charge = p.internet.charge_type;
        c.compute = inst;
        c.system_disk = sys;
        c.data_disks = data;
        c.internet.pay_by_bandwidth = bw;
        // Subscription prices are derived by rule; only confirmed traffic stays confirmed.
        c.confirmed = match charge {
            InternetChargeType::PayByTraffic if p.rates.confirmed.traffic => {
                c.internet.pay_by_traffic
            }
            _ => 0.0,
        };
        let bandwidth = if charge == InternetChargeType::PayByBandwidth {
            bw
        } else {
            0.0
        };
        c.billing = Billing {
            as_payg: subscription::payg_hourly_total(&p.rates, charge) * hours,
            as_subscription: inst + sys + data + bandwidth,
            month_rate: n * sub.month_total(charge),
            payg_month_rate: n
                * subscription::payg_hourly_total(&p.rates, charge)
                * sub.hours_per_month,
            prepaid_instances: n,
        };
        self.record(&c, life.group);
    }

    fn record(&mut self, c: &BatchCost, group: u32) {
        self.sums.totals[currency_index(c.currency)].add(c);
        if let Some(g) = self.sums.groups.get_mut(group as usize) {
            g.instances += u64::from(c.count);
            g.gb_out += c.internet.gb_out;
            g.pay_by_traffic += c.internet.pay_by_traffic;
            g.pay_by_bandwidth += c.internet.pay_by_bandwidth;
        }
    }

    /// Prices the trial's pay-as-you-go buckets (one traffic draw each, in bucket order) and
    /// returns the trial's sums.
    pub fn finish(mut self, plan: &Plan) -> TrialCosts {
        let c = &plan.costing;
        for (u, &(shape, traffic, group)) in std::mem::take(&mut self.usage).iter().zip(&c.buckets)
        {
            if u.count == 0 {
                continue;
            }
            let p = &c.priced[shape as usize];
            let sampler = match &self.traffic {
                Some(t) => &t[traffic as usize],
                None => &c.traffic[traffic as usize],
            };
            let gb = sampler.draw_total(&u.exposure, &mut self.rng);
            let count = u32::try_from(u.count).unwrap_or(u32::MAX);
            let mut bill = p.rates.bill(count, u.instance_hours, gb, p.internet);
            bill.compute += u.topup;
            bill.billing = Billing {
                as_payg: subscription::payg_hourly_total(&p.rates, p.internet.charge_type)
                    * u.instance_hours
                    + u.topup,
                ..u.billing
            };
            self.record(&bill, group);
        }
        self.cdt_allowance(plan);
        self.sums
    }

    /// Takes CDT's free allowance off the trial's PayByTraffic traffic: per pool (mainland
    /// China, outside), `free GB a month x months of the horizon`, shared by every group in
    /// proportion to its GB. The chosen methods' internet and the all-PayByTraffic figure each
    /// get the allowance once. Internet groups (`internet.csv`) are left before it.
    fn cdt_allowance(&mut self, plan: &Plan) {
        let c = &plan.costing;
        let prices = &plan.scenario.costs.prices;
        let Some(rule) = &prices.cdt else { return };
        let start = plan.scenario.start;
        let end = crate::limits::offset_time(start, plan.scenario.horizon.num_seconds());
        let months = cdt_months(rule, start, end);
        if months == 0 {
            return;
        }
        for mainland in [true, false] {
            let free = f64::from(months)
                * if mainland {
                    rule.free_gb_per_month.mainland
                } else {
                    rule.free_gb_per_month.outside
                };
            let in_pool = |i: usize| {
                c.groups
                    .get(i)
                    .is_some_and(|g| rule.mainland(&g.region) == mainland)
            };
            let chosen = |i: usize| c.groups[i].chosen == InternetChargeType::PayByTraffic;
            let (mut gb_chosen, mut gb_all) = (0.0, 0.0);
            for (i, g) in self.sums.groups.iter().enumerate() {
                if in_pool(i) {
                    gb_all += g.gb_out;
                    if chosen(i) {
                        gb_chosen += g.gb_out;
                    }
                }
            }
            let share = |gb: f64| if gb > free { free / gb } else { 1.0 };
            let (s_chosen, s_all) = (share(gb_chosen), share(gb_all));
            for i in 0..self.sums.groups.len() {
                if !in_pool(i) {
                    continue;
                }
                let g = self.sums.groups[i];
                let grp = &c.groups[i];
                let t = &mut self.sums.totals[currency_index(grp.currency)];
                t.pay_by_traffic -= g.pay_by_traffic * s_all;
                if chosen(i) {
                    let saving = g.pay_by_traffic * s_chosen;
                    t.internet -= saving;
                    t.total -= saving;
                    t.cdt_saving += saving;
                    t.cdt_free_gb += g.gb_out * s_chosen;
                    let confirmed = prices
                        .region(&grp.region)
                        .ok()
                        .and_then(|r| r.internet.traffic_per_gb.as_ref())
                        .is_some_and(|f| f.confirmed());
                    if confirmed {
                        t.confirmed -= saving;
                    }
                }
            }
        }
    }
}

/// Calendar months (UTC) that `[start, end)` touches on or after the rule's `since` date:
/// each brings a whole month's allowance.
pub fn cdt_months(
    rule: &crate::cost::prices::CdtRule,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> u32 {
    use chrono::Datelike;
    let since = crate::time::parse_utc(&format!("{}T00:00:00Z", rule.since))
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    let from = start.max(since);
    if end <= from {
        return 0;
    }
    let last = end - Duration::seconds(1);
    let index = |t: DateTime<Utc>| t.year() * 12 + t.month0() as i32;
    u32::try_from(index(last) - index(from) + 1).unwrap_or(0)
}

/// A trial's traffic level: log-normal with mean 1 and `sigma` of its log.
fn traffic_level(sigma: f64, rng: &mut ChaCha8Rng) -> f64 {
    use rand::Rng;
    let z: f64 = rng.sample(std_normal());
    (sigma * z - sigma * sigma / 2.0).exp()
}

fn std_normal() -> statrs::distribution::Normal {
    statrs::distribution::Normal::new(0.0, 1.0).expect("standard normal")
}

fn trace_of<'a>(
    synthetic: &'a [Option<Vec<PricePoint>>],
    plan: &'a Plan,
    pool: u32,
) -> &'a [PricePoint] {
    match (
        plan.costing.markets.get(pool as usize),
        synthetic.get(pool as usize),
    ) {
        (_, Some(Some(t))) => t,
        (Some(Market::Trace(t)), _) => t,
        _ => &[],
    }
}

/// An internet group over the trials.
#[derive(Debug, Clone, PartialEq)]
pub struct InternetRow {
    pub group: InternetGroup,
    /// Means per trial.
    pub instances: f64,
    pub gb_out: f64,
    pub pay_by_traffic: f64,
    pub pay_by_bandwidth: f64,
    /// Share of trials in which PayByTraffic cost less than PayByBandwidth.
    pub traffic_cheaper_share: f64,
}

impl InternetRow {
    /// The method with the lower mean cost (the chosen one on a tie).
    pub fn cheaper(&self) -> InternetChargeType {
        cost::internet::cheaper(self.group.chosen, |m| self.cost_of(m))
    }

    pub fn cost_of(&self, m: InternetChargeType) -> f64 {
        match m {
            InternetChargeType::PayByTraffic => self.pay_by_traffic,
            InternetChargeType::PayByBandwidth => self.pay_by_bandwidth,
        }
    }

    /// Mean saving of switching to the cheaper method (0 when the chosen one is cheaper).
    pub fn saving(&self) -> f64 {
        self.cost_of(self.group.chosen) - self.cost_of(self.cheaper())
    }
}

/// A spot group over the trials (means per trial).
#[derive(Debug, Clone, PartialEq)]
pub struct SpotRow {
    pub group: SpotGroup,
    pub instances: f64,
    pub interruptions: f64,
    /// Share of trials with at least one interruption.
    pub interrupted_share: f64,
    /// How many trials had one (`interrupted_share × trials`), for its interval.
    pub interrupted_trials: u32,
    /// Each interrupted trial's first interruption (seconds after the start), ascending: the
    /// share interrupted by any time and the distribution of interruption times.
    pub first_interruptions: Vec<i64>,
    pub lost_instance_hours: f64,
    pub spot_cost: f64,
    pub payg_cost: f64,
    /// The market trace over the scenario (the trace, or trial 0's synthetic one).
    pub trace: Vec<PricePoint>,
    /// Trial 0's interruptions: (seconds after the start, instances).
    pub sample_interruptions: Vec<(i64, u32)>,
}

/// One currency's totals over the trials.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrencyCosts {
    pub currency: Currency,
    pub summary: TotalsSummary,
    /// Trials' totals in trial order (for the distribution chart).
    pub per_trial: Vec<f64>,
    /// Instances interrupted, mean per trial.
    pub interruptions: Summary,
    /// The prices behind these costs: date, sources, confirmed share (docs/prices.md).
    pub prices: crate::cost::prices::Statement,
}

/// A scenario's costs over its trials.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CostReport {
    pub currencies: Vec<CurrencyCosts>,
    pub internet: Vec<InternetRow>,
    pub spot: Vec<SpotRow>,
    pub warnings: Vec<String>,
}

/// Merges trials' costs, in trial order.
#[derive(Debug, Default)]
pub struct Merger {
    totals: [Vec<Totals>; 2],
    used: [bool; 2],
    groups: Vec<GroupSums>,
    traffic_cheaper: Vec<u32>,
    spot: Vec<SpotSums>,
    spot_trials: Vec<u32>,
    first: Vec<Vec<i64>>,
    sample: Vec<(u32, i64, u32)>,
    trials: u32,
}

impl Merger {
    pub fn add(&mut self, t: u32, c: &TrialCosts) {
        for (i, tot) in c.totals.iter().enumerate() {
            self.used[i] |= tot.instance_hours > 0.0 || tot.total != 0.0;
            self.totals[i].push(*tot);
        }
        if self.groups.len() < c.groups.len() {
            self.groups.resize(c.groups.len(), GroupSums::default());
            self.traffic_cheaper.resize(c.groups.len(), 0);
        }
        for (i, g) in c.groups.iter().enumerate() {
            let m = &mut self.groups[i];
            m.instances += g.instances;
            m.gb_out += g.gb_out;
            m.pay_by_traffic += g.pay_by_traffic;
            m.pay_by_bandwidth += g.pay_by_bandwidth;
            self.traffic_cheaper[i] += u32::from(g.pay_by_traffic < g.pay_by_bandwidth);
        }
        if self.spot.len() < c.spot.len() {
            self.spot.resize(c.spot.len(), SpotSums::default());
            self.spot_trials.resize(c.spot.len(), 0);
            self.first.resize(c.spot.len(), Vec::new());
        }
        for (i, _) in c.spot.iter().enumerate() {
            if let Some(at) = c
                .interruptions
                .iter()
                .filter(|(g, _, _)| *g == i as u32)
                .map(|&(_, at, _)| at)
                .min()
            {
                self.first[i].push(at);
            }
        }
        for (i, g) in c.spot.iter().enumerate() {
            let m = &mut self.spot[i];
            m.instances += g.instances;
            m.interruptions += g.interruptions;
            m.lost_instance_hours += g.lost_instance_hours;
            m.spot_cost += g.spot_cost;
            m.payg_cost += g.payg_cost;
            self.spot_trials[i] += u32::from(g.interruptions > 0);
        }
        if t == 0 {
            self.sample = c.interruptions.clone();
        }
        self.trials += 1;
    }

    /// Per spot group, the trials so far with an interruption (for `--precision`).
    pub fn interrupted_trials(&self) -> Vec<u32> {
        self.spot_trials.clone()
    }

    pub fn finish(self, plan: &Plan) -> CostReport {
        let c = &plan.costing;
        let n = f64::from(self.trials.max(1));
        let mut currencies = Vec::new();
        for (i, currency) in [Currency::CNY, Currency::USD].into_iter().enumerate() {
            if !self.used[i] {
                continue;
            }
            let trials = &self.totals[i];
            currencies.push(CurrencyCosts {
                prices: crate::cost::prices::Statement::of(
                    &plan.scenario.costs.prices,
                    currency,
                    c.priced
                        .iter()
                        .filter(|p| p.rates.currency == currency)
                        .map(|p| {
                            (
                                p.region.as_str(),
                                p.instance_type.as_str(),
                                std::iter::once(&p.system_disk)
                                    .chain(&p.data_disks)
                                    .map(|d| (d.category, d.performance_level))
                                    .collect::<Vec<_>>(),
                            )
                        }),
                    trials.iter().map(|t| t.confirmed).sum(),
                    trials.iter().map(|t| t.total).sum(),
                ),
                currency,
                summary: cost::summarise(trials),
                per_trial: trials.iter().map(|t| t.total).collect(),
                interruptions: cost::summary(
                    &mut trials
                        .iter()
                        .map(|t| t.interruptions as f64)
                        .collect::<Vec<_>>(),
                ),
            });
        }
        let internet = c
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let s = self.groups.get(i).copied().unwrap_or_default();
                InternetRow {
                    group: g.clone(),
                    instances: s.instances as f64 / n,
                    gb_out: s.gb_out / n,
                    pay_by_traffic: s.pay_by_traffic / n,
                    pay_by_bandwidth: s.pay_by_bandwidth / n,
                    traffic_cheaper_share: f64::from(
                        self.traffic_cheaper.get(i).copied().unwrap_or(0),
                    ) / n,
                }
            })
            .filter(|r: &InternetRow| r.instances > 0.0)
            .collect();
        let horizon = plan.scenario.horizon.num_seconds();
        let start = plan.scenario.start;
        let spot = c
            .spot_groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let s = self.spot.get(i).copied().unwrap_or_default();
                let trace = match &c.markets[g.pool as usize] {
                    Market::Trace(t) => t.clone(),
                    Market::Synthetic { .. } => Meter::new(plan, 0).synthetic[g.pool as usize]
                        .clone()
                        .unwrap_or_default(),
                    Market::Unused => Vec::new(),
                };
                let end = crate::limits::offset_time(start, horizon);
                let trace = window(&trace, start, end);
                SpotRow {
                    group: g.clone(),
                    instances: s.instances as f64 / n,
                    interruptions: s.interruptions as f64 / n,
                    interrupted_share: f64::from(self.spot_trials.get(i).copied().unwrap_or(0)) / n,
                    interrupted_trials: self.spot_trials.get(i).copied().unwrap_or(0),
                    first_interruptions: {
                        let mut v = self.first.get(i).cloned().unwrap_or_default();
                        v.sort_unstable();
                        v
                    },
                    lost_instance_hours: s.lost_instance_hours / n,
                    spot_cost: s.spot_cost / n,
                    payg_cost: s.payg_cost / n,
                    trace,
                    sample_interruptions: self
                        .sample
                        .iter()
                        .filter(|(sg, _, _)| *sg == i as u32)
                        .map(|&(_, at, k)| (at, k))
                        .collect(),
                }
            })
            .filter(|r: &SpotRow| r.instances > 0.0)
            .collect();
        CostReport {
            currencies,
            internet,
            spot,
            warnings: c.warnings.clone(),
        }
    }
}

/// The trace's steps in force during `[start, end]`: the price in force at `start` (as a
/// point at `start`), then every point before `end`.
fn window(trace: &[PricePoint], start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<PricePoint> {
    let Some(first) = spot::price_at(trace, start) else {
        return Vec::new();
    };
    let mut out = vec![PricePoint {
        at: start,
        price: first,
    }];
    out.extend(trace.iter().filter(|p| p.at > start && p.at < end).copied());
    out
}
