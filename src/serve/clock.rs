//! The session's simulated clock: it follows real time from a start instant, or stands
//! still between explicit moves (`--clock manual`); either way the admin route can advance
//! it or set it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};

/// How the clock moves on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Simulated time passes as real time does.
    Follow,
    /// Simulated time moves only by `advance` and `set`.
    Manual,
}

/// A lock-free simulated clock (millisecond resolution).
#[derive(Debug)]
pub struct Clock {
    start: DateTime<Utc>,
    base: Instant,
    mode: ClockMode,
    /// Milliseconds added by `advance` and `set`.
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn new(start: DateTime<Utc>, mode: ClockMode) -> Clock {
        Clock {
            start,
            base: Instant::now(),
            mode,
            offset_ms: AtomicI64::new(0),
        }
    }

    fn natural(&self) -> DateTime<Utc> {
        match self.mode {
            ClockMode::Follow => {
                let ms = self.base.elapsed().as_millis().min(i64::MAX as u128) as i64;
                self.start + TimeDelta::milliseconds(ms)
            }
            ClockMode::Manual => self.start,
        }
    }

    /// Simulated now.
    pub fn now(&self) -> DateTime<Utc> {
        self.natural() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by` (a negative delta is refused by the caller).
    pub fn advance(&self, by: TimeDelta) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }

    /// Sets simulated now to `to`.
    pub fn set(&self, to: DateTime<Utc>) {
        let offset = (to - self.natural()).num_milliseconds();
        self.offset_ms.store(offset, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_utc;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let t0 = parse_utc("2027-06-01T00:00:00Z").unwrap();
        let c = Clock::new(t0, ClockMode::Manual);
        assert_eq!(c.now(), t0);
        c.advance(TimeDelta::hours(1));
        assert_eq!(c.now(), t0 + TimeDelta::hours(1));
        let t1 = parse_utc("2027-07-01T00:00:00Z").unwrap();
        c.set(t1);
        assert_eq!(c.now(), t1);
    }

    #[test]
    fn following_clock_starts_at_start() {
        let t0 = parse_utc("2027-06-01T00:00:00Z").unwrap();
        let c = Clock::new(t0, ClockMode::Follow);
        let d = c.now() - t0;
        assert!(d >= TimeDelta::zero() && d < TimeDelta::seconds(5));
    }
}
