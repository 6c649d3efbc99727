//! ROS templates (Alibaba Cloud Resource Orchestration Service, JSON or YAML) → raw requests.
//!
//! A document whose top level has `ROSTemplateFormatVersion` is a template: JSON, or YAML
//! with ROS's short-form tags ([`doc`]). Both become one JSON value resolved by one
//! [`eval::Resolver`]: parameters from `--parameters FILE` over their defaults ([`params`]),
//! conditions, mappings and the functions whose arguments are known. Each resource of type
//! `ALIYUN::ECS::InstanceGroup` (`MaxAmount` instances), `ALIYUN::ECS::Instance` (one),
//! `ALIYUN::ECS::RunInstances` (`Amount`, `MinAmount`) or `ALIYUN::ESS::ScalingGroup` (with
//! its `ALIYUN::ESS::ScalingConfiguration`: `MinSize`, or `MaxSize` under
//! `ECSIM_TERRAFORM_SCALE=max`) becomes one RunInstances request, in logical-id order, with
//! the source `template.json:LINE: LogicalId`; a resource whose `Condition` is false launches
//! nothing. Properties mostly carry RunInstances' own names; the others are mapped
//! (`SystemDiskCategory` → `SystemDisk.Category`, `DiskMappings` → `DataDisk.N.*`, `Tags` →
//! `Tag.N.*`, lists → `.N`). What only the created stack knows is noted on the request, never
//! guessed. The region comes from `ZoneId` (or the first of `ZoneIds`). docs/ros.md has the
//! mapping.

pub mod doc;
pub mod eval;
pub mod params;

use std::path::Path;

use serde_json::{Map, Value};

use self::doc::{child, Doc};
use self::eval::{Ev, Resolver};
use crate::error::{Error, Place, Result};
use crate::request::RawRequest;

/// The resource types that launch instances, and the property giving how many.
const LAUNCHERS: &[(&str, Option<&str>)] = &[
    ("ALIYUN::ECS::InstanceGroup", Some("MaxAmount")),
    ("ALIYUN::ECS::RunInstances", Some("Amount")),
    ("ALIYUN::ECS::Instance", None),
];

/// Properties ROS reads itself, sent as no RunInstances parameter.
const ROS_ONLY: &[&str] = &[
    "VpcId",
    "NetworkType",
    "SubscriptionDeletionForce",
    "AllocatePublicIP",
    "MaxAmount",
    "ZoneIds",
    "UseAdditionalService",
];

/// Renamed properties: ROS name → wire name.
const RENAMED: &[(&str, &str)] = &[
    ("SystemDiskCategory", "SystemDisk.Category"),
    ("SystemDiskSize", "SystemDisk.Size"),
    ("SystemDiskPerformanceLevel", "SystemDisk.PerformanceLevel"),
    ("SystemDiskDiskName", "SystemDisk.DiskName"),
    ("SystemDiskDescription", "SystemDisk.Description"),
    (
        "SystemDiskAutoSnapshotPolicyId",
        "SystemDisk.AutoSnapshotPolicyId",
    ),
    ("SystemDiskBurstingEnabled", "SystemDisk.BurstingEnabled"),
    ("SystemDiskProvisionedIops", "SystemDisk.ProvisionedIops"),
    ("Ipv6Addresses", "Ipv6Address"),
];

/// Properties of an ESS scaling configuration that are not RunInstances parameters (ESS reads
/// them itself), or are mapped by hand (`InstanceTypes`).
const ESS_ONLY: &[&str] = &[
    "ScalingGroupId",
    "ScalingConfigurationName",
    "InstanceTypes",
    "InstanceId",
    "LoadBalancerWeight",
    "PasswordInherit",
    "SpotPriceLimitForInstanceType",
    "InstancePatternInfos",
    "InstanceTypeOverrides",
    "SystemDiskCategories",
    "Cpu",
    "Memory",
    "Tenancy",
    "Affinity",
    "IoOptimized",
    "ImageName",
    "SpotDuration",
];

/// Renamed properties of an ESS scaling configuration: ROS name → wire name.
const ESS_RENAMED: &[(&str, &str)] = &[
    ("ImageOptionsLoginAsNonRoot", "ImageOptions.LoginAsNonRoot"),
    ("InstanceDescription", "Description"),
];

const SCALING_GROUP: &str = "ALIYUN::ESS::ScalingGroup";
const SCALING_CONFIGURATION: &str = "ALIYUN::ESS::ScalingConfiguration";

