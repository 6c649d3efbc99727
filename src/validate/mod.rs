//! Predicting RunInstances' answer: a registry of rules in documented precedence.
//!
//! Order of evaluation (see `docs/precedence.md`):
//! 1. **template**: a launch template named by the request is resolved and fills the
//!    parameters the request leaves out (it supplies parameters, so it comes first);
//! 2. **syntax**: single-parameter checks in the reference's parameter order (done by
//!    [`Request::from_raw`]), then cross-parameter checks that need no world;
//! 3. **existence** of every referenced resource; 4. **compatibility** between them;
//! 5. **account** standing and permissions; 6. **capacity** (quotas, security group and VPC
//!    limits, spot market, stock) and service faults, against a [`CapacityView`];
//! 7. `DryRun=true` turns a pass into `DryRunOperation`.
//!
//! Within a tier, rules run in the reference order of the first parameter they read. The
//! first violation is the prediction.

pub mod account;
pub mod billing;
pub mod capacity;
pub mod claims;
pub mod compat;
pub mod existence;
pub mod network;
pub mod options;
pub mod pools;
pub mod syntax;
pub mod template;

use chrono::{DateTime, Utc};

use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::edition::{DataDiskDefault, Edition, EditionId};
use crate::request::typed::Warning;
use crate::request::{RawRequest, Request};
use crate::world::{Image, InstanceType, SecurityGroup, VSwitch, Vpc, World};

pub use capacity::{CapacityView, Demand, Grant, WorldCapacity};

/// A predicted API error: the catalog row, the parameter that caused it, message arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub key: ErrorKey,
    pub param: Option<ParamRef>,
    /// Values for the message's `{0}`, `{1}` placeholders.
    pub args: Vec<String>,
    /// The edition whose wording the message takes (set by [`Violation::answered_in`]).
    pub edition: EditionId,
    /// For a capacity answer: which limit refused the request, with the numbers.
    pub bound: Option<Box<Bound>>,
}

/// Which limit refused a request and by how much: shown in `check --json`, requests.csv and
/// the report, so a planner sees whether the instance count, the vCPUs, the group's IPs or
/// the vSwitch bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// The limit's name, as timeline.csv names it (`vswitch_ips:vsw-...`).
    pub limit: String,
    /// What `used` and `max` count.
    pub unit: &'static str,
    /// Units in use and the limit, where the limit is a count.
    pub used: Option<u64>,
    pub max: Option<u64>,
    /// Units one instance takes.
    pub per_instance: u32,
    /// Instances the limit leaves room for.
    pub room: u32,
    /// Instances asked at least (MinAmount, else Amount).
    pub asked: u32,
}

impl Bound {
    /// One line: `vswitch_ips:vsw-1: room for 3 instances, 10 asked (249 of 252 private IPs
    /// in use, 1 per instance)`.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{}: room for {} instance{}, {} asked",
            self.limit,
            self.room,
            if self.room == 1 { "" } else { "s" },
            self.asked
        );
        if let (Some(used), Some(max)) = (self.used, self.max) {
            s.push_str(&format!(
                " ({used} of {max} {} in use, {} per instance)",
                self.unit, self.per_instance
            ));
        }
        s
    }
}

impl Violation {
    pub fn new(key: ErrorKey, param: ParamRef) -> Violation {
        Violation {
            key,
            param: Some(param),
            args: Vec::new(),
            edition: EditionId::default(),
            bound: None,
        }
    }

    /// The answer as `edition` gives it: a renamed code becomes today's row, and the message
    /// takes the edition's wording. Applied once, where a prediction leaves the rules.
    pub fn answered_in(mut self, edition: EditionId) -> Violation {
        self.key = edition.get().answer_key(self.key);
        self.edition = edition;
        self
    }

    pub fn on(key: ErrorKey, param: ParamId) -> Violation {
        Violation::new(key, ParamRef::plain(param))
    }

    pub fn bare(key: ErrorKey) -> Violation {
        Violation {
            key,
            param: None,
            args: Vec::new(),
            edition: EditionId::default(),
            bound: None,
        }
    }

    /// The limit that refused the request.
    pub fn bound(mut self, b: Bound) -> Violation {
        self.bound = Some(Box::new(b));
        self
    }

    pub fn arg(mut self, a: impl Into<String>) -> Violation {
        self.args.push(a.into());
        self
    }

