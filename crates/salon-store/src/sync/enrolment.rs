//! This laptop's enrolment with headquarters: where it reports, its token, the campuses it may
//! report for and the path calendar, as headquarters last sent them.

use rusqlite::{params, OptionalExtension};
use salon_protocol::{CampusCode, DeviceConfig, DeviceToken, Enrolment, PathCalendar};

use super::releases::{mark_held, mark_month_held, DrawnKey};
use crate::error::Result;
use crate::rows::stamp;
use crate::vault::Store;

/// Where this laptop reports. The token's `Debug` shows nothing.
#[derive(Debug, Clone)]
pub struct HqEnrolment {
    pub hq_url: String,
    pub token: DeviceToken,
    pub campuses: Vec<CampusCode>,
    /// The periods path decisions are released for, as headquarters last sent them.
    pub path_calendar: PathCalendar,
    pub enrolled_at: String,
}

impl Store {
    pub fn save_enrolment(&mut self, hq_url: &str, enrolment: &Enrolment) -> Result<()> {
        let campuses = serde_json::to_string(&enrolment.campuses).unwrap_or_default();
        self.conn.execute(
            "INSERT INTO hq_enrolment (id, hq_url, token, campuses, enrolled_at, path_calendar)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET hq_url = excluded.hq_url, token = excluded.token,
               campuses = excluded.campuses, path_calendar = excluded.path_calendar,
               enrolled_at = excluded.enrolled_at",
            params![
                hq_url,
                &*enrolment.token,
                campuses,
                stamp(),
                calendar_json(&enrolment.path_calendar)
            ],
        )?;
        // Enrolled (again): this laptop's keys are registered at the next sync. After a
        // takeover they are the lost laptop's, restored: headquarters refuses them and a new
        // pair is made (salon-sync `relay`).
        self.conn
            .execute("UPDATE laptop_keys SET registered_key = NULL", [])?;
        Ok(())
    }

    pub fn enrolment(&self) -> Result<Option<HqEnrolment>> {
        enrolment_in(&self.conn)
    }

    /// Headquarters' current campuses and path calendar, fetched before a sync, and the
    /// releases it already holds from this laptop (never drawn or sent again).
    pub fn update_device_config(&mut self, config: &DeviceConfig) -> Result<()> {
        let campuses = serde_json::to_string(&config.campuses).unwrap_or_default();
        let tx = self.conn.transaction()?;
        for k in &config.releases_held {
            mark_month_held(&tx, &k.campus, k.month, k.release)?;
        }
        for k in &config.path_releases_held {
            mark_held(&tx, &DrawnKey::period(k))?;
        }
        tx.execute(
            "UPDATE hq_enrolment SET campuses = ?1, path_calendar = ?2 WHERE id = 1",
            params![campuses, calendar_json(&config.path_calendar)],
        )?;
        tx.commit()?;
        Ok(())
    }
}

pub(super) fn enrolment_in(conn: &rusqlite::Connection) -> Result<Option<HqEnrolment>> {
    let row = conn
        .query_row(
            "SELECT hq_url, token, campuses, enrolled_at, path_calendar
             FROM hq_enrolment WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(
        |(hq_url, token, campuses, enrolled_at, calendar)| HqEnrolment {
            hq_url,
            token: DeviceToken::new(token),
            campuses: serde_json::from_str(&campuses).unwrap_or_default(),
            path_calendar: calendar
                .and_then(|c| serde_json::from_str(&c).ok())
                .unwrap_or_default(),
            enrolled_at,
        },
    ))
}

fn calendar_json(calendar: &PathCalendar) -> String {
    serde_json::to_string(calendar).unwrap_or_default()
}
