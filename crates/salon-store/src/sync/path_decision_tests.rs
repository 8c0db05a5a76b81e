//! Path decisions released per period, against a real encrypted store: the month snapshots
//! carry no path cell, each 年度 and funder term of headquarters' calendar with a salon is
//! released on its days only, drawn once and sent as drawn, never again once headquarters
//! holds it, and never for a term that would put a decision in a third period.

use chrono::{NaiveDate, NaiveTime};
use salon_core::{PathStatus, SessionOpen, VisitInput};
use salon_protocol::{
    CampusCode, DeviceConfig, Enrolment, Month, PathCalendar, PathPeriod, PathRelease, Receipt,
    Release,
};

use super::path_decisions::decisions;
use crate::vault::tests::{campus_input, fresh_store, student_input};
use crate::Store;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn period(from: &str, to: &str) -> PathPeriod {
    PathPeriod {
        from: Month::parse(from).unwrap(),
        to: Month::parse(to).unwrap(),
    }
}

fn funder() -> PathPeriod {
    period("2024-09", "2025-02")
}

fn config(terms: Vec<PathPeriod>, held: Vec<salon_protocol::PathReleaseKey>) -> DeviceConfig {
    DeviceConfig {
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        releases_held: vec![],
        path_calendar: PathCalendar { terms },
        path_releases_held: held,
    }
}

