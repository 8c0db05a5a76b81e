//! Salon sessions: opening (開始) and closing (終了) the salon of a day.

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, OptionalExtension, Row};
use salon_core::{Format, SalonSession, SessionOpen};

use crate::drafts::new_visit_draft_key;
use crate::error::{Result, StoreError};
use crate::rows::{code, date, date_text, is_unique_violation, opt_time, time, time_text};
use crate::vault::Store;

const COLUMNS: &str = "id, campus_id, date, opened_at, closed_at, format, place";

fn session_from(row: &Row<'_>) -> rusqlite::Result<SalonSession> {
    Ok(SalonSession {
        id: row.get(0)?,
        campus_id: row.get(1)?,
        date: date(row, 2)?,
        opened_at: time(row, 3)?,
        closed_at: opt_time(row, 4)?,
        format: code(row, 5, Format::from_code)?,
        place: row.get(6)?,
    })
}

/// A salon session read through any connection or transaction.
pub(crate) fn load_session(conn: &rusqlite::Connection, id: i64) -> Result<SalonSession> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM salon_session WHERE id = ?1"
    ))?
    .query_row([id], session_from)
    .optional()?
    .ok_or(StoreError::NotFound("session"))
}

/// A salon and how many visits it holds (サロンの記録).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    #[serde(flatten)]
    pub session: SalonSession,
    pub visits: u32,
}

/// The most salons one list shows: two years of weekly salons at several campuses.
pub const SESSION_LIST_LIMIT: u32 = 300;

