//! Account tier: the account's standing and what it is allowed to use.

use super::{Check, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::request::typed::{InstanceChargeType, SpotStrategy};

pub static STANDING: Rule = Rule {
    name: "account_standing",
    tier: Tier::Account,
    reads: &[ParamId::RegionId, ParamId::InstanceChargeType],
    codes: &[
        ErrorKey::AccountArrearage,
        ErrorKey::PaymentMethodNotFound,
        ErrorKey::Forbidden,
        ErrorKey::InvalidPayMethod,
    ],
    doc: "The account is not in arrears, has a payment method, may call RunInstances, and \
          (for PrePaid) may buy subscriptions. Example: world Account.Arrearage=true -> \
          Account.Arrearage.",
    check: Check::Static(|c| {
        let a = &c.world.account;
        if a.arrearage {
            return Some(Violation::bare(ErrorKey::AccountArrearage));
        }
        if !a.payment_method_registered {
            return Some(Violation::bare(ErrorKey::PaymentMethodNotFound));
        }
        if !a.run_instances_allowed {
            return Some(Violation::bare(ErrorKey::Forbidden));
        }
        (c.req.instance_charge_type() == InstanceChargeType::PrePaid && !a.prepaid_allowed)
            .then(|| Violation::on(ErrorKey::InvalidPayMethod, ParamId::InstanceChargeType))
    }),
};

pub static REGION_AND_ZONE: Rule = Rule {
    name: "account_region_and_zone",
    tier: Tier::Account,
    reads: &[ParamId::RegionId, ParamId::ZoneId],
    codes: &[
        ErrorKey::RegionUnauthorized,
        ErrorKey::OperationDeniedSalesSuspended,
        ErrorKey::ZoneNotOpen,
    ],
    doc: "The account is authorised in the region, pay-as-you-go sales are not suspended \
          there, and the zone is granted to the account.",
    check: Check::Static(|c| {
        let a = &c.world.account;
        if a.unauthorized_regions.iter().any(|r| r == c.region) {
            return Some(Violation::on(
                ErrorKey::RegionUnauthorized,
                ParamId::RegionId,
            ));
        }
        if a.sales_suspended_regions.iter().any(|r| r == c.region) {
            return Some(Violation::on(
                ErrorKey::OperationDeniedSalesSuspended,
                ParamId::RegionId,
            ));
        }
        let z = c.zone()?;
        a.unauthorized_zones
            .iter()
            .any(|u| u == z)
            .then(|| Violation::on(ErrorKey::ZoneNotOpen, ParamId::ZoneId))
    }),
};

pub static INSTANCE_TYPE: Rule = Rule {
    name: "account_instance_type",
    tier: Tier::Account,
    reads: &[ParamId::InstanceType],
    codes: &[ErrorKey::InvalidInstanceTypeValueUnauthorized],
    doc: "The account may use the instance type (world Account.UnauthorizedInstanceTypes).",
    check: Check::Static(|c| {
        let t = c.req.instance_type.as_deref()?;
        c.world
            .account
            .unauthorized_instance_types
            .iter()
            .any(|u| u == t)
            .then(|| {
                Violation::on(
                    ErrorKey::InvalidInstanceTypeValueUnauthorized,
                    ParamId::InstanceType,
                )
            })
    }),
};

pub static DISK_CATEGORIES: Rule = Rule {
    name: "account_disks",
    tier: Tier::Account,
    reads: &[
        ParamId::SystemDiskCategory,
        ParamId::DataDiskCategory,
        ParamId::DataDiskEncrypted,
    ],
    codes: &[
        ErrorKey::InvalidSystemDiskCategoryValueUnauthorized,
        ErrorKey::OperationDeniedSnapshotCapacity,
        ErrorKey::InvalidParameterEncryptedKmsNotEnabled,
    ],
    doc: "The account may use the system and data disk categories, and has KMS enabled when a \
          data disk is encrypted.",
    check: Check::Static(|c| {
        let a = &c.world.account;
        let denied = |cat: &str| a.unauthorized_disk_categories.iter().any(|u| u == cat);
        if denied(c.system_disk_category().as_str()) {
            return Some(Violation::on(
                ErrorKey::InvalidSystemDiskCategoryValueUnauthorized,
                ParamId::SystemDiskCategory,
            ));
        }
        for d in &c.req.data_disks {
            if denied(c.data_disk_category(d).as_str()) {
                return Some(Violation::new(
                    ErrorKey::OperationDeniedSnapshotCapacity,
                    ParamRef::at(ParamId::DataDiskCategory, d.n),
                ));
            }
            if d.encrypted == Some(true) && !a.kms_enabled {
                return Some(Violation::new(
                    ErrorKey::InvalidParameterEncryptedKmsNotEnabled,
                    ParamRef::at(ParamId::DataDiskEncrypted, d.n),
                ));
            }
        }
        None
    }),
};

pub static PERMISSIONS: Rule = Rule {
    name: "account_permissions",
    tier: Tier::Account,
    reads: &[ParamId::UserData, ParamId::RamRoleName],
    codes: &[
        ErrorKey::InvalidUserDataForbidden,
        ErrorKey::InvalidUserPassRoleForbidden,
    ],
    doc: "UserData needs the UserData permission; RamRoleName needs ram:PassRole.",
    check: Check::Static(|c| {
        let a = &c.world.account;
        if c.req.user_data_len.is_some() && !a.user_data_allowed {
            return Some(Violation::on(
                ErrorKey::InvalidUserDataForbidden,
                ParamId::UserData,
            ));
        }
        (c.req.ram_role_name.is_some() && !a.pass_role_allowed)
            .then(|| Violation::on(ErrorKey::InvalidUserPassRoleForbidden, ParamId::RamRoleName))
    }),
};

pub static SPOT: Rule = Rule {
    name: "account_spot",
    tier: Tier::Account,
    reads: &[ParamId::SpotStrategy],
    codes: &[ErrorKey::InvalidSpotAliUid, ErrorKey::InvalidSpotAuthorized],
    doc: "A spot strategy needs an account eligible for spot (InvalidSpotAliUid) that has \
          authorised spot use (InvalidSpotAuthorized).",
    check: Check::Static(|c| {
        if c.req.spot_strategy() == SpotStrategy::NoSpot {
            return None;
        }
        let a = &c.world.account;
        if !a.spot_eligible {
            return Some(Violation::on(
                ErrorKey::InvalidSpotAliUid,
                ParamId::SpotStrategy,
            ));
        }
        (!a.spot_authorized)
            .then(|| Violation::on(ErrorKey::InvalidSpotAuthorized, ParamId::SpotStrategy))
    }),
};
