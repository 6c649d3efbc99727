//! The session report: `requests.csv` (one row per API request, columns like the replay's)
//! and `failures.csv` (one row per error answered).
//!
//! The request log is compact and cheap to snapshot: every text column is interned once
//! (a 4-byte symbol per column), the RequestId is derived from the seed and the sequence
//! number when written, and rows live in sealed chunks of [`CHUNK_ROWS`] behind `Arc`s, so a
//! snapshot copies a few pointers and at most one open chunk; the report is formatted from
//! the snapshot, outside every lock. No parameter values are kept beyond the columns below,
//! so Password and UserData are never written.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Rows per sealed chunk of the request log.
pub const CHUNK_ROWS: usize = 4096;

/// One API request as the session records it (borrowed; the log copies what it keeps).
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub seq: u64,
    /// Simulated time of the request.
    pub at: DateTime<Utc>,
    pub action: &'a str,
    pub region: &'a str,
    pub zone: &'a str,
    pub instance_type: &'a str,
    pub amount: &'a str,
    /// `created`, `partial`, `replayed`, `dry_run`, `failed` for RunInstances; `ok` or
    /// `failed` for the other actions.
    pub outcome: &'a str,
    pub code: &'a str,
    pub http_status: u16,
    pub message: &'a str,
    pub parameter: &'a str,
    /// Instances created (RunInstances) or released (DeleteInstance/DeleteInstances).
    pub instances_created: u32,
}

/// An [`Entry`] detached from the request that made it, for the log's buffer: the nine
/// text columns in one string (one allocation per row), cut at `ends`.
#[derive(Debug, Clone)]
pub struct LoggedRow {
    seq: u64,
    at: DateTime<Utc>,
    http_status: u16,
    instances_created: u32,
    text: String,
    ends: [u32; 9],
}

impl LoggedRow {
    /// A copy of `e` that owns its text.
    pub fn of(e: &Entry<'_>) -> LoggedRow {
        let cols = [
            e.action,
            e.region,
            e.zone,
            e.instance_type,
            e.amount,
            e.outcome,
            e.code,
            e.message,
            e.parameter,
        ];
        let mut text = String::with_capacity(cols.iter().map(|c| c.len()).sum());
        let ends = cols.map(|c| {
            text.push_str(c);
            // Columns come from bounded requests (64 KiB at most), far under 4 GiB.
            u32::try_from(text.len()).unwrap_or(u32::MAX)
        });
        LoggedRow {
            seq: e.seq,
            at: e.at,
            http_status: e.http_status,
            instances_created: e.instances_created,
            text,
            ends,
        }
    }

    /// The row borrowed back as an [`Entry`].
    pub fn entry(&self) -> Entry<'_> {
        let mut start = 0usize;
        let [action, region, zone, instance_type, amount, outcome, code, message, parameter] =
            self.ends.map(|end| {
                let end = (end as usize).min(self.text.len());
                let col = self.text.get(start..end).unwrap_or("");
                start = end;
                col
            });
        Entry {
            seq: self.seq,
            at: self.at,
            action,
            region,
            zone,
            instance_type,
            amount,
            outcome,
            code,
            http_status: self.http_status,
            message,
            parameter,
            instances_created: self.instances_created,
        }
    }
}

/// A row as `requests.csv` shows it; the header comes from these fields.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRow<'a> {
    pub seq: u64,
    pub at: String,
    pub request_id: String,
    pub action: &'a str,
    pub region: &'a str,
    pub zone: &'a str,
    pub instance_type: &'a str,
    pub amount: &'a str,
    pub outcome: &'a str,
    pub code: &'a str,
    pub http_status: u16,
    pub message: &'a str,
    pub parameter: &'a str,
    pub instances_created: u32,
}

/// An interned string: an index into the log's symbol table (0 is the empty string).
type Sym = u32;

/// One kept row: 64 bytes, no heap of its own.
#[derive(Debug, Clone, Copy)]
struct Kept {
    seq: u64,
    /// Simulated time, ms since the epoch.
    at_ms: i64,
    text: [Sym; 9],
    http_status: u16,
    instances_created: u32,
}

