//! Preparing a scenario once, before any trial: every request parsed and admitted (the static
//! tiers do not change between trials), every resource interned to a dense index, events
//! ordered by time (stably, so equal times keep file order), sample times fixed.

use std::collections::HashMap;

use rayon::prelude::*;
use statrs::distribution::Poisson;

use crate::catalog::ErrorKey;
use crate::cost::subscription::Term;
use crate::request::typed::InternetChargeType;
use crate::request::RawRequest;
use crate::scenario::{Dist, EventKind, Expect, PoolModel, Release, Scenario};
use crate::validate::capacity::initial_stock;
use crate::validate::capacity::Demand;
use crate::validate::claims::world_limit;
use crate::validate::{admit, Admitted, Violation};

/// "No index" for optional dense indices.
pub const NONE: u32 = u32::MAX;

/// A region's quota: limits and what was in use before the scenario.
#[derive(Debug, Clone)]
pub struct RegionRes {
    pub id: String,
    pub max_instances: Option<u32>,
    pub max_vcpus: Option<u32>,
    pub used_instances: u32,
    pub used_vcpus: u32,
    /// Public bandwidth (limit, used) for PayByTraffic and PayByBandwidth, Mbit/s.
    pub bandwidth: [(u32, u32); 2],
}

/// A security group or a VPC: limit and the instances it held before the scenario.
#[derive(Debug, Clone)]
pub struct SlotRes {
    pub id: String,
    pub limit: u32,
    pub used: u32,
}

/// A counted limit (vSwitch addresses, a group's capacity, a type quota...): its name as
/// timeline.csv gives it, its limit, and what was in use before the scenario.
#[derive(Debug, Clone)]
pub struct LimitRes {
    pub name: String,
    pub kind: crate::validate::claims::LimitKind,
    pub limit: u64,
    pub used: u64,
}

/// A stock pool: one instance type in one zone.
#[derive(Debug, Clone)]
pub struct PoolRes {
    pub zone: String,
    pub instance_type: String,
    /// Instances deliverable at the start; None is unlimited.
    pub initial: Option<u32>,
    pub replenish: Option<Sampler>,
    pub competing: Option<Sampler>,
    /// Off-sale windows, seconds after the start, `[from, to)`.
    pub off_sale: Vec<(i64, i64)>,
    /// A world outage (ServiceHealth) in the pool's zone.
    pub world_fault: Option<ErrorKey>,
}

/// A distribution ready to draw from.
#[derive(Debug, Clone)]
pub enum Sampler {
    Constant(u32),
    Poisson(Poisson),
    Uniform(u32, u32),
}

impl Sampler {
    fn new(d: Dist) -> Sampler {
        match d {
            Dist::Constant(n) => Sampler::Constant(n),
            Dist::Poisson(l) => {
                Sampler::Poisson(Poisson::new(l).expect("the loader checked the mean"))
            }
            Dist::Uniform(a, b) => Sampler::Uniform(a, b),
        }
    }

    pub fn draw(&self, rng: &mut rand_chacha::ChaCha8Rng) -> u32 {
        use rand::distributions::Distribution;
        use rand::Rng;
        match self {
            Sampler::Constant(n) => *n,
            Sampler::Poisson(p) => p.sample(rng) as u32,
            Sampler::Uniform(a, b) => rng.gen_range(*a..=*b),
        }
    }
}

/// A resource whose use `timeline.csv` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gauge {
    RegionInstances(u32),
    RegionVcpus(u32),
    Bandwidth(u32, InternetChargeType),
    /// A counted limit ([`Plan::limits`]).
    Limit(u32),
    Vpc(u32),
    /// Instances the pool can still deliver.
    Stock(u32),
}

/// A short list kept inline when it holds one item (a request's zones: one unless the
/// system chooses), so a trial reads a request's zones without a pointer of its own.
#[derive(Debug, Clone, Default)]
pub enum Few<T> {
    #[default]
    Empty,
    One(T),
    Many(Box<[T]>),
}

impl<T> std::ops::Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Few::Empty => &[],
            Few::One(x) => std::slice::from_ref(x),
            Few::Many(xs) => xs,
        }
    }
}

