//! Results newest first straight from the index's order, counts that stop at the cap, and the
//! order kept through corrections (a visit moved, a salon moved to another day).

use super::plan::Plan;
use super::*;
use crate::corrections::MoveTo;
use crate::vault::tests::{campus_input, fresh_store};

fn salon(store: &mut Store, campus_id: i64, day: &str) -> i64 {
    let open = salon_core::SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    let at = chrono::NaiveTime::from_hms_opt(13, 0, 0).unwrap();
    store.open_session(&open, date, at).unwrap().id
}

fn visit(store: &mut Store, session_id: i64, note: &str) -> i64 {
    let input = salon_core::VisitInput {
        id: None,
        session_id,
        student_id: None,
        new_student: None,
        route: "self".into(),
        topics: vec!["part_time".into()],
        minutes: 20,
        note: note.into(),
        next_steps: String::new(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    };
    store.save_visit(&input, None).unwrap().id
}

fn text(t: &str) -> SearchQuery {
    SearchQuery {
        text: t.into(),
        ..SearchQuery::default()
    }
}

fn ids(page: &SearchPage) -> Vec<i64> {
    page.hits.iter().map(|h| h.visit_id).collect()
}

/// SQLite's query plan for a statement, a line per step.
fn plan_of(store: &Store, (sql, args): (String, Vec<Value>)) -> Vec<String> {
    let mut stmt = store
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap();
    stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| r.get(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

#[test]
fn a_common_word_is_counted_to_the_cap_and_wholly_only_when_asked() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap().id;
    let mut newest_day = Vec::new();
    for (d, day) in [
        "2026-10-06",
        "2026-10-13",
        "2026-10-20",
        "2026-10-27",
        "2026-11-03",
    ]
    .iter()
    .enumerate()
    {
        let s = salon(&mut store, campus, day);
        for i in 0..201 {
            let id = visit(&mut store, s, &format!("コンビニのアルバイト {d}-{i}"));
            if d == 4 {
                newest_day.push(id);
            }
        }
    }
    newest_day.reverse();
    for q in ["アルバイト", "ばいと", "ト"] {
        let first = store.search(&text(q)).unwrap();
        assert_eq!((first.total, first.total_capped), (1_000, true), "{q}");
        assert_eq!(ids(&first), newest_day[..50], "{q}: newest first");
        let mut all = text(q);
        all.count_all = true;
        let all = store.search(&all).unwrap();
        assert_eq!((all.total, all.total_capped), (1_005, false), "{q}");
        // Past the cap, the count goes on to the end of the page asked for.
        let mut late = text(q);
        late.offset = Some(1_000);
        let late = store.search(&late).unwrap();
        assert_eq!(
            (late.total, late.total_capped, late.hits.len()),
            (1_005, false, 5)
        );
    }
    let few = store.search(&text("3-200")).unwrap();
    assert_eq!((few.total, few.total_capped), (1, false));
}

#[test]
fn a_moved_visit_and_a_salon_moved_to_another_day_take_their_place_in_the_order() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap().id;
    let early = salon(&mut store, campus, "2026-11-10");
    let late = salon(&mut store, campus, "2026-11-17");
    let a = visit(&mut store, early, "面接の練習 A");
    let b = visit(&mut store, late, "面接の練習 B");
    let c = visit(&mut store, early, "面接の練習 C");
    let order = |store: &Store| {
        let mut q = text("面接の練習");
        q.limit = Some(10);
        ids(&store.search(&q).unwrap())
    };
    // By day, then the order logged: the 17th's B, then the 10th's C and A.
    assert_eq!(order(&store), [b, c, a]);

    store
        .move_visit(
            a,
            MoveTo::Day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()),
            today(),
        )
        .unwrap();
    assert_eq!(order(&store), [a, b, c]);

    let fix = salon_core::SessionCorrection {
        date: "2026-11-03".into(),
        opened_at: "13:00".into(),
        closed_at: "16:00".into(),
        format: "in_person".into(),
        place: String::new(),
    };
    store.correct_session(late, &fix, today()).unwrap();
    assert_eq!(order(&store), [a, c, b]);

    // The period is a range of keys: the salon moved to the 3rd is found there, and only there.
    let mut november_first_week = text("面接の練習");
    november_first_week.from = Some("2026-11-01".into());
    november_first_week.to = Some("2026-11-07".into());
    assert_eq!(ids(&store.search(&november_first_week).unwrap()), [b]);
    store
        .conn
        .execute_batch("INSERT INTO visit_fts (visit_fts) VALUES ('integrity-check');")
        .unwrap();
    // The index's keys are the visits' own.
    let stale: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM visit_folded f JOIN visit v ON v.id = f.visit_id
             JOIN salon_session s ON s.id = v.session_id
             WHERE f.sort_key != -((CAST(julianday(s.date) AS INTEGER) << 32) | v.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stale, 0);
}

/// The plans for many visits read in key order and stop. (A scan under filters that leave few
/// visits, by definition at most `SCAN_BELOW`, may sort those.)
#[test]
fn the_plans_for_many_visits_read_in_key_order_and_sort_nothing() {
    let (_dir, store) = fresh_store();
    let mut q = text("アルバイト");
    let mut cases = vec![("index", q.clone(), true)];
    q.from = Some("2025-04-01".into());
    q.to = Some("2026-03-31".into());
    cases.push(("index, period", q.clone(), true));
    q.campus_id = Some(1);
    cases.push(("index, campus", q.clone(), true));
    cases.push(("scan, short term", text("親"), false));
    cases.push(("no text", text(""), false));
    for (what, query, use_index) in cases {
        let f = query.validate().unwrap();
        let plan = plan_of(&store, Plan::new(&f, use_index, false).first(1_001));
        assert!(
            !plan.iter().any(|p| p.contains("TEMP B-TREE")),
            "{what}: {plan:?}"
        );
    }
}

/// A filtered list without text reads every match from indexes alone, never a visit's row
/// (which holds its note).
#[test]
fn a_filtered_list_without_text_is_answered_from_indexes() {
    let (_dir, store) = fresh_store();
    let mut q = text("");
    q.campus_id = Some(1);
    q.follow_up_only = true;
    q.concern_only = true;
    let f = q.validate().unwrap();
    let plan = plan_of(&store, Plan::new(&f, false, true).all_keys());
    // visit_filters, or visit_open_care (0013) when a follow-up or 要連携 is asked for.
    assert!(
        plan.iter()
            .any(|p| p.contains("SEARCH v USING COVERING INDEX visit_")),
        "{plan:?}"
    );
    assert!(!plan.iter().any(|p| p.contains(" f ")), "{plan:?}");
}
