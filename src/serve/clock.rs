//! The session's simulated clock: it follows real time from a start instant, or stands
//! still between explicit moves (`--clock manual`); either way the admin route can advance
//! it or set it.
//!
//! The clock never leaves [`limits::min_time`]`..=`[`limits::max_time`]: a move past the end
//! is refused and leaves the clock where it was, and a clock following real time stops at
//! the end. Every sum is checked, so no request can make reading the clock overflow.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};

use crate::limits;

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
                at_offset(self.start, ms)
            }
            ClockMode::Manual => self.start,
        }
    }

    /// Simulated now (within the modeled range, whatever the moves and real time did).
    pub fn now(&self) -> DateTime<Utc> {
        at_offset(self.natural(), self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by` (a negative delta is refused by the caller). Ok: the
    /// new now. Err: the move would pass [`limits::max_time`]; the clock stays at the now
    /// returned.
    pub fn advance(&self, by: TimeDelta) -> Result<DateTime<Utc>, DateTime<Utc>> {
        let natural = self.natural();
        let by = by.num_milliseconds();
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                let next = offset.checked_add(by)?;
                let t = natural.checked_add_signed(TimeDelta::try_milliseconds(next)?)?;
                limits::in_time_range(t).then_some(next)
            })
            .map(|_| self.now())
            .map_err(|_| self.now())
    }

    /// Sets simulated now to `to`. Err: `to` is outside the modeled range; the clock stays at
    /// the now returned.
    pub fn set(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>, DateTime<Utc>> {
        if !limits::in_time_range(to) {
            return Err(self.now());
        }
        let offset = (to - self.natural()).num_milliseconds();
        self.offset_ms.store(offset, Ordering::Relaxed);
        Ok(self.now())
    }
}

/// `t` plus `ms` milliseconds, held within the modeled range (checked: never overflows).
fn at_offset(t: DateTime<Utc>, ms: i64) -> DateTime<Utc> {
    let (lo, hi) = (limits::min_time(), limits::max_time());
    TimeDelta::try_milliseconds(ms)
        .and_then(|d| t.checked_add_signed(d))
        .map_or(if ms < 0 { lo } else { hi }, |r| r.clamp(lo, hi))
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
        assert_eq!(c.advance(TimeDelta::hours(1)), Ok(t0 + TimeDelta::hours(1)));
        assert_eq!(c.now(), t0 + TimeDelta::hours(1));
        let t1 = parse_utc("2027-07-01T00:00:00Z").unwrap();
        assert_eq!(c.set(t1), Ok(t1));
        assert_eq!(c.now(), t1);
    }

    #[test]
    fn advancing_past_the_last_modeled_time_is_refused_and_the_clock_stays() {
        let t0 = parse_utc("2027-06-01T00:00:00Z").unwrap();
        let c = Clock::new(t0, ClockMode::Manual);
        // 100000000d: what overflowed DateTime + TimeDelta on every later request.
        assert_eq!(c.advance(TimeDelta::days(100_000_000)), Err(t0));
        assert_eq!(c.advance(TimeDelta::MAX), Err(t0));
        assert_eq!(c.now(), t0);
        let end = limits::max_time();
        assert_eq!(c.set(end), Ok(end));
        assert_eq!(c.advance(TimeDelta::seconds(1)), Err(end));
        assert_eq!(c.set(DateTime::<Utc>::MAX_UTC), Err(end));
        assert_eq!(c.now(), end);
        assert_eq!(c.advance(TimeDelta::zero()), Ok(end));
    }

    #[test]
    fn a_following_clock_near_the_end_stops_there() {
        let c = Clock::new(limits::max_time(), ClockMode::Follow);
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(c.now(), limits::max_time());
        let c = Clock::new(DateTime::<Utc>::MAX_UTC, ClockMode::Follow);
        assert_eq!(c.now(), limits::max_time());
    }

    #[test]
    fn following_clock_starts_at_start() {
        let t0 = parse_utc("2027-06-01T00:00:00Z").unwrap();
        let c = Clock::new(t0, ClockMode::Follow);
        let d = c.now() - t0;
        assert!(d >= TimeDelta::zero() && d < TimeDelta::seconds(5));
    }
}
