//! What headquarters states from the breakdowns under noise (ARCHITECTURE.md, "Breakdowns under
//! noise"): for a period, each cell summed over every device, campus and month released, with
//! the variance of that sum (each cell's own, added), and its share of the released months'
//! visits with a 95 % interval. Sums of noisy cells cost no privacy beyond the releases, so any
//! period may be asked for; nothing here reads an exact breakdown.

use salon_protocol::{Route, Topic, NOISE};

use crate::error::Result;
use crate::figures::Period;
use crate::store::Store;

/// z for a two-sided 95 % interval.
pub(crate) const Z95: f64 = 1.96;

/// One code's estimate over the period.
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

/// The period's breakdowns under noise.
#[derive(Debug, Clone, PartialEq)]
pub struct NoisyBreakdowns {
    /// The exact visits of the campus-months released: every share's denominator.
    pub visits: u64,
    /// Releases added (one per device, campus and month: its latest).
    pub releases: usize,
    /// Campus-months of the period with visits and no release yet (released 7 days after the
    /// month ends): not in the figures.
    pub awaiting: Vec<(String, salon_protocol::Month)>,
    pub by_route: Vec<Estimate<Route>>,
    /// The topics released per month (`Topic::MONTHLY`); the sensitive ones are stated per
    /// period, with the path decisions.
    pub by_topic: Vec<Estimate<Topic>>,
    /// Path decisions by kind and the sensitive topics, for a view that is a 年度 or the
    /// funder term of the path calendar; none for any other view.
    pub paths: Option<crate::path_estimates::PathEstimates>,
}

/// The breakdowns of `period` from the latest release of each device, campus and month, as
/// summed when they arrived (`Store::release_totals`); the campus-months with visits and no
/// release are still to come.
pub fn compute(store: &Store, period: Period) -> Result<NoisyBreakdowns> {
    let totals = store.release_totals(period.from, period.to)?;
    let n = totals.releases as f64;
    Ok(NoisyBreakdowns {
        visits: totals.visits,
        releases: totals.releases as usize,
        awaiting: store.awaiting_releases(period.from, period.to)?,
        by_route: estimates(&totals.by_route, n * NOISE.route.variance()),
        by_topic: estimates(&totals.by_topic, n * NOISE.topic.variance()),
        paths: crate::path_estimates::compute(store, period)?,
    })
}

/// Each code's sum, with the variance of as many cells as releases (every release holds every
/// code once, checked when it was received).
fn estimates<C: Copy>(sums: &[(C, i64)], variance: f64) -> Vec<Estimate<C>> {
    sums.iter()
        .map(|&(code, sum)| Estimate {
            code,
            sum,
            variance,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
