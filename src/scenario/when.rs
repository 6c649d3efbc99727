//! Times and durations as scenario files write them: `"24h"`, `"90m"`, `"1h30m"`, `"7d"`,
//! offsets from the start (`"+90m"`) and absolute UTC instants (`"2026-12-01T09:30:00Z"`).

use chrono::{DateTime, TimeDelta, Utc};

/// Why a time or duration was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenError {
    /// Not written as a duration or time at all.
    Malformed,
    /// A duration longer than the ceiling ([`crate::limits::MAX_DURATION_DAYS`]).
    TooLong,
    /// A time outside [`crate::limits::min_time`]`..=`[`crate::limits::max_time`].
    OutOfRange,
}

impl WhenError {
    /// The message for `what` written as `text`; `hint` is the fix for a malformed value
    /// ([`DURATION_HINT`] or [`AT_HINT`]).
    pub fn explain(self, what: &str, text: &str, hint: &str) -> String {
        let text = crate::error::clip(text);
        match self {
            WhenError::Malformed => format!("{what} {text:?}: {hint}"),
            WhenError::TooLong => format!(
                "{what} {text:?} is longer than the ceiling of {}d (about 100 years); \
                 give a shorter duration (docs/reliability.md)",
                crate::limits::MAX_DURATION_DAYS
            ),
            WhenError::OutOfRange => format!(
                "{what} {text:?} is outside the times ecsim models; {}",
                crate::limits::time_range_hint()
            ),
        }
    }
}

/// Parses a duration: one or more `<integer><unit>` groups, units `s`, `m`, `h`, `d`
/// (`"90m"`, `"1h30m"`, `"7d"`). Zero is allowed (`"0m"`); longer than
/// [`crate::limits::MAX_DURATION_DAYS`] is refused (the sum is checked, so no input overflows).
pub fn parse_duration(s: &str) -> Result<TimeDelta, WhenError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(WhenError::Malformed);
    }
    let max = crate::limits::max_duration().num_seconds();
    let mut total: i64 = 0;
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(WhenError::Malformed),
        };
        if digits.is_empty() {
            return Err(WhenError::Malformed);
        }
        // All digits: a parse failure is an overflow of i64.
        let n: i64 = digits.parse().map_err(|_| WhenError::TooLong)?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or(WhenError::TooLong)?;
    }
    if !digits.is_empty() {
        return Err(WhenError::Malformed);
    }
    if total > max {
        return Err(WhenError::TooLong);
    }
    TimeDelta::try_seconds(total).ok_or(WhenError::TooLong)
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

/// Parses an event time: `+<duration>` after `start`, or an absolute UTC instant. Either way
/// the time must be in [`crate::limits::min_time`]`..=`[`crate::limits::max_time`].
pub fn parse_at(s: &str, start: DateTime<Utc>) -> Result<DateTime<Utc>, WhenError> {
    let t = match s.trim().strip_prefix('+') {
        Some(d) => {
            let d = parse_duration(d)?;
            return crate::limits::add_time(start, d).ok_or(WhenError::OutOfRange);
        }
        None => crate::time::parse_utc(s.trim()).ok_or(WhenError::Malformed)?,
    };
    if crate::limits::in_time_range(t) {
        Ok(t)
    } else {
        Err(WhenError::OutOfRange)
    }
}

/// Parses an absolute UTC time in the modeled range (a scenario's `start`, `--start`, `--at`,
/// the clock's `set=`).
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, WhenError> {
    let t = crate::time::parse_utc(s.trim()).ok_or(WhenError::Malformed)?;
    if crate::limits::in_time_range(t) {
        Ok(t)
    } else {
        Err(WhenError::OutOfRange)
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
        assert_eq!(parse_duration("90m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("1h30m"), Ok(TimeDelta::minutes(90)));
        assert_eq!(parse_duration("7d"), Ok(TimeDelta::days(7)));
        assert_eq!(parse_duration("30s"), Ok(TimeDelta::seconds(30)));
        for bad in ["", "90", "m", "1x", "-5m", "1.5h", "1hm"] {
            assert_eq!(parse_duration(bad), Err(WhenError::Malformed), "{bad}");
        }
        assert_eq!(format_duration(TimeDelta::minutes(90)), "1h30m");
        assert_eq!(format_duration(TimeDelta::days(7)), "7d");
    }

    #[test]
    fn times_are_offsets_or_utc() {
        let start = crate::time::parse_utc("2026-12-01T08:00:00Z").unwrap();
        assert_eq!(
            parse_at("+90m", start).ok(),
            crate::time::parse_utc("2026-12-01T09:30:00Z")
        );
        assert_eq!(
            parse_at("2026-12-02T00:00:00Z", start).ok(),
            crate::time::parse_utc("2026-12-02T00:00:00Z")
        );
        assert_eq!(parse_at("90m", start), Err(WhenError::Malformed));
    }

    #[test]
    fn huge_durations_are_refused_not_overflowed() {
        let start = crate::time::parse_utc("2026-12-01T08:00:00Z").unwrap();
        assert_eq!(parse_duration("36500d"), Ok(TimeDelta::days(36_500)));
        for long in [
            "36501d",
            "100000000d",
            "9000000000000000s",
            "99999999999999999999999s",
            "9223372036854775807d",
            "36500d1s",
        ] {
            assert_eq!(parse_duration(long), Err(WhenError::TooLong), "{long}");
        }
        assert_eq!(
            parse_at("+9000000000000000s", start),
            Err(WhenError::TooLong)
        );
        // 100 years after 9950 is past year 9999.
        let late = crate::time::parse_utc("9950-01-01T00:00:00Z").unwrap();
        assert_eq!(parse_at("+36500d", late), Err(WhenError::OutOfRange));
        assert_eq!(parse_time("+262143-01-01T00:00:00Z").ok(), None);
        let msg = WhenError::TooLong.explain("at", "+9000000000000000s", AT_HINT);
        assert!(msg.contains("36500d"), "{msg}");
    }
}
