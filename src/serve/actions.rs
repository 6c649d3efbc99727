//! The actions the endpoint answers, one function each: parameters from the raw request,
//! the answer shaped as the service shapes it, and a row for the session report.
//!
//! RunInstances goes through the same rules as `check` (`validate::admit`) and the live
//! capacity of the session (`Session::run`). The others read or change the session:
//! DescribeInstances, DeleteInstance, DeleteInstances, DescribeAvailableResource,
//! DescribeSpotPriceHistory, DescribeAccountAttributes. Any other action answers the
//! catalog's `InvalidAction.NotFound`.

use std::net::Ipv4Addr;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{json, Map, Value};

use super::body::{Reply, Sink};
use super::ids::request_id;
use super::report::Entry;
use super::session::{Instance, Listing, Page, PageStart, RunResult, Session};
use crate::catalog::ErrorKey;
use crate::request::typed::{parse_bool, parse_int};
use crate::request::RawRequest;
use crate::time::{format_utc, parse_utc};
use crate::validate::Violation;

/// The actions answered, in documentation order.
pub const ACTIONS: &[&str] = &[
    "RunInstances",
    "DescribeInstances",
    "DeleteInstance",
    "DeleteInstances",
    "DescribeAvailableResource",
    "DescribeSpotPriceHistory",
    "DescribeAccountAttributes",
];

/// Catalog rows only these actions answer (no RunInstances rule returns them).
pub const ACTION_CODES: &[ErrorKey] = &[ErrorKey::InvalidInstanceIdNotFound];

/// What one action produced: the reply and the report columns beyond the common ones.
struct Done {
    reply: Reply,
    zone: String,
    instance_type: String,
    outcome: &'static str,
    parameter: String,
    count: u32,
}

impl Done {
    fn reply(reply: Reply) -> Done {
        let outcome = if reply.error.is_some() {
            "failed"
        } else {
            "ok"
        };
        Done {
            reply,
            zone: String::new(),
            instance_type: String::new(),
            outcome,
            parameter: String::new(),
            count: 0,
        }
    }
}

/// The action a request names: the `Action` parameter, else the `x-acs-action` header (the
/// current SDK sends only the header).
pub fn action_of(raw: &RawRequest) -> Option<&str> {
    raw.get("Action")
        .or(raw.action_header.as_deref())
        .filter(|a| !a.is_empty())
}

impl Session {
    /// An error answer of `key` in the session's edition, its `{0}` filled by `arg` (also
    /// the report's parameter column).
    fn failed(&self, key: ErrorKey, arg: &str, rid: &str) -> Done {
        let v = Violation::bare(key)
            .arg(arg)
            .answered_in(self.world.edition);
        let mut d = violation(&v, rid);
        d.parameter = arg.to_string();
        d
    }

    /// An error answer of `key` without arguments (DryRunOperation, InvalidAction.NotFound)
    /// in the session's edition.
    fn refused(&self, key: ErrorKey, rid: &str) -> Done {
        violation(&Violation::bare(key).answered_in(self.world.edition), rid)
    }

    /// Answers one API request and records it in the session report.
    pub fn handle(&self, raw: &RawRequest) -> Reply {
        let seq = self.next_seq();
        let rid = request_id(self.seed, seq);
        let at = self.clock.now();
        let action = action_of(raw).unwrap_or("").to_string();
        let done = match action.as_str() {
            "" => self.failed(ErrorKey::MissingParameterGeneric, "Action", &rid),
            "RunInstances" => self.run_instances(raw, at, &rid),
            "DescribeInstances" => self.describe_instances(raw, &rid),
            "DeleteInstance" => self.delete_instances(raw, &rid, false),
            "DeleteInstances" => self.delete_instances(raw, &rid, true),
            "DescribeAvailableResource" => self.describe_available_resource(raw, &rid),
            "DescribeSpotPriceHistory" => self.describe_spot_price_history(raw, at, &rid),
            "DescribeAccountAttributes" => self.describe_account_attributes(raw, &rid),
            _ => self.refused(ErrorKey::InvalidActionNotFound, &rid),
        };
        self.record(seq, at, action, raw, done)
    }

