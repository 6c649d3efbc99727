//! Today's billing parameters: subscription periods and renewal, AutoPay, release
//! protection, the spot interruption mode, and the account's right to buy pay-as-you-go or
//! spot instances.

use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::request::typed::{InstanceChargeType, SpotInterruptionBehavior, SpotStrategy};

/// Valid Period values per PeriodUnit (RunInstances Period description, metadata).
const PERIOD_WEEK: &[u64] = &[1, 2, 3, 4];
const PERIOD_MONTH: &[u64] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60];
/// Valid AutoRenewPeriod values per PeriodUnit (AutoRenewPeriod description, metadata).
const RENEW_WEEK: &[u64] = &[1, 2, 3];
const RENEW_MONTH: &[u64] = &[1, 2, 3, 6, 12, 24, 36, 48, 60];

pub static SUBSCRIPTION: Rule = Rule {
    name: "subscription_period",
    tier: Tier::Syntax,
    reads: &[
        ParamId::InstanceChargeType,
        ParamId::Period,
        ParamId::PeriodUnit,
        ParamId::AutoRenewPeriod,
        ParamId::AutoPay,
    ],
    codes: &[
        ErrorKey::MissingParamter,
        ErrorKey::InvalidPeriod,
        ErrorKey::InvalidAutoRenewPeriodValueNotSupported,
        ErrorKey::InvalidAutoPayPostPaidUnsupported,
    ],
    doc: "A PrePaid instance needs a Period (MissingParamter, spelt as the service spells \
          it); Period is 1-4 weeks or 1-9, 12, 24, 36, 48, 60 months by PeriodUnit \
          (InvalidPeriod); AutoRenewPeriod is 1-3 weeks or 1, 2, 3, 6, 12, 24, 36, 48, 60 \
          months (InvalidAutoRenewPeriod.ValueNotSupported); a PostPaid instance cannot set \
          AutoPay=false (InvalidAutoPay.PostPaidUnsupported). Example: \
          InstanceChargeType=PrePaid without Period -> MissingParamter (Period).",
    check: Check::Static(subscription),
};

fn subscription(c: &Ctx) -> Option<Violation> {
    let r = c.req;
    let on = |k, id| Some(Violation::on(k, id));
    if r.instance_charge_type() == InstanceChargeType::PostPaid {
        return (r.get_bool(ParamId::AutoPay) == Some(false)).then(|| {
            Violation::on(
                ErrorKey::InvalidAutoPayPostPaidUnsupported,
                ParamId::AutoPay,
            )
        });
    }
    let week = r.get_str(ParamId::PeriodUnit) == Some("Week");
    let Some(period) = r.get_int(ParamId::Period) else {
        return on(ErrorKey::MissingParamter, ParamId::Period);
    };
    if !(if week { PERIOD_WEEK } else { PERIOD_MONTH }).contains(&period) {
        return on(ErrorKey::InvalidPeriod, ParamId::Period);
    }
    let renew = r.get_int(ParamId::AutoRenewPeriod)?;
    (!(if week { RENEW_WEEK } else { RENEW_MONTH }).contains(&renew)).then(|| {
        Violation::on(
            ErrorKey::InvalidAutoRenewPeriodValueNotSupported,
            ParamId::AutoRenewPeriod,
        )
    })
}

pub static DELETION_PROTECTION: Rule = Rule {
    name: "deletion_protection",
    tier: Tier::Syntax,
    reads: &[
        ParamId::SpotStrategy,
        ParamId::InstanceChargeType,
        ParamId::DeletionProtection,
    ],
    codes: &[ErrorKey::InvalidChargeTypeValueNotSupported],
    doc: "DeletionProtection=true only on pay-as-you-go instances, not on spot or PrePaid \
          ones (InvalidChargeType.ValueNotSupported, 403). Example: SpotStrategy=SpotAsPriceGo \
          with DeletionProtection=true -> InvalidChargeType.ValueNotSupported.",
    check: Check::Static(|c| {
        let r = c.req;
        let protected = r.get_bool(ParamId::DeletionProtection) == Some(true);
        let spot = r.spot_strategy() != SpotStrategy::NoSpot;
        let prepaid = r.instance_charge_type() == InstanceChargeType::PrePaid;
        (protected && (spot || prepaid)).then(|| {
            Violation::on(
                ErrorKey::InvalidChargeTypeValueNotSupported,
                ParamId::DeletionProtection,
            )
        })
    }),
};

pub static SPOT_INTERRUPTION: Rule = Rule {
    name: "spot_interruption_behavior",
    tier: Tier::Compatibility,
    reads: &[ParamId::InstanceType, ParamId::SpotInterruptionBehavior],
    codes: &[ErrorKey::InvalidSpotInterruptionBehaviorLocalDiskNotSupport],
    doc: "SpotInterruptionBehavior=Stop (economical stop) is not offered on types with local \
          disks (InvalidSpotInterruptionBehavior.LocalDiskNotSupport, 403). Example: \
          ecs.i2.xlarge with SpotInterruptionBehavior=Stop -> \
          InvalidSpotInterruptionBehavior.LocalDiskNotSupport.",
    check: Check::Static(|c| {
        let stop = c.req.spot_interruption_behavior == Some(SpotInterruptionBehavior::Stop);
        let local = c.itype.is_some_and(|t| t.local_storage_category.is_some());
        (stop && local && c.req.spot_strategy() != SpotStrategy::NoSpot).then(|| {
            Violation::on(
                ErrorKey::InvalidSpotInterruptionBehaviorLocalDiskNotSupport,
                ParamId::SpotInterruptionBehavior,
            )
        })
    }),
};

pub static PURCHASE: Rule = Rule {
    name: "account_purchase",
    tier: Tier::Account,
    reads: &[ParamId::SpotStrategy, ParamId::InstanceChargeType],
    codes: &[
        ErrorKey::InvalidAccountNotSupportSpot,
        ErrorKey::OperationDeniedPaygNotAvailable,
    ],
    doc: "The account may buy spot instances by business rules (world \
          Account.SpotPurchaseAllowed; InvalidAccount.NotSupportSpot) and pay-as-you-go \
          instances now (Account.PaygAvailable; OperationDenied.PaygNotAvailable, 403). \
          Example: PaygAvailable=false and a PostPaid request -> \
          OperationDenied.PaygNotAvailable.",
    check: Check::Static(|c| {
        let a = &c.world.account;
        let r = c.req;
        if r.instance_charge_type() == InstanceChargeType::PrePaid {
            return None;
        }
        if r.spot_strategy() != SpotStrategy::NoSpot {
            return (!a.spot_purchase_allowed).then(|| {
                Violation::on(
                    ErrorKey::InvalidAccountNotSupportSpot,
                    ParamId::SpotStrategy,
                )
            });
        }
        (!a.payg_available).then(|| {
            Violation::new(
                ErrorKey::OperationDeniedPaygNotAvailable,
                ParamRef::plain(ParamId::InstanceChargeType),
            )
        })
    }),
};
