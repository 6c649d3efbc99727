//! The HTTP face: axum routes for the API (any path, GET or POST) and the admin routes
//! under `/_ecsim/`. Parameters come from the query string and from an
//! `application/x-www-form-urlencoded` body; the action from `Action` or `x-acs-action`.
//! Signatures and AccessKeys are accepted without verification. The accept loop, timeouts and
//! the first-head check are in [`super::conn`].

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tokio::sync::Notify;

use super::body::{to_json, to_xml, Reply};
use super::report::SessionReport;
use super::session::Session;
use crate::catalog::ErrorKey;
use crate::request::RawRequest;

/// Largest query string accepted, in bytes: under hyper's URI limit
/// ([`super::conn::MAX_TARGET_BYTES`]) so the API's `InvalidParameter` answers it.
pub const MAX_QUERY_BYTES: usize = 60 * 1024;
/// Largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The `InvalidParameter` argument of a query string over [`MAX_QUERY_BYTES`].
pub fn query_too_long() -> String {
    format!("query string (over {} KiB)", MAX_QUERY_BYTES / 1024)
}

/// Writes a report somewhere (the CLI writes CSV files); answers what was written.
pub type ReportSink = dyn Fn(&SessionReport) -> Result<Vec<String>, String> + Send + Sync;

/// Shared by every connection.
pub struct App {
    pub session: Arc<Session>,
    /// Notified by `POST /_ecsim/shutdown`.
    pub shutdown: Notify,
    pub sink: Option<Box<ReportSink>>,
    /// Timeouts and the connection cap.
    pub limits: super::conn::Limits,
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/_ecsim/clock", get(clock).post(clock))
        .route("/_ecsim/report", post(report))
        .route("/_ecsim/shutdown", post(shutdown))
        .fallback(api)
        .with_state(app)
}

async fn api(State(app): State<Arc<App>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let query = parts.uri.query().unwrap_or("");
    let xml_wanted = wants_xml(query);
    if parts.method != Method::GET && parts.method != Method::POST {
        let reply = app
            .session
            .reject(ErrorKey::InvalidActionNotFound, "method");
        return render(&reply, xml_wanted);
    }
    if query.len() > MAX_QUERY_BYTES {
        let reply = app
            .session
            .reject(ErrorKey::InvalidParameterGeneric, &query_too_long());
        return render(&reply, xml_wanted);
    }
    let read = axum::body::to_bytes(body, MAX_BODY_BYTES);
    let bytes = match tokio::time::timeout(app.limits.header_timeout, read).await {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => {
            let arg = format!("body (over {} KiB, or cut short)", MAX_BODY_BYTES / 1024);
            let reply = app.session.reject(ErrorKey::InvalidParameterGeneric, &arg);
            return render(&reply, xml_wanted);
        }
        Err(_) => {
            let arg = format!(
                "body (not received within {}s, --header-timeout)",
                app.limits.header_timeout.as_secs()
            );
            let reply = app.session.reject(ErrorKey::InvalidParameterGeneric, &arg);
            return render(&reply, xml_wanted);
        }
    };
    let mut raw = RawRequest::new(format!("{} {}", parts.method, parts.uri.path()));
    let form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let mut pushed = push_pairs(&mut raw, query.as_bytes(), "query string");
    if form && !bytes.is_empty() && pushed.is_ok() {
        pushed = push_pairs(&mut raw, &bytes, "body");
    }
    if let Err(arg) = pushed {
        let reply = app.session.reject(ErrorKey::InvalidParameterGeneric, &arg);
        return render(&reply, xml_wanted);
    }
    raw.action_header = parts
        .headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let xml = raw
        .get("Format")
        .is_some_and(|f| f.eq_ignore_ascii_case("xml"));
    let reply = app.session.handle(&raw);
    render(&reply, xml)
}