    /// Answers a request refused before its parameters were read (too large, bad method).
    pub fn reject(&self, key: ErrorKey, arg: &str) -> Reply {
        let seq = self.next_seq();
        let rid = request_id(self.seed, seq);
        let at = self.clock.now();
        let done = self.failed(key, arg, &rid);
        self.record(seq, at, String::new(), &RawRequest::default(), done)
    }

    fn record(
        &self,
        seq: u64,
        at: DateTime<Utc>,
        action: String,
        raw: &RawRequest,
        done: Done,
    ) -> Reply {
        let reply = done.reply;
        let message = match &reply.error {
            Some(_) => reply.body["Message"].as_str().unwrap_or(""),
            None => "",
        };
        let zone = match done.zone.as_str() {
            "" => raw.get("ZoneId").unwrap_or(""),
            z => z,
        };
        let instance_type = match done.instance_type.as_str() {
            "" => raw.get("InstanceType").unwrap_or(""),
            t => t,
        };
        let row = Entry {
            seq,
            at,
            action: &action,
            region: raw.get("RegionId").unwrap_or(""),
            zone,
            instance_type,
            amount: raw.get("Amount").unwrap_or(""),
            outcome: done.outcome,
            code: reply.error.map_or("", |k| k.code()),
            http_status: reply.status,
            message,
            parameter: &done.parameter,
            instances_created: done.count,
        };
        self.log(&row, reply.error);
        reply
    }

    fn run_instances(&self, raw: &RawRequest, at: DateTime<Utc>, rid: &str) -> Done {
        let amount = raw.get("Amount").and_then(|a| a.parse().ok()).unwrap_or(1);
        if let Some(v) = self.throttle_call(at, amount) {
            return violation(&v, rid);
        }
        let (admitted, _warnings) = crate::validate::admit(raw, &self.world, at);
        let admitted = match admitted {
            Ok(a) => a,
            Err(v) => return violation(&v, rid),
        };
        match self.run(&admitted, at) {
            RunResult::Failed(v) => {
                let mut d = violation(&v, rid);
                d.zone = admitted.demand.zone.clone().unwrap_or_default();
                d
            }
            RunResult::DryRun { grant } => {
                let mut d = self.refused(ErrorKey::DryRunOperation, rid);
                d.outcome = "dry_run";
                d.zone = grant.zone;
                d
            }
            RunResult::Created { ids, zone, partial } => {
                let price = self.trade_price(&admitted, ids.len());
                let mut d = Done::reply(run_reply(rid, &ids, price));
                d.outcome = if partial { "partial" } else { "created" };
                d.count = ids.len() as u32;
                d.instance_type = admitted.demand.instance_type.clone();
                d.zone = zone;
                d
            }
            RunResult::Replayed { ids } => {
                let mut d = Done::reply(run_reply(rid, &ids, None));
                d.outcome = "replayed";
                d
            }
        }
    }

    /// RunInstances' `TradePrice`: what the created pay-as-you-go instances cost per hour at
    /// the prices in force (instance type, disks, and PayByBandwidth's bandwidth), rounded to
    /// 4 decimals. `None` for spot and subscription instances (not priced here) or when a
    /// price is missing (docs/serve.md).
    fn trade_price(&self, a: &crate::validate::Admitted, created: usize) -> Option<f64> {
        let d = &a.demand;
        if !d.postpaid || d.spot != crate::request::typed::SpotStrategy::NoSpot {
            return None;
        }
        let internet = crate::cost::InternetSpec {
            charge_type: d.charge,
            max_bandwidth_out_mbps: d.bandwidth_out,
        };
        let spec = crate::cost::BatchSpec::rates_shape(d, internet);
        let r = crate::cost::BatchRates::of(&self.prices, &spec).ok()?;
        let bandwidth = match d.charge {
            crate::request::typed::InternetChargeType::PayByBandwidth => r.bandwidth_hourly,
            crate::request::typed::InternetChargeType::PayByTraffic => 0.0,
        };
        let hourly = r.payg_hourly + r.system_disk_hourly + r.data_disks_hourly + bandwidth;
        Some(crate::report::costs::r4(hourly * created as f64))
    }

