//! Terraform plans (`terraform show -json`, format 1.x) → raw requests.
//!
//! Only the `resource_changes` that create or replace a resource launch instances
//! (`["create"]`, `["delete","create"]`, `["create","delete"]`): `alicloud_instance` (one
//! instance), `alicloud_ecs_instance_set` (`amount`) and `alicloud_ess_scaling_group` with
//! its scaling configuration (`min_size`, or `max_size` under `ECSIM_TERRAFORM_SCALE=max`).
//! Launch templates in the plan fill what an instance leaves out. Values come from
//! `change.after`, child modules included; `after_unknown` values the configuration sets are
//! noted on the request, never guessed; `after_sensitive` values are hidden. Each request's
//! source is `plan.json:LINE: ADDRESS`, the line where its resource change starts (with the
//! column too when changes share a line, as in `terraform show -json`'s one-line output).
//! docs/terraform.md has the mapping and what is left out.

use serde_json::{Map, Value as Json};

use super::alicloud::{self, Kind, Value, Writer};
use super::Document;
use crate::error::{Error, Place, Result};
use crate::request::RawRequest;
use crate::world::model::{Instance, IpAddresses, SecurityGroupIds, VpcAttributes};
use crate::world::standing::Standing;

/// The environment variable that picks a scaling group's size at start.
pub const SCALE_ENV: &str = "ECSIM_TERRAFORM_SCALE";

/// How many instances a scaling group launches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// `min_size`: what the group launches when it is created (the default).
    #[default]
    Min,
    /// `max_size`: the group at its ceiling.
    Max,
}

impl Scale {
    /// [`SCALE_ENV`]'s value: unset or `min` is [`Scale::Min`], `max` is [`Scale::Max`].
    pub fn from_env() -> Result<Scale> {
        match std::env::var(SCALE_ENV) {
            Err(_) => Ok(Scale::Min),
            Ok(v) => match v.trim() {
                "" | "min" => Ok(Scale::Min),
                "max" => Ok(Scale::Max),
                other => Err(Error::Usage(format!(
                    "{SCALE_ENV}={other:?}: expected min (a scaling group's min_size, the \
                     default) or max (its max_size)"
                ))),
            },
        }
    }
}

/// Whether the first line of a JSON input may start a plan: `terraform show -json` writes
/// the whole plan on one line, which would otherwise read as JSON Lines.
pub fn may_be_plan(first_line: &[u8]) -> bool {
    let has = |needle: &[u8]| first_line.windows(needle.len()).any(|w| w == needle);
    has(b"\"format_version\"")
        && (has(b"\"terraform_version\"")
            || has(b"\"planned_values\"")
            || has(b"\"resource_changes\""))
}

/// Whether a JSON document's top level is a Terraform plan (or state, which is refused).
fn is_plan(top: &Map<String, Json>) -> bool {
    top.contains_key("format_version")
        && ["terraform_version", "planned_values", "resource_changes"]
            .iter()
            .any(|k| top.contains_key(*k))
}

/// The requests of `text` when it is a Terraform plan, with the instances it shows existing,
/// None when it is some other JSON.
pub fn read_if_plan(source: &str, text: &str) -> Option<Result<Document>> {
    let head = &text.as_bytes()[..text.len().min(1 << 16)];
    if !text.contains("\"format_version\"") || !head.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    let doc: Json = match serde_json::from_str(text) {
        Ok(d) => d,
        // Not JSON at all: a plan that cannot be read, if it says it is one.
        Err(e) if may_be_plan(text.as_bytes()) => return Some(Err(json_error(source, &e))),
        Err(_) => return None,
    };
    let top = doc.as_object()?;
    if !is_plan(top) {
        return None;
    }
    Some(Scale::from_env().and_then(|scale| read_plan(source, text, top, scale)))
}

