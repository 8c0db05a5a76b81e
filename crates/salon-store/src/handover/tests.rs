//! A caseload handed from one real encrypted store to another, as the two supporters and an
//! attacker would go at it: everything arrives, nothing is left behind or in the file, a
//! package is refused whole when it is not right, and what headquarters holds or will be sent
//! by either laptop does not move.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use salon_core::care::AppointmentInput;
use salon_core::SessionOpen;
use salon_handover::Refusal;

use super::*;
use crate::backup::RestoreSecret;
use crate::student_requests::tests::{tables_holding, two_students};
use crate::sync::tests::enrol;
use crate::vault::tests::{campus_input, fresh_store, visit_input, PASS};
use crate::{Store, StoreError, Vault};

const CANARIES: [&str; 4] = [
    "はるかの秘密メモ",
    "はるかの次の一歩",
    "はるかの共有メモ",
    "そらのメモ",
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub(super) fn t(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

/// The day 柏 is handed on: after its February salons, before any release of February or of
/// the 2024 年度 is due.
pub(super) fn handover_day() -> NaiveDate {
    d(2025, 3, 1)
}

/// Noon in Tokyo on `day`: the clock of a laptop sealing or taking a package that day.
pub(super) fn noon_on(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(3, 0, 0).unwrap().and_utc()
}

/// The moment both laptops seal, open and take packages: the handover day.
pub(super) fn now() -> DateTime<Utc> {
    noon_on(handover_day())
}

/// A's 柏 as `two_students` makes it, plus an open follow-up, an appointment still ahead and a
/// correction half typed; B, its colleague, with a 柏 of its own under the same code. Each
/// laptop knows the other's card.
pub(super) struct Pair {
    _a_dir: tempfile::TempDir,
    pub a: Store,
    _b_dir: tempfile::TempDir,
    pub b: Store,
    pub haruka: i64,
    /// A's number for B.
    pub b_there: i64,
    pub campus: i64,
}

pub(super) fn pair() -> Pair {
    let (a_dir, mut a, haruka, _sora) = two_students();
    let campus = a.student(haruka).unwrap().campus_id;
    let visits = a.visits_of_student(haruka).unwrap();
    let second = visits
        .iter()
        .find(|v| v.note.contains("志望理由書"))
        .unwrap();
    a.conn
        .execute(
            "UPDATE visit SET follow_up_on = '2025-03-10' WHERE id = ?1",
            [second.id],
        )
        .unwrap();
    a.book_appointment(&AppointmentInput {
        student_id: haruka,
        date: "2025-03-20".into(),
        time: Some("11:00".into()),
        booked_from_visit_id: None,
    })
    .unwrap();
    let draft = format!(
        r#"{{"student":"{haruka}","note":"はるかの秘密メモ：書きかけ","appointmentId":"7"}}"#
    );
    a.save_draft(&crate::visit_draft_key(second.id), &draft)
        .unwrap();

    let (b_dir, mut b) = fresh_store();
    let mut kashiwa = campus_input("柏", 2);
    kashiwa.hq_code = Some("C-012".into());
    b.save_campus(&kashiwa).unwrap();
    enrol(&mut b, &["C-012"]);

    let a_card = a.laptop_card("A 山田").unwrap();
    let b_card = b.laptop_card("B 佐藤").unwrap();
    b.import_laptop_card(&a_card.to_file(), &a_card.fingerprint().to_string())
        .unwrap();
    let b_there = a
        .import_laptop_card(&b_card.to_file(), &b_card.fingerprint().to_string())
        .unwrap()
        .id;
    Pair {
        _a_dir: a_dir,
        a,
        _b_dir: b_dir,
        b,
        haruka,
        b_there,
        campus,
    }
}

impl Pair {
    pub(super) fn request(&self, reason: HandoverReason) -> HandoverRequest {
        let fingerprint = self.a.known_laptops().unwrap()[0].fingerprint.clone();
        HandoverRequest {
            colleague: self.b_there,
            typed_fingerprint: fingerprint,
            campus_id: self.campus,
            students: None,
            reason,
        }
    }

    pub(super) fn seal(&mut self, reason: HandoverReason) -> Sealed {
        let request = self.request(reason);
        self.a
            .seal_handover(&request, "A 山田", now(), handover_day())
            .unwrap()
    }
}

/// Every row of every table but the handover's own bookkeeping, to see that a refusal
/// changed nothing.
pub(super) fn everything(store: &Store) -> Vec<(String, Vec<u8>)> {
    crate::corrections::tests::every_value(store)
}

/// What the outbox and the releases hold: every key's revision and body.
fn reported(store: &Store) -> Vec<(String, String, String, i64, String)> {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT kind, campus_code, period, revision, body FROM outbox
             UNION ALL
             SELECT 'release', CAST(ifnull(campus_id, '') AS TEXT), from_month || '..' || to_month, 0,
                    release || body FROM drawn_release
             ORDER BY 1, 2, 3",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn a_campus_handed_on_arrives_whole_and_the_file_holds_none_of_it_in_the_clear() {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Transfer);
    for canary in CANARIES {
        assert!(!sealed.file.contains(canary), "{canary} in the file");
    }
    assert_eq!(
        sealed.record.counts,
        HandoverCounts {
            students: 2,
            visits: 3,
            follow_ups: 2,
            appointments: 2,
            drafts: 1
        }
    );

    let summary = p.b.open_package(&sealed.file, now()).unwrap();
    assert_eq!(
        (
            summary.sender.as_str(),
            summary.campus_name.as_str(),
            summary.reason
        ),
        ("A 山田", "柏", HandoverReason::Transfer)
    );
    assert_eq!(summary.counts, sealed.record.counts);
    let (taken, _receipt) = p.b.accept_package(&sealed.file, &[], now()).unwrap();
    assert_eq!(taken.direction, "taken");

    let haruka = p.b.students(None, "はるか").unwrap()[0].clone();
    let visits = p.b.visits_of_student(haruka.id).unwrap();
    assert_eq!(visits.len(), 2);
    assert!(
        visits.iter().all(|v| v.taken),
        "the form says a correction changes nothing"
    );
    assert!(!p.a.visits_of_student(p.haruka).unwrap()[0].taken);
    let notes: Vec<&str> = visits.iter().map(|v| v.note.as_str()).collect();
    assert!(
        notes.iter().any(|n| n.starts_with("はるかの秘密メモ")),
        "{notes:?}"
    );
    assert!(visits.iter().any(|v| v.next_steps == "はるかの次の一歩"));
    assert!(visits
        .iter()
        .any(|v| v.teacher_summary == "はるかの共有メモ"));
    assert_eq!(
        (haruka.path_status.code(), haruka.path_decided_on),
        ("employment", Some(d(2025, 2, 10)))
    );
    assert_eq!(p.b.path_history(haruka.id).unwrap().len(), 2);
    let appointments = p.b.appointments_of_student(haruka.id).unwrap();
    assert_eq!(appointments.len(), 2);
    assert!(appointments.iter().any(|a| a.date == d(2025, 3, 20)));
    let due = p.b.follow_ups_due(d(2025, 3, 31), 50).unwrap();
    assert_eq!(due.total, 1, "the open follow-up came along");
    let draft_key = crate::visit_draft_key(
        visits
            .iter()
            .find(|v| v.follow_up_on == Some(d(2025, 3, 10)))
            .unwrap()
            .id,
    );
    let draft = p.b.draft(&draft_key).unwrap().unwrap();
    assert!(
        draft.contains(&format!("\"student\":\"{}\"", haruka.id)),
        "{draft}"
    );
    assert!(draft.contains("\"appointmentId\":\"\""), "{draft}");
    let query = crate::SearchQuery {
        text: "志望理由書".into(),
        ..Default::default()
    };
    assert_eq!(
        p.b.search(&query).unwrap().total,
        1,
        "the notes are searchable"
    );
}

#[test]
fn after_the_receipt_nothing_of_the_caseload_is_left_on_the_senders_laptop() {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Transfer);
    let (_, receipt) = p.b.accept_package(&sealed.file, &[], now()).unwrap();
    for canary in CANARIES {
        assert!(
            !tables_holding(&p.a, canary).is_empty(),
            "{canary} still here before"
        );
    }
    let settled = p.a.import_receipt(&receipt, handover_day()).unwrap();
    assert_eq!(settled.state, "done");
    for canary in CANARIES.iter().chain(&["はるか", "そら"]) {
        assert_eq!(
            tables_holding(&p.a, canary),
            Vec::<String>::new(),
            "{canary}"
        );
    }
    assert_eq!(p.a.draft(&crate::visit_draft_key(1)).unwrap(), None);
    let record = &p.a.handovers().unwrap()[0];
    assert_eq!(
        (
            record.direction.as_str(),
            record.colleague.as_str(),
            record.counts.visits
        ),
        ("sent", "B 佐藤", 3)
    );
    // The same receipt again settles nothing twice.
    assert!(matches!(
        p.a.import_receipt(&receipt, handover_day()),
        Err(StoreError::Handover(Refusal::Replayed))
    ));
}

/// The sender's figures, sent and still to be drawn, as if it had never handed anything on:
/// a copy of the laptop restored from a backup made just before (the same noise key, so the
/// same exact cells draw the same numbers) keeps its caseload, and both draw every release
/// after their days.
#[test]
fn the_senders_figures_sent_and_to_come_are_those_it_would_have_had_without_the_handover() {
    let mut p = pair();
    p.a.prepare_outbox(handover_day()).unwrap();
    let sent_before = reported(&p.a);
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("a.backup");
    p.a.write_backup(&file, |_, _| {}).unwrap();
    let twin_dir = tempfile::tempdir().unwrap();
    let mut twin = Vault::new(twin_dir.path())
        .restore_backup(&file, RestoreSecret::Passphrase(PASS))
        .unwrap();

    let sealed = p.seal(HandoverReason::Transfer);
    let (_, receipt) = p.b.accept_package(&sealed.file, &[], now()).unwrap();
    p.a.import_receipt(&receipt, handover_day()).unwrap();
    p.a.prepare_outbox(handover_day()).unwrap();
    assert_eq!(reported(&p.a), sent_before, "nothing of what went changes");

    let later = d(2025, 6, 30);
    p.a.prepare_outbox(later).unwrap();
    twin.prepare_outbox(later).unwrap();
    let drawn = |store: &Store| {
        reported(store)
            .into_iter()
            .filter(|r| r.0 == "release")
            .collect::<Vec<_>>()
    };
    assert!(
        drawn(&p.a).len() >= 3,
        "February twice and the 年度: {:?}",
        drawn(&p.a)
    );
    assert_eq!(drawn(&p.a), drawn(&twin));
    // Everything but a day after the handover: はるか's appointment on 3/20 is B's to count
    // now (`an_appointment_after_the_handover_day_is_counted_by_the_recipient_alone`).
    let until_handover = |store: &Store| {
        reported(store)
            .into_iter()
            .filter(|r| r.0 != "day" || r.2 <= handover_day().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(until_handover(&p.a), until_handover(&twin));
}

#[test]
fn the_recipient_counts_nothing_taken_and_a_student_handed_on_is_not_first_time_here() {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Transfer);
    p.b.accept_package(&sealed.file, &[], now()).unwrap();
    p.b.prepare_outbox(handover_day()).unwrap();
    assert_eq!(
        reported(&p.b),
        vec![],
        "the colleague's days are not sent again"
    );

    let haruka = p.b.students(None, "はるか").unwrap()[0].id;
    let campus = p.b.student(haruka).unwrap().campus_id;
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let salon = p.b.open_session(&open, d(2025, 3, 4), t(10)).unwrap().id;
    p.b.save_visit(&visit_input(salon, Some(haruka)), None)
        .unwrap();
    let mut new_student = visit_input(salon, None);
    new_student.new_student = Some(salon_core::NewStudent {
        display_name: "みなと".into(),
        grade: Some(1),
    });
    p.b.save_visit(&new_student, None).unwrap();
    p.b.close_session(salon, t(13)).unwrap();
    // The appointment booked by A for 3/20 is B's to count when its day comes.
    p.b.prepare_outbox(d(2025, 3, 20)).unwrap();
    let upload = p.b.pending_upload().unwrap().upload;
    let days: Vec<_> = upload.days.iter().map(|d| (d.day, d.counts)).collect();
    assert_eq!(days.len(), 2, "{days:?}");
    let (day, counts) = &days[0];
    assert_eq!(*day, d(2025, 3, 4));
    // The tally: はるか returning, みなと new; one salon of B's.
    assert_eq!(
        (
            counts.sessions,
            counts.visits,
            counts.distinct_students,
            counts.first_time_students
        ),
        (1, 2, 2, 1)
    );
    assert_eq!(
        (days[1].0, days[1].1.appointments_booked),
        (d(2025, 3, 20), 1)
    );
    assert_eq!(upload.months.len(), 1, "March only");
}

#[test]
/// はるか's appointment booked by A for 3/20 is counted once: by B, whose it is now.
fn an_appointment_after_the_handover_day_is_counted_by_the_recipient_alone() {
    let mut p = pair();
    p.a.prepare_outbox(handover_day()).unwrap();
    let sealed = p.seal(HandoverReason::Transfer);
    let (_, receipt) = p.b.accept_package(&sealed.file, &[], now()).unwrap();
    p.a.import_receipt(&receipt, handover_day()).unwrap();
    let on = d(2025, 3, 20);
    let booked = |store: &mut Store| {
        store.prepare_outbox(on).unwrap();
        store
            .pending_upload()
            .unwrap()
            .upload
            .days
            .iter()
            .filter(|x| x.day == on)
            .map(|x| x.counts.appointments_booked)
            .sum::<u32>()
    };
    assert_eq!((booked(&mut p.a), booked(&mut p.b)), (0, 1));
}

#[test]
fn a_student_of_the_same_name_is_offered_as_a_merge_and_keeps_the_first_visit_counted_here() {
    let mut p = pair();
    let campus = p.b.campuses().unwrap()[0].id;
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    // はるか came once to B's own salon before the handover.
    let salon = p.b.open_session(&open, d(2025, 2, 25), t(10)).unwrap().id;
    let mut first = visit_input(salon, None);
    first.new_student = Some(salon_core::NewStudent {
        display_name: "はるか".into(),
        grade: Some(3),
    });
    p.b.save_visit(&first, None).unwrap();
    p.b.close_session(salon, t(13)).unwrap();
    p.b.prepare_outbox(handover_day()).unwrap();
    let before = reported(&p.b);

    let sealed = p.seal(HandoverReason::Transfer);
    let summary = p.b.open_package(&sealed.file, now()).unwrap();
    assert_eq!(summary.merge_offers.len(), 1);
    let offer = &summary.merge_offers[0];
    assert_eq!(offer.name, "はるか");
    p.b.accept_package(
        &sealed.file,
        &[Merge {
            key: offer.key,
            student_id: offer.student_id,
        }],
        now(),
    )
    .unwrap();
    assert_eq!(p.b.students(None, "はるか").unwrap().len(), 1, "merged");
    assert_eq!(p.b.visits_of_student(offer.student_id).unwrap().len(), 3);
    p.b.prepare_outbox(handover_day()).unwrap();
    assert_eq!(
        reported(&p.b),
        before,
        "B's own day keeps its first-time student"
    );
}
