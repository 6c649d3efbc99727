//! The accept loop and the life of one connection (docs/serve.md, "Hardening").
//!
//! - At most [`Limits::max_connections`] connections are served at once; more wait in the
//!   listen backlog until one closes.
//! - The first request head of a connection is read here, with `httparse`, before hyper sees
//!   it: one that is malformed, too large, or that hyper would refuse (a target over
//!   [`MAX_TARGET_BYTES`], a bad `Content-Length` or `Transfer-Encoding`) is answered
//!   `InvalidParameter` in the API's error shape and the connection closed. A valid head
//!   goes to hyper with the bytes already read put back in front of the socket.
//! - A request head must arrive within [`Limits::header_timeout`] of its first byte (the first
//!   one: of the connection opening); a connection waiting between requests is closed after
//!   [`Limits::idle_timeout`]. A request being answered is never cut.
//! - Shutdown (Ctrl-C, SIGTERM, `POST /_ecsim/shutdown`): stop accepting, let every request in
//!   flight finish, close idle connections, return once all are closed.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;

use super::http::{encode, wants_xml, App, MAX_QUERY_BYTES};
use crate::catalog::ErrorKey;

/// Connections served at once, by default.
pub const MAX_CONNECTIONS: usize = 1024;
/// Largest first request head read before answering `InvalidParameter` (hyper's own bound
/// for later heads on a keep-alive connection is about 400 KiB).
pub const MAX_HEAD_BYTES: usize = 128 * 1024;
/// Longest request target hyper takes (the `http` crate's URI limit, `u16::MAX - 1`).
pub const MAX_TARGET_BYTES: usize = 65_534;
/// Header lines in a head, as hyper's default.
const MAX_HEADERS: usize = 100;
/// What is read and dropped after answering a refused head, so the client reads the answer
/// rather than a reset.
const MAX_DRAIN_BYTES: usize = 1 << 20;

