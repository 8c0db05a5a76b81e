//! What headquarters states from the breakdowns under noise (docs/privacy.md): for a period,
//! each cell summed over every device, campus and month released, with the variance of that
//! sum, and its share of the released months' visits with a 95 % interval. Sums of noisy cells
//! cost no privacy beyond the releases, so any period may be asked for; nothing here reads an
//! exact breakdown.

use salon_protocol::{Month, Route, Topic, NOISE};

use crate::estimate::Estimate;
use crate::path_estimates::PathEstimates;

/// A period's latest releases with visits, summed as they arrived: how many, their visits, and
/// each cell by code (every code, zeros too).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReleaseTotals {
    pub releases: u64,
    pub visits: u64,
    pub by_route: Vec<(Route, i64)>,
    pub by_topic: Vec<(Topic, i64)>,
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
    pub awaiting: Vec<(String, Month)>,
    pub by_route: Vec<Estimate<Route>>,
    /// The topics released per month (`Topic::MONTHLY`); the sensitive ones are stated per
    /// period, with the path decisions.
    pub by_topic: Vec<Estimate<Topic>>,
    /// Path decisions by kind and the sensitive topics, for a view that is a 年度 or the
    /// funder term of the path calendar; none for any other view.
    pub paths: Option<PathEstimates>,
}

impl NoisyBreakdowns {
    /// The breakdowns from the latest release of each device, campus and month summed, the
    /// campus-months still to come, and the path estimates if the period has them.
    pub fn from_totals(
        totals: &ReleaseTotals,
        awaiting: Vec<(String, Month)>,
        paths: Option<PathEstimates>,
    ) -> NoisyBreakdowns {
        let n = totals.releases as f64;
        NoisyBreakdowns {
            visits: totals.visits,
            releases: totals.releases as usize,
            awaiting,
            by_route: estimates(&totals.by_route, n * NOISE.route.variance()),
            by_topic: estimates(&totals.by_topic, n * NOISE.topic.variance()),
            paths,
        }
    }
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
    fn every_code_carries_the_variance_of_as_many_cells_as_releases() {
        let totals = ReleaseTotals {
            releases: 132,
            visits: 757,
            by_route: vec![(Route::Outreach, 150)],
            by_topic: vec![(Topic::MONTHLY[0], 9)],
        };
        let b = NoisyBreakdowns::from_totals(&totals, Vec::new(), None);
        assert_eq!((b.visits, b.releases), (757, 132));
        let v = 132.0 * NOISE.route.variance();
        assert_eq!(b.by_route[0].variance, v);
        assert_eq!(b.by_topic[0].variance, 132.0 * NOISE.topic.variance());
    }
}
