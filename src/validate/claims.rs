//! Counted limits a request draws on, beside the region's pay-as-you-go pool, public
//! bandwidth and stock: vSwitch addresses, security-group capacity by group type, per zone ×
//! type × billing method vCPU quotas, the spot vCPU quota, deployment sets and public IPv4
//! addresses (docs/capacity.md).
//!
//! A request's [`Claim`]s are worked out once when it is admitted: which resource, how many
//! units one instance takes, and the parameter to blame. The capacity rules read each claim's
//! (used, limit) through the [`CapacityView`], so `check` (the world as it stands), the replay
//! (per-trial counters) and `serve` (the session's counters) share one set of rules.

use super::capacity::{CapacityView, Demand};
use super::{Bound, Ctx, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::cost::DiskSpec;
use crate::edition::EditionId;
use crate::request::typed::{InstanceChargeType, SpotStrategy, Value};
use crate::world::World;

/// What a claim counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitKind {
    /// Instances in a classic-network group (every group under the 2018 reference).
    GroupInstances,
    /// Private IP addresses in a basic (`normal`) VPC group.
    GroupIps,
    /// ENIs in an enterprise (advanced) group.
    GroupEnis,
    /// Free private addresses of a vSwitch.
    VSwitchIps,
    /// vCPUs of a per zone × type × billing method quota.
    TypeQuota,
    /// Spot vCPUs of the region.
    SpotVcpus,
    /// Instances of a deployment set in one zone.
    DeploymentSet,
    /// Public IPv4 addresses the region can still assign.
    PublicIps,
    /// Living pay-as-you-go cloud disks of the region (system disks included).
    PostPaidDisks,
    /// GiB of one disk category in one zone.
    DiskCapacity,
    /// GiB of pay-as-you-go data disks of the region.
    PostpaidDataDiskCapacity,
    /// GiB of subscription data disks of the region.
    PrepaidDataDiskCapacity,
    /// Instances of one type a private pool holds in one zone.
    PrivatePool,
}

/// The capacity rules that read claims, in registry order: each reads one slot.
pub const SLOTS: usize = 8;
pub const SLOT_QUOTAS: usize = 0;
pub const SLOT_GROUPS: usize = 1;
pub const SLOT_ENTERPRISE: usize = 2;
pub const SLOT_VSWITCH: usize = 3;
pub const SLOT_DEPLOYMENT_SET: usize = 4;
pub const SLOT_PUBLIC_IPS: usize = 5;
pub const SLOT_DISKS: usize = 6;
/// Last, so a launch that does not use its pool drops the slot's one claim from the end.
pub const SLOT_POOL: usize = 7;

impl LimitKind {
    /// The slot of the rule that checks this kind.
    pub fn slot(self) -> usize {
        match self {
            LimitKind::TypeQuota | LimitKind::SpotVcpus => SLOT_QUOTAS,
            LimitKind::GroupInstances | LimitKind::GroupIps => SLOT_GROUPS,
            LimitKind::GroupEnis => SLOT_ENTERPRISE,
            LimitKind::VSwitchIps => SLOT_VSWITCH,
            LimitKind::DeploymentSet => SLOT_DEPLOYMENT_SET,
            LimitKind::PublicIps => SLOT_PUBLIC_IPS,
            LimitKind::PostPaidDisks
            | LimitKind::DiskCapacity
            | LimitKind::PostpaidDataDiskCapacity
            | LimitKind::PrepaidDataDiskCapacity => SLOT_DISKS,
            LimitKind::PrivatePool => SLOT_POOL,
        }
    }

