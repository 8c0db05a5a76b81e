//! The system's random numbers, in the trait version `hpke` takes (its re-exported rand_core).

use hpke::rand_core::{CryptoRng, RngCore};

/// Fills from the operating system. A failure there leaves nothing safe to do but stop: keys
/// from a fallback would be guessable.
pub(crate) struct SystemRandom;

pub(crate) fn fill(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the system's random number generator failed");
}

impl RngCore for SystemRandom {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0u8; 4];
        fill(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        fill(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        fill(dest);
    }
}

impl CryptoRng for SystemRandom {}
