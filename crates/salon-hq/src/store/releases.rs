//! Months released under noise (protocol 5): checked against the policy and the device's own
//! days, kept as first received, and read back for the breakdowns headquarters shows.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{HeldRevision, Month, MonthRelease, NoisePolicy, NoisyMonthBreakdown};

use super::snapshots::Outcome;
use super::{ts, Store};
use crate::error::{HqError, Result};

/// A release as kept, with the exact visits it was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRelease {
    pub device: i64,
    pub campus: String,
    pub month: Month,
    pub visits: u64,
    pub breakdown: NoisyMonthBreakdown,
}

/// The noise every release must carry at least, as set at headquarters.
pub(crate) fn noise_policy(conn: &Connection) -> Result<NoisePolicy> {
    let json: String = conn.query_row("SELECT policy FROM noise_policy WHERE id = 1", [], |r| {
        r.get(0)
    })?;
    let policy: NoisePolicy =
        serde_json::from_str(&json).map_err(|_| HqError::Internal("stored noise policy"))?;
    if !policy.is_valid() {
        return Err(HqError::Internal("stored noise policy below the floor"));
    }
    Ok(policy)
}

/// The visits this device's days hold for a campus and month (its days are stored before its
/// releases, so those of the same upload count).
fn device_visits(conn: &Connection, device: i64, r: &MonthRelease) -> Result<u64> {
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let visits: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(visits), 0) FROM day_snapshots
             WHERE device_id = ?1 AND campus_code = ?2 AND day >= ?3 AND day <= ?4",
        )?
        .query_row(
            params![
                device,
                r.campus.as_str(),
                day(r.month.first_day()),
                day(r.month.last_day())
            ],
            |row| row.get(0),
        )?;
    u64::try_from(visits).map_err(|_| HqError::ImpossibleTotal)
}

/// Keeps a release the first time it comes; the same numbers again are unchanged; other
/// numbers for a key held are refused with the key (the device stops sending its own).
pub(super) fn store_release(
    tx: &Connection,
    device: i64,
    r: &MonthRelease,
    policy: &NoisePolicy,
    now: DateTime<Utc>,
) -> Result<Result<Outcome, HeldRevision>> {
    let visits = device_visits(tx, device, r)?;
    let capped = u32::try_from(visits).map_err(|_| HqError::ImpossibleTotal)?;
    r.breakdown.check(capped, policy)?;
    let month = r.month.to_string();
    let release = r.breakdown.release.as_str();
    let held: Option<String> = tx
        .prepare_cached(
            "SELECT breakdown FROM month_releases
             WHERE device_id = ?1 AND campus_code = ?2 AND month = ?3 AND release = ?4",
        )?
        .query_row(params![device, r.campus.as_str(), month, release], |row| {
            row.get(0)
        })
        .optional()?;
    if let Some(json) = held {
        let held: NoisyMonthBreakdown =
            serde_json::from_str(&json).map_err(|_| HqError::Internal("stored release"))?;
        return Ok(if held == r.breakdown {
            Ok(Outcome::Unchanged)
        } else {
            Err(HeldRevision {
                snapshot: r.key(),
                revision: 0,
            })
        });
    }
    let json = serde_json::to_string(&r.breakdown).map_err(|_| HqError::Internal("json"))?;
    tx.prepare_cached(
        "INSERT INTO month_releases
            (device_id, campus_code, month, release, breakdown, visits, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        device,
        r.campus.as_str(),
        month,
        release,
        json,
        visits as i64,
        ts(now)
    ])?;
    Ok(Ok(Outcome::Stored))
}

impl Store {
    pub fn noise_policy(&self) -> Result<NoisePolicy> {
        noise_policy(&self.read())
    }

    /// For each device, campus and month of `from..=to`, its latest release (the second once
    /// it has come: it holds the month's corrections).
    pub fn latest_releases(&self, from: Month, to: Month) -> Result<Vec<HeldRelease>> {
        self.releases_where(
            from,
            to,
            "AND release = (SELECT MAX(release) FROM month_releases l
                            WHERE l.device_id = r.device_id AND l.campus_code = r.campus_code
                              AND l.month = r.month)",
        )
    }

    /// Every release held for the months `from..=to`, each device's first before its second.
    pub fn all_releases(&self, from: Month, to: Month) -> Result<Vec<HeldRelease>> {
        self.releases_where(from, to, "")
    }

    fn releases_where(&self, from: Month, to: Month, which: &str) -> Result<Vec<HeldRelease>> {
        let conn = self.read();
        let mut stmt = conn.prepare(&format!(
            "SELECT device_id, campus_code, month, visits, breakdown FROM month_releases r
             WHERE month >= ?1 AND month <= ?2 {which}
             ORDER BY campus_code, month, device_id, release"
        ))?;
        let rows = stmt
            .query_map(params![from.to_string(), to.to_string()], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(device, campus, month, visits, json)| {
                let stored = || HqError::Internal("stored release");
                Ok(HeldRelease {
                    device,
                    campus,
                    month: Month::parse(&month).map_err(|_| stored())?,
                    visits: u64::try_from(visits).map_err(|_| stored())?,
                    breakdown: serde_json::from_str(&json).map_err(|_| stored())?,
                })
            })
            .collect()
    }
}

/// `'second' > 'first'` as text, so MAX(release) is the later one; kept true by this test.
#[cfg(test)]
mod tests {
    use super::*;
    use salon_protocol::Release;

    #[test]
    fn the_later_release_sorts_last_as_text() {
        assert!(Release::Second.as_str() > Release::First.as_str());
        let names: Vec<&str> = Release::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
    }

    #[test]
    fn the_migrated_policy_is_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("hq.db")).unwrap();
        assert_eq!(store.noise_policy().unwrap(), NoisePolicy::default());
    }
}
