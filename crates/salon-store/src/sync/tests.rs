//! The outbox against a real encrypted store: what is prepared, split, revised and logged.

use chrono::{NaiveDate, NaiveTime};
use salon_core::{SessionOpen, VisitInput};
use salon_protocol::{CampusCode, Enrolment, PathCalendar, Receipt};

use crate::vault::tests::{campus_input, fresh_store};
use crate::{Store, StoreError};

pub(super) fn today() -> NaiveDate {
    salon_core::in_tokyo(chrono::Utc::now()).date_naive()
}

pub(crate) fn enrol(store: &mut Store, codes: &[&str]) {
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: codes
            .iter()
            .map(|c| CampusCode::parse(c).unwrap())
            .collect(),
        path_calendar: PathCalendar::default(),
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
}

fn salon_day(store: &mut Store, campus_id: i64, day: u32, visits: usize) -> i64 {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let date = NaiveDate::from_ymd_opt(2025, 2, day).unwrap();
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, date, t(10)).unwrap();
    for i in 0..visits {
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: None,
            new_student: None,
            route: ["self", "teacher"][i % 2].into(),
            topics: vec!["job_search".into()],
            minutes: 30,
            note: "ノート".into(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        store.save_visit(&input, None).unwrap();
    }
    store.close_session(session.id, t(13)).unwrap();
    session.id
}

#[test]
fn the_token_never_shows_in_debug() {
    let (_dir, mut store) = fresh_store();
    enrol(&mut store, &["C-012"]);
    let e = store.enrolment().unwrap().unwrap();
    assert_eq!(&*e.token, "device-token");
    let shown = format!("{e:?}");
    assert!(!shown.contains("device-token"), "{shown}");
}

#[test]
fn only_enrolled_campuses_with_a_code_are_prepared() {
    let (_dir, mut store) = fresh_store();
    assert!(matches!(
        store.prepare_outbox(today()),
        Err(StoreError::NotEnrolled)
    ));
    let mut mapped = campus_input("柏", 2);
    mapped.hq_code = Some("C-012".into());
    let mapped = store.save_campus(&mapped).unwrap();
    let unmapped = store.save_campus(&campus_input("松戸", 3)).unwrap();
    salon_day(&mut store, mapped.id, 25, 3);
    salon_day(&mut store, unmapped.id, 26, 2);
    enrol(&mut store, &["C-012"]);
    store.prepare_outbox(today()).unwrap();
    let pending = store.pending_upload().unwrap();
    assert_eq!(pending.upload.days.len(), 1);
    let day = &pending.upload.days[0];
    assert_eq!(
        (
            day.counts.sessions,
            day.counts.session_minutes,
            day.counts.visits
        ),
        (1, 180, 3)
    );
    assert_eq!(pending.upload.months.len(), 1);
    assert!(!pending.payload.contains("ノート"));
    assert!(pending.upload.check().is_ok());
}

#[test]
fn a_long_offline_term_goes_in_uploads_that_fit() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    enrol(&mut store, &["C-012"]);
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let first = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap();
    let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
    for d in 0..240 {
        let day = first + chrono::Days::new(d);
        store.open_session(&open, day, ten).unwrap();
    }
    store.prepare_outbox(today()).unwrap();
    let mut sent = 0;
    for _ in 0..10 {
        let pending = store.pending_upload().unwrap();
        if pending.is_empty() {
            break;
        }
        assert!(
            pending.payload.len() <= super::pending::UPLOAD_BUDGET_BYTES,
            "{}",
            pending.payload.len()
        );
        sent += pending.upload.days.len() + pending.upload.months.len();
        store.record_sent(&pending, &Receipt::default()).unwrap();
    }
    // 240 days from 1 September: eight calendar months, September to April.
    assert_eq!(sent, 240 + 8);
}

