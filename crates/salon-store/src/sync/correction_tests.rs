//! Date corrections against the releases under noise, through a real encrypted store: a visit
//! is drawn into at most two campus months, a path decision into at most one 年度 and one term,
//! however often its date is corrected; past that, a correction moves the exact figures only.
//! Each check rebuilds the release from the cells it should hold, with the laptop's own noise
//! key: keyed noise makes the same cells give the same numbers, so a release that counted the
//! moved visit would differ.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use salon_core::{PathStatus, SessionOpen};
use salon_privacy::{release_month, release_paths, ExactMonth, ExactPeriod, ExactSensitive};
use salon_protocol::{
    CampusCode, Enrolment, Month, NoisyMonthBreakdown, PathCalendar, PathPeriod, PathRelease,
    Release, Route, Topic,
};

use super::path_decisions::{decisions, sensitive};
use crate::corrections::MoveTo;
use crate::noise_key::noise_key;
use crate::vault::tests::{campus_input, fresh_store, student_input, visit_input};
use crate::Store;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap()
}

fn period(from: &str, to: &str) -> PathPeriod {
    PathPeriod {
        from: month(from),
        to: month(to),
    }
}

/// The funder's terms: 2024-09〜2025-02 (年度 2024), 2025-04〜2025-09 and 2025-10〜2026-03
/// (年度 2025).
fn terms() -> Vec<PathPeriod> {
    vec![
        period("2024-09", "2025-02"),
        period("2025-04", "2025-09"),
        period("2025-10", "2026-03"),
    ]
}

fn enrolled_store() -> (tempfile::TempDir, Store, i64) {
    let (dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        path_calendar: PathCalendar { terms: terms() },
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    (dir, store, campus.id)
}

/// A closed salon of the campus on `date` with one visit by `student` (anonymous if none); the
/// visit's id.
fn salon(store: &mut Store, campus_id: i64, date: NaiveDate, student: Option<i64>) -> i64 {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, date, t(10)).unwrap();
    let visit = store
        .save_visit(&visit_input(session.id, student), None)
        .unwrap()
        .id;
    store.close_session(session.id, t(13)).unwrap();
    visit
}

/// Both drawn releases of a campus month, as the outbox holds them.
fn month_releases(store: &Store, m: Month) -> Vec<NoisyMonthBreakdown> {
    let mut stmt = store
        .conn
        .prepare("SELECT body FROM drawn_release WHERE campus_id IS NOT NULL AND from_month = ?1 ORDER BY release")
        .unwrap();
    let rows = stmt
        .query_map([m.to_string()], |r| r.get::<_, String>(0))
        .unwrap();
    rows.map(|b| serde_json::from_str(&b.unwrap()).unwrap())
        .collect()
}

/// Both releases of a month drawn over `visits` visits that came by themselves about 就職.
fn drawn_over(store: &Store, campus: i64, m: Month, visits: u32) -> Vec<NoisyMonthBreakdown> {
    let key = noise_key(&store.conn).unwrap();
    let exact = ExactMonth {
        by_route: BTreeMap::from([(Route::SelfReferred, visits)]),
        by_topic: BTreeMap::from([(Topic::JobSearch, visits)]),
    };
    Release::ALL
        .iter()
        .map(|r| release_month(&key, campus, m, *r, &exact).unwrap())
        .collect()
}

#[test]
fn a_visit_moved_through_four_months_is_released_in_two() {
    let (_dir, mut store, campus) = enrolled_store();
    let visit = salon(&mut store, campus, d(2025, 1, 14), None);
    let today = d(2025, 12, 1);
    store.prepare_outbox(today).unwrap();
    assert_eq!(
        month_releases(&store, month("2025-01")),
        drawn_over(&store, campus, month("2025-01"), 1)
    );
    // Written under the wrong day, three times over, each after its months were released.
    let mut moved_to = vec![];
    for date in [d(2025, 2, 18), d(2025, 3, 18), d(2025, 4, 15)] {
        store.move_visit(visit, MoveTo::Day(date), today).unwrap();
        store.prepare_outbox(today).unwrap();
        moved_to.push(Month::of(date));
    }
    // February is its second month: drawn with it. March and April are third and fourth: their
    // releases are drawn as if it were not there.
    let with = |m: &str, n| {
        (
            month_releases(&store, month(m)),
            drawn_over(&store, campus, month(m), n),
        )
    };
    let (held, expected) = with("2025-02", 1);
    assert_eq!(held, expected, "its second month counts it");
    for m in ["2025-03", "2025-04"] {
        let (held, expected) = with(m, 0);
        assert_eq!(held.len(), 2, "{m} has a visit, so it is released");
        assert_eq!(held, expected, "{m} is a third month: drawn without it");
    }
    // The exact figures follow every correction: April's month snapshot holds the visit.
    let pending = store.pending_upload().unwrap().upload;
    let april = pending
        .months
        .iter()
        .find(|m| m.month == month("2025-04"))
        .expect("April's exact figures go");
    assert_eq!(april.breakdown.visits, 1);
    assert_eq!(moved_to.len(), 3);
    // The confirmation of a fourth move is told so; a move back to a month it was drawn into,
    // or of a visit not yet drawn anywhere, is not.
    assert_eq!(
        store
            .left_out_of_breakdowns(&[visit], d(2025, 5, 20))
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .left_out_of_breakdowns(&[visit], d(2025, 2, 4))
            .unwrap(),
        0
    );
    let fresh = salon(&mut store, campus, d(2025, 5, 20), None);
    assert_eq!(
        store
            .left_out_of_breakdowns(&[visit, fresh], d(2025, 6, 3))
            .unwrap(),
        1
    );
}

