//! The Today screen's read: the campus of the day, its salon and visits, and salons left open.

use chrono::{Datelike, NaiveDate};
use salon_core::{Campus, SalonSession, Visit};
use serde::Serialize;

use crate::error::Result;
use crate::vault::Store;

/// The Today screen in one answer.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Today {
    pub date: NaiveDate,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u32,
    pub campus: Option<Campus>,
    pub campuses: Vec<Campus>,
    pub session: Option<SalonSession>,
    pub visits: Vec<Visit>,
    /// Salons of earlier days still open: forgotten, so the supporter can close them.
    pub stale_sessions: Vec<SalonSession>,
}

impl Store {
    /// The campus of the day: the one asked for, else one whose salon is open today, else the
    /// one the schedule names for today's weekday.
    pub fn today(&self, date: NaiveDate, campus_id: Option<i64>) -> Result<Today> {
        let campuses = self.campuses()?;
        let weekday = date.weekday().number_from_monday();
        let chosen = match campus_id {
            Some(id) => Some(self.campus(id)?),
            None => {
                let open_today = self
                    .sessions_on(date)?
                    .into_iter()
                    .find(SalonSession::is_open);
                open_today
                    .and_then(|s| campuses.iter().find(|c| c.id == s.campus_id))
                    .or_else(|| campuses.iter().find(|c| u32::from(c.weekday) == weekday))
                    .cloned()
            }
        };
        let session = match &chosen {
            Some(c) => self.session_on(c.id, date)?,
            None => None,
        };
        let visits = match &session {
            Some(s) => self.visits_in_session(s.id)?,
            None => Vec::new(),
        };
        Ok(Today {
            date,
            weekday,
            campus: chosen,
            campuses,
            session,
            visits,
            stale_sessions: self.open_sessions_before(date)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use salon_core::{CampusInput, SessionOpen};

    use super::*;
    use crate::{StoreError, Vault};

    const PASS: &str = "さくら咲くキャンパス2025";

    fn campus(store: &mut Store, name: &str, weekday: i64) -> Campus {
        store
            .save_campus(&CampusInput {
                id: None,
                name: name.into(),
                weekday,
                start_time: "13:00".into(),
                end_time: "16:00".into(),
                place: String::new(),
                default_format: "in_person".into(),
                hq_code: None,
            })
            .unwrap()
    }

    #[test]
    fn today_prefers_an_open_salon_then_the_schedule() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, _) = Vault::new(dir.path()).create(PASS, PASS).unwrap();
        // 2025-02-25 is a Tuesday.
        let tuesday = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
        assert!(store.today(tuesday, None).unwrap().campus.is_none());
        let monday_campus = campus(&mut store, "月曜校", 1);
        let tuesday_campus = campus(&mut store, "火曜校", 2);
        let today = store.today(tuesday, None).unwrap();
        assert_eq!(
            (today.weekday, today.campus.unwrap().id),
            (2, tuesday_campus.id)
        );
        let open = SessionOpen {
            campus_id: monday_campus.id,
            format: "online".into(),
            place: String::new(),
        };
        store
            .open_session(&open, tuesday, NaiveTime::from_hms_opt(10, 0, 0).unwrap())
            .unwrap();
        let today = store.today(tuesday, None).unwrap();
        assert_eq!(today.campus.unwrap().id, monday_campus.id);
        assert!(today.session.unwrap().is_open());
        assert!(matches!(
            store.today(tuesday, Some(999)),
            Err(StoreError::NotFound(_))
        ));
    }
}