#[test]
fn a_correction_is_a_new_revision_and_the_rest_stays_sent() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    enrol(&mut store, &["C-012"]);
    salon_day(&mut store, campus.id, 18, 2);
    let later = salon_day(&mut store, campus.id, 25, 2);
    store.prepare_outbox(today()).unwrap();
    let first = store.pending_upload().unwrap();
    assert_eq!(first.upload.days.len(), 2);
    store
        .record_sent(
            &first,
            &Receipt {
                stored: 3,
                unchanged: 0,
                stale: 0,
            },
        )
        .unwrap();
    store.prepare_outbox(today()).unwrap();
    assert!(
        store.pending_upload().unwrap().is_empty(),
        "nothing changed, nothing to send"
    );

    // The same upload prepared again has the same idempotency key.
    assert_eq!(
        store.pending_upload().unwrap().idempotency_key,
        store.pending_upload().unwrap().idempotency_key
    );

    let visit = store.visits_in_session(later).unwrap()[0].clone();
    let fix = VisitInput {
        id: Some(visit.id),
        route: "outreach".into(),
        topics: vec!["family".into()],
        ..crate::vault::tests::visit_input(later, None)
    };
    store.save_visit(&fix, None).unwrap();
    store.prepare_outbox(today()).unwrap();
    // A route and topics leave only under noise, in releases already drawn: nothing exact moved.
    assert!(store.pending_upload().unwrap().is_empty());
    store.delete_visit(visit.id).unwrap();
    store.prepare_outbox(today()).unwrap();
    let next = store.pending_upload().unwrap();
    // The day and its month each go again at the next revision; the other day stays sent.
    assert_eq!(next.upload.days.len(), 1);
    assert_eq!(
        (
            next.upload.days[0].revision,
            next.upload.days[0].counts.visits
        ),
        (2, 1)
    );
    assert_eq!(next.upload.months.len(), 1);
    assert_eq!(next.upload.months[0].revision, 2);
    store.record_failed(&next, "offline").unwrap();
    let log = store.sync_log(10).unwrap();
    assert_eq!(
        log.iter().map(|l| l.outcome.as_str()).collect::<Vec<_>>(),
        ["failed", "sent"]
    );
}

#[test]
fn a_snapshot_headquarters_would_refuse_is_held_back_named_and_the_rest_is_sent() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    salon_day(&mut store, campus.id, 25, 3);
    // C-900 has no campus on this laptop, so nothing recomputes its rows: they go as written.
    enrol(&mut store, &["C-012", "C-900"]);
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let cases = salon_protocol::fixtures::day_cases(&CampusCode::parse("C-900").unwrap(), today);
    for (i, case) in cases.iter().enumerate() {
        // One day each: the fixture's days repeat, so each case gets its own day of 2026.
        let mut s = case.snapshot.clone();
        if case.code.is_some_and(|c| c.as_str() != "day_in_future") {
            s.day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(i as u64);
        }
        if case.code.is_none() {
            s.day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + chrono::Days::new(i as u64);
        }
        if s.revision == 0 {
            // The outbox cannot hold revision 0 (its CHECK); the same check refuses it.
            let err = salon_protocol::plausible::check_day(&s, today).unwrap_err();
            assert_eq!(Some(err.code()), case.code);
            continue;
        }
        store
            .conn
            .execute(
                "INSERT INTO outbox (kind, campus_code, period, revision, body) VALUES ('day', 'C-900', ?1, ?2, ?3)",
                rusqlite::params![
                    s.day.format("%Y-%m-%d").to_string(),
                    s.revision,
                    serde_json::to_string(&s.counts).unwrap()
                ],
            )
            .unwrap();
    }
    store.prepare_outbox(today).unwrap();
    let held = store.held_back().unwrap();
    let expected: Vec<&str> = cases
        .iter()
        .filter(|c| c.snapshot.revision > 0)
        .filter_map(|c| c.code.map(|c| c.as_str()))
        .collect();
    let mut got: Vec<&str> = held.iter().map(|h| h.code.as_str()).collect();
    let mut want = expected.clone();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    assert!(held
        .iter()
        .all(|h| h.campus_code == "C-900" && h.kind == "day"));

    // The rest goes: the real campus's day and month, and the plausible rows of C-900.
    let pending = store.pending_upload().unwrap();
    let plausible = cases.iter().filter(|c| c.code.is_none()).count();
    assert_eq!(pending.upload.days.len(), 1 + plausible);
    assert_eq!(pending.upload.months.len(), 1);
    assert_eq!(pending.upload.check_plausible(today), Ok(()));
    assert!(pending
        .upload
        .days
        .iter()
        .all(|d| !held.iter().any(|h| h.period == d.day.to_string())));
    store.record_sent(&pending, &Receipt::default()).unwrap();
    assert!(store.pending_upload().unwrap().is_empty());
    assert_eq!(store.held_back().unwrap().len(), held.len(), "still named");
}

#[test]
fn below_what_headquarters_holds_the_device_goes_on_above_it() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    enrol(&mut store, &["C-012"]);
    salon_day(&mut store, campus.id, 25, 3);
    store.prepare_outbox(today()).unwrap();
    let first = store.pending_upload().unwrap();
    assert_eq!(first.upload.days[0].revision, 1);
    let day = first.upload.days[0].key();
    store
        .continue_above(&[salon_protocol::HeldRevision {
            snapshot: day.clone(),
            revision: 7,
        }])
        .unwrap();
    let next = store.pending_upload().unwrap();
    assert_eq!(next.upload.days[0].key(), day);
    assert_eq!(next.upload.days[0].revision, 8);
    assert_eq!(next.upload.days[0].counts, first.upload.days[0].counts);
    assert_eq!(
        next.upload.months[0].revision, 1,
        "the month was not refused"
    );
    assert_ne!(next.idempotency_key, first.idempotency_key);
    // Held below the device's revision: nothing moves back.
    store
        .continue_above(&[salon_protocol::HeldRevision {
            snapshot: day,
            revision: 2,
        }])
        .unwrap();
    assert_eq!(store.pending_upload().unwrap().upload.days[0].revision, 8);
}