/// The first `limit` requests of a session, compact (see the module header).
#[derive(Debug)]
pub struct RequestLog {
    limit: usize,
    sealed: Vec<Arc<[Kept]>>,
    open: Vec<Kept>,
    kept: usize,
    not_kept: u64,
    symbols: Vec<Arc<str>>,
    index: HashMap<Arc<str>, Sym>,
}

impl RequestLog {
    /// An empty log keeping at most `limit` rows.
    pub fn new(limit: usize) -> RequestLog {
        let empty: Arc<str> = Arc::from("");
        RequestLog {
            limit,
            sealed: Vec::new(),
            open: Vec::new(),
            kept: 0,
            not_kept: 0,
            index: HashMap::from([(empty.clone(), 0)]),
            symbols: vec![empty],
        }
    }

    fn intern(&mut self, s: &str) -> Sym {
        if let Some(&n) = self.index.get(s) {
            return n;
        }
        // Past 2^32 distinct strings (hundreds of GB of log) new ones read as empty.
        let Ok(n) = Sym::try_from(self.symbols.len()) else {
            return 0;
        };
        let s: Arc<str> = Arc::from(s);
        self.symbols.push(s.clone());
        self.index.insert(s, n);
        n
    }

    /// Keeps `e` while under the limit, else counts it; answers whether it was kept.
    pub fn push(&mut self, e: &Entry<'_>) -> bool {
        if self.kept >= self.limit {
            self.not_kept += 1;
            return false;
        }
        let text = [
            e.action,
            e.region,
            e.zone,
            e.instance_type,
            e.amount,
            e.outcome,
            e.code,
            e.message,
            e.parameter,
        ]
        .map(|s| self.intern(s));
        if self.open.capacity() == 0 {
            self.open.reserve_exact(CHUNK_ROWS);
        }
        self.open.push(Kept {
            seq: e.seq,
            at_ms: e.at.timestamp_millis(),
            text,
            http_status: e.http_status,
            instances_created: e.instances_created,
        });
        self.kept += 1;
        if self.open.len() == CHUNK_ROWS {
            let full = std::mem::take(&mut self.open);
            self.sealed.push(Arc::from(full));
        }
        true
    }

    /// Requests counted but not kept (over the limit).
    pub fn not_kept(&self) -> u64 {
        self.not_kept
    }

    /// The rows so far, cheaply: sealed chunks are shared, the open one (under
    /// [`CHUNK_ROWS`] rows) and the symbol table's pointers are copied.
    pub fn snapshot(&self, seed: u64) -> LogSnapshot {
        let mut chunks = self.sealed.clone();
        if !self.open.is_empty() {
            chunks.push(Arc::from(self.open.as_slice()));
        }
        LogSnapshot {
            seed,
            chunks,
            symbols: self.symbols.clone(),
        }
    }
}

/// The kept rows at one instant, detached from the session.
#[derive(Debug, Clone, Default)]
pub struct LogSnapshot {
    seed: u64,
    chunks: Vec<Arc<[Kept]>>,
    symbols: Vec<Arc<str>>,
}

impl LogSnapshot {
    /// Rows kept.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|c| c.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn text(&self, n: Sym) -> &str {
        self.symbols.get(n as usize).map_or("", |s| s)
    }

    fn row(&self, k: &Kept) -> RequestRow<'_> {
        let [action, region, zone, instance_type, amount, outcome, code, message, parameter] =
            k.text.map(|n| self.text(n));
        RequestRow {
            seq: k.seq,
            at: DateTime::from_timestamp_millis(k.at_ms)
                .map(crate::time::format_utc)
                .unwrap_or_default(),
            request_id: super::ids::request_id(self.seed, k.seq),
            action,
            region,
            zone,
            instance_type,
            amount,
            outcome,
            code,
            http_status: k.http_status,
            message,
            parameter,
            instances_created: k.instances_created,
        }
    }

    /// The rows in request order (by sequence number).
    pub fn rows(&self) -> impl Iterator<Item = RequestRow<'_>> {
        let mut kept: Vec<&Kept> = self.chunks.iter().flat_map(|c| c.iter()).collect();
        kept.sort_by_key(|k| k.seq);
        kept.into_iter().map(|k| self.row(k))
    }
}

