//! Where the random bits come from. The sampler draws only whole numbers from a
//! [`RandomSource`]: on a laptop from the release's keyed generator (`keyed.rs`), in the
//! simulation from a fixed seed.

use crate::error::PrivacyError;

/// A source of uniformly random 64-bit words.
pub trait RandomSource {
    fn next_u64(&mut self) -> Result<u64, PrivacyError>;

    /// A uniform whole number in `0..m` (m > 0), by rejection so no value is favoured: only
    /// words at or above `2^64 mod m` are used, leaving a multiple of m of them.
    fn below(&mut self, m: u64) -> Result<u64, PrivacyError> {
        debug_assert!(m > 0);
        let threshold = m.wrapping_neg() % m;
        loop {
            let x = self.next_u64()?;
            if x >= threshold {
                return Ok(x % m);
            }
        }
    }
}

/// SplitMix64 from a seed: repeatable, so the simulation and the sampler's tests give the same
/// figures every run. Predictable, so never used for a release.
#[derive(Debug, Clone)]
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    pub fn new(seed: u64) -> Self {
        SeededRandom { state: seed }
    }

    /// A uniform number in [0, 1), for the simulation's made-up world (never for noise).
    pub fn unit(&mut self) -> f64 {
        (self.step() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform index in `0..n` (n > 0), for the simulation's made-up world.
    pub fn below_usize(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        let threshold = n.wrapping_neg() % n;
        loop {
            let x = self.step();
            if x >= threshold {
                return (x % n) as usize;
            }
        }
    }

    fn step(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl RandomSource for SeededRandom {
    fn next_u64(&mut self) -> Result<u64, PrivacyError> {
        Ok(self.step())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn below_stays_in_range_and_reaches_every_value() {
        let mut r = SeededRandom::new(7);
        let mut seen = [0u32; 7];
        for _ in 0..7000 {
            let v = r.below(7).unwrap();
            seen[v as usize] += 1;
        }
        assert!(seen.iter().all(|&n| (850..1150).contains(&n)), "{seen:?}");
        assert_eq!(r.below(1).unwrap(), 0);
    }
}
