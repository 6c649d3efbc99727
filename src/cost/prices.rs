//! The price catalog: the embedded `data/prices.json` and a planner's price files merged over it.
//!
//! A price file is one JSON object of the embedded file's shape, every part optional:
//!
//! ```json
//! {"as_of": "2026-11-28",
//!  "sources": {"my-quote": "DescribePrice, 2026-11-20"},
//!  "regions": {"cn-hangzhou": {
//!     "currency": "CNY",
//!     "instance_types": {"ecs.g7.large": {"price": 0.55, "source": "my-quote", "confirmed": true}},
//!     "disks": {"cloud_essd": {"PL1": 0.0021}},
//!     "internet": {"traffic_per_gb": 0.8}}}}
//! ```
//!
//! Files merge by keys, in order: a figure given later replaces the earlier one whole, every
//! figure not given is kept. A figure is `{"price", "source", "confirmed"}` or a bare number,
//! which takes the file's path as its source and counts as confirmed (the planner's own
//! figure). Units: instance types per instance-hour, disks per GiB-hour, internet per GB out
//! and per Mbps-hour (`bandwidth_per_mbps_hour_up_to_5` for each of the first 5 Mbps,
//! `bandwidth_per_mbps_hour_above_5` for each Mbps above). Every price is in its region's
//! `currency`. See `docs/prices.md` for each default figure's source.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Place, Result};
use crate::request::typed::{DiskCategory, PerformanceLevel};

/// The embedded default catalog's name in messages.
pub const DEFAULT_NAME: &str = "data/prices.json";
const DEFAULT_TEXT: &str = include_str!("../../data/prices.json");

/// The currency a region bills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    CNY,
    USD,
}

impl Currency {
    pub fn as_str(self) -> &'static str {
        match self {
            Currency::CNY => "CNY",
            Currency::USD => "USD",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a figure can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Read in its source (a price list, DescribePrice, the planner's own figure).
    Confirmed,
    /// Computed from cited figures by a stated rule (a family rate, a factor, a region applied).
    Derived,
    /// Remembered or third-party with an unknown method.
    Recalled,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::Derived => "derived",
            Confidence::Recalled => "recalled",
        }
    }
}

/// One price with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// Per unit (instance-hour, GiB-hour, GB, Mbps-hour), in the region's currency; ≥ 0.
    pub price: f64,
    /// A key of [`Prices::sources`] or free text (a bare number's source is its file's path).
    pub source: String,
    pub confidence: Confidence,
    /// The price's date: the figure's own, else its source's, else its file's `as_of`.
    pub date: String,
    /// For a figure derived by the catalog's `derive` rules: the arithmetic
    /// (`185 CNY/vCPU-month (ecs.g7) x 2 vCPU / 720 h`). `None` for a figure given in a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

impl Figure {
    /// Whether the figure was read in its source (not derived or recalled).
    pub fn confirmed(&self) -> bool {
        self.confidence == Confidence::Confirmed
    }
}

/// A figure as written in a file: a bare number or an object, the rest optional.
#[derive(Debug, Clone, PartialEq)]
struct FigureIn {
    price: f64,
    source: Option<String>,
    confidence: Option<Confidence>,
    date: Option<String>,
}

/// A citation: its text and date (`"text"` alone is accepted, dated by its file's `as_of`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub text: String,
    pub date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
enum SourceIn {
    Text(String),
    Dated { text: String, date: Option<String> },
}

impl From<SourceIn> for Source {
    fn from(s: SourceIn) -> Source {
        match s {
            SourceIn::Text(text) => Source { text, date: None },
            SourceIn::Dated { text, date } => Source { text, date },
        }
    }
}

/// A price in `0..=`[`crate::limits::MAX_PRICE`]; serde places a refusal at its line and
/// column.
fn check_price<E: de::Error>(v: f64) -> std::result::Result<f64, E> {
    let max = crate::limits::MAX_PRICE;
    if v.is_finite() && (0.0..=max).contains(&v) {
        Ok(v)
    } else if v > max {
        Err(E::custom(format!(
            "price {} is over the ceiling of {max} per unit (instance-hour, GiB-hour, GB or \
             Mbps-hour); check the unit and the decimal point (docs/reliability.md)",
            crate::limits::show(v)
        )))
    } else {
        Err(E::custom(format!(
            "price {v} is negative; write a price >= 0 per unit in the region's currency"
        )))
    }
}

