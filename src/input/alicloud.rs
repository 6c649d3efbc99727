//! The Alibaba Cloud Terraform provider's resources → RunInstances wire parameters, for every
//! Terraform reader (plans in [`super::terraform`], `.tf` files in [`super::hcl`]).
//!
//! The mapping follows what the provider itself sends when it creates the resource
//! (`alicloud/resource_alicloud_instance.go`, `resource_alicloud_ecs_instance_set.go`,
//! `resource_alicloud_ecs_launch_template.go`, `resource_alicloud_ess_scaling_configuration.go`
//! of aliyun/terraform-provider-alicloud), written here as tables: an attribute the provider
//! skips when it is empty, zero or false is skipped here too. docs/terraform.md lists the
//! tables; a test keeps the two in step.
//!
//! A value known only after apply is not guessed: its parameter is not sent, and the request
//! carries a note saying so. A value the form marks sensitive is sent and hidden in every view
//! of the request ([`RawRequest::hidden`]).

use base64::Engine as _;

use crate::request::{is_secret, RawRequest};

/// An attribute's value as a Terraform form gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(String),
    Str(String),
    List(Vec<Value>),
    /// An object or a nested block, in its order.
    Map(Vec<(String, Value)>),
    /// Not known before apply: the reference or expression it comes from
    /// (`alicloud_vswitch.main.id`), or empty.
    Unknown(String),
    /// Marked sensitive by the form.
    Sensitive(Box<Value>),
}

impl Value {
    /// The value of `key` in a map.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            Value::Sensitive(v) => v.get(key),
            _ => None,
        }
    }

    /// Whether the provider's `GetOk` would skip it: null, empty, zero or false.
    fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::Number(n) => n.parse::<f64>().is_ok_and(|f| f == 0.0),
            Value::Str(s) => s.is_empty(),
            Value::List(l) => l.is_empty(),
            Value::Map(m) => m.is_empty(),
            Value::Unknown(_) => false,
            Value::Sensitive(v) => v.is_empty(),
        }
    }

    /// The text of a single value, or None for a list or a map.
    fn text(&self) -> Option<String> {
        match self {
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.clone()),
            Value::Str(s) => Some(s.clone()),
            Value::Sensitive(v) => v.text(),
            _ => None,
        }
    }

    /// The list's items (a single value counts as a list of one).
    fn items(&self) -> Vec<&Value> {
        match self {
            Value::List(l) => l.iter().collect(),
            Value::Sensitive(v) => v.items(),
            Value::Null => Vec::new(),
            other => vec![other],
        }
    }
}

/// When the provider sends an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// When it is set and not empty, zero or false (the provider's `GetOk`).
    Set,
    /// Whenever it is set, false and zero included (`GetOkExists`).
    Exists,
    /// As `Set`, only when `instance_charge_type` is `PrePaid`.
    PrePaid,
    /// As `Set`, unless `instance_charge_type` is `PrePaid`.
    NotPrePaid,
}

/// One attribute the provider sends as one wire parameter.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub attr: &'static str,
    pub param: &'static str,
    pub when: When,
}

const fn row(attr: &'static str, param: &'static str) -> Row {
    Row {
        attr,
        param,
        when: When::Set,
    }
}

const fn exists(attr: &'static str, param: &'static str) -> Row {
    Row {
        attr,
        param,
        when: When::Exists,
    }
}

const fn prepaid(attr: &'static str, param: &'static str) -> Row {
    Row {
        attr,
        param,
        when: When::PrePaid,
    }
}

const fn postpaid(attr: &'static str, param: &'static str) -> Row {
    Row {
        attr,
        param,
        when: When::NotPrePaid,
    }
}

