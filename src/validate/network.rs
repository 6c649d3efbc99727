//! Today's network forms: several security groups (`SecurityGroupIds.n`), elastic network
//! interfaces (`NetworkInterface.n.*`, the primary one carrying the vSwitch and the groups),
//! a fixed private IP and IPv6 addresses. The one-group form keeps its 2018 rules
//! (existence, compat); these rules read what only today's API sends.

use std::collections::HashSet;
use std::net::Ipv4Addr;

use super::{Check, Ctx, Rule, Tier, Violation};
use crate::catalog::params::{ParamId, ParamRef};
use crate::catalog::ErrorKey;
use crate::request::typed::Value;

pub static GROUP_FORMS: Rule = Rule {
    name: "security_group_forms",
    tier: Tier::Syntax,
    reads: &[
        ParamId::SecurityGroupId,
        ParamId::VSwitchId,
        ParamId::SecurityGroupIds,
        ParamId::NetworkInterfaceInstanceType,
    ],
    codes: &[
        ErrorKey::InvalidSecurityGroupIdSingleIdAndMultiIdConflict,
        ErrorKey::InvalidParameterSecurityGroupIdRepeated,
        ErrorKey::InvalidParamNetworkInterface,
        ErrorKey::InvalidParameterEniType,
    ],
    doc: "SecurityGroupId and SecurityGroupIds.n exclude each other \
          (InvalidSecurityGroupId.SingleIdAndMultiIdConflict); a group is named once \
          (InvalidParameter.SecurityGroupIdRepeated); a primary ENI carries the vSwitch and \
          the groups, so it excludes VSwitchId, SecurityGroupId(s) and PrivateIpAddress \
          (InvalidParam.NetworkInterface); at most one ENI is primary \
          (InvalidParameter.EniType). Example: SecurityGroupId=sg-1 with \
          SecurityGroupIds.1=sg-2 -> InvalidSecurityGroupId.SingleIdAndMultiIdConflict.",
    check: Check::Static(group_forms),
};

fn group_forms(c: &Ctx) -> Option<Violation> {
    let r = c.req;
    if !r.uses_network_lists() {
        return None;
    }
    let explicit_single = r.security_group_from.is_none() && r.security_group_id.is_some();
    if let Some((p, _)) = r.all(ParamId::SecurityGroupIds).next() {
        if explicit_single {
            return Some(Violation::new(
                ErrorKey::InvalidSecurityGroupIdSingleIdAndMultiIdConflict,
                p,
            ));
        }
    }
    let primaries: Vec<u16> = r
        .all(ParamId::NetworkInterfaceInstanceType)
        .filter(|(_, v)| v.as_str() == Some("Primary"))
        .map(|(p, _)| p.n)
        .collect();
    if primaries.len() > 1 {
        return Some(Violation::new(
            ErrorKey::InvalidParameterEniType,
            ParamRef::at(ParamId::NetworkInterfaceInstanceType, primaries[1]),
        ));
    }
    if let Some(&n) = primaries.first() {
        let on = |id| Violation::new(ErrorKey::InvalidParamNetworkInterface, ParamRef::plain(id));
        let conflict = |id: ParamId, what: &str| {
            Some(on(id).arg(format!(
                "{} cannot be set with a primary NetworkInterface.{n} that carries {what}",
                id.spec().name
            )))
        };
        if r.vswitch_from.is_none() && r.vswitch_id.is_some() {
            return conflict(ParamId::VSwitchId, "the vSwitch");
        }
        if explicit_single {
            return conflict(ParamId::SecurityGroupId, "the security groups");
        }
        if r.all(ParamId::SecurityGroupIds).next().is_some() {
            return conflict(ParamId::SecurityGroupIds, "the security groups");
        }
        if r.get(ParamId::PrivateIpAddress).is_some() {
            return conflict(ParamId::PrivateIpAddress, "the primary IP address");
        }
    }
    let mut seen = HashSet::new();
    r.security_groups()
        .into_iter()
        .find(|(_, g)| !seen.insert(*g))
        .map(|(p, g)| {
            Violation::new(ErrorKey::InvalidParameterSecurityGroupIdRepeated, p).arg(format!(
                "The security group {g} is specified more than once."
            ))
        })
}

