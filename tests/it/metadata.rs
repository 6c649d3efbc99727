//! Today's OpenAPI metadata against ecsim's parameter table and error catalog.
//!
//! The metadata is read from the committed extract in `tests/fixtures/current-api/`
//! (`tools/extract-metadata.py` writes it from `shared/facts/current-api`), so the tests run
//! on a clean clone. When the shared facts are present, one test checks the extract is current.

use std::collections::HashSet;
use std::path::Path;

use ecsim::catalog::errors::entries;
use ecsim::catalog::params::{lookup, specs, Kind, ParamOrigin, ParamSpec};
use ecsim::catalog::Origin;

const PARAMS_JSON: &str = include_str!("../fixtures/current-api/runinstances-params.json");
const ERRORS_TSV: &str = include_str!("../fixtures/current-api/runinstances-errors.tsv");

/// Where ecsim's type differs from today's schema, on purpose: (name, schema type, kind).
const DEVIATIONS: &[(&str, &str, Kind)] = &[
    // Strings never printed: every writer redacts them.
    ("Password", "string", Kind::Secret),
    ("UserData", "string", Kind::Secret),
    // The schema says string; its text (and the reference's) gives ranges in whole GiB.
    ("SystemDisk.Size", "string", Kind::Integer),
    // The schema says string; its text gives the values true and false.
    ("SystemDisk.Encrypted", "string", Kind::Boolean),
    ("DataDisk.n.Encrypted", "string", Kind::Boolean),
    // The schema says integer; the reference says String, and a version that is not a number
    // answers InvalidLaunchTemplateVersion.NotFound (data/errors.csv), not a type error.
    ("LaunchTemplateVersion", "integer", Kind::String),
];

/// One leaf parameter of the extract: `{"name": "DataDisk.N.Size", "type": "integer", ...}`.
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Leaf {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    minimum: Option<f64>,
    #[serde(default)]
    maximum: Option<f64>,
    #[serde(default, rename = "maxItems")]
    max_items: Vec<u32>,
    #[serde(default, rename = "maxLength")]
    max_length: Option<u32>,
    #[serde(default)]
    default: Option<String>,
}

impl Leaf {
    /// The table's spelling: `DataDisk.N.Size` → `DataDisk.n.Size`.
    fn table_name(&self) -> String {
        self.name
            .split('.')
            .map(|s| if s == "N" { "n" } else { s })
            .collect::<Vec<_>>()
            .join(".")
    }