impl<T> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Few<T> {
        let mut v: Vec<T> = iter.into_iter().collect();
        match v.len() {
            0 => Few::Empty,
            1 => Few::One(v.pop().expect("one")),
            _ => Few::Many(v.into_boxed_slice()),
        }
    }
}

/// One request of the timeline, prepared: what an attempt reads, beside the demand.
#[derive(Debug, Clone)]
pub struct ReqStep {
    /// The request's number in file order (0-based).
    pub seq: u32,
    pub label: u32,
    /// Index into [`Plan::admitted`], or into [`Plan::refusals`] for the static violation
    /// answered in every trial.
    pub admission: Result<u32, u32>,
    /// Amount (1 for a refused request, as the rate limits count it).
    pub amount: u32,
    pub dry_run: bool,
    pub token: u32,
    pub fingerprint: u64,
    pub region: u32,
    /// The demand's claims, resolved per zone of `pools`: `claims.1` entries from
    /// `claims.0` in [`Plan::claims`] for the first zone, the next `claims.1` for the second...
    pub claims: (u32, u32),
    pub vpc: u32,
    /// The pool of each zone the request may land in: the fixed zone, else the candidates
    /// (in the demand's order).
    pub pools: Few<u32>,
    /// Addresses of the admitted demand's zone strings, beside `pools`: the capacity rules
    /// pass those very strings back, so a pool is found without comparing text.
    pub zone_addrs: Few<usize>,
    pub vcpus: u32,
    pub bandwidth: u32,
    pub traffic: bool,
    /// Pay-as-you-go (InstanceChargeType=PostPaid): counts against the quota.
    pub postpaid: bool,
    /// AutoReleaseTime, seconds after the start.
    pub release_at: Option<i64>,
    /// Index into the costing's traffic samplers.
    pub traffic_model: u32,
    /// Billing shape in the costing ([`NONE`]: unpriced or refused).
    pub shape: u32,
    /// Pay-as-you-go bucket in the costing ([`NONE`]: spot, unpriced or refused).
    pub bucket: u32,
    /// Internet group for `internet.csv` ([`NONE`]: no public bandwidth or unpriced).
    pub cost_group: u32,
    /// Spot group per pool, beside `pools` (empty unless a spot request).
    pub spot_groups: Few<u32>,
}

/// What a release event gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelStep {
    Label(u32),
    Count { count: u32, label: u32 },
    All,
}

#[derive(Debug, Clone)]
// A request's step is kept inline, not boxed: trials read the steps in order, and an inline
// step is the next bytes of the array rather than a pointer to chase on every attempt.
#[allow(clippy::large_enum_variant)]
pub enum StepKind {
    Request(ReqStep),
    Release(RelStep),
}

/// One timeline event, at seconds after the start.
#[derive(Debug, Clone)]
pub struct Step {
    pub at: i64,
    pub kind: StepKind,
}

/// Facts about a request for reports: as written, in file order.
#[derive(Debug, Clone)]
pub struct RequestInfo {
    pub source: String,
    pub at: i64,
    pub label: Option<String>,
    pub region: String,
    pub instance_type: String,
    pub amount: String,
    pub expect: Option<Expect>,
    /// The warnings `check` prints for the request (unknown parameters, repeated values).
    pub warnings: Vec<String>,
}

/// What the trials and the costing read of an admitted request: its demand and the
/// subscription term it is billed on. The typed request itself is not kept: it was two thirds
/// of a plan's memory, and a trial never reads it (docs/benchmarks.md).
#[derive(Debug, Clone)]
pub struct AdmittedDemand {
    pub demand: Demand,
    /// PrePaid: the Period it is bought for (None: pay-as-you-go or spot).
    pub term: Option<Term>,
}