fn json_error(source: &str, e: &serde_json::Error) -> Error {
    let msg = e.to_string();
    let msg = crate::error::plain(&msg);
    Error::input(
        Place::at(source, e.line(), e.column()),
        format!(
            "invalid JSON in a Terraform plan: {msg}; write the plan again with \
             `terraform show -json tfplan > plan.json`"
        ),
    )
}

/// What a plan says about its resources, indexed once.
struct Plan<'a> {
    source: &'a str,
    top: &'a Map<String, Json>,
    changes: Vec<&'a Json>,
    /// Where each change starts: (line, column), 1-based.
    places: Vec<(usize, usize)>,
    /// Whether several changes start on one line (the column is then shown too).
    compact: bool,
    /// Launch templates in the plan, mapped: (address, id, name, request).
    templates: Vec<(String, Option<String>, Option<String>, RawRequest)>,
}

/// Reads the plan `top` (the parsed `text`) from `source`: the requests its creates and
/// replaces make, and the instances that exist while they launch.
pub fn read_plan(
    source: &str,
    text: &str,
    top: &Map<String, Json>,
    scale: Scale,
) -> Result<Document> {
    let version = top
        .get("format_version")
        .and_then(Json::as_str)
        .unwrap_or("");
    if version.split('.').next() != Some("1") {
        return Err(Error::input(
            Place::at(source, 1, 1),
            format!(
                "format_version {version:?}: ecsim reads Terraform's JSON plan format 1.x \
                 (Terraform 1.0 and later); write the plan with a current \
                 `terraform show -json tfplan`"
            ),
        ));
    }
    if top.contains_key("values") && !top.contains_key("planned_values") {
        return Err(Error::input(
            Place::at(source, 1, 1),
            "this is Terraform state, not a plan: it launches nothing; write a plan with \
             `terraform plan -out tfplan && terraform show -json tfplan > plan.json`",
        ));
    }
    let changes: Vec<&Json> = match top.get("resource_changes") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(a)) => a.iter().collect(),
        Some(_) => {
            return Err(Error::input(
                Place::at(source, 1, 1),
                "resource_changes is not a list; write the plan again with \
                 `terraform show -json tfplan > plan.json`",
            ))
        }
    };
    let places = line_columns(text, &element_starts(text, "resource_changes"));
    let compact = places.windows(2).any(|w| w[0].0 == w[1].0);
    let mut plan = Plan {
        source,
        top,
        changes,
        places,
        compact,
        templates: Vec::new(),
    };
    plan.index_templates();
    let mut out = Vec::new();
    let mut existing = Vec::new();
    for i in 0..plan.changes.len() {
        plan.launch(i, scale, &mut out)?;
        plan.existing(i, &mut existing);
    }
    Ok(Document {
        requests: out,
        existing,
    })
}

/// Whether a change leaves its old resource standing while the plan's launches run: an
/// update or a no-op, or a replace that creates before it destroys.
fn stands(change: &Json) -> bool {
    matches!(
        actions(change).as_slice(),
        ["update"] | ["no-op"] | ["create", "delete"]
    )
}

/// A change's `change.actions`.
fn actions(change: &Json) -> Vec<&str> {
    change
        .pointer("/change/actions")
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

/// The actions of a change that launch instances: create, or replace either way.
fn launches(change: &Json) -> bool {
    matches!(
        actions(change).as_slice(),
        ["create"] | ["delete", "create"] | ["create", "delete"]
    )
}

fn str_of<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or("")
}

impl<'a> Plan<'a> {
    /// The source shown for change `i`.
    fn source_of(&self, i: usize) -> String {
        let address = str_of(self.changes[i], "address");
        match self.places.get(i) {
            Some((l, c)) if self.compact => format!("{}:{l}:{c}: {address}", self.source),
            Some((l, _)) => format!("{}:{l}: {address}", self.source),
            None => format!("{}: {address}", self.source),
        }
    }

    fn place_of(&self, i: usize) -> Place {
        match self.places.get(i) {
            Some((l, c)) => Place::at(self.source, *l, *c),
            None => Place::new(self.source),
        }
    }

