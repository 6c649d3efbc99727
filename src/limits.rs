//! The ceilings ecsim refuses to go past, and the one reader of user files.
//!
//! Every figure a user input is checked against lives here, with why it was chosen; the same
//! figures are listed in `docs/reliability.md`. A value past a ceiling is an input error
//! (exit 2) that names the input, the figure and the fix, raised before anything is
//! allocated or computed for it. The ceilings a planner may need to raise for a large run
//! have a flag (`--max-memory`); the others are far above any real plan.
//!
//! Arithmetic on times and durations from inputs is checked ([`add_time`], the duration
//! ceiling [`MAX_DURATION_DAYS`] and the time range [`min_time`]..=[`max_time`]): a value
//! that would overflow is refused where it is read, never left to panic later.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};

use crate::error::{Error, Place, Result};

/// Trials per scenario, at most: 10 million. A probability estimated from 10⁷ trials has a
/// standard error under 0.0002; more only costs time and memory.
pub const MAX_TRIALS: u32 = 10_000_000;

/// The memory a run's retained results may take by default, in bytes (4 GiB); `ecsim run
/// --max-memory` raises it. See [`crate::sim::memory_estimate`].
pub const DEFAULT_MAX_MEMORY: u64 = 4 << 30;

/// Usage samples per scenario (`horizon / sample_every + 1`), at most: one million. Each
/// sample is kept per trial and per gauge, and a chart cannot show more points than pixels.
pub const MAX_SAMPLES: i64 = 1_000_000;

/// Worker threads (`--threads`), at most. Results never depend on the thread count, and more
/// threads than this only add start-up time and stacks.
pub const MAX_THREADS: u16 = 256;

/// The longest duration an input may write (`horizon`, `sample_every`, `retry.backoff`, an
/// offset `+...`, `advance=...`): 36,500 days, about 100 years.
pub const MAX_DURATION_DAYS: i64 = 36_500;

/// The largest scenario, CSV timeline, world, price, spot history or traffic trace file read,
/// in bytes (64 MiB).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// The largest request document (one JSON object or a JSON array, from a file or stdin)
/// `ecsim check` reads, in bytes (1 GiB): a document is read whole. JSON Lines and query lines
/// stream a batch at a time and have no total ceiling, only [`MAX_REQUEST_LINE_BYTES`].
pub const MAX_REQUEST_BYTES: u64 = 1 << 30;

/// The longest line of a streamed request input (JSON Lines or query strings), in bytes
/// (1 MiB), line break excluded. One request holds at most about 64 KiB (a 32 KiB UserData
/// and 20 tags), and a line is held whole while it is read: the ceiling keeps a file without
/// line breaks (a device, a binary file) from filling memory.
pub const MAX_REQUEST_LINE_BYTES: u64 = 1 << 20;

/// The highest price an input may give, per unit (instance-hour, GiB-hour, GB, Mbps-hour),
/// in the region's currency: one million. The most expensive ECS instance lists below 1,000
/// CNY an hour.
pub const MAX_PRICE: f64 = 1e6;

/// The highest traffic an input may give, in GB out per instance-hour: one million. A
/// 100 Gbit/s link carries about 45,000 GB an hour.
pub const MAX_GB_PER_HOUR: f64 = 1e6;

/// The highest count per hour a stock model may draw (replenishment, competing demand).
pub const MAX_PER_HOUR: f64 = 1e6;

/// A number for a message: as written for everyday magnitudes, in exponent form (`1e308`)
/// for huge or tiny ones, which `{}` would print with hundreds of digits.
pub fn show(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-6..1e15).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// The longest duration inputs may write, as a [`TimeDelta`].
pub fn max_duration() -> TimeDelta {
    TimeDelta::days(MAX_DURATION_DAYS)
}

/// The earliest time an input may name: 0001-01-01T00:00:00Z.
pub fn min_time() -> DateTime<Utc> {
    DateTime::from_timestamp(-62_135_596_800, 0).expect("year 1 is representable")
}

/// The latest time an input may name or reach: 9999-12-31T23:59:59Z, the last instant the
/// API's four-digit UTC form can write.
pub fn max_time() -> DateTime<Utc> {
    DateTime::from_timestamp(253_402_300_799, 0).expect("year 9999 is representable")
}

/// Whether `t` is in [`min_time`]`..=`[`max_time`].
pub fn in_time_range(t: DateTime<Utc>) -> bool {
    (min_time()..=max_time()).contains(&t)
}