    /// The row answered when the limit binds.
    pub fn code(self) -> ErrorKey {
        match self {
            LimitKind::GroupInstances | LimitKind::GroupIps => {
                ErrorKey::SecurityGroupInstanceLimitExceed
            }
            LimitKind::GroupEnis => ErrorKey::InvalidOperationEniCountExceeded,
            LimitKind::VSwitchIps => ErrorKey::QuotaExceededPrivateIpAddress,
            LimitKind::TypeQuota | LimitKind::SpotVcpus => ErrorKey::QuotaExceedElasticQuota,
            LimitKind::DeploymentSet => ErrorKey::QuotaExceedDeploymentSetInstanceQuotaFull,
            LimitKind::PublicIps => ErrorKey::InvalidOperationPublicIpAddressNoStock,
            LimitKind::PostPaidDisks => ErrorKey::QuotaExceedPostPaidDisk,
            LimitKind::DiskCapacity => ErrorKey::QuotaExceedDiskCapacity,
            LimitKind::PostpaidDataDiskCapacity => ErrorKey::QuotaExceededPostpaidDataDiskCapacity,
            LimitKind::PrepaidDataDiskCapacity => ErrorKey::QuotaExceededPrepayDataDiskCapacity,
            LimitKind::PrivatePool => ErrorKey::InvalidPrivatePoolOptionsNoStock,
        }
    }

    /// The name's prefix in timeline.csv and in answers (`vswitch_ips:vsw-...`).
    pub fn prefix(self) -> &'static str {
        match self {
            LimitKind::GroupInstances => "security_group",
            LimitKind::GroupIps => "security_group_ips",
            LimitKind::GroupEnis => "security_group_enis",
            LimitKind::VSwitchIps => "vswitch_ips",
            LimitKind::TypeQuota => "type_quota",
            LimitKind::SpotVcpus => "spot_vcpus",
            LimitKind::DeploymentSet => "deployment_set",
            LimitKind::PublicIps => "public_ips",
            LimitKind::PostPaidDisks => "postpaid_disks",
            LimitKind::DiskCapacity => "disk_capacity",
            LimitKind::PostpaidDataDiskCapacity => "postpaid_data_disk_gib",
            LimitKind::PrepaidDataDiskCapacity => "prepaid_data_disk_gib",
            LimitKind::PrivatePool => "private_pool",
        }
    }

    /// What one unit is.
    pub fn unit(self) -> &'static str {
        match self {
            LimitKind::GroupInstances | LimitKind::DeploymentSet | LimitKind::PrivatePool => {
                "instances"
            }
            LimitKind::GroupIps | LimitKind::VSwitchIps => "private IPs",
            LimitKind::GroupEnis => "ENIs",
            LimitKind::TypeQuota | LimitKind::SpotVcpus => "vCPUs",
            LimitKind::PublicIps => "public IPv4 addresses",
            LimitKind::PostPaidDisks => "disks",
            LimitKind::DiskCapacity
            | LimitKind::PostpaidDataDiskCapacity
            | LimitKind::PrepaidDataDiskCapacity => "GiB",
        }
    }
}

/// One counted limit a request draws on.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub kind: LimitKind,
    /// The resource: the group, vSwitch, deployment set or region id; for a type quota
    /// `instance type:billing method`.
    pub id: String,
    /// Counted per zone: the zone chosen at grant time completes the key.
    pub per_zone: bool,
    /// Units one instance takes.
    pub per_instance: u32,
    /// The parameter an answer names.
    pub param: ParamRef,
}

impl Claim {
    /// The limit's name in answers and timeline.csv: `prefix:id`, then `:zone` for limits
    /// counted per zone.
    pub fn name(&self, zone: &str) -> String {
        if self.per_zone {
            format!("{}:{}:{}", self.kind.prefix(), zone, self.id)
        } else {
            format!("{}:{}", self.kind.prefix(), self.id)
        }
    }
}

/// The claims of a request that the world limits somewhere among `zones` (the fixed zone or
/// the candidates), grouped by the slot of the rule that checks them (sent order within a
/// slot), with each slot's span: a replay checks them on every attempt, so claims nothing
/// limits are left out here once.
pub(super) fn claims_of(
    c: &Ctx,
    vcpus: u32,
    disks: &Disks,
    pool: PoolClaim,
    zones: &[&str],
) -> (Vec<Claim>, [(u8, u8); SLOTS]) {
    let mut kept = Kept {
        world: c.world,
        zones,
        out: Vec::new(),
    };
    every_claim(c, vcpus, disks, &mut kept);
    if let (Some((id, param)), Some(t)) = (pool, c.req.instance_type.as_deref()) {
        kept.push(LimitKind::PrivatePool, &format!("{id}:{t}"), true, 1, param);
    }
    let mut all = kept.out;
    all.truncate(usize::from(u8::MAX));
    all.sort_by_key(|claim| claim.kind.slot());
    let mut spans = [(0u8, 0u8); SLOTS];
    for (slot, span) in spans.iter_mut().enumerate() {
        let from = all.partition_point(|x| x.kind.slot() < slot);
        let to = all.partition_point(|x| x.kind.slot() <= slot);
        *span = (from as u8, to as u8);
    }
    (all, spans)
}