    /// The configuration block of a change's resource (in its module), if the plan has it.
    fn config_of(&self, change: &Json) -> Option<&'a Json> {
        let mut module = self.top.get("configuration")?.get("root_module")?;
        let module_address = str_of(change, "module_address");
        for part in module_address.split('.').collect::<Vec<_>>().chunks(2) {
            if let [_, name] = part {
                let name = name.split('[').next().unwrap_or(name);
                module = module.get("module_calls")?.get(name)?.get("module")?;
            }
        }
        let (ty, name) = (str_of(change, "type"), str_of(change, "name"));
        module.get("resources")?.as_array()?.iter().find(|r| {
            str_of(r, "type") == ty && str_of(r, "name") == name && str_of(r, "mode") != "data"
        })
    }

    /// A change's planned attributes, unknowns and sensitivity merged in.
    fn values_of(&self, change: &Json) -> Value {
        let c = change.get("change");
        let conf = match self.config_of(change) {
            Some(r) => Conf::Expr(r.get("expressions").unwrap_or(&Json::Null)),
            None => Conf::Any,
        };
        walk(
            c.and_then(|c| c.get("after")),
            c.and_then(|c| c.get("after_unknown")),
            c.and_then(|c| c.get("after_sensitive")),
            conf,
        )
    }

    /// The module prefix of a change (`module.web.`), for resolving its references.
    fn module_prefix(change: &Json) -> String {
        match str_of(change, "module_address") {
            "" => String::new(),
            m => format!("{m}."),
        }
    }

    /// Maps every launch template in the plan that exists after it.
    fn index_templates(&mut self) {
        for (i, change) in self.changes.iter().enumerate() {
            let ty = str_of(change, "type");
            if Kind::of(ty) != Some(Kind::LaunchTemplate) || str_of(change, "mode") == "data" {
                continue;
            }
            if change.pointer("/change/after").is_none_or(Json::is_null) {
                continue;
            }
            let a = self.values_of(change);
            let address = str_of(change, "address").to_string();
            let mut req = RawRequest::new(self.source_of(i));
            alicloud::launch_template(
                &mut Writer {
                    req: &mut req,
                    address: &address,
                },
                &a,
            );
            let known = |k: &str| match a.get(k) {
                Some(Value::Str(s)) if !s.is_empty() => Some(s.clone()),
                _ => None,
            };
            let name = known("launch_template_name").or_else(|| known("name"));
            self.templates.push((address, known("id"), name, req));
        }
    }

    /// The template a launch_template_id / _name value designates: by id or name when
    /// known, by the resource it references when known only after apply.
    fn template(&self, a: &Value, prefix: &str) -> Option<&RawRequest> {
        for (attr, by_id) in [
            ("launch_template_id", true),
            ("launch_template_name", false),
        ] {
            match a.get(attr) {
                Some(Value::Str(s)) if !s.is_empty() => {
                    let hit = self.templates.iter().find(|t| {
                        if by_id {
                            t.1.as_deref() == Some(s)
                        } else {
                            t.2.as_deref() == Some(s)
                        }
                    });
                    if let Some(t) = hit {
                        return Some(&t.3);
                    }
                }
                Some(Value::Unknown(from)) => {
                    let target = format!("{prefix}{}", alicloud::resource_of(from));
                    if let Some(t) = self.templates.iter().find(|t| t.0 == target) {
                        return Some(&t.3);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The region of change `i`: its provider's `region` (a constant, or a variable's
    /// value), else its zone's region.
    fn region_of(&self, change: &Json, req: &RawRequest) -> Option<String> {
        let providers = self.top.get("configuration")?.get("provider_config");
        let key = self
            .config_of(change)
            .map(|r| str_of(r, "provider_config_key"))
            .filter(|k| !k.is_empty())
            .unwrap_or("alicloud");
        let from_provider = providers.and_then(|p| {
            let region = p
                .get(key)
                .or_else(|| p.get("alicloud"))?
                .pointer("/expressions/region")?;
            if let Some(v) = region.get("constant_value").and_then(Json::as_str) {
                return Some(v.to_string());
            }
            let var = region
                .get("references")?
                .as_array()?
                .iter()
                .filter_map(Json::as_str)
                .find_map(|r| r.strip_prefix("var."))?;
            self.top
                .get("variables")?
                .get(var)?
                .get("value")?
                .as_str()
                .map(str::to_string)
        });
        from_provider.or_else(|| req.get("ZoneId").and_then(alicloud::region_of_zone))
    }

    /// The requests change `i` launches, appended to `out`.
    fn launch(&self, i: usize, scale: Scale, out: &mut Vec<RawRequest>) -> Result<()> {
        let change = self.changes[i];
        let Some(kind) = Kind::of(str_of(change, "type")) else {
            return Ok(());
        };
        if str_of(change, "mode") == "data" || !launches(change) {
            return Ok(());
        }
        let address = str_of(change, "address");
        let prefix = Self::module_prefix(change);
        let a = self.values_of(change);
        let mut req = RawRequest::new(self.source_of(i));
        let mut w = Writer {
            req: &mut req,
            address,
        };
        match kind {
            Kind::Instance | Kind::InstanceSet => {
                let template = self.template(&a, &prefix);
                let a = match template {
                    Some(_) => {
                        alicloud::without(&a, &["launch_template_id", "launch_template_name"])
                    }
                    None => a,
                };
                if kind == Kind::Instance {
                    alicloud::instance(&mut w, &a);
                } else {
                    alicloud::instance_set(&mut w, &a);
                }
                if let Some(t) = template {
                    alicloud::fill_from_template(&mut req, t);
                }
            }
            Kind::ScalingGroup => {
                let amount = match alicloud::scaling_group_amount(&mut w, &a, scale) {
                    Ok(n) => n,
                    Err(size) => {
                        return Err(Error::input(
                            self.place_of(i),
                            format!(
                                "{address}: {size} is not a known whole number; set it to a \
                                 number in the configuration and plan again"
                            ),
                        ))
                    }
                };
                if amount == 0 {
                    return Ok(());
                }
                self.scaling_group(&mut w, &a, &prefix);
                req.push("Amount", amount.to_string());
            }
            Kind::LaunchTemplate | Kind::ScalingConfiguration => return Ok(()),
        }
        match self.region_of(change, &req) {
            Some(region) => req
                .params
                .insert(0, crate::request::RawParam::new("RegionId", region)),
            None => {
                return Err(Error::input(
                    self.place_of(i),
                    format!(
                        "{address}: the region is not in the plan (the provider \"alicloud\" \
                         block sets no region, and no zone is known); add region = \
                         \"cn-hangzhou\" to the provider block and plan again"
                    ),
                ))
            }
        }
        out.push(req);
        Ok(())
    }

    /// The instances change `i` shows existing (its `change.before`), appended to `out`:
    /// an `alicloud_instance` is one, an `alicloud_ecs_instance_set` one per id in
    /// `instance_ids` (else `amount`). Scaling groups' instances are not in a plan.
    fn existing(&self, i: usize, out: &mut Vec<Standing>) {
        let change = self.changes[i];
        let kind = Kind::of(str_of(change, "type"));
        if str_of(change, "mode") == "data" || !stands(change) {
            return;
        }
        let Some(before) = change.pointer("/change/before").filter(|b| b.is_object()) else {
            return;
        };
        let address = str_of(change, "address");
        let text = |k: &str| str_of(before, k).to_string();
        let groups = |k: &str| -> Vec<String> {
            before
                .get(k)
                .and_then(Json::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (zone, ids, ip, sgs, status, charge, spot) = match kind {
            Some(Kind::Instance) => {
                let id = match text("id") {
                    id if id.is_empty() => format!("{address} (existing)"),
                    id => id,
                };
                let ip = [text("private_ip")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>();
                let status = match text("status") {
                    s if s.is_empty() => "Running".to_string(),
                    s => s,
                };
                (
                    text("availability_zone"),
                    vec![id],
                    ip,
                    groups("security_groups"),
                    status,
                    text("instance_charge_type"),
                    text("spot_strategy"),
                )
            }
            Some(Kind::InstanceSet) => {
                let mut ids = groups("instance_ids");
                if ids.is_empty() {
                    let amount = before.get("amount").and_then(Json::as_u64).unwrap_or(1);
                    // At most the set's documented maximum, so a hand-edited plan cannot
                    // make this loop run long.
                    ids = (0..amount.min(100))
                        .map(|k| format!("{address} (existing {})", k + 1))
                        .collect();
                }
                (
                    text("zone_id"),
                    ids,
                    Vec::new(),
                    groups("security_group_ids"),
                    "Running".to_string(),
                    text("instance_charge_type"),
                    text("spot_strategy"),
                )
            }
            _ => return,
        };
        let region = alicloud::region_of_zone(&zone).unwrap_or_default();
        for id in ids {
            let instance = Instance {
                instance_id: id,
                region_id: region.clone(),
                zone_id: zone.clone(),
                instance_type: text("instance_type"),
                status: status.clone(),
                deployment_set_id: text("deployment_set_id"),
                vpc_attributes: VpcAttributes {
                    v_switch_id: text("vswitch_id"),
                    private_ip_address: IpAddresses {
                        ip_address: ip.clone(),
                    },
                    ..VpcAttributes::default()
                },
                security_group_ids: SecurityGroupIds {
                    security_group_id: sgs.clone(),
                },
            };
            out.push(Standing {
                instance,
                charge_type: charge.clone(),
                spot_strategy: spot.clone(),
            });
        }
    }

    /// A scaling group's instance shape: its active scaling configuration in the plan (or
    /// its launch template), and its first vSwitch.
    fn scaling_group(&self, w: &mut Writer, group: &Value, prefix: &str) {
        let group_address = w.address.to_string();
        let group_id = match group.get("id") {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        };
        let configs: Vec<(&Json, Value)> = self
            .changes
            .iter()
            .filter(|c| {
                str_of(c, "type") == "alicloud_ess_scaling_configuration"
                    && c.pointer("/change/after").is_some_and(|a| !a.is_null())
            })
            .map(|c| (*c, self.values_of(c)))
            .filter(|(_, v)| match v.get("scaling_group_id") {
                Some(Value::Str(s)) => group_id.as_deref() == Some(s),
                Some(Value::Unknown(from)) => {
                    format!("{prefix}{}", alicloud::resource_of(from)) == group_address
                        || format!("{prefix}{}", alicloud::resource_of(from))
                            == group_address.split('[').next().unwrap_or("")
                }
                _ => false,
            })
            .collect();
        let active = configs
            .iter()
            .find(|(_, v)| v.get("active") == Some(&Value::Bool(true)))
            .or(configs.first())
            .map(|(_, v)| v);
        let template = self.template(group, prefix);
        alicloud::scaling_group(w, group, active, template, "in the plan");
    }
}

/// What the configuration says about a value: nothing known, not set, or its expression.
#[derive(Clone, Copy)]
enum Conf<'a> {
    Any,
    Unset,
    Expr(&'a Json),
}

impl<'a> Conf<'a> {
    fn is_expression(j: &Json) -> bool {
        j.get("constant_value").is_some() || j.get("references").is_some()
    }

    fn key(self, k: &str) -> Conf<'a> {
        match self {
            Conf::Expr(j) if Self::is_expression(j) => self,
            Conf::Expr(Json::Object(m)) => m.get(k).map_or(Conf::Unset, Conf::Expr),
            Conf::Expr(Json::Array(a)) => match a.first() {
                Some(first) => Conf::Expr(first).key(k),
                None => Conf::Unset,
            },
            other => other,
        }
    }

    fn index(self, i: usize) -> Conf<'a> {
        match self {
            Conf::Expr(Json::Array(a)) => a.get(i).or(a.first()).map_or(Conf::Any, Conf::Expr),
            other => other,
        }
    }

    fn configured(self) -> bool {
        !matches!(self, Conf::Unset)
    }

    fn reference(self) -> String {
        match self {
            Conf::Expr(j) => j
                .get("references")
                .and_then(Json::as_array)
                .and_then(|r| r.first())
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            _ => String::new(),
        }
    }
}

/// One planned value with its unknown and sensitive marks. A value known only after apply
/// that the configuration does not set is computed by the provider, which does not send
/// it: it reads as null.
fn walk(
    after: Option<&Json>,
    unknown: Option<&Json>,
    sensitive: Option<&Json>,
    conf: Conf,
) -> Value {
    if unknown == Some(&Json::Bool(true)) {
        return if conf.configured() {
            Value::Unknown(conf.reference())
        } else {
            Value::Null
        };
    }
    if sensitive == Some(&Json::Bool(true)) {
        return Value::Sensitive(Box::new(walk(after, unknown, None, conf)));
    }
    match after {
        None | Some(Json::Null) => Value::Null,
        Some(Json::Bool(b)) => Value::Bool(*b),
        Some(Json::Number(n)) => Value::Number(n.to_string()),
        Some(Json::String(s)) => Value::Str(s.clone()),
        Some(Json::Array(items)) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    walk(
                        Some(x),
                        unknown.and_then(|u| u.get(i)),
                        sensitive.and_then(|s| s.get(i)),
                        conf.index(i),
                    )
                })
                .collect(),
        ),
        Some(Json::Object(m)) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if let Some(Json::Object(u)) = unknown {
                keys.extend(u.keys().filter(|k| !m.contains_key(*k)));
            }
            Value::Map(
                keys.into_iter()
                    .map(|k| {
                        let v = walk(
                            m.get(k),
                            unknown.and_then(|u| u.get(k)),
                            sensitive.and_then(|s| s.get(k)),
                            conf.key(k),
                        );
                        (k.clone(), v)
                    })
                    .collect(),
            )
        }
    }
}

/// The byte offsets where the elements of the top-level array `key` start, found in one
/// pass over the text (strings and nesting tracked; no values parsed).
fn element_starts(text: &str, key: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut depth) = (0usize, 0usize);
    // The depth of the array being listed, once its key was found.
    let mut array: Option<usize> = None;
    let mut expect_element = false;
    let skip_ws = |mut j: usize| {
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        j
    };
    while i < b.len() {
        let c = b[i];
        if expect_element && !c.is_ascii_whitespace() {
            expect_element = false;
            if c != b']' {
                out.push(i);
            }
        }
        match c {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(b.len());
                if depth == 1 && array.is_none() && &text[start..end] == key {
                    let j = skip_ws(i + 1);
                    if b.get(j) == Some(&b':') {
                        let k = skip_ws(j + 1);
                        if b.get(k) == Some(&b'[') {
                            array = Some(2);
                            depth = 2;
                            expect_element = true;
                            i = k;
                        }
                    }
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                if array == Some(depth) {
                    break;
                }
                depth = depth.saturating_sub(1);
            }
            b',' if array == Some(depth) => expect_element = true,
            _ => {}
        }
        i += 1;
    }
    out
}

