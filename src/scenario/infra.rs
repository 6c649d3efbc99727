//! A planner's infrastructure file as a scenario: the RunInstances requests of a Terraform
//! plan or configuration, or a ROS template (`crate::input`) all made at the start of a default scenario, so
//! `ecsim run plan.json` gives a plan's failures and costs without a scenario file
//! (docs/terraform.md, "Replaying a plan"). Each request keeps its source (the resource
//! address and file:line), which requests.csv and report.html show.

use chrono::TimeDelta;

use super::sheet::standalone;
use super::DEFAULT_START;
use super::{Event, EventKind, Scenario};
use crate::error::{Error, Place, Result};
use crate::input::Document;

/// The horizon after the last request.
const AFTER_LAST: TimeDelta = TimeDelta::hours(24);

/// The requests at the default start, one second apart in file order (so their order in the
/// replay is the plan's), or spread evenly over `spread` (`ecsim run --spread 2h`: request
/// `i` of `n` at `start + i × spread / n`), over a horizon of one day after the last. Each is
/// labelled with its resource address (`alicloud_instance.web[3]`), which requests.csv and
/// report.html show. The instances the document shows existing (a plan's updates and
/// no-ops) are in the scenario's world.
pub fn scenario(source: &str, doc: Document, spread: Option<TimeDelta>) -> Result<Scenario> {
    let Document { requests, existing } = doc;
    if requests.is_empty() {
        return Err(Error::input(
            Place::new(source),
            "nothing here launches instances: no resource is created or replaced \
             (alicloud_instance, alicloud_ecs_instance_set, alicloud_ess_scaling_group, or \
             a ROS ALIYUN::ECS::InstanceGroup, Instance or RunInstances); check the plan's \
             resource_changes, the .tf blocks or the template's Resources",
        ));
    }
    let start = crate::time::parse_utc(DEFAULT_START).expect("the default start parses");
    let n = requests.len() as i64;
    let offset = |i: i64| match spread {
        // Milliseconds, the scenario clock's resolution; i × spread cannot overflow for
        // spreads the duration parser accepts and request counts the input caps allow.
        Some(d) => TimeDelta::milliseconds(d.num_milliseconds().saturating_mul(i) / n),
        None => TimeDelta::seconds(i),
    };
    let last = offset(n - 1);
    let events = requests
        .into_iter()
        .enumerate()
        .map(|(i, raw)| Event {
            at: start + offset(i as i64),
            label: Some(address(&raw.source).to_string()),
            place: Place::new(raw.source.clone()),
            kind: EventKind::Request { raw, expect: None },
        })
        .collect();
    let mut s = standalone(source, start, last + AFTER_LAST, events)?;
    s.world.stand(&existing);
    Ok(s)
}

/// The resource address at the end of a source (`plan.json:327: alicloud_instance.web[0]`).
fn address(source: &str) -> &str {
    source.rsplit_once(": ").map_or(source, |(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_resource_address() {
        assert_eq!(
            address("plan.json:327: alicloud_instance.web[0]"),
            "alicloud_instance.web[0]"
        );
        assert_eq!(
            address("main.tf:3:1: alicloud_instance.web[\"a\"]"),
            "alicloud_instance.web[\"a\"]"
        );
        let e = scenario("plan.json", Document::default(), None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("nothing here launches instances"), "{e}");
    }
}