/// `t + d`, or None when it leaves [`min_time`]`..=`[`max_time`] (chrono's own range is
/// checked too: this never panics).
pub fn add_time(t: DateTime<Utc>, d: TimeDelta) -> Option<DateTime<Utc>> {
    t.checked_add_signed(d).filter(|&r| in_time_range(r))
}

/// `start + secs` seconds for engine and report arithmetic on times a loaded scenario can
/// reach (the load checks keep them in range); saturates at chrono's range instead of
/// panicking if a caller passes more.
pub fn offset_time(start: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
    let d = TimeDelta::try_seconds(secs).unwrap_or(if secs < 0 {
        TimeDelta::MIN
    } else {
        TimeDelta::MAX
    });
    start.checked_add_signed(d).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The fix for a time outside the range, for messages.
pub fn time_range_hint() -> String {
    format!(
        "times run from {} to {} (docs/reliability.md)",
        crate::time::format_utc(min_time()),
        crate::time::format_utc(max_time())
    )
}

/// What a file is, for its size ceiling and the fix a message gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A scenario file (JSON, or a standalone CSV timeline).
    Scenario,
    /// A CSV timeline named by a JSON scenario.
    Timeline,
    /// A world file (`--world`, or named by a scenario), JSON or a spot price CSV.
    World,
    /// A price file named by a scenario's `costs.prices`.
    Prices,
    /// A traffic trace named by a scenario's `costs`.
    Traffic,
    /// A request file given to `ecsim check` (or stdin).
    Requests,
}

impl InputKind {
    /// The most bytes read.
    pub fn cap(self) -> u64 {
        match self {
            InputKind::Requests => MAX_REQUEST_BYTES,
            _ => MAX_INPUT_BYTES,
        }
    }

    fn name(self) -> &'static str {
        match self {
            InputKind::Scenario => "scenario file",
            InputKind::Timeline => "CSV timeline",
            InputKind::World => "world file",
            InputKind::Prices => "price file",
            InputKind::Traffic => "traffic trace",
            InputKind::Requests => "request file",
        }
    }

    fn fix(self) -> &'static str {
        match self {
            InputKind::Scenario | InputKind::Timeline => {
                "split the timeline into several scenarios, or generate fewer rows"
            }
            InputKind::World => {
                "split it into several --world files (merged in order), or keep only the \
                 regions, zones and types the plan uses"
            }
            InputKind::Prices => "split it into several price files (merged in order)",
            InputKind::Traffic => {
                "give fewer hours (the trace repeats after its last hour), or split the \
                 traffic by label"
            }
            InputKind::Requests => "split the requests into several files",
        }
    }
}

/// Formats a byte count in binary units: `64 MiB`, `37.3 GiB`.
pub fn format_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (1 << 40, "TiB"),
        (1 << 30, "GiB"),
        (1 << 20, "MiB"),
        (1 << 10, "KiB"),
    ];
    for (size, unit) in UNITS {
        if n >= size {
            let v = n as f64 / size as f64;
            return if n % size == 0 {
                format!("{} {unit}", n / size)
            } else {
                format!("{v:.1} {unit}")
            };
        }
    }
    format!("{n} bytes")
}

/// Reads a size: a whole number of bytes, or with a unit `KiB`, `MiB`, `GiB`, `TiB` (also
/// `K`, `M`, `G`, `T`, `KB`, `MB`, `GB`, `TB`, all binary): `8GiB`, `512M`, `4294967296`.
pub fn parse_bytes(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size; write e.g. 8GiB, 512MiB or 4294967296"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "{s:?}: unknown unit {unit:?}; write e.g. 8GiB, 512MiB or 4294967296"
            ))
        }
    };
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("{s:?} is more bytes than a 64-bit count holds"))
}

/// `--trials`: a whole number in `1..=`[`MAX_TRIALS`].
pub fn parse_trials(s: &str) -> std::result::Result<u32, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_TRIALS)).contains(&n) => Ok(n as u32),
        Ok(0) => Err("trials start at 1".into()),
        Ok(n) => Err(format!(
            "{n} trials is over the ceiling of {MAX_TRIALS}; {MAX_TRIALS} trials already \
             estimate a probability within 0.0002 (docs/reliability.md)"
        )),
        Err(_) => Err(format!("{s:?} is not a whole number of trials")),
    }
}

