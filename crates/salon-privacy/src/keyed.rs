//! Keyed noise: the noise of a release is a function of a secret the laptop keeps in its
//! encrypted database and of exactly what is released (which campus, which period, which
//! release, the exact cells). The same input always gives the same noise, so a release drawn
//! again — after a lost answer, on a laptop restored from a backup older than the draw, at the
//! request of a headquarters that says it holds nothing — repeats the numbers it drew before
//! and gives nothing to average. Exact cells that differ give noise unrelated to the first.
//!
//! The generator is ChaCha20 keyed by the secret, its 96-bit nonce the first 12 bytes of
//! SHA-256 over an unambiguous encoding of the input: the keystream is a pseudo-random
//! function of the nonce for anyone without the key, and distinct inputs collide only with
//! probability about 2^−96 per pair.

use chacha20::cipher::{KeyIvInit, StreamCipher};
use chacha20::ChaCha20;
use chrono::Datelike;
use salon_protocol::{Month, PathPeriod, Release};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::PrivacyError;
use crate::random::RandomSource;

/// The laptop's noise secret: 32 random bytes, kept in salon.db (so a backup carries it and a
/// change of passphrase or key leaves it). Its `Debug` shows nothing.
#[derive(Clone)]
pub struct NoiseKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for NoiseKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NoiseKey(..)")
    }
}

impl NoiseKey {
    pub fn from_bytes(bytes: [u8; 32]) -> NoiseKey {
        NoiseKey(Zeroizing::new(bytes))
    }

    /// A new secret from the operating system's generator.
    pub fn generate() -> Result<NoiseKey, PrivacyError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(&mut bytes[..]).map_err(|_| PrivacyError::NoRandomness)?;
        Ok(NoiseKey(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// What a release is drawn for, encoded without ambiguity: a domain tag, then fixed-width
/// fields (the caller adds the exact cells in the catalogue's order). A change to what a
/// release holds (a code added to a catalogue) takes a new tag.
pub(crate) struct Input(Vec<u8>);

impl Input {
    fn tagged(tag: &str) -> Input {
        let mut bytes = Vec::with_capacity(128);
        bytes.extend_from_slice(&(tag.len() as u32).to_be_bytes());
        bytes.extend_from_slice(tag.as_bytes());
        Input(bytes)
    }

    /// A campus's month: the campus's local id (not its HQ code, which can change).
    pub(crate) fn month(campus_id: i64, month: Month, release: Release) -> Input {
        let mut input = Input::tagged("career-salon/month-release/1");
        input.0.extend_from_slice(&campus_id.to_be_bytes());
        input.push_month(month);
        input.0.push(release_byte(release));
        input
    }

    /// A device's period, all its campuses together.
    pub(crate) fn period(period: PathPeriod, release: Release) -> Input {
        let mut input = Input::tagged("career-salon/period-release/1");
        input.push_month(period.from);
        input.push_month(period.to);
        input.0.push(release_byte(release));
        input
    }

    /// A month as its year (4 bytes) and month number (1 byte).
    fn push_month(&mut self, month: Month) {
        let day = month.first_day();
        self.0.extend_from_slice(&day.year().to_be_bytes());
        self.0.push(day.month() as u8);
    }

    pub(crate) fn count(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_be_bytes());
    }

    /// A marker between groups of cells (whether a group is present at all).
    pub(crate) fn flag(&mut self, present: bool) {
        self.0.push(u8::from(present));
    }
}

fn release_byte(release: Release) -> u8 {
    match release {
        Release::First => 1,
        Release::Second => 2,
    }
}

/// The generator of one release's noise: the only one release functions draw from.
pub struct KeyedRandom {
    stream: ChaCha20,
}

impl std::fmt::Debug for KeyedRandom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyedRandom(..)")
    }
}

impl KeyedRandom {
    pub(crate) fn new(key: &NoiseKey, input: &Input) -> KeyedRandom {
        let digest = Sha256::digest(&input.0);
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&digest[..12]);
        KeyedRandom {
            stream: ChaCha20::new(key.as_bytes().into(), &nonce.into()),
        }
    }
}

impl RandomSource for KeyedRandom {
    fn next_u64(&mut self) -> Result<u64, PrivacyError> {
        let mut bytes = [0u8; 8];
        self.stream.apply_keystream(&mut bytes);
        Ok(u64::from_le_bytes(bytes))
    }
}
