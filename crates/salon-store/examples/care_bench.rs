//! Timings of the follow-through lists (声かけ, 要対応, 進路未定) and of a day's appointments on a
//! large store.
//!
//! ```sh
//! cargo run --release -p salon-store --example care_bench [-- STUDENTS]
//! ```
//!
//! Builds a throwaway vault (in /dev/shm when there is one), fills it through the public API
//! (students at 10 campuses, 4 appointments each with half of them missed, one visit in three
//! with a follow-up date or a concern), then prints the median of several runs of each query.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveTime};
use salon_core::care::AppointmentInput;
use salon_core::{CampusInput, SessionOpen, StudentInput, VisitInput};
use salon_store::{Store, Vault};

const PASS: &str = "ベンチマーク用のパスフレーズ2025";
const CAMPUSES: i64 = 10;
const RUNS: usize = 7;

fn median(mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let mut n = 0;
    f(); // cold
    for _ in 0..RUNS {
        let start = Instant::now();
        n = f();
        times.push(start.elapsed());
    }
    times.sort();
    (times[RUNS / 2], n)
}

fn fill(store: &mut Store, students: i64) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2025, 4, 7).unwrap();
    let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
    for c in 0..CAMPUSES {
        store
            .save_campus(&CampusInput {
                id: None,
                name: format!("キャンパス{c}"),
                weekday: c % 5 + 1,
                start_time: "13:00".into(),
                end_time: "16:00".into(),
                place: String::new(),
                default_format: "in_person".into(),
                hq_code: None,
            })
            .unwrap();
    }
    for i in 0..students {
        let campus_id = i % CAMPUSES + 1;
        let s = store
            .save_student(&StudentInput {
                id: None,
                display_name: format!("生徒{i}"),
                grade: Some(i % 4 + 1),
                campus_id,
                enrolment: "enrolled".into(),
                path_status: if i % 3 == 0 {
                    "employment"
                } else {
                    "undecided"
                }
                .into(),
                path_decided_on: (i % 3 == 0).then(|| "2025-10-01".into()),
            })
            .unwrap();
        // Four appointments a week apart after the visit below; the first two missed for one
        // student in two.
        for k in 0..4u64 {
            let date = start + Days::new(60 + (i as u64 % 30) + 7 * k);
            let a = store
                .book_appointment(&AppointmentInput {
                    student_id: s.id,
                    date: date.to_string(),
                    time: None,
                    booked_from_visit_id: None,
                })
                .unwrap();
            if k < 2 && i % 2 == 0 {
                store.mark_appointment_missed(a.id).unwrap();
            }
        }
        // One visit each, at the campus's salon of some day.
        let day = start + Days::new(i as u64 % 60);
        let session = match store.session_on(campus_id, day).unwrap() {
            Some(s) => s.id,
            None => {
                let open = SessionOpen {
                    campus_id,
                    format: "in_person".into(),
                    place: String::new(),
                };
                store.open_session(&open, day, ten).unwrap().id
            }
        };
        store
            .save_visit(
                &VisitInput {
                    id: None,
                    session_id: session,
                    student_id: Some(s.id),
                    new_student: None,
                    route: "self".into(),
                    topics: vec!["job_search".into()],
                    minutes: 30,
                    note: "メモ".into(),
                    next_steps: "次の一歩".into(),
                    follow_up_on: (i % 3 == 1).then(|| (day + Days::new(14)).to_string()),
                    concern: i % 17 == 0,
                    teacher_summary: String::new(),
                },
                None,
            )
            .unwrap();
    }
    start + Days::new(80)
}

fn main() {
    let students: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    let base = std::path::Path::new("/dev/shm");
    let dir = if base.is_dir() {
        tempfile::tempdir_in(base)
    } else {
        tempfile::tempdir()
    }
    .unwrap();
    let (mut store, _) = Vault::new(dir.path()).create(PASS, PASS).unwrap();
    let started = Instant::now();
    let day = fill(&mut store, students);
    println!(
        "filled {students} students, {} appointments, {students} visits in {:.1?}",
        students * 4,
        started.elapsed()
    );
    let report = |what: &str, (t, n): (Duration, usize)| {
        println!("{what:<40} {:>9.2?}  ({n} rows)", t);
    };
    report(
        "outreach_list (all campuses)",
        median(|| store.outreach_list(None).unwrap().len()),
    );
    report(
        "outreach_list (one campus)",
        median(|| store.outreach_list(Some(1)).unwrap().len()),
    );
    report(
        "risk_list (all campuses)",
        median(|| store.risk_list(None).unwrap().len()),
    );
    report(
        "follow_ups due by a day",
        median(|| store.follow_ups(None, Some(day)).unwrap().len()),
    );
    report(
        "appointments_on a day at one campus",
        median(|| store.appointments_on(day, Some(1)).unwrap().len()),
    );
}