/// `--threads`: a whole number in `1..=`[`MAX_THREADS`].
pub fn parse_threads(s: &str) -> std::result::Result<u16, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if (1..=u64::from(MAX_THREADS)).contains(&n) => Ok(n as u16),
        Ok(0) => Err("give at least 1 thread".into()),
        Ok(n) => Err(format!(
            "{n} threads is over the ceiling of {MAX_THREADS}; give at most {MAX_THREADS} (the \
             results never depend on the thread count, docs/reliability.md)"
        )),
        Err(_) => Err(format!("{s:?} is not a whole number of threads")),
    }
}

/// Requests `run --generate` may write, at most (a benchmark generator; one million
/// requests is about a gigabyte of JSON).
pub const MAX_GENERATED: usize = 1_000_000;

/// `--generate`: a whole number in `0..=`[`MAX_GENERATED`].
pub fn parse_generate(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n <= MAX_GENERATED as u64 => Ok(n as usize),
        Ok(n) => Err(format!(
            "{n} requests is over the ceiling of {MAX_GENERATED} for a generated scenario"
        )),
        Err(_) => Err(format!("{s:?} is not a whole number of requests")),
    }
}

/// Reads a user file as text, at most `kind.cap()` bytes. The file is opened and read through
/// `take(cap + 1)`, so `/dev/zero`, FIFOs and devices stop at the ceiling instead of reading
/// until memory runs out. Every file ecsim reads on a user's behalf goes through here.
pub fn read_capped(path: &Path, kind: InputKind) -> Result<String> {
    let cap = kind.cap();
    let too_big = |regular: bool| {
        let what = if regular {
            String::new()
        } else {
            " (it is not a regular file: a device or FIFO may never end)".to_string()
        };
        Error::input(
            Place::new(path.display().to_string()),
            format!(
                "the {} is larger than the {} ceiling{what}; {} (docs/reliability.md)",
                kind.name(),
                format_bytes(cap),
                kind.fix()
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
    if regular && file.metadata().is_ok_and(|m| m.len() > cap) {
        return Err(too_big(true));
    }
    read_all(file, cap, &path.display().to_string()).map_err(|e| match e {
        ReadError::Io(e) => Error::io(path, e),
        ReadError::TooBig => too_big(regular),
        ReadError::NotUtf8(e) => *e,
    })
}

/// The input error for a request document (from a file, or `-` for stdin) past
/// [`MAX_REQUEST_BYTES`].
pub fn request_document_too_big(source: &str) -> Error {
    Error::input(
        Place::new(source),
        format!(
            "the request document (one JSON object or array, read whole) is larger than the \
             {} ceiling; split it into several files, or write it as JSON Lines, which are \
             read a batch at a time (docs/reliability.md)",
            format_bytes(MAX_REQUEST_BYTES),
        ),
    )
}

/// The UTF-8 byte-order mark, dropped from the start of every file read.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

enum ReadError {
    Io(std::io::Error),
    TooBig,
    NotUtf8(Box<Error>),
}

fn read_all(r: impl Read, cap: u64, source: &str) -> std::result::Result<String, ReadError> {
    let mut bytes = Vec::new();
    r.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ReadError::TooBig);
    }
    // A UTF-8 byte-order mark (Notepad and Excel write one) is not part of the text.
    let skipped = if bytes.starts_with(UTF8_BOM) {
        bytes.drain(..UTF8_BOM.len());
        UTF8_BOM.len() as u64
    } else {
        0
    };
    text_of(source, bytes, skipped).map_err(|e| ReadError::NotUtf8(Box::new(e)))
}

/// `bytes` as text, or an input error placing the first byte that is not UTF-8 (see
/// [`not_utf8`]). `skipped` is how many bytes of the input came before `bytes` on their first
/// line without being part of them (a byte-order mark), for the byte offset.
pub fn text_of(source: &str, bytes: Vec<u8>, skipped: u64) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line_start = bytes[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
        let column = utf8_column(&bytes[line_start..at]);
        not_utf8(source, line, column, skipped + at as u64, is_utf16(bytes))
    })
}

/// The 1-based column, in characters, just after `valid`, a UTF-8 prefix of a line.
pub fn utf8_column(valid: &[u8]) -> usize {
    // Every byte that does not continue a character starts one.
    1 + valid.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Whether `bytes` start with a UTF-16 byte-order mark (as PowerShell's `>` writes).
pub fn is_utf16(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])
}

