//! API rate limits: the account's two RunInstances token buckets, read from the world
//! (`Account.RunInstancesRateLimit`, `Account.RunInstancesResourceRateLimit`) and asked
//! before any capacity rule runs. See `docs/throttling.md`.
//!
//! - The **call** bucket holds calls: every RunInstances attempt takes one token when it
//!   arrives, whatever it asks; an empty bucket answers `Throttling.User`.
//! - The **instance** bucket holds instances: an attempt that passed the static checks and is
//!   about to create instances (not a DryRun, not a ClientToken replay) takes `Amount` tokens;
//!   a bucket holding fewer answers `Throttling.Resource` and takes nothing.
//!
//! `run` keeps one [`Throttle`] per trial, on the trial's simulated seconds; `serve` keeps one
//! per session, on its clock. `check` answers one request at one instant and has none. A
//! bucket is exact integer arithmetic (millionths of a token, milliseconds), so a replay is
//! the same on every machine and for any thread count.

use crate::catalog::ErrorKey;
use crate::edition::EditionId;
use crate::validate::{Bound, Violation, RATE_LIMITS};
use crate::world::{RateLimit, World};

/// Millionths of a token per token.
const MICRO: u64 = 1_000_000;

/// One token bucket: `burst` tokens, full at the start, refilled continuously.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// Millionths of a token gained per millisecond (tokens per second × 1000).
    rate: u64,
    /// Millionths of a token the bucket holds at most.
    capacity: u64,
    /// Millionths of a token held at `last_ms`.
    tokens: u64,
    /// When the bucket was last refilled (None: never asked; it is full).
    last_ms: Option<i64>,
}

impl Bucket {
    /// A full bucket of `limit`'s figures (the world checked them: 0.001..=10⁶ per second,
    /// 1..=10⁶ tokens).
    pub fn new(limit: RateLimit) -> Bucket {
        let rate = (limit.per_second * 1000.0).round().max(1.0) as u64;
        let capacity = u64::from(limit.burst) * MICRO;
        Bucket {
            rate,
            capacity,
            tokens: capacity,
            last_ms: None,
        }
    }

    /// Adds what the time since the last refill earned. A clock moved backwards (serve's
    /// `set`) earns nothing and leaves the refill time where it was.
    fn refill(&mut self, now_ms: i64) {
        match self.last_ms {
            None => self.last_ms = Some(now_ms),
            Some(last) if now_ms > last => {
                let elapsed = u64::try_from(now_ms.saturating_sub(last)).unwrap_or(u64::MAX);
                let gained = elapsed.saturating_mul(self.rate);
                self.tokens = self.tokens.saturating_add(gained).min(self.capacity);
                self.last_ms = Some(now_ms);
            }
            Some(_) => {}
        }
    }

    /// Takes `n` tokens at `now_ms` if the bucket holds them; false (taking nothing) if not.
    pub fn take(&mut self, now_ms: i64, n: u32) -> bool {
        self.refill(now_ms);
        let want = u64::from(n) * MICRO;
        if self.tokens >= want {
            self.tokens -= want;
            true
        } else {
            false
        }
    }

    /// Whole tokens held at `now_ms`.
    pub fn available(&mut self, now_ms: i64) -> u32 {
        self.refill(now_ms);
        u32::try_from(self.tokens / MICRO).unwrap_or(u32::MAX)
    }
}

/// The account's buckets, as one trial or one session holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    calls: Option<Bucket>,
    instances: Option<Bucket>,
    edition: EditionId,
}

/// The name `requests.csv`'s limit column gives the call bucket.
pub const CALLS: &str = "throttle:RunInstances:calls";
/// The name `requests.csv`'s limit column gives the instance bucket.
pub const INSTANCES: &str = "throttle:RunInstances:instances";

impl Throttle {
    /// The world account's buckets, full; None when it sets no rate limit (or the world's
    /// edition switches the rule off: the 2018 reference models none), so callers pay one
    /// branch when nothing is throttled.
    pub fn of(world: &World) -> Option<Throttle> {
        if !world.edition.get().rule_on(RATE_LIMITS.name) {
            return None;
        }
        let a = &world.account;
        let calls = a.run_instances_rate_limit.map(|l| Bucket::new(l.rate()));
        let instances = a
            .run_instances_resource_rate_limit
            .map(|l| Bucket::new(l.rate()));
        (calls.is_some() || instances.is_some()).then_some(Throttle {
            calls,
            instances,
            edition: world.edition,
        })
    }

    /// A RunInstances call arriving at `now_ms` (asking `amount` instances, for the answer's
    /// numbers): takes a call token, or answers `Throttling.User` when none is left.
    pub fn call(&mut self, now_ms: i64, amount: u32) -> Option<Violation> {
        let b = self.calls.as_mut()?;
        if b.take(now_ms, 1) {
            return None;
        }
        Some(refusal(
            ErrorKey::ThrottlingUser,
            CALLS,
            0,
            amount,
            self.edition,
        ))
    }

    /// An attempt about to create `amount` instances at `now_ms`: takes `amount` instance
    /// tokens, or answers `Throttling.Resource` (taking none) when the bucket holds fewer.
    pub fn instances(&mut self, now_ms: i64, amount: u32) -> Option<Violation> {
        let b = self.instances.as_mut()?;
        if b.take(now_ms, amount) {
            return None;
        }
        let room = b.available(now_ms);
        Some(refusal(
            ErrorKey::ThrottlingResource,
            INSTANCES,
            room,
            amount,
            self.edition,
        ))
    }
}

fn refusal(key: ErrorKey, limit: &str, room: u32, asked: u32, edition: EditionId) -> Violation {
    Violation::bare(key)
        .bound(Bound {
            limit: limit.to_string(),
            unit: "tokens",
            used: None,
            max: None,
            per_instance: 1,
            room,
            asked,
        })
        .answered_in(edition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(per_second: f64, burst: u32) -> Bucket {
        Bucket::new(RateLimit { per_second, burst })
    }

    #[test]
    fn a_full_bucket_gives_its_burst_then_refuses() {
        let mut b = bucket(2.0, 3);
        assert!((0..3).all(|_| b.take(0, 1)));
        assert!(!b.take(0, 1));
        // 2 per second: one token every 500 ms, none before.
        assert!(!b.take(499, 1));
        assert!(b.take(500, 1));
        assert!(!b.take(500, 1));
    }

    #[test]
    fn refill_stops_at_the_burst() {
        let mut b = bucket(2.0, 3);
        assert!(b.take(0, 3));
        assert_eq!(b.available(3_600_000), 3);
    }

    #[test]
    fn many_small_refills_add_up_exactly() {
        // 0.3 tokens per second refilled every millisecond for 10 s: exactly 3 tokens.
        let mut b = bucket(0.3, 5);
        assert!(b.take(0, 5));
        for ms in 1..=10_000 {
            b.refill(ms);
        }
        assert_eq!(b.available(10_000), 3);
    }

    #[test]
    fn a_refused_take_takes_nothing_and_a_clock_moved_back_earns_nothing() {
        let mut b = bucket(1.0, 10);
        assert!(b.take(1000, 6));
        assert!(!b.take(1000, 5));
        assert_eq!(b.available(1000), 4);
        assert_eq!(b.available(0), 4);
        assert_eq!(b.available(2000), 5);
    }
}
