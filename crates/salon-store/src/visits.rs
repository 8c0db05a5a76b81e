//! Visits (来談): the heart of a salon day.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use salon_core::{CoreError, Route, Topic, Visit, VisitInput, VisitRecord, VisitStudent};

use crate::error::{Result, StoreError};
use crate::rows::{code, date, date_text, opt_date, stamp, topics};
use crate::sessions::load_session;
use crate::students::insert_new_student;
use crate::vault::Store;

const SELECT: &str =
    "SELECT v.id, v.session_id, s.date, s.campus_id, v.student_id, st.display_name,
        v.route, (SELECT group_concat(topic, ',') FROM visit_topic t WHERE t.visit_id = v.id),
        v.minutes, v.note, v.next_steps, v.follow_up_on, v.concern, v.teacher_summary,
        v.taken_in IS NOT NULL
    FROM visit v
    JOIN salon_session s ON s.id = v.session_id
    LEFT JOIN student st ON st.id = v.student_id";

fn visit_from(row: &Row<'_>) -> rusqlite::Result<Visit> {
    let topics = topics(row, 7)?;
    Ok(Visit {
        id: row.get(0)?,
        session_id: row.get(1)?,
        date: date(row, 2)?,
        campus_id: row.get(3)?,
        student_id: row.get(4)?,
        student_name: row.get(5)?,
        route: code(row, 6, Route::from_code)?,
        topics,
        minutes: row.get(8)?,
        note: row.get(9)?,
        next_steps: row.get(10)?,
        follow_up_on: opt_date(row, 11)?,
        concern: row.get(12)?,
        teacher_summary: row.get(13)?,
        taken: row.get(14)?,
    })
}

impl Store {
    /// Logs a new visit (no id) or corrects one. A new visit needs an open salon; a visit of a
    /// closed salon can still be corrected. Everything happens in one transaction: a refused
    /// visit leaves no new student behind, and the form's draft goes exactly when the visit is
    /// stored, so a crash between the two can never bring a saved visit back as a draft.
    pub fn save_visit(&mut self, input: &VisitInput, draft_key: Option<&str>) -> Result<Visit> {
        let tx = self.conn.transaction()?;
        let id = write_visit(&tx, input, draft_key)?;
        tx.commit()?;
        self.visit(id)
    }

    pub fn visit(&self, id: i64) -> Result<Visit> {
        self.conn
            .prepare_cached(&format!("{SELECT} WHERE v.id = ?1"))?
            .query_row([id], visit_from)
            .optional()?
            .ok_or(StoreError::NotFound("visit"))
    }

    /// The visits of one salon, in the order they were logged.
    pub fn visits_in_session(&self, session_id: i64) -> Result<Vec<Visit>> {
        self.query_visits(
            &format!("{SELECT} WHERE v.session_id = ?1 ORDER BY v.id"),
            session_id,
        )
    }

    /// A student's visit history, newest first.
    pub fn visits_of_student(&self, student_id: i64) -> Result<Vec<Visit>> {
        self.query_visits(
            &format!("{SELECT} WHERE v.student_id = ?1 ORDER BY s.date DESC, v.id DESC"),
            student_id,
        )
    }