/// What [`prepare`] reads of an admitted typed request before it is dropped.
struct FromRequest {
    dry_run: bool,
    client_token: Option<String>,
    /// AutoReleaseTime, unless the subscription keeps the instance (docs/billing.md).
    release_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A scenario prepared for its trials.
#[derive(Debug)]
pub struct Plan<'s> {
    pub scenario: &'s Scenario,
    /// The scenario's identity in random stream derivation.
    pub key: u64,
    /// Trials and seed (the scenario's, or the command line's overrides).
    pub trials: u32,
    pub seed: u64,
    pub regions: Vec<RegionRes>,
    /// Counted limits, interned by name.
    pub limits: Vec<LimitRes>,
    /// (limit index or [`NONE`], units per instance) of every request's claims per zone.
    pub claims: Vec<(u32, u32)>,
    /// VPCs with an instance limit.
    pub vpcs: Vec<SlotRes>,
    pub pools: Vec<PoolRes>,
    pub labels: Vec<String>,
    pub tokens: usize,
    pub admitted: Vec<AdmittedDemand>,
    /// The static violations of requests refused at admission ([`ReqStep::admission`]).
    pub refusals: Vec<Violation>,
    /// Events in time order (stable).
    pub steps: Vec<Step>,
    /// Shared with the run's report ([`super::ScenarioReport::requests`]), not copied.
    pub requests: std::sync::Arc<Vec<RequestInfo>>,
    /// Sample times, seconds after the start.
    pub samples: Vec<i64>,
    pub gauges: Vec<Gauge>,
    /// Whether any pool's zone has a world outage (else fault draws skip the lookup).
    pub world_faults: bool,
    /// Prices and report groups for the costs.
    pub costing: super::costing::Costing,
    /// Whether trials price their batches (on unless the run turns costs off).
    pub with_costs: bool,
    /// The account's rate limits, full, as every trial starts with them (None: none set).
    pub throttle: Option<crate::throttle::Throttle>,
}

#[derive(Default)]
struct Interner {
    map: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn get(&mut self, s: &str) -> (u32, bool) {
        if let Some(&i) = self.map.get(s) {
            return (i, false);
        }
        let i = self.names.len() as u32;
        self.map.insert(s.to_string(), i);
        self.names.push(s.to_string());
        (i, true)
    }
}

