//! Today's instance options: image families, host-name lists and suffixes, instance
//! metadata access, burstable credits, deployment sets, resource groups, private pools, the
//! disk options of ESSD AutoPL and KMS, and which disk categories a type takes.

use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::request::typed::{host_name_ok, DiskCategory, Value};

pub static IMAGE_FAMILY_FORM: Rule = Rule {
    name: "image_family_form",
    tier: Tier::Syntax,
    reads: &[ParamId::ImageId, ParamId::ImageFamily],
    codes: &[ErrorKey::UnexpectedImageFamilyImageIdSupplied],
    doc: "ImageFamily picks the newest available image of a family, so it cannot come with \
          an ImageId (UnexpectedImageFamily.ImageIdSupplied). Example: ImageId=m-1 with \
          ImageFamily=web -> UnexpectedImageFamily.ImageIdSupplied.",
    check: Check::Static(|c| {
        (c.req.image_id.is_some() && c.req.get(ParamId::ImageFamily).is_some()).then(|| {
            Violation::on(
                ErrorKey::UnexpectedImageFamilyImageIdSupplied,
                ParamId::ImageFamily,
            )
        })
    }),
};

pub static HOST_NAMES: Rule = Rule {
    name: "host_names",
    tier: Tier::Syntax,
    reads: &[
        ParamId::HostName,
        ParamId::InstanceName,
        ParamId::Amount,
        ParamId::UniqueSuffix,
        ParamId::HostNames,
    ],
    codes: &[
        ErrorKey::InvalidHostnameSingleAndMultiConflict,
        ErrorKey::InvalidHostnameSizeInvalid,
        ErrorKey::InvalidHostNameMalformed,
        ErrorKey::InvalidParamsHostnameExceed,
        ErrorKey::InvalidParamsInstanceNameExceed,
    ],
    doc: "HostNames.n gives one host name per instance: not with HostName \
          (InvalidHostname.SingleAndMultiConflict), exactly Amount of them \
          (InvalidHostname.SizeInvalid), each a valid host name (InvalidHostName.Malformed). \
          UniqueSuffix=true appends three digits, which must still fit HostName's and \
          InstanceName's lengths (InvalidParams.HostnameExceed, \
          InvalidParams.InstanceNameExceed). Example: Amount=2 with only HostNames.1 -> \
          InvalidHostname.SizeInvalid.",
    check: Check::Static(host_names),
};

fn host_names(c: &Ctx) -> Option<Violation> {
    let r = c.req;
    let names: Vec<(ParamRef, &Value)> = r.all(ParamId::HostNames).collect();
    if let Some((p, _)) = names.first() {
        if r.host_name.is_some() {
            return Some(
                Violation::new(ErrorKey::InvalidHostnameSingleAndMultiConflict, *p)
                    .arg("HostName and HostNames.N cannot both be set."),
            );
        }
        if names.len() as u32 != r.amount() {
            return Some(
                Violation::new(
                    ErrorKey::InvalidHostnameSizeInvalid,
                    names[names.len() - 1].0,
                )
                .arg(format!(
                    "HostNames.N gives {} names for Amount {}.",
                    names.len(),
                    r.amount()
                )),
            );
        }
        let max = c.edition.limits.host_name_max;
        if let Some((p, _)) = names
            .iter()
            .find(|(_, v)| !v.as_str().is_some_and(|h| host_name_ok(h, max)))
        {
            return Some(Violation::new(ErrorKey::InvalidHostNameMalformed, *p));
        }
    }
    if r.get_bool(ParamId::UniqueSuffix) != Some(true) {
        return None;
    }
    let chars = |s: &str| s.chars().count();
    if r.host_name
        .as_deref()
        .is_some_and(|h| chars(h) + 3 > c.edition.limits.host_name_max)
    {
        return Some(Violation::on(
            ErrorKey::InvalidParamsHostnameExceed,
            ParamId::HostName,
        ));
    }
    r.instance_name
        .as_deref()
        .is_some_and(|n| chars(n) + 3 > 128)
        .then(|| {
            Violation::on(
                ErrorKey::InvalidParamsInstanceNameExceed,
                ParamId::InstanceName,
            )
        })
}

pub static METADATA_ACCESS: Rule = Rule {
    name: "metadata_access",
    tier: Tier::Syntax,
    reads: &[ParamId::HttpEndpoint, ParamId::HttpTokens],
    codes: &[ErrorKey::InvalidHttpTokensNotSupported],
    doc: "HttpTokens=required (IMDSv2 only) needs the metadata endpoint: not with \
          HttpEndpoint=disabled (InvalidHttpTokens.NotSupported; ecsim's reading, the \
          metadata gives no condition). Values are checked while typing: HttpEndpoint \
          enabled|disabled, HttpTokens optional|required, HttpPutResponseHopLimit 1..=64.",
    check: Check::Static(|c| {
        let r = c.req;
        (r.get_str(ParamId::HttpTokens) == Some("required")
            && r.get_str(ParamId::HttpEndpoint) == Some("disabled"))
        .then(|| Violation::on(ErrorKey::InvalidHttpTokensNotSupported, ParamId::HttpTokens))
    }),
};