impl<'de> Deserialize<'de> for FigureIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FigureIn;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a price: a number >= 0 or {\"price\": 0.59, \"source\": \"...\", \"confirmed\": true}",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<FigureIn, E> {
                Ok(FigureIn {
                    price: check_price(v)?,
                    source: None,
                    confidence: None,
                    date: None,
                })
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<FigureIn, E> {
                self.visit_f64(v as f64)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<FigureIn, E> {
                self.visit_f64(v as f64)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut m: A,
            ) -> std::result::Result<FigureIn, A::Error> {
                let mut price = None;
                let mut source = None;
                let mut confidence = None;
                let mut date = None;
                while let Some(k) = m.next_key::<String>()? {
                    match k.as_str() {
                        "price" => price = Some(check_price(m.next_value::<f64>()?)?),
                        "source" => source = Some(m.next_value::<String>()?),
                        "confidence" => confidence = Some(m.next_value::<Confidence>()?),
                        // The older form: false was "derived or recalled".
                        "confirmed" => {
                            confidence = Some(if m.next_value::<bool>()? {
                                Confidence::Confirmed
                            } else {
                                Confidence::Derived
                            })
                        }
                        "date" => date = Some(m.next_value::<String>()?),
                        other => {
                            return Err(de::Error::unknown_field(
                                other,
                                &["price", "source", "confidence", "date", "confirmed"],
                            ))
                        }
                    }
                }
                let price = price.ok_or_else(|| de::Error::missing_field("price"))?;
                Ok(FigureIn {
                    price,
                    source,
                    confidence,
                    date,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Checks a subscription rule's factors: premiums > 0, the week fraction in (0, 1].
fn check_factors(source: &str, r: &SubscriptionRule) -> Result<()> {
    let ok = r.hours_per_month > 0.0
        && r.instance_payg_premium.factor > 0.0
        && r.disk_payg_premium.factor > 0.0
        && r.week_of_month.factor > 0.0
        && r.week_of_month.factor <= 1.0
        && r.bandwidth_per_mbps_month
            .values()
            .all(|b| b.up_to_5 >= 0.0 && b.above_5 >= 0.0);
    if ok {
        Ok(())
    } else {
        Err(Error::input(
            Place::at(source, 1, 1),
            "subscription: hours_per_month and the premiums must be > 0, week_of_month in \
             (0, 1] and bandwidth prices >= 0; see docs/billing.md"
                .to_string(),
        ))
    }
}

/// ESSD prices by performance level.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct EssdIn {
    #[serde(rename = "PL0")]
    pl0: Option<FigureIn>,
    #[serde(rename = "PL1")]
    pl1: Option<FigureIn>,
    #[serde(rename = "PL2")]
    pl2: Option<FigureIn>,
    #[serde(rename = "PL3")]
    pl3: Option<FigureIn>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisksIn {
    cloud: Option<FigureIn>,
    cloud_efficiency: Option<FigureIn>,
    cloud_ssd: Option<FigureIn>,
    ephemeral_ssd: Option<FigureIn>,
    cloud_essd: Option<EssdIn>,
    cloud_auto: Option<FigureIn>,
    cloud_essd_entry: Option<FigureIn>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct InternetIn {
    traffic_per_gb: Option<FigureIn>,
    bandwidth_per_mbps_hour_up_to_5: Option<FigureIn>,
    bandwidth_per_mbps_hour_above_5: Option<FigureIn>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionIn {
    currency: Option<Currency>,
    #[serde(default)]
    instance_types: BTreeMap<String, FigureIn>,
    disks: Option<DisksIn>,
    internet: Option<InternetIn>,
}

/// One price file as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    as_of: Option<String>,
    #[serde(default)]
    sources: BTreeMap<String, SourceIn>,
    derive: Option<Rules>,
    subscription: Option<SubscriptionRule>,
    cdt: Option<CdtRule>,
    minimum_charge: Option<MinimumCharge>,
    #[serde(default)]
    regions: BTreeMap<String, RegionIn>,
}

/// Subscription (PrePaid) prices as rules over the pay-as-you-go figures (`subscription` in
/// `data/prices.json`; docs/billing.md). A later file's `subscription` replaces it whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionRule {
    /// A month of pay-as-you-go hours (720: 30 days).
    pub hours_per_month: f64,
    /// Pay-as-you-go compute over the month price: month = hourly x hours / factor.
    pub instance_payg_premium: Factor,
    /// Pay-as-you-go disks over the month price, the same way.
    pub disk_payg_premium: Factor,
    /// A week's subscription as a fraction of the month's.
    pub week_of_month: Factor,
    /// Per currency: PayByBandwidth subscription per Mbps-month, tiered at 5 Mbps.
    #[serde(default)]
    pub bandwidth_per_mbps_month: BTreeMap<Currency, MonthlyBandwidth>,
}

/// A factor of a rule and its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    pub factor: f64,
    pub source: String,
}

/// PayByBandwidth subscription prices per Mbps-month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonthlyBandwidth {
    pub up_to_5: f64,
    pub above_5: f64,
    pub source: String,
}

/// CDT's free internet allowance (`cdt` in `data/prices.json`; docs/billing.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdtRule {
    /// The first day (UTC, `YYYY-MM-DD`) on which the allowance applies.
    pub since: String,
    pub free_gb_per_month: FreeGb,
    /// Region ids starting with this are in mainland China...
    pub mainland_prefix: String,
    /// ...except these.
    #[serde(default)]
    pub outside_mainland: Vec<String>,
    pub source: String,
}

/// Free GB a month, per account, in each of CDT's two pools.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreeGb {
    pub mainland: f64,
    pub outside: f64,
}

impl CdtRule {
    /// Whether a region draws on the mainland China allowance.
    pub fn mainland(&self, region: &str) -> bool {
        region.starts_with(&self.mainland_prefix)
            && !self.outside_mainland.iter().any(|r| r == region)
    }
}

/// The least a pay-as-you-go instance's lifecycle is charged (`minimum_charge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimumCharge {
    pub per_instance_lifecycle: BTreeMap<Currency, f64>,
    pub source: String,
}

/// The rules that derive an instance type's price where no file gives one (`derive` in
/// `data/prices.json`; docs/prices.md "The per-family method"). Every rule names its source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Monthly figures become hourly by this divisor (720: 30 days).
    pub hours_per_month: f64,
    /// Per currency: price per vCPU-month by family (`ecs.g7`), linear in vCPU.
    #[serde(default)]
    pub family_rates: BTreeMap<Currency, FamilyRates>,
    pub arm: Option<ArmRule>,
    pub remote_regions: Option<RemoteRule>,
    /// Per currency: per vCPU-hour + per GiB-hour, for families without a family rate.
    #[serde(default)]
    pub resource_rates: BTreeMap<Currency, ResourceRates>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FamilyRates {
    pub source: String,
    pub per_vcpu_month: BTreeMap<String, f64>,
}

/// ARM (Yitian) families priced at `factor` x the Intel family of the same size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmRule {
    pub factor: f64,
    pub source: String,
    /// ARM family -> the Intel family whose rate it takes.
    pub like: BTreeMap<String, String>,
}

/// Regions priced at `factor` x the central regions' derived figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteRule {
    pub factor: f64,
    pub source: String,
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRates {
    pub per_vcpu_hour: f64,
    pub per_gib_hour: f64,
    pub source: String,
}

/// What the rules need to know of an instance type (from the embedded world).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeFacts {
    pub id: String,
    pub family: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    pub arm: bool,
}

/// The embedded world's instance types, read once.
fn world_types() -> &'static [TypeFacts] {
    static TYPES: std::sync::OnceLock<Vec<TypeFacts>> = std::sync::OnceLock::new();
    TYPES.get_or_init(|| {
        let doc =
            crate::world::load::load_doc(&[]).expect("the embedded world is checked by tests");
        doc.instance_types
            .inner
            .values()
            .flatten()
            .map(|t| TypeFacts {
                id: t.instance_type_id.clone(),
                family: t.instance_type_family.clone(),
                vcpu: t.cpu_core_count,
                memory_gib: t.memory_size,
                arm: t.cpu_architecture.eq_ignore_ascii_case("ARM"),
            })
            .collect()
    })
}

