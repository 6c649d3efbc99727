//! Capacity tier: quotas, security-group and VPC limits, public bandwidth, the spot market,
//! service faults and stock, read through a [`CapacityView`] so that `check` (the world as it
//! stands) and the replay engine (state that changes over time) share one set of rules.

use chrono::{DateTime, Utc};

use super::claims::{
    Claim, SLOT_DEPLOYMENT_SET, SLOT_DISKS, SLOT_ENTERPRISE, SLOT_GROUPS, SLOT_PUBLIC_IPS,
    SLOT_QUOTAS, SLOT_VSWITCH,
};
use super::{Bound, Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::ParamId;
use crate::catalog::ErrorKey;
use crate::cost::DiskSpec;
use crate::request::typed::{InstanceChargeType, InternetChargeType, SpotStrategy};
use crate::world::World;

/// How a launch uses private pools ([`super::pools`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PoolUse {
    /// The public stock only.
    #[default]
    None,
    /// The named pool only: its room stands in for the stock.
    Target,
    /// A matching open pool when it has room for the whole request, else the public stock.
    Open,
}

/// What a request asks of capacity, computed once when it is admitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    pub region: String,
    /// The zone fixed by ZoneId or the vSwitch; None lets the system choose.
    pub zone: Option<String>,
    /// Zones of the region that list the type, sorted (used when `zone` is None).
    pub candidate_zones: Vec<String>,
    pub instance_type: String,
    pub vcpus: u32,
    /// Pay-as-you-go (PostPaid): subject to the pay-as-you-go quota.
    pub postpaid: bool,
    pub amount: u32,
    /// The least the request accepts (MinAmount, else Amount).
    pub min_amount: u32,
    pub security_group: String,
    pub vpc: Option<String>,
    pub charge: InternetChargeType,
    pub bandwidth_out: u32,
    pub spot: SpotStrategy,
    pub spot_limit: Option<f64>,
    /// SpotDuration: protection hours (1 unless sent).
    pub spot_duration: u32,
    /// The system disk as billed: category and size after defaults (size: the image's, at
    /// least 40 GiB).
    pub system_disk: DiskSpec,
    /// Data disks as billed: category after defaults, size as sent, else the snapshot's, else
    /// the category's least size.
    pub data_disks: Vec<DiskSpec>,
    /// The edition the request is answered in.
    pub edition: crate::edition::EditionId,
    /// The parameters that named the security group and the vSwitch (SecurityGroupIds.1 or a
    /// primary ENI's in today's forms), so capacity answers name what was sent.
    pub security_group_param: crate::catalog::params::ParamRef,
    pub vswitch_param: crate::catalog::params::ParamRef,
    /// The counted limits it draws on beyond the region's pool, bandwidth and stock.
    pub claims: Vec<Claim>,
    /// The span of `claims` each claim-reading rule checks (`claims::SLOTS`).
    pub claim_spans: [(u8, u8); super::claims::SLOTS],
    /// Whether it may launch into a private pool (its claim is the last, `SLOT_POOL`).
    pub pool: PoolUse,
}

