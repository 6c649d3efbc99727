//! The typed request: one function, [`Request::from_raw`], reads the raw pairs in the
//! reference's parameter order and returns either the typed request or the first violation of
//! a single-parameter rule (type, enumeration, length, character class, fixed range).
//! Rules that relate parameters run later, on the typed request only.

use std::fmt;

use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::catalog::params::{self, Kind, ParamEditions, ParamId, ParamOrigin, ParamRef};
use crate::catalog::ErrorKey;
use crate::edition::Edition;
use crate::validate::Violation;

use super::raw::RawRequest;

/// A value that must never be printed (Password, UserData).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        impl $name {
            /// Every value, in wire spelling.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($wire => Some($name::$variant),)+ _ => None }
            }
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

wire_enum!(
    /// Disk categories. Which exist, for the system disk and for data disks, is edition data
    /// (`data/editions/*.json` size tables); the reference knows the first five.
    DiskCategory {
        Cloud = "cloud",
        CloudEfficiency = "cloud_efficiency",
        CloudSsd = "cloud_ssd",
        EphemeralSsd = "ephemeral_ssd",
        CloudEssd = "cloud_essd",
        CloudAuto = "cloud_auto",
        CloudEssdEntry = "cloud_essd_entry",
        CloudRegionalDiskAuto = "cloud_regional_disk_auto",
        ElasticEphemeralDiskStandard = "elastic_ephemeral_disk_standard",
        ElasticEphemeralDiskPremium = "elastic_ephemeral_disk_premium",
    }
);
wire_enum!(
    /// Internet billing.
    InternetChargeType { PayByBandwidth = "PayByBandwidth", PayByTraffic = "PayByTraffic" }
);
wire_enum!(
    /// I/O optimisation.
    IoOptimized { None = "none", Optimized = "optimized" }
);
wire_enum!(
    /// Spot bidding.
    SpotStrategy { NoSpot = "NoSpot", SpotWithPriceLimit = "SpotWithPriceLimit", SpotAsPriceGo = "SpotAsPriceGo" }
);
wire_enum!(
    /// Billing method (current API).
    InstanceChargeType { PrePaid = "PrePaid", PostPaid = "PostPaid" }
);
wire_enum!(
    /// ESSD performance level (current API).
    PerformanceLevel { PL0 = "PL0", PL1 = "PL1", PL2 = "PL2", PL3 = "PL3" }
);
wire_enum!(
    /// Security hardening.
    SecurityEnhancementStrategy { Active = "Active", Deactive = "Deactive" }
);
wire_enum!(
    /// What happens to an interrupted spot instance (current API).
    SpotInterruptionBehavior { Terminate = "Terminate", Stop = "Stop" }
);

impl InternetChargeType {
    /// The other billing method.
    pub fn other(self) -> InternetChargeType {
        match self {
            InternetChargeType::PayByTraffic => InternetChargeType::PayByBandwidth,
            InternetChargeType::PayByBandwidth => InternetChargeType::PayByTraffic,
        }
    }
}

impl DiskCategory {
    /// Whether the disk is a portable cloud disk (everything but local `ephemeral_ssd`).
    pub fn is_cloud(self) -> bool {
        self != DiskCategory::EphemeralSsd
    }

    /// Whether the category is an ESSD (every level, AutoPL, Entry, regional AutoPL).
    pub fn is_essd(self) -> bool {
        matches!(
            self,
            DiskCategory::CloudEssd
                | DiskCategory::CloudAuto
                | DiskCategory::CloudEssdEntry
                | DiskCategory::CloudRegionalDiskAuto
        )
    }
}

/// `SystemDisk.*`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SystemDisk {
    pub category: Option<DiskCategory>,
    pub size: Option<u32>,
    pub disk_name: Option<String>,
    pub description: Option<String>,
    pub performance_level: Option<PerformanceLevel>,
}

/// `DataDisk.n.*`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DataDisk {
    pub n: u16,
    pub category: Option<DiskCategory>,
    pub size: Option<u32>,
    pub snapshot_id: Option<String>,
    pub encrypted: Option<bool>,
    pub disk_name: Option<String>,
    pub description: Option<String>,
    pub delete_with_instance: Option<bool>,
    pub performance_level: Option<PerformanceLevel>,
}

impl DataDisk {
    /// The category, or `default` when none was sent (the edition and the instance decide the
    /// default: see `validate::Ctx::data_disk_category`).
    pub fn category_or(&self, default: DiskCategory) -> DiskCategory {
        self.category.unwrap_or(default)
    }
}

/// A parameter beyond the hand-typed fields, typed from its spec (`data/params.csv`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Int(u64),
    Bool(bool),
    Float(f64),
}

impl Value {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<u64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
}

/// `Tag.n.*`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tag {
    pub n: u16,
    pub key: Option<String>,
    pub value: Option<String>,
}

/// The parameter `edition` knows that is nearest to the unknown `name`, with `name`'s own
/// indices (`DataDisk.2.Sise` -> `DataDisk.2.Size`), for a "did you mean" hint.
fn near_name(name: &str, edition: &Edition) -> Option<String> {
    let mut indices = Vec::new();
    let pattern: Vec<&str> = name
        .split('.')
        .enumerate()
        .map(|(i, seg)| {
            if i > 0 && !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                indices.push(seg);
                "n"
            } else {
                seg
            }
        })
        .collect();
    let pattern = pattern.join(".");
    let known = params::specs().iter().filter(|s| {
        s.origin != ParamOrigin::Common
            && (edition.current_params || s.editions == ParamEditions::All)
    });
    let near = crate::error::suggest(&pattern, known.map(|s| s.name))?;
    let mut given = indices.into_iter();
    let out: Vec<String> = near
        .split('.')
        .map(|seg| match seg {
            "n" => given.next().unwrap_or("1").to_string(),
            other => other.to_string(),
        })
        .collect();
    let out = out.join(".");
    (out != name).then_some(out)
}

