//! A caseload handed from one supporter's laptop to another's, seen from headquarters: two
//! real stores, the real send loop and the real headquarters on 127.0.0.1. A student's past is
//! counted once, by the laptop that held it: the sender's days stay as sent after its copy is
//! gone, the recipient sends nothing of what it took, and counts the students it took as
//! returning from then on.

#[path = "support/device.rs"]
mod device;
#[path = "support/mod.rs"]
mod support;

use chrono::{NaiveDate, Utc};
use device::*;
use proptest::prelude::*;
use salon_core::{NewStudent, VisitInput};
use salon_protocol::DayCounts;
use salon_store::{HandoverReason, HandoverRequest, MoveTo, SearchQuery, Store, StoreError};

const CANARY: &str = "カナリア：家での言い争いの話";

/// Every figure headquarters holds for the day, both laptops together.
fn hq_day(hq: &salon_hq_store::HqStore, day: NaiveDate) -> DayCounts {
    hq.day_totals(day, day)
        .unwrap()
        .first()
        .map(|t| t.counts)
        .unwrap_or_default()
}

fn hq_days(hq: &salon_hq_store::HqStore, days: &[NaiveDate]) -> Vec<DayCounts> {
    days.iter().map(|d| hq_day(hq, *d)).collect()
}

/// Each laptop registers the other's card, as the two supporters would, digits read from the
/// other's screen. Returns the sender's number for the recipient.
fn meet(a: &Device, b: &Device) -> i64 {
    let a_card = a.with(|s| s.laptop_card("山田 花子")).unwrap();
    let b_card = b.with(|s| s.laptop_card("佐藤 一郎")).unwrap();
    b.with(|s| s.import_laptop_card(&a_card.to_file(), &a_card.fingerprint().to_string()))
        .unwrap();
    a.with(|s| s.import_laptop_card(&b_card.to_file(), &b_card.fingerprint().to_string()))
        .unwrap()
        .id
}

