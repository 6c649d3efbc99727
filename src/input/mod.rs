//! Readers for the forms planners already have, beyond the wire forms of
//! [`crate::request::wire`] (flat JSON objects, JSON Lines, query strings): each reader turns
//! its form into the same [`RawRequest`](crate::request::raw::RawRequest)s, each with its
//! source (file:line, or a Terraform resource address with file:line), so nothing downstream
//! knows which form a request came from except to print its source (docs/input-forms.md).

pub mod alicloud;
pub mod cli_line;
pub mod hcl;
pub mod ros;
pub mod sdk_map;
pub mod terraform;

use crate::error::Result;
use crate::request::RawRequest;
use crate::world::standing::Standing;

/// What a document in a planner's form holds: the requests it launches, and the instances
/// it shows existing already (a Terraform plan's updates and no-ops), which count against
/// the limits wherever the world's own instances do (docs/terraform.md).
#[derive(Debug, Default)]
pub struct Document {
    pub requests: Vec<RawRequest>,
    /// Existing instances, in the document's order; empty for forms that show none.
    pub existing: Vec<Standing>,
}

impl Document {
    /// A document of requests only.
    pub fn of(requests: Vec<RawRequest>) -> Document {
        Document {
            requests,
            existing: Vec::new(),
        }
    }
}

/// The requests of a JSON document in a planner's form (a Terraform plan, a ROS template),
/// or None when the document is the wire form, for [`crate::request::wire`] to read.
pub fn read_document(source: &str, text: &str) -> Option<Result<Document>> {
    terraform::read_if_plan(source, text)
        .or_else(|| ros::read_if_template(source, text).map(|r| r.map(Document::of)))
}

/// Whether the first non-blank line of a JSON input starts a document in a planner's form
/// even though it is a whole `{...}` (a one-line plan), so it is read whole.
pub fn starts_document(first_line: &[u8]) -> bool {
    terraform::may_be_plan(first_line)
        || first_line
            .windows(26)
            .any(|w| w == b"\"ROSTemplateFormatVersion\"")
}
