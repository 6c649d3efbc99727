//! Terraform configuration (`.tf` files, or a directory of them) → raw requests.
//!
//! Read with hcl-rs (its hcl-edit parser, for the place of each block): `alicloud_instance`,
//! `alicloud_ecs_instance_set` and `alicloud_ess_scaling_group` resources, mapped as the
//! provider sends them ([`super::alicloud`]), with the launch templates and scaling
//! configurations they use. `count` and `for_each` are expanded when they evaluate from
//! literals, variables (defaults, `TF_VAR_`, `*.tfvars` beside the configuration) and locals (`alicloud_instance.web[0]`,
//! `alicloud_instance.web["a"]`); any other reference (another resource's attribute, a data
//! source, a function ecsim does not evaluate) leaves its parameter unsent and noted, never
//! guessed. Each request's source is `main.tf:LINE: ADDRESS`, the line of the block.
//! docs/terraform.md says what is read and what is not.

use std::path::{Path, PathBuf};

use hcl::edit::structure::{Block, Body, Structure};
use hcl::edit::Span as _;
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};

use super::alicloud::{self, Kind, Value, Writer};
use crate::error::{Error, Place, Result};
use crate::request::{RawParam, RawRequest};

/// Whether `path` names Terraform configuration: a `.tf` file, or a directory holding one.
pub fn is_configuration(path: &Path) -> bool {
    if path.is_dir() {
        return tf_files(path).is_ok_and(|f| !f.is_empty());
    }
    path.extension().is_some_and(|e| e == "tf") && path.metadata().is_ok()
}

/// The `.tf` files of a directory, by name.
fn tf_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// One parsed file: its name, text and body.
struct File {
    name: String,
    text: String,
    body: Body,
}

/// Reads the configuration at `path` (a `.tf` file or a directory of them): one module.
pub fn read_path(path: &Path) -> Result<Vec<RawRequest>> {
    let paths = if path.is_dir() {
        tf_files(path).map_err(|e| Error::io(path, e))?
    } else {
        vec![path.to_path_buf()]
    };
    let mut files = Vec::with_capacity(paths.len());
    for p in &paths {
        let text = crate::limits::read_capped(p, crate::limits::InputKind::Requests)?;
        files.push(parse(&p.display().to_string(), text)?);
    }
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(Path::new(""))
    };
    let values = var_values(dir)?;
    read_module(&files, &values)
}

/// Reads `text` as the one file of a module named `name`.
pub fn read_text(name: &str, text: &str) -> Result<Vec<RawRequest>> {
    read_module(&[parse(name, text.to_string())?], &hcl::Map::new())
}

/// The variable values Terraform would read beside the configuration, later ones winning:
/// `TF_VAR_name` environment variables (as strings), then `terraform.tfvars`,
/// `terraform.tfvars.json`, and the `*.auto.tfvars` and `*.auto.tfvars.json` files by name.
fn var_values(dir: &Path) -> Result<hcl::Map<String, hcl::Value>> {
    let mut values = hcl::Map::new();
    let mut env: Vec<(String, String)> = std::env::vars()
        .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|n| (n.to_string(), v)))
        .collect();
    env.sort();
    for (k, v) in env {
        values.insert(k, hcl::Value::String(v));
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    (n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")) && p.is_file()
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    let mut files = vec![
        dir.join("terraform.tfvars"),
        dir.join("terraform.tfvars.json"),
    ];
    files.retain(|p| p.is_file());
    files.extend(auto);
    for p in files {
        let name = p.display().to_string();
        let text = crate::limits::read_capped(&p, crate::limits::InputKind::Requests)?;
        if name.ends_with(".json") {
            let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                Error::input(
                    Place::at(&name, e.line(), e.column()),
                    format!(
                        "invalid JSON in a variables file: {}; write an object of variable \
                         names to values",
                        crate::error::plain(&e.to_string())
                    ),
                )
            })?;
            let serde_json::Value::Object(m) = v else {
                return Err(Error::input(
                    Place::at(&name, 1, 1),
                    "a variables file holds one JSON object of variable names to values",
                ));
            };
            for (k, v) in m {
                values.insert(k, hcl::to_value(v).unwrap_or(hcl::Value::Null));
            }
        } else {
            let f = parse(&name, text)?;
            for a in f.body.attributes() {
                let v = hcl::Expression::from(a.value.clone())
                    .evaluate(&Context::new())
                    .map_err(|_| {
                        let line = a.span().map_or(1, |s| line_of(&f.text, s.start));
                        Error::input(
                            Place::at(&name, line, 1),
                            format!(
                                "{}: a variables file holds literal values only; write the \
                                 value itself (\"cn-hangzhou\", 3, [\"a\"])",
                                a.key.as_str()
                            ),
                        )
                    })?;
                values.insert(a.key.as_str().to_string(), v);
            }
        }
    }
    Ok(values)
}