impl Demand {
    pub(super) fn from_ctx(c: &Ctx) -> Demand {
        let t = c.req.instance_type.clone().unwrap_or_default();
        let mut zone = c.zone().map(str::to_string);
        let mut candidate_zones = if zone.is_some() {
            Vec::new()
        } else {
            c.world
                .zones_of(c.region)
                .filter(|z| c.world.zone_offer(&z.zone_id, "InstanceType", &t).is_some())
                .map(|z| z.zone_id.clone())
                .collect()
        };
        let amount = c.req.amount();
        let vcpus = c.itype.map_or(0, |t| t.cpu_core_count);
        // Today spot instances draw on their own vCPU quota, not the pay-as-you-go pool.
        let pool_counts = c.world.edition == crate::edition::EditionId::Reference2018
            || c.req.spot_strategy() == SpotStrategy::NoSpot;
        // A pool the launch may use fixes the zone when the request leaves it open.
        let pool = super::pools::choose(c, zone.as_deref(), &candidate_zones);
        if let (None, Some((_, _, z))) = (&zone, &pool) {
            zone = Some(z.clone());
            candidate_zones.clear();
        }
        let pool_use = pool.as_ref().map_or(PoolUse::None, |p| p.0);
        let pool_claim = pool.as_ref().map(|(how, p, _)| {
            let param = match how {
                PoolUse::Target => ParamId::PrivatePoolOptionsId,
                _ => ParamId::PrivatePoolOptionsMatchCriteria,
            };
            (
                p.private_pool_options_id.as_str(),
                crate::catalog::params::ParamRef::plain(param),
            )
        });
        let zones: Vec<&str> = match &zone {
            Some(z) => vec![z.as_str()],
            None if candidate_zones.is_empty() => vec![""],
            None => candidate_zones.iter().map(String::as_str).collect(),
        };
        let system_disk = DiskSpec {
            category: c.system_disk_category(),
            size_gib: c
                .req
                .system_disk
                .size
                .unwrap_or_else(|| c.image.map_or(40, |i| i.size.max(40))),
            performance_level: c.req.system_disk.performance_level,
        };
        let data_disks: Vec<DiskSpec> = c
            .req
            .data_disks
            .iter()
            .map(|d| {
                let category = c.data_disk_category(d);
                let from_snapshot = d
                    .snapshot_id
                    .as_deref()
                    .and_then(|s| c.world.snapshot(s))
                    .and_then(|s| s.source_disk_size.parse::<u32>().ok());
                DiskSpec {
                    category,
                    size_gib: d.size.or(from_snapshot).unwrap_or_else(|| {
                        c.edition
                            .data_disk_range(category, d.performance_level)
                            .map_or(20, |r| r.0)
                    }),
                    performance_level: d.performance_level,
                }
            })
            .collect();
        let data_n: Vec<u16> = c.req.data_disks.iter().map(|d| d.n).collect();
        let disks = super::claims::Disks {
            system: &system_disk,
            data: &data_disks,
            data_n: &data_n,
        };
        let (claims, claim_spans) = super::claims::claims_of(c, vcpus, &disks, pool_claim, &zones);
        // An open pool the world does not limit for the zone is no pool.
        let pool_use = match claim_spans[super::claims::SLOT_POOL] {
            (from, to) if from == to => PoolUse::None,
            _ => pool_use,
        };
        Demand {
            region: c.region.to_string(),
            zone,
            candidate_zones,
            vcpus,
            postpaid: c.req.instance_charge_type() == InstanceChargeType::PostPaid && pool_counts,
            instance_type: t,
            amount,
            min_amount: c.req.min_amount.unwrap_or(amount),
            security_group: c.req.security_group_id.clone().unwrap_or_default(),
            vpc: c.vpc.map(|v| v.vpc_id.clone()),
            charge: c.req.internet_charge_type(),
            bandwidth_out: c.req.bandwidth_out(),
            spot: c.req.spot_strategy(),
            spot_limit: c.req.spot_price_limit,
            spot_duration: c.req.spot_duration.unwrap_or(1),
            system_disk,
            data_disks,
            edition: c.world.edition,
            security_group_param: c.req.security_group_param(),
            vswitch_param: c.req.vswitch_param(),
            claims,
            claim_spans,
            pool: pool_use,
        }
    }
}

/// Instances granted: where and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub zone: String,
    pub amount: u32,
    /// Launched into a private pool: its claim is taken, the zone's stock is not.
    pub from_pool: bool,
}

/// A grant whose zone borrows the demand's: what the replay takes on its hot path, which
/// then allocates nothing for a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantIn<'d> {
    pub zone: &'d str,
    pub amount: u32,
    pub from_pool: bool,
}

impl GrantIn<'_> {
    pub fn owned(self) -> Grant {
        Grant {
            zone: self.zone.to_string(),
            amount: self.amount,
            from_pool: self.from_pool,
        }
    }
}

