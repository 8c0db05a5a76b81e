//! Saving a visit until it is durable, against its floor: the same note written by a raw
//! INSERT and its full-text row in one transaction, on a SQLCipher database with the same
//! pragmas (WAL, synchronous=FULL, secure_delete). Both on the same disk (not tmpfs: an fsync
//! there costs nothing), the runs interleaved so both see the same machine.
//!
//! ```sh
//! cargo run --release -p salon-store --example save_bench [-- RUNS [DIR]]
//! ```
//!
//! Prints one table row: p50 and p95 of each, and p95 / floor against the goal of 1.5.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{params, Connection};
use salon_core::{CampusInput, SessionOpen, VisitInput};
use salon_store::Vault;

const PASS: &str = "ベンチマーク用のパスフレーズ2025";
const GOAL: f64 = 1.5;

fn note(i: usize) -> String {
    format!(
        "{i}回目。アルバイトの面接に受かったと報告に来た。シフトと通信の課題の両立が心配とのこと。\
         次回までに週のスケジュールを一緒に作る。担任の先生にも共有してよいと本人の了解あり。"
    )
}

/// The floor's database: the store's pragmas, a visit table and a trigram FTS5 table.
fn floor_db(dir: &std::path::Path) -> Connection {
    let conn = Connection::open(dir.join("floor.db")).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA cipher_memory_security = ON; PRAGMA key = \"x'{}'\";",
        "ab".repeat(32)
    ))
    .unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;
         PRAGMA temp_store = MEMORY;
         CREATE TABLE visit (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL,
             route TEXT NOT NULL, minutes INTEGER NOT NULL, note TEXT NOT NULL,
             next_steps TEXT NOT NULL, teacher_summary TEXT NOT NULL);
         CREATE VIRTUAL TABLE visit_fts USING fts5(note, next_steps, teacher_summary,
             tokenize = 'trigram');",
    )
    .unwrap();
    conn
}

fn floor_save(conn: &mut Connection, i: usize) {
    let tx = conn.transaction().unwrap();
    tx.execute(
        "INSERT INTO visit (session_id, route, minutes, note, next_steps, teacher_summary)
         VALUES (1, 'teacher', 25, ?1, '求人票を見る', '')",
        params![note(i)],
    )
    .unwrap();
    tx.execute(
        "INSERT INTO visit_fts (rowid, note, next_steps, teacher_summary)
         VALUES (last_insert_rowid(), ?1, '求人票を見る', '')",
        params![note(i)],
    )
    .unwrap();
    tx.commit().unwrap();
}

fn pct(sorted: &[Duration], p: usize) -> f64 {
    sorted[(sorted.len() * p).div_ceil(100).max(1) - 1].as_secs_f64() * 1000.0
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(300);
    let base = args.next().unwrap_or_else(|| "/var/tmp".into());
    let dir = tempfile::tempdir_in(base).unwrap();

    let (mut store, _) = Vault::new(dir.path().join("data"))
        .create(PASS, PASS)
        .unwrap();
    let campus = store
        .save_campus(&CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 2,
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: None,
        })
        .unwrap()
        .id;
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let day = NaiveDate::from_ymd_opt(2025, 6, 3).unwrap();
    let session = store
        .open_session(&open, day, NaiveTime::from_hms_opt(13, 0, 0).unwrap())
        .unwrap()
        .id;
    let mut floor = floor_db(dir.path());

    let (mut saves, mut floors) = (Vec::new(), Vec::new());
    for i in 0..runs {
        let input = VisitInput {
            id: None,
            session_id: session,
            student_id: None,
            new_student: None,
            route: "teacher".into(),
            topics: vec!["job_search".into()],
            minutes: 25,
            note: note(i),
            next_steps: "求人票を見る".into(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        let draft = format!("visit:new:{i}");
        store.save_draft(&draft, "下書き").unwrap();
        let t = Instant::now();
        store.save_visit(&input, Some(&draft)).unwrap();
        saves.push(t.elapsed());
        let t = Instant::now();
        floor_save(&mut floor, i);
        floors.push(t.elapsed());
    }
    saves.sort();
    floors.sort();
    let ratio = pct(&saves, 95) / pct(&floors, 95);
    println!(
        "| save a visit until durable ({runs} runs) | {:.2} / {:.2} ms | raw INSERT + FTS, one FULL transaction: {:.2} / {:.2} ms | {ratio:.2} | ≤ {GOAL} | {} |",
        pct(&saves, 50),
        pct(&saves, 95),
        pct(&floors, 50),
        pct(&floors, 95),
        if ratio <= GOAL { "met" } else { "not met" }
    );
}
