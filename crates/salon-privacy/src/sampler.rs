//! The discrete Laplace (two-sided geometric) distribution, drawn exactly with whole numbers
//! only, after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
//! (2020), algorithms 1 and 2. A floating-point sampler would leak through the gaps between
//! the values it can produce; this one never leaves the integers.
//!
//! With scale b = t/s, P(X = x) = (1 − p) / (1 + p) · p^|x| where p = e^(−1/b): a count moved
//! by one changes the probability of any output by at most the factor e^(1/b), so ε = 1/b per
//! unit a person can move a cell.

use crate::random::RandomSource;
use crate::PrivacyError;

/// A noise scale b = numerator / denominator, both positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoiseScale {
    pub numerator: u32,
    pub denominator: u32,
}

impl NoiseScale {
    /// The largest part accepted: the sampler's loops stay small and its products in u128.
    const MAX_PART: u32 = 1 << 20;

    pub fn new(numerator: u32, denominator: u32) -> Result<Self, PrivacyError> {
        let ok = (1..=Self::MAX_PART).contains(&numerator)
            && (1..=Self::MAX_PART).contains(&denominator);
        if ok {
            Ok(NoiseScale {
                numerator,
                denominator,
            })
        } else {
            Err(PrivacyError::BadScale {
                numerator,
                denominator,
            })
        }
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
}

/// One draw from the discrete Laplace distribution with the given scale.
pub fn discrete_laplace(
    scale: NoiseScale,
    rng: &mut impl RandomSource,
) -> Result<i64, PrivacyError> {
    let t = u64::from(scale.numerator);
    let s = u64::from(scale.denominator);
    loop {
        // X = U + t·V is geometric with ratio e^(−1/t): U uniform in 0..t kept with
        // probability e^(−U/t), V geometric with ratio e^(−1).
        let u = rng.below(t)?;
        if !bernoulli_exp(u, t, rng)? {
            continue;
        }
        let mut v = 0u64;
        while bernoulli_exp(1, 1, rng)? {
            v += 1;
        }
        let magnitude = (u + t * v) / s;
        let negative = rng.below(2)? == 1;
        if negative && magnitude == 0 {
            continue; // zero would otherwise be drawn twice as often
        }
        let magnitude = i64::try_from(magnitude).unwrap_or(i64::MAX);
        return Ok(if negative { -magnitude } else { magnitude });
    }
}

/// A coin that comes up true with probability e^(−n/d), exactly (d > 0).
pub fn bernoulli_exp(n: u64, d: u64, rng: &mut impl RandomSource) -> Result<bool, PrivacyError> {
    let whole = n / d;
    for _ in 0..whole {
        if !bernoulli_exp_at_most_one(1, 1, rng)? {
            return Ok(false);
        }
    }
    bernoulli_exp_at_most_one(n % d, d, rng)
}

/// e^(−γ) for γ = n/d in [0, 1]: count K while coins of probability γ/K come up, and answer
/// whether K is odd (the series of e^(−γ) summed term by term).
fn bernoulli_exp_at_most_one(
    n: u64,
    d: u64,
    rng: &mut impl RandomSource,
) -> Result<bool, PrivacyError> {
    let mut k: u64 = 1;
    loop {
        let denominator = u128::from(d) * u128::from(k);
        let draw = match u64::try_from(denominator) {
            Ok(m) => u128::from(rng.below(m)?),
            // γ/K below 2^−64: the coin cannot come up in any run that ends.
            Err(_) => return Ok(k % 2 == 1),
        };
        if draw >= u128::from(n) {
            return Ok(k % 2 == 1);
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn scales_out_of_range_are_refused() {
        assert!(NoiseScale::new(0, 1).is_err());
        assert!(NoiseScale::new(1, 0).is_err());
        assert!(NoiseScale::new(1 << 21, 1).is_err());
        assert!(NoiseScale::new(4, 3).is_ok());
    }

    #[test]
    fn probabilities_add_up_to_one() {
        let scale = NoiseScale::new(1, 1).unwrap();
        let total: f64 = (-200..=200).map(|x| scale.probability(x)).sum();
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        let variance: f64 = (-200..=200)
            .map(|x| (x * x) as f64 * scale.probability(x))
            .sum();
        assert!((variance - scale.variance()).abs() < 1e-9, "{variance}");
    }

    #[test]
    fn bernoulli_exp_comes_up_as_often_as_it_should() {
        let mut rng = SeededRandom::new(11);
        for (n, d) in [(0u64, 1u64), (1, 3), (1, 1), (5, 2), (7, 3)] {
            let draws = 100_000;
            let hits = (0..draws)
                .filter(|_| bernoulli_exp(n, d, &mut rng).unwrap())
                .count();
            let expected = (-(n as f64) / d as f64).exp();
            let sd = (expected * (1.0 - expected) / draws as f64).sqrt();
            let seen = hits as f64 / draws as f64;
            assert!(
                (seen - expected).abs() <= 4.0 * sd + 1e-12,
                "{n}/{d}: {seen} against {expected}"
            );
        }
    }
}