    fn describe_instances(&self, raw: &RawRequest, rid: &str) -> Done {
        let region = match self.region(raw, rid) {
            Ok(r) => r,
            Err(d) => return *d,
        };
        let ids = match raw.get("InstanceIds").filter(|s| !s.trim().is_empty()) {
            Some(text) => match serde_json::from_str::<Vec<String>>(text) {
                Ok(ids) if ids.len() <= 100 => Some(ids),
                _ => return self.failed(ErrorKey::InvalidParameterGeneric, "InstanceIds", rid),
            },
            None => None,
        };
        let paging = match Paging::read(raw, self.seed) {
            Ok(p) => p,
            Err(name) => return self.failed(ErrorKey::InvalidParameterGeneric, name, rid),
        };
        let given = |p: &str| raw.get(p).filter(|v| !v.is_empty());
        let listing = Listing {
            region: &region,
            ids: ids.as_deref(),
            zone: given("ZoneId"),
            instance_type: given("InstanceType"),
            vpc: given("VpcId"),
        };
        // Every instance is Running, so any other Status lists none.
        let running = given("Status").is_none_or(|s| s == "Running");
        let (start, size) = match paging {
            Paging::Pages { number, size } => {
                let skip = u64::from(number - 1) * u64::from(size);
                (PageStart::Skip(skip), size)
            }
            Paging::Token { from, max } => (PageStart::From(from), max),
        };
        let page = if running {
            self.page(&listing, start, size as usize)
        } else {
            Page::default()
        };
        let total = page.total;
        let mut m = Map::new();
        let next = match paging {
            Paging::Pages { number, size } => {
                m.insert("PageNumber".into(), json!(number));
                m.insert("PageSize".into(), json!(size));
                String::new()
            }
            Paging::Token { .. } => page
                .next
                .map_or_else(String::new, |n| next_token(self.seed, n)),
        };
        m.insert("TotalCount".into(), json!(total));
        m.insert("NextToken".into(), json!(next));
        Done::reply(Reply::listing("DescribeInstances", rid, m, page.shown))
    }

    fn delete_instances(&self, raw: &RawRequest, rid: &str, many: bool) -> Done {
        let (action, ids) = if many {
            if let Err(d) = self.region(raw, rid) {
                return *d;
            }
            let mut ids: Vec<(u32, String)> = raw
                .params
                .iter()
                .filter_map(|p| {
                    let n = p.name.strip_prefix("InstanceId.")?.parse::<u32>().ok()?;
                    Some((n, p.value.clone()))
                })
                .collect();
            ids.sort_by_key(|(n, _)| *n);
            if ids.is_empty() {
                return self.failed(ErrorKey::MissingParameterGeneric, "InstanceId.N", rid);
            }
            if ids.len() > 100 || ids.iter().any(|(n, _)| *n == 0 || *n > 100) {
                return self.failed(ErrorKey::InvalidParameterGeneric, "InstanceId.N", rid);
            }
            (
                "DeleteInstances",
                ids.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
            )
        } else {
            match raw.get("InstanceId").filter(|v| !v.is_empty()) {
                Some(id) => ("DeleteInstance", vec![id.to_string()]),
                None => return self.failed(ErrorKey::MissingParameterGeneric, "InstanceId", rid),
            }
        };
        for flag in ["Force", "DryRun", "TerminateSubscription"] {
            if raw.get(flag).is_some_and(|v| parse_bool(v).is_none()) {
                return self.failed(ErrorKey::InvalidParameterGeneric, flag, rid);
            }
        }
        let dry_run = raw.get("DryRun").and_then(parse_bool).unwrap_or(false);
        let param = if many { "InstanceId.N" } else { "InstanceId" };
        match self.delete(&ids, dry_run) {
            // Today's API has a row of its own; the 2018 reference answers InvalidParameter.
            Err(_)
                if self
                    .world
                    .edition
                    .get()
                    .has_row(ErrorKey::InvalidInstanceIdNotFound.entry()) =>
            {
                let mut d = self.refused(ErrorKey::InvalidInstanceIdNotFound, rid);
                d.parameter = param.to_string();
                d
            }
            Err(_) => self.failed(ErrorKey::InvalidParameterGeneric, param, rid),
            Ok(_) if dry_run => {
                let mut d = self.refused(ErrorKey::DryRunOperation, rid);
                d.outcome = "dry_run";
                d
            }
            Ok(n) => {
                let mut d = Done::reply(Reply::ok(action, rid, Map::new()));
                d.count = n;
                d
            }
        }
    }

