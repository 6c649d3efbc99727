//! The session: live capacity counters seeded from the world, the instances created,
//! ClientTokens seen, and the request log. One read-write lock guards the live state; a
//! request is admitted (the static tiers) outside it, then decided and applied under the
//! write lock, so concurrent requests each see and change the world atomically, while reads
//! (DescribeInstances, stock, account use) share the read lock for as long as one page
//! takes. Live instances sit in a per-region index by creation number with counts per
//! (zone, type, VPC), so a page walks only what it shows and what its filters skip, and
//! copies only pointers to the instances shown. Request rows go into a bounded buffer that
//! a background thread drains into the log (its own mutex), so answering never waits on
//! the log's interning or on a snapshot being taken.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};

use super::clock::{Clock, ClockMode};
use super::report::{Entry, FailureRow, LoggedRow, RequestLog, SessionReport};
use crate::catalog::ErrorKey;
use crate::edition::EditionId;
use crate::request::typed::{InternetChargeType, SpotStrategy};
use crate::validate::capacity::Demand;
use crate::validate::capacity::{initial_stock, WorldCapacity};
use crate::validate::claims::world_limit;
use crate::validate::{Admitted, CapacityView, Grant};
use crate::world::{SpotPriceType, World, WorldDoc};

/// How a session starts.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Seeds RequestIds and instance ids.
    pub seed: u64,
    /// Simulated time at start.
    pub start: DateTime<Utc>,
    pub clock: ClockMode,
    /// Request rows kept for `requests.csv` (error counts cover every request).
    pub log_limit: usize,
}

/// One instance created in the session.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Creation number in the session (orders DescribeInstances, cursors its NextToken).
    pub seq: u64,
    pub id: String,
    pub region: String,
    pub zone: String,
    pub instance_type: String,
    pub vcpus: u32,
    /// GiB.
    pub memory: f64,
    pub image_id: String,
    pub name: String,
    pub host_name: String,
    pub description: String,
    /// Pay-as-you-go (counts against the pay-as-you-go quota).
    pub postpaid: bool,
    /// Every group the instance joined, in the order sent.
    pub security_groups: Vec<String>,
    pub vpc: Option<String>,
    pub vswitch: Option<String>,
    /// The primary private address, from the vSwitch's CIDR block (None: no CIDR known).
    pub private_ip: Option<Ipv4Addr>,
    /// The public address, when InternetMaxBandwidthOut > 0.
    pub public_ip: Option<Ipv4Addr>,
    pub internet_charge: InternetChargeType,
    pub bandwidth_out: u32,
    pub spot: SpotStrategy,
    pub spot_price_limit: Option<f64>,
    pub auto_release: Option<DateTime<Utc>>,
    pub created: DateTime<Utc>,
    pub tags: Vec<(String, String)>,
    /// The counted limits it holds: (name, units, the world's use before the session),
    /// shared by the instances of one request.
    pub claims: std::sync::Arc<[(String, u32, u64)]>,
    /// Launched into a private pool: it holds a pool place, not the zone's stock.
    pub from_pool: bool,
}

/// What a RunInstances request came to once decided.
#[derive(Debug, Clone, PartialEq)]
pub enum RunResult {
    /// Instances created now (`partial`: fewer than Amount, as MinAmount allows).
    Created {
        ids: Vec<String>,
        zone: String,
        partial: bool,
    },
    /// A ClientToken seen before with the same parameters: the first answer again.
    Replayed {
        ids: Vec<String>,
    },
    /// DryRun passed every check.
    DryRun {
        grant: Grant,
    },
    Failed(crate::validate::Violation),
}

/// Counters that change during the session, keyed by region, group, VPC and pool. Absent
/// entries read through to the world's counts.
#[derive(Debug, Default)]
struct Counters {
    /// Pay-as-you-go instances, vCPUs, PayByTraffic and PayByBandwidth Mbit/s.
    region: HashMap<String, [u32; 4]>,
    /// Use of counted limits by name (vSwitch addresses, group capacity, type quotas...).
    limits: HashMap<String, u64>,
    vpc: HashMap<String, u32>,
    /// Stock of (zone, type) pools the world counts.
    stock: HashMap<(String, String), u32>,
}

impl Counters {
    fn region(&self, world: &World, region: &str) -> [u32; 4] {
        self.region.get(region).copied().unwrap_or_else(|| {
            world.region_quota(region).map_or([0; 4], |q| {
                [
                    q.used_postpaid_instance_count,
                    q.used_postpaid_instance_vcpu_count,
                    q.used_pay_by_traffic_bandwidth,
                    q.used_pay_by_bandwidth_bandwidth,
                ]
            })
        })
    }

    fn vpc(&self, world: &World, vpc: &str) -> u32 {
        self.vpc
            .get(vpc)
            .copied()
            .unwrap_or_else(|| world.vpc_quota(vpc).map_or(0, |q| q.instance_count))
    }

    fn stock(&self, world: &World, zone: &str, itype: &str) -> Option<u32> {
        match self.stock.get(&(zone.to_string(), itype.to_string())) {
            Some(&n) => Some(n),
            None => initial_stock(world, zone, itype),
        }
    }