/// `alicloud_instance`: the attributes sent as one parameter each. The others
/// (security_groups, vswitch_id, tags, data_disks, user_data, ...) are in [`instance`].
pub const INSTANCE: &[Row] = &[
    row("availability_zone", "ZoneId"),
    row("instance_type", "InstanceType"),
    row("image_id", "ImageId"),
    row("system_disk_category", "SystemDisk.Category"),
    row("system_disk_size", "SystemDisk.Size"),
    row("system_disk_name", "SystemDisk.DiskName"),
    row("system_disk_description", "SystemDisk.Description"),
    row(
        "system_disk_performance_level",
        "SystemDisk.PerformanceLevel",
    ),
    row(
        "system_disk_auto_snapshot_policy_id",
        "SystemDisk.AutoSnapshotPolicyId",
    ),
    row(
        "system_disk_storage_cluster_id",
        "SystemDisk.StorageClusterId",
    ),
    exists("system_disk_encrypted", "SystemDisk.Encrypted"),
    row("system_disk_kms_key_id", "SystemDisk.KMSKeyId"),
    row(
        "system_disk_encrypt_algorithm",
        "SystemDisk.EncryptAlgorithm",
    ),
    exists("system_disk_provisioned_iops", "SystemDisk.ProvisionedIops"),
    exists("system_disk_bursting_enabled", "SystemDisk.BurstingEnabled"),
    row("instance_name", "InstanceName"),
    row("host_name", "HostName"),
    row("description", "Description"),
    row("credit_specification", "CreditSpecification"),
    row("resource_group_id", "ResourceGroupId"),
    row("launch_template_id", "LaunchTemplateId"),
    row("launch_template_name", "LaunchTemplateName"),
    row("launch_template_version", "LaunchTemplateVersion"),
    row("internet_charge_type", "InternetChargeType"),
    row("internet_max_bandwidth_out", "InternetMaxBandwidthOut"),
    row("internet_max_bandwidth_in", "InternetMaxBandwidthIn"),
    row("password", "Password"),
    exists("password_inherit", "PasswordInherit"),
    row("instance_charge_type", "InstanceChargeType"),
    prepaid("period", "Period"),
    prepaid("period_unit", "PeriodUnit"),
    prepaid("auto_renew_period", "AutoRenewPeriod"),
    postpaid("spot_strategy", "SpotStrategy"),
    postpaid("spot_price_limit", "SpotPriceLimit"),
    exists("spot_duration", "SpotDuration"),
    row("spot_interruption_behavior", "SpotInterruptionBehavior"),
    row("role_name", "RamRoleName"),
    row("key_name", "KeyPairName"),
    row(
        "security_enhancement_strategy",
        "SecurityEnhancementStrategy",
    ),
    row("auto_release_time", "AutoReleaseTime"),
    exists("dry_run", "DryRun"),
    exists("deletion_protection", "DeletionProtection"),
    row("hpc_cluster_id", "HpcClusterId"),
    row("deployment_set_id", "DeploymentSetId"),
    row("dedicated_host_id", "DedicatedHostId"),
    row("http_tokens", "HttpTokens"),
    row("http_endpoint", "HttpEndpoint"),
    row("http_put_response_hop_limit", "HttpPutResponseHopLimit"),
    exists("ipv6_address_count", "Ipv6AddressCount"),
    row(
        "private_pool_options_match_criteria",
        "PrivatePoolOptions.MatchCriteria",
    ),
    row("private_pool_options_id", "PrivatePoolOptions.Id"),
    row(
        "enable_high_density_mode",
        "AdditionalInfo.EnableHighDensityMode",
    ),
];

/// `alicloud_instance` data_disks block fields (`DataDisk.N.<param>`); `size`, `encrypted`
/// and `delete_with_instance` are always sent, with the provider's defaults.
pub const INSTANCE_DISK: &[Row] = &[
    row("name", "DiskName"),
    row("category", "Category"),
    row("kms_key_id", "KMSKeyId"),
    row("snapshot_id", "SnapshotId"),
    row("description", "Description"),
    row("auto_snapshot_policy_id", "AutoSnapshotPolicyId"),
    row("device", "Device"),
    row("performance_level", "PerformanceLevel"),
    exists("provisioned_iops", "ProvisionedIops"),
    exists("bursting_enabled", "BurstingEnabled"),
];

/// `alicloud_ecs_instance_set`: `amount` → `Amount` (default 1), and these.
pub const INSTANCE_SET: &[Row] = &[
    row("zone_id", "ZoneId"),
    row("instance_type", "InstanceType"),
    row("image_id", "ImageId"),
    row("vswitch_id", "VSwitchId"),
    row("system_disk_category", "SystemDisk.Category"),
    row("system_disk_size", "SystemDisk.Size"),
    row("system_disk_name", "SystemDisk.DiskName"),
    row("system_disk_description", "SystemDisk.Description"),
    row(
        "system_disk_performance_level",
        "SystemDisk.PerformanceLevel",
    ),
    row(
        "system_disk_auto_snapshot_policy_id",
        "SystemDisk.AutoSnapshotPolicyId",
    ),
    row("instance_name", "InstanceName"),
    row("host_name", "HostName"),
    row("description", "Description"),
    row("resource_group_id", "ResourceGroupId"),
    row("hpc_cluster_id", "HpcClusterId"),
    row(
        "security_enhancement_strategy",
        "SecurityEnhancementStrategy",
    ),
    row("password", "Password"),
    row("password_inherit", "PasswordInherit"),
    row("auto_release_time", "AutoReleaseTime"),
    row("internet_charge_type", "InternetChargeType"),
    row("internet_max_bandwidth_out", "InternetMaxBandwidthOut"),
    row("ram_role_name", "RamRoleName"),
    row("key_pair_name", "KeyPairName"),
    row("spot_strategy", "SpotStrategy"),
    row("spot_price_limit", "SpotPriceLimit"),
    row("dedicated_host_id", "DedicatedHostId"),
    row("launch_template_id", "LaunchTemplateId"),
    row("launch_template_name", "LaunchTemplateName"),
    row("launch_template_version", "LaunchTemplateVersion"),
    row("instance_charge_type", "InstanceChargeType"),
    row("period", "Period"),
    row("period_unit", "PeriodUnit"),
    row("auto_renew", "AutoRenew"),
    row("auto_renew_period", "AutoRenewPeriod"),
    row("unique_suffix", "UniqueSuffix"),
    exists("deletion_protection", "DeletionProtection"),
    row("deployment_set_id", "DeploymentSetId"),
];