/// A warning about the input that does not change the prediction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub String);

/// A RunInstances request with typed values; `None` means the parameter was not sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    pub action: Option<String>,
    pub region_id: Option<String>,
    pub zone_id: Option<String>,
    pub image_id: Option<String>,
    pub instance_type: Option<String>,
    pub security_group_id: Option<String>,
    pub launch_template_id: Option<String>,
    pub launch_template_name: Option<String>,
    pub launch_template_version: Option<String>,
    pub internet_charge_type: Option<InternetChargeType>,
    pub io_optimized: Option<IoOptimized>,
    pub system_disk: SystemDisk,
    /// Sorted by `n`.
    pub data_disks: Vec<DataDisk>,
    pub hpc_cluster_id: Option<String>,
    pub vswitch_id: Option<String>,
    pub internet_max_bandwidth_in: Option<u32>,
    pub internet_max_bandwidth_out: Option<u32>,
    pub instance_name: Option<String>,
    pub host_name: Option<String>,
    pub description: Option<String>,
    pub password: Option<Secret>,
    pub password_inherit: Option<bool>,
    pub amount: Option<u32>,
    pub auto_release_time: Option<DateTime<Utc>>,
    /// Decoded length in bytes; the content itself is never kept.
    pub user_data_len: Option<usize>,
    pub key_pair_name: Option<String>,
    pub ram_role_name: Option<String>,
    pub security_enhancement_strategy: Option<SecurityEnhancementStrategy>,
    /// Sorted by `n`.
    pub tags: Vec<Tag>,
    pub spot_strategy: Option<SpotStrategy>,
    pub spot_price_limit: Option<f64>,
    pub client_token: Option<String>,
    pub instance_charge_type: Option<InstanceChargeType>,
    pub dry_run: bool,
    pub min_amount: Option<u32>,
    pub spot_duration: Option<u32>,
    pub spot_interruption_behavior: Option<SpotInterruptionBehavior>,
    /// Today's parameters without a hand-typed field, typed from their spec, sorted by
    /// parameter (so the values of one indexed family are adjacent, by index).
    pub extra: Vec<(ParamRef, Value)>,
    /// The parameter that filled `security_group_id` when SecurityGroupId was not sent:
    /// SecurityGroupIds.n or the primary ENI's group (today's API), so answers name it.
    pub security_group_from: Option<ParamRef>,
    /// The parameter that filled `vswitch_id` when VSwitchId was not sent (the primary ENI's).
    pub vswitch_from: Option<ParamRef>,
    /// Fingerprint of the business parameters, for ClientToken idempotency.
    pub fingerprint: u64,
}

impl Request {
    /// Amount, default 1.
    pub fn amount(&self) -> u32 {
        self.amount.unwrap_or(1)
    }

    /// InternetChargeType, default PayByTraffic.
    pub fn internet_charge_type(&self) -> InternetChargeType {
        self.internet_charge_type
            .unwrap_or(InternetChargeType::PayByTraffic)
    }

    /// InternetMaxBandwidthOut, default 0.
    pub fn bandwidth_out(&self) -> u32 {
        self.internet_max_bandwidth_out.unwrap_or(0)
    }

    /// SpotStrategy, default NoSpot.
    pub fn spot_strategy(&self) -> SpotStrategy {
        self.spot_strategy.unwrap_or(SpotStrategy::NoSpot)
    }

    /// InstanceChargeType, default PostPaid.
    pub fn instance_charge_type(&self) -> InstanceChargeType {
        self.instance_charge_type
            .unwrap_or(InstanceChargeType::PostPaid)
    }

    /// A parameter without a hand-typed field, as sent (the last value of a plain name).
    pub fn get(&self, id: ParamId) -> Option<&Value> {
        self.extra
            .iter()
            .find(|(r, _)| r.id == id && r.n == 0)
            .map(|(_, v)| v)
    }

    pub fn get_str(&self, id: ParamId) -> Option<&str> {
        self.get(id).and_then(Value::as_str)
    }

    pub fn get_int(&self, id: ParamId) -> Option<u64> {
        self.get(id).and_then(Value::as_int)
    }

    pub fn get_bool(&self, id: ParamId) -> Option<bool> {
        self.get(id).and_then(Value::as_bool)
    }

