//! The uncertainty of Monte Carlo figures: confidence intervals for shares of trials
//! (probabilities) and for percentiles of per-trial values. See `docs/statistics.md`.
//!
//! - A share `k / n` gets a Wilson score interval, or the exact Clopper–Pearson interval when
//!   the event is rare ([`is_rare`]: `k ≤ 5` or `n − k ≤ 5`); with `k = 0` (or `k = n`) the
//!   one-sided exact bound `1 − α^(1/n)`, which is the rule of three (`≈ 3/n` at 95 %).
//! - A percentile gets a distribution-free interval between two order statistics whose ranks
//!   come from the binomial distribution of how many values fall below the true quantile.
//!
//! Every function here is pure and deterministic; the beta and binomial functions are
//! statrs's (`inv_beta_reg`, `Binomial::cdf`).

pub mod precision;

use serde::Serialize;
use statrs::distribution::{Binomial, ContinuousCDF, DiscreteCDF, Normal};

/// The confidence level of every interval the reports print.
pub const LEVEL: f64 = 0.95;

/// Events seen in at most this many trials (or missed in at most this many) are rare: their
/// share gets the exact interval.
pub const RARE: u64 = 5;

/// How an interval was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    Wilson,
    ClopperPearson,
    /// `k = 0` or `k = n`: the one-sided exact bound (the rule of three at 95 %).
    RuleOfThree,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Wilson => "wilson",
            Method::ClopperPearson => "clopper-pearson",
            Method::RuleOfThree => "rule-of-three",
        }
    }
}

/// A share of trials with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Share {
    pub k: u64,
    pub n: u64,
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
    pub level: f64,
    pub method: Method,
}

/// Whether `k` of `n` is a rare event (or a rare miss).
pub fn is_rare(k: u64, n: u64) -> bool {
    k <= RARE || n.saturating_sub(k) <= RARE
}

/// The two-sided normal quantile `z` of a confidence `level`.
pub fn z_of(level: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(0.5 + level / 2.0)
}

/// `k` successes in `n` trials with its interval at `level`; `n = 0` gives the vacuous
/// `[0, 1]`.
pub fn share(k: u64, n: u64, level: f64) -> Share {
    let estimate = if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (lo, hi, method) = if n == 0 {
        (0.0, 1.0, Method::ClopperPearson)
    } else if k == 0 {
        (0.0, one_sided_zero(n, level), Method::RuleOfThree)
    } else if k == n {
        (1.0 - one_sided_zero(n, level), 1.0, Method::RuleOfThree)
    } else if is_rare(k, n) {
        let (lo, hi) = clopper_pearson(k, n, level);
        (lo, hi, Method::ClopperPearson)
    } else {
        let (lo, hi) = wilson(k, n, z_of(level));
        (lo, hi, Method::Wilson)
    };
    Share {
        k,
        n,
        estimate,
        lo,
        hi,
        level,
        method,
    }
}

/// The exact one-sided upper bound on `p` after 0 events in `n` trials: `1 − (1 − level)^(1/n)`
/// (`≈ −ln(0.05)/n ≈ 3/n` at 95 %: the rule of three).
pub fn one_sided_zero(n: u64, level: f64) -> f64 {
    1.0 - (1.0 - level).powf(1.0 / n as f64)
}

