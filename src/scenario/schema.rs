//! The JSON Schema of the scenario form, printed by `ecsim run --schema` for editors.
//! Kept beside the serde structs of [`super::file`]; a test checks every example in
//! `scenarios/` names only properties the schema lists.

use serde_json::{json, Value};

/// The schema (draft 2020-12).
pub fn schema() -> Value {
    let dist = json!({
        "description": "A count per hour, drawn per trial.",
        "oneOf": [
            {"type": "object", "properties": {"constant": {"type": "integer", "minimum": 0}}, "required": ["constant"], "additionalProperties": false},
            {"type": "object", "properties": {"poisson": {"type": "number", "exclusiveMinimum": 0}}, "required": ["poisson"], "additionalProperties": false},
            {"type": "object", "properties": {"uniform": {"type": "array", "items": {"type": "integer", "minimum": 0}, "minItems": 2, "maxItems": 2}}, "required": ["uniform"], "additionalProperties": false}
        ]
    });
    let model_props = json!({
        "initial": {"type": "integer", "minimum": 0, "description": "Instances deliverable at the start (overrides the world)."},
        "replenish_per_hour": dist,
        "competing_demand_per_hour": dist
    });
    let mut pool_props = model_props.clone();
    pool_props["zone"] = json!({"type": "string"});
    pool_props["instance_type"] = json!({"type": "string"});
    let time = json!({"type": "string", "description": "An offset from start (\"+90m\", \"+1h30m\", \"+2d\") or UTC (\"2026-12-01T09:30:00Z\")."});
    let duration = json!({"type": "string", "pattern": "^([0-9]+[smhd])+$"});
    let expect = json!({
        "oneOf": [
            {"type": "string", "description": "\"ok\" or an error code (QuotaExceed.AfterpayInstance), in every trial."},
            {"type": "object", "properties": {
                "code": {"type": "string"},
                "probability": {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 2, "maxItems": 2},
                "confidence": {"type": "number", "minimum": 0.5, "exclusiveMaximum": 1, "description": "Judge on the interval at this level (0.95): met when the whole interval lies within probability."}
            }, "required": ["code"], "additionalProperties": false}
        ]
    });
    let release = json!({
        "oneOf": [
            {"const": "all"},
            {"type": "object", "properties": {"label": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}, "additionalProperties": false}
        ]
    });
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ecsim scenario",
        "type": "object",
        "additionalProperties": false,
        "required": ["timeline"],
        "properties": {
            "$schema": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "world": {
                "description": "World files (relative to the scenario) and inline world objects, merged in order over the default world.",
                "oneOf": [
                    {"type": "string"}, {"type": "object"},
                    {"type": "array", "items": {"oneOf": [{"type": "string"}, {"type": "object"}]}}
                ]
            },
            "start": {"type": "string", "description": "UTC, default 2026-12-01T08:00:00Z."},
            "horizon": duration.clone(),
            "sample_every": duration.clone(),
            "trials": {"type": "integer", "minimum": 1},
            "seed": {"type": "integer", "minimum": 0},
            "faults": {
                "type": "object",
                "propertyNames": {"enum": ["InternalError", "InnerServiceFailed", "OperationDeniedCreating"]},
                "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1}
            },
            "retry": {"type": "object", "additionalProperties": false, "required": ["attempts"], "properties": {
                "attempts": {"type": "integer", "minimum": 1}, "backoff": duration
            }},
            "stock": {"type": "object", "additionalProperties": false, "properties": {
                "default": {"type": "object", "additionalProperties": false, "properties": model_props},
                "pools": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["zone", "instance_type"], "properties": pool_props}},
                "off_sale": {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["zone", "from", "to"], "properties": {
                    "zone": {"type": "string"}, "instance_type": {"type": "string"}, "from": time.clone(), "to": time.clone()
                }}}
            }},
            "timeline": {
                "oneOf": [
                    {"type": "string", "description": "A CSV timeline file, relative to the scenario."},
                    {"type": "array", "items": {"type": "object", "additionalProperties": false, "required": ["at"], "properties": {
                        "at": time,
                        "label": {"type": "string"},
                        "request": {"oneOf": [{"type": "object", "additionalProperties": {"type": ["string", "number", "boolean"]}}, {"type": "string"}]},
                        "expect": expect,
                        "release": release
                    }}}
                ]
            }
        }
    });
    // Added apart from the literal above, which sits at serde_json's macro recursion limit.
    let editions: Vec<&str> = crate::edition::EditionId::ALL
        .iter()
        .map(|e| e.name())
        .collect();
    schema["properties"]["edition"] = json!({
        "enum": editions,
        "description": "The API edition the scenario replays under: `current` (today's API) or `reference-2018`. Wins over `ecsim run --edition`; default: the command line's, else current."
    });
    schema["properties"]["sweep"] = json!({
        "type": "object",
        "description": "Variants: each key (a request parameter, trials, seed, traffic_scale or traffic_uncertainty) lists values; every combination runs as a named variant; `labels` limits parameter sweeps to labelled requests, and a key written {\"values\": [...], \"labels\": [...]} has its own.",
        "properties": {"labels": {"type": "array", "items": {"type": "string"}}},
        "additionalProperties": {"oneOf": [
            {"type": "array", "minItems": 1, "items": {"type": ["string", "number", "boolean"]}},
            {"type": "object", "additionalProperties": false, "required": ["values"], "properties": {
                "values": {"type": "array", "minItems": 1, "items": {"type": ["string", "number", "boolean"]}},
                "labels": {"type": "array", "items": {"type": "string"}}
            }}
        ]}
    });
    let traffic = json!({
        "type": "object",
        "description": "Outbound GB per instance-hour: exactly one key.",
        "minProperties": 1,
        "maxProperties": 1,
        "properties": {
            "constant_gb_per_hour": {"type": "number", "minimum": 0},
            "lognormal": {"type": "object", "properties": {"mu": {"type": "number"}, "sigma": {"type": "number"}}, "required": ["mu", "sigma"], "additionalProperties": false},
            "gamma": {"type": "object", "properties": {"shape": {"type": "number"}, "rate": {"type": "number"}}, "required": ["shape", "rate"], "additionalProperties": false},
            "truncated_normal": {"type": "object", "properties": {"mean": {"type": "number"}, "sd": {"type": "number"}}, "required": ["mean", "sd"], "additionalProperties": false},
            "daily_profile": {"type": "object", "properties": {"base_gb_per_hour": {"type": "number"}, "factors": {"type": "array", "minItems": 24, "maxItems": 24, "items": {"type": "number"}}, "utc_offset_hours": {"type": "integer"}}, "required": ["base_gb_per_hour", "factors"], "additionalProperties": false},
            "trace": {"type": "string", "description": "CSV `hour,gb`, relative to the scenario file; hour 0 is the start."}
        },
        "additionalProperties": false
    });
    schema["properties"]["costs"] = json!({
        "type": "object",
        "description": "Cost model inputs: a traffic model (default constant 0.1 GB per instance-hour), price files merged over the embedded catalog (relative to the scenario file), traffic overrides per label, and the uncertainty of the traffic level across trials.",
        "properties": {
            "traffic": traffic,
            "traffic_uncertainty": {"type": "number", "minimum": 0, "maximum": 3, "description": "Sigma of the log of a per-trial factor (mean 1) multiplying every traffic model: how unsure the workload's level is. 0 (default): none."},
            "prices": {"type": "array", "items": {"type": "string"}},
            "labels": {"type": "object", "additionalProperties": traffic}
        },
        "additionalProperties": false
    });
    schema
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_lists_the_top_level_fields() {
        let s = super::schema();
        for k in [
            "name", "edition", "world", "start", "horizon", "trials", "seed", "faults", "retry",
            "stock", "timeline", "costs",
        ] {
            assert!(s["properties"].get(k).is_some(), "{k}");
        }
    }

    #[test]
    fn the_examples_use_only_properties_the_schema_lists() {
        let s = super::schema();
        let top = s["properties"].as_object().unwrap();
        let event = s["properties"]["timeline"]["oneOf"][1]["items"]["properties"]
            .as_object()
            .unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for k in doc.as_object().unwrap().keys() {
                assert!(top.contains_key(k), "{}: {k}", path.display());
            }
            for e in doc["timeline"].as_array().into_iter().flatten() {
                for k in e.as_object().unwrap().keys() {
                    assert!(event.contains_key(k), "{}: {k}", path.display());
                }
            }
        }
    }
}