pub static GROUPS_EXIST: Rule = Rule {
    name: "security_groups_exist",
    tier: Tier::Existence,
    reads: &[
        ParamId::SecurityGroupIds,
        ParamId::NetworkInterfaceSecurityGroupId,
        ParamId::NetworkInterfaceSecurityGroupIds,
    ],
    codes: &[ErrorKey::InvalidSecurityGroupIdNotFound],
    doc: "Every group of SecurityGroupIds.n and of the primary ENI is a group of the region \
          (404 InvalidSecurityGroupId.NotFound, naming the parameter). The single \
          SecurityGroupId keeps the reference's InvalidSecurityGroupId. Example: \
          SecurityGroupIds.2=sg-missing -> InvalidSecurityGroupId.NotFound (SecurityGroupIds.2).",
    check: Check::Static(|c| {
        if !c.req.uses_network_lists() {
            return None;
        }
        c.req
            .security_groups()
            .into_iter()
            .filter(|(p, _)| p.id != ParamId::SecurityGroupId)
            .find(|(_, g)| {
                c.world
                    .security_group(g)
                    .is_none_or(|s| s.region_id != c.region)
            })
            .map(|(p, _)| Violation::new(ErrorKey::InvalidSecurityGroupIdNotFound, p))
    }),
};

pub static VPC_STATE: Rule = Rule {
    name: "vpc_of_vswitch",
    tier: Tier::Existence,
    reads: &[ParamId::VSwitchId],
    codes: &[ErrorKey::VpcNotFound, ErrorKey::IncorrectVpcStatus],
    doc: "The vSwitch's VPC exists (VpcNotFound) and is Available (IncorrectVpcStatus). \
          Example: a vSwitch of a Pending VPC -> IncorrectVpcStatus.",
    check: Check::Static(|c| {
        let v = c.vswitch?;
        let p = c.req.vswitch_param();
        match c.world.vpc(&v.vpc_id) {
            None => Some(Violation::new(ErrorKey::VpcNotFound, p)),
            Some(vpc) if !vpc.status.is_empty() && vpc.status != "Available" => {
                Some(Violation::new(ErrorKey::IncorrectVpcStatus, p))
            }
            _ => None,
        }
    }),
};

pub static GROUPS_FIT: Rule = Rule {
    name: "security_groups_fit",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::SecurityGroupIds,
        ParamId::NetworkInterfaceSecurityGroupIds,
    ],
    codes: &[
        ErrorKey::InvalidSecurityGroupVpcMismatch,
        ErrorKey::EnterpriseGroupLimitedMutliGroupType,
    ],
    doc: "The groups an instance joins are all in one VPC (InvalidSecurityGroup.VpcMismatch) \
          and all basic (normal) or all advanced (enterprise) \
          (EnterpriseGroupLimited.MutliGroupType). Example: SecurityGroupIds.1=sg-normal, \
          SecurityGroupIds.2=sg-enterprise -> EnterpriseGroupLimited.MutliGroupType.",
    check: Check::Static(|c| {
        let groups = c.req.security_groups();
        let first = groups
            .first()
            .and_then(|(_, g)| c.world.security_group(g))?;
        for (p, g) in &groups[1..] {
            let s = c.world.security_group(g)?;
            if s.vpc_id != first.vpc_id {
                return Some(
                    Violation::new(ErrorKey::InvalidSecurityGroupVpcMismatch, *p).arg(format!(
                        "The security group {g} is not in the VPC of {}.",
                        first.security_group_id
                    )),
                );
            }
            let ent = |t: &str| t.eq_ignore_ascii_case("enterprise");
            if ent(&s.security_group_type) != ent(&first.security_group_type) {
                return Some(Violation::new(
                    ErrorKey::EnterpriseGroupLimitedMutliGroupType,
                    *p,
                ));
            }
        }
        None
    }),
};

