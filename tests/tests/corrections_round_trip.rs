//! Corrections reach headquarters: the real store, the real send loop (`salon_sync::send_pending`)
//! and the real headquarters on 127.0.0.1. After every sync, headquarters' figures for each day
//! equal a recomputation from the device's records through the store's own reads.

#[path = "support/device.rs"]
mod device;

use device::*;
use proptest::prelude::*;
use salon_core::VisitInput;
use salon_store::{MoveTo, RemovedVisits, Store, Vault};

fn sessions_held(hq: &salon_hq_store::HqStore) -> u32 {
    at_hq(hq).values().map(|f| f.0).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_salon_opened_by_mistake_counts_until_it_is_removed_then_falls_back() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    let mistake = device
        .with(|s| {
            let right = open(s, campus, feb(17));
            log(s, right, None, "self");
            s.close_session(right, at(13))?;
            // The next morning the salon is opened again by mistake, with a visit typed in it.
            let wrong = open(s, campus, feb(18));
            log(s, wrong, None, "teacher");
            s.close_session(wrong, at(11))?;
            Ok(wrong)
        })
        .unwrap();
    sync(&device).await.unwrap();
    let truth = device.with(|s| Ok(recomputed(s, campus))).unwrap();
    assert_eq!(at_hq(&hq), truth);
    assert_eq!(
        sessions_held(&hq),
        2,
        "the mistaken salon counts as 実施回数 for now"
    );

    // Removed, its visit moved to the salon it belonged to.
    device
        .with(|s| {
            let visits: Vec<i64> = s.visits_in_session(mistake)?.iter().map(|v| v.id).collect();
            let right = s.session_on(campus, feb(17))?.unwrap().id;
            s.remove_session(
                mistake,
                RemovedVisits::Move(MoveTo::Session(right)),
                &visits,
                today(),
            )
        })
        .unwrap();
    let r = sync(&device).await.unwrap();
    assert_eq!(
        r.stored, 2,
        "the 17th and the 18th (as zero); the month is unchanged"
    );
    let truth = device.with(|s| Ok(recomputed(s, campus))).unwrap();
    assert_eq!(at_hq(&hq), truth);
    assert_eq!(sessions_held(&hq), 1, "実施回数 falls back to the truth");
    assert_eq!(truth[&feb(17)].2, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_restored_from_an_older_backup_continues_above_what_hq_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    device
        .with(|s| {
            let day = open(s, campus, feb(17));
            log(s, day, None, "self");
            Ok(())
        })
        .unwrap();
    sync(&device).await.unwrap();
    let backup = dir.path().join("career-salon.backup");
    device
        .with(|s| s.write_backup(&backup, |_, _| {}).map(|_| ()))
        .unwrap();

    // After the backup: two more visits that day, sent (HQ holds revision 2).
    device
        .with(|s| {
            let day = s.session_on(campus, feb(17))?.unwrap().id;
            log(s, day, None, "self");
            log(s, day, None, "teacher");
            Ok(())
        })
        .unwrap();
    sync(&device).await.unwrap();
    assert_eq!(at_hq(&hq)[&feb(17)].2, 3);

    // The laptop is lost; the backup is restored on a new one, and one visit is corrected.
    let restored = Vault::new(dir.path().join("device2"))
        .restore_backup(
            &backup,
            salon_store::backup::RestoreSecret::Passphrase(PASS),
        )
        .unwrap();
    let device = Device::new(restored);
    device
        .with(|s| {
            let day = s.session_on(campus, feb(17))?.unwrap().id;
            log(s, day, None, "outreach");
            Ok(())
        })
        .unwrap();
    // HQ refuses revision 2 (it holds 2 with other counts); the loop goes on above it.
    let r = sync(&device).await.unwrap();
    assert!(r.stored >= 1, "{r:?}");
    let truth = device.with(|s| Ok(recomputed(s, campus))).unwrap();
    assert_eq!(at_hq(&hq), truth, "HQ holds the restored laptop's figures");
    assert_eq!(truth[&feb(17)].2, 2);
    let log = device.with(|s| s.sync_log(10)).unwrap();
    assert!(log
        .iter()
        .any(|l| l.detail == "revision_conflict" || l.detail == "revision_behind"));
    assert!(
        device.with(|s| s.pending_upload()).unwrap().is_empty(),
        "nothing stalls"
    );
}

/// One step of a supporter's correcting day.
#[derive(Debug, Clone)]
enum Step {
    Log { day: usize, student: Option<usize> },
    Reroute { visit: usize },
    Move { visit: usize, day: usize },
    Delete { visit: usize },
    Remove { day: usize, move_to: Option<usize> },
    Merge { keep: usize, away: usize },
    Sync,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..5usize, proptest::option::of(0..4usize)).prop_map(|(day, student)| Step::Log { day, student }),
        1 => (0..30usize).prop_map(|visit| Step::Reroute { visit }),
        2 => (0..30usize, 0..5usize).prop_map(|(visit, day)| Step::Move { visit, day }),
        2 => (0..30usize).prop_map(|visit| Step::Delete { visit }),
        1 => (0..5usize, proptest::option::of(0..5usize)).prop_map(|(day, move_to)| Step::Remove { day, move_to }),
        1 => (0..4usize, 0..4usize).prop_map(|(keep, away)| Step::Merge { keep, away }),
        1 => Just(Step::Sync),
    ]
}

