//! Instances a planner's document shows standing (a Terraform plan's updates and no-ops),
//! taken into a built world: each takes its place in every counted limit the world states,
//! as the account's own figures would show it (docs/terraform.md, "Existing instances").
//!
//! A world's own figures (`EcsCount`, `AvailableIpAddressCount`, the quotas' `Used*`) already
//! count the world's `Instances`; an instance whose id the world already has is therefore
//! left as it is, so a plan over an imported account export is not counted twice.

use super::model::Instance;
use super::World;

/// An instance that stands while a document's launches run, with the billing the limits
/// are counted by.
#[derive(Debug, Clone, Default)]
pub struct Standing {
    /// Its DescribeInstances record (id, region, zone, type, vSwitch, addresses, groups,
    /// deployment set).
    pub instance: Instance,
    /// `PostPaid` (the default) or `PrePaid`.
    pub charge_type: String,
    /// `NoSpot` (the default), `SpotWithPriceLimit` or `SpotAsPriceGo`.
    pub spot_strategy: String,
}

impl Standing {
    fn spot(&self) -> bool {
        !matches!(self.spot_strategy.as_str(), "" | "NoSpot")
    }

    fn prepaid(&self) -> bool {
        self.charge_type == "PrePaid"
    }
}

impl World {
    /// Takes in `standing`: each instance the world does not hold yet becomes one of its
    /// instances and occupies its vSwitch's addresses, its groups, its VPC's and region's
    /// quotas, its type quota and its deployment set's place in its zone. Returns how many
    /// were taken in (the rest the world had already).
    pub fn stand(&mut self, standing: &[Standing]) -> usize {
        let mut known: std::collections::HashSet<String> = self
            .instances
            .iter()
            .map(|x| x.instance_id.clone())
            .collect();
        let before = self.instances.len();
        for s in standing {
            if known.insert(s.instance.instance_id.clone()) {
                self.occupy(s);
                self.instances.push(s.instance.clone());
            }
        }
        // Sorted once, not one insertion each: a plan may keep many instances.
        self.instances
            .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        self.instances.len() - before
    }

