//! Launch templates: resolve the template a request names and fill in what it leaves out.

use std::borrow::Cow;

use serde_json::Value;

use super::{Check, Rule, Tier, Violation};
use crate::catalog::params::ParamId;
use crate::catalog::ErrorKey;
use crate::request::RawRequest;
use crate::world::{LaunchTemplateVersion, World};

pub static LAUNCH_TEMPLATE: Rule = Rule {
    name: "launch_template",
    tier: Tier::Template,
    reads: &[
        ParamId::LaunchTemplateId,
        ParamId::LaunchTemplateName,
        ParamId::LaunchTemplateVersion,
    ],
    codes: &[
        ErrorKey::InvalidLaunchTemplateNotFound,
        ErrorKey::InvalidLaunchTemplateVersionNotFound,
    ],
    doc: "LaunchTemplateId/LaunchTemplateName must name a template of the region, and \
          LaunchTemplateVersion one of its versions (default: the default version). The \
          template's parameters fill those the request omits; explicit parameters win. \
          Example: LaunchTemplateId=lt-missing -> InvalidLaunchTemplate.NotFound.",
    check: Check::Template,
};

/// The request with its template's parameters appended where it has none of its own.
pub fn apply<'r>(raw: &'r RawRequest, world: &World) -> Result<Cow<'r, RawRequest>, Violation> {
    let id = raw.get("LaunchTemplateId").filter(|v| !v.is_empty());
    let name = raw.get("LaunchTemplateName").filter(|v| !v.is_empty());
    if id.is_none() && name.is_none() {
        return Ok(Cow::Borrowed(raw));
    }
    let region = raw.get("RegionId").unwrap_or("");
    let versions = world.launch_template_versions(region, id, name);
    let which = if id.is_some() {
        ParamId::LaunchTemplateId
    } else {
        ParamId::LaunchTemplateName
    };
    if versions.is_empty() {
        return Err(
            Violation::on(ErrorKey::InvalidLaunchTemplateNotFound, which)
                .arg(id.unwrap_or(""))
                .arg(name.unwrap_or("")),
        );
    }
    let version = match raw.get("LaunchTemplateVersion").filter(|v| !v.is_empty()) {
        Some(v) => {
            let found = v
                .parse::<u32>()
                .ok()
                .and_then(|n| versions.iter().find(|t| t.version_number == n));
            match found {
                Some(t) => *t,
                None => {
                    return Err(Violation::on(
                        ErrorKey::InvalidLaunchTemplateVersionNotFound,
                        ParamId::LaunchTemplateVersion,
                    )
                    .arg(versions[0].launch_template_id.clone())
                    .arg(v))
                }
            }
        }
        None => versions
            .iter()
            .find(|t| t.default_version)
            .or(versions.last())
            .copied()
            .expect("versions is non-empty"),
    };
    let mut merged = raw.clone();
    for (k, v) in flatten(version) {
        if raw.get(&k).is_none() {
            merged.push(k, v);
        }
    }
    Ok(Cow::Owned(merged))
}

/// `LaunchTemplateData` as wire pairs: scalars keep their (wire) names, `DataDisks.DataDisk[i]`
/// becomes `DataDisk.{i+1}.*`, `Tags.InstanceTag[i]` becomes `Tag.{i+1}.*`.
pub fn flatten(t: &LaunchTemplateVersion) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in &t.launch_template_data {
        match (k.as_str(), v) {
            ("DataDisks", Value::Object(o)) => {
                if let Some(Value::Array(items)) = o.get("DataDisk") {
                    for (i, d) in items.iter().enumerate() {
                        push_object(&mut out, &format!("DataDisk.{}.", i + 1), d);
                    }
                }
            }
            ("Tags", Value::Object(o)) => {
                if let Some(Value::Array(items)) = o.get("InstanceTag") {
                    for (i, d) in items.iter().enumerate() {
                        push_object(&mut out, &format!("Tag.{}.", i + 1), d);
                    }
                }
            }
            (_, v) => {
                if let Some(s) = scalar(v) {
                    out.push((k.clone(), s));
                }
            }
        }
    }
    out
}

fn push_object(out: &mut Vec<(String, String)>, prefix: &str, v: &Value) {
    if let Value::Object(o) = v {
        for (k, v) in o {
            if let Some(s) = scalar(v) {
                out.push((format!("{prefix}{k}"), s));
            }
        }
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
