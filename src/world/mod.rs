//! The modeled world a request meets: regions and zones, instance types, images, networks,
//! snapshots, templates, the account, quotas, stock and service health.
//!
//! `model` holds the records (Describe*-shaped), `load` turns JSON fragments (the embedded
//! default in `data/world/` plus `--world` files) into one merged [`WorldDoc`], and [`World`]
//! indexes it for the rules. The world is immutable; capacity that changes over time lives in
//! the replay engine's state, seeded from the counts here.

pub mod load;
pub mod model;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

pub use model::*;

/// `{"Singular": [...]}`: the RPC wrapper around a list.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wrapped<T> {
    #[serde(flatten)]
    pub inner: HashMap<String, Vec<T>>,
}

impl<T> Default for Wrapped<T> {
    fn default() -> Self {
        Wrapped {
            inner: HashMap::new(),
        }
    }
}

impl<T> Wrapped<T> {
    fn into_vec(self) -> Vec<T> {
        self.inner.into_values().flatten().collect()
    }
}

/// The whole world as one JSON document: every key optional, lists in their Describe* wrapper.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default, deny_unknown_fields)]
pub struct WorldDoc {
    pub regions: Wrapped<Region>,
    pub available_zones: Wrapped<AvailableZone>,
    pub instance_types: Wrapped<InstanceType>,
    pub images: Wrapped<Image>,
    pub security_groups: Wrapped<SecurityGroup>,
    pub vpcs: Wrapped<Vpc>,
    #[serde(rename = "VSwitches")]
    pub vswitches: Wrapped<VSwitch>,
    pub key_pairs: Wrapped<KeyPair>,
    pub snapshots: Wrapped<Snapshot>,
    pub launch_template_version_sets: Wrapped<LaunchTemplateVersion>,
    pub roles: Wrapped<RamRole>,
    pub hpc_clusters: Wrapped<HpcCluster>,
    pub spot_prices: Wrapped<SpotPriceType>,
    pub account: Account,
    pub region_quotas: Wrapped<RegionQuota>,
    pub vpc_quotas: Wrapped<VpcQuota>,
    pub stock: Wrapped<StockLevel>,
    pub service_health: Wrapped<ServiceFault>,
}

pub type SpotSeries = Vec<(chrono::DateTime<chrono::Utc>, SpotPriceType)>;

/// The indexed world the rules query.
#[derive(Debug, Clone, Default)]
pub struct World {
    regions: HashMap<String, Region>,
    zones: HashMap<String, AvailableZone>,
    /// Zone ids per region, sorted.
    region_zones: HashMap<String, Vec<String>>,
    instance_types: HashMap<String, InstanceType>,
    /// Images by id; each entry is region-specific (Some region) or public (None).
    images: HashMap<String, Vec<Image>>,
    security_groups: HashMap<String, SecurityGroup>,
    vpcs: HashMap<String, Vpc>,
    vswitches: HashMap<String, VSwitch>,
    /// Key pairs by name, then region.
    key_pairs: HashMap<String, Vec<KeyPair>>,
    snapshots: HashMap<String, Snapshot>,
    launch_templates: Vec<LaunchTemplateVersion>,
    roles: HashMap<String, RamRole>,
    hpc_clusters: HashMap<String, HpcCluster>,
    /// Spot prices by zone, then type, sorted by timestamp.
    spot_prices: HashMap<String, HashMap<String, SpotSeries>>,
    /// The API edition requests are predicted under (`--edition`, a scenario's `edition`);
    /// not part of the world document.
    pub edition: crate::edition::EditionId,
    pub account: Account,
    region_quotas: HashMap<String, RegionQuota>,
    vpc_quotas: HashMap<String, VpcQuota>,
    /// Stock by zone, then instance type.
    stock: HashMap<String, HashMap<String, u32>>,
    faults: Vec<ServiceFault>,
}