/// `alicloud_ecs_instance_set` data_disks block fields.
pub const INSTANCE_SET_DISK: &[Row] = &[
    row("disk_name", "DiskName"),
    row("disk_size", "Size"),
    row("disk_category", "Category"),
    row("disk_description", "Description"),
    row("snapshot_id", "SnapshotId"),
    row("encrypted", "Encrypted"),
    row("kms_key_id", "KMSKeyId"),
    row("auto_snapshot_policy_id", "AutoSnapshotPolicyId"),
    row("performance_level", "PerformanceLevel"),
];

/// `alicloud_ecs_launch_template` and `alicloud_launch_template` (one resource, two names):
/// what a template holds, sent for what the instance leaves out.
pub const LAUNCH_TEMPLATE: &[Row] = &[
    row("zone_id", "ZoneId"),
    row("instance_type", "InstanceType"),
    row("image_id", "ImageId"),
    row("vswitch_id", "VSwitchId"),
    row("security_group_id", "SecurityGroupId"),
    row("system_disk_category", "SystemDisk.Category"),
    row("system_disk_size", "SystemDisk.Size"),
    row("system_disk_name", "SystemDisk.DiskName"),
    row("system_disk_description", "SystemDisk.Description"),
    row("instance_name", "InstanceName"),
    row("host_name", "HostName"),
    row("description", "Description"),
    row("resource_group_id", "ResourceGroupId"),
    row(
        "security_enhancement_strategy",
        "SecurityEnhancementStrategy",
    ),
    exists("password_inherit", "PasswordInherit"),
    row("private_ip_address", "PrivateIpAddress"),
    row("auto_release_time", "AutoReleaseTime"),
    row("internet_charge_type", "InternetChargeType"),
    row("internet_max_bandwidth_in", "InternetMaxBandwidthIn"),
    row("internet_max_bandwidth_out", "InternetMaxBandwidthOut"),
    row("io_optimized", "IoOptimized"),
    row("ram_role_name", "RamRoleName"),
    row("key_pair_name", "KeyPairName"),
    row("spot_strategy", "SpotStrategy"),
    row("spot_price_limit", "SpotPriceLimit"),
    row("spot_duration", "SpotDuration"),
    row("instance_charge_type", "InstanceChargeType"),
    row("period", "Period"),
    row("period_unit", "PeriodUnit"),
    row("auto_renew", "AutoRenew"),
    row("auto_renew_period", "AutoRenewPeriod"),
    row("deployment_set_id", "DeploymentSetId"),
    row("http_endpoint", "HttpEndpoint"),
    row("http_tokens", "HttpTokens"),
    row("http_put_response_hop_limit", "HttpPutResponseHopLimit"),
];

/// A launch template's system_disk block fields (`SystemDisk.<param>`).
pub const TEMPLATE_SYSTEM_DISK: &[Row] = &[
    row("category", "Category"),
    row("size", "Size"),
    row("name", "DiskName"),
    row("description", "Description"),
    row("performance_level", "PerformanceLevel"),
    row("encrypted", "Encrypted"),
    row("kms_key_id", "KMSKeyId"),
];

/// A launch template's data_disks block fields; `size`, `encrypted` and
/// `delete_with_instance` are always sent.
pub const TEMPLATE_DISK: &[Row] = &[
    row("name", "DiskName"),
    row("category", "Category"),
    row("description", "Description"),
    row("performance_level", "PerformanceLevel"),
    row("snapshot_id", "SnapshotId"),
    row("device", "Device"),
    row("kms_key_id", "KMSKeyId"),
];

/// `alicloud_ess_scaling_configuration`: the instance shape of a scaling group.
pub const SCALING_CONFIGURATION: &[Row] = &[
    row("image_id", "ImageId"),
    row("security_group_id", "SecurityGroupId"),
    row("system_disk_category", "SystemDisk.Category"),
    row("system_disk_size", "SystemDisk.Size"),
    row("system_disk_name", "SystemDisk.DiskName"),
    row("system_disk_description", "SystemDisk.Description"),
    row(
        "system_disk_performance_level",
        "SystemDisk.PerformanceLevel",
    ),
    row(
        "system_disk_auto_snapshot_policy_id",
        "SystemDisk.AutoSnapshotPolicyId",
    ),
    exists("system_disk_encrypted", "SystemDisk.Encrypted"),
    row("system_disk_kms_key_id", "SystemDisk.KMSKeyId"),
    row(
        "system_disk_encrypt_algorithm",
        "SystemDisk.EncryptAlgorithm",
    ),
    row("system_disk_provisioned_iops", "SystemDisk.ProvisionedIops"),
    row("instance_name", "InstanceName"),
    row("host_name", "HostName"),
    row("instance_description", "Description"),
    row("internet_charge_type", "InternetChargeType"),
    row("internet_max_bandwidth_in", "InternetMaxBandwidthIn"),
    row("internet_max_bandwidth_out", "InternetMaxBandwidthOut"),
    row("credit_specification", "CreditSpecification"),
    row(
        "security_enhancement_strategy",
        "SecurityEnhancementStrategy",
    ),
    row("resource_group_id", "ResourceGroupId"),
    row("role_name", "RamRoleName"),
    row("key_name", "KeyPairName"),
    row("password", "Password"),
    exists("password_inherit", "PasswordInherit"),
    row("spot_strategy", "SpotStrategy"),
    exists("spot_duration", "SpotDuration"),
    exists("deletion_protection", "DeletionProtection"),
    row("http_endpoint", "HttpEndpoint"),
    row(
        "dedicated_host_cluster_id",
        "SchedulerOptions.DedicatedHostClusterId",
    ),
];

