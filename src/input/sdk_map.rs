//! SDK request maps → wire pairs.
//!
//! The SDKs hold a request as nested values and flatten it when they send it: the current
//! Python SDK (`alibabacloud_ecs20140526`) builds its query with
//! `alibabacloud_tea_openapi.utils.Utils.query`, where an object member becomes `Parent.Key`
//! and a list item `Parent.N` (1-based; a `null` item keeps its number and sends nothing).
//! [`push_member`] does the same for one member of a JSON object, so
//! `{"SystemDisk": {"Category": "cloud_essd"}, "DataDisk": [{"Size": 40}]}` gives
//! `SystemDisk.Category` and `DataDisk.1.Size`, and the names are then checked against the
//! parameter specs like any other (a misspelt nested name is an unknown parameter, a warning).
//!
//! Spellings the SDKs use beside the wire's, read as the wire's names:
//! - in a map with a nested value (an SDK's map, not a flat wire object), and in every nested
//!   object, a name in lowerCamelCase (`systemDisk`, `vSwitchId`, as the TypeScript and Java
//!   SDKs' fields serialise) or snake_case (`system_disk`, `v_switch_id`, `ipv_6address`, the
//!   Python SDK's attributes), when it is not a known name as written;
//! - the old `aliyun-python-sdk-ecs` setters' names: the flat `SystemDiskCategory`
//!   (`set_SystemDiskCategory` sends `SystemDisk.Category`) and the plural lists `DataDisks`,
//!   `Tags`, `Arns`, `NetworkInterfaces`, `SecurityGroupIdss`, `HostNamess`, `Ipv6Addresss`.
//!
//! A flat object's keys are wire names as written: the wire is case-sensitive, so there
//! `password` stays an unknown name. Nesting deeper than the deepest parameter
//! (`NetworkInterface.N.SecurityGroupIds.N`, three levels), and a list directly inside a list,
//! are input errors: no SDK sends them.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::catalog::params;
use crate::request::raw::{is_secret, RawRequest};

/// How a JSON object's keys are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Flat wire parameters: names as written (plus the old SDK's flat setter names).
    Wire,
    /// An SDK's request map (some value is nested): the SDKs' spellings are read too.
    Sdk,
}

/// The style of an object with these members: an SDK map when any value is nested.
pub fn style_of<'a>(values: impl IntoIterator<Item = &'a Value>) -> Style {
    if values
        .into_iter()
        .any(|v| matches!(v, Value::Array(_) | Value::Object(_)))
    {
        Style::Sdk
    } else {
        Style::Wire
    }
}

/// The deepest nesting a RunInstances parameter has: a list of objects holding a list.
pub const MAX_DEPTH: usize = 3;

/// Pushes the top-level member `key: value` of a request object onto `req` as wire pairs.
/// The error names `key` only (a nested key could be anything) and says the fix.
pub fn push_member(
    req: &mut RawRequest,
    key: &str,
    value: Value,
    style: Style,
) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::Array(_) | Value::Object(_) => {
            let seg = segment("", key, true);
            let pattern = seg.to_string();
            flatten(req, key, seg.to_string(), pattern, value, 0, false)
        }
        scalar => {
            push_scalar(req, key, text(scalar), style);
            Ok(())
        }
    }
}

/// Pushes the top-level scalar member `key: value` (its wire text), keeping the look-up
/// that tells a wire name from an SDK spelling for typing.
pub fn push_scalar(req: &mut RawRequest, key: &str, value: String, style: Style) {
    match params::lookup(key) {
        Some(r) => req.push_resolved(key, value, Some(r)),
        None => {
            let name = if let Some(n) = setter_names().get(key) {
                n
            } else {
                segment("", key, style == Style::Sdk)
            };
            req.push(name, value);
        }
    }
}

/// A scalar's wire text: strings as they are, numbers and booleans as their JSON text.
fn text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