/// The Wilson score interval of `k / n` for the normal quantile `z` (Wilson 1927):
/// `(p̂ + z²/2n ± z √(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n)`.
pub fn wilson(k: u64, n: u64, z: f64) -> (f64, f64) {
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = p + z2 / (2.0 * n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    (
        ((centre - half) / denom).max(0.0),
        ((centre + half) / denom).min(1.0),
    )
}

/// The Clopper–Pearson interval of `k / n` at `level` (Clopper and Pearson 1934): the
/// `α/2` quantile of Beta(k, n − k + 1) and the `1 − α/2` quantile of Beta(k + 1, n − k).
pub fn clopper_pearson(k: u64, n: u64, level: f64) -> (f64, f64) {
    let a = (1.0 - level) / 2.0;
    let lo = if k == 0 {
        0.0
    } else {
        beta_quantile(k as f64, (n - k + 1) as f64, a)
    };
    let hi = if k == n {
        1.0
    } else {
        beta_quantile((k + 1) as f64, (n - k) as f64, 1.0 - a)
    };
    (lo, hi)
}

/// The `q` quantile of Beta(a, b): statrs's inversion, then bisection on the regularised
/// incomplete beta function so the answer holds to about 1e-12 whatever the start.
fn beta_quantile(a: f64, b: f64, q: f64) -> f64 {
    use statrs::function::beta::beta_reg;
    let guess = statrs::function::beta::inv_beta_reg(a, b, q);
    let ok = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
    let (mut lo, mut hi) = if ok(guess) {
        let w = 1e-6;
        let (l, h) = ((guess - w).max(0.0), (guess + w).min(1.0));
        if beta_reg(a, b, l) <= q && beta_reg(a, b, h) >= q {
            (l, h)
        } else {
            (0.0, 1.0)
        }
    } else {
        (0.0, 1.0)
    };
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if beta_reg(a, b, mid) < q {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    (lo + hi) / 2.0
}

/// A percentile's interval: the values at two ranks, each None when the trials are too few
/// for that side to reach the level (the bound lies beyond the smallest or largest value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Bounds {
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

/// 1-based ranks `(l, u)` of the order statistics bounding the `p` quantile of `n` values at
/// `level`: `l` is the largest rank with `P(B ≤ l − 1) ≤ α/2` and `u` the smallest with
/// `P(B ≤ u − 1) ≥ 1 − α/2`, where `B ~ Binomial(n, p)` counts values below the true
/// quantile. Then `P(X(l) ≤ q ≤ X(u)) ≥ level` for any continuous distribution. A rank of 0
/// or `n + 1` means that side cannot be bounded with `n` values.
pub fn quantile_ranks(n: u64, p: f64, level: f64) -> (u64, u64) {
    if n == 0 {
        return (0, 1);
    }
    let a = (1.0 - level) / 2.0;
    let b = Binomial::new(p.clamp(0.0, 1.0), n).expect("p is a probability");
    // F(j) = P(B ≤ j) is nondecreasing in j: binary searches.
    // l − 1 = the largest j in [−1, n] with F(j) ≤ a (j = −1 has F = 0).
    let (mut lo, mut hi) = (0u64, n + 1); // search over j + 1 in [0, n + 1]
    while lo + 1 < hi {
        let mid = (lo + hi) / 2; // j = mid − 1 ≥ 0
        if b.cdf(mid - 1) <= a {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let l = lo; // rank l: F(l − 1) ≤ a, with l = 0 when even F(0) > a
                // u − 1 = the smallest j in [0, n] with F(j) ≥ 1 − a (F(n) = 1).
    let (mut lo, mut hi) = (0u64, n);
    if b.cdf(0) >= 1.0 - a {
        hi = 0;
    } else {
        while lo + 1 < hi {
            let mid = (lo + hi) / 2;
            if b.cdf(mid) >= 1.0 - a {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }
    let u = hi + 1;
    // Ranks past the values: F(n − 1) < 1 − a means even X(n) bounds with too little
    // confidence.
    let u = if u == n + 1 || (u == n && b.cdf(n - 1) < 1.0 - a) {
        n + 1
    } else {
        u
    };
    (l, u)
}

/// The interval of the `p` quantile of ascending `sorted` values (see [`quantile_ranks`]).
pub fn quantile_bounds(sorted: &[f64], p: f64, level: f64) -> Bounds {
    let n = sorted.len() as u64;
    let (l, u) = quantile_ranks(n, p, level);
    Bounds {
        lo: (l >= 1 && l <= n).then(|| sorted[l as usize - 1]),
        hi: (u >= 1 && u <= n).then(|| sorted[u as usize - 1]),
    }
}

/// A percentage with enough decimals that a nonzero share never prints as 0.0 %.
pub fn percent(x: f64) -> String {
    let v = x * 100.0;
    if v == 0.0 || v >= 0.1 || v <= -0.1 {
        format!("{v:.1}%")
    } else {
        // Two significant digits below 0.1 %.
        let digits = (-(v.abs().log10().floor()) as usize + 1).min(12);
        format!("{v:.digits$}%")
    }
}

impl Share {
    /// `12.5% [10.1%, 15.3%]`, or for zero events `< 1.5% (none of 200, 95%)`.
    pub fn text(&self) -> String {
        let lvl = format!("{}%", self.level * 100.0);
        match self.method {
            Method::RuleOfThree if self.k == 0 => {
                format!("< {} (none of {}, {lvl})", percent(self.hi), self.n)
            }
            Method::RuleOfThree => {
                format!("> {} (all of {}, {lvl})", percent(self.lo), self.n)
            }
            _ => format!(
                "{} [{}, {}]",
                percent(self.estimate),
                percent(self.lo),
                percent(self.hi)
            ),
        }
    }

    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "{got} vs {want}");
    }

    #[test]
    fn clopper_pearson_matches_published_values() {
        // R: binom.test(1, 10)$conf.int = 0.002528579 0.445016117
        let (lo, hi) = clopper_pearson(1, 10, 0.95);
        close(lo, 0.002_528_579, 1e-8);
        close(hi, 0.445_016_117, 1e-8);
        // binom.test(5, 100): 0.01643188 0.11283491
        let (lo, hi) = clopper_pearson(5, 100, 0.95);
        close(lo, 0.016_431_88, 1e-7);
        close(hi, 0.112_834_91, 1e-7);
        // binom.test(0, 20): 0 0.1684335
        let (lo, hi) = clopper_pearson(0, 20, 0.95);
        assert_eq!(lo, 0.0);
        close(hi, 0.168_433_5, 1e-7);
        // One failure in a million trials, by hand: the lower bound solves 1 − (1 − x)^n =
        // 0.025, so x = 1 − 0.975^(1/n) = 2.5317808e-8; the upper solves P(Bin(n, x) ≤ 1) =
        // (1 − x)^n + n x (1 − x)^(n − 1) = 0.025: x = 5.5716307e-6.
        let (lo, hi) = clopper_pearson(1, 1_000_000, 0.95);
        close(lo / 2.531_780_8e-8, 1.0, 1e-6);
        close(hi / 5.571_630_7e-6, 1.0, 1e-6);
    }

    #[test]
    fn wilson_matches_the_formula_by_hand() {
        // k = 20, n = 100, z = 1.959964: centre 0.2 + 3.841459/200 = 0.2192073,
        // half = 1.959964 √(0.0016 + 3.841459/40000) = 0.0807171, denominator 1.0384146.
        let (lo, hi) = wilson(20, 100, z_of(0.95));
        close(lo, (0.219_207_3 - 0.080_717_1) / 1.038_414_6, 1e-6);
        close(hi, (0.219_207_3 + 0.080_717_1) / 1.038_414_6, 1e-6);
        close(lo, 0.133_37, 1e-5);
        close(hi, 0.288_83, 1e-5);
    }

    #[test]
    fn rare_events_use_the_exact_interval_and_zero_the_rule_of_three() {
        assert_eq!(share(3, 200, LEVEL).method, Method::ClopperPearson);
        assert_eq!(share(197, 200, LEVEL).method, Method::ClopperPearson);
        assert_eq!(share(6, 200, LEVEL).method, Method::Wilson);
        let z = share(0, 200, LEVEL);
        assert_eq!(z.method, Method::RuleOfThree);
        close(z.hi, 3.0 / 200.0, 2e-4);
        assert_eq!(z.text(), "< 1.5% (none of 200, 95%)");
        let one = share(1, 1_000_000, LEVEL);
        assert_eq!(one.text(), "0.00010% [0.0000025%, 0.00056%]");
        assert_eq!(share(50, 200, LEVEL).text(), "25.0% [19.5%, 31.4%]");
        assert_eq!(share(200, 200, LEVEL).text(), "> 98.5% (all of 200, 95%)");
    }

    #[test]
    fn nine_hundred_fifty_of_a_thousand_replications_cover_the_true_p() {
        // 1,000 seeded replications of Binomial(n, p) for several (n, p): the share of
        // 95 % intervals that hold p stays within 93–97 %. (The exact coverages, summed over
        // the binomial pmf, are 0.956, 0.953, 0.950, 0.947 and 0.948; 1,000 replications
        // add a standard error of about 0.007.)
        for (n, p) in [
            (200u64, 0.1f64),
            (500, 0.03),
            (400, 0.05),
            (1000, 0.2),
            (100, 0.6),
        ] {
            let mut r = ChaCha8Rng::seed_from_u64(n ^ p.to_bits());
            let reps = 1000;
            let covered = (0..reps)
                .filter(|_| {
                    let k = (0..n).filter(|_| r.gen::<f64>() < p).count() as u64;
                    let s = share(k, n, LEVEL);
                    s.lo <= p && p <= s.hi
                })
                .count();
            let c = covered as f64 / reps as f64;
            assert!((0.93..=0.97).contains(&c), "n {n} p {p}: coverage {c}");
        }
    }

    #[test]
    fn order_statistic_ranks_match_the_hand_computation() {
        // n = 20, p = 0.5: P(B ≤ 5) = 0.02069 ≤ 0.025 < P(B ≤ 6) = 0.05766, so l − 1 = 5,
        // l = 6; P(B ≤ 13) = 0.94234 < 0.975 ≤ P(B ≤ 14) = 0.97931, so u − 1 = 14, u = 15.
        assert_eq!(quantile_ranks(20, 0.5, 0.95), (6, 15));
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        let b = quantile_bounds(&v, 0.5, 0.95);
        assert_eq!((b.lo, b.hi), (Some(6.0), Some(15.0)));
        // p99 of 200 values: P(B ≤ 199) = 1 − 0.99^200 = 0.866 < 0.975, no upper bound;
        // P(B ≤ l − 1) ≤ 0.025 gives l − 1 = 194 (P(B ≤ 194) = 0.0160, P(B ≤ 195) = 0.0517).
        assert_eq!(quantile_ranks(200, 0.99, 0.95), (195, 201));
        let v: Vec<f64> = (1..=200).map(f64::from).collect();
        let b = quantile_bounds(&v, 0.99, 0.95);
        assert_eq!((b.lo, b.hi), (Some(195.0), None));
    }

    #[test]
    fn order_statistic_intervals_cover_the_true_quantile() {
        let mut r = ChaCha8Rng::seed_from_u64(7);
        let n = 300;
        let reps = 1000;
        let mut covered = 0;
        for _ in 0..reps {
            let mut v: Vec<f64> = (0..n).map(|_| r.gen::<f64>()).collect();
            v.sort_by(f64::total_cmp);
            let b = quantile_bounds(&v, 0.9, 0.95);
            if b.lo.unwrap() <= 0.9 && 0.9 <= b.hi.unwrap() {
                covered += 1;
            }
        }
        let c = f64::from(covered) / f64::from(reps);
        assert!((0.93..=0.985).contains(&c), "coverage {c}");
    }

    #[test]
    fn small_percentages_keep_two_significant_digits() {
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.25), "25.0%");
        assert_eq!(percent(0.000_001), "0.00010%");
        assert_eq!(percent(0.000_5), "0.050%");
        assert_eq!(percent(0.001), "0.1%");
    }
}
