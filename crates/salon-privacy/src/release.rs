//! A month's breakdown as it leaves the laptop: every cell of the catalogue, zeros too, with
//! its own fresh draw. This is the only way the crate turns exact counts into something to
//! send. The store's outbox (`release_outbox`) keeps what it returns, so that a resend repeats
//! the same numbers (ARCHITECTURE.md, "Breakdowns under noise").

use std::collections::BTreeMap;

use salon_protocol::{
    NoisePolicy, NoiseScale, NoisyCell, NoisyMonthBreakdown, PathPeriod, PathRelease, PathStatus,
    Release, Route, SensitiveTopics, Topic,
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

/// Draws one release of a month under `policy`, declaring it. Only the operating system's
/// generator is accepted: a seeded one (the simulation's) would make the noise reproducible.
/// A policy below [`NoisePolicy::FLOOR`] is refused whoever sent it.
pub fn release_month(
    exact: &ExactMonth,
    release: Release,
    policy: &NoisePolicy,
    rng: &mut OsRandom,
) -> Result<NoisyMonthBreakdown, PrivacyError> {
    if !policy.is_valid() {
        return Err(PrivacyError::PolicyTooLax);
    }
    Ok(NoisyMonthBreakdown {
        release,
        noise: *policy,
        by_route: noisy_cells(Route::ALL, &exact.by_route, |_| policy.route, rng)?,
        by_topic: noisy_cells(Topic::MONTHLY, &exact.by_topic, |_| policy.topic, rng)?,
    })
}

/// Draws one release of a device's period: its path decisions with the policy's path scale,
/// the students met and the sensitive topics with its sensitive scale, declaring both; refused
/// below the floor as a month's release is.
pub fn release_paths(
    exact: &ExactPeriod,
    period: PathPeriod,
    release: Release,
    policy: &NoisePolicy,
    rng: &mut OsRandom,
) -> Result<PathRelease, PrivacyError> {
    if !policy.is_valid() {
        return Err(PrivacyError::PolicyTooLax);
    }
    Ok(PathRelease {
        from: period.from,
        to: period.to,
        release,
        noise: policy.path,
        by_path: noisy_cells(PathStatus::DECIDED, &exact.by_path, |_| policy.path, rng)?,
        sensitive: exact
            .sensitive
            .as_ref()
            .map(|s| release_sensitive(s, policy.sensitive_topic, rng))
            .transpose()?,
    })
}

fn release_sensitive(
    exact: &ExactSensitive,
    scale: NoiseScale,
    rng: &mut OsRandom,
) -> Result<SensitiveTopics, PrivacyError> {
    Ok(SensitiveTopics {
        noise: scale,
        met: noisy(exact.met, scale, rng)?,
        by_topic: noisy_cells(Topic::SENSITIVE, &exact.by_topic, |_| scale, rng)?,
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
    scale: impl Fn(C) -> NoiseScale,
    rng: &mut OsRandom,
) -> Result<Vec<NoisyCell<C>>, PrivacyError> {
    codes
        .iter()
        .map(|&code| {
            let count = noisy(exact.get(&code).copied().unwrap_or(0), scale(code), rng)?;
            Ok(NoisyCell { code, count })
        })
        .collect()
}