fn parse(name: &str, text: String) -> Result<File> {
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    match hcl::edit::parser::parse_body(&text) {
        Ok(body) => Ok(File {
            name: name.to_string(),
            text,
            body,
        }),
        // The message only: the parser's own text quotes the line, which may hold a secret.
        Err(e) => Err(Error::input(
            Place::at(name, e.location().line(), e.location().column()),
            format!(
                "invalid HCL: {}; fix the configuration here (`terraform validate` shows \
                 the same place)",
                e.message()
            ),
        )),
    }
}

/// The first label of a block, or "".
fn label(b: &Block, i: usize) -> &str {
    b.labels.get(i).map_or("", |l| l.as_str())
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The module's variables (with defaults) and locals, and its evaluation context.
struct Module {
    vars: hcl::Map<String, hcl::Value>,
    locals: hcl::Map<String, hcl::Value>,
}

impl Module {
    fn context(&self) -> Context<'static> {
        let mut ctx = Context::new();
        ctx.declare_var("var", hcl::Value::Object(self.vars.clone()));
        ctx.declare_var("local", hcl::Value::Object(self.locals.clone()));
        // Type conversions keep a literal's value (a set stays in its written order).
        let same = FuncDef::builder()
            .param(ParamType::Any)
            .build(identity as fn(FuncArgs) -> std::result::Result<hcl::Value, String>);
        for f in ["toset", "tolist", "tomap", "tostring", "tonumber"] {
            ctx.declare_func(f, same.clone());
        }
        ctx
    }
}

fn identity(args: FuncArgs) -> std::result::Result<hcl::Value, String> {
    Ok(args
        .into_values()
        .into_iter()
        .next()
        .unwrap_or(hcl::Value::Null))
}

fn read_module(files: &[File], values: &hcl::Map<String, hcl::Value>) -> Result<Vec<RawRequest>> {
    let mut module = Module {
        vars: hcl::Map::new(),
        locals: hcl::Map::new(),
    };
    let mut local_exprs: Vec<(String, hcl::Expression)> = Vec::new();
    for f in files {
        for b in f.body.blocks() {
            match b.ident.as_str() {
                "variable" => {
                    let name = label(b, 0);
                    if let Some(v) = values.get(name) {
                        module.vars.insert(name.to_string(), v.clone());
                        continue;
                    }
                    let default = b
                        .body
                        .get_attribute("default")
                        .map(|a| hcl::Expression::from(a.value.clone()).evaluate(&Context::new()));
                    if let Some(Ok(v)) = default {
                        module.vars.insert(name.to_string(), v);
                    }
                }
                "locals" => {
                    for a in b.body.attributes() {
                        local_exprs.push((a.key.as_str().to_string(), a.value.clone().into()));
                    }
                }
                _ => {}
            }
        }
    }
    // Locals may use each other: evaluate until nothing more resolves.
    loop {
        let ctx = module.context();
        let before = module.locals.len();
        local_exprs.retain(|(k, e)| match e.evaluate(&ctx) {
            Ok(v) => {
                module.locals.insert(k.clone(), v);
                false
            }
            Err(_) => true,
        });
        if module.locals.len() == before {
            break;
        }
    }
    let ctx = module.context();
    let region = files
        .iter()
        .flat_map(|f| f.body.blocks())
        .filter(|b| b.ident.as_str() == "provider" && label(b, 0) == "alicloud")
        .min_by_key(|b| b.body.get_attribute("alias").is_some())
        .and_then(|b| b.body.get_attribute("region"))
        .and_then(|a| hcl::Expression::from(a.value.clone()).evaluate(&ctx).ok())
        .and_then(|v| match v {
            hcl::Value::String(s) if !s.is_empty() => Some(s),
            _ => None,
        });
    let shapes = Shapes::index(files, &ctx);
    let mut out = Vec::new();
    for f in files {
        for b in f.body.blocks() {
            if b.ident.as_str() != "resource" {
                continue;
            }
            let kind = match Kind::of(label(b, 0)) {
                Some(k @ (Kind::Instance | Kind::InstanceSet | Kind::ScalingGroup)) => k,
                _ => continue,
            };
            let at = Shaped {
                module: &module,
                shapes: &shapes,
                region: region.as_deref(),
            };
            resource(f, b, kind, &at, &mut out)?;
        }
    }
    Ok(out)
}

