//! The wire format between a supporter's laptop and headquarters (事務局), and nothing else.
//!
//! This crate is the only definition of what leaves the laptop. Every type here holds integers,
//! dates without a time of day, and enumerated codes; there is no free-text field, no student
//! id, no name. Both sides parse with `deny_unknown_fields`, so an extra field is refused
//! rather than silently carried.

mod codes;
pub mod counts;
mod error;
pub mod events;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod kinds;
pub mod noise;
pub mod paths;
pub mod plausible;
pub mod release;
pub mod rule;
mod token;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use codes::{CampusCode, EnrolmentCode, Month};
pub use counts::{Cell, DayCounts, DayField, MonthBreakdown, SuppressionRule};
pub use error::{ErrorCode, ProtocolError};
pub use events::{EventCount, EventDaySnapshot, Participants};
pub use kinds::{EventKind, Format, PathStatus, Route, Topic};
pub use noise::{NoisePolicy, NoiseScale, NoisyCell, NoisyMonthBreakdown, Release};
pub use paths::{
    PathCalendar, PathPeriod, PathRelease, PathReleaseKey, PeriodBounds, SensitiveTopics,
};
pub use release::{MonthRelease, ReleaseKey};
pub use token::DeviceToken;

/// The API version both sides send in [`API_VERSION_HEADER`]; a mismatch is refused.
/// 2: a month snapshot states its visits (`breakdown.visits`), checked against its days.
/// 3: plausibility refusals name their snapshot (`ErrorBody.snapshot`); revision refusals say
/// which revisions headquarters holds (`ErrorBody.held`).
/// 4: related activities travel (`Upload.events`: events by kind with participants by group,
/// per campus and day, and online ones per device and day).
/// 5: visits by route and by topic travel under noise only (`Upload.releases`; a month
/// snapshot's `byRoute` and `byTopic` are empty), and enrolment and configuration carry
/// headquarters' noise policy (`noise`) and the releases it holds (`releasesHeld`); version 3
/// and 4 devices get neither field.
/// 6: path decisions travel per device and period under noise (`Upload.pathReleases`, over
/// the periods of `pathCalendar` in enrolment and configuration, with `pathReleasesHeld`); a
/// month snapshot's `pathDecisions` is then empty. Older devices get neither field.
/// 7: the sensitive topics (家庭のこと, 心身の不調) travel per device and period with the path
/// decisions (`PathRelease.sensitive`: students met and, of them, those who came about each),
/// and a month's release carries only the other topics (`Topic::MONTHLY`).
pub const API_VERSION: u32 = 7;
/// The oldest version headquarters still accepts, so supporters who have not updated yet are
/// not cut off; anything older is answered `api_version` ("update the app").
pub const MIN_API_VERSION: u32 = 3;
/// The first version whose month releases leave the sensitive topics to the period release.
pub const SENSITIVE_BY_PERIOD_FROM_VERSION: u32 = 7;

/// The topic cells a month's release carries from a device on API `version`.
pub fn topics_by_month(version: u32) -> &'static [Topic] {
    if version >= SENSITIVE_BY_PERIOD_FROM_VERSION {
        Topic::MONTHLY
    } else {
        Topic::ALL
    }
}
pub const API_VERSION_HEADER: &str = "x-salon-api-version";
/// The header that names one upload, so a retry is recognised and a different body refused.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The largest body headquarters accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The most snapshots one upload may carry.
pub const MAX_SNAPSHOTS: usize = 400;

/// One campus's figures for one day, as a whole. A higher revision replaces a lower one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaySnapshot {
    pub campus: CampusCode,
    pub day: NaiveDate,
    pub revision: u32,
    pub counts: DayCounts,
}

/// One campus's breakdowns for one month, small cells already hidden under `rule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonthSnapshot {
    pub campus: CampusCode,
    pub month: Month,
    pub revision: u32,
    /// The rule the device applied; headquarters refuses one laxer than its own.
    pub rule: SuppressionRule,
    pub breakdown: MonthBreakdown,
}

/// One upload: whole snapshots keyed by (device, campus, day or month). Sending the same
/// upload twice changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Upload {
    pub days: Vec<DaySnapshot>,
    pub months: Vec<MonthSnapshot>,
    /// Version 4 on; a version 3 upload has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventDaySnapshot>,
    /// Version 5 on: months released under noise, each sent as drawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<MonthRelease>,
    /// Version 6 on: path decisions released per period, each sent as drawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_releases: Vec<PathRelease>,
}

/// Headquarters' answer to an upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Receipt {
    /// Snapshots stored: new keys, or a higher revision replacing a lower one.
    pub stored: u32,
    /// Snapshots already held at this revision (a retry or a replay).
    pub unchanged: u32,
    /// Snapshots older than what is held (a reordered upload); ignored.
    pub stale: u32,
}

/// What the supporter types once to enrol the laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EnrolRequest {
    pub code: EnrolmentCode,
}