    /// Every value of an indexed parameter, by index.
    pub fn all(&self, id: ParamId) -> impl Iterator<Item = (ParamRef, &Value)> + '_ {
        self.extra
            .iter()
            .filter(move |(r, _)| r.id == id)
            .map(|(r, v)| (*r, v))
    }

    /// The value of an indexed parameter at `n` (and `m`).
    pub fn at(&self, id: ParamId, n: u16, m: u16) -> Option<&Value> {
        self.extra
            .iter()
            .find(|(r, _)| r.id == id && r.n == n && r.m == m)
            .map(|(_, v)| v)
    }

    /// Whether any parameter of the given ids was sent.
    pub fn has_any(&self, ids: &[ParamId]) -> bool {
        self.extra.iter().any(|(r, _)| ids.contains(&r.id))
    }

    /// Reads `raw` (already merged with its launch template) in the reference's parameter
    /// order, under `edition`'s limits. Unknown parameters become warnings; the first
    /// single-parameter violation wins.
    pub fn from_raw(
        raw: &RawRequest,
        edition: &Edition,
    ) -> (Result<Request, Violation>, Vec<Warning>) {
        let mut warnings: Vec<Warning> = raw.notes.iter().cloned().map(Warning).collect();
        let mut resolved: Vec<(ParamRef, &str)> = Vec::with_capacity(raw.params.len());
        for p in &raw.params {
            match p.resolved() {
                Some(r) if r.id.spec().origin == ParamOrigin::Common => {}
                Some(r) if edition.current_params || r.id.spec().editions == ParamEditions::All => {
                    resolved.push((r, p.value.as_str()))
                }
                _ => warnings.push(Warning(format!(
                    "{}: not a RunInstances parameter ecsim models; ignored{}",
                    p.name,
                    near_name(&p.name, edition)
                        .map_or(String::new(), |m| format!(" (did you mean \"{m}\"?)"))
                ))),
            }
        }
        // Stable sort keeps arrival order among duplicates; the last duplicate wins.
        resolved.sort_by_key(|(r, _)| *r);
        // Deduplicated in place: the first of each run keeps the run's last value.
        let mut kept = 0;
        for i in 0..resolved.len() {
            let (r, v) = resolved[i];
            if kept > 0 && resolved[kept - 1].0 == r {
                warnings.push(Warning(format!(
                    "{r}: sent more than once; the last value is used"
                )));
                resolved[kept - 1].1 = v;
            } else {
                resolved[kept] = (r, v);
                kept += 1;
            }
        }
        resolved.truncate(kept);
        let deduped = resolved;
        let mut req = Request {
            fingerprint: fingerprint(&deduped),
            ..Request::default()
        };
        for (r, v) in deduped {
            if let Err(v) = req.set(r, v, edition) {
                return (Err(v), warnings);
            }
        }
        req.resolve_network();
        (Ok(req), warnings)
    }

    /// Today's API names the network three ways: SecurityGroupId, SecurityGroupIds.n, or a
    /// primary ENI (NetworkInterface.n.InstanceType=Primary) that carries the vSwitch and the
    /// groups. The first group and the vSwitch fill the one-group fields every later rule
    /// and the capacity model read; the conflict and limit rules read the forms themselves.
    fn resolve_network(&mut self) {
        if self.security_group_id.is_none() {
            if let Some((r, g)) = self
                .security_groups()
                .first()
                .map(|(r, g)| (*r, g.to_string()))
            {
                self.security_group_id = Some(g);
                self.security_group_from = Some(r);
            }
        }
        if self.vswitch_id.is_none() {
            if let Some(n) = self.primary_eni() {
                let r = ParamRef::at(ParamId::NetworkInterfaceVSwitchId, n);
                if let Some(v) = self.at(r.id, n, 0).and_then(Value::as_str) {
                    self.vswitch_id = Some(v.to_string());
                    self.vswitch_from = Some(r);
                }
            }
        }
    }

    /// The parameter that names the security group (SecurityGroupId unless another form
    /// supplied it).
    pub fn security_group_param(&self) -> ParamRef {
        self.security_group_from
            .unwrap_or(ParamRef::plain(ParamId::SecurityGroupId))
    }

    /// The parameter that names the vSwitch.
    pub fn vswitch_param(&self) -> ParamRef {
        self.vswitch_from
            .unwrap_or(ParamRef::plain(ParamId::VSwitchId))
    }

    /// The index n of the primary ENI (`NetworkInterface.n.InstanceType=Primary`), the first
    /// if several are.
    pub fn primary_eni(&self) -> Option<u16> {
        self.all(ParamId::NetworkInterfaceInstanceType)
            .find(|(_, v)| v.as_str() == Some("Primary"))
            .map(|(r, _)| r.n)
    }

    /// The ENIs sent (`NetworkInterface.n.*`), by index, primary or not.
    pub fn eni_indices(&self) -> Vec<u16> {
        let mut ns: Vec<u16> = self
            .extra
            .iter()
            .filter(|(r, _)| r.id.spec().name.starts_with("NetworkInterface.n."))
            .map(|(r, _)| r.n)
            .collect();
        ns.dedup();
        ns.sort_unstable();
        ns.dedup();
        ns
    }

    /// Whether the request uses today's network forms (SecurityGroupIds.n or ENIs); when not,
    /// the one-group rules alone decide.
    pub fn uses_network_lists(&self) -> bool {
        self.extra.iter().any(|(r, _)| {
            r.id == ParamId::SecurityGroupIds || r.id.spec().name.starts_with("NetworkInterface.")
        })
    }

    /// Every security group the request names, with the parameter naming it: an explicit
    /// SecurityGroupId, then SecurityGroupIds.n, then the primary ENI's groups.
    pub fn security_groups(&self) -> Vec<(ParamRef, &str)> {
        let mut out = Vec::new();
        if self.security_group_from.is_none() {
            if let Some(g) = self.security_group_id.as_deref() {
                out.push((ParamRef::plain(ParamId::SecurityGroupId), g));
            }
        }
        for (r, v) in self.all(ParamId::SecurityGroupIds) {
            out.extend(v.as_str().map(|g| (r, g)));
        }
        if let Some(n) = self.primary_eni() {
            for (r, v) in self.all(ParamId::NetworkInterfaceSecurityGroupId) {
                if r.n == n {
                    out.extend(v.as_str().map(|g| (r, g)));
                }
            }
            for (r, v) in self.all(ParamId::NetworkInterfaceSecurityGroupIds) {
                if r.n == n {
                    out.extend(v.as_str().map(|g| (r, g)));
                }
            }
        }
        out
    }

    fn data_disk(&mut self, n: u16) -> &mut DataDisk {
        let i = match self.data_disks.iter().position(|d| d.n == n) {
            Some(i) => i,
            None => {
                self.data_disks.push(DataDisk {
                    n,
                    ..DataDisk::default()
                });
                self.data_disks.sort_by_key(|d| d.n);
                self.data_disks.iter().position(|d| d.n == n).unwrap()
            }
        };
        &mut self.data_disks[i]
    }

    fn tag(&mut self, n: u16) -> &mut Tag {
        let i = match self.tags.iter().position(|t| t.n == n) {
            Some(i) => i,
            None => {
                self.tags.push(Tag {
                    n,
                    ..Tag::default()
                });
                self.tags.sort_by_key(|t| t.n);
                self.tags.iter().position(|t| t.n == n).unwrap()
            }
        };
        &mut self.tags[i]
    }

    /// Sets one parameter after its single-parameter checks.
    fn set(&mut self, r: ParamRef, v: &str, edition: &Edition) -> Result<(), Violation> {
        use ParamId as P;
        let limits = &edition.limits;
        let bad = |key: ErrorKey| Violation::new(key, r);
        let generic = || Violation::new(ErrorKey::InvalidParameterGeneric, r).arg(r.to_string());
        let s = || Some(v.to_string());
        match r.id {
            P::Action => {
                if v != "RunInstances" {
                    return Err(bad(ErrorKey::InvalidActionNotFound));
                }
                self.action = s();
            }
            P::RegionId => self.region_id = non_empty(v),
            P::ZoneId => self.zone_id = non_empty(v),
            P::ImageId => self.image_id = non_empty(v),
            P::InstanceType => self.instance_type = non_empty(v),
            P::SecurityGroupId => self.security_group_id = non_empty(v),
            P::LaunchTemplateId => self.launch_template_id = non_empty(v),
            P::LaunchTemplateName => self.launch_template_name = non_empty(v),
            P::LaunchTemplateVersion => self.launch_template_version = non_empty(v),
            P::InternetChargeType => {
                self.internet_charge_type = Some(
                    InternetChargeType::parse(v)
                        .ok_or_else(|| bad(ErrorKey::InvalidInternetChargeTypeValueNotSupported))?,
                )
            }
            P::IoOptimized => {
                self.io_optimized = Some(
                    IoOptimized::parse(v)
                        .ok_or_else(|| bad(ErrorKey::InvalidIoOptimizedValueValueNotSupported))?,
                )
            }
            P::SystemDiskCategory => {
                self.system_disk.category = Some(
                    DiskCategory::parse(v)
                        .filter(|c| edition.takes_category(*c, true))
                        .ok_or_else(|| bad(ErrorKey::InvalidSystemDiskCategoryValueNotSupported))?,
                )
            }
            P::SystemDiskSize => {
                let n = parse_int(v).ok_or_else(|| bad(ErrorKey::InvalidSystemDiskSize))?;
                if n < limits.system_disk_min_any {
                    return Err(bad(ErrorKey::InvalidSystemDiskSizeLessThanMinSize));
                }
                self.system_disk.size = Some(n);
            }
            P::SystemDiskDiskName => {
                check(disk_name_ok(v), bad(ErrorKey::InvalidDiskNameMalformed))?;
                self.system_disk.disk_name = s();
            }
            P::SystemDiskDescription => {
                check(
                    description_ok(v),
                    bad(ErrorKey::InvalidDiskDescriptionMalformed),
                )?;
                self.system_disk.description = s();
            }
            P::SystemDiskPerformanceLevel => {
                self.system_disk.performance_level = Some(
                    PerformanceLevel::parse(v)
                        .ok_or_else(|| bad(ErrorKey::InvalidPerformanceLevelValueNotSupported))?,
                )
            }
            P::DataDiskCategory
            | P::DataDiskSize
            | P::DataDiskSnapshotId
            | P::DataDiskEncrypted
            | P::DataDiskDiskName
            | P::DataDiskDescription
            | P::DataDiskDeleteWithInstance
            | P::DataDiskPerformanceLevel => {
                if r.n > 16 {
                    return Err(bad(ErrorKey::QuotaExceedPortableCloudDisk));
                }
                let d = self.data_disk(r.n);
                match r.id {
                    P::DataDiskCategory => {
                        d.category = Some(
                            DiskCategory::parse(v)
                                .filter(|c| edition.takes_category(*c, false))
                                .ok_or_else(|| {
                                    bad(ErrorKey::InvalidDiskCategoryValueNotSupported)
                                })?,
                        )
                    }
                    P::DataDiskSize => {
                        d.size =
                            Some(parse_int(v).ok_or_else(|| {
                                bad(ErrorKey::InvalidDataDiskSizeValueNotSupported)
                            })?)
                    }
                    P::DataDiskSnapshotId => d.snapshot_id = non_empty(v),
                    P::DataDiskEncrypted => {
                        d.encrypted = Some(
                            parse_bool(v)
                                .ok_or_else(|| bad(ErrorKey::InvalidParameterEncryptedIllegal))?,
                        )
                    }
                    P::DataDiskDiskName => {
                        check(disk_name_ok(v), bad(ErrorKey::InvalidDiskNameMalformed))?;
                        d.disk_name = s();
                    }
                    P::DataDiskDescription => {
                        check(
                            description_ok(v),
                            bad(ErrorKey::InvalidDiskDescriptionMalformed),
                        )?;
                        d.description = s();
                    }
                    P::DataDiskDeleteWithInstance => {
                        d.delete_with_instance = Some(parse_bool(v).ok_or_else(generic)?)
                    }
                    _ => {
                        d.performance_level = Some(PerformanceLevel::parse(v).ok_or_else(|| {
                            bad(ErrorKey::InvalidPerformanceLevelValueNotSupported)
                        })?)
                    }
                }
            }
            P::HpcClusterId => self.hpc_cluster_id = non_empty(v),
            P::VSwitchId => self.vswitch_id = non_empty(v),
            P::InternetMaxBandwidthIn => {
                let n = parse_int(v)
                    .filter(|n| (1..=200).contains(n))
                    .ok_or_else(|| bad(ErrorKey::InvalidParameterBandwidth))?;
                self.internet_max_bandwidth_in = Some(n);
            }
            P::InternetMaxBandwidthOut => {
                let n = parse_int(v)
                    .filter(|n| *n <= 100)
                    .ok_or_else(|| bad(ErrorKey::InvalidParameterBandwidthOut))?;
                self.internet_max_bandwidth_out = Some(n);
            }
            P::InstanceName => {
                let v = if limits.name_patterns {
                    expand_name_pattern(v)
                } else {
                    v.into()
                };
                check(
                    instance_name_ok(&v),
                    bad(ErrorKey::InvalidInstanceNameMalformed),
                )?;
                self.instance_name = s();
            }
            P::HostName => {
                let v: std::borrow::Cow<str> = if limits.name_patterns && v.contains("${") {
                    expand_name_pattern(&v.replace("${instance_id}", "i-bp1abcdefghij0123456"))
                        .into_owned()
                        .into()
                } else if limits.name_patterns {
                    expand_name_pattern(v)
                } else {
                    v.into()
                };
                check(
                    host_name_ok(&v, limits.host_name_max),
                    bad(ErrorKey::InvalidHostNameMalformed),
                )?;
                self.host_name = s();
            }
            P::Description => {
                check(
                    description_ok(v),
                    bad(ErrorKey::InvalidDescriptionMalformed),
                )?;
                self.description = s();
            }
            P::Password if !v.is_empty() => {
                check(
                    password_ok(v, limits.password_min_classes, &limits.password_specials),
                    bad(ErrorKey::InvalidPasswordMalformed),
                )?;
                self.password = Some(Secret(v.to_string()));
            }
            P::PasswordInherit => self.password_inherit = Some(parse_bool(v).ok_or_else(generic)?),
            P::Amount => {
                let n = parse_int(v)
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| bad(ErrorKey::InvalidParameterAmount))?;
                self.amount = Some(n);
            }
            P::AutoReleaseTime if !v.is_empty() => {
                let t = parse_release_time(v)
                    .ok_or_else(|| bad(ErrorKey::InvalidAutoReleaseTimeMalformed))?;
                self.auto_release_time = Some(t);
            }
            P::UserData if !v.is_empty() => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .map_err(|_| generic())?;
                if decoded.len() > limits.user_data_max_bytes {
                    return Err(bad(ErrorKey::InvalidUserDataSizeExceeded));
                }
                self.user_data_len = Some(decoded.len());
            }
            P::KeyPairName => self.key_pair_name = non_empty(v),
            P::RamRoleName => self.ram_role_name = non_empty(v),
            P::SecurityEnhancementStrategy => {
                self.security_enhancement_strategy =
                    Some(SecurityEnhancementStrategy::parse(v).ok_or_else(generic)?)
            }
            P::TagKey => {
                if r.n > limits.max_tags {
                    return Err(bad(edition.tag_count_key()));
                }
                check(
                    tag_key_ok(v, limits.tag_key_max_chars),
                    bad(ErrorKey::InvalidTagKeyMalformed),
                )?;
                self.tag(r.n).key = s();
            }
            P::TagValue => {
                if r.n > limits.max_tags {
                    return Err(Violation::new(
                        edition.tag_count_key(),
                        ParamRef::at(ParamId::TagKey, r.n),
                    ));
                }
                check(tag_value_ok(v), bad(ErrorKey::InvalidTagValueMalformed))?;
                self.tag(r.n).value = s();
            }
            P::SpotStrategy => {
                self.spot_strategy =
                    Some(SpotStrategy::parse(v).ok_or_else(|| bad(ErrorKey::InvalidSpotStrategy))?)
            }
            P::SpotPriceLimit => {
                self.spot_price_limit =
                    Some(parse_price(v).ok_or_else(|| bad(ErrorKey::InvalidSpotPriceLimit))?)
            }
            P::ClientToken => {
                check(
                    v.is_ascii() && v.len() <= 64,
                    bad(ErrorKey::InvalidClientTokenValueNotSupported),
                )?;
                self.client_token = non_empty(v);
            }
            P::InstanceChargeType => {
                self.instance_charge_type = Some(
                    InstanceChargeType::parse(v)
                        .ok_or_else(|| bad(ErrorKey::InvalidInstanceChargeTypeNotFound))?,
                )
            }
            P::DryRun => self.dry_run = parse_bool(v).ok_or_else(generic)?,
            P::MinAmount => {
                let n = parse_int(v)
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| bad(ErrorKey::InvalidMinAmountMalformed))?;
                self.min_amount = Some(n);
            }
            P::SpotDuration => {
                let n = parse_int(v)
                    .filter(|n| *n <= 1)
                    .ok_or_else(|| bad(ErrorKey::InvalidSpotDuration))?;
                self.spot_duration = Some(n);
            }
            P::SpotInterruptionBehavior => {
                self.spot_interruption_behavior = Some(
                    SpotInterruptionBehavior::parse(v)
                        .ok_or_else(|| bad(ErrorKey::InvalidSpotInterruptionBehavior))?,
                )
            }
            // Empty Password/AutoReleaseTime/UserData mean "not sent".
            P::Password | P::AutoReleaseTime | P::UserData => {}
            // Today's parameters without a hand-written conversion: typed from their spec.
            _ => {
                if let Some(value) = typed_from_spec(r, v)? {
                    self.extra.push((r, value));
                }
            }
        }
        Ok(())
    }
}

