//! Every catalog row, triggered through the library's public interface (`load_world` +
//! `validate::predict`), one case per row, with the parameter it names. A row without a case
//! fails `every_row_has_a_case`; IdempotentParameterMismatch is stateful and is triggered by
//! the replay tests.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use ecsim::catalog::errors::entries;
use ecsim::catalog::ErrorKey as K;
use ecsim::edition::EditionId;
use ecsim::request::RawRequest;
use ecsim::validate::{predict, Outcome};
use ecsim::world::load::load_world;
use ecsim::world::World;

/// The special-purpose resources of `tests/fixtures/world-special.json` in zone cn-hangzhou-t.
const BASE: &[(&str, &str)] = &[
    ("RegionId", "cn-hangzhou"),
    ("ZoneId", "cn-hangzhou-t"),
    ("ImageId", "m-test-linux"),
    ("InstanceType", "ecs.test-any"),
    ("SecurityGroupId", "sg-test"),
    ("VSwitchId", "vsw-test-t"),
    ("SystemDisk.Category", "cloud_essd"),
];

const AT: &str = "2027-06-01T00:00:00Z";

pub struct Case {
    pub key: K,
    /// Changes to BASE; an empty value removes the parameter.
    pub set: &'static [(&'static str, &'static str)],
    /// A world fragment merged over the special world ("" for none).
    pub world: &'static str,
    /// The parameter the answer names (None for account-wide answers).
    pub param: Option<&'static str>,
}

pub const fn c(
    key: K,
    set: &'static [(&'static str, &'static str)],
    world: &'static str,
    param: Option<&'static str>,
) -> Case {
    Case {
        key,
        set,
        world,
        param,
    }
}