fn flatten(
    req: &mut RawRequest,
    top: &str,
    name: String,
    pattern: String,
    value: Value,
    depth: usize,
    in_list: bool,
) -> Result<(), String> {
    let nested = matches!(value, Value::Array(_) | Value::Object(_));
    if nested && is_secret(name.rsplit('.').next().unwrap_or(&name)) {
        return Err(format!(
            "{top}: a secret parameter is one string, not a nested value; give it as a string"
        ));
    }
    if nested && params::lookup(&name).is_some() {
        let what = if matches!(value, Value::Array(_)) {
            "a list"
        } else {
            "an object"
        };
        return Err(format!(
            "{top}: {what} where {name} takes one value; give {name} one value, e.g. \
             \"{name}\": \"...\" (a list of values goes to a name that takes an index, such as \
             SecurityGroupIds)"
        ));
    }
    if nested && depth >= MAX_DEPTH {
        return Err(format!(
            "{top}: nested more than {MAX_DEPTH} levels deep, which no SDK's RunInstances \
             request is (the deepest is NetworkInterface.N.SecurityGroupIds.N); give the \
             values at their wire names, e.g. \"NetworkInterface.1.SecurityGroupIds.1\": \"sg-1\""
        ));
    }
    match value {
        Value::Null => Ok(()),
        Value::Array(items) => {
            if in_list {
                return Err(format!(
                    "{top}: a list directly inside a list, which no SDK sends; give each item \
                     as an object or a value, e.g. \"DataDisk\": [{{\"Size\": 40}}], or the \
                     flat \"DataDisk.1.Size\": \"40\""
                ));
            }
            let pattern = format!("{pattern}.n");
            for (i, item) in items.into_iter().enumerate() {
                let name = format!("{name}.{}", i + 1);
                flatten(req, top, name, pattern.clone(), item, depth + 1, true)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, v) in map {
                let seg = segment(&pattern, &k, true);
                let name = format!("{name}.{seg}");
                let pattern = format!("{pattern}.{seg}");
                flatten(req, top, name, pattern, v, depth + 1, false)?;
            }
            Ok(())
        }
        scalar => {
            req.push(name, text(scalar));
            Ok(())
        }
    }
}

/// `key` as the wire spells it under `pattern` (`""` at the top, `DataDisk.n` in a data
/// disk): as written when the specs know it there, else the known name it spells in
/// lowerCamelCase, snake_case or the old SDK's plural, else as written (an unknown name).
fn segment<'a>(pattern: &str, key: &'a str, sdk: bool) -> &'a str {
    let known = children();
    let Some(names) = known.get(pattern) else {
        return key;
    };
    if names.exact.contains(&key) || !sdk {
        return key;
    }
    let lower_camel = key.starts_with(|c: char| c.is_ascii_lowercase()) && !key.contains('_');
    let snake = key.contains('_') && !key.bytes().any(|b| b.is_ascii_uppercase());
    if lower_camel || snake {
        if let Some(n) = names.folded.get(&fold(key)) {
            return n;
        }
    }
    names.plural.get(key).copied().unwrap_or(key)
}

