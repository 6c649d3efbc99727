//! The world's records, in the field names of the Describe* responses they come from.
//!
//! Every resource list keeps the RPC wrapper shape (`Images: {Image: [...]}`) so a planner can
//! paste a real `DescribeImages` export into a world file. Fields that no Describe* response
//! carries are ecsim extensions; each is documented and has a default so real exports load.
//! Simulator-only facts (account state, quotas, stock, service health) have their own records.

use serde::{Deserialize, Serialize};

/// `DescribeRegions` → `Regions.Region[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Region {
    pub region_id: String,
    #[serde(default)]
    pub local_name: String,
    #[serde(default)]
    pub region_endpoint: String,
    /// ecsim extension: whether disk encryption is offered in the region (default true).
    #[serde(default = "yes")]
    pub disk_encryption_supported: bool,
}

/// `DescribeAvailableResource` → `AvailableZones.AvailableZone[]`: the zones of every region
/// with what each offers and its stock status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AvailableZone {
    pub zone_id: String,
    pub region_id: String,
    /// `Available` or `SoldOut`.
    #[serde(default = "available")]
    pub status: String,
    /// `WithStock`, `ClosedWithStock`, `WithoutStock` or `ClosedWithoutStock`.
    #[serde(default = "with_stock")]
    pub status_category: String,
    #[serde(default)]
    pub available_resources: AvailableResources,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AvailableResources {
    #[serde(default)]
    pub available_resource: Vec<AvailableResource>,
}

/// One resource kind offered by a zone (`Type`: `InstanceType`, `SystemDisk`, `DataDisk`, ...).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AvailableResource {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(default)]
    pub supported_resources: SupportedResources,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SupportedResources {
    #[serde(default)]
    pub supported_resource: Vec<SupportedResource>,
}

/// One offered value (an instance type id or a disk category) with its stock status.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SupportedResource {
    pub value: String,
    #[serde(default = "available")]
    pub status: String,
    #[serde(default = "with_stock")]
    pub status_category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// `DescribeInstanceTypes` → `InstanceTypes.InstanceType[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceType {
    pub instance_type_id: String,
    #[serde(default)]
    pub instance_type_family: String,
    /// vCPUs.
    pub cpu_core_count: u32,
    /// GiB.
    pub memory_size: f64,
    /// `X86` or `ARM`.
    #[serde(default = "x86")]
    pub cpu_architecture: String,
    /// Maximum cloud disks per instance, system disk included (17 = 1 + 16).
    #[serde(default = "disk_quantity")]
    pub disk_quantity: u32,
    /// Local storage kind (`local_ssd_pro`, `local_hdd_pro`, `ephemeral_ssd`, ...), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_storage_category: Option<String>,
    /// GiB of local storage per instance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_storage_capacity: Option<u64>,
    /// ecsim extension: false for retired series-I types that are not I/O optimized (default true).
    #[serde(default = "yes")]
    pub io_optimized: bool,
    /// ecsim extension: true for types that may only run I/O optimized (every current type).
    /// Retired types that can run either way set both `IoOptimized` and this to false.
    #[serde(default = "yes")]
    pub io_optimized_required: bool,
    /// ecsim extension: whether spot instances of the type are sold (default true).
    #[serde(default = "yes")]
    pub spot_supported: bool,
    /// ecsim extension: the type accepts an HpcClusterId (default false).
    #[serde(default)]
    pub hpc_supported: bool,
    /// ecsim extension: the type requires an HpcClusterId (default false).
    #[serde(default)]
    pub hpc_required: bool,
    /// ecsim extension: disk categories the type supports; empty means every cloud category
    /// (and ephemeral_ssd when the type has local storage).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported_disk_categories: Vec<String>,
    /// `EntryLevel` (shared), `EnterpriseLevel` or `CreditEntryLevel` (burstable t5/t6);
    /// default `EnterpriseLevel` when an item leaves it out.
    #[serde(default = "enterprise_level")]
    pub instance_family_level: String,
    /// ENIs an instance of the type may have, primary included (default 2).
    #[serde(default = "eni_quantity")]
    pub eni_quantity: u32,
    /// IPv6 addresses per ENI (`EniIpv6AddressQuantity` in DescribeInstanceTypes; the shorter
    /// `Ipv6AddressQuantity` is read too; default 1).
    #[serde(
        rename = "EniIpv6AddressQuantity",
        alias = "Ipv6AddressQuantity",
        default = "one"
    )]
    pub ipv6_address_quantity: u32,
}

