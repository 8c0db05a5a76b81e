//! What of today may leave for a campus. Nothing about a day leaves while its salon is open:
//! the times its revisions reach headquarters would tell when students came (two visits ten
//! minutes apart would arrive as two revisions ten minutes apart). When the salon closes, the
//! day goes as one revision; what changes later that day (a salon reopened, a visit added
//! after closing) waits until the Tokyo day has ended, and goes then as a correction. An
//! evening salon left open past midnight holds its day, and today, the same way. (A salon
//! forgotten open for longer is listed on Today to be closed; its days go as they stand, and
//! so no release of a month or period ever waits on it.) Online events, which belong to no
//! campus's salon, go the day after.

use chrono::NaiveDate;
use rusqlite::{params, Connection};

use crate::error::Result;
use crate::rows::{date_text, opt_date};

/// How far a campus's snapshots may tell of the last days.
pub(super) struct DayLimit {
    day: NaiveDate,
    /// The first day held back, if any: the day of a salon of today or yesterday still open,
    /// or today once today has gone.
    held_from: Option<NaiveDate>,
}

impl DayLimit {
    pub(super) fn of(
        conn: &Connection,
        campus_id: i64,
        code: &str,
        day: NaiveDate,
    ) -> Result<DayLimit> {
        let text = date_text(day);
        let yesterday = date_text(day.pred_opt().unwrap_or(day));
        let open_since: Option<NaiveDate> = conn.query_row(
            "SELECT min(date) FROM salon_session
             WHERE campus_id = ?1 AND closed_at IS NULL AND date BETWEEN ?2 AND ?3",
            params![campus_id, yesterday, text],
            |r| opt_date(r, 0),
        )?;
        let sent: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind IN ('day', 'events')
               AND campus_code = ?1 AND period = ?2)",
            params![code, text],
            |r| r.get(0),
        )?;
        let held_from = match (open_since, sent) {
            (Some(open), _) => Some(open),
            (None, true) => Some(day),
            (None, false) => None,
        };
        Ok(DayLimit { day, held_from })
    }

    /// For what belongs to no campus's salon (online events): there is no salon whose closing
    /// could send the day, so the whole of today waits until the Tokyo day has ended, and its
    /// arrival tells no hour.
    pub(super) fn online(day: NaiveDate) -> DayLimit {
        DayLimit {
            day,
            held_from: Some(day),
        }
    }

    /// The last day whose records the campus's snapshots are made of.
    pub(super) fn until(&self) -> NaiveDate {
        match self.held_from {
            Some(from) => from.pred_opt().unwrap_or(from),
            None => self.day,
        }
    }

    /// Whether the snapshot `kind` of `period` (a day, or a month for `month`) stays as it went
    /// while its days are held back.
    pub(super) fn keeps(&self, kind: &str, period: &str) -> bool {
        let Some(from) = self.held_from else {
            return false;
        };
        match kind {
            "month" => period >= from.format("%Y-%m").to_string().as_str(),
            _ => period >= date_text(from).as_str(),
        }
    }
}