    fn describe_available_resource(&self, raw: &RawRequest, rid: &str) -> Done {
        let region = match self.region(raw, rid) {
            Ok(r) => r,
            Err(d) => return *d,
        };
        let dest = match raw.get("DestinationResource").filter(|v| !v.is_empty()) {
            None => {
                return self.failed(
                    ErrorKey::MissingParameterGeneric,
                    "DestinationResource",
                    rid,
                )
            }
            Some(d) => d,
        };
        if ![
            "Zone",
            "IoOptimized",
            "InstanceType",
            "Network",
            "ddh",
            "SystemDisk",
            "DataDisk",
        ]
        .contains(&dest)
        {
            return self.failed(
                ErrorKey::InvalidParameterGeneric,
                "DestinationResource",
                rid,
            );
        }
        let zone_filter = raw.get("ZoneId").filter(|v| !v.is_empty());
        let type_filter = raw.get("InstanceType").filter(|v| !v.is_empty());
        let mut zones = Vec::new();
        for z in self.world.zones_of(&region) {
            if zone_filter.is_some_and(|f| f != z.zone_id) {
                continue;
            }
            let supported: Vec<Value> = if dest == "Zone" {
                vec![json!({"Value": z.zone_id, "Status": z.status,
                            "StatusCategory": z.status_category})]
            } else {
                z.available_resources
                    .available_resource
                    .iter()
                    .filter(|r| r.kind == dest)
                    .flat_map(|r| r.supported_resources.supported_resource.iter())
                    .filter(|s| dest != "InstanceType" || type_filter.is_none_or(|t| t == s.value))
                    .map(|s| {
                        let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
                        if dest == "InstanceType" {
                            let (status, cat) =
                                live_status(self.stock(&z.zone_id, &s.value), &s.status_category);
                            v["Status"] = json!(status);
                            v["StatusCategory"] = json!(cat);
                        }
                        v
                    })
                    .collect()
            };
            if supported.is_empty() && dest != "Zone" {
                continue;
            }
            zones.push(json!({
                "ZoneId": z.zone_id,
                "RegionId": z.region_id,
                "Status": z.status,
                "StatusCategory": z.status_category,
                "AvailableResources": {"AvailableResource": [{
                    "Type": dest,
                    "SupportedResources": {"SupportedResource": supported},
                }]},
            }));
        }
        let mut m = Map::new();
        m.insert("AvailableZones".into(), json!({ "AvailableZone": zones }));
        Done::reply(Reply::ok("DescribeAvailableResource", rid, m))
    }