pub static ENIS: Rule = Rule {
    name: "network_interfaces_fit",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::NetworkInterfaceInstanceType,
        ParamId::InstanceType,
        ParamId::Amount,
    ],
    codes: &[
        ErrorKey::InvalidParameterEniNumExceededWithLaunchEcs,
        ErrorKey::InvalidPrimaryIpAddressSizeInvalid,
    ],
    doc: "The instance's ENIs (the primary, sent or implied, plus every secondary \
          NetworkInterface.n) stay within the type's EniQuantity \
          (InvalidParameter.EniNumExceededWithLaunchEcs); a primary ENI's PrimaryIpAddress \
          creates one instance only (InvalidPrimaryIpAddress.SizeInvalid). Example: three \
          secondary ENIs on a type with EniQuantity 3 -> \
          InvalidParameter.EniNumExceededWithLaunchEcs.",
    check: Check::Static(|c| {
        if !c.req.uses_network_lists() {
            return c
                .itype
                .filter(|t| t.eni_quantity == 0)
                .map(|t| eni_limit(t, 1));
        }
        let enis = c.req.eni_indices();
        let primary = c.req.primary_eni();
        if let Some(n) = primary {
            let ip = ParamRef::at(ParamId::NetworkInterfacePrimaryIpAddress, n);
            if c.req.at(ip.id, n, 0).is_some() && c.req.amount() > 1 {
                return Some(Violation::new(
                    ErrorKey::InvalidPrimaryIpAddressSizeInvalid,
                    ip,
                ));
            }
        }
        let t = c.itype?;
        let secondaries = enis.iter().filter(|n| Some(**n) != primary).count() as u32;
        (1 + secondaries > t.eni_quantity).then(|| eni_limit(t, *enis.last().unwrap_or(&1)))
    }),
};

fn eni_limit(t: &crate::world::InstanceType, n: u16) -> Violation {
    Violation::new(
        ErrorKey::InvalidParameterEniNumExceededWithLaunchEcs,
        ParamRef::at(ParamId::NetworkInterfaceInstanceType, n),
    )
    .arg(format!(
        "{} allows {} network interfaces per instance.",
        t.instance_type_id, t.eni_quantity
    ))
}

/// A private IPv4 address of a vSwitch: inside its CIDR block and not one of the four
/// reserved (the first and the last three).
fn in_vswitch(cidr: &str, ip: Ipv4Addr) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else {
        return true;
    };
    let (Ok(net), Ok(bits)) = (net.parse::<Ipv4Addr>(), bits.parse::<u32>()) else {
        return true;
    };
    if bits > 30 {
        return false;
    }
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    let base = u32::from(net) & mask;
    let last = base | !mask;
    let x = u32::from(ip);
    x & mask == base && x != base && x < last - 2
}

pub static PRIVATE_IP: Rule = Rule {
    name: "private_ip_address",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::PrivateIpAddress,
        ParamId::NetworkInterfacePrimaryIpAddress,
        ParamId::VSwitchId,
    ],
    codes: &[
        ErrorKey::InvalidPrivateIpAddressMalformed,
        ErrorKey::InvalidPrivateIpAddress,
        ErrorKey::InvalidPrivateIpAddressDuplicated,
    ],
    doc: "PrivateIpAddress (or the primary ENI's PrimaryIpAddress) is an IPv4 address \
          (InvalidPrivateIpAddress.Malformed) inside the vSwitch's CIDR block and not one of \
          its reserved addresses, the first and the last three (InvalidPrivateIpAddress), and \
          no existing instance holds it (InvalidPrivateIpAddress.Duplicated). With Amount > 1 \
          the instances take consecutive addresses, each checked. Example: 192.168.1.255 in \
          192.168.1.0/24 -> InvalidPrivateIpAddress.",
    check: Check::Static(private_ip),
};

