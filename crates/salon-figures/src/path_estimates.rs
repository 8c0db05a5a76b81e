//! What headquarters states of path decisions (docs/privacy.md, "Paths per device and
//! period"): for a period of the path calendar (a 年度 or the funder term), each kind summed
//! over the latest release of every device, its share of the noisy total, and a delta-method
//! 95 % interval; and from the same releases the sensitive topics (`sensitive_estimates`).

use salon_protocol::{PathPeriod, PathRelease, PathStatus};

use crate::estimate::{PeriodEstimate, Z95};
use crate::sensitive_estimates::SensitiveEstimates;

pub type PathEstimate = PeriodEstimate<PathStatus>;

/// The path decisions of a calendar period.
#[derive(Debug, Clone, PartialEq)]
pub struct PathEstimates {
    pub period: PathPeriod,
    /// Devices whose release is added (their latest).
    pub releases: usize,
    /// Devices with a salon in the period and no release of it yet.
    pub awaiting: usize,
    /// All kinds together, as shown (never below zero).
    pub total: u64,
    pub by_path: Vec<PathEstimate>,
    /// 家庭のこと and 心身の不調 among the students met.
    pub sensitive: SensitiveEstimates,
}

impl PathEstimates {
    /// The estimates from the latest release of each device for `period`; `awaiting` devices
    /// had a salon in it and sent no release yet.
    pub fn from_releases(
        period: PathPeriod,
        releases: &[PathRelease],
        awaiting: usize,
    ) -> PathEstimates {
        let variance = salon_protocol::NOISE.path.variance();
        let mut sums: Vec<(PathStatus, i64, f64)> =
            PathStatus::DECIDED.iter().map(|&c| (c, 0, 0.0)).collect();
        for release in releases {
            for (into, cell) in sums.iter_mut().zip(&release.by_path) {
                into.1 = into.1.saturating_add(cell.count);
                into.2 += variance;
            }
        }
        let (total, by_path) = shares(&sums);
        PathEstimates {
            period,
            releases: releases.len(),
            awaiting,
            total: u64::try_from(total).unwrap_or(0),
            by_path,
            sensitive: SensitiveEstimates::from_releases(releases),
        }
    }
}

/// Each kind's share of the noisy total T = Σ S_k, p_k = S_k / T, and by the delta method
/// Var p_k ≈ (Var S_k·(1 − 2p_k) + p_k²·Σ_j Var S_j) / T² (independent cells, so
/// Cov(S_k, T) = Var S_k); equal to (Var S_k·(1 − p_k)² + p_k²·Σ_{j≠k} Var S_j) / T², never
/// below 0. A kind whose sum is below 0 counts 0 in the total and has share 0.
pub fn shares(sums: &[(PathStatus, i64, f64)]) -> (i64, Vec<PathEstimate>) {
    let total: i64 = sums.iter().map(|s| s.1.max(0)).sum();
    let all_variance: f64 = sums.iter().map(|s| s.2).sum();
    let estimates = sums
        .iter()
        .map(|&(code, sum, variance)| {
            let share = (total > 0).then(|| {
                let t = total as f64;
                let p = (sum.max(0) as f64 / t).clamp(0.0, 1.0);
                let var_p = (variance * (1.0 - 2.0 * p) + p * p * all_variance) / (t * t);
                (p * 100.0, Z95 * var_p.max(0.0).sqrt() * 100.0)
            });
            PathEstimate {
                code,
                sum,
                variance,
                share,
            }
        })
        .collect();
    (total, estimates)
}

#[cfg(test)]
mod tests {
    use super::*;
    use salon_protocol::NoiseScale;

    #[test]
    fn shares_of_the_noisy_total_with_the_delta_method() {
        // Four laptops at b = 1: each kind's sum has variance 4 × 1.84.
        let v = 4.0 * NoiseScale::ONE.variance();
        let sums = [
            (PathStatus::FurtherStudy, 60, v),
            (PathStatus::Employment, 40, v),
            (PathStatus::Other, 20, v),
        ];
        let (total, e) = shares(&sums);
        assert_eq!(total, 120);
        let (p, m) = e[0].share.unwrap();
        assert!((p - 50.0).abs() < 1e-9, "{p}");
        // p = 0.5: (V·0 + 0.25·3V) / 120² → ±1.96·√(0.75·7.363)/120 = ±3.84 points.
        assert!((m - 3.84).abs() < 0.01, "{m}");
        let (p, m) = e[2].share.unwrap();
        assert!((p - 16.667).abs() < 0.01, "{p}");
        // p = 1/6: (V·(2/3) + (1/36)·3V) / 120², also 0.75·V / 120²: ±3.84 points.
        assert!((m - 3.84).abs() < 0.01, "{m}");
    }

    #[test]
    fn a_kind_below_zero_counts_zero_and_no_total_has_no_share() {
        let sums = [
            (PathStatus::FurtherStudy, 3, 1.84),
            (PathStatus::Employment, -2, 1.84),
            (PathStatus::Other, 0, 1.84),
        ];
        let (total, e) = shares(&sums);
        assert_eq!(total, 3);
        assert_eq!(e[1].count(), 0);
        assert_eq!(e[1].share.unwrap().0, 0.0);
        let nothing = [(PathStatus::FurtherStudy, -1, 1.84)];
        assert_eq!(shares(&nothing).1[0].share, None);
    }
}