/// `alicloud_ess_scaling_configuration` data_disk block fields; `delete_with_instance` and
/// `encrypted` are always sent.
pub const SCALING_DISK: &[Row] = &[
    row("size", "Size"),
    row("category", "Category"),
    row("name", "DiskName"),
    row("description", "Description"),
    row("snapshot_id", "SnapshotId"),
    row("device", "Device"),
    row("kms_key_id", "KMSKeyId"),
    row("auto_snapshot_policy_id", "AutoSnapshotPolicyId"),
    row("performance_level", "PerformanceLevel"),
    row("provisioned_iops", "ProvisionedIops"),
];

/// The resource types whose creation launches instances, and the templates they may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Instance,
    InstanceSet,
    LaunchTemplate,
    ScalingGroup,
    ScalingConfiguration,
}

impl Kind {
    /// The kind of a Terraform resource type, if ecsim reads it.
    pub fn of(resource_type: &str) -> Option<Kind> {
        Some(match resource_type {
            "alicloud_instance" => Kind::Instance,
            "alicloud_ecs_instance_set" => Kind::InstanceSet,
            "alicloud_ecs_launch_template" | "alicloud_launch_template" => Kind::LaunchTemplate,
            "alicloud_ess_scaling_group" => Kind::ScalingGroup,
            "alicloud_ess_scaling_configuration" => Kind::ScalingConfiguration,
            _ => return None,
        })
    }
}

/// Builds one request's parameters from a resource's attributes.
pub struct Writer<'a> {
    pub req: &'a mut RawRequest,
    /// The resource address, for notes.
    pub address: &'a str,
}

impl Writer<'_> {
    /// Sends `v` as `param`, or notes why it cannot be sent. Returns whether it was sent.
    fn put(&mut self, attr: &str, param: &str, v: &Value) -> bool {
        match v {
            Value::Unknown(from) => {
                self.unknown(attr, param, from);
                false
            }
            Value::Sensitive(inner) => {
                let sent = self.put(attr, param, inner);
                if sent && !is_secret(param) && !self.req.hidden.iter().any(|h| h == param) {
                    self.req.hidden.push(param.to_string());
                }
                sent
            }
            other => match other.text() {
                Some(t) => {
                    self.req.push(param, t);
                    true
                }
                None => {
                    self.req.notes.push(format!(
                        "{}: {attr} is not a single value; {param} is not sent",
                        self.address
                    ));
                    false
                }
            },
        }
    }

    /// Notes that `attr` is not known: `from` is the reference or expression it comes from
    /// (empty when the form does not say).
    pub fn unknown(&mut self, attr: &str, param: &str, from: &str) {
        // An expression of a secret may hold a piece of it: not shown.
        let from = if is_secret(param) { "" } else { from };
        let reference = from
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.[]*\"".contains(&b));
        let why = if from.is_empty() {
            "known only after apply".to_string()
        } else if !reference {
            format!("not known (ecsim does not evaluate `{from}`)")
        } else if from.starts_with("var.") {
            format!("not known ({from} has no default value)")
        } else {
            format!("known only after apply (from {from})")
        };
        self.req.notes.push(format!(
            "{}: {attr} is {why}; {param} is not sent, so the prediction may differ",
            self.address
        ));
    }

    /// The table's rows, read from `attrs`.
    pub fn rows(&mut self, attrs: &Value, rows: &[Row], prefix: &str) {
        let prepaid = attrs
            .get("instance_charge_type")
            .and_then(Value::text)
            .is_some_and(|t| t == "PrePaid");
        for r in rows {
            let Some(v) = attrs.get(r.attr) else { continue };
            let send = match r.when {
                When::Exists => !matches!(v, Value::Null),
                When::Set => !v.is_empty(),
                When::PrePaid => prepaid && !v.is_empty(),
                When::NotPrePaid => !prepaid && !v.is_empty(),
            };
            if send {
                self.put(r.attr, &format!("{prefix}{}", r.param), v);
            }
        }
    }

    /// A list of strings as `Name.1`, `Name.2`, ...
    fn list(&mut self, attr: &str, v: &Value, name: &str) {
        if let Value::Unknown(from) = v {
            return self.unknown(attr, &format!("{name}.N"), from);
        }
        for (i, item) in v.items().into_iter().enumerate() {
            self.put(attr, &format!("{name}.{}", i + 1), item);
        }
    }

    /// A map as `Tag.N.Key` / `Tag.N.Value`.
    fn tags(&mut self, attrs: &Value, attr: &str) {
        match attrs.get(attr) {
            Some(Value::Unknown(from)) => self.unknown(attr, "Tag.N", &from.clone()),
            Some(Value::Map(m)) => {
                for (i, (k, v)) in m.iter().enumerate() {
                    self.req.push(format!("Tag.{}.Key", i + 1), k.clone());
                    self.put(attr, &format!("Tag.{}.Value", i + 1), v);
                }
            }
            Some(Value::Sensitive(inner)) => {
                if let Value::Map(m) = inner.as_ref() {
                    for (i, (k, v)) in m.iter().enumerate() {
                        let key = Value::Sensitive(Box::new(Value::Str(k.clone())));
                        self.put(attr, &format!("Tag.{}.Key", i + 1), &key);
                        let val = Value::Sensitive(Box::new(v.clone()));
                        self.put(attr, &format!("Tag.{}.Value", i + 1), &val);
                    }
                }
            }
            _ => {}
        }
    }

    /// Data disk blocks as `DataDisk.N.*`; `always` are sent for every disk, with defaults.
    fn disks(&mut self, attrs: &Value, attr: &str, rows: &[Row], always: &[(&str, &str, &str)]) {
        let Some(v) = attrs.get(attr) else { return };
        if let Value::Unknown(from) = v {
            return self.unknown(attr, "DataDisk.N", &from.clone());
        }
        for (i, disk) in v.items().into_iter().enumerate() {
            let prefix = format!("DataDisk.{}.", i + 1);
            for (field, param, default) in always {
                match disk.get(field) {
                    Some(v) if !matches!(v, Value::Null) => {
                        self.put(field, &format!("{prefix}{param}"), v);
                    }
                    _ if !default.is_empty() => {
                        self.req.push(format!("{prefix}{param}"), *default);
                    }
                    _ => {}
                }
            }
            self.rows(disk, rows, &prefix);
        }
    }

    /// `user_data` as the provider sends it: Base64 as given, other text encoded.
    fn user_data(&mut self, attrs: &Value, attr: &str) {
        let Some(v) = attrs.get(attr) else { return };
        // UserData is a secret whatever the form says.
        let inner = match v {
            Value::Sensitive(inner) => inner.as_ref(),
            other => other,
        };
        match inner {
            Value::Str(s) if !s.is_empty() => self.req.push("UserData", user_data_wire(s)),
            Value::Unknown(from) => self.unknown(attr, "UserData", &from.clone()),
            _ => {}
        }
    }
}