/// 1-based (line, column) of each offset (ascending), columns in characters.
fn line_columns(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(offsets.len());
    let (mut line, mut line_start, mut at) = (1usize, 0usize, 0usize);
    for &o in offsets {
        for (j, c) in text[at..o].char_indices() {
            if c == '\n' {
                line += 1;
                line_start = at + j + 1;
            }
        }
        at = o;
        out.push((line, text[line_start..o].chars().count() + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(changes: &str) -> String {
        format!(
            r#"{{"format_version":"1.2","terraform_version":"1.9.0",
"configuration":{{"provider_config":{{"alicloud":{{"name":"alicloud","expressions":{{"region":{{"constant_value":"cn-hangzhou"}}}}}}}}}},
"resource_changes":[
{changes}
]}}"#
        )
    }

    fn read(text: &str) -> Result<Vec<RawRequest>> {
        read_if_plan("p.json", text)
            .expect("a plan")
            .map(|d| d.requests)
    }

    #[test]
    fn only_creates_and_replaces_launch() {
        let one = |addr: &str, actions: &str| {
            format!(
                r#"{{"address":"{addr}","mode":"managed","type":"alicloud_instance","name":"x",
"change":{{"actions":{actions},"after":{{"instance_type":"ecs.g7.large"}},"after_unknown":{{}}}}}}"#
            )
        };
        let text = plan(
            &[
                one("alicloud_instance.a", r#"["create"]"#),
                one("alicloud_instance.b", r#"["update"]"#),
                one("alicloud_instance.c", r#"["no-op"]"#),
                one("alicloud_instance.d", r#"["delete","create"]"#),
                one("alicloud_instance.e", r#"["create","delete"]"#),
                one("alicloud_instance.f", r#"["delete"]"#),
            ]
            .join(",\n"),
        );
        let reqs = read(&text).unwrap();
        let sources: Vec<&str> = reqs.iter().map(|r| r.source.as_str()).collect();
        assert_eq!(
            sources,
            [
                "p.json:4: alicloud_instance.a",
                "p.json:10: alicloud_instance.d",
                "p.json:12: alicloud_instance.e"
            ]
        );
        assert_eq!(reqs[0].get("RegionId"), Some("cn-hangzhou"));
    }

    #[test]
    fn element_starts_skip_strings_and_nesting() {
        let t = r#"{"x":{"resource_changes":[1]},"s":"\"resource_changes\"","resource_changes":[ {"a":[1,2]}, {"b":"],"} ]}"#;
        let starts = element_starts(t, "resource_changes");
        assert_eq!(starts.len(), 2);
        assert_eq!(&t[starts[0]..starts[0] + 4], "{\"a\"");
        assert_eq!(&t[starts[1]..starts[1] + 4], "{\"b\"");
        assert_eq!(line_columns("ab\ncd", &[1, 4]), [(1, 2), (2, 2)]);
    }

    #[test]
    fn other_json_is_not_a_plan() {
        assert!(read_if_plan("a", r#"{"RegionId":"cn-hangzhou"}"#).is_none());
        assert!(read_if_plan("a", r#"{"format_version":"1.0","x":1}"#).is_none());
        let e = read(r#"{"format_version":"2.0","terraform_version":"9"}"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.json:1:1: format_version \"2.0\""), "{e}");
        let e = read(r#"{"format_version":"1.0","terraform_version":"1.9","values":{}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("Terraform state, not a plan"), "{e}");
    }

    #[test]
    fn unconfigured_unknowns_are_computed_and_configured_ones_noted() {
        let change = r#"{"address":"alicloud_instance.w","mode":"managed","type":"alicloud_instance","name":"w",
"change":{"actions":["create"],"after":{"availability_zone":"cn-hangzhou-i"},
"after_unknown":{"instance_name":true,"vswitch_id":true}}}"#;
        let mut text = plan(change);
        text = text.replace(
            r#""provider_config""#,
            r#""root_module":{"resources":[{"address":"alicloud_instance.w","mode":"managed","type":"alicloud_instance","name":"w","expressions":{"vswitch_id":{"references":["alicloud_vswitch.v.id","alicloud_vswitch.v"]}}}]},"provider_config""#,
        );
        let reqs = read(&text).unwrap();
        assert_eq!(reqs[0].notes.len(), 1, "{:?}", reqs[0].notes);
        assert!(reqs[0].notes[0]
            .contains("vswitch_id is known only after apply (from alicloud_vswitch.v.id)"));
    }
}
