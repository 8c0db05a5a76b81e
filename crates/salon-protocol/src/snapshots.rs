//! The snapshots an upload carries, whole: a campus's day, a campus's month exact, and the key
//! that names any snapshot of an upload (a day, a month, a day's events, a release).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::{CampusCode, Month};
use crate::counts::{DayCounts, MonthBreakdown};
use crate::noise::Release;

/// One campus's figures for one day, as a whole. A higher revision replaces a lower one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaySnapshot {
    pub campus: CampusCode,
    pub day: NaiveDate,
    pub revision: u32,
    pub counts: DayCounts,
}

/// One campus's month as it leaves exactly: its visits, by format. A higher revision replaces
/// a lower one. Everything else about a month's visits leaves only under noise
/// ([`MonthRelease`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonthSnapshot {
    pub campus: CampusCode,
    pub month: Month,
    pub revision: u32,
    pub breakdown: MonthBreakdown,
}

/// Which path release: a period, first or second. Headquarters lists those it holds from a
/// device in its configuration, so they are never drawn again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PathReleaseKey {
    pub from: Month,
    pub to: Month,
    pub release: Release,
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
    /// One of a campus's month's releases under noise.
    Release {
        campus: CampusCode,
        month: Month,
        release: Release,
    },
    /// One of a device's releases for a period.
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
