//! The supporter's follow-through (フォロー): appointments and no-shows, the outreach list,
//! follow-ups and concerns, path history and the risk list of final-year students still 未定,
//! and events. The rules (what final-year means, how many misses make outreach) are in
//! `salon_core::care`.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use salon_core::care::{
    Appointment, AppointmentInput, AppointmentRecord, AppointmentStatus, FollowUp, FollowUpsDue,
    NextAppointment, OutreachEntry, PathChange, RiskEntry, FINAL_YEAR_FROM_GRADE, OUTREACH_MISSES,
};
use salon_core::{CoreError, PathStatus, Visit, VisitInput};

use crate::error::{Result, StoreError};
use crate::rows::{code, date, date_text, opt_date, stamp, time_text};
use crate::vault::Store;

/// The longest list the care screens show at once (outreach, follow-ups, risk).
pub const CARE_LIST_LIMIT: usize = 1_000;

const APPOINTMENT: &str = "SELECT a.id, a.student_id, st.display_name, a.campus_id, a.date, a.time,
        a.status, a.visit_id, a.booked_from_visit_id
    FROM appointment a JOIN student st ON st.id = a.student_id";

fn appointment_from(row: &Row<'_>) -> rusqlite::Result<Appointment> {
    Ok(Appointment {
        id: row.get(0)?,
        student_id: row.get(1)?,
        student_name: row.get(2)?,
        campus_id: row.get(3)?,
        date: date(row, 4)?,
        time: crate::rows::opt_time(row, 5)?,
        status: code(row, 6, AppointmentStatus::from_code)?,
        visit_id: row.get(7)?,
        booked_from_visit_id: row.get(8)?,
    })
}

const FOLLOW_UP: &str = "SELECT v.id, s.date, s.campus_id, v.student_id, st.display_name,
        v.follow_up_on, v.concern, v.next_steps, d.done_at
    FROM visit v
    JOIN salon_session s ON s.id = v.session_id
    LEFT JOIN student st ON st.id = v.student_id
    LEFT JOIN follow_up_done d ON d.visit_id = v.id";

/// Open follow-ups and concerns (?1 a campus or NULL, ?2 due by a day or NULL), over
/// `FOLLOW_UP`'s names.
const OPEN_CARE: &str = "(v.follow_up_on IS NOT NULL OR v.concern = 1) AND d.visit_id IS NULL
    AND (?1 IS NULL OR s.campus_id = ?1)
    AND (?2 IS NULL OR v.concern = 1 OR v.follow_up_on <= ?2)";

/// How many open follow-ups and concerns `OPEN_CARE` finds (index visit_open_care, 0013).
fn open_care_count() -> String {
    format!(
        "SELECT count(*) FROM visit v JOIN salon_session s ON s.id = v.session_id
         LEFT JOIN follow_up_done d ON d.visit_id = v.id WHERE {OPEN_CARE}"
    )
}

fn follow_up_from(row: &Row<'_>) -> rusqlite::Result<FollowUp> {
    Ok(FollowUp {
        visit_id: row.get(0)?,
        visit_date: date(row, 1)?,
        campus_id: row.get(2)?,
        student_id: row.get(3)?,
        student_name: row.get(4)?,
        follow_up_on: opt_date(row, 5)?,
        concern: row.get(6)?,
        next_steps: row.get(7)?,
        done_at: row.get(8)?,
    })
}

/// The date of a student's latest visit, as SQL over `st`.
const LAST_VISIT: &str =
    "(SELECT max(s.date) FROM visit v JOIN salon_session s ON s.id = v.session_id
      WHERE v.student_id = st.id)";

/// The next appointment typed in the visit form, checked before anything is written.
fn validate_next(next: &NextAppointment) -> Result<AppointmentRecord> {
    let probe = AppointmentInput {
        student_id: 1,
        date: next.date.clone(),
        time: next.time.clone(),
        booked_from_visit_id: None,
    };
    probe.validate().map_err(|e| {
        // The visit form names these fields itself.
        StoreError::Invalid(match e {
            CoreError::Required(_) => CoreError::Required("nextDate"),
            CoreError::InvalidDate(_) => CoreError::InvalidDate("nextDate"),
            CoreError::InvalidTime(_) => CoreError::InvalidTime("nextTime"),
            other => other,
        })
    })
}

impl Store {
    // ---- appointments (予約) ----

    /// Books an appointment for a student at their campus.
    pub fn book_appointment(&mut self, input: &AppointmentInput) -> Result<Appointment> {
        let record = input.validate()?;
        let id = insert_appointment(&self.conn, &record)?;
        self.appointment(id)
    }

