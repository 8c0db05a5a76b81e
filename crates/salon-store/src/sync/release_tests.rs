//! Months released under noise, against a real encrypted store: drawn on their days and only
//! then, drawn once and sent as drawn however often the send is tried, never redrawn when the
//! month changes, never sent again once headquarters holds one, and never without noise.

use chrono::{NaiveDate, NaiveTime};
use salon_core::{SessionOpen, VisitInput};
use salon_protocol::{
    CampusCode, Enrolment, HeldRevision, Month, PathCalendar, Receipt, Release, Route, SnapshotKey,
    Topic,
};

use crate::vault::tests::{campus_input, fresh_store};
use crate::Store;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn enrol(store: &mut Store) -> i64 {
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        path_calendar: PathCalendar::default(),
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    campus.id
}

/// A salon on `date` with `visits` anonymous visits: routes self, teacher, self …; every visit
/// about 就職 and 家庭のこと.
pub(super) fn salon_on(store: &mut Store, campus_id: i64, date: NaiveDate, visits: usize) {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, date, t(10)).unwrap();
    for i in 0..visits {
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: None,
            new_student: None,
            route: ["self", "teacher"][i % 2].into(),
            topics: vec!["job_search".into(), "family".into()],
            minutes: 20,
            note: "ノート".into(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        store.save_visit(&input, None).unwrap();
    }
    store.close_session(session.id, t(13)).unwrap();
}

fn releases_pending(store: &Store) -> Vec<(Month, Release, String)> {
    store
        .pending_upload()
        .unwrap()
        .upload
        .releases
        .iter()
        .map(|r| {
            (
                r.month,
                r.breakdown.release,
                serde_json::to_string(&r.breakdown).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_release_is_drawn_on_its_day_once_and_every_send_repeats_it() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    let feb = Month::parse("2025-02").unwrap();

    store.prepare_outbox(d(2025, 3, 6)).unwrap();
    assert!(releases_pending(&store).is_empty(), "before its day");
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let first = releases_pending(&store);
    assert_eq!(first.len(), 1);
    assert_eq!((first[0].0, first[0].1), (feb, Release::First));

    // The send fails; the month changes; the next sync prepares again: the same numbers go.
    let pending = store.pending_upload().unwrap();
    store.record_failed(&pending, "hq_unreachable").unwrap();
    salon_on(&mut store, campus, d(2025, 2, 25), 4);
    store.prepare_outbox(d(2025, 3, 8)).unwrap();
    assert_eq!(releases_pending(&store), first, "never redrawn");

    store
        .record_sent(&store.pending_upload().unwrap(), &Receipt::default())
        .unwrap();
    assert!(releases_pending(&store).is_empty());
    store.prepare_outbox(d(2025, 4, 17)).unwrap();
    assert!(releases_pending(&store).is_empty());
    store.prepare_outbox(d(2025, 4, 18)).unwrap();
    let second = releases_pending(&store);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].1, Release::Second);
    assert!(
        !second[0].2.contains("noise"),
        "no scale travels: {}",
        second[0].2
    );
    assert!(!store.pending_upload().unwrap().payload.contains("ノート"));
}

#[test]
fn a_release_headquarters_holds_is_not_sent_again() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let held = HeldRevision {
        snapshot: SnapshotKey::Release {
            campus: CampusCode::parse("C-012").unwrap(),
            month: Month::parse("2025-02").unwrap(),
            release: Release::First,
        },
        revision: 0,
    };
    store.continue_above(&[held]).unwrap();
    assert!(releases_pending(&store).is_empty());
    store.prepare_outbox(d(2025, 3, 9)).unwrap();
    assert!(releases_pending(&store).is_empty(), "and not drawn again");
    assert!(!store.pending_upload().unwrap().upload.days.is_empty());
}