/// Headquarters' answer to an enrolment: the device's token (shown once, kept by the device;
/// the server keeps only its hash), the campuses it may report for, and the small-count rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Enrolment {
    pub token: DeviceToken,
    pub campuses: Vec<CampusCode>,
    pub rule: SuppressionRule,
    /// Version 5 on: the noise the device draws its releases with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoisePolicy>,
    /// Version 6 on: the periods path decisions are released for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_calendar: Option<PathCalendar>,
}

/// The rule and campuses in force, fetched before each sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceConfig {
    pub campuses: Vec<CampusCode>,
    pub rule: SuppressionRule,
    /// Version 5 on: the noise the device draws its releases with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise: Option<NoisePolicy>,
    /// Version 5 on: every release headquarters holds from this device; the device never draws
    /// or sends these again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases_held: Vec<ReleaseKey>,
    /// Version 6 on: the periods path decisions are released for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_calendar: Option<PathCalendar>,
    /// Version 6 on: every path release headquarters holds from this device.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_releases_held: Vec<PathReleaseKey>,
}

/// Which snapshot: a campus and its day or month, or a day's events at a campus or online
/// (campus `None`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum SnapshotKey {
    Day {
        campus: CampusCode,
        day: NaiveDate,
    },
    Month {
        campus: CampusCode,
        month: Month,
    },
    Events {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campus: Option<CampusCode>,
        day: NaiveDate,
    },
    /// One of a campus's month's releases under noise (version 5).
    Release {
        campus: CampusCode,
        month: Month,
        release: Release,
    },
    /// One of a device's path releases for a period (version 6).
    PathRelease(PathReleaseKey),
}

impl SnapshotKey {
    /// The campus, or none for online events and path releases (all campuses together).
    pub fn campus(&self) -> Option<&CampusCode> {
        match self {
            SnapshotKey::Day { campus, .. }
            | SnapshotKey::Month { campus, .. }
            | SnapshotKey::Release { campus, .. } => Some(campus),
            SnapshotKey::Events { campus, .. } => campus.as_ref(),
            SnapshotKey::PathRelease(_) => None,
        }
    }
}

impl DaySnapshot {
    pub fn key(&self) -> SnapshotKey {
        SnapshotKey::Day {
            campus: self.campus.clone(),
            day: self.day,
        }
    }
}

impl MonthSnapshot {
    pub fn key(&self) -> SnapshotKey {
        SnapshotKey::Month {
            campus: self.campus.clone(),
            month: self.month,
        }
    }
}

/// A snapshot headquarters refused for its revision, and the revision it holds: the device
/// sends its figures again above it. For `release_held` the snapshot is a release, which has no
/// revision (0): headquarters keeps the one it holds and the device stops sending its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HeldRevision {
    pub snapshot: SnapshotKey,
    pub revision: u32,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `suppression_broken`.
    pub code: ErrorCode,
    pub message: String,
    /// The snapshot a plausibility check refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotKey>,
    /// For `revision_conflict` and `revision_behind`: every snapshot refused for its revision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<HeldRevision>,
}

impl Upload {
    /// Whether the upload carries nothing at all.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
            && self.months.is_empty()
            && self.events.is_empty()
            && self.releases.is_empty()
            && self.path_releases.is_empty()
    }

    /// Checks what a parser cannot: sizes, every breakdown complete, and the small-count rule.
    pub fn check(&self, rule: &SuppressionRule) -> Result<(), ProtocolError> {
        let snapshots = self.days.len() + self.months.len() + self.events.len();
        if snapshots + self.releases.len() + self.path_releases.len() > MAX_SNAPSHOTS {
            return Err(ProtocolError::TooManySnapshots);
        }
        self.events.iter().try_for_each(EventDaySnapshot::check)?;
        self.months.iter().try_for_each(|m| m.check(rule))
    }

    /// Every snapshot through [`plausible`] on `today` (Asia/Tokyo); the first that fails, named.
    pub fn check_plausible(&self, today: NaiveDate) -> Result<(), (SnapshotKey, ProtocolError)> {
        for d in &self.days {
            plausible::check_day(d, today).map_err(|e| (d.key(), e))?;
        }
        for m in &self.months {
            plausible::check_month(m, today).map_err(|e| (m.key(), e))?;
        }
        for e in &self.events {
            events::check_events(e, today).map_err(|err| (e.key(), err))?;
        }
        for r in &self.releases {
            release::check_release(r, today).map_err(|err| (r.key(), err))?;
        }
        Ok(())
    }
}

impl MonthSnapshot {
    /// Whether the snapshot was hidden under a rule at least as strict as `rule` and passes it
    /// (`rule::check_breakdown`).
    pub fn check(&self, rule: &SuppressionRule) -> Result<(), ProtocolError> {
        if self.rule.k < rule.k || self.rule.sensitive_k < rule.sensitive_k {
            return Err(ProtocolError::RuleTooLax);
        }
        rule::check_breakdown(&self.breakdown, rule)
    }
}

#[cfg(test)]
mod tests;
