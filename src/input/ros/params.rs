//! A template's `Parameters`: each declared parameter's value, from `--parameters FILE`
//! (over the default), typed as ROS types it (String, Number, CommaDelimitedList, Json,
//! Boolean) and checked against AllowedValues, MinValue/MaxValue and MinLength/MaxLength.
//!
//! The parameters file is a JSON object of name → value, or the ROS console and CLI shape
//! `[{"ParameterKey": "...", "ParameterValue": "..."}]`. A parameter with neither a value nor
//! a default is an input error, except a `NoEcho` one (a password): its value is not needed
//! to predict the launch, so it stays unknown and is noted, never asked for.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use super::doc::{child, Doc};
use crate::error::{Error, Place, Result};

/// A parameters file, read: each name with its value and where it is written.
#[derive(Debug)]
pub struct Supplied {
    pub source: String,
    pub values: Vec<(String, Value, Place)>,
}

/// The parameters file of this run (`--parameters`), set once by the command line.
static SUPPLIED: RwLock<Option<Arc<Supplied>>> = RwLock::new(None);

/// Sets the parameters file every template of this process reads its values from.
pub fn set_supplied(s: Option<Supplied>) {
    *SUPPLIED.write().unwrap_or_else(|e| e.into_inner()) = s.map(Arc::new);
}

/// The parameters file set by [`set_supplied`], if any.
pub fn supplied() -> Option<Arc<Supplied>> {
    SUPPLIED.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Reads a parameters file (`--parameters FILE`).
pub fn read_file(path: &Path) -> Result<Supplied> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse(&path.display().to_string(), &text)
}

/// Reads a parameters file's text, either shape.
pub fn parse(source: &str, text: &str) -> Result<Supplied> {
    let doc = Doc::from_json(source, text.trim_start_matches('\u{feff}')).map_err(|e| {
        Error::input(
            Place::at(source, e.line(), e.column()),
            format!(
                "invalid JSON in a parameters file: {}; write {{\"Name\": \"value\"}} or \
                 [{{\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"}}]",
                crate::error::plain(&e.to_string())
            ),
        )
    })?;
    let mut values = Vec::new();
    match &doc.root {
        Value::Object(m) => {
            for (k, v) in m {
                values.push((k.clone(), v.clone(), doc.place(&child("", k))));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let ptr = child("", &i.to_string());
                let key = item.get("ParameterKey").and_then(Value::as_str);
                let value = item.get("ParameterValue");
                let (Some(key), Some(value)) = (key, value) else {
                    return Err(Error::input(
                        doc.place(&ptr),
                        "an entry without ParameterKey and ParameterValue; write \
                         {\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"}",
                    ));
                };
                values.push((key.to_string(), value.clone(), doc.place(&ptr)));
            }
        }
        _ => {
            return Err(Error::input(
                Place::at(source, 1, 1),
                "a parameters file is a JSON object of name → value, or a list of \
                 {\"ParameterKey\": ..., \"ParameterValue\": ...}",
            ))
        }
    }
    for (i, (k, _, place)) in values.iter().enumerate() {
        if values[..i].iter().any(|(o, _, _)| o == k) {
            return Err(Error::input(
                place.clone(),
                format!("parameter {k} is given twice; keep one value"),
            ));
        }
    }
    Ok(Supplied {
        source: source.to_string(),
        values,
    })
}

/// A parameter's value as `Ref` sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Known(Value),
    /// A `NoEcho` parameter without a value: known only when the stack is created.
    Secret,
}