    pub fn appointment(&self, id: i64) -> Result<Appointment> {
        self.conn
            .query_row(
                &format!("{APPOINTMENT} WHERE a.id = ?1"),
                [id],
                appointment_from,
            )
            .optional()?
            .ok_or(StoreError::NotFound("appointment"))
    }

    /// The appointments of a day, optionally at one campus, by time (untimed ones last).
    pub fn appointments_on(
        &self,
        day: NaiveDate,
        campus_id: Option<i64>,
    ) -> Result<Vec<Appointment>> {
        let mut stmt = self.conn.prepare(&format!(
            "{APPOINTMENT} WHERE a.date = ?1 AND (?2 IS NULL OR a.campus_id = ?2)
             ORDER BY a.time IS NULL, a.time, a.id"
        ))?;
        let rows = stmt.query_map(params![date_text(day), campus_id], appointment_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A student's appointments, newest first.
    pub fn appointments_of_student(&self, student_id: i64) -> Result<Vec<Appointment>> {
        self.student(student_id)?;
        let mut stmt = self.conn.prepare(&format!(
            "{APPOINTMENT} WHERE a.student_id = ?1
             ORDER BY a.date DESC, a.time IS NULL, a.time DESC, a.id DESC"
        ))?;
        let rows = stmt.query_map([student_id], appointment_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// 欠席: a booked appointment the student did not come to.
    pub fn mark_appointment_missed(&mut self, id: i64) -> Result<Appointment> {
        let a = self.appointment(id)?;
        if a.status != AppointmentStatus::Booked {
            return Err(CoreError::InvalidChoice("status").into());
        }
        self.conn.execute(
            "UPDATE appointment SET status = 'missed', updated_at = ?1 WHERE id = ?2",
            params![stamp(), id],
        )?;
        self.appointment(id)
    }

    /// The student came: the appointment is the visit `visit_id` (of that student). One marked
    /// 欠席 by mistake can still become kept.
    pub fn mark_appointment_kept(&mut self, id: i64, visit_id: i64) -> Result<Appointment> {
        let a = self.appointment(id)?;
        check_keepable(&a, self.visit(visit_id)?.student_id)?;
        link_kept(&self.conn, id, visit_id)?;
        self.appointment(id)
    }

    /// Takes back a booking that has not happened yet (取消).
    pub fn cancel_appointment(&mut self, id: i64) -> Result<()> {
        let a = self.appointment(id)?;
        if a.status != AppointmentStatus::Booked {
            return Err(CoreError::InvalidChoice("status").into());
        }
        self.conn
            .execute("DELETE FROM appointment WHERE id = ?1", [id])?;
        Ok(())
    }

    /// Saves a visit as [`Store::save_visit`] does, and with it, in the same transaction: the
    /// appointment it keeps (the 来談 button on Today) and the next appointment typed in the
    /// form (次回の予約). A refusal anywhere changes nothing.
    pub fn save_visit_with_care(
        &mut self,
        input: &VisitInput,
        draft_key: Option<&str>,
        appointment_id: Option<i64>,
        next: Option<&NextAppointment>,
    ) -> Result<(Visit, Option<Appointment>)> {
        let record = input.validate()?;
        let next = next.map(validate_next).transpose()?;
        let existing = match record.student {
            salon_core::VisitStudent::Existing(id) => Some(id),
            _ => None,
        };
        if next.is_some() && matches!(record.student, salon_core::VisitStudent::Anonymous) {
            // An appointment needs a student to expect.
            return Err(CoreError::Required("studentId").into());
        }
        if let Some(id) = appointment_id {
            check_keepable(&self.appointment(id)?, existing)?;
        }
        let tx = self.conn.transaction()?;
        let visit_id = crate::visits::write_visit(&tx, input, draft_key)?;
        if let Some(id) = appointment_id {
            link_kept(&tx, id, visit_id)?;
        }
        let student_id: Option<i64> = tx.query_row(
            "SELECT student_id FROM visit WHERE id = ?1",
            [visit_id],
            |r| r.get(0),
        )?;
        let booked = match (next, student_id) {
            (Some(mut next), Some(student_id)) => {
                next.student_id = student_id;
                next.booked_from_visit_id = Some(visit_id);
                Some(insert_appointment(&tx, &next)?)
            }
            _ => None,
        };
        tx.commit()?;
        let booked = booked.map(|id| self.appointment(id)).transpose()?;
        Ok((self.visit(visit_id)?, booked))
    }

    /// 声かけリスト: enrolled students whose latest appointments were missed at least
    /// [`OUTREACH_MISSES`] times in a row, not answered since by a kept appointment or a
    /// visit (a miss counts only when dated after the latest visit). Oldest contact first.
    pub fn outreach_list(&self, campus_id: Option<i64>) -> Result<Vec<OutreachEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "WITH candidate AS (
                 SELECT student_id FROM appointment WHERE status = 'missed'
                 GROUP BY student_id HAVING count(*) >= ?2)
             SELECT st.id, st.display_name, st.campus_id, st.grade, {LAST_VISIT}, a.date, a.status
             FROM candidate c
             JOIN student st ON st.id = c.student_id
             JOIN appointment a ON a.student_id = st.id
             WHERE a.status != 'booked' AND st.enrolment = 'enrolled'
               AND (?1 IS NULL OR st.campus_id = ?1)
             ORDER BY st.id, a.date DESC, a.time IS NULL, a.time DESC, a.id DESC"
        ))?;
        let rows = stmt.query_map(params![campus_id, OUTREACH_MISSES], |r| {
            Ok((
                OutreachEntry {
                    student_id: r.get(0)?,
                    student_name: r.get(1)?,
                    campus_id: r.get(2)?,
                    grade: r.get(3)?,
                    misses: 0,
                    last_missed_on: date(r, 5)?,
                    last_contact_on: opt_date(r, 4)?,
                },
                code(r, 6, AppointmentStatus::from_code)?,
            ))
        })?;
        // Rows come per student, newest first: count the leading misses of each.
        let mut list: Vec<OutreachEntry> = Vec::new();
        let mut streak_over = false;
        for row in rows {
            let (entry, status) = row?;
            let same = list
                .last()
                .is_some_and(|e| e.student_id == entry.student_id);
            if !same {
                streak_over = false;
                list.push(OutreachEntry {
                    misses: 0,
                    ..entry.clone()
                });
            }
            let answered = entry
                .last_contact_on
                .is_some_and(|seen| seen >= entry.last_missed_on);
            if streak_over || status != AppointmentStatus::Missed || answered {
                streak_over = true;
                continue;
            }
            if let Some(current) = list.last_mut() {
                current.misses += 1;
            }
        }
        list.retain(|e| e.misses >= OUTREACH_MISSES);
        list.sort_by(|a, b| {
            (a.last_contact_on, &a.student_name, a.student_id).cmp(&(
                b.last_contact_on,
                &b.student_name,
                b.student_id,
            ))
        });
        list.truncate(CARE_LIST_LIMIT);
        Ok(list)
    }

