//! The discrete Laplace (two-sided geometric) distribution, drawn exactly with whole numbers
//! only, after Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy"
//! (2020), algorithms 1 and 2. A floating-point sampler would leak through the gaps between
//! the values it can produce; this one never leaves the integers.
//!
//! With scale b = t/s, P(X = x) = (1 − p) / (1 + p) · p^|x| where p = e^(−1/b): a count moved
//! by one changes the probability of any output by at most the factor e^(1/b), so ε = 1/b per
//! unit a person can move a cell.

use salon_protocol::NoiseScale;

use crate::error::PrivacyError;
use crate::random::RandomSource;

/// One draw from the discrete Laplace distribution with the given scale.
pub fn discrete_laplace(
    scale: NoiseScale,
    rng: &mut impl RandomSource,
) -> Result<i64, PrivacyError> {
    let t = u64::from(scale.numerator());
    let s = u64::from(scale.denominator());
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