impl InstanceType {
    /// A burstable (t5, t6) type: `InstanceFamilyLevel` is `CreditEntryLevel`.
    pub fn is_burstable(&self) -> bool {
        self.instance_family_level == "CreditEntryLevel"
    }
}

/// `DescribeImages` → `Images.Image[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    pub image_id: String,
    #[serde(default)]
    pub image_name: String,
    /// `linux` or `windows`.
    #[serde(rename = "OSType")]
    pub os_type: String,
    #[serde(rename = "OSName", default)]
    pub os_name: String,
    #[serde(default)]
    pub platform: String,
    /// `x86_64`, `i386` or `arm64`.
    #[serde(default = "x86_64")]
    pub architecture: String,
    /// GiB; the minimum system disk.
    pub size: u32,
    /// `Available`, `UnAvailable`, `Creating`, `CreateFailed`, `Deprecated`, ...
    #[serde(default = "available")]
    pub status: String,
    /// `system`, `self`, `others` or `marketplace`.
    #[serde(default = "system")]
    pub image_owner_alias: String,
    #[serde(default = "yes")]
    pub is_support_io_optimized: bool,
    #[serde(default = "yes")]
    pub is_subscribed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_code: Option<String>,
    #[serde(default)]
    pub disk_device_mappings: DiskDeviceMappings,
    /// ecsim extension: the region the image lives in; absent for public images offered in
    /// every region (DescribeImages answers per region, so an export has it at the top).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// The image family (`acs:alibaba_cloud_linux_3_2104_lts_x64` for a public family), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_family: Option<String>,
    /// UTC, `2024-05-28T09:12:40Z`; empty when an item leaves it out (it then counts as the
    /// oldest image of its family).
    #[serde(default)]
    pub creation_time: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskDeviceMappings {
    #[serde(default)]
    pub disk_device_mapping: Vec<DiskDeviceMapping>,
}

/// A disk bundled with an image; `Type` is `system` or `data`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskDeviceMapping {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub snapshot_id: String,
}

/// `DescribeSecurityGroups` → `SecurityGroups.SecurityGroup[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub security_group_id: String,
    #[serde(default)]
    pub security_group_name: String,
    /// `normal` or `enterprise`.
    #[serde(default = "normal")]
    pub security_group_type: String,
    /// Empty for a classic-network group.
    #[serde(default)]
    pub vpc_id: String,
    /// Instances in the group now.
    #[serde(default)]
    pub ecs_count: u32,
    /// ecsim extension: the region (an export has it at the top of the response).
    pub region_id: String,
    /// ecsim extension: instances the group may hold (default 1000, the reference's limit).
    /// Today this binds classic-network groups only (docs/capacity.md).
    #[serde(default = "sg_limit")]
    pub instance_limit: u32,
    /// ecsim extension: private IP addresses a basic (`normal`) VPC group may hold (default:
    /// the account's `BasicSecurityGroupIpLimit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_limit: Option<u32>,
    /// ecsim extension: private IP addresses the group's members hold now (default: one per
    /// instance, `EcsCount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip_count: Option<u32>,
    /// ecsim extension: ENIs an enterprise group may hold (default 65,536).
    #[serde(default = "eni_limit")]
    pub eni_limit: u32,
    /// ecsim extension: ENIs in the group now (default: one per instance, `EcsCount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eni_count: Option<u32>,
}

impl SecurityGroup {
    /// A classic-network group (no VPC).
    pub fn is_classic(&self) -> bool {
        self.vpc_id.is_empty()
    }