/// Rounds a derived price to 4 decimals (the precision Alibaba's price lists quote).
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Rules {
    /// The price per instance-hour of `t` in `region` (billing in `currency`) and its
    /// arithmetic and source, or `None` when no rule covers it. The one place the per-family
    /// method lives.
    pub fn derive(
        &self,
        region: &str,
        currency: Currency,
        t: &TypeFacts,
    ) -> Option<(f64, String, String)> {
        let h = self.hours_per_month;
        let rates = self.family_rates.get(&currency);
        let rate_of = |family: &str| rates.and_then(|r| r.per_vcpu_month.get(family).copied());
        let cur = currency.as_str();
        let (mut price, mut method, source) = if let Some(rate) = rate_of(&t.family) {
            (
                rate * f64::from(t.vcpu) / h,
                format!(
                    "{rate} {cur}/vCPU-month ({}) x {} vCPU / {h} h",
                    t.family, t.vcpu
                ),
                rates?.source.clone(),
            )
        } else if let Some((arm, rate, like)) = self
            .arm
            .as_ref()
            .filter(|_| t.arm)
            .and_then(|a| a.like.get(&t.family).map(|l| (a, l)))
            .and_then(|(a, l)| rate_of(l).map(|r| (a, r, l)))
        {
            (
                rate * f64::from(t.vcpu) / h * arm.factor,
                format!(
                    "{rate} {cur}/vCPU-month ({like}) x {} vCPU / {h} h x ARM {}",
                    t.vcpu, arm.factor
                ),
                arm.source.clone(),
            )
        } else {
            let r = self.resource_rates.get(&currency)?;
            (
                r.per_vcpu_hour * f64::from(t.vcpu) + r.per_gib_hour * t.memory_gib,
                format!(
                    "{} {cur}/vCPU-h x {} vCPU + {} {cur}/GiB-h x {} GiB",
                    r.per_vcpu_hour, t.vcpu, r.per_gib_hour, t.memory_gib
                ),
                r.source.clone(),
            )
        };
        if let Some(remote) = self
            .remote_regions
            .as_ref()
            .filter(|r| r.regions.iter().any(|x| x == region))
        {
            price *= remote.factor;
            method.push_str(&format!(" x remote region {}", remote.factor));
        }
        Some((round4(price), method, source))
    }
}

/// Disk prices per GiB-hour; `None` where no file gave one.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DiskPrices {
    pub cloud: Option<Figure>,
    pub cloud_efficiency: Option<Figure>,
    pub cloud_ssd: Option<Figure>,
    pub ephemeral_ssd: Option<Figure>,
    /// PL0..PL3.
    pub cloud_essd: [Option<Figure>; 4],
    /// ESSD AutoPL capacity (provisioned IOPS are not priced).
    pub cloud_auto: Option<Figure>,
    pub cloud_essd_entry: Option<Figure>,
}

/// Internet prices.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct InternetPrices {
    /// PayByTraffic, per GB outbound.
    pub traffic_per_gb: Option<Figure>,
    /// PayByBandwidth, per Mbps-hour for each of the first 5 Mbps.
    pub bandwidth_per_mbps_hour_up_to_5: Option<Figure>,
    /// PayByBandwidth, per Mbps-hour for each Mbps above 5.
    pub bandwidth_per_mbps_hour_above_5: Option<Figure>,
}

/// One region's prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionPrices {
    pub currency: Currency,
    /// Pay-as-you-go per instance-hour, by instance type id.
    pub instance_types: BTreeMap<String, Figure>,
    pub disks: DiskPrices,
    pub internet: InternetPrices,
}

/// The three internet prices of a region, all present.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InternetRates {
    pub currency: Currency,
    /// Per GB outbound.
    pub traffic_per_gb: f64,
    /// Per Mbps-hour, each of the first 5 Mbps.
    pub bandwidth_up_to_5: f64,
    /// Per Mbps-hour, each Mbps above 5.
    pub bandwidth_above_5: f64,
}

/// The merged catalog.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prices {
    /// The date of the last file that gave one (the embedded catalog's by default).
    pub as_of: String,
    /// Citations by key.
    pub sources: BTreeMap<String, Source>,
    /// The rules that derive instance types' prices no file gives.
    pub rules: Option<Rules>,
    /// Subscription prices as rules over pay-as-you-go (None: PrePaid is not priced).
    pub subscription: Option<SubscriptionRule>,
    /// CDT's free allowance (None: no allowance).
    pub cdt: Option<CdtRule>,
    /// Pay-as-you-go's minimum lifecycle charge (None: none).
    pub minimum_charge: Option<MinimumCharge>,
    pub regions: BTreeMap<String, RegionPrices>,
    /// The files merged, in order, the embedded one first (for messages).
    pub files: Vec<String>,
}

impl Prices {
    /// The embedded catalog alone.
    pub fn default_embedded() -> Prices {
        let mut p = Prices::empty();
        p.merge_text(DEFAULT_NAME, DEFAULT_TEXT)
            .expect("the embedded data/prices.json is checked by tests");
        p
    }

    /// The embedded catalog with each file merged over it, in order.
    pub fn load(files: &[PathBuf]) -> Result<Prices> {
        let mut p = Prices::default_embedded();
        for path in files {
            let text = crate::limits::read_capped(path, crate::limits::InputKind::Prices)?;
            p.merge_text(&path.display().to_string(), &text)?;
        }
        Ok(p)
    }

    fn empty() -> Prices {
        Prices {
            as_of: String::new(),
            sources: BTreeMap::new(),
            rules: None,
            subscription: None,
            cdt: None,
            minimum_charge: None,
            regions: BTreeMap::new(),
            files: Vec::new(),
        }
    }