    /// Takes (`take`) or gives back one instance of `i`'s shape.
    fn occupy(&mut self, world: &World, i: &Instance, take: bool) {
        let step = |v: &mut u32, by: u32, up: bool| {
            *v = if up {
                v.saturating_add(by)
            } else {
                v.saturating_sub(by)
            }
        };
        let mut r = self.region(world, &i.region);
        if i.postpaid {
            step(&mut r[0], 1, take);
            step(&mut r[1], i.vcpus, take);
        }
        let bw = if i.internet_charge == InternetChargeType::PayByTraffic {
            2
        } else {
            3
        };
        step(&mut r[bw], i.bandwidth_out, take);
        self.region.insert(i.region.clone(), r);
        for (name, per, world_used) in i.claims.iter() {
            let v = self.limits.entry(name.clone()).or_insert(*world_used);
            *v = if take {
                v.saturating_add(u64::from(*per))
            } else {
                v.saturating_sub(u64::from(*per))
            };
        }
        if let Some(vpc) = &i.vpc {
            let mut v = self.vpc(world, vpc);
            step(&mut v, 1, take);
            self.vpc.insert(vpc.clone(), v);
        }
        if let (false, Some(mut s)) = (i.from_pool, self.stock(world, &i.zone, &i.instance_type)) {
            step(&mut s, 1, !take);
            self.stock
                .insert((i.zone.clone(), i.instance_type.clone()), s);
        }
    }
}

/// The capacity rules' view of the live counters at one instant: limits, spot prices and
/// faults come from the world's own view (`WorldCapacity`), use from the session's counters.
struct LiveView<'a> {
    base: WorldCapacity<'a>,
    world: &'a World,
    counters: &'a Counters,
}

impl CapacityView for LiveView<'_> {
    fn postpaid_limits(&self, region: &str) -> (Option<u32>, Option<u32>) {
        self.base.postpaid_limits(region)
    }
    fn postpaid_used(&self, region: &str) -> (u32, u32) {
        let r = self.counters.region(self.world, region);
        (r[0], r[1])
    }
    fn claim(&self, d: &Demand, i: usize, zone: &str) -> Option<(u64, u64, u32)> {
        let c = &d.claims[i];
        let (world_used, limit) = world_limit(self.world, c, zone)?;
        let used = self
            .counters
            .limits
            .get(&c.name(zone))
            .copied()
            .unwrap_or(world_used);
        Some((used, limit, c.per_instance))
    }
    fn vpc(&self, vpc: &str) -> Option<(u32, u32)> {
        self.base
            .vpc(vpc)
            .map(|(_, limit)| (self.counters.vpc(self.world, vpc), limit))
    }
    fn bandwidth(&self, region: &str, charge: InternetChargeType) -> (u32, u32) {
        let r = self.counters.region(self.world, region);
        let used = match charge {
            InternetChargeType::PayByTraffic => r[2],
            InternetChargeType::PayByBandwidth => r[3],
        };
        (used, self.base.bandwidth(region, charge).1)
    }
    fn stock(&self, zone: &str, instance_type: &str) -> Option<u32> {
        self.counters.stock(self.world, zone, instance_type)
    }
    fn spot_price(&self, zone: &str, instance_type: &str) -> Option<(f64, f64)> {
        self.base.spot_price(zone, instance_type)
    }
    fn fault(&self, region: &str, zone: &str) -> Option<ErrorKey> {
        self.base.fault(region, zone)
    }
}

/// The live instances of one region, by creation number, with what TotalCount and the
/// account's spot use need kept as counts.
#[derive(Debug, Default)]
struct RegionIndex {
    live: BTreeMap<u64, Arc<Instance>>,
    /// Live instances per (zone, instance type, VPC): TotalCount of any filter sums these
    /// instead of walking the instances.
    shapes: HashMap<Shape, usize>,
    /// vCPUs of live pay-as-you-go spot instances.
    spot_vcpus: u32,
}

/// (zone, instance type, VPC): what DescribeInstances filters on.
type Shape = (String, String, Option<String>);

fn shape_of(i: &Instance) -> Shape {
    (i.zone.clone(), i.instance_type.clone(), i.vpc.clone())
}

fn is_spot(i: &Instance) -> bool {
    i.postpaid && i.spot != SpotStrategy::NoSpot
}

impl RegionIndex {
    fn insert(&mut self, i: Arc<Instance>) {
        *self.shapes.entry(shape_of(&i)).or_insert(0) += 1;
        if is_spot(&i) {
            self.spot_vcpus = self.spot_vcpus.saturating_add(i.vcpus);
        }
        self.live.insert(i.seq, i);
    }

    fn remove(&mut self, i: &Instance) {
        self.live.remove(&i.seq);
        let shape = shape_of(i);
        if let Some(n) = self.shapes.get_mut(&shape) {
            *n -= 1;
            if *n == 0 {
                self.shapes.remove(&shape);
            }
        }
        if is_spot(i) {
            self.spot_vcpus = self.spot_vcpus.saturating_sub(i.vcpus);
        }
    }

