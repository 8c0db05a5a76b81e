//! What headquarters states of 家庭のこと and 心身の不調 (docs/privacy.md, "Legal wording" and
//! "Paths per device and period"): for a calendar period, the students met
//! and, of them, those who came about each sensitive topic, each summed over the latest period
//! release of every device that carries them, and each topic as a share of the students met
//! with a delta-method 95 % interval. Nothing here reads an exact count.

use salon_protocol::{PathRelease, Topic};

use crate::estimate::{PeriodEstimate, Z95};

/// The sensitive topics of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitiveEstimates {
    /// Devices whose latest release carries them (a second term of a 年度 does not).
    pub releases: usize,
    /// The students met, summed (may be below zero only by noise), and its variance.
    pub students: i64,
    pub students_variance: f64,
    pub by_topic: Vec<PeriodEstimate<Topic>>,
}

impl SensitiveEstimates {
    /// The students met as shown: never below zero.
    pub fn students_shown(&self) -> u64 {
        u64::try_from(self.students).unwrap_or(0)
    }

    /// Sums the releases' sensitive cells (those that have them).
    pub fn from_releases(held: &[PathRelease]) -> SensitiveEstimates {
        let mut students = (0i64, 0.0f64);
        let mut sums: Vec<(Topic, i64, f64)> =
            Topic::SENSITIVE.iter().map(|&t| (t, 0, 0.0)).collect();
        let mut releases = 0;
        for s in held.iter().filter_map(|r| r.sensitive.as_ref()) {
            releases += 1;
            let variance = salon_protocol::NOISE.sensitive_topic.variance();
            students = (students.0.saturating_add(s.met), students.1 + variance);
            for cell in &s.by_topic {
                if let Some(into) = sums.iter_mut().find(|x| x.0 == cell.code) {
                    into.1 = into.1.saturating_add(cell.count);
                    into.2 += variance;
                }
            }
        }
        SensitiveEstimates {
            releases,
            students: students.0,
            students_variance: students.1,
            by_topic: shares(students, &sums),
        }
    }
}

/// Each topic's share of the students met N: p = S / N, and by the delta method
/// Var p ≈ (Var S + p²·Var N) / N² (S and N are drawn apart, so independent). A sum below 0
/// counts 0; no share while N is not above 0.
pub fn shares((n, var_n): (i64, f64), sums: &[(Topic, i64, f64)]) -> Vec<PeriodEstimate<Topic>> {
    sums.iter()
        .map(|&(code, sum, variance)| {
            let share = (n > 0).then(|| {
                let t = n as f64;
                let p = (sum.max(0) as f64 / t).clamp(0.0, 1.0);
                let var_p = (variance + p * p * var_n) / (t * t);
                (p * 100.0, Z95 * var_p.sqrt() * 100.0)
            });
            PeriodEstimate {
                code,
                sum,
                variance,
                share,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use salon_protocol::NoiseScale;

    #[test]
    fn a_topic_is_a_share_of_the_students_met_with_the_delta_method() {
        // Four laptops at b = 1: every sum has variance 4 × 1.84 = 7.363.
        let v = 4.0 * NoiseScale::ONE.variance();
        let e = shares(
            (200, v),
            &[(Topic::Family, 30, v), (Topic::Wellbeing, -3, v)],
        );
        let (p, m) = e[0].share.unwrap();
        assert!((p - 15.0).abs() < 1e-9, "{p}");
        // ±1.96·√((7.363 + 0.0225·7.363) / 200²) = ±2.69 points.
        assert!((m - 2.69).abs() < 0.01, "{m}");
        assert_eq!((e[1].count(), e[1].share.unwrap().0), (0, 0.0));
        assert_eq!(shares((0, v), &[(Topic::Family, 3, v)])[0].share, None);
    }
}
