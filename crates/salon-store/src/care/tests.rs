//! Over 500 lines because the follow-ups, appointments, next steps and path history share one set
//! of fixtures, and each rule is a short test of its own.

use chrono::{NaiveDate, NaiveTime};
use salon_core::care::{AppointmentInput, AppointmentStatus, EventInput, NextAppointment};
use salon_core::{CoreError, PathStatus, SessionOpen, VisitInput};
use salon_protocol::{CampusCode, Enrolment};

use crate::vault::tests::{campus_input, fresh_store, student_input};
use crate::{Store, StoreError};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

fn ten() -> NaiveTime {
    NaiveTime::from_hms_opt(10, 0, 0).unwrap()
}

/// Opens the salon of a campus on a day (or finds it) and returns its id.
fn salon(store: &mut Store, campus_id: i64, on: NaiveDate) -> i64 {
    if let Some(s) = store.session_on(campus_id, on).unwrap() {
        return s.id;
    }
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    store.open_session(&open, on, ten()).unwrap().id
}

fn visit_input(session_id: i64, student_id: Option<i64>) -> VisitInput {
    VisitInput {
        id: None,
        session_id,
        student_id,
        new_student: None,
        route: "appointment".into(),
        topics: vec!["job_search".into()],
        minutes: 30,
        note: "面接の練習".into(),
        next_steps: "求人票を見てくる".into(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    }
}

/// A visit of `student` at their campus on `on`.
fn visit(store: &mut Store, campus_id: i64, student_id: Option<i64>, on: NaiveDate) -> i64 {
    let session = salon(store, campus_id, on);
    store
        .save_visit(&visit_input(session, student_id), None)
        .unwrap()
        .id
}

fn book(store: &mut Store, student_id: i64, on: NaiveDate, time: Option<&str>) -> i64 {
    let input = AppointmentInput {
        student_id,
        date: on.to_string(),
        time: time.map(Into::into),
        booked_from_visit_id: None,
    };
    store.book_appointment(&input).unwrap().id
}

fn missed(store: &mut Store, student_id: i64, on: NaiveDate) {
    let id = book(store, student_id, on, None);
    store.mark_appointment_missed(id).unwrap();
}

fn outreach_names(store: &Store, campus: Option<i64>) -> Vec<String> {
    store
        .outreach_list(campus)
        .unwrap()
        .into_iter()
        .map(|e| e.student_name)
        .collect()
}

#[test]
fn appointments_are_booked_then_missed_or_kept() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let other = store.save_campus(&campus_input("松戸", 3)).unwrap();
    let haruka = store
        .save_student(&student_input(campus.id, "はるか"))
        .unwrap();
    let sora = store
        .save_student(&student_input(campus.id, "そら"))
        .unwrap();
    let elsewhere = store
        .save_student(&student_input(other.id, "よそ"))
        .unwrap();

    let late = book(&mut store, haruka.id, day(3, 4), Some("15:00"));
    let early = book(&mut store, sora.id, day(3, 4), Some("13:30"));
    let untimed = book(&mut store, haruka.id, day(3, 4), None);
    book(&mut store, elsewhere.id, day(3, 4), None);
    book(&mut store, haruka.id, day(3, 11), None);
    let on_day: Vec<i64> = store
        .appointments_on(day(3, 4), Some(campus.id))
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(on_day, [early, late, untimed], "by time, untimed last");
    assert_eq!(store.appointments_on(day(3, 4), None).unwrap().len(), 4);
    let a = store.appointment(late).unwrap();
    assert_eq!(
        (a.campus_id, a.status, a.time.unwrap().to_string()),
        (campus.id, AppointmentStatus::Booked, "15:00:00".into())
    );
    assert_eq!(
        serde_json::to_value(&a).unwrap()["time"],
        serde_json::json!("15:00")
    );

    // Refused bookings change nothing.
    let bad = [
        ("2025-02-30", None, 1),
        ("", None, 1),
        ("2025-03-04", Some("24:30"), 1),
        ("2025-03-04", None, 999),
    ];
    for (date, time, student) in bad {
        let input = AppointmentInput {
            student_id: if student == 999 { 999 } else { haruka.id },
            date: date.into(),
            time: time.map(Into::into),
            booked_from_visit_id: None,
        };
        assert!(store.book_appointment(&input).is_err());
    }
    assert_eq!(store.appointments_of_student(haruka.id).unwrap().len(), 3);

    // 欠席, once.
    let m = store.mark_appointment_missed(early).unwrap();
    assert_eq!(m.status, AppointmentStatus::Missed);
    assert!(matches!(
        store.mark_appointment_missed(early),
        Err(StoreError::Invalid(CoreError::InvalidChoice("status")))
    ));

    // Kept through the visit it became: the visit must be the appointment's student's.
    let session = salon(&mut store, campus.id, day(3, 4));
    let mut wrong = visit_input(session, Some(sora.id));
    wrong.note = "別の生徒".into();
    assert!(matches!(
        store.save_visit_with_care(&wrong, None, Some(late), None),
        Err(StoreError::Invalid(CoreError::InvalidChoice("studentId")))
    ));
    assert!(store.visits_in_session(session).unwrap().is_empty());
    let (v, next) = store
        .save_visit_with_care(
            &visit_input(session, Some(haruka.id)),
            None,
            Some(late),
            None,
        )
        .unwrap();
    assert_eq!(next, None);
    let kept = store.appointment(late).unwrap();
    assert_eq!(
        (kept.status, kept.visit_id),
        (AppointmentStatus::Kept, Some(v.id))
    );
    assert!(store.mark_appointment_missed(late).is_err());
    assert!(store.mark_appointment_kept(late, v.id).is_err());
    // A no-show marked by mistake can still become a visit.
    let sora_visit = store
        .save_visit(&visit_input(session, Some(sora.id)), None)
        .unwrap();
    assert_eq!(
        store
            .mark_appointment_kept(early, sora_visit.id)
            .unwrap()
            .status,
        AppointmentStatus::Kept
    );

    // Cancelling takes back a booking only.
    store.cancel_appointment(untimed).unwrap();
    assert!(matches!(
        store.appointment(untimed),
        Err(StoreError::NotFound("appointment"))
    ));
    assert!(store.cancel_appointment(late).is_err());
}

