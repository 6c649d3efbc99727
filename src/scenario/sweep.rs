//! Sweeps: a JSON scenario's `"sweep"` expands into named variants, one per combination of
//! the listed values, run like separate scenarios and compared (`docs/scenarios.md`).
//!
//! ```json
//! "sweep": {"InternetMaxBandwidthOut": [5, 10, 20, 50], "labels": ["web"]}
//! ```
//!
//! Keys are RunInstances parameters (set on every request of the timeline, or on the requests
//! whose label is in `"labels"`; a key written `{"values": [...], "labels": [...]}` has its
//! own labels, over the sweep's), or the model inputs `"trials"`, `"seed"`, `"traffic_scale"`
//! (a factor on the traffic models, of `"labels"` when given) and `"traffic_uncertainty"`. Variants are
//! the Cartesian product in the order the keys are written, the first key varying slowest,
//! named `<name>[Key=value,...]`. A secret parameter (`Password`, `UserData`, credentials: see
//! [`request::is_secret`](crate::request::is_secret)) may be swept, but its variants are named
//! by the value's 1-based position in the list, `<name>[Password=#2]`, never by the value, so
//! no output (names, file names, chart text) carries it. Expansion is a pure function of the
//! file.

use std::path::Path;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{EventKind, Scenario};
use crate::catalog::params;
use crate::error::{suggest, Error, Place, Result};
use crate::request::{is_secret, REDACTED};

/// Most variants a sweep may expand into.
pub const MAX_VARIANTS: usize = 1000;

/// What a sweep key changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The scenario's trial count.
    Trials,
    /// The scenario's seed.
    Seed,
    /// A factor on the traffic models (every model, or those of `labels`).
    TrafficScale,
    /// The per-trial uncertainty of the traffic level.
    TrafficUncertainty,
    /// A request parameter (wire name).
    Param(String),
}

/// One swept input and its values, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The key as written in the file.
    pub key: String,
    pub target: Target,
    /// The values as wire text (`5`, `cloud_essd`, `true`).
    pub values: Vec<String>,
    /// The key's own labels (`{"values": [...], "labels": [...]}`), over the sweep's
    /// `"labels"`: only requests with one of them get the swept parameter.
    pub labels: Option<Vec<String>>,
}

impl Axis {
    /// The labels this axis applies to: its own, else the sweep's (None: every request).
    pub fn labels<'a>(&'a self, sweep: &'a Sweep) -> Option<&'a [String]> {
        self.labels.as_deref().or(sweep.labels.as_deref())
    }
}

/// A scenario's sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// In file order.
    pub axes: Vec<Axis>,
    /// Only requests with one of these labels get the swept parameters (None: every request).
    pub labels: Option<Vec<String>>,
    /// Where `"sweep"` is written, for errors.
    pub place: Place,
}

/// Reads a scenario file and expands its sweep, if any: one scenario, or its variants.
pub fn load_expanded(path: &Path) -> Result<Vec<Scenario>> {
    load_expanded_with(path, &super::LoadOptions::default())
}

/// [`load_expanded`], with `options`.
pub fn load_expanded_with(path: &Path, options: &super::LoadOptions) -> Result<Vec<Scenario>> {
    // The sweep is read from the text the scenario was read from: one read of the file.
    let (base, text) = super::load_read(path, options)?;
    let Some(text) = text else {
        return Ok(vec![base]);
    };
    if crate::input::ros::is_yaml_path(path) {
        return Ok(vec![base]);
    }
    match parse(&path.display().to_string(), &text)? {
        None => Ok(vec![base]),
        Some(s) => expand(&base, &s),
    }
}