/// Limits and current use of everything capacity rules read.
pub trait CapacityView {
    /// (instance limit, vCPU limit) for pay-as-you-go instances; None is unlimited.
    fn postpaid_limits(&self, region: &str) -> (Option<u32>, Option<u32>);
    /// (instances, vCPUs) pay-as-you-go in use.
    fn postpaid_used(&self, region: &str) -> (u32, u32);
    /// (used, limit, units per instance) of the demand's claim `i` in `zone`; None when
    /// nothing limits it. The replay answers from its own arrays without touching
    /// `d.claims`, which is only read to word a refusal.
    fn claim(&self, d: &Demand, i: usize, zone: &str) -> Option<(u64, u64, u32)>;
    /// (used, limit) of a VPC, None when the VPC has no limit.
    fn vpc(&self, vpc: &str) -> Option<(u32, u32)>;
    /// (used, limit) public bandwidth in Mbit/s for the charge type.
    fn bandwidth(&self, region: &str, charge: InternetChargeType) -> (u32, u32);
    /// Instances the zone can deliver; None is unlimited; Some(0) sold out.
    fn stock(&self, zone: &str, instance_type: &str) -> Option<u32>;
    /// (market price, pay-as-you-go price) of spot instances of the type in the zone now.
    fn spot_price(&self, zone: &str, instance_type: &str) -> Option<(f64, f64)>;
    /// A service fault hitting requests in the region and zone now.
    fn fault(&self, region: &str, zone: &str) -> Option<ErrorKey>;
}

/// The world as it stands at one instant: `check`'s view.
pub struct WorldCapacity<'w> {
    world: &'w World,
    at: DateTime<Utc>,
}

impl<'w> WorldCapacity<'w> {
    pub fn new(world: &'w World, at: DateTime<Utc>) -> WorldCapacity<'w> {
        WorldCapacity { world, at }
    }
}

/// Initial stock of a type in a zone from the world: the zone's or type's SoldOut /
/// WithoutStock status means 0, else the StockLevel count, else unlimited.
pub fn initial_stock(world: &World, zone: &str, instance_type: &str) -> Option<u32> {
    let sold_out = |status: &str, cat: &str| {
        status == "SoldOut" || cat == "WithoutStock" || cat == "ClosedWithoutStock"
    };
    if let Some(z) = world.zone(zone) {
        if sold_out(&z.status, &z.status_category) {
            return Some(0);
        }
    }
    match world.zone_offer(zone, "InstanceType", instance_type) {
        Some(o) if sold_out(&o.status, &o.status_category) => Some(0),
        None => Some(0),
        Some(_) => world.stock(zone, instance_type),
    }
}

impl CapacityView for WorldCapacity<'_> {
    fn postpaid_limits(&self, region: &str) -> (Option<u32>, Option<u32>) {
        self.world.region_quota(region).map_or((None, None), |q| {
            (
                q.max_postpaid_instance_count,
                q.max_postpaid_instance_vcpu_count,
            )
        })
    }
    fn postpaid_used(&self, region: &str) -> (u32, u32) {
        self.world.region_quota(region).map_or((0, 0), |q| {
            (
                q.used_postpaid_instance_count,
                q.used_postpaid_instance_vcpu_count,
            )
        })
    }
    fn claim(&self, d: &Demand, i: usize, zone: &str) -> Option<(u64, u64, u32)> {
        let c = &d.claims[i];
        super::claims::world_limit(self.world, c, zone).map(|(u, l)| (u, l, c.per_instance))
    }
    fn vpc(&self, vpc: &str) -> Option<(u32, u32)> {
        self.world
            .vpc_quota(vpc)
            .map(|q| (q.instance_count, q.instance_limit))
    }
    fn bandwidth(&self, region: &str, charge: InternetChargeType) -> (u32, u32) {
        match self.world.region_quota(region) {
            Some(q) => match charge {
                InternetChargeType::PayByTraffic => (
                    q.used_pay_by_traffic_bandwidth,
                    q.pay_by_traffic_bandwidth_limit,
                ),
                InternetChargeType::PayByBandwidth => (
                    q.used_pay_by_bandwidth_bandwidth,
                    q.pay_by_bandwidth_bandwidth_limit,
                ),
            },
            None => (0, u32::MAX),
        }
    }
    fn stock(&self, zone: &str, instance_type: &str) -> Option<u32> {
        initial_stock(self.world, zone, instance_type)
    }
    fn spot_price(&self, zone: &str, instance_type: &str) -> Option<(f64, f64)> {
        self.world
            .spot_price_at(zone, instance_type, self.at)
            .map(|p| (p.spot_price, p.origin_price))
    }
    fn fault(&self, region: &str, zone: &str) -> Option<ErrorKey> {
        self.world
            .fault(region, Some(zone))
            .and_then(|f| ErrorKey::from_name(&f.error))
    }
}