/// The connection limits (`--header-timeout`, `--idle-timeout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time a request head (and then its body) may take to arrive.
    pub header_timeout: Duration,
    /// Time a keep-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// Serves `listener` until `stop` resolves, then drains the connections and returns.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    stop: impl std::future::Future<Output = ()>,
) -> io::Result<()> {
    let router = super::http::router(app.clone());
    let limits = app.limits;
    let (stopping, stopped) = watch::channel(false);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut stop => break,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                // A connection reset before it was accepted, or out of file descriptors:
                // keep serving the others; wait a little when it is the descriptors.
                Err(e) => {
                    if !matches!(
                        e.kind(),
                        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
                    ) {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        while tasks.try_join_next().is_some() {}
        let (app, router, stopped) = (app.clone(), router.clone(), stopped.clone());
        tasks.spawn(async move {
            connection(stream, app, router, limits, stopped).await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

/// One connection: the first head read here, then hyper with the timeouts watched.
async fn connection(
    mut stream: TcpStream,
    app: Arc<App>,
    router: axum::Router,
    limits: Limits,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let head = tokio::select! {
        r = tokio::time::timeout(limits.header_timeout, first_head(&mut stream)) => r,
        _ = stopped.changed() => return,
    };
    let buffered = match head {
        // Not a whole head in time, the peer gone, or a read error: nothing to answer.
        Err(_) | Ok(Err(_)) | Ok(Ok(Head::Closed)) => return,
        Ok(Ok(Head::Refused { arg, xml })) => {
            refuse(stream, &app, &arg, xml, limits.header_timeout).await;
            return;
        }
        Ok(Ok(Head::Valid(bytes))) => bytes,
    };
    let activity = Arc::new(Activity::new());
    let io = TokioIo::new(ConnIo {
        pre: buffered,
        pos: 0,
        inner: stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
            let guard = activity.begin();
            let mut router = router.clone();
            async move {
                let resp = tower_service::Service::call(&mut router, req).await;
                drop(guard);
                resp
            }
        })
    };
    let mut builder = http1::Builder::new();
    // hyper's own header-read timer runs from the moment a connection waits for a head,
    // so it also bounds idle time: set to the longer of the two as a backstop; the watch
    // below applies each one where it belongs.
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout.max(limits.idle_timeout))
        .keep_alive(true);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = false;
    loop {
        let deadline = activity.deadline(&limits);
        tokio::select! {
            _ = conn.as_mut() => break,
            _ = stopped.changed(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = activity.changed.notified() => {}
            _ = sleep_until(deadline) => {
                if activity.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    break;
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// What the first head of a connection came to.
enum Head {
    /// The peer closed before a whole head.
    Closed,
    /// A head hyper will take: every byte read so far.
    Valid(Vec<u8>),
    /// Answer `InvalidParameter` naming `arg`.
    Refused { arg: String, xml: bool },
}

async fn first_head(stream: &mut TcpStream) -> io::Result<Head> {
    let mut buf = Vec::with_capacity(8 * 1024);
    loop {
        if buf.len() >= MAX_HEAD_BYTES {
            return Ok(Head::Refused {
                arg: format!("request head (over {} KiB)", MAX_HEAD_BYTES / 1024),
                xml: false,
            });
        }
        let room = (MAX_HEAD_BYTES - buf.len()) as u64;
        buf.reserve(8 * 1024);
        if (&mut *stream).take(room).read_buf(&mut buf).await? == 0 {
            return Ok(Head::Closed);
        }
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut headers);
        let verdict = match req.parse(&buf) {
            Ok(httparse::Status::Partial) => continue,
            Ok(httparse::Status::Complete(_)) => refusal(&req),
            Err(e) => Some((format!("request head (not HTTP/1.1: {e})"), false)),
        };
        return Ok(match verdict {
            Some((arg, xml)) => Head::Refused { arg, xml },
            None => Head::Valid(buf),
        });
    }
}

/// Why hyper would refuse a parsed head (with a bare 400, 414 or 431), as the
/// `InvalidParameter` argument; None when hyper takes it. The second value: `Format=XML`.
fn refusal(req: &httparse::Request<'_, '_>) -> Option<(String, bool)> {
    let target = req.path.unwrap_or("");
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let xml = wants_xml(query);
    let refuse = |arg: String| Some((arg, xml));
    if query.len() > MAX_QUERY_BYTES {
        return refuse(super::http::query_too_long());
    }
    if target.len() > MAX_TARGET_BYTES {
        return refuse(format!("request target (over {MAX_TARGET_BYTES} bytes)"));
    }
    if target.parse::<axum::http::Uri>().is_err() {
        return refuse("request target (not a URI)".into());
    }
    let mut length: Option<u64> = None;
    let mut chunked: Option<bool> = None;
    for h in req.headers.iter() {
        if h.name.eq_ignore_ascii_case("content-length") {
            for part in h.value.split(|b| *b == b',') {
                let n = std::str::from_utf8(part)
                    .ok()
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|s| s.parse::<u64>().ok());
                match n {
                    None => return refuse("Content-Length (not a whole number of bytes)".into()),
                    Some(n) if length.is_some_and(|l| l != n) => {
                        return refuse("Content-Length (two different values)".into())
                    }
                    Some(n) => length = Some(n),
                }
            }
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            let last = h.value.rsplit(|b| *b == b',').next().unwrap_or_default();
            chunked = Some(last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
        }
    }
    if chunked.is_some() && (chunked == Some(false) || req.version == Some(0)) {
        return refuse("Transfer-Encoding (only chunked, and only over HTTP/1.1)".into());
    }
    None
}

/// Answers a refused head in the API's shape, then closes: write side first, then what the
/// client still sends is read and dropped (bounded) so it sees the answer, not a reset.
async fn refuse(mut stream: TcpStream, app: &App, arg: &str, xml: bool, drain_for: Duration) {
    let reply = app.session.reject(ErrorKey::InvalidParameterGeneric, arg);
    let (content_type, body) = encode(&reply, xml);
    let status = axum::http::StatusCode::from_u16(reply.status)
        .unwrap_or(axum::http::StatusCode::BAD_REQUEST);
    let head = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or(""),
        body.len()
    );
    if stream.write_all(head.as_bytes()).await.is_err()
        || stream.write_all(&body).await.is_err()
        || stream.shutdown().await.is_err()
    {
        return;
    }
    let drain = async {
        let mut sink = [0u8; 8 * 1024];
        let mut total = 0;
        while let Ok(n) = stream.read(&mut sink).await {
            total += n;
            if n == 0 || total > MAX_DRAIN_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(drain_for, drain).await;
}

/// When a connection last changed phase, and whether a request is being answered; `changed`
/// wakes the connection's watch to recompute its deadline.
#[derive(Debug)]
struct Activity {
    phase: Mutex<Phase>,
    changed: tokio::sync::Notify,
}

#[derive(Debug, Clone, Copy)]
struct Phase {
    in_flight: u32,
    /// Since when the connection has been idle, or reading a head.
    since: Instant,
    reading_head: bool,
}

/// A request being answered; ends the phase when dropped (also when the answer is dropped).
struct InFlight(Arc<Activity>);

impl Activity {
    fn new() -> Activity {
        Activity {
            phase: Mutex::new(Phase {
                in_flight: 0,
                since: Instant::now(),
                reading_head: false,
            }),
            changed: tokio::sync::Notify::new(),
        }
    }

    fn phase(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes arrived: between requests, a new head has started.
    fn read(&self) {
        let mut p = self.phase();
        if p.in_flight == 0 && !p.reading_head {
            p.reading_head = true;
            p.since = Instant::now();
            drop(p);
            self.changed.notify_one();
        }
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        let mut p = self.phase();
        p.in_flight += 1;
        p.reading_head = false;
        drop(p);
        self.changed.notify_one();
        InFlight(self.clone())
    }

    /// When the connection is to be closed, None while a request is answered.
    fn deadline(&self, limits: &Limits) -> Option<Instant> {
        let p = self.phase();
        (p.in_flight == 0).then(|| {
            p.since
                + if p.reading_head {
                    limits.header_timeout
                } else {
                    limits.idle_timeout
                }
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut p = self.0.phase();
        p.in_flight = p.in_flight.saturating_sub(1);
        if p.in_flight == 0 {
            p.since = Instant::now();
            p.reading_head = false;
        }
        drop(p);
        self.0.changed.notify_one();
    }
}

/// The socket with the bytes of the first head put back in front, noting each read.
struct ConnIo {
    pre: Vec<u8>,
    pos: usize,
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for ConnIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pos < this.pre.len() {
            let n = buf.remaining().min(this.pre.len() - this.pos);
            buf.put_slice(&this.pre[this.pos..this.pos + n]);
            this.pos += n;
            if this.pos == this.pre.len() {
                this.pre = Vec::new();
                this.pos = 0;
            }
            return Poll::Ready(Ok(()));
        }
        let before = buf.filled().len();
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.activity.read();
        }
        r
    }
}

impl AsyncWrite for ConnIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(head: &str) -> Option<String> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut req = httparse::Request::new(&mut headers);
        assert!(req.parse(head.as_bytes()).unwrap().is_complete());
        refusal(&req).map(|(arg, _)| arg)
    }

    #[test]
    fn heads_hyper_would_refuse_are_named() {
        assert_eq!(verdict("GET /?a=1 HTTP/1.1\r\nHost: x\r\n\r\n"), None);
        assert_eq!(
            verdict("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n"),
            None
        );
        assert!(verdict("POST / HTTP/1.1\r\nContent-Length: 5x\r\n\r\n")
            .unwrap()
            .starts_with("Content-Length"));
        assert!(
            verdict("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")
                .unwrap()
                .contains("two different values")
        );
        assert!(
            verdict("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")
                .unwrap()
                .starts_with("Transfer-Encoding")
        );
        assert!(
            verdict("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")
                .unwrap()
                .starts_with("Transfer-Encoding")
        );
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_TARGET_BYTES));
        assert!(verdict(&long).unwrap().starts_with("request target"));
        let query = format!("GET /?{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_QUERY_BYTES + 1));
        assert!(verdict(&query).unwrap().starts_with("query string"));
    }

    #[test]
    fn idle_and_head_deadlines_follow_the_phase() {
        let limits = Limits {
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(100),
            max_connections: 1,
        };
        let a = Arc::new(Activity::new());
        let idle = a.deadline(&limits).unwrap();
        a.read();
        let head = a.deadline(&limits).unwrap();
        assert!(head < idle);
        let guard = a.begin();
        assert_eq!(a.deadline(&limits), None);
        // Bytes during an answer do not start a head.
        a.read();
        assert_eq!(a.deadline(&limits), None);
        drop(guard);
        assert!(a.deadline(&limits).unwrap() >= idle);
    }
}