    fn describe_spot_price_history(&self, raw: &RawRequest, now: DateTime<Utc>, rid: &str) -> Done {
        let region = match self.region(raw, rid) {
            Ok(r) => r,
            Err(d) => return *d,
        };
        for p in ["NetworkType", "InstanceType"] {
            if raw.get(p).is_none_or(str::is_empty) {
                return self.failed(ErrorKey::MissingParameterGeneric, p, rid);
            }
        }
        let network = raw.get("NetworkType").unwrap_or("");
        if network != "vpc" && network != "classic" {
            return self.failed(ErrorKey::InvalidParameterGeneric, "NetworkType", rid);
        }
        let itype = raw.get("InstanceType").unwrap_or("");
        let time = |p: &'static str| match raw.get(p).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => parse_utc(v).map(Some).ok_or(p),
        };
        let (end, start) = match (time("EndTime"), time("StartTime")) {
            (Ok(e), Ok(s)) => {
                let end = e.unwrap_or(now);
                // Checked: an EndTime at the start of chrono's range has no 3 hours before it.
                let Some(three_before) = end.checked_sub_signed(TimeDelta::hours(3)) else {
                    return self.failed(ErrorKey::InvalidParameterGeneric, "EndTime", rid);
                };
                (end, s.unwrap_or(three_before))
            }
            (Err(p), _) | (_, Err(p)) => {
                return self.failed(ErrorKey::InvalidParameterGeneric, p, rid)
            }
        };
        if start > end || end - start > TimeDelta::days(30) {
            return self.failed(ErrorKey::InvalidParameterGeneric, "StartTime", rid);
        }
        let offset = match raw.get("Offset").filter(|v| !v.is_empty()) {
            None => 0,
            Some(v) => match parse_int(v) {
                Some(n) => n as usize,
                None => return self.failed(ErrorKey::InvalidParameterGeneric, "Offset", rid),
            },
        };
        let zone_filter = raw.get("ZoneId").filter(|v| !v.is_empty());
        let mut rows: Vec<Value> = Vec::new();
        let mut series = self
            .spot
            .iter()
            .filter(|p| p.instance_type == itype)
            .filter(|p| zone_filter.is_none_or(|z| z == p.zone_id))
            .filter(|p| {
                self.world
                    .zone(&p.zone_id)
                    .is_some_and(|z| z.region_id == region)
            })
            .peekable();
        while let Some(p) = series.next() {
            let t = parse_utc(&p.timestamp).unwrap_or(start);
            let next_same = series
                .peek()
                .filter(|n| n.zone_id == p.zone_id)
                .and_then(|n| parse_utc(&n.timestamp));
            // Samples inside the window, and the one in force when the window opens.
            let in_force_at_start = t <= start && next_same.is_none_or(|n| n > start);
            if (t >= start && t <= end) || in_force_at_start {
                rows.push(json!({
                    "ZoneId": p.zone_id,
                    "InstanceType": p.instance_type,
                    "NetworkType": p.network_type,
                    "IoOptimized": p.io_optimized,
                    "SpotPrice": p.spot_price,
                    "OriginPrice": p.origin_price,
                    "Timestamp": p.timestamp,
                }));
            }
        }
        const PAGE: usize = 1000;
        let total = rows.len();
        let page: Vec<Value> = rows.into_iter().skip(offset).take(PAGE).collect();
        let mut m = Map::new();
        m.insert("Currency".into(), json!("CNY"));
        m.insert("NextOffset".into(), json!((offset + PAGE).min(total)));
        m.insert("SpotPrices".into(), json!({ "SpotPriceType": page }));
        let mut d = Done::reply(Reply::ok("DescribeSpotPriceHistory", rid, m));
        d.instance_type = itype.to_string();
        d
    }

    fn describe_account_attributes(&self, raw: &RawRequest, rid: &str) -> Done {
        let region = match self.region(raw, rid) {
            Ok(r) => r,
            Err(d) => return *d,
        };
        let wanted: Vec<&str> = raw
            .params
            .iter()
            .filter(|p| p.name.starts_with("AttributeName."))
            .map(|p| p.value.as_str())
            .collect();
        let (max_n, max_cpu) = self.world.region_quota(&region).map_or((None, None), |q| {
            (
                q.max_postpaid_instance_count,
                q.max_postpaid_instance_vcpu_count,
            )
        });
        let (used_n, used_cpu, used_spot) = self.postpaid_use(&region);
        let limit = |v: Option<u32>| v.map_or_else(|| "-1".to_string(), |v| v.to_string());
        let attrs: Vec<(&str, String)> = vec![
            ("max-postpaid-instance-vcpu-count", limit(max_cpu)),
            ("used-postpaid-instance-vcpu-count", used_cpu.to_string()),
            ("max-spot-instance-vcpu-count", limit(max_cpu)),
            ("used-spot-instance-vcpu-count", used_spot.to_string()),
            ("max-postpaid-instance-count", limit(max_n)),
            ("used-postpaid-instance-count", used_n.to_string()),
            ("instance-network-type", "vpc".to_string()),
            ("real-name-authentication", "yes".to_string()),
        ];
        let items: Vec<Value> = attrs
            .into_iter()
            .filter(|(name, _)| wanted.is_empty() || wanted.contains(name))
            .map(|(name, value)| {
                json!({
                    "AttributeName": name,
                    "AttributeValues": {"ValueItem": [{
                        "Value": value,
                        "Count": 1,
                        "InstanceChargeType": "PostPaid",
                    }]},
                })
            })
            .collect();
        let mut m = Map::new();
        m.insert(
            "AccountAttributeItems".into(),
            json!({ "AccountAttributeItem": items }),
        );
        Done::reply(Reply::ok("DescribeAccountAttributes", rid, m))
    }

    /// The request's RegionId, which must name a region of the world.
    fn region(&self, raw: &RawRequest, rid: &str) -> Result<String, Box<Done>> {
        match raw.get("RegionId").filter(|v| !v.is_empty()) {
            None => Err(Box::new(self.failed(
                ErrorKey::MissingParameterGeneric,
                "RegionId",
                rid,
            ))),
            Some(r) if self.world.region(r).is_none() => Err(Box::new(self.failed(
                ErrorKey::InvalidRegionIdNotFound,
                "RegionId",
                rid,
            ))),
            Some(r) => Ok(r.to_string()),
        }
    }
}

