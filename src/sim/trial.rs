//! One trial: a pure function of (plan, trial index). The state is a handful of counter
//! vectors indexed by the plan's dense ids; instances are held as batches, one per successful
//! request, so memory never grows with Amount.
//!
//! The capacity rules are not repeated here: [`TrialView`] implements
//! [`CapacityView`] over the trial's state and [`crate::validate::decide_in`] runs the registry.

use std::borrow::Cow;
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::costing::{Life, Meter, TrialCosts};
use super::plan::{Few, Gauge, Plan, PoolRes, RelStep, ReqStep, StepKind, NONE};
use super::rng;
use crate::catalog::params::ParamId;
use crate::catalog::ErrorKey;
use crate::request::typed::InternetChargeType;
use crate::scenario::retried;
use crate::throttle::Throttle;
use crate::validate::capacity::PoolUse;
use crate::validate::{decide_in, CapacityView, Violation};

/// The final answer to one request in one trial, packed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answer {
    /// 0: instances created (or a passing dry run, see `code_key`); else 1 + catalog index.
    pub code: u16,
    /// Attempts made (0: the request's time was never reached).
    pub attempts: u8,
    /// The answer repeats an earlier request's (same ClientToken, same parameters).
    pub replayed: bool,
    pub created: u32,
}

impl Answer {
    pub fn key(self) -> Option<ErrorKey> {
        code_key(self.code)
    }
}

/// The packed form of an answer's catalog row (None: created).
pub fn key_code(k: Option<ErrorKey>) -> u16 {
    k.map_or(0, |k| k as u16 + 1)
}

/// The catalog row of a packed code.
pub fn code_key(c: u16) -> Option<ErrorKey> {
    (c > 0).then(|| crate::catalog::errors::entries()[c as usize - 1].key)
}

/// What an attempt produced, as written to `requests.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Created,
    /// Fewer than Amount, at least MinAmount.
    Partial,
    DryRun,
    /// Same ClientToken and parameters as an earlier success: its answer, nothing created.
    Replayed,
    Failed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Created => "created",
            Kind::Partial => "partial",
            Kind::DryRun => "dry_run",
            Kind::Replayed => "replayed",
            Kind::Failed => "failed",
        }
    }
}

/// One attempt, kept for the sampled trials only.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub seq: u32,
    pub attempt: u8,
    pub at: i64,
    pub zone: String,
    pub kind: Kind,
    pub violation: Option<Violation>,
    pub created: u32,
}

/// What one trial returns.
#[derive(Debug, Clone)]
pub struct TrialResult {
    /// Per request, in file order.
    pub answers: Vec<Answer>,
    /// Gauge values, sample-major: `samples[s * gauges + g]`.
    pub samples: Vec<u32>,
    /// Every attempt, when the trial is sampled for `requests.csv`.
    pub log: Option<Vec<Attempt>>,
    /// What the trial's instances cost (None when the run turns costs off).
    pub costs: Option<TrialCosts>,
}

/// A scheduled automatic release: `(time, batch, interruption)`; an interruption (a spot
/// price limit) is priced differently from an AutoReleaseTime.
type Scheduled = Reverse<(i64, u32, bool)>;

#[derive(Debug, Clone)]
struct Batch {
    left: u32,
    region: u32,
    /// Where its claims start in [`Plan::claims`] (the zone it landed in), and how many.
    claims: (u32, u32),
    vpc: u32,
    pool: u32,
    /// Launched into a private pool: the stock pool is not drawn on.
    from_pool: bool,
    vcpus: u32,
    bandwidth: u32,
    traffic: bool,
    /// Pay-as-you-go: counts against the region's pay-as-you-go quota.
    postpaid: bool,
    life: Life,
}

struct Pool {
    /// Instances deliverable; None unlimited.
    level: Option<u32>,
    /// Whole hours of replenishment and competing demand applied.
    hours: i64,
    rng: Option<ChaCha8Rng>,
}

