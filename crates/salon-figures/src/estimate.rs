//! One code's estimate: noisy cells added up, with the variance of their sum (each cell's
//! own, added: the cells are drawn apart) and what is shown from it.

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.96;

/// One code over a period of months, as a share of the exact visits of the months released.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate<C> {
    pub code: C,
    /// The noisy cells added up; may be below zero for a rare code.
    pub sum: i64,
    /// The variance of `sum`: each added cell's noise variance.
    pub variance: f64,
}

impl<C> Estimate<C> {
    /// The count as shown: the sum, never below zero (a count cannot be).
    pub fn count(&self) -> u64 {
        u64::try_from(self.sum).unwrap_or(0)
    }

    /// The half-width of the 95 % interval, in visits.
    pub fn margin(&self) -> f64 {
        Z95 * self.variance.sqrt()
    }

    /// The share of `visits` in percent (clipped to 0–100) and the interval's half-width in
    /// percentage points; none without visits.
    pub fn share(&self, visits: u64) -> Option<(f64, f64)> {
        (visits > 0).then(|| {
            let v = visits as f64;
            let share = (self.sum as f64 / v * 100.0).clamp(0.0, 100.0);
            (share, self.margin() / v * 100.0)
        })
    }
}

/// One code over a period of the path calendar: a decided kind as a share of all decisions, or
/// a sensitive topic as a share of the students met, both noisy.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodEstimate<C> {
    pub code: C,
    /// The noisy cells added up; may be below zero for a rare code.
    pub sum: i64,
    /// The variance of `sum`.
    pub variance: f64,
    /// The share in percent (0–100) and its interval's half-width in points; none while the
    /// noisy denominator is not above 0.
    pub share: Option<(f64, f64)>,
}

impl<C> PeriodEstimate<C> {
    /// The count as shown: never below zero.
    pub fn count(&self) -> u64 {
        u64::try_from(self.sum).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salon_protocol::Route;

    #[test]
    fn a_share_is_clipped_and_its_interval_follows_the_variance() {
        let e = Estimate {
            code: Route::Outreach,
            sum: 150,
            // 132 cells of b = 1 (22 campuses × 6 months).
            variance: 132.0 * salon_protocol::NoiseScale::ONE.variance(),
        };
        let (share, margin) = e.share(757).unwrap();
        assert!((share - 19.815).abs() < 0.01, "{share}");
        // ±1.96·√(132 × 1.8407) / 757 = ±4.0 pt.
        assert!((margin - 4.04).abs() < 0.01, "{margin}");
        let below = Estimate {
            code: Route::Outreach,
            sum: -3,
            variance: 1.84,
        };
        assert_eq!(below.count(), 0);
        assert_eq!(below.share(10).unwrap().0, 0.0);
        assert_eq!(below.share(0), None);
    }
}
