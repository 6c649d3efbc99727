//! Syntax tier: the single-parameter checks done while typing the request, and the
//! cross-parameter checks that need no world.

use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::request::typed::{DiskCategory, SpotStrategy};

pub static SINGLE_PARAMETER: Rule = Rule {
    name: "single_parameter",
    tier: Tier::Syntax,
    reads: &[ParamId::Action],
    codes: &[
        ErrorKey::InvalidActionNotFound,
        ErrorKey::InvalidInternetChargeTypeValueNotSupported,
        ErrorKey::InvalidIoOptimizedValueValueNotSupported,
        ErrorKey::InvalidSystemDiskCategoryValueNotSupported,
        ErrorKey::InvalidSystemDiskSize,
        ErrorKey::InvalidSystemDiskSizeLessThanMinSize,
        ErrorKey::InvalidDiskNameMalformed,
        ErrorKey::InvalidDiskDescriptionMalformed,
        ErrorKey::InvalidDiskCategoryValueNotSupported,
        ErrorKey::InvalidDataDiskSizeValueNotSupported,
        ErrorKey::InvalidParameterEncryptedIllegal,
        ErrorKey::QuotaExceedPortableCloudDisk,
        ErrorKey::InvalidParameterBandwidth,
        ErrorKey::InvalidParameterBandwidthOut,
        ErrorKey::InvalidInstanceNameMalformed,
        ErrorKey::InvalidHostNameMalformed,
        ErrorKey::InvalidDescriptionMalformed,
        ErrorKey::InvalidPasswordMalformed,
        ErrorKey::InvalidParameterAmount,
        ErrorKey::InvalidAutoReleaseTimeMalformed,
        ErrorKey::InvalidUserDataSizeExceeded,
        ErrorKey::InvalidTagKeyMalformed,
        ErrorKey::InvalidTagValueMalformed,
        ErrorKey::InvalidSpotStrategy,
        ErrorKey::InvalidSpotPriceLimit,
        ErrorKey::InvalidClientTokenValueNotSupported,
        ErrorKey::InvalidInstanceChargeTypeNotFound,
        ErrorKey::InvalidMinAmountMalformed,
        ErrorKey::InvalidSpotDuration,
        ErrorKey::InvalidSpotInterruptionBehavior,
        ErrorKey::InvalidPerformanceLevelValueNotSupported,
        ErrorKey::InvalidParameterGeneric,
        // Today's tag count, and the rows data/params.csv names for bad values.
        ErrorKey::NumberExceedTags,
        ErrorKey::InvalidPeriodTypeValueNotSupported,
        ErrorKey::InvalidHttpTokensNotSupported,
        ErrorKey::InvalidHttpEndpointNotSupported,
        ErrorKey::InvalidHttpPutResponseHopLimitNotSupported,
        ErrorKey::InvalidParameterCreditSpecification,
        ErrorKey::InvalidParamTenancy,
        ErrorKey::InvalidParameterAffinity,
        ErrorKey::InvalidParameterEniType,
        ErrorKey::InvalidParameterEniTrafficMode,
        ErrorKey::InvalidPrivatePoolOptionsMatchCriteria,
        ErrorKey::InvalidParameterCpuOptionsTopologyType,
        ErrorKey::InvalidParameterDeploymentSetGroupNo,
        ErrorKey::InvalidProvisionedIopsLimitExceed,
        ErrorKey::InvalidParameterCpuOptionsThreadsPerCore,
        ErrorKey::InvalidPeriod,
        ErrorKey::InvalidAutoRenewPeriodValueNotSupported,
    ],
    doc: "Each parameter on its own, in the reference's order: enumerations, integers, \
          booleans (any case), fixed ranges (Amount 1..=100, InternetMaxBandwidthIn 1..=200, \
          InternetMaxBandwidthOut 0..=100, SystemDisk.Size >= 20), names, descriptions, \
          host names, passwords, tags, ClientToken, UserData Base64 and its size (the \
          edition's limits: 16 KiB and 5 tags in the reference, 32 KB and 20 tags today). \
          Today's parameters without a hand-written conversion are typed from \
          data/params.csv: kind, the schema's bounds and array sizes, the documented values, \
          and the row a bad value answers. Example: Amount=101 -> InvalidParameter (Amount).",
    check: Check::Conversion,
};

