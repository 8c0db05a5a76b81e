//! A cover (一時的な代理) from start to end, and the ways out of a handover a supporter needs:
//! the colleague hands the students back (with only what is new), the cover is ended by hand,
//! a lost receipt is written again, and nothing reaches a locked record by a side door.

use chrono::NaiveDate;
use salon_core::SessionOpen;

use super::tests::{handover_day, noon_on, now, pair, t};
use super::*;
use crate::student_requests::tests::tables_holding;
use crate::vault::tests::{student_input, visit_input};
use crate::StoreError;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn a_colleague_handing_the_students_back_ends_the_cover_and_brings_only_what_is_new() {
    let mut p = pair();
    let cover = p.seal(HandoverReason::Cover);
    let (taken, receipt) = p.b.accept_package(&cover.file, &[], now()).unwrap();
    assert_eq!(
        p.b.receipt_of(&taken.id).unwrap(),
        receipt,
        "kept to write again"
    );
    p.a.import_receipt(&receipt, handover_day()).unwrap();

    // B sees はるか on 3/4 while covering.
    let b_campus = p.b.campuses().unwrap()[0].id;
    let haruka_b = p.b.students(None, "はるか").unwrap()[0].id;
    let open = SessionOpen {
        campus_id: b_campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let salon = p.b.open_session(&open, d(2025, 3, 4), t(10)).unwrap().id;
    let mut visit = visit_input(salon, Some(haruka_b));
    visit.note = "代理中の面談：面接練習".into();
    p.b.save_visit(&visit, None).unwrap();
    p.b.close_session(salon, t(13)).unwrap();

    // ...and hands the students back.
    let a_card = p.b.known_cards().unwrap()[0].fingerprint().to_string();
    let back =
        p.b.seal_handover(
            &HandoverRequest {
                colleague: p.b.known_laptops().unwrap()[0].id,
                typed_fingerprint: a_card,
                campus_id: b_campus,
                students: None,
                reason: HandoverReason::Transfer,
            },
            "B 佐藤",
            noon_on(d(2025, 3, 5)),
            d(2025, 3, 5),
        )
        .unwrap();
    assert_eq!(back.record.counts.visits, 1, "only the visit B made");
    let summary =
        p.a.open_package(&back.file, noon_on(d(2025, 3, 5)))
            .unwrap();
    let merges: Vec<Merge> = summary
        .merge_offers
        .iter()
        .map(|m| Merge {
            key: m.key,
            student_id: m.student_id,
        })
        .collect();
    assert_eq!(merges.len(), 2, "はるか and そら are A's own");
    let (_, back_receipt) =
        p.a.accept_package(&back.file, &merges, noon_on(d(2025, 3, 5)))
            .unwrap();
    let states: Vec<(String, String)> =
        p.a.handovers()
            .unwrap()
            .into_iter()
            .map(|h| (h.direction, h.state))
            .collect();
    assert!(
        states.contains(&("sent".into(), "ended".into())),
        "{states:?}"
    );
    let notes: Vec<String> =
        p.a.visits_of_student(p.haruka)
            .unwrap()
            .into_iter()
            .map(|v| v.note)
            .collect();
    assert_eq!(notes.len(), 3, "two of A's own and B's one: {notes:?}");
    assert!(notes.iter().any(|n| n.starts_with("代理中の面談")));
    // A's records are A's to write again.
    let mut renamed = student_input(p.campus, "はるか");
    renamed.id = Some(p.haruka);
    renamed.grade = Some(4);
    p.a.save_student(&renamed).unwrap();
    assert_eq!(
        p.b.import_receipt(&back_receipt, d(2025, 3, 5))
            .unwrap()
            .state,
        "done"
    );
}

#[test]
fn a_cover_ended_by_hand_unlocks_and_no_side_door_reaches_a_locked_record() {
    let mut p = pair();
    let cover = p.seal(HandoverReason::Cover);
    let (_, receipt) = p.b.accept_package(&cover.file, &[], now()).unwrap();
    p.a.import_receipt(&receipt, handover_day()).unwrap();

    let other =
        p.a.save_student(&student_input(p.campus, "だれか"))
            .unwrap()
            .id;
    let locked = |r: crate::Result<()>| matches!(r, Err(StoreError::HandedOver));
    // Merged into another student, a locked one's decision and history would slip out.
    assert!(locked(p.a.merge_students(other, p.haruka).map(|_| ())));
    assert!(locked(p.a.merge_students(p.haruka, other).map(|_| ())));
    // Nor does the retention purge stop at it: it waits.
    let waiting = p.a.retention_candidates(1, d(2040, 1, 1)).unwrap();
    assert!(!waiting.iter().any(|c| c.student_id == p.haruka));

    p.a.end_cover(&cover.record.id).unwrap();
    p.a.merge_students(other, p.haruka).unwrap();
    assert!(matches!(
        p.a.end_cover(&cover.record.id),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn a_sealed_caseload_is_read_only_until_cancelled_and_a_cover_keeps_it_read_only() {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Cover);
    let visits = p.a.visits_of_student(p.haruka).unwrap();
    let campus = p.campus;
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let salon = p.a.open_session(&open, d(2025, 3, 4), t(10)).unwrap().id;
    let locked = |r: crate::Result<()>| matches!(r, Err(StoreError::HandedOver));
    assert!(locked(
        p.a.save_visit(&visit_input(salon, Some(p.haruka)), None)
            .map(|_| ())
    ));
    assert!(locked(p.a.delete_visit(visits[0].id)));
    assert!(locked(p.a.erase_student(p.haruka).map(|_| ())));
    assert!(locked(p.a.mark_follow_up_done(visits[1].id).map(|_| ())));
    let mut renamed = crate::vault::tests::student_input(campus, "はるか（改）");
    renamed.id = Some(p.haruka);
    assert!(locked(p.a.save_student(&renamed).map(|_| ())));
    // A new student at the campus is the supporter's own.
    p.a.save_visit(&visit_input(salon, None), None).unwrap();
    p.a.close_session(salon, t(13)).unwrap();

    // Sealed, then cancelled: writable again.
    p.a.cancel_handover(&sealed.record.id).unwrap();
    p.a.save_student(&renamed).unwrap();

    // A cover settled by its receipt: kept, and read-only.
    let cover = p.seal(HandoverReason::Cover);
    let (_, receipt) = p.b.accept_package(&cover.file, &[], now()).unwrap();
    assert_eq!(
        p.a.import_receipt(&receipt, handover_day()).unwrap().state,
        "cover"
    );
    assert_eq!(p.a.visits_of_student(p.haruka).unwrap().len(), 2, "kept");
    assert!(locked(p.a.delete_visit(visits[0].id)));
    assert!(!tables_holding(&p.a, "はるかの秘密メモ").is_empty());
}

#[test]
fn sealing_waits_for_an_open_salon_and_the_colleagues_fingerprint() {
    let mut p = pair();
    let mut request = p.request(HandoverReason::Transfer);
    request.typed_fingerprint = "0000 0000 0000 0000 0000 0000".into();
    assert!(matches!(
        p.a.seal_handover(&request, "A", now(), handover_day()),
        Err(StoreError::FingerprintMismatch)
    ));
    let open = SessionOpen {
        campus_id: p.campus,
        format: "in_person".into(),
        place: String::new(),
    };
    p.a.open_session(&open, d(2025, 3, 4), t(10)).unwrap();
    assert!(matches!(
        p.a.seal_handover(
            &p.request(HandoverReason::Transfer),
            "A",
            now(),
            handover_day()
        ),
        Err(StoreError::SalonOpen)
    ));
    assert!(p.a.handovers().unwrap().is_empty());
}
