//! Compatibility tier: the named resources fit together (zone, image, type, disks, network).
//! Existence has passed, so the image, type and security group are known here.

use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::request::typed::{windows_host_name_ok, DiskCategory, InternetChargeType, IoOptimized};

pub static ZONE_STATE: Rule = Rule {
    name: "zone_offers_type",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::ZoneId,
        ParamId::InstanceType,
        ParamId::SystemDiskCategory,
    ],
    codes: &[
        ErrorKey::ZoneNotOnSale,
        ErrorKey::InvalidInstanceTypeZoneNotSupported,
        ErrorKey::ResourceNotAvailable,
        ErrorKey::InvalidResourceTypeNotSupported,
    ],
    doc: "The zone (ZoneId, else the vSwitch's) is open (not SoldOut/ClosedWithoutStock -> \
          Zone.NotOnSale) and lists the type (InvalidInstanceType.ZoneNotSupported). Without \
          a zone, some zone of the region must list the type (ResourceNotAvailable) together \
          with the system disk category (InvalidResourceType.NotSupported). A spot strategy \
          needs a type sold as spot (InvalidResourceType.NotSupported on SpotStrategy).",
    check: Check::Static(zone_state),
};

fn zone_state(c: &Ctx) -> Option<Violation> {
    let t = c.req.instance_type.as_deref()?;
    let spot = c.req.spot_strategy() != crate::request::typed::SpotStrategy::NoSpot;
    if spot && c.itype.is_some_and(|it| !it.spot_supported) {
        return Some(Violation::on(
            ErrorKey::InvalidResourceTypeNotSupported,
            ParamId::SpotStrategy,
        ));
    }
    if let Some(z) = c.zone() {
        let zone = c.world.zone(z)?;
        if zone.status == "SoldOut" && zone.status_category == "ClosedWithoutStock" {
            return Some(Violation::on(ErrorKey::ZoneNotOnSale, ParamId::ZoneId));
        }
        if c.world.zone_offer(z, "InstanceType", t).is_none() {
            return Some(Violation::on(
                ErrorKey::InvalidInstanceTypeZoneNotSupported,
                ParamId::InstanceType,
            ));
        }
        return None;
    }
    let offering: Vec<&str> = c
        .world
        .zones_of(c.region)
        .filter(|z| c.world.zone_offer(&z.zone_id, "InstanceType", t).is_some())
        .map(|z| z.zone_id.as_str())
        .collect();
    if offering.is_empty() {
        return Some(Violation::on(
            ErrorKey::ResourceNotAvailable,
            ParamId::InstanceType,
        ));
    }
    let cat = c.system_disk_category().as_str();
    let with_disk = offering
        .iter()
        .any(|z| zone_takes_disk(c, z, "SystemDisk", cat));
    (!with_disk).then(|| {
        Violation::on(
            ErrorKey::InvalidResourceTypeNotSupported,
            ParamId::SystemDiskCategory,
        )
    })
}

/// Whether a zone offers a disk category (zones that list no disks of that kind take all).
fn zone_takes_disk(c: &Ctx, zone: &str, kind: &str, category: &str) -> bool {
    !c.world.zone_lists_kind(zone, kind) || c.world.zone_offer(zone, kind, category).is_some()
}

pub static IMAGE_AND_TYPE: Rule = Rule {
    name: "image_fits_type",
    tier: Tier::Compatibility,
    reads: &[ParamId::ImageId, ParamId::InstanceType],
    codes: &[
        ErrorKey::ImageRemovedInMarket,
        ErrorKey::OperationDeniedImage,
        ErrorKey::ImageNotSubscribed,
        ErrorKey::QuotaExceedBuyImage,
        ErrorKey::InvalidParameterConflict,
        ErrorKey::ImageNotSupportInstanceType,
    ],
    doc: "The image is usable (Available; a marketplace product still listed and subscribed) \
          and runs on the type: same CPU architecture (InvalidParameter.Conflict), Windows \
          needs at least 1 GiB of memory (ImageNotSupportInstanceType).",
    check: Check::Static(image_and_type),
};