    /// The rendered message, in the edition's wording.
    pub fn message(&self) -> String {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let entry = self.key.entry();
        crate::catalog::errors::render(self.edition.get().message(entry), &args)
    }
}

/// Precedence tiers, in evaluation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Template,
    Syntax,
    Existence,
    Compatibility,
    Account,
    Capacity,
}

/// How a rule is evaluated.
pub enum Check {
    /// Performed while resolving the launch template.
    Template,
    /// Performed by [`Request::from_raw`] while typing single parameters.
    Conversion,
    /// A check on the typed request and the world.
    Static(fn(&Ctx) -> Option<Violation>),
    /// A capacity check: `Ok(None)` no limit, `Ok(Some(h))` room for `h` instances, `Err` a
    /// denial regardless of size.
    /// The zone chosen for the request is passed beside the demand.
    Capacity(CapacityFn),
    /// Applied after every other rule passes.
    Final,
    /// Needs the history of a replay or session; applied by the stateful callers.
    Stateful,
}

/// A capacity check: (demand, chosen zone, view) → room left, or a denial.
pub type CapacityFn = fn(&Demand, &str, &dyn CapacityView) -> Result<Option<u32>, Violation>;

/// One documented rule.
pub struct Rule {
    pub name: &'static str,
    pub tier: Tier,
    /// Parameters read, first one deciding the order within the tier.
    pub reads: &'static [ParamId],
    /// Catalog rows it may return.
    pub codes: &'static [ErrorKey],
    /// What it checks, the reference row it follows, an example.
    pub doc: &'static str,
    pub check: Check,
}

/// What static rules see: the typed request, the world, the request time, and the resources
/// the request names, looked up once.
pub struct Ctx<'a> {
    pub req: &'a Request,
    pub world: &'a World,
    /// The edition's limits (`data/editions/*.json`).
    pub edition: &'static Edition,
    pub at: DateTime<Utc>,
    pub region: &'a str,
    pub image: Option<&'a Image>,
    pub itype: Option<&'a InstanceType>,
    pub sg: Option<&'a SecurityGroup>,
    pub vswitch: Option<&'a VSwitch>,
    pub vpc: Option<&'a Vpc>,
}

impl<'a> Ctx<'a> {
    fn new(req: &'a Request, world: &'a World, at: DateTime<Utc>) -> Ctx<'a> {
        let region = req.region_id.as_deref().unwrap_or("");
        let vswitch = req.vswitch_id.as_deref().and_then(|v| world.vswitch(v));
        let sg = req
            .security_group_id
            .as_deref()
            .and_then(|s| world.security_group(s));
        let vpc_id = vswitch
            .map(|v| v.vpc_id.as_str())
            .or_else(|| sg.map(|s| s.vpc_id.as_str()).filter(|v| !v.is_empty()));
        Ctx {
            req,
            world,
            edition: world.edition.get(),
            at,
            region,
            image: match req.image_id.as_deref() {
                Some(i) => world.image(region, i),
                None => req
                    .get_str(ParamId::ImageFamily)
                    .and_then(|f| world.newest_image_in_family(region, f)),
            },
            itype: req
                .instance_type
                .as_deref()
                .and_then(|t| world.instance_type(t)),
            sg,
            vswitch,
            vpc: vpc_id.and_then(|v| world.vpc(v)),
        }
    }

    /// A VPC instance: its security group belongs to a VPC, or a vSwitch is given.
    pub fn is_vpc(&self) -> bool {
        self.req.vswitch_id.is_some() || self.sg.is_some_and(|s| !s.vpc_id.is_empty())
    }

    pub fn is_windows(&self) -> bool {
        self.image
            .is_some_and(|i| i.os_type.eq_ignore_ascii_case("windows"))
    }

    /// The effective zone: ZoneId, else the vSwitch's zone.
    pub fn zone(&self) -> Option<&'a str> {
        self.req
            .zone_id
            .as_deref()
            .or(self.vswitch.map(|v| v.zone_id.as_str()))
    }

    /// Whether the instance will be I/O optimized (explicit, else the type's default).
    pub fn io_optimized(&self) -> bool {
        use crate::request::typed::IoOptimized;
        match self.req.io_optimized {
            Some(v) => v == IoOptimized::Optimized,
            None => self.itype.is_none_or(|t| t.io_optimized),
        }
    }

    /// A data disk's category after defaults: the edition's (`cloud` in the reference; today
    /// cloud_efficiency on I/O optimized instances, cloud otherwise).
    pub fn data_disk_category(
        &self,
        d: &crate::request::typed::DataDisk,
    ) -> crate::request::typed::DiskCategory {
        use crate::request::typed::DiskCategory;
        d.category_or(match self.edition.limits.data_disk_default {
            DataDiskDefault::Cloud => DiskCategory::Cloud,
            DataDiskDefault::IoOptimized if self.io_optimized() => DiskCategory::CloudEfficiency,
            DataDiskDefault::IoOptimized => DiskCategory::Cloud,
        })
    }

    /// The system disk category after defaults: cloud for retired non-I/O-optimized types,
    /// cloud_efficiency otherwise.
    pub fn system_disk_category(&self) -> crate::request::typed::DiskCategory {
        use crate::request::typed::DiskCategory;
        self.req
            .system_disk
            .category
            .unwrap_or(if self.io_optimized() {
                DiskCategory::CloudEfficiency
            } else {
                DiskCategory::Cloud
            })
    }
}

