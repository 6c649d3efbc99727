//! Internet billing: PayByTraffic (per GB out) against PayByBandwidth (per Mbps-hour, tiered
//! at 5 Mbps), the saving of switching and the break-even utilisation.
//!
//! Units: 1 Mbps = 10^6 bit/s and 1 GB = 10^9 bytes (decimal, as Alibaba Cloud's bandwidth and
//! traffic bills read), so a full B Mbps link carries `B × 3600 / 8 / 1000 = 0.45 B` GB/hour.

use super::prices::InternetRates;
use crate::request::typed::InternetChargeType;

/// The cheaper method given each method's cost: the other one only when it costs strictly
/// less than the `chosen` one.
pub fn cheaper(
    chosen: InternetChargeType,
    cost_of: impl Fn(InternetChargeType) -> f64,
) -> InternetChargeType {
    if cost_of(chosen.other()) < cost_of(chosen) {
        chosen.other()
    } else {
        chosen
    }
}

/// GB per hour a link of `mbps` carries at full rate: `mbps × 3600 / 8 / 1000`.
pub fn full_rate_gb_per_hour(mbps: u32) -> f64 {
    f64::from(mbps) * 3600.0 / 8.0 / 1000.0
}

/// PayByBandwidth cost of one instance-hour at `mbps`:
/// `min(B, 5) × up_to_5 + max(B − 5, 0) × above_5`.
pub fn bandwidth_hourly(rates: &InternetRates, mbps: u32) -> f64 {
    f64::from(mbps.min(5)) * rates.bandwidth_up_to_5
        + f64::from(mbps.saturating_sub(5)) * rates.bandwidth_above_5
}

/// PayByBandwidth cost of `instance_hours` at `mbps`.
pub fn bandwidth_cost(rates: &InternetRates, mbps: u32, instance_hours: f64) -> f64 {
    bandwidth_hourly(rates, mbps) * instance_hours
}

/// PayByTraffic cost of `gb_out` GB outbound (inbound is free).
pub fn traffic_cost(rates: &InternetRates, gb_out: f64) -> f64 {
    gb_out * rates.traffic_per_gb
}

/// The utilisation of the bandwidth cap at which both methods cost the same.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BreakEven {
    /// PayByTraffic is cheaper below this fraction of full rate, PayByBandwidth above it.
    At(f64),
    /// Traffic at full rate still costs less than the bandwidth: PayByTraffic always wins.
    Never,
    /// No public bandwidth (`InternetMaxBandwidthOut` = 0): both cost nothing.
    NoBandwidth,
}

impl BreakEven {
    /// The utilisation, when there is one.
    pub fn utilisation(self) -> Option<f64> {
        match self {
            BreakEven::At(u) => Some(u),
            _ => None,
        }
    }
}

/// Break-even utilisation `u* = bandwidth_hourly(B) / (full_rate_gb_per_hour(B) × traffic_per_gb)`;
/// `Never` when `u* > 1` (or traffic is free), `NoBandwidth` when `B = 0`.
pub fn break_even(rates: &InternetRates, mbps: u32) -> BreakEven {
    if mbps == 0 {
        return BreakEven::NoBandwidth;
    }
    let full = full_rate_gb_per_hour(mbps) * rates.traffic_per_gb;
    let u = bandwidth_hourly(rates, mbps) / full;
    if full > 0.0 && u <= 1.0 {
        BreakEven::At(u.max(0.0))
    } else {
        BreakEven::Never
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::prices::{Currency, Prices};
    use crate::cost::test_util::close;

    fn hz() -> InternetRates {
        Prices::default_embedded().internet("cn-hangzhou").unwrap()
    }

    #[test]
    fn the_published_worked_examples() {
        let r = hz();
        assert_eq!(r.currency, Currency::CNY);
        // 7 Mbps for 30 days = 720 × [5 × 0.063 + 2 × 0.248] = 583.92 CNY.
        close(bandwidth_cost(&r, 7, 720.0), 583.92);
        // 2 Mbps for 30 days = 720 × 2 × 0.063 = 90.72 CNY.
        close(bandwidth_cost(&r, 2, 720.0), 90.72);
        // Intl: 7 Mbps for 30 days = 720 × [0.03 + 2 × 0.021] = 51.84 USD.
        let us = Prices::default_embedded().internet("us-west-1").unwrap();
        close(bandwidth_cost(&us, 7, 720.0), 51.84);
    }

    #[test]
    fn both_tiers_per_hour() {
        let r = hz();
        close(bandwidth_hourly(&r, 0), 0.0);
        close(bandwidth_hourly(&r, 2), 0.126);
        close(bandwidth_hourly(&r, 5), 0.315);
        close(bandwidth_hourly(&r, 6), 0.563);
        close(bandwidth_hourly(&r, 7), 0.811);
        close(bandwidth_hourly(&r, 100), 0.315 + 95.0 * 0.248);
    }

    #[test]
    fn full_rate_is_decimal() {
        close(full_rate_gb_per_hour(1), 0.45);
        close(full_rate_gb_per_hour(100), 45.0);
        close(traffic_cost(&hz(), 10.0), 8.0);
    }

    #[test]
    fn break_even_matches_its_closed_form_and_equalises_costs() {
        let r = hz();
        // 5 Mbps: 0.315 / (2.25 × 0.8) = 0.175.
        assert_eq!(break_even(&r, 5), BreakEven::At(0.315 / 1.8));
        close(break_even(&r, 5).utilisation().unwrap(), 0.175);
        // 7 Mbps: 0.811 / (3.15 × 0.8).
        close(break_even(&r, 7).utilisation().unwrap(), 0.811 / 2.52);
        for mbps in [1, 2, 5, 6, 7, 20, 100] {
            let u = break_even(&r, mbps).utilisation().unwrap();
            assert!((0.0..=1.0).contains(&u));
            let hours = 720.0;
            let gb = u * full_rate_gb_per_hour(mbps) * hours;
            close(traffic_cost(&r, gb), bandwidth_cost(&r, mbps, hours));
        }
        assert_eq!(break_even(&r, 0), BreakEven::NoBandwidth);
        let dear = InternetRates {
            bandwidth_up_to_5: 1.0,
            ..r
        };
        assert_eq!(break_even(&dear, 2), BreakEven::Never);
    }
}