/// The values of the template's parameters: the file's over each default, typed and checked.
pub fn resolve(doc: &Doc, file: Option<&Supplied>) -> Result<BTreeMap<String, Param>> {
    let empty = serde_json::Map::new();
    let declared = match doc.root.get("Parameters") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => &empty,
        Some(_) => {
            return Err(Error::input(
                doc.place("/Parameters"),
                "Parameters is not a mapping of name → declaration; write \
                 Parameters: {Name: {Type: String, Default: ...}}",
            ))
        }
    };
    if let Some(f) = file {
        for (k, _, place) in &f.values {
            if !declared.contains_key(k) {
                let names: Vec<&str> = declared.keys().map(String::as_str).collect();
                return Err(Error::input(
                    place.clone(),
                    format!(
                        "parameter {k} is not declared in {}'s Parameters (it declares: {}); \
                         remove it from the file or fix its name",
                        doc.source,
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ),
                ));
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, decl) in declared {
        let ptr = child("/Parameters", name);
        let secret = is_secret(name, decl);
        let ty = decl.get("Type").and_then(Value::as_str).unwrap_or("String");
        let given = file.and_then(|f| {
            f.values
                .iter()
                .find(|(k, _, _)| k == name)
                .map(|(_, v, p)| (v, p.clone()))
        });
        let (raw, place) = match (given, decl.get("Default")) {
            (Some((v, p)), _) => (v, p),
            (None, Some(d)) => (d, doc.place(&child(&ptr, "Default"))),
            (None, None) if secret => {
                out.insert(name.clone(), Param::Secret);
                continue;
            }
            (None, None) => {
                return Err(Error::input(
                    doc.place(&ptr),
                    format!(
                        "parameter {name} has no Default and no value; give it in a \
                         parameters file (--parameters FILE with {{\"{name}\": ...}}) or add \
                         a Default to the template"
                    ),
                ))
            }
        };
        let fail = |m: String| Error::input(place.clone(), format!("parameter {name}: {m}"));
        let shown = |v: &Value| {
            if secret {
                "the value given".to_string()
            } else {
                clip(v)
            }
        };
        let value = coerce(ty, raw).map_err(|want| {
            fail(format!(
                "{} is not {want} (its Type is {ty}); give {want}",
                shown(raw)
            ))
        })?;
        check(decl, ty, &value).map_err(|why| fail(format!("{} {why}", shown(&value))))?;
        out.insert(name.clone(), Param::Known(value));
    }
    Ok(out)
}

/// Whether a parameter's value is secret: `NoEcho`, or a name that says password.
pub fn is_secret(name: &str, decl: &Value) -> bool {
    decl.get("NoEcho").is_some_and(|v| {
        v.as_bool() == Some(true) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
    }) || name.to_ascii_lowercase().contains("password")
}

fn clip(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// The text of a scalar as ROS compares and joins it.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A value as a parameter of type `ty`, or what was wanted.
fn coerce(ty: &str, v: &Value) -> std::result::Result<Value, &'static str> {
    match ty {
        "Number" => match v {
            Value::Number(_) => Ok(v.clone()),
            Value::String(s) => {
                let s = s.trim();
                s.parse::<i64>()
                    .map(Value::from)
                    .ok()
                    .or_else(|| {
                        s.parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map(Value::Number)
                    })
                    .ok_or("a number")
            }
            _ => Err("a number"),
        },
        "Boolean" => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Value::Bool(true)),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Value::Bool(false)),
            _ => Err("true or false"),
        },
        "CommaDelimitedList" => match v {
            Value::String(s) => Ok(Value::from(
                s.split(',')
                    .map(|x| x.trim().to_string())
                    .collect::<Vec<_>>(),
            )),
            Value::Array(items) => items
                .iter()
                .map(|x| text(x).map(Value::String))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array)
                .ok_or("a comma-separated list of values"),
            _ => Err("a comma-separated list of values"),
        },
        "Json" => match v {
            Value::String(s) => serde_json::from_str(s).map_err(|_| "JSON text"),
            Value::Object(_) | Value::Array(_) => Ok(v.clone()),
            _ => Err("JSON (an object or a list)"),
        },
        // String and the resource-typed parameters (ALIYUN::ECS::Instance::ZoneId, ...).
        _ => text(v).map(Value::String).ok_or("text"),
    }
}