/// `alicloud_instance`'s parameters (RegionId and Amount are the reader's).
pub fn instance(w: &mut Writer, a: &Value) {
    w.rows(a, INSTANCE, "");
    let vswitch = match a.get("vswitch_id") {
        Some(v) if !v.is_empty() => Some(v),
        _ => a.get("subnet_id").filter(|v| !v.is_empty()),
    };
    if let Some(v) = vswitch {
        if w.put("vswitch_id", "VSwitchId", v) {
            if let Some(ip) = a.get("private_ip").filter(|v| !v.is_empty()) {
                w.put("private_ip", "PrivateIpAddress", ip);
            }
        }
    }
    if let Some(sgs) = a.get("security_groups").filter(|v| !v.is_empty()) {
        // The provider sends one SecurityGroupId on the classic network (no vSwitch).
        match (vswitch.is_none(), sgs.items().first()) {
            (true, Some(first)) if !matches!(sgs, Value::Unknown(_)) => {
                w.put("security_groups", "SecurityGroupId", first);
            }
            _ => w.list("security_groups", sgs, "SecurityGroupIds"),
        }
    }
    if let Some(v) = a.get("ipv6_addresses").filter(|v| !v.is_empty()) {
        w.list("ipv6_addresses", v, "Ipv6Address");
    }
    w.tags(a, "tags");
    w.disks(
        a,
        "data_disks",
        INSTANCE_DISK,
        &[
            ("size", "Size", ""),
            ("encrypted", "Encrypted", "false"),
            ("delete_with_instance", "DeleteWithInstance", "true"),
        ],
    );
    w.user_data(a, "user_data");
    let prepaid = a
        .get("instance_charge_type")
        .and_then(Value::text)
        .is_some_and(|t| t == "PrePaid");
    if prepaid && a.get("renewal_status").and_then(Value::text).as_deref() == Some("AutoRenewal") {
        w.req.push("AutoRenew", "true");
    }
    if a.get("is_outdated") == Some(&Value::Bool(true)) {
        w.req.push("IoOptimized", "none");
    }
    if let Some(v) = a
        .get("enable_jumbo_frame")
        .filter(|v| !matches!(v, Value::Null))
    {
        w.put("enable_jumbo_frame", "NetworkOptions.EnableJumboFrame", v);
    }
    if let Some(opts) = a
        .get("image_options")
        .and_then(|v| v.items().first().copied())
    {
        if let Some(v) = opts.get("login_as_non_root").filter(|v| !v.is_empty()) {
            w.put(
                "image_options.login_as_non_root",
                "ImageOptions.LoginAsNonRoot",
                v,
            );
        }
    }
    if let Some(cpu) = a
        .get("cpu_options")
        .and_then(|v| v.items().first().copied())
    {
        w.rows(
            cpu,
            &[
                exists("core_count", "Core"),
                exists("threads_per_core", "ThreadsPerCore"),
                row("topology_type", "TopologyType"),
            ],
            "CpuOptions.",
        );
    }
    if a.get("kms_encrypted_password")
        .is_some_and(|v| !v.is_empty())
    {
        w.req.notes.push(format!(
            "{}: kms_encrypted_password is decrypted by KMS at apply; ecsim cannot, so \
             Password is not sent",
            w.address
        ));
    }
    let enis = ["network_interface_id", "network_interfaces"];
    if enis.iter().any(|e| a.get(e).is_some_and(|v| !v.is_empty())) {
        w.req.notes.push(format!(
            "{}: network interfaces are not mapped; NetworkInterface.N is not sent",
            w.address
        ));
    }
}