impl Store {
    /// Opens the salon at a campus on `date` at `now` (Tokyo time).
    pub fn open_session(
        &mut self,
        input: &SessionOpen,
        date: NaiveDate,
        now: NaiveTime,
    ) -> Result<SalonSession> {
        let (format, place) = input.validate()?;
        self.campus(input.campus_id)?;
        let inserted = self.conn.execute(
            "INSERT INTO salon_session (campus_id, date, opened_at, format, place)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                input.campus_id,
                date_text(date),
                time_text(now),
                format.code(),
                place
            ],
        );
        match inserted {
            Ok(_) => self.session(self.conn.last_insert_rowid()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::SessionAlreadyOpen),
            Err(e) => Err(e.into()),
        }
    }

    /// Closes the salon at `now`. Closing a closed salon keeps its first closing time. A salon
    /// with a new visit still in draft does not close: that visit could then never be saved.
    pub fn close_session(&mut self, id: i64, now: NaiveTime) -> Result<SalonSession> {
        let session = self.session(id)?;
        if session.is_open() && self.draft(&new_visit_draft_key(id))?.is_some() {
            return Err(StoreError::DraftPending);
        }
        if session.is_open() {
            // A clock set back must not make a salon end before it began.
            let closed_at = now.max(session.opened_at);
            self.conn.execute(
                "UPDATE salon_session SET closed_at = ?1 WHERE id = ?2",
                params![time_text(closed_at), id],
            )?;
        }
        self.session(id)
    }

    pub fn session(&self, id: i64) -> Result<SalonSession> {
        load_session(&self.conn, id)
    }

    /// Salons left open on a day before `date`: forgotten, and shown so they can be closed.
    pub fn open_sessions_before(&self, date: NaiveDate) -> Result<Vec<SalonSession>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM salon_session WHERE closed_at IS NULL AND date < ?1 ORDER BY date"
        ))?;
        let rows = stmt.query_map([date_text(date)], session_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every salon of a day, open ones first.
    pub fn sessions_on(&self, date: NaiveDate) -> Result<Vec<SalonSession>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM salon_session WHERE date = ?1 ORDER BY closed_at IS NOT NULL, id"
        ))?;
        let rows = stmt.query_map([date_text(date)], session_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest salons, newest first (at most `limit`), of one campus or all, each with how
    /// many visits it holds: where a past salon is found to correct or remove.
    pub fn recent_sessions(&self, campus_id: Option<i64>, limit: u32) -> Result<Vec<SessionRow>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS}, (SELECT count(*) FROM visit v WHERE v.session_id = salon_session.id)
             FROM salon_session WHERE (?1 IS NULL OR campus_id = ?1)
             ORDER BY date DESC, id DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![campus_id, limit], |r| {
            Ok(SessionRow {
                session: session_from(r)?,
                visits: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The salon held (or being held) at a campus on a day, if any.
    pub fn session_on(&self, campus_id: i64, date: NaiveDate) -> Result<Option<SalonSession>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM salon_session WHERE campus_id = ?1 AND date = ?2"),
                params![campus_id, date_text(date)],
                session_from,
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::tests::{campus_input, fresh_store};

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn a_salon_opens_once_a_day_and_closes() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
        let open = SessionOpen {
            campus_id: campus.id,
            format: "in_person".into(),
            place: "図書室".into(),
        };
        let s = store.open_session(&open, day, t(10, 0)).unwrap();
        assert!(s.is_open());
        assert!(matches!(
            store.open_session(&open, day, t(10, 5)),
            Err(StoreError::SessionAlreadyOpen)
        ));
        let closed = store.close_session(s.id, t(13, 5)).unwrap();
        assert_eq!(closed.closed_at, Some(t(13, 5)));
        // Closing twice keeps the first time.
        assert_eq!(
            store.close_session(s.id, t(14, 0)).unwrap().closed_at,
            Some(t(13, 5))
        );
        assert_eq!(store.session_on(campus.id, day).unwrap(), Some(closed));
    }

    #[test]
    fn bad_opens_are_refused() {
        let (_dir, mut store) = fresh_store();
        let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
        let open = SessionOpen {
            campus_id: 99,
            format: "in_person".into(),
            place: String::new(),
        };
        assert!(matches!(
            store.open_session(&open, day, t(10, 0)),
            Err(StoreError::NotFound("campus"))
        ));
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let open = SessionOpen {
            campus_id: campus.id,
            format: "zoom".into(),
            place: String::new(),
        };
        assert!(matches!(
            store.open_session(&open, day, t(10, 0)),
            Err(StoreError::Invalid(_))
        ));
        assert_eq!(store.session_on(campus.id, day).unwrap(), None);
    }

    #[test]
    fn a_salon_with_a_draft_pending_does_not_close() {
        let (_dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
        let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
        let open = SessionOpen {
            campus_id: campus.id,
            format: "in_person".into(),
            place: String::new(),
        };
        let s = store.open_session(&open, day, t(10, 0)).unwrap();
        store.save_draft(&new_visit_draft_key(s.id), "{}").unwrap();
        assert!(matches!(
            store.close_session(s.id, t(13, 0)),
            Err(StoreError::DraftPending)
        ));
        assert!(store.session(s.id).unwrap().is_open());
        let next_day = day.succ_opt().unwrap();
        assert_eq!(
            store.open_sessions_before(next_day).unwrap(),
            vec![s.clone()]
        );
        assert!(store.open_sessions_before(day).unwrap().is_empty());
        store.discard_draft(&new_visit_draft_key(s.id)).unwrap();
        store.close_session(s.id, t(13, 0)).unwrap();
        assert!(store.open_sessions_before(next_day).unwrap().is_empty());
    }

    #[test]
    fn recent_salons_come_newest_first_with_their_visits() {
        let (_dir, mut store) = fresh_store();
        let a = store.save_campus(&campus_input("柏", 2)).unwrap().id;
        let b = store.save_campus(&campus_input("松戸", 3)).unwrap().id;
        let open = |campus_id| SessionOpen {
            campus_id,
            format: "in_person".into(),
            place: String::new(),
        };
        let on = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let first = store.open_session(&open(a), on(10), ten).unwrap().id;
        store.open_session(&open(a), on(17), ten).unwrap();
        store.open_session(&open(b), on(18), ten).unwrap();
        let visit = crate::vault::tests::visit_input(first, None);
        store.save_visit(&visit, None).unwrap();
        let rows = store.recent_sessions(Some(a), 10).unwrap();
        let seen: Vec<(NaiveDate, u32)> = rows.iter().map(|r| (r.session.date, r.visits)).collect();
        assert_eq!(seen, [(on(17), 0), (on(10), 1)]);
        assert_eq!(store.recent_sessions(None, 10).unwrap().len(), 3);
        assert_eq!(
            store.recent_sessions(None, 1).unwrap()[0].session.date,
            on(18)
        );
        let json = serde_json::to_value(&rows[1]).unwrap();
        assert_eq!(
            (json["date"].as_str(), json["visits"].as_u64()),
            (Some("2026-11-10"), Some(1))
        );
    }
}
