//! The one resolver of ROS template values, for JSON and YAML alike: `Ref` (parameters,
//! `ALIYUN::NoValue`), `Conditions` with `Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not` and
//! `Fn::If`, `Mappings` with `Fn::FindInMap`, and `Fn::Join`, `Fn::Sub`, `Fn::Select`,
//! `Fn::Split`, `Fn::Base64Encode`, `Fn::Str` where their arguments are known. What only the
//! created stack knows (`Fn::GetAtt`, a resource's `Ref`, the pseudo parameters, a secret
//! without a value, any other function) is [`Ev::Unknown`] with the reason, never guessed.
//! A template that ROS itself would refuse (a `Ref` to nothing, a missing mapping key, an
//! index out of range) is an input error at its line and column.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};

use base64::Engine;
use serde_json::{Map, Value};

use super::doc::{child, Doc};
use super::params::{text, Param};
use crate::error::{Error, Result};

/// What a value resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Ev {
    Known(Value),
    /// Known only when the stack is created: why.
    Unknown(String),
    /// `ALIYUN::NoValue`: the property is left out.
    NoValue,
}

/// A condition's value.
#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Is(bool),
    Unknown(String),
}

/// A template ready to resolve values in.
pub struct Resolver<'d> {
    pub doc: &'d Doc,
    params: BTreeMap<String, Param>,
    /// Parameters whose values are secret (NoEcho) but known from the parameters file.
    secret_known: Vec<String>,
    conditions: RefCell<HashMap<String, Option<Cond>>>,
    /// Set when a resolved value came from a secret parameter.
    pub touched_secret: Cell<bool>,
}

impl<'d> Resolver<'d> {
    pub fn new(doc: &'d Doc, params: BTreeMap<String, Param>) -> Resolver<'d> {
        let secret_known = doc
            .root
            .get("Parameters")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter(|(k, d)| super::params::is_secret(k, d))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        Resolver {
            doc,
            params,
            secret_known,
            conditions: RefCell::new(HashMap::new()),
            touched_secret: Cell::new(false),
        }
    }

    fn section(&self, name: &str) -> Option<&'d Map<String, Value>> {
        self.doc.root.get(name).and_then(Value::as_object)
    }

    fn fail(&self, ptr: &str, message: String) -> Error {
        Error::input(self.doc.place(ptr), message)
    }

    /// Whether the resource at `ptr` is created: its `Condition`, if any. None when it has
    /// none; Some(Err(reason)) when the condition is known only when the stack is created.
    pub fn resource_condition(
        &self,
        res: &Value,
        ptr: &str,
    ) -> Result<Option<std::result::Result<bool, String>>> {
        let Some(c) = res.get("Condition") else {
            return Ok(None);
        };
        let Some(name) = c.as_str() else {
            return Err(self.fail(
                &child(ptr, "Condition"),
                "Condition is the name of a condition in Conditions; write its name".into(),
            ));
        };
        Ok(Some(
            match self.condition(name, &child(ptr, "Condition"))? {
                Cond::Is(b) => Ok(b),
                Cond::Unknown(why) => Err(format!("condition {name}: {why}")),
            },
        ))
    }

    /// The named condition of the Conditions section, evaluated once.
    fn condition(&self, name: &str, from: &str) -> Result<Cond> {
        if let Some(done) = self.conditions.borrow().get(name) {
            return match done {
                Some(c) => Ok(c.clone()),
                None => Err(self.fail(
                    from,
                    format!("condition {name} refers to itself; break the cycle in Conditions"),
                )),
            };
        }
        let Some(body) = self.section("Conditions").and_then(|c| c.get(name)) else {
            return Err(self.fail(
                from,
                format!(
                    "condition {name} is not declared in Conditions; declare it or fix the name"
                ),
            ));
        };
        self.conditions.borrow_mut().insert(name.to_string(), None);
        let ptr = child(&child("", "Conditions"), name);
        let c = self.cond_value(body, &ptr)?;
        self.conditions
            .borrow_mut()
            .insert(name.to_string(), Some(c.clone()));
        Ok(c)
    }

    /// A condition operand: a condition's name, `{"Condition": name}`, or a condition function.
    fn cond_value(&self, v: &Value, ptr: &str) -> Result<Cond> {
        if let Value::String(s) = v {
            if self
                .section("Conditions")
                .is_some_and(|c| c.contains_key(s))
            {
                return self.condition(s, ptr);
            }
        }
        if let Some(Value::String(s)) = v.get("Condition") {
            return self.condition(s, &child(ptr, "Condition"));
        }
        match self.deep(v, ptr)? {
            Ev::Known(Value::Bool(b)) => Ok(Cond::Is(b)),
            Ev::Known(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Cond::Is(true)),
            Ev::Known(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Cond::Is(false)),
            Ev::Unknown(why) => Ok(Cond::Unknown(why)),
            _ => Err(self.fail(
                ptr,
                "a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or the name of another \
                 condition; write one of them"
                    .into(),
            )),
        }
    }