/// A trial's plan-sized vectors, kept by each thread from one trial to the next so that a
/// trial does not allocate its batches, label lists and event queues again. Every trial
/// clears them first: nothing carries over.
#[derive(Default)]
struct Scratch {
    batches: Vec<Batch>,
    by_label: Vec<(Vec<u32>, usize)>,
    tokens: Vec<Option<(u64, Answer)>>,
    releases: BinaryHeap<Scheduled>,
    retries: BinaryHeap<Retry>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// A client retry: (time, step, attempts made).
type Retry = Reverse<(i64, u32, u8)>;

impl Scratch {
    /// The thread's scratch, cleared and sized for `plan`.
    fn take(plan: &Plan) -> Scratch {
        let mut s = SCRATCH.with(|s| std::mem::take(&mut *s.borrow_mut()));
        s.batches.clear();
        // At most one batch per request attempt that creates: reserve for the first attempts
        // so the vector never moves.
        s.batches.reserve(plan.requests.len());
        s.by_label.truncate(plan.labels.len());
        for (list, cursor) in &mut s.by_label {
            list.clear();
            *cursor = 0;
        }
        s.by_label.resize_with(plan.labels.len(), Default::default);
        s.tokens.clear();
        s.tokens.resize(plan.tokens, None);
        s.releases.clear();
        s.retries.clear();
        s
    }

    /// Gives the vectors back to the thread for its next trial.
    fn put_back(self) {
        SCRATCH.with(|s| *s.borrow_mut() = self);
    }
}

/// Counters of one trial.
struct State {
    region_n: Vec<u32>,
    region_cpu: Vec<u32>,
    bandwidth: Vec<[u32; 2]>,
    /// Use of each counted limit ([`Plan::limits`]).
    limits: Vec<u64>,
    vpc: Vec<u32>,
    pools: Vec<Pool>,
    batches: Vec<Batch>,
    /// Batches per label, creation order, with a cursor past the spent ones.
    by_label: Vec<(Vec<u32>, usize)>,
    /// The first batch that may still hold instances.
    first_live: usize,
    /// Per ClientToken: (fingerprint, first answer) once a request with it succeeded.
    tokens: Vec<Option<(u64, Answer)>>,
    meter: Option<Meter>,
    /// The account's rate limits (None: it sets none).
    throttle: Option<Throttle>,
}

impl State {
    fn new(plan: &Plan, trial: u64, scratch: &mut Scratch) -> State {
        State {
            region_n: plan.regions.iter().map(|r| r.used_instances).collect(),
            region_cpu: plan.regions.iter().map(|r| r.used_vcpus).collect(),
            bandwidth: plan
                .regions
                .iter()
                .map(|r| [r.bandwidth[0].1, r.bandwidth[1].1])
                .collect(),
            limits: plan.limits.iter().map(|l| l.used).collect(),
            vpc: plan.vpcs.iter().map(|v| v.used).collect(),
            pools: plan
                .pools
                .iter()
                .enumerate()
                .map(|(i, p)| Pool {
                    level: p.initial,
                    hours: 0,
                    rng: (p.initial.is_some() && (p.replenish.is_some() || p.competing.is_some()))
                        .then(|| rng::stream(plan.seed, plan.key, trial, 1 + i as u64)),
                })
                .collect(),
            batches: std::mem::take(&mut scratch.batches),
            by_label: std::mem::take(&mut scratch.by_label),
            first_live: 0,
            tokens: std::mem::take(&mut scratch.tokens),
            meter: plan.with_costs.then(|| Meter::new(plan, trial)),
            throttle: plan.throttle.clone(),
        }
    }

    /// Applies the pool's hourly replenishment and competing demand up to `t`.
    fn advance_pool(&mut self, res: &PoolRes, p: usize, t: i64) {
        let pool = &mut self.pools[p];
        let (Some(level), Some(rng)) = (pool.level.as_mut(), pool.rng.as_mut()) else {
            return;
        };
        let target = t.div_euclid(3600);
        while pool.hours < target {
            pool.hours += 1;
            let add = res.replenish.as_ref().map_or(0, |d| d.draw(rng));
            let take = res.competing.as_ref().map_or(0, |d| d.draw(rng));
            *level = level.saturating_add(add).saturating_sub(take);
        }
    }

    fn gauge(&self, g: Gauge) -> u32 {
        match g {
            Gauge::RegionInstances(r) => self.region_n[r as usize],
            Gauge::RegionVcpus(r) => self.region_cpu[r as usize],
            Gauge::Bandwidth(r, c) => {
                self.bandwidth[r as usize][usize::from(c != InternetChargeType::PayByTraffic)]
            }
            Gauge::Limit(i) => u32::try_from(self.limits[i as usize]).unwrap_or(u32::MAX),
            Gauge::Vpc(i) => self.vpc[i as usize],
            Gauge::Stock(p) => self.pools[p as usize].level.unwrap_or(0),
        }
    }