/// The blocks that shape other resources' requests: launch templates and scaling
/// configurations, read once (without count or for_each).
struct Shapes {
    /// (address, name, the template's parameters).
    templates: Vec<(String, Option<String>, RawRequest)>,
    /// (the group it names: an address such as `alicloud_ess_scaling_group.web`, or an id;
    /// active; its attributes).
    configs: Vec<(String, bool, Value)>,
}

impl Shapes {
    fn index(files: &[File], ctx: &Context) -> Shapes {
        let mut shapes = Shapes {
            templates: Vec::new(),
            configs: Vec::new(),
        };
        for f in files {
            for b in f.body.blocks().filter(|b| b.ident.as_str() == "resource") {
                let address = format!("{}.{}", label(b, 0), label(b, 1));
                let mut scratch = RawRequest::new(String::new());
                match Kind::of(label(b, 0)) {
                    Some(Kind::LaunchTemplate) => {
                        let a = body_value(f, &b.body, ctx, &address, &mut scratch);
                        let mut req = RawRequest::new(address.clone());
                        alicloud::launch_template(
                            &mut Writer {
                                req: &mut req,
                                address: &address,
                            },
                            &a,
                        );
                        let name =
                            ["launch_template_name", "name"]
                                .iter()
                                .find_map(|k| match a.get(k) {
                                    Some(Value::Str(s)) if !s.is_empty() => Some(s.clone()),
                                    _ => None,
                                });
                        shapes.templates.push((address, name, req));
                    }
                    Some(Kind::ScalingConfiguration) => {
                        let a = body_value(f, &b.body, ctx, &address, &mut scratch);
                        let group = match a.get("scaling_group_id") {
                            Some(Value::Str(s)) => s.clone(),
                            Some(Value::Unknown(from)) => alicloud::resource_of(from),
                            _ => continue,
                        };
                        let active = a.get("active") == Some(&Value::Bool(true));
                        shapes.configs.push((group, active, a));
                    }
                    _ => {}
                }
            }
        }
        shapes
    }

    /// The template an instance's `launch_template_id` (a reference to a template block)
    /// or `launch_template_name` (a template block's name) designates.
    fn template(&self, a: &Value) -> Option<&RawRequest> {
        if let Some(Value::Unknown(from)) = a.get("launch_template_id") {
            let target = alicloud::resource_of(from);
            if let Some(t) = self.templates.iter().find(|t| t.0 == target) {
                return Some(&t.2);
            }
        }
        match a.get("launch_template_name") {
            Some(Value::Str(s)) => self
                .templates
                .iter()
                .find(|t| t.1.as_deref() == Some(s))
                .map(|t| &t.2),
            Some(Value::Unknown(from)) => {
                let target = alicloud::resource_of(from);
                self.templates.iter().find(|t| t.0 == target).map(|t| &t.2)
            }
            _ => None,
        }
    }

