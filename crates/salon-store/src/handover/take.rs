//! Taking a colleague's package: opened only by this laptop's key, believed only from a
//! colleague whose card was imported with its fingerprint, taken once. The recipient sees who
//! sent what before anything is written; on accepting, every record joins the store in one
//! transaction, marked as taken (`taken_in`), so that it counts in none of this laptop's
//! figures: its days were the colleague's.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use salon_core::care::AppointmentStatus;
use salon_core::{Enrolment, Format, PathStatus, Route, Topic};
use salon_handover::{open, LaptopKeys, Opened, Receipt, Refusal, SealedPackage};

use super::caseload::{CampusPart, Caseload};
use super::record::{insert_record, HandoverRecord, Merge, MergeOffer, PackageSummary};
use crate::error::{Result, StoreError};
use crate::laptop_keys::laptop_keys;
use crate::vault::Store;

/// A package opened and checked, with what it holds.
struct Taken {
    keys: LaptopKeys,
    opened: Opened,
    caseload: Caseload,
    sender: String,
}

impl Store {
    /// Opens a package to show the supporter who sent what; writes nothing.
    pub fn open_package(&self, file: &str, now: DateTime<Utc>) -> Result<PackageSummary> {
        let taken = self.checked_package(file, now)?;
        let home = campus_here(&self.conn, &taken.caseload.campuses[0])?;
        let mut merge_offers = Vec::new();
        if let Some(home) = home {
            for s in &taken.caseload.students {
                let here: Option<i64> = self
                    .conn
                    .query_row(
                        "SELECT id FROM student WHERE campus_id = ?1 AND display_name = ?2
                         ORDER BY id LIMIT 1",
                        params![home, s.display_name],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(student_id) = here {
                    merge_offers.push(MergeOffer {
                        key: s.key,
                        name: s.display_name.clone(),
                        student_id,
                    });
                }
            }
        }
        Ok(PackageSummary {
            id: taken.opened.header.id.clone(),
            sender: taken.sender,
            fingerprint: taken.opened.sender.fingerprint().to_string(),
            campus_name: taken.caseload.campuses[0].name.clone(),
            reason: taken.caseload.reason,
            handed_on: taken.caseload.handed_on,
            expires_at: taken.opened.header.expires_at.to_rfc3339(),
            counts: taken.caseload.counts(),
            merge_offers,
        })
    }

    /// Takes the package: its records join this store in one transaction (the students named
    /// in `merges` joining those here), the handover is recorded, and the signed receipt for
    /// the sender is returned (its file's text).
    pub fn accept_package(
        &mut self,
        file: &str,
        merges: &[Merge],
        now: DateTime<Utc>,
    ) -> Result<(HandoverRecord, String)> {
        self.accept_package_via(file, merges, now, None)
    }

    /// As `accept_package`; a package that came through headquarters (`via`: its id in the
    /// relay inbox and the sender's device) leaves the inbox and queues its receipt for the
    /// next sync, in the same transaction.
    pub(super) fn accept_package_via(
        &mut self,
        file: &str,
        merges: &[Merge],
        now: DateTime<Utc>,
        via: Option<(&str, i64)>,
    ) -> Result<(HandoverRecord, String)> {
        let taken = self.checked_package(file, now)?;
        let receipt = Receipt::new(&taken.keys, &taken.opened.header, now).to_file();
        let header = &taken.opened.header;
        let record = HandoverRecord {
            id: header.id.clone(),
            direction: "taken".into(),
            state: "done".into(),
            reason: taken.caseload.reason,
            colleague: taken.sender.clone(),
            fingerprint: taken.opened.sender.fingerprint().to_string(),
            campus_name: taken.caseload.campuses[0].name.clone(),
            handed_on: taken.caseload.handed_on,
            counts: taken.caseload.counts(),
            created_at: crate::rows::stamp(),
            settled_at: Some(crate::rows::stamp()),
            relay_state: None,
            relay_end: None,
        };
        let tx = self.conn.transaction()?;
        insert_record(
            &tx,
            &record,
            &serde_json::to_string(header).unwrap_or_default(),
            Some(&receipt),
        )?;
        // The colleague handing back students this laptop lent them for a cover ends it.
        tx.execute(
            "UPDATE handover SET state = 'ended', settled_at = ?2
             WHERE direction = 'sent' AND state = 'cover' AND fingerprint = ?1",
            params![record.fingerprint, record.settled_at],
        )?;
        insert_caseload(&tx, &record.id, &taken.caseload, merges).map_err(|e| match e {
            StoreError::Sqlite(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) =>
            {
                StoreError::Handover(Refusal::Unreadable)
            }
            other => other,
        })?;
        if let Some((inbox_id, device)) = via {
            tx.execute(
                "UPDATE handover SET relay_device = ?2, relay_state = 'receipt_to_send'
                 WHERE id = ?1",
                params![record.id, device],
            )?;
            tx.execute("DELETE FROM relay_inbox WHERE id = ?1", [inbox_id])?;
        }
        tx.commit()?;
        Ok((record, receipt))
    }

    /// The receipt this laptop signed for a package it took, to be written out again.
    pub fn receipt_of(&self, id: &str) -> Result<String> {
        self.conn
            .query_row(
                "SELECT receipt FROM handover WHERE id = ?1 AND direction = 'taken'",
                [id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten()
            .ok_or(StoreError::NotFound("handover"))
    }

    /// Opens and checks a package: for this laptop, from a known colleague, unaltered, not
    /// expired, not taken before, holding a caseload handed on the day it was sealed.
    fn checked_package(&self, file: &str, now: DateTime<Utc>) -> Result<Taken> {
        let package = SealedPackage::from_file(file).map_err(StoreError::Handover)?;
        let keys = laptop_keys(&self.conn)?;
        let known = self.known_cards()?;
        let opened = open(&keys, &package, &known, now).map_err(StoreError::Handover)?;
        let before: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM handover WHERE id = ?1)",
            [&opened.header.id],
            |r| r.get(0),
        )?;
        if before {
            return Err(StoreError::Handover(Refusal::Replayed));
        }
        let caseload: Caseload = serde_json::from_slice(&opened.contents)
            .map_err(|_| StoreError::Handover(Refusal::Unreadable))?;
        // The handover day decides what each laptop counts: it must be the day the package
        // was sealed (a day either side for the two clocks), never one still to come.
        let sealed_on = salon_core::in_tokyo(opened.header.created_at).date_naive();
        let a_day = chrono::Duration::days(1);
        let sound_day = caseload.handed_on >= sealed_on - a_day
            && caseload.handed_on <= sealed_on + a_day
            && caseload.handed_on <= salon_core::in_tokyo(now).date_naive() + a_day;
        if caseload.campuses.is_empty() || !sound_day {
            return Err(StoreError::Handover(Refusal::Unreadable));
        }
        let fingerprint = opened.sender.fingerprint().to_string();
        let sender: String = self.conn.query_row(
            "SELECT label FROM known_laptop WHERE fingerprint = ?1",
            [fingerprint],
            |r| r.get(0),
        )?;
        Ok(Taken {
            keys,
            opened,
            caseload,
            sender,
        })
    }
}

/// The campus here that is the package's: the one with its headquarters code; or else the
/// one of its name, unless both have codes and they differ (another campus, then).
fn campus_here(conn: &rusqlite::Connection, campus: &CampusPart) -> Result<Option<i64>> {
    if let Some(code) = &campus.hq_code {
        let by_code = conn
            .query_row("SELECT id FROM campus WHERE hq_code = ?1", [code], |r| {
                r.get(0)
            })
            .optional()?;
        if by_code.is_some() {
            return Ok(by_code);
        }
    }
    Ok(conn
        .query_row(
            "SELECT id FROM campus WHERE name = ?1 AND (hq_code IS NULL OR ?2 IS NULL)
             ORDER BY id LIMIT 1",
            params![campus.name, campus.hq_code],
            |r| r.get(0),
        )
        .optional()?)
}

/// A code or date from the package, which must be one this laptop knows.
fn known<T>(value: Option<T>) -> Result<T> {
    value.ok_or(StoreError::Handover(Refusal::Unreadable))
}

fn day(text: &str) -> Result<NaiveDate> {
    known(NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
}

fn insert_caseload(
    tx: &Transaction<'_>,
    handover: &str,
    caseload: &Caseload,
    merges: &[Merge],
) -> Result<()> {
    let stamp = crate::rows::stamp();
    let mut campuses = BTreeMap::new();
    for c in &caseload.campuses {
        known(Format::from_code(&c.default_format))?;
        let id = match campus_here(tx, c)? {
            Some(id) => id,
            None => {
                // No campus here has its code (else it would have matched): it keeps it.
                tx.execute(
                    "INSERT INTO campus (name, weekday, start_time, end_time, place,
                                         default_format, hq_code, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                    params![
                        c.name,
                        c.weekday,
                        c.start_time,
                        c.end_time,
                        c.place,
                        c.default_format,
                        c.hq_code,
                        stamp
                    ],
                )?;
                tx.last_insert_rowid()
            }
        };
        campuses.insert(c.key, id);
    }
    let campus = |key: i64| known(campuses.get(&key).copied());
    let mut salons = BTreeMap::new();
    for s in &caseload.salons {
        day(&s.date)?;
        known(Format::from_code(&s.format))?;
        let here = campus(s.campus)?;
        let held: Option<i64> = tx
            .query_row(
                "SELECT id FROM salon_session WHERE campus_id = ?1 AND date = ?2",
                params![here, s.date],
                |r| r.get(0),
            )
            .optional()?;
        let id = match held {
            Some(id) => id,
            None => {
                tx.execute(
                    "INSERT INTO salon_session (campus_id, date, opened_at, closed_at, format,
                                                place, taken_in)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        here,
                        s.date,
                        s.opened_at,
                        s.closed_at.as_deref().unwrap_or(&s.opened_at),
                        s.format,
                        s.place,
                        handover
                    ],
                )?;
                tx.last_insert_rowid()
            }
        };
        salons.insert(s.key, id);
    }
    let mut students = BTreeMap::new();
    for s in &caseload.students {
        known(Enrolment::from_code(&s.enrolment))?;
        known(PathStatus::from_code(&s.path_status))?;
        if let Some(d) = &s.path_decided_on {
            day(d)?;
        }
        let here = campus(s.campus)?;
        let merged = merges.iter().find(|m| m.key == s.key);
        let id = match merged {
            Some(m) => {
                let at_campus: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM student WHERE id = ?1 AND campus_id = ?2)",
                    params![m.student_id, here],
                    |r| r.get(0),
                )?;
                if !at_campus {
                    return Err(StoreError::NotFound("student"));
                }
                m.student_id
            }
            None => {
                tx.execute(
                    "INSERT INTO student (campus_id, display_name, grade, enrolment, path_status,
                                          path_decided_on, created_at, updated_at, taken_in)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        here,
                        s.display_name,
                        s.grade,
                        s.enrolment,
                        s.path_status,
                        s.path_decided_on,
                        s.created_at,
                        stamp,
                        handover
                    ],
                )?;
                let id = tx.last_insert_rowid();
                // The history comes whole from the package, with the campus of each change.
                tx.execute("DELETE FROM path_change WHERE student_id = ?1", [id])?;
                id
            }
        };
        for change in &s.history {
            known(PathStatus::from_code(&change.status))?;
            tx.execute(
                "INSERT INTO path_change (student_id, status, decided_on, changed_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, change.status, change.decided_on, change.changed_at],
            )?;
            let at = change.campus.and_then(|c| campuses.get(&c).copied());
            tx.execute(
                "UPDATE path_change SET campus_id = ?2 WHERE id = ?1",
                params![tx.last_insert_rowid(), at],
            )?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO handover_student (handover_id, student_id) VALUES (?1, ?2)",
            params![handover, id],
        )?;
        students.insert(s.key, id);
    }
    let mut visits = BTreeMap::new();
    for v in &caseload.visits {
        known(Route::from_code(&v.route))?;
        if let Some(d) = &v.follow_up_on {
            day(d)?;
        }
        tx.execute(
            "INSERT INTO visit (session_id, student_id, route, minutes, note, next_steps,
                                follow_up_on, concern, teacher_summary, created_at, updated_at,
                                taken_in)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                known(salons.get(&v.salon).copied())?,
                known(students.get(&v.student).copied())?,
                v.route,
                v.minutes,
                v.note,
                v.next_steps,
                v.follow_up_on,
                v.concern,
                v.teacher_summary,
                v.created_at,
                v.updated_at,
                handover
            ],
        )?;
        let id = tx.last_insert_rowid();
        for topic in &v.topics {
            known(Topic::from_code(topic))?;
            tx.execute(
                "INSERT OR IGNORE INTO visit_topic (visit_id, topic) VALUES (?1, ?2)",
                params![id, topic],
            )?;
        }
        if let Some(done) = &v.follow_up_done_at {
            tx.execute(
                "INSERT INTO follow_up_done (visit_id, done_at) VALUES (?1, ?2)",
                params![id, done],
            )?;
        }
        visits.insert(v.key, id);
    }
    for a in &caseload.appointments {
        known(AppointmentStatus::from_code(&a.status))?;
        let date = day(&a.date)?;
        let visit = a
            .visit
            .map(|k| known(visits.get(&k).copied()))
            .transpose()?;
        tx.execute(
            "INSERT INTO appointment (student_id, campus_id, date, time, status, visit_id,
                                      booked_from_visit_id, created_at, updated_at, taken_in)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                known(students.get(&a.student).copied())?,
                campus(a.campus)?,
                a.date,
                a.time,
                a.status,
                visit,
                a.booked_from.and_then(|k| visits.get(&k).copied()),
                a.created_at,
                stamp,
                (date <= caseload.handed_on).then_some(handover)
            ],
        )?;
    }
    for d in &caseload.drafts {
        let visit = known(visits.get(&d.visit).copied())?;
        tx.execute(
            "INSERT OR REPLACE INTO draft (key, body, updated_at) VALUES (?1, ?2, ?3)",
            params![
                crate::drafts::visit_draft_key(visit),
                draft_here(&d.body, &students),
                stamp
            ],
        )?;
    }
    Ok(())
}

/// A correction form's draft with the student named by this laptop's number, and no
/// appointment (the sender's numbers mean nothing here). A body that is not the form's is
/// kept as it is: the form restores what it can read.
fn draft_here(body: &str, students: &BTreeMap<i64, i64>) -> String {
    let Ok(serde_json::Value::Object(mut form)) = serde_json::from_str(body) else {
        return body.to_owned();
    };
    let sender_student = form.get("student").and_then(|s| {
        s.as_str()
            .and_then(|t| t.parse::<i64>().ok())
            .or(s.as_i64())
    });
    let here = sender_student
        .and_then(|k| students.get(&k))
        .map(|id| id.to_string())
        .unwrap_or_default();
    form.insert("student".into(), here.into());
    form.insert("appointmentId".into(), "".into());
    serde_json::Value::Object(form).to_string()
}