/// Twelve months of three anonymous visits each (2 self, 1 teacher; 就職 3, 家庭のこと 3, an
/// anonymous visit counting alone): every cell of every release carries its own draw, so the exact table comes back
/// from no release, and over 180 cells the noise has the spread of b = 1.
#[test]
fn no_release_leaves_without_noise_on_every_cell() {
    let (_dir, mut store) = fresh_store();
    // One key, so the draws are the same each run: with a new key each time, every cell of a
    // release draws 0 about once in 9,000 runs.
    store
        .conn
        .execute(
            "INSERT OR REPLACE INTO noise_key (id, key) VALUES (1, ?1)",
            [&[7u8; 32][..]],
        )
        .unwrap();
    let campus = enrol(&mut store);
    for m in 1..=12 {
        salon_on(&mut store, campus, d(2024, m, 10), 3);
    }
    store.prepare_outbox(d(2025, 1, 8)).unwrap();
    let pending = store.pending_upload().unwrap();
    let firsts: Vec<_> = pending
        .upload
        .releases
        .iter()
        .filter(|r| r.breakdown.release == Release::First)
        .collect();
    assert_eq!(firsts.len(), 12);
    let exact_route = |r: Route| match r {
        Route::SelfReferred => 2,
        Route::Teacher => 1,
        _ => 0,
    };
    let exact_topic = |t: Topic| match t {
        Topic::JobSearch | Topic::Family => 3,
        _ => 0,
    };
    let mut noise: Vec<i64> = Vec::new();
    for r in &firsts {
        noise.extend(
            r.breakdown
                .by_route
                .iter()
                .map(|c| c.count - exact_route(c.code)),
        );
        noise.extend(
            r.breakdown
                .by_topic
                .iter()
                .map(|c| c.count - exact_topic(c.code)),
        );
    }
    // 家庭のこと and 心身の不調 never leave in a month's release (they go per period).
    assert_eq!(noise.len(), 12 * (Route::ALL.len() + Topic::MONTHLY.len()));
    assert!(firsts
        .iter()
        .all(|r| r.breakdown.by_topic.iter().all(|c| !c.code.is_sensitive())));
    let exact_releases = firsts
        .iter()
        .filter(|r| {
            r.breakdown
                .by_route
                .iter()
                .all(|c| c.count == exact_route(c.code))
                && r.breakdown
                    .by_topic
                    .iter()
                    .all(|c| c.count == exact_topic(c.code))
        })
        .count();
    assert_eq!(exact_releases, 0, "a release came out exact");
    let n = noise.len() as f64;
    let mean = noise.iter().sum::<i64>() as f64 / n;
    let var = noise
        .iter()
        .map(|x| (*x as f64 - mean).powi(2))
        .sum::<f64>()
        / n;
    // b = 1: variance 1.84; over 180 draws its standard error is about 0.3.
    assert!((0.6..=3.6).contains(&var), "variance {var}");
    assert!(mean.abs() < 0.6, "mean {mean}");
}

#[test]
fn a_month_without_visits_releases_nothing() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    salon_on(&mut store, campus, d(2025, 2, 18), 0);
    salon_on(&mut store, campus, d(2025, 3, 18), 1);
    store.prepare_outbox(d(2025, 6, 1)).unwrap();
    let months: Vec<Month> = releases_pending(&store).into_iter().map(|r| r.0).collect();
    let march = Month::parse("2025-03").unwrap();
    assert_eq!(months, [march, march], "February held a salon and no visit");
}

#[test]
fn a_month_snapshot_carries_its_visits_by_format_and_nothing_else() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    salon_on(&mut store, campus, d(2025, 2, 18), 7);
    store.prepare_outbox(d(2025, 2, 20)).unwrap();
    let pending = store.pending_upload().unwrap();
    let month = &pending.upload.months[0].breakdown;
    assert_eq!(month.visits, 7, "the exact visits go");
    let in_person = month.by_format.iter().map(|c| c.count).collect::<Vec<_>>();
    assert_eq!(in_person, [7, 0]);
    assert!(pending.upload.check().is_ok());
    let json: serde_json::Value = serde_json::from_str(&pending.payload).unwrap();
    let fields: Vec<&String> = json["months"][0]["breakdown"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(fields, ["byFormat", "visits"]);
}