    /// The scaling configuration of the group block `address`: its active one, else the
    /// first.
    fn config(&self, address: &str) -> Option<&Value> {
        let of = |c: &&(String, bool, Value)| c.0 == address;
        let mut mine = self.configs.iter().filter(of);
        let first = mine.next()?;
        if first.1 {
            return Some(&first.2);
        }
        Some(&mine.find(|c| c.1).unwrap_or(first).2)
    }
}

/// What a resource block is read with: the module's values, the shaping blocks and the
/// provider's region.
struct Shaped<'a> {
    module: &'a Module,
    shapes: &'a Shapes,
    region: Option<&'a str>,
}

/// The most instances one resource block expands to, so a mistyped count cannot fill memory.
pub const MAX_INSTANCES: u64 = 100_000;

/// How a resource block repeats.
enum Repeat {
    One,
    Count(u64),
    Each(Vec<(String, hcl::Value)>),
    /// Its count or for_each is not known: one request, noted.
    Unknown(&'static str, String),
}

fn repeat(f: &File, b: &Block, ctx: &Context) -> Repeat {
    if let Some(a) = b.body.get_attribute("count") {
        let expr = hcl::Expression::from(a.value.clone());
        return match expr.evaluate(ctx) {
            Ok(hcl::Value::Number(n)) if n.as_u64().is_some() => {
                Repeat::Count(n.as_u64().unwrap_or(0))
            }
            Ok(hcl::Value::String(s)) if s.trim().parse::<u64>().is_ok() => {
                Repeat::Count(s.trim().parse().unwrap_or(0))
            }
            _ => Repeat::Unknown("count", expression_text(f, &a.value)),
        };
    }
    if let Some(a) = b.body.get_attribute("for_each") {
        let expr = hcl::Expression::from(a.value.clone());
        return match expr.evaluate(ctx) {
            Ok(hcl::Value::Object(m)) => Repeat::Each(m.into_iter().collect()),
            Ok(hcl::Value::Array(items)) => {
                let mut keys: Vec<(String, hcl::Value)> = Vec::new();
                for v in items {
                    match v {
                        hcl::Value::String(s) => {
                            if !keys.iter().any(|(k, _)| *k == s) {
                                keys.push((s.clone(), hcl::Value::String(s)));
                            }
                        }
                        _ => return Repeat::Unknown("for_each", expression_text(f, &a.value)),
                    }
                }
                Repeat::Each(keys)
            }
            _ => Repeat::Unknown("for_each", expression_text(f, &a.value)),
        };
    }
    Repeat::One
}

/// The source text of an expression, on one line and at most 80 characters.
fn expression_text(f: &File, e: &hcl::edit::expr::Expression) -> String {
    let raw = e
        .span()
        .and_then(|r| f.text.get(r))
        .unwrap_or("an expression");
    let one_line = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 80 {
        format!("{}...", one_line.chars().take(77).collect::<String>())
    } else {
        one_line
    }
}

/// The requests of one resource block, one per instance of it.
fn resource(f: &File, b: &Block, kind: Kind, at: &Shaped, out: &mut Vec<RawRequest>) -> Result<()> {
    let (module, region) = (at.module, at.region);
    let base = format!("{}.{}", label(b, 0), label(b, 1));
    let offset = b.span().map_or(0, |s| s.start);
    let line = line_of(&f.text, offset);
    let mut unknown_repeat = None;
    let rep = repeat(f, b, &module.context());
    let n = match &rep {
        Repeat::Count(n) => *n,
        Repeat::Each(e) => e.len() as u64,
        _ => 1,
    };
    if n > MAX_INSTANCES {
        return Err(Error::input(
            Place::at(&f.name, line, 1),
            format!(
                "{base}: {n} instances is more than ecsim expands from one block \
                 ({MAX_INSTANCES}); lower count or for_each"
            ),
        ));
    }
    let instances: Vec<(String, Context)> = match rep {
        Repeat::One => vec![(base.clone(), module.context())],
        Repeat::Unknown(what, text) => {
            unknown_repeat = Some((what, text));
            vec![(base.clone(), module.context())]
        }
        Repeat::Count(n) => (0..n)
            .map(|i| {
                let mut c = module.context();
                let mut m = hcl::Map::new();
                m.insert("index".to_string(), hcl::Value::from(i));
                c.declare_var("count", hcl::Value::Object(m));
                (format!("{base}[{i}]"), c)
            })
            .collect(),
        Repeat::Each(entries) => entries
            .into_iter()
            .map(|(k, v)| {
                let mut c = module.context();
                let mut m = hcl::Map::new();
                m.insert("key".to_string(), hcl::Value::String(k.clone()));
                m.insert("value".to_string(), v);
                c.declare_var("each", hcl::Value::Object(m));
                let key = serde_json::to_string(&k).unwrap_or_default();
                (format!("{base}[{key}]"), c)
            })
            .collect(),
    };
    for (address, c) in instances {
        let mut req = RawRequest::new(format!("{}:{line}: {address}", f.name));
        if let Some((what, text)) = &unknown_repeat {
            req.notes.push(format!(
                "{address}: {what} = {text} is not known before plan; one instance is checked \
                 (check the plan, `terraform show -json`, for the real number)"
            ));
        }
        let attrs = body_value(f, &b.body, &c, &address, &mut req);
        let mut w = Writer {
            req: &mut req,
            address: &address,
        };
        match kind {
            Kind::ScalingGroup => {
                let scale = super::terraform::Scale::from_env()?;
                let amount =
                    alicloud::scaling_group_amount(&mut w, &attrs, scale).map_err(|size| {
                        Error::input(
                            Place::at(&f.name, line, 1),
                            format!(
                            "{address}: {size} is not a known whole number; set it to a number \
                             (or a variable with a default)"
                        ),
                        )
                    })?;
                if amount == 0 {
                    continue;
                }
                let config = at.shapes.config(&base);
                let template = at.shapes.template(&attrs);
                alicloud::scaling_group(&mut w, &attrs, config, template, "in the configuration");
                req.push("Amount", amount.to_string());
            }
            _ => {
                let template = at.shapes.template(&attrs);
                let attrs = match template {
                    Some(_) => {
                        alicloud::without(&attrs, &["launch_template_id", "launch_template_name"])
                    }
                    None => attrs,
                };
                if kind == Kind::Instance {
                    alicloud::instance(&mut w, &attrs);
                } else {
                    alicloud::instance_set(&mut w, &attrs);
                }
                if let Some(t) = template {
                    alicloud::fill_from_template(&mut req, t);
                }
            }
        }
        let region = region
            .map(str::to_string)
            .or_else(|| req.get("ZoneId").and_then(alicloud::region_of_zone));
        let Some(region) = region else {
            return Err(Error::input(
                Place::at(&f.name, line, 1),
                format!(
                    "{address}: the region is not known (no provider \"alicloud\" block with \
                     a region, and no zone); add region = \"cn-hangzhou\" to the provider \
                     block, or set availability_zone"
                ),
            ));
        };
        req.params.insert(0, RawParam::new("RegionId", region));
        out.push(req);
    }
    Ok(())
}

/// A block body's attributes and nested blocks as a value; what does not evaluate is
/// [`Value::Unknown`] with its source text.
fn body_value(f: &File, body: &Body, ctx: &Context, address: &str, req: &mut RawRequest) -> Value {
    let mut out: Vec<(String, Value)> = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                if matches!(key, "count" | "for_each" | "depends_on" | "provider") {
                    continue;
                }
                let expr = hcl::Expression::from(a.value.clone());
                let v = match expr.evaluate(ctx) {
                    Ok(v) => from_hcl(v),
                    Err(_) => Value::Unknown(expression_text(f, &a.value)),
                };
                out.push((key.to_string(), v));
            }
            Structure::Block(b) => {
                let ident = b.ident.as_str();
                match ident {
                    "lifecycle" | "provisioner" | "connection" | "timeouts" => {}
                    "dynamic" => req.notes.push(format!(
                        "{address}: dynamic \"{}\" blocks are not expanded; their parameters \
                         are not sent",
                        label(b, 0)
                    )),
                    _ => {
                        let v = body_value(f, &b.body, ctx, address, req);
                        match out.iter_mut().find(|(k, _)| k == ident) {
                            Some((_, Value::List(l))) => l.push(v),
                            _ => out.push((ident.to_string(), Value::List(vec![v]))),
                        }
                    }
                }
            }
        }
    }
    Value::Map(out)
}

