//! One student's data on request, against a real encrypted store, as a data-protection officer
//! would check it: after a deletion nothing of theirs is left in any table (the search index's
//! own included) while every exact figure stays as headquarters holds it; a disclosure holds
//! everything of theirs and nothing of anyone else's.

use chrono::{NaiveDate, NaiveTime};
use salon_core::care::AppointmentInput;
use salon_core::SessionOpen;
use salon_protocol::Receipt;

use super::*;
use crate::corrections::tests::every_value;
use crate::retention::PURGED_NAME;
use crate::sync::tests::enrol;
use crate::vault::tests::{campus_input, fresh_store, student_input, visit_input};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// C-012 enrolled; はるか (path decided, changed once) with two visits about 家庭のこと and
/// 心身の不調, notes, a 要連携 follow-up marked done and an appointment kept; そら with a visit
/// of her own. Returns (store dir, store, はるか, そら).
pub(crate) fn two_students() -> (tempfile::TempDir, Store, i64, i64) {
    let (dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap().id;
    enrol(&mut store, &["C-012"]);
    let mut haruka = student_input(campus, "はるか");
    haruka.path_status = "further_study".into();
    haruka.path_decided_on = Some("2025-01-20".into());
    let haruka = store.save_student(&haruka).unwrap().id;
    let mut changed = student_input(campus, "はるか");
    changed.id = Some(haruka);
    changed.path_status = "employment".into();
    changed.path_decided_on = Some("2025-02-10".into());
    store.save_student(&changed).unwrap();
    let sora = store
        .save_student(&student_input(campus, "そら"))
        .unwrap()
        .id;
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let first = store.open_session(&open, d(2025, 1, 14), t(10)).unwrap().id;
    let mut v = visit_input(first, Some(haruka));
    v.topics = vec!["family".into(), "wellbeing".into()];
    v.note = "はるかの秘密メモ：家で言い争い".into();
    v.next_steps = "はるかの次の一歩".into();
    v.teacher_summary = "はるかの共有メモ".into();
    v.concern = true;
    v.follow_up_on = Some("2025-01-21".into());
    let v1 = store.save_visit(&v, None).unwrap().id;
    store.mark_follow_up_done(v1).unwrap();
    let mut other = visit_input(first, Some(sora));
    other.note = "そらのメモ：部活の話".into();
    store.save_visit(&other, None).unwrap();
    store.close_session(first, t(13)).unwrap();
    let appointment = store
        .book_appointment(&AppointmentInput {
            student_id: haruka,
            date: "2025-02-18".into(),
            time: Some("10:30".into()),
            booked_from_visit_id: Some(v1),
        })
        .unwrap();
    let second = store.open_session(&open, d(2025, 2, 18), t(10)).unwrap().id;
    let mut kept = visit_input(second, Some(haruka));
    kept.route = "appointment".into();
    kept.note = "はるかの二回目：志望理由書".into();
    let v2 = store.save_visit(&kept, None).unwrap().id;
    store.mark_appointment_kept(appointment.id, v2).unwrap();
    store.close_session(second, t(13)).unwrap();
    (dir, store, haruka, sora)
}

/// Every table (the search index's shadow tables included) with a text or blob value that
/// holds `needle`.
pub(crate) fn tables_holding(store: &Store, needle: &str) -> Vec<String> {
    let mut found: Vec<String> = every_value(store)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(table, _)| table)
        .collect();
    found.dedup();
    found
}

#[test]
fn a_deleted_students_data_is_nowhere_and_every_exact_figure_stays() {
    let (_dir, mut store, haruka, sora) = two_students();
    store.prepare_outbox(d(2025, 12, 1)).unwrap();
    let sent = store.pending_upload().unwrap();
    assert!(!sent.upload.days.is_empty());
    store.record_sent(&sent, &Receipt::default()).unwrap();
    for text in ["はるかの秘密メモ", "はるかの次の一歩", "はるかの共有メモ"]
    {
        assert!(
            !tables_holding(&store, text).is_empty(),
            "the scan finds {text} before"
        );
    }

    let erased = store.erase_student(haruka).unwrap();
    assert_eq!(erased.visits, 2);
    for text in ["はるか", "秘密メモ", "次の一歩", "共有メモ", "志望理由書"] {
        assert_eq!(tables_holding(&store, text), Vec::<String>::new(), "{text}");
    }
    assert!(!tables_holding(&store, "そらのメモ").is_empty());
    let count = |sql: &str| -> i64 { store.conn.query_row(sql, [haruka], |r| r.get(0)).unwrap() };
    let of_visits = "(SELECT id FROM visit WHERE student_id = ?1)";
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM visit_topic WHERE visit_id IN {of_visits}"
        )),
        0
    );
    assert_eq!(
        count(&format!(
            "SELECT count(*) FROM follow_up_done WHERE visit_id IN {of_visits}"
        )),
        0
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM visit WHERE student_id = ?1
             AND (concern = 1 OR follow_up_on IS NOT NULL)"
        ),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM path_change WHERE student_id = ?1"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM appointment WHERE student_id = ?1 AND time IS NOT NULL"),
        0
    );
    let bare = store.student(haruka).unwrap();
    assert_eq!(
        (
            bare.display_name.as_str(),
            bare.grade,
            bare.path_status.code(),
            bare.path_decided_on
        ),
        (PURGED_NAME, None, "undecided", None)
    );
    assert_eq!(
        store.visits_of_student(sora).unwrap()[0].note,
        "そらのメモ：部活の話"
    );
    let hits = store
        .search(&crate::SearchQuery {
            text: "秘密".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.total, 0, "not in the search index either");
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());

    // Every exact figure recomputes as it was sent: nothing new goes to headquarters.
    store.prepare_outbox(d(2025, 12, 2)).unwrap();
    let after = store.pending_upload().unwrap().upload;
    assert!(
        after.days.is_empty() && after.months.is_empty() && after.events.is_empty(),
        "{after:?}"
    );
    let log = store.data_requests().unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].student_id),
        ("deleted", haruka)
    );
}

#[test]
fn a_disclosure_holds_everything_of_the_student_and_nothing_of_another() {
    let (_dir, mut store, haruka, _) = two_students();
    let disclosure = store.disclose_student(haruka).unwrap();
    let html = disclosure_html(
        &disclosure,
        &|kind, code| format!("{kind}.{code}"),
        "2025-12-01",
    );
    for expected in [
        "はるか",
        "はるかの秘密メモ：家で言い争い",
        "はるかの次の一歩",
        "はるかの共有メモ",
        "はるかの二回目：志望理由書",
        "2025-01-21",
        "2025-02-18",
        "10:30",
        "topic.family",
        "topic.wellbeing",
        "care.status.kept",
        "pathStatus.employment",
        "pathStatus.further_study",
    ] {
        assert!(html.contains(expected), "{expected} is disclosed");
    }
    assert!(!html.contains("そら"), "nothing of another student");
    let log = store.data_requests().unwrap();
    assert_eq!(
        (log[0].action.as_str(), log[0].student_id),
        ("disclosed", haruka)
    );
    // A name written as markup stays text.
    let mut student = student_input(disclosure.student.campus_id, "<b>太字</b>");
    student.id = Some(haruka);
    store.save_student(&student).unwrap();
    let again = store.disclose_student(haruka).unwrap();
    let html = disclosure_html(&again, &|_, c| c.into(), "x");
    assert!(html.contains("&lt;b&gt;太字&lt;/b&gt;") && !html.contains("<b>太字"));
}
