//! Breakdowns under noise: the scales of protocol 1 and the noisy cells a release carries
//! (docs/privacy.md, "Breakdowns under noise"). The noise itself is drawn by `salon-privacy` on
//! the laptop; this module is the contract both sides read, and the checks headquarters makes
//! of what a device sends. The scales are constants of the protocol, not a setting: no
//! headquarters can ask a laptop for less noise, and changing them takes a new protocol.

use serde::{Deserialize, Serialize};

use crate::error::ProtocolError;
use crate::kinds::{Route, Topic};

/// A noise scale b = numerator / denominator, both from 1 to 2^20 (the sampler's loops stay
/// small and its products fit in 128 bits), kept in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoiseScale {
    numerator: u32,
    denominator: u32,
}

impl NoiseScale {
    const MAX_PART: u32 = 1 << 20;
    /// b = 1: ε = 1 per unit a cell moves.
    pub const ONE: NoiseScale = NoiseScale {
        numerator: 1,
        denominator: 1,
    };

    /// A scale, or `None` when a part is outside 1..=2^20.
    pub const fn new(numerator: u32, denominator: u32) -> Option<Self> {
        let max = Self::MAX_PART;
        if numerator >= 1 && numerator <= max && denominator >= 1 && denominator <= max {
            // Kept in lowest terms, so that equal scales are equal values (2/2 is 1/1).
            let (mut a, mut b) = (numerator, denominator);
            while b != 0 {
                (a, b) = (b, a % b);
            }
            Some(NoiseScale {
                numerator: numerator / a,
                denominator: denominator / a,
            })
        } else {
            None
        }
    }

    pub fn numerator(self) -> u32 {
        self.numerator
    }

    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// b as a number, for the arithmetic of precision (never for drawing).
    pub fn as_f64(self) -> f64 {
        f64::from(self.numerator) / f64::from(self.denominator)
    }

    /// ε for one unit of change in one cell: 1/b.
    pub fn epsilon(self) -> f64 {
        1.0 / self.as_f64()
    }

    /// p = e^(−1/b), the ratio between neighbouring probabilities.
    pub fn ratio(self) -> f64 {
        (-self.epsilon()).exp()
    }

    /// The variance of one draw: 2p / (1 − p)².
    pub fn variance(self) -> f64 {
        let p = self.ratio();
        2.0 * p / ((1.0 - p) * (1.0 - p))
    }

    /// The exact probability of drawing `x`, for the sampler's tests and the simulation.
    pub fn probability(self, x: i64) -> f64 {
        let p = self.ratio();
        (1.0 - p) / (1.0 + p) * p.powi(x.unsigned_abs().min(i32::MAX as u64) as i32)
    }

    /// The largest noise headquarters believes: 40·b, rounded up. A draw beyond it has
    /// probability 2p^(40b+1)/(1+p), below 10^−17 at any scale, so a cell further from what
    /// its visits allow cannot be noise and is refused.
    pub fn plausible_noise(self) -> u32 {
        (40 * u64::from(self.numerator)).div_ceil(u64::from(self.denominator)) as u32
    }
}

/// The noise on each kind of cell that leaves under noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoisePolicy {
    /// Visits by route (来談経路). One visit's route moves two cells by one.
    pub route: NoiseScale,
    /// Visits by a topic that is not sensitive. One visit moves each of its topics by one.
    pub topic: NoiseScale,
    /// 家庭のこと, 心身の不調 and the students met, per period: one student moves each cell by at
    /// most one.
    pub sensitive_topic: NoiseScale,
    /// Path decisions by kind (進路決定). A student's decision adds one to one cell.
    pub path: NoiseScale,
}

/// The noise of protocol 1: b = 1 for every kind (ε = 1 per unit a cell moves). Every laptop
/// draws with it and headquarters checks with it; nothing on the wire names a scale.
pub const NOISE: NoisePolicy = NoisePolicy {
    route: NoiseScale::ONE,
    topic: NoiseScale::ONE,
    sensitive_topic: NoiseScale::ONE,
    path: NoiseScale::ONE,
};

impl NoisePolicy {
    /// The scale of a topic's cell.
    pub fn for_topic(&self, topic: Topic) -> NoiseScale {
        if topic.is_sensitive() {
            self.sensitive_topic
        } else {
            self.topic
        }
    }
}

/// Which of a month's two releases (7 and 49 days after it ends): each is drawn afresh over
/// the data as it then stands, and each counts in the privacy statement.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "camelCase")]
pub enum Release {
    First,
    Second,
}

/// One noisy cell: the exact count plus its own draw. It may be negative; it is sent as drawn,
/// because clamping would bias every sum headquarters makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct NoisyCell<C> {
    pub code: C,
    pub count: i64,
}

