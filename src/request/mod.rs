//! RunInstances requests: wire forms (`wire`) become ordered raw parameter lists (`raw`), which
//! one function turns into a typed request (`typed`). Secrets are wrapped so they never print.

pub mod raw;
pub mod typed;
pub mod wire;

pub use raw::{RawParam, RawRequest};
pub use typed::Request;