#[test]
fn the_next_appointment_is_booked_with_the_visit() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let haruka = store
        .save_student(&student_input(campus.id, "はるか"))
        .unwrap();
    let session = salon(&mut store, campus.id, day(3, 4));
    let next = NextAppointment {
        date: "2025-03-11".into(),
        time: Some("14:00".into()),
    };
    let (v, booked) = store
        .save_visit_with_care(
            &visit_input(session, Some(haruka.id)),
            None,
            None,
            Some(&next),
        )
        .unwrap();
    let booked = booked.unwrap();
    assert_eq!(
        (booked.student_id, booked.date, booked.booked_from_visit_id),
        (haruka.id, day(3, 11), Some(v.id))
    );
    // Refusals change nothing: no visit, no booking.
    let bad_date = NextAppointment {
        date: "2025-03-32".into(),
        time: None,
    };
    assert!(matches!(
        store.save_visit_with_care(
            &visit_input(session, Some(haruka.id)),
            None,
            None,
            Some(&bad_date)
        ),
        Err(StoreError::Invalid(CoreError::InvalidDate("nextDate")))
    ));
    assert!(matches!(
        store.save_visit_with_care(&visit_input(session, None), None, None, Some(&next)),
        Err(StoreError::Invalid(CoreError::Required("studentId")))
    ));
    assert_eq!(store.visits_in_session(session).unwrap().len(), 1);
    assert_eq!(store.appointments_of_student(haruka.id).unwrap().len(), 1);
    // A student new at this visit gets the booking too.
    let mut new_student = visit_input(session, None);
    new_student.new_student = Some(salon_core::NewStudent {
        display_name: "あおい".into(),
        grade: Some(2),
    });
    let (v, booked) = store
        .save_visit_with_care(&new_student, None, None, Some(&next))
        .unwrap();
    assert_eq!(booked.unwrap().student_id, v.student_id.unwrap());
}

