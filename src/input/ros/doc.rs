//! A ROS template's text, JSON or YAML, as one JSON value with the place (line, column) of
//! every node, so the resolver works on one shape and every error names its line.
//!
//! YAML is read with saphyr (docs/ros.md says why). Its short-form function tags become the
//! long form: `!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A", "B"]}`,
//! `!Condition C` → `{"Condition": "C"}`, and every other `!Name v` → `{"Fn::Name": v}`
//! (`!Join`, `!Sub`, `!FindInMap`, `!If`, `!Equals`, `!And`, `!Or`, `!Not`, `!Select`,
//! `!Split`, `!Base64Encode`, ...).

use std::collections::HashMap;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Value};

use crate::error::{Error, Place, Result};

/// A parsed template (or parameters file) and where each of its nodes is written.
#[derive(Debug)]
pub struct Doc {
    pub source: String,
    pub root: Value,
    /// JSON pointer → (line, column), both 1-based. A member's place is its key's.
    places: HashMap<String, (usize, usize)>,
}

impl Doc {
    /// The place of the node at `ptr`, or of its nearest written parent.
    pub fn place(&self, ptr: &str) -> Place {
        let mut p = ptr;
        loop {
            if let Some((l, c)) = self.places.get(p) {
                return Place::at(self.source.clone(), *l, *c);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Place::new(self.source.clone()),
            }
        }
    }

    /// The 1-based line of the node at `ptr` (1 when unknown).
    pub fn line(&self, ptr: &str) -> usize {
        self.place(ptr).line.unwrap_or(1)
    }

    /// Reads JSON text; None when it is not JSON at all.
    pub fn from_json(source: &str, text: &str) -> std::result::Result<Doc, serde_json::Error> {
        let root: Value = serde_json::from_str(text)?;
        let mut scan = Scan {
            text,
            b: text.as_bytes(),
            i: 0,
            line: 1,
            line_start: 0,
            places: HashMap::new(),
        };
        scan.value(String::new());
        Ok(Doc {
            source: source.to_string(),
            root,
            places: scan.places,
        })
    }

    /// Reads YAML text (the first document).
    pub fn from_yaml(source: &str, text: &str) -> Result<Doc> {
        let docs = MarkedYaml::load_from_str(text).map_err(|e| {
            Error::input(
                Place::at(source, e.marker().line(), e.marker().col() + 1),
                format!(
                    "invalid YAML in a ROS template: {}; fix the template at this place",
                    e.info()
                ),
            )
        })?;
        let Some(first) = docs.first() else {
            return Err(Error::input(
                Place::new(source),
                "an empty YAML document; write the template with ROSTemplateFormatVersion \
                 and Resources",
            ));
        };
        let mut places = HashMap::new();
        let root = yaml_value(source, first, String::new(), &mut places)?;
        Ok(Doc {
            source: source.to_string(),
            root,
            places,
        })
    }
}

/// `ptr` extended by one key or index, escaped as JSON pointers are.
pub fn child(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn at(node: &MarkedYaml) -> (usize, usize) {
    (node.span.start.line(), node.span.start.col() + 1)
}

fn yaml_value(
    source: &str,
    node: &MarkedYaml,
    ptr: String,
    places: &mut HashMap<String, (usize, usize)>,
) -> Result<Value> {
    places.entry(ptr.clone()).or_insert_with(|| at(node));
    let here = || {
        let (l, c) = at(node);
        Place::at(source, l, c)
    };
    Ok(match &node.data {
        YamlData::Value(s) => scalar(s).ok_or_else(|| {
            Error::input(
                here(),
                "a number that is not finite (.nan or .inf); write a finite number",
            )
        })?,
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, it)| yaml_value(source, it, child(&ptr, &i.to_string()), places))
                .collect::<Result<_>>()?,
        ),
        YamlData::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match &k.data {
                    YamlData::Value(s) => match scalar(s) {
                        Some(Value::String(s)) => s,
                        Some(Value::Null) | None => {
                            return Err(Error::input(
                                here(),
                                "a mapping key that is empty; give every key a name",
                            ))
                        }
                        Some(other) => other.to_string(),
                    },
                    _ => {
                        let (l, c) = at(k);
                        return Err(Error::input(
                            Place::at(source, l, c),
                            "a mapping key that is not text; ROS keys are names",
                        ));
                    }
                };
                let p = child(&ptr, &key);
                places.insert(p.clone(), at(k));
                let value = yaml_value(source, v, p, places)?;
                out.insert(key, value);
            }
            Value::Object(out)
        }
        YamlData::Tagged(tag, inner) => {
            if tag.handle != "!" {
                // A core-schema tag (`!!str`): the value as written.
                return yaml_value(source, inner, ptr, places);
            }
            let key = match tag.suffix.as_str() {
                n @ ("Ref" | "Condition") => n.to_string(),
                n => format!("Fn::{n}"),
            };
            let inner_ptr = child(&ptr, &key);
            places.insert(inner_ptr.clone(), at(node));
            let mut value = yaml_value(source, inner, inner_ptr, places)?;
            if key == "Fn::GetAtt" {
                if let Value::String(s) = &value {
                    if let Some((r, a)) = s.split_once('.') {
                        value = Value::from(vec![r.to_string(), a.to_string()]);
                    }
                }
            }
            let mut m = Map::new();
            m.insert(key, value);
            Value::Object(m)
        }
        YamlData::Alias(_) => {
            return Err(Error::input(
                here(),
                "a YAML alias (*name): ROS templates do not use anchors; write the value out",
            ))
        }
        YamlData::BadValue => {
            return Err(Error::input(
                here(),
                "a value YAML cannot read; quote it as text",
            ))
        }
    })
}

