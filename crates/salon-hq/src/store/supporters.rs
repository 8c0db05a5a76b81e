//! Per supporter (device), for dispatch and 謝金 (honoraria): salons held, their hours and the
//! campuses; and the campuses enrolled on a device that have held no salon yet.

use rusqlite::params;
use salon_protocol::Month;

use super::Store;
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

impl Store {
    /// Every device with a salon in the months `from..=to`, the most salons first (a day
    /// without a salon has no minutes either, so a month's sums are its salons').
    pub fn supporter_totals(&self, from: Month, to: Month) -> Result<Vec<SupporterTotals>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT d.id, d.supporter, SUM(t.sessions), SUM(t.session_minutes),
                    group_concat(DISTINCT t.campus_code)
             FROM month_totals t JOIN devices d ON d.id = t.device_id
             WHERE t.month >= ?1 AND t.month <= ?2 AND t.sessions > 0
             GROUP BY d.id ORDER BY 3 DESC, d.id",
        )?;
        let rows = stmt
            .query_map(params![from.to_string(), to.to_string()], |r| {
                let campuses: String = r.get(4)?;
                let mut campuses: Vec<String> = campuses.split(',').map(str::to_owned).collect();
                campuses.sort();
                Ok(SupporterTotals {
                    device_id: r.get(0)?,
                    supporter: r.get(1)?,
                    sessions: r.get::<_, i64>(2)?.max(0) as u64,
                    minutes: r.get::<_, i64>(3)?.max(0) as u64,
                    campuses,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Campuses in use, enrolled on a device that is not revoked, with no salon in the days
    /// `from..=to`: (code, name).
    pub fn campuses_without_salon(&self, from: Month, to: Month) -> Result<Vec<(String, String)>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT c.code, c.name FROM campuses c
             WHERE c.retired_at IS NULL
               AND EXISTS (SELECT 1 FROM device_campuses dc JOIN devices d ON d.id = dc.device_id
                           WHERE dc.campus_code = c.code AND d.revoked_at IS NULL)
               AND c.code NOT IN (SELECT campus_code FROM campus_month_totals
                                  WHERE month >= ?1 AND month <= ?2 AND sessions > 0)
             ORDER BY c.code",
        )?;
        let rows = stmt
            .query_map(params![from.to_string(), to.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