/// Applies one step; a step that makes no sense now (nothing to move) is skipped.
fn apply(s: &mut Store, campus: i64, students: &mut Vec<i64>, step: &Step) {
    let days = [3, 4, 5, 6, 7].map(feb);
    let all_visits = |s: &Store| -> Vec<i64> {
        days.iter()
            .filter_map(|d| s.session_on(campus, *d).unwrap())
            .flat_map(|x| s.visits_in_session(x.id).unwrap())
            .map(|v| v.id)
            .collect()
    };
    let pick = |ids: Vec<i64>, i: usize| (!ids.is_empty()).then(|| ids[i % ids.len()]);
    match *step {
        Step::Log { day, student } => {
            let session = open(s, campus, days[day]);
            if s.session(session).unwrap().is_open() {
                log(
                    s,
                    session,
                    student.and_then(|i| students.get(i).copied()),
                    "self",
                );
            }
        }
        Step::Reroute { visit } => {
            if let Some(id) = pick(all_visits(s), visit) {
                let v = s.visit(id).unwrap();
                let input = VisitInput {
                    id: Some(id),
                    session_id: v.session_id,
                    student_id: v.student_id,
                    new_student: None,
                    route: "outreach".into(),
                    topics: vec!["family".into()],
                    minutes: v.minutes.into(),
                    note: v.note,
                    next_steps: v.next_steps,
                    follow_up_on: None,
                    concern: v.concern,
                    teacher_summary: v.teacher_summary,
                };
                s.save_visit(&input, None).unwrap();
            }
        }
        Step::Move { visit, day } => {
            if let Some(id) = pick(all_visits(s), visit) {
                s.move_visit(id, MoveTo::Day(days[day]), today()).unwrap();
            }
        }
        Step::Delete { visit } => {
            if let Some(id) = pick(all_visits(s), visit) {
                s.delete_visit(id).unwrap();
            }
        }
        Step::Remove { day, move_to } => {
            if let Some(session) = s.session_on(campus, days[day]).unwrap() {
                let ids: Vec<i64> = s
                    .visits_in_session(session.id)
                    .unwrap()
                    .iter()
                    .map(|v| v.id)
                    .collect();
                let plan = match move_to {
                    Some(to) if to != day => RemovedVisits::Move(MoveTo::Day(days[to])),
                    _ => RemovedVisits::Delete,
                };
                s.remove_session(session.id, plan, &ids, today()).unwrap();
            }
        }
        Step::Merge { keep, away } => {
            if keep != away && keep < students.len() && away < students.len() {
                s.merge_students(students[keep], students[away]).unwrap();
                students.remove(away);
            }
        }
        Step::Sync => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn any_logs_edits_moves_deletes_and_merges_then_a_sync_leave_hq_equal_to_the_device(
        steps in proptest::collection::vec(step(), 1..25),
    ) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let (url, hq) = start_hq(dir.path()).await;
            let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
            let mut students = device
                .with(|s| Ok(["あ", "い", "う", "え"].map(|n| named(s, campus, n)).to_vec()))
                .unwrap();
            for step in &steps {
                device.with(|s| {
                    apply(s, campus, &mut students, step);
                    Ok(())
                }).unwrap();
                if matches!(step, Step::Sync) {
                    sync(&device).await;
                    let truth = device.with(|s| Ok(recomputed(s, campus))).unwrap();
                    assert_eq!(at_hq(&hq), truth, "after {steps:?}");
                }
            }
            // The day ends: every salon closed, then a sync.
            device.with(|s| {
                for d in 1..=28 {
                    if let Some(x) = s.session_on(campus, feb(d))? {
                        s.close_session(x.id, at(13))?;
                    }
                }
                Ok(())
            }).unwrap();
            sync(&device).await;
            let truth = device.with(|s| Ok(recomputed(s, campus))).unwrap();
            assert_eq!(at_hq(&hq), truth, "after {steps:?}");
        });
    }
}