fn scalar(s: &Scalar) -> Option<Value> {
    Some(match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => Value::Number(serde_json::Number::from_f64(f.into_inner())?),
        Scalar::String(s) => Value::String(s.to_string()),
    })
}

/// Walks JSON text that serde_json has already accepted, recording each node's place.
struct Scan<'a> {
    text: &'a str,
    b: &'a [u8],
    i: usize,
    line: usize,
    line_start: usize,
    places: HashMap<String, (usize, usize)>,
}

impl Scan<'_> {
    fn pos(&self) -> (usize, usize) {
        let col = self.text[self.line_start..self.i].chars().count() + 1;
        (self.line, col)
    }

    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'\n' => {
                    self.i += 1;
                    self.line += 1;
                    self.line_start = self.i;
                }
                b' ' | b'\t' | b'\r' => self.i += 1,
                _ => break,
            }
        }
    }

    /// Skips a string starting at its opening quote; returns its content (escapes decoded).
    fn string(&mut self) -> String {
        let start = self.i;
        self.i += 1;
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'\\' => self.i += 1,
                b'"' => break,
                _ => {}
            }
        }
        serde_json::from_str(&self.text[start..self.i]).unwrap_or_default()
    }

    fn value(&mut self, ptr: String) {
        self.ws();
        let here = self.pos();
        self.places.entry(ptr.clone()).or_insert(here);
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b'}') | None => {
                            self.i += 1;
                            return;
                        }
                        Some(b',') => self.i += 1,
                        Some(b'"') => {
                            let key_at = self.pos();
                            let key = self.string();
                            let p = child(&ptr, &key);
                            self.places.insert(p.clone(), key_at);
                            self.ws();
                            self.i += 1; // the colon
                            self.value(p);
                        }
                        Some(_) => self.i += 1,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut n = 0;
                loop {
                    self.ws();
                    match self.b.get(self.i) {
                        Some(b']') | None => {
                            self.i += 1;
                            return;
                        }
                        Some(b',') => self.i += 1,
                        Some(_) => {
                            self.value(child(&ptr, &n.to_string()));
                            n += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') {
                        break;
                    }
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_give_one_shape_with_places() {
        let j = Doc::from_json(
            "t.json",
            "{\n  \"Resources\": {\n    \"Web\": {\"Type\": \"X\", \"P\": [1, {\"Ref\": \"a\"}]}\n  }\n}",
        )
        .unwrap();
        assert_eq!(j.place("/Resources/Web").to_string(), "t.json:3:5");
        assert_eq!(j.place("/Resources/Web/P/1/Ref").to_string(), "t.json:3:36");
        let y = Doc::from_yaml(
            "t.yaml",
            "Resources:\n  Web:\n    Type: X\n    P: [1, !Ref a]\n    G: !GetAtt Net.VpcId\n    S: !Sub 'x-${a}'\n",
        )
        .unwrap();
        assert_eq!(
            y.root["Resources"]["Web"]["P"],
            j.root["Resources"]["Web"]["P"]
        );
        assert_eq!(
            y.root["Resources"]["Web"]["G"],
            serde_json::json!({"Fn::GetAtt": ["Net", "VpcId"]})
        );
        assert_eq!(
            y.root["Resources"]["Web"]["S"],
            serde_json::json!({"Fn::Sub": "x-${a}"})
        );
        assert_eq!(y.place("/Resources/Web").to_string(), "t.yaml:2:3");
        assert_eq!(y.line("/Resources/Web/P/1"), 4);
        let e = Doc::from_yaml("t.yaml", "a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.to_string().starts_with("t.yaml:"), "{e}");
    }
}
