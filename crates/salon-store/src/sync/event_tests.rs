//! Related activities in the outbox: a campus's events and the device's online ones, by kind,
//! titles left behind, revised when corrected and sent empty when removed.

use salon_core::care::EventInput;
use salon_protocol::{CampusCode, EventKind, Receipt};

use super::tests::{enrol, today};
use crate::vault::tests::{campus_input, fresh_store};

fn event(kind: &str, date: &str, campus_id: Option<i64>, students: i64) -> EventInput {
    EventInput {
        id: None,
        kind: kind.into(),
        date: date.into(),
        campus_id,
        title: "山田さんと話す進路の会".into(),
        students,
        parents: 2,
        teachers: 1,
        supporters: 1,
    }
}

#[test]
fn campus_and_online_events_go_by_kind_without_their_titles() {
    let (_dir, mut store) = fresh_store();
    let mut campus = campus_input("柏", 2);
    campus.hq_code = Some("C-012".into());
    let campus = store.save_campus(&campus).unwrap();
    let other = store.save_campus(&campus_input("松戸", 3)).unwrap();
    enrol(&mut store, &["C-012"]);
    store
        .save_event(&event("career_guidance", "2024-10-05", Some(campus.id), 30))
        .unwrap();
    store
        .save_event(&event("parent_seminar", "2024-10-05", Some(campus.id), 0))
        .unwrap();
    store
        .save_event(&event("career_guidance", "2024-10-05", Some(campus.id), 10))
        .unwrap();
    // A campus without an HQ code sends nothing; an online talk goes under no campus.
    store
        .save_event(&event("exchange", "2024-10-06", Some(other.id), 5))
        .unwrap();
    let talk = store
        .save_event(&event("career_talk", "2024-11-14", None, 120))
        .unwrap();
    store.prepare_outbox(today()).unwrap();
    let pending = store.pending_upload().unwrap();
    let events = &pending.upload.events;
    assert_eq!(events.len(), 2, "{events:?}");
    let at_campus = events.iter().find(|e| e.campus.is_some()).unwrap();
    assert_eq!(at_campus.campus, Some(CampusCode::parse("C-012").unwrap()));
    let kinds: Vec<(EventKind, u32, u32, u32)> = at_campus
        .kinds
        .iter()
        .map(|k| {
            (
                k.kind,
                k.events,
                k.participants.students,
                k.participants.parents,
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EventKind::CareerGuidance, 2, 40, 4),
            (EventKind::ParentSeminar, 1, 0, 2),
        ]
    );
    let online = events.iter().find(|e| e.campus.is_none()).unwrap();
    assert_eq!(online.kinds[0].participants.total(), 124);
    // The day figures count the campus's events too.
    assert_eq!(pending.upload.days[0].counts.events, 3);
    assert!(!pending.payload.contains("山田"), "{}", pending.payload);
    assert!(!pending.payload.contains("進路の会"));
    assert!(pending.upload.check().is_ok());
    assert!(pending.upload.check_plausible(today()).is_ok());
    store.record_sent(&pending, &Receipt::default()).unwrap();
    store.prepare_outbox(today()).unwrap();
    assert!(store.pending_upload().unwrap().is_empty());

    // Removed: the online day goes again, empty, at the next revision.
    store.delete_event(talk.id).unwrap();
    store.prepare_outbox(today()).unwrap();
    let pending = store.pending_upload().unwrap();
    assert_eq!(pending.upload.events.len(), 1);
    let removed = &pending.upload.events[0];
    assert_eq!(
        (
            removed.campus.as_ref(),
            removed.revision,
            removed.kinds.len()
        ),
        (None, 2, 0)
    );
}

#[test]
fn a_day_of_events_that_cannot_be_true_is_held_back_named() {
    let (_dir, mut store) = fresh_store();
    enrol(&mut store, &["C-012"]);
    // Eleven talks in a day: over the cap headquarters refuses.
    for _ in 0..11 {
        store
            .save_event(&event("career_talk", "2024-11-14", None, 1))
            .unwrap();
    }
    store.prepare_outbox(today()).unwrap();
    assert!(store.pending_upload().unwrap().upload.events.is_empty());
    let held = store.held_back().unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (
            held[0].kind.as_str(),
            held[0].campus_code.as_str(),
            held[0].period.as_str(),
            held[0].code.as_str()
        ),
        ("events", "", "2024-11-14", "over_day_cap")
    );
}