/// Three visits in February by one named student, each about 家庭のこと, one anonymous, and
/// one by the same student in April (the next 年度): the 2024年度's release counts 1 student
/// met and 1 about 家庭のこと (the student once; the anonymous visit not at all), not 4.
#[test]
fn a_named_students_sensitive_topic_counts_once_a_period_through_the_stored_records() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let mut student = None;
    for (month, day) in [(2, 4), (2, 11), (2, 18), (2, 25), (4, 8)] {
        let session = store
            .open_session(&open, d(2025, month, day), t(10))
            .unwrap();
        let named = day != 25;
        let visit = VisitInput {
            id: None,
            session_id: session.id,
            student_id: if named { student } else { None },
            new_student: (named && student.is_none()).then(|| salon_core::NewStudent {
                display_name: "みさき".into(),
                grade: Some(2),
            }),
            route: "self".into(),
            topics: vec!["family".into()],
            minutes: 20,
            note: String::new(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        let saved = store.save_visit(&visit, None).unwrap();
        if named {
            student = saved.student_id;
        }
        store.close_session(session.id, t(13)).unwrap();
    }
    let tx = store.conn.transaction().unwrap();
    let ids = format!("[{campus}]");
    let fy = salon_protocol::PathPeriod::fiscal_year(2024);
    let (students, topics) = super::path_decisions::sensitive(&tx, &ids, fy).unwrap();
    assert_eq!(students, 1);
    assert_eq!(topics.into_iter().collect::<Vec<_>>(), [(Topic::Family, 1)]);
    let next = salon_protocol::PathPeriod::fiscal_year(2025);
    let (students, topics) = super::path_decisions::sensitive(&tx, &ids, next).unwrap();
    assert_eq!((students, topics.get(&Topic::Family)), (1, Some(&1)));
}

/// A campus's releases follow the campus, not its HQ code: changing the code, or clearing it
/// and setting another, never draws the same visits again (a curious headquarters could ask a
/// supporter to "fix" a code and average the second draw with the first).
#[test]
fn a_campus_whose_code_is_changed_or_cleared_and_set_again_draws_nothing_again() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: ["C-012", "C-021", "C-030"]
            .iter()
            .map(|c| CampusCode::parse(c).unwrap())
            .collect(),
        path_calendar: PathCalendar::default(),
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    store.prepare_outbox(d(2025, 4, 18)).unwrap();
    store
        .record_sent(&store.pending_upload().unwrap(), &Receipt::default())
        .unwrap();
    let drawn = |store: &Store| -> Vec<String> {
        let mut stmt = store
            .conn
            .prepare("SELECT body FROM drawn_release WHERE campus_id IS NOT NULL ORDER BY from_month, release")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let before = drawn(&store);
    assert_eq!(before.len(), 2, "February's two releases");
    let mut edit = campus_input("柏", 2);
    edit.id = Some(campus);
    for (code, day) in [(Some("C-021"), 19), (None, 20), (Some("C-030"), 21)] {
        edit.hq_code = code.map(str::to_owned);
        store.save_campus(&edit).unwrap();
        store.prepare_outbox(d(2025, 4, day)).unwrap();
        let pending = store.pending_upload().unwrap();
        assert!(
            pending.upload.releases.is_empty(),
            "{code:?}: {:?}",
            pending.upload.releases
        );
        assert_eq!(drawn(&store), before, "{code:?}: drawn again");
    }
    assert!(
        !store.pending_upload().unwrap().upload.days.is_empty(),
        "the days go under the new code"
    );
}

/// Two campuses swap their codes while an upload is on its way: what headquarters confirmed is
/// marked sent by the campus it was drawn for, not by the code that campus had, so nothing goes
/// twice under another code.
#[test]
fn a_code_swapped_while_an_upload_is_on_its_way_marks_the_right_release_sent() {
    let (_dir, mut store) = fresh_store();
    let kashiwa = enrol(&mut store);
    let mut matsudo = campus_input("松戸", 3);
    matsudo.hq_code = Some("C-021".into());
    let matsudo = store.save_campus(&matsudo).unwrap().id;
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: ["C-012", "C-021"]
            .iter()
            .map(|c| CampusCode::parse(c).unwrap())
            .collect(),
        path_calendar: PathCalendar::default(),
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    salon_on(&mut store, kashiwa, d(2025, 2, 18), 3);
    salon_on(&mut store, matsudo, d(2025, 3, 19), 2);
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let pending = store.pending_upload().unwrap();
    assert_eq!(
        pending.upload.releases.len(),
        1,
        "柏's February under C-012"
    );
    // The codes are swapped before the answer is recorded.
    let swap = |store: &mut Store, id, name: &str, code: Option<&str>| {
        let mut edit = campus_input(name, 2);
        edit.id = Some(id);
        edit.hq_code = code.map(str::to_owned);
        store.save_campus(&edit).unwrap();
    };
    swap(&mut store, kashiwa, "柏", None);
    swap(&mut store, matsudo, "松戸", Some("C-012"));
    swap(&mut store, kashiwa, "柏", Some("C-021"));
    store.record_sent(&pending, &Receipt::default()).unwrap();
    assert_eq!(
        releases_pending(&store),
        [],
        "柏's February is sent and does not go again under C-021"
    );
}

#[test]
fn releases_headquarters_lists_as_held_are_never_drawn() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    salon_on(&mut store, campus, d(2025, 2, 18), 3);
    let key = |release| salon_protocol::ReleaseKey {
        campus: CampusCode::parse("C-012").unwrap(),
        month: Month::parse("2025-02").unwrap(),
        release,
    };
    // A laptop restored from a backup made before its first release was drawn.
    store
        .update_device_config(&salon_protocol::DeviceConfig {
            campuses: vec![CampusCode::parse("C-012").unwrap()],
            releases_held: vec![key(Release::First)],
            path_calendar: PathCalendar::default(),
            path_releases_held: vec![],
        })
        .unwrap();
    store.prepare_outbox(d(2025, 4, 18)).unwrap();
    let waiting: Vec<Release> = releases_pending(&store).into_iter().map(|r| r.1).collect();
    assert_eq!(waiting, [Release::Second]);
}

