//! What a campus's appointments and events add to its day snapshots: counts only.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use salon_core::care::AppointmentStatus;
use salon_core::counts::DayCounts;

use crate::error::Result;
use crate::rows::{code, date, date_text};

/// What a campus's appointments and events add to its day snapshots (counts only).
#[derive(Debug, Default)]
pub(crate) struct CareFacts {
    appointments: Vec<(NaiveDate, AppointmentStatus)>,
    /// Events held at the campus, with their participants. Online events (no campus) belong to
    /// no campus snapshot and are left out.
    events: Vec<(NaiveDate, u32)>,
}

impl CareFacts {
    /// Reads the facts of one campus up to `until` (today): a day still ahead has nothing to
    /// report yet, and its bookings are counted when it comes. An appointment taken from a
    /// colleague and dated by the handover day was the colleague's to count; one of a student
    /// handed on, dated after the handover day, is the colleague's to count (until the handover
    /// is cancelled or the cover ended).
    pub(crate) fn read(conn: &Connection, campus_id: i64, until: NaiveDate) -> Result<Self> {
        let until = date_text(until);
        let mut stmt = conn.prepare(
            "SELECT date, status FROM appointment a
             WHERE campus_id = ?1 AND date <= ?2 AND taken_in IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM handover_student hs JOIN handover h ON h.id = hs.handover_id
                   WHERE hs.student_id = a.student_id AND h.direction = 'sent'
                     AND h.state IN ('sealed', 'done', 'cover') AND a.date > h.handed_on)",
        )?;
        let appointments = stmt
            .query_map(params![campus_id, until], |r| {
                Ok((date(r, 0)?, code(r, 1, AppointmentStatus::from_code)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut stmt = conn.prepare(
            "SELECT date, students + parents + teachers + supporters FROM event
             WHERE campus_id = ?1 AND date <= ?2",
        )?;
        let events = stmt
            .query_map(params![campus_id, until], |r| Ok((date(r, 0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CareFacts {
            appointments,
            events,
        })
    }

    /// Adds appointments (booked = every appointment dated that day, whatever became of it;
    /// kept; missed) and events with their participants to the days, adding days as needed.
    pub(crate) fn add_to(&self, days: &mut BTreeMap<NaiveDate, DayCounts>) {
        for (day, status) in &self.appointments {
            let counts = days.entry(*day).or_default();
            counts.appointments_booked += 1;
            match status {
                AppointmentStatus::Kept => counts.appointments_kept += 1,
                AppointmentStatus::Missed => counts.appointments_missed += 1,
                AppointmentStatus::Booked => {}
            }
        }
        for (day, participants) in &self.events {
            let counts = days.entry(*day).or_default();
            counts.events += 1;
            counts.event_participants += participants;
        }
    }
}