    /// An advanced (enterprise) group.
    pub fn is_enterprise(&self) -> bool {
        self.security_group_type == "enterprise"
    }
}

/// `DescribeVpcs` → `Vpcs.Vpc[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub vpc_id: String,
    pub region_id: String,
    #[serde(default = "available")]
    pub status: String,
    #[serde(default)]
    pub cidr_block: String,
    /// ecsim extension: false for a legacy VPC that cannot host I/O optimized instances.
    #[serde(default = "yes")]
    pub supports_io_optimized: bool,
}

/// `DescribeVSwitches` → `VSwitches.VSwitch[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VSwitch {
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    #[serde(default = "available")]
    pub status: String,
    #[serde(default)]
    pub cidr_block: String,
    /// Free addresses now. When absent, the CIDR's usable addresses (all but the first and
    /// the last three) less the world's instances on the vSwitch; without a CIDR, unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_ip_address_count: Option<u64>,
}

/// `DescribeKeyPairs` → `KeyPairs.KeyPair[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyPair {
    pub key_pair_name: String,
    #[serde(default)]
    pub key_pair_finger_print: String,
    /// ecsim extension: the region.
    pub region_id: String,
}

/// `DescribeSnapshots` → `Snapshots.Snapshot[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Snapshot {
    pub snapshot_id: String,
    /// `System` or `Data`.
    pub source_disk_type: String,
    /// GiB, as a string in the real response.
    pub source_disk_size: String,
    /// `progressing`, `accomplished` or `failed`.
    pub status: String,
    /// UTC, `2019-11-15T06:07:05Z`.
    pub creation_time: String,
    #[serde(default)]
    pub encrypted: bool,
    /// Whether disks may be created from the snapshot.
    #[serde(default = "yes")]
    pub available: bool,
    /// ecsim extension: the region.
    pub region_id: String,
}

/// `DescribeDeploymentSets` → `DeploymentSets.DeploymentSet[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentSet {
    pub deployment_set_id: String,
    /// ecsim extension: the region (an export has it at the top of the response).
    pub region_id: String,
    #[serde(default)]
    pub deployment_set_name: String,
    /// `Availability`, `AvailabilityGroup` or `LowLatency` (default `Availability`).
    #[serde(default = "availability")]
    pub deployment_strategy: String,
    /// Instances in the set now.
    #[serde(default)]
    pub instance_amount: u32,
    /// Instances per zone, when the export has them (only zones that hold instances).
    #[serde(default)]
    pub capacities: Capacities,
    /// ecsim extension: instances the set may hold per zone (default 7, the limit of the
    /// high-availability strategy).
    #[serde(default = "ds_per_zone")]
    pub instances_per_zone_limit: u32,
}

impl DeploymentSet {
    /// Instances of the set in `zone`: the zone's `Capacities` entry when the set lists any,
    /// else the whole `InstanceAmount` (as if every instance were in that zone).
    pub fn instances_in_zone(&self, zone: &str) -> u32 {
        let c = &self.capacities.capacity;
        if c.is_empty() {
            return self.instance_amount;
        }
        c.iter()
            .filter(|c| c.zone_id == zone)
            .map(|c| c.used_amount)
            .sum()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Capacities {
    #[serde(default)]
    pub capacity: Vec<DeploymentSetCapacity>,
}

/// A private pool: `DescribeCapacityReservations` → `CapacityReservationSet.CapacityReservationItem[]`
/// or `DescribeElasticityAssurances` → `ElasticityAssuranceSet.ElasticityAssuranceItem[]` (the
/// same fields). Instances launched into it take its capacity instead of the zone's stock.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrivatePool {
    pub private_pool_options_id: String,
    pub region_id: String,
    #[serde(default)]
    pub private_pool_options_name: String,
    /// `Open` (any matching launch may use it) or `Target` (only launches naming it).
    #[serde(default = "open")]
    pub private_pool_options_match_criteria: String,
    /// `Active` to be used (also `Pending`, `Preparing`, `Expired`, `Released`, ...).
    #[serde(default = "active")]
    pub status: String,
    #[serde(default = "postpaid")]
    pub instance_charge_type: String,
    /// `linux` or `windows`; empty: any.
    #[serde(default)]
    pub platform: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(default)]
    pub allocated_resources: AllocatedResources,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllocatedResources {
    #[serde(default)]
    pub allocated_resource: Vec<AllocatedResource>,
}

/// What a private pool holds of one type in one zone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AllocatedResource {
    /// The API spells it `zoneId`; `ZoneId` is read too.
    #[serde(rename = "zoneId", alias = "ZoneId")]
    pub zone_id: String,
    pub instance_type: String,
    pub total_amount: u32,
    #[serde(default)]
    pub used_amount: u32,
}

