//! Breakdowns under noise: the scale a release declares and the noisy cells it carries
//! (ARCHITECTURE.md, "Breakdowns under noise"). The noise itself is drawn by `salon-privacy`
//! on the laptop; this module is the contract both sides read, and the checks headquarters
//! makes of what a device declares.

use serde::{Deserialize, Serialize};

use crate::{ProtocolError, Route, Topic};

/// A noise scale b = numerator / denominator, both from 1 to 2^20 (the sampler's loops stay
/// small and its products fit in 128 bits), kept in lowest terms. Parsing refuses anything
/// else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScaleParts", into = "ScaleParts")]
pub struct NoiseScale {
    numerator: u32,
    denominator: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ScaleParts {
    numerator: u32,
    denominator: u32,
}

impl TryFrom<ScaleParts> for NoiseScale {
    type Error = ProtocolError;
    fn try_from(parts: ScaleParts) -> Result<Self, ProtocolError> {
        NoiseScale::new(parts.numerator, parts.denominator)
    }
}

impl From<NoiseScale> for ScaleParts {
    fn from(scale: NoiseScale) -> Self {
        ScaleParts {
            numerator: scale.numerator,
            denominator: scale.denominator,
        }
    }
}

impl NoiseScale {
    const MAX_PART: u32 = 1 << 20;
    /// b = 1: ε = 1 per unit a cell moves.
    pub const ONE: NoiseScale = NoiseScale {
        numerator: 1,
        denominator: 1,
    };

    pub const fn new(numerator: u32, denominator: u32) -> Result<Self, ProtocolError> {
        let max = Self::MAX_PART;
        if numerator >= 1 && numerator <= max && denominator >= 1 && denominator <= max {
            // Kept in lowest terms, so that equal scales are equal values (2/2 is 1/1).
            let (mut a, mut b) = (numerator, denominator);
            while b != 0 {
                (a, b) = (b, a % b);
            }
            Ok(NoiseScale {
                numerator: numerator / a,
                denominator: denominator / a,
            })
        } else {
            Err(ProtocolError::BadNoiseScale)
        }
    }

    pub fn numerator(self) -> u32 {
        self.numerator
    }

    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// Whether this scale protects at least as much as `required` (b ≥ b_required), compared
    /// exactly, without rounding.
    pub fn at_least(self, required: NoiseScale) -> bool {
        u64::from(self.numerator) * u64::from(required.denominator)
            >= u64::from(required.numerator) * u64::from(self.denominator)
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

/// The noise on each kind of breakdown cell. Headquarters sets one as its policy (sent to
/// devices with their configuration); a device declares the one it drew with in every
/// release, and headquarters refuses a release whose scale is below its policy's anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoisePolicy {
    /// Visits by route (来談経路). One visit's route moves two cells by one.
    pub route: NoiseScale,
    /// Visits by a topic that is not sensitive. One visit moves each of its topics by one.
    pub topic: NoiseScale,
    /// 家庭のこと, 心身の不調 (要配慮個人情報): counted once per student, laptop, campus and month
    /// however often they came about it (an anonymous visit counts alone), so one student moves
    /// one laptop's cell by one.
    pub sensitive_topic: NoiseScale,
    /// Path decisions by kind (進路決定). A student's decision adds one to one cell.
    pub path: NoiseScale,
}

impl Default for NoisePolicy {
    /// The policy headquarters sets unless told otherwise: scale 1 everywhere.
    fn default() -> Self {
        NoisePolicy {
            route: NoiseScale::ONE,
            topic: NoiseScale::ONE,
            sensitive_topic: NoiseScale::ONE,
            path: NoiseScale::ONE,
        }
    }
}

impl NoisePolicy {
    /// The least noise any policy may set, on the laptop as at headquarters: b = 1/2 (ε = 2
    /// per unit a cell moves). A device refuses to draw below it whatever headquarters sends,
    /// as it refuses a small-count rule with k below 2.
    pub const FLOOR: NoiseScale = NoiseScale {
        numerator: 1,
        denominator: 2,
    };

    /// The most noise any policy may set or a release declare: b = 20. Beyond it no figure
    /// says anything, and one release declaring more would widen every interval it is added to.
    pub const CEILING: NoiseScale = NoiseScale {
        numerator: 20,
        denominator: 1,
    };

    fn scales(&self) -> [NoiseScale; 4] {
        [self.route, self.topic, self.sensitive_topic, self.path]
    }

    /// Whether every scale is from [`Self::FLOOR`] to [`Self::CEILING`].
    pub fn is_valid(&self) -> bool {
        self.scales()
            .iter()
            .all(|s| s.at_least(Self::FLOOR) && Self::CEILING.at_least(*s))
    }

