//! Existence tier: every resource the request names exists where it should.

use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;

pub static REGION: Rule = Rule {
    name: "region_exists",
    tier: Tier::Existence,
    reads: &[ParamId::RegionId],
    codes: &[ErrorKey::InvalidRegionIdNotFound],
    doc: "RegionId is a region of the world (DescribeRegions). Example: RegionId=cn-atlantis \
          -> InvalidRegionId.NotFound.",
    check: Check::Static(|c| {
        c.world
            .region(c.region)
            .is_none()
            .then(|| Violation::on(ErrorKey::InvalidRegionIdNotFound, ParamId::RegionId))
    }),
};

pub static ZONE: Rule = Rule {
    name: "zone_exists",
    tier: Tier::Existence,
    reads: &[ParamId::ZoneId],
    codes: &[
        ErrorKey::OperationDeniedZone,
        ErrorKey::ZoneIdNotFound,
        ErrorKey::InvalidZoneIdNotFound,
    ],
    doc: "ZoneId is a zone of RegionId. A zone of another region -> OperationDenied (zone not \
          allowed); an unknown zone spelled like the region's (cn-hangzhou-z) -> \
          ZoneId.NotFound; anything else unknown -> InvalidZoneId.NotFound.",
    check: Check::Static(zone),
};

fn zone(c: &Ctx) -> Option<Violation> {
    let z = c.req.zone_id.as_deref()?;
    let key = match c.world.zone(z) {
        Some(zone) if zone.region_id == c.region => return None,
        Some(_) => ErrorKey::OperationDeniedZone,
        None if z.starts_with(c.region) => ErrorKey::ZoneIdNotFound,
        None => ErrorKey::InvalidZoneIdNotFound,
    };
    Some(Violation::on(key, ParamId::ZoneId))
}

pub static IMAGE: Rule = Rule {
    name: "image_exists",
    tier: Tier::Existence,
    reads: &[ParamId::ImageId],
    codes: &[ErrorKey::InvalidImageIdNotFound],
    doc: "ImageId is an image of the region or a public image (DescribeImages). Example: \
          ImageId=m-missing -> InvalidImageId.NotFound.",
    check: Check::Static(|c| {
        // An image family resolves (or fails) in its own rule.
        (c.image.is_none() && c.req.image_id.is_some())
            .then(|| Violation::on(ErrorKey::InvalidImageIdNotFound, ParamId::ImageId))
    }),
};

pub static INSTANCE_TYPE: Rule = Rule {
    name: "instance_type_exists",
    tier: Tier::Existence,
    reads: &[ParamId::InstanceType],
    codes: &[ErrorKey::InvalidInstanceTypeValueNotSupported],
    doc: "InstanceType is a known type (DescribeInstanceTypes). Example: \
          InstanceType=ecs.g99.large -> InvalidInstanceType.ValueNotSupported.",
    check: Check::Static(|c| {
        c.itype.is_none().then(|| {
            Violation::on(
                ErrorKey::InvalidInstanceTypeValueNotSupported,
                ParamId::InstanceType,
            )
        })
    }),
};

pub static SECURITY_GROUP: Rule = Rule {
    name: "security_group_exists",
    tier: Tier::Existence,
    reads: &[ParamId::SecurityGroupId],
    codes: &[ErrorKey::InvalidSecurityGroupId],
    doc: "SecurityGroupId is a group of the region (DescribeSecurityGroups). Example: \
          SecurityGroupId=sg-missing -> InvalidSecurityGroupId.",
    check: Check::Static(|c| {
        c.sg.is_none_or(|g| g.region_id != c.region).then(|| {
            Violation::new(
                ErrorKey::InvalidSecurityGroupId,
                c.req.security_group_param(),
            )
        })
    }),
};

pub static SNAPSHOTS: Rule = Rule {
    name: "snapshots_exist",
    tier: Tier::Existence,
    reads: &[ParamId::DataDiskSnapshotId],
    codes: &[ErrorKey::InvalidDataDiskSnapshotIdNotFound],
    doc: "Each DataDisk.n.SnapshotId is a snapshot of the region (DescribeSnapshots). \
          Example: DataDisk.1.SnapshotId=s-missing -> InvalidDataDiskSnapshotId.NotFound.",
    check: Check::Static(|c| {
        c.req.data_disks.iter().find_map(|d| {
            let id = d.snapshot_id.as_deref()?;
            c.world
                .snapshot(id)
                .is_none_or(|s| s.region_id != c.region)
                .then(|| {
                    Violation::new(
                        ErrorKey::InvalidDataDiskSnapshotIdNotFound,
                        ParamRef::at(ParamId::DataDiskSnapshotId, d.n),
                    )
                })
        })
    }),
};

