//! A release as it leaves the laptop: every cell of the catalogue, zeros too, with its own
//! draw from the release's keyed generator (`keyed.rs`: the same exact cells of the same
//! release always get the same noise). This is the only way the crate turns exact counts into
//! something to send. The store's outbox keeps what it returns, so that a resend repeats the
//! same numbers byte for byte (docs/privacy.md, "Breakdowns under noise").

use std::collections::BTreeMap;

use salon_protocol::{
    Month, NoiseScale, NoisyCell, NoisyMonthBreakdown, PathPeriod, PathRelease, PathStatus,
    Release, Route, SensitiveTopics, Topic, NOISE,
};

use crate::error::PrivacyError;
use crate::keyed::{Input, KeyedRandom, NoiseKey};
use crate::sampler::discrete_laplace;

/// A campus's month as counted exactly on the laptop, before noise: visits by route, and
/// visits by topic (docs/privacy.md, "Breakdowns under noise"). A code that is absent counts
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

/// The named students met in a period and, of them, those who came
/// about each sensitive topic at least once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactSensitive {
    pub met: u32,
    pub by_topic: BTreeMap<Topic, u32>,
}

/// Draws one release of the campus `campus_id`'s month at the protocol's scales ([`NOISE`]),
/// from the generator keyed by `key` and this very release and exact cells.
pub fn release_month(
    key: &NoiseKey,
    campus_id: i64,
    month: Month,
    release: Release,
    exact: &ExactMonth,
) -> Result<NoisyMonthBreakdown, PrivacyError> {
    let mut input = Input::month(campus_id, month, release);
    counts(&mut input, Route::ALL, &exact.by_route);
    counts(&mut input, Topic::MONTHLY, &exact.by_topic);
    let rng = &mut KeyedRandom::new(key, &input);
    Ok(NoisyMonthBreakdown {
        release,
        by_route: noisy_cells(Route::ALL, &exact.by_route, NOISE.route, rng)?,
        by_topic: noisy_cells(Topic::MONTHLY, &exact.by_topic, NOISE.topic, rng)?,
    })
}

/// Draws one release of a device's period: its path decisions, and the students met and the
/// sensitive topics when the period carries them, each at the protocol's scale, from the
/// generator keyed by `key` and this very release and exact cells.
pub fn release_paths(
    key: &NoiseKey,
    period: PathPeriod,
    release: Release,
    exact: &ExactPeriod,
) -> Result<PathRelease, PrivacyError> {
    let mut input = Input::period(period, release);
    counts(&mut input, PathStatus::DECIDED, &exact.by_path);
    input.flag(exact.sensitive.is_some());
    if let Some(s) = &exact.sensitive {
        input.count(s.met);
        counts(&mut input, Topic::SENSITIVE, &s.by_topic);
    }
    let rng = &mut KeyedRandom::new(key, &input);
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

/// The exact cells of `codes`, in order, into the generator's input.
fn counts<C: Copy + Ord>(input: &mut Input, codes: &[C], exact: &BTreeMap<C, u32>) {
    for code in codes {
        input.count(exact.get(code).copied().unwrap_or(0));
    }
}

fn release_sensitive(
    exact: &ExactSensitive,
    rng: &mut KeyedRandom,
) -> Result<SensitiveTopics, PrivacyError> {
    let scale = NOISE.sensitive_topic;
    Ok(SensitiveTopics {
        met: noisy(exact.met, scale, rng)?,
        by_topic: noisy_cells(Topic::SENSITIVE, &exact.by_topic, scale, rng)?,
    })
}

fn noisy(count: u32, scale: NoiseScale, rng: &mut KeyedRandom) -> Result<i64, PrivacyError> {
    i64::from(count)
        .checked_add(discrete_laplace(scale, rng)?)
        .ok_or(PrivacyError::OutOfRange)
}

fn noisy_cells<C: Copy + Ord>(
    codes: &[C],
    exact: &BTreeMap<C, u32>,
    scale: NoiseScale,
    rng: &mut KeyedRandom,
) -> Result<Vec<NoisyCell<C>>, PrivacyError> {
    codes
        .iter()
        .map(|&code| {
            let count = noisy(exact.get(&code).copied().unwrap_or(0), scale, rng)?;
            Ok(NoisyCell { code, count })
        })
        .collect()
}