/// Types a parameter from its row in `data/params.csv`: the kind, the schema's bounds and
/// array sizes, and the documented values or range. An empty value is "not sent".
fn typed_from_spec(r: ParamRef, v: &str) -> Result<Option<Value>, Violation> {
    let spec = r.id.spec();
    let fail = || match spec.error {
        Some(k) => Violation::new(k, r),
        None => Violation::new(ErrorKey::InvalidParameterGeneric, r).arg(r.to_string()),
    };
    if v.is_empty() {
        return Ok(None);
    }
    let within = |n: u16, max: Option<u32>| max.is_none_or(|m| u32::from(n) <= m);
    if !within(r.n, spec.max_items) || !within(r.m, spec.max_items2) {
        return Err(fail());
    }
    let in_bounds = |x: f64| spec.min.is_none_or(|m| x >= m) && spec.max.is_none_or(|m| x <= m);
    let value = match spec.kind {
        Kind::Integer => {
            let n: u64 = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                v.parse().map_err(|_| fail())?
            } else {
                return Err(fail());
            };
            if !in_bounds(n as f64) || !documented_range_ok(spec.values, n) {
                return Err(fail());
            }
            Value::Int(n)
        }
        Kind::Boolean => Value::Bool(parse_bool(v).ok_or_else(fail)?),
        Kind::Float => {
            let x: f64 = v.parse().map_err(|_| fail())?;
            if !x.is_finite() || !in_bounds(x) {
                return Err(fail());
            }
            Value::Float(x)
        }
        Kind::String | Kind::Secret => {
            let too_long = spec
                .max_length
                .is_some_and(|m| v.chars().count() > m as usize);
            let listed = spec.values.is_empty()
                || spec.values.contains("..=")
                || spec.values.split('|').any(|x| x == v);
            if too_long || !listed {
                return Err(fail());
            }
            Value::Str(v.to_string())
        }
    };
    Ok(Some(value))
}