    fn query_visits(&self, sql: &str, id: i64) -> Result<Vec<Visit>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([id], visit_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Validates and writes a visit (with a new student, its topics, and the end of its draft)
/// inside the caller's transaction; returns its id. Other writes can join the transaction.
pub(crate) fn write_visit(
    tx: &Transaction<'_>,
    input: &VisitInput,
    draft_key: Option<&str>,
) -> Result<i64> {
    let record = input.validate()?;
    let session = load_session(tx, record.session_id)?;
    let id = match record.id {
        None if !session.is_open() => return Err(StoreError::SessionClosed),
        None => {
            let student_id = resolve_student(tx, &record.student, session.campus_id)?;
            insert_visit(tx, &record, student_id)?
        }
        Some(id) => {
            let stored_session: Option<i64> = tx
                .prepare_cached("SELECT session_id FROM visit WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match stored_session {
                None => return Err(StoreError::NotFound("visit")),
                // A visit stays with the salon it happened in.
                Some(s) if s != record.session_id => {
                    return Err(CoreError::InvalidChoice("sessionId").into())
                }
                Some(_) => {}
            }
            let student_id = resolve_student(tx, &record.student, session.campus_id)?;
            update_visit(tx, id, &record, student_id)?;
            id
        }
    };
    replace_topics(tx, id, &record.topics)?;
    if let Some(key) = draft_key {
        tx.prepare_cached("DELETE FROM draft WHERE key = ?1")?
            .execute([key])?;
    }
    Ok(id)
}

fn resolve_student(
    tx: &Transaction<'_>,
    student: &VisitStudent,
    campus_id: i64,
) -> Result<Option<i64>> {
    match student {
        VisitStudent::Anonymous => Ok(None),
        VisitStudent::Existing(id) => {
            let their_campus: Option<i64> = tx
                .prepare_cached("SELECT campus_id FROM student WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            match their_campus {
                None => Err(StoreError::NotFound("student")),
                // A student belongs to one campus; a visit elsewhere is a mistaken pick.
                Some(c) if c != campus_id => Err(CoreError::InvalidChoice("studentId").into()),
                Some(_) => Ok(Some(*id)),
            }
        }
        VisitStudent::New {
            display_name,
            grade,
        } => insert_new_student(tx, campus_id, display_name, *grade).map(Some),
    }
}

fn insert_visit(tx: &Transaction<'_>, v: &VisitRecord, student_id: Option<i64>) -> Result<i64> {
    let now = stamp();
    tx.prepare_cached(
        "INSERT INTO visit (session_id, student_id, route, minutes, note, next_steps, follow_up_on,
         concern, teacher_summary, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        v.session_id,
        student_id,
        v.route.code(),
        v.minutes,
        v.note,
        v.next_steps,
        v.follow_up_on.map(date_text),
        v.concern,
        v.teacher_summary,
        now
    ])?;
    Ok(tx.last_insert_rowid())
}

fn update_visit(
    tx: &Transaction<'_>,
    id: i64,
    v: &VisitRecord,
    student_id: Option<i64>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE visit SET student_id = ?1, route = ?2, minutes = ?3, note = ?4, next_steps = ?5,
         follow_up_on = ?6, concern = ?7, teacher_summary = ?8, updated_at = ?9 WHERE id = ?10",
    )?
    .execute(params![
        student_id,
        v.route.code(),
        v.minutes,
        v.note,
        v.next_steps,
        v.follow_up_on.map(date_text),
        v.concern,
        v.teacher_summary,
        stamp(),
        id
    ])?;
    Ok(())
}