#[test]
fn two_misses_in_a_row_put_a_student_on_the_outreach_list() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let other = store.save_campus(&campus_input("松戸", 3)).unwrap();
    let twice = store
        .save_student(&student_input(campus.id, "二回"))
        .unwrap();
    let once = store
        .save_student(&student_input(campus.id, "一回"))
        .unwrap();
    let between = store
        .save_student(&student_input(campus.id, "間に来談"))
        .unwrap();
    let came_later = store
        .save_student(&student_input(campus.id, "後で来た"))
        .unwrap();
    let far = store
        .save_student(&student_input(other.id, "遠く"))
        .unwrap();

    visit(&mut store, campus.id, Some(twice.id), day(2, 4));
    missed(&mut store, twice.id, day(2, 18));
    missed(&mut store, twice.id, day(2, 25));
    book(&mut store, twice.id, day(3, 4), None); // still ahead: does not answer the misses

    missed(&mut store, once.id, day(2, 25));

    // miss, kept, miss: only one in a row.
    missed(&mut store, between.id, day(2, 4));
    let kept = book(&mut store, between.id, day(2, 11), None);
    let v = visit(&mut store, campus.id, Some(between.id), day(2, 11));
    store.mark_appointment_kept(kept, v).unwrap();
    missed(&mut store, between.id, day(2, 18));

    // Two misses, then the student walked in by themselves.
    missed(&mut store, came_later.id, day(2, 4));
    missed(&mut store, came_later.id, day(2, 11));
    visit(&mut store, campus.id, Some(came_later.id), day(2, 18));

    // Never met: three misses, listed before the one last seen on 4 February.
    missed(&mut store, far.id, day(2, 5));
    missed(&mut store, far.id, day(2, 12));
    missed(&mut store, far.id, day(2, 19));

    let list = store.outreach_list(None).unwrap();
    assert_eq!(
        list.iter()
            .map(|e| e.student_name.as_str())
            .collect::<Vec<_>>(),
        ["遠く", "二回"]
    );
    assert_eq!(
        (
            list[0].misses,
            list[0].last_missed_on,
            list[0].last_contact_on
        ),
        (3, day(2, 19), None)
    );
    assert_eq!(
        (
            list[1].misses,
            list[1].last_missed_on,
            list[1].last_contact_on
        ),
        (2, day(2, 25), Some(day(2, 4)))
    );
    assert_eq!(outreach_names(&store, Some(campus.id)), ["二回"]);

    // Once the student comes, they leave the list.
    let next = book(&mut store, twice.id, day(3, 11), None);
    let v = visit(&mut store, campus.id, Some(twice.id), day(3, 11));
    store.mark_appointment_kept(next, v).unwrap();
    assert_eq!(
        outreach_names(&store, Some(campus.id)),
        Vec::<String>::new()
    );
}

#[test]
fn follow_ups_are_due_overdue_then_done() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let other = store.save_campus(&campus_input("松戸", 3)).unwrap();
    let s = store
        .save_student(&student_input(campus.id, "はるか"))
        .unwrap();
    let session = salon(&mut store, campus.id, day(2, 25));
    let other_session = salon(&mut store, other.id, day(2, 26));
    let mut save = |follow_up_on: Option<&str>, concern: bool, session: i64, student| {
        let mut v = visit_input(session, student);
        v.follow_up_on = follow_up_on.map(Into::into);
        v.concern = concern;
        store.save_visit(&v, None).unwrap().id
    };
    let overdue = save(Some("2025-03-01"), false, session, Some(s.id));
    let due = save(Some("2025-03-04"), false, session, None);
    let later = save(Some("2025-03-18"), false, session, Some(s.id));
    let concern = save(None, true, session, Some(s.id));
    let _nothing = save(None, false, session, Some(s.id));
    let elsewhere = save(Some("2025-03-02"), false, other_session, None);

    let ids = |v: Vec<salon_core::care::FollowUp>| v.iter().map(|f| f.visit_id).collect::<Vec<_>>();
    // Due by 4 March: overdue ones and the concern (its visit's day is its date) first.
    assert_eq!(
        ids(store.follow_ups(None, Some(day(3, 4))).unwrap()),
        [concern, overdue, elsewhere, due]
    );
    assert_eq!(
        ids(store.follow_ups(Some(campus.id), Some(day(3, 4))).unwrap()),
        [concern, overdue, due]
    );
    assert_eq!(
        ids(store.follow_ups(Some(campus.id), None).unwrap()),
        [concern, overdue, due, later]
    );

    let done = store.mark_follow_up_done(overdue).unwrap();
    let at = done.done_at.clone().unwrap();
    assert!(at.ends_with('Z'));
    assert_eq!(
        store.mark_follow_up_done(overdue).unwrap().done_at,
        Some(at),
        "done twice keeps the first time"
    );
    store.mark_follow_up_done(concern).unwrap();
    assert_eq!(
        ids(store.follow_ups(Some(campus.id), None).unwrap()),
        [due, later]
    );
    // Today's list: the first few due on every campus, and how many are due in all.
    let today = store.follow_ups_due(day(3, 4), 1).unwrap();
    assert_eq!((ids(today.first), today.total), (vec![elsewhere], 2));
    let today = store.follow_ups_due(day(3, 4), 10).unwrap();
    assert_eq!((ids(today.first), today.total), (vec![elsewhere, due], 2));
    assert_eq!(store.follow_ups_due(day(2, 27), 10).unwrap().total, 0);
    assert!(matches!(
        store.mark_follow_up_done(_nothing),
        Err(StoreError::NotFound("follow-up"))
    ));
    assert!(store.mark_follow_up_done(9_999).is_err());
}