pub static REQUIRED: Rule = Rule {
    name: "required",
    tier: Tier::Syntax,
    reads: &[
        ParamId::RegionId,
        ParamId::ImageId,
        ParamId::InstanceType,
        ParamId::SecurityGroupId,
    ],
    codes: &[ErrorKey::MissingParameterGeneric],
    doc: "RegionId is required; ImageId, InstanceType and SecurityGroupId are required unless a \
          launch template supplies them (reference rows RegionId..SecurityGroupId); today an \
          ImageFamily stands for ImageId, and SecurityGroupIds.n or a primary ENI's groups for \
          SecurityGroupId. \
          Example: no ImageId and no template -> MissingParameter (ImageId).",
    check: Check::Static(required),
};

fn required(c: &Ctx) -> Option<Violation> {
    let r = c.req;
    let missing = [
        (r.region_id.is_none(), ParamId::RegionId),
        (
            r.image_id.is_none() && r.get(ParamId::ImageFamily).is_none(),
            ParamId::ImageId,
        ),
        (r.instance_type.is_none(), ParamId::InstanceType),
        (r.security_group_id.is_none(), ParamId::SecurityGroupId),
    ];
    missing
        .iter()
        .find(|(m, _)| *m)
        .map(|(_, p)| Violation::on(ErrorKey::MissingParameterGeneric, *p).arg(p.spec().name))
}

pub static SYSTEM_DISK_SIZE: Rule = Rule {
    name: "system_disk_size",
    tier: Tier::Syntax,
    reads: &[ParamId::SystemDiskSize, ParamId::SystemDiskCategory],
    codes: &[
        ErrorKey::InvalidSystemDiskSizeMoreThanMaxSize,
        ErrorKey::InvalidSystemDiskSizeLessThanMinSize,
        ErrorKey::InvalidPerformanceLevelValueNotSupported,
    ],
    doc: "SystemDisk.Size within the category's range of the edition (reference: 20..=500, \
          cloud_essd 2048; today 20..=2048, basic disks 500, ESSD by level, PL0 and AutoPL \
          from 1); SystemDisk.PerformanceLevel only with cloud_essd. Example: \
          SystemDisk.Category=cloud_efficiency, SystemDisk.Size=2049 -> \
          InvalidSystemDiskSize.MoreThanMaxSize.",
    check: Check::Static(system_disk_size),
};

fn system_disk_size(c: &Ctx) -> Option<Violation> {
    let d = &c.req.system_disk;
    let essd = d.category == Some(DiskCategory::CloudEssd);
    // The explicit category's range; without one, the default category's.
    let cat = c.system_disk_category();
    let (lo, hi) = c
        .edition
        .system_disk_range(cat, d.performance_level)
        .unwrap_or((0, u32::MAX));
    if let Some(s) = d.size {
        if s > hi {
            return Some(Violation::on(
                ErrorKey::InvalidSystemDiskSizeMoreThanMaxSize,
                ParamId::SystemDiskSize,
            ));
        }
        if s < lo {
            return Some(Violation::on(
                ErrorKey::InvalidSystemDiskSizeLessThanMinSize,
                ParamId::SystemDiskSize,
            ));
        }
    }
    if d.performance_level.is_some() && !essd {
        return Some(Violation::on(
            ErrorKey::InvalidPerformanceLevelValueNotSupported,
            ParamId::SystemDiskPerformanceLevel,
        ));
    }
    None
}

