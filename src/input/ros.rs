//! ROS templates (Alibaba Cloud Resource Orchestration Service, JSON) → raw requests.
//!
//! A JSON document whose top level has `ROSTemplateFormatVersion` is a template. Each
//! resource of type `ALIYUN::ECS::InstanceGroup` (`MaxAmount` instances), `ALIYUN::ECS::Instance`
//! (one) or `ALIYUN::ECS::RunInstances` (`Amount`, `MinAmount`) becomes one RunInstances
//! request, in logical-id order, with the source `template.json:LINE: LogicalId`. Properties
//! mostly carry RunInstances' own names; the others are mapped (`SystemDiskCategory` →
//! `SystemDisk.Category`, `DiskMappings` → `DataDisk.N.*`, `Tags` → `Tag.N.*`, lists → `.N`).
//! `{"Ref": "P"}` takes parameter P's `Default`; any other function, a parameter without a
//! default or a pseudo parameter is noted on the request as unknown, never guessed. The
//! region comes from `ZoneId` (or the first of `ZoneIds`). docs/ros.md has the mapping.

use serde_json::{Map, Value};

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

/// The requests of a ROS template, or None when `text` is not one.
pub fn read_if_template(source: &str, text: &str) -> Option<Result<Vec<RawRequest>>> {
    let head = &text.as_bytes()[..text.len().min(1 << 16)];
    if !text.contains("\"ROSTemplateFormatVersion\"") || !head.trim_ascii_start().starts_with(b"{")
    {
        return None;
    }
    let doc: Value = serde_json::from_str(text).ok()?;
    let top = doc.as_object()?;
    top.get("ROSTemplateFormatVersion")?;
    Some(read(source, text, top))
}

fn read(source: &str, text: &str, top: &Map<String, Value>) -> Result<Vec<RawRequest>> {
    let params = top.get("Parameters").and_then(Value::as_object);
    let Some(resources) = top.get("Resources").and_then(Value::as_object) else {
        return Err(Error::input(
            Place::new(source),
            "a ROS template without \"Resources\": add the ALIYUN::ECS::InstanceGroup (or \
             Instance, RunInstances) resources to check",
        ));
    };
    let mut ids: Vec<&String> = resources.keys().collect();
    ids.sort();
    let mut out = Vec::new();
    for id in ids {
        let res = &resources[id];
        let ty = res.get("Type").and_then(Value::as_str).unwrap_or("");
        let Some((_, count)) = LAUNCHERS.iter().find(|(t, _)| *t == ty) else {
            continue;
        };
        let line = line_of(text, id);
        let mut req = RawRequest::new(format!("{source}:{line}: {id}"));
        let props = res
            .get("Properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let r = Resolver { params };
        let mut zone: Option<String> = None;
        for (name, v) in &props {
            let Some(v) = r.resolve(v, name, &mut req) else {
                continue;
            };
            match name.as_str() {
                "ZoneIds" => {
                    if let Some(Value::String(z)) = v.as_array().and_then(|a| a.first()) {
                        zone = zone.or(Some(z.clone()));
                        if v.as_array().is_some_and(|a| a.len() == 1) {
                            req.push("ZoneId", z.clone());
                        }
                    }
                }
                "ZoneId" => {
                    if let Some(z) = v.as_str() {
                        zone = Some(z.to_string());
                    }
                    push_value(&mut req, "ZoneId", &v);
                }
                "DiskMappings" => rows(&r, &mut req, &v, "DataDisk", name),
                "Tags" | "TagList" => rows(&r, &mut req, &v, "Tag", name),
                "UserData" => {
                    if let Some(s) = v.as_str().filter(|s| !s.is_empty()) {
                        req.push("UserData", super::alicloud::user_data_wire(s));
                    }
                }
                "PrivatePoolOptions" => {
                    if let Some(m) = v.as_object() {
                        for (k, x) in m {
                            push_value(&mut req, &format!("PrivatePoolOptions.{k}"), x);
                        }
                    }
                }
                n if ROS_ONLY.contains(&n) || Some(n) == *count => {}
                n => {
                    let wire = RENAMED
                        .iter()
                        .find(|(from, _)| *from == n)
                        .map_or(n, |(_, to)| to);
                    match &v {
                        Value::Array(items) => {
                            for (i, item) in items.iter().enumerate() {
                                push_value(&mut req, &format!("{wire}.{}", i + 1), item);
                            }
                        }
                        other => push_value(&mut req, wire, other),
                    }
                }
            }
        }
        // An instance without a public IP has no public bandwidth to check.
        if props.get("AllocatePublicIP").and_then(Value::as_bool) == Some(false) {
            req.params.retain(|p| p.name != "InternetMaxBandwidthOut");
        }
        let amount = match count {
            None => Some(Value::from(1)),
            Some(p) => props.get(*p).and_then(|v| r.resolve(v, p, &mut req)),
        };
        if let Some(a) = amount {
            push_value(&mut req, "Amount", &a);
        }
        match zone.as_deref().and_then(super::alicloud::region_of_zone) {
            Some(region) => req.push("RegionId", region),
            None => {
                return Err(Error::input(
                    Place::new(req.source.clone()),
                    "no region: a ROS stack's region is where it is created, which the \
                     template does not say; give the resource a ZoneId (or ZoneIds) so its \
                     region follows, e.g. \"ZoneId\": \"cn-hangzhou-i\"",
                ))
            }
        }
        out.push(req);
    }
    Ok(out)
}

/// Parameter defaults for `Ref`; what cannot be known is noted on the request.
struct Resolver<'a> {
    params: Option<&'a Map<String, Value>>,
}