/// A hands `students` of its campus (all when None) to B and imports B's receipt.
fn hand_over(a: &Device, b: &Device, campus: i64, students: Option<Vec<i64>>) -> String {
    let to = meet(a, b);
    let typed = a.with(|s| s.known_laptops()).unwrap()[0]
        .fingerprint
        .clone();
    let request = HandoverRequest {
        colleague: to,
        typed_fingerprint: typed,
        campus_id: campus,
        students,
        reason: HandoverReason::Transfer,
    };
    let sealed = a
        .with(|s| s.seal_handover(&request, "山田 花子", Utc::now(), today()))
        .unwrap();
    let (_, receipt) = b
        .with(|s| s.accept_package(&sealed.file, &[], Utc::now()))
        .unwrap();
    a.with(|s| s.import_receipt(&receipt, today())).unwrap();
    sealed.file
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campus_handed_on_is_counted_once_by_the_laptop_that_held_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (a, campus) = enrolled_device(&dir.path().join("a"), &url, &hq).await;
    let (b, b_campus) = enrolled_device(&dir.path().join("b"), &url, &hq).await;
    let days = [feb(4), feb(18)];
    a.with(|s| {
        let haruka = named(s, campus, "はるか");
        let sora = named(s, campus, "そら");
        for day in days {
            let salon = open(s, campus, day);
            let visit = log(s, salon, Some(haruka), "self");
            s.save_visit(
                &VisitInput {
                    id: Some(visit),
                    session_id: salon,
                    student_id: Some(haruka),
                    new_student: None,
                    route: "self".into(),
                    topics: vec!["family".into()],
                    minutes: 30,
                    note: CANARY.into(),
                    next_steps: "次は履歴書".into(),
                    follow_up_on: Some("2025-03-01".into()),
                    concern: false,
                    teacher_summary: String::new(),
                },
                None,
            )?;
            log(s, salon, Some(sora), "teacher");
            log(s, salon, None, "outreach");
            s.close_session(salon, at(13))?;
        }
        // An appointment still ahead, and a correction of はるか's last visit half typed.
        s.book_appointment(&salon_core::care::AppointmentInput {
            student_id: haruka,
            date: (today() + chrono::Days::new(7)).to_string(),
            time: Some("11:00".into()),
            booked_from_visit_id: None,
        })?;
        let last = s.visits_of_student(haruka)?[0].id;
        s.save_draft(
            &salon_store::visit_draft_key(last),
            &format!(r#"{{"student":"{haruka}","note":"書きかけ：{CANARY}"}}"#),
        )?;
        Ok(())
    })
    .unwrap();
    sync(&a).await.expect("February goes");
    let held = hq_days(&hq, &days);
    assert_eq!(
        (
            held[0].visits,
            held[0].distinct_students,
            held[0].first_time_students
        ),
        (3, 2, 2)
    );

    let file = hand_over(&a, &b, campus, None);
    assert!(!file.contains(CANARY) && !file.contains("はるか"), "sealed");

    // The recipient holds the story and sends nothing of it.
    let taken = b
        .with(|s| {
            s.search(&SearchQuery {
                text: "言い争い".into(),
                ..Default::default()
            })
        })
        .unwrap();
    assert_eq!(taken.total, 2);
    let (follow_ups, appointments, draft) = b
        .with(|s| {
            let haruka = s.students(None, "はるか")?[0].id;
            let visits = s.visits_of_student(haruka)?;
            let drafts: Vec<String> = visits
                .iter()
                .filter_map(|v| s.draft(&salon_store::visit_draft_key(v.id)).ok().flatten())
                .collect();
            Ok((
                visits.iter().filter(|v| v.follow_up_on.is_some()).count(),
                s.appointments_of_student(haruka)?.len(),
                drafts,
            ))
        })
        .unwrap();
    assert_eq!((follow_ups, appointments), (2, 1));
    assert!(draft.len() == 1 && draft[0].contains(CANARY), "{draft:?}");
    let again = sync(&b).await;
    assert!(again.as_ref().is_none_or(|r| r.stored == 0), "{again:?}");
    // The sender's copy is gone, and nothing it sends again moves a figure.
    let left = a
        .with(|s| {
            s.search(&SearchQuery {
                text: "言い争い".into(),
                ..Default::default()
            })
        })
        .unwrap();
    assert_eq!(left.total, 0);
    let names: Vec<String> = a
        .with(|s| s.students(None, ""))
        .unwrap()
        .into_iter()
        .map(|s| s.display_name)
        .collect();
    assert!(
        !names.iter().any(|n| n == "はるか" || n == "そら"),
        "{names:?}"
    );
    let again = sync(&a).await;
    assert!(again.as_ref().is_none_or(|r| r.stored == 0), "{again:?}");
    assert_eq!(
        hq_days(&hq, &days),
        held,
        "A's past days at HQ as they were"
    );

    // B's salon after the handover: はるか returns, みなと is new. The tally:
    // one salon, two visits, two students, one of them first-time.
    let day = today();
    b.with(|s| {
        let haruka = s.students(None, "はるか")?[0].id;
        let salon = open(s, b_campus, day);
        log(s, salon, Some(haruka), "repeat");
        s.save_visit(
            &VisitInput {
                id: None,
                session_id: salon,
                student_id: None,
                new_student: Some(NewStudent {
                    display_name: "みなと".into(),
                    grade: Some(1),
                }),
                route: "self".into(),
                topics: vec!["job_search".into()],
                minutes: 20,
                note: String::new(),
                next_steps: String::new(),
                follow_up_on: None,
                concern: false,
                teacher_summary: String::new(),
            },
            None,
        )?;
        s.close_session(salon, at(13))?;
        Ok(())
    })
    .unwrap();
    sync(&b).await.expect("B's day goes");
    let counts = hq_day(&hq, day);
    assert_eq!(
        (
            counts.sessions,
            counts.visits,
            counts.distinct_students,
            counts.first_time_students
        ),
        (1, 2, 2, 1)
    );
    assert_eq!(hq_days(&hq, &days), held);
}

#[derive(Debug, Clone)]
enum Correction {
    /// A logs another visit of a student it kept (or an anonymous one).
    ALog {
        day: usize,
        student: Option<usize>,
    },
    /// A moves one of its remaining named visits to another day.
    AMove {
        visit: usize,
        day: usize,
    },
    /// A deletes one of its remaining named visits.
    ADelete {
        visit: usize,
    },
    /// B corrects a visit it took: the note, or deletes it.
    BEdit {
        visit: usize,
    },
    BDelete {
        visit: usize,
    },
    /// B logs a visit of a student it took, on a March day of its own.
    BLog {
        day: usize,
        student: usize,
    },
}

fn correction() -> impl Strategy<Value = Correction> {
    prop_oneof![
        (0..4usize, proptest::option::of(0..4usize))
            .prop_map(|(day, student)| Correction::ALog { day, student }),
        (0..30usize, 0..4usize).prop_map(|(visit, day)| Correction::AMove { visit, day }),
        (0..30usize).prop_map(|visit| Correction::ADelete { visit }),
        (0..30usize).prop_map(|visit| Correction::BEdit { visit }),
        (0..30usize).prop_map(|visit| Correction::BDelete { visit }),
        (0..3usize, 0..4usize).prop_map(|(day, student)| Correction::BLog { day, student }),
    ]
}

fn feb_days() -> [NaiveDate; 4] {
    [3, 10, 17, 24].map(feb)
}

fn march_days() -> [NaiveDate; 3] {
    [3, 10, 17].map(|d| NaiveDate::from_ymd_opt(2025, 3, d).unwrap())
}

/// The named visits of `students` on the days, as the store lists them.
fn visits_of(s: &Store, students: &[i64]) -> Vec<i64> {
    students
        .iter()
        .flat_map(|id| s.visits_of_student(*id).unwrap())
        .map(|v| v.id)
        .collect()
}

/// (sessions, minutes, visits, distinct students) of a campus's day, recomputed from the
/// store's own reads of what it holds: its live records and the bare rows a handover left.
fn recomputed_day(s: &Store, campus: i64, day: NaiveDate) -> (u32, u32, u32, u32) {
    let Some(salon) = s.session_on(campus, day).unwrap() else {
        return (0, 0, 0, 0);
    };
    let visits = s.visits_in_session(salon.id).unwrap();
    let mut students: Vec<i64> = visits.iter().filter_map(|v| v.student_id).collect();
    students.sort_unstable();
    students.dedup();
    let minutes = salon
        .closed_at
        .map(|c| (c - salon.opened_at).num_minutes() as u32)
        .unwrap_or(0);
    (1, minutes, visits.len() as u32, students.len() as u32)
}

fn figures(c: DayCounts) -> (u32, u32, u32, u32) {
    (c.sessions, c.session_minutes, c.visits, c.distinct_students)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Whatever A held, whichever of its students it hands on, and whatever both correct
    /// afterwards, headquarters' figures for every day are a recomputation from what each
    /// laptop holds and counts: February is A's (its live records and the bare rows the
    /// handover left), March is B's own salons (the records B took count nowhere).
    #[test]
    fn a_handover_then_corrections_on_both_sides_leave_hq_equal_to_both_laptops(
        visits in proptest::collection::vec((0..4usize, proptest::option::of(0..4usize)), 1..16),
        handed in proptest::collection::vec(any::<bool>(), 4),
        corrections in proptest::collection::vec(correction(), 0..14),
    ) {
        support::runtime().block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let (url, hq) = start_hq(dir.path()).await;
            let (a, campus) = enrolled_device(&dir.path().join("a"), &url, &hq).await;
            let (b, b_campus) = enrolled_device(&dir.path().join("b"), &url, &hq).await;
            let students = a
                .with(|s| Ok(["はるか", "そら", "みなと", "ゆい"].map(|n| named(s, campus, n))))
                .unwrap();
            a.with(|s| {
                for (day, student) in &visits {
                    let salon = open(s, campus, feb_days()[*day]);
                    log(s, salon, student.map(|i| students[i]), "self");
                }
                for day in feb_days() {
                    if let Some(salon) = s.session_on(campus, day)? {
                        s.close_session(salon.id, at(13))?;
                    }
                }
                Ok(())
            })
            .unwrap();
            sync(&a).await;
            let chosen: Vec<i64> = students
                .iter()
                .zip(&handed)
                .filter(|(_, h)| **h)
                .map(|(id, _)| *id)
                .collect();
            let kept: Vec<i64> = students.iter().copied().filter(|id| !chosen.contains(id)).collect();
            if !chosen.is_empty() {
                hand_over(&a, &b, campus, Some(chosen.clone()));
            }
            let taken: Vec<i64> = b
                .with(|s| Ok(s.students(None, "")?.iter().map(|s| s.id).collect()))
                .unwrap();
            for c in &corrections {
                match *c {
                    Correction::ALog { day, student } => a.with(|s| {
                        let who = student.and_then(|i| kept.get(i).copied());
                        let salon = open(s, campus, feb_days()[day]);
                        // A day already held is corrected by moves and deletions only.
                        if s.session(salon)?.is_open() {
                            log(s, salon, who, "teacher");
                            s.close_session(salon, at(13))?;
                        }
                        Ok(())
                    }),
                    Correction::AMove { visit, day } => a.with(|s| {
                        let ids = visits_of(s, &kept);
                        if !ids.is_empty() {
                            s.move_visit(ids[visit % ids.len()], MoveTo::Day(feb_days()[day]), today())?;
                        }
                        Ok(())
                    }),
                    Correction::ADelete { visit } => a.with(|s| {
                        let ids = visits_of(s, &kept);
                        if !ids.is_empty() {
                            s.delete_visit(ids[visit % ids.len()])?;
                        }
                        Ok(())
                    }),
                    Correction::BEdit { visit } | Correction::BDelete { visit } => b.with(|s| {
                        let ids = visits_of(s, &taken);
                        if ids.is_empty() {
                            return Ok(());
                        }
                        let id = ids[visit % ids.len()];
                        if matches!(c, Correction::BDelete { .. }) {
                            return s.delete_visit(id);
                        }
                        let v = s.visit(id)?;
                        s.save_visit(&VisitInput {
                            id: Some(id),
                            session_id: v.session_id,
                            student_id: v.student_id,
                            new_student: None,
                            route: "outreach".into(),
                            topics: vec!["family".into()],
                            minutes: 45,
                            note: "Bが書き直したメモ".into(),
                            next_steps: v.next_steps,
                            follow_up_on: None,
                            concern: true,
                            teacher_summary: v.teacher_summary,
                        }, None)?;
                        Ok(())
                    }),
                    Correction::BLog { day, student } => b.with(|s| {
                        let salon = open(s, b_campus, march_days()[day]);
                        if s.session(salon)?.is_open() {
                            log(s, salon, taken.get(student).copied(), "repeat");
                            s.close_session(salon, at(13))?;
                        }
                        Ok(())
                    }),
                }
                .unwrap_or_else(|e: StoreError| panic!("{c:?}: {e}"));
            }
            sync(&a).await;
            sync(&b).await;
            for day in feb_days() {
                let a_holds = a.with(|s| Ok(recomputed_day(s, campus, day))).unwrap();
                prop_assert_eq!(figures(hq_day(&hq, day)), a_holds, "{}", day);
            }
            for day in march_days() {
                let b_holds = b.with(|s| Ok(recomputed_day(s, b_campus, day))).unwrap();
                prop_assert_eq!(figures(hq_day(&hq, day)), b_holds, "{}", day);
            }
            Ok(())
        })?;
    }
}