/// `alicloud_ecs_instance_set`'s parameters, `Amount` included.
pub fn instance_set(w: &mut Writer, a: &Value) {
    match a.get("amount") {
        Some(v) if !v.is_empty() => {
            w.put("amount", "Amount", v);
        }
        _ => w.req.push("Amount", "1"),
    }
    w.rows(a, INSTANCE_SET, "");
    if let Some(v) = a.get("security_group_ids").filter(|v| !v.is_empty()) {
        w.list("security_group_ids", v, "SecurityGroupIds");
    }
    w.disks(a, "data_disks", INSTANCE_SET_DISK, &[]);
}

/// A launch template's parameters, to fill what an instance leaves out.
pub fn launch_template(w: &mut Writer, a: &Value) {
    w.rows(a, LAUNCH_TEMPLATE, "");
    if let Some(v) = a.get("security_group_ids").filter(|v| !v.is_empty()) {
        w.list("security_group_ids", v, "SecurityGroupIds");
    }
    if let Some(sd) = a
        .get("system_disk")
        .and_then(|v| v.items().first().copied())
    {
        w.rows(sd, TEMPLATE_SYSTEM_DISK, "SystemDisk.");
    }
    w.tags(a, "tags");
    w.disks(
        a,
        "data_disks",
        TEMPLATE_DISK,
        &[
            ("size", "Size", ""),
            ("encrypted", "Encrypted", "false"),
            ("delete_with_instance", "DeleteWithInstance", "true"),
        ],
    );
    if a.get("user_data").is_some_and(|v| !v.is_empty()) {
        w.user_data(a, "user_data");
    } else {
        w.user_data(a, "userdata");
    }
}

/// A scaling configuration's parameters (the group gives Amount, the vSwitch and RegionId).
pub fn scaling_configuration(w: &mut Writer, a: &Value) {
    let types = a
        .get("instance_types")
        .map(Value::items)
        .unwrap_or_default();
    let instance_type = match a.get("instance_type") {
        Some(v) if !v.is_empty() => Some(v),
        _ => types.first().copied(),
    };
    if let Some(t) = instance_type {
        w.put("instance_type", "InstanceType", t);
    }
    w.rows(a, SCALING_CONFIGURATION, "");
    if let Some(v) = a.get("security_group_ids").filter(|v| !v.is_empty()) {
        w.list("security_group_ids", v, "SecurityGroupIds");
    }
    // spot_price_limit is a set of {instance_type, price_limit}: the one for this type.
    let chosen = instance_type.and_then(Value::text);
    if let Some(limits) = a.get("spot_price_limit") {
        for l in limits.items() {
            if l.get("instance_type").and_then(Value::text) == chosen {
                if let Some(p) = l.get("price_limit").filter(|v| !v.is_empty()) {
                    w.put("spot_price_limit", "SpotPriceLimit", p);
                }
            }
        }
    }
    if let Some(v) = a
        .get("image_options_login_as_non_root")
        .filter(|v| !v.is_empty())
    {
        w.put(
            "image_options_login_as_non_root",
            "ImageOptions.LoginAsNonRoot",
            v,
        );
    }
    w.tags(a, "tags");
    w.disks(
        a,
        "data_disk",
        SCALING_DISK,
        &[
            ("delete_with_instance", "DeleteWithInstance", "true"),
            ("encrypted", "Encrypted", "false"),
        ],
    );
    w.user_data(a, "user_data");
    if a.get("kms_encrypted_password")
        .is_some_and(|v| !v.is_empty())
    {
        w.req.notes.push(format!(
            "{}: kms_encrypted_password is decrypted by KMS at apply; ecsim cannot, so \
             Password is not sent",
            w.address
        ));
    }
}

/// The family a wire parameter belongs to, for filling from a template: the indexed lists
/// (`DataDisk.N.*`, `Tag.N.*`, `SecurityGroupIds.N`) are filled whole or not at all, and
/// `SecurityGroupId` and `SecurityGroupIds.N` are one choice.
pub fn family(name: &str) -> &str {
    if name == "SecurityGroupId" || name.starts_with("SecurityGroupIds.") {
        return "SecurityGroup";
    }
    match name.split_once('.') {
        Some((head, rest)) if rest.starts_with(|c: char| c.is_ascii_digit()) => head,
        _ => name,
    }
}