/// Prepares `scenario`: admits each distinct request once (in parallel; results in order).
pub fn prepare(scenario: &Scenario) -> Plan<'_> {
    let world = &scenario.world;
    let secs = |t: chrono::DateTime<chrono::Utc>| (t - scenario.start).num_seconds();

    // Distinct (parameters, time) pairs are admitted once. They are keyed by a hash of the
    // parameters and compared in full, so no copy of every request's text is made.
    let mut distinct: HashMap<(u64, i64), Vec<u32>> = HashMap::new();
    let mut to_admit: Vec<(&RawRequest, chrono::DateTime<chrono::Utc>)> = Vec::new();
    let mut admit_idx: Vec<u32> = Vec::new();
    for e in &scenario.events {
        if let EventKind::Request { raw, .. } = &e.kind {
            let same = distinct.entry((params_hash(raw), secs(e.at))).or_default();
            let i = match same
                .iter()
                .find(|&&i| to_admit[i as usize].0.params == raw.params)
            {
                Some(&i) => i,
                None => {
                    to_admit.push((raw, e.at));
                    same.push(to_admit.len() as u32 - 1);
                    to_admit.len() as u32 - 1
                }
            };
            admit_idx.push(i);
        }
    }
    drop(distinct);
    // Admitted in parallel, a chunk at a time, so that only a chunk's typed requests are
    // alive at once. Equal demands are kept once: a long timeline mostly repeats a few
    // shapes at different times, and the trials then read a few demands that stay in cache.
    let mut admitted: Vec<AdmittedDemand> = Vec::new();
    let mut same_demand: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut from_request: Vec<FromRequest> = Vec::new();
    let mut refusals = Vec::new();
    let mut warnings: Vec<Vec<String>> = Vec::with_capacity(to_admit.len());
    // Per distinct request: Ok((its demand in `admitted`, its entry in `from_request`)), or
    // Err(its refusal).
    let mut admissions: Vec<Result<(u32, u32), u32>> = Vec::with_capacity(to_admit.len());
    for chunk in to_admit.chunks(ADMIT_CHUNK) {
        let results: Vec<(Result<Admitted, Violation>, Vec<String>)> = chunk
            .par_iter()
            .map(|(raw, at)| {
                let (r, w) = admit(raw, world, *at);
                (r, w.into_iter().map(|w| w.0).collect())
            })
            .collect();
        for (r, w) in results {
            warnings.push(w);
            admissions.push(match r {
                Ok(Admitted { request, demand }) => {
                    let term = Term::of_request(&request);
                    from_request.push(FromRequest {
                        dry_run: request.dry_run,
                        // AutoReleaseTime does not release subscription instances.
                        release_at: request.auto_release_time.filter(|_| term.is_none()),
                        client_token: request.client_token,
                    });
                    let same = same_demand.entry(demand_hash(&demand, term)).or_default();
                    let found = same.iter().copied().find(|&i| {
                        let a = &admitted[i as usize];
                        a.term == term && a.demand == demand
                    });
                    let id = found.unwrap_or_else(|| {
                        admitted.push(AdmittedDemand { demand, term });
                        same.push(admitted.len() as u32 - 1);
                        admitted.len() as u32 - 1
                    });
                    Ok((id, from_request.len() as u32 - 1))
                }
                Err(v) => {
                    refusals.push(v);
                    Err(refusals.len() as u32 - 1)
                }
            });
        }
    }
    drop(same_demand);

    let mut regions = Interner::default();
    let mut limit_names = Interner::default();
    let mut limit_res: Vec<LimitRes> = Vec::new();
    let mut claim_arena: Vec<(u32, u32)> = Vec::new();
    let mut vpcs = Interner::default();
    let mut pools = Interner::default();
    let mut labels = Interner::default();
    let mut tokens = Interner::default();
    let mut region_res = Vec::new();
    let mut vpc_res: Vec<SlotRes> = Vec::new();
    let mut pool_res: Vec<PoolRes> = Vec::new();
    let mut bandwidth_used = [Vec::<bool>::new(), Vec::<bool>::new()];

    // What the steps of one demand resolve to (its region, VPC, pools and claims), worked
    // out for the first of them: its interning is then in timeline order as before.
    let mut resolved: Vec<Option<Resolved>> = vec![None; admitted.len()];
    let mut steps = Vec::with_capacity(scenario.events.len());
    let mut requests = Vec::with_capacity(admit_idx.len());
    for e in &scenario.events {
        let at = secs(e.at);
        let label = e.label.as_deref().map_or(NONE, |l| labels.get(l).0);
        match &e.kind {
            EventKind::Release(r) => {
                let rel = match r {
                    Release::All => RelStep::All,
                    Release::Label(l) => RelStep::Label(labels.get(l).0),
                    Release::Count { count, label } => RelStep::Count {
                        count: *count,
                        label: label.as_deref().map_or(NONE, |l| labels.get(l).0),
                    },
                };
                steps.push(Step {
                    at,
                    kind: StepKind::Release(rel),
                });
            }
            EventKind::Request { raw, expect } => {
                let seq = requests.len() as u32;
                requests.push(RequestInfo {
                    source: raw.source.clone(),
                    at,
                    label: e.label.clone(),
                    region: raw.get("RegionId").unwrap_or("").to_string(),
                    instance_type: raw.get("InstanceType").unwrap_or("").to_string(),
                    amount: raw.get("Amount").unwrap_or("1").to_string(),
                    expect: expect.clone(),
                    warnings: warnings[admit_idx[seq as usize] as usize].clone(),
                });
                let admitted_as = admissions[admit_idx[seq as usize] as usize];
                let admission = admitted_as.map(|(demand, _)| demand);
                let mut step = ReqStep {
                    seq,
                    label,
                    admission,
                    amount: 1,
                    dry_run: false,
                    token: NONE,
                    fingerprint: raw.fingerprint(),
                    region: NONE,
                    claims: (0, 0),
                    vpc: NONE,
                    pools: Few::Empty,
                    zone_addrs: Few::Empty,
                    vcpus: 0,
                    postpaid: true,
                    bandwidth: 0,
                    traffic: true,
                    release_at: None,
                    traffic_model: 0,
                    shape: NONE,
                    bucket: NONE,
                    cost_group: NONE,
                    spot_groups: Few::Empty,
                };
                if let Ok((ai, fi)) = admitted_as {
                    let (d, from) = (&admitted[ai as usize].demand, &from_request[fi as usize]);
                    step.amount = d.amount;
                    step.dry_run = from.dry_run;
                    if let Some(t) = &from.client_token {
                        step.token = tokens.get(t).0;
                    }
                    let known = match &resolved[ai as usize] {
                        Some(known) => known.clone(),
                        None => {
                            let (region, new) = regions.get(&d.region);
                            if new {
                                let q = world.region_quota(&d.region);
                                region_res.push(RegionRes {
                                    id: d.region.clone(),
                                    max_instances: q.and_then(|q| q.max_postpaid_instance_count),
                                    max_vcpus: q.and_then(|q| q.max_postpaid_instance_vcpu_count),
                                    used_instances: q.map_or(0, |q| q.used_postpaid_instance_count),
                                    used_vcpus: q
                                        .map_or(0, |q| q.used_postpaid_instance_vcpu_count),
                                    bandwidth: q.map_or([(u32::MAX, 0); 2], |q| {
                                        [
                                            (
                                                q.pay_by_traffic_bandwidth_limit,
                                                q.used_pay_by_traffic_bandwidth,
                                            ),
                                            (
                                                q.pay_by_bandwidth_bandwidth_limit,
                                                q.used_pay_by_bandwidth_bandwidth,
                                            ),
                                        ]
                                    }),
                                });
                                bandwidth_used[0].push(false);
                                bandwidth_used[1].push(false);
                            }
                            let mut vpc = NONE;
                            if let Some(q) = d.vpc.as_deref().and_then(|v| world.vpc_quota(v)) {
                                let (v, new) = vpcs.get(&q.vpc_id);
                                if new {
                                    vpc_res.push(SlotRes {
                                        id: q.vpc_id.clone(),
                                        limit: q.instance_limit,
                                        used: q.instance_count,
                                    });
                                }
                                vpc = v;
                            }
                            let zones: Vec<&str> = match &d.zone {
                                Some(z) => vec![z.as_str()],
                                None if d.candidate_zones.is_empty() => vec![""],
                                None => d.candidate_zones.iter().map(String::as_str).collect(),
                            };
                            let pools_of: Few<u32> = zones
                                .iter()
                                .map(|z| {
                                    let (p, new) =
                                        pools.get(&format!("{z}\u{1}{}", d.instance_type));
                                    if new {
                                        pool_res.push(pool(
                                            scenario,
                                            z,
                                            &d.instance_type,
                                            &d.region,
                                        ));
                                    }
                                    p
                                })
                                .collect();
                            let zone_addrs = zones.iter().map(|z| z.as_ptr() as usize).collect();
                            let claims = (claim_arena.len() as u32, d.claims.len() as u32);
                            for z in &zones {
                                for c in &d.claims {
                                    let Some((used, limit)) = world_limit(world, c, z) else {
                                        claim_arena.push((NONE, c.per_instance));
                                        continue;
                                    };
                                    let name = c.name(z);
                                    let (i, new) = limit_names.get(&name);
                                    if new {
                                        limit_res.push(LimitRes {
                                            name,
                                            kind: c.kind,
                                            limit,
                                            used,
                                        });
                                    }
                                    claim_arena.push((i, c.per_instance));
                                }
                            }
                            let known = Resolved {
                                region,
                                vpc,
                                pools: pools_of,
                                zone_addrs,
                                claims,
                            };
                            resolved[ai as usize] = Some(known.clone());
                            known
                        }
                    };
                    step.region = known.region;
                    step.vpc = known.vpc;
                    step.pools = known.pools;
                    step.zone_addrs = known.zone_addrs;
                    step.claims = known.claims;
                    step.vcpus = d.vcpus;
                    step.postpaid = d.postpaid;
                    step.bandwidth = d.bandwidth_out;
                    step.traffic = d.charge == InternetChargeType::PayByTraffic;
                    if d.bandwidth_out > 0 {
                        bandwidth_used[usize::from(!step.traffic)][step.region as usize] = true;
                    }
                    step.release_at = from.release_at.map(secs);
                }
                steps.push(Step {
                    at,
                    kind: StepKind::Request(step),
                });
            }
        }
    }
    // A timeline is mostly written in time order: the stable sort's scratch (half the steps)
    // is only paid for one that is not.
    if !steps.is_sorted_by_key(|s| s.at) {
        steps.sort_by_key(|s| s.at);
    }

    let horizon = scenario.horizon.num_seconds();
    let every = scenario.sample_every.num_seconds().max(1);
    let samples: Vec<i64> = (0..=horizon / every).map(|k| k * every).collect();

    let mut gauges = Vec::new();
    for (r, _) in region_res.iter().enumerate() {
        let r = r as u32;
        gauges.push(Gauge::RegionInstances(r));
        gauges.push(Gauge::RegionVcpus(r));
        for (i, charge) in [
            InternetChargeType::PayByTraffic,
            InternetChargeType::PayByBandwidth,
        ]
        .into_iter()
        .enumerate()
        {
            if bandwidth_used[i][r as usize] {
                gauges.push(Gauge::Bandwidth(r, charge));
            }
        }
    }
    // Groups first and the VPCs after them, as before the other limits were counted.
    let is_group = |l: &LimitRes| {
        use crate::validate::claims::LimitKind as K;
        matches!(l.kind, K::GroupInstances | K::GroupIps | K::GroupEnis)
    };
    let limit_gauges = |group: bool| {
        limit_res
            .iter()
            .enumerate()
            .filter(move |(_, l)| is_group(l) == group)
            .map(|(i, _)| Gauge::Limit(i as u32))
    };
    gauges.extend(limit_gauges(true));
    gauges.extend((0..vpc_res.len() as u32).map(Gauge::Vpc));
    gauges.extend(limit_gauges(false));
    gauges.extend(
        pool_res
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.zone.is_empty() && p.initial.is_some())
            .map(|(i, _)| Gauge::Stock(i as u32)),
    );

    let world_faults = pool_res.iter().any(|p| p.world_fault.is_some());
    let mut plan = Plan {
        world_faults,
        scenario,
        key: super::rng::name_key(&scenario.stream_name),
        trials: scenario.trials,
        seed: scenario.seed,
        regions: region_res,
        limits: limit_res,
        claims: claim_arena,
        vpcs: vpc_res,
        pools: pool_res,
        labels: labels.names,
        tokens: tokens.names.len(),
        admitted,
        refusals,
        steps,
        requests: std::sync::Arc::new(requests),
        samples,
        gauges,
        costing: super::costing::Costing::default(),
        with_costs: true,
        throttle: crate::throttle::Throttle::of(world),
    };
    super::costing::prepare(&mut plan);
    plan
}