    /// How many live instances `f` matches, from the counts.
    fn count(&self, f: &Listing<'_>) -> usize {
        if f.zone.is_none() && f.instance_type.is_none() && f.vpc.is_none() {
            return self.live.len();
        }
        self.shapes
            .iter()
            .filter(|((z, t, v), _)| f.matches_shape(z, t, v.as_deref()))
            .map(|(_, n)| n)
            .sum()
    }
}

/// Which live instances a DescribeInstances lists: a region, optionally the ids named and
/// the ZoneId / InstanceType / VpcId filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct Listing<'a> {
    pub region: &'a str,
    /// `InstanceIds` (at most 100).
    pub ids: Option<&'a [String]>,
    pub zone: Option<&'a str>,
    pub instance_type: Option<&'a str>,
    pub vpc: Option<&'a str>,
}

impl Listing<'_> {
    fn matches_shape(&self, zone: &str, itype: &str, vpc: Option<&str>) -> bool {
        self.zone.is_none_or(|z| z == zone)
            && self.instance_type.is_none_or(|t| t == itype)
            && self.vpc.is_none_or(|v| Some(v) == vpc)
    }

    fn matches(&self, i: &Instance) -> bool {
        i.region == self.region && self.matches_shape(&i.zone, &i.instance_type, i.vpc.as_deref())
    }
}

/// Where a page starts among the instances a listing matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStart {
    /// After skipping this many (PageNumber / PageSize).
    Skip(u64),
    /// At the first with a creation number from this one on (NextToken).
    From(u64),
}

/// One page of a listing.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Instances the listing matches in all (TotalCount).
    pub total: usize,
    /// The page, in creation order (shared with the session, not copied).
    pub shown: Vec<Arc<Instance>>,
    /// The creation number of the first match after the page (None: the page is the last).
    pub next: Option<u64>,
}

/// Everything behind the lock.
#[derive(Debug, Default)]
struct State {
    counters: Counters,
    /// Live instances by creation number.
    instances: BTreeMap<u64, Arc<Instance>>,
    /// The same instances by region, for listings.
    regions: HashMap<String, RegionIndex>,
    by_id: HashMap<String, u64>,
    /// (AutoReleaseTime in ms, creation number) of live instances that have one.
    releases: BTreeSet<(i64, u64)>,
    /// ClientToken → (fingerprint, instance ids of the first answer).
    tokens: HashMap<String, (u64, Vec<String>)>,
    /// Instances created so far (numbers ids).
    created: u64,
    /// Private addresses live session instances hold, by vSwitch.
    private_ips: HashMap<String, Addresses>,
    /// Public addresses live session instances hold.
    public_ips: Addresses,
    /// The account's rate limits on the session's clock (None: it sets none).
    throttle: Option<crate::throttle::Throttle>,
}

/// The request log and the error counts over every request.
#[derive(Debug)]
struct Log {
    rows: RequestLog,
    failures: BTreeMap<ErrorKey, u64>,
}

impl State {
    fn release(&mut self, world: &World, n: u64) -> bool {
        let Some(i) = self.instances.remove(&n) else {
            return false;
        };
        if let Some(r) = self.regions.get_mut(&i.region) {
            r.remove(&i);
        }
        self.by_id.remove(&i.id);
        if let (Some(v), Some(ip)) = (&i.vswitch, i.private_ip) {
            if let Some(held) = self.private_ips.get_mut(v) {
                held.give_back(u32::from(ip));
            }
        }
        if let Some(ip) = i.public_ip {
            self.public_ips.give_back(u32::from(ip));
        }
        if let Some(t) = i.auto_release {
            self.releases.remove(&(t.timestamp_millis(), n));
        }
        self.counters.occupy(world, &i, false);
        true
    }

    /// Whether a live session instance holds `ip` on `vswitch`.
    fn holds_private(&self, vswitch: &str, ip: u32) -> bool {
        self.private_ips
            .get(vswitch)
            .is_some_and(|held| held.holds(ip))
    }

    /// The private address of the next instance on `vswitch`: `wanted` when the request
    /// names one (already checked free), else the lowest usable address of the CIDR that
    /// neither the world's instances nor the session's hold. None without a CIDR or when
    /// every address is taken (capacity counting refuses that before).
    fn allocate_private(
        &mut self,
        world: &World,
        vswitch: &str,
        wanted: Option<u32>,
    ) -> Option<Ipv4Addr> {
        let range = match wanted {
            Some(_) => None,
            None => Some(usable_range(&world.vswitch(vswitch)?.cidr_block)?),
        };
        let held = match self.private_ips.get_mut(vswitch) {
            Some(h) => h,
            None => self.private_ips.entry(vswitch.to_string()).or_default(),
        };
        let ip = match (wanted, range) {
            (Some(ip), _) => {
                held.take(ip);
                ip
            }
            (None, Some(range)) => held.take_lowest(range, |x| {
                world.private_ip_in_use(vswitch, &Ipv4Addr::from(x).to_string())
            })?,
            (None, None) => return None,
        };
        Some(Ipv4Addr::from(ip))
    }