/// Adds `template`'s parameters to `req` where `req` has none of the same family, and drops
/// the template's id, name and version (the template is read here, not looked up).
pub fn fill_from_template(req: &mut RawRequest, template: &RawRequest) {
    let have: Vec<String> = req
        .params
        .iter()
        .map(|p| family(&p.name).to_string())
        .collect();
    req.params.retain(|p| {
        !matches!(
            &*p.name,
            "LaunchTemplateId" | "LaunchTemplateName" | "LaunchTemplateVersion"
        )
    });
    for p in &template.params {
        if !have.iter().any(|h| h == family(&p.name)) {
            req.params.push(p.clone());
            if template.hidden.iter().any(|h| *h == p.name) {
                req.hidden.push(p.name.to_string());
            }
        }
    }
    req.notes.extend(template.notes.iter().cloned());
}

/// UserData as the wire carries it: Base64 as given, other text encoded (what the provider
/// and ROS do with plain text).
pub fn user_data_wire(s: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    if b64.decode(s).is_ok() {
        s.to_string()
    } else {
        b64.encode(s)
    }
}

/// The region of a zone id, by Alibaba Cloud's naming (`cn-hangzhou-i` → `cn-hangzhou`,
/// `ap-southeast-1a` → `ap-southeast-1`).
pub fn region_of_zone(zone: &str) -> Option<String> {
    let (head, tail) = zone.rsplit_once('-')?;
    let (digits, letter) = tail.split_at(tail.len().checked_sub(1)?);
    if head.is_empty() || !letter.bytes().all(|b| b.is_ascii_lowercase()) {
        return None;
    }
    if digits.is_empty() {
        Some(head.to_string())
    } else {
        digits
            .bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| format!("{head}-{digits}"))
    }
}