fn cases() -> Vec<Case> {
    let p = Some;
    vec![
        // template
        c(
            K::InvalidLaunchTemplateNotFound,
            &[("LaunchTemplateId", "lt-missing")],
            "",
            p("LaunchTemplateId"),
        ),
        c(
            K::InvalidLaunchTemplateVersionNotFound,
            &[
                ("LaunchTemplateId", "lt-test"),
                ("LaunchTemplateVersion", "9"),
            ],
            "",
            p("LaunchTemplateVersion"),
        ),
        // syntax: single parameters
        c(
            K::InvalidActionNotFound,
            &[("Action", "DescribeInstances")],
            "",
            p("Action"),
        ),
        c(
            K::InvalidInternetChargeTypeValueNotSupported,
            &[("InternetChargeType", "PayByMonth")],
            "",
            p("InternetChargeType"),
        ),
        c(
            K::InvalidIoOptimizedValueValueNotSupported,
            &[("IoOptimized", "yes")],
            "",
            p("IoOptimized"),
        ),
        c(
            K::InvalidSystemDiskCategoryValueNotSupported,
            &[("SystemDisk.Category", "floppy")],
            "",
            p("SystemDisk.Category"),
        ),
        c(
            K::InvalidSystemDiskSize,
            &[("SystemDisk.Size", "big")],
            "",
            p("SystemDisk.Size"),
        ),
        c(
            K::InvalidSystemDiskSizeLessThanMinSize,
            &[("SystemDisk.Size", "19")],
            "",
            p("SystemDisk.Size"),
        ),
        c(
            K::InvalidDiskNameMalformed,
            &[("SystemDisk.DiskName", "1disk")],
            "",
            p("SystemDisk.DiskName"),
        ),
        c(
            K::InvalidDiskDescriptionMalformed,
            &[("DataDisk.1.Description", "x")],
            "",
            p("DataDisk.1.Description"),
        ),
        c(
            K::InvalidDiskCategoryValueNotSupported,
            &[("DataDisk.1.Category", "tape")],
            "",
            p("DataDisk.1.Category"),
        ),
        c(
            K::InvalidDataDiskSizeValueNotSupported,
            &[("DataDisk.2.Size", "abc")],
            "",
            p("DataDisk.2.Size"),
        ),
        c(
            K::InvalidParameterEncryptedIllegal,
            &[("DataDisk.1.Encrypted", "maybe")],
            "",
            p("DataDisk.1.Encrypted"),
        ),
        c(
            K::QuotaExceedPortableCloudDisk,
            &[("DataDisk.17.Size", "40")],
            "",
            p("DataDisk.17.Size"),
        ),
        c(
            K::InvalidParameterBandwidth,
            &[("InternetMaxBandwidthIn", "201")],
            "",
            p("InternetMaxBandwidthIn"),
        ),
        c(
            K::InvalidParameterBandwidthOut,
            &[("InternetMaxBandwidthOut", "101")],
            "",
            p("InternetMaxBandwidthOut"),
        ),
        c(
            K::InvalidInstanceNameMalformed,
            &[("InstanceName", "-web")],
            "",
            p("InstanceName"),
        ),
        c(
            K::InvalidHostNameMalformed,
            &[("HostName", "web..1")],
            "",
            p("HostName"),
        ),
        c(
            K::InvalidDescriptionMalformed,
            &[("Description", "http://example.com")],
            "",
            p("Description"),
        ),
        c(
            K::InvalidPasswordMalformed,
            &[("Password", "password")],
            "",
            p("Password"),
        ),
        c(
            K::InvalidParameterAmount,
            &[("Amount", "101")],
            "",
            p("Amount"),
        ),
        c(
            K::InvalidAutoReleaseTimeMalformed,
            &[("AutoReleaseTime", "2027-06-01 12:00:00")],
            "",
            p("AutoReleaseTime"),
        ),
        c(
            K::InvalidUserDataSizeExceeded,
            &[("UserData", "USERDATA_16K_PLUS_1")],
            "",
            p("UserData"),
        ),
        c(
            K::InvalidTagKeyMalformed,
            &[("Tag.1.Key", "aliyun-owner")],
            "",
            p("Tag.1.Key"),
        ),
        c(
            K::InvalidTagValueMalformed,
            &[("Tag.1.Key", "owner"), ("Tag.1.Value", "acs:ram")],
            "",
            p("Tag.1.Value"),
        ),
        c(
            K::InvalidSpotStrategy,
            &[("SpotStrategy", "Cheapest")],
            "",
            p("SpotStrategy"),
        ),
        c(
            K::InvalidSpotPriceLimit,
            &[
                ("SpotStrategy", "SpotWithPriceLimit"),
                ("SpotPriceLimit", "0.1234"),
            ],
            "",
            p("SpotPriceLimit"),
        ),
        c(
            K::InvalidClientTokenValueNotSupported,
            &[("ClientToken", "令牌")],
            "",
            p("ClientToken"),
        ),
        c(
            K::InvalidInstanceChargeTypeNotFound,
            &[("InstanceChargeType", "Monthly")],
            "",
            p("InstanceChargeType"),
        ),
        c(
            K::InvalidMinAmountMalformed,
            &[("MinAmount", "0")],
            "",
            p("MinAmount"),
        ),
        c(
            K::InvalidSpotDuration,
            &[("SpotStrategy", "SpotAsPriceGo"), ("SpotDuration", "2")],
            "",
            p("SpotDuration"),
        ),
        c(
            K::InvalidSpotInterruptionBehavior,
            &[("SpotInterruptionBehavior", "Hibernate")],
            "",
            p("SpotInterruptionBehavior"),
        ),
        c(
            K::InvalidPerformanceLevelValueNotSupported,
            &[("SystemDisk.PerformanceLevel", "PL9")],
            "",
            p("SystemDisk.PerformanceLevel"),
        ),
        c(
            K::InvalidParameterGeneric,
            &[("DryRun", "maybe")],
            "",
            p("DryRun"),
        ),
        // syntax: across parameters
        c(
            K::MissingParameterGeneric,
            &[("ImageId", "")],
            "",
            p("ImageId"),
        ),
        c(
            K::InvalidSystemDiskSizeMoreThanMaxSize,
            &[
                ("SystemDisk.Category", "cloud_efficiency"),
                ("SystemDisk.Size", "501"),
            ],
            "",
            p("SystemDisk.Size"),
        ),
        c(
            K::InvalidDiskCategoryMismatch,
            &[
                ("SystemDisk.Category", "ephemeral_ssd"),
                ("DataDisk.1.Category", "cloud_ssd"),
            ],
            "",
            p("DataDisk.1.Category"),
        ),
        c(
            K::OperationDeniedDiskType,
            &[
                ("DataDisk.1.Category", "ephemeral_ssd"),
                ("DataDisk.1.SnapshotId", "s-test-ok"),
            ],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::InvalidParameterEncryptedNotSupportedCategory,
            &[
                ("DataDisk.1.Category", "cloud"),
                ("DataDisk.1.Encrypted", "true"),
            ],
            "",
            p("DataDisk.1.Encrypted"),
        ),
        c(
            K::DeleteWithInstanceConflict,
            &[
                ("DataDisk.1.Category", "ephemeral_ssd"),
                ("DataDisk.1.Size", "50"),
                ("DataDisk.1.DeleteWithInstance", "false"),
            ],
            "",
            p("DataDisk.1.DeleteWithInstance"),
        ),
        c(
            K::InvalidPasswordParamMismatch,
            &[("Password", "Abcdef1!"), ("PasswordInherit", "True")],
            "",
            p("PasswordInherit"),
        ),
        c(
            K::InvalidSpotPrepaid,
            &[
                ("SpotStrategy", "SpotAsPriceGo"),
                ("InstanceChargeType", "PrePaid"),
            ],
            "",
            p("SpotStrategy"),
        ),
        // existence
        c(
            K::InvalidRegionIdNotFound,
            &[("RegionId", "cn-atlantis")],
            "",
            p("RegionId"),
        ),
        c(
            K::OperationDeniedZone,
            &[("ZoneId", "cn-test-a")],
            "",
            p("ZoneId"),
        ),
        c(
            K::ZoneIdNotFound,
            &[("ZoneId", "cn-hangzhou-z")],
            "",
            p("ZoneId"),
        ),
        c(
            K::InvalidZoneIdNotFound,
            &[("ZoneId", "mars-1a")],
            "",
            p("ZoneId"),
        ),
        c(
            K::InvalidImageIdNotFound,
            &[("ImageId", "m-missing")],
            "",
            p("ImageId"),
        ),
        c(
            K::InvalidInstanceTypeValueNotSupported,
            &[("InstanceType", "ecs.g99.large")],
            "",
            p("InstanceType"),
        ),
        c(
            K::InvalidSecurityGroupId,
            &[("SecurityGroupId", "sg-missing")],
            "",
            p("SecurityGroupId"),
        ),
        c(
            K::InvalidDataDiskSnapshotIdNotFound,
            &[("DataDisk.1.SnapshotId", "s-missing")],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::InvalidHpcClusterIdNotFound,
            &[("HpcClusterId", "hpc-missing")],
            "",
            p("HpcClusterId"),
        ),
        c(
            K::InvalidHpcClusterIdCreating,
            &[("HpcClusterId", "hpc-test-creating")],
            "",
            p("HpcClusterId"),
        ),
        c(
            K::InvalidVSwitchIdNotFound,
            &[("VSwitchId", "vsw-missing")],
            "",
            p("VSwitchId"),
        ),
        c(
            K::InvalidVSwitchIdNotFoundInRegion,
            &[("ZoneId", ""), ("VSwitchId", "vsw-test-b")],
            "",
            p("VSwitchId"),
        ),
        c(
            K::IncorrectVSwitchStatus,
            &[("VSwitchId", "vsw-test-pending")],
            "",
            p("VSwitchId"),
        ),
        c(
            K::MissingParameter,
            &[("VSwitchId", "")],
            "",
            p("VSwitchId"),
        ),
        c(
            K::InvalidKeyPairNameNotFound,
            &[("KeyPairName", "kp-missing")],
            "",
            p("KeyPairName"),
        ),
        c(
            K::InvalidRamRoleNotFound,
            &[("RamRoleName", "role-missing")],
            "",
            p("RamRoleName"),
        ),
        // compatibility
        c(
            K::ZoneNotOnSale,
            &[("ZoneId", "cn-hangzhou-x"), ("VSwitchId", "vsw-test-x")],
            "",
            p("ZoneId"),
        ),
        c(
            K::InvalidInstanceTypeZoneNotSupported,
            &[
                ("ZoneId", "cn-hangzhou-u"),
                ("VSwitchId", "vsw-test-u"),
                ("InstanceType", "ecs.test-arm"),
                ("ImageId", "m-test-arm"),
            ],
            "",
            p("InstanceType"),
        ),
        c(
            K::ResourceNotAvailable,
            &[
                ("RegionId", "cn-test"),
                ("ZoneId", ""),
                ("VSwitchId", ""),
                ("SecurityGroupId", "sg-test-cn-test"),
                ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
                ("InstanceType", "ecs.test-retired"),
            ],
            "",
            p("InstanceType"),
        ),
        c(
            K::InvalidResourceTypeNotSupported,
            &[
                ("RegionId", "cn-test"),
                ("ZoneId", ""),
                ("VSwitchId", ""),
                ("SecurityGroupId", "sg-test-cn-test"),
                ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
            ],
            "",
            p("SystemDisk.Category"),
        ),
        c(
            K::ImageRemovedInMarket,
            &[("ImageId", "m-test-market-removed")],
            "",
            p("ImageId"),
        ),
        c(
            K::OperationDeniedImage,
            &[("ImageId", "m-test-unavailable")],
            "",
            p("ImageId"),
        ),
        c(
            K::ImageNotSubscribed,
            &[("ImageId", "m-test-market")],
            "",
            p("ImageId"),
        ),
        c(
            K::QuotaExceedBuyImage,
            &[("ImageId", "m-test-custom-product")],
            "",
            p("ImageId"),
        ),
        c(
            K::InvalidParameterConflict,
            &[("ImageId", "m-test-arm")],
            "",
            p("InstanceType"),
        ),
        c(
            K::ImageNotSupportInstanceType,
            &[
                ("ImageId", "m-test-windows"),
                ("InstanceType", "ecs.test-small"),
                ("SystemDisk.Size", "40"),
            ],
            "",
            p("InstanceType"),
        ),
        c(
            K::IoOptimizedNotSupportedType,
            &[
                ("InstanceType", "ecs.test-retired"),
                ("IoOptimized", "optimized"),
            ],
            "",
            p("IoOptimized"),
        ),
        c(
            K::DependencyViolationIoOptimized,
            &[("IoOptimized", "none")],
            "",
            p("IoOptimized"),
        ),
        c(
            K::IoOptimizedNotSupportedImage,
            &[("ImageId", "m-test-noio")],
            "",
            p("IoOptimized"),
        ),
        c(
            K::IoOptimizedNotSupportedVpc,
            &[
                ("VSwitchId", "vsw-test-legacy"),
                ("SecurityGroupId", "sg-test-legacy"),
            ],
            "",
            p("IoOptimized"),
        ),
        c(
            K::InvalidDiskCategoryNotSupported,
            &[
                ("InstanceType", "ecs.test-essdonly"),
                ("SystemDisk.Category", "cloud_ssd"),
            ],
            "",
            p("SystemDisk.Category"),
        ),
        c(
            K::CategoryNotSupported,
            &[
                ("ZoneId", "cn-hangzhou-u"),
                ("VSwitchId", "vsw-test-u"),
                ("DataDisk.1.Category", "cloud_ssd"),
                ("DataDisk.1.Size", "40"),
            ],
            "",
            p("DataDisk.1.Category"),
        ),
        c(
            K::InvalidSystemDiskSizeLessThanImageSize,
            &[("ImageId", "m-test-big"), ("SystemDisk.Size", "40")],
            "",
            p("SystemDisk.Size"),
        ),
        c(
            K::InvalidSnapshotIdNotDataDiskSnapshot,
            &[
                ("DataDisk.1.SnapshotId", "s-test-system"),
                ("DataDisk.1.Category", "cloud_essd"),
            ],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::InvalidSnapshotIdNotReady,
            &[
                ("DataDisk.1.SnapshotId", "s-test-progress"),
                ("DataDisk.1.Category", "cloud_essd"),
            ],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::OperationDeniedSnapshot,
            &[
                ("DataDisk.1.SnapshotId", "s-test-unusable"),
                ("DataDisk.1.Category", "cloud_essd"),
            ],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::InvalidSnapshotIdBasedSnapshotTooOld,
            &[
                ("DataDisk.1.SnapshotId", "s-test-old"),
                ("DataDisk.1.Category", "cloud_essd"),
            ],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::EncryptedOptionConflict,
            &[
                ("DataDisk.1.SnapshotId", "s-test-enc"),
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.1.Encrypted", "false"),
            ],
            "",
            p("DataDisk.1.Encrypted"),
        ),
        c(
            K::InvalidDiskSizeTooSmall,
            &[
                ("DataDisk.1.SnapshotId", "s-test-ok"),
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.1.Size", "39"),
            ],
            "",
            p("DataDisk.1.Size"),
        ),
        c(
            K::InstanceDiskCategoryLimitExceedSize,
            &[
                ("DataDisk.1.SnapshotId", "s-test-big"),
                ("DataDisk.1.Category", "cloud"),
            ],
            "",
            p("DataDisk.1.SnapshotId"),
        ),
        c(
            K::InvalidParameterEncryptedNotSupportedRegion,
            &[
                ("RegionId", "cn-noenc"),
                ("ZoneId", "cn-noenc-a"),
                ("VSwitchId", ""),
                ("SecurityGroupId", "sg-test-noenc"),
                ("ImageId", "aliyun_3_x64_20G_alibase_20240528.vhd"),
                ("SystemDisk.Category", ""),
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.1.Encrypted", "true"),
            ],
            "",
            p("DataDisk.1.Encrypted"),
        ),
        c(
            K::InstanceDiskNumberLimitExceed,
            &[
                ("ImageId", "m-test-datadisks"),
                ("DataDisk.1.Category", "cloud_essd"),
            ],
            "",
            p("DataDisk.1.Category"),
        ),
        c(
            K::InstanceDiskNumLimitExceed,
            &[
                ("InstanceType", "ecs.test-small"),
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.2.Category", "cloud_essd"),
                ("DataDisk.3.Category", "cloud_essd"),
            ],
            "",
            p("DataDisk.3.Category"),
        ),
        c(
            K::InstanceDiskCategoryLimitExceedTotal,
            &[
                ("InstanceType", "ecs.test-local"),
                ("DataDisk.1.Category", "ephemeral_ssd"),
                ("DataDisk.1.Size", "60"),
                ("DataDisk.2.Category", "ephemeral_ssd"),
                ("DataDisk.2.Size", "60"),
            ],
            "",
            p("DataDisk.2.Category"),
        ),
        c(
            K::InvalidHpcClusterIdUnnecessary,
            &[("HpcClusterId", "hpc-test-ok")],
            "",
            p("HpcClusterId"),
        ),
        c(
            K::InvalidVSwitchIdNecessary,
            &[("InstanceType", "ecs.test-hpc")],
            "",
            p("HpcClusterId"),
        ),
        c(
            K::InvalidParameterMismatchZone,
            &[("ZoneId", "cn-hangzhou-u")],
            "",
            p("VSwitchId"),
        ),
        c(
            K::InvalidParameterMismatchVpc,
            &[("SecurityGroupId", "sg-test-2")],
            "",
            p("SecurityGroupId"),
        ),
        c(
            K::InvalidNetworkTypeMismatchBandwidth,
            &[("InternetMaxBandwidthIn", "50")],
            "",
            p("InternetMaxBandwidthIn"),
        ),
        c(
            K::InvalidNetworkTypeMismatchChargeType,
            &[("InternetChargeType", "PayByBandwidth")],
            "",
            p("InternetChargeType"),
        ),
        c(
            K::InvalidNetworkTypeMismatchRamRole,
            &[
                ("VSwitchId", ""),
                ("SecurityGroupId", "sg-test-classic"),
                ("RamRoleName", "role-test"),
            ],
            "",
            p("RamRoleName"),
        ),
        c(
            K::HostnameIllegal,
            &[
                ("ImageId", "m-test-windows"),
                ("SystemDisk.Size", "40"),
                ("HostName", "web.prod"),
            ],
            "",
            p("HostName"),
        ),
        c(
            K::InvalidUserDataNotSupported,
            &[
                ("VSwitchId", ""),
                ("SecurityGroupId", "sg-test-classic"),
                ("UserData", "ZWNobyBoaQ=="),
            ],
            "",
            p("UserData"),
        ),
        c(
            K::DependencyViolationWindowsInstance,
            &[
                ("ImageId", "m-test-windows"),
                ("SystemDisk.Size", "40"),
                ("KeyPairName", "kp-test"),
            ],
            "",
            p("KeyPairName"),
        ),
        // account
        c(
            K::AccountArrearage,
            &[],
            r#"{"Account":{"Arrearage":true}}"#,
            None,
        ),
        c(
            K::PaymentMethodNotFound,
            &[],
            r#"{"Account":{"PaymentMethodRegistered":false}}"#,
            None,
        ),
        c(
            K::Forbidden,
            &[],
            r#"{"Account":{"RunInstancesAllowed":false}}"#,
            None,
        ),
        c(
            K::InvalidPayMethod,
            &[("InstanceChargeType", "PrePaid")],
            r#"{"Account":{"PrepaidAllowed":false}}"#,
            p("InstanceChargeType"),
        ),
        c(
            K::RegionUnauthorized,
            &[],
            r#"{"Account":{"UnauthorizedRegions":["cn-hangzhou"]}}"#,
            p("RegionId"),
        ),
        c(
            K::OperationDeniedSalesSuspended,
            &[],
            r#"{"Account":{"SalesSuspendedRegions":["cn-hangzhou"]}}"#,
            p("RegionId"),
        ),
        c(
            K::ZoneNotOpen,
            &[],
            r#"{"Account":{"UnauthorizedZones":["cn-hangzhou-t"]}}"#,
            p("ZoneId"),
        ),
        c(
            K::InvalidInstanceTypeValueUnauthorized,
            &[],
            r#"{"Account":{"UnauthorizedInstanceTypes":["ecs.test-any"]}}"#,
            p("InstanceType"),
        ),
        c(
            K::InvalidSystemDiskCategoryValueUnauthorized,
            &[],
            r#"{"Account":{"UnauthorizedDiskCategories":["cloud_essd"]}}"#,
            p("SystemDisk.Category"),
        ),
        c(
            K::OperationDeniedSnapshotCapacity,
            &[("DataDisk.1.Category", "cloud_ssd")],
            r#"{"Account":{"UnauthorizedDiskCategories":["cloud_ssd"]}}"#,
            p("DataDisk.1.Category"),
        ),
        c(
            K::InvalidParameterEncryptedKmsNotEnabled,
            &[
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.1.Encrypted", "true"),
            ],
            r#"{"Account":{"KmsEnabled":false}}"#,
            p("DataDisk.1.Encrypted"),
        ),
        c(
            K::InvalidUserDataForbidden,
            &[("UserData", "ZWNobyBoaQ==")],
            r#"{"Account":{"UserDataAllowed":false}}"#,
            p("UserData"),
        ),
        c(
            K::InvalidUserPassRoleForbidden,
            &[("RamRoleName", "role-test")],
            r#"{"Account":{"PassRoleAllowed":false}}"#,
            p("RamRoleName"),
        ),
        c(
            K::InvalidSpotAliUid,
            &[("SpotStrategy", "SpotAsPriceGo")],
            r#"{"Account":{"SpotEligible":false}}"#,
            p("SpotStrategy"),
        ),
        c(
            K::InvalidSpotAuthorized,
            &[("SpotStrategy", "SpotAsPriceGo")],
            r#"{"Account":{"SpotAuthorized":false}}"#,
            p("SpotStrategy"),
        ),
        // capacity
        c(
            K::QuotaExceedAfterpayInstance,
            &[("Amount", "2")],
            r#"{"RegionQuotas":{"RegionQuota":[{"RegionId":"cn-hangzhou","MaxPostpaidInstanceCount":10,"UsedPostpaidInstanceCount":9}]}}"#,
            p("Amount"),
        ),
        c(
            K::SecurityGroupInstanceLimitExceed,
            &[("SecurityGroupId", "sg-test-full"), ("Amount", "2")],
            "",
            p("SecurityGroupId"),
        ),
        c(
            K::QuotaExceeded,
            &[
                ("SecurityGroupId", "sg-test-2"),
                ("VSwitchId", "vsw-test-2"),
                ("Amount", "2"),
            ],
            "",
            p("VSwitchId"),
        ),
        c(
            K::InvalidParameterInstanceBandwidth,
            &[("InternetMaxBandwidthOut", "100"), ("Amount", "10")],
            r#"{"RegionQuotas":{"RegionQuota":[{"RegionId":"cn-hangzhou","PayByTrafficBandwidthLimit":5120,"UsedPayByTrafficBandwidth":4500}]}}"#,
            p("InternetMaxBandwidthOut"),
        ),
        c(
            K::InvalidSpotPriceLimitLowerThanPublicPrice,
            &[
                ("SpotStrategy", "SpotWithPriceLimit"),
                ("SpotPriceLimit", "0.3"),
            ],
            "",
            p("SpotPriceLimit"),
        ),
        c(
            K::InternalError,
            &[],
            r#"{"ServiceHealth":{"ServiceFault":[{"Error":"InternalError","RegionId":"cn-hangzhou"}]}}"#,
            None,
        ),
        c(
            K::InnerServiceFailed,
            &[],
            r#"{"ServiceHealth":{"ServiceFault":[{"Error":"InnerServiceFailed","RegionId":"cn-hangzhou","ZoneId":"cn-hangzhou-t"}]}}"#,
            None,
        ),
        c(
            K::OperationDeniedCreating,
            &[],
            r#"{"ServiceHealth":{"ServiceFault":[{"Error":"OperationDeniedCreating","RegionId":"cn-hangzhou"}]}}"#,
            None,
        ),
        c(
            K::OperationDeniedNoStock,
            &[("InstanceType", "ecs.test-stock5"), ("Amount", "6")],
            "",
            p("InstanceType"),
        ),
        c(K::DryRunOperation, &[("DryRun", "True")], "", None),
    ]
}