pub static DISK_OPTIONS: Rule = Rule {
    name: "disk_options",
    tier: Tier::Syntax,
    reads: &[
        ParamId::SystemDiskProvisionedIops,
        ParamId::SystemDiskBurstingEnabled,
        ParamId::SystemDiskKMSKeyId,
        ParamId::DataDiskKMSKeyId,
        ParamId::DataDiskProvisionedIops,
        ParamId::DataDiskBurstingEnabled,
    ],
    codes: &[
        ErrorKey::ProvisionedIopsForDiskCategoryUnsupported,
        ErrorKey::BurstingEnabledForDiskCategoryUnsupported,
        ErrorKey::InvalidEncryptedNotMatchKmsKeyId,
    ],
    doc: "ProvisionedIops and BurstingEnabled are for ESSD AutoPL disks (cloud_auto) only \
          (ProvisionedIopsForDiskCategoryUnsupported, BurstingEnabledForDiskCategoryUnsupported); \
          a data disk's KMSKeyId needs Encrypted=true (InvalidEncrypted.NotMatchKmsKeyId). \
          Example: SystemDisk.Category=cloud_essd with SystemDisk.ProvisionedIops=100 -> \
          ProvisionedIopsForDiskCategoryUnsupported.",
    check: Check::Static(disk_options),
};

fn disk_options(c: &Ctx) -> Option<Violation> {
    let r = c.req;
    let auto = |cat: DiskCategory| cat == DiskCategory::CloudAuto;
    let sys = c.system_disk_category();
    let plain = ParamRef::plain;
    if r.get(ParamId::SystemDiskProvisionedIops).is_some() && !auto(sys) {
        return Some(Violation::new(
            ErrorKey::ProvisionedIopsForDiskCategoryUnsupported,
            plain(ParamId::SystemDiskProvisionedIops),
        ));
    }
    if r.get(ParamId::SystemDiskBurstingEnabled).is_some() && !auto(sys) {
        return Some(Violation::new(
            ErrorKey::BurstingEnabledForDiskCategoryUnsupported,
            plain(ParamId::SystemDiskBurstingEnabled),
        ));
    }
    for d in &r.data_disks {
        let cat = c.data_disk_category(d);
        let sent = |id| r.at(id, d.n, 0).is_some();
        let at = |id| ParamRef::at(id, d.n);
        if sent(ParamId::DataDiskProvisionedIops) && !auto(cat) {
            return Some(Violation::new(
                ErrorKey::ProvisionedIopsForDiskCategoryUnsupported,
                at(ParamId::DataDiskProvisionedIops),
            ));
        }
        if sent(ParamId::DataDiskBurstingEnabled) && !auto(cat) {
            return Some(Violation::new(
                ErrorKey::BurstingEnabledForDiskCategoryUnsupported,
                at(ParamId::DataDiskBurstingEnabled),
            ));
        }
        if sent(ParamId::DataDiskKMSKeyId) && d.encrypted != Some(true) {
            return Some(Violation::new(
                ErrorKey::InvalidEncryptedNotMatchKmsKeyId,
                at(ParamId::DataDiskEncrypted),
            ));
        }
    }
    None
}

pub static PRIVATE_POOL: Rule = Rule {
    name: "private_pool_options",
    tier: Tier::Syntax,
    reads: &[
        ParamId::PrivatePoolOptionsMatchCriteria,
        ParamId::PrivatePoolOptionsId,
    ],
    codes: &[ErrorKey::MissingParameterPrivatePoolOptionsId400],
    doc: "PrivatePoolOptions.MatchCriteria=Target names its pool: PrivatePoolOptions.Id is \
          required (MissingParameter.PrivatePoolOptions.Id); the pool itself is matched by \
          private_pool_match and private_pool_stock. Example: MatchCriteria=Target alone -> MissingParameter.PrivatePoolOptions.Id.",
    check: Check::Static(|c| {
        let r = c.req;
        (r.get_str(ParamId::PrivatePoolOptionsMatchCriteria) == Some("Target")
            && r.get(ParamId::PrivatePoolOptionsId).is_none())
        .then(|| {
            Violation::on(
                ErrorKey::MissingParameterPrivatePoolOptionsId400,
                ParamId::PrivatePoolOptionsId,
            )
        })
    }),
};

pub static IMAGE_FAMILY: Rule = Rule {
    name: "image_family_resolves",
    tier: Tier::Existence,
    reads: &[ParamId::ImageFamily],
    codes: &[ErrorKey::InvalidImageFamilyMissingAvailableImage],
    doc: "ImageFamily resolves to the newest Available image of the family visible in the \
          region (DescribeImages ImageFamily, CreationTime); none -> \
          InvalidImageFamily.MissingAvailableImage (403). Example: a family whose only image \
          is Deprecated -> InvalidImageFamily.MissingAvailableImage.",
    check: Check::Static(|c| {
        let family = c.req.get_str(ParamId::ImageFamily)?;
        c.world
            .newest_image_in_family(c.region, family)
            .is_none()
            .then(|| {
                Violation::on(
                    ErrorKey::InvalidImageFamilyMissingAvailableImage,
                    ParamId::ImageFamily,
                )
            })
    }),
};