fn violation(v: &Violation, rid: &str) -> Done {
    let mut d = Done::reply(Reply::violation(v, rid));
    d.parameter = v.param.map(|p| p.to_string()).unwrap_or_default();
    d
}

fn run_reply(rid: &str, ids: &[String], trade_price: Option<f64>) -> Reply {
    let mut m = Map::new();
    if let Some(p) = trade_price {
        m.insert("TradePrice".into(), json!(p));
    }
    m.insert("InstanceIdSets".into(), json!({ "InstanceIdSet": ids }));
    Reply::ok("RunInstances", rid, m)
}

/// How DescribeInstances pages, from its parameters and today's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Paging {
    /// `PageNumber` (from 1, default 1) and `PageSize` (1..=100, default 10), the older
    /// form: out of range is refused.
    Pages { number: u32, size: u32 },
    /// `MaxResults` and `NextToken`, used when either is sent: instances from creation
    /// number `from` on, `max` of them (MaxResults below 10 or absent reads as 10, above 100
    /// as 100, as the metadata says).
    Token { from: u64, max: u32 },
}

impl Paging {
    /// The paging a request asks for, or the name of the parameter that is not valid.
    fn read(raw: &RawRequest, seed: u64) -> Result<Paging, &'static str> {
        let given = |name: &str| raw.get(name).filter(|v| !v.is_empty());
        if given("MaxResults").is_some() || given("NextToken").is_some() {
            let max = match given("MaxResults") {
                None => 10,
                Some(v) => parse_int(v).ok_or("MaxResults")?.clamp(10, 100),
            };
            let from = match given("NextToken") {
                None => 0,
                Some(t) => token_cursor(seed, t).ok_or("NextToken")?,
            };
            return Ok(Paging::Token { from, max });
        }
        let read = |name: &'static str, default: u32, max: u32| match given(name) {
            None => Ok(default),
            Some(v) => parse_int(v).filter(|n| (1..=max).contains(n)).ok_or(name),
        };
        Ok(Paging::Pages {
            number: read("PageNumber", 1, u32::MAX)?,
            size: read("PageSize", 10, 100)?,
        })
    }
}

/// The NextToken that resumes a listing at creation number `seq`: 32 hex digits, the
/// cursor masked by the seed and a check, so a token from another session or edited by
/// hand is refused rather than read as some other place.
fn next_token(seed: u64, seq: u64) -> String {
    let mask = super::ids::mix(seed ^ 0x4e65_7874_546f_6b65);
    format!("{:016x}{:016x}", seq ^ mask, super::ids::mix(seq ^ mask))
}

