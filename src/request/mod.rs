//! RunInstances requests: wire forms (`wire`) become ordered raw parameter lists (`raw`), which
//! one function turns into a typed request (`typed`). Secrets are wrapped so they never print,
//! and every writer that shows request parameters goes through one redaction point
//! ([`redact`], used by [`RawRequest::redacted`]).

pub mod raw;
pub mod typed;
pub mod wire;

pub use raw::{is_secret, redact, RawParam, RawRequest, REDACTED};
pub use typed::Request;
