//! `ecsim prices import`: a planner's own prices (DescribePrice responses, a plain CSV price
//! table) with negotiated discounts become one price file that `costs.prices`, `run --prices`
//! and `serve --prices` take. Pure: texts in, the price file's text out.
//!
//! Formats (docs/prices.md "Importing prices"):
//! - CSV, header `region,kind,key,price,unit,currency` plus optional `source,date`: `kind` is
//!   `instance_type` (unit `hour` or `month`), `disk` (key `cloud_essd/PL1`, unit `GiB-hour` or
//!   `GiB-month`) or `internet` (key `traffic_per_gb`, unit `GB`, or
//!   `bandwidth_per_mbps_hour_up_to_5`/`_above_5`, unit `Mbps-hour`).
//! - DescribePrice, JSON: `{"request": {"RegionId", "InstanceType", "PriceUnit", "Period",
//!   "SystemDisk.Category", "SystemDisk.Size", ...}, "response": <the API's answer>, "date"}`.
//!   The response alone does not say what was priced, so the request goes with it.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::prices::{Currency, Prices};
use crate::error::{Error, Place, Result};

/// What a discount applies to.
const PRODUCTS: [&str; 3] = ["instance", "disk", "internet"];

/// Discount factors by instance family (`ecs.g7`) or product (`instance`, `disk`, `internet`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discounts(Vec<(String, f64)>);

impl Discounts {
    /// Parses `KEY=FACTOR` arguments (`ecs.g7=0.8`: pay 80% of the list price).
    pub fn parse(args: &[String]) -> Result<Discounts> {
        let mut out = Vec::new();
        for a in args {
            let fix = "write --discount FAMILY_OR_PRODUCT=FACTOR with a factor in (0, 1], e.g. \
                       --discount ecs.g7=0.8 or --discount disk=0.9";
            let (k, v) = a
                .split_once('=')
                .ok_or_else(|| Error::Usage(format!("--discount {a}: no '='; {fix}")))?;
            let f: f64 = v.trim().parse().map_err(|_| {
                Error::Usage(format!("--discount {a}: {v:?} is not a number; {fix}"))
            })?;
            if !(f > 0.0 && f <= 1.0) {
                return Err(Error::Usage(format!(
                    "--discount {a}: factor {v} is outside (0, 1]; {fix}"
                )));
            }
            let k = k.trim();
            if !(PRODUCTS.contains(&k) || k.starts_with("ecs.")) {
                return Err(Error::Usage(format!(
                    "--discount {a}: {k:?} is neither an instance family (ecs.g7) nor a product \
                     (instance, disk, internet); {fix}"
                )));
            }
            out.push((k.to_string(), f));
        }
        Ok(Discounts(out))
    }