fn private_ip(c: &Ctx) -> Option<Violation> {
    let (p, text) = match c.req.get_str(ParamId::PrivateIpAddress) {
        Some(t) => (ParamRef::plain(ParamId::PrivateIpAddress), t),
        None => {
            let n = c.req.primary_eni()?;
            let r = ParamRef::at(ParamId::NetworkInterfacePrimaryIpAddress, n);
            (r, c.req.at(r.id, n, 0).and_then(Value::as_str)?)
        }
    };
    let Ok(ip) = text.parse::<Ipv4Addr>() else {
        return Some(Violation::new(
            ErrorKey::InvalidPrivateIpAddressMalformed,
            p,
        ));
    };
    let v = c.vswitch?;
    let first = u32::from(ip);
    for i in 0..c.req.amount() {
        let Some(x) = first.checked_add(i) else {
            return Some(Violation::new(ErrorKey::InvalidPrivateIpAddress, p));
        };
        let x = Ipv4Addr::from(x);
        if !in_vswitch(&v.cidr_block, x) {
            return Some(Violation::new(ErrorKey::InvalidPrivateIpAddress, p));
        }
        if c.world.private_ip_in_use(&v.v_switch_id, &x.to_string()) {
            return Some(Violation::new(
                ErrorKey::InvalidPrivateIpAddressDuplicated,
                p,
            ));
        }
    }
    None
}

pub static IPV6: Rule = Rule {
    name: "ipv6_addresses",
    tier: Tier::Compatibility,
    reads: &[
        ParamId::Ipv6AddressCount,
        ParamId::Ipv6Address,
        ParamId::NetworkInterfaceIpv6AddressCount,
    ],
    codes: &[ErrorKey::InvalidOperationIpv6CountExceeded],
    doc: "The IPv6 addresses asked for the primary ENI (Ipv6AddressCount, Ipv6Address.n, or \
          the primary NetworkInterface's) stay within the type's IPv6 addresses per ENI \
          (EniIpv6AddressQuantity; InvalidOperation.Ipv6CountExceeded). Example: \
          Ipv6AddressCount=2 on a type with 1 -> InvalidOperation.Ipv6CountExceeded.",
    check: Check::Static(|c| {
        let t = c.itype?;
        let r = c.req;
        let listed = r.all(ParamId::Ipv6Address).count() as u64;
        let (p, asked) = if let Some(n) = r.get_int(ParamId::Ipv6AddressCount) {
            (ParamRef::plain(ParamId::Ipv6AddressCount), n)
        } else if listed > 0 {
            (ParamRef::at(ParamId::Ipv6Address, listed as u16), listed)
        } else {
            let n = r.primary_eni()?;
            let p = ParamRef::at(ParamId::NetworkInterfaceIpv6AddressCount, n);
            (p, r.at(p.id, n, 0).and_then(Value::as_int)?)
        };
        (asked > u64::from(t.ipv6_address_quantity)).then(|| {
            Violation::new(ErrorKey::InvalidOperationIpv6CountExceeded, p).arg(format!(
                "{} allows {} IPv6 addresses per network interface.",
                t.instance_type_id, t.ipv6_address_quantity
            ))
        })
    }),
};

pub static JOINED_LIMIT: Rule = Rule {
    name: "joined_group_limit",
    tier: Tier::Account,
    reads: &[ParamId::SecurityGroupIds],
    codes: &[ErrorKey::JoinedGroupLimitExceed],
    doc: "An instance joins at most the account's limit of security groups (world \
          Account.JoinedSecurityGroupLimit, 5 by default, raisable to 10 or 16: Limits page). \
          Example: SecurityGroupIds.1..6 -> JoinedGroupLimitExceed (SecurityGroupIds.6).",
    check: Check::Static(|c| {
        let limit = c.world.account.joined_security_group_limit as usize;
        if !c.req.uses_network_lists() && limit > 0 {
            return None;
        }
        let groups = c.req.security_groups();
        groups.get(limit).map(|(p, _)| {
            Violation::new(ErrorKey::JoinedGroupLimitExceed, *p).arg(format!(
                "An instance can join at most {limit} security groups."
            ))
        })
    }),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_addresses_are_refused() {
        let net = "192.168.1.0/24";
        let ip = |s: &str| s.parse::<Ipv4Addr>().unwrap();
        assert!(!in_vswitch(net, ip("192.168.1.0")));
        assert!(in_vswitch(net, ip("192.168.1.1")));
        assert!(in_vswitch(net, ip("192.168.1.252")));
        for reserved in ["192.168.1.253", "192.168.1.254", "192.168.1.255"] {
            assert!(!in_vswitch(net, ip(reserved)), "{reserved}");
        }
        assert!(!in_vswitch(net, ip("192.168.2.1")));
        assert!(in_vswitch("10.0.0.0/16", ip("10.0.200.7")));
    }
}