/// The release of `p` drawn over the decisions `by_path` and the sensitive cells as the store
/// counts them now, if the release carries them.
fn period_drawn_over(
    store: &mut Store,
    campus: i64,
    p: PathPeriod,
    release: &PathRelease,
    by_path: BTreeMap<PathStatus, u32>,
) -> PathRelease {
    let key = noise_key(&store.conn).unwrap();
    let tx = store.conn.transaction().unwrap();
    let sensitive = release.sensitive.as_ref().map(|_| {
        let (met, by_topic) = sensitive(&tx, &format!("[{campus}]"), p).unwrap();
        ExactSensitive { met, by_topic }
    });
    let exact = ExactPeriod { by_path, sensitive };
    release_paths(&key, p, release.release, &exact).unwrap()
}

fn period_releases(store: &Store, p: PathPeriod) -> Vec<PathRelease> {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT body FROM drawn_release WHERE campus_id IS NULL AND from_month = ?1 AND to_month = ?2
             ORDER BY release",
        )
        .unwrap();
    let rows = stmt
        .query_map([p.from.to_string(), p.to.to_string()], |r| {
            r.get::<_, String>(0)
        })
        .unwrap();
    rows.map(|b| serde_json::from_str(&b.unwrap()).unwrap())
        .collect()
}

#[test]
fn a_decision_moved_through_four_periods_is_released_in_one_fiscal_year_and_one_term() {
    let (_dir, mut store, campus) = enrolled_store();
    let mut sakura = student_input(campus, "さくら");
    sakura.path_status = "further_study".into();
    sakura.path_decided_on = Some("2025-02-10".into());
    let sakura = store.save_student(&sakura).unwrap();
    for date in [d(2025, 2, 18), d(2025, 5, 20), d(2025, 11, 18)] {
        salon(&mut store, campus, date, Some(sakura.id));
    }
    let further = || BTreeMap::from([(PathStatus::FurtherStudy, 1)]);
    // The funder's first term and 年度 2024 are released with her decision.
    store.prepare_outbox(d(2025, 5, 30)).unwrap();
    for p in [terms()[0], PathPeriod::fiscal_year(2024)] {
        let held = period_releases(&store, p);
        assert_eq!(held.len(), 2, "{p:?}");
        for r in &held {
            assert_eq!(
                *r,
                period_drawn_over(&mut store, campus, p, r, further()),
                "{p:?}"
            );
        }
    }
    // Its date corrected into the next term, then into the one after (年度 2025 both): four
    // periods in all, of which the later term and 年度 are drawn without it.
    assert!(
        !store
            .decision_left_out_of_breakdowns(sakura.id, "further_study", d(2025, 1, 20))
            .unwrap(),
        "the same term and 年度"
    );
    for (on, synced) in [
        (d(2025, 6, 10), d(2025, 10, 30)),
        (d(2025, 12, 1), d(2026, 6, 1)),
    ] {
        assert!(
            store
                .decision_left_out_of_breakdowns(sakura.id, "further_study", on)
                .unwrap(),
            "{on}"
        );
        let mut input = student_input(campus, "さくら");
        input.id = Some(sakura.id);
        input.path_status = "further_study".into();
        input.path_decided_on = Some(on.to_string());
        store.save_student(&input).unwrap();
        store.prepare_outbox(synced).unwrap();
    }
    for p in [terms()[1], terms()[2], PathPeriod::fiscal_year(2025)] {
        let held = period_releases(&store, p);
        assert_eq!(held.len(), 2, "{p:?} had salons");
        for r in &held {
            let without = period_drawn_over(&mut store, campus, p, r, BTreeMap::new());
            assert_eq!(*r, without, "{p:?} is drawn without the decision");
        }
    }
    // A decision of another kind, made later, is a decision of its own: counted in its 年度.
    assert!(!store
        .decision_left_out_of_breakdowns(sakura.id, "employment", d(2025, 12, 1))
        .unwrap());
    let mut changed = student_input(campus, "さくら");
    changed.id = Some(sakura.id);
    changed.path_status = "employment".into();
    changed.path_decided_on = Some("2025-12-01".into());
    store.save_student(&changed).unwrap();
    let tx = store.conn.transaction().unwrap();
    let counted = decisions(&tx, &format!("[{campus}]"), PathPeriod::fiscal_year(2025)).unwrap();
    assert_eq!(counted, BTreeMap::from([(PathStatus::Employment, 1)]));
}