    /// The lowest free address of the public pool (`PUBLIC_POOL`).
    fn allocate_public(&mut self) -> Option<Ipv4Addr> {
        let range = usable_range(PUBLIC_POOL)?;
        let ip = self.public_ips.take_lowest(range, |_| false)?;
        Some(Ipv4Addr::from(ip))
    }

    /// Whether an AutoReleaseTime has passed at `now` (a read must release first).
    fn due(&self, now: DateTime<Utc>) -> bool {
        self.releases
            .first()
            .is_some_and(|&(t, _)| t <= now.timestamp_millis())
    }

    /// One page of `f`'s matches from `start`, at most `size` of them.
    fn page(&self, f: &Listing<'_>, start: PageStart, size: usize) -> Page {
        if let Some(ids) = f.ids {
            let mut ns: Vec<u64> = ids
                .iter()
                .filter_map(|i| self.by_id.get(i))
                .copied()
                .collect();
            ns.sort_unstable();
            ns.dedup();
            let all: Vec<&Arc<Instance>> = ns
                .iter()
                .filter_map(|n| self.instances.get(n))
                .filter(|i| f.matches(i))
                .collect();
            return Page::cut(all.len(), all.into_iter(), start, size);
        }
        let Some(r) = self.regions.get(f.region) else {
            return Page::default();
        };
        let from = match start {
            PageStart::From(n) => n,
            PageStart::Skip(_) => 0,
        };
        let walk = r
            .live
            .range(from..)
            .map(|(_, i)| i)
            .filter(|i| f.matches_shape(&i.zone, &i.instance_type, i.vpc.as_deref()));
        Page::cut(r.count(f), walk, start, size)
    }

    /// Releases every instance whose AutoReleaseTime has passed.
    fn expire(&mut self, world: &World, now: DateTime<Utc>) {
        let now = now.timestamp_millis();
        while let Some(&(t, n)) = self.releases.first() {
            if t > now {
                break;
            }
            self.release(world, n);
        }
    }
}

/// The addresses of one range that live session instances hold, and where the next lowest
/// free one is: every address below `cursor` is held, taken outside the session (the
/// world's instances) or in `free`, so taking the lowest free address costs the addresses
/// the cursor passes once each, not a scan from the start of the range per instance.
#[derive(Debug, Default)]
struct Addresses {
    held: BTreeSet<u32>,
    /// Given-back addresses below `cursor`.
    free: BTreeSet<u32>,
    /// The lowest address not yet passed (0: none passed; read as the range's first).
    cursor: u32,
}

impl Addresses {
    fn holds(&self, ip: u32) -> bool {
        self.held.contains(&ip)
    }

    /// Takes `ip` (a requested address, checked free before).
    fn take(&mut self, ip: u32) {
        self.free.remove(&ip);
        self.held.insert(ip);
    }

    /// Takes the lowest address of `first..=last` that is neither held nor `in_world`
    /// (None when every one is).
    fn take_lowest(
        &mut self,
        (first, last): (u32, u32),
        in_world: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        let ip = match self.free.pop_first() {
            Some(ip) => ip,
            None => {
                let mut x = self.cursor.max(first);
                while x <= last && (self.held.contains(&x) || in_world(x)) {
                    x += 1;
                }
                if x > last {
                    self.cursor = x;
                    return None;
                }
                self.cursor = x + 1;
                x
            }
        };
        self.held.insert(ip);
        Some(ip)
    }

    /// Gives `ip` back: the next lowest-free search finds it again.
    fn give_back(&mut self, ip: u32) {
        if self.held.remove(&ip) && ip < self.cursor {
            self.free.insert(ip);
        }
    }
}

impl Page {
    /// The page of `matches` (in creation order) at `start`, `size` long.
    fn cut<'a>(
        total: usize,
        matches: impl Iterator<Item = &'a Arc<Instance>>,
        start: PageStart,
        size: usize,
    ) -> Page {
        let mut rest: Box<dyn Iterator<Item = &'a Arc<Instance>>> = match start {
            PageStart::Skip(n) => Box::new(matches.skip(usize::try_from(n).unwrap_or(usize::MAX))),
            PageStart::From(n) => Box::new(matches.skip_while(move |i| i.seq < n)),
        };
        let shown: Vec<Arc<Instance>> = rest.by_ref().take(size).cloned().collect();
        Page {
            total,
            shown,
            next: rest.next().map(|i| i.seq),
        }
    }
}

/// Where public addresses come from: 198.18.0.0/15, reserved for benchmarking (RFC 2544),
/// so a simulated address never names a real host.
pub const PUBLIC_POOL: &str = "198.18.0.0/15";

/// The addresses of a CIDR block instances may take: all but the first and the last three
/// (the reserved ones, as `validate::network` checks). None when the block is not IPv4
/// CIDR text or too small to leave any.
fn usable_range(cidr: &str) -> Option<(u32, u32)> {
    let (net, bits) = cidr.split_once('/')?;
    let net: Ipv4Addr = net.parse().ok()?;
    let bits: u32 = bits.parse().ok().filter(|b| *b <= 30)?;
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    let base = u32::from(net) & mask;
    let last = base | !mask;
    Some((base + 1, last - 3))
}