/// A request's disks as billed (categories and sizes after defaults): the system disk, then
/// the data disks with the parameter each was sent as.
pub(super) struct Disks<'a> {
    pub system: &'a DiskSpec,
    pub data: &'a [DiskSpec],
    /// `DataDisk.n` of each entry of `data`.
    pub data_n: &'a [u16],
}

/// The private pool a request launches into, if any: (pool id, the parameter to blame).
pub(super) type PoolClaim<'a> = Option<(&'a str, ParamRef)>;

/// Claims as they are gathered, keeping those the world limits in one of `zones`: an id is
/// copied only for a claim kept.
struct Kept<'a> {
    world: &'a World,
    zones: &'a [&'a str],
    out: Vec<Claim>,
}

impl Kept<'_> {
    fn push(
        &mut self,
        kind: LimitKind,
        id: &str,
        per_zone: bool,
        per_instance: u32,
        param: ParamRef,
    ) {
        if self
            .zones
            .iter()
            .any(|z| limit_of(self.world, kind, id, z).is_some())
        {
            self.out.push(Claim {
                kind,
                id: id.to_string(),
                per_zone,
                per_instance,
                param,
            });
        }
    }
}

/// Every claim of a request, in order, offered to `out`.
fn every_claim(c: &Ctx, vcpus: u32, disks: &Disks, out: &mut Kept) {
    let r = c.req;
    let reference = c.world.edition == EditionId::Reference2018;
    // Addresses and ENIs one instance takes: the primary ENI's address, one per secondary
    // ENI (each on its own vSwitch when it names one, else the primary's).
    let primary = r.primary_eni();
    let secondaries: Vec<u16> = r
        .eni_indices()
        .into_iter()
        .filter(|n| Some(*n) != primary)
        .collect();
    let enis = 1 + secondaries.len() as u32;
    let mut seen: Vec<&str> = Vec::new();
    for (param, id) in r.security_groups() {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(g) = c.world.security_group(id) else {
            continue;
        };
        let (kind, per_instance) = if reference || g.is_classic() {
            (LimitKind::GroupInstances, 1)
        } else if g.is_enterprise() {
            (LimitKind::GroupEnis, enis)
        } else {
            (LimitKind::GroupIps, enis)
        };
        out.push(kind, id, false, per_instance, param);
    }
    if reference {
        return;
    }
    if let Some(v) = r.vswitch_id.as_deref() {
        // (parameter, vSwitch, addresses per instance), the primary's first.
        let mut taken: Vec<(ParamRef, &str, u32)> = vec![(r.vswitch_param(), v, 1)];
        for n in &secondaries {
            let p = ParamRef::at(ParamId::NetworkInterfaceVSwitchId, *n);
            let on = r.at(p.id, *n, 0).and_then(Value::as_str).unwrap_or(v);
            match taken.iter_mut().find(|(_, t, _)| *t == on) {
                Some(t) => t.2 += 1,
                None => taken.push((p, on, 1)),
            }
        }
        for (param, id, per_instance) in taken {
            out.push(LimitKind::VSwitchIps, id, false, per_instance, param);
        }
    }
    let spot = r.spot_strategy() != SpotStrategy::NoSpot;
    if let Some(t) = r.instance_type.as_deref() {
        let charge = match (spot, r.instance_charge_type()) {
            (true, _) => "Spot",
            (false, InstanceChargeType::PrePaid) => "PrePaid",
            (false, InstanceChargeType::PostPaid) => "PostPaid",
        };
        // The id is built only for a quota the world sets (`world_limit` splits it again).
        if out
            .zones
            .iter()
            .any(|z| out.world.type_quota(z, t, charge).is_some())
        {
            out.push(
                LimitKind::TypeQuota,
                &format!("{t}:{charge}"),
                true,
                vcpus,
                ParamRef::plain(ParamId::InstanceType),
            );
        }
    }
    if spot {
        out.push(
            LimitKind::SpotVcpus,
            c.region,
            false,
            vcpus,
            ParamRef::plain(ParamId::SpotStrategy),
        );
    }
    if let Some(ds) = r.get_str(ParamId::DeploymentSetId) {
        out.push(
            LimitKind::DeploymentSet,
            ds,
            true,
            1,
            ParamRef::plain(ParamId::DeploymentSetId),
        );
    }
    if r.bandwidth_out() > 0 {
        out.push(
            LimitKind::PublicIps,
            c.region,
            false,
            1,
            ParamRef::plain(ParamId::InternetMaxBandwidthOut),
        );
    }
    disk_claims(c, spot, disks, out);
}