/// The requests of a ROS template, or None when `text` is not one, with the parameters file
/// of this run ([`params::set_supplied`]).
pub fn read_if_template(source: &str, text: &str) -> Option<Result<Vec<RawRequest>>> {
    read_with(source, text, params::supplied().as_deref())
}

/// The requests of a ROS template (None when `text` is not one) with the values of `file`.
pub fn read_with(
    source: &str,
    text: &str,
    file: Option<&params::Supplied>,
) -> Option<Result<Vec<RawRequest>>> {
    let head = &text.as_bytes()[..text.len().min(1 << 16)];
    if head.trim_ascii_start().starts_with(b"{") {
        if !text.contains("\"ROSTemplateFormatVersion\"") {
            return None;
        }
        let doc = Doc::from_json(source, text).ok()?;
        doc.root.get("ROSTemplateFormatVersion")?;
        return Some(read(&doc, file));
    }
    if !is_yaml_template(text) {
        return None;
    }
    Some(Doc::from_yaml(source, text).and_then(|doc| read(&doc, file)))
}

/// Whether a text is a YAML template: a line at the left margin starts with the version key.
fn is_yaml_template(text: &str) -> bool {
    text.lines().any(|l| {
        l.strip_prefix("ROSTemplateFormatVersion")
            .or_else(|| l.strip_prefix("\"ROSTemplateFormatVersion\""))
            .or_else(|| l.strip_prefix("'ROSTemplateFormatVersion'"))
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

/// Whether a path names a YAML file (`.yaml`, `.yml`), read whole as a ROS template.
pub fn is_yaml_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Reads a YAML file that must be a ROS template.
pub fn read_path(path: &Path) -> Result<Vec<RawRequest>> {
    let source = path.display().to_string();
    let text = crate::limits::read_capped(path, crate::limits::InputKind::Scenario)?;
    read_if_template(&source, &text).unwrap_or_else(|| {
        Err(Error::input(
            Place::at(source.clone(), 1, 1),
            "a YAML file that is not a ROS template (no ROSTemplateFormatVersion at the top \
             level); ecsim reads YAML only as ROS templates: add \
             ROSTemplateFormatVersion: '2015-09-01', or give the requests as JSON",
        ))
    })
}

fn read(doc: &Doc, file: Option<&params::Supplied>) -> Result<Vec<RawRequest>> {
    let values = params::resolve(doc, file)?;
    let r = Resolver::new(doc, values);
    let source = doc.source.as_str();
    let Some(resources) = doc.root.get("Resources").and_then(Value::as_object) else {
        return Err(Error::input(
            Place::new(source),
            "a ROS template without \"Resources\": add the ALIYUN::ECS::InstanceGroup (or \
             Instance, RunInstances, ESS::ScalingGroup) resources to check",
        ));
    };
    let scale = super::terraform::Scale::from_env()?;
    let mut ids: Vec<&String> = resources.keys().collect();
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        let res = &resources[id];
        let ptr = child("/Resources", id);
        let ty = res.get("Type").and_then(Value::as_str).unwrap_or("");
        let launcher = LAUNCHERS.iter().find(|(t, _)| *t == ty);
        if launcher.is_none() && ty != SCALING_GROUP {
            continue;
        }
        let mut req = RawRequest::new(format!("{source}:{}: {id}", doc.line(&ptr)));
        match r.resource_condition(res, &ptr)? {
            Some(Ok(false)) => continue,
            Some(Err(why)) => req.notes.push(format!(
                "Condition: {why}; the resource is checked as if it were created"
            )),
            _ => {}
        }
        let props = props_of(res);
        let pptr = child(&ptr, "Properties");
        let zone = match launcher {
            Some((_, count)) => {
                let zone = map_properties(&r, &mut req, props, &pptr, &[], RENAMED, *count)?;
                // An instance without a public IP has no public bandwidth to check.
                if known(&r, props, "AllocatePublicIP", &pptr)? == Some(Value::Bool(false)) {
                    req.params.retain(|p| p.name != "InternetMaxBandwidthOut");
                }
                let amount = match count {
                    None => Ev::Known(Value::from(1)),
                    Some(p) => match props.get(*p) {
                        Some(v) => r.deep(v, &child(&pptr, p))?,
                        None => Ev::NoValue,
                    },
                };
                match amount {
                    Ev::Known(a) => push_value(&mut req, "Amount", &a),
                    Ev::Unknown(why) => req
                        .notes
                        .push(format!("{}: {why}; not sent", count.unwrap_or("Amount"))),
                    Ev::NoValue => {}
                }
                zone
            }
            None => {
                let Some(zone) = scaling_group(&r, &mut req, id, resources, props, &pptr, scale)?
                else {
                    continue;
                };
                zone
            }
        };
        match zone.as_deref().and_then(super::alicloud::region_of_zone) {
            Some(region) => req.push("RegionId", region),
            None => {
                let fix = if ty == SCALING_GROUP {
                    "give its ALIYUN::ESS::ScalingConfiguration a ZoneId so its region \
                     follows, e.g. ZoneId: cn-hangzhou-i"
                } else {
                    "give the resource a ZoneId (or ZoneIds) so its region follows, e.g. \
                     \"ZoneId\": \"cn-hangzhou-i\""
                };
                return Err(Error::input(
                    Place::new(req.source.clone()),
                    format!(
                        "no region: a ROS stack's region is where it is created, which the \
                         template does not say; {fix}"
                    ),
                ));
            }
        }
        out.push(req);
    }
    Ok(out)
}

fn props_of(res: &Value) -> &Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    res.get("Properties")
        .and_then(Value::as_object)
        .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
}

/// A property's value when it is known.
fn known(r: &Resolver, props: &Map<String, Value>, name: &str, ptr: &str) -> Result<Option<Value>> {
    Ok(match props.get(name) {
        Some(v) => match r.deep(v, &child(ptr, name))? {
            Ev::Known(v) => Some(v),
            _ => None,
        },
        None => None,
    })
}

/// An `ALIYUN::ESS::ScalingGroup`: the size it launches, the group's network and its scaling
/// configuration's properties. None when it launches nothing (size 0).
fn scaling_group(
    r: &Resolver,
    req: &mut RawRequest,
    id: &str,
    resources: &Map<String, Value>,
    props: &Map<String, Value>,
    pptr: &str,
    scale: super::terraform::Scale,
) -> Result<Option<Option<String>>> {
    let size = match scale {
        super::terraform::Scale::Min => "MinSize",
        super::terraform::Scale::Max => "MaxSize",
    };
    let amount = known(r, props, size, pptr)?.and_then(|v| params::text(&v)?.parse::<u64>().ok());
    let Some(amount) = amount else {
        return Err(Error::input(
            r.doc.place(&child(pptr, size)),
            format!(
                "{id}: {size} is not a known whole number; give the scaling group a number \
                 (or a parameter with a value) as its {size}"
            ),
        ));
    };
    if amount == 0 {
        return Ok(None);
    }
    if let Some(d) = known(r, props, "DesiredCapacity", pptr)? {
        req.notes.push(format!(
            "{id}: DesiredCapacity {d} is set: the group keeps {d} instances; this request \
             launches its {size} ({amount})"
        ));
    }
    let vswitch = match known(r, props, "VSwitchId", pptr)? {
        Some(v) => Some(v),
        None => known(r, props, "VSwitchIds", pptr)?
            .and_then(|v| v.as_array().and_then(|a| a.first().cloned())),
    };
    if let Some(v) = vswitch {
        push_value(req, "VSwitchId", &v);
    }
    for k in ["LaunchTemplateId", "LaunchTemplateVersion"] {
        if let Some(v) = known(r, props, k, pptr)? {
            push_value(req, k, &v);
        }
    }
    let mut configs: Vec<&String> = resources
        .iter()
        .filter(|(_, c)| c.get("Type").and_then(Value::as_str) == Some(SCALING_CONFIGURATION))
        .filter(|(_, c)| {
            props_of(c)
                .get("ScalingGroupId")
                .is_some_and(|g| names_group(g, id))
        })
        .map(|(k, _)| k)
        .collect();
    configs.sort();
    let mut chosen = None;
    for c in configs {
        let cptr = child("/Resources", c);
        if r.resource_condition(&resources[c], &cptr)? != Some(Ok(false)) {
            if chosen.is_some() {
                req.notes.push(format!(
                    "{id}: more than one scaling configuration; {c} is not the one checked"
                ));
            } else {
                chosen = Some(c);
            }
        }
    }
    let Some(c) = chosen else {
        if req.get("LaunchTemplateId").is_none() {
            return Err(Error::input(
                r.doc.place(pptr),
                format!(
                    "{id}: an ALIYUN::ESS::ScalingGroup without an ALIYUN::ESS::ScalingConfiguration \
                     or LaunchTemplateId says nothing about its instances; add a scaling \
                     configuration whose ScalingGroupId is {{\"Ref\": \"{id}\"}}"
                ),
            ));
        }
        return Ok(Some(None));
    };
    let cptr = child(&child("/Resources", c), "Properties");
    let cprops = props_of(&resources[c]);
    if !cprops.contains_key("InstanceType") {
        if let Some(first) = known(r, cprops, "InstanceTypes", &cptr)?
            .and_then(|v| v.as_array().and_then(|a| a.first().cloned()))
        {
            push_value(req, "InstanceType", &first);
        }
    }
    let renamed: Vec<(&str, &str)> = RENAMED.iter().chain(ESS_RENAMED).copied().collect();
    let zone = map_properties(r, req, cprops, &cptr, ESS_ONLY, &renamed, None)?;
    req.push("Amount", amount.to_string());
    Ok(Some(zone))
}

/// Whether a configuration's `ScalingGroupId` names the group `id`: `{"Ref": id}` or
/// `{"Fn::GetAtt": [id, "ScalingGroupId"]}`.
fn names_group(v: &Value, id: &str) -> bool {
    if v.get("Ref").and_then(Value::as_str) == Some(id) {
        return true;
    }
    match v.get("Fn::GetAtt") {
        Some(Value::Array(a)) => a.first().and_then(Value::as_str) == Some(id),
        Some(Value::String(s)) => s.split('.').next() == Some(id),
        _ => false,
    }
}

/// Maps a resource's properties onto `req`; returns the zone when one is known.
fn map_properties(
    r: &Resolver,
    req: &mut RawRequest,
    props: &Map<String, Value>,
    pptr: &str,
    skip: &[&str],
    renamed: &[(&str, &str)],
    count: Option<&str>,
) -> Result<Option<String>> {
    let mut zone: Option<String> = None;
    for (name, raw) in props {
        let ros_only = ROS_ONLY.contains(&name.as_str()) && name != "ZoneIds";
        if ros_only || skip.contains(&name.as_str()) || Some(name.as_str()) == count {
            continue;
        }
        let ptr = child(pptr, name);
        r.touched_secret.set(false);
        let before = req.params.len();
        let v = match r.shallow(raw, &ptr)? {
            Ev::Known(v) => v,
            Ev::NoValue => continue,
            Ev::Unknown(why) => {
                req.notes.push(format!("{name}: {why}; not sent"));
                continue;
            }
        };
        match name.as_str() {
            "ZoneIds" => {
                if let Some(Ev::Known(Value::String(z))) = v
                    .as_array()
                    .and_then(|a| a.first())
                    .map(|z| r.deep(z, &child(&ptr, "0")))
                    .transpose()?
                {
                    zone = zone.or(Some(z.clone()));
                    if v.as_array().is_some_and(|a| a.len() == 1) {
                        req.push("ZoneId", z);
                    }
                }
            }
            "ZoneId" => {
                if let Some(z) = v.as_str() {
                    zone = Some(z.to_string());
                }
                push_value(req, "ZoneId", &v);
            }
            "DiskMappings" => rows(r, req, &v, "DataDisk", name, &ptr)?,
            "Tags" | "TagList" => rows(r, req, &v, "Tag", name, &ptr)?,
            "UserData" => {
                if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
                    req.push("UserData", super::alicloud::user_data_wire(s));
                }
            }
            "PrivatePoolOptions" => {
                if let Some(m) = v.as_object() {
                    for (k, x) in m {
                        match r.deep(x, &child(&ptr, k))? {
                            Ev::Known(x) => push_value(req, &format!("PrivatePoolOptions.{k}"), &x),
                            Ev::Unknown(why) => {
                                req.notes.push(format!("{name}.{k}: {why}; not sent"))
                            }
                            Ev::NoValue => {}
                        }
                    }
                }
            }
            n => {
                let wire = renamed
                    .iter()
                    .find(|(from, _)| *from == n)
                    .map_or(n, |(_, to)| to);
                match &v {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            match r.deep(item, &child(&ptr, &i.to_string()))? {
                                Ev::Known(x) => push_value(req, &format!("{wire}.{}", i + 1), &x),
                                Ev::Unknown(why) => {
                                    req.notes.push(format!("{name}[{i}]: {why}; not sent"))
                                }
                                Ev::NoValue => {}
                            }
                        }
                    }
                    other => push_value(req, wire, other),
                }
            }
        }
        if r.touched_secret.get() {
            let names: Vec<String> = req.params[before..]
                .iter()
                .map(|p| p.name.to_string())
                .collect();
            req.hidden.extend(names);
        }
    }
    Ok(zone)
}