impl World {
    /// Indexes a merged document. Later duplicates of an id replace earlier ones (the loader
    /// has already merged fragments, so duplicates only come from one fragment).
    pub fn from_doc(doc: WorldDoc) -> World {
        let mut w = World {
            account: doc.account,
            ..World::default()
        };
        for r in doc.regions.into_vec() {
            w.regions.insert(r.region_id.clone(), r);
        }
        for z in doc.available_zones.into_vec() {
            w.region_zones
                .entry(z.region_id.clone())
                .or_default()
                .push(z.zone_id.clone());
            w.zones.insert(z.zone_id.clone(), z);
        }
        for zs in w.region_zones.values_mut() {
            zs.sort();
            zs.dedup();
        }
        for t in doc.instance_types.into_vec() {
            w.instance_types.insert(t.instance_type_id.clone(), t);
        }
        for i in doc.images.into_vec() {
            let same = w.images.entry(i.image_id.clone()).or_default();
            same.retain(|o| o.region_id != i.region_id);
            same.push(i);
        }
        for g in doc.security_groups.into_vec() {
            w.security_groups.insert(g.security_group_id.clone(), g);
        }
        for v in doc.vpcs.into_vec() {
            w.vpcs.insert(v.vpc_id.clone(), v);
        }
        for v in doc.vswitches.into_vec() {
            w.vswitches.insert(v.v_switch_id.clone(), v);
        }
        for k in doc.key_pairs.into_vec() {
            let same = w.key_pairs.entry(k.key_pair_name.clone()).or_default();
            same.retain(|o| o.region_id != k.region_id);
            same.push(k);
        }
        for s in doc.snapshots.into_vec() {
            w.snapshots.insert(s.snapshot_id.clone(), s);
        }
        w.launch_templates = doc.launch_template_version_sets.into_vec();
        w.launch_templates.sort_by(|a, b| {
            (&a.launch_template_id, a.version_number)
                .cmp(&(&b.launch_template_id, b.version_number))
        });
        for r in doc.roles.into_vec() {
            w.roles.insert(r.role_name.clone(), r);
        }
        for h in doc.hpc_clusters.into_vec() {
            w.hpc_clusters.insert(h.hpc_cluster_id.clone(), h);
        }
        for p in doc.spot_prices.into_vec() {
            if let Some(t) = crate::time::parse_utc(&p.timestamp) {
                w.spot_prices
                    .entry(p.zone_id.clone())
                    .or_default()
                    .entry(p.instance_type.clone())
                    .or_default()
                    .push((t, p));
            }
        }
        for series in w.spot_prices.values_mut().flat_map(|m| m.values_mut()) {
            series.sort_by_key(|(t, _)| *t);
        }
        for q in doc.region_quotas.into_vec() {
            w.region_quotas.insert(q.region_id.clone(), q);
        }
        for q in doc.vpc_quotas.into_vec() {
            w.vpc_quotas.insert(q.vpc_id.clone(), q);
        }
        for s in doc.stock.into_vec() {
            w.stock
                .entry(s.zone_id)
                .or_default()
                .insert(s.instance_type, s.available);
        }
        w.faults = doc.service_health.into_vec();
        w
    }

    pub fn region(&self, id: &str) -> Option<&Region> {
        self.regions.get(id)
    }