    fn occupy(&mut self, s: &Standing) {
        let i = &s.instance;
        let vcpus = self
            .instance_types
            .get(&i.instance_type)
            .map_or(0, |t| t.cpu_core_count);
        let vswitch = i.vpc_attributes.v_switch_id.as_str();
        if !vswitch.is_empty() {
            *self
                .vswitch_instances
                .entry(vswitch.to_string())
                .or_default() += 1;
            if let Some(v) = self.vswitches.get_mut(vswitch) {
                if let Some(n) = v.available_ip_address_count.as_mut() {
                    *n = n.saturating_sub(1);
                }
            }
            self.private_ips
                .entry(vswitch.to_string())
                .or_default()
                .extend(
                    i.vpc_attributes
                        .private_ip_address
                        .ip_address
                        .iter()
                        .cloned(),
                );
        }
        for g in &i.security_group_ids.security_group_id {
            if let Some(g) = self.security_groups.get_mut(g) {
                g.ecs_count = g.ecs_count.saturating_add(1);
                for n in [g.private_ip_count.as_mut(), g.eni_count.as_mut()]
                    .into_iter()
                    .flatten()
                {
                    *n = n.saturating_add(1);
                }
            }
        }
        let vpc = match i.vpc_attributes.vpc_id.as_str() {
            "" => self.vswitches.get(vswitch).map(|v| v.vpc_id.clone()),
            v => Some(v.to_string()),
        };
        if let Some(q) = vpc.and_then(|v| self.vpc_quotas.get_mut(&v)) {
            q.instance_count = q.instance_count.saturating_add(1);
        }
        if let Some(q) = self.region_quotas.get_mut(&i.region_id) {
            if s.spot() {
                q.used_spot_instance_vcpu_count =
                    q.used_spot_instance_vcpu_count.saturating_add(vcpus);
            }
            // Today's counting: spot draws on its own vCPU quota, not the pay-as-you-go
            // pool (docs/capacity.md); the 2018 edition's pooled counting is not applied.
            if !s.prepaid() && !s.spot() {
                q.used_postpaid_instance_count = q.used_postpaid_instance_count.saturating_add(1);
                q.used_postpaid_instance_vcpu_count =
                    q.used_postpaid_instance_vcpu_count.saturating_add(vcpus);
            }
        }
        let charge = match (s.spot(), s.prepaid()) {
            (true, _) => "Spot",
            (false, true) => "PrePaid",
            (false, false) => "PostPaid",
        };
        let key = (
            i.zone_id.clone(),
            i.instance_type.clone(),
            charge.to_string(),
        );
        if let Some(q) = self.type_quotas.get_mut(&key) {
            q.used_vcpu_count = q.used_vcpu_count.saturating_add(vcpus);
        }
        if let Some(d) = self.deployment_sets.get_mut(&i.deployment_set_id) {
            d.instance_amount = d.instance_amount.saturating_add(1);
            let zones = &mut d.capacities.capacity;
            if !zones.is_empty() {
                match zones.iter_mut().find(|c| c.zone_id == i.zone_id) {
                    Some(c) => c.used_amount = c.used_amount.saturating_add(1),
                    None => zones.push(super::model::DeploymentSetCapacity {
                        zone_id: i.zone_id.clone(),
                        used_amount: 1,
                        ..Default::default()
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::load::default_world;
    use crate::world::model::{IpAddresses, SecurityGroupIds, VpcAttributes};

    fn standing(id: &str, spot: &str) -> Standing {
        Standing {
            instance: Instance {
                instance_id: id.into(),
                region_id: "cn-hangzhou".into(),
                zone_id: "cn-hangzhou-h".into(),
                instance_type: "ecs.g7.large".into(),
                deployment_set_id: "ds-bp1webha7k2m9x4q".into(),
                vpc_attributes: VpcAttributes {
                    v_switch_id: "vsw-bp1h7k2m9x3qa5c8d1e0f".into(),
                    private_ip_address: IpAddresses {
                        ip_address: vec!["172.16.2.20".into()],
                    },
                    ..Default::default()
                },
                security_group_ids: SecurityGroupIds {
                    security_group_id: vec!["sg-bp1fullgroup9k2m7x4q".into()],
                },
                ..Default::default()
            },
            spot_strategy: spot.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_standing_instance_takes_its_place_in_every_counted_limit_once() {
        let mut w = default_world().unwrap();
        let q = w.region_quota("cn-hangzhou").unwrap().clone();
        let vsw = "vsw-bp1h7k2m9x3qa5c8d1e0f";
        let free = w.vswitch_free_ips(vsw).unwrap();
        let g = w.security_group("sg-bp1fullgroup9k2m7x4q").unwrap().clone();
        let ds = w.deployment_set("ds-bp1webha7k2m9x4q").unwrap().clone();
        let a = standing("i-standing-a", "");
        // the same instance twice (a plan that lists it twice, or one the world holds) counts once
        assert_eq!(w.stand(&[a.clone(), a.clone()]), 1);
        assert_eq!(w.stand(&[a]), 0);
        let q2 = w.region_quota("cn-hangzhou").unwrap();
        assert_eq!(
            q2.used_postpaid_instance_count,
            q.used_postpaid_instance_count + 1
        );
        // ecs.g7.large has 2 vCPUs
        assert_eq!(
            q2.used_postpaid_instance_vcpu_count,
            q.used_postpaid_instance_vcpu_count + 2
        );
        assert_eq!(w.vswitch_free_ips(vsw), Some(free - 1));
        assert!(w.private_ip_in_use(vsw, "172.16.2.20"));
        let g2 = w.security_group("sg-bp1fullgroup9k2m7x4q").unwrap();
        assert_eq!(g2.ecs_count, g.ecs_count + 1);
        assert_eq!(g2.private_ip_count, g.private_ip_count.map(|n| n + 1));
        let ds2 = w.deployment_set("ds-bp1webha7k2m9x4q").unwrap();
        assert_eq!(ds2.instances_in_zone("cn-hangzhou-h"), 1);
        assert_eq!(
            ds2.instances_in_zone("cn-hangzhou-i"),
            ds.instances_in_zone("cn-hangzhou-i")
        );
        assert_eq!(ds2.instance_amount, ds.instance_amount + 1);
        assert!(w
            .instances()
            .iter()
            .any(|i| i.instance_id == "i-standing-a"));
        // a spot instance draws on the spot vCPUs, not the pay-as-you-go pool
        let before = w.region_quota("cn-hangzhou").unwrap().clone();
        assert_eq!(w.stand(&[standing("i-standing-b", "SpotAsPriceGo")]), 1);
        let after = w.region_quota("cn-hangzhou").unwrap();
        assert_eq!(
            after.used_postpaid_instance_count,
            before.used_postpaid_instance_count
        );
        assert_eq!(
            after.used_spot_instance_vcpu_count,
            before.used_spot_instance_vcpu_count + 2
        );
    }
}
