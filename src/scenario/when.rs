//! Times and durations as scenario files write them: `"24h"`, `"90m"`, `"1h30m"`, `"7d"`,
//! offsets from the start (`"+90m"`) and absolute UTC instants (`"2026-12-01T09:30:00Z"`).

use chrono::{DateTime, TimeDelta, Utc};

/// Parses a duration: one or more `<integer><unit>` groups, units `s`, `m`, `h`, `d`
/// (`"90m"`, `"1h30m"`, `"7d"`). Zero is allowed (`"0m"`).
pub fn parse_duration(s: &str) -> Option<TimeDelta> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().ok()?;
        digits.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return None,
        };
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !digits.is_empty() {
        return None;
    }
    TimeDelta::try_seconds(total)
}

/// Formats a duration in the largest units that divide it (`5400` s → `"1h30m"`).
pub fn format_duration(d: TimeDelta) -> String {
    let mut s = d.num_seconds();
    if s == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, name) in [(86_400, 'd'), (3600, 'h'), (60, 'm'), (1, 's')] {
        if s >= unit {
            out.push_str(&format!("{}{name}", s / unit));
            s %= unit;
        }
    }
    out
}

/// Parses an event time: `+<duration>` after `start`, or an absolute UTC instant.
pub fn parse_at(s: &str, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match s.trim().strip_prefix('+') {
        Some(d) => parse_duration(d).map(|d| start + d),
        None => crate::time::parse_utc(s.trim()),
    }
}

/// The fix shown for a time that does not parse.
pub const AT_HINT: &str =
    "use an offset from the start like \"+90m\", \"+1h30m\", \"+2d\", or UTC like \"2026-12-01T09:30:00Z\"";

/// The fix shown for a duration that does not parse.
pub const DURATION_HINT: &str =
    "use a duration like \"90m\", \"24h\", \"1h30m\", \"7d\" or \"30s\"";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_and_print() {
        assert_eq!(parse_duration("90m"), Some(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("1h30m"), Some(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("7d"), Some(TimeDelta::days(7)));
        assert_eq!(parse_duration("30s"), Some(TimeDelta::seconds(30)));
        for bad in ["", "90", "m", "1x", "-5m", "1.5h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        assert_eq!(format_duration(TimeDelta::minutes(90)), "1h30m");
        assert_eq!(format_duration(TimeDelta::days(7)), "7d");
    }

    #[test]
    fn times_are_offsets_or_utc() {
        let start = crate::time::parse_utc("2026-12-01T08:00:00Z").unwrap();
        assert_eq!(
            parse_at("+90m", start),
            crate::time::parse_utc("2026-12-01T09:30:00Z")
        );
        assert_eq!(
            parse_at("2026-12-02T00:00:00Z", start),
            crate::time::parse_utc("2026-12-02T00:00:00Z")
        );
        assert_eq!(parse_at("90m", start), None);
    }
}
