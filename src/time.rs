//! UTC timestamps as the API writes them (`2030-01-01T00:00:00Z`) and relative offsets.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Parses `YYYY-MM-DDTHH:mm:ssZ` (the API's UTC form; also accepts a missing seconds field
/// `YYYY-MM-DDTHH:mmZ`, which DescribeSpotPriceHistory exports sometimes use).
pub fn parse_utc(s: &str) -> Option<DateTime<Utc>> {
    let body = s.strip_suffix('Z')?;
    NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M"))
        .ok()
        .map(|n| n.and_utc())
}

/// Formats as `YYYY-MM-DDTHH:mm:ssZ`.
pub fn format_utc(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_the_api_form() {
        let t = parse_utc("2030-01-01T08:30:05Z").unwrap();
        assert_eq!(format_utc(t), "2030-01-01T08:30:05Z");
        assert!(parse_utc("2030-01-01 08:30:05").is_none());
        assert!(parse_utc("2030-01-01T08:30:05+08:00").is_none());
        assert_eq!(
            format_utc(parse_utc("2030-01-01T08:30Z").unwrap()),
            "2030-01-01T08:30:00Z"
        );
    }
}