/// An object's entries in file order.
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of lists")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = m.next_entry::<String, Value>()? {
                    v.push(e);
                }
                Ok(Ordered(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// Where the top-level `"sweep":` key is written.
fn sweep_place(source: &str, text: &str) -> Place {
    let mut from = 0;
    while let Some(i) = text[from..].find("\"sweep\"") {
        let at = from + i;
        if text[at + 7..].trim_start().starts_with(':') {
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            return Place::at(source, line, col);
        }
        from = at + 7;
    }
    Place::at(source, 1, 1)
}

/// Reads the `"sweep"` of a JSON scenario (the rest of the file is read by `file::parse`).
pub fn parse(source: &str, text: &str) -> Result<Option<Sweep>> {
    #[derive(serde::Deserialize)]
    struct Only {
        sweep: Option<Ordered>,
    }
    // The key is spelled out unless a \u escape writes it: a file with neither has no sweep,
    // and is not read through once more to find that out (the scenario reader has read it).
    if !text.contains("sweep") && !text.contains("\\u") {
        return Ok(None);
    }
    let place = sweep_place(source, text);
    let only: Only = serde_json::from_str(text)
        .map_err(|e| Error::input(place.clone(), format!("sweep: {e}")))?;
    let Some(Ordered(entries)) = only.sweep else {
        return Ok(None);
    };
    let err = |m: String| Error::input(place.clone(), format!("sweep: {m}"));
    let mut axes = Vec::new();
    let mut labels = None;
    let label_list = |key: &str, items: Vec<Value>| {
        items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(err(format!("{key}: {other} is not a label (a string)"))),
            })
            .collect::<Result<Vec<_>>>()
    };
    for (key, value) in entries {
        // A key's own labels: {"values": [...], "labels": [...]}.
        let (value, own_labels) = match value {
            Value::Object(mut m) if key != "labels" => {
                let unknown: Vec<&String> = m
                    .keys()
                    .filter(|k| *k != "values" && *k != "labels")
                    .collect();
                if let Some(k) = unknown.first() {
                    return Err(err(format!(
                        "{key}: unknown field {k:?}; give {{\"values\": [5, 10], \"labels\": [\"web\"]}}"
                    )));
                }
                let own = match m.remove("labels") {
                    None => None,
                    Some(Value::Array(ls)) => Some(label_list(&format!("{key}.labels"), ls)?),
                    Some(_) => {
                        return Err(err(format!(
                            "{key}.labels: give a list of labels, like [\"web\"]"
                        )))
                    }
                };
                let Some(values) = m.remove("values") else {
                    return Err(err(format!(
                        "{key}: missing field \"values\"; add it, like {{\"values\": [5, 10], \"labels\": [\"web\"]}}"
                    )));
                };
                (values, own)
            }
            v => (v, None),
        };
        let Value::Array(items) = value else {
            return Err(err(format!(
                "{key}: give a list of values, like [5, 10, 20], or {{\"values\": [5, 10], \"labels\": [\"web\"]}}"
            )));
        };
        if key == "labels" {
            labels = Some(label_list("labels", items)?);
            continue;
        }
        if own_labels.is_some() && key != "traffic_scale" && params::lookup(&key).is_none() {
            return Err(err(format!(
                "{key}: labels apply to request parameters and traffic_scale only; remove them"
            )));
        }
        let target = match key.as_str() {
            "trials" => Target::Trials,
            "seed" => Target::Seed,
            "traffic_scale" => Target::TrafficScale,
            "traffic_uncertainty" => Target::TrafficUncertainty,
            k if params::lookup(k).is_some() => Target::Param(k.to_string()),
            k => {
                let names = params::specs().iter().map(|s| s.name).chain([
                    "trials",
                    "seed",
                    "traffic_scale",
                    "traffic_uncertainty",
                    "labels",
                ]);
                let hint =
                    suggest(k, names).map_or(String::new(), |m| format!(" (did you mean {m:?}?)"));
                return Err(err(format!(
                    "{k:?} is not a RunInstances parameter, \"trials\", \"seed\", \
                     \"traffic_scale\", \"traffic_uncertainty\" or \"labels\"{hint}"
                )));
            }
        };
        if items.is_empty() {
            return Err(err(format!("{key}: the list of values is empty")));
        }
        let values = items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(err(format!(
                    "{key}: {} is not a number, string or boolean",
                    if is_secret(&key) {
                        REDACTED.to_string()
                    } else {
                        other.to_string()
                    }
                ))),
            })
            .collect::<Result<Vec<_>>>()?;
        for v in &values {
            let bad = match target {
                Target::Trials => v.parse::<u32>().map_or(true, |n| n == 0),
                Target::Seed => v.parse::<u64>().is_err(),
                Target::TrafficScale => v
                    .parse::<f64>()
                    .map_or(true, |f| !(f > 0.0 && f.is_finite())),
                Target::TrafficUncertainty => {
                    v.parse::<f64>().map_or(true, |f| !(0.0..=3.0).contains(&f))
                }
                Target::Param(_) => false,
            };
            if bad {
                return Err(err(format!(
                    "{key}: {v:?} is not a whole number (at least 1 for trials), a factor > 0 \
                     (traffic_scale) or a sigma in [0, 3] (traffic_uncertainty)"
                )));
            }
        }
        // Equal values give variants of one name, whose report sections matched each
        // other's charts: quadratic output (100 equal values wrote a 1.1 GB report.html).
        for (j, v) in values.iter().enumerate() {
            if let Some(i) = values[..j].iter().position(|w| w == v) {
                let secret =
                    params::lookup(&key).is_some_and(|r| r.id.spec().kind == params::Kind::Secret);
                let shown = if secret { "***" } else { v.as_str() };
                return Err(err(format!(
                    "value {shown} appears twice in sweep of {key} (values {} and {}); list \
                     each value once",
                    i + 1,
                    j + 1
                )));
            }
        }
        if axes.iter().any(|a: &Axis| a.key == key) {
            return Err(err(format!("{key} is swept twice")));
        }
        axes.push(Axis {
            key,
            target,
            values,
            labels: own_labels,
        });
    }
    if axes.is_empty() {
        return Err(err("name at least one parameter or input to sweep".into()));
    }
    let n = axes.iter().map(|a| a.values.len()).product::<usize>();
    if n > MAX_VARIANTS {
        return Err(err(format!("{n} variants; at most {MAX_VARIANTS}")));
    }
    Ok(Some(Sweep {
        axes,
        labels,
        place,
    }))
}

