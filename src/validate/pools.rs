//! Private pools (`PrivatePoolOptions.*`): capacity reservations and elasticity assurances
//! of the world, matched by `PrivatePoolOptions.MatchCriteria` (docs/capacity.md, "Private
//! pools").
//!
//! - `Target` launches into the pool `PrivatePoolOptions.Id` names, or fails: the pool must
//!   exist, be usable now and match the request's type, zone, billing method and platform;
//!   its capacity stands in for the zone's stock, and an exhausted pool answers
//!   `Invalid.PrivatePoolOptions.NoStock`.
//! - `Open` uses the first matching open pool (by id) when it has room for the whole request,
//!   else the public stock, as the API describes. Without a zone, a matching open pool's
//!   zone is the zone.
//! - `None` (the default) never uses a pool.
//!
//! Spot launches may only send `None` (classic-network launches too, but today's edition
//! refuses them earlier: VSwitchId is required).

use super::capacity::PoolUse;
use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::ParamId;
use crate::catalog::ErrorKey;
use crate::request::typed::{InstanceChargeType, SpotStrategy};
use crate::world::PrivatePool;

/// The criteria as sent (None when absent or `None`).
fn criteria(c: &Ctx) -> Option<&'static str> {
    match c.req.get_str(ParamId::PrivatePoolOptionsMatchCriteria) {
        Some("Target") => Some("Target"),
        Some("Open") => Some("Open"),
        _ => None,
    }
}

/// The billing method a pool must carry for the request.
fn charge(c: &Ctx) -> &'static str {
    match c.req.instance_charge_type() {
        InstanceChargeType::PrePaid => "PrePaid",
        InstanceChargeType::PostPaid => "PostPaid",
    }
}

/// Whether the pool's platform admits the request's image (an unset platform admits any).
fn platform_fits(c: &Ctx, p: &PrivatePool) -> bool {
    p.platform.is_empty()
        || c.image.is_none_or(|i| {
            let os = if i.os_type.is_empty() {
                i.platform.as_str()
            } else {
                i.os_type.as_str()
            };
            os.eq_ignore_ascii_case(&p.platform)
        })
}

/// The pool a request launches into and the zone that takes it: a `Target` pool that
/// passed [`PRIVATE_POOL_MATCH`], or the first open pool (by id) that matches in `zone` (or,
/// without one, in any of `candidates`). None for `None`, or when no open pool matches.
pub(super) fn choose<'w>(
    c: &Ctx<'w>,
    zone: Option<&str>,
    candidates: &[String],
) -> Option<(PoolUse, &'w PrivatePool, String)> {
    let t = c.req.instance_type.as_deref()?;
    let in_zone = |p: &'w PrivatePool| {
        p.allocated_resources
            .allocated_resource
            .iter()
            .find(|r| {
                r.instance_type == t
                    && match zone {
                        Some(z) => r.zone_id == z,
                        None => candidates.contains(&r.zone_id),
                    }
            })
            .map(|r| r.zone_id.clone())
    };
    match criteria(c)? {
        "Target" => {
            let id = c.req.get_str(ParamId::PrivatePoolOptionsId)?;
            let p = c.world.private_pool(id)?;
            let z = zone.map(str::to_string).or_else(|| in_zone(p))?;
            Some((PoolUse::Target, p, z))
        }
        _ => c
            .world
            .private_pools_in(c.region)
            .filter(|p| {
                p.private_pool_options_match_criteria == "Open"
                    && p.usable_at(c.at)
                    && p.instance_charge_type == charge(c)
                    && platform_fits(c, p)
            })
            .find_map(|p| in_zone(p).map(|z| (PoolUse::Open, p, z))),
    }
}

