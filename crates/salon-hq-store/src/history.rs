//! Where each figure came from: a campus's days in a month (summed over devices' latest
//! snapshots), every revision of one day (which device, when, what it said), and the devices
//! that have gone quiet. Month breakdown revisions are kept but not read here, one by one.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::params;
use salon_protocol::{DayCounts, DayField, Month};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::{counts_from, from_ts, DeviceRow};
use crate::error::{HqError, Result};

/// One accepted revision of a day snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRevision {
    pub device_id: i64,
    pub supporter: String,
    pub revision: u32,
    pub received_at: DateTime<Utc>,
    pub counts: DayCounts,
    /// Whether it is the device's latest: the one the figures add up.
    pub current: bool,
}

/// The shortest and longest silence headquarters can be asked to flag.
pub const QUIET_DAYS: std::ops::RangeInclusive<u32> = 1..=365;

impl HqStore {
    /// Each day of a campus's month with something held, and its figures (the sum over
    /// devices of each one's latest snapshot), in day order.
    pub fn campus_days(&self, campus: &str, month: Month) -> Result<Vec<(NaiveDate, DayCounts)>> {
        let conn = self.read();
        let sums: Vec<String> = DayField::ALL
            .iter()
            .map(|f| format!("SUM({})", f.name()))
            .collect();
        let mut stmt = conn.prepare(&format!(
            "SELECT day, {} FROM day_snapshots
             WHERE campus_code = ?1 AND substr(day, 1, 7) = ?2 GROUP BY day ORDER BY day",
            sums.join(", ")
        ))?;
        let rows = stmt
            .query_map(params![campus, month.to_string()], |r| {
                Ok((r.get::<_, String>(0)?, counts_from(r, 1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(day, counts)| Ok((parse_day(&day)?, counts)))
            .collect()
    }

    /// Every revision of a campus's day, device by device, oldest first.
    pub fn day_revisions(&self, campus: &str, day: NaiveDate) -> Result<Vec<DayRevision>> {
        let conn = self.read();
        let names: Vec<String> = DayField::ALL
            .iter()
            .map(|f| format!("r.{}", f.name()))
            .collect();
        let mut stmt = conn.prepare(&format!(
            "SELECT r.device_id, d.supporter, r.revision, r.received_at,
                    r.revision = (SELECT s.revision FROM day_snapshots s WHERE s.device_id = r.device_id
                                  AND s.campus_code = r.campus_code AND s.day = r.day),
                    {}
             FROM day_revisions r JOIN devices d ON d.id = r.device_id
             WHERE r.campus_code = ?1 AND r.day = ?2 ORDER BY r.device_id, r.revision",
            names.join(", ")
        ))?;
        let day = day.format("%Y-%m-%d").to_string();
        let rows = stmt
            .query_map(params![campus, day], |r| {
                Ok(DayRevision {
                    device_id: r.get(0)?,
                    supporter: r.get(1)?,
                    revision: r.get(2)?,
                    received_at: from_ts(r.get(3)?),
                    current: r.get::<_, Option<bool>>(4)?.unwrap_or(false),
                    counts: counts_from(r, 5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// How many days without an upload make a device quiet.
    pub fn quiet_days(&self) -> Result<u32> {
        let conn = self.read();
        Ok(
            conn.query_row("SELECT quiet_days FROM settings WHERE id = 1", [], |r| {
                r.get(0)
            })?,
        )
    }

    pub fn set_quiet_days(&self, by: &Actor, days: u32, now: DateTime<Utc>) -> Result<()> {
        if !QUIET_DAYS.contains(&days) {
            return Err(HqError::BadForm("quiet_days"));
        }
        let mut conn = self.write();
        let tx = conn.transaction()?;
        tx.execute("UPDATE settings SET quiet_days = ?1 WHERE id = 1", [days])?;
        record(
            &tx,
            by,
            now,
            AuditAction::QuietDaysSet,
            &format!("{days}日"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Devices not revoked that have sent nothing for `quiet_days` (counted from their
    /// enrolment when they never sent), the longest silent first.
    pub fn quiet_devices(&self, now: DateTime<Utc>) -> Result<Vec<DeviceRow>> {
        let days = self.quiet_days()?;
        let cutoff = now - Duration::days(i64::from(days));
        let mut quiet: Vec<DeviceRow> = self
            .devices()?
            .into_iter()
            .filter(|d| d.revoked_at.is_none())
            .filter(|d| d.last_upload_at.unwrap_or(d.created_at) <= cutoff)
            .collect();
        quiet.sort_by_key(|d| d.last_upload_at.unwrap_or(d.created_at));
        Ok(quiet)
    }
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| HqError::Internal("stored day"))
}