/// The creation number a NextToken resumes at (None: not a token this session gave).
fn token_cursor(seed: u64, token: &str) -> Option<u64> {
    if token.len() != 32 || !token.is_ascii() {
        return None;
    }
    let masked = u64::from_str_radix(&token[..16], 16).ok()?;
    let mask = super::ids::mix(seed ^ 0x4e65_7874_546f_6b65);
    let seq = masked ^ mask;
    (next_token(seed, seq) == token).then_some(seq)
}

/// Status and StatusCategory of an offer from live stock.
fn live_status(stock: Option<u32>, world_category: &str) -> (&'static str, &'static str) {
    let closed = world_category.starts_with("Closed");
    match (stock, closed) {
        (Some(0), true) => ("SoldOut", "ClosedWithoutStock"),
        (Some(0), false) => ("SoldOut", "WithoutStock"),
        (_, true) => ("Available", "ClosedWithStock"),
        (_, false) => ("Available", "WithStock"),
    }
}

/// One instance as DescribeInstances shows it, fields in key order (the order the JSON
/// tree of an instance had, which the answers keep byte for byte).
pub(super) fn write_instance<S: Sink>(s: &mut S, i: &Instance) {
    let ip = |a: Option<Ipv4Addr>| a.map(|a| a.to_string());
    let (private, public) = (ip(i.private_ip), ip(i.public_ip));
    let addresses = |s: &mut S, a: &Option<String>| {
        s.list("IpAddress");
        if let Some(a) = a {
            s.item_text(a);
        }
        s.end_list();
    };
    let created = format_minute(i.created);
    s.text(
        "AutoReleaseTime",
        &i.auto_release.map(format_utc).unwrap_or_default(),
    );
    s.field("Cpu", &Value::from(i.vcpus));
    s.text("CreationTime", &created);
    s.text("Description", &i.description);
    s.begin("EipAddress");
    s.text("AllocationId", "");
    s.field("Bandwidth", &Value::from(0));
    s.text("IpAddress", "");
    s.end("EipAddress");
    s.text("HostName", &i.host_name);
    s.text("ImageId", &i.image_id);
    s.begin("InnerIpAddress");
    addresses(s, &None);
    s.end("InnerIpAddress");
    s.text(
        "InstanceChargeType",
        if i.postpaid { "PostPaid" } else { "PrePaid" },
    );
    s.text("InstanceId", &i.id);
    s.text("InstanceName", &i.name);
    s.text(
        "InstanceNetworkType",
        if i.vpc.is_some() { "vpc" } else { "classic" },
    );
    s.text("InstanceType", &i.instance_type);
    s.text(
        "InstanceTypeFamily",
        i.instance_type.rsplit_once('.').map_or("", |(f, _)| f),
    );
    s.text("InternetChargeType", i.internet_charge.as_str());
    s.field("InternetMaxBandwidthOut", &Value::from(i.bandwidth_out));
    s.field("IoOptimized", &Value::Bool(true));
    s.field("Memory", &Value::from((i.memory * 1024.0).round() as u64));
    s.begin("NetworkInterfaces");
    s.list("NetworkInterface");
    s.item();
    s.text("PrimaryIpAddress", private.as_deref().unwrap_or(""));
    s.begin("PrivateIpSets");
    s.list("PrivateIpSet");
    if let Some(a) = &private {
        s.item();
        s.field("Primary", &Value::Bool(true));
        s.text("PrivateIpAddress", a);
        s.end_item();
    }
    s.end_list();
    s.end("PrivateIpSets");
    s.text("Type", "Primary");
    s.end_item();
    s.end_list();
    s.end("NetworkInterfaces");
    s.begin("PublicIpAddress");
    addresses(s, &public);
    s.end("PublicIpAddress");
    s.text("RegionId", &i.region);
    s.begin("SecurityGroupIds");
    s.list("SecurityGroupId");
    for g in &i.security_groups {
        s.item_text(g);
    }
    s.end_list();
    s.end("SecurityGroupIds");
    if let Some(limit) = i.spot_price_limit {
        s.field("SpotPriceLimit", &Value::from(limit));
    }
    s.text("SpotStrategy", i.spot.as_str());
    s.text("StartTime", &created);
    s.text("Status", "Running");
    s.begin("Tags");
    s.list("Tag");
    for (k, v) in &i.tags {
        s.item();
        s.text("TagKey", k);
        s.text("TagValue", v);
        s.end_item();
    }
    s.end_list();
    s.end("Tags");
    s.begin("VpcAttributes");
    s.text("NatIpAddress", "");
    s.begin("PrivateIpAddress");
    addresses(s, &private);
    s.end("PrivateIpAddress");
    s.text("VSwitchId", i.vswitch.as_deref().unwrap_or(""));
    s.text("VpcId", i.vpc.as_deref().unwrap_or(""));
    s.end("VpcAttributes");
    s.text("ZoneId", &i.zone);
}