/// `1..=64` in a spec's `values` bounds an integer; a list or nothing does not.
fn documented_range_ok(values: &str, n: u64) -> bool {
    let Some((lo, hi)) = values.split_once("..=") else {
        return true;
    };
    match (lo.parse::<u64>(), hi.parse::<u64>()) {
        (Ok(lo), Ok(hi)) => (lo..=hi).contains(&n),
        _ => true,
    }
}

/// A stable fingerprint of the business parameters (canonical order, last value of each,
/// ClientToken excluded): two requests with the same fingerprint ask for the same thing.
pub(crate) fn fingerprint(pairs: &[(ParamRef, &str)]) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike the std hasher's random seed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (r, v) in pairs.iter().filter(|(r, _)| r.id != ParamId::ClientToken) {
        eat(&(r.id as u16).to_le_bytes());
        eat(&r.n.to_le_bytes());
        eat(v.as_bytes());
        eat(&[0xff]);
    }
    h
}

fn check(ok: bool, v: Violation) -> Result<(), Violation> {
    if ok {
        Ok(())
    } else {
        Err(v)
    }
}

fn non_empty(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

/// Today's sequential names, `prefix[begin,bits]suffix`: the bracket becomes `bits` digits
/// (what the service writes in its place) so the name rules check what the instance gets.
/// A malformed bracket is left as is, and the character rules refuse it.
pub fn expand_name_pattern(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains('[') {
        return v.into();
    }
    let (Some(open), Some(close)) = (v.find('['), v.find(']')) else {
        return v.into();
    };
    if close < open {
        return v.into();
    }
    let inner = &v[open + 1..close];
    let Some((begin, bits)) = inner.split_once(',') else {
        return v.into();
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let Ok(bits) = bits.parse::<usize>() else {
        return v.into();
    };
    if !digits(begin) || !(1..=8).contains(&bits) {
        return v.into();
    }
    format!("{}{}{}", &v[..open], "0".repeat(bits), &v[close + 1..]).into()
}

/// A non-negative decimal integer (leading `+` or spaces are not wire integers).
pub fn parse_int(v: &str) -> Option<u32> {
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    v.parse().ok()
}

/// `true`/`false` in any case: the official SDKs send `True` and `False`.
pub fn parse_bool(v: &str) -> Option<bool> {
    if v.eq_ignore_ascii_case("true") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A non-negative price with at most three decimals.
pub fn parse_price(v: &str) -> Option<f64> {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !digits(int)
        || !digits(frac)
        || frac.len() > 3
        || (v.contains('.') && frac.is_empty())
    {
        return None;
    }
    v.parse().ok()
}

/// `YYYY-MM-DDTHH:mm:ssZ`, seconds rounded down to the minute as the API does.
pub fn parse_release_time(v: &str) -> Option<DateTime<Utc>> {
    if v.len() != 20 {
        return None;
    }
    let t = crate::time::parse_utc(v)?;
    use chrono::Timelike;
    t.with_second(0)
}

fn starts_with_url(v: &str) -> bool {
    v.starts_with("http://") || v.starts_with("https://")
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF)
}

fn chars_between(v: &str, lo: usize, hi: usize) -> bool {
    let n = v.chars().count();
    (lo..=hi).contains(&n)
}

/// Disk names: 2..=128, starts with a letter or CJK, then letters, CJK, digits, `:` `_` `-`.
pub fn disk_name_ok(v: &str) -> bool {
    name_ok(v, &[':', '_', '-'])
}

/// Instance names: as disk names, plus `.`.
pub fn instance_name_ok(v: &str) -> bool {
    name_ok(v, &['.', ':', '_', '-'])
}

fn name_ok(v: &str, extra: &[char]) -> bool {
    let mut cs = v.chars();
    let first_ok = cs
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || is_cjk(c));
    first_ok
        && chars_between(v, 2, 128)
        && !starts_with_url(v)
        && cs.all(|c| c.is_ascii_alphanumeric() || is_cjk(c) || extra.contains(&c))
}

/// Descriptions: 2..=256 characters, not starting with http:// or https://.
pub fn description_ok(v: &str) -> bool {
    chars_between(v, 2, 256) && !starts_with_url(v)
}

/// Host-name rules common to every OS (the Linux rules): 2..=`max` characters of letters,
/// digits, `.` and `-`; `.` and `-` neither first, last, nor doubled (`..`, `--`, `.-`, `-.`).
/// `max` is the edition's (128 in the reference, 64 today).
pub fn host_name_ok(v: &str, max: usize) -> bool {
    let b = v.as_bytes();
    let sep = |c: u8| c == b'.' || c == b'-';
    (2..=max).contains(&b.len())
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || sep(c))
        && !sep(b[0])
        && !sep(b[b.len() - 1])
        && !b.windows(2).any(|w| sep(w[0]) && sep(w[1]))
}