fn capacity_fn(rule: &Rule) -> Option<super::CapacityFn> {
    match rule.check {
        Check::Capacity(f) => Some(f),
        _ => None,
    }
}

/// A capacity rule picked out of the registry: the rule, its check, and the claim slot it
/// reads when it only reads claims (a demand with none in that slot skips the call).
type CapacityRule = (&'static Rule, super::CapacityFn, Option<usize>);

/// The capacity rules in registry order, with their checks, picked out once: a replay asks
/// for them on every attempt.
fn capacity_rules() -> &'static [CapacityRule] {
    static LIST: std::sync::OnceLock<Vec<CapacityRule>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let slots: [(&Rule, usize); 8] = [
            (&TYPE_QUOTA, SLOT_QUOTAS),
            (&SECURITY_GROUP_LIMIT, SLOT_GROUPS),
            (&ENTERPRISE_GROUP_LIMIT, SLOT_ENTERPRISE),
            (&VSWITCH_IPS, SLOT_VSWITCH),
            (&DEPLOYMENT_SET_LIMIT, SLOT_DEPLOYMENT_SET),
            (&PUBLIC_IPS, SLOT_PUBLIC_IPS),
            (&DISK_QUOTAS, SLOT_DISKS),
            (&super::pools::PRIVATE_POOL_STOCK, super::claims::SLOT_POOL),
        ];
        super::rules()
            .iter()
            .filter_map(|r| {
                let slot = slots
                    .iter()
                    .find(|(x, _)| std::ptr::eq(*x, *r))
                    .map(|(_, s)| *s);
                capacity_fn(r).map(|f| (*r, f, slot))
            })
            .collect()
    })
}

/// Chooses the zone and runs every capacity rule in registry order. Each rule reports the
/// room it leaves; the grant is the least room capped at Amount, and a rule whose room is
/// below the request's minimum (MinAmount, else Amount) answers with its code.
pub fn grant(d: &Demand, view: &dyn CapacityView) -> Result<Grant, Violation> {
    grant_in(d, view).map(GrantIn::owned)
}

/// [`grant`], with the zone borrowed from the demand.
pub fn grant_in<'d>(d: &'d Demand, view: &dyn CapacityView) -> Result<GrantIn<'d>, Violation> {
    let zone = choose_zone(d, view);
    let mut amount = d.amount;
    for &(rule, f, slot) in capacity_rules() {
        if let Some(slot) = slot {
            let (from, to) = d.claim_spans[slot];
            if from == to {
                continue;
            }
        }
        // The zone is passed separately so that `Demand` stays immutable across trials.
        if let Some(room) = f(d, zone, view)? {
            if room < d.min_amount {
                let param = match rule.reads[0] {
                    ParamId::SecurityGroupId => d.security_group_param,
                    ParamId::VSwitchId => d.vswitch_param,
                    p => crate::catalog::params::ParamRef::plain(p),
                };
                return Err(Violation::new(rule.codes[0], param).bound(Bound {
                    limit: rule.name.to_string(),
                    unit: "instances",
                    used: None,
                    max: None,
                    per_instance: 1,
                    room,
                    asked: d.min_amount,
                }));
            }
            amount = amount.min(room);
        }
    }
    Ok(GrantIn {
        zone,
        amount,
        from_pool: from_pool(d, zone, view),
    })
}

/// Whether the launch takes its pool's capacity: always for Target; for Open when the pool
/// has room for the whole request (Amount), else the public stock serves it.
pub fn from_pool(d: &Demand, zone: &str, view: &dyn CapacityView) -> bool {
    match d.pool {
        PoolUse::None => false,
        PoolUse::Target => true,
        PoolUse::Open => {
            let (from, _) = d.claim_spans[super::claims::SLOT_POOL];
            view.claim(d, usize::from(from), zone)
                .is_some_and(|(used, limit, _)| limit.saturating_sub(used) >= u64::from(d.amount))
        }
    }
}

/// The fixed zone, or the first candidate with stock for the minimum, or the first candidate.
fn choose_zone<'d>(d: &'d Demand, view: &dyn CapacityView) -> &'d str {
    if let Some(z) = &d.zone {
        return z;
    }
    d.candidate_zones
        .iter()
        .find(|z| {
            view.stock(z, &d.instance_type)
                .is_none_or(|s| s >= d.min_amount)
        })
        .or(d.candidate_zones.first())
        .map_or("", String::as_str)
}