    /// Merges one price file's text (named `source` in messages) over this catalog. The file
    /// is read whole before anything changes, so a bad file leaves the catalog as it was.
    pub fn merge_text(&mut self, source: &str, text: &str) -> Result<()> {
        let file: FileIn = serde_json::from_str(text).map_err(|e| {
            Error::input(
                Place::at(source, e.line(), e.column()),
                format!(
                    "{}; a price file is one JSON object shaped like data/prices.json \
                     (see docs/prices.md)",
                    strip_position(&e)
                ),
            )
        })?;
        // Check before merging: a new region needs its currency.
        for (id, r) in &file.regions {
            if r.currency.is_none() && !self.regions.contains_key(id) {
                return Err(Error::input(
                    Place::at(source, 1, 1),
                    format!(
                        "regions.{id}: a region not in the catalog needs its \"currency\" \
                         (\"CNY\" or \"USD\"); add it next to the region's prices"
                    ),
                ));
            }
        }
        if let Some(d) = &file.as_of {
            self.as_of = d.clone();
        }
        let file_date = file.as_of.clone().unwrap_or_else(|| self.as_of.clone());
        self.sources
            .extend(file.sources.into_iter().map(|(k, v)| (k, Source::from(v))));
        if let Some(rules) = file.derive {
            self.rules = Some(rules);
        }
        if let Some(r) = file.subscription {
            check_factors(source, &r)?;
            self.subscription = Some(r);
        }
        if let Some(r) = file.cdt {
            if crate::time::parse_utc(&format!("{}T00:00:00Z", r.since)).is_none()
                || !(r.free_gb_per_month.mainland >= 0.0 && r.free_gb_per_month.outside >= 0.0)
            {
                return Err(Error::input(
                    Place::at(source, 1, 1),
                    format!(
                        "cdt: since {:?} must be a date like 2025-06-01 and free_gb_per_month                          numbers >= 0",
                        crate::error::clip(&r.since)
                    ),
                ));
            }
            self.cdt = Some(r);
        }
        if let Some(m) = file.minimum_charge {
            self.minimum_charge = Some(m);
        }
        let ctx = Ctx {
            file: source,
            date: &file_date,
            sources: &self.sources,
        };
        let source = &ctx;
        for (id, r) in file.regions {
            let slot = self.regions.entry(id).or_insert_with(|| RegionPrices {
                currency: r.currency.unwrap_or(Currency::CNY),
                instance_types: BTreeMap::new(),
                disks: DiskPrices::default(),
                internet: InternetPrices::default(),
            });
            if let Some(c) = r.currency {
                slot.currency = c;
            }
            for (t, f) in r.instance_types {
                slot.instance_types.insert(t, f.resolve(source));
            }
            if let Some(d) = r.disks {
                set(&mut slot.disks.cloud, d.cloud, source);
                set(&mut slot.disks.cloud_efficiency, d.cloud_efficiency, source);
                set(&mut slot.disks.cloud_ssd, d.cloud_ssd, source);
                set(&mut slot.disks.ephemeral_ssd, d.ephemeral_ssd, source);
                set(&mut slot.disks.cloud_auto, d.cloud_auto, source);
                set(&mut slot.disks.cloud_essd_entry, d.cloud_essd_entry, source);
                if let Some(e) = d.cloud_essd {
                    let [p0, p1, p2, p3] = &mut slot.disks.cloud_essd;
                    set(p0, e.pl0, source);
                    set(p1, e.pl1, source);
                    set(p2, e.pl2, source);
                    set(p3, e.pl3, source);
                }
            }
            if let Some(i) = r.internet {
                let s = &mut slot.internet;
                set(&mut s.traffic_per_gb, i.traffic_per_gb, source);
                set(
                    &mut s.bandwidth_per_mbps_hour_up_to_5,
                    i.bandwidth_per_mbps_hour_up_to_5,
                    source,
                );
                set(
                    &mut s.bandwidth_per_mbps_hour_above_5,
                    i.bandwidth_per_mbps_hour_above_5,
                    source,
                );
            }
        }
        self.files.push(ctx.file.to_string());
        self.derive_missing();
        Ok(())
    }

    /// Re-derives every instance type's price that no file gives, by [`Rules::derive`], for
    /// each region and each type of the embedded world. Figures a file gave are kept.
    fn derive_missing(&mut self) {
        let Some(rules) = self.rules.clone() else {
            return;
        };
        for (id, r) in self.regions.iter_mut() {
            r.instance_types.retain(|_, f| f.method.is_none());
            for t in world_types() {
                if r.instance_types.contains_key(&t.id) {
                    continue;
                }
                if let Some((price, method, source)) = rules.derive(id, r.currency, t) {
                    let date = self
                        .sources
                        .get(&source)
                        .and_then(|s| s.date.clone())
                        .unwrap_or_else(|| self.as_of.clone());
                    r.instance_types.insert(
                        t.id.clone(),
                        Figure {
                            price,
                            source,
                            confidence: Confidence::Derived,
                            date,
                            method: Some(method),
                        },
                    );
                }
            }
        }
    }

    /// The figure of an instance type, if any.
    pub fn instance_figure(&self, region: &str, instance_type: &str) -> Option<&Figure> {
        self.regions.get(region)?.instance_types.get(instance_type)
    }

    /// Where a missing price should be added, for messages.
    fn place(&self) -> Place {
        Place::new(self.files.last().map_or(DEFAULT_NAME, |s| s.as_str()))
    }

    fn missing(&self, region: &str, what: &str, example: &str) -> Error {
        Error::input(
            self.place(),
            format!(
                "no {what} price for region {region}; add it to a price file, \
                 e.g. {{\"regions\": {{\"{region}\": {example}}}}}"
            ),
        )
    }

    /// A region's prices.
    pub fn region(&self, region: &str) -> Result<&RegionPrices> {
        self.regions.get(region).ok_or_else(|| {
            self.missing(
                region,
                "",
                "{\"currency\": \"CNY\", \"instance_types\": {...}}",
            )
        })
    }

    /// The region's currency.
    pub fn currency(&self, region: &str) -> Result<Currency> {
        self.region(region).map(|r| r.currency)
    }

    /// Pay-as-you-go price per instance-hour.
    pub fn instance_hourly(&self, region: &str, instance_type: &str) -> Result<f64> {
        self.region(region)?
            .instance_types
            .get(instance_type)
            .map(|f| f.price)
            .ok_or_else(|| {
                self.missing(
                    region,
                    &format!("{instance_type} instance"),
                    &format!("{{\"instance_types\": {{\"{instance_type}\": 0.59}}}}"),
                )
            })
    }

