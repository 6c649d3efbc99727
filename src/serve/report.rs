//! The session report: `requests.csv` (one row per API request, columns like the replay's)
//! and `failures.csv` (one row per error answered), as pure functions from the rows to bytes.
//! No parameter values are kept beyond the columns below, so Password and UserData are never
//! written.

use serde::Serialize;

/// One API request of the session.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RequestRow {
    pub seq: u64,
    /// Simulated time of the request.
    pub at: String,
    pub request_id: String,
    pub action: String,
    pub region: String,
    pub zone: String,
    pub instance_type: String,
    pub amount: String,
    /// `created`, `partial`, `replayed`, `dry_run`, `failed` for RunInstances; `ok` or
    /// `failed` for the other actions.
    pub outcome: &'static str,
    pub code: &'static str,
    pub http_status: u16,
    pub message: String,
    pub parameter: String,
    /// Instances created (RunInstances) or released (DeleteInstance/DeleteInstances).
    pub instances_created: u32,
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
    pub requests: Vec<RequestRow>,
    pub requests_not_kept: u64,
    pub failures: Vec<FailureRow>,
}

/// `requests.csv`.
pub fn requests_csv(rows: &[RequestRow]) -> Vec<u8> {
    write_rows(rows)
}

/// `failures.csv`, most frequent first.
pub fn failures_csv(rows: &[FailureRow]) -> Vec<u8> {
    write_rows(rows)
}

fn write_rows<T: Serialize>(rows: &[T]) -> Vec<u8> {
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

    #[test]
    fn headers_come_from_the_rows() {
        let rows = vec![RequestRow {
            seq: 1,
            action: "RunInstances".into(),
            outcome: "created",
            http_status: 200,
            instances_created: 2,
            ..RequestRow::default()
        }];
        let text = String::from_utf8(requests_csv(&rows)).unwrap();
        assert!(text.starts_with(
            "seq,at,request_id,action,region,zone,instance_type,amount,outcome,code,\
             http_status,message,parameter,instances_created\n"
        ));
        assert!(text.contains("1,,,RunInstances,,,,,created,,200,,,2"));
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
}