/// Windows host names additionally: at most 15 characters, no `.`, not all digits.
pub fn windows_host_name_ok(v: &str) -> bool {
    v.len() <= 15 && !v.contains('.') && !v.bytes().all(|c| c.is_ascii_digit())
}

/// 8..=30 characters from letters, digits and `specials`, with at least `min_classes` of the
/// four classes (upper, lower, digit, special): all four in the reference, three today.
pub fn password_ok(v: &str, min_classes: u8, specials: &str) -> bool {
    let (mut upper, mut lower, mut digit, mut special) = (false, false, false, false);
    for c in v.chars() {
        if c.is_ascii_uppercase() {
            upper = true;
        } else if c.is_ascii_lowercase() {
            lower = true;
        } else if c.is_ascii_digit() {
            digit = true;
        } else if specials.contains(c) {
            special = true;
        } else {
            return false;
        }
    }
    let classes = [upper, lower, digit, special]
        .iter()
        .filter(|c| **c)
        .count();
    (8..=30).contains(&v.len()) && classes >= usize::from(min_classes)
}

fn reserved_tag_prefix(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    l.starts_with("aliyun") || l.starts_with("acs") || starts_with_url(&l)
}

/// Tag keys: non-empty, at most `max` characters (64 in the reference, 128 today), no
/// reserved prefix.
pub fn tag_key_ok(v: &str, max: usize) -> bool {
    !v.is_empty() && v.chars().count() <= max && !reserved_tag_prefix(v)
}

