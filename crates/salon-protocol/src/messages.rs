//! The messages between a laptop and headquarters: enrolment, the device's configuration,
//! the upload of snapshots and its receipt, the error body; the headers and limits they travel
//! with.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{CampusCode, EnrolmentCode};
use crate::error::{ErrorCode, ProtocolError};
use crate::events::EventDaySnapshot;
use crate::path_decisions::{PathCalendar, PathRelease};
use crate::release::{MonthRelease, ReleaseKey};
use crate::snapshots::{DaySnapshot, MonthSnapshot, PathReleaseKey, SnapshotKey};
use crate::token::DeviceToken;

/// The protocol both sides speak, sent in [`API_VERSION_HEADER`] with every device request.
/// Headquarters answers any other `api_version` ("update the app"); nothing branches on it.
/// A change to the wire after 1.0 is a new endpoint (both sides refuse unknown fields) or the
/// next version, which laptops reach through the app's update.
pub const API_VERSION: u32 = 1;
pub const API_VERSION_HEADER: &str = "x-salon-api-version";
/// The header that carries the app's own version (semver, e.g. `1.0.0`) with every device
/// request, so headquarters can name the laptops that run an older app.
pub const APP_VERSION_HEADER: &str = "x-salon-app-version";
/// The header that names one upload, so a retry is recognised and a different body refused.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// The largest body headquarters accepts.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The most snapshots one upload may carry.
pub const MAX_SNAPSHOTS: usize = 400;

/// One upload: whole snapshots keyed by (device, campus, day or month). Sending the same
/// upload twice changes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Upload {
    pub days: Vec<DaySnapshot>,
    pub months: Vec<MonthSnapshot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventDaySnapshot>,
    /// Campus-months released under noise, each sent as drawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases: Vec<MonthRelease>,
    /// Periods released under noise, each sent as drawn.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_releases: Vec<PathRelease>,
}

/// Headquarters' answer to an upload.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
/// the server keeps only its hash), the campuses it may report for, and the periods its path
/// decisions are released for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Enrolment {
    pub token: DeviceToken,
    pub campuses: Vec<CampusCode>,
    pub path_calendar: PathCalendar,
}

/// The campuses and calendar in force, fetched before each sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeviceConfig {
    pub campuses: Vec<CampusCode>,
    /// Every release headquarters holds from this device; the device never draws or sends
    /// these again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub releases_held: Vec<ReleaseKey>,
    /// The periods path decisions are released for.
    pub path_calendar: PathCalendar,
    /// Every path release headquarters holds from this device.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_releases_held: Vec<PathReleaseKey>,
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
    /// Stable snake_case code, e.g. `day_in_future`.
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

    /// Checks what a parser cannot: sizes, and every breakdown complete and adding up.
    pub fn check(&self) -> Result<(), ProtocolError> {
        let snapshots = self.days.len() + self.months.len() + self.events.len();
        if snapshots + self.releases.len() + self.path_releases.len() > MAX_SNAPSHOTS {
            return Err(ProtocolError::TooManySnapshots);
        }
        self.events.iter().try_for_each(EventDaySnapshot::check)?;
        self.months.iter().try_for_each(|m| m.breakdown.check())
    }

    /// Every snapshot through [`plausible`] on `today` (Asia/Tokyo); the first that fails, named.
    pub fn check_plausible(&self, today: NaiveDate) -> Result<(), (SnapshotKey, ProtocolError)> {
        for d in &self.days {
            crate::plausible::check_day(d, today).map_err(|e| (d.key(), e))?;
        }
        for m in &self.months {
            crate::plausible::check_month(m, today).map_err(|e| (m.key(), e))?;
        }
        for e in &self.events {
            crate::events::check_events(e, today).map_err(|err| (e.key(), err))?;
        }
        for r in &self.releases {
            crate::release::check_release(r, today).map_err(|err| (r.key(), err))?;
        }
        Ok(())
    }
}

// Which snapshot of an upload each release and each day's events is.

impl MonthRelease {
    pub fn key(&self) -> SnapshotKey {
        SnapshotKey::Release {
            campus: self.campus.clone(),
            month: self.month,
            release: self.breakdown.release,
        }
    }
}

impl PathRelease {
    pub fn key(&self) -> SnapshotKey {
        SnapshotKey::PathRelease(self.release_key())
    }
}

impl EventDaySnapshot {
    pub fn key(&self) -> SnapshotKey {
        SnapshotKey::Events {
            campus: self.campus.clone(),
            day: self.day,
        }
    }
}