pub static DATA_DISKS: Rule = Rule {
    name: "data_disks",
    tier: Tier::Syntax,
    reads: &[
        ParamId::SystemDiskCategory,
        ParamId::DataDiskCategory,
        ParamId::DataDiskSize,
        ParamId::DataDiskEncrypted,
        ParamId::DataDiskDeleteWithInstance,
        ParamId::DataDiskPerformanceLevel,
    ],
    codes: &[
        ErrorKey::InvalidDiskCategoryMismatch,
        ErrorKey::InvalidDataDiskSizeValueNotSupported,
        ErrorKey::InvalidParameterEncryptedNotSupportedCategory,
        ErrorKey::DeleteWithInstanceConflict,
        ErrorKey::InvalidPerformanceLevelValueNotSupported,
        ErrorKey::OperationDeniedDiskType,
    ],
    doc: "Per data disk n, in order: an ephemeral_ssd system disk cannot mix with cloud data \
          disks; Size within the category's range (cloud 5..=2000, cloud_efficiency/cloud_ssd \
          20..=32768, ephemeral_ssd 5..=800) unless a snapshot sets it; Encrypted only on \
          cloud_efficiency/cloud_ssd/cloud_essd; DeleteWithInstance only on cloud disks; \
          PerformanceLevel only on cloud_essd; no snapshot on a local disk. \
          Example: DataDisk.1.Category=cloud, DataDisk.1.Size=2001 -> \
          InvalidDataDiskSize.ValueNotSupported.",
    check: Check::Static(data_disks),
};

fn data_disks(c: &Ctx) -> Option<Violation> {
    let sys_local = c.req.system_disk.category == Some(DiskCategory::EphemeralSsd);
    for d in &c.req.data_disks {
        let cat = c.data_disk_category(d);
        let at = |id| ParamRef::at(id, d.n);
        if sys_local && cat.is_cloud() {
            return Some(Violation::new(
                ErrorKey::InvalidDiskCategoryMismatch,
                at(ParamId::DataDiskCategory),
            ));
        }
        if let Some(size) = d.size {
            let (lo, hi) = c
                .edition
                .data_disk_range(cat, d.performance_level)
                .unwrap_or((0, u32::MAX));
            if d.snapshot_id.is_none() && !(lo..=hi).contains(&size) {
                return Some(Violation::new(
                    ErrorKey::InvalidDataDiskSizeValueNotSupported,
                    at(ParamId::DataDiskSize),
                ));
            }
        }
        if d.snapshot_id.is_some() && !cat.is_cloud() {
            return Some(Violation::new(
                ErrorKey::OperationDeniedDiskType,
                at(ParamId::DataDiskSnapshotId),
            ));
        }
        if d.encrypted == Some(true)
            && matches!(cat, DiskCategory::Cloud | DiskCategory::EphemeralSsd)
        {
            return Some(Violation::new(
                ErrorKey::InvalidParameterEncryptedNotSupportedCategory,
                at(ParamId::DataDiskEncrypted),
            ));
        }
        if d.delete_with_instance.is_some() && !cat.is_cloud() {
            return Some(Violation::new(
                ErrorKey::DeleteWithInstanceConflict,
                at(ParamId::DataDiskDeleteWithInstance),
            ));
        }
        if d.performance_level.is_some() && cat != DiskCategory::CloudEssd {
            return Some(Violation::new(
                ErrorKey::InvalidPerformanceLevelValueNotSupported,
                at(ParamId::DataDiskPerformanceLevel),
            ));
        }
    }
    None
}

pub static PASSWORD_INHERIT: Rule = Rule {
    name: "password_inherit",
    tier: Tier::Syntax,
    reads: &[ParamId::Password, ParamId::PasswordInherit],
    codes: &[ErrorKey::InvalidPasswordParamMismatch],
    doc: "PasswordInherit=true requires an empty Password (reference row PasswordInherit). \
          Example: Password=Abc123!x with PasswordInherit=True -> InvalidPasswordParam.Mismatch.",
    check: Check::Static(|c| {
        (c.req.password_inherit == Some(true) && c.req.password.is_some()).then(|| {
            Violation::on(
                ErrorKey::InvalidPasswordParamMismatch,
                ParamId::PasswordInherit,
            )
        })
    }),
};

pub static MIN_AMOUNT: Rule = Rule {
    name: "min_amount",
    tier: Tier::Syntax,
    reads: &[ParamId::Amount, ParamId::MinAmount],
    codes: &[ErrorKey::InvalidMinAmountMalformed],
    doc: "MinAmount may not exceed Amount (current API). Example: Amount=2, MinAmount=3 -> \
          InvalidMinAmount.Malformed.",
    check: Check::Static(|c| {
        c.req
            .min_amount
            .is_some_and(|m| m > c.req.amount())
            .then(|| Violation::on(ErrorKey::InvalidMinAmountMalformed, ParamId::MinAmount))
    }),
};

