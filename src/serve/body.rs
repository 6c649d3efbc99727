//! Answers as the service shapes them: a JSON body (the default) or XML (`Format=XML`), and
//! the error body `{"RequestId","HostId","Code","Message","Recommend"}` with the catalog's
//! HTTP status. A DescribeInstances answer carries its instances as the session's records
//! and writes them straight into the bytes ([`Sink`]), in the order and form the tree would
//! have given, without building a tree per instance.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::session::Instance;

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
    /// DescribeInstances' `Instances.Instance`, written from the records in its key order
    /// among `body`'s fields (None for every other answer).
    pub instances: Option<Vec<Arc<Instance>>>,
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
            instances: None,
        }
    }

    /// A success listing `instances` under `Instances.Instance` beside `fields`.
    pub fn listing(
        action: &str,
        request_id: &str,
        fields: Map<String, Value>,
        instances: Vec<Arc<Instance>>,
    ) -> Reply {
        Reply {
            instances: Some(instances),
            ..Reply::ok(action, request_id, fields)
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
            instances: None,
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
    let Some(instances) = &reply.instances else {
        return serde_json::to_vec(&reply.body).unwrap_or_default();
    };
    let mut s = Json {
        out: Vec::with_capacity(256 + 1536 * instances.len()),
        first: true,
    };
    s.out.push(b'{');
    fields(&mut s, &reply.body, instances);
    s.out.push(b'}');
    s.out
}

/// The body as XML: objects become elements, a list repeats its element per item
/// (`<InstanceIdSet>i-1</InstanceIdSet><InstanceIdSet>i-2</InstanceIdSet>`), as the RPC
/// services answer with `Format=XML`.
pub fn to_xml(reply: &Reply) -> Vec<u8> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let Some(instances) = &reply.instances else {
        element(&mut out, &reply.root, &reply.body);
        return out.into_bytes();
    };
    out.reserve(256 + 2048 * instances.len());
    let mut s = Xml {
        out,
        lists: Vec::new(),
    };
    open(&mut s.out, &reply.root);
    fields(&mut s, &reply.body, instances);
    close(&mut s.out, &reply.root);
    s.out.into_bytes()
}

/// The body's fields with `Instances.Instance` at its place in key order (the order a
/// `serde_json::Map` keeps).
fn fields<S: Sink>(s: &mut S, body: &Value, instances: &[Arc<Instance>]) {
    const KEY: &str = "Instances";
    let map = body.as_object();
    let entries = map.into_iter().flatten();
    let mut listed = false;
    for (k, v) in entries {
        if !listed && k.as_str() > KEY {
            listing(s, instances);
            listed = true;
        }
        s.field(k, v);
    }
    if !listed {
        listing(s, instances);
    }
}

fn listing<S: Sink>(s: &mut S, instances: &[Arc<Instance>]) {
    s.begin("Instances");
    s.list("Instance");
    for i in instances {
        s.item();
        super::actions::write_instance(s, i);
        s.end_item();
    }
    s.end_list();
    s.end("Instances");
}

/// Where an answer's parts are written, in JSON or XML by the same calls: objects by
/// `begin` / `end`, lists by `list` / `end_list` with their items (`item` / `end_item` for
/// objects, `item_text` for strings), scalar fields by `text` and `field`. An empty list
/// writes nothing in XML, as a list element repeats per item.
pub trait Sink {
    /// The object field `name` opens.
    fn begin(&mut self, name: &str);
    fn end(&mut self, name: &str);
    /// A string field.
    fn text(&mut self, name: &str, v: &str);
    /// Any field as its tree would write it (numbers and booleans allocate nothing).
    fn field(&mut self, name: &str, v: &Value);
    /// The list field `name` opens.
    fn list(&mut self, name: &'static str);
    fn end_list(&mut self);
    /// An object item of the open list.
    fn item(&mut self);
    fn end_item(&mut self);
    /// A string item of the open list.
    fn item_text(&mut self, v: &str);
}

/// JSON bytes, compact, as `serde_json::to_vec` writes a tree.
struct Json {
    out: Vec<u8>,
    /// No member written yet in the innermost open object or list (no comma due).
    first: bool,
}

impl Json {
    fn comma(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }

    fn key(&mut self, name: &str) {
        self.comma();
        self.string(name);
        self.out.push(b':');
    }

    fn string(&mut self, v: &str) {
        // Writing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, v);
    }
}

impl Sink for Json {
    fn begin(&mut self, name: &str) {
        self.key(name);
        self.out.push(b'{');
        self.first = true;
    }
    fn end(&mut self, _: &str) {
        self.out.push(b'}');
        self.first = false;
    }
    fn text(&mut self, name: &str, v: &str) {
        self.key(name);
        self.string(v);
    }
    fn field(&mut self, name: &str, v: &Value) {
        self.key(name);
        let _ = serde_json::to_writer(&mut self.out, v);
    }
    fn list(&mut self, name: &'static str) {
        self.key(name);
        self.out.push(b'[');
        self.first = true;
    }
    fn end_list(&mut self) {
        self.out.push(b']');
        self.first = false;
    }
    fn item(&mut self) {
        self.comma();
        self.out.push(b'{');
        self.first = true;
    }
    fn end_item(&mut self) {
        self.out.push(b'}');
        self.first = false;
    }
    fn item_text(&mut self, v: &str) {
        self.comma();
        self.string(v);
    }
}

/// XML text, as [`to_xml`] writes a tree.
struct Xml {
    out: String,
    /// The open lists' element names, innermost last.
    lists: Vec<&'static str>,
}

impl Xml {
    fn item_name(&self) -> &'static str {
        self.lists.last().copied().unwrap_or("item")
    }
}

