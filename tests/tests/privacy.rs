//! What a lost laptop reveals: after saving and locking, no file of the data folder holds a
//! note in any common encoding, and the database is not readable as SQLite.

mod support;

use chrono::{NaiveDate, NaiveTime};
use salon_core::{CampusInput, NewStudent, SessionOpen, VisitInput};
use salon_store::{Vault, DB_FILE};

const PASS: &str = "夜明けの相談室パスフレーズ";

#[test]
fn no_note_draft_or_name_survives_in_the_clear() {
    let dir = tempfile::tempdir().unwrap();
    let vault = Vault::new(dir.path());
    let (mut store, _recovery) = vault.create(PASS, PASS).unwrap();
    let note = format!(
        "泣きながら家庭のことを話してくれた {}",
        support::canary("note")
    );
    let draft = format!("書きかけ {}", support::canary("draft"));
    let name = support::canary("name");

    let campus = store
        .save_campus(&CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 2,
            start_time: "10:00".into(),
            end_time: "13:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: None,
        })
        .unwrap();
    let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let session = store
        .open_session(&open, day, NaiveTime::from_hms_opt(10, 0, 0).unwrap())
        .unwrap();
    // Enough visits that SQLite spills pages into the WAL before the lock checkpoints it.
    for i in 0..200 {
        let input = VisitInput {
            id: None,
            session_id: session.id,
            student_id: None,
            new_student: (i == 0).then(|| NewStudent {
                display_name: name.clone(),
                grade: Some(3),
            }),
            route: "self".into(),
            topics: vec!["family".into()],
            minutes: 30,
            note: format!("{note} {i}"),
            next_steps: note.clone(),
            follow_up_on: None,
            concern: true,
            teacher_summary: String::new(),
        };
        store.save_visit(&input, None).unwrap();
    }
    store
        .save_draft(&format!("visit:new:{}", session.id), &draft)
        .unwrap();

    // Before locking too: the WAL holds only encrypted pages.
    for secret in [&note, &draft, &name] {
        assert_eq!(
            support::files_containing(dir.path(), secret),
            Vec::<std::path::PathBuf>::new()
        );
    }
    store.close().unwrap();

    assert!(
        support::files_under(dir.path()).len() >= 2,
        "key file and database exist"
    );
    for secret in [&note, &draft, &name] {
        assert_eq!(
            support::files_containing(dir.path(), secret),
            Vec::<std::path::PathBuf>::new()
        );
    }
    let db = std::fs::read(dir.path().join(DB_FILE)).unwrap();
    assert!(!db.starts_with(b"SQLite format 3"));

    // And the data is all there for the right passphrase.
    let store = vault.unlock(PASS).unwrap();
    assert_eq!(store.visits_in_session(session.id).unwrap().len(), 200);
    assert_eq!(
        store.draft(&format!("visit:new:{}", session.id)).unwrap(),
        Some(draft)
    );
}
