//! Money for people: thousands separators, and a horizon's total restated per day and per
//! month, so scenarios of different horizons read side by side. Display only: the CSV and
//! JSON outputs keep plain numbers.

use chrono::TimeDelta;

/// Days in the month of the per-month figures: a 30-day month (720 hours), the usual
/// billing month of monthly prices.
pub const MONTH_DAYS: f64 = 30.0;

/// `x` with two decimals and `,` between thousands: `12,345.68`, `-0.50`.
pub fn money(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let text = format!("{:.2}", x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    // no "-0.00"
    let sign = if x < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{frac}")
}

/// The horizon in days (at least a second's worth, so a division never blows up).
pub fn days(horizon: TimeDelta) -> f64 {
    (horizon.num_seconds().max(1) as f64) / 86_400.0
}

/// A total over `horizon` per day.
pub fn per_day(total: f64, horizon: TimeDelta) -> f64 {
    total / days(horizon)
}

/// A total over `horizon` per [`MONTH_DAYS`]-day month.
pub fn per_month(total: f64, horizon: TimeDelta) -> f64 {
    per_day(total, horizon) * MONTH_DAYS
}

/// `1,234.56 CNY over the horizon (617.28/day, 18,518.40/month)`.
pub fn with_rates(total: f64, currency: &str, horizon: TimeDelta) -> String {
    format!(
        "{} {currency} over the horizon ({}/day, {}/month)",
        money(total),
        money(per_day(total, horizon)),
        money(per_month(total, horizon))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(money(0.0), "0.00");
        assert_eq!(money(999.999), "1,000.00");
        assert_eq!(money(1234567.891), "1,234,567.89");
        assert_eq!(money(-12345.5), "-12,345.50");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(money(100.0), "100.00");
    }

    #[test]
    fn a_total_is_restated_per_day_and_month() {
        let week = TimeDelta::days(7);
        assert_eq!(per_day(700.0, week), 100.0);
        assert_eq!(per_month(700.0, week), 3000.0);
        assert_eq!(
            with_rates(50.0, "CNY", TimeDelta::hours(12)),
            "50.00 CNY over the horizon (100.00/day, 3,000.00/month)"
        );
    }
}