    /// This policy with each scale brought within [`Self::FLOOR`]..=[`Self::CEILING`]: what a
    /// device draws with whatever headquarters sends, and what headquarters reads a damaged
    /// setting as.
    pub fn within_bounds(self) -> NoisePolicy {
        let bound = |s: NoiseScale| {
            if !s.at_least(Self::FLOOR) {
                Self::FLOOR
            } else if !Self::CEILING.at_least(s) {
                Self::CEILING
            } else {
                s
            }
        };
        NoisePolicy {
            route: bound(self.route),
            topic: bound(self.topic),
            sensitive_topic: bound(self.sensitive_topic),
            path: bound(self.path),
        }
    }

    /// The scale of a topic's cell.
    pub fn for_topic(&self, topic: Topic) -> NoiseScale {
        if topic.is_sensitive() {
            self.sensitive_topic
        } else {
            self.topic
        }
    }

    /// Whether every kind is protected at least as much as `required` says.
    pub fn at_least(&self, required: &NoisePolicy) -> bool {
        self.route.at_least(required.route)
            && self.topic.at_least(required.topic)
            && self.sensitive_topic.at_least(required.sensitive_topic)
            && self.path.at_least(required.path)
    }
}

/// Which of a month's two releases (7 and 49 days after it ends): each is drawn afresh over
/// the data as it then stands, and each counts in the privacy statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Release {
    First,
    Second,
}

/// One noisy cell: the exact count plus its own draw. It may be negative; it is sent as drawn,
/// because clamping would bias every sum headquarters makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoisyCell<C> {
    pub code: C,
    pub count: i64,
}

/// A campus's month of visits by route and by topic, every cell under noise, with the noise
/// the device declares. Every code of the catalogue is present, zeros too: a missing cell
/// would tell that it was empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoisyMonthBreakdown {
    pub release: Release,
    pub noise: NoisePolicy,
    pub by_route: Vec<NoisyCell<Route>>,
    pub by_topic: Vec<NoisyCell<Topic>>,
}

impl NoisyMonthBreakdown {
    /// What headquarters checks before it keeps a release for a month of `visits` exact visits:
    /// the declared noise is not below `required`, every code is there once and in order (the
    /// topics `topics`: `crate::topics_by_month` of the device's version), and no cell is
    /// further from what the visits allow (0 to `visits`) than noise can be.
    pub fn check(
        &self,
        visits: u32,
        required: &NoisePolicy,
        topics: &[Topic],
    ) -> Result<(), ProtocolError> {
        if !self.noise.at_least(required) {
            return Err(ProtocolError::RuleTooLax);
        }
        if !self.noise.is_valid() {
            return Err(ProtocolError::NoiseImplausible);
        }
        check_cells(&self.by_route, Route::ALL, visits, |_| self.noise.route)?;
        check_cells(&self.by_topic, topics, visits, |t| self.noise.for_topic(t))
    }
}