/// AllowedValues, MinValue/MaxValue and MinLength/MaxLength on a typed value.
fn check(decl: &Value, ty: &str, v: &Value) -> std::result::Result<(), String> {
    let num = |k: &str| {
        decl.get(k).and_then(|x| match x {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    };
    if let Some(Value::Array(allowed)) = decl.get("AllowedValues") {
        let items: Vec<&Value> = match v {
            Value::Array(a) if ty == "CommaDelimitedList" => a.iter().collect(),
            other => vec![other],
        };
        let same = |a: &Value, b: &Value| match (a.as_f64(), b.as_f64(), ty) {
            (Some(x), _, "Number") => text(b).and_then(|t| t.parse::<f64>().ok()) == Some(x),
            _ => text(a).is_some() && text(a) == text(b),
        };
        for item in items {
            if !allowed.iter().any(|a| same(item, a)) {
                let list: Vec<String> = allowed.iter().filter_map(text).collect();
                return Err(format!(
                    "is not one of its AllowedValues ({}); give one of them",
                    list.join(", ")
                ));
            }
        }
    }
    if let Some(x) = v.as_f64() {
        if let Some(min) = num("MinValue").filter(|m| x < *m) {
            return Err(format!("is under its MinValue {min}; give at least {min}"));
        }
        if let Some(max) = num("MaxValue").filter(|m| x > *m) {
            return Err(format!("is over its MaxValue {max}; give at most {max}"));
        }
    }
    if let Value::String(s) = v {
        let n = s.chars().count() as f64;
        if let Some(min) = num("MinLength").filter(|m| n < *m) {
            return Err(format!(
                "is shorter than its MinLength {min}; give at least {min} characters"
            ));
        }
        if let Some(max) = num("MaxLength").filter(|m| n > *m) {
            return Err(format!(
                "is longer than its MaxLength {max}; give at most {max} characters"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(params: &str) -> Doc {
        Doc::from_json("t.json", &format!("{{\"Parameters\": {params}}}")).unwrap()
    }

    #[test]
    fn both_file_shapes_read_alike_and_override_defaults() {
        let t = template(
            r#"{"N": {"Type": "Number", "Default": 1, "MaxValue": 10},
                "L": {"Type": "CommaDelimitedList", "Default": "a,b"},
                "B": {"Type": "Boolean", "Default": "false"}}"#,
        );
        let object = parse("p.json", r#"{"N": "7", "B": true}"#).unwrap();
        let list = parse(
            "p.json",
            r#"[{"ParameterKey": "N", "ParameterValue": "7"},
                {"ParameterKey": "B", "ParameterValue": "true"}]"#,
        )
        .unwrap();
        let a = resolve(&t, Some(&object)).unwrap();
        assert_eq!(a, resolve(&t, Some(&list)).unwrap());
        assert_eq!(a["N"], Param::Known(Value::from(7)));
        assert_eq!(a["B"], Param::Known(Value::Bool(true)));
        assert_eq!(a["L"], Param::Known(serde_json::json!(["a", "b"])));
        let over = parse("p.json", "{\n  \"N\": 11}").unwrap();
        let e = resolve(&t, Some(&over)).unwrap_err().to_string();
        assert!(
            e.starts_with("p.json:2:3: parameter N: 11 is over its MaxValue"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_value_names_the_parameter_but_a_secret_stays_unknown() {
        let t =
            template(r#"{"Pass": {"Type": "String", "NoEcho": true}, "Zone": {"Type": "String"}}"#);
        let e = resolve(&t, None).unwrap_err().to_string();
        assert!(
            e.contains("parameter Zone has no Default and no value"),
            "{e}"
        );
        let f = parse("p.json", r#"{"Zone": "cn-hangzhou-i"}"#).unwrap();
        assert_eq!(resolve(&t, Some(&f)).unwrap()["Pass"], Param::Secret);
        let bad = parse("p.json", r#"{"Zone": "z", "Zonee": "x"}"#).unwrap();
        let e = resolve(&t, Some(&bad)).unwrap_err().to_string();
        assert!(e.contains("parameter Zonee is not declared"), "{e}");
    }
}