/// A student who comes ten times without giving a name, each time about 家庭のこと: nothing
/// says the ten visits are one student, so they are left out of the students met and the
/// sensitive cells, which then move by at most one for any student, as the statement says.
#[test]
fn ten_anonymous_visits_about_family_move_no_sensitive_cell() {
    let (_dir, mut store) = fresh_store();
    let campus = enrol(&mut store);
    for day in 1..=10 {
        salon_on(&mut store, campus, d(2025, 1, day + 5), 1);
    }
    let ids = format!("[{campus}]");
    let fy = salon_protocol::PathPeriod::fiscal_year(2024);
    let tx = store.conn.transaction().unwrap();
    let (students, topics) = super::path_decisions::sensitive(&tx, &ids, fy).unwrap();
    assert_eq!((students, topics.get(&Topic::Family)), (0, None));
    tx.commit().unwrap();
    // The same student named on each visit moves each cell by one.
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let mut student = None;
    for day in 1..=10 {
        let session = store
            .open_session(&open, d(2025, 2, day + 5), t(10))
            .unwrap();
        let visit = VisitInput {
            student_id: student,
            new_student: student.is_none().then(|| salon_core::NewStudent {
                display_name: "みさき".into(),
                grade: Some(2),
            }),
            topics: vec!["family".into()],
            ..crate::vault::tests::visit_input(session.id, None)
        };
        student = store.save_visit(&visit, None).unwrap().student_id;
        store.close_session(session.id, t(13)).unwrap();
    }
    let tx = store.conn.transaction().unwrap();
    let (students, topics) = super::path_decisions::sensitive(&tx, &ids, fy).unwrap();
    assert_eq!((students, topics.get(&Topic::Family)), (1, Some(&1)));
}