/// The registry, in evaluation order.
pub fn rules() -> &'static [&'static Rule] {
    static RULES: &[&Rule] = &[
        &template::LAUNCH_TEMPLATE,
        &syntax::SINGLE_PARAMETER,
        &syntax::REQUIRED,
        &network::GROUP_FORMS,
        &options::IMAGE_FAMILY_FORM,
        &syntax::SYSTEM_DISK_SIZE,
        &syntax::DATA_DISKS,
        &options::DISK_OPTIONS,
        &syntax::PASSWORD_INHERIT,
        &syntax::MIN_AMOUNT,
        &options::HOST_NAMES,
        &syntax::AUTO_RELEASE_TIME,
        &syntax::TAGS,
        &syntax::SPOT,
        &billing::SUBSCRIPTION,
        &billing::DELETION_PROTECTION,
        &options::METADATA_ACCESS,
        &options::PRIVATE_POOL,
        &existence::REGION,
        &existence::ZONE,
        &existence::IMAGE,
        &options::IMAGE_FAMILY,
        &existence::INSTANCE_TYPE,
        &existence::SECURITY_GROUP,
        &network::GROUPS_EXIST,
        &existence::SNAPSHOTS,
        &existence::HPC_CLUSTER,
        &existence::VSWITCH,
        &network::VPC_STATE,
        &existence::KEY_PAIR,
        &existence::RAM_ROLE,
        &options::PLACEMENT,
        &pools::PRIVATE_POOL_MATCH,
        &compat::ZONE_STATE,
        &compat::IMAGE_AND_TYPE,
        &compat::IO_OPTIMIZED,
        &options::DISKS_BY_TYPE,
        &compat::SYSTEM_DISK,
        &compat::DATA_DISKS,
        &compat::HPC,
        &compat::NETWORK,
        &network::GROUPS_FIT,
        &network::ENIS,
        &network::PRIVATE_IP,
        &network::IPV6,
        &compat::HOST_NAME,
        &compat::USER_DATA_AND_KEYS,
        &billing::SPOT_INTERRUPTION,
        &options::CREDIT,
        &options::WINDOWS_PASSWORD,
        &account::STANDING,
        &account::REGION_AND_ZONE,
        &account::INSTANCE_TYPE,
        &account::DISK_CATEGORIES,
        &account::PERMISSIONS,
        &account::SPOT,
        &billing::PURCHASE,
        &network::JOINED_LIMIT,
        &capacity::INSTANCE_QUOTA,
        &capacity::TYPE_QUOTA,
        &capacity::SECURITY_GROUP_LIMIT,
        &capacity::ENTERPRISE_GROUP_LIMIT,
        &capacity::VPC_LIMIT,
        &capacity::VSWITCH_IPS,
        &capacity::DEPLOYMENT_SET_LIMIT,
        &capacity::PUBLIC_BANDWIDTH,
        &capacity::PUBLIC_IPS,
        &capacity::DISK_QUOTAS,
        &pools::PRIVATE_POOL_STOCK,
        &capacity::SPOT_MARKET,
        &capacity::SERVICE_FAULTS,
        &capacity::STOCK,
        &IDEMPOTENCY,
        &RATE_LIMITS,
        &DRY_RUN,
    ];
    RULES
}