/// The special world plus `extra` under `edition`, loaded once per distinct pair.
fn world_in(edition: EditionId, extra: &str) -> &'static World {
    static CACHE: OnceLock<Mutex<HashMap<(EditionId, String), &'static World>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    if let Some(w) = cache.get(&(edition, extra.to_string())) {
        return w;
    }
    let mut files = vec![fixture("world-special.json")];
    let dir = tempfile::tempdir().unwrap();
    if !extra.is_empty() {
        let p = dir.path().join("extra.json");
        std::fs::write(&p, extra).unwrap();
        files.push(p);
    }
    let mut w = load_world(&files).expect("fixture world loads");
    w.edition = edition;
    let w: &'static World = Box::leak(Box::new(w));
    cache.insert((edition, extra.to_string()), w);
    w
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn raw(set: &[(&str, &str)]) -> RawRequest {
    let mut r = RawRequest::new("case");
    for (k, v) in BASE {
        if !set.iter().any(|(sk, _)| sk == k) {
            r.push(*k, *v);
        }
    }
    for (k, v) in set {
        if v.is_empty() {
            continue;
        }
        use base64::Engine as _;
        let v = if *v == "USERDATA_16K_PLUS_1" {
            base64::engine::general_purpose::STANDARD.encode(vec![b'x'; 16 * 1024 + 1])
        } else if *v == "USERDATA_32K_PLUS_1" {
            base64::engine::general_purpose::STANDARD.encode(vec![b'x'; 32 * 1024 + 1])
        } else {
            v.to_string()
        };
        r.push(*k, v);
    }
    r
}