/// The input error for text that is not UTF-8: the line and column (in characters) of the
/// first bad byte, its byte offset in the input, and the fix. The byte itself is never shown:
/// it may be part of a secret.
pub fn not_utf8(source: &str, line: usize, column: usize, offset: u64, utf16: bool) -> Error {
    let why = if utf16 {
        "the input starts with a UTF-16 byte-order mark (PowerShell's `>` writes UTF-16); "
    } else {
        ""
    };
    Error::input(
        Place::at(source, line, column),
        format!(
            "this byte is not UTF-8 (byte offset {offset} of the input); {why}save the file as \
             UTF-8 (an editor's \"save with encoding\", or `iconv -f <its encoding> -t UTF-8`)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_range_is_the_apis_four_digit_years() {
        assert_eq!(crate::time::format_utc(min_time()), "0001-01-01T00:00:00Z");
        assert_eq!(crate::time::format_utc(max_time()), "9999-12-31T23:59:59Z");
        assert_eq!(add_time(max_time(), TimeDelta::seconds(1)), None);
        assert_eq!(add_time(min_time(), TimeDelta::seconds(-1)), None);
        assert_eq!(add_time(DateTime::<Utc>::MAX_UTC, TimeDelta::MAX), None);
        let t = crate::time::parse_utc("2026-12-01T08:00:00Z").unwrap();
        assert_eq!(add_time(t, max_duration()).map(|x| x > t), Some(true));
    }

    #[test]
    fn offsets_saturate_instead_of_overflowing() {
        let t = crate::time::parse_utc("2026-12-01T08:00:00Z").unwrap();
        assert_eq!(offset_time(t, i64::MAX), DateTime::<Utc>::MAX_UTC);
        assert_eq!(offset_time(t, i64::MIN), DateTime::<Utc>::MIN_UTC);
        assert_eq!(offset_time(t, 60), t + TimeDelta::minutes(1));
    }

    #[test]
    fn huge_numbers_print_short() {
        assert_eq!(show(1e308), "1e308");
        assert_eq!(show(0.59), "0.59");
        assert_eq!(show(-1.0), "-1");
        assert_eq!(show(f64::INFINITY), "inf");
    }

    #[test]
    fn sizes_read_and_print_in_binary_units() {
        assert_eq!(parse_bytes("8GiB"), Ok(8 << 30));
        assert_eq!(parse_bytes("512 M"), Ok(512 << 20));
        assert_eq!(parse_bytes("4096"), Ok(4096));
        assert!(parse_bytes("lots").is_err());
        assert!(parse_bytes("8XB").is_err());
        assert!(parse_bytes("99999999999T").is_err());
        assert_eq!(format_bytes(DEFAULT_MAX_MEMORY), "4 GiB");
        assert_eq!(format_bytes(MAX_INPUT_BYTES), "64 MiB");
        assert_eq!(format_bytes(3 << 29), "1.5 GiB");
        assert_eq!(format_bytes(12), "12 bytes");
    }

    #[test]
    fn reads_stop_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.json");
        std::fs::write(&p, "{}").unwrap();
        assert_eq!(read_capped(&p, InputKind::World).unwrap(), "{}");
        assert!(matches!(read_all(&b"abcdef"[..], 6, "t"), Ok(s) if s == "abcdef"));
        assert!(matches!(
            read_all(&b"abcdefg"[..], 6, "t"),
            Err(ReadError::TooBig)
        ));
        let e = read_capped(&dir.path().join("missing.json"), InputKind::World).unwrap_err();
        assert!(matches!(e, Error::Io { .. }), "{e}");
    }

    #[test]
    fn invalid_utf8_in_any_file_was_unplaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.json");
        // line 2, after a space, "é" (two bytes, one character) and "x": column 4, offset 7
        std::fs::write(&p, b"{}\n \xC3\xA9x\xFFy\n").unwrap();
        let e = read_capped(&p, InputKind::World).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:2:4: ", p.display())), "{e}");
        assert!(
            e.contains("byte offset 7 ") && e.contains("save the file as UTF-8"),
            "{e}"
        );
        assert!(!e.contains("UTF-16"), "{e}");
        std::fs::write(&p, b"\xFF\xFE{\x00}\x00").unwrap();
        let e = read_capped(&p, InputKind::World).unwrap_err().to_string();
        assert!(
            e.contains(":1:1: ") && e.contains("UTF-16 byte-order mark"),
            "{e}"
        );
    }
}