/// ClientToken idempotency: needs memory of earlier requests, so it is applied by the stateful
/// callers (the replay engine, the local endpoint), never by a single `check`.
pub static IDEMPOTENCY: Rule = Rule {
    name: "client_token_idempotency",
    tier: Tier::Capacity,
    reads: &[ParamId::ClientToken],
    codes: &[ErrorKey::IdempotentParameterMismatch],
    doc: "A ClientToken already used with different business parameters answers \
          IdempotentParameterMismatch; with the same parameters, the first answer is returned \
          and nothing is created again (facts §5). Applied by the replay engine, which keeps \
          the tokens of a trial.",
    check: Check::Stateful,
};

/// The account's RunInstances rate limits ([`crate::throttle`]): they need calls over time,
/// so the stateful callers (the replay engine, the local endpoint) apply them, never a single
/// `check`.
pub static RATE_LIMITS: Rule = Rule {
    name: "api_rate_limits",
    tier: Tier::Capacity,
    reads: &[ParamId::Amount],
    codes: &[ErrorKey::ThrottlingUser, ErrorKey::ThrottlingResource],
    doc: "The account's call bucket (Account RunInstancesRateLimit) is empty when a call \
          arrives: Throttling.User, before any other rule. The account's instance bucket \
          (RunInstancesResourceRateLimit) holds fewer tokens than Amount: Throttling.Resource, \
          after the ClientToken check and before the capacity rules. Example: Burst 10 and \
          11 calls in one second: the 11th answers Throttling.User (docs/throttling.md).",
    check: Check::Stateful,
};

/// `DryRun=true`: a request that passes every check answers `DryRunOperation`.
pub static DRY_RUN: Rule = Rule {
    name: "dry_run",
    tier: Tier::Capacity,
    reads: &[ParamId::DryRun],
    codes: &[ErrorKey::DryRunOperation],
    doc: "DryRun=true and every check passes: the service answers DryRunOperation (HTTP 400) \
          instead of creating instances (current API, facts §1a).",
    check: Check::Final,
};

/// A request that passed the static tiers: what the capacity stage needs, computed once.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub request: Request,
    pub demand: Demand,
}

/// The answer ecsim predicts for one request.
#[derive(Debug, Clone)]
pub struct Prediction {
    pub source: String,
    pub outcome: Outcome,
    pub warnings: Vec<Warning>,
}

/// Success (with what would be created) or the predicted error.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Instances would be created (`dry_run`: the request passed and answers DryRunOperation).
    Created {
        grant: Grant,
        dry_run: bool,
    },
    Failed(Violation),
}

impl Outcome {
    /// Whether the request is predicted to pass (a passing DryRun counts as a pass).
    pub fn ok(&self) -> bool {
        matches!(self, Outcome::Created { .. })
    }

    /// The catalog row answered, if any (DryRunOperation for a passing dry run).
    pub fn error_key(&self) -> Option<ErrorKey> {
        match self {
            Outcome::Created { dry_run: true, .. } => Some(ErrorKey::DryRunOperation),
            Outcome::Created { .. } => None,
            Outcome::Failed(v) => Some(v.key),
        }
    }
}

/// Runs the template, syntax, existence, compatibility and account tiers: everything that does
/// not change while a plan is replayed.
pub fn admit(
    raw: &RawRequest,
    world: &World,
    at: DateTime<Utc>,
) -> (Result<Admitted, Violation>, Vec<Warning>) {
    let edition = world.edition;
    let merged = match template::apply(raw, world) {
        Ok(m) => m,
        Err(v) => return (Err(v.answered_in(edition)), Vec::new()),
    };
    let (typed, warnings) = Request::from_raw(merged.as_ref(), edition.get());
    let req = match typed {
        Ok(r) => r,
        Err(v) => return (Err(v.answered_in(edition)), warnings),
    };
    let ctx = Ctx::new(&req, world, at);
    for rule in rules() {
        if let Check::Static(f) = rule.check {
            if !ctx.edition.rule_on(rule.name) {
                continue;
            }
            if let Some(v) = f(&ctx) {
                debug_assert!(
                    rule.codes.contains(&v.key),
                    "{} returned {:?}",
                    rule.name,
                    v.key
                );
                return (Err(v.answered_in(edition)), warnings);
            }
        }
    }
    let demand = Demand::from_ctx(&ctx);
    (
        Ok(Admitted {
            request: req,
            demand,
        }),
        warnings,
    )
}

/// Runs the capacity tier against `view` and applies DryRun.
pub fn decide(admitted: &Admitted, view: &dyn CapacityView) -> Outcome {
    match decide_in(&admitted.demand, view) {
        Ok(grant) => Outcome::Created {
            grant: grant.owned(),
            dry_run: admitted.request.dry_run,
        },
        Err(v) => Outcome::Failed(v),
    }
}