#[test]
fn path_history_keeps_every_change_in_order() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s = store
        .save_student(&student_input(campus.id, "はるか"))
        .unwrap();
    let mut edit = student_input(campus.id, "はるか");
    edit.id = Some(s.id);
    edit.grade = Some(4); // not a path change
    store.save_student(&edit).unwrap();
    edit.path_status = "employment".into();
    edit.path_decided_on = Some("2025-01-20".into());
    store.save_student(&edit).unwrap();
    edit.path_decided_on = Some("2025-01-22".into());
    store.save_student(&edit).unwrap();
    edit.path_status = "further_study".into();
    edit.path_decided_on = Some("2025-02-10".into());
    store.save_student(&edit).unwrap();
    let history: Vec<(PathStatus, Option<NaiveDate>)> = store
        .path_history(s.id)
        .unwrap()
        .into_iter()
        .map(|c| (c.status, c.decided_on))
        .collect();
    assert_eq!(
        history,
        [
            (PathStatus::Undecided, None),
            (PathStatus::Employment, Some(day(1, 20))),
            (PathStatus::Employment, Some(day(1, 22))),
            (PathStatus::FurtherStudy, Some(day(2, 10))),
        ]
    );
    // A student first met at a visit starts their history too.
    let session = salon(&mut store, campus.id, day(2, 25));
    let mut v = visit_input(session, None);
    v.new_student = Some(salon_core::NewStudent {
        display_name: "あおい".into(),
        grade: None,
    });
    let v = store.save_visit(&v, None).unwrap();
    assert_eq!(store.path_history(v.student_id.unwrap()).unwrap().len(), 1);
    assert!(matches!(
        store.path_history(9_999),
        Err(StoreError::NotFound("student"))
    ));
}

#[test]
fn the_risk_list_holds_final_year_undecided_students_oldest_contact_first() {
    let (_dir, mut store) = fresh_store();
    let kashiwa = store.save_campus(&campus_input("柏", 2)).unwrap();
    let matsudo = store.save_campus(&campus_input("松戸", 3)).unwrap();
    let mut add = |campus: i64, name: &str, grade: Option<i64>, enrolment: &str, path: &str| {
        let mut s = student_input(campus, name);
        s.grade = grade;
        s.enrolment = enrolment.into();
        s.path_status = path.into();
        if path != "undecided" {
            s.path_decided_on = Some("2025-01-10".into());
        }
        store.save_student(&s).unwrap().id
    };
    let recent = add(kashiwa.id, "最近来た", Some(3), "enrolled", "undecided");
    let long_ago = add(kashiwa.id, "前に来た", Some(4), "enrolled", "undecided");
    let never = add(matsudo.id, "会っていない", Some(3), "enrolled", "undecided");
    add(kashiwa.id, "二年生", Some(2), "enrolled", "undecided");
    add(kashiwa.id, "学年不明", None, "enrolled", "undecided");
    add(kashiwa.id, "決定済み", Some(3), "enrolled", "employment");
    add(kashiwa.id, "休学中", Some(3), "on_leave", "undecided");
    visit(&mut store, kashiwa.id, Some(long_ago), day(1, 14));
    visit(&mut store, kashiwa.id, Some(recent), day(1, 14));
    visit(&mut store, kashiwa.id, Some(recent), day(2, 25));

    let ids =
        |v: Vec<salon_core::care::RiskEntry>| v.iter().map(|r| r.student_id).collect::<Vec<_>>();
    let all = store.risk_list(None).unwrap();
    assert_eq!(all[1].last_contact_on, Some(day(1, 14)));
    assert_eq!(ids(all), [never, long_ago, recent]);
    assert_eq!(
        ids(store.risk_list(Some(kashiwa.id)).unwrap()),
        [long_ago, recent]
    );
    assert_eq!(ids(store.risk_list(Some(matsudo.id)).unwrap()), [never]);

    // 進学決定: off the list.
    let mut decided = student_input(kashiwa.id, "前に来た");
    decided.id = Some(long_ago);
    decided.grade = Some(4);
    decided.path_status = "further_study".into();
    decided.path_decided_on = Some("2025-02-26".into());
    store.save_student(&decided).unwrap();
    assert_eq!(ids(store.risk_list(Some(kashiwa.id)).unwrap()), [recent]);
}

fn event_input(campus_id: Option<i64>, on: &str) -> EventInput {
    EventInput {
        id: None,
        kind: "parent_seminar".into(),
        date: on.into(),
        campus_id,
        title: "保護者会".into(),
        students: 2,
        parents: 10,
        teachers: 3,
        supporters: 1,
    }
}