    /// A value with its top-level function resolved; a plain list or mapping comes back as
    /// it is, for its items to be resolved one by one (so one unknown item drops only itself).
    pub fn shallow(&self, v: &Value, ptr: &str) -> Result<Ev> {
        match function(v) {
            Some((f, args)) => self.call(f, args, ptr, false),
            None => Ok(Ev::Known(v.clone())),
        }
    }

    /// A value resolved all through: unknown if any part is.
    pub fn deep(&self, v: &Value, ptr: &str) -> Result<Ev> {
        if let Some((f, args)) = function(v) {
            return self.call(f, args, ptr, true);
        }
        match v {
            Value::Array(items) => {
                let mut out = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    match self.deep(it, &child(ptr, &i.to_string()))? {
                        Ev::Known(x) => out.push(x),
                        Ev::NoValue => {}
                        u @ Ev::Unknown(_) => return Ok(u),
                    }
                }
                Ok(Ev::Known(Value::Array(out)))
            }
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, it) in m {
                    match self.deep(it, &child(ptr, k))? {
                        Ev::Known(x) => {
                            out.insert(k.clone(), x);
                        }
                        Ev::NoValue => {}
                        u @ Ev::Unknown(_) => return Ok(u),
                    }
                }
                Ok(Ev::Known(Value::Object(out)))
            }
            other => Ok(Ev::Known(other.clone())),
        }
    }

    /// Deep values of a function's argument list, or the first unknown.
    fn args(&self, args: &Value, ptr: &str, f: &str, n: &[usize]) -> Result<Result2> {
        let ptr = child(ptr, f);
        let Value::Array(items) = args else {
            return Err(self.fail(&ptr, format!("{f} takes a list of arguments; {}", usage(f))));
        };
        if !n.contains(&items.len()) {
            return Err(self.fail(
                &ptr,
                format!("{f} takes {} arguments; {}", list_of(n), usage(f)),
            ));
        }
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            match self.deep(it, &child(&ptr, &i.to_string()))? {
                Ev::Known(x) => out.push(x),
                other => return Ok(Err(other)),
            }
        }
        Ok(Ok(out))
    }

    fn call(&self, f: &str, args: &Value, ptr: &str, deep: bool) -> Result<Ev> {
        let at = child(ptr, f);
        macro_rules! known_args {
            ($n:expr) => {
                match self.args(args, ptr, f, $n)? {
                    Ok(a) => a,
                    Err(other) => return Ok(other),
                }
            };
        }
        match f {
            "Ref" => self.reference(args, &at),
            "Fn::If" => {
                let Value::Array(items) = args else {
                    return Err(self.fail(&at, format!("Fn::If takes a list; {}", usage(f))));
                };
                let [cond, yes, no] = items.as_slice() else {
                    return Err(self.fail(&at, format!("Fn::If takes 3 arguments; {}", usage(f))));
                };
                let Some(name) = cond.as_str() else {
                    return Err(self.fail(
                        &child(&at, "0"),
                        "Fn::If's first argument is a condition's name; write its name".into(),
                    ));
                };
                match self.condition(name, &child(&at, "0"))? {
                    Cond::Is(b) => {
                        let (branch, i) = if b { (yes, "1") } else { (no, "2") };
                        let p = child(&at, i);
                        if deep {
                            self.deep(branch, &p)
                        } else {
                            self.shallow(branch, &p)
                        }
                    }
                    Cond::Unknown(why) => Ok(Ev::Unknown(format!("Fn::If on {name}: {why}"))),
                }
            }
            "Fn::Equals" => {
                let a = known_args!(&[2]);
                let same = match (text(&a[0]), text(&a[1])) {
                    (Some(x), Some(y)) => x == y,
                    _ => a[0] == a[1],
                };
                Ok(Ev::Known(Value::Bool(same)))
            }
            "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let items: Vec<&Value> = match args {
                    Value::Array(a) => a.iter().collect(),
                    other if f == "Fn::Not" => vec![other],
                    _ => return Err(self.fail(&at, format!("{f} takes a list of conditions"))),
                };
                if (f == "Fn::Not" && items.len() != 1) || (f != "Fn::Not" && items.len() < 2) {
                    return Err(self.fail(
                        &at,
                        format!(
                            "{f} takes {}; {}",
                            if f == "Fn::Not" {
                                "one condition"
                            } else {
                                "2 or more conditions"
                            },
                            usage(f)
                        ),
                    ));
                }
                let mut unknown = None;
                let mut values = Vec::new();
                for (i, it) in items.iter().enumerate() {
                    match self.cond_value(it, &child(&at, &i.to_string()))? {
                        Cond::Is(b) => values.push(b),
                        Cond::Unknown(why) => unknown = unknown.or(Some(why)),
                    }
                }
                let decided = match f {
                    "Fn::And" if values.contains(&false) => Some(false),
                    "Fn::Or" if values.contains(&true) => Some(true),
                    _ if unknown.is_some() => None,
                    "Fn::And" => Some(true),
                    "Fn::Or" => Some(false),
                    _ => Some(!values[0]),
                };
                Ok(match (decided, unknown) {
                    (Some(b), _) => Ev::Known(Value::Bool(b)),
                    (None, Some(why)) => Ev::Unknown(why),
                    (None, None) => Ev::Known(Value::Bool(false)),
                })
            }
            "Fn::FindInMap" => {
                let a = known_args!(&[3]);
                let keys: Vec<String> = a.iter().map(|x| text(x).unwrap_or_default()).collect();
                let map = self
                    .section("Mappings")
                    .and_then(|m| m.get(&keys[0]))
                    .ok_or_else(|| {
                        self.fail(
                            &at,
                            format!(
                                "Fn::FindInMap: no mapping {} under Mappings; declare it or fix \
                                 the name",
                                keys[0]
                            ),
                        )
                    })?;
                let top = map.get(&keys[1]).ok_or_else(|| {
                    self.fail(
                        &at,
                        format!(
                            "Fn::FindInMap: mapping {} has no key {}; add it under \
                             Mappings.{} or give a key it has",
                            keys[0], keys[1], keys[0]
                        ),
                    )
                })?;
                let value = top.get(&keys[2]).ok_or_else(|| {
                    self.fail(
                        &at,
                        format!(
                            "Fn::FindInMap: mapping {}.{} has no key {}; add it or give a key \
                             it has",
                            keys[0], keys[1], keys[2]
                        ),
                    )
                })?;
                Ok(Ev::Known(value.clone()))
            }
            "Fn::Join" => {
                let a = known_args!(&[2]);
                let (Some(delim), Value::Array(items)) = (text(&a[0]), &a[1]) else {
                    return Err(self.fail(&at, format!("Fn::Join: {}", usage(f))));
                };
                let parts: Option<Vec<String>> = items.iter().map(text).collect();
                match parts {
                    Some(p) => Ok(Ev::Known(Value::String(p.join(&delim)))),
                    None => Err(self.fail(
                        &at,
                        "Fn::Join joins text, numbers and booleans; a list item is a list or \
                         a mapping"
                            .into(),
                    )),
                }
            }
            "Fn::Split" => {
                let a = known_args!(&[2]);
                let (Some(delim), Some(s)) = (text(&a[0]), text(&a[1])) else {
                    return Err(self.fail(&at, format!("Fn::Split: {}", usage(f))));
                };
                if delim.is_empty() {
                    return Err(
                        self.fail(&at, "Fn::Split: the delimiter is empty; give one".into())
                    );
                }
                Ok(Ev::Known(Value::from(
                    s.split(delim.as_str())
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                )))
            }
            "Fn::Select" => {
                let a = known_args!(&[2, 3]);
                let default = a.get(2).cloned();
                let index = text(&a[0]).unwrap_or_default();
                let found = match &a[1] {
                    Value::Array(items) => {
                        if index.contains(':') {
                            return Ok(Ev::Unknown(format!(
                                "Fn::Select with the slice {index:?} is not evaluated by ecsim"
                            )));
                        }
                        let Ok(i) = index.trim().parse::<usize>() else {
                            return Err(self.fail(
                                &at,
                                format!(
                                    "Fn::Select: index {index:?} is not a whole number >= 0; \
                                     give the item's position, from 0"
                                ),
                            ));
                        };
                        items.get(i).cloned()
                    }
                    Value::Object(m) => m.get(&index).cloned(),
                    _ => {
                        return Err(self.fail(
                            &at,
                            format!("Fn::Select selects from a list or a mapping; {}", usage(f)),
                        ))
                    }
                };
                match found.or(default) {
                    Some(v) => Ok(Ev::Known(v)),
                    None => Err(self.fail(
                        &at,
                        format!(
                            "Fn::Select: {index:?} is not in the list or mapping; give an index \
                             it has or a default as the third argument"
                        ),
                    )),
                }
            }
            "Fn::Sub" => self.sub(args, &at),
            "Fn::Base64Encode" => {
                let v = match self.deep(args, &at)? {
                    Ev::Known(v) => v,
                    other => return Ok(other),
                };
                match text(&v) {
                    Some(s) => Ok(Ev::Known(Value::String(
                        base64::engine::general_purpose::STANDARD.encode(s),
                    ))),
                    None => Err(self.fail(&at, "Fn::Base64Encode encodes text; give text".into())),
                }
            }
            "Fn::Str" => match self.deep(args, &at)? {
                Ev::Known(v) => match text(&v) {
                    Some(s) => Ok(Ev::Known(Value::String(s))),
                    None => Err(self.fail(&at, "Fn::Str takes a number; give one".into())),
                },
                other => Ok(other),
            },
            "Fn::GetAtt" => {
                let what = match args {
                    Value::Array(a) => a
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join("."),
                    Value::String(s) => s.clone(),
                    _ => String::new(),
                };
                Ok(Ev::Unknown(format!(
                    "Fn::GetAtt {what} is known only when the stack is created"
                )))
            }
            other => Ok(Ev::Unknown(format!(
                "{other} is evaluated by ROS when the stack is created (ecsim does not evaluate it)"
            ))),
        }
    }

    fn reference(&self, args: &Value, at: &str) -> Result<Ev> {
        let Some(name) = args.as_str() else {
            return Err(self.fail(
                at,
                "Ref takes a name (a parameter or a resource); write one".into(),
            ));
        };
        if let Some(p) = self.params.get(name) {
            if self.secret_known.iter().any(|s| s == name) {
                self.touched_secret.set(true);
            }
            return Ok(match p {
                Param::Known(v) => Ev::Known(v.clone()),
                Param::Secret => Ev::Unknown(format!(
                    "{{\"Ref\": \"{name}\"}} is known only when the stack is created (no \
                     Default, no value given)"
                )),
            });
        }
        if name == "ALIYUN::NoValue" {
            return Ok(Ev::NoValue);
        }
        if name.starts_with("ALIYUN::") {
            return Ok(Ev::Unknown(format!(
                "the pseudo parameter {name} is known only when the stack is created"
            )));
        }
        if self
            .section("Resources")
            .is_some_and(|r| r.contains_key(name))
        {
            return Ok(Ev::Unknown(format!(
                "{{\"Ref\": \"{name}\"}} is the id of a resource the stack creates"
            )));
        }
        Err(self.fail(
            at,
            format!(
                "Ref to {name:?}, which is neither a parameter nor a resource of the template; \
                 declare it under Parameters or fix the name"
            ),
        ))
    }

    /// `Fn::Sub`: `"text ${Name}"` or `["text ${Var}", {"Var": value}]`; `${!x}` is `${x}`.
    fn sub(&self, args: &Value, at: &str) -> Result<Ev> {
        let (template, vars) = match args {
            Value::String(s) => (s.clone(), Map::new()),
            Value::Array(a) if a.len() == 2 && a[0].is_string() => {
                let vars = match self.deep(&a[1], &child(at, "1"))? {
                    Ev::Known(Value::Object(m)) => m,
                    Ev::Known(_) => {
                        return Err(self.fail(at, format!("Fn::Sub: {}", usage("Fn::Sub"))))
                    }
                    other => return Ok(other),
                };
                (a[0].as_str().unwrap_or_default().to_string(), vars)
            }
            _ => return Err(self.fail(at, format!("Fn::Sub: {}", usage("Fn::Sub")))),
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str(&format!("${{{literal}}}"));
                continue;
            }
            let value = match vars.get(name) {
                Some(v) => Ev::Known(v.clone()),
                None if name.contains('.') && !name.starts_with("ALIYUN::") => Ev::Unknown(
                    format!("Fn::Sub's ${{{name}}} is known only when the stack is created"),
                ),
                None => self.reference(&Value::String(name.to_string()), at)?,
            };
            match value {
                Ev::Known(v) => match text(&v) {
                    Some(s) => out.push_str(&s),
                    None => out.push_str(&v.to_string()),
                },
                Ev::NoValue => {}
                u @ Ev::Unknown(_) => return Ok(u),
            }
        }
        out.push_str(rest);
        Ok(Ev::Known(Value::String(out)))
    }
}