/// A name without `_`, in lower case: `v_switch_id`, `vSwitchId` → `vswitchid`.
fn fold(s: &str) -> String {
    s.chars()
        .filter(|&c| c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The names the specs know under one pattern.
#[derive(Debug, Default)]
struct Children {
    exact: Vec<&'static str>,
    folded: HashMap<String, &'static str>,
    plural: HashMap<String, &'static str>,
}

/// For every pattern of the specs' names (`""`, `SystemDisk`, `DataDisk.n`,
/// `NetworkInterface.n`), the names that follow it.
fn children() -> &'static HashMap<String, Children> {
    static CHILDREN: OnceLock<HashMap<String, Children>> = OnceLock::new();
    CHILDREN.get_or_init(|| {
        let mut out: HashMap<String, Children> = HashMap::new();
        for spec in params::specs() {
            let segs: Vec<&'static str> = spec.name.split('.').collect();
            for (i, &seg) in segs.iter().enumerate() {
                if seg == "n" {
                    continue;
                }
                let c = out.entry(segs[..i].join(".")).or_default();
                if !c.exact.contains(&seg) {
                    c.exact.push(seg);
                    c.folded.insert(fold(seg), seg);
                    if segs.get(i + 1) == Some(&"n") {
                        c.plural.insert(format!("{seg}s"), seg);
                    }
                }
            }
        }
        out
    })
}

/// The old SDK's flat setter names of struct members: `SystemDiskCategory` →
/// `SystemDisk.Category` (names without an index only).
fn setter_names() -> &'static HashMap<String, &'static str> {
    static NAMES: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        params::specs()
            .iter()
            .filter(|p| p.name.contains('.') && !p.id.indexed())
            .map(|p| (p.name.replace('.', ""), p.name))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(json: &str) -> Result<Vec<(String, String)>, String> {
        let Value::Object(map) = serde_json::from_str(json).unwrap() else {
            panic!("an object")
        };
        let style = style_of(map.values());
        let mut req = RawRequest::new("t");
        for (k, v) in map {
            push_member(&mut req, &k, v, style)?;
        }
        Ok(req
            .params
            .into_iter()
            .map(|p| (p.name.into_owned(), p.value))
            .collect())
    }

    fn names(json: &str) -> Vec<String> {
        flat(json).unwrap().into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn objects_and_lists_flatten_as_the_sdk_does() {
        let got = flat(
            r#"{"SystemDisk": {"Category": "cloud_essd", "Size": 40},
                "DataDisk": [{"Size": 100, "Encrypted": true}, null, {"Size": 200}],
                "Tag": [{"Key": "team", "Value": "web"}],
                "SecurityGroupIds": ["sg-1", "sg-2"],
                "NetworkInterface": [{"SecurityGroupIds": ["sg-3"]}],
                "PrivatePoolOptions": {"MatchCriteria": "Open", "Id": null},
                "Amount": 2, "Tag.2.Key": "flat"}"#,
        )
        .unwrap();
        let want = [
            ("Amount", "2"),
            ("DataDisk.1.Encrypted", "true"),
            ("DataDisk.1.Size", "100"),
            ("DataDisk.3.Size", "200"),
            ("NetworkInterface.1.SecurityGroupIds.1", "sg-3"),
            ("PrivatePoolOptions.MatchCriteria", "Open"),
            ("SecurityGroupIds.1", "sg-1"),
            ("SecurityGroupIds.2", "sg-2"),
            ("SystemDisk.Category", "cloud_essd"),
            ("SystemDisk.Size", "40"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "web"),
            ("Tag.2.Key", "flat"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_sdks_other_spellings_are_read() {
        assert_eq!(
            names(r#"{"regionId": "x", "systemDisk": {"category": "a"}, "vSwitchId": "v"}"#),
            ["RegionId", "SystemDisk.Category", "VSwitchId"]
        );
        assert_eq!(
            names(
                r#"{"v_switch_id": "v", "data_disk": [{"kmskey_id": "k"}], "ipv_6address": ["::1"]}"#
            ),
            ["DataDisk.1.KMSKeyId", "Ipv6Address.1", "VSwitchId"]
        );
        assert_eq!(
            names(
                r#"{"DataDisks": [{"Size": 1}], "Tags": [{"Key": "a"}], "SecurityGroupIdss": ["sg"]}"#
            ),
            ["DataDisk.1.Size", "SecurityGroupIds.1", "Tag.1.Key"]
        );
        // the old SDK's flat setter names, in a flat object too
        assert_eq!(
            names(r#"{"SystemDiskCategory": "a", "CpuOptionsCore": 2}"#),
            ["CpuOptions.Core", "SystemDisk.Category"]
        );
        // a flat object's names are wire names as written
        assert_eq!(
            names(r#"{"password": "x", "regionId": "y"}"#),
            ["password", "regionId"]
        );
        // a misspelt nested name stays as written, for the unknown-parameter warning
        assert_eq!(
            names(r#"{"SystemDisk": {"Categroy": "a", "SIZE": 1}}"#),
            ["SystemDisk.Categroy", "SystemDisk.SIZE"]
        );
    }

    #[test]
    fn nesting_no_sdk_sends_is_an_error_naming_the_top_key() {
        let e = flat(r#"{"DataDisk": [[{"Size": 1}]]}"#).unwrap_err();
        assert!(
            e.starts_with("DataDisk: a list directly inside a list"),
            "{e}"
        );
        let e = flat(r#"{"NetworkInterface": [{"Foo": [{"X": 1}]}]}"#).unwrap_err();
        assert!(
            e.starts_with("NetworkInterface: nested more than 3 levels"),
            "{e}"
        );
        let e = flat(r#"{"Amount": {}}"#).unwrap_err();
        assert!(
            e.starts_with("Amount: an object where Amount takes one value"),
            "{e}"
        );
        let e = flat(r#"{"SystemDisk": {"Size": [40]}}"#).unwrap_err();
        assert!(
            e.starts_with("SystemDisk: a list where SystemDisk.Size takes"),
            "{e}"
        );
        // the empty lists to_map() writes send nothing
        assert_eq!(
            flat(r#"{"Arn": [], "DataDisk": [], "Tag": []}"#).unwrap(),
            []
        );
        let e = flat(r#"{"Foo": {"Password": {"Hunter2": 1}}}"#).unwrap_err();
        assert!(
            e.starts_with("Foo: a secret") && !e.contains("Hunter2"),
            "{e}"
        );
    }

    #[test]
    fn the_spelling_tables_are_unambiguous() {
        for (pattern, c) in children() {
            let mut folded: Vec<String> = c.exact.iter().map(|s| fold(s)).collect();
            folded.sort();
            let n = folded.len();
            folded.dedup();
            assert_eq!(folded.len(), n, "{pattern}: two names fold alike");
            for p in c.plural.keys() {
                assert!(!c.exact.contains(&p.as_str()), "{pattern}: {p}");
            }
        }
        for k in setter_names().keys() {
            assert!(params::lookup(k).is_none(), "{k} is also a wire name");
        }
    }
}