    /// The factor for a row: the longest matching family for an instance type, else the
    /// product's; 1 when none applies. Returns the key that matched.
    fn factor(&self, kind: Kind, key: &str) -> (f64, Option<&str>) {
        let product = kind.product();
        let family = self
            .0
            .iter()
            .filter(|(k, _)| {
                kind == Kind::InstanceType
                    && k.starts_with("ecs.")
                    && (key.starts_with(&format!("{k}.")) || key.starts_with(&format!("{k}-")))
            })
            .max_by_key(|(k, _)| k.len());
        match family.or_else(|| self.0.iter().rev().find(|(k, _)| k == product)) {
            Some((k, f)) => (*f, Some(k.as_str())),
            None => (1.0, None),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InstanceType,
    Disk,
    Internet,
}

impl Kind {
    fn product(self) -> &'static str {
        match self {
            Kind::InstanceType => "instance",
            Kind::Disk => "disk",
            Kind::Internet => "internet",
        }
    }
}

/// One imported price, per the catalog's unit (instance-hour, GiB-hour, GB, Mbps-hour).
#[derive(Debug, Clone, PartialEq)]
struct Row {
    region: String,
    currency: Currency,
    kind: Kind,
    /// `ecs.g7.large`, `cloud_essd/PL1`, `traffic_per_gb`.
    key: String,
    price: f64,
    /// The source's key in the output's `sources`.
    source: String,
    /// What the source says (file, line, method).
    text: String,
    date: Option<String>,
}

impl Row {
    /// A DescribePrice file's date belongs to its source; a CSV's dates are per row.
    fn kind_of_source_dated(&self) -> bool {
        self.text.contains("DescribePrice")
    }
}

/// Imports `files` (name, text) in order and returns the price file's JSON text. A later row
/// for the same figure replaces an earlier one.
pub fn import(
    files: &[(String, String)],
    discounts: &Discounts,
    catalog: &Prices,
) -> Result<String> {
    let mut rows = Vec::new();
    for (name, text) in files {
        if name.to_ascii_lowercase().ends_with(".csv") {
            rows.extend(read_csv(name, text, catalog)?);
        } else {
            rows.extend(read_describe_price(name, text, catalog)?);
        }
    }
    Ok(write(rows, discounts))
}

fn currency_of(s: &str) -> Option<Currency> {
    match s {
        "CNY" => Some(Currency::CNY),
        "USD" => Some(Currency::USD),
        _ => None,
    }
}

/// Checks a row's currency against the catalog's for its region.
fn check_currency(place: &Place, region: &str, c: Currency, catalog: &Prices) -> Result<()> {
    match catalog.regions.get(region) {
        Some(r) if r.currency != c => Err(Error::input(
            place.clone(),
            format!(
                "{region} bills in {} but the price is in {c}; convert it, or give the region's \
                 own price list",
                r.currency
            ),
        )),
        _ => Ok(()),
    }
}

/// The disk key in the catalog's form: `cloud_essd` alone is PL1.
fn disk_key(key: &str) -> Option<String> {
    const PLAIN: [&str; 6] = [
        "cloud",
        "cloud_efficiency",
        "cloud_ssd",
        "ephemeral_ssd",
        "cloud_auto",
        "cloud_essd_entry",
    ];
    if PLAIN.contains(&key) {
        return Some(key.to_string());
    }
    match key {
        "cloud_essd" => Some("cloud_essd/PL1".into()),
        k if ["PL0", "PL1", "PL2", "PL3"]
            .iter()
            .any(|pl| k == format!("cloud_essd/{pl}")) =>
        {
            Some(k.to_string())
        }
        _ => None,
    }
}

const INTERNET_KEYS: [(&str, &str); 3] = [
    ("traffic_per_gb", "GB"),
    ("bandwidth_per_mbps_hour_up_to_5", "Mbps-hour"),
    ("bandwidth_per_mbps_hour_above_5", "Mbps-hour"),
];

fn hours_per_month(catalog: &Prices) -> f64 {
    catalog.rules.as_ref().map_or(720.0, |r| r.hours_per_month)
}

fn read_csv(name: &str, text: &str, catalog: &Prices) -> Result<Vec<Row>> {
    const COLUMNS: [&str; 8] = [
        "region", "kind", "key", "price", "unit", "currency", "source", "date",
    ];
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = rd
        .headers()
        .map_err(|e| Error::input(Place::at(name, 1, 1), format!("{e}")))?
        .clone();
    let mut col = BTreeMap::new();
    for (i, h) in header.iter().enumerate() {
        if !COLUMNS.contains(&h) {
            return Err(Error::input(
                Place::at(name, 1, 1),
                format!(
                    "unknown column {h:?}; a price table's header is \
                     region,kind,key,price,unit,currency[,source,date]"
                ),
            ));
        }
        col.insert(h, i);
    }
    for need in &COLUMNS[..6] {
        if !col.contains_key(need) {
            return Err(Error::input(
                Place::at(name, 1, 1),
                format!(
                    "missing column {need:?}; a price table's header is \
                     region,kind,key,price,unit,currency[,source,date]"
                ),
            ));
        }
    }
    let h = hours_per_month(catalog);
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as usize);
            Error::input(Place::at(name, line, 1), format!("{e}"))
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let place = Place::at(name, line, 1);
        let get = |c: &str| col.get(c).and_then(|&i| rec.get(i)).unwrap_or("");
        let bad = |m: String| Err(Error::input(place.clone(), m));
        let region = get("region");
        if region.is_empty() {
            return bad("empty region; give the region id, e.g. cn-hangzhou".into());
        }
        let Some(currency) = currency_of(get("currency")) else {
            return bad(format!(
                "currency {:?} is neither CNY nor USD; write CNY (China site) or USD \
                 (international site)",
                get("currency")
            ));
        };
        check_currency(&place, region, currency, catalog)?;
        let price: f64 = match get("price").parse() {
            Ok(p) if (0.0..=crate::limits::MAX_PRICE).contains(&p) => p,
            _ => {
                return bad(format!(
                    "price {:?} is not a number in 0..={}; write the list price per unit",
                    get("price"),
                    crate::limits::MAX_PRICE
                ))
            }
        };
        let key = get("key");
        let unit = get("unit");
        let (kind, key, divisor) = match get("kind") {
            "instance_type" => {
                if !key.starts_with("ecs.") {
                    return bad(format!(
                        "instance type {key:?} does not start with \"ecs.\"; write its id, e.g. \
                         ecs.g7.large"
                    ));
                }
                let d = match unit {
                    "hour" => 1.0,
                    "month" => h,
                    _ => {
                        return bad(format!(
                            "unit {unit:?} for an instance type; write hour or month \
                             (month = {h} hours)"
                        ))
                    }
                };
                (Kind::InstanceType, key.to_string(), d)
            }
            "disk" => {
                let Some(k) = disk_key(key) else {
                    return bad(format!(
                        "disk {key:?} is not a disk category; write cloud, cloud_efficiency, \
                         cloud_ssd, ephemeral_ssd, cloud_auto, cloud_essd_entry or \
                         cloud_essd/PL0..PL3"
                    ));
                };
                let d = match unit {
                    "GiB-hour" => 1.0,
                    "GiB-month" => h,
                    _ => {
                        return bad(format!(
                            "unit {unit:?} for a disk; write GiB-hour or GiB-month"
                        ))
                    }
                };
                (Kind::Disk, k, d)
            }
            "internet" => {
                let Some((k, u)) = INTERNET_KEYS.iter().find(|(k, _)| *k == key) else {
                    return bad(format!(
                        "internet price {key:?}; write traffic_per_gb, \
                         bandwidth_per_mbps_hour_up_to_5 or bandwidth_per_mbps_hour_above_5"
                    ));
                };
                if unit != *u {
                    return bad(format!("unit {unit:?} for {k}; write {u}"));
                }
                (Kind::Internet, k.to_string(), 1.0)
            }
            other => {
                return bad(format!(
                    "kind {other:?}; write instance_type, disk or internet"
                ))
            }
        };
        let source = match get("source") {
            "" => name.to_string(),
            s => s.to_string(),
        };
        let date = Some(get("date"))
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        out.push(Row {
            region: region.to_string(),
            currency,
            kind,
            key,
            price: price / divisor,
            text: format!(
                "{name}: price table (CSV); monthly prices / {h} h, figures dated by their row"
            ),
            source,
            date,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DescribePriceFile {
    #[serde(alias = "Request")]
    request: BTreeMap<String, Value>,
    #[serde(alias = "Response")]
    response: DescribePriceResponse,
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DescribePriceResponse {
    price_info: PriceInfo,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PriceInfo {
    price: ApiPrice,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiPrice {
    currency: String,
    trade_price: f64,
    detail_infos: Option<DetailInfos>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DetailInfos {
    #[serde(default)]
    detail_info: Vec<DetailInfo>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DetailInfo {
    resource: String,
    trade_price: f64,
}

fn read_describe_price(name: &str, text: &str, catalog: &Prices) -> Result<Vec<Row>> {
    let fix = "a DescribePrice file is {\"request\": {\"RegionId\": ..., \"InstanceType\": ..., \
               \"PriceUnit\": \"Hour\"}, \"response\": <DescribePrice's answer>, \"date\": \
               \"2026-12-01\"} (docs/prices.md)";
    if serde_json::from_str::<Value>(text).is_ok_and(|v| v.get("PriceInfo").is_some()) {
        return Err(Error::input(
            Place::at(name, 1, 1),
            format!(
                "a bare DescribePrice answer does not say what it priced; put it under \
                 \"response\" with the request's parameters under \"request\": {fix}"
            ),
        ));
    }
    let f: DescribePriceFile = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        Error::input(
            Place::at(name, e.line(), e.column()),
            format!("{}; {fix}", msg.strip_suffix(&suffix).unwrap_or(&msg)),
        )
    })?;
    let place = Place::new(name);
    let req = |k: &str| -> Option<String> {
        f.request.get(k).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let Some(region) = req("RegionId") else {
        return Err(Error::input(
            place,
            format!("request.RegionId is missing; {fix}"),
        ));
    };
    let price = &f.response.price_info.price;
    let Some(currency) = currency_of(&price.currency) else {
        return Err(Error::input(
            place,
            format!(
                "response Currency {:?} is neither CNY nor USD",
                price.currency
            ),
        ));
    };
    check_currency(&place, &region, currency, catalog)?;
    let period: f64 = match req("Period").as_deref().unwrap_or("1").parse() {
        Ok(p) if p >= 1.0 => p,
        _ => {
            return Err(Error::input(
                place,
                "request.Period is not a whole number >= 1; write the Period the request sent",
            ))
        }
    };
    let unit = req("PriceUnit").unwrap_or_else(|| "Hour".into());
    let unit_hours = match unit.as_str() {
        "Hour" => 1.0,
        "Week" => 168.0,
        "Month" => hours_per_month(catalog),
        "Year" => 8760.0,
        other => {
            return Err(Error::input(
                place,
                format!("request.PriceUnit {other:?}; write Hour, Week, Month or Year"),
            ))
        }
    };
    let hours = unit_hours * period;
    let detail = |r: &str| {
        price.detail_infos.as_ref().and_then(|d| {
            d.detail_info
                .iter()
                .find(|x| x.resource.eq_ignore_ascii_case(r))
                .map(|x| x.trade_price)
        })
    };
    let how = if hours == 1.0 {
        String::new()
    } else {
        format!(" / {hours} h ({unit} x {period}: the subscription's hourly equivalent)")
    };
    let base = |kind, key: String, price: f64, what: &str| Row {
        region: region.clone(),
        currency,
        kind,
        key,
        price,
        source: name.to_string(),
        text: format!("{name}: DescribePrice TradePrice{what}{how}"),
        date: f.date.clone(),
    };
    let mut out = Vec::new();
    if let Some(t) = req("InstanceType") {
        let p = detail("instanceType").unwrap_or(price.trade_price);
        out.push(base(Kind::InstanceType, t, p / hours, ""));
    }
    if let (Some(cat), Some(size)) = (req("SystemDisk.Category"), req("SystemDisk.Size")) {
        if let Some(p) = detail("systemDisk") {
            let size: f64 = size.parse().unwrap_or(0.0);
            let key = match req("SystemDisk.PerformanceLevel") {
                Some(pl) if cat == "cloud_essd" => format!("cloud_essd/{pl}"),
                _ => cat.clone(),
            };
            let Some(key) = disk_key(&key).filter(|_| size > 0.0) else {
                return Err(Error::input(
                    place,
                    format!(
                        "request SystemDisk.Category {cat:?} / Size {size}: not a priced disk; \
                         give a category of docs/prices.md and a size in GiB"
                    ),
                ));
            };
            out.push(base(
                Kind::Disk,
                key,
                p / size / hours,
                &format!(" / {size} GiB"),
            ));
        }
    }
    if out.is_empty() {
        return Err(Error::input(
            place,
            format!("the request names no InstanceType (nor a SystemDisk with a price); {fix}"),
        ));
    }
    Ok(out)
}

/// The price file: figures by region, every one confirmed and dated, its source described.
fn write(rows: Vec<Row>, discounts: &Discounts) -> String {
    let mut sources: BTreeMap<String, Value> = BTreeMap::new();
    let mut regions: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut as_of: Option<String> = None;
    for r in rows {
        let (factor, by) = discounts.factor(r.kind, &r.key);
        let (source, text) = match by {
            Some(k) => (
                format!("{} x {factor} ({k})", r.source),
                format!("{}, x {factor} negotiated discount ({k})", r.text),
            ),
            None => (r.source.clone(), r.text.clone()),
        };
        let date = (r.kind_of_source_dated()).then(|| r.date.clone()).flatten();
        sources.insert(source.clone(), json!({"text": text, "date": date}));
        if let Some(d) = &r.date {
            if as_of.as_ref().is_none_or(|a| d > a) {
                as_of = Some(d.clone());
            }
        }
        let mut fig = json!({
            "price": (r.price * factor * 1e8).round() / 1e8,
            "source": source,
            "confidence": "confirmed",
        });
        if let Some(d) = &r.date {
            fig["date"] = json!(d);
        }
        let reg = regions.entry(r.region.clone()).or_default();
        reg.insert("currency".into(), json!(r.currency.as_str()));
        let (section, key) = match r.kind {
            Kind::InstanceType => ("instance_types", r.key.clone()),
            Kind::Disk => ("disks", r.key.clone()),
            Kind::Internet => ("internet", r.key.clone()),
        };
        let sec = reg
            .entry(section)
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("sections are objects");
        match key.split_once('/') {
            Some((cat, pl)) => {
                sec.entry(cat)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("ESSD levels are an object")
                    .insert(pl.to_string(), fig);
            }
            None => {
                sec.insert(key, fig);
            }
        }
    }
    let mut out = Map::new();
    if let Some(d) = as_of {
        out.insert("as_of".into(), json!(d));
    }
    out.insert("sources".into(), json!(sources));
    out.insert("regions".into(), json!(regions));
    let mut s = serde_json::to_string_pretty(&Value::Object(out)).expect("JSON values print");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Prices {
        Prices::default_embedded()
    }

    #[test]
    fn discounts_pick_the_family_over_the_product() {
        let d = Discounts::parse(&["instance=0.9".into(), "ecs.g7=0.8".into()]).unwrap();
        assert_eq!(d.factor(Kind::InstanceType, "ecs.g7.large").0, 0.8);
        assert_eq!(d.factor(Kind::InstanceType, "ecs.g7se.large").0, 0.9);
        assert_eq!(d.factor(Kind::Disk, "cloud_essd/PL1").0, 1.0);
        for bad in ["x", "ecs.g7=0", "ecs.g7=1.5", "gpu=0.5", "disk=abc"] {
            assert!(Discounts::parse(&[bad.into()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_csv_row_with_a_bad_unit_names_its_line() {
        let text = "region,kind,key,price,unit,currency\n\
                    cn-hangzhou,instance_type,ecs.g7.large,0.5,hour,CNY\n\
                    cn-hangzhou,disk,cloud_essd/PL1,1.5,GiB-day,CNY\n";
        let e = read_csv("mine.csv", text, &catalog())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.csv:3:1:"), "{e}");
        assert!(e.contains("write GiB-hour or GiB-month"), "{e}");
        let e = read_csv(
            "mine.csv",
            "region,kind,key,price,unit,currency\nap-southeast-1,instance_type,ecs.g7.large,3,hour,CNY\n",
            &catalog(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("ap-southeast-1 bills in USD but the price is in CNY"),
            "{e}"
        );
    }
}
