//! Per supporter (device), for dispatch and 謝金 (honoraria): salons held, their hours and the
//! campuses; and the campuses enrolled on a device that have held no salon yet.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::params;
use salon_protocol::Month;

use super::database::HqStore;
use crate::error::Result;

/// One device's salons in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupporterTotals {
    pub device_id: i64,
    pub supporter: String,
    pub sessions: u64,
    pub minutes: u64,
    /// Campuses where this device held a salon in the period.
    pub campuses: Vec<String>,
}

impl HqStore {
    /// Every device with a salon in the months `from..=to`, the most salons first (a day
    /// without a salon has no minutes either, so a month's sums are its salons'). Summed here
    /// from the month totals' rows rather than grouped by SQLite, which would sort them all.
    pub fn supporter_totals(&self, from: Month, to: Month) -> Result<Vec<SupporterTotals>> {
        let conn = self.read();
        let mut sums: BTreeMap<i64, (u64, u64, BTreeSet<String>)> = BTreeMap::new();
        let mut stmt = conn.prepare_cached(
            "SELECT device_id, campus_code, sessions, session_minutes FROM month_totals
             WHERE month >= ?1 AND month <= ?2 AND sessions > 0",
        )?;
        let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
        while let Some(r) = rows.next()? {
            let entry = sums.entry(r.get(0)?).or_default();
            entry.0 += r.get::<_, i64>(2)?.max(0) as u64;
            entry.1 += r.get::<_, i64>(3)?.max(0) as u64;
            entry.2.insert(r.get(1)?);
        }
        // One read of the names, not one per supporter.
        let names: BTreeMap<i64, String> = conn
            .prepare_cached("SELECT id, supporter FROM devices")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut totals = sums
            .into_iter()
            .map(
                |(device_id, (sessions, minutes, campuses))| SupporterTotals {
                    device_id,
                    supporter: names.get(&device_id).cloned().unwrap_or_default(),
                    sessions,
                    minutes,
                    campuses: campuses.into_iter().collect(),
                },
            )
            .collect::<Vec<_>>();
        totals.sort_by_key(|t| (std::cmp::Reverse(t.sessions), t.device_id));
        Ok(totals)
    }

    /// Campuses in use: open, and enrolled on a device that is not revoked: (code, name). Those
    /// without a salon in a period are these less the campuses its figures hold salons for.
    pub fn campuses_in_use(&self) -> Result<Vec<(String, String)>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT c.code, c.name FROM campuses c
             WHERE c.retired_at IS NULL
               AND c.code IN (SELECT dc.campus_code FROM device_campuses dc
                              JOIN devices d ON d.id = dc.device_id WHERE d.revoked_at IS NULL)
             ORDER BY c.code",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