fn image_and_type(c: &Ctx) -> Option<Violation> {
    let img = c.image?;
    let on = |k| Some(Violation::on(k, ParamId::ImageId));
    if img.status != "Available" {
        return if img.status == "Deprecated" && img.product_code.is_some() {
            on(ErrorKey::ImageRemovedInMarket)
        } else {
            on(ErrorKey::OperationDeniedImage)
        };
    }
    if !img.is_subscribed {
        return if img.image_owner_alias == "marketplace" {
            on(ErrorKey::ImageNotSubscribed)
        } else if img.product_code.is_some() {
            on(ErrorKey::QuotaExceedBuyImage)
        } else {
            None
        };
    }
    let t = c.itype?;
    let image_arm = img.architecture.eq_ignore_ascii_case("arm64");
    let type_arm = t.cpu_architecture.eq_ignore_ascii_case("ARM");
    if image_arm != type_arm {
        return Some(Violation::on(
            ErrorKey::InvalidParameterConflict,
            ParamId::InstanceType,
        ));
    }
    if c.is_windows() && t.memory_size < 1.0 {
        return Some(Violation::on(
            ErrorKey::ImageNotSupportInstanceType,
            ParamId::InstanceType,
        ));
    }
    None
}

pub static IO_OPTIMIZED: Rule = Rule {
    name: "io_optimized",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::IoOptimized,
        ParamId::InstanceType,
        ParamId::ImageId,
        ParamId::VSwitchId,
    ],
    codes: &[
        ErrorKey::IoOptimizedNotSupportedType,
        ErrorKey::DependencyViolationIoOptimized,
        ErrorKey::IoOptimizedNotSupportedImage,
        ErrorKey::IoOptimizedNotSupportedVpc,
    ],
    doc: "IoOptimized against the type (optimized on a retired non-I/O-optimized type; none \
          on a type that must be optimized), the image (IsSupportIoOptimized) and the VPC \
          (a legacy VPC without I/O optimized support).",
    check: Check::Static(io_optimized),
};

fn io_optimized(c: &Ctx) -> Option<Violation> {
    let t = c.itype?;
    let on = |k| Some(Violation::on(k, ParamId::IoOptimized));
    match c.req.io_optimized {
        Some(IoOptimized::Optimized) if !t.io_optimized => {
            return on(ErrorKey::IoOptimizedNotSupportedType)
        }
        Some(IoOptimized::None) if t.io_optimized_required => {
            return on(ErrorKey::DependencyViolationIoOptimized)
        }
        _ => {}
    }
    if !c.io_optimized() {
        return None;
    }
    if c.image.is_some_and(|i| !i.is_support_io_optimized) {
        return on(ErrorKey::IoOptimizedNotSupportedImage);
    }
    if c.vpc.is_some_and(|v| !v.supports_io_optimized) {
        return on(ErrorKey::IoOptimizedNotSupportedVpc);
    }
    None
}

/// Whether the type supports a disk category: its list when given, else every cloud category
/// but those the edition says a type must list (`cloud_essd_entry` today), and
/// `ephemeral_ssd` with local storage.
pub(super) fn type_takes(c: &Ctx, cat: DiskCategory) -> bool {
    let Some(t) = c.itype else { return true };
    if !t.supported_disk_categories.is_empty() {
        return t
            .supported_disk_categories
            .iter()
            .any(|s| s == cat.as_str());
    }
    match cat {
        DiskCategory::EphemeralSsd => t.local_storage_category.is_some(),
        _ => !c
            .edition
            .limits
            .need_listing
            .iter()
            .any(|n| n == cat.as_str()),
    }
}

pub static SYSTEM_DISK: Rule = Rule {
    name: "system_disk_fits",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::SystemDiskCategory,
        ParamId::SystemDiskSize,
        ParamId::ImageId,
    ],
    codes: &[
        ErrorKey::InvalidDiskCategoryNotSupported,
        ErrorKey::CategoryNotSupported,
        ErrorKey::InvalidSystemDiskSizeLessThanImageSize,
    ],
    doc: "The system disk category (default cloud_efficiency, cloud for non-I/O-optimized) \
          is supported by the type and offered in the zone; SystemDisk.Size is at least the \
          image size (reference row SystemDisk.Size: >= max{20, ImageSize}).",
    check: Check::Static(system_disk),
};

