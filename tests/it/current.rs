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
        // Capacity as enforced today (docs/capacity.md).
        c(
            K::QuotaExceededPrivateIpAddress,
            &[("Amount", "4")],
            r#"{"VSwitches": {"VSwitch": [{"VSwitchId": "vsw-test-t", "VpcId": "vpc-test",
                "ZoneId": "cn-hangzhou-t", "CidrBlock": "192.168.1.0/24",
                "AvailableIpAddressCount": 3}]}}"#,
            p("VSwitchId"),
        ),
        c(
            K::InvalidOperationEniCountExceeded,
            &[("SecurityGroupId", "sg-test-ent"), ("Amount", "2")],
            r#"{"SecurityGroups": {"SecurityGroup": [{"SecurityGroupId": "sg-test-ent",
                "SecurityGroupType": "enterprise", "VpcId": "vpc-test",
                "RegionId": "cn-hangzhou", "EcsCount": 10, "EniCount": 65535}]}}"#,
            p("SecurityGroupId"),
        ),
        c(
            K::QuotaExceedDeploymentSetInstanceQuotaFull,
            &[("DeploymentSetId", "ds-test-full")],
            "",
            p("DeploymentSetId"),
        ),
        c(
            K::QuotaExceedElasticQuota,
            &[("Amount", "2")],
            r#"{"InstanceTypeQuotas": {"InstanceTypeQuota": [{"RegionId": "cn-hangzhou",
                "ZoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any",
                "InstanceChargeType": "PostPaid", "MaxVcpuCount": 4, "UsedVcpuCount": 2}]}}"#,
            p("InstanceType"),
        ),
        c(
            K::InvalidOperationPublicIpAddressNoStock,
            &[("InternetMaxBandwidthOut", "5"), ("Amount", "2")],
            r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
                "PublicIpAddressStock": 1}]}}"#,
            p("InternetMaxBandwidthOut"),
        ),
        // Disk quotas: two instances, each with a 40 GiB ESSD system disk and one 100 GiB
        // data disk.
        c(
            K::QuotaExceedPostPaidDisk,
            &[("Amount", "2"), ("DataDisk.1.Size", "100")],
            r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
                "MaxPostPaidDiskCount": 10, "UsedPostPaidDiskCount": 7}]}}"#,
            p("Amount"),
        ),
        c(
            K::QuotaExceedDiskCapacity,
            &[
                ("Amount", "2"),
                ("DataDisk.1.Size", "100"),
                ("DataDisk.1.Category", "cloud_essd"),
            ],
            r#"{"DiskCapacityQuotas": {"DiskCapacityQuota": [{"RegionId": "cn-hangzhou",
                "ZoneId": "cn-hangzhou-t", "DiskCategory": "cloud_essd",
                "MaxCapacity": 1024, "UsedCapacity": 800}]}}"#,
            p("SystemDisk.Category"),
        ),
        c(
            K::QuotaExceededPostpaidDataDiskCapacity,
            &[("Amount", "2"), ("DataDisk.1.Size", "100")],
            r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
                "MaxPostpaidDataDiskCapacity": 32768, "UsedPostpaidDataDiskCapacity": 32600}]}}"#,
            p("DataDisk.1.Size"),
        ),
        c(
            K::QuotaExceededPrepayDataDiskCapacity,
            &[
                ("Amount", "2"),
                ("DataDisk.1.Size", "100"),
                ("InstanceChargeType", "PrePaid"),
                ("Period", "1"),
                ("PeriodUnit", "Month"),
            ],
            r#"{"RegionQuotas": {"RegionQuota": [{"RegionId": "cn-hangzhou",
                "MaxPrepaidDataDiskCapacity": 1000, "UsedPrepaidDataDiskCapacity": 900}]}}"#,
            p("DataDisk.1.Size"),
        ),
        // Private pools: a reservation of 2 of the special type in the zone, 1 used.
        c(
            K::InvalidPrivatePoolOptionsNoStock,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-test"),
                ("Amount", "2"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("PrivatePoolOptions.Id"),
        ),
        c(
            K::InvalidPrivatePoolOptionsId400,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-missing"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("PrivatePoolOptions.Id"),
        ),
        c(
            K::InvalidPrivatePoolOptionsStatus,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-test"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "Status": "Expired", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("PrivatePoolOptions.Id"),
        ),
        c(
            K::SpotNotSupported,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Open"),
                ("SpotStrategy", "SpotAsPriceGo"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("PrivatePoolOptions.MatchCriteria"),
        ),
        c(
            K::InvalidInstanceChargeType,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-test"),
                ("InstanceChargeType", "PrePaid"),
                ("Period", "1"),
                ("PeriodUnit", "Month"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("InstanceChargeType"),
        ),
        c(
            K::InvalidPlatformValueNotSupported,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-test"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "Platform": "windows", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("ImageId"),
        ),
        c(
            K::InvalidInstanceType,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-test"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-t", "InstanceType": "ecs.other-type", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("InstanceType"),
        ),
        c(
            K::InvalidZoneId,
            &[
                ("PrivatePoolOptions.MatchCriteria", "Target"),
                ("PrivatePoolOptions.Id", "crp-test"),
            ],
            r#"{"CapacityReservationSet": {"CapacityReservationItem": [{"PrivatePoolOptionsId": "crp-test", "RegionId": "cn-hangzhou", "AllocatedResources": {"AllocatedResource": [{"zoneId": "cn-hangzhou-u", "InstanceType": "ecs.test-any", "TotalAmount": 2, "UsedAmount": 1}]}}]}}"#,
            p("ZoneId"),
        ),
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

#[test]
fn the_special_base_request_succeeds_today() {
    assert!(today(&[]).ok(), "{:?}", today(&[]));
}

#[test]
fn a_renamed_reference_code_answers_with_todays_name() {
    let set = [
        ("DataDisk.1.Category", "cloud_essd"),
        ("DataDisk.1.Encrypted", "true"),
    ];
    let kms_off = r#"{"Account":{"KmsEnabled":false}}"#;
    assert_eq!(
        run_in(EditionId::Current, &set, kms_off).error_key(),
        Some(K::InvalidParameterKmsNotEnabled)
    );
    assert_eq!(
        run_in(EditionId::Reference2018, &set, kms_off).error_key(),
        Some(K::InvalidParameterEncryptedKmsNotEnabled)
    );
}

// Regressions: realistic modern requests that the 2018 rules answered wrongly, through the
// real binary on the embedded default world (g7 in cn-hangzhou-i, as the SDK capture).

use crate::support::{ecsim, json_lines, request, AT};

/// `check --json` of one request, today's edition: (ok, code, parameter, message).
fn check(changes: &[(&str, &str)]) -> (bool, Option<String>, Option<String>, String) {
    let o = ecsim(&["check", "--at", AT, "--json", &request(changes)], None);
    let lines = json_lines(&o);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let l = &lines[0];
    let s = |k: &str| l[k].as_str().map(str::to_string);
    (
        l["ok"].as_bool().unwrap(),
        s("code"),
        s("parameter"),
        s("message").unwrap_or_default(),
    )
}

fn assert_ok(changes: &[(&str, &str)]) {
    let got = check(changes);
    assert!(got.0, "{changes:?} should pass, got {got:?}");
}

fn assert_code(changes: &[(&str, &str)], code: &str, param: &str) -> String {
    let got = check(changes);
    assert_eq!(
        (got.1.as_deref(), got.2.as_deref()),
        (Some(code), Some(param)),
        "{changes:?}: {got:?}"
    );
    got.3
}

const SG: &str = "sg-bp15ed6xe1yxeycg7o3k";
const VSW: &str = "vsw-bp1s5fnvk4gn2tws03624";

#[test]
fn terraform_security_group_ids_with_a_vswitch_launch() {
    assert_ok(&[("SecurityGroupId", ""), ("SecurityGroupIds.1", SG)]);
}

#[test]
fn a_primary_network_interface_carries_the_vswitch_and_the_groups() {
    let eni = [
        ("SecurityGroupId", ""),
        ("VSwitchId", ""),
        ("NetworkInterface.1.InstanceType", "Primary"),
        ("NetworkInterface.1.VSwitchId", VSW),
    ];
    let mut one = eni.to_vec();
    one.push(("NetworkInterface.1.SecurityGroupId", SG));
    assert_ok(&one);
    let mut list = eni.to_vec();
    list.push(("NetworkInterface.1.SecurityGroupIds.1", SG));
    assert_ok(&list);
    // The 2018 edition does not know these parameters and still asks for a group.
    let o = ecsim(
        &[
            "check",
            "--at",
            AT,
            "--json",
            "--edition",
            "reference-2018",
            &request(&list),
        ],
        None,
    );
    assert_eq!(json_lines(&o)[0]["code"], "MissingParameter");
}

#[test]
fn twenty_tags_pass_and_the_twenty_first_is_refused() {
    let keys: Vec<(String, String)> = (1..=20)
        .map(|n| (format!("Tag.{n}.Key"), format!("k{n}")))
        .collect();
    let tags: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_ok(&tags);
    let mut more = tags.clone();
    more.push(("Tag.21.Key", "k21"));
    let m = assert_code(&more, "NumberExceed.Tags", "Tag.21.Key");
    assert!(m.contains("20"), "{m}");
}

#[test]
fn three_of_four_password_classes_suffice() {
    for p in ["Abcdefg1", "abcdef1!", "ABCDEF1_"] {
        assert_ok(&[("Password", p)]);
    }
    assert_code(
        &[("Password", "abcdefg1")],
        "InvalidPassword.Malformed",
        "Password",
    );
}

#[test]
fn user_data_up_to_32_kib_is_accepted() {
    use base64::Engine as _;
    let b64 = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![b'x'; n]);
    assert_ok(&[("UserData", &b64(20 * 1024))]);
    assert_ok(&[("UserData", &b64(32 * 1024))]);
    assert_code(
        &[("UserData", &b64(32 * 1024 + 1))],
        "InvalidUserData.SizeExceeded",
        "UserData",
    );
}

#[test]
fn a_data_disk_without_category_is_cloud_efficiency_today() {
    // g6 takes cloud_efficiency: the default category fits.
    assert_ok(&[("InstanceType", "ecs.g6.large"), ("DataDisk.1.Size", "100")]);
    // g7 takes ESSDs only: the default does not, and the answer names the category.
    assert_code(
        &[("DataDisk.1.Size", "100")],
        "InvalidInstanceType.NotSupportDiskCategory",
        "DataDisk.1.Category",
    );
}

#[test]
fn essd_families_refuse_ultra_and_standard_ssd_disks() {
    assert_code(
        &[
            ("DataDisk.1.Category", "cloud_ssd"),
            ("DataDisk.1.Size", "100"),
        ],
        "OperationDenied.CloudSSDNotSupported",
        "DataDisk.1.Category",
    );
    assert_code(
        &[("SystemDisk.Category", "cloud_efficiency")],
        "InvalidInstanceType.NotSupportDiskCategory",
        "SystemDisk.Category",
    );
    for t in ["ecs.c7.large", "ecs.r7.large"] {
        assert_code(
            &[
                ("InstanceType", t),
                ("DataDisk.1.Category", "cloud_efficiency"),
                ("DataDisk.1.Size", "100"),
            ],
            "InvalidInstanceType.NotSupportDiskCategory",
            "DataDisk.1.Category",
        );
    }
}

#[test]
fn autopl_and_essd_entry_disks_are_categories_today() {
    assert_ok(&[
        ("DataDisk.1.Category", "cloud_auto"),
        ("DataDisk.1.Size", "1"),
    ]);
    assert_ok(&[
        ("SystemDisk.Category", "cloud_auto"),
        ("SystemDisk.ProvisionedIops", "1000"),
        ("SystemDisk.BurstingEnabled", "true"),
    ]);
    // ESSD Entry only where the type lists it (u1, e).
    assert_ok(&[
        ("InstanceType", "ecs.u1-c1m2.large"),
        ("SystemDisk.Category", "cloud_essd_entry"),
    ]);
    assert_code(
        &[("SystemDisk.Category", "cloud_essd_entry")],
        "InvalidInstanceType.NotSupportDiskCategory",
        "SystemDisk.Category",
    );
}

#[test]
fn a_thousand_gib_ultra_system_disk_is_accepted() {
    assert_ok(&[
        ("InstanceType", "ecs.g6.large"),
        ("SystemDisk.Category", "cloud_efficiency"),
        ("SystemDisk.Size", "1000"),
    ]);
}

#[test]
fn a_subscription_without_period_is_refused() {
    let m = assert_code(
        &[("InstanceChargeType", "PrePaid")],
        "MissingParamter",
        "Period",
    );
    assert_eq!(m, "The specified parameter \"Period\" is not null.");
    assert_ok(&[
        ("InstanceChargeType", "PrePaid"),
        ("Period", "1"),
        ("PeriodUnit", "Month"),
        ("AutoRenew", "true"),
        ("AutoRenewPeriod", "12"),
    ]);
}

#[test]
fn release_protection_is_refused_on_spot_instances() {
    let got = check(&[
        ("SpotStrategy", "SpotAsPriceGo"),
        ("DeletionProtection", "true"),
    ]);
    assert_eq!(
        got.1.as_deref(),
        Some("InvalidChargeType.ValueNotSupported"),
        "{got:?}"
    );
    assert_ok(&[("DeletionProtection", "true")]);
}

#[test]
fn economical_stop_is_refused_on_local_disk_types() {
    assert_code(
        &[
            ("InstanceType", "ecs.i2.xlarge"),
            ("SpotStrategy", "SpotAsPriceGo"),
            ("SpotInterruptionBehavior", "Stop"),
        ],
        "InvalidSpotInterruptionBehavior.LocalDiskNotSupport",
        "SpotInterruptionBehavior",
    );
}

#[test]
fn an_image_family_stands_for_an_image_id() {
    assert_ok(&[
        ("ImageId", ""),
        ("ImageFamily", "acs:alibaba_cloud_linux_3_2104_lts_x64"),
    ]);
    assert_code(
        &[("ImageFamily", "acs:alibaba_cloud_linux_3_2104_lts_x64")],
        "UnexpectedImageFamily.ImageIdSupplied",
        "ImageFamily",
    );
}

#[test]
fn sequential_name_patterns_are_host_names_today() {
    assert_ok(&[
        ("Amount", "3"),
        ("HostName", "web-[1,3]"),
        ("InstanceName", "web-[1,3]-prod"),
    ]);
    assert_ok(&[("HostName", "k8s-${instance_id}")]);
}

/// Regression: a full group sent as SecurityGroupIds.1 was reported as `SecurityGroupId`.
#[test]
fn capacity_answers_name_the_group_parameter_that_was_sent() {
    let out = today(&[
        ("SecurityGroupId", ""),
        ("SecurityGroupIds.1", "sg-test-full"),
        ("Amount", "2"),
    ]);
    match out {
        Outcome::Failed(v) => {
            assert_eq!(v.key, K::SecurityGroupInstanceLimitExceed);
            assert_eq!(
                v.param.map(|p| p.to_string()).as_deref(),
                Some("SecurityGroupIds.1")
            );
        }
        other => panic!("{other:?}"),
    }
}
