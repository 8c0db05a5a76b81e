//! What a handover package carries, inside its encryption: the students handed on and their
//! whole story here (visits with notes, next steps, teacher summaries, follow-ups and their
//! done marks, appointments, path history, drafts of their visits' corrections), with the
//! salons and campuses their visits were at. Rows are named by the sender's ids (`key`), which
//! the recipient maps to its own.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::record::{HandoverCounts, HandoverReason};
use crate::error::Result;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Caseload {
    pub reason: HandoverReason,
    /// The sender's Tokyo day when it sealed the package: the day counting passes over.
    pub handed_on: NaiveDate,
    /// The campus handed on first, then any other campus its students' visits were at.
    pub campuses: Vec<CampusPart>,
    pub students: Vec<StudentPart>,
    pub salons: Vec<SalonPart>,
    pub visits: Vec<VisitPart>,
    pub appointments: Vec<AppointmentPart>,
    pub drafts: Vec<DraftPart>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CampusPart {
    pub key: i64,
    pub name: String,
    pub weekday: i64,
    pub start_time: String,
    pub end_time: String,
    pub place: String,
    pub default_format: String,
    pub hq_code: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StudentPart {
    pub key: i64,
    pub campus: i64,
    pub display_name: String,
    pub grade: Option<i64>,
    pub enrolment: String,
    pub path_status: String,
    pub path_decided_on: Option<String>,
    pub created_at: String,
    /// 進路の履歴, oldest first.
    pub history: Vec<PathChangePart>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PathChangePart {
    pub status: String,
    pub decided_on: Option<String>,
    pub changed_at: String,
    pub campus: Option<i64>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SalonPart {
    pub key: i64,
    pub campus: i64,
    pub date: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub format: String,
    pub place: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VisitPart {
    pub key: i64,
    pub salon: i64,
    pub student: i64,
    pub route: String,
    pub minutes: i64,
    pub note: String,
    pub next_steps: String,
    pub follow_up_on: Option<String>,
    pub follow_up_done_at: Option<String>,
    pub concern: bool,
    pub teacher_summary: String,
    pub topics: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AppointmentPart {
    pub student: i64,
    pub campus: i64,
    pub date: String,
    pub time: Option<String>,
    pub status: String,
    pub visit: Option<i64>,
    pub booked_from: Option<i64>,
    pub created_at: String,
}

/// A draft of the correction form of one of the visits (`visit:{key}`), as the form wrote it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DraftPart {
    pub visit: i64,
    pub body: String,
}

impl Caseload {
    /// What the package holds, counted for both supporters' screens and the record.
    pub(super) fn counts(&self) -> HandoverCounts {
        HandoverCounts {
            students: self.students.len() as u32,
            visits: self.visits.len() as u32,
            follow_ups: self
                .visits
                .iter()
                .filter(|v| v.follow_up_on.is_some() || v.concern)
                .count() as u32,
            appointments: self.appointments.len() as u32,
            drafts: self.drafts.len() as u32,
        }
    }
}

/// Reads the caseload of `students` (at the campus `campus_id`) as it stands, for the
/// colleague whose fingerprint is `recipient`: the visits and appointments this laptop took
/// from that colleague are theirs already and are not sent back (students handed back after
/// a cover arrive with only what is new).
pub(super) fn read_caseload(
    conn: &Connection,
    campus_id: i64,
    students: &[i64],
    recipient: &str,
    reason: HandoverReason,
    handed_on: NaiveDate,
) -> Result<Caseload> {
    let ids = serde_json::to_string(students).unwrap_or_default();
    let of_students = "(SELECT value FROM json_each(?1))";
    let not_theirs = "coalesce(taken_in NOT IN (SELECT id FROM handover
                                   WHERE direction = 'taken' AND fingerprint = ?2), 1)";
    let visits = query(
        conn,
        &format!(
            "SELECT v.id, v.session_id, v.student_id, v.route, v.minutes, v.note, v.next_steps,
                    v.follow_up_on, d.done_at, v.concern, v.teacher_summary,
                    (SELECT json_group_array(topic) FROM visit_topic t WHERE t.visit_id = v.id),
                    v.created_at, v.updated_at
             FROM visit v LEFT JOIN follow_up_done d ON d.visit_id = v.id
             WHERE v.student_id IN {of_students} AND {not_theirs} ORDER BY v.id"
        ),
        (&ids, recipient),
        |r| {
            let topics: String = r.get(11)?;
            Ok(VisitPart {
                key: r.get(0)?,
                salon: r.get(1)?,
                student: r.get(2)?,
                route: r.get(3)?,
                minutes: r.get(4)?,
                note: r.get(5)?,
                next_steps: r.get(6)?,
                follow_up_on: r.get(7)?,
                follow_up_done_at: r.get(8)?,
                concern: r.get(9)?,
                teacher_summary: r.get(10)?,
                topics: serde_json::from_str(&topics).unwrap_or_default(),
                created_at: r.get(12)?,
                updated_at: r.get(13)?,
            })
        },
    )?;
    let salons = query(
        conn,
        &format!(
            "SELECT id, campus_id, date, opened_at, closed_at, format, place FROM salon_session
             WHERE id IN (SELECT session_id FROM visit
                          WHERE student_id IN {of_students} AND {not_theirs})
             ORDER BY date, id"
        ),
        (&ids, recipient),
        |r| {
            Ok(SalonPart {
                key: r.get(0)?,
                campus: r.get(1)?,
                date: r.get(2)?,
                opened_at: r.get(3)?,
                closed_at: r.get(4)?,
                format: r.get(5)?,
                place: r.get(6)?,
            })
        },
    )?;
    let mut students_out = query(
        conn,
        &format!(
            "SELECT id, campus_id, display_name, grade, enrolment, path_status, path_decided_on,
                    created_at
             FROM student WHERE id IN {of_students} ORDER BY id"
        ),
        (&ids,),
        |r| {
            Ok(StudentPart {
                key: r.get(0)?,
                campus: r.get(1)?,
                display_name: r.get(2)?,
                grade: r.get(3)?,
                enrolment: r.get(4)?,
                path_status: r.get(5)?,
                path_decided_on: r.get(6)?,
                created_at: r.get(7)?,
                history: Vec::new(),
            })
        },
    )?;
    for student in &mut students_out {
        let mut stmt = conn.prepare(
            "SELECT status, decided_on, changed_at, campus_id FROM path_change
             WHERE student_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([student.key], |r| {
            Ok(PathChangePart {
                status: r.get(0)?,
                decided_on: r.get(1)?,
                changed_at: r.get(2)?,
                campus: r.get(3)?,
            })
        })?;
        student.history = rows.collect::<rusqlite::Result<_>>()?;
    }
    let appointments = query(
        conn,
        &format!(
            "SELECT student_id, campus_id, date, time, status, visit_id, booked_from_visit_id,
                    created_at
             FROM appointment WHERE student_id IN {of_students} AND {not_theirs}
             ORDER BY date, id"
        ),
        (&ids, recipient),
        |r| {
            Ok(AppointmentPart {
                student: r.get(0)?,
                campus: r.get(1)?,
                date: r.get(2)?,
                time: r.get(3)?,
                status: r.get(4)?,
                visit: r.get(5)?,
                booked_from: r.get(6)?,
                created_at: r.get(7)?,
            })
        },
    )?;
    let mut drafts = Vec::new();
    let mut stmt = conn.prepare_cached("SELECT body FROM draft WHERE key = ?1")?;
    for visit in &visits {
        let key = crate::drafts::visit_draft_key(visit.key);
        if let Some(body) = stmt.query_row([key], |r| r.get(0)).optional()? {
            drafts.push(DraftPart {
                visit: visit.key,
                body,
            });
        }
    }
    let mut campus_ids: Vec<i64> = vec![campus_id];
    for id in salons
        .iter()
        .map(|s| s.campus)
        .chain(students_out.iter().map(|s| s.campus))
        .chain(appointments.iter().map(|a| a.campus))
    {
        if !campus_ids.contains(&id) {
            campus_ids.push(id);
        }
    }
    let mut campuses = Vec::new();
    for id in campus_ids {
        campuses.push(conn.query_row(
            "SELECT id, name, weekday, start_time, end_time, place, default_format, hq_code
             FROM campus WHERE id = ?1",
            [id],
            |r| {
                Ok(CampusPart {
                    key: r.get(0)?,
                    name: r.get(1)?,
                    weekday: r.get(2)?,
                    start_time: r.get(3)?,
                    end_time: r.get(4)?,
                    place: r.get(5)?,
                    default_format: r.get(6)?,
                    hq_code: r.get(7)?,
                })
            },
        )?);
    }
    Ok(Caseload {
        reason,
        handed_on,
        campuses,
        students: students_out,
        salons,
        visits,
        appointments,
        drafts,
    })
}

fn query<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params, map)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
