//! Corrections against a real encrypted store: each changes exactly what it says, a refused one
//! changes nothing, and deleted text is gone from every table, the search index's own included.

use chrono::{NaiveDate, NaiveTime};
use salon_core::care::{AppointmentInput, AppointmentStatus};
use salon_core::{CoreError, SessionCorrection, SessionOpen, VisitInput};

use super::{MoveTo, RemovedVisits};
use crate::drafts::{new_visit_draft_key, visit_draft_key};
use crate::vault::tests::{campus_input, fresh_store, student_input};
use crate::{Store, StoreError};

/// A note no other text shares a trigram with.
const CANARY: &str = "鰐鮫鯨の話";

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(12, 1)
}

fn at(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

fn salon(store: &mut Store, campus_id: i64, on: NaiveDate) -> i64 {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: "相談室".into(),
    };
    store.open_session(&open, on, at(13)).unwrap().id
}

fn visit(store: &mut Store, session_id: i64, student_id: Option<i64>, note: &str) -> i64 {
    let input = VisitInput {
        note: note.into(),
        next_steps: format!("{note}の続き"),
        ..crate::vault::tests::visit_input(session_id, student_id)
    };
    store.save_visit(&input, None).unwrap().id
}

/// A campus, a student, and a salon on 24 November with one visit of that student.
fn one_visit() -> (tempfile::TempDir, Store, i64, i64, i64, i64) {
    let (dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap().id;
    let student = store
        .save_student(&student_input(campus, "たろう"))
        .unwrap()
        .id;
    let session = salon(&mut store, campus, day(11, 24));
    let v = visit(&mut store, session, Some(student), CANARY);
    (dir, store, campus, student, session, v)
}

/// Every value of every table (the FTS5 shadow tables included), as bytes.
pub(crate) fn every_value(store: &Store) -> Vec<(String, Vec<u8>)> {
    let tables: Vec<String> = {
        let mut stmt = store
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = store
            .conn
            .prepare(&format!("SELECT * FROM \"{t}\""))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let bytes = match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        b.to_vec()
                    }
                    _ => continue,
                };
                out.push((t.clone(), bytes));
            }
        }
    }
    out
}

/// Where any trigram of `text` is found: in a table's bytes, or as a term of the index.
fn traces_of(store: &Store, text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let trigrams: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    let mut found = Vec::new();
    for (table, bytes) in every_value(store) {
        for g in &trigrams {
            if bytes.windows(g.len()).any(|w| w == g.as_bytes()) {
                found.push(format!("{table}: {g}"));
            }
        }
    }
    store
        .conn
        .execute_batch(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, visit_fts, 'row')",
        )
        .unwrap();
    let mut stmt = store.conn.prepare("SELECT term FROM temp.terms").unwrap();
    let terms: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for g in &trigrams {
        if terms.contains(g) {
            found.push(format!("index term: {g}"));
        }
    }
    found
}

