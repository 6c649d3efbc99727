//! Pay-as-you-go compute: the instance type's hourly price, billed per second.

use chrono::{DateTime, Utc};

use crate::error::Result;

use super::prices::Prices;

/// Hours between two instants, per second (sub-second parts count too); 0 when `end <= start`.
pub fn hours_between(start: DateTime<Utc>, end: DateTime<Utc>) -> f64 {
    hours_of(end - start)
}

/// A duration in hours, per second (sub-second parts count too); 0 when not positive.
pub fn hours_of(d: chrono::Duration) -> f64 {
    if d <= chrono::Duration::zero() {
        return 0.0;
    }
    let secs = d.num_seconds() as f64 + f64::from(d.subsec_nanos()) * 1e-9;
    secs / 3600.0
}

/// Pay-as-you-go compute cost of one instance for `hours`.
pub fn payg_cost(prices: &Prices, region: &str, instance_type: &str, hours: f64) -> Result<f64> {
    Ok(prices.instance_hourly(region, instance_type)? * hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_utc;

    #[test]
    fn per_second_hours_and_payg() {
        let a = parse_utc("2026-01-01T00:00:00Z").unwrap();
        let b = parse_utc("2026-01-01T01:30:36Z").unwrap();
        assert_eq!(hours_between(a, b), 1.51);
        assert_eq!(hours_between(b, a), 0.0);
        let p = Prices::default_embedded();
        // ecs.g7.large in cn-hangzhou: 185 CNY/vCPU-month × 2 / 720 = 0.5139 CNY/h × 1.51 h = 0.775989.
        let c = payg_cost(&p, "cn-hangzhou", "ecs.g7.large", 1.51).unwrap();
        assert!((c - 0.775989).abs() < 1e-12, "{c}");
        assert!(payg_cost(&p, "cn-hangzhou", "ecs.nope", 1.0).is_err());
    }
}
