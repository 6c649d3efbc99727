//! Readers for the forms planners already have, beyond the wire forms of
//! [`crate::request::wire`] (flat JSON objects, JSON Lines, query strings): each reader turns
//! its form into the same [`RawRequest`](crate::request::raw::RawRequest)s, each with its
//! source (file:line, or a Terraform resource address with file:line), so nothing downstream
//! knows which form a request came from except to print its source (docs/input-forms.md).

pub mod cli_line;
pub mod sdk_map;