fn from_hcl(v: hcl::Value) -> Value {
    match v {
        hcl::Value::Null => Value::Null,
        hcl::Value::Bool(b) => Value::Bool(b),
        hcl::Value::Number(n) => Value::Number(n.to_string()),
        hcl::Value::String(s) => Value::Str(s),
        hcl::Value::Array(a) => Value::List(a.into_iter().map(from_hcl).collect()),
        hcl::Value::Object(m) => Value::Map(m.into_iter().map(|(k, v)| (k, from_hcl(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TF: &str = r#"
provider "alicloud" {
  region = var.region
}

variable "region" {
  default = "cn-hangzhou"
}

variable "web_count" {
  default = 2
}

locals {
  type = "ecs.g7.large"
}

resource "alicloud_instance" "web" {
  count           = var.web_count
  instance_type   = local.type
  instance_name   = "web-${count.index}"
  vswitch_id      = alicloud_vswitch.main.id
  security_groups = ["sg-1"]
  data_disks {
    size     = 40
    category = "cloud_essd"
  }
}

resource "alicloud_instance" "by_key" {
  for_each          = { a = "cn-hangzhou-i", b = "cn-hangzhou-j" }
  availability_zone = each.value
}
"#;

    #[test]
    fn counts_and_for_each_expand_with_variables_and_locals() {
        let reqs = read_text("main.tf", TF).unwrap();
        let sources: Vec<&str> = reqs.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(
            sources,
            [
                "main.tf:18: alicloud_instance.web[0]",
                "main.tf:18: alicloud_instance.web[1]",
                "main.tf:30: alicloud_instance.by_key[\"a\"]",
                "main.tf:30: alicloud_instance.by_key[\"b\"]",
            ]
        );
        let web1 = &reqs[1];
        assert_eq!(web1.get("RegionId"), Some("cn-hangzhou"));
        assert_eq!(web1.get("InstanceType"), Some("ecs.g7.large"));
        assert_eq!(web1.get("InstanceName"), Some("web-1"));
        assert_eq!(web1.get("DataDisk.1.Size"), Some("40"));
        assert_eq!(web1.get("VSwitchId"), None);
        assert!(
            web1.notes[0]
                .contains("vswitch_id is known only after apply (from alicloud_vswitch.main.id)"),
            "{:?}",
            web1.notes
        );
        // no vSwitch known: the provider's classic-network form, one SecurityGroupId
        assert_eq!(web1.get("SecurityGroupIds.1"), Some("sg-1"));
        assert_eq!(reqs[3].get("ZoneId"), Some("cn-hangzhou-j"));
    }

    #[test]
    fn bad_hcl_names_the_place_without_the_line() {
        let e = read_text(
            "bad.tf",
            "resource \"alicloud_instance\" \"x\" {\n  password = \"Secret9\"\n  = 3\n}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("bad.tf:3:"), "{e}");
        assert!(!e.contains("Secret9"), "{e}");
    }

    #[test]
    fn a_count_past_the_ceiling_is_refused() {
        let tf = "resource \"alicloud_instance\" \"x\" {\n  count = 100001\n}\n";
        let e = read_text("big.tf", tf).unwrap_err().to_string();
        assert!(
            e.starts_with("big.tf:1:1: alicloud_instance.x: 100001 instances"),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_count_checks_one_instance_and_says_so() {
        let tf = "resource \"alicloud_instance\" \"x\" {\n  count = length(var.zones)\n  availability_zone = \"cn-hangzhou-i\"\n}\n";
        let reqs = read_text("c.tf", tf).unwrap();
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].get("RegionId"), Some("cn-hangzhou"));
        assert!(reqs[0].notes[0].contains("count = length(var.zones) is not known"));
    }
}