impl PrivatePool {
    /// Whether the pool can be used at `at`: Active and inside its time window.
    pub fn usable_at(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        let time = |t: &Option<String>| t.as_deref().and_then(crate::time::parse_utc);
        self.status == "Active"
            && time(&self.start_time).is_none_or(|s| s <= at)
            && time(&self.end_time).is_none_or(|e| at < e)
    }

    /// What it holds of `instance_type` in `zone`.
    pub fn resource(&self, zone: &str, instance_type: &str) -> Option<&AllocatedResource> {
        self.allocated_resources
            .allocated_resource
            .iter()
            .find(|r| r.zone_id == zone && r.instance_type == instance_type)
    }
}

/// A deployment set's use of one zone.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentSetCapacity {
    pub zone_id: String,
    /// Instances of the set in the zone.
    #[serde(default)]
    pub used_amount: u32,
    /// Instances the zone can still take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_amount: Option<u32>,
}

/// Resource Manager `ListResourceGroups` → `ResourceGroups.ResourceGroup[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceGroup {
    /// `rg-...`.
    pub id: String,
    /// The group's unique identifier (`default` for the account's default group).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    /// `Creating`, `OK` or `PendingDelete` (default `OK`).
    #[serde(default = "ok")]
    pub status: String,
}

/// `DescribeInstances` → `Instances.Instance[]`: instances that exist already, with the fields
/// the rules read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Instance {
    pub instance_id: String,
    pub region_id: String,
    #[serde(default)]
    pub zone_id: String,
    #[serde(default)]
    pub instance_type: String,
    /// `Pending`, `Running`, `Starting`, `Stopping` or `Stopped` (default `Running`).
    #[serde(default = "running")]
    pub status: String,
    /// Empty when the instance is in no deployment set.
    #[serde(default)]
    pub deployment_set_id: String,
    #[serde(default)]
    pub vpc_attributes: VpcAttributes,
    #[serde(default)]
    pub security_group_ids: SecurityGroupIds,
}

/// An instance's VPC side: its vSwitch and private addresses.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcAttributes {
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub v_switch_id: String,
    #[serde(default)]
    pub private_ip_address: IpAddresses,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpAddresses {
    #[serde(default)]
    pub ip_address: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupIds {
    #[serde(default)]
    pub security_group_id: Vec<String>,
}

/// `DescribeLaunchTemplateVersions` → `LaunchTemplateVersionSets.LaunchTemplateVersionSet[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateVersion {
    pub launch_template_id: String,
    pub launch_template_name: String,
    pub version_number: u32,
    #[serde(default)]
    pub default_version: bool,
    /// ecsim extension: the region.
    pub region_id: String,
    /// The template's parameters; scalar keys are RunInstances wire names
    /// (`"SystemDisk.Category"`), lists follow the Describe shape
    /// (`DataDisks.DataDisk[]`, `Tags.InstanceTag[]`).
    #[serde(default)]
    pub launch_template_data: serde_json::Map<String, serde_json::Value>,
}

/// RAM `ListRoles` → `Roles.Role[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RamRole {
    pub role_name: String,
    #[serde(default)]
    pub role_id: String,
    #[serde(default)]
    pub arn: String,
}

