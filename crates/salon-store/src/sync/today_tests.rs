//! Today as the outbox lets it leave (`today.rs`), against a real encrypted store.

use chrono::{Days, NaiveDate, NaiveTime};
use salon_core::SessionOpen;

use super::tests::enrol;
use crate::vault::tests::{campus_input, fresh_store, visit_input};
use crate::Store;

fn t(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

/// Today's day snapshot waiting to be sent, as (revision, visits); none when none waits.
fn today_waiting(store: &Store, today: NaiveDate) -> Option<(u32, u32)> {
    let pending = store.pending_upload().unwrap();
    assert!(
        pending
            .upload
            .months
            .iter()
            .all(|m| m.month.to_string() != today.format("%Y-%m").to_string()
                || pending.upload.days.iter().any(|d| d.day == today)),
        "a month holding today goes only with today"
    );
    pending
        .upload
        .days
        .iter()
        .find(|d| d.day == today)
        .map(|d| (d.revision, d.counts.visits))
}

#[test]
fn nothing_of_today_leaves_while_its_salon_is_open_and_later_changes_wait_for_tomorrow() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    enrol(&mut store, &["C-012"]);
    let today = NaiveDate::from_ymd_opt(2025, 2, 18).unwrap();
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let session = store.open_session(&open, today, t(13)).unwrap().id;
    // Two visits while the salon is open, the outbox prepared after each (the background
    // sender every ten minutes): nothing of today waits, not even the month.
    for _ in 0..2 {
        store.save_visit(&visit_input(session, None), None).unwrap();
        store.prepare_outbox(today).unwrap();
        assert_eq!(today_waiting(&store, today), None);
        assert!(store.pending_upload().unwrap().upload.months.is_empty());
    }
    store.close_session(session, t(16)).unwrap();
    store.prepare_outbox(today).unwrap();
    assert_eq!(
        today_waiting(&store, today),
        Some((1, 2)),
        "one revision at closing"
    );
    let pending = store.pending_upload().unwrap();
    assert_eq!(pending.upload.months[0].breakdown.visits, 2);
    store
        .record_sent(&pending, &salon_protocol::Receipt::default())
        .unwrap();
    // Reopened, a visit added, closed again: nothing more today.
    store.reopen_session(session, today).unwrap();
    store.save_visit(&visit_input(session, None), None).unwrap();
    store.prepare_outbox(today).unwrap();
    assert!(store.pending_upload().unwrap().is_empty());
    store.close_session(session, t(17)).unwrap();
    store.prepare_outbox(today).unwrap();
    assert!(store.pending_upload().unwrap().is_empty());
    // The day has ended: it goes as a correction.
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap();
    store.prepare_outbox(tomorrow).unwrap();
    assert_eq!(today_waiting(&store, today), Some((2, 3)));
}

/// An evening salon left open past midnight: its day, and every day after it, is held back
/// until it closes, so a visit saved at 00:10 does not leave within minutes either.
#[test]
fn a_salon_left_open_past_midnight_holds_its_day_until_it_closes() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    enrol(&mut store, &["C-012"]);
    let day = NaiveDate::from_ymd_opt(2025, 2, 18).unwrap();
    let next = day.checked_add_days(Days::new(1)).unwrap();
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let session = store.open_session(&open, day, t(18)).unwrap().id;
    store.save_visit(&visit_input(session, None), None).unwrap();
    for _ in 0..2 {
        store.save_visit(&visit_input(session, None), None).unwrap();
        store.prepare_outbox(next).unwrap();
        assert!(
            store.pending_upload().unwrap().is_empty(),
            "held past midnight"
        );
    }
    store.close_session(session, t(21)).unwrap();
    store.prepare_outbox(next).unwrap();
    assert_eq!(today_waiting(&store, day), Some((1, 3)));
}

/// An online talk belongs to no salon whose closing could send its day: nothing of it leaves on
/// the day it is held, whatever the sender does; it goes the next day, once.
#[test]
fn todays_online_events_wait_until_the_day_is_over() {
    let (_dir, mut store) = fresh_store();
    enrol(&mut store, &[]);
    let day = NaiveDate::from_ymd_opt(2025, 2, 18).unwrap();
    let talk = salon_core::care::EventInput {
        id: None,
        kind: "career_talk".into(),
        date: day.to_string(),
        campus_id: None,
        title: "オンライン職業講話".into(),
        students: 40,
        parents: 0,
        teachers: 2,
        supporters: 1,
    };
    store.save_event(&talk).unwrap();
    let online_days = |store: &Store| -> Vec<(NaiveDate, u32)> {
        let pending = store.pending_upload().unwrap().upload;
        pending
            .events
            .iter()
            .filter(|e| e.campus.is_none())
            .map(|e| (e.day, e.revision))
            .collect()
    };
    for _ in 0..3 {
        store.prepare_outbox(day).unwrap();
        assert_eq!(online_days(&store), [], "not on its own day");
    }
    store.prepare_outbox(day + Days::new(1)).unwrap();
    assert_eq!(online_days(&store), [(day, 1)]);
}
