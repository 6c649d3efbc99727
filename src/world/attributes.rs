//! A DescribeAccountAttributes export read as quotas: `AccountAttributeItems` in a world file
//! becomes the region's quota fields, per zone × type × billing method vCPU quotas and per zone
//! × category disk quotas (docs/capacity.md, "An account's own quotas").
//!
//! The response names no region (the call's RegionId does), so the file gives it once at the
//! top (`"RegionId": "cn-hangzhou"`), as for any other export. Each `AttributeValues.ValueItem`
//! carries its dimensions: an item without `ZoneId`/`InstanceType` is the region's figure, one
//! with them a per-type quota (`InstanceChargeType` PostPaid unless given), and a yundisk item
//! with `ZoneId` and `DiskCategory` a per-category disk quota. Attributes that bound no
//! launch (`max-security-groups`, `instance-network-type`, `max-dedicated-hosts`, ...) are
//! read and left aside.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// What an export sets: a patch over the region's `RegionQuota` (field by field) and the
/// `InstanceTypeQuota` and `DiskCapacityQuota` items it gives.
#[derive(Debug, Default, PartialEq)]
pub struct Quotas {
    pub region: Map<String, Value>,
    pub type_quotas: Vec<Value>,
    pub disk_quotas: Vec<Value>,
}

/// A bad item: its path below `AccountAttributeItems` (keys and indices) and the message.
pub type Bad = (Vec<Step>, String);

/// One step of a path into the export.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(&'static str),
    Index(usize),
}

/// Where an attribute's figures go.
enum Target {
    /// A `RegionQuota` field; with dimensions, a per-type quota (max or used).
    Vcpus {
        region_field: &'static str,
        used: bool,
        charge: &'static str,
    },
    /// Pay-as-you-go data-disk GiB; with a zone and a category, that zone's category quota.
    Yundisk {
        region_field: &'static str,
        used: bool,
    },
    Ignored,
}

fn target(name: &str) -> Target {
    match name {
        "max-postpaid-instance-vcpu-count" => Target::Vcpus {
            region_field: "MaxPostpaidInstanceVcpuCount",
            used: false,
            charge: "PostPaid",
        },
        "used-postpaid-instance-vcpu-count" => Target::Vcpus {
            region_field: "UsedPostpaidInstanceVcpuCount",
            used: true,
            charge: "PostPaid",
        },
        "max-spot-instance-vcpu-count" => Target::Vcpus {
            region_field: "MaxSpotInstanceVcpuCount",
            used: false,
            charge: "Spot",
        },
        "used-spot-instance-vcpu-count" => Target::Vcpus {
            region_field: "UsedSpotInstanceVcpuCount",
            used: true,
            charge: "Spot",
        },
        "max-postpaid-yundisk-capacity" => Target::Yundisk {
            region_field: "MaxPostpaidDataDiskCapacity",
            used: false,
        },
        "used-postpaid-yundisk-capacity" => Target::Yundisk {
            region_field: "UsedPostpaidDataDiskCapacity",
            used: true,
        },
        _ => Target::Ignored,
    }
}

/// (max, used) being gathered for one dimensioned quota.
type Pair = (Option<u64>, Option<u64>);