/// The disk quotas: living pay-as-you-go cloud disks (system disks included), GiB per zone ×
/// category (system and data disks), and GiB of data disks per billing method. Local disks
/// (ephemeral_ssd) count in none of them.
fn disk_claims(c: &Ctx, spot: bool, disks: &Disks, out: &mut Kept) {
    let prepaid = !spot && c.req.instance_charge_type() == InstanceChargeType::PrePaid;
    let cloud = |d: &DiskSpec| d.category.is_cloud();
    let data: Vec<(&DiskSpec, ParamRef)> = disks
        .data
        .iter()
        .zip(disks.data_n)
        .filter(|(d, _)| cloud(d))
        .map(|(d, n)| (d, ParamRef::at(ParamId::DataDiskSize, *n)))
        .collect();
    let count = u32::from(cloud(disks.system)) + data.len() as u32;
    if !prepaid && count > 0 {
        out.push(
            LimitKind::PostPaidDisks,
            c.region,
            false,
            count,
            ParamRef::plain(ParamId::Amount),
        );
    }
    // GiB per category, in the order the categories first appear (system disk first).
    let mut by_category: Vec<(crate::request::typed::DiskCategory, u32, ParamRef)> = Vec::new();
    let system = cloud(disks.system).then(|| {
        (
            disks.system,
            ParamRef::plain(if c.req.system_disk.size.is_some() {
                ParamId::SystemDiskSize
            } else {
                ParamId::SystemDiskCategory
            }),
        )
    });
    for (d, p) in system.into_iter().chain(data.iter().copied()) {
        match by_category.iter_mut().find(|(k, _, _)| *k == d.category) {
            Some(e) => e.1 = e.1.saturating_add(d.size_gib),
            None => by_category.push((d.category, d.size_gib, p)),
        }
    }
    for (k, gib, param) in by_category {
        out.push(LimitKind::DiskCapacity, k.as_str(), true, gib, param);
    }
    let data_gib = data
        .iter()
        .fold(0u32, |a, (d, _)| a.saturating_add(d.size_gib));
    if let (true, Some((_, param))) = (data_gib > 0, data.first()) {
        out.push(
            if prepaid {
                LimitKind::PrepaidDataDiskCapacity
            } else {
                LimitKind::PostpaidDataDiskCapacity
            },
            c.region,
            false,
            data_gib,
            *param,
        );
    }
}

/// (used, limit) of a claim in `zone` as the world stands; None when the world sets no
/// limit for it.
pub fn world_limit(world: &World, c: &Claim, zone: &str) -> Option<(u64, u64)> {
    limit_of(world, c.kind, &c.id, zone)
}