/// `DiskMappings` / `Tags` rows: `Prefix.N.Field` for each field of row N (1-based).
fn rows(
    r: &Resolver,
    req: &mut RawRequest,
    v: &Value,
    prefix: &str,
    name: &str,
    ptr: &str,
) -> Result<()> {
    let Some(items) = v.as_array() else {
        return Ok(());
    };
    for (i, item) in items.iter().enumerate() {
        let iptr = child(ptr, &i.to_string());
        let fields = match r.shallow(item, &iptr)? {
            Ev::Known(Value::Object(m)) => m,
            Ev::Unknown(why) => {
                req.notes.push(format!("{name}[{i}]: {why}; not sent"));
                continue;
            }
            _ => continue,
        };
        for (k, x) in &fields {
            match r.deep(x, &child(&iptr, k))? {
                Ev::Known(x) => push_value(req, &format!("{prefix}.{}.{k}", i + 1), &x),
                Ev::Unknown(why) => req.notes.push(format!("{name}[{i}].{k}: {why}; not sent")),
                Ev::NoValue => {}
            }
        }
    }
    Ok(())
}

fn push_value(req: &mut RawRequest, name: &str, v: &Value) {
    match v {
        Value::String(s) => req.push(name, s.clone()),
        Value::Number(n) => req.push(name, n.to_string()),
        Value::Bool(b) => req.push(name, b.to_string()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_give_their_region() {
        let region_of = super::super::alicloud::region_of_zone;
        assert_eq!(region_of("cn-hangzhou-i").as_deref(), Some("cn-hangzhou"));
        assert_eq!(
            region_of("ap-southeast-1a").as_deref(),
            Some("ap-southeast-1")
        );
        assert_eq!(region_of("us-west-1b").as_deref(), Some("us-west-1"));
        assert_eq!(region_of("nozone"), None);
    }

    #[test]
    fn an_instance_group_maps_to_wire_parameters_and_refs_take_defaults() {
        let t = r#"{"ROSTemplateFormatVersion": "2015-09-01",
          "Parameters": {"Type": {"Type": "String", "Default": "ecs.g7.large"},
                         "Pass": {"Type": "String", "NoEcho": true}},
          "Resources": {
            "Web": {"Type": "ALIYUN::ECS::InstanceGroup", "Properties": {
              "ZoneId": "cn-hangzhou-i", "InstanceType": {"Ref": "Type"},
              "MaxAmount": 3, "SystemDiskCategory": "cloud_essd",
              "SecurityGroupIds": ["sg-1", "sg-2"], "VpcId": "vpc-1",
              "DiskMappings": [{"Category": "cloud_essd", "Size": 100}],
              "Tags": [{"Key": "team", "Value": "web"}], "Password": {"Ref": "Pass"},
              "AllocatePublicIP": false, "InternetMaxBandwidthOut": 5}},
            "Net": {"Type": "ALIYUN::ECS::VPC", "Properties": {}}}}"#;
        let reqs = read_if_template("t.json", t).unwrap().unwrap();
        assert_eq!(reqs.len(), 1);
        let r = &reqs[0];
        assert_eq!(r.source, "t.json:5: Web");
        for (k, v) in [
            ("RegionId", "cn-hangzhou"),
            ("InstanceType", "ecs.g7.large"),
            ("Amount", "3"),
            ("SystemDisk.Category", "cloud_essd"),
            ("SecurityGroupIds.2", "sg-2"),
            ("DataDisk.1.Size", "100"),
            ("Tag.1.Key", "team"),
        ] {
            assert_eq!(r.get(k), Some(v), "{k}");
        }
        assert_eq!(r.get("VpcId"), None);
        assert_eq!(r.get("InternetMaxBandwidthOut"), None);
        assert_eq!(r.get("Password"), None);
        assert!(
            r.notes.iter().any(|n| n.starts_with("Password:")),
            "{:?}",
            r.notes
        );
        assert!(read_if_template("x.json", r#"{"format_version": "1.2"}"#).is_none());
    }
}