pub(crate) fn check_cells<C: Copy + PartialEq>(
    cells: &[NoisyCell<C>],
    codes: &[C],
    visits: u32,
    scale: impl Fn(C) -> NoiseScale,
) -> Result<(), ProtocolError> {
    if cells.len() != codes.len() || cells.iter().zip(codes).any(|(c, code)| c.code != *code) {
        return Err(ProtocolError::IncompleteBreakdown);
    }
    for cell in cells {
        let slack = i64::from(scale(cell.code).plausible_noise());
        if cell.count < -slack || cell.count > i64::from(visits) + slack {
            return Err(ProtocolError::NoiseImplausible);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(visits: i64) -> NoisyMonthBreakdown {
        NoisyMonthBreakdown {
            release: Release::First,
            noise: NoisePolicy::default(),
            by_route: Route::ALL
                .iter()
                .map(|&code| NoisyCell {
                    code,
                    count: visits,
                })
                .collect(),
            by_topic: Topic::MONTHLY
                .iter()
                .map(|&code| NoisyCell { code, count: -1 })
                .collect(),
        }
    }

    #[test]
    fn scales_out_of_range_are_refused_when_made_and_when_read() {
        assert!(NoiseScale::new(0, 1).is_err());
        assert!(NoiseScale::new(1, 0).is_err());
        assert!(NoiseScale::new(1 << 21, 1).is_err());
        assert!(NoiseScale::new(4, 3).is_ok());
        let read = |json: &str| serde_json::from_str::<NoiseScale>(json);
        assert_eq!(
            read(r#"{"numerator":4,"denominator":3}"#).unwrap(),
            NoiseScale::new(4, 3).unwrap()
        );
        assert!(read(r#"{"numerator":0,"denominator":3}"#).is_err());
        assert!(read(r#"{"numerator":1,"denominator":1,"epsilon":9}"#).is_err());
    }

    #[test]
    fn scales_compare_exactly() {
        let s = |n, d| NoiseScale::new(n, d).unwrap();
        assert!(s(2, 2).at_least(s(1, 1)) && s(1, 1).at_least(s(2, 2)));
        assert_eq!(s(200, 100), s(2, 1), "kept in lowest terms");
        assert_eq!((s(6, 4).numerator(), s(6, 4).denominator()), (3, 2));
        assert!(s(3, 2).at_least(s(1, 1)) && !s(1, 1).at_least(s(3, 2)));
        // 999999/1000000 is below 1 by a millionth: refused, not rounded up.
        assert!(!s(999_999, 1_000_000).at_least(s(1, 1)));
        assert_eq!(s(1, 1).plausible_noise(), 40);
        assert_eq!(s(1, 3).plausible_noise(), 14);
    }

    #[test]
    fn a_policy_below_the_floor_is_not_valid() {
        assert!(NoisePolicy::default().is_valid());
        let mut lax = NoisePolicy {
            path: NoiseScale::new(1, 2).unwrap(),
            ..NoisePolicy::default()
        };
        assert!(lax.is_valid());
        lax.sensitive_topic = NoiseScale::new(1, 3).unwrap();
        assert!(!lax.is_valid());
    }

    #[test]
    fn headquarters_refuses_less_noise_than_its_policy() {
        let required = NoisePolicy::default();
        assert_eq!(release(3).check(3, &required, Topic::MONTHLY), Ok(()));
        for lower in [
            |p: &mut NoisePolicy| p.route = NoiseScale::new(9, 10).unwrap(),
            |p: &mut NoisePolicy| p.topic = NoiseScale::new(1, 2).unwrap(),
            |p: &mut NoisePolicy| p.sensitive_topic = NoiseScale::new(99, 100).unwrap(),
            |p: &mut NoisePolicy| p.path = NoiseScale::new(1, 2).unwrap(),
        ] {
            let mut sent = release(3);
            lower(&mut sent.noise);
            assert_eq!(
                sent.check(3, &required, Topic::MONTHLY),
                Err(ProtocolError::RuleTooLax)
            );
        }
        let mut more = release(3);
        more.noise.route = NoiseScale::new(2, 1).unwrap();
        assert_eq!(more.check(3, &required, Topic::MONTHLY), Ok(()));
        // More than the ceiling would drown every sum it is added to.
        more.noise.route = NoiseScale::new(21, 1).unwrap();
        assert_eq!(
            more.check(3, &required, Topic::MONTHLY),
            Err(ProtocolError::NoiseImplausible)
        );
    }

    #[test]
    fn a_policy_is_brought_within_the_floor_and_the_ceiling() {
        let s = |n, d| NoiseScale::new(n, d).unwrap();
        let wild = NoisePolicy {
            route: s(1, 10),
            topic: s(100, 1),
            sensitive_topic: s(3, 2),
            path: s(20, 1),
        };
        assert!(!wild.is_valid());
        let bounded = wild.within_bounds();
        assert!(bounded.is_valid());
        assert_eq!(
            [
                bounded.route,
                bounded.topic,
                bounded.sensitive_topic,
                bounded.path
            ],
            [NoisePolicy::FLOOR, NoisePolicy::CEILING, s(3, 2), s(20, 1)]
        );
    }

    #[test]
    fn every_code_once_and_in_order() {
        let required = NoisePolicy::default();
        let mut missing = release(3);
        missing.by_topic.pop();
        let mut swapped = release(3);
        swapped.by_route.swap(0, 1);
        let mut twice = release(3);
        twice.by_route[1].code = twice.by_route[0].code;
        for sent in [missing, swapped, twice] {
            assert_eq!(
                sent.check(3, &required, Topic::MONTHLY),
                Err(ProtocolError::IncompleteBreakdown)
            );
        }
    }

    #[test]
    fn a_cell_noise_cannot_explain_is_refused() {
        let required = NoisePolicy::default();
        assert_eq!(release(45).check(5, &required, Topic::MONTHLY), Ok(()));
        assert_eq!(
            release(46).check(5, &required, Topic::MONTHLY),
            Err(ProtocolError::NoiseImplausible)
        );
        assert_eq!(release(-40).check(5, &required, Topic::MONTHLY), Ok(()));
        assert_eq!(
            release(-41).check(5, &required, Topic::MONTHLY),
            Err(ProtocolError::NoiseImplausible)
        );
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
        let extra = json.replacen('{', r#"{"exact":3,"#, 1);
        assert!(serde_json::from_str::<NoisyMonthBreakdown>(&extra).is_err());
    }
}