pub static PRIVATE_POOL_MATCH: Rule = Rule {
    name: "private_pool_match",
    tier: Tier::Existence,
    reads: &[
        ParamId::PrivatePoolOptionsMatchCriteria,
        ParamId::PrivatePoolOptionsId,
    ],
    codes: &[
        ErrorKey::SpotNotSupported,
        ErrorKey::InvalidPrivatePoolOptionsId400,
        ErrorKey::InvalidPrivatePoolOptionsStatus,
        ErrorKey::InvalidInstanceChargeType,
        ErrorKey::InvalidPlatformValueNotSupported,
        ErrorKey::InvalidInstanceType,
        ErrorKey::InvalidZoneId,
    ],
    doc: "MatchCriteria Open or Target is refused for spot launches (SpotNotSupported). \
          A Target pool exists in the \
          region (world CapacityReservationSet / ElasticityAssuranceSet; \
          Invalid.PrivatePoolOptions.Id), is Active within its StartTime..EndTime \
          (Invalid.PrivatePoolOptions.status), has the request's billing method \
          (Invalid.InstanceChargeType), platform (InvalidPlatform.ValueNotSupported), \
          instance type (Invalid.InstanceType) and, when the zone is fixed, that zone \
          (Invalid.ZoneId). Example: Target crp-... holding ecs.c7.large, InstanceType \
          ecs.g7.large -> Invalid.InstanceType.",
    check: Check::Static(|c| {
        let how = criteria(c)?;
        if c.req.spot_strategy() != SpotStrategy::NoSpot {
            return Some(Violation::on(
                ErrorKey::SpotNotSupported,
                ParamId::PrivatePoolOptionsMatchCriteria,
            ));
        }
        if how != "Target" {
            return None;
        }
        // MissingParameter.PrivatePoolOptions.Id is answered earlier, by the syntax rule.
        let id = c.req.get_str(ParamId::PrivatePoolOptionsId)?;
        let refuse = |k, p| Some(Violation::on(k, p));
        let Some(p) = c.world.private_pool(id).filter(|p| p.region_id == c.region) else {
            return refuse(
                ErrorKey::InvalidPrivatePoolOptionsId400,
                ParamId::PrivatePoolOptionsId,
            );
        };
        if !p.usable_at(c.at) {
            return refuse(
                ErrorKey::InvalidPrivatePoolOptionsStatus,
                ParamId::PrivatePoolOptionsId,
            );
        }
        if p.instance_charge_type != charge(c) {
            return refuse(
                ErrorKey::InvalidInstanceChargeType,
                ParamId::InstanceChargeType,
            );
        }
        if !platform_fits(c, p) {
            return refuse(ErrorKey::InvalidPlatformValueNotSupported, ParamId::ImageId);
        }
        let t = c.req.instance_type.as_deref().unwrap_or("");
        let resources = &p.allocated_resources.allocated_resource;
        if !resources.iter().any(|r| r.instance_type == t) {
            return refuse(ErrorKey::InvalidInstanceType, ParamId::InstanceType);
        }
        match c.zone() {
            Some(z) if p.resource(z, t).is_none() => {
                refuse(ErrorKey::InvalidZoneId, ParamId::ZoneId)
            }
            _ => None,
        }
    }),
};

pub static PRIVATE_POOL_STOCK: Rule = Rule {
    name: "private_pool_stock",
    tier: Tier::Capacity,
    reads: &[ParamId::PrivatePoolOptionsId],
    codes: &[ErrorKey::InvalidPrivatePoolOptionsNoStock],
    doc: "A Target pool has room for the request (TotalAmount less UsedAmount of its \
          AllocatedResource for the zone and type, less what the replay or the session has \
          launched into it); an Open pool without room leaves the request to the public \
          stock. Example: a reservation of 10 ecs.g7.large with 8 used, Target, Amount=3 -> \
          Invalid.PrivatePoolOptions.NoStock.",
    check: Check::Capacity(|d, zone, v| {
        if d.pool != PoolUse::Target {
            return Ok(None);
        }
        super::claims::room(d, zone, v, super::claims::SLOT_POOL)
    }),
};