pub static HPC_CLUSTER: Rule = Rule {
    name: "hpc_cluster_exists",
    tier: Tier::Existence,
    reads: &[ParamId::HpcClusterId],
    codes: &[
        ErrorKey::InvalidHpcClusterIdNotFound,
        ErrorKey::InvalidHpcClusterIdCreating,
    ],
    doc: "HpcClusterId is a cluster of the region and not still Creating. Example: \
          HpcClusterId=hpc-missing -> InvalidHpcClusterId.NotFound.",
    check: Check::Static(|c| {
        let id = c.req.hpc_cluster_id.as_deref()?;
        match c.world.hpc_cluster(id) {
            Some(h) if h.region_id == c.region => (h.status == "Creating").then(|| {
                Violation::on(ErrorKey::InvalidHpcClusterIdCreating, ParamId::HpcClusterId)
            }),
            _ => Some(Violation::on(
                ErrorKey::InvalidHpcClusterIdNotFound,
                ParamId::HpcClusterId,
            )),
        }
    }),
};

pub static VSWITCH: Rule = Rule {
    name: "vswitch_exists",
    tier: Tier::Existence,
    reads: &[ParamId::VSwitchId, ParamId::SecurityGroupId],
    codes: &[
        ErrorKey::InvalidVSwitchIdNotFound,
        ErrorKey::InvalidVSwitchIdNotFoundInRegion,
        ErrorKey::IncorrectVSwitchStatus,
        ErrorKey::MissingParameter,
    ],
    doc: "VSwitchId is a vSwitch of the region (unknown -> 404 InvalidVSwitchId.NotFound; of \
          another region -> 403 InvalidVSwitchId.NotFound) and Available \
          (IncorrectVSwitchStatus); a VPC security group needs a VSwitchId (MissingParameter).",
    check: Check::Static(vswitch),
};

fn vswitch(c: &Ctx) -> Option<Violation> {
    if c.req.vswitch_id.is_none() {
        let vpc_group = c.sg.is_some_and(|g| !g.vpc_id.is_empty());
        return vpc_group.then(|| Violation::on(ErrorKey::MissingParameter, ParamId::VSwitchId));
    }
    let p = c.req.vswitch_param();
    let Some(v) = c.vswitch else {
        return Some(Violation::new(ErrorKey::InvalidVSwitchIdNotFound, p));
    };
    let region = c.world.zone(&v.zone_id).map(|z| z.region_id.as_str());
    if region != Some(c.region) {
        return Some(Violation::new(
            ErrorKey::InvalidVSwitchIdNotFoundInRegion,
            p,
        ));
    }
    (v.status != "Available").then(|| Violation::new(ErrorKey::IncorrectVSwitchStatus, p))
}

pub static KEY_PAIR: Rule = Rule {
    name: "key_pair_exists",
    tier: Tier::Existence,
    reads: &[ParamId::KeyPairName],
    codes: &[ErrorKey::InvalidKeyPairNameNotFound],
    doc: "KeyPairName is a key pair of the region (DescribeKeyPairs). Example: \
          KeyPairName=nobody -> InvalidKeyPairName.NotFound.",
    check: Check::Static(|c| {
        let k = c.req.key_pair_name.as_deref()?;
        c.world
            .key_pair(c.region, k)
            .is_none()
            .then(|| Violation::on(ErrorKey::InvalidKeyPairNameNotFound, ParamId::KeyPairName))
    }),
};

pub static RAM_ROLE: Rule = Rule {
    name: "ram_role_exists",
    tier: Tier::Existence,
    reads: &[ParamId::RamRoleName],
    codes: &[ErrorKey::InvalidRamRoleNotFound],
    doc: "RamRoleName is a role of the account (RAM ListRoles). Example: RamRoleName=ghost -> \
          InvalidRamRole.NotFound.",
    check: Check::Static(|c| {
        let r = c.req.ram_role_name.as_deref()?;
        c.world
            .ram_role(r)
            .is_none()
            .then(|| Violation::on(ErrorKey::InvalidRamRoleNotFound, ParamId::RamRoleName))
    }),
};
