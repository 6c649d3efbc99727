//! Disk charges: per GiB-hour by category (and ESSD performance level), pay-as-you-go, for as
//! long as the instance lives (disks are released with it). Spot instances' disks are billed at
//! pay-as-you-go prices too. `ephemeral_ssd` is part of the instance type: 0 per GiB-hour.

use crate::error::Result;
use crate::request::typed::{DiskCategory, PerformanceLevel};

use super::prices::Prices;

/// One disk of an instance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiskSpec {
    pub category: DiskCategory,
    pub size_gib: u32,
    /// ESSD level; `None` means PL1 (the API default). Ignored for other categories.
    pub performance_level: Option<PerformanceLevel>,
}

/// Cost of one such disk per instance for `hours`: `size × price per GiB-hour × hours`.
pub fn disk_cost(prices: &Prices, region: &str, disk: &DiskSpec, hours: f64) -> Result<f64> {
    let rate = prices.disk_per_gib_hour(region, disk.category, disk.performance_level)?;
    Ok(f64::from(disk.size_gib) * rate * hours)
}

/// Cost of several disks per instance for `hours`.
pub fn disks_cost(prices: &Prices, region: &str, disks: &[DiskSpec], hours: f64) -> Result<f64> {
    let mut total = 0.0;
    for d in disks {
        total += disk_cost(prices, region, d, hours)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::test_util::close;

    #[test]
    fn essd_by_level_and_default_pl1() {
        let p = Prices::default_embedded();
        let d = |pl| DiskSpec {
            category: DiskCategory::CloudEssd,
            size_gib: 40,
            performance_level: pl,
        };
        // 40 GiB × 0.0010 CNY/GiB-h × 720 h = 28.80 CNY.
        close(
            disk_cost(&p, "cn-hangzhou", &d(Some(PerformanceLevel::PL0)), 720.0).unwrap(),
            28.8,
        );
        // PL1 is the default: 40 × 0.0021 × 720 = 60.48.
        close(
            disk_cost(&p, "cn-hangzhou", &d(None), 720.0).unwrap(),
            60.48,
        );
        // Intl docs: 40 GiB PL0 system disk = 0.0064 USD/h.
        close(
            disk_cost(&p, "us-west-1", &d(Some(PerformanceLevel::PL0)), 1.0).unwrap(),
            0.0064,
        );
        let local = DiskSpec {
            category: DiskCategory::EphemeralSsd,
            size_gib: 100,
            performance_level: None,
        };
        close(disk_cost(&p, "cn-hangzhou", &local, 720.0).unwrap(), 0.0);
        close(
            disks_cost(&p, "cn-hangzhou", &[d(None), local, d(None)], 10.0).unwrap(),
            2.0 * 40.0 * 0.0021 * 10.0,
        );
    }
}