/// A campus's month of visits by route and by topic (the topics of [`Topic::MONTHLY`]; the
/// sensitive ones go per period), every cell under [`NOISE`]. Every code is present, zeros
/// too: a missing cell would tell that it was empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoisyMonthBreakdown {
    pub release: Release,
    pub by_route: Vec<NoisyCell<Route>>,
    pub by_topic: Vec<NoisyCell<Topic>>,
}

impl NoisyMonthBreakdown {
    /// What headquarters checks before it keeps a release for a month of `visits` exact visits:
    /// every code is there once and in order, and no cell is further from what the visits
    /// allow (0 to `visits`) than noise can be.
    pub fn check(&self, visits: u32) -> Result<(), ProtocolError> {
        check_cells(&self.by_route, Route::ALL, visits, NOISE.route)?;
        check_cells(&self.by_topic, Topic::MONTHLY, visits, NOISE.topic)
    }
}

pub(crate) fn check_cells<C: Copy + PartialEq>(
    cells: &[NoisyCell<C>],
    codes: &[C],
    bound: u32,
    scale: NoiseScale,
) -> Result<(), ProtocolError> {
    if cells.len() != codes.len() || cells.iter().zip(codes).any(|(c, code)| c.code != *code) {
        return Err(ProtocolError::IncompleteBreakdown);
    }
    let slack = i64::from(scale.plausible_noise());
    if cells
        .iter()
        .any(|c| c.count < -slack || c.count > i64::from(bound) + slack)
    {
        return Err(ProtocolError::NoiseImplausible);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(count: i64) -> NoisyMonthBreakdown {
        NoisyMonthBreakdown {
            release: Release::First,
            by_route: Route::ALL
                .iter()
                .map(|&code| NoisyCell { code, count })
                .collect(),
            by_topic: Topic::MONTHLY
                .iter()
                .map(|&code| NoisyCell { code, count: -1 })
                .collect(),
        }
    }

    #[test]
    fn scales_out_of_range_are_refused_and_kept_in_lowest_terms() {
        assert!(NoiseScale::new(0, 1).is_none());
        assert!(NoiseScale::new(1, 0).is_none());
        assert!(NoiseScale::new(1 << 21, 1).is_none());
        let s = |n, d| NoiseScale::new(n, d).unwrap();
        assert_eq!(s(200, 100), s(2, 1));
        assert_eq!((s(6, 4).numerator(), s(6, 4).denominator()), (3, 2));
        assert_eq!(s(1, 1).plausible_noise(), 40);
        assert_eq!(s(1, 3).plausible_noise(), 14);
    }

    #[test]
    fn protocol_1_draws_every_kind_at_scale_1() {
        for scale in [NOISE.route, NOISE.topic, NOISE.sensitive_topic, NOISE.path] {
            assert_eq!(scale, NoiseScale::ONE);
        }
        assert_eq!(NOISE.for_topic(Topic::Family), NOISE.sensitive_topic);
    }

    #[test]
    fn every_code_once_and_in_order() {
        let mut missing = release(3);
        missing.by_topic.pop();
        let mut swapped = release(3);
        swapped.by_route.swap(0, 1);
        let mut twice = release(3);
        twice.by_route[1].code = twice.by_route[0].code;
        let mut sensitive = release(3);
        sensitive.by_topic.push(NoisyCell {
            code: Topic::Family,
            count: 0,
        });
        for sent in [missing, swapped, twice, sensitive] {
            assert_eq!(sent.check(3), Err(ProtocolError::IncompleteBreakdown));
        }
    }

    #[test]
    fn a_cell_noise_cannot_explain_is_refused() {
        assert_eq!(release(45).check(5), Ok(()));
        assert_eq!(release(46).check(5), Err(ProtocolError::NoiseImplausible));
        assert_eq!(release(-40).check(5), Ok(()));
        assert_eq!(release(-41).check(5), Err(ProtocolError::NoiseImplausible));
        assert_eq!(
            ProtocolError::NoiseImplausible.code().as_str(),
            "noise_implausible"
        );
    }

    #[test]
    fn a_release_reads_back_as_sent_and_refuses_extra_fields() {
        let sent = release(2);
        let json = serde_json::to_string(&sent).unwrap();
        assert!(json.contains(r#""release":"first""#), "{json}");
        assert_eq!(
            serde_json::from_str::<NoisyMonthBreakdown>(&json).unwrap(),
            sent
        );
        for extra in [
            r#"{"exact":3,"#,
            r#"{"noise":{"route":{"numerator":9,"denominator":1}},"#,
        ] {
            let extra = json.replacen('{', extra, 1);
            assert!(serde_json::from_str::<NoisyMonthBreakdown>(&extra).is_err());
        }
    }
}
