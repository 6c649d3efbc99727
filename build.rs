//! Generates the typed error catalog from `data/errors.csv`, the one place the codes live.
//!
//! Output: `$OUT_DIR/catalog_gen.rs` with `enum ErrorKey` (one variant per row, named by the
//! `key` column) and `static ENTRIES: [Entry; N]` in file order. Rules refer to rows only
//! through `ErrorKey`, so a typo is a compile error and a removed row breaks the build.

use std::fmt::Write as _;

#[derive(serde::Deserialize)]
struct Row {
    key: String,
    code: String,
    http_status: u16,
    message: String,
    origin: String,
    editions: String,
    modeled: bool,
    reference_message: String,
    replaced_by: String,
    condition: String,
    hint: String,
    condition_current: String,
    hint_current: String,
    note: String,
}

#[derive(serde::Deserialize)]
struct ParamRow {
    key: String,
    name: String,
    #[serde(rename = "type")]
    kind: String,
    origin: String,
    editions: String,
    min: String,
    max: String,
    max_items: String,
    max_items2: String,
    max_length: String,
    default: String,
    values: String,
    error: String,
    description: String,
}

fn main() {
    println!("cargo:rerun-if-changed=data/errors.csv");
    println!("cargo:rerun-if-changed=data/params.csv");
    let mut rdr = csv::Reader::from_path("data/errors.csv").expect("data/errors.csv is readable");
    let rows: Vec<Row> = rdr
        .deserialize()
        .map(|r| r.expect("data/errors.csv rows match the header"))
        .collect();
    params(&rows.iter().map(|r| r.key.clone()).collect::<Vec<_>>());

    let mut out = String::new();
    out.push_str("/// One row of `data/errors.csv`, by its `key` column.\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    out.push_str("pub enum ErrorKey {\n");
    for r in &rows {
        assert!(
            r.key.chars().all(|c| c.is_ascii_alphanumeric()) && !r.key.is_empty(),
            "data/errors.csv: key {:?} must be a Rust identifier",
            r.key
        );
        writeln!(
            out,
            "    /// `{}` ({}): {}",
            r.code,
            r.http_status,
            r.message.replace('`', "'")
        )
        .unwrap();
        writeln!(out, "    {},", r.key).unwrap();
    }
    out.push_str("}\n\n");
    out.push_str("impl ErrorKey {\n    /// Every key, in catalog order.\n    pub const ALL: &'static [ErrorKey] = &[\n");
    for r in &rows {
        writeln!(out, "        ErrorKey::{},", r.key).unwrap();
    }
    out.push_str("    ];\n}\n\n");
    out.push_str("static KEY_NAMES: &[&str] = &[\n");
    for r in &rows {
        writeln!(out, "    {:?},", r.key).unwrap();
    }
    out.push_str("];\n\n");
    writeln!(out, "static ENTRIES: [Entry; {}] = [", rows.len()).unwrap();
    for r in &rows {
        let origin = match r.origin.as_str() {
            "reference" => "Origin::Reference",
            "current" => "Origin::Current",
            "both" => "Origin::Both",
            "ecsim" => "Origin::Ecsim",
            o => panic!("data/errors.csv: origin {o:?} must be reference, current, both or ecsim"),
        };
        let all_editions = match r.editions.as_str() {
            "all" => true,
            "current" => false,
            e => panic!("data/errors.csv: editions {e:?} must be all or current"),
        };
        let reference_message = if r.reference_message.is_empty() {
            "None".to_string()
        } else {
            format!("Some({:?})", r.reference_message)
        };
        let replaced_by = if r.replaced_by.is_empty() {
            "None".to_string()
        } else {
            assert!(
                rows.iter().any(|o| o.key == r.replaced_by),
                "data/errors.csv: {} is replaced_by unknown key {}",
                r.key,
                r.replaced_by
            );
            format!("Some(ErrorKey::{})", r.replaced_by)
        };
        let opt = |s: &str| {
            if s.is_empty() {
                "None".to_string()
            } else {
                format!("Some({s:?})")
            }
        };
        writeln!(
            out,
            "    Entry {{ key: ErrorKey::{}, code: {:?}, http_status: {}, message: {:?}, origin: {}, all_editions: {}, modeled: {}, reference_message: {}, replaced_by: {}, condition: {:?}, hint: {:?}, condition_current: {}, hint_current: {}, note: {:?} }},",
            r.key, r.code, r.http_status, r.message, origin, all_editions, r.modeled, reference_message, replaced_by, r.condition, r.hint, opt(&r.condition_current), opt(&r.hint_current), r.note
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("catalog_gen.rs");
    std::fs::write(dest, out).unwrap();
}

/// `data/params.csv` -> `$OUT_DIR/params_gen.rs`: `enum ParamId` in the reference's order and
/// `static PARAMS: [ParamSpec; N]`.
fn params(error_keys: &[String]) {
    let mut rdr = csv::Reader::from_path("data/params.csv").expect("data/params.csv is readable");
    let rows: Vec<ParamRow> = rdr
        .deserialize()
        .map(|r| r.expect("data/params.csv rows match the header"))
        .collect();
    let mut out = String::new();
    out.push_str("/// One parameter of `data/params.csv`, in the reference's order.\n");
    out.push_str("#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]\n");
    out.push_str("pub enum ParamId {\n");
    for r in &rows {
        writeln!(out, "    /// `{}`: {}", r.name, r.description).unwrap();
        writeln!(out, "    {},", r.key).unwrap();
    }
    out.push_str("}\n\n");
    writeln!(out, "static PARAMS: [ParamSpec; {}] = [", rows.len()).unwrap();
    for r in &rows {
        let kind = match r.kind.as_str() {
            "string" => "Kind::String",
            "integer" => "Kind::Integer",
            "boolean" => "Kind::Boolean",
            "float" => "Kind::Float",
            "secret" => "Kind::Secret",
            k => panic!("data/params.csv: type {k:?}"),
        };
        let origin = match r.origin.as_str() {
            "reference" => "ParamOrigin::Reference",
            "current" => "ParamOrigin::Current",
            "common" => "ParamOrigin::Common",
            o => panic!("data/params.csv: origin {o:?}"),
        };
        let editions = match r.editions.as_str() {
            "all" => "ParamEditions::All",
            "current" => "ParamEditions::Current",
            e => panic!("data/params.csv: editions {e:?} must be all or current"),
        };
        let num = |s: &str| -> String {
            if s.is_empty() {
                "None".to_string()
            } else {
                let v: f64 = s
                    .parse()
                    .unwrap_or_else(|_| panic!("data/params.csv: {s:?} is not a number"));
                format!("Some({v:?})")
            }
        };
        let int = |s: &str| -> String {
            if s.is_empty() {
                "None".to_string()
            } else {
                let v: u32 = s
                    .parse()
                    .unwrap_or_else(|_| panic!("data/params.csv: {s:?} is not a count"));
                format!("Some({v})")
            }
        };
        let error = if r.error.is_empty() {
            "None".to_string()
        } else {
            assert!(
                error_keys.contains(&r.error),
                "data/params.csv: {} names unknown error key {}",
                r.name,
                r.error
            );
            format!("Some(crate::catalog::ErrorKey::{})", r.error)
        };
        writeln!(
            out,
            "    ParamSpec {{ id: ParamId::{}, name: {:?}, kind: {}, origin: {}, editions: {}, min: {}, max: {}, max_items: {}, max_items2: {}, max_length: {}, default: {:?}, values: {:?}, error: {}, description: {:?} }},",
            r.key, r.name, kind, origin, editions, num(&r.min), num(&r.max), int(&r.max_items), int(&r.max_items2), int(&r.max_length), r.default, r.values, error, r.description
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("params_gen.rs");
    std::fs::write(dest, out).unwrap();
}