/// Reads the value of `AccountAttributeItems` for `region`.
pub fn read(items: &Value, region: &str) -> Result<Quotas, Bad> {
    let list = items
        .get("AccountAttributeItem")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            (
                vec![],
                "AccountAttributeItems holds \"AccountAttributeItem\": [...], the \
                 DescribeAccountAttributes response shape; paste the response whole"
                    .to_string(),
            )
        })?;
    let mut out = Quotas::default();
    // Keyed (zone, type, charge) and (zone, category), so max and used items meet.
    let mut types: BTreeMap<(String, String, String), Pair> = BTreeMap::new();
    let mut disks: BTreeMap<(String, String), Pair> = BTreeMap::new();
    for (i, item) in list.iter().enumerate() {
        let at = |more: &[Step]| {
            let mut p = vec![Step::Key("AccountAttributeItem"), Step::Index(i)];
            p.extend_from_slice(more);
            p
        };
        let Some(name) = item.get("AttributeName").and_then(Value::as_str) else {
            return Err((
                at(&[]),
                "an AccountAttributeItem without a string \"AttributeName\"; paste the \
                 DescribeAccountAttributes response whole"
                    .to_string(),
            ));
        };
        let target = target(name);
        if matches!(target, Target::Ignored) {
            continue;
        }
        let values = item
            .get("AttributeValues")
            .and_then(|v| v.get("ValueItem"))
            .and_then(Value::as_array)
            .ok_or_else(|| {
                (
                    at(&[Step::Key("AttributeValues")]),
                    format!("{name}: no \"AttributeValues\": {{\"ValueItem\": [...]}}"),
                )
            })?;
        for (j, v) in values.iter().enumerate() {
            let here = at(&[
                Step::Key("AttributeValues"),
                Step::Key("ValueItem"),
                Step::Index(j),
            ]);
            let figure = number(v.get("Value")).ok_or_else(|| {
                (
                    here.clone(),
                    format!(
                        "{name}: \"Value\" is not a whole number; the quota attributes carry \
                         counts such as \"1000\""
                    ),
                )
            })?;
            let text = |k: &str| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
            let zone = text("ZoneId");
            match &target {
                Target::Vcpus {
                    region_field,
                    used,
                    charge,
                } => match (zone, text("InstanceType")) {
                    (Some(z), Some(t)) => {
                        let charge = text("InstanceChargeType").unwrap_or(charge);
                        let e = types
                            .entry((z.to_string(), t.to_string(), charge.to_string()))
                            .or_default();
                        set(e, *used, figure);
                    }
                    (None, None) => {
                        out.region.insert(region_field.to_string(), json!(figure));
                    }
                    _ => {
                        return Err((
                            here,
                            format!(
                                "{name}: a per-type figure needs both ZoneId and InstanceType \
                                 (a regional one neither)"
                            ),
                        ))
                    }
                },
                Target::Yundisk { region_field, used } => match (zone, text("DiskCategory")) {
                    (Some(z), Some(c)) => {
                        let e = disks.entry((z.to_string(), c.to_string())).or_default();
                        set(e, *used, figure);
                    }
                    _ => {
                        out.region.insert(region_field.to_string(), json!(figure));
                    }
                },
                Target::Ignored => {}
            }
        }
    }
    if !out.region.is_empty() {
        out.region.insert("RegionId".into(), json!(region));
    }
    // A dimensioned figure without its max limits nothing: only used is known.
    for ((zone, t, charge), (max, used)) in types {
        if let Some(max) = max {
            out.type_quotas.push(json!({
                "RegionId": region, "ZoneId": zone, "InstanceType": t,
                "InstanceChargeType": charge, "MaxVcpuCount": max,
                "UsedVcpuCount": used.unwrap_or(0),
            }));
        }
    }
    for ((zone, category), (max, used)) in disks {
        if let Some(max) = max {
            out.disk_quotas.push(json!({
                "RegionId": region, "ZoneId": zone, "DiskCategory": category,
                "MaxCapacity": max, "UsedCapacity": used.unwrap_or(0),
            }));
        }
    }
    Ok(out)
}

fn set(e: &mut Pair, used: bool, figure: u64) {
    if used {
        e.1 = Some(figure);
    } else {
        e.0 = Some(figure);
    }
}

/// A whole number given as a string (as the API answers) or a JSON number.
fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(name: &str, values: Value) -> Value {
        json!({"AttributeName": name, "AttributeValues": {"ValueItem": values}})
    }

    #[test]
    fn regional_per_type_and_disk_figures_go_to_their_quotas() {
        let items = json!({"AccountAttributeItem": [
            item("max-postpaid-instance-vcpu-count", json!([{"Value": "800"},
                {"Value": "16", "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large"}])),
            item("used-postpaid-instance-vcpu-count", json!([{"Value": "120"},
                {"Value": "4", "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large"}])),
            item("max-spot-instance-vcpu-count", json!([{"Value": 200}])),
            item("max-postpaid-yundisk-capacity", json!([{"Value": "20480"},
                {"Value": "1024", "ZoneId": "cn-hangzhou-i", "DiskCategory": "cloud_essd"}])),
            item("max-security-groups", json!([{"Value": "100"}])),
            item("instance-network-type", json!([{"Value": "vpc"}])),
        ]});
        let q = read(&items, "cn-hangzhou").unwrap();
        assert_eq!(q.region["MaxPostpaidInstanceVcpuCount"], 800);
        assert_eq!(q.region["UsedPostpaidInstanceVcpuCount"], 120);
        assert_eq!(q.region["MaxSpotInstanceVcpuCount"], 200);
        assert_eq!(q.region["MaxPostpaidDataDiskCapacity"], 20480);
        assert_eq!(q.type_quotas.len(), 1);
        assert_eq!(q.type_quotas[0]["MaxVcpuCount"], 16);
        assert_eq!(q.type_quotas[0]["UsedVcpuCount"], 4);
        assert_eq!(q.type_quotas[0]["InstanceChargeType"], "PostPaid");
        assert_eq!(q.disk_quotas[0]["MaxCapacity"], 1024);
    }

    #[test]
    fn a_used_figure_alone_limits_nothing_and_a_bad_value_is_placed() {
        let items = json!({"AccountAttributeItem": [
            item("used-spot-instance-vcpu-count", json!([
                {"Value": "8", "ZoneId": "cn-hangzhou-i", "InstanceType": "ecs.g7.large"}])),
        ]});
        let q = read(&items, "cn-hangzhou").unwrap();
        assert!(q.type_quotas.is_empty() && q.region.is_empty());
        let bad = json!({"AccountAttributeItem": [
            item("max-spot-instance-vcpu-count", json!([{"Value": "lots"}]))]});
        let (path, msg) = read(&bad, "cn-hangzhou").unwrap_err();
        assert_eq!(path.last(), Some(&Step::Index(0)));
        assert!(msg.contains("whole number"), "{msg}");
    }
}