    /// Whether the disk's figure is confirmed (false when derived, recalled or missing).
    pub fn disk_confirmed(
        &self,
        region: &str,
        category: DiskCategory,
        level: Option<PerformanceLevel>,
    ) -> bool {
        let Some(d) = self.regions.get(region).map(|r| &r.disks) else {
            return false;
        };
        let fig = match category {
            DiskCategory::Cloud => &d.cloud,
            DiskCategory::CloudEfficiency => &d.cloud_efficiency,
            DiskCategory::CloudSsd => &d.cloud_ssd,
            DiskCategory::EphemeralSsd => &d.ephemeral_ssd,
            DiskCategory::CloudAuto => &d.cloud_auto,
            DiskCategory::CloudEssdEntry => &d.cloud_essd_entry,
            DiskCategory::CloudEssd => {
                &d.cloud_essd[match level.unwrap_or(PerformanceLevel::PL1) {
                    PerformanceLevel::PL0 => 0,
                    PerformanceLevel::PL1 => 1,
                    PerformanceLevel::PL2 => 2,
                    PerformanceLevel::PL3 => 3,
                }]
            }
            _ => &None,
        };
        fig.as_ref().is_some_and(Figure::confirmed)
    }

    /// The sources of the figures a shape is priced with: its type, disks and internet.
    pub fn shape_sources(
        &self,
        region: &str,
        instance_type: &str,
        disks: &[(DiskCategory, Option<PerformanceLevel>)],
    ) -> Vec<String> {
        let mut out = Vec::new();
        let Some(r) = self.regions.get(region) else {
            return out;
        };
        if let Some(f) = r.instance_types.get(instance_type) {
            out.push(f.source.clone());
        }
        let d = &r.disks;
        for (c, l) in disks {
            let f = match c {
                DiskCategory::CloudEssd => {
                    let i = PerformanceLevel::ALL
                        .iter()
                        .position(|x| Some(*x) == *l)
                        .unwrap_or(1);
                    &d.cloud_essd[i]
                }
                DiskCategory::Cloud => &d.cloud,
                DiskCategory::CloudEfficiency => &d.cloud_efficiency,
                DiskCategory::CloudSsd => &d.cloud_ssd,
                DiskCategory::EphemeralSsd => &d.ephemeral_ssd,
                DiskCategory::CloudAuto => &d.cloud_auto,
                DiskCategory::CloudEssdEntry => &d.cloud_essd_entry,
                _ => &None,
            };
            out.extend(f.iter().map(|f| f.source.clone()));
        }
        let i = &r.internet;
        for f in [
            &i.traffic_per_gb,
            &i.bandwidth_per_mbps_hour_up_to_5,
            &i.bandwidth_per_mbps_hour_above_5,
        ]
        .into_iter()
        .flatten()
        {
            out.push(f.source.clone());
        }
        out
    }

    /// Disk price per GiB-hour. ESSD without a level is PL1 (the API's default).
    pub fn disk_per_gib_hour(
        &self,
        region: &str,
        category: DiskCategory,
        level: Option<PerformanceLevel>,
    ) -> Result<f64> {
        let d = &self.region(region)?.disks;
        let (fig, key) = match category {
            DiskCategory::Cloud => (&d.cloud, "cloud".to_string()),
            DiskCategory::CloudEfficiency => (&d.cloud_efficiency, "cloud_efficiency".into()),
            DiskCategory::CloudSsd => (&d.cloud_ssd, "cloud_ssd".into()),
            DiskCategory::EphemeralSsd => (&d.ephemeral_ssd, "ephemeral_ssd".into()),
            DiskCategory::CloudAuto => (&d.cloud_auto, "cloud_auto".into()),
            DiskCategory::CloudEssdEntry => (&d.cloud_essd_entry, "cloud_essd_entry".into()),
            DiskCategory::CloudRegionalDiskAuto
            | DiskCategory::ElasticEphemeralDiskStandard
            | DiskCategory::ElasticEphemeralDiskPremium => (&None, category.to_string()),
            DiskCategory::CloudEssd => {
                let pl = level.unwrap_or(PerformanceLevel::PL1);
                let i = match pl {
                    PerformanceLevel::PL0 => 0,
                    PerformanceLevel::PL1 => 1,
                    PerformanceLevel::PL2 => 2,
                    PerformanceLevel::PL3 => 3,
                };
                (&d.cloud_essd[i], format!("cloud_essd {pl}"))
            }
        };
        fig.as_ref().map(|f| f.price).ok_or_else(|| {
            let example = match category {
                DiskCategory::CloudEssd => format!(
                    "{{\"disks\": {{\"cloud_essd\": {{\"{}\": 0.0021}}}}}}",
                    level.unwrap_or(PerformanceLevel::PL1)
                ),
                c => format!("{{\"disks\": {{\"{c}\": 0.0007}}}}"),
            };
            self.missing(region, &format!("{key} disk"), &example)
        })
    }

    /// The region's internet prices, all three present.
    pub fn internet(&self, region: &str) -> Result<InternetRates> {
        let r = self.region(region)?;
        let i = &r.internet;
        let get = |f: &Option<Figure>, key: &str| {
            f.as_ref().map(|f| f.price).ok_or_else(|| {
                self.missing(
                    region,
                    &format!("internet {key}"),
                    &format!("{{\"internet\": {{\"{key}\": 0.8}}}}"),
                )
            })
        };
        Ok(InternetRates {
            currency: r.currency,
            traffic_per_gb: get(&i.traffic_per_gb, "traffic_per_gb")?,
            bandwidth_up_to_5: get(
                &i.bandwidth_per_mbps_hour_up_to_5,
                "bandwidth_per_mbps_hour_up_to_5",
            )?,
            bandwidth_above_5: get(
                &i.bandwidth_per_mbps_hour_above_5,
                "bandwidth_per_mbps_hour_above_5",
            )?,
        })
    }