/// C-012 enrolled under a calendar with the funder's September–February term; a salon on
/// 18 February where さくら and ひなた visit. さくら's 進学 (10 February) and ひなた's 就職
/// (1 May 2024) are the salon's; あおい, never met, decided 就職 on 15 January.
fn store_with_decisions() -> (tempfile::TempDir, Store, i64) {
    let (dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    store
        .save_enrolment(
            "http://127.0.0.1:8700",
            &Enrolment {
                token: "device-token".into(),
                campuses: vec![CampusCode::parse("C-012").unwrap()],
                path_calendar: PathCalendar {
                    terms: vec![funder()],
                },
            },
        )
        .unwrap();
    let decided = |store: &mut Store, name: &str, path: &str, on: &str| {
        let mut s = student_input(campus.id, name);
        s.path_status = path.into();
        s.path_decided_on = Some(on.into());
        store.save_student(&s).unwrap().id
    };
    let met = [
        decided(&mut store, "さくら", "further_study", "2025-02-10"),
        decided(&mut store, "ひなた", "employment", "2024-05-01"),
    ];
    decided(&mut store, "あおい", "employment", "2025-01-15");
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, d(2025, 2, 18), t(10)).unwrap();
    for student in met {
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: Some(student),
            new_student: None,
            route: "self".into(),
            topics: vec!["further_study".into()],
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
    (dir, store, campus.id)
}

fn pending_paths(store: &Store) -> Vec<PathRelease> {
    store.pending_upload().unwrap().upload.path_releases
}

#[test]
fn the_exact_decisions_are_the_salons_own_in_the_period() {
    let (_dir, mut store, campus) = store_with_decisions();
    let tx = store.conn.transaction().unwrap();
    let ids = format!("[{campus}]");
    let fy = decisions(&tx, &ids, PathPeriod::fiscal_year(2024)).unwrap();
    assert_eq!(
        fy.into_iter().collect::<Vec<_>>(),
        [(PathStatus::FurtherStudy, 1), (PathStatus::Employment, 1)],
        "あおい was never met"
    );
    let term = decisions(&tx, &ids, funder()).unwrap();
    assert_eq!(
        term.into_iter().collect::<Vec<_>>(),
        [(PathStatus::FurtherStudy, 1)]
    );
}

#[test]
fn months_carry_no_path_cell_and_each_period_is_released_on_its_days_once() {
    let (_dir, mut store, _) = store_with_decisions();
    store.prepare_outbox(d(2025, 3, 6)).unwrap();
    let pending = store.pending_upload().unwrap();
    assert!(
        pending.upload.path_releases.is_empty(),
        "the term's day is 7 March"
    );
    assert!(!pending.upload.months.is_empty());
    // January holds only あおい's decision: no month snapshot tells of it.
    assert!(pending
        .upload
        .months
        .iter()
        .all(|m| m.month.to_string() != "2025-01"));

    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let term = pending_paths(&store);
    assert_eq!(term.len(), 1);
    assert_eq!(
        (term[0].period(), term[0].release),
        (funder(), Release::First)
    );
    assert_eq!(
        term[0].check(salon_protocol::PeriodBounds::new(2, 2)),
        Ok(())
    );
    // The term carries the sensitive topics too.
    let sensitive = term[0].sensitive.as_ref().expect("the sensitive topics");
    let codes: Vec<_> = sensitive.by_topic.iter().map(|c| c.code).collect();
    assert_eq!(codes, salon_protocol::Topic::SENSITIVE);

    store.prepare_outbox(d(2025, 4, 7)).unwrap();
    let both = pending_paths(&store);
    assert_eq!(both.len(), 2);
    // Oldest period first: the 年度 starts in April, the term in September.
    assert_eq!(both[0].period(), PathPeriod::fiscal_year(2024));
    assert_eq!(
        both[1], term[0],
        "drawn once: the same numbers at every send"
    );

    let pending = store.pending_upload().unwrap();
    store.record_sent(&pending, &Receipt::default()).unwrap();
    store.prepare_outbox(d(2025, 4, 8)).unwrap();
    assert!(pending_paths(&store).is_empty(), "sent, never again");
    store.prepare_outbox(d(2025, 5, 19)).unwrap();
    let seconds: Vec<_> = pending_paths(&store)
        .iter()
        .map(|r| (r.period(), r.release))
        .collect();
    assert_eq!(
        seconds,
        [
            (PathPeriod::fiscal_year(2024), Release::Second),
            (funder(), Release::Second)
        ]
    );
}

#[test]
fn a_release_headquarters_holds_is_never_drawn_and_a_moved_term_is_not_released() {
    let (_dir, mut store, _) = store_with_decisions();
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    let drawn = pending_paths(&store);
    assert_eq!(drawn.len(), 1);
    // Headquarters moves the term a month on (its settings refuse this; a device keeps to
    // its own draws whatever it is sent) and holds the 年度's first release already.
    let fy_first = salon_protocol::PathReleaseKey {
        from: Month::parse("2024-04").unwrap(),
        to: Month::parse("2025-03").unwrap(),
        release: Release::First,
    };
    store
        .update_device_config(&config(vec![period("2024-10", "2025-03")], vec![fy_first]))
        .unwrap();
    store.prepare_outbox(d(2025, 4, 10)).unwrap();
    let now: Vec<_> = pending_paths(&store)
        .iter()
        .map(|r| (r.period(), r.release))
        .collect();
    // No 年度 redraw, no moved term drawn; the old term's release waits unsent (headquarters
    // no longer names it) and is still kept as drawn.
    assert_eq!(now, [], "no 年度 redraw, no moved term");
    let kept: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM drawn_release WHERE campus_id IS NULL AND held = 0 AND body != ''",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 1);
}

#[test]
fn a_release_of_a_period_headquarters_drops_waits() {
    let (_dir, mut store, _) = store_with_decisions();
    store.prepare_outbox(d(2025, 3, 7)).unwrap();
    assert_eq!(pending_paths(&store).len(), 1);
    // Headquarters drops the term before the release reached it: sending it would have the
    // whole upload refused, so it waits; the days and months still go.
    store.update_device_config(&config(vec![], vec![])).unwrap();
    store.prepare_outbox(d(2025, 3, 8)).unwrap();
    let pending = store.pending_upload().unwrap();
    assert!(pending.upload.path_releases.is_empty());
    assert!(!pending.upload.days.is_empty());
    // Named again, it goes as drawn.
    store
        .update_device_config(&config(vec![funder()], vec![]))
        .unwrap();
    store.prepare_outbox(d(2025, 3, 9)).unwrap();
    assert_eq!(pending_paths(&store).len(), 1);
}

/// Two funder terms in one 年度, each with a salon: the first carries the sensitive topics, the
/// second only its decisions, so a student's visits of the 年度 are in two releases at most.
#[test]
fn only_one_term_of_a_fiscal_year_carries_the_sensitive_topics() {
    let (_dir, mut store, campus) = store_with_decisions();
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let october = store.open_session(&open, d(2024, 10, 8), t(10)).unwrap();
    store.close_session(october.id, t(13)).unwrap();
    let (autumn, spring) = (period("2024-09", "2024-12"), period("2025-01", "2025-03"));
    store
        .update_device_config(&config(vec![autumn, spring], vec![]))
        .unwrap();
    store.prepare_outbox(d(2025, 4, 7)).unwrap();
    let drawn: Vec<(PathPeriod, Release, bool)> = pending_paths(&store)
        .iter()
        .map(|r| (r.period(), r.release, r.sensitive.is_some()))
        .collect();
    assert_eq!(
        drawn,
        [
            (PathPeriod::fiscal_year(2024), Release::First, true),
            (autumn, Release::First, true),
            (autumn, Release::Second, true),
            (spring, Release::First, false)
        ]
    );
}