fn system_disk(c: &Ctx) -> Option<Violation> {
    let cat = c.system_disk_category();
    let on = |k, p| Some(Violation::on(k, p));
    if !type_takes(c, cat) {
        return on(
            ErrorKey::InvalidDiskCategoryNotSupported,
            ParamId::SystemDiskCategory,
        );
    }
    if let Some(z) = c.zone() {
        if !zone_takes_disk(c, z, "SystemDisk", cat.as_str()) {
            return on(ErrorKey::CategoryNotSupported, ParamId::SystemDiskCategory);
        }
    }
    let image_size = c.image.map_or(0, |i| i.size);
    if c.req.system_disk.size.is_some_and(|s| s < image_size) {
        return on(
            ErrorKey::InvalidSystemDiskSizeLessThanImageSize,
            ParamId::SystemDiskSize,
        );
    }
    None
}

pub static DATA_DISKS: Rule = Rule {
    name: "data_disks_fit",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::DataDiskCategory,
        ParamId::DataDiskSize,
        ParamId::DataDiskSnapshotId,
        ParamId::DataDiskEncrypted,
    ],
    codes: &[
        ErrorKey::InvalidDiskCategoryNotSupported,
        ErrorKey::CategoryNotSupported,
        ErrorKey::InvalidSnapshotIdNotDataDiskSnapshot,
        ErrorKey::InvalidSnapshotIdNotReady,
        ErrorKey::OperationDeniedSnapshot,
        ErrorKey::InvalidSnapshotIdBasedSnapshotTooOld,
        ErrorKey::EncryptedOptionConflict,
        ErrorKey::InvalidDiskSizeTooSmall,
        ErrorKey::InstanceDiskCategoryLimitExceedSize,
        ErrorKey::InvalidParameterEncryptedNotSupportedRegion,
        ErrorKey::InstanceDiskNumberLimitExceed,
        ErrorKey::InstanceDiskNumLimitExceed,
        ErrorKey::InstanceDiskCategoryLimitExceedTotal,
    ],
    doc: "Per data disk n: category supported by the type and offered in the zone; its \
          snapshot is a data snapshot, accomplished, usable, created after 2013-07-15, with \
          the same encryption, no larger than an explicit Size nor than the category's \
          maximum; encryption offered in the region. Then per instance: image data disks \
          plus DataDisk.n at most 16, at most DiskQuantity-1 data disks for the type, local \
          disks within LocalStorageCapacity.",
    check: Check::Static(data_disks),
};

/// Snapshots created on or before this day are refused (reference row DataDisk.n.SnapshotId).
fn last_refused_snapshot_day() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2013, 7, 15).expect("a valid date")
}