    // ---- follow-ups (フォロー予定) and concerns (要連携) ----

    /// Open follow-ups and concerns, earliest due first. With `due_by`, only those due by that
    /// day (overdue included); a concern has no day to wait for and is always due.
    pub fn follow_ups(
        &self,
        campus_id: Option<i64>,
        due_by: Option<NaiveDate>,
    ) -> Result<Vec<FollowUp>> {
        self.open_care(campus_id, due_by, CARE_LIST_LIMIT)
    }

    /// Today's 要対応 on every campus: the first `shown` due by `due_by` (as `follow_ups`
    /// orders them) and how many are due in all, so Today stays short however many wait.
    pub fn follow_ups_due(&self, due_by: NaiveDate, shown: usize) -> Result<FollowUpsDue> {
        let total: i64 = self.conn.query_row(
            &open_care_count(),
            params![None::<i64>, date_text(due_by)],
            |r| r.get(0),
        )?;
        Ok(FollowUpsDue {
            first: self.open_care(None, Some(due_by), shown)?,
            total: u64::try_from(total).unwrap_or_default(),
        })
    }

    fn open_care(
        &self,
        campus_id: Option<i64>,
        due_by: Option<NaiveDate>,
        limit: usize,
    ) -> Result<Vec<FollowUp>> {
        // The visits are chosen and ordered from the index and the salon's day alone; only
        // the chosen rows, which hold a note, are read (and decrypted) whole. As one query,
        // SQLite reads every open follow-up's row before sorting: 280 ms against 12 ms at
        // 12,500 open follow-ups (unlock_bench).
        let mut stmt = self.conn.prepare(&format!(
            "{FOLLOW_UP} WHERE v.id IN (
                 SELECT v.id FROM visit v JOIN salon_session s ON s.id = v.session_id
                 LEFT JOIN follow_up_done d ON d.visit_id = v.id
                 WHERE {OPEN_CARE}
                 ORDER BY coalesce(v.follow_up_on, s.date), v.id LIMIT ?3)
             ORDER BY coalesce(v.follow_up_on, s.date), v.id"
        ))?;
        let rows = stmt.query_map(
            params![campus_id, due_by.map(date_text), limit as i64],
            follow_up_from,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a visit's follow-up (and concern) done, recording when; done twice keeps the first.
    pub fn mark_follow_up_done(&mut self, visit_id: i64) -> Result<FollowUp> {
        let has_follow_up = self
            .conn
            .query_row(
                "SELECT follow_up_on IS NOT NULL OR concern = 1 FROM visit WHERE id = ?1",
                [visit_id],
                |r| r.get::<_, bool>(0),
            )
            .optional()?;
        if has_follow_up != Some(true) {
            return Err(StoreError::NotFound("follow-up"));
        }
        self.conn.execute(
            "INSERT INTO follow_up_done (visit_id, done_at) VALUES (?1, ?2)
             ON CONFLICT (visit_id) DO NOTHING",
            params![visit_id, stamp()],
        )?;
        Ok(self.conn.query_row(
            &format!("{FOLLOW_UP} WHERE v.id = ?1"),
            [visit_id],
            follow_up_from,
        )?)
    }

    // ---- 進路 ----

    /// Every path status the student has had, oldest first.
    pub fn path_history(&self, student_id: i64) -> Result<Vec<PathChange>> {
        self.student(student_id)?;
        let mut stmt = self.conn.prepare(
            "SELECT status, decided_on, changed_at, campus_id FROM path_change
             WHERE student_id = ?1 ORDER BY changed_at, id",
        )?;
        let rows = stmt.query_map([student_id], |r| {
            Ok(PathChange {
                status: code(r, 0, PathStatus::from_code)?,
                decided_on: opt_date(r, 1)?,
                changed_at: r.get(2)?,
                campus_id: r.get(3)?,
            })
        })?;
        let mut history: Vec<PathChange> = rows.collect::<rusqlite::Result<_>>()?;
        // Two merged profiles each bring their first 未定, and the decision the kept one takes
        // over is recorded again: a row that repeats the one before it is not a change.
        history.dedup_by(|later, earlier| {
            later.status == earlier.status && later.decided_on == earlier.decided_on
        });
        Ok(history)
    }

    /// 進路未定リスト: enrolled final-year students (grade ≥ 3, see `salon_core::care`) whose
    /// path is still 未定, those never met first, then the longest unseen.
    pub fn risk_list(&self, campus_id: Option<i64>) -> Result<Vec<RiskEntry>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT st.id, st.display_name, st.campus_id, st.grade, {LAST_VISIT} AS last_contact
             FROM student st
             WHERE st.enrolment = 'enrolled' AND st.path_status = 'undecided'
               AND st.grade >= ?2 AND (?1 IS NULL OR st.campus_id = ?1)
             ORDER BY last_contact IS NOT NULL, last_contact, st.display_name, st.id
             LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![campus_id, FINAL_YEAR_FROM_GRADE, CARE_LIST_LIMIT as i64],
            |r| {
                Ok(RiskEntry {
                    student_id: r.get(0)?,
                    student_name: r.get(1)?,
                    campus_id: r.get(2)?,
                    grade: r.get(3)?,
                    last_contact_on: opt_date(r, 4)?,
                })
            },
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Whether `a` can become a visit with this student (its own student; not kept already).
fn check_keepable(a: &Appointment, visit_student: Option<i64>) -> Result<()> {
    if a.status == AppointmentStatus::Kept {
        return Err(CoreError::InvalidChoice("status").into());
    }
    if visit_student != Some(a.student_id) {
        return Err(CoreError::InvalidChoice("studentId").into());
    }
    Ok(())
}

fn link_kept(conn: &Connection, id: i64, visit_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE appointment SET status = 'kept', visit_id = ?1, updated_at = ?2 WHERE id = ?3",
        params![visit_id, stamp(), id],
    )?;
    Ok(())
}

/// Inserts a checked booking at the student's campus; the student (and the visit it was booked
/// from, which must be theirs) must exist.
fn insert_appointment(conn: &Connection, a: &AppointmentRecord) -> Result<i64> {
    let campus_id: i64 = conn
        .query_row(
            "SELECT campus_id FROM student WHERE id = ?1",
            [a.student_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(StoreError::NotFound("student"))?;
    if let Some(visit_id) = a.booked_from_visit_id {
        let whose: Option<Option<i64>> = conn
            .query_row(
                "SELECT student_id FROM visit WHERE id = ?1",
                [visit_id],
                |r| r.get(0),
            )
            .optional()?;
        match whose {
            None => return Err(StoreError::NotFound("visit")),
            Some(s) if s != Some(a.student_id) => {
                return Err(CoreError::InvalidChoice("bookedFromVisitId").into())
            }
            Some(_) => {}
        }
    }
    let now = stamp();
    conn.execute(
        "INSERT INTO appointment (student_id, campus_id, date, time, status,
         booked_from_visit_id, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'booked', ?5, ?6, ?6)",
        params![
            a.student_id,
            campus_id,
            date_text(a.date),
            a.time.map(time_text),
            a.booked_from_visit_id,
            now
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

mod events;
mod facts;
#[cfg(test)]
mod tests;

pub(crate) use facts::CareFacts;
