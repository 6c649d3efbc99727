//! Answers as the service shapes them: a JSON body (the default) or XML (`Format=XML`), and
//! the error body `{"RequestId","HostId","Code","Message","Recommend"}` with the catalog's
//! HTTP status.

use serde_json::{json, Map, Value};

use crate::catalog::ErrorKey;
use crate::validate::Violation;

/// The host every error body names.
pub const HOST_ID: &str = "ecs.aliyuncs.com";

/// One answer: HTTP status, the XML root element name, the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    /// `<Action>Response` for a success, `Error` for an error.
    pub root: String,
    pub body: Value,
    /// The error's catalog row, None for a success.
    pub error: Option<ErrorKey>,
}

impl Reply {
    /// A success: `fields` with `RequestId` added.
    pub fn ok(action: &str, request_id: &str, mut fields: Map<String, Value>) -> Reply {
        fields.insert("RequestId".into(), Value::String(request_id.to_string()));
        Reply {
            status: 200,
            root: format!("{action}Response"),
            body: Value::Object(fields),
            error: None,
        }
    }

    /// An error from a predicted violation.
    pub fn violation(v: &Violation, request_id: &str) -> Reply {
        Reply::error(v.key, &v.message(), request_id)
    }

    /// An error with the catalog row of `key` and a rendered message.
    pub fn error(key: ErrorKey, message: &str, request_id: &str) -> Reply {
        let code = key.code();
        Reply {
            status: key.http_status(),
            root: "Error".into(),
            body: json!({
                "RequestId": request_id,
                "HostId": HOST_ID,
                "Code": code,
                "Message": message,
                "Recommend": recommend(code, request_id),
            }),
            error: Some(key),
        }
    }

    /// An error with the catalog row's message, its `{0}` filled by `arg`.
    pub fn keyed(key: ErrorKey, arg: &str, request_id: &str) -> Reply {
        Reply::error(key, &key.entry().render(&[arg]), request_id)
    }
}

/// The troubleshooting link real error bodies carry.
pub fn recommend(code: &str, request_id: &str) -> String {
    format!("https://api.aliyun.com/troubleshoot?q={code}&product=Ecs&requestId={request_id}")
}

/// The body as JSON bytes.
pub fn to_json(reply: &Reply) -> Vec<u8> {
    serde_json::to_vec(&reply.body).unwrap_or_default()
}

/// The body as XML: objects become elements, a list repeats its element per item
/// (`<InstanceIdSet>i-1</InstanceIdSet><InstanceIdSet>i-2</InstanceIdSet>`), as the RPC
/// services answer with `Format=XML`.
pub fn to_xml(reply: &Reply) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    element(&mut out, &reply.root, &reply.body);
    out.into_bytes()
}

fn element(out: &mut String, name: &str, v: &Value) {
    match v {
        Value::Array(items) => {
            for item in items {
                element(out, name, item);
            }
        }
        Value::Object(map) => {
            open(out, name);
            for (k, v) in map {
                element(out, k, v);
            }
            close(out, name);
        }
        Value::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Value::String(s) => {
            open(out, name);
            escape(out, s);
            close(out, name);
        }
        other => {
            open(out, name);
            out.push_str(&other.to_string());
            close(out, name);
        }
    }
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_has_the_service_fields() {
        let r = Reply::error(
            ErrorKey::DryRunOperation,
            ErrorKey::DryRunOperation.entry().message,
            "RID",
        );
        assert_eq!(r.status, 400);
        assert_eq!(r.body["Code"], "DryRunOperation");
        assert_eq!(r.body["HostId"], HOST_ID);
        assert_eq!(
            r.body["Recommend"],
            "https://api.aliyun.com/troubleshoot?q=DryRunOperation&product=Ecs&requestId=RID"
        );
    }

    #[test]
    fn xml_repeats_list_elements_and_escapes_text() {
        let mut m = Map::new();
        m.insert(
            "InstanceIdSets".into(),
            json!({"InstanceIdSet": ["i-1", "i-2"]}),
        );
        m.insert("Note".into(), json!("a<b & c"));
        let xml = String::from_utf8(to_xml(&Reply::ok("RunInstances", "R", m))).unwrap();
        assert!(xml.contains(
            "<RunInstancesResponse><InstanceIdSets><InstanceIdSet>i-1</InstanceIdSet>\
             <InstanceIdSet>i-2</InstanceIdSet></InstanceIdSets>"
        ));
        assert!(xml.contains("<Note>a&lt;b &amp; c</Note>"));
        assert!(xml.contains("<RequestId>R</RequestId>"));
    }
}
