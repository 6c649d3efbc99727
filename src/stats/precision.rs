//! `--precision`: run trials in fixed batches until every tracked share's 95 % interval is
//! narrow enough, or a trial cap.
//!
//! The decision after each batch reads only the merged counts of the trials so far, and
//! trials are seeded by (seed, scenario, trial) as always, so a run stops after the same
//! number of trials, with the same results, for any thread count and any machine speed.
//! There is no time budget for that reason (docs/statistics.md).

use serde::Serialize;

use super::{share, LEVEL};

/// Trials per batch: the stopping rule is checked after every batch.
pub const BATCH: u32 = 100;

/// The trial cap of a precision run when `--trials` gives none.
pub const DEFAULT_CAP: u32 = 100_000;

/// Reads `1pp`, `0.5pp` or `1%`: a half-width in percentage points, as a fraction (0.01).
pub fn parse(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let num = t
        .strip_suffix("pp")
        .or_else(|| t.strip_suffix('%'))
        .ok_or_else(|| {
            format!("{s:?}: give the half-width in percentage points, such as 1pp or 0.5pp")
        })?;
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("{s:?}: {num:?} is not a number; give e.g. 1pp or 0.5pp"))?;
    if !(v.is_finite() && (0.01..=50.0).contains(&v)) {
        return Err(format!(
            "{s:?}: the half-width must be between 0.01pp and 50pp"
        ));
    }
    Ok(v / 100.0)
}

/// Why a precision run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Every tracked share's half-width reached the target.
    Precise,
    /// The trial cap came first.
    Cap,
}

/// How a precision run went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stopping {
    /// The target half-width (a fraction: 0.01 is ±1 pp).
    pub target: f64,
    pub batch: u32,
    pub cap: u32,
    pub trials: u32,
    pub reason: Reason,
    /// The widest tracked half-width at the stop, and which share it was.
    pub widest: f64,
    pub widest_of: String,
    /// How many shares were tracked.
    pub tracked: usize,
}

/// The widest 95 % half-width among `(name, k)` shares of `n` trials (name "" when none).
pub fn widest<'a>(shares: impl Iterator<Item = (&'a str, u64)>, n: u64) -> (f64, String) {
    let mut best = (0.0, String::new());
    for (name, k) in shares {
        let h = share(k, n, LEVEL).half_width();
        if h > best.0 {
            best = (h, name.to_string());
        }
    }
    best
}

impl Stopping {
    /// One line for the terminal summary.
    pub fn text(&self) -> String {
        let pp = |x: f64| format!("{:.2} pp", x * 100.0);
        match self.reason {
            Reason::Precise => format!(
                "precision: stopped after {} trial(s) ({} batch(es) of {}): all {} tracked share(s) within ±{} (widest ±{}, {})",
                self.trials,
                self.trials.div_ceil(self.batch),
                self.batch,
                self.tracked,
                pp(self.target),
                pp(self.widest),
                self.widest_of
            ),
            Reason::Cap => format!(
                "precision: stopped at the cap of {} trial(s) before ±{}: widest ±{} ({}); raise the cap with --trials",
                self.trials,
                pp(self.target),
                pp(self.widest),
                self.widest_of
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_in_percentage_points() {
        assert_eq!(parse("1pp"), Ok(0.01));
        assert_eq!(parse("0.5pp"), Ok(0.005));
        assert_eq!(parse("2%"), Ok(0.02));
        assert!(parse("1").unwrap_err().contains("such as 1pp"));
        assert!(parse("0pp").unwrap_err().contains("between"));
        assert!(parse("xpp").unwrap_err().contains("not a number"));
    }

    #[test]
    fn the_widest_share_is_named() {
        // 50 of 100: Wilson half-width ≈ 9.6 pp; 0 of 100: rule of three 3.0 / 2 ≈ 1.5 pp.
        let (w, name) = widest([("a", 0), ("b", 50)].into_iter(), 100);
        assert_eq!(name, "b");
        assert!((w - 0.0962).abs() < 1e-3, "{w}");
    }
}