/// `DescribeHpcClusters` → `HpcClusters.HpcCluster[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HpcCluster {
    pub hpc_cluster_id: String,
    #[serde(default)]
    pub name: String,
    /// ecsim extension: the region.
    pub region_id: String,
    /// ecsim extension: `Available` or `Creating`.
    #[serde(default = "available")]
    pub status: String,
}

/// Simulator-only: the account's standing and permissions.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Account {
    pub arrearage: bool,
    pub payment_method_registered: bool,
    pub run_instances_allowed: bool,
    pub pass_role_allowed: bool,
    pub user_data_allowed: bool,
    pub kms_enabled: bool,
    pub spot_eligible: bool,
    pub spot_authorized: bool,
    pub prepaid_allowed: bool,
    pub unauthorized_regions: Vec<String>,
    pub unauthorized_zones: Vec<String>,
    pub unauthorized_instance_types: Vec<String>,
    pub unauthorized_disk_categories: Vec<String>,
    pub sales_suspended_regions: Vec<String>,
    /// ecsim extension: security groups one instance may join (default 5; raisable to 10 or
    /// 16 by quota).
    pub joined_security_group_limit: u32,
    /// ecsim extension: whether pay-as-you-go (PostPaid) instances may be bought (default true).
    pub payg_available: bool,
    /// ecsim extension: whether business rules let the account buy spot instances at all
    /// (default true; false answers InvalidAccount.NotSupportSpot).
    pub spot_purchase_allowed: bool,
    /// ecsim extension: private IP addresses one basic (`normal`) VPC security group may
    /// hold (default 2,000; 6,000 once the quota `q_vpc-normal-security-group-ip-count` is
    /// raised; docs/capacity.md).
    pub basic_security_group_ip_limit: u32,
    /// ecsim extension: RunInstances calls per second the account may make, as a token
    /// bucket; an empty bucket answers Throttling.User (None: no limit; docs/throttling.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_instances_rate_limit: Option<CallRateLimit>,
    /// ecsim extension: instances RunInstances may create per second across calls, as a
    /// token bucket; a call whose Amount the bucket cannot cover answers Throttling.Resource
    /// (None: no limit; docs/throttling.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_instances_resource_rate_limit: Option<InstanceRateLimit>,
}

/// A token bucket's figures: it holds `burst` tokens, starts full, and refills at
/// `per_second`. Both are settings, not published figures (docs/throttling.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub per_second: f64,
    pub burst: u32,
}

/// Tokens per second and burst a rate limit may have, at most (a larger figure is no limit
/// worth modeling; the bound keeps the bucket's integer arithmetic far from overflow).
pub const MAX_RATE: f64 = 1_000_000.0;

impl RateLimit {
    /// Checks the figures; `per` names the rate field in messages.
    fn checked(per_second: f64, burst: u32, per: &str) -> Result<RateLimit, String> {
        if !(per_second.is_finite() && (0.001..=MAX_RATE).contains(&per_second)) {
            return Err(format!(
                "{per} is {per_second}; give tokens per second from 0.001 to {MAX_RATE}"
            ));
        }
        if !(1..=MAX_RATE as u32).contains(&burst) {
            return Err(format!(
                "Burst is {burst}; give the bucket's size from 1 to {MAX_RATE}"
            ));
        }
        Ok(RateLimit { per_second, burst })
    }
}