fn data_disks(c: &Ctx) -> Option<Violation> {
    for d in &c.req.data_disks {
        let cat = c.data_disk_category(d);
        let at = |id| ParamRef::at(id, d.n);
        let fail = |k, id| Some(Violation::new(k, at(id)));
        if !type_takes(c, cat) {
            return fail(
                ErrorKey::InvalidDiskCategoryNotSupported,
                ParamId::DataDiskCategory,
            );
        }
        if let Some(z) = c.zone() {
            if !zone_takes_disk(c, z, "DataDisk", cat.as_str()) {
                return fail(ErrorKey::CategoryNotSupported, ParamId::DataDiskCategory);
            }
        }
        if let Some(s) = d.snapshot_id.as_deref().and_then(|id| c.world.snapshot(id)) {
            let snap = ParamId::DataDiskSnapshotId;
            if !s.source_disk_type.eq_ignore_ascii_case("data") {
                return fail(ErrorKey::InvalidSnapshotIdNotDataDiskSnapshot, snap);
            }
            if s.status == "progressing" {
                return fail(ErrorKey::InvalidSnapshotIdNotReady, snap);
            }
            if s.status == "failed" || !s.available {
                return fail(ErrorKey::OperationDeniedSnapshot, snap);
            }
            let created = crate::time::parse_utc(&s.creation_time);
            if created.is_some_and(|t| t.date_naive() <= last_refused_snapshot_day()) {
                return fail(ErrorKey::InvalidSnapshotIdBasedSnapshotTooOld, snap);
            }
            if d.encrypted.is_some_and(|e| e != s.encrypted) {
                return fail(
                    ErrorKey::EncryptedOptionConflict,
                    ParamId::DataDiskEncrypted,
                );
            }
            let snap_size: u32 = s.source_disk_size.trim().parse().unwrap_or(0);
            if d.size.is_some_and(|size| size < snap_size) {
                return fail(ErrorKey::InvalidDiskSizeTooSmall, ParamId::DataDiskSize);
            }
            if snap_size
                > c.edition
                    .data_disk_range(cat, d.performance_level)
                    .map_or(u32::MAX, |r| r.1)
            {
                return fail(ErrorKey::InstanceDiskCategoryLimitExceedSize, snap);
            }
        }
        let encrypted = d.encrypted == Some(true)
            || d.snapshot_id
                .as_deref()
                .and_then(|id| c.world.snapshot(id))
                .is_some_and(|s| s.encrypted);
        if encrypted
            && c.world
                .region(c.region)
                .is_some_and(|r| !r.disk_encryption_supported)
        {
            return fail(
                ErrorKey::InvalidParameterEncryptedNotSupportedRegion,
                ParamId::DataDiskEncrypted,
            );
        }
    }
    let last = c.req.data_disks.last()?;
    let count = c.req.data_disks.len() as u32;
    let last_param = ParamRef::at(ParamId::DataDiskCategory, last.n);
    let image_disks = c.image.map_or(0, |i| {
        i.disk_device_mappings
            .disk_device_mapping
            .iter()
            .filter(|m| m.kind == "data")
            .count() as u32
    });
    if image_disks + count > 16 {
        return Some(Violation::new(
            ErrorKey::InstanceDiskNumberLimitExceed,
            last_param,
        ));
    }
    if c.itype
        .is_some_and(|t| count > t.disk_quantity.saturating_sub(1))
    {
        return Some(Violation::new(
            ErrorKey::InstanceDiskNumLimitExceed,
            last_param,
        ));
    }
    let local: u64 = c
        .req
        .data_disks
        .iter()
        .filter(|d| c.data_disk_category(d) == DiskCategory::EphemeralSsd)
        .map(|d| u64::from(d.size.unwrap_or(0)))
        .sum();
    let cap = c.itype.and_then(|t| t.local_storage_capacity).unwrap_or(0);
    if local > 0 && local > cap {
        return Some(Violation::new(
            ErrorKey::InstanceDiskCategoryLimitExceedTotal,
            last_param,
        ));
    }
    None
}

pub static HPC: Rule = Rule {
    name: "hpc_cluster_fits",
    tier: Tier::Compatibility,
    reads: &[ParamId::HpcClusterId, ParamId::InstanceType],
    codes: &[
        ErrorKey::InvalidHpcClusterIdUnnecessary,
        ErrorKey::InvalidVSwitchIdNecessary,
    ],
    doc: "HpcClusterId only for types that take one (InvalidHpcClusterId.Unnecessary); types \
          that require one must have it (InvalidVSwitchId.Necessary, message 'The \
          HpcClusterId is necessary.').",
    check: Check::Static(|c| {
        let t = c.itype?;
        match c.req.hpc_cluster_id {
            Some(_) if !t.hpc_supported => Some(Violation::on(
                ErrorKey::InvalidHpcClusterIdUnnecessary,
                ParamId::HpcClusterId,
            )),
            None if t.hpc_required => Some(Violation::on(
                ErrorKey::InvalidVSwitchIdNecessary,
                ParamId::HpcClusterId,
            )),
            _ => None,
        }
    }),
};