    /// Gives back up to `n` instances of batch `b` at `now`, pricing them; returns how many.
    /// `interrupted`: a spot price limit takes them.
    fn release(&mut self, plan: &Plan, b: usize, n: u32, now: i64, interrupted: bool) -> u32 {
        let batch = &mut self.batches[b];
        let k = batch.left.min(n);
        if k == 0 {
            return 0;
        }
        batch.left -= k;
        let batch = batch.clone();
        self.occupy(plan, &batch, k, false);
        if let Some(m) = self.meter.as_mut() {
            m.charge(plan, &batch.life, k, now, interrupted);
        }
        k
    }

    /// Takes (`take`) or gives back `k` instances of `batch`'s shape: the region's
    /// pay-as-you-go counters (PostPaid only), public bandwidth, the security group, the VPC,
    /// and (in the opposite direction) the stock pool, unless it launched into a private pool.
    fn occupy(&mut self, plan: &Plan, batch: &Batch, k: u32, take: bool) {
        let step = |v: &mut u32, by: u32, up: bool| {
            *v = if up {
                v.saturating_add(by)
            } else {
                v.saturating_sub(by)
            }
        };
        let r = batch.region as usize;
        if batch.postpaid {
            step(&mut self.region_n[r], k, take);
            step(&mut self.region_cpu[r], k.saturating_mul(batch.vcpus), take);
        }
        let bw = &mut self.bandwidth[r][usize::from(!batch.traffic)];
        step(bw, k.saturating_mul(batch.bandwidth), take);
        let (from, n) = batch.claims;
        for &(i, per) in &plan.claims[from as usize..(from + n) as usize] {
            if i != NONE {
                let by = u64::from(k) * u64::from(per);
                let v = &mut self.limits[i as usize];
                *v = if take {
                    v.saturating_add(by)
                } else {
                    v.saturating_sub(by)
                };
            }
        }
        if batch.vpc != NONE {
            step(&mut self.vpc[batch.vpc as usize], k, take);
        }
        if let (false, Some(level)) = (
            batch.from_pool,
            self.pools[batch.pool as usize].level.as_mut(),
        ) {
            step(level, k, !take);
        }
    }

    fn release_step(&mut self, plan: &Plan, rel: RelStep, now: i64) {
        match rel {
            RelStep::All => {
                for b in self.first_live..self.batches.len() {
                    self.release(plan, b, u32::MAX, now, false);
                }
                self.first_live = self.batches.len();
            }
            RelStep::Label(l) => {
                let (list, cursor) = std::mem::take(&mut self.by_label[l as usize]);
                for &b in &list[cursor..] {
                    self.release(plan, b as usize, u32::MAX, now, false);
                }
                let spent = list.len();
                self.by_label[l as usize] = (list, spent);
            }
            RelStep::Count { count, label } => {
                let mut left = count;
                if label == NONE {
                    let mut b = self.first_live;
                    while left > 0 && b < self.batches.len() {
                        left -= self.release(plan, b, left, now, false);
                        b += 1;
                    }
                    while self.first_live < self.batches.len()
                        && self.batches[self.first_live].left == 0
                    {
                        self.first_live += 1;
                    }
                } else {
                    let (list, mut cursor) = std::mem::take(&mut self.by_label[label as usize]);
                    while left > 0 && cursor < list.len() {
                        left -= self.release(plan, list[cursor] as usize, left, now, false);
                        if self.batches[list[cursor] as usize].left == 0 {
                            cursor += 1;
                        }
                    }
                    self.by_label[label as usize] = (list, cursor);
                }
            }
        }
    }
}

/// The trial's state as the capacity rules see it, for one request at one time.
pub struct TrialView<'a, 'p> {
    plan: &'a Plan<'p>,
    state: &'a State,
    step: &'a ReqStep,
    at: i64,
    rng: RefCell<&'a mut ChaCha8Rng>,
}

impl TrialView<'_, '_> {
    /// The zone's position among the step's pools.
    fn zone_pos(&self, zone: &str) -> Option<usize> {
        let addr = zone.as_ptr() as usize;
        let step = self.step;
        // Most requests have one zone, fixed: answer it without walking.
        if let Few::One(a) = step.zone_addrs {
            if a == addr {
                return Some(0);
            }
        }
        step.zone_addrs.iter().position(|&a| a == addr).or_else(|| {
            step.pools
                .iter()
                .position(|&p| self.plan.pools[p as usize].zone == zone)
        })
    }

