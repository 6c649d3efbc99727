//! Monte Carlo summaries: mean, P50, P90, P95, P99 of per-trial totals.
//!
//! The values are sorted (`f64::total_cmp`) and the mean is summed in sorted order, so a
//! summary depends only on the multiset of values, never on the order trials finished in.
//! Percentiles interpolate linearly between the closest ranks (Hyndman–Fan type 7, numpy's
//! default): `h = (n − 1) p`, `q = v[⌊h⌋] + (h − ⌊h⌋) (v[⌊h⌋ + 1] − v[⌊h⌋])`. Each
//! percentile carries its 95 % interval between two order statistics
//! ([`crate::stats::quantile_bounds`], docs/statistics.md).

use serde::Serialize;

use crate::stats::{quantile_bounds, Bounds, LEVEL};

/// Summary of per-trial values.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many values; 0 gives NaN everywhere else.
    pub trials: usize,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// 95 % intervals of P50, P90, P95 and P99 (a side is None when the trials are too few).
    pub ci: [Bounds; 4],
}

impl Summary {
    /// The percentiles with their intervals: (name, value, interval).
    pub fn percentiles(&self) -> [(&'static str, f64, Bounds); 4] {
        [
            ("p50", self.p50, self.ci[0]),
            ("p90", self.p90, self.ci[1]),
            ("p95", self.p95, self.ci[2]),
            ("p99", self.p99, self.ci[3]),
        ]
    }
}

/// Sorts `values` in place and summarises them.
pub fn summary(values: &mut [f64]) -> Summary {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let mean = if n == 0 {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / n as f64
    };
    Summary {
        trials: n,
        mean,
        p50: percentile_sorted(values, 0.50),
        p90: percentile_sorted(values, 0.90),
        p95: percentile_sorted(values, 0.95),
        p99: percentile_sorted(values, 0.99),
        ci: [0.50, 0.90, 0.95, 0.99].map(|p| quantile_bounds(values, p, LEVEL)),
    }
}

/// The `p` quantile (`0 ≤ p ≤ 1`) of ascending `sorted` values by linear interpolation; NaN
/// when empty.
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use statrs::distribution::{ContinuousCDF, Exp};

    #[test]
    fn hand_computed_small_case() {
        let mut v = vec![5.0, 1.0, 4.0, 2.0, 3.0];
        let s = summary(&mut v);
        assert_eq!(v, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.trials, 5);
        assert_eq!(s.mean, 3.0);
        assert_eq!(s.p50, 3.0);
        // h = 4 × 0.9 = 3.6: 4 + 0.6 × 1.
        assert!((s.p90 - 4.6).abs() < 1e-12);
        assert!((s.p95 - 4.8).abs() < 1e-12);
        assert!((s.p99 - 4.96).abs() < 1e-12);
        let one = summary(&mut [7.0]);
        assert_eq!((one.p50, one.p99, one.mean), (7.0, 7.0, 7.0));
        let none = summary(&mut []);
        assert_eq!(none.trials, 0);
        assert!(none.mean.is_nan() && none.p50.is_nan());
    }

    #[test]
    fn order_of_trials_does_not_matter() {
        let mut r = ChaCha8Rng::seed_from_u64(1);
        let mut a: Vec<f64> = (0..1000).map(|_| r.gen::<f64>() * 1e6).collect();
        let mut b = a.clone();
        b.reverse();
        assert_eq!(summary(&mut a), summary(&mut b));
    }

    #[test]
    fn percentiles_converge_on_exp_1() {
        let exp = Exp::new(1.0).unwrap();
        let mut r = ChaCha8Rng::seed_from_u64(2026);
        let mut v: Vec<f64> = (0..20_000).map(|_| r.sample(exp)).collect();
        let s = summary(&mut v);
        let within = |got: f64, want: f64, tol: f64| {
            assert!((got - want).abs() <= tol * want, "{got} vs {want}");
        };
        within(s.p50, std::f64::consts::LN_2, 0.02);
        within(s.p50, exp.inverse_cdf(0.5), 0.02);
        within(s.p90, 10f64.ln(), 0.02);
        within(s.p95, 20f64.ln(), 0.03);
        within(s.p99, 100f64.ln(), 0.05);
        within(s.mean, 1.0, 0.02);
    }
}