    /// Every figure with its place in the catalog (`cn-hangzhou/disks/cloud_essd/PL1`), in
    /// a fixed order: for docs and checks.
    pub fn figures(&self) -> Vec<(String, &Figure)> {
        let mut out = Vec::new();
        for (id, r) in &self.regions {
            let i = &r.internet;
            for (k, f) in [
                ("traffic_per_gb", &i.traffic_per_gb),
                (
                    "bandwidth_per_mbps_hour_up_to_5",
                    &i.bandwidth_per_mbps_hour_up_to_5,
                ),
                (
                    "bandwidth_per_mbps_hour_above_5",
                    &i.bandwidth_per_mbps_hour_above_5,
                ),
            ] {
                if let Some(f) = f {
                    out.push((format!("{id}/internet/{k}"), f));
                }
            }
            let d = &r.disks;
            for (k, f) in [
                ("cloud", &d.cloud),
                ("cloud_efficiency", &d.cloud_efficiency),
                ("cloud_ssd", &d.cloud_ssd),
                ("ephemeral_ssd", &d.ephemeral_ssd),
                ("cloud_essd/PL0", &d.cloud_essd[0]),
                ("cloud_essd/PL1", &d.cloud_essd[1]),
                ("cloud_essd/PL2", &d.cloud_essd[2]),
                ("cloud_essd/PL3", &d.cloud_essd[3]),
                ("cloud_auto", &d.cloud_auto),
                ("cloud_essd_entry", &d.cloud_essd_entry),
            ] {
                if let Some(f) = f {
                    out.push((format!("{id}/disks/{k}"), f));
                }
            }
            for (t, f) in &r.instance_types {
                out.push((format!("{id}/instance_types/{t}"), f));
            }
        }
        out
    }
}

/// What a figure read from a file resolves against: the file's path (a bare number's
/// source), its date, and the citations known so far (a source's date).
struct Ctx<'a> {
    file: &'a str,
    date: &'a str,
    sources: &'a BTreeMap<String, Source>,
}

impl FigureIn {
    fn resolve(self, ctx: &Ctx) -> Figure {
        let source = self.source.unwrap_or_else(|| ctx.file.to_string());
        let date = self
            .date
            .or_else(|| ctx.sources.get(&source).and_then(|s| s.date.clone()))
            .unwrap_or_else(|| ctx.date.to_string());
        Figure {
            price: self.price,
            source,
            confidence: self.confidence.unwrap_or(Confidence::Confirmed),
            date,
            method: None,
        }
    }
}

/// What a cost rests on: the catalog's date, the price files, the sources of the figures
/// used, and the share of the cost priced with confirmed figures.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Statement {
    /// The catalog's `as_of` (the last file's that gives one).
    pub as_of: String,
    /// The price files merged, the embedded catalog first.
    pub files: Vec<String>,
    /// The sources of the figures the plan is priced with, sorted, unique.
    pub sources: Vec<String>,
    /// The share of the cost (summed over trials) priced with confirmed figures; the rest
    /// rests on derived or recalled ones (and spot traces). 1 when there is no cost.
    pub confirmed_share: f64,
}

/// A derived share above this gets a warning (docs/prices.md).
pub const DERIVED_WARNING_SHARE: f64 = 0.5;

impl Statement {
    /// The statement for one currency's shapes `(region, type, disks)` and its cost sums.
    pub fn of<'a, D: AsRef<[(DiskCategory, Option<PerformanceLevel>)]>>(
        prices: &Prices,
        currency: Currency,
        shapes: impl Iterator<Item = (&'a str, &'a str, D)>,
        confirmed: f64,
        total: f64,
    ) -> Statement {
        let _ = currency;
        let mut sources = std::collections::BTreeSet::new();
        for (region, t, disks) in shapes {
            sources.extend(prices.shape_sources(region, t, disks.as_ref()));
        }
        Statement {
            as_of: prices.as_of.clone(),
            files: prices.files.clone(),
            sources: sources.into_iter().collect(),
            confirmed_share: if total > 0.0 {
                (confirmed / total).clamp(0.0, 1.0)
            } else {
                1.0
            },
        }
    }

    /// The share resting on derived or recalled figures.
    pub fn derived_share(&self) -> f64 {
        1.0 - self.confirmed_share
    }

    /// The warning when most of the cost is derived, if it is.
    pub fn warning(&self, currency: Currency) -> Option<String> {
        (self.derived_share() > DERIVED_WARNING_SHARE).then(|| {
            format!(
                "{:.1}% of the {currency} cost rests on derived or recalled prices, not on \
                 confirmed ones; import your own with `ecsim prices import` and pass them with \
                 --prices (docs/prices.md)",
                self.derived_share() * 100.0
            )
        })
    }
}

/// One row of `ecsim prices list`.
#[derive(Serialize)]
struct FigureRow<'a> {
    at: &'a str,
    price: f64,
    currency: &'static str,
    unit: &'static str,
    confidence: &'static str,
    source: &'a str,
    date: &'a str,
    method: &'a str,
}

impl Prices {
    /// Every figure as CSV (`at,price,currency,unit,confidence,source,date,method`), in the
    /// order of [`Prices::figures`].
    pub fn figures_csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        for (at, f) in self.figures() {
            let region = at.split('/').next().unwrap_or("");
            let unit = if at.contains("/instance_types/") {
                "instance-hour"
            } else if at.contains("/disks/") {
                "GiB-hour"
            } else if at.ends_with("traffic_per_gb") {
                "GB"
            } else {
                "Mbps-hour"
            };
            w.serialize(FigureRow {
                at: &at,
                price: f.price,
                currency: self.regions.get(region).map_or("", |r| r.currency.as_str()),
                unit,
                confidence: f.confidence.as_str(),
                source: &f.source,
                date: &f.date,
                method: f.method.as_deref().unwrap_or(""),
            })
            .expect("CSV rows serialise");
        }
        w.into_inner().expect("a Vec takes the bytes")
    }
}

fn set(slot: &mut Option<Figure>, new: Option<FigureIn>, ctx: &Ctx) {
    if let Some(f) = new {
        *slot = Some(f.resolve(ctx));
    }
}