type Result2 = std::result::Result<Vec<Value>, Ev>;

/// A one-key mapping naming a function (`Ref`, `Fn::...`): its name and argument.
fn function(v: &Value) -> Option<(&str, &Value)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, a) = m.iter().next()?;
    (k == "Ref" || k.starts_with("Fn::")).then_some((k.as_str(), a))
}

fn list_of(n: &[usize]) -> String {
    n.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" or ")
}

/// How a function is written, for error messages.
fn usage(f: &str) -> &'static str {
    match f {
        "Fn::If" => "write [condition_name, value_if_true, value_if_false]",
        "Fn::Equals" => "write [value_1, value_2]",
        "Fn::And" | "Fn::Or" => "write [condition_1, condition_2, ...]",
        "Fn::Not" => "write [condition]",
        "Fn::FindInMap" => "write [MapName, TopLevelKey, SecondLevelKey]",
        "Fn::Join" => "write [delimiter, [value_1, value_2, ...]]",
        "Fn::Split" => "write [delimiter, text]",
        "Fn::Select" => {
            "write [index, [value_1, ...]] or [key, {key: value}], with an optional default"
        }
        "Fn::Sub" => "write \"text ${Name}\" or [\"text ${Var}\", {Var: value}]",
        _ => "see the ROS function reference",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(doc: &Doc) -> Resolver<'_> {
        Resolver::new(doc, super::super::params::resolve(doc, None).unwrap())
    }

    #[test]
    fn functions_resolve_where_their_arguments_are_known() {
        let doc = Doc::from_yaml(
            "t.yaml",
            r#"
Parameters:
  Env: {Type: String, Default: prod}
  Zones: {Type: CommaDelimitedList, Default: "cn-hangzhou-i,cn-hangzhou-j"}
Mappings:
  Size: {prod: {Count: 4}, dev: {Count: 1}}
Conditions:
  IsProd: !Equals [prod, !Ref Env]
  NotProd: !Not [IsProd]
  Both: !And [IsProd, !Equals [1, 1]]
  Either: !Or [NotProd, !Equals [!Ref ALIYUN::Region, cn-hangzhou]]
Resources:
  Net: {Type: ALIYUN::ECS::VPC}
V:
  - !FindInMap [Size, !Ref Env, Count]
  - !If [IsProd, big, small]
  - !Join ['-', [a, !Ref Env, 3]]
  - !Sub 'web-${Env}-${!Literal}'
  - !Select [1, !Ref Zones]
  - !Select [2, !Split [',', 'a,b,c']]
  - !If [Both, !Ref ALIYUN::NoValue, x]
  - !GetAtt Net.VpcId
  - !If [Either, a, b]
  - !Sub '${Net.VpcId}'
"#,
        )
        .unwrap();
        let r = resolver(&doc);
        let v = doc.root["V"].as_array().unwrap();
        let at = |i: usize| r.deep(&v[i], &format!("/V/{i}")).unwrap();
        assert_eq!(at(0), Ev::Known(Value::from(4)));
        assert_eq!(at(1), Ev::Known(Value::from("big")));
        assert_eq!(at(2), Ev::Known(Value::from("a-prod-3")));
        assert_eq!(at(3), Ev::Known(Value::from("web-prod-${Literal}")));
        assert_eq!(at(4), Ev::Known(Value::from("cn-hangzhou-j")));
        assert_eq!(at(5), Ev::Known(Value::from("c")));
        assert_eq!(at(6), Ev::NoValue);
        assert!(matches!(at(7), Ev::Unknown(w) if w.contains("Net.VpcId")));
        assert!(matches!(at(8), Ev::Unknown(w) if w.contains("ALIYUN::Region")));
        assert!(matches!(at(9), Ev::Unknown(_)));
    }

    #[test]
    fn what_ros_would_refuse_is_an_input_error_at_its_place() {
        let doc = Doc::from_json(
            "t.json",
            r#"{"Mappings": {"M": {"a": {"b": 1}}}, "Conditions": {"C": {"Fn::Not": ["C"]}},
"V": [{"Fn::FindInMap": ["M", "a", "z"]},
      {"Ref": "Nope"},
      {"Fn::Select": [5, [1, 2]]},
      {"Fn::If": ["C", 1, 2]}]}"#,
        )
        .unwrap();
        let r = resolver(&doc);
        let v = doc.root["V"].as_array().unwrap();
        let err = |i: usize| r.deep(&v[i], &format!("/V/{i}")).unwrap_err().to_string();
        assert!(
            err(0).starts_with("t.json:2:8: Fn::FindInMap: mapping M.a has no key z"),
            "{}",
            err(0)
        );
        assert!(err(1).contains("Ref to \"Nope\""), "{}", err(1));
        assert!(err(2).contains("not in the list"), "{}", err(2));
        assert!(err(3).contains("refers to itself"), "{}", err(3));
    }
}