/// The variants of `base`, in order: the first axis varies slowest.
pub fn expand(base: &Scenario, sweep: &Sweep) -> Result<Vec<Scenario>> {
    let lists = sweep
        .labels
        .iter()
        .chain(sweep.axes.iter().filter_map(|a| a.labels.as_ref()));
    for ls in lists {
        let have: Vec<&str> = base
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Request { .. }))
            .filter_map(|e| e.label.as_deref())
            .collect();
        for l in ls {
            if !have.contains(&l.as_str()) {
                let hint = suggest(l, have.iter().copied())
                    .map_or(String::new(), |m| format!(" (did you mean {m:?}?)"));
                return Err(Error::input(
                    sweep.place.clone(),
                    format!("sweep: labels: no request is labelled {l:?}{hint}"),
                ));
            }
        }
    }
    let n: usize = sweep.axes.iter().map(|a| a.values.len()).product();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // mixed-radix digits, the last axis fastest
        let mut rest = i;
        let mut pick = vec![0; sweep.axes.len()];
        for (k, a) in sweep.axes.iter().enumerate().rev() {
            pick[k] = rest % a.values.len();
            rest /= a.values.len();
        }
        let mut s = base.clone();
        let mut tags = Vec::new();
        for (a, &j) in sweep.axes.iter().zip(&pick) {
            let v = &a.values[j];
            tags.push(tag(a, j));
            match &a.target {
                Target::Trials => s.trials = v.parse().expect("checked when read"),
                Target::Seed => s.seed = v.parse().expect("checked when read"),
                Target::TrafficScale => scale_traffic(
                    &mut s,
                    v.parse().expect("checked when read"),
                    a.labels(sweep),
                ),
                Target::TrafficUncertainty => {
                    s.costs.traffic_uncertainty = v.parse().expect("checked when read")
                }
                Target::Param(name) => set_param(&mut s, name, v, a.labels(sweep)),
            }
        }
        s.name = format!("{}[{}]", base.name, tags.join(","));
        out.push(s);
    }
    Ok(out)
}

/// How variant names show axis `a` at its `j`th value: `Key=value`, or `Key=#n` (1-based
/// position) for a secret parameter, whose value must not be shown.
fn tag(a: &Axis, j: usize) -> String {
    match &a.target {
        Target::Param(name) if is_secret(name) => format!("{}=#{}", a.key, j + 1),
        _ => format!("{}={}", a.key, a.values[j]),
    }
}

/// Multiplies the traffic of the selected labels (every model when `labels` is None) by `f`.
fn scale_traffic(s: &mut Scenario, f: f64, labels: Option<&[String]>) {
    match labels {
        None => {
            s.costs.traffic = s.costs.traffic.scaled(f);
            for m in s.costs.labels.values_mut() {
                *m = m.scaled(f);
            }
        }
        Some(ls) => {
            for l in ls {
                let m = s.costs.traffic_for(Some(l)).scaled(f);
                s.costs.labels.insert(l.clone(), m);
            }
        }
    }
}