/// The capacity tier for a demand, its answer in the demand's edition, the grant's zone
/// borrowed: the replay's form of [`decide`] (it applies DryRun itself).
pub fn decide_in<'d>(
    demand: &'d Demand,
    view: &dyn CapacityView,
) -> Result<capacity::GrantIn<'d>, Violation> {
    capacity::grant_in(demand, view).map_err(|v| v.answered_in(demand.edition))
}

/// The whole prediction for one request against the world as it stands.
pub fn predict(raw: &RawRequest, world: &World, at: DateTime<Utc>) -> Prediction {
    let (outcome, warnings) = outcome(raw, world, at);
    Prediction {
        source: raw.source.clone(),
        outcome,
        warnings,
    }
}

/// [`predict`] for a request the caller is done with: its source moves into the prediction
/// instead of being copied (`check` streams requests once).
pub fn predict_owned(raw: RawRequest, world: &World, at: DateTime<Utc>) -> Prediction {
    let (outcome, warnings) = outcome(&raw, world, at);
    Prediction {
        source: raw.source,
        outcome,
        warnings,
    }
}

fn outcome(raw: &RawRequest, world: &World, at: DateTime<Utc>) -> (Outcome, Vec<Warning>) {
    let (admitted, warnings) = admit(raw, world, at);
    let outcome = match admitted {
        Ok(a) => decide(&a, &WorldCapacity::new(world, at)),
        Err(v) => Outcome::Failed(v),
    };
    (outcome, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::errors::entries;
    use std::collections::HashSet;

    #[test]
    fn every_modeled_row_is_returned_by_some_rule_and_no_other_is() {
        let claimed: HashSet<ErrorKey> = rules()
            .iter()
            .flat_map(|r| r.codes.iter().copied())
            .collect();
        // A renamed reference row is answered as its replacement, so the replacement counts.
        // Rows only serve's other actions answer are theirs (`serve::actions::ACTION_CODES`).
        let answered = |k: ErrorKey| {
            claimed.contains(&k)
                || crate::serve::actions::ACTION_CODES.contains(&k)
                || entries()
                    .iter()
                    .any(|e| e.replaced_by == Some(k) && claimed.contains(&e.key))
        };
        let missing: Vec<_> = entries()
            .iter()
            .filter(|e| e.modeled && !answered(e.key))
            .map(|e| e.key)
            .collect();
        assert!(
            missing.is_empty(),
            "modeled rows no rule returns: {missing:?}"
        );
        let unmarked: Vec<_> = entries()
            .iter()
            .filter(|e| !e.modeled && claimed.contains(&e.key))
            .map(|e| e.key)
            .collect();
        assert!(
            unmarked.is_empty(),
            "rows a rule returns but errors.csv marks not modeled: {unmarked:?}"
        );
    }

    #[test]
    fn rules_are_documented_and_uniquely_named() {
        let mut names = HashSet::new();
        for r in rules() {
            assert!(names.insert(r.name), "duplicate rule {}", r.name);
            assert!(r.doc.len() > 20, "{} needs a doc", r.name);
            assert!(!r.codes.is_empty(), "{} returns no code", r.name);
            assert!(!r.reads.is_empty(), "{} reads nothing", r.name);
        }
    }

    #[test]
    fn rules_of_an_edition_answer_only_its_rows() {
        for e in EditionId::ALL {
            let ed = e.get();
            // The conversion answers today's rows only for today's parameters (unknown in the
            // reference edition) and the edition's own tag-count row (tested in edition.rs).
            let checked = rules()
                .iter()
                .filter(|r| ed.rule_on(r.name) && !matches!(r.check, Check::Conversion));
            for r in checked {
                for k in r.codes {
                    let k = ed.answer_key(*k);
                    assert!(
                        ed.has_row(k.entry()),
                        "{}: rule {} may answer {:?}, a row the edition lacks: switch the rule \
                         off in data/editions/{}.json",
                        e.name(),
                        r.name,
                        k,
                        e.name()
                    );
                }
            }
        }
    }

    #[test]
    fn tiers_are_in_order() {
        let tiers: Vec<Tier> = rules().iter().map(|r| r.tier).collect();
        let mut sorted = tiers.clone();
        sorted.sort();
        assert_eq!(tiers, sorted);
    }
}