impl Sink for Xml {
    fn begin(&mut self, name: &str) {
        open(&mut self.out, name);
    }
    fn end(&mut self, name: &str) {
        close(&mut self.out, name);
    }
    fn text(&mut self, name: &str, v: &str) {
        open(&mut self.out, name);
        escape(&mut self.out, v);
        close(&mut self.out, name);
    }
    fn field(&mut self, name: &str, v: &Value) {
        element(&mut self.out, name, v);
    }
    fn list(&mut self, name: &'static str) {
        self.lists.push(name);
    }
    fn end_list(&mut self) {
        self.lists.pop();
    }
    fn item(&mut self) {
        let name = self.item_name();
        open(&mut self.out, name);
    }
    fn end_item(&mut self) {
        let name = self.item_name();
        close(&mut self.out, name);
    }
    fn item_text(&mut self, v: &str) {
        let name = self.item_name();
        self.text(name, v);
    }
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

    fn instance(seq: u64) -> Instance {
        use crate::request::typed::{InternetChargeType, SpotStrategy};
        let at = crate::time::parse_utc("2027-06-01T10:20:30Z").unwrap();
        Instance {
            seq,
            id: format!("i-{seq:013}"),
            region: "cn-hangzhou".into(),
            zone: "cn-hangzhou-i".into(),
            instance_type: "ecs.g7.large".into(),
            vcpus: 2,
            memory: 8.0,
            image_id: "aliyun_3_x64_20G_alibase_20240528.vhd".into(),
            name: format!("web-{seq}"),
            host_name: format!("host{seq}"),
            description: String::new(),
            postpaid: true,
            security_groups: vec!["sg-1".into(), "sg-2".into()],
            vpc: Some("vpc-1".into()),
            vswitch: Some("vsw-1".into()),
            private_ip: Some("172.16.0.5".parse().unwrap()),
            public_ip: None,
            internet_charge: InternetChargeType::PayByTraffic,
            bandwidth_out: 0,
            spot: SpotStrategy::NoSpot,
            spot_price_limit: None,
            auto_release: None,
            created: at,
            tags: vec![("team".into(), "a".into())],
            claims: Arc::from(Vec::new()),
            from_pool: false,
        }
    }

    /// Instances unlike each other in every field that is optional, a list or text.
    fn varied() -> Vec<Arc<Instance>> {
        use crate::request::typed::{InternetChargeType, SpotStrategy};
        let plain = instance(0);
        let mut classic = instance(1);
        classic.vpc = None;
        classic.vswitch = None;
        classic.private_ip = None;
        classic.security_groups.clear();
        classic.tags.clear();
        classic.postpaid = false;
        classic.memory = 0.5;
        let mut spot = instance(2);
        spot.spot = SpotStrategy::SpotWithPriceLimit;
        spot.spot_price_limit = Some(0.0625);
        spot.public_ip = Some("198.18.0.1".parse().unwrap());
        spot.bandwidth_out = 5;
        spot.internet_charge = InternetChargeType::PayByBandwidth;
        spot.auto_release = Some(crate::time::parse_utc("2027-06-02T00:00:00Z").unwrap());
        let mut odd = instance(3);
        odd.description = "a<b & \"c\" 'd' \u{7}\n\t\u{e9}\u{1f600}\\".into();
        odd.name = "\u{0}</Name>".into();
        odd.tags = vec![("k&".into(), "".into()), ("<x>".into(), "v\"".into())];
        odd.spot_price_limit = Some(f64::NAN);
        odd.instance_type = "nofamily".into();
        vec![plain, classic, spot, odd]
            .into_iter()
            .map(Arc::new)
            .collect()
    }

    #[test]
    fn listings_write_the_bytes_the_tree_wrote() {
        use crate::serve::actions::tests::instance_json;
        let all = varied();
        for n in 0..=all.len() {
            let shown = all[..n].to_vec();
            for paged in [false, true] {
                let mut m = Map::new();
                if paged {
                    m.insert("PageNumber".into(), json!(2));
                    m.insert("PageSize".into(), json!(10));
                }
                m.insert("TotalCount".into(), json!(12345));
                m.insert("NextToken".into(), json!(if n == 0 { "" } else { "ab12" }));
                let written = Reply::listing("DescribeInstances", "RID", m.clone(), shown.clone());
                let tree: Vec<Value> = shown.iter().map(|i| instance_json(i)).collect();
                m.insert("Instances".into(), json!({ "Instance": tree }));
                let tree = Reply::ok("DescribeInstances", "RID", m);
                assert_eq!(
                    String::from_utf8(to_json(&written)).unwrap(),
                    String::from_utf8(to_json(&tree)).unwrap(),
                    "JSON, {n} instances, paged {paged}"
                );
                assert_eq!(
                    String::from_utf8(to_xml(&written)).unwrap(),
                    String::from_utf8(to_xml(&tree)).unwrap(),
                    "XML, {n} instances, paged {paged}"
                );
            }
        }
    }
}