/// serde_json's message without its trailing ` at line L column C` (the place says it).
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    crate::error::plain(msg.strip_suffix(&suffix).unwrap_or(&msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world_doc() -> crate::world::WorldDoc {
        crate::world::load::load_doc(&[]).unwrap()
    }

    #[test]
    fn embedded_catalog_loads_and_every_figure_is_sourced() {
        let p = Prices::default_embedded();
        assert_eq!(p.as_of, "2026-12-01");
        let figs = p.figures();
        assert!(figs.len() > 150);
        for (at, f) in figs {
            assert!(
                p.sources.contains_key(&f.source),
                "{at}: source {:?} is not in sources",
                f.source
            );
            let s = &p.sources[&f.source];
            assert!(s.date.is_some(), "{at}: source {:?} has no date", f.source);
            assert_eq!(Some(&f.date), s.date.as_ref(), "{at}");
            // A derived instance price says how; a figure from a file does not.
            assert_eq!(
                f.method.is_some(),
                at.contains("/instance_types/") && f.confidence == Confidence::Derived,
                "{at}"
            );
        }
    }

    #[test]
    fn embedded_figures_are_written_in_full() {
        // Bare numbers are for planners' files; the default names source and status.
        let v: serde_json::Value = serde_json::from_str(DEFAULT_TEXT).unwrap();
        fn walk(v: &serde_json::Value, at: &str) {
            match v {
                serde_json::Value::Number(_) => panic!("{at}: bare number in the default"),
                serde_json::Value::Object(m) if m.contains_key("price") => {
                    assert!(
                        m.contains_key("source") && m.contains_key("confidence"),
                        "{at}"
                    );
                }
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        walk(v, &format!("{at}/{k}"));
                    }
                }
                _ => {}
            }
        }
        walk(&v["regions"], "regions");
    }

    #[test]
    fn every_world_type_has_a_price_in_every_world_region() {
        let doc = world_doc();
        let p = Prices::default_embedded();
        let regions: Vec<_> = doc.regions.inner.values().flatten().collect();
        let types: Vec<_> = doc.instance_types.inner.values().flatten().collect();
        assert_eq!(regions.len(), 6);
        for r in &regions {
            let rid = &r.region_id;
            let cur = p.currency(rid).unwrap();
            let want = if rid.starts_with("cn-") {
                Currency::CNY
            } else {
                Currency::USD
            };
            assert_eq!(cur, want, "{rid}");
            p.internet(rid).unwrap();
            // Regional AutoPL and elastic ephemeral disks have no figure yet: a replay that
            // uses them warns once and leaves them out (docs/prices.md).
            let unpriced = [
                DiskCategory::CloudRegionalDiskAuto,
                DiskCategory::ElasticEphemeralDiskStandard,
                DiskCategory::ElasticEphemeralDiskPremium,
            ];
            for c in DiskCategory::ALL.iter().filter(|c| !unpriced.contains(c)) {
                p.disk_per_gib_hour(rid, *c, None).unwrap();
            }
            for l in PerformanceLevel::ALL {
                p.disk_per_gib_hour(rid, DiskCategory::CloudEssd, Some(*l))
                    .unwrap();
            }
            for t in &types {
                let price = p.instance_hourly(rid, &t.instance_type_id).unwrap();
                assert!(price > 0.0, "{rid} {}", t.instance_type_id);
            }
        }
    }

    #[test]
    fn catalog_agrees_with_the_spot_traces_origin_price() {
        let doc = world_doc();
        let zones: BTreeMap<String, String> = doc
            .available_zones
            .inner
            .values()
            .flatten()
            .map(|z| (z.zone_id.clone(), z.region_id.clone()))
            .collect();
        let p = Prices::default_embedded();
        for s in doc.spot_prices.inner.values().flatten() {
            let region = &zones[&s.zone_id];
            assert_eq!(
                p.instance_hourly(region, &s.instance_type).unwrap(),
                s.origin_price,
                "{} {}",
                s.zone_id,
                s.instance_type
            );
        }
    }

    #[test]
    fn the_per_family_method_by_hand() {
        let p = Prices::default_embedded();
        let fig = |r: &str, t: &str| p.instance_figure(r, t).unwrap().clone();
        // 185 CNY per vCPU-month (g7) x 2 vCPU / 720 h = 0.513888... -> 0.5139.
        let g7 = fig("cn-hangzhou", "ecs.g7.large");
        assert_eq!(g7.price, 0.5139);
        assert_eq!(g7.confidence, Confidence::Derived);
        assert_eq!(g7.source, "vonng-2024");
        assert_eq!(g7.date, "2024-03-10");
        assert_eq!(
            g7.method.as_deref(),
            Some("185 CNY/vCPU-month (ecs.g7) x 2 vCPU / 720 h")
        );
        // Central regions are priced alike: 170 x 4 / 720 = 0.9444.
        assert_eq!(fig("cn-beijing", "ecs.g6.xlarge").price, 0.9444);
        // r7: 246 x 2 / 720 = 0.68333 -> 0.6833 (the flat rate had 0.91).
        assert_eq!(fig("cn-shanghai", "ecs.r7.large").price, 0.6833);
        // ARM: 152 (c8i) x 2 / 720 x 0.71 = 0.299777... -> 0.2998.
        assert_eq!(fig("cn-hangzhou", "ecs.c8y.large").price, 0.2998);
        // Remote region: 185 x 2 / 720 x 0.70 = 0.359722... -> 0.3597.
        assert_eq!(fig("cn-wulanchabu", "ecs.g7.large").price, 0.3597);
        // No family rate: the gen-6 fit, 0.147 x 2 + 0.021 x 16 = 0.63.
        let r5 = fig("cn-shanghai", "ecs.r5.large");
        assert_eq!(r5.price, 0.63);
        assert_eq!(r5.source, "vonng-2024-fit");
        // International: 0.030 x 2 + 0.0088 x 8 = 0.1304 (Singapore g6.large was 0.72).
        assert_eq!(fig("ap-southeast-1", "ecs.g6.large").price, 0.1304);
        // A figure given in a file wins over the rule: the 2019 doc's g5.large.
        let g5 = fig("cn-hangzhou", "ecs.g5.large");
        assert_eq!((g5.price, g5.confidence), (0.354, Confidence::Confirmed));
        assert_eq!(g5.date, "2019");
    }

    #[test]
    fn a_planner_file_replaces_a_rule_and_the_derived_prices_follow() {
        let mut p = Prices::default_embedded();
        p.merge_text(
            "rules.json",
            r#"{"derive": {"hours_per_month": 730,
                "family_rates": {"CNY": {"source": "mine", "per_vcpu_month": {"ecs.g7": 146}}}}}"#,
        )
        .unwrap();
        // 146 x 2 / 730 = 0.4.
        assert_eq!(
            p.instance_hourly("cn-hangzhou", "ecs.g7.large").unwrap(),
            0.4
        );
        // No resource rate any more: c7 has no rule and no figure.
        assert!(p.instance_hourly("cn-hangzhou", "ecs.c7.large").is_err());
        // A figure given in an earlier file is kept.
        assert_eq!(
            p.instance_hourly("cn-hangzhou", "ecs.g5.large").unwrap(),
            0.354
        );
    }

    #[test]
    fn published_internet_and_disk_figures() {
        let p = Prices::default_embedded();
        let hz = p.internet("cn-hangzhou").unwrap();
        assert_eq!(
            (
                hz.traffic_per_gb,
                hz.bandwidth_up_to_5,
                hz.bandwidth_above_5
            ),
            (0.80, 0.063, 0.248)
        );
        assert_eq!(p.internet("ap-southeast-1").unwrap().traffic_per_gb, 0.117);
        assert_eq!(p.internet("us-west-1").unwrap().traffic_per_gb, 0.078);
        let us = p.internet("us-west-1").unwrap();
        assert_eq!((us.bandwidth_up_to_5, us.bandwidth_above_5), (0.006, 0.021));
        let essd = |l| {
            p.disk_per_gib_hour("cn-hangzhou", DiskCategory::CloudEssd, Some(l))
                .unwrap()
        };
        assert_eq!(essd(PerformanceLevel::PL0), 0.0010);
        assert_eq!(essd(PerformanceLevel::PL1), 0.0021);
        assert_eq!(
            p.disk_per_gib_hour("cn-hangzhou", DiskCategory::EphemeralSsd, None)
                .unwrap(),
            0.0
        );
    }

    #[test]
    fn an_override_replaces_only_what_it_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.json");
        std::fs::write(
            &path,
            r#"{"as_of": "2026-12-01",
                "regions": {
                  "cn-hangzhou": {"instance_types": {"ecs.g7.large": 0.5},
                                  "disks": {"cloud_essd": {"PL1": {"price": 0.002, "source": "quote", "confirmed": false}}}},
                  "eu-central-1": {"currency": "USD", "internet": {"traffic_per_gb": 0.07}}}}"#,
        )
        .unwrap();
        let p = Prices::load(std::slice::from_ref(&path)).unwrap();
        let d = Prices::default_embedded();
        assert_eq!(p.as_of, "2026-12-01");
        assert_eq!(
            p.instance_hourly("cn-hangzhou", "ecs.g7.large").unwrap(),
            0.5
        );
        let fig = &p.regions["cn-hangzhou"].instance_types["ecs.g7.large"];
        assert_eq!(fig.source, path.display().to_string());
        assert!(fig.confirmed());
        assert_eq!(fig.date, "2026-12-01");
        // Untouched neighbours keep the default.
        assert_eq!(
            p.instance_hourly("cn-hangzhou", "ecs.c7.large").unwrap(),
            d.instance_hourly("cn-hangzhou", "ecs.c7.large").unwrap()
        );
        let essd = &p.regions["cn-hangzhou"].disks.cloud_essd;
        assert_eq!(essd[1].as_ref().unwrap().price, 0.002);
        assert!(!essd[1].as_ref().unwrap().confirmed());
        assert_eq!(essd[0], d.regions["cn-hangzhou"].disks.cloud_essd[0]);
        assert_eq!(
            p.internet("cn-hangzhou").unwrap(),
            d.internet("cn-hangzhou").unwrap()
        );
        // A new region: what it gives is there, what it lacks is a clear error.
        assert_eq!(p.currency("eu-central-1").unwrap(), Currency::USD);
        let e = p.internet("eu-central-1").unwrap_err().to_string();
        assert!(
            e.contains("no internet bandwidth_per_mbps_hour_up_to_5 price for region eu-central-1"),
            "{e}"
        );
        assert!(e.starts_with(&path.display().to_string()), "{e}");
    }

    #[test]
    fn a_bad_price_file_names_the_place_and_the_fix() {
        let mut p = Prices::default_embedded();
        let before = p.clone();
        let text = "{\"regions\": {\"cn-hangzhou\": {\n  \"disks\": {\"cloud_ssdd\": 0.002}}}}";
        let e = p.merge_text("mine.json", text).unwrap_err().to_string();
        assert!(e.starts_with("mine.json:2:"), "{e}");
        assert!(e.contains("unknown field `cloud_ssdd`"), "{e}");
        assert!(e.contains("cloud_ssd"), "{e}");
        let e = p
            .merge_text(
                "mine.json",
                "{\"regions\": {\"cn-hangzhou\": {\"instance_types\": {\n\"ecs.g7.large\": -1}}}}",
            )
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.json:2:"), "{e}");
        assert!(e.contains("price -1 is negative"), "{e}");
        // 1e308 overflowed every sum and hung the charts: over the ceiling, placed.
        let e = p
            .merge_text(
                "mine.json",
                "{\"regions\": {\"cn-hangzhou\": {\"instance_types\": {\n\"ecs.g7.large\": {\"price\": 1e308}}}}}",
            )
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.json:2:"), "{e}");
        assert!(
            e.contains("price 1e308 is over the ceiling of 1000000 per unit"),
            "{e}"
        );
        let e = p
            .merge_text(
                "mine.json",
                "{\"regions\": {\"cn-hangzhou\": {\"currency\": \"EUR\"}}}",
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown variant `EUR`, expected `CNY` or `USD`"),
            "{e}"
        );
        let e = p
            .merge_text(
                "mine.json",
                "{\"regions\": {\"xx-new-1\": {\"instance_types\": {}}}}",
            )
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("regions.xx-new-1: a region not in the catalog needs its \"currency\""),
            "{e}"
        );
        let e = p
            .merge_text("mine.json", "{\"regions\": [")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.json:1:"), "{e}");
        assert_eq!(p, before, "a failed merge changes nothing");
        let e = Prices::load(&[PathBuf::from("/nonexistent/prices.json")]).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/prices.json"));
    }
}