/// What a demand's steps share in the plan ([`ReqStep`]'s fields of the same names).
#[derive(Clone)]
struct Resolved {
    region: u32,
    vpc: u32,
    pools: Few<u32>,
    zone_addrs: Few<usize>,
    claims: (u32, u32),
}

/// Distinct requests admitted in parallel at a time ([`prepare`]).
const ADMIT_CHUNK: usize = 2048;

/// A hash of what most tells demands apart, for finding equal ones (compared in full).
fn demand_hash(d: &Demand, term: Option<Term>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &d.region,
        &d.zone,
        &d.instance_type,
        &d.security_group,
        &d.vpc,
    )
        .hash(&mut h);
    (
        d.amount,
        d.min_amount,
        d.bandwidth_out,
        d.claims.len(),
        term,
    )
        .hash(&mut h);
    h.finish()
}

/// A hash of a request's parameters in order (names and values), for finding equal requests.
fn params_hash(raw: &RawRequest) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in &raw.params {
        p.name.hash(&mut h);
        p.value.hash(&mut h);
    }
    h.finish()
}

fn pool(s: &Scenario, zone: &str, instance_type: &str, region: &str) -> PoolRes {
    let model: &PoolModel = s.stock.model(zone, instance_type);
    let secs = |t: chrono::DateTime<chrono::Utc>| (t - s.start).num_seconds();
    let initial = match model.initial {
        Some(n) if !zone.is_empty() => Some(n),
        _ => initial_stock(&s.world, zone, instance_type),
    };
    PoolRes {
        zone: zone.to_string(),
        instance_type: instance_type.to_string(),
        initial,
        replenish: model.replenish_per_hour.map(Sampler::new),
        competing: model.competing_demand_per_hour.map(Sampler::new),
        off_sale: s
            .stock
            .off_sale
            .iter()
            .filter(|o| {
                o.zone == zone
                    && o.instance_type.as_deref().unwrap_or(instance_type) == instance_type
            })
            .map(|o| (secs(o.from), secs(o.to)))
            .collect(),
        world_fault: s
            .world
            .fault(region, Some(zone))
            .and_then(|f| ErrorKey::from_name(&f.error)),
    }
}