/// `a` without `keys`.
pub fn without(a: &Value, keys: &[&str]) -> Value {
    match a {
        Value::Map(m) => Value::Map(
            m.iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .cloned()
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The resource address a reference names: `alicloud_ecs_launch_template.web.id` →
/// `alicloud_ecs_launch_template.web` (an index kept: `x.web[0].id` → `x.web[0]`).
pub fn resource_of(reference: &str) -> String {
    let parts: Vec<&str> = reference.splitn(3, '.').collect();
    match parts.as_slice() {
        [ty, name, ..] => format!("{ty}.{name}"),
        _ => reference.to_string(),
    }
}

/// A scaling group's instance shape: its active scaling `config` (else its launch
/// `template`, else its launch template id as sent), and its first vSwitch. `whence` says
/// where configurations were looked for (`in the plan`), for the note when none is found.
pub fn scaling_group(
    w: &mut Writer,
    group: &Value,
    config: Option<&Value>,
    template: Option<&RawRequest>,
    whence: &str,
) {
    match (config, template) {
        (Some(v), _) => scaling_configuration(w, v),
        (None, Some(t)) => fill_from_template(w.req, t),
        (None, None)
            if group
                .get("launch_template_id")
                .is_some_and(|v| !matches!(v, Value::Null)) =>
        {
            w.rows(
                group,
                &[
                    row("launch_template_id", "LaunchTemplateId"),
                    row("launch_template_version", "LaunchTemplateVersion"),
                ],
                "",
            );
        }
        (None, None) => w.req.notes.push(format!(
            "{}: no scaling configuration or launch template for this group {whence}; only \
             RegionId, VSwitchId and Amount are sent",
            w.address
        )),
    }
    let vswitch = group
        .get("vswitch_ids")
        .filter(|v| !matches!(v, Value::Null))
        .map(|v| match v {
            Value::List(l) => l.first().cloned().unwrap_or(Value::Null),
            other => other.clone(),
        })
        .or_else(|| group.get("vswitch_id").cloned());
    match vswitch {
        Some(Value::Str(s)) if !s.is_empty() => w.req.push("VSwitchId", s),
        Some(Value::Unknown(from)) => w.unknown("vswitch_ids", "VSwitchId", &from),
        _ => {}
    }
}

/// The instances a scaling group launches at `scale` (`min_size`, or `max_size`), noting a
/// `desired_capacity` on the request; the attribute's name when it is not a known whole
/// number.
pub fn scaling_group_amount(
    w: &mut Writer,
    group: &Value,
    scale: super::terraform::Scale,
) -> std::result::Result<u64, &'static str> {
    let size = match scale {
        super::terraform::Scale::Min => "min_size",
        super::terraform::Scale::Max => "max_size",
    };
    let amount = match group.get(size) {
        Some(Value::Number(n)) => n.parse::<u64>().map_err(|_| size)?,
        // A string such as "2" (a variable typed as string) reads as its number.
        Some(Value::Str(n)) => n.trim().parse::<u64>().map_err(|_| size)?,
        _ => return Err(size),
    };
    if amount > 0 {
        if let Some(Value::Number(d)) = group.get("desired_capacity") {
            w.req.notes.push(format!(
                "{}: desired_capacity {d} is set: the group keeps {d} instances; this \
                 request launches its {size} ({amount})",
                w.address
            ));
        }
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn pairs(r: &RawRequest) -> Vec<(String, String)> {
        r.params
            .iter()
            .map(|p| (p.name.to_string(), p.value.clone()))
            .collect()
    }

    #[test]
    fn an_instance_maps_as_the_provider_sends_it() {
        let a = map(&[
            ("availability_zone", s("cn-hangzhou-i")),
            ("instance_type", s("ecs.g7.large")),
            ("internet_max_bandwidth_out", Value::Number("0".into())),
            ("instance_charge_type", s("PostPaid")),
            ("period", Value::Number("1".into())),
            ("spot_strategy", s("SpotAsPriceGo")),
            ("vswitch_id", s("vsw-1")),
            ("security_groups", Value::List(vec![s("sg-1"), s("sg-2")])),
            ("tags", map(&[("team", s("web"))])),
            ("user_data", s("echo hi")),
            (
                "data_disks",
                Value::List(vec![map(&[
                    ("size", Value::Number("40".into())),
                    ("category", s("cloud_essd")),
                ])]),
            ),
        ]);
        let mut r = RawRequest::new("t");
        instance(
            &mut Writer {
                req: &mut r,
                address: "alicloud_instance.web",
            },
            &a,
        );
        let got = pairs(&r);
        let want = [
            ("ZoneId", "cn-hangzhou-i"),
            ("InstanceType", "ecs.g7.large"),
            ("InstanceChargeType", "PostPaid"),
            ("SpotStrategy", "SpotAsPriceGo"),
            ("VSwitchId", "vsw-1"),
            ("SecurityGroupIds.1", "sg-1"),
            ("SecurityGroupIds.2", "sg-2"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "web"),
            ("DataDisk.1.Size", "40"),
            ("DataDisk.1.Encrypted", "false"),
            ("DataDisk.1.DeleteWithInstance", "true"),
            ("DataDisk.1.Category", "cloud_essd"),
            ("UserData", "ZWNobyBoaQ=="),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            got, want,
            "zero bandwidth and a PostPaid period are not sent"
        );
    }

    #[test]
    fn unknown_values_are_noted_not_sent_and_sensitive_ones_hidden() {
        let a = map(&[
            (
                "vswitch_id",
                Value::Unknown("alicloud_vswitch.main.id".into()),
            ),
            (
                "instance_name",
                Value::Sensitive(Box::new(s("secret-name"))),
            ),
        ]);
        let mut r = RawRequest::new("t");
        instance(
            &mut Writer {
                req: &mut r,
                address: "alicloud_instance.web[0]",
            },
            &a,
        );
        assert_eq!(r.get("VSwitchId"), None);
        assert!(
            r.notes[0].starts_with("alicloud_instance.web[0]: vswitch_id is known only after apply (from alicloud_vswitch.main.id)"),
            "{:?}",
            r.notes
        );
        assert_eq!(r.get("InstanceName"), Some("secret-name"));
        assert!(!format!("{:?}", r.redacted()).contains("secret-name"));
    }

    #[test]
    fn a_template_fills_whole_families_only() {
        let mut r = RawRequest::new("t");
        r.push("LaunchTemplateId", "lt-x");
        r.push("SecurityGroupIds.1", "sg-i");
        r.push("DataDisk.1.Size", "40");
        let mut t = RawRequest::new("lt");
        t.push("SecurityGroupId", "sg-t");
        t.push("DataDisk.1.Size", "80");
        t.push("DataDisk.2.Size", "80");
        t.push("ImageId", "img");
        fill_from_template(&mut r, &t);
        let names: Vec<&str> = r.params.iter().map(|p| &*p.name).collect();
        assert_eq!(names, ["SecurityGroupIds.1", "DataDisk.1.Size", "ImageId"]);
    }

    #[test]
    fn docs_list_every_row_of_the_mapping() {
        let doc = include_str!("../../docs/terraform.md");
        let tables: [(&[Row], &str, &str); 9] = [
            (INSTANCE, "", ""),
            (INSTANCE_DISK, "data_disks.", "DataDisk.N."),
            (INSTANCE_SET, "", ""),
            (INSTANCE_SET_DISK, "data_disks.", "DataDisk.N."),
            (LAUNCH_TEMPLATE, "", ""),
            (TEMPLATE_SYSTEM_DISK, "system_disk.", "SystemDisk."),
            (TEMPLATE_DISK, "data_disks.", "DataDisk.N."),
            (SCALING_CONFIGURATION, "", ""),
            (SCALING_DISK, "data_disk.", "DataDisk.N."),
        ];
        for (rows, attr, param) in tables {
            for r in rows {
                let when = match r.when {
                    When::Set => "set",
                    When::Exists => "set, even false or 0",
                    When::PrePaid => "set, PrePaid only",
                    When::NotPrePaid => "set, not PrePaid",
                };
                let line = format!("| `{attr}{}` | `{param}{}` | {when} |", r.attr, r.param);
                assert!(doc.contains(&line), "docs/terraform.md lacks {line}");
            }
        }
    }

    #[test]
    fn zones_name_their_region() {
        assert_eq!(
            region_of_zone("cn-hangzhou-i").as_deref(),
            Some("cn-hangzhou")
        );
        assert_eq!(
            region_of_zone("ap-southeast-1a").as_deref(),
            Some("ap-southeast-1")
        );
        assert_eq!(region_of_zone("cn-beijing"), None);
        assert_eq!(region_of_zone("nozone"), None);
    }
}