    fn pool_of(&self, zone: &str) -> Option<usize> {
        self.zone_pos(zone).map(|i| self.step.pools[i] as usize)
    }
}

impl CapacityView for TrialView<'_, '_> {
    fn postpaid_limits(&self, _region: &str) -> (Option<u32>, Option<u32>) {
        let r = &self.plan.regions[self.step.region as usize];
        (r.max_instances, r.max_vcpus)
    }
    fn postpaid_used(&self, _region: &str) -> (u32, u32) {
        let r = self.step.region as usize;
        (self.state.region_n[r], self.state.region_cpu[r])
    }
    fn claim(
        &self,
        _d: &crate::validate::capacity::Demand,
        i: usize,
        zone: &str,
    ) -> Option<(u64, u64, u32)> {
        let (from, n) = self.step.claims;
        let z = self.zone_pos(zone)?;
        let (l, per) = self.plan.claims[from as usize + z * n as usize + i];
        (l != NONE).then(|| {
            (
                self.state.limits[l as usize],
                self.plan.limits[l as usize].limit,
                per,
            )
        })
    }
    fn vpc(&self, _vpc: &str) -> Option<(u32, u32)> {
        let v = self.step.vpc;
        (v != NONE).then(|| (self.state.vpc[v as usize], self.plan.vpcs[v as usize].limit))
    }
    fn bandwidth(&self, _region: &str, charge: InternetChargeType) -> (u32, u32) {
        let r = self.step.region as usize;
        let i = usize::from(charge != InternetChargeType::PayByTraffic);
        (
            self.state.bandwidth[r][i],
            self.plan.regions[r].bandwidth[i].0,
        )
    }
    fn stock(&self, zone: &str, instance_type: &str) -> Option<u32> {
        let Some(p) = self.pool_of(zone) else {
            return crate::validate::capacity::initial_stock(
                &self.plan.scenario.world,
                zone,
                instance_type,
            );
        };
        let res = &self.plan.pools[p];
        if res
            .off_sale
            .iter()
            .any(|&(from, to)| from <= self.at && self.at < to)
        {
            return Some(0);
        }
        self.state.pools[p].level
    }
    fn spot_price(&self, zone: &str, instance_type: &str) -> Option<(f64, f64)> {
        let at = crate::limits::offset_time(self.plan.scenario.start, self.at);
        if let (Some(p), Some(m)) = (self.pool_of(zone), self.state.meter.as_ref()) {
            if let (Some(Some(trace)), super::costing::Market::Synthetic { origin }) =
                (m.synthetic.get(p), &self.plan.costing.markets[p])
            {
                return crate::cost::spot::price_at(trace, at).map(|price| (price, *origin));
            }
        }
        self.plan
            .scenario
            .world
            .spot_price_at(zone, instance_type, at)
            .map(|p| (p.spot_price, p.origin_price))
    }
    fn fault(&self, _region: &str, zone: &str) -> Option<ErrorKey> {
        if let Some(k) = self
            .plan
            .world_faults
            .then(|| self.pool_of(zone))
            .flatten()
            .and_then(|p| self.plan.pools[p].world_fault)
        {
            return Some(k);
        }
        let faults = &self.plan.scenario.faults;
        if faults.is_empty() {
            return None;
        }
        let u: f64 = self.rng.borrow_mut().gen();
        let mut acc = 0.0;
        for &(k, rate) in faults {
            acc += rate;
            if u < acc {
                return Some(k);
            }
        }
        None
    }
}

/// Runs trial `trial` of the plan. `keep_log` keeps every attempt for `requests.csv`.
pub fn run_trial(plan: &Plan, trial: u32, keep_log: bool) -> TrialResult {
    let s = plan.scenario;
    let mut scratch = Scratch::take(plan);
    let mut state = State::new(plan, u64::from(trial), &mut scratch);
    let mut rng = rng::stream(plan.seed, plan.key, u64::from(trial), 0);
    let mut answers = vec![Answer::default(); plan.requests.len()];
    let gauges = plan.gauges.len();
    let mut samples = Vec::with_capacity(plan.samples.len() * gauges);
    let mut log = keep_log.then(Vec::new);
    // (time, batch) of AutoReleaseTime; (time, step, attempt) of client retries.
    let mut releases = std::mem::take(&mut scratch.releases);
    let mut retries = std::mem::take(&mut scratch.retries);
    let mut next_step = 0usize;
    let mut next_sample = 0usize;
    let stock_gauges: Vec<usize> = plan
        .gauges
        .iter()
        .filter_map(|g| match g {
            Gauge::Stock(p) => Some(*p as usize),
            _ => None,
        })
        .collect();

    loop {
        if next_step >= plan.steps.len() && retries.is_empty() && next_sample >= plan.samples.len()
        {
            break;
        }
        // Order at equal times: automatic releases, then timeline events and retries (by
        // their place in the timeline), then the usage sample.
        let release_t = releases.peek().map(|Reverse((t, _, _))| *t);
        let step_t = plan
            .steps
            .get(next_step)
            .map(|st| (st.at, next_step as u32, 0u8));
        let retry_t = retries.peek().map(|Reverse(r)| *r);
        let event = match (step_t, retry_t) {
            (Some(a), Some(b)) => Some(if (a.0, a.1) <= (b.0, b.1) {
                (a, false)
            } else {
                (b, true)
            }),
            (Some(a), None) => Some((a, false)),
            (None, Some(b)) => Some((b, true)),
            (None, None) => None,
        };
        let sample_t = plan.samples.get(next_sample).copied();
        let event_t = event.map(|(e, _)| e.0);
        let Some(now) = earliest(earliest(release_t, event_t), sample_t) else {
            break;
        };
        if release_t == Some(now) {
            let Reverse((_, b, interrupted)) = releases.pop().expect("peeked");
            state.release(plan, b as usize, u32::MAX, now, interrupted);
            continue;
        }
        if event_t == Some(now) {
            let ((at, idx, attempt), is_retry) = event.expect("some");
            if is_retry {
                retries.pop();
            } else {
                next_step += 1;
            }
            match &plan.steps[idx as usize].kind {
                StepKind::Release(rel) => state.release_step(plan, *rel, at),
                StepKind::Request(req) => {
                    let answer = attempt_request(
                        plan,
                        &mut state,
                        &mut rng,
                        req,
                        at,
                        attempt + 1,
                        &mut releases,
                        log.as_mut(),
                    );
                    answers[req.seq as usize] = answer;
                    let again = answer.key().is_some_and(retried);
                    if again && u32::from(answer.attempts) < s.retry.attempts {
                        let backoff = s.retry.backoff.num_seconds();
                        retries.push(Reverse((at.saturating_add(backoff), idx, answer.attempts)));
                    }
                }
            }
            continue;
        }
        // A usage sample.
        for &p in &stock_gauges {
            state.advance_pool(&plan.pools[p], p, now);
        }
        for &g in &plan.gauges {
            samples.push(state.gauge(g));
        }
        next_sample += 1;
    }
    let costs = state.meter.is_some().then(|| {
        // Automatic releases up to the horizon, then what is left, priced to the horizon.
        let horizon = s.horizon.num_seconds();
        while let Some(Reverse((t, b, interrupted))) = releases.pop() {
            if t > horizon {
                break;
            }
            state.release(plan, b as usize, u32::MAX, t, interrupted);
        }
        if let Some(m) = state.meter.as_mut() {
            for b in &state.batches[state.first_live..] {
                m.charge(plan, &b.life, b.left, horizon, false);
            }
        }
        state
            .meter
            .take()
            .map(|m| m.finish(plan))
            .unwrap_or_default()
    });
    Scratch {
        batches: state.batches,
        by_label: state.by_label,
        tokens: state.tokens,
        releases,
        retries,
    }
    .put_back();
    TrialResult {
        answers,
        samples,
        log,
        costs,
    }
}

/// The earlier of two times, either of which may be absent. (An array's `flatten().min()`
/// made the event loop store and reload its three options on every event.)
fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

#[allow(clippy::too_many_arguments)]
fn attempt_request(
    plan: &Plan,
    state: &mut State,
    rng: &mut ChaCha8Rng,
    req: &ReqStep,
    at: i64,
    attempt: u8,
    releases: &mut BinaryHeap<Scheduled>,
    log: Option<&mut Vec<Attempt>>,
) -> Answer {
    let mut answer = Answer {
        attempts: attempt,
        ..Answer::default()
    };
    // The zone and the violation are borrowed (from the demand, the plan) where they can be:
    // only a sampled trial's log owns copies, so an attempt allocates nothing on its own.
    let mut zone: &str = "";
    let demand_zone = |ai: u32| plan.admitted[ai as usize].demand.zone.as_deref();
    // The call bucket first: a throttled call is refused before anything is read.
    let throttled = match state.throttle.as_mut() {
        None => None,
        Some(t) => t.call(at.saturating_mul(1000), req.amount),
    };
    let (kind, violation): (Kind, Option<Cow<'_, Violation>>) = match req.admission {
        _ if throttled.is_some() => (Kind::Failed, throttled.map(Cow::Owned)),
        Err(v) => (
            Kind::Failed,
            Some(Cow::Borrowed(&plan.refusals[v as usize])),
        ),
        Ok(ai) => {
            let memo = (req.token != NONE)
                .then(|| state.tokens[req.token as usize])
                .flatten();
            // The instance bucket, for an attempt about to create (no replay, no dry run),
            // before any capacity rule.
            let refused = match (memo, state.throttle.as_mut()) {
                (None, Some(t)) if !req.dry_run => t.instances(at.saturating_mul(1000), req.amount),
                _ => None,
            };
            match memo {
                _ if refused.is_some() => {
                    zone = demand_zone(ai).unwrap_or_default();
                    (Kind::Failed, refused.map(Cow::Owned))
                }
                Some((fp, first)) if fp == req.fingerprint => {
                    answer.code = first.code;
                    answer.replayed = true;
                    (Kind::Replayed, None)
                }
                Some(_) => (
                    Kind::Failed,
                    Some(Cow::Owned(
                        Violation::on(ErrorKey::IdempotentParameterMismatch, ParamId::ClientToken)
                            .answered_in(plan.scenario.world.edition),
                    )),
                ),
                None => {
                    for &p in req.pools.iter() {
                        state.advance_pool(&plan.pools[p as usize], p as usize, at);
                    }
                    let view = TrialView {
                        plan,
                        state,
                        step: req,
                        at,
                        rng: RefCell::new(rng),
                    };
                    let admitted = &plan.admitted[ai as usize];
                    match decide_in(&admitted.demand, &view) {
                        Ok(grant) if req.dry_run => {
                            zone = grant.zone;
                            (Kind::DryRun, None)
                        }
                        Ok(grant) => {
                            zone = grant.zone;
                            // A launch that leaves its open pool to the public stock takes no
                            // pool place (the pool's claim is the last).
                            let pool =
                                (admitted.demand.pool != PoolUse::None).then_some(grant.from_pool);
                            create(plan, state, req, zone, grant.amount, pool, at, releases);
                            answer.created = grant.amount;
                            if req.token != NONE {
                                state.tokens[req.token as usize] = Some((req.fingerprint, answer));
                            }
                            let kind = if grant.amount < req.amount {
                                Kind::Partial
                            } else {
                                Kind::Created
                            };
                            (kind, None)
                        }
                        Err(v) => {
                            zone = admitted.demand.zone.as_deref().unwrap_or_default();
                            (Kind::Failed, Some(Cow::Owned(v)))
                        }
                    }
                }
            }
        }
    };
    if let Some(v) = &violation {
        answer.code = key_code(Some(v.key));
    }
    if kind == Kind::DryRun {
        answer.code = key_code(Some(ErrorKey::DryRunOperation));
    }
    if let Some(log) = log {
        log.push(Attempt {
            seq: req.seq,
            attempt,
            at,
            zone: zone.to_string(),
            kind,
            violation: violation.map(Cow::into_owned),
            created: answer.created,
        });
    }
    answer
}

/// `private_pool`: None without a pool claim; Some(true) when the instances take the pool's
/// capacity (and not the stock), Some(false) when an open pool left them to the stock.
#[allow(clippy::too_many_arguments)]
fn create(
    plan: &Plan,
    state: &mut State,
    req: &ReqStep,
    zone: &str,
    n: u32,
    private_pool: Option<bool>,
    at: i64,
    releases: &mut BinaryHeap<Scheduled>,
) {
    let addr = zone.as_ptr() as usize;
    let zpos = req
        .zone_addrs
        .iter()
        .position(|&a| a == addr)
        .or_else(|| {
            req.pools
                .iter()
                .position(|&p| plan.pools[p as usize].zone == zone)
        })
        .unwrap_or(0);
    let (pool, spot_group) = (req.pools[zpos], req.spot_groups.get(zpos));
    let horizon = plan.scenario.horizon.num_seconds();
    let life = Life {
        priced: req.shape,
        traffic: req.traffic_model,
        bucket: req.bucket,
        group: req.cost_group,
        spot_group: spot_group.copied().unwrap_or(NONE),
        pool,
        created: at,
        planned_end: req.release_at.map_or(horizon, |t| t.max(at).min(horizon)),
    };
    let interruption = state
        .meter
        .as_ref()
        .and_then(|m| m.interruption(plan, &life));
    let batch = Batch {
        life,
        left: n,
        region: req.region,
        claims: (
            req.claims.0 + zpos as u32 * req.claims.1,
            req.claims.1 - u32::from(private_pool == Some(false)),
        ),
        vpc: req.vpc,
        pool,
        from_pool: private_pool == Some(true),
        vcpus: req.vcpus,
        bandwidth: req.bandwidth,
        traffic: req.traffic,
        postpaid: req.postpaid,
    };
    state.occupy(plan, &batch, n, true);
    let b = state.batches.len() as u32;
    state.batches.push(batch);
    if req.label != NONE {
        state.by_label[req.label as usize].0.push(b);
    }
    if let Some(t) = req.release_at {
        releases.push(Reverse((t.max(at), b, false)));
    }
    if let Some(t) = interruption {
        releases.push(Reverse((t, b, true)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::file;
    use crate::sim::prepare;

    const REQ: &str = r#""RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g7.large", "SecurityGroupId": "sg-bp15ed6xe1yxeycg7o3k", "VSwitchId": "vsw-bp1s5fnvk4gn2tws03624", "SystemDisk.Category": "cloud_essd""#;

    fn scenario(timeline: &str) -> crate::scenario::Scenario {
        let text =
            format!(r#"{{"horizon": "4h", "sample_every": "1h", "timeline": [{timeline}]}}"#);
        file::parse("unit.json", &text, std::path::Path::new(".")).unwrap()
    }

    fn sg_usage(timeline: &str) -> Vec<u32> {
        let s = scenario(timeline);
        let plan = prepare(&s);
        let g = plan
            .gauges
            .iter()
            .position(|g| matches!(g, Gauge::Limit(_)))
            .unwrap();
        let r = run_trial(&plan, 0, false);
        r.samples.chunks(plan.gauges.len()).map(|c| c[g]).collect()
    }

    #[test]
    fn releases_by_count_take_the_oldest_batches_first() {
        let usage = sg_usage(&format!(
            r#"{{"at": "+0m", "label": "a", "request": {{{REQ}, "Amount": 3}}}},
               {{"at": "+1m", "label": "b", "request": {{{REQ}, "Amount": 4}}}},
               {{"at": "+1h30m", "release": {{"count": 5}}}},
               {{"at": "+2h30m", "release": {{"label": "b"}}}}"#
        ));
        // 12 in the group before; +7; -5 (3 of a, 2 of b); the rest of b (2).
        assert_eq!(usage, vec![12 + 3, 19, 14, 12, 12]);
    }

    #[test]
    fn auto_release_frees_at_its_time() {
        let usage = sg_usage(&format!(
            r#"{{"at": "+0m", "request": {{{REQ}, "Amount": 5, "AutoReleaseTime": "2026-12-01T10:00:00Z"}}}}"#
        ));
        assert_eq!(usage, vec![17, 17, 12, 12, 12]);
    }

    #[test]
    fn a_trial_is_a_pure_function_of_its_index() {
        let s = scenario(&format!(
            r#"{{"at": "+0m", "request": {{{REQ}, "Amount": 2}}}}"#
        ));
        let plan = prepare(&s);
        let a = run_trial(&plan, 3, true);
        let b = run_trial(&plan, 3, true);
        assert_eq!(a.answers, b.answers);
        assert_eq!(a.samples, b.samples);
        assert_eq!(a.log.unwrap().len(), 1);
        assert!(b.log.is_some() && run_trial(&plan, 3, false).log.is_none());
    }

    #[test]
    fn answer_codes_pack_and_unpack() {
        assert_eq!(code_key(0), None);
        for k in [
            ErrorKey::InternalError,
            ErrorKey::QuotaExceedAfterpayInstance,
        ] {
            assert_eq!(code_key(key_code(Some(k))), Some(k));
        }
    }
}
