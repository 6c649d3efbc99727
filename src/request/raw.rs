//! A request as it arrived: an ordered list of wire name/value pairs with where it came from.

use crate::catalog::params::{self, Kind, ParamRef};

/// One `name=value` pair, exactly as sent (percent-decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawParam {
    pub name: String,
    pub value: String,
}

/// A request's parameters in arrival order, with its source (`file:line` or `argument N`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawRequest {
    pub source: String,
    pub params: Vec<RawParam>,
    /// The `x-acs-action` header, when the request came over HTTP with it.
    pub action_header: Option<String>,
    /// What the reader of a planner's form could not turn into a parameter (a value known
    /// only after `terraform apply`), shown as warnings with the prediction. Never a value.
    pub notes: Vec<String>,
    /// Parameters whose values the form marks secret (Terraform's `sensitive`), hidden by
    /// [`RawRequest::redacted`] like the catalog's secrets.
    pub hidden: Vec<String>,
}

impl RawRequest {
    pub fn new(source: impl Into<String>) -> RawRequest {
        RawRequest {
            source: source.into(),
            ..RawRequest::default()
        }
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.params.push(RawParam {
            name: name.into(),
            value: value.into(),
        });
    }

    /// The last value sent for `name` (later duplicates win, as on the wire).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
    }

    /// The parameters with secret values replaced by `***`, for showing a request back.
    /// Every writer that shows request parameters goes through this (or [`redact`]).
    pub fn redacted(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .map(|p| {
                let shown = if self.hidden.contains(&p.name) {
                    REDACTED
                } else {
                    redact(&p.name, &p.value)
                };
                (p.name.clone(), shown.to_string())
            })
            .collect()
    }
}

/// What a hidden value is shown as.
pub const REDACTED: &str = "***";

/// Names whose values are never shown, matched case-insensitively: the request's secrets
/// (`Password`, `UserData`) and the caller's credentials and signature.
pub const SECRET_NAMES: &[&str] = &[
    "Password",
    "UserData",
    "AccessKeyId",
    "AccessKeySecret",
    "SecurityToken",
    "Signature",
];

/// Whether the value of the parameter `name` must never be shown: a name of
/// [`SECRET_NAMES`] in any case (surrounding spaces ignored), also as one segment of a dotted
/// name (`Foo.Password`, as a nested SDK map may give), or a catalog parameter of kind
/// `Secret`.
pub fn is_secret(name: &str) -> bool {
    let n = name.trim();
    n.split('.').any(|seg| {
        SECRET_NAMES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(seg.trim()))
    }) || params::lookup(n).is_some_and(|r| r.id.spec().kind == Kind::Secret)
}

/// The one redaction point: `value` as it may be shown for the parameter `name` (`***` for a
/// secret, the value itself otherwise). The name stays visible.
pub fn redact<'a>(name: &str, value: &'a str) -> &'a str {
    if is_secret(name) {
        REDACTED
    } else {
        value
    }
}

impl RawRequest {
    /// A stable fingerprint of the business parameters (canonical order, last value of each,
    /// common parameters and ClientToken excluded), for ClientToken idempotency. Equal to the
    /// typed request's `fingerprint`.
    pub fn fingerprint(&self) -> u64 {
        let mut pairs: Vec<(ParamRef, &str)> = self
            .params
            .iter()
            .filter_map(|p| resolve(p).map(|r| (r, p.value.as_str())))
            .filter(|(r, _)| r.id.spec().origin != params::ParamOrigin::Common)
            .collect();
        pairs.sort_by_key(|(r, _)| *r);
        let mut last: Vec<(ParamRef, &str)> = Vec::with_capacity(pairs.len());
        for (r, v) in pairs {
            match last.last_mut() {
                Some(l) if l.0 == r => l.1 = v,
                _ => last.push((r, v)),
            }
        }
        super::typed::fingerprint(&last)
    }
}

/// A parameter resolved against the catalog.
pub fn resolve(p: &RawParam) -> Option<ParamRef> {
    params::lookup(&p.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_secrets_only() {
        let mut r = RawRequest::new("t");
        r.push("Password", "Hunter#2Hunter");
        r.push("UserData", "ZWNobw==");
        r.push("RegionId", "cn-hangzhou");
        let shown = format!("{:?}", r.redacted());
        assert!(!shown.contains("Hunter") && !shown.contains("ZWNobw"));
        assert!(shown.contains("cn-hangzhou"));
    }

    #[test]
    fn redaction_hid_only_exact_case_password_and_userdata() {
        let mut r = RawRequest::new("t");
        for (k, v) in [
            ("password", "lowerSecret1"),
            ("USERDATA", "dXBwZXI="),
            ("AccessKeyId", "LTAIkeyMarker"),
            ("accesskeysecret", "akSecretMarker"),
            ("SecurityToken", "stsTokenMarker"),
            ("Signature", "sigMarker="),
            (" Password ", "spacedSecret"),
        ] {
            r.push(k, v);
        }
        r.push("PasswordInherit", "true");
        r.push("SignatureMethod", "HMAC-SHA1");
        r.push("ClientToken", "token-1");
        let shown = r.redacted();
        for (k, v) in &shown[..7] {
            assert_eq!(v, REDACTED, "{k}");
        }
        // the names stay visible; look-alike names that are not secrets keep their values
        assert_eq!(shown[0].0, "password");
        assert_eq!(shown[7], ("PasswordInherit".into(), "true".into()));
        assert_eq!(shown[8], ("SignatureMethod".into(), "HMAC-SHA1".into()));
        assert_eq!(shown[9], ("ClientToken".into(), "token-1".into()));
        assert_eq!(redact("userdata", "x"), REDACTED);
        // a secret nested in an SDK map keeps its name as a segment
        assert_eq!(redact("Foo.password", "x"), REDACTED);
        assert_eq!(redact("Foo.PasswordInherit", "x"), "x");
        assert_eq!(redact("RegionId", "cn-hangzhou"), "cn-hangzhou");
    }
}