fn at() -> chrono::DateTime<chrono::Utc> {
    ecsim::time::parse_utc(AT).unwrap()
}

/// The answer under the 2018 reference edition (the reference's rows and boundaries).
fn run(set: &[(&str, &str)], extra: &str) -> Outcome {
    run_in(EditionId::Reference2018, set, extra)
}

pub fn run_in(edition: EditionId, set: &[(&str, &str)], extra: &str) -> Outcome {
    predict(&raw(set), world_in(edition, extra), at()).outcome
}

/// Reference cases whose answer today differs, with the current case that covers today's.
const DIFFERS_TODAY: &[(K, &str)] = &[
    (
        K::InvalidUserDataSizeExceeded,
        "today's limit is 32 KiB, not 16 KiB",
    ),
    (
        K::InvalidSystemDiskSizeMoreThanMaxSize,
        "today's cloud_efficiency system disk goes to 2048 GiB, not 500",
    ),
    (
        K::InvalidPayMethod,
        "today a PrePaid request without Period answers MissingParamter first",
    ),
    (
        K::InvalidDiskCategoryNotSupported,
        "today a cloud_ssd disk on an ESSD-only type answers OperationDenied.CloudSSDNotSupported",
    ),
];

#[test]
fn the_special_base_request_succeeds() {
    assert!(
        matches!(run(&[], ""), Outcome::Created { dry_run: false, .. }),
        "{:?}",
        run(&[], "")
    );
}