#[test]
fn events_are_validated_listed_corrected_and_deleted() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let spoilers: Vec<fn(&mut EventInput)> = vec![
        |e| e.students = -1,
        |e| e.supporters = -5,
        |e| e.kind = "交流会".into(),
        |e| e.kind = String::new(),
        |e| e.date = "2025-02-30".into(),
        |e| e.campus_id = Some(999),
        |e| e.title = "長".repeat(101),
        |e| e.id = Some(999),
    ];
    for spoil in spoilers {
        let mut input = event_input(Some(campus.id), "2025-02-25");
        spoil(&mut input);
        assert!(store.save_event(&input).is_err());
    }
    assert!(store
        .events_between(day(1, 1), day(12, 31))
        .unwrap()
        .is_empty());

    let online = store.save_event(&event_input(None, "2025-03-01")).unwrap();
    let here = store
        .save_event(&event_input(Some(campus.id), "2025-02-25"))
        .unwrap();
    store
        .save_event(&event_input(Some(campus.id), "2025-04-01"))
        .unwrap();
    let march: Vec<i64> = store
        .events_between(day(2, 1), day(3, 31))
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(march, [here.id, online.id]);
    assert_eq!(online.campus_id, None);
    assert_eq!(here.participants(), 16);

    let mut fix = event_input(Some(campus.id), "2025-02-25");
    fix.id = Some(here.id);
    fix.kind = "exchange".into();
    fix.parents = 0;
    let fixed = store.save_event(&fix).unwrap();
    assert_eq!((fixed.kind.code(), fixed.parents), ("exchange", 0));
    store.delete_event(here.id).unwrap();
    assert!(matches!(
        store.delete_event(here.id),
        Err(StoreError::NotFound("event"))
    ));
    assert_eq!(
        store.events_between(day(1, 1), day(12, 31)).unwrap().len(),
        2
    );
}

#[test]
fn day_snapshots_count_appointments_and_campus_events() {
    let (_dir, mut store) = fresh_store();
    let mut input = campus_input("柏", 2);
    input.hq_code = Some("C-012".into());
    let campus = store.save_campus(&input).unwrap();
    let a = store
        .save_student(&student_input(campus.id, "はるか"))
        .unwrap();
    let b = store
        .save_student(&student_input(campus.id, "そら"))
        .unwrap();
    // 25 February: a salon, one kept and one missed appointment, one still booked.
    let kept = book(&mut store, a.id, day(2, 25), Some("13:00"));
    let v = visit(&mut store, campus.id, Some(a.id), day(2, 25));
    store.mark_appointment_kept(kept, v).unwrap();
    missed(&mut store, b.id, day(2, 25));
    book(&mut store, b.id, day(2, 25), None);
    // 1 March: no salon, an event at the campus and one online (in no campus's snapshot).
    store
        .save_event(&event_input(Some(campus.id), "2025-03-01"))
        .unwrap();
    store.save_event(&event_input(None, "2025-03-01")).unwrap();
    // A booking for a day still ahead is not reported yet.
    let ahead = salon_core::in_tokyo(chrono::Utc::now()).date_naive() + chrono::Days::new(7);
    book(&mut store, a.id, ahead, None);

    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        path_calendar: salon_protocol::PathCalendar::default(),
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    store
        .prepare_outbox(salon_core::in_tokyo(chrono::Utc::now()).date_naive())
        .unwrap();
    let pending = store.pending_upload().unwrap();
    let days: Vec<_> = pending
        .upload
        .days
        .iter()
        .map(|d| (d.day, d.counts))
        .collect();
    assert_eq!(days.len(), 2, "{days:?}");
    let (d, c) = days[0];
    assert_eq!(d, day(2, 25));
    assert_eq!(
        (
            c.visits,
            c.appointments_booked,
            c.appointments_kept,
            c.appointments_missed,
            c.events
        ),
        (1, 3, 1, 1, 0)
    );
    let (d, c) = days[1];
    assert_eq!(d, day(3, 1));
    assert_eq!(
        (c.sessions, c.visits, c.events, c.event_participants),
        (0, 0, 1, 16)
    );
    assert!(!pending.payload.contains("保護者会"));
}

#[test]
fn todays_follow_ups_are_counted_from_the_visits_that_have_one() {
    let (_dir, store) = fresh_store();
    let plan: Vec<String> = store
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", super::open_care_count()))
        .unwrap()
        .query_map(rusqlite::params![None::<i64>, "2025-03-04"], |r| r.get(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        plan.iter().any(|step| step.contains("visit_open_care")),
        "{plan:?}"
    );
}
