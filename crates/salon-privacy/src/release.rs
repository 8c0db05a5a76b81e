//! A month's breakdown as it leaves the laptop: every cell of the catalogue, zeros too, with
//! its own fresh draw. This is the only way the crate turns exact counts into something to
//! send. The store's outbox (`release_outbox`) keeps what it returns, so that a resend repeats
//! the same numbers (ARCHITECTURE.md, "Breakdowns under noise").

use std::collections::BTreeMap;

use salon_protocol::{
    NoiseScale, NoisyCell, NoisyMonthBreakdown, PathPeriod, PathRelease, PathStatus, Release,
    Route, SensitiveTopics, Topic, NOISE,
};

use crate::random::OsRandom;
use crate::{discrete_laplace, PrivacyError};

/// A campus's month as counted exactly on the laptop, before noise: visits by route, and
/// visits by topic (ARCHITECTURE.md, "Breakdowns under noise"). A code that is absent counts
/// 0; the sensitive topics are not released per month (`Topic::MONTHLY`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactMonth {
    pub by_route: BTreeMap<Route, u32>,
    pub by_topic: BTreeMap<Topic, u32>,
}

/// A device's period as counted exactly, before noise: decisions by kind, and the sensitive
/// topics unless the period does not carry them (`PathCalendar::sensitive_terms`). A code
/// that is absent counts 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactPeriod {
    pub by_path: BTreeMap<PathStatus, u32>,
    pub sensitive: Option<ExactSensitive>,
}

/// The students met in a period (each anonymous visit one) and, of them, those who came
/// about each sensitive topic at least once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactSensitive {
    pub met: u32,
    pub by_topic: BTreeMap<Topic, u32>,
}

/// Draws one release of a month at the protocol's scales ([`NOISE`]). Only the operating
/// system's generator is accepted: a seeded one (the simulation's) would make the noise
/// reproducible.
pub fn release_month(
    exact: &ExactMonth,
    release: Release,
    rng: &mut OsRandom,
) -> Result<NoisyMonthBreakdown, PrivacyError> {
    Ok(NoisyMonthBreakdown {
        release,
        by_route: noisy_cells(Route::ALL, &exact.by_route, NOISE.route, rng)?,
        by_topic: noisy_cells(Topic::MONTHLY, &exact.by_topic, NOISE.topic, rng)?,
    })
}

/// Draws one release of a device's period: its path decisions, and the students met and the
/// sensitive topics when the period carries them, each at the protocol's scale.
pub fn release_paths(
    exact: &ExactPeriod,
    period: PathPeriod,
    release: Release,
    rng: &mut OsRandom,
) -> Result<PathRelease, PrivacyError> {
    Ok(PathRelease {
        from: period.from,
        to: period.to,
        release,
        by_path: noisy_cells(PathStatus::DECIDED, &exact.by_path, NOISE.path, rng)?,
        sensitive: exact
            .sensitive
            .as_ref()
            .map(|s| release_sensitive(s, rng))
            .transpose()?,
    })
}

fn release_sensitive(
    exact: &ExactSensitive,
    rng: &mut OsRandom,
) -> Result<SensitiveTopics, PrivacyError> {
    let scale = NOISE.sensitive_topic;
    Ok(SensitiveTopics {
        met: noisy(exact.met, scale, rng)?,
        by_topic: noisy_cells(Topic::SENSITIVE, &exact.by_topic, scale, rng)?,
    })
}

fn noisy(count: u32, scale: NoiseScale, rng: &mut OsRandom) -> Result<i64, PrivacyError> {
    i64::from(count)
        .checked_add(discrete_laplace(scale, rng)?)
        .ok_or(PrivacyError::OutOfRange)
}

fn noisy_cells<C: Copy + Ord>(
    codes: &[C],
    exact: &BTreeMap<C, u32>,
    scale: NoiseScale,
    rng: &mut OsRandom,
) -> Result<Vec<NoisyCell<C>>, PrivacyError> {
    codes
        .iter()
        .map(|&code| {
            let count = noisy(exact.get(&code).copied().unwrap_or(0), scale, rng)?;
            Ok(NoisyCell { code, count })
        })
        .collect()
}