/// [`world_limit`] of a claim of `kind` on `id`, before the claim is built.
fn limit_of(world: &World, kind: LimitKind, id: &str, zone: &str) -> Option<(u64, u64)> {
    let g = || world.security_group(id);
    match kind {
        LimitKind::GroupInstances => g().map(|g| (g.ecs_count.into(), g.instance_limit.into())),
        LimitKind::GroupIps => g().map(|g| {
            (
                g.private_ip_count.unwrap_or(g.ecs_count).into(),
                g.private_ip_limit
                    .unwrap_or(world.account.basic_security_group_ip_limit)
                    .into(),
            )
        }),
        LimitKind::GroupEnis => g().map(|g| {
            (
                g.eni_count.unwrap_or(g.ecs_count).into(),
                g.eni_limit.into(),
            )
        }),
        LimitKind::VSwitchIps => world.vswitch_free_ips(id).map(|free| (0, free)),
        LimitKind::TypeQuota => {
            let (t, charge) = id.rsplit_once(':')?;
            world
                .type_quota(zone, t, charge)
                .map(|q| (q.used_vcpu_count.into(), q.max_vcpu_count.into()))
        }
        LimitKind::SpotVcpus => world.region_quota(id).and_then(|q| {
            q.max_spot_instance_vcpu_count
                .map(|m| (q.used_spot_instance_vcpu_count.into(), m.into()))
        }),
        LimitKind::DeploymentSet => world.deployment_set(id).map(|d| {
            (
                d.instances_in_zone(zone).into(),
                d.instances_per_zone_limit.into(),
            )
        }),
        LimitKind::PublicIps => world
            .region_quota(id)
            .and_then(|q| q.public_ip_address_stock)
            .map(|n| (0, n.into())),
        LimitKind::PostPaidDisks => world.region_quota(id).and_then(|q| {
            q.max_post_paid_disk_count
                .map(|m| (q.used_post_paid_disk_count.into(), m.into()))
        }),
        LimitKind::DiskCapacity => world
            .disk_quota(zone, id)
            .map(|q| (q.used_capacity, q.max_capacity)),
        LimitKind::PostpaidDataDiskCapacity => world.region_quota(id).and_then(|q| {
            q.max_postpaid_data_disk_capacity
                .map(|m| (q.used_postpaid_data_disk_capacity, m))
        }),
        LimitKind::PrepaidDataDiskCapacity => world.region_quota(id).and_then(|q| {
            q.max_prepaid_data_disk_capacity
                .map(|m| (q.used_prepaid_data_disk_capacity, m))
        }),
        LimitKind::PrivatePool => {
            let (pool, t) = id.rsplit_once(':')?;
            world
                .private_pool(pool)?
                .resource(zone, t)
                .map(|r| (r.used_amount.into(), r.total_amount.into()))
        }
    }
}

/// The room the demand's claims of `kinds` leave in `zone`, in instances; a claim whose room
/// is below the request's minimum answers with its row, naming the limit and the numbers.
#[inline]
pub fn room(
    d: &Demand,
    zone: &str,
    v: &dyn CapacityView,
    slot: usize,
) -> Result<Option<u32>, Violation> {
    let (from, to) = d.claim_spans[slot];
    if from == to {
        return Ok(None);
    }
    let mut least: Option<u32> = None;
    for i in usize::from(from)..usize::from(to) {
        let Some((used, limit, per_instance)) = v.claim(d, i, zone) else {
            continue;
        };
        let per = u64::from(per_instance.max(1));
        let room = u32::try_from(limit.saturating_sub(used) / per).unwrap_or(u32::MAX);
        if room < d.min_amount {
            let c = &d.claims[i];
            let mut v = Violation::new(c.kind.code(), c.param);
            if c.kind == LimitKind::DiskCapacity {
                // The row's message is `... in the zone, {0}.`
                v = v.arg(format!(
                    "{} in {zone}: {used} of {limit} GiB in use, {} GiB asked per instance",
                    c.id, c.per_instance
                ));
            }
            return Err(v.bound(Bound {
                limit: c.name(zone),
                unit: c.kind.unit(),
                used: Some(used),
                max: Some(limit),
                per_instance: c.per_instance,
                room,
                asked: d.min_amount,
            }));
        }
        least = Some(least.map_or(room, |l| l.min(room)));
    }
    Ok(least)
}
