//! Capped exponential backoff with jitter, so many laptops coming back online at once do not
//! all knock at the same moment.

use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base: Duration::from_secs(15),
            cap: Duration::from_secs(30 * 60),
        }
    }
}

impl Backoff {
    /// The wait before try number `attempt` (0 = the first retry): base·2^attempt, at most the
    /// cap, then scaled by a random factor in [0.5, 1.0).
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_with(attempt, random_unit())
    }

    /// `delay` with the random factor given: `unit` in [0, 1).
    pub fn delay_with(&self, attempt: u32, unit: f64) -> Duration {
        let grown = self
            .base
            .saturating_mul(2u32.saturating_pow(attempt.min(30)));
        let capped = grown.min(self.cap);
        capped.mul_f64(0.5 + unit.clamp(0.0, 1.0) / 2.0)
    }
}

fn random_unit() -> f64 {
    let mut bytes = [0u8; 4];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_stop_at_the_cap() {
        let b = Backoff {
            base: Duration::from_secs(10),
            cap: Duration::from_secs(300),
        };
        assert_eq!(
            b.delay_with(0, 0.999_999),
            Duration::from_secs(10).mul_f64(0.999_999_5)
        );
        assert_eq!(b.delay_with(2, 0.0), Duration::from_secs(20));
        assert_eq!(b.delay_with(10, 0.0), Duration::from_secs(150));
        assert_eq!(b.delay_with(u32::MAX, 0.0), Duration::from_secs(150));
        for attempt in 0..40 {
            let d = b.delay(attempt);
            assert!(
                d >= Duration::from_secs(5) && d < Duration::from_secs(300),
                "{d:?}"
            );
        }
    }
}