/// Simulator-only: `{"CallsPerSecond": 2.0, "Burst": 10}`, the account's RunInstances call
/// rate (Throttling.User).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", try_from = "CallRateDoc")]
pub struct CallRateLimit {
    pub calls_per_second: f64,
    pub burst: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct CallRateDoc {
    calls_per_second: f64,
    burst: u32,
}

impl TryFrom<CallRateDoc> for CallRateLimit {
    type Error = String;
    fn try_from(d: CallRateDoc) -> Result<Self, String> {
        RateLimit::checked(d.calls_per_second, d.burst, "CallsPerSecond")?;
        Ok(CallRateLimit {
            calls_per_second: d.calls_per_second,
            burst: d.burst,
        })
    }
}

impl CallRateLimit {
    pub fn rate(&self) -> RateLimit {
        RateLimit {
            per_second: self.calls_per_second,
            burst: self.burst,
        }
    }
}

/// Simulator-only: `{"InstancesPerSecond": 20.0, "Burst": 100}`, instances the account's
/// RunInstances calls may create per second together (Throttling.Resource).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", try_from = "InstanceRateDoc")]
pub struct InstanceRateLimit {
    pub instances_per_second: f64,
    pub burst: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
struct InstanceRateDoc {
    instances_per_second: f64,
    burst: u32,
}

impl TryFrom<InstanceRateDoc> for InstanceRateLimit {
    type Error = String;
    fn try_from(d: InstanceRateDoc) -> Result<Self, String> {
        RateLimit::checked(d.instances_per_second, d.burst, "InstancesPerSecond")?;
        Ok(InstanceRateLimit {
            instances_per_second: d.instances_per_second,
            burst: d.burst,
        })
    }
}

impl InstanceRateLimit {
    pub fn rate(&self) -> RateLimit {
        RateLimit {
            per_second: self.instances_per_second,
            burst: self.burst,
        }
    }
}

impl Default for Account {
    fn default() -> Self {
        Account {
            arrearage: false,
            payment_method_registered: true,
            run_instances_allowed: true,
            pass_role_allowed: true,
            user_data_allowed: true,
            kms_enabled: true,
            spot_eligible: true,
            spot_authorized: true,
            prepaid_allowed: true,
            unauthorized_regions: Vec::new(),
            unauthorized_zones: Vec::new(),
            unauthorized_instance_types: Vec::new(),
            unauthorized_disk_categories: Vec::new(),
            sales_suspended_regions: Vec::new(),
            joined_security_group_limit: 5,
            payg_available: true,
            spot_purchase_allowed: true,
            basic_security_group_ip_limit: 2000,
            run_instances_rate_limit: None,
            run_instances_resource_rate_limit: None,
        }
    }
}

/// Simulator-only: per-region quotas and what is in use now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionQuota {
    pub region_id: String,
    /// Pay-as-you-go instances allowed (None: no count limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_postpaid_instance_count: Option<u32>,
    /// Pay-as-you-go vCPUs allowed (`max-postpaid-instance-vcpu-count`; None: no limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_postpaid_instance_vcpu_count: Option<u32>,
    #[serde(default)]
    pub used_postpaid_instance_count: u32,
    #[serde(default)]
    pub used_postpaid_instance_vcpu_count: u32,
    /// Public bandwidth limit for PayByTraffic instances, Mbit/s (default 5120).
    #[serde(default = "traffic_bw")]
    pub pay_by_traffic_bandwidth_limit: u32,
    /// Public bandwidth limit for PayByBandwidth instances, Mbit/s (default 51200).
    #[serde(default = "fixed_bw")]
    pub pay_by_bandwidth_bandwidth_limit: u32,
    #[serde(default)]
    pub used_pay_by_traffic_bandwidth: u32,
    #[serde(default)]
    pub used_pay_by_bandwidth_bandwidth: u32,
    /// Spot vCPUs allowed (`max-spot-instance-vcpu-count`; None: spot draws on no quota of
    /// its own). Today spot instances count here, not in the pay-as-you-go quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_spot_instance_vcpu_count: Option<u32>,
    #[serde(default)]
    pub used_spot_instance_vcpu_count: u32,
    /// Public IPv4 addresses the region can still assign (None: unlimited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip_address_stock: Option<u32>,
    /// Living pay-as-you-go (and spot) cloud disks allowed, system disks included (None: no
    /// limit); `QuotaExceed.PostPaidDisk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_post_paid_disk_count: Option<u32>,
    #[serde(default)]
    pub used_post_paid_disk_count: u32,
    /// GiB of pay-as-you-go data disks allowed (`max-postpaid-yundisk-capacity`; None: no
    /// limit); `QuotaExceeded.PostpaidDataDiskCapacity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_postpaid_data_disk_capacity: Option<u64>,
    #[serde(default)]
    pub used_postpaid_data_disk_capacity: u64,
    /// GiB of subscription data disks allowed (None: no limit);
    /// `QuotaExceeded.PrepayDataDiskCapacity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_prepaid_data_disk_capacity: Option<u64>,
    #[serde(default)]
    pub used_prepaid_data_disk_capacity: u64,
}

/// Simulator-only: GiB of one disk category a zone allows the account (DescribeAccountAttributes'
/// yundisk capacity items with a ZoneId and a DiskCategory); `QuotaExceed.DiskCapacity`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskCapacityQuota {
    pub region_id: String,
    pub zone_id: String,
    pub disk_category: String,
    pub max_capacity: u64,
    #[serde(default)]
    pub used_capacity: u64,
}