/// `2017-12-10T04:04Z`, the minute form DescribeInstances uses for CreationTime.
fn format_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%MZ").to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// One instance as DescribeInstances showed it before the answers were written
    /// straight into bytes: the tree the written form must match byte for byte.
    pub(crate) fn instance_json(i: &Instance) -> Value {
        let private: Vec<String> = i.private_ip.iter().map(|ip| ip.to_string()).collect();
        let public: Vec<String> = i.public_ip.iter().map(|ip| ip.to_string()).collect();
        let tags: Vec<Value> = i
            .tags
            .iter()
            .map(|(k, v)| json!({"TagKey": k, "TagValue": v}))
            .collect();
        let mut v = json!({
            "InstanceId": i.id,
            "InstanceName": i.name,
            "HostName": i.host_name,
            "Description": i.description,
            "RegionId": i.region,
            "ZoneId": i.zone,
            "InstanceType": i.instance_type,
            "InstanceTypeFamily": i.instance_type.rsplit_once('.').map_or("", |(f, _)| f),
            "Cpu": i.vcpus,
            "Memory": (i.memory * 1024.0).round() as u64,
            "ImageId": i.image_id,
            "Status": "Running",
            "CreationTime": format_minute(i.created),
            "StartTime": format_minute(i.created),
            "InstanceChargeType": if i.postpaid { "PostPaid" } else { "PrePaid" },
            "InternetChargeType": i.internet_charge.as_str(),
            "InternetMaxBandwidthOut": i.bandwidth_out,
            "SpotStrategy": i.spot.as_str(),
            "AutoReleaseTime": i.auto_release.map(format_utc).unwrap_or_default(),
            "InstanceNetworkType": if i.vpc.is_some() { "vpc" } else { "classic" },
            "IoOptimized": true,
            "SecurityGroupIds": {"SecurityGroupId": i.security_groups},
            "VpcAttributes": {
                "VpcId": i.vpc.clone().unwrap_or_default(),
                "VSwitchId": i.vswitch.clone().unwrap_or_default(),
                "PrivateIpAddress": {"IpAddress": private},
                "NatIpAddress": "",
            },
            "PublicIpAddress": {"IpAddress": public},
            "InnerIpAddress": {"IpAddress": []},
            "EipAddress": {"IpAddress": "", "AllocationId": "", "Bandwidth": 0},
            "NetworkInterfaces": {"NetworkInterface": [{
                "Type": "Primary",
                "PrimaryIpAddress": private.first().cloned().unwrap_or_default(),
                "PrivateIpSets": {"PrivateIpSet": private.iter().map(|ip| json!({
                    "PrivateIpAddress": ip, "Primary": true,
                })).collect::<Vec<_>>()},
            }]},
            "Tags": {"Tag": tags},
        });
        if let Some(limit) = i.spot_price_limit {
            v["SpotPriceLimit"] = json!(limit);
        }
        v
    }
}