pub static NETWORK: Rule = Rule {
    name: "network_fits",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::VSwitchId,
        ParamId::ZoneId,
        ParamId::SecurityGroupId,
        ParamId::InternetMaxBandwidthIn,
        ParamId::InternetChargeType,
        ParamId::RamRoleName,
    ],
    codes: &[
        ErrorKey::InvalidParameterMismatchZone,
        ErrorKey::InvalidParameterMismatchVpc,
        ErrorKey::InvalidNetworkTypeMismatchBandwidth,
        ErrorKey::InvalidNetworkTypeMismatchChargeType,
        ErrorKey::InvalidNetworkTypeMismatchRamRole,
    ],
    doc: "The vSwitch is in ZoneId and in the security group's VPC; a VPC instance without \
          public bandwidth (InternetMaxBandwidthOut=0) takes neither InternetMaxBandwidthIn \
          nor InternetChargeType=PayByBandwidth; a RAM role needs a VPC instance.",
    check: Check::Static(network),
};

fn network(c: &Ctx) -> Option<Violation> {
    if let Some(v) = c.vswitch {
        if c.req.zone_id.as_deref().is_some_and(|z| z != v.zone_id) {
            return Some(Violation::new(
                ErrorKey::InvalidParameterMismatchZone,
                c.req.vswitch_param(),
            ));
        }
        if c.sg.is_some_and(|g| g.vpc_id != v.vpc_id) {
            return Some(Violation::new(
                ErrorKey::InvalidParameterMismatchVpc,
                c.req.security_group_param(),
            ));
        }
    }
    if c.is_vpc() && c.req.bandwidth_out() == 0 {
        if c.req.internet_max_bandwidth_in.is_some() {
            return Some(Violation::on(
                ErrorKey::InvalidNetworkTypeMismatchBandwidth,
                ParamId::InternetMaxBandwidthIn,
            ));
        }
        if c.req.internet_charge_type == Some(InternetChargeType::PayByBandwidth) {
            return Some(Violation::on(
                ErrorKey::InvalidNetworkTypeMismatchChargeType,
                ParamId::InternetChargeType,
            ));
        }
    }
    (c.req.ram_role_name.is_some() && !c.is_vpc()).then(|| {
        Violation::on(
            ErrorKey::InvalidNetworkTypeMismatchRamRole,
            ParamId::RamRoleName,
        )
    })
}

pub static HOST_NAME: Rule = Rule {
    name: "windows_host_name",
    tier: Tier::Compatibility,
    reads: &[ParamId::HostName, ParamId::ImageId],
    codes: &[ErrorKey::HostnameIllegal],
    doc: "With a Windows image, HostName has at most 15 characters, no '.', and is not all \
          digits (reference row HostName). Example: HostName=web.prod on Windows -> \
          HOSTNAME_ILLEGAL.",
    check: Check::Static(|c| {
        let h = c.req.host_name.as_deref()?;
        (c.is_windows() && !windows_host_name_ok(h))
            .then(|| Violation::on(ErrorKey::HostnameIllegal, ParamId::HostName))
    }),
};

pub static USER_DATA_AND_KEYS: Rule = Rule {
    name: "user_data_and_key_pair",
    tier: Tier::Compatibility,
    reads: &[ParamId::UserData, ParamId::KeyPairName],
    codes: &[
        ErrorKey::InvalidUserDataNotSupported,
        ErrorKey::DependencyViolationWindowsInstance,
    ],
    doc: "UserData only on VPC, I/O optimized instances; no key pair with a Windows image. \
          Example: KeyPairName with a Windows image -> DependencyViolation.WindowsInstance.",
    check: Check::Static(|c| {
        if c.req.user_data_len.is_some() && !(c.is_vpc() && c.io_optimized()) {
            return Some(Violation::on(
                ErrorKey::InvalidUserDataNotSupported,
                ParamId::UserData,
            ));
        }
        (c.req.key_pair_name.is_some() && c.is_windows()).then(|| {
            Violation::on(
                ErrorKey::DependencyViolationWindowsInstance,
                ParamId::KeyPairName,
            )
        })
    }),
};