fn check_case(edition: EditionId, case: &Case, expect: K, wrong: &mut Vec<String>) {
    let out = run_in(edition, case.set, case.world);
    let got_key = out.error_key();
    let got_param = match &out {
        Outcome::Failed(v) => v.param.map(|p| p.to_string()),
        _ => None,
    };
    if got_key != Some(expect) || got_param.as_deref() != case.param {
        wrong.push(format!(
            "{edition} {:?}: expected {expect:?} on {:?}, got {:?} {:?}",
            case.key, case.param, got_key, got_param
        ));
    }
}

#[test]
fn every_case_answers_its_row_and_names_its_parameter() {
    let mut wrong = Vec::new();
    let today = EditionId::Current.get();
    for case in cases() {
        check_case(EditionId::Reference2018, &case, case.key, &mut wrong);
        // The same request today answers the same row (or its renamed successor), unless
        // today's API answers otherwise (covered by a current case).
        if !DIFFERS_TODAY.iter().any(|(k, _)| *k == case.key) {
            check_case(
                EditionId::Current,
                &case,
                today.answer_key(case.key),
                &mut wrong,
            );
        }
    }
    for case in crate::current::cases() {
        check_case(EditionId::Current, &case, case.key, &mut wrong);
    }
    assert!(
        wrong.is_empty(),
        "{} cases answered otherwise:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_modeled_row_has_a_case() {
    let today = EditionId::Current.get();
    let mut covered: BTreeSet<K> = cases().iter().map(|c| c.key).collect();
    covered.extend(cases().iter().map(|c| today.answer_key(c.key)));
    covered.extend(crate::current::cases().iter().map(|c| c.key));
    // Stateful: triggered by the replay tests and (serve's other actions) tests/it/serve.rs.
    let mut stateful = vec![K::IdempotentParameterMismatch];
    stateful.extend_from_slice(ecsim::serve::actions::ACTION_CODES);
    // Rate limits need calls over time, never one request at an instant: triggered through
    // `run` and `serve` in tests/it/throttling.rs.
    stateful.extend_from_slice(&ecsim::scenario::THROTTLING);
    let missing: Vec<K> = entries()
        .iter()
        .filter(|e| e.modeled)
        .map(|e| e.key)
        .filter(|k| !covered.contains(k) && !stateful.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "rows without a triggering case: {missing:?}"
    );
}

#[test]
fn the_launch_template_fills_what_the_request_leaves_out() {
    let only_template = [
        ("ImageId", ""),
        ("InstanceType", ""),
        ("SecurityGroupId", ""),
        ("VSwitchId", ""),
        ("ZoneId", ""),
        ("SystemDisk.Category", ""),
        ("LaunchTemplateName", "test-web"),
    ];
    assert!(
        run(&only_template, "").ok(),
        "{:?}",
        run(&only_template, "")
    );
    // Version 2 carries a 4000 GiB basic disk: the template's values are checked too.
    let mut v2 = only_template.to_vec();
    v2.push(("LaunchTemplateVersion", "2"));
    assert_eq!(
        run(&v2, "").error_key(),
        Some(K::InvalidDataDiskSizeValueNotSupported)
    );
    // An explicit parameter wins over the template's.
    v2.push(("DataDisk.1.Size", "2000"));
    assert!(run(&v2, "").ok(), "{:?}", run(&v2, ""));
}

fn passes(set: &[(&str, &str)]) -> bool {
    run(set, "").ok()
}

fn answer(set: &[(&str, &str)]) -> Option<K> {
    run(set, "").error_key()
}

#[test]
fn boundaries_on_both_sides_of_every_range() {
    // (parameter, last good, first bad, code) — with the other side checked too.
    let ranges: &[(&str, &[&str], &[&str], K)] = &[
        (
            "Amount",
            &["1", "100"],
            &["0", "101"],
            K::InvalidParameterAmount,
        ),
        (
            "InternetMaxBandwidthOut",
            &["0", "100"],
            &["101", "-1"],
            K::InvalidParameterBandwidthOut,
        ),
        (
            "MinAmount",
            &["1"],
            &["0", "101"],
            K::InvalidMinAmountMalformed,
        ),
        (
            "SystemDisk.Size",
            &["20", "2048"],
            &["19"],
            K::InvalidSystemDiskSizeLessThanMinSize,
        ),
        (
            "SystemDisk.Size",
            &[],
            &["2049"],
            K::InvalidSystemDiskSizeMoreThanMaxSize,
        ),
        ("SpotDuration", &[], &["2"], K::InvalidSpotDuration),
    ];
    for (param, good, bad, key) in ranges {
        for v in *good {
            assert!(
                passes(&[(param, v)]),
                "{param}={v} should pass: {:?}",
                answer(&[(param, v)])
            );
        }
        for v in *bad {
            assert_eq!(answer(&[(param, v)]), Some(*key), "{param}={v}");
        }
    }
    // Bandwidth in needs a public IP (Out > 0) in a VPC.
    for v in ["1", "200"] {
        assert!(passes(&[
            ("InternetMaxBandwidthOut", "5"),
            ("InternetMaxBandwidthIn", v)
        ]));
    }
    for v in ["0", "201"] {
        assert_eq!(
            answer(&[("InternetMaxBandwidthIn", v)]),
            Some(K::InvalidParameterBandwidth)
        );
    }
    // cloud_efficiency system disk: 500 is the last good size.
    assert!(passes(&[
        ("SystemDisk.Category", "cloud_efficiency"),
        ("SystemDisk.Size", "500")
    ]));
    // Data disk ranges per category.
    let disk: &[(&str, u32, u32)] = &[
        ("cloud", 5, 2000),
        ("cloud_efficiency", 20, 32768),
        ("cloud_ssd", 20, 32768),
        ("cloud_essd", 20, 65536),
    ];
    for (cat, lo, hi) in disk {
        for (size, ok) in [(lo - 1, false), (*lo, true), (*hi, true), (hi + 1, false)] {
            let s = size.to_string();
            let a = answer(&[("DataDisk.1.Category", cat), ("DataDisk.1.Size", &s)]);
            if ok {
                assert_eq!(a, None, "{cat} {size}");
            } else {
                assert_eq!(
                    a,
                    Some(K::InvalidDataDiskSizeValueNotSupported),
                    "{cat} {size}"
                );
            }
        }
    }
    let local = |size: &str| {
        answer(&[
            ("InstanceType", "ecs.test-local"),
            ("DataDisk.1.Category", "ephemeral_ssd"),
            ("DataDisk.1.Size", size),
        ])
    };
    assert_eq!(local("4"), Some(K::InvalidDataDiskSizeValueNotSupported));
    assert_eq!(local("5"), None);
    assert_eq!(local("100"), None);
    assert_eq!(local("101"), Some(K::InstanceDiskCategoryLimitExceedTotal));
    assert_eq!(local("801"), Some(K::InvalidDataDiskSizeValueNotSupported));
    // Lengths.
    let name = |n: usize| format!("a{}", "b".repeat(n - 1));
    for (param, lo, hi, key) in [
        ("InstanceName", 2, 128, K::InvalidInstanceNameMalformed),
        ("Description", 2, 256, K::InvalidDescriptionMalformed),
        ("SystemDisk.DiskName", 2, 128, K::InvalidDiskNameMalformed),
        (
            "SystemDisk.Description",
            2,
            256,
            K::InvalidDiskDescriptionMalformed,
        ),
        ("HostName", 2, 128, K::InvalidHostNameMalformed),
    ] {
        assert_eq!(answer(&[(param, &name(lo))]), None, "{param} {lo}");
        assert_eq!(answer(&[(param, &name(hi))]), None, "{param} {hi}");
        assert_eq!(
            answer(&[(param, &name(lo - 1))]),
            Some(key),
            "{param} {}",
            lo - 1
        );
        assert_eq!(
            answer(&[(param, &name(hi + 1))]),
            Some(key),
            "{param} {}",
            hi + 1
        );
    }
    assert_eq!(answer(&[("ClientToken", &"t".repeat(64))]), None);
    assert_eq!(
        answer(&[("ClientToken", &"t".repeat(65))]),
        Some(K::InvalidClientTokenValueNotSupported)
    );
    assert_eq!(answer(&[("Tag.1.Key", &"k".repeat(64))]), None);
    assert_eq!(
        answer(&[("Tag.1.Key", &"k".repeat(65))]),
        Some(K::InvalidTagKeyMalformed)
    );
    assert_eq!(
        answer(&[("Tag.1.Key", "k"), ("Tag.1.Value", &"v".repeat(128))]),
        None
    );
    assert_eq!(
        answer(&[("Tag.1.Key", "k"), ("Tag.1.Value", &"v".repeat(129))]),
        Some(K::InvalidTagValueMalformed)
    );
    assert_eq!(answer(&[("Tag.5.Key", "k")]), None);
    assert_eq!(
        answer(&[("Tag.6.Key", "k")]),
        Some(K::InvalidTagKeyMalformed)
    );
    assert_eq!(answer(&[("DataDisk.16.Category", "cloud_essd")]), None);
    // Windows host names: 15 is the last good length.
    let win = |h: &str| {
        answer(&[
            ("ImageId", "m-test-windows"),
            ("SystemDisk.Size", "40"),
            ("HostName", h),
        ])
    };
    assert_eq!(win(&"w".repeat(15)), None);
    assert_eq!(win(&"w".repeat(16)), Some(K::HostnameIllegal));
    assert_eq!(win("12345"), Some(K::HostnameIllegal));
    // UserData: exactly 16 KiB decoded passes.
    use base64::Engine as _;
    let ud = base64::engine::general_purpose::STANDARD.encode(vec![b'x'; 16 * 1024]);
    assert_eq!(answer(&[("UserData", &ud)]), None);
    // Snapshots: 2013-07-15 is refused, the day after is fine.
    assert_eq!(
        answer(&[
            ("DataDisk.1.Category", "cloud_essd"),
            ("DataDisk.1.SnapshotId", "s-test-newer")
        ]),
        None
    );
    // Stock: exactly the stock passes; MinAmount takes what is there.
    assert_eq!(
        answer(&[("InstanceType", "ecs.test-stock5"), ("Amount", "5")]),
        None
    );
    match run(
        &[
            ("InstanceType", "ecs.test-stock5"),
            ("Amount", "8"),
            ("MinAmount", "3"),
        ],
        "",
    ) {
        Outcome::Created { grant, .. } => assert_eq!(grant.amount, 5),
        other => panic!("{other:?}"),
    }
    // Spot: the market price is 0.4 at AT; a limit at the market passes, above the
    // pay-as-you-go price (1.0) fails.
    let spot = |l: &str| {
        answer(&[
            ("SpotStrategy", "SpotWithPriceLimit"),
            ("SpotPriceLimit", l),
        ])
    };
    assert_eq!(spot("0.4"), None);
    assert_eq!(
        spot("0.399"),
        Some(K::InvalidSpotPriceLimitLowerThanPublicPrice)
    );
    assert_eq!(spot("1.0"), None);
    assert_eq!(spot("1.001"), Some(K::InvalidSpotPriceLimit));
}

#[test]
fn auto_release_time_window_is_relative_to_the_request_time() {
    // AT is 2027-06-01T00:00:00Z.
    assert_eq!(answer(&[("AutoReleaseTime", "2027-06-01T00:30:00Z")]), None);
    assert_eq!(
        answer(&[("AutoReleaseTime", "2027-06-01T00:29:59Z")]),
        Some(K::InvalidAutoReleaseTimeMalformed)
    );
    assert_eq!(answer(&[("AutoReleaseTime", "2030-06-01T00:00:00Z")]), None);
    assert_eq!(
        answer(&[("AutoReleaseTime", "2030-06-01T00:01:00Z")]),
        Some(K::InvalidAutoReleaseTimeMalformed)
    );
}

#[test]
fn precedence_follows_tiers_then_reference_order() {
    // Syntax beats existence, whatever the arrival order.
    assert_eq!(
        answer(&[("ImageId", "m-missing"), ("Amount", "0")]),
        Some(K::InvalidParameterAmount)
    );
    // Within syntax, the reference's order: InternetChargeType (row 10) before Amount (row 32).
    assert_eq!(
        answer(&[("Amount", "0"), ("InternetChargeType", "x")]),
        Some(K::InvalidInternetChargeTypeValueNotSupported)
    );
    // DataDisk.1 before DataDisk.2.
    assert_eq!(
        run(
            &[("DataDisk.2.Size", "x"), ("DataDisk.1.Category", "x")],
            ""
        )
        .error_key(),
        Some(K::InvalidDiskCategoryValueNotSupported)
    );
    // Existence beats account.
    assert_eq!(
        run(
            &[("ImageId", "m-missing")],
            r#"{"Account":{"Arrearage":true}}"#
        )
        .error_key(),
        Some(K::InvalidImageIdNotFound)
    );
    // Account beats capacity.
    assert_eq!(
        run(
            &[("SecurityGroupId", "sg-test-full"), ("Amount", "2")],
            r#"{"Account":{"Arrearage":true}}"#
        )
        .error_key(),
        Some(K::AccountArrearage)
    );
}

#[test]
fn spot_needs_a_type_sold_as_spot() {
    let spot = [
        ("InstanceType", "ecs.test-nospot"),
        ("SpotStrategy", "SpotAsPriceGo"),
    ];
    let out = run(&spot, "");
    assert_eq!(out.error_key(), Some(K::InvalidResourceTypeNotSupported));
    match out {
        Outcome::Failed(v) => assert_eq!(
            v.param.map(|p| p.to_string()).as_deref(),
            Some("SpotStrategy")
        ),
        other => panic!("{other:?}"),
    }
    assert!(run(&[("InstanceType", "ecs.test-nospot")], "").ok());
}

#[test]
fn prepaid_requests_do_not_count_against_the_pay_as_you_go_quota() {
    let full = r#"{"RegionQuotas":{"RegionQuota":[{"RegionId":"cn-hangzhou","MaxPostpaidInstanceCount":10,"UsedPostpaidInstanceCount":9}]}}"#;
    assert_eq!(
        run(&[("Amount", "2")], full).error_key(),
        Some(K::QuotaExceedAfterpayInstance)
    );
    assert!(run(&[("Amount", "2"), ("InstanceChargeType", "PrePaid")], full).ok());
}