impl Resolver<'_> {
    /// The value of a property: literal, `{"Ref": P}` with P's Default, or None (noted).
    fn resolve(&self, v: &Value, name: &str, req: &mut RawRequest) -> Option<Value> {
        let Value::Object(m) = v else {
            return Some(v.clone());
        };
        let function = m.keys().find(|k| *k == "Ref" || k.starts_with("Fn::"));
        match (function.map(String::as_str), m.get("Ref")) {
            (Some("Ref"), Some(Value::String(p))) => {
                let default = self
                    .params
                    .and_then(|ps| ps.get(p))
                    .and_then(|d| d.get("Default"));
                match default {
                    Some(d) => Some(d.clone()),
                    None => {
                        req.notes.push(format!(
                            "{name}: {{\"Ref\": \"{p}\"}} is known only when the stack is \
                             created (no Default); not sent"
                        ));
                        None
                    }
                }
            }
            (Some(f), _) => {
                req.notes.push(format!(
                    "{name}: {f} is evaluated by ROS when the stack is created; not sent"
                ));
                None
            }
            // A plain map (PrivatePoolOptions, a DiskMappings row): its fields resolve later.
            (None, _) => Some(v.clone()),
        }
    }
}

/// `DiskMappings` / `Tags` rows: `Prefix.N.Field` for each field of row N (1-based).
fn rows(r: &Resolver, req: &mut RawRequest, v: &Value, prefix: &str, name: &str) {
    let Some(items) = v.as_array() else { return };
    for (i, item) in items.iter().enumerate() {
        let Some(fields) = item.as_object() else {
            continue;
        };
        for (k, x) in fields {
            let at = format!("{name}[{i}].{k}");
            if let Some(x) = r.resolve(x, &at, req) {
                push_value(req, &format!("{prefix}.{}.{k}", i + 1), &x);
            }
        }
    }
}

fn push_value(req: &mut RawRequest, name: &str, v: &Value) {
    match v {
        Value::String(s) => req.push(name, s.clone()),
        Value::Number(n) => req.push(name, n.to_string()),
        Value::Bool(b) => req.push(name, b.to_string()),
        _ => {}
    }
}

/// The 1-based line of the first `"id":` in the text (the resource's key).
fn line_of(text: &str, id: &str) -> usize {
    let key = format!("\"{id}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&key) {
        let at = from + i;
        let rest = text[at + key.len()..].trim_start();
        if rest.starts_with(':') {
            return text[..at].matches('\n').count() + 1;
        }
        from = at + key.len();
    }
    1
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