#[test]
fn a_deleted_visit_leaves_no_text_and_its_student_stays() {
    let (_dir, mut store, campus, student, session, v) = one_visit();
    visit(&mut store, session, None, "ほかの相談");
    store.save_draft(&visit_draft_key(v), CANARY).unwrap();
    let booked = store
        .book_appointment(&AppointmentInput {
            student_id: student,
            date: day(11, 24).to_string(),
            time: None,
            booked_from_visit_id: None,
        })
        .unwrap();
    store.mark_appointment_kept(booked.id, v).unwrap();
    let next = store
        .book_appointment(&AppointmentInput {
            student_id: student,
            date: day(12, 8).to_string(),
            time: None,
            booked_from_visit_id: Some(v),
        })
        .unwrap();
    assert!(
        !traces_of(&store, CANARY).is_empty(),
        "the check sees the note"
    );

    store.delete_visit(v).unwrap();
    assert!(matches!(store.visit(v), Err(StoreError::NotFound(_))));
    assert_eq!(store.student(student).unwrap().visit_count, 0);
    assert_eq!(store.visits_in_session(session).unwrap().len(), 1);
    let a = store.appointment(booked.id).unwrap();
    assert_eq!(
        a.status,
        AppointmentStatus::Booked,
        "no longer kept by a visit"
    );
    let n = store.appointment(next.id).unwrap();
    assert_eq!(
        (n.status, n.booked_from_visit_id),
        (AppointmentStatus::Booked, None)
    );
    assert_eq!(store.draft(&visit_draft_key(v)).unwrap(), None);
    assert_eq!(traces_of(&store, CANARY), Vec::<String>::new());
    store
        .conn
        .execute_batch("INSERT INTO visit_fts (visit_fts) VALUES ('integrity-check')")
        .unwrap();
    assert_eq!(store.campuses().unwrap()[0].id, campus);

    // Deleting it again changes nothing.
    let before = every_value(&store);
    assert!(matches!(
        store.delete_visit(v),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(every_value(&store), before);
}

#[test]
fn a_retention_purge_leaves_no_text_either() {
    let (_dir, mut store, campus, student, _session, _v) = one_visit();
    let mut graduated = student_input(campus, "たろう");
    graduated.id = Some(student);
    graduated.enrolment = "graduated".into();
    store.save_student(&graduated).unwrap();
    let later = NaiveDate::from_ymd_opt(2032, 1, 1).unwrap();
    let n = store.retention_candidates(5, later).unwrap().len();
    assert_eq!(n, 1);
    store.purge_old_notes(5, later, n).unwrap();
    assert_eq!(traces_of(&store, CANARY), Vec::<String>::new());
    assert_eq!(traces_of(&store, "たろう"), Vec::<String>::new());
}

#[test]
fn a_visit_moves_to_the_right_day_of_its_campus_and_never_to_another_campus() {
    let (_dir, mut store, campus, _student, session, v) = one_visit();
    store.close_session(session, at(16)).unwrap();
    let right = salon(&mut store, campus, day(11, 17));
    let moved = store
        .move_visit(v, MoveTo::Session(right), today())
        .unwrap();
    assert_eq!((moved.session_id, moved.date), (right, day(11, 17)));

    // To a day without a salon: one is created, closed, at the campus's usual times.
    let moved = store
        .move_visit(v, MoveTo::Day(day(11, 10)), today())
        .unwrap();
    let created = store.session(moved.session_id).unwrap();
    assert_eq!(created.date, day(11, 10));
    assert_eq!(created.campus_id, campus);
    assert_eq!(
        (created.opened_at, created.closed_at),
        (at(13), Some(at(16)))
    );
    assert_eq!(created.place, "相談室");

    let elsewhere = store.save_campus(&campus_input("松戸", 3)).unwrap().id;
    let theirs = salon(&mut store, elsewhere, day(11, 10));
    let before = every_value(&store);
    assert!(matches!(
        store.move_visit(v, MoveTo::Session(theirs), today()),
        Err(StoreError::OtherCampus)
    ));
    assert!(matches!(
        store.move_visit(v, MoveTo::Day(day(12, 2)), today()),
        Err(StoreError::Invalid(CoreError::InvalidDate(_)))
    ));
    assert!(matches!(
        store.move_visit(v, MoveTo::Session(9999), today()),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(every_value(&store), before);
}

#[test]
fn an_empty_salon_goes_at_once_and_one_with_visits_only_as_the_supporter_saw_it() {
    let (_dir, mut store, campus, _student, session, v) = one_visit();
    let wrong = store
        .save_campus(&campus_input("松戸", 3))
        .map(|c| salon(&mut store, c.id, day(11, 24)))
        .unwrap();
    store
        .remove_session(wrong, RemovedVisits::Delete, &[], today())
        .unwrap();
    assert!(matches!(store.session(wrong), Err(StoreError::NotFound(_))));

    let second = visit(&mut store, session, None, "二人目");
    let before = every_value(&store);
    // The list shown had one visit; there are two now.
    assert!(matches!(
        store.remove_session(session, RemovedVisits::Delete, &[v], today()),
        Err(StoreError::VisitsChanged)
    ));
    store
        .save_draft(&new_visit_draft_key(session), "{}")
        .unwrap();
    assert!(matches!(
        store.remove_session(session, RemovedVisits::Delete, &[v, second], today()),
        Err(StoreError::DraftPending)
    ));
    store.discard_draft(&new_visit_draft_key(session)).unwrap();
    assert!(matches!(
        store.remove_session(
            session,
            RemovedVisits::Move(MoveTo::Day(day(11, 24))),
            &[v, second],
            today()
        ),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(every_value(&store), before);

    // Moved to the right day, then removed.
    store
        .remove_session(
            session,
            RemovedVisits::Move(MoveTo::Day(day(11, 25))),
            &[v, second],
            today(),
        )
        .unwrap();
    assert!(matches!(
        store.session(session),
        Err(StoreError::NotFound(_))
    ));
    let right = store.session_on(campus, day(11, 25)).unwrap().unwrap();
    let ids: Vec<i64> = store
        .visits_in_session(right.id)
        .unwrap()
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(ids, [v, second]);

    // Removed with its visits deleted.
    store
        .remove_session(right.id, RemovedVisits::Delete, &[v, second], today())
        .unwrap();
    assert_eq!(traces_of(&store, CANARY), Vec::<String>::new());
}

#[test]
fn a_salon_is_corrected_and_todays_closed_too_early_is_reopened() {
    let (_dir, mut store, campus, _student, session, v) = one_visit();
    store.close_session(session, at(16)).unwrap();
    let fix = |date: &str, closed: &str| SessionCorrection {
        date: date.into(),
        opened_at: "14:00".into(),
        closed_at: closed.into(),
        format: "online".into(),
        place: "Zoom".into(),
    };
    let s = store
        .correct_session(session, &fix("2026-11-26", "17:30"), today())
        .unwrap();
    assert_eq!(
        (s.date, s.opened_at, s.closed_at),
        (
            day(11, 26),
            NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(17, 30, 0)
        )
    );
    assert_eq!(s.format.code(), "online");
    assert_eq!(
        store.visit(v).unwrap().date,
        day(11, 26),
        "its visits go with it"
    );

    let other = salon(&mut store, campus, day(11, 19));
    let before = every_value(&store);
    assert!(matches!(
        store.correct_session(session, &fix("2026-11-19", "17:30"), today()),
        Err(StoreError::SessionExistsThatDay)
    ));
    assert!(matches!(
        store.correct_session(session, &fix("2026-11-26", ""), today()),
        Err(StoreError::Invalid(CoreError::Required("closedAt")))
    ));
    assert!(matches!(
        store.correct_session(session, &fix("2026-12-03", "17:30"), today()),
        Err(StoreError::Invalid(CoreError::InvalidDate("date")))
    ));
    assert!(matches!(
        store.reopen_session(other, today()),
        Err(StoreError::SessionNotToday)
    ));
    assert_eq!(every_value(&store), before);

    let now = salon(&mut store, campus, today());
    store.close_session(now, at(14)).unwrap();
    assert!(store.reopen_session(now, today()).unwrap().is_open());
}

#[test]
fn two_profiles_of_one_student_merge_into_the_one_kept() {
    let (_dir, mut store, campus, kept, session, v) = one_visit();
    let mut nickname = student_input(campus, "タロ");
    nickname.grade = None;
    nickname.path_status = "employment".into();
    nickname.path_decided_on = Some("2026-11-20".into());
    let away = store.save_student(&nickname).unwrap().id;
    let later = salon(&mut store, campus, day(11, 27));
    let theirs = visit(&mut store, later, Some(away), "タロの相談");
    let booked = store
        .book_appointment(&AppointmentInput {
            student_id: away,
            date: day(12, 8).to_string(),
            time: None,
            booked_from_visit_id: None,
        })
        .unwrap();
    store
        .save_draft(
            &new_visit_draft_key(later),
            &format!(r#"{{"student":"{away}","note":"書きかけ"}}"#),
        )
        .unwrap();

    let merged = store.merge_students(kept, away).unwrap();
    assert_eq!(merged.id, kept);
    assert_eq!(merged.display_name, "たろう");
    assert_eq!(merged.visit_count, 2);
    assert_eq!(
        merged.path_status.code(),
        "employment",
        "the decision the kept one lacked"
    );
    assert_eq!(merged.grade, Some(3));
    assert_eq!(store.visit(theirs).unwrap().student_id, Some(kept));
    assert_eq!(store.visit(v).unwrap().student_id, Some(kept));
    assert_eq!(store.appointment(booked.id).unwrap().student_id, kept);
    assert!(store
        .path_history(kept)
        .unwrap()
        .iter()
        .any(|p| p.status.code() == "employment"));
    let draft: serde_json::Value =
        serde_json::from_str(&store.draft(&new_visit_draft_key(later)).unwrap().unwrap()).unwrap();
    assert_eq!(draft["student"], kept.to_string());
    assert_eq!(draft["note"], "書きかけ");
    assert!(matches!(store.student(away), Err(StoreError::NotFound(_))));
    assert!(
        !every_value(&store)
            .iter()
            .any(|(_, b)| b == "タロ".as_bytes()),
        "the name is gone"
    );

    let elsewhere = store.save_campus(&campus_input("松戸", 3)).unwrap().id;
    let stranger = store
        .save_student(&student_input(elsewhere, "じろう"))
        .unwrap()
        .id;
    let before = every_value(&store);
    assert!(matches!(
        store.merge_students(kept, stranger),
        Err(StoreError::OtherCampus)
    ));
    assert!(matches!(
        store.merge_students(kept, kept),
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.merge_students(kept, 9999),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(every_value(&store), before);
    let _ = session;
}

/// Two profiles both created 未定 each carry that first row; the merged history says 未定 once,
/// then the decision, oldest first.
#[test]
fn a_merged_students_path_history_has_no_repeated_row() {
    let (_dir, mut store, campus, kept, _session, _v) = one_visit();
    let away = store
        .save_student(&student_input(campus, "タロ"))
        .unwrap()
        .id;
    let mut decided = student_input(campus, "タロ");
    decided.id = Some(away);
    decided.path_status = "further_study".into();
    decided.path_decided_on = Some("2026-11-20".into());
    store.save_student(&decided).unwrap();
    store.merge_students(kept, away).unwrap();

    let statuses: Vec<&str> = store
        .path_history(kept)
        .unwrap()
        .iter()
        .map(|p| p.status.code())
        .collect();
    assert_eq!(statuses, ["undecided", "further_study"]);
}