fn replace_topics(tx: &Transaction<'_>, visit_id: i64, topics: &[Topic]) -> Result<()> {
    tx.prepare_cached("DELETE FROM visit_topic WHERE visit_id = ?1")?
        .execute([visit_id])?;
    let mut stmt =
        tx.prepare_cached("INSERT INTO visit_topic (visit_id, topic) VALUES (?1, ?2)")?;
    for topic in topics {
        stmt.execute(params![visit_id, topic.code()])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveTime};
    use salon_core::{NewStudent, SessionOpen, Topic, VisitInput};

    use crate::vault::tests::{campus_input, fresh_store, student_input};
    use crate::{Store, StoreError};

    fn open_salon(store: &mut Store) -> (i64, i64) {
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let open = SessionOpen {
            campus_id: campus.id,
            format: "in_person".into(),
            place: String::new(),
        };
        let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
        let s = store
            .open_session(&open, day, NaiveTime::from_hms_opt(10, 0, 0).unwrap())
            .unwrap();
        (campus.id, s.id)
    }

    pub(crate) fn visit_input(session_id: i64, note: &str) -> VisitInput {
        VisitInput {
            id: None,
            session_id,
            student_id: None,
            new_student: None,
            route: "teacher".into(),
            topics: vec!["job_search".into(), "application_prep".into()],
            minutes: 40,
            note: note.into(),
            next_steps: "履歴書の下書きを持ってくる".into(),
            follow_up_on: Some("2025-03-04".into()),
            concern: false,
            teacher_summary: "求人票の見方を一緒に確認しました。".into(),
        }
    }

    #[test]
    fn a_visit_with_a_new_student_is_logged_and_corrected() {
        let (_dir, mut store) = fresh_store();
        let (campus_id, session_id) = open_salon(&mut store);
        let mut input = visit_input(session_id, "パン屋のアルバイトの面接について");
        input.new_student = Some(NewStudent {
            display_name: "はるか".into(),
            grade: Some(3),
        });
        let v = store.save_visit(&input, None).unwrap();
        assert_eq!(v.student_name.as_deref(), Some("はるか"));
        assert_eq!(v.topics, vec![Topic::JobSearch, Topic::ApplicationPrep]);
        assert_eq!(v.date.to_string(), "2025-02-25");
        let student = store.student(v.student_id.unwrap()).unwrap();
        assert_eq!((student.campus_id, student.visit_count), (campus_id, 1));

        let mut fix = visit_input(session_id, "面接は来週");
        fix.id = Some(v.id);
        fix.student_id = v.student_id;
        fix.topics = vec!["part_time".into()];
        let fixed = store.save_visit(&fix, None).unwrap();
        assert_eq!(fixed.note, "面接は来週");
        assert_eq!(fixed.topics, vec![Topic::PartTime]);
        assert_eq!(
            store.visits_in_session(session_id).unwrap(),
            vec![fixed.clone()]
        );
        assert_eq!(store.visits_of_student(student.id).unwrap(), vec![fixed]);
    }

    #[test]
    fn a_visit_for_a_closed_salon_is_refused_and_nothing_is_stored() {
        let (_dir, mut store) = fresh_store();
        let (_, session_id) = open_salon(&mut store);
        let logged = store
            .save_visit(&visit_input(session_id, "開催中の記録"), None)
            .unwrap();
        store
            .close_session(session_id, NaiveTime::from_hms_opt(13, 0, 0).unwrap())
            .unwrap();
        let mut late = visit_input(session_id, "終了後の記録");
        late.new_student = Some(NewStudent {
            display_name: "あとから".into(),
            grade: None,
        });
        assert!(matches!(
            store.save_visit(&late, None),
            Err(StoreError::SessionClosed)
        ));
        assert!(store.students(None, "").unwrap().is_empty());
        // A correction of a visit of a closed salon is still allowed.
        let mut fix = visit_input(session_id, "訂正");
        fix.id = Some(logged.id);
        assert_eq!(store.save_visit(&fix, None).unwrap().note, "訂正");
        assert_eq!(store.visits_in_session(session_id).unwrap().len(), 1);
    }

    #[test]
    fn bad_visits_change_nothing() {
        let (_dir, mut store) = fresh_store();
        let (campus_id, session_id) = open_salon(&mut store);
        let known = store
            .save_student(&student_input(campus_id, "さくら"))
            .unwrap();
        let spoilers: Vec<fn(&mut VisitInput)> = vec![
            |v| v.topics.clear(),
            |v| v.follow_up_on = Some("2025-02-30".into()),
            |v| v.note = "長".repeat(20_001),
            |v| v.minutes = 10_000,
            |v| v.session_id = 999,
            |v| v.student_id = Some(999),
            |v| v.id = Some(999),
            |v| {
                v.new_student = Some(NewStudent {
                    display_name: String::new(),
                    grade: None,
                })
            },
        ];
        for spoil in spoilers {
            let mut input = visit_input(session_id, "メモ");
            input.student_id = Some(known.id);
            spoil(&mut input);
            assert!(store.save_visit(&input, None).is_err());
        }
        assert!(store.visits_in_session(session_id).unwrap().is_empty());
        assert_eq!(store.students(None, "").unwrap().len(), 1);
    }

    #[test]
    fn saving_a_visit_takes_its_draft_with_it() {
        let (_dir, mut store) = fresh_store();
        let (_, session_id) = open_salon(&mut store);
        let key = crate::new_visit_draft_key(session_id);
        store.save_draft(&key, r#"{"note":"途中"}"#).unwrap();
        let mut bad = visit_input(session_id, "途中");
        bad.topics.clear();
        assert!(store.save_visit(&bad, Some(&key)).is_err());
        assert!(
            store.draft(&key).unwrap().is_some(),
            "a refused save keeps the draft"
        );
        store
            .save_visit(&visit_input(session_id, "完成"), Some(&key))
            .unwrap();
        assert_eq!(store.draft(&key).unwrap(), None);
    }

    #[test]
    fn a_visit_stays_with_its_campus_and_its_salon() {
        let (_dir, mut store) = fresh_store();
        let (_, session_id) = open_salon(&mut store);
        let other = store.save_campus(&campus_input("別の校舎", 3)).unwrap();
        let elsewhere = store
            .save_student(&student_input(other.id, "よそのこ"))
            .unwrap();
        let mut input = visit_input(session_id, "メモ");
        input.student_id = Some(elsewhere.id);
        assert!(matches!(
            store.save_visit(&input, None),
            Err(StoreError::Invalid(salon_core::CoreError::InvalidChoice(
                "studentId"
            )))
        ));
        let logged = store
            .save_visit(&visit_input(session_id, "メモ"), None)
            .unwrap();
        let open = SessionOpen {
            campus_id: other.id,
            format: "online".into(),
            place: String::new(),
        };
        let day = NaiveDate::from_ymd_opt(2025, 2, 26).unwrap();
        let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
        let other_session = store.open_session(&open, day, noon).unwrap();
        let mut moved = visit_input(other_session.id, "メモ");
        moved.id = Some(logged.id);
        assert!(matches!(
            store.save_visit(&moved, None),
            Err(StoreError::Invalid(salon_core::CoreError::InvalidChoice(
                "sessionId"
            )))
        ));
        assert_eq!(store.visit(logged.id).unwrap(), logged);
    }
}
