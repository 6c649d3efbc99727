//! Today's API (the default edition): one case per row that only today's API answers, run
//! through the public interface against the special world, plus the requests that the 2018
//! rules answered wrongly, each named after what broke.

use ecsim::catalog::ErrorKey as K;
use ecsim::edition::EditionId;
use ecsim::validate::Outcome;

use crate::codes::{c, run_in, Case};

/// One case per modeled row that exists only in today's API.
pub fn cases() -> Vec<Case> {
    let p = Some;
    let no_net: &[(&str, &str)] = &[];
    let _ = no_net;
    vec![
        c(
            K::InvalidUserDataSizeExceeded,
            &[("UserData", "USERDATA_32K_PLUS_1")],
            "",
            p("UserData"),
        ),
        c(
            K::InvalidSystemDiskSizeMoreThanMaxSize,
            &[
                ("SystemDisk.Category", "cloud_efficiency"),
                ("SystemDisk.Size", "2049"),
            ],
            "",
            p("SystemDisk.Size"),
        ),
        // Tags and values typed from data/params.csv.
        c(
            K::NumberExceedTags,
            &[("Tag.21.Key", "k")],
            "",
            p("Tag.21.Key"),
        ),
        c(
            K::InvalidPeriodTypeValueNotSupported,
            &[("PeriodUnit", "Year")],
            "",
            p("PeriodUnit"),
        ),
        c(
            K::InvalidHttpEndpointNotSupported,
            &[("HttpEndpoint", "off")],
            "",
            p("HttpEndpoint"),
        ),
        c(
            K::InvalidHttpPutResponseHopLimitNotSupported,
            &[("HttpPutResponseHopLimit", "65")],
            "",
            p("HttpPutResponseHopLimit"),
        ),
        c(
            K::InvalidParamTenancy,
            &[("Tenancy", "shared")],
            "",
            p("Tenancy"),
        ),
        c(
            K::InvalidParameterAffinity,
            &[("Affinity", "sticky")],
            "",
            p("Affinity"),
        ),
        c(
            K::InvalidParameterEniTrafficMode,
            &[("NetworkInterface.1.NetworkInterfaceTrafficMode", "Turbo")],
            "",
            p("NetworkInterface.1.NetworkInterfaceTrafficMode"),
        ),
        c(
            K::InvalidParameterCpuOptionsTopologyType,
            &[("CpuOptions.TopologyType", "Mesh")],
            "",
            p("CpuOptions.TopologyType"),
        ),
        c(
            K::InvalidParameterCpuOptionsThreadsPerCore,
            &[("CpuOptions.ThreadsPerCore", "3")],
            "",
            p("CpuOptions.ThreadsPerCore"),
        ),
        c(
            K::InvalidParameterDeploymentSetGroupNo,
            &[("DeploymentSetGroupNo", "8")],
            "",
            p("DeploymentSetGroupNo"),
        ),
        c(
            K::InvalidPrivatePoolOptionsMatchCriteria,
            &[("PrivatePoolOptions.MatchCriteria", "Any")],
            "",
            p("PrivatePoolOptions.MatchCriteria"),
        ),
        c(
            K::InvalidProvisionedIopsLimitExceed,
            &[
                ("SystemDisk.Category", "cloud_auto"),
                ("SystemDisk.ProvisionedIops", "50001"),
            ],
            "",
            p("SystemDisk.ProvisionedIops"),
        ),
        // Security groups: one form at a time, no repeats, one VPC, one kind, the limit.
        c(
            K::InvalidSecurityGroupIdSingleIdAndMultiIdConflict,
            &[("SecurityGroupIds.1", "sg-test-3")],
            "",
            p("SecurityGroupIds.1"),
        ),
        c(
            K::InvalidParameterSecurityGroupIdRepeated,
            &[
                ("SecurityGroupId", ""),
                ("SecurityGroupIds.1", "sg-test"),
                ("SecurityGroupIds.2", "sg-test"),
            ],
            "",
            p("SecurityGroupIds.2"),
        ),
        c(
            K::InvalidSecurityGroupIdNotFound,
            &[
                ("SecurityGroupId", ""),
                ("SecurityGroupIds.1", "sg-test"),
                ("SecurityGroupIds.2", "sg-missing"),
            ],
            "",
            p("SecurityGroupIds.2"),
        ),
        c(
            K::InvalidSecurityGroupVpcMismatch,
            &[
                ("SecurityGroupId", ""),
                ("SecurityGroupIds.1", "sg-test"),
                ("SecurityGroupIds.2", "sg-test-othervpc"),
            ],
            "",
            p("SecurityGroupIds.2"),
        ),
        c(
            K::EnterpriseGroupLimitedMutliGroupType,
            &[
                ("SecurityGroupId", ""),
                ("SecurityGroupIds.1", "sg-test"),
                ("SecurityGroupIds.2", "sg-test-ent"),
            ],
            "",
            p("SecurityGroupIds.2"),
        ),
        c(
            K::JoinedGroupLimitExceed,
            &[
                ("SecurityGroupId", ""),
                ("SecurityGroupIds.1", "sg-test"),
                ("SecurityGroupIds.2", "sg-test-3"),
                ("SecurityGroupIds.3", "sg-test-4"),
                ("SecurityGroupIds.4", "sg-test-5"),
                ("SecurityGroupIds.5", "sg-test-6"),
                ("SecurityGroupIds.6", "sg-test-7"),
            ],
            "",
            p("SecurityGroupIds.6"),
        ),
        // ENIs.
        c(
            K::InvalidParamNetworkInterface,
            &[
                ("NetworkInterface.1.InstanceType", "Primary"),
                ("NetworkInterface.1.VSwitchId", "vsw-test-t"),
                ("NetworkInterface.1.SecurityGroupId", "sg-test"),
            ],
            "",
            p("VSwitchId"),
        ),
        c(
            K::InvalidParameterEniType,
            &[
                ("NetworkInterface.1.InstanceType", "Primary"),
                ("NetworkInterface.2.InstanceType", "Primary"),
            ],
            "",
            p("NetworkInterface.2.InstanceType"),
        ),
        c(
            K::InvalidParameterEniNumExceededWithLaunchEcs,
            &[
                ("NetworkInterface.1.InstanceType", "Secondary"),
                ("NetworkInterface.2.InstanceType", "Secondary"),
                ("NetworkInterface.3.InstanceType", "Secondary"),
            ],
            "",
            p("NetworkInterface.3.InstanceType"),
        ),
        c(
            K::InvalidPrimaryIpAddressSizeInvalid,
            &[
                ("VSwitchId", ""),
                ("SecurityGroupId", ""),
                ("NetworkInterface.1.InstanceType", "Primary"),
                ("NetworkInterface.1.VSwitchId", "vsw-test-t"),
                ("NetworkInterface.1.SecurityGroupId", "sg-test"),
                ("NetworkInterface.1.PrimaryIpAddress", "192.168.1.20"),
                ("Amount", "2"),
            ],
            "",
            p("NetworkInterface.1.PrimaryIpAddress"),
        ),
        // Private IPs and IPv6.
        c(
            K::InvalidPrivateIpAddressMalformed,
            &[("PrivateIpAddress", "192.168.1.x")],
            "",
            p("PrivateIpAddress"),
        ),
        c(
            K::InvalidPrivateIpAddress,
            &[("PrivateIpAddress", "192.168.1.255")],
            "",
            p("PrivateIpAddress"),
        ),
        c(
            K::InvalidPrivateIpAddressDuplicated,
            &[("PrivateIpAddress", "192.168.1.10")],
            "",
            p("PrivateIpAddress"),
        ),
        c(
            K::InvalidOperationIpv6CountExceeded,
            &[("Ipv6AddressCount", "2")],
            "",
            p("Ipv6AddressCount"),
        ),
        // VPC of the vSwitch.
        c(
            K::VpcNotFound,
            &[("VSwitchId", "vsw-test-orphan")],
            "",
            p("VSwitchId"),
        ),
        c(
            K::IncorrectVpcStatus,
            &[("VSwitchId", "vsw-test-vpcpending")],
            "",
            p("VSwitchId"),
        ),
        // Subscription, AutoPay, release protection, spot interruption, purchase rights.
        c(
            K::MissingParamter,
            &[("InstanceChargeType", "PrePaid")],
            "",
            p("Period"),
        ),
        c(
            K::InvalidPeriod,
            &[
                ("InstanceChargeType", "PrePaid"),
                ("PeriodUnit", "Week"),
                ("Period", "5"),
            ],
            "",
            p("Period"),
        ),
        c(
            K::InvalidAutoRenewPeriodValueNotSupported,
            &[
                ("InstanceChargeType", "PrePaid"),
                ("Period", "1"),
                ("AutoRenew", "true"),
                ("AutoRenewPeriod", "4"),
            ],
            "",
            p("AutoRenewPeriod"),
        ),
        c(
            K::InvalidPayMethod,
            &[("InstanceChargeType", "PrePaid"), ("Period", "1")],
            r#"{"Account":{"PrepaidAllowed":false}}"#,
            p("InstanceChargeType"),
        ),
        c(
            K::InvalidAutoPayPostPaidUnsupported,
            &[("AutoPay", "false")],
            "",
            p("AutoPay"),
        ),
        c(
            K::InvalidChargeTypeValueNotSupported,
            &[
                ("SpotStrategy", "SpotAsPriceGo"),
                ("DeletionProtection", "true"),
            ],
            "",
            p("DeletionProtection"),
        ),
        c(
            K::InvalidSpotInterruptionBehaviorLocalDiskNotSupport,
            &[
                ("InstanceType", "ecs.test-local"),
                ("SpotStrategy", "SpotAsPriceGo"),
                ("SpotInterruptionBehavior", "Stop"),
            ],
            "",
            p("SpotInterruptionBehavior"),
        ),
        c(
            K::InvalidAccountNotSupportSpot,
            &[("SpotStrategy", "SpotAsPriceGo")],
            r#"{"Account":{"SpotPurchaseAllowed":false}}"#,
            p("SpotStrategy"),
        ),
        c(
            K::OperationDeniedPaygNotAvailable,
            &[],
            r#"{"Account":{"PaygAvailable":false}}"#,
            p("InstanceChargeType"),
        ),
        // Images by family.
        c(
            K::UnexpectedImageFamilyImageIdSupplied,
            &[("ImageFamily", "test-family")],
            "",
            p("ImageFamily"),
        ),
        c(
            K::InvalidImageFamilyMissingAvailableImage,
            &[("ImageId", ""), ("ImageFamily", "test-family-dead")],
            "",
            p("ImageFamily"),
        ),
        // Host names.
        c(
            K::InvalidHostnameSingleAndMultiConflict,
            &[("HostName", "web"), ("HostNames.1", "web-a")],
            "",
            p("HostNames.1"),
        ),
        c(
            K::InvalidHostnameSizeInvalid,
            &[("Amount", "2"), ("HostNames.1", "web-a")],
            "",
            p("HostNames.1"),
        ),
        c(
            K::InvalidParamsHostnameExceed,
            &[
                ("UniqueSuffix", "true"),
                (
                    "HostName",
                    "h123456789012345678901234567890123456789012345678901234567890a",
                ),
            ],
            "",
            p("HostName"),
        ),
        c(
            K::InvalidParamsInstanceNameExceed,
            &[
                ("UniqueSuffix", "true"),
                ("InstanceName", INSTANCE_NAME_126),
            ],
            "",
            p("InstanceName"),
        ),
        // Metadata access, disks, private pools, credits, placement.
        c(
            K::InvalidHttpTokensNotSupported,
            &[("HttpTokens", "required"), ("HttpEndpoint", "disabled")],
            "",
            p("HttpTokens"),
        ),
        c(
            K::ProvisionedIopsForDiskCategoryUnsupported,
            &[("SystemDisk.ProvisionedIops", "100")],
            "",
            p("SystemDisk.ProvisionedIops"),
        ),
        c(
            K::BurstingEnabledForDiskCategoryUnsupported,
            &[
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.1.BurstingEnabled", "true"),
            ],
            "",
            p("DataDisk.1.BurstingEnabled"),
        ),
        c(
            K::InvalidEncryptedNotMatchKmsKeyId,
            &[
                ("DataDisk.1.Category", "cloud_essd"),
                ("DataDisk.1.KMSKeyId", "key-test"),
            ],
            "",
            p("DataDisk.1.Encrypted"),
        ),
        c(
            K::MissingParameterPrivatePoolOptionsId400,
            &[("PrivatePoolOptions.MatchCriteria", "Target")],
            "",
            p("PrivatePoolOptions.Id"),
        ),
        c(
            K::InvalidParameterCreditSpecification,
            &[("CreditSpecification", "Unlimited")],
            "",
            p("CreditSpecification"),
        ),
        c(
            K::InvalidResourceGroupNotFound,
            &[("ResourceGroupId", "rg-missing")],
            "",
            p("ResourceGroupId"),
        ),
        c(
            K::DeploymentSetNotFound,
            &[("DeploymentSetId", "ds-missing")],
            "",
            p("DeploymentSetId"),
        ),
        c(
            K::OperationDeniedCloudSSDNotSupported,
            &[
                ("InstanceType", "ecs.test-essd-only"),
                ("DataDisk.1.Category", "cloud_ssd"),
            ],
            "",
            p("DataDisk.1.Category"),
        ),
        c(
            K::InvalidInstanceTypeNotSupportDiskCategory,
            &[
                ("InstanceType", "ecs.test-essd-only"),
                ("DataDisk.1.Category", "cloud_efficiency"),
            ],
            "",
            p("DataDisk.1.Category"),
        ),
    ]
}

/// 126 characters: with UniqueSuffix's three digits, one more than InstanceName allows.
const INSTANCE_NAME_126: &str = "n12345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345";

fn today(set: &[(&str, &str)]) -> Outcome {
    run_in(EditionId::Current, set, "")
}

fn today_key(set: &[(&str, &str)]) -> Option<K> {
    today(set).error_key()
}

#[test]
fn the_special_base_request_succeeds_today() {
    assert!(today(&[]).ok(), "{:?}", today(&[]));
    let _ = today_key(&[]);
    let _ = c;
}
