//! What headquarters states from the breakdowns under noise (ARCHITECTURE.md, "Breakdowns under
//! noise"): for a period, each cell summed over every device, campus and month released, with
//! the variance of that sum (each cell's own, added), and its share of the released months'
//! visits with a 95 % interval. Sums of noisy cells cost no privacy beyond the releases, so any
//! period may be asked for; nothing here reads an exact breakdown.

use std::collections::BTreeSet;

use salon_protocol::{NoiseScale, NoisyCell, Route, Topic, NOISE};

use crate::error::Result;
use crate::figures::{CampusMonth, Period};
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

/// Adds each cell to its code's estimate (a release holds every code once, checked when it
/// was received).
fn add<C: Copy + PartialEq>(into: &mut [Estimate<C>], cells: &[NoisyCell<C>], scale: NoiseScale) {
    for c in cells {
        if let Some(e) = into.iter_mut().find(|e| e.code == c.code) {
            e.sum = e.sum.saturating_add(c.count);
            e.variance += scale.variance();
        }
    }
}

fn zeros<C: Copy>(codes: &[C]) -> Vec<Estimate<C>> {
    codes
        .iter()
        .map(|&code| Estimate {
            code,
            sum: 0,
            variance: 0.0,
        })
        .collect()
}

/// The breakdowns of `period` from the latest release of each device, campus and month; `rows`
/// (the period's day figures) say which campus-months had visits and are still to come.
pub fn compute(store: &Store, period: Period, rows: &[CampusMonth]) -> Result<NoisyBreakdowns> {
    let held = store.latest_releases(period.from, period.to)?;
    let mut out = NoisyBreakdowns {
        visits: 0,
        releases: held.len(),
        awaiting: Vec::new(),
        by_route: zeros(Route::ALL),
        by_topic: zeros(Topic::MONTHLY),
        paths: crate::path_estimates::compute(store, period)?,
    };
    // A month whose days hold no visits now (emptied by corrections after its release) says
    // nothing a share could use; its noise would only widen every interval.
    let held: Vec<_> = held.into_iter().filter(|r| r.visits > 0).collect();
    out.releases = held.len();
    let mut released = BTreeSet::new();
    for r in &held {
        out.visits += r.visits;
        add(&mut out.by_route, &r.breakdown.by_route, NOISE.route);
        add(&mut out.by_topic, &r.breakdown.by_topic, NOISE.topic);
        released.insert((r.campus.clone(), r.month));
    }
    out.awaiting = rows
        .iter()
        .filter(|row| row.counts.visits > 0)
        .map(|row| (row.campus.clone(), row.month))
        .filter(|key| !released.contains(key))
        .collect();
    Ok(out)
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
            variance: 132.0 * NoiseScale::ONE.variance(),
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
