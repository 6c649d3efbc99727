//! A request as it arrived: an ordered list of wire name/value pairs with where it came from.

use crate::catalog::params::{self, Kind, ParamRef};

/// A parameter's name as sent: the catalog's own spelling, borrowed, when the reader found it
/// there as written (most names), else a copy. Most of a request's names then cost no
/// allocation of their own.
pub type Name = std::borrow::Cow<'static, str>;

/// One `name=value` pair, exactly as sent (percent-decoded).
#[derive(Clone)]
pub struct RawParam {
    pub name: Name,
    pub value: String,
    /// `name` resolved against the catalog, when the reader already looked it up (the JSON
    /// reader asks whether a key is a wire name), so typing does not look it up again. Only
    /// [`RawRequest::push_resolved`] sets it; it is always `params::lookup(&name)`.
    known: Option<Option<ParamRef>>,
}

impl RawParam {
    /// A pair not looked up yet.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> RawParam {
        RawParam {
            name: Name::Owned(name.into()),
            value: value.into(),
            known: None,
        }
    }

    /// The parameter `name` is, or None for a name the catalog does not know.
    pub fn resolved(&self) -> Option<ParamRef> {
        match self.known {
            Some(r) => r,
            None => params::lookup(&self.name),
        }
    }
}

/// Pairs are equal when their names and values are: the look-up kept beside them follows
/// from the name.
impl PartialEq for RawParam {
    fn eq(&self, other: &RawParam) -> bool {
        self.name == other.name && self.value == other.value
    }
}

impl Eq for RawParam {}

impl std::fmt::Debug for RawParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawParam")
            .field("name", &self.name)
            .field("value", &self.value)
            .finish()
    }
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
        self.params.push(RawParam::new(name, value));
    }

    /// [`push`](Self::push) for a reader that has looked `name` up already: `known` must be
    /// `params::lookup(&name)`, and typing the request uses it instead of looking again.
    pub fn push_resolved(&mut self, name: &str, value: impl Into<String>, known: Option<ParamRef>) {
        debug_assert_eq!(known, params::lookup(name), "{name}");
        let spelling = known
            .filter(|r| r.n == 0 && r.m == 0)
            .map(|r| r.id.spec().name)
            .filter(|&catalog| catalog == name);
        self.params.push(RawParam {
            name: spelling.map_or_else(|| Name::Owned(name.to_string()), Name::Borrowed),
            value: value.into(),
            known: Some(known),
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
                let shown = if self.hidden.iter().any(|h| *h == p.name) {
                    REDACTED
                } else {
                    redact(&p.name, &p.value)
                };
                (p.name.to_string(), shown.to_string())
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
    p.resolved()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_pushed_resolved_equals_one_looked_up_later() {
        let mut looked = RawRequest::new("t");
        looked.push_resolved("DataDisk.2.Size", "40", params::lookup("DataDisk.2.Size"));
        looked.push_resolved("Bogus", "x", None);
        let mut plain = RawRequest::new("t");
        plain.push("DataDisk.2.Size", "40");
        plain.push("Bogus", "x");
        assert_eq!(looked, plain);
        for (a, b) in looked.params.iter().zip(&plain.params) {
            assert_eq!(a.resolved(), b.resolved());
        }
        assert_eq!(
            looked.params[0].resolved(),
            Some(ParamRef::at(params::ParamId::DataDiskSize, 2))
        );
        assert_eq!(looked.fingerprint(), plain.fingerprint());
        assert_eq!(
            format!("{:?}", looked.params),
            format!("{:?}", plain.params)
        );
    }

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