impl Plan<'_> {
    /// The name and limit of a gauge, for reports.
    pub fn gauge_name(&self, g: Gauge) -> (String, Option<u32>) {
        match g {
            Gauge::RegionInstances(r) => {
                let q = &self.regions[r as usize];
                (format!("quota:{}:instances", q.id), q.max_instances)
            }
            Gauge::RegionVcpus(r) => {
                let q = &self.regions[r as usize];
                (format!("quota:{}:vcpus", q.id), q.max_vcpus)
            }
            Gauge::Bandwidth(r, c) => {
                let q = &self.regions[r as usize];
                let i = usize::from(c != InternetChargeType::PayByTraffic);
                (
                    format!("bandwidth:{}:{}", q.id, c.as_str()),
                    Some(q.bandwidth[i].0),
                )
            }
            Gauge::Limit(i) => {
                let l = &self.limits[i as usize];
                (
                    l.name.clone(),
                    Some(u32::try_from(l.limit).unwrap_or(u32::MAX)),
                )
            }
            Gauge::Vpc(i) => {
                let v = &self.vpcs[i as usize];
                (format!("vpc:{}", v.id), Some(v.limit))
            }
            Gauge::Stock(p) => {
                let p = &self.pools[p as usize];
                (format!("stock:{}:{}", p.zone, p.instance_type), None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &str = r#""RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd""#;

    fn plan_of(timeline: &str) -> (Scenario, usize) {
        let text = format!(r#"{{"horizon": "4h", "timeline": [{timeline}]}}"#);
        let s = crate::scenario::file::parse("unit.json", &text, std::path::Path::new("."))
            .expect("the scenario parses");
        let n = prepare(&s).admitted.len();
        (s, n)
    }

    #[test]
    fn equal_demands_are_kept_once_and_their_steps_share_claims() {
        // Same demand at three times (a ClientToken and an AutoReleaseTime do not change it).
        let (s, n) = plan_of(&format!(
            r#"{{"at": "+0m", "request": {{{REQ}, "Amount": 2}}}},
               {{"at": "+5m", "request": {{{REQ}, "Amount": 2, "ClientToken": "a"}}}},
               {{"at": "+9m", "request": {{{REQ}, "Amount": 2, "AutoReleaseTime": "2026-12-01T11:00:00Z"}}}},
               {{"at": "+10m", "request": {{{REQ}, "Amount": 3}}}}"#
        ));
        assert_eq!(n, 2, "Amount 2 three times, Amount 3 once");
        let plan = prepare(&s);
        let steps: Vec<&ReqStep> = plan
            .steps
            .iter()
            .filter_map(|st| match &st.kind {
                StepKind::Request(r) => Some(r),
                StepKind::Release(_) => None,
            })
            .collect();
        assert_eq!(steps[0].admission, steps[1].admission);
        assert_eq!(steps[0].claims, steps[2].claims);
        assert_ne!(steps[0].admission, steps[3].admission);
        // What differs per request stays per request.
        assert_ne!(steps[1].token, NONE);
        assert_eq!(steps[0].token, NONE);
        assert!(steps[2].release_at.is_some() && steps[0].release_at.is_none());
        assert_eq!(plan.requests.len(), 4);
    }
}