/// Tag values: may be empty, at most 128 characters, no reserved prefix.
pub fn tag_value_ok(v: &str) -> bool {
    v.chars().count() <= 128 && !reserved_tag_prefix(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edition::EditionId;

    const REF: &str = "()`~!@#$%^&*-+=|{}[]:;'<>,.?/";
    const TODAY: &str = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";

    fn typed(pairs: &[(&str, &str)]) -> Result<Request, Violation> {
        let mut raw = RawRequest::new("t");
        for (k, v) in pairs {
            raw.push(*k, *v);
        }
        Request::from_raw(&raw, EditionId::Current.get()).0
    }

    #[test]
    fn booleans_are_case_insensitive() {
        for (s, b) in [
            ("true", true),
            ("True", true),
            ("FALSE", false),
            ("False", false),
        ] {
            assert_eq!(parse_bool(s), Some(b));
        }
        assert_eq!(parse_bool("yes"), None);
        assert_eq!(parse_bool("1"), None);
    }

    #[test]
    fn first_violation_follows_reference_order_not_arrival_order() {
        let v = typed(&[("Amount", "0"), ("InternetChargeType", "Free")]).unwrap_err();
        assert_eq!(v.key, ErrorKey::InvalidInternetChargeTypeValueNotSupported);
    }

    #[test]
    fn data_disks_and_tags_collect_by_index() {
        let r = typed(&[
            ("DataDisk.2.Size", "50"),
            ("DataDisk.1.Category", "cloud_ssd"),
            ("DataDisk.2.Encrypted", "True"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", ""),
        ])
        .unwrap();
        assert_eq!(r.data_disks.len(), 2);
        assert_eq!(r.data_disks[0].category, Some(DiskCategory::CloudSsd));
        assert_eq!(r.data_disks[1].encrypted, Some(true));
        assert_eq!(r.data_disks[1].category, None);
        assert_eq!(r.tags[0].value.as_deref(), Some(""));
    }

    #[test]
    fn unknown_and_common_parameters() {
        let mut raw = RawRequest::new("t");
        raw.push("Signature", "abc");
        raw.push("Colour", "red");
        let (r, w) = Request::from_raw(&raw, EditionId::Current.get());
        assert!(r.is_ok());
        assert_eq!(w.len(), 1);
        assert!(w[0].0.starts_with("Colour"));
    }

    #[test]
    fn password_rules() {
        let reference = |p: &str| password_ok(p, 4, REF);
        assert!(reference("Abcdef1!"));
        assert!(!reference("Abcdef1")); // 7
        assert!(reference("Abcdefghij1!Abcdefghij1!Abcdef")); // 30
        assert!(!reference("Abcdefghij1!Abcdefghij1!Abcdefg")); // 31
        assert!(!reference("abcdef1!")); // no upper
        assert!(!reference("Abcdefg!")); // no digit
        assert!(!reference("Abcdefg1")); // no special
        assert!(!reference("Abcdef1!_")); // '_' not in the reference's list
        assert!(reference("Abcdef1'"));
        // Today: three of the four classes, and '_' is a special character.
        let today = |p: &str| password_ok(p, 3, TODAY);
        assert!(today("Abcdefg1"));
        assert!(today("abcdef1!"));
        assert!(today("Abcdef1_"));
        assert!(!today("abcdefg1")); // two classes
        assert!(!today("Abc1!"));
    }

    #[test]
    fn host_name_rules() {
        let h = |v: &str| host_name_ok(v, 128);
        assert!(h("web-01.prod"));
        assert!(!h("a"));
        assert!(!h("-web"));
        assert!(!h("web."));
        assert!(!h("web..prod"));
        assert!(!h("web.-prod"));
        assert!(!h("web_01"));
        assert!(h(&"a".repeat(128)));
        assert!(!h(&"a".repeat(129)));
        assert!(host_name_ok(&"a".repeat(64), 64));
        assert!(!host_name_ok(&"a".repeat(65), 64));
        assert!(windows_host_name_ok("web-01"));
        assert!(!windows_host_name_ok("web.01"));
        assert!(!windows_host_name_ok("1234"));
        assert!(!windows_host_name_ok(&"a".repeat(16)));
    }

    #[test]
    fn names_allow_cjk_and_reject_urls() {
        assert!(instance_name_ok("实例-1"));
        assert!(instance_name_ok("web.1:a_b-c"));
        assert!(!instance_name_ok("1web"));
        assert!(!instance_name_ok("w"));
        assert!(!disk_name_ok("disk.1"));
        assert!(!description_ok("https://x"));
        assert!(!description_ok("x"));
    }

    #[test]
    fn prices_have_at_most_three_decimals() {
        assert_eq!(parse_price("0.5"), Some(0.5));
        assert_eq!(parse_price("1.125"), Some(1.125));
        assert_eq!(parse_price("1.1255"), None);
        assert_eq!(parse_price("-1"), None);
        assert_eq!(parse_price("1."), None);
        assert_eq!(parse_price("abc"), None);
    }

    #[test]
    fn release_time_rounds_seconds_down() {
        let t = parse_release_time("2030-01-01T00:00:59Z").unwrap();
        assert_eq!(crate::time::format_utc(t), "2030-01-01T00:00:00Z");
        assert!(parse_release_time("2030-01-01T00:00Z").is_none());
        assert!(parse_release_time("2030-13-01T00:00:00Z").is_none());
    }

    #[test]
    fn todays_parameters_are_typed_from_their_spec() {
        let r = typed(&[
            ("SecurityGroupIds.1", "sg-a"),
            ("SecurityGroupIds.2", "sg-b"),
            ("NetworkInterface.1.InstanceType", "Primary"),
            ("NetworkInterface.1.SecurityGroupIds.1", "sg-a"),
            ("Period", "3"),
            ("DeletionProtection", "True"),
        ])
        .unwrap();
        let groups: Vec<_> = r
            .all(ParamId::SecurityGroupIds)
            .map(|(p, v)| (p.n, v.as_str().unwrap().to_string()))
            .collect();
        assert_eq!(groups, [(1, "sg-a".into()), (2, "sg-b".into())]);
        assert_eq!(r.get_int(ParamId::Period), Some(3));
        assert_eq!(r.get_bool(ParamId::DeletionProtection), Some(true));
        assert_eq!(
            r.at(ParamId::NetworkInterfaceSecurityGroupIds, 1, 1)
                .and_then(Value::as_str),
            Some("sg-a")
        );
        // Documented values, ranges and the schema's array sizes.
        let key = |pairs: &[(&str, &str)]| typed(pairs).unwrap_err().key;
        assert_eq!(
            key(&[("HttpTokens", "maybe")]),
            ErrorKey::InvalidHttpTokensNotSupported
        );
        assert_eq!(
            key(&[("HttpPutResponseHopLimit", "65")]),
            ErrorKey::InvalidHttpPutResponseHopLimitNotSupported
        );
        assert_eq!(key(&[("Period", "x")]), ErrorKey::InvalidPeriod);
        assert_eq!(
            key(&[("SecurityGroupIds.52", "sg-x")]),
            ErrorKey::InvalidParameterGeneric
        );
        assert_eq!(
            key(&[("UniqueSuffix", "sometimes")]),
            ErrorKey::InvalidParameterGeneric
        );
    }

    #[test]
    fn todays_parameters_are_unknown_in_the_reference_edition() {
        let mut raw = RawRequest::new("t");
        raw.push("SecurityGroupIds.1", "sg-a");
        raw.push("InstanceChargeType", "PrePaid");
        let (r, w) = Request::from_raw(&raw, EditionId::Reference2018.get());
        let r = r.unwrap();
        assert!(r.extra.is_empty());
        assert_eq!(r.instance_charge_type, Some(InstanceChargeType::PrePaid));
        assert_eq!(w.len(), 1);
        assert!(w[0].0.starts_with("SecurityGroupIds.1"));
    }

    #[test]
    fn secrets_do_not_debug_print() {
        let r = typed(&[("Password", "Hunter#2Hunter")]).unwrap();
        assert!(!format!("{r:?}").contains("Hunter"));
    }
}