/// Simulator-only: a per zone × instance type × billing method quota in vCPUs, as ECS's
/// instance quotas (and DescribeAccountAttributes' dimensioned items) give them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceTypeQuota {
    pub region_id: String,
    pub zone_id: String,
    pub instance_type: String,
    /// `PostPaid` (pay-as-you-go), `PrePaid` (subscription) or `Spot`.
    #[serde(default = "postpaid")]
    pub instance_charge_type: String,
    pub max_vcpu_count: u32,
    #[serde(default)]
    pub used_vcpu_count: u32,
}

/// Simulator-only: instances per VPC.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcQuota {
    pub vpc_id: String,
    pub instance_limit: u32,
    #[serde(default)]
    pub instance_count: u32,
}

/// Simulator-only: how many instances of a type a zone can still deliver now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StockLevel {
    pub zone_id: String,
    pub instance_type: String,
    pub available: u32,
}

/// Simulator-only: an outage that makes requests fail with a transient error code.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceFault {
    /// Catalog key of the error (`InternalError`, `InnerServiceFailed`, `OperationDeniedCreating`).
    pub error: String,
    pub region_id: String,
    /// Only this zone (None: the whole region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone_id: Option<String>,
}

/// `DescribeSpotPriceHistory` → `SpotPrices.SpotPriceType[]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SpotPriceType {
    pub zone_id: String,
    pub instance_type: String,
    pub spot_price: f64,
    pub origin_price: f64,
    /// UTC, `2019-11-19T06:00:00Z`.
    pub timestamp: String,
    #[serde(default = "vpc")]
    pub network_type: String,
    #[serde(default = "optimized")]
    pub io_optimized: String,
}

fn yes() -> bool {
    true
}
fn available() -> String {
    "Available".into()
}
fn with_stock() -> String {
    "WithStock".into()
}
fn x86() -> String {
    "X86".into()
}
fn x86_64() -> String {
    "x86_64".into()
}
fn system() -> String {
    "system".into()
}
fn normal() -> String {
    "normal".into()
}
fn vpc() -> String {
    "vpc".into()
}
fn optimized() -> String {
    "optimized".into()
}
fn disk_quantity() -> u32 {
    17
}
fn one() -> u32 {
    1
}
fn eni_quantity() -> u32 {
    2
}
fn enterprise_level() -> String {
    "EnterpriseLevel".into()
}
fn open() -> String {
    "Open".into()
}
fn active() -> String {
    "Active".into()
}
fn availability() -> String {
    "Availability".into()
}
fn ds_per_zone() -> u32 {
    7
}
fn ok() -> String {
    "OK".into()
}
fn running() -> String {
    "Running".into()
}
fn sg_limit() -> u32 {
    1000
}
fn postpaid() -> String {
    "PostPaid".into()
}
fn eni_limit() -> u32 {
    65_536
}
fn traffic_bw() -> u32 {
    5120
}
fn fixed_bw() -> u32 {
    51200
}