pub static AUTO_RELEASE_TIME: Rule = Rule {
    name: "auto_release_time",
    tier: Tier::Syntax,
    reads: &[ParamId::AutoReleaseTime],
    codes: &[ErrorKey::InvalidAutoReleaseTimeMalformed],
    doc: "AutoReleaseTime, rounded down to the minute, lies at least 30 minutes and at most \
          three years after the request time (`--at`). Example: at 2026-01-01T00:00:00Z, \
          AutoReleaseTime=2026-01-01T00:29:00Z -> InvalidAutoReleaseTime.Malformed.",
    check: Check::Static(|c| {
        let t = c.req.auto_release_time?;
        let earliest = c.at + chrono::Duration::minutes(30);
        let latest =
            c.at.checked_add_months(chrono::Months::new(36))
                .unwrap_or(c.at);
        (t < earliest || t > latest).then(|| {
            Violation::on(
                ErrorKey::InvalidAutoReleaseTimeMalformed,
                ParamId::AutoReleaseTime,
            )
        })
    }),
};

pub static TAGS: Rule = Rule {
    name: "tags",
    tier: Tier::Syntax,
    reads: &[ParamId::TagKey, ParamId::TagValue],
    codes: &[ErrorKey::InvalidTagKeyMalformed],
    doc: "A Tag.n.Value needs its Tag.n.Key. Example: Tag.2.Value=x alone -> \
          InvalidTagKey.Malformed (Tag.2.Key).",
    check: Check::Static(|c| {
        c.req.tags.iter().find(|t| t.key.is_none()).map(|t| {
            Violation::new(
                ErrorKey::InvalidTagKeyMalformed,
                ParamRef::at(ParamId::TagKey, t.n),
            )
        })
    }),
};

pub static SPOT: Rule = Rule {
    name: "spot_parameters",
    tier: Tier::Syntax,
    reads: &[
        ParamId::SpotStrategy,
        ParamId::SpotPriceLimit,
        ParamId::InstanceChargeType,
        ParamId::SpotDuration,
    ],
    codes: &[
        ErrorKey::InvalidSpotPriceLimit,
        ErrorKey::InvalidSpotPrepaid,
        ErrorKey::InvalidSpotDuration,
    ],
    doc: "SpotStrategy=SpotWithPriceLimit needs a SpotPriceLimit (a limit without that \
          strategy has no effect, reference row SpotPriceLimit); spot strategies only with PostPaid (InvalidSpotPrepaid); \
          SpotDuration only with a spot strategy. Example: SpotStrategy=SpotAsPriceGo, \
          InstanceChargeType=PrePaid -> InvalidSpotPrepaid.",
    check: Check::Static(spot),
};

fn spot(c: &Ctx) -> Option<Violation> {
    use crate::request::typed::InstanceChargeType;
    let s = c.req.spot_strategy();
    if c.req.spot_price_limit.is_none() && s == SpotStrategy::SpotWithPriceLimit {
        return Some(Violation::on(
            ErrorKey::InvalidSpotPriceLimit,
            ParamId::SpotPriceLimit,
        ));
    }
    if s != SpotStrategy::NoSpot && c.req.instance_charge_type() == InstanceChargeType::PrePaid {
        return Some(Violation::on(
            ErrorKey::InvalidSpotPrepaid,
            ParamId::SpotStrategy,
        ));
    }
    if c.req.spot_duration.is_some() && s == SpotStrategy::NoSpot {
        return Some(Violation::on(
            ErrorKey::InvalidSpotDuration,
            ParamId::SpotDuration,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edition::EditionId;

    #[test]
    fn conversion_claims_every_row_the_parameter_table_and_editions_name() {
        for spec in crate::catalog::params::specs() {
            if let Some(k) = spec.error {
                assert!(SINGLE_PARAMETER.codes.contains(&k), "{}: {k:?}", spec.name);
            }
        }
        for e in EditionId::ALL {
            let k = e.get().tag_count_key();
            assert!(SINGLE_PARAMETER.codes.contains(&k), "{}: {k:?}", e.name());
        }
    }
}