/// Sets `name=value` on the selected requests, replacing any value they had.
fn set_param(s: &mut Scenario, name: &str, value: &str, labels: Option<&[String]>) {
    for e in &mut s.events {
        let selected = match labels {
            None => true,
            Some(ls) => e.label.as_ref().is_some_and(|l| ls.contains(l)),
        };
        if let (true, EventKind::Request { raw, .. }) = (selected, &mut e.kind) {
            raw.params.retain(|p| p.name != name);
            raw.push(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "name": "web",
  "sweep": {"InternetMaxBandwidthOut": [5, 10], "trials": [20, 40], "labels": ["a"]},
  "timeline": [
    {"at": "+0m", "label": "a", "request": {"RegionId": "cn-hangzhou", "InternetMaxBandwidthOut": 1}},
    {"at": "+1m", "label": "b", "request": {"RegionId": "cn-hangzhou"}}
  ]
}"#;

    fn base() -> Scenario {
        super::super::file::parse("web.json", DOC, Path::new("")).unwrap()
    }

    #[test]
    fn a_key_with_its_own_labels_sets_only_those_requests() {
        let doc = DOC.replace(
            r#""sweep": {"InternetMaxBandwidthOut": [5, 10], "trials": [20, 40], "labels": ["a"]}"#,
            r#""sweep": {"labels": ["a"], "InternetMaxBandwidthOut": [5, 10], "InternetChargeType": {"values": ["PayByBandwidth"], "labels": ["b"]}}"#,
        );
        let s = parse("web.json", &doc).unwrap().unwrap();
        assert_eq!(s.axes[0].labels, None);
        assert_eq!(s.axes[1].labels, Some(vec!["b".to_string()]));
        let base = super::super::file::parse("web.json", &doc, Path::new("")).unwrap();
        let v = expand(&base, &s).unwrap();
        let get = |i: usize, name: &str| {
            let EventKind::Request { raw, .. } = &v[0].events[i].kind else {
                panic!()
            };
            raw.get(name).map(str::to_string)
        };
        // The bandwidth goes to "a" (the sweep's labels), the charge type to "b" (its own).
        assert_eq!(get(0, "InternetMaxBandwidthOut").as_deref(), Some("5"));
        assert_eq!(get(0, "InternetChargeType"), None);
        assert_eq!(get(1, "InternetMaxBandwidthOut"), None);
        assert_eq!(
            get(1, "InternetChargeType").as_deref(),
            Some("PayByBandwidth")
        );
        let bad = doc.replace(r#""labels": ["b"]"#, r#""labels": ["c"]"#);
        let e = expand(&base, &parse("web.json", &bad).unwrap().unwrap()).unwrap_err();
        assert!(
            e.to_string().contains("no request is labelled \"c\""),
            "{e}"
        );
    }

    #[test]
    fn a_sweep_key_is_found_however_it_is_spelled_and_none_without_one() {
        let escaped = DOC.replacen("\"sweep\"", "\"\\u0073weep\"", 1);
        assert!(!escaped.contains("sweep"), "{escaped}");
        let s = parse("web.json", &escaped).unwrap().unwrap();
        assert_eq!(s.axes.len(), 2);
        let without = DOC.replacen("\"sweep\"", "\"description\"", 1);
        let without = without.replace(
            "{\"InternetMaxBandwidthOut\": [5, 10], \"trials\": [20, 40], \"labels\": [\"a\"]}",
            "\"x\"",
        );
        assert!(parse("web.json", &without).unwrap().is_none());
    }

    #[test]
    fn keys_keep_file_order_and_values_their_text() {
        let s = parse("web.json", DOC).unwrap().unwrap();
        let keys: Vec<&str> = s.axes.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["InternetMaxBandwidthOut", "trials"]);
        assert_eq!(s.axes[0].values, ["5", "10"]);
        assert_eq!(s.labels.as_deref(), Some(&["a".to_string()][..]));
        assert_eq!(s.place.line, Some(3));
    }

    #[test]
    fn variants_are_the_product_first_key_slowest() {
        let s = parse("web.json", DOC).unwrap().unwrap();
        let v = expand(&base(), &s).unwrap();
        let names: Vec<&str> = v.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "web[InternetMaxBandwidthOut=5,trials=20]",
                "web[InternetMaxBandwidthOut=5,trials=40]",
                "web[InternetMaxBandwidthOut=10,trials=20]",
                "web[InternetMaxBandwidthOut=10,trials=40]",
            ]
        );
        assert_eq!(v[1].trials, 40);
        let EventKind::Request { raw, .. } = &v[2].events[0].kind else {
            panic!()
        };
        assert_eq!(raw.get("InternetMaxBandwidthOut"), Some("10"));
        assert_eq!(
            raw.params
                .iter()
                .filter(|p| p.name == "InternetMaxBandwidthOut")
                .count(),
            1
        );
        // the unlabelled-by-filter request is untouched
        let EventKind::Request { raw, .. } = &v[2].events[1].kind else {
            panic!()
        };
        assert_eq!(raw.get("InternetMaxBandwidthOut"), None);
        // and expansion is deterministic
        let again: Vec<String> = expand(&base(), &s)
            .unwrap()
            .into_iter()
            .map(|x| x.name)
            .collect();
        assert_eq!(again, names);
    }

    #[test]
    fn traffic_inputs_sweep_the_cost_model() {
        let s = parse(
            "w.json",
            r#"{"sweep": {"traffic_scale": [0.5, 2], "traffic_uncertainty": [0, 0.4]}}"#,
        )
        .unwrap()
        .unwrap();
        let mut b = base();
        b.costs.traffic = crate::cost::TrafficModel::Constant { gb_per_hour: 0.2 };
        let v = expand(&b, &s).unwrap();
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].name, "web[traffic_scale=0.5,traffic_uncertainty=0]");
        assert_eq!(
            v[3].costs.traffic,
            crate::cost::TrafficModel::Constant { gb_per_hour: 0.4 }
        );
        assert_eq!(v[3].costs.traffic_uncertainty, 0.4);
        assert_eq!(v[0].costs.traffic_uncertainty, 0.0);
        let e = parse("w.json", r#"{"sweep": {"traffic_scale": [0]}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("factor > 0"), "{e}");
    }

    #[test]
    fn mistakes_are_placed_and_suggested() {
        let e = parse("w.json", r#"{"sweep": {"InternetMaxBandwidthOot": [1]}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("w.json:1:2") && e.contains("did you mean \"InternetMaxBandwidthOut\""),
            "{e}"
        );
        let e = parse("w.json", r#"{"sweep": {"trials": [0]}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("trials"), "{e}");
        let e = parse("w.json", r#"{"sweep": {"Amount": 5}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("list of values"), "{e}");
        let s = parse("w.json", r#"{"sweep": {"Amount": [1], "labels": ["c"]}}"#)
            .unwrap()
            .unwrap();
        let e = expand(&base(), &s).unwrap_err().to_string();
        assert!(e.contains("no request is labelled \"c\""), "{e}");
        assert_eq!(parse("w.json", r#"{"name": "x"}"#).unwrap(), None);
    }

    #[test]
    fn a_password_sweep_named_variants_by_the_secret() {
        let doc = r#"{"sweep": {"Password": ["Secret#1x", "Secret#2x"], "UserData": ["ZWNobw=="],
                      "Amount": [1, 2]}}"#;
        let s = parse("w.json", doc).unwrap().unwrap();
        let v = expand(&base(), &s).unwrap();
        let names: Vec<&str> = v.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "web[Password=#1,UserData=#1,Amount=1]",
                "web[Password=#1,UserData=#1,Amount=2]",
                "web[Password=#2,UserData=#1,Amount=1]",
                "web[Password=#2,UserData=#1,Amount=2]",
            ]
        );
        // the variants still send the swept values
        let EventKind::Request { raw, .. } = &v[2].events[1].kind else {
            panic!()
        };
        assert_eq!(raw.get("Password"), Some("Secret#2x"));
        assert_eq!(raw.get("UserData"), Some("ZWNobw=="));
        // credentials are secrets too; a bad secret value is not echoed
        let s = parse("w.json", r#"{"sweep": {"AccessKeyId": ["LTAIak1"]}}"#)
            .unwrap()
            .unwrap();
        assert_eq!(expand(&base(), &s).unwrap()[0].name, "web[AccessKeyId=#1]");
        let e = parse("w.json", r#"{"sweep": {"Password": [{"p": "Leak#1"}]}}"#)
            .unwrap_err()
            .to_string();
        assert!(!e.contains("Leak") && e.contains("Password: ***"), "{e}");
    }

    #[test]
    fn equal_values_in_a_sweep_are_refused_not_reported_quadratically() {
        let e = parse("w.json", r#"{"sweep": {"Amount": [5, 3, 5]}}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "w.json:1:2: sweep: value 5 appears twice in sweep of Amount (values 1 and 3)"
            ),
            "{e}"
        );
        let e = parse(
            "w.json",
            r#"{"sweep": {"Password": ["Hunter2!x", "Hunter2!x"]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("value *** appears twice") && !e.contains("Hunter2"),
            "{e}"
        );
    }
}
