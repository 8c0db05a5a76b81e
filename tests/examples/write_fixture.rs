//! Writes the 1.0 data-folder fixture that every later migration is tested from
//! (`tests/tests/migrations.rs`): a laptop's data folder (`device/`: salon.db, keys.json) and
//! headquarters' database (`hq.db`), written by the 1.0.0 code through its own API after a
//! real sync on 127.0.0.1. Run once, at the 1.0.0 tag; the files are committed and never
//! written again (a later schema is reached from them by migrations, never by rewriting them).
//!
//! ```sh
//! cargo run -p salon-tests --example write_fixture -- tests/fixtures/1.0
//! ```
//!
//! What it holds is listed in `tests/fixtures/1.0/README.md`; the names, notes and figures are
//! made up.

#[path = "../tests/support/device.rs"]
mod device;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use device::{at, enrolled_device, feb, open, start_hq, sync};
use salon_core::care::{AppointmentInput, EventInput};
use salon_core::{CampusInput, StudentInput, VisitInput};
use salon_store::Store;

fn visit(session_id: i64, student_id: Option<i64>, route: &str, topics: &[&str]) -> VisitInput {
    VisitInput {
        id: None,
        session_id,
        student_id,
        new_student: None,
        route: route.into(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        minutes: 30,
        note: String::new(),
        next_steps: String::new(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    }
}

fn student(store: &mut Store, campus_id: i64, name: &str, path: &str, on: Option<&str>) -> i64 {
    store
        .save_student(&StudentInput {
            id: None,
            display_name: name.into(),
            grade: Some(3),
            campus_id,
            enrolment: "enrolled".into(),
            path_status: path.into(),
            path_decided_on: on.map(str::to_owned),
        })
        .unwrap()
        .id
}

/// The laptop's records: two campuses (one reporting as C-012), three students, salons in
/// January and February 2025 with named and anonymous visits, notes, a teacher summary, a
/// 要連携 visit with a follow-up, an appointment booked and kept, a campus event, an online
/// talk, a path decision and an unsaved draft.
fn records(store: &mut Store, kashiwa: i64) {
    let matsudo = store
        .save_campus(&CampusInput {
            id: None,
            name: "松戸キャンパス".into(),
            weekday: 3,
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "図書室".into(),
            default_format: "in_person".into(),
            hq_code: None,
        })
        .unwrap()
        .id;
    let sakura = student(
        store,
        kashiwa,
        "さくら",
        "further_study",
        Some("2025-02-10"),
    );
    let hinata = student(store, kashiwa, "ひなた", "undecided", None);
    let aoi = student(store, matsudo, "あおい", "undecided", None);

    let january = open(
        store,
        kashiwa,
        NaiveDate::from_ymd_opt(2025, 1, 14).unwrap(),
    );
    let mut first = visit(
        january,
        Some(sakura),
        "teacher",
        &["further_study", "family"],
    );
    first.note = "フィクスチャ1.0：家のことで相談。進学の話".into();
    first.next_steps = "オープンキャンパスの日程を調べる".into();
    let first = store.save_visit(&first, None).unwrap();
    store
        .save_visit(&visit(january, None, "self", &["part_time"]), None)
        .unwrap();
    store.close_session(january, at(13)).unwrap();
    store
        .book_appointment(&AppointmentInput {
            student_id: sakura,
            date: "2025-02-18".into(),
            time: Some("10:30".into()),
            booked_from_visit_id: Some(first.id),
        })
        .unwrap();

    let february = open(store, kashiwa, feb(18));
    let mut kept = visit(february, Some(sakura), "appointment", &["application_prep"]);
    kept.note = "フィクスチャ1.0：志望理由書を一緒に直した".into();
    kept.teacher_summary = "志望理由書を仕上げました。".into();
    store.save_visit(&kept, None).unwrap();
    let mut concern = visit(
        february,
        Some(hinata),
        "outreach",
        &["wellbeing", "unsure_future"],
    );
    concern.note = "フィクスチャ1.0：眠れていない様子".into();
    concern.concern = true;
    concern.follow_up_on = Some("2025-02-25".into());
    store.save_visit(&concern, None).unwrap();
    store
        .save_visit(&visit(february, None, "self", &["job_search"]), None)
        .unwrap();
    store.close_session(february, at(13)).unwrap();

    let elsewhere = open(store, matsudo, feb(19));
    store
        .save_visit(&visit(elsewhere, Some(aoi), "self", &["friends"]), None)
        .unwrap();
    store.close_session(elsewhere, at(16)).unwrap();

    for (campus_id, title, students) in [
        (Some(kashiwa), "保護者セミナー", 3),
        (None, "オンライン職業講話", 40),
    ] {
        store
            .save_event(&EventInput {
                id: None,
                kind: if campus_id.is_some() {
                    "parent_seminar"
                } else {
                    "career_talk"
                }
                .into(),
                date: "2025-02-20".into(),
                campus_id,
                title: title.into(),
                students,
                parents: 5,
                teachers: 1,
                supporters: 1,
            })
            .unwrap();
    }
    store
        .save_draft("visit:new:999", r#"{"note":"フィクスチャ1.0：書きかけ"}"#)
        .unwrap();
}

fn main() {
    let out: PathBuf = std::env::args()
        .nth(1)
        .expect("usage: write_fixture DIR")
        .into();
    assert!(
        !out.join("hq.db").exists() && !out.join("device").exists(),
        "{} already holds a fixture: it is never written again",
        out.display()
    );
    let work = tempfile::tempdir_in("/var/tmp").unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (url, hq) = start_hq(work.path()).await;
        let (device, kashiwa) = enrolled_device(work.path(), &url, &hq).await;
        device
            .with(|s| {
                records(s, kashiwa);
                Ok(())
            })
            .unwrap();
        let receipt = sync(&device).await.expect("the first sync sends");
        println!("sent: {receipt:?}");
        // Dropping the device locks it: the WAL is folded back into salon.db.
    });
    // Ending the runtime ends the server and closes headquarters' database the same way.
    drop(runtime);
    std::fs::create_dir_all(out.join("device")).unwrap();
    copy_closed(&work.path().join("hq.db"), &out.join("hq.db"));
    for entry in std::fs::read_dir(work.path().join("device")).unwrap() {
        let path = entry.unwrap().path();
        copy_closed(&path, &out.join("device").join(path.file_name().unwrap()));
    }
    println!("written to {}", out.display());
}

/// Copies a database file whose last connection has closed (no WAL left beside it).
fn copy_closed(from: &Path, to: &Path) {
    let wal = PathBuf::from(format!("{}-wal", from.display()));
    assert!(!wal.exists(), "{} was left with a WAL", from.display());
    std::fs::copy(from, to).unwrap();
}