    /// A wire name with every index 1: `DataDisk.1.Size`.
    fn wire_name(&self) -> String {
        self.name
            .split('.')
            .map(|s| if s == "N" { "1" } else { s })
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn leaves() -> Vec<Leaf> {
    serde_json::from_str(PARAMS_JSON).expect("runinstances-params.json is a list of leaves")
}

fn kind_of(schema_type: &str) -> Option<Kind> {
    match schema_type {
        "string" => Some(Kind::String),
        "integer" => Some(Kind::Integer),
        "boolean" => Some(Kind::Boolean),
        "number" => Some(Kind::Float),
        _ => None,
    }
}

fn spec(name: &str) -> Option<&'static ParamSpec> {
    specs().iter().find(|s| s.name == name)
}

#[test]
fn every_current_parameter_is_in_the_table_with_its_type_and_bounds() {
    let leaves = leaves();
    assert_eq!(leaves.len(), 130, "leaf parameters in the extract");
    let mut bad = Vec::new();
    for leaf in &leaves {
        let name = leaf.table_name();
        let Some(spec) = spec(&name) else {
            bad.push(format!("{name}: not in data/params.csv"));
            continue;
        };
        let deviation = DEVIATIONS.iter().find(|d| d.0 == name);
        match deviation {
            Some(&(_, schema, kind)) => {
                if leaf.kind != schema || spec.kind != kind {
                    bad.push(format!(
                        "{name}: listed deviation {schema} -> {kind:?}, found schema {} and kind {:?}",
                        leaf.kind, spec.kind
                    ));
                }
            }
            None => {
                if kind_of(&leaf.kind) != Some(spec.kind) {
                    bad.push(format!(
                        "{name}: schema type {} but data/params.csv has {:?}",
                        leaf.kind, spec.kind
                    ));
                }
            }
        }
        let bounds = [
            ("min", leaf.minimum, spec.min),
            ("max", leaf.maximum, spec.max),
        ];
        for (what, schema, table) in bounds {
            if schema != table {
                bad.push(format!(
                    "{name}: {what} is {table:?}, the schema says {schema:?}"
                ));
            }
        }
        let counts = [
            ("max_items", leaf.max_items.first().copied(), spec.max_items),
            (
                "max_items2",
                leaf.max_items.get(1).copied(),
                spec.max_items2,
            ),
            ("max_length", leaf.max_length, spec.max_length),
        ];
        for (what, schema, table) in counts {
            if schema != table {
                bad.push(format!(
                    "{name}: {what} is {table:?}, the schema says {schema:?}"
                ));
            }
        }
        if leaf.max_items.len() > 2 {
            bad.push(format!("{name}: more than two enclosing arrays"));
        }
        if leaf.default.as_deref().unwrap_or("") != spec.default {
            bad.push(format!(
                "{name}: default is {:?}, the schema says {:?}",
                spec.default, leaf.default
            ));
        }
        let wire = leaf.wire_name();
        match lookup(&wire) {
            Some(r) if r.id == spec.id && r.to_string() == wire => {}
            other => bad.push(format!("{wire}: lookup gives {other:?}, not {:?}", spec.id)),
        }
    }
    for &(name, _, _) in DEVIATIONS {
        if !leaves.iter().any(|l| l.table_name() == name) {
            bad.push(format!("{name}: listed deviation but not in the metadata"));
        }
    }
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn every_table_parameter_is_in_the_metadata_or_is_common() {
    let known: HashSet<String> = leaves().iter().map(Leaf::table_name).collect();
    let stray: Vec<&str> = specs()
        .iter()
        .filter(|s| !known.contains(s.name))
        .filter(|s| s.origin != ParamOrigin::Common && s.name != "Action")
        .map(|s| s.name)
        .collect();
    assert!(
        stray.is_empty(),
        "not in today's metadata nor common: {stray:?}"
    );
}

/// `%s` → `{0}`, `{1}`, … in order: how the catalog stores a template.
fn template(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split("%s").enumerate() {
        if i > 0 {
            out.push_str(&format!("{{{}}}", i - 1));
        }
        out.push_str(part);
    }
    out
}

#[test]
fn template_numbers_each_placeholder_in_order() {
    assert_eq!(template("a %s b %s."), "a {0} b {1}.");
    assert_eq!(template("%s"), "{0}");
    assert_eq!(template("none"), "none");
}

#[test]
fn every_current_error_row_is_in_the_catalog() {
    let mut lines = ERRORS_TSV.lines();
    assert_eq!(lines.next(), Some("http\tcode\tmessage"));
    let catalog = entries();
    let mut used = HashSet::new();
    let mut bad = Vec::new();
    let mut rows = 0;
    for (i, line) in lines.enumerate() {
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        let [http, code, message] = cols[..] else {
            panic!(
                "runinstances-errors.tsv:{}: {line:?} has not three columns",
                i + 2
            );
        };
        let http: u16 = http.parse().expect("http is a status");
        let wanted = template(message);
        let candidates: Vec<usize> = (0..catalog.len())
            .filter(|&k| {
                let e = &catalog[k];
                e.code == code
                    && e.http_status == http
                    && matches!(e.origin, Origin::Current | Origin::Both)
                    && !used.contains(&k)
            })
            .collect();
        // A row whose message is only `%s` may keep a concrete wording in the catalog.
        let pick = candidates
            .iter()
            .find(|&&k| catalog[k].message == wanted)
            .or_else(|| candidates.first().filter(|_| message == "%s"));
        match pick {
            Some(&k) => {
                used.insert(k);
            }
            None => {
                let near: Vec<String> = catalog
                    .iter()
                    .filter(|e| e.code == code)
                    .map(|e| {
                        format!(
                            "{} {} {}: {:?}",
                            e.key.name(),
                            e.http_status,
                            e.origin.as_str(),
                            e.message
                        )
                    })
                    .collect();
                bad.push(format!(
                    "{http} {code} {wanted:?}: no unused catalog row; same code: {near:?}"
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} rows unmatched:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert_eq!(rows, 438, "rows in runinstances-errors.tsv");
    assert_eq!(used.len(), 438, "catalog rows matched one-to-one");
}

/// Today's metadata flattened as `tools/extract-metadata.py` does.
fn flatten(name: &str, schema: &serde_json::Value, max_items: &[u32], out: &mut Vec<Leaf>) {
    let bound = |key: &str| {
        schema.get(key).map(|v| match v {
            serde_json::Value::String(s) => s.parse::<f64>().expect("a numeric bound"),
            v => v.as_f64().expect("a numeric bound"),
        })
    };
    match schema["type"].as_str().unwrap_or("") {
        "array" => {
            let mut outer = max_items.to_vec();
            if let Some(n) = schema.get("maxItems") {
                outer.push(n.as_u64().expect("maxItems is a number") as u32);
            }
            flatten(&format!("{name}.N"), &schema["items"], &outer, out);
        }
        "object" => {
            let props = schema["properties"].as_object().expect("object properties");
            for (prop, sub) in props {
                flatten(&format!("{name}.{prop}"), sub, max_items, out);
            }
        }
        kind => out.push(Leaf {
            name: name.to_string(),
            kind: kind.to_string(),
            minimum: bound("minimum"),
            maximum: bound("maximum"),
            max_items: max_items.to_vec(),
            max_length: schema
                .get("maxLength")
                .map(|v| v.as_u64().expect("maxLength is a number") as u32),
            default: schema
                .get("default")
                .map(|v| v.as_str().expect("default is a string").to_string()),
        }),
    }
}

#[test]
fn the_committed_extract_matches_the_shared_facts() {
    let facts = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/facts/current-api"
    ));
    if !facts.exists() {
        // A clean clone has no shared facts: the committed extract is all there is.
        return;
    }
    let text = std::fs::read_to_string(facts.join("ecs-2014-05-26.api-docs.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut fresh = Vec::new();
    for p in doc["apis"]["RunInstances"]["parameters"]
        .as_array()
        .unwrap()
    {
        let mut found = Vec::new();
        flatten(p["name"].as_str().unwrap(), &p["schema"], &[], &mut found);
        for leaf in found {
            // RegionId is listed twice with the same schema; the extract keeps one.
            if !fresh.iter().any(|l: &Leaf| l.name == leaf.name) {
                fresh.push(leaf);
            }
        }
    }
    // serde_json here keeps object keys sorted, so compare in name order.
    let mut committed = leaves();
    fresh.sort_by(|a, b| a.name.cmp(&b.name));
    committed.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(
        fresh, committed,
        "rerun python3 tools/extract-metadata.py (parameters)"
    );
    let tsv = std::fs::read_to_string(facts.join("runinstances-errors-current.tsv")).unwrap();
    let three: Vec<String> = tsv
        .lines()
        .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t"))
        .collect();
    assert_eq!(
        three,
        ERRORS_TSV.lines().collect::<Vec<_>>(),
        "rerun python3 tools/extract-metadata.py (errors)"
    );
}