/// Request rows the log's buffer holds before answering waits for the background thread
/// to catch up (about two seconds of requests at full speed, some 10 MB).
pub const LOG_BUFFER: usize = 65_536;

/// What the log's background thread receives.
enum LogMsg {
    Row(LoggedRow, Option<ErrorKey>),
    /// Answered once every message sent before it is in the log.
    Flush(SyncSender<()>),
}

/// The log's background thread: moves rows from the buffer into the log, a bounded batch
/// per hold of the log's lock, until the session (the only sender) is dropped.
fn drain_log(rx: Receiver<LogMsg>, log: Arc<Mutex<Log>>) {
    const BATCH: usize = 1024;
    while let Ok(first) = rx.recv() {
        let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
        for m in std::iter::once(first).chain(rx.try_iter().take(BATCH)) {
            match m {
                LogMsg::Row(row, error) => {
                    if let Some(k) = error {
                        *log.failures.entry(k).or_insert(0) += 1;
                    }
                    log.rows.push(&row.entry());
                }
                LogMsg::Flush(done) => {
                    let _ = done.send(());
                }
            }
        }
    }
}

/// A running session.
pub struct Session {
    pub(super) world: World,
    /// Every spot price sample of the world, sorted by zone, type and time.
    pub(super) spot: Vec<SpotPriceType>,
    pub clock: Clock,
    pub(super) seed: u64,
    seq: AtomicU64,
    state: RwLock<State>,
    /// Request rows on their way to `log` (bounded: [`LOG_BUFFER`]).
    log_tx: SyncSender<LogMsg>,
    log: Arc<Mutex<Log>>,
    /// The prices in force (RunInstances' `TradePrice`): the catalog, or `--prices` over it.
    pub(super) prices: std::sync::Arc<crate::cost::Prices>,
}

impl Session {
    /// A session over a merged world document (the spot traces are kept whole for
    /// DescribeSpotPriceHistory).
    pub fn from_doc(doc: WorldDoc, config: &SessionConfig) -> Session {
        let mut spot: Vec<SpotPriceType> = doc
            .spot_prices
            .inner
            .values()
            .flatten()
            .filter(|p| crate::time::parse_utc(&p.timestamp).is_some())
            .cloned()
            .collect();
        spot.sort_by(|a, b| {
            (&a.zone_id, &a.instance_type, &a.timestamp).cmp(&(
                &b.zone_id,
                &b.instance_type,
                &b.timestamp,
            ))
        });
        let world = World::from_doc(doc);
        let state = State {
            throttle: crate::throttle::Throttle::of(&world),
            ..State::default()
        };
        let log = Arc::new(Mutex::new(Log {
            rows: RequestLog::new(config.log_limit),
            failures: BTreeMap::new(),
        }));
        let (log_tx, rx) = sync_channel(LOG_BUFFER);
        let drained = log.clone();
        // Without a thread the rows would stay in the buffer and the report would miss
        // them; a session that cannot start one is not worth serving.
        std::thread::Builder::new()
            .name("ecsim-log".into())
            .spawn(move || drain_log(rx, drained))
            .expect("the request log's thread starts");
        Session {
            world,
            spot,
            clock: Clock::new(config.start, config.clock),
            seed: config.seed,
            seq: AtomicU64::new(0),
            state: RwLock::new(state),
            log_tx,
            log,
            prices: std::sync::Arc::new(crate::cost::Prices::default_embedded()),
        }
    }

    /// The session pricing with `prices` (`--prices`).
    pub fn with_prices(mut self, prices: crate::cost::Prices) -> Session {
        self.prices = std::sync::Arc::new(prices);
        self
    }