    /// All region ids, sorted.
    pub fn region_ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.regions.keys().map(String::as_str).collect();
        v.sort();
        v
    }

    pub fn zone(&self, id: &str) -> Option<&AvailableZone> {
        self.zones.get(id)
    }

    /// The zones of a region, sorted by id.
    pub fn zones_of<'a>(&'a self, region: &str) -> impl Iterator<Item = &'a AvailableZone> + 'a {
        self.region_zones
            .get(region)
            .into_iter()
            .flatten()
            .filter_map(move |z| self.zones.get(z))
    }

    /// What a zone says of `value` among resources of `kind` (`InstanceType`, `SystemDisk`,
    /// `DataDisk`), or None when the zone does not list it.
    pub fn zone_offer<'a>(
        &'a self,
        zone: &str,
        kind: &str,
        value: &str,
    ) -> Option<&'a SupportedResource> {
        self.zones
            .get(zone)?
            .available_resources
            .available_resource
            .iter()
            .filter(|r| r.kind == kind)
            .flat_map(|r| r.supported_resources.supported_resource.iter())
            .find(|s| s.value == value)
    }

    /// Whether the zone lists any resource of `kind` (zones without a disk list accept all).
    pub fn zone_lists_kind(&self, zone: &str, kind: &str) -> bool {
        self.zones.get(zone).is_some_and(|z| {
            z.available_resources
                .available_resource
                .iter()
                .any(|r| r.kind == kind)
        })
    }

    pub fn instance_type(&self, id: &str) -> Option<&InstanceType> {
        self.instance_types.get(id)
    }

    /// An image usable in `region`: region-specific first, then public.
    pub fn image(&self, region: &str, id: &str) -> Option<&Image> {
        let same = self.images.get(id)?;
        same.iter()
            .find(|i| i.region_id.as_deref() == Some(region))
            .or_else(|| same.iter().find(|i| i.region_id.is_none()))
    }

    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.get(id)
    }

    /// All security groups, sorted by id.
    pub fn security_groups(&self) -> Vec<&SecurityGroup> {
        let mut v: Vec<&SecurityGroup> = self.security_groups.values().collect();
        v.sort_by(|a, b| a.security_group_id.cmp(&b.security_group_id));
        v
    }

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.get(id)
    }

    pub fn vswitch(&self, id: &str) -> Option<&VSwitch> {
        self.vswitches.get(id)
    }

    pub fn key_pair(&self, region: &str, name: &str) -> Option<&KeyPair> {
        self.key_pairs
            .get(name)?
            .iter()
            .find(|k| k.region_id == region)
    }

    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.snapshots.get(id)
    }

    /// The versions of the template named by id or name in `region`, sorted by version.
    pub fn launch_template_versions(
        &self,
        region: &str,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Vec<&LaunchTemplateVersion> {
        self.launch_templates
            .iter()
            .filter(|t| t.region_id == region)
            .filter(|t| id.is_none_or(|id| t.launch_template_id == id))
            .filter(|t| name.is_none_or(|n| t.launch_template_name == n))
            .collect()
    }

    pub fn ram_role(&self, name: &str) -> Option<&RamRole> {
        self.roles.get(name)
    }

    pub fn hpc_cluster(&self, id: &str) -> Option<&HpcCluster> {
        self.hpc_clusters.get(id)
    }

    pub fn region_quota(&self, region: &str) -> Option<&RegionQuota> {
        self.region_quotas.get(region)
    }

    /// All region quotas, sorted by region.
    pub fn region_quotas(&self) -> Vec<&RegionQuota> {
        let mut v: Vec<&RegionQuota> = self.region_quotas.values().collect();
        v.sort_by(|a, b| a.region_id.cmp(&b.region_id));
        v
    }

    pub fn vpc_quota(&self, vpc: &str) -> Option<&VpcQuota> {
        self.vpc_quotas.get(vpc)
    }

    /// Instances of `instance_type` the zone can deliver now; None when the world sets no count
    /// (the zone's status alone decides).
    pub fn stock(&self, zone: &str, instance_type: &str) -> Option<u32> {
        self.stock.get(zone)?.get(instance_type).copied()
    }

    /// The first service fault covering the region and zone, if any.
    pub fn fault(&self, region: &str, zone: Option<&str>) -> Option<&ServiceFault> {
        self.faults.iter().find(|f| {
            f.region_id == region
                && match (&f.zone_id, zone) {
                    (None, _) => true,
                    (Some(fz), Some(z)) => fz == z,
                    (Some(_), None) => false,
                }
        })
    }

    /// The spot price record in force at `at` for (zone, type): the latest sample not after
    /// `at`, or the first sample when `at` precedes the trace.
    /// The spot price records of a zone and type, sorted by time.
    pub fn spot_series(&self, zone: &str, instance_type: &str) -> Option<&SpotSeries> {
        self.spot_prices.get(zone)?.get(instance_type)
    }

    pub fn spot_price_at(
        &self,
        zone: &str,
        instance_type: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<&SpotPriceType> {
        let series = self.spot_prices.get(zone)?.get(instance_type)?;
        let idx = series.partition_point(|(t, _)| *t <= at);
        series.get(idx.saturating_sub(1)).map(|(_, p)| p)
    }
}