#[test]
fn a_salon_removed_after_it_was_sent_is_sent_again_as_zero() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    enrol(&mut store, &["C-012"]);
    let kept = salon_day(&mut store, campus.id, 18, 2);
    let mistake = salon_day(&mut store, campus.id, 25, 1);
    store.prepare_outbox(today()).unwrap();
    let first = store.pending_upload().unwrap();
    store.record_sent(&first, &Receipt::default()).unwrap();

    let visits: Vec<i64> = store
        .visits_in_session(mistake)
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    store
        .remove_session(
            mistake,
            crate::RemovedVisits::Move(crate::MoveTo::Session(kept)),
            &visits,
            today(),
        )
        .unwrap();
    store.prepare_outbox(today()).unwrap();
    let next = store.pending_upload().unwrap();
    let by_day: Vec<(u32, u32, u32, u32)> = next
        .upload
        .days
        .iter()
        .map(|d| {
            (
                chrono::Datelike::day(&d.day),
                d.revision,
                d.counts.sessions,
                d.counts.visits,
            )
        })
        .collect();
    // The 18th now holds three visits; the 25th is an explicit zero.
    assert_eq!(by_day, [(18, 2, 1, 3), (25, 2, 0, 0)]);
    assert_eq!(next.upload.days[1].counts, Default::default());
    // The month's visits are still three: its breakdown did not change, nothing to send.
    assert!(next.upload.months.is_empty());
    store.record_sent(&next, &Receipt::default()).unwrap();

    // Every salon of February removed: the month goes as zero too.
    let visits: Vec<i64> = store
        .visits_in_session(kept)
        .unwrap()
        .iter()
        .map(|v| v.id)
        .collect();
    store
        .remove_session(kept, crate::RemovedVisits::Delete, &visits, today())
        .unwrap();
    store.prepare_outbox(today()).unwrap();
    let last = store.pending_upload().unwrap();
    assert_eq!(last.upload.days.len(), 1);
    assert_eq!(last.upload.days[0].counts, Default::default());
    assert_eq!(last.upload.months.len(), 1);
    let m = &last.upload.months[0];
    assert_eq!((m.revision, m.breakdown.visits), (2, 0));
    assert!(m.breakdown.by_format.iter().all(|c| c.count == 0));
    assert_eq!(last.upload.check(), Ok(()));
}

#[test]
fn a_path_decision_stays_with_the_campus_it_was_made_at() {
    let (_dir, mut store) = fresh_store();
    let mut a = campus_input("柏", 2);
    a.hq_code = Some("C-012".into());
    let a = store.save_campus(&a).unwrap();
    let mut b = campus_input("松戸", 3);
    b.hq_code = Some("C-013".into());
    let b = store.save_campus(&b).unwrap();
    enrol(&mut store, &["C-012", "C-013"]);
    let open = SessionOpen {
        campus_id: a.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let day = NaiveDate::from_ymd_opt(2025, 2, 18).unwrap();
    let session = store.open_session(&open, day, t(10)).unwrap().id;
    for i in 0..5 {
        let mut s = crate::vault::tests::student_input(a.id, &format!("生徒{i}"));
        s.path_status = "employment".into();
        s.path_decided_on = Some("2025-02-20".into());
        let id = store.save_student(&s).unwrap().id;
        let visit = crate::vault::tests::visit_input(session, Some(id));
        store.save_visit(&visit, None).unwrap();
        // 転校: the student moves to the other campus afterwards.
        s.id = Some(id);
        s.campus_id = b.id;
        store.save_student(&s).unwrap();
    }
    store.close_session(session, t(13)).unwrap();
    let fy = salon_protocol::PathPeriod::fiscal_year(2024);
    let tx = store.conn.transaction().unwrap();
    let employment = |campus: i64| {
        super::path_decisions::decisions(&tx, &format!("[{campus}]"), fy)
            .unwrap()
            .get(&salon_core::PathStatus::Employment)
            .copied()
    };
    assert_eq!(employment(a.id), Some(5), "counted where it was made");
    assert_eq!(employment(b.id), None, "nothing at the new campus");
    tx.commit().unwrap();
    let history = store
        .path_history(store.students(Some(b.id), "").unwrap()[0].id)
        .unwrap();
    let campuses: Vec<Option<i64>> = history.iter().map(|p| p.campus_id).collect();
    assert_eq!(campuses, [Some(a.id)], "decided at 柏, and recorded so");
}