    /// The session answering in `edition` (`--edition`): every rule and message reads it
    /// from the world.
    pub fn in_edition(mut self, edition: EditionId) -> Session {
        self.world.edition = edition;
        let throttle = crate::throttle::Throttle::of(&self.world);
        self.state
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .throttle = throttle;
        self
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    fn lock(&self) -> RwLockWriteGuard<'_, State> {
        // A panic while holding the lock cannot leave counters half-applied in a way that
        // matters more than stopping the session; keep serving.
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The state to read at simulated now: due AutoReleaseTimes are applied first (under
    /// the write lock, only when one is due), then the read lock is shared with other
    /// readers.
    fn read(&self) -> RwLockReadGuard<'_, State> {
        let now = self.clock.now();
        {
            let st = self.state.read().unwrap_or_else(|e| e.into_inner());
            if !st.due(now) {
                return st;
            }
        }
        self.lock().expire(&self.world, now);
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The next request number (1-based).
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Applies AutoReleaseTime releases due at simulated now.
    pub fn expire(&self) {
        let now = self.clock.now();
        self.lock().expire(&self.world, now);
    }

    /// A RunInstances call arriving at `at`, asking `amount` instances: takes a token of the
    /// account's call bucket, or answers Throttling.User when it is empty (before the
    /// parameters are read, as the replay engine does; docs/throttling.md).
    pub fn throttle_call(
        &self,
        at: DateTime<Utc>,
        amount: u32,
    ) -> Option<crate::validate::Violation> {
        let mut st = self.lock();
        st.throttle.as_mut()?.call(at.timestamp_millis(), amount)
    }

    /// Decides an admitted RunInstances request against the live counters and applies it:
    /// ClientToken first (as the replay engine does), then the account's instance bucket
    /// (not for a DryRun), then the capacity tier and DryRun.
    pub fn run(&self, admitted: &Admitted, at: DateTime<Utc>) -> RunResult {
        let req = &admitted.request;
        let mut st = self.lock();
        st.expire(&self.world, at);
        if let Some(token) = &req.client_token {
            if let Some((fp, ids)) = st.tokens.get(token) {
                return if *fp == req.fingerprint {
                    RunResult::Replayed { ids: ids.clone() }
                } else {
                    RunResult::Failed(
                        crate::validate::Violation::on(
                            ErrorKey::IdempotentParameterMismatch,
                            crate::catalog::params::ParamId::ClientToken,
                        )
                        .answered_in(self.world.edition),
                    )
                };
            }
        }
        if !req.dry_run {
            let amount = admitted.demand.amount;
            if let Some(t) = st.throttle.as_mut() {
                if let Some(v) = t.instances(at.timestamp_millis(), amount) {
                    return RunResult::Failed(v);
                }
            }
        }
        if let Some(v) = self.held_address(&st, admitted) {
            return RunResult::Failed(v);
        }
        let view = LiveView {
            base: WorldCapacity::new(&self.world, at),
            world: &self.world,
            counters: &st.counters,
        };
        match crate::validate::decide(admitted, &view) {
            crate::validate::Outcome::Failed(v) => RunResult::Failed(v),
            crate::validate::Outcome::Created {
                grant,
                dry_run: true,
            } => RunResult::DryRun { grant },
            crate::validate::Outcome::Created { grant, .. } => {
                let ids = self.create(&mut st, admitted, &grant, at);
                if let Some(token) = &req.client_token {
                    st.tokens
                        .insert(token.clone(), (req.fingerprint, ids.clone()));
                }
                RunResult::Created {
                    partial: grant.amount < admitted.demand.amount,
                    ids,
                    zone: grant.zone,
                }
            }
        }
    }

    /// The requested PrivateIpAddress (and, for Amount > 1, the consecutive ones after it)
    /// as the instances will take them: None when the request names none.
    fn requested_ips(admitted: &Admitted) -> Option<(String, u32)> {
        let req = &admitted.request;
        let ip: Ipv4Addr = req
            .get_str(crate::catalog::params::ParamId::PrivateIpAddress)?
            .parse()
            .ok()?;
        Some((req.vswitch_id.clone()?, u32::from(ip)))
    }

    /// InvalidPrivateIpAddress.Duplicated when a live session instance holds the requested
    /// PrivateIpAddress or one of the consecutive addresses Amount > 1 takes after it (the
    /// static rule has refused the world's own instances' addresses already).
    fn held_address(&self, st: &State, admitted: &Admitted) -> Option<crate::validate::Violation> {
        let (vswitch, first) = Self::requested_ips(admitted)?;
        let taken = (0..admitted.request.amount())
            .filter_map(|k| first.checked_add(k))
            .any(|ip| st.holds_private(&vswitch, ip));
        taken.then(|| {
            crate::validate::Violation::on(
                ErrorKey::InvalidPrivateIpAddressDuplicated,
                crate::catalog::params::ParamId::PrivateIpAddress,
            )
            .answered_in(self.world.edition)
        })
    }

    fn create(
        &self,
        st: &mut State,
        admitted: &Admitted,
        grant: &Grant,
        at: DateTime<Utc>,
    ) -> Vec<String> {
        let (req, d) = (&admitted.request, &admitted.demand);
        let itype = self.world.instance_type(&d.instance_type);
        let mut ids = Vec::with_capacity(grant.amount as usize);
        // A launch an open pool left to the public stock takes no pool place.
        let skip_pool = d.pool != crate::validate::capacity::PoolUse::None && !grant.from_pool;
        let claims: std::sync::Arc<[(String, u32, u64)]> = d
            .claims
            .iter()
            .filter(|c| !(skip_pool && c.kind == crate::validate::claims::LimitKind::PrivatePool))
            .filter_map(|c| {
                world_limit(&self.world, c, &grant.zone)
                    .map(|(used, _)| (c.name(&grant.zone), c.per_instance, used))
            })
            .collect();
        let mut groups: Vec<String> = Vec::new();
        for (_, g) in req.security_groups() {
            if !groups.iter().any(|x| x == g) {
                groups.push(g.to_string());
            }
        }
        let requested = Self::requested_ips(admitted);
        for k in 0..grant.amount {
            let n = st.created;
            st.created += 1;
            let id = super::ids::instance_id(self.seed, n);
            let private_ip = req.vswitch_id.as_deref().and_then(|v| {
                let wanted = requested.as_ref().and_then(|(_, ip)| ip.checked_add(k));
                st.allocate_private(&self.world, v, wanted)
            });
            let public_ip = if d.bandwidth_out > 0 {
                st.allocate_public()
            } else {
                None
            };
            let inst = Instance {
                seq: n,
                private_ip,
                public_ip,
                id: id.clone(),
                region: d.region.clone(),
                zone: grant.zone.clone(),
                instance_type: d.instance_type.clone(),
                vcpus: d.vcpus,
                memory: itype.map_or(0.0, |t| t.memory_size),
                image_id: req.image_id.clone().unwrap_or_default(),
                name: req.instance_name.clone().unwrap_or_else(|| id.clone()),
                host_name: req.host_name.clone().unwrap_or_else(|| id.clone()),
                description: req.description.clone().unwrap_or_default(),
                postpaid: d.postpaid,
                security_groups: groups.clone(),
                vpc: d.vpc.clone(),
                vswitch: req.vswitch_id.clone(),
                internet_charge: d.charge,
                bandwidth_out: d.bandwidth_out,
                spot: d.spot,
                spot_price_limit: d.spot_limit,
                auto_release: req.auto_release_time,
                created: at,
                tags: req
                    .tags
                    .iter()
                    .filter_map(|t| {
                        t.key
                            .clone()
                            .map(|k| (k, t.value.clone().unwrap_or_default()))
                    })
                    .collect(),
                claims: claims.clone(),
                from_pool: grant.from_pool,
            };
            st.counters.occupy(&self.world, &inst, true);
            if let Some(t) = inst.auto_release {
                st.releases.insert((t.timestamp_millis(), n));
            }
            st.by_id.insert(id.clone(), n);
            let inst = Arc::new(inst);
            st.regions
                .entry(inst.region.clone())
                .or_default()
                .insert(inst.clone());
            st.instances.insert(n, inst);
            ids.push(id);
        }
        ids
    }

    /// Releases the instances named, all or none: the first id not found is returned.
    /// `dry_run` only checks.
    pub fn delete(&self, ids: &[String], dry_run: bool) -> Result<u32, String> {
        let now = self.clock.now();
        let mut st = self.lock();
        st.expire(&self.world, now);
        let mut ns = Vec::with_capacity(ids.len());
        for id in ids {
            match st.by_id.get(id) {
                Some(&n) => ns.push(n),
                None => return Err(id.clone()),
            }
        }
        if dry_run {
            return Ok(0);
        }
        ns.sort_unstable();
        ns.dedup();
        let mut released = 0;
        for n in ns {
            released += u32::from(st.release(&self.world, n));
        }
        Ok(released)
    }

    /// One page of the live instances `f` matches, in creation order, from `start`, at most
    /// `size` long. Costs the instances shown plus those the filters skip on the way (and
    /// the skipped ones for `PageStart::Skip`); TotalCount comes from counts. Only pointers
    /// to the shown instances are copied, under the read lock.
    pub fn page(&self, f: &Listing<'_>, start: PageStart, size: usize) -> Page {
        self.read().page(f, start, size)
    }

    /// Live stock of a pool: None unlimited.
    pub fn stock(&self, zone: &str, instance_type: &str) -> Option<u32> {
        self.read().counters.stock(&self.world, zone, instance_type)
    }

    /// Pay-as-you-go use of a region: (instances, vCPUs, spot vCPUs) in use now.
    pub fn postpaid_use(&self, region: &str) -> (u32, u32, u32) {
        let st = self.read();
        let r = st.counters.region(&self.world, region);
        let spot = st.regions.get(region).map_or(0, |r| r.spot_vcpus);
        (r[0], r[1], spot)
    }

    /// Records one answered request: the row goes into the log's bounded buffer (waiting
    /// only when the buffer is full) and the background thread files it.
    pub fn log(&self, row: &Entry<'_>, error: Option<ErrorKey>) {
        // Fails only when the log's thread is gone, which only a panic there causes; the
        // answer goes out regardless.
        let _ = self.log_tx.send(LogMsg::Row(LoggedRow::of(row), error));
    }

    /// Waits until every row logged before the call is in the log.
    fn flush_log(&self) {
        let (done, wait) = sync_channel(1);
        if self.log_tx.send(LogMsg::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }

    /// The report so far: rows in request order, errors most frequent first. The log's
    /// lock is held only to take a snapshot (see `report::RequestLog`).
    pub fn report(&self) -> SessionReport {
        self.flush_log();
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        let requests = log.rows.snapshot(self.seed);
        let not_kept = log.rows.not_kept();
        let counts: Vec<(ErrorKey, u64)> = log.failures.iter().map(|(k, &n)| (*k, n)).collect();
        drop(log);
        let mut failures: Vec<FailureRow> = counts
            .into_iter()
            .map(|(k, count)| FailureRow {
                code: k.code(),
                http_status: k.http_status(),
                message: self.world.edition.get().message(k.entry()),
                count,
            })
            .collect();
        failures.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        SessionReport {
            requests,
            requests_not_kept: not_kept,
            failures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RawRequest;
    use crate::time::parse_utc;
    use crate::world::load::load_doc;

    fn session() -> Session {
        let config = SessionConfig {
            seed: 3,
            start: parse_utc("2027-06-01T00:00:00Z").unwrap(),
            clock: ClockMode::Manual,
            log_limit: 10,
        };
        Session::from_doc(load_doc(&[]).unwrap(), &config)
    }

    fn admitted(s: &Session, extra: &[(&str, &str)]) -> Admitted {
        let mut raw = RawRequest::new("test");
        for (k, v) in [
            ("RegionId", "cn-hangzhou"),
            ("ZoneId", "cn-hangzhou-i"),
            ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
            ("InstanceType", "ecs.g7.large"),
            ("SecurityGroupId", "sg-bp1fullgroup9k2m7x4q"),
            ("VSwitchId", "vsw-bp1s5fnvk4gn2tws03624"),
            ("SystemDisk.Category", "cloud_essd"),
        ]
        .iter()
        .chain(extra)
        {
            raw.push(*k, *v);
        }
        crate::validate::admit(&raw, &s.world, s.clock.now())
            .0
            .expect("admitted")
    }

    #[test]
    fn releasing_gives_the_places_back() {
        // The 2018 reference counts every group in instances (1000), so the full group binds.
        let s = session().in_edition(crate::edition::EditionId::Reference2018);
        let at = s.clock.now();
        let RunResult::Created { ids, .. } = s.run(&admitted(&s, &[("Amount", "10")]), at) else {
            panic!("created")
        };
        let full = s.run(&admitted(&s, &[]), at);
        assert!(
            matches!(full, RunResult::Failed(v) if v.key == ErrorKey::SecurityGroupInstanceLimitExceed)
        );
        assert_eq!(s.delete(&ids[..3], false), Ok(3));
        assert_eq!(s.delete(&ids[..1], false), Err(ids[0].clone()));
        assert!(matches!(
            s.run(&admitted(&s, &[("Amount", "3")]), at),
            RunResult::Created { .. }
        ));
        let (n, cpu, spot) = s.postpaid_use("cn-hangzhou");
        assert_eq!((n, cpu, spot), (12 + 10, 40 + 20, 0));
    }

    #[test]
    fn auto_release_frees_instances_when_the_clock_passes() {
        let s = session();
        let at = s.clock.now();
        let a = admitted(&s, &[("AutoReleaseTime", "2027-06-01T01:00:00Z")]);
        assert!(matches!(s.run(&a, at), RunResult::Created { .. }));
        let live = |s: &Session| {
            let f = Listing {
                region: "cn-hangzhou",
                ..Listing::default()
            };
            let p = s.page(&f, PageStart::Skip(0), 100);
            assert_eq!(p.total, p.shown.len());
            p.total
        };
        assert_eq!(live(&s), 1);
        s.clock.advance(chrono::TimeDelta::minutes(59)).unwrap();
        assert_eq!(live(&s), 1);
        s.clock.advance(chrono::TimeDelta::minutes(1)).unwrap();
        assert_eq!(live(&s), 0);
        assert_eq!(s.postpaid_use("cn-hangzhou").0, 12);
    }

    #[test]
    fn the_log_keeps_its_limit_and_counts_every_error() {
        let s = session();
        for i in 0..15 {
            let row = Entry {
                seq: i,
                at: s.clock.now(),
                action: "RunInstances",
                region: "",
                zone: "",
                instance_type: "",
                amount: "",
                outcome: "dry_run",
                code: "DryRunOperation",
                http_status: 400,
                message: "",
                parameter: "",
                instances_created: 0,
            };
            s.log(&row, Some(ErrorKey::DryRunOperation));
        }
        let r = s.report();
        assert_eq!(r.requests.len(), 10);
        assert_eq!(r.requests.rows().last().unwrap().seq, 9);
        assert_eq!(r.requests_not_kept, 5);
        assert_eq!(r.failures[0].count, 15);
    }

    /// The cursor and free set give what the scan from the start of the range gave: the
    /// lowest address neither held nor the world's, through takes, requested addresses and
    /// give-backs in any order.
    #[test]
    fn addresses_give_the_lowest_free_one_as_the_scan_did() {
        let (first, last) = (10u32, 60u32);
        let in_world = |x: u32| x % 7 == 3;
        let mut a = Addresses::default();
        let mut model: BTreeSet<u32> = BTreeSet::new();
        let mut r: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            r = r
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pick = (r >> 33) as u32;
            let ip = first + pick % (last - first + 1);
            match pick % 5 {
                0 | 1 => {
                    let scan = (first..=last).find(|&x| !model.contains(&x) && !in_world(x));
                    assert_eq!(a.take_lowest((first, last), in_world), scan);
                    model.extend(scan);
                }
                2 if !model.contains(&ip) && !in_world(ip) => {
                    a.take(ip);
                    model.insert(ip);
                }
                _ => {
                    a.give_back(ip);
                    model.remove(&ip);
                }
            }
            assert!((first..=last).all(|x| a.holds(x) == model.contains(&x)));
        }
    }
}
