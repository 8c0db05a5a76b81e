//! What many kinds of record share: the rows read back (campuses, devices, codes, sessions,
//! day totals), the limits on names and lifetimes, and time as stored (seconds since 1970).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use salon_protocol::{CampusCode, DayCounts, DayField, Month};

use crate::error::{HqError, Result};

/// How long an enrolment code is valid after it is issued.
pub const CODE_LIFETIME_SECS: i64 = 15 * 60;
/// How long an admin session lasts after login.
pub const SESSION_LIFETIME_SECS: i64 = 8 * 60 * 60;
/// How long a session lasts without a request.
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// The longest supporter or campus name accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// 管理者: sets campuses, terms, targets, accounts; issues codes; revokes devices.
    Manager,
    /// 閲覧者: reads the figures and the reports, changes nothing.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Manager, Role::Viewer];

    pub fn code(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(code: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or(HqError::BadForm("role"))
    }

    pub fn ja(self) -> &'static str {
        match self {
            Role::Manager => "管理者",
            Role::Viewer => "閲覧者",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampusRow {
    pub code: String,
    pub name: String,
    /// When it stopped taking new devices; its figures stay.
    pub retired_at: Option<DateTime<Utc>>,
}

/// The three headline targets for exactly the months `from..=to`, as the command line's
/// `set-target` gives them (see `HqStore::set_target`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub from: Month,
    pub to: Month,
    pub schools: u32,
    pub sessions: u32,
    pub visits: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: i64,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// When a new laptop last took the device over (its backup restored there).
    pub taken_over_at: Option<DateTime<Utc>>,
    pub last_upload_at: Option<DateTime<Utc>>,
    /// The app version (semver) it last named; none before it named one.
    pub app_version: Option<String>,
    /// The platform it last asked for an update on; none before its app asked.
    pub update_platform: Option<salon_protocol::updates::UpdatePlatform>,
}

/// A code as issued: shown once to the admin, never stored in the clear.
#[derive(Clone)]
pub struct IssuedCode {
    pub code: String,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for IssuedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCode")
            .field("code", &"..")
            .field("campuses", &self.campuses)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A code issued and not yet used, as the codes page lists it (never the code itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCode {
    /// The row, for cancelling it.
    pub id: i64,
    pub supporter: String,
    pub campuses: Vec<String>,
    pub expires_at: DateTime<Utc>,
    /// The device a takeover code takes over.
    pub takes_over: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSession {
    pub admin_id: i64,
    pub name: String,
    pub role: Role,
    /// The hash of this session's id, so a password change can end the others.
    pub(crate) id_hash: Vec<u8>,
}

impl AdminSession {
    pub fn may_change(&self) -> bool {
        self.role == Role::Manager
    }
}

/// One campus's day figures for one month, summed over days and over each device's latest
/// snapshot of each day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTotals {
    pub campus: String,
    pub month: Month,
    pub counts: DayCounts,
}

/// An authenticated device.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub(crate) id: i64,
    pub(crate) campuses: BTreeSet<CampusCode>,
    /// The app version it last named, as held.
    pub(crate) app_version: Option<String>,
}

/// The day figures of a row, from column `first` on, in `DayField` order.
pub(crate) fn counts_from(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<DayCounts> {
    let mut counts = DayCounts::default();
    for (i, f) in DayField::ALL.iter().enumerate() {
        let n: i64 = r.get(first + i)?;
        // A sum past u32 cannot be true: an error, never a clamp.
        let n =
            u32::try_from(n).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(first + i, n))?;
        counts.set(*f, n);
    }
    Ok(counts)
}

pub(crate) fn ts(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

pub(crate) fn from_ts(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or_default()
}

pub(crate) fn check_name(name: &str, field: &'static str) -> Result<String> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(HqError::BadForm(field));
    }
    Ok(name.to_owned())
}

/// The one place the store reads the clock: for the lines the audit chain writes about itself,
/// which no caller asks for. Every other time is the caller's.
pub(crate) fn server_now() -> DateTime<Utc> {
    Utc::now()
}

/// The schema version a database file is at (its `user_version`).
pub(crate) fn user_version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    Ok(v as usize)
}