pub static INSTANCE_QUOTA: Rule = Rule {
    name: "postpaid_quota",
    tier: Tier::Capacity,
    reads: &[ParamId::Amount, ParamId::InstanceType],
    codes: &[ErrorKey::QuotaExceedAfterpayInstance],
    doc: "Pay-as-you-go instances and vCPUs in use in the region plus those requested stay \
          within the account's quota (PrePaid requests are not counted; today spot requests \
          draw on the spot vCPU quota instead). The answer names the bound that binds \
          (quota:REGION:instances or quota:REGION:vcpus). Example: 995 of 1000 vCPUs used, \
          Amount=3 of a 2-vCPU type -> QuotaExceed.AfterpayInstance.",
    check: Check::Capacity(|d, _, v| {
        if !d.postpaid {
            return Ok(None);
        }
        let (max_n, max_cpu) = v.postpaid_limits(&d.region);
        let (used_n, used_cpu) = v.postpaid_used(&d.region);
        let refuse = |what: &str, unit, used: u32, max: u32, per: u32, room: u32| {
            Violation::on(ErrorKey::QuotaExceedAfterpayInstance, ParamId::Amount).bound(Bound {
                limit: format!("quota:{}:{what}", d.region),
                unit,
                used: Some(used.into()),
                max: Some(max.into()),
                per_instance: per,
                room,
                asked: d.min_amount,
            })
        };
        let by_count = max_n.map(|m| m.saturating_sub(used_n));
        if let (Some(m), Some(room)) = (max_n, by_count) {
            if room < d.min_amount {
                return Err(refuse("instances", "instances", used_n, m, 1, room));
            }
        }
        let by_cpu = max_cpu
            .filter(|_| d.vcpus > 0)
            .map(|m| m.saturating_sub(used_cpu) / d.vcpus);
        if let (Some(m), Some(room)) = (max_cpu, by_cpu) {
            if room < d.min_amount {
                return Err(refuse("vcpus", "vCPUs", used_cpu, m, d.vcpus, room));
            }
        }
        Ok(min_room(by_count, by_cpu))
    }),
};

pub static TYPE_QUOTA: Rule = Rule {
    name: "type_and_spot_quota",
    tier: Tier::Capacity,
    reads: &[ParamId::InstanceType, ParamId::SpotStrategy],
    codes: &[ErrorKey::QuotaExceedElasticQuota],
    doc: "Today's per zone × instance type × billing method vCPU quotas (world \
          InstanceTypeQuotas) and the region's spot vCPU quota (RegionQuota \
          MaxSpotInstanceVcpuCount) leave room for the vCPUs asked; either answers \
          QuotaExceed.ElasticQuota (403). Example: a quota of 8 vCPUs for ecs.g7.large \
          PostPaid in cn-hangzhou-i with 4 used, Amount=2 (2 vCPUs each) fits, Amount=3 does \
          not.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_QUOTAS)),
};