/// One error answered in the session.
#[derive(Debug, Clone, Serialize)]
pub struct FailureRow {
    pub code: &'static str,
    pub http_status: u16,
    /// The catalog message (codes like `InvalidParameter` have several rows).
    pub message: &'static str,
    pub count: u64,
}

/// What a report is made of: the rows kept (the first `--log-limit` requests), how many
/// were not kept, and the error counts over every request.
#[derive(Debug, Clone, Default)]
pub struct SessionReport {
    pub requests: LogSnapshot,
    pub requests_not_kept: u64,
    pub failures: Vec<FailureRow>,
}

/// `requests.csv` into `w`, row by row (a `BufWriter` over a file streams it).
pub fn write_requests_csv<W: Write>(log: &LogSnapshot, w: W) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    for r in log.rows() {
        w.serialize(r)?;
    }
    w.flush()
}

/// `requests.csv` as bytes.
pub fn requests_csv(log: &LogSnapshot) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing plain rows into memory cannot fail.
    let _ = write_requests_csv(log, &mut out);
    out
}

/// `failures.csv`, most frequent first.
pub fn failures_csv(rows: &[FailureRow]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        // Serialising plain structs into memory cannot fail.
        let _ = w.serialize(r);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64) -> Entry<'static> {
        Entry {
            seq,
            at: crate::time::parse_utc("2027-06-01T00:00:00Z").unwrap(),
            action: "RunInstances",
            region: "",
            zone: "",
            instance_type: "",
            amount: "",
            outcome: "created",
            code: "",
            http_status: 200,
            message: "",
            parameter: "",
            instances_created: 2,
        }
    }

    #[test]
    fn a_logged_row_gives_back_every_column() {
        let e = Entry {
            region: "cn-hangzhou",
            zone: "",
            code: "QuotaExceed.AfterpayInstance",
            message: "Living afterpay instances quota exceeded.",
            parameter: "Amount",
            amount: "3",
            ..entry(9)
        };
        let row = LoggedRow::of(&e);
        let back = row.entry();
        assert_eq!(format!("{back:?}"), format!("{e:?}"));
    }

    #[test]
    fn headers_come_from_the_rows() {
        let mut log = RequestLog::new(10);
        log.push(&entry(1));
        let text = String::from_utf8(requests_csv(&log.snapshot(1))).unwrap();
        let rid = crate::serve::ids::request_id(1, 1);
        assert_eq!(
            text,
            format!(
                "seq,at,request_id,action,region,zone,instance_type,amount,outcome,code,\
                 http_status,message,parameter,instances_created\n\
                 1,2027-06-01T00:00:00Z,{rid},RunInstances,,,,,created,,200,,,2\n"
            )
        );
        let f = failures_csv(&[FailureRow {
            code: "DryRunOperation",
            http_status: 400,
            message: "m",
            count: 3,
        }]);
        assert_eq!(
            String::from_utf8(f).unwrap(),
            "code,http_status,message,count\nDryRunOperation,400,m,3\n"
        );
    }

    #[test]
    fn rows_across_chunks_come_back_in_request_order_with_their_text() {
        let mut log = RequestLog::new(2 * CHUNK_ROWS + 10);
        // Logged out of order, as concurrent requests finish.
        let total = 2 * CHUNK_ROWS as u64 + 20;
        for seq in (1..=total).rev() {
            let zone = format!("zone-{}", seq % 3);
            log.push(&Entry {
                zone: &zone,
                ..entry(seq)
            });
        }
        assert_eq!(log.not_kept(), 10);
        let before = log.snapshot(7);
        // A snapshot does not change when the log grows after it.
        let mut grown = RequestLog::new(5);
        grown.push(&entry(1));
        let small = grown.snapshot(7);
        grown.push(&entry(2));
        assert_eq!(small.len(), 1);
        assert_eq!(before.len(), 2 * CHUNK_ROWS + 10);
        let rows: Vec<RequestRow<'_>> = before.rows().collect();
        assert!(rows.windows(2).all(|w| w[0].seq < w[1].seq));
        assert_eq!(rows[0].seq, 11);
        for r in &rows {
            assert_eq!(r.zone, format!("zone-{}", r.seq % 3));
            assert_eq!(r.request_id, crate::serve::ids::request_id(7, r.seq));
        }
    }
}