/// Adds the `name=value` pairs of a query string or form body (`+` is a space, `%XX` a
/// byte, a `%` not followed by two hex digits stays as it is; empty names are skipped).
/// A name or value that decodes to bytes that are not UTF-8 text, or that holds a NUL,
/// is refused: the error is the `InvalidParameter` argument, naming the parameter (never
/// its value). After a secret, a name ecsim does not know may be the rest of the secret's
/// value cut at an unencoded `&`, so it is named by its place instead.
fn push_pairs(raw: &mut RawRequest, bytes: &[u8], source: &str) -> Result<(), String> {
    let mut after_secret = false;
    for (i, pair) in bytes.split(|b| *b == b'&').enumerate() {
        if pair.is_empty() {
            continue;
        }
        let (k, v) = match pair.iter().position(|b| *b == b'=') {
            Some(at) => (&pair[..at], &pair[at + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        let Some(key) = text(percent_decode(k)) else {
            return Err(format!(
                "parameter {} of the {source} (its name is not UTF-8 text, or holds a NUL byte)",
                i + 1
            ));
        };
        if key.is_empty() {
            continue;
        }
        let Some(value) = text(percent_decode(v)) else {
            let shown = crate::request::is_secret(&key)
                || crate::catalog::params::lookup(&key).is_some()
                || (!after_secret && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.'));
            return Err(match shown {
                true => format!("{key} (not UTF-8 text, or holds a NUL byte)"),
                false => format!(
                    "parameter {} of the {source} (not UTF-8 text, or holds a NUL byte)",
                    i + 1
                ),
            });
        };
        after_secret |= crate::request::is_secret(&key);
        raw.push(key, value);
    }
    Ok(())
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                s.get(i + 1).and_then(|&b| hex(b)),
                s.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

fn text(bytes: Vec<u8>) -> Option<String> {
    String::from_utf8(bytes).ok().filter(|s| !s.contains('\0'))
}

pub(crate) fn wants_xml(query: &str) -> bool {
    form_urlencoded::parse(query.as_bytes())
        .any(|(k, v)| k == "Format" && v.eq_ignore_ascii_case("xml"))
}

/// The body of `reply` and its content type.
pub(crate) fn encode(reply: &Reply, xml: bool) -> (&'static str, Vec<u8>) {
    if xml {
        ("text/xml;charset=utf-8", to_xml(reply))
    } else {
        ("application/json;charset=utf-8", to_json(reply))
    }
}

fn render(reply: &Reply, xml: bool) -> Response {
    let (ct, bytes) = encode(reply, xml);
    let mut resp = Response::new(Body::from(bytes));
    *resp.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_REQUEST);
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    resp
}

fn admin(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// `GET /_ecsim/clock`: simulated now. `POST /_ecsim/clock?advance=3600s` (units s, m, h, d)
/// or `?set=2027-06-01T00:00:00Z`: move it; releases that fall due happen at once. A move
/// that is not a duration or time, or that would leave the modeled range (past
/// 9999-12-31T23:59:59Z, docs/reliability.md), answers 400 `{"Error": "..."}` like the other
/// admin errors, and the clock stays where it was.
async fn clock(State(app): State<Arc<App>>, req: Request) -> Response {
    use crate::scenario::when::{self, WhenError};
    let query = req.uri().query().unwrap_or("").to_string();
    let refuse = |message: String| {
        admin(
            StatusCode::BAD_REQUEST,
            serde_json::json!({ "Error": message }),
        )
    };
    let stays = |what: &str, now| {
        format!(
            "{what}: the clock would pass {}, the last time ecsim models; it stays at {} \
             (docs/reliability.md)",
            crate::time::format_utc(crate::limits::max_time()),
            crate::time::format_utc(now)
        )
    };
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "advance" => match when::parse_duration(&v) {
                Ok(d) => {
                    if let Err(now) = app.session.clock.advance(d) {
                        return refuse(stays(&format!("advance={v}"), now));
                    }
                }
                Err(WhenError::Malformed) => {
                    return refuse(format!(
                        "advance={v}: not a duration; write e.g. 3600s, 90m, 1h30m, 7d"
                    ))
                }
                Err(e) => return refuse(e.explain("advance", &v, "")),
            },
            "set" => match when::parse_time(&v) {
                Ok(t) => {
                    if let Err(now) = app.session.clock.set(t) {
                        return refuse(stays(&format!("set={v}"), now));
                    }
                }
                Err(WhenError::Malformed) => {
                    return refuse(format!(
                        "set={v}: not a UTC time; write e.g. 2027-06-01T00:00:00Z"
                    ))
                }
                Err(e) => return refuse(e.explain("set", &v, "")),
            },
            _ => {}
        }
    }
    app.session.expire();
    admin(
        StatusCode::OK,
        serde_json::json!({"Now": crate::time::format_utc(app.session.clock.now())}),
    )
}

/// `POST /_ecsim/report`: writes the report so far (needs `--out`). The snapshot and the
/// writing run on a blocking thread, outside the session's locks, so requests go on.
async fn report(State(app): State<Arc<App>>) -> Response {
    if app.sink.is_none() {
        return admin(
            StatusCode::CONFLICT,
            serde_json::json!({"Error": "no report directory; start the server with --out DIR"}),
        );
    }
    let writer = app.clone();
    let written = tokio::task::spawn_blocking(move || {
        let report = writer.session.report();
        writer.sink.as_ref().map(|sink| sink(&report))
    })
    .await;
    match written {
        Ok(Some(Ok(files))) => admin(StatusCode::OK, serde_json::json!({ "Written": files })),
        Ok(Some(Err(e))) => admin(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "Error": e }),
        ),
        Ok(None) | Err(_) => admin(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "Error": "the report writer stopped before finishing" }),
        ),
    }
}

/// `POST /_ecsim/shutdown`: stops accepting requests; the report is written on the way out.
async fn shutdown(State(app): State<Arc<App>>) -> Response {
    app.shutdown.notify_one();
    admin(StatusCode::OK, serde_json::json!({ "ShuttingDown": true }))
}

/// Resolves on Ctrl-C, SIGTERM, or `POST /_ecsim/shutdown`.
pub async fn shutdown_signal(app: Arc<App>) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
        _ = app.shutdown.notified() => {}
    }
}

/// Serves until a shutdown signal, lets the requests in flight finish, then returns.
pub async fn serve(listener: tokio::net::TcpListener, app: Arc<App>) -> std::io::Result<()> {
    super::conn::serve(listener, app.clone(), shutdown_signal(app)).await
}