fn min_room(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub static SECURITY_GROUP_LIMIT: Rule = Rule {
    name: "security_group_limit",
    tier: Tier::Capacity,
    reads: &[ParamId::SecurityGroupId],
    codes: &[ErrorKey::SecurityGroupInstanceLimitExceed],
    doc: "Every group the instance joins has room for it, counted by the group's type: a \
          classic-network group in instances (InstanceLimit, default 1000, the reference's \
          limit for every group), a basic VPC group in private IPs (the account's \
          BasicSecurityGroupIpLimit, default 2000). Example: a classic group holding 999 \
          instances, Amount=2 -> SecurityGroupInstanceLimitExceed.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_GROUPS)),
};

pub static ENTERPRISE_GROUP_LIMIT: Rule = Rule {
    name: "enterprise_group_limit",
    tier: Tier::Capacity,
    reads: &[ParamId::SecurityGroupId],
    codes: &[ErrorKey::InvalidOperationEniCountExceeded],
    doc: "An enterprise (advanced) group the instance joins has room for its ENIs (65,536 by \
          default; world EniLimit). Example: an enterprise group holding 65,535 ENIs, \
          Amount=2 -> InvalidOperation.EniCountExceeded.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_ENTERPRISE)),
};

pub static VSWITCH_IPS: Rule = Rule {
    name: "vswitch_addresses",
    tier: Tier::Capacity,
    reads: &[ParamId::VSwitchId],
    codes: &[ErrorKey::QuotaExceededPrivateIpAddress],
    doc: "The vSwitch has a free private address for each instance (and each secondary ENI \
          on it): AvailableIpAddressCount, else the CIDR's addresses less the first and the \
          last three and the world's instances on it. Example: 3 free addresses, Amount=10 \
          -> QuotaExceeded.PrivateIpAddress.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_VSWITCH)),
};

pub static DEPLOYMENT_SET_LIMIT: Rule = Rule {
    name: "deployment_set_limit",
    tier: Tier::Capacity,
    reads: &[ParamId::DeploymentSetId],
    codes: &[ErrorKey::QuotaExceedDeploymentSetInstanceQuotaFull],
    doc: "A deployment set takes at most its per-zone limit in each zone (7 for the \
          high-availability strategy; world InstancesPerZoneLimit). Example: a set holding 6 \
          instances in the zone, Amount=2 -> QuotaExceed.DeploymentSetInstanceQuotaFull.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_DEPLOYMENT_SET)),
};

pub static PUBLIC_IPS: Rule = Rule {
    name: "public_ipv4_stock",
    tier: Tier::Capacity,
    reads: &[ParamId::InternetMaxBandwidthOut],
    codes: &[ErrorKey::InvalidOperationPublicIpAddressNoStock],
    doc: "An instance with public bandwidth takes a public IPv4 address from the region's \
          stock (world RegionQuota PublicIpAddressStock; unlimited when absent). Example: a \
          stock of 2, Amount=3 with InternetMaxBandwidthOut=5 -> \
          InvalidOperation.PublicIpAddressNoStock.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_PUBLIC_IPS)),
};

pub static DISK_QUOTAS: Rule = Rule {
    name: "disk_quotas",
    tier: Tier::Capacity,
    reads: &[ParamId::DataDiskSize, ParamId::SystemDiskCategory],
    codes: &[
        ErrorKey::QuotaExceedPostPaidDisk,
        ErrorKey::QuotaExceedDiskCapacity,
        ErrorKey::QuotaExceededPostpaidDataDiskCapacity,
        ErrorKey::QuotaExceededPrepayDataDiskCapacity,
    ],
    doc: "The account's disk quotas leave room for every cloud disk of every instance: the \
          region's living pay-as-you-go disks, system disks included (RegionQuota \
          MaxPostPaidDiskCount; QuotaExceed.PostPaidDisk), the GiB of each category in the \
          zone (DiskCapacityQuotas; QuotaExceed.DiskCapacity), and the GiB of data disks per \
          billing method (MaxPostpaidDataDiskCapacity, MaxPrepaidDataDiskCapacity; \
          QuotaExceeded.PostpaidDataDiskCapacity / PrepayDataDiskCapacity). Local disks count \
          in none. Example: 1,000 of 1,024 GiB of cloud_essd used in the zone, Amount=2 with a \
          40 GiB ESSD system disk -> QuotaExceed.DiskCapacity.",
    check: Check::Capacity(|d, zone, v| super::claims::room(d, zone, v, SLOT_DISKS)),
};

pub static VPC_LIMIT: Rule = Rule {
    name: "vpc_limit",
    tier: Tier::Capacity,
    reads: &[ParamId::VSwitchId],
    codes: &[ErrorKey::QuotaExceeded],
    doc: "Instances in the VPC plus Amount stay within the VPC's instance limit.",
    check: Check::Capacity(|d, _, v| {
        Ok(d.vpc
            .as_deref()
            .and_then(|vpc| v.vpc(vpc))
            .map(|(used, limit)| limit.saturating_sub(used)))
    }),
};

pub static PUBLIC_BANDWIDTH: Rule = Rule {
    name: "public_bandwidth",
    tier: Tier::Capacity,
    reads: &[ParamId::InternetMaxBandwidthOut],
    codes: &[ErrorKey::InvalidParameterInstanceBandwidth],
    doc: "Amount x InternetMaxBandwidthOut plus the region's public bandwidth in use stays \
          within the account's regional limit for the charge type (PayByTraffic 5 Gbit/s, \
          PayByBandwidth 50 Gbit/s since 2020-11-27). The reference answers InvalidParameter; \
          today's API QuotaExceeded.InternetBandwidth.",
    check: Check::Capacity(|d, _, v| {
        if d.bandwidth_out == 0 {
            return Ok(None);
        }
        let (used, limit) = v.bandwidth(&d.region, d.charge);
        let room = limit.saturating_sub(used) / d.bandwidth_out;
        if room < d.min_amount {
            let charge = d.charge.as_str();
            return Err(Violation::on(
                ErrorKey::InvalidParameterInstanceBandwidth,
                ParamId::InternetMaxBandwidthOut,
            )
            .arg(format!(
                "The public bandwidth quota for {charge} in {} is exceeded: {used} of {limit} \
                 Mbit/s in use, {} Mbit/s asked",
                d.region,
                u64::from(d.min_amount) * u64::from(d.bandwidth_out)
            ))
            .bound(Bound {
                limit: format!("bandwidth:{}:{charge}", d.region),
                unit: "Mbit/s",
                used: Some(used.into()),
                max: Some(limit.into()),
                per_instance: d.bandwidth_out,
                room,
                asked: d.min_amount,
            }));
        }
        Ok(Some(room))
    }),
};

pub static SPOT_MARKET: Rule = Rule {
    name: "spot_market",
    tier: Tier::Capacity,
    reads: &[ParamId::SpotPriceLimit],
    codes: &[
        ErrorKey::InvalidSpotPriceLimitLowerThanPublicPrice,
        ErrorKey::InvalidSpotPriceLimit,
    ],
    doc: "SpotWithPriceLimit: the limit is at least the market price in force in the zone \
          (LowerThanPublicPrice) and at most the pay-as-you-go price (InvalidSpotPriceLimit), \
          read from the world's DescribeSpotPriceHistory records.",
    check: Check::Capacity(|d, zone, v| {
        let (SpotStrategy::SpotWithPriceLimit, Some(limit)) = (d.spot, d.spot_limit) else {
            return Ok(None);
        };
        let Some((market, origin)) = v.spot_price(zone, &d.instance_type) else {
            return Ok(None);
        };
        if limit < market {
            return Err(Violation::on(
                ErrorKey::InvalidSpotPriceLimitLowerThanPublicPrice,
                ParamId::SpotPriceLimit,
            ));
        }
        if limit > origin {
            return Err(Violation::on(
                ErrorKey::InvalidSpotPriceLimit,
                ParamId::SpotPriceLimit,
            ));
        }
        Ok(None)
    }),
};

pub static SERVICE_FAULTS: Rule = Rule {
    name: "service_faults",
    tier: Tier::Capacity,
    reads: &[ParamId::RegionId],
    codes: &[
        ErrorKey::InternalError,
        ErrorKey::InnerServiceFailed,
        ErrorKey::OperationDeniedCreating,
    ],
    doc: "A modeled outage (world ServiceHealth in check; configured rates in replays) answers \
          its transient error: InternalError, InnerServiceFailed, or OperationDenied 'Another \
          Instance is being created.'.",
    check: Check::Capacity(|d, zone, v| match v.fault(&d.region, zone) {
        Some(k) => Err(Violation::bare(k)),
        None => Ok(None),
    }),
};

pub static STOCK: Rule = Rule {
    name: "stock",
    tier: Tier::Capacity,
    reads: &[ParamId::InstanceType, ParamId::ZoneId],
    codes: &[ErrorKey::OperationDeniedNoStock],
    doc: "The zone can deliver Amount instances of the type (MinAmount: at least that many, \
          fewer than Amount created). Without a zone, the first zone of the region with \
          enough stock is chosen. A launch into a private pool takes the pool's capacity \
          instead. Example: type SoldOut in the zone -> OperationDenied.NoStock.",
    check: Check::Capacity(|d, zone, v| {
        if from_pool(d, zone, v) {
            return Ok(None);
        }
        Ok(v.stock(zone, &d.instance_type))
    }),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_claim_slot_has_one_registered_rule_that_skips_when_empty() {
        let mut slots: Vec<usize> = capacity_rules().iter().filter_map(|r| r.2).collect();
        slots.sort_unstable();
        assert_eq!(slots, (0..super::super::claims::SLOTS).collect::<Vec<_>>());
    }
}