pub static PLACEMENT: Rule = Rule {
    name: "deployment_set_and_resource_group",
    tier: Tier::Existence,
    reads: &[ParamId::ResourceGroupId, ParamId::DeploymentSetId],
    codes: &[
        ErrorKey::InvalidResourceGroupNotFound,
        ErrorKey::DeploymentSetNotFound,
    ],
    doc: "ResourceGroupId is a resource group of the account (world ResourceGroups; \
          InvalidResourceGroup.NotFound, 404); DeploymentSetId is a deployment set of the \
          region (world DeploymentSets; DeploymentSet.NotFound, 404). Example: \
          DeploymentSetId=ds-missing -> DeploymentSet.NotFound.",
    check: Check::Static(|c| {
        let r = c.req;
        if let Some(g) = r.get_str(ParamId::ResourceGroupId) {
            if c.world.resource_group(g).is_none() {
                return Some(Violation::on(
                    ErrorKey::InvalidResourceGroupNotFound,
                    ParamId::ResourceGroupId,
                ));
            }
        }
        let ds = r.get_str(ParamId::DeploymentSetId)?;
        c.world
            .deployment_set(ds)
            .is_none_or(|d| d.region_id != c.region)
            .then(|| Violation::on(ErrorKey::DeploymentSetNotFound, ParamId::DeploymentSetId))
    }),
};

pub static DISKS_BY_TYPE: Rule = Rule {
    name: "disk_categories_by_type",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::InstanceType,
        ParamId::SystemDiskCategory,
        ParamId::DataDiskCategory,
    ],
    codes: &[
        ErrorKey::OperationDeniedCloudSSDNotSupported,
        ErrorKey::InvalidInstanceTypeNotSupportDiskCategory,
    ],
    doc: "The system disk and every data disk use a category the type lists in \
          SupportedDiskCategories (g7, c7, r7: ESSDs only); cloud_essd_entry only where a \
          type lists it (u1, e). A refused cloud_ssd answers \
          OperationDenied.CloudSSDNotSupported, another refused category \
          InvalidInstanceType.NotSupportDiskCategory (both 403). Local ephemeral_ssd disks \
          keep the reference's rule (InvalidDiskCategory.NotSupported). Example: ecs.g7.large \
          with DataDisk.1.Category=cloud_efficiency -> \
          InvalidInstanceType.NotSupportDiskCategory.",
    check: Check::Static(disks_by_type),
};

fn disks_by_type(c: &Ctx) -> Option<Violation> {
    let refuse = |cat: DiskCategory, p: ParamRef| {
        let k = if cat == DiskCategory::CloudSsd {
            ErrorKey::OperationDeniedCloudSSDNotSupported
        } else {
            ErrorKey::InvalidInstanceTypeNotSupportDiskCategory
        };
        Violation::new(k, p)
    };
    let sys = c.system_disk_category();
    if sys != DiskCategory::EphemeralSsd && !super::compat::type_takes(c, sys) {
        return Some(refuse(sys, ParamRef::plain(ParamId::SystemDiskCategory)));
    }
    c.req.data_disks.iter().find_map(|d| {
        let cat = c.data_disk_category(d);
        (cat != DiskCategory::EphemeralSsd && !super::compat::type_takes(c, cat))
            .then(|| refuse(cat, ParamRef::at(ParamId::DataDiskCategory, d.n)))
    })
}

pub static CREDIT: Rule = Rule {
    name: "credit_specification",
    tier: Tier::Compatibility,
    reads: &[ParamId::InstanceType, ParamId::CreditSpecification],
    codes: &[ErrorKey::InvalidParameterCreditSpecification],
    doc: "CreditSpecification (Standard or Unlimited) is for burstable types only \
          (InstanceFamilyLevel CreditEntryLevel: t5, t6; InvalidParameter.CreditSpecification). \
          Example: ecs.g7.large with CreditSpecification=Unlimited -> \
          InvalidParameter.CreditSpecification.",
    check: Check::Static(|c| {
        let t = c.itype?;
        (c.req.get(ParamId::CreditSpecification).is_some() && !t.is_burstable()).then(|| {
            Violation::on(
                ErrorKey::InvalidParameterCreditSpecification,
                ParamId::CreditSpecification,
            )
        })
    }),
};

pub static WINDOWS_PASSWORD: Rule = Rule {
    name: "windows_password",
    tier: Tier::Compatibility,
    reads: &[ParamId::Password, ParamId::ImageId],
    codes: &[ErrorKey::InvalidPasswordMalformed],
    doc: "A Windows instance's Password cannot start with '/' (today's Password description; \
          the edition's windows_password_no_leading_slash). Example: a Windows image with \
          Password=/Abcdef12 -> InvalidPassword.Malformed.",
    check: Check::Static(|c| {
        let p = c.req.password.as_ref()?;
        (c.edition.limits.windows_password_no_leading_slash
            && c.is_windows()
            && p.expose().starts_with('/'))
        .then(|| Violation::on(ErrorKey::InvalidPasswordMalformed, ParamId::Password))
    }),
};
