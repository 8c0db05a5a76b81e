//! Search and list timings on 100,000 generated Japanese notes.
//!
//! ```sh
//! cargo run --release -p salon-store --example search_bench [-- VISITS]
//! ```
//!
//! Builds a throwaway vault (in /dev/shm when there is one, so that the 100,000 one-visit
//! transactions of the public API do not wait for a disk's fsync), fills it through the public
//! API (campuses, students, salons, visits), then times the searches the search screen makes
//! and the student list. Each figure is the median of several runs after a first, cold one.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveTime};
use salon_core::{CampusInput, SessionOpen, StudentInput, VisitInput};
use salon_store::{SearchQuery, Store, Vault};

const PASS: &str = "ベンチマーク用のパスフレーズ2025";
const CAMPUSES: usize = 20;
const STUDENTS_PER_CAMPUS: usize = 150;
const VISITS_PER_SALON: usize = 20;
const RUNS: usize = 7;

const WORDS: &[&str] = &[
    "面接",
    "履歴書",
    "パン屋",
    "アルバイト",
    "進学",
    "家族",
    "体調",
    "友達",
    "親",
    "大学",
    "専門学校",
    "オープンキャンパス",
    "求人票",
    "志望動機",
    "不安",
    "担任",
    "バイト",
    "コンビニ",
    "部活",
    "レポート",
    "スクーリング",
    "将来",
    "就職",
    "相談",
    "学費",
    "奨学金",
    "通学",
    "朝起きられない",
    "ゲーム",
    "イラスト",
    "介護",
    "保育",
    "調理",
    "自動車",
    "資格",
    "英検",
    "漢検",
    "SPI",
    "ハローワーク",
    "職場見学",
    "インターン",
    "妹",
    "弟",
];
const GLUE: &[&str] = &[
    "の",
    "が",
    "を",
    "に",
    "と",
    "で",
    "は",
    "。",
    "、",
    "について",
    "したい",
    "が心配",
];
const TOPICS: &[&str] = &[
    "further_study",
    "job_search",
    "application_prep",
    "part_time",
    "family",
    "school_life",
    "friends",
    "wellbeing",
    "unsure_future",
    "other",
];
const ROUTES: &[&str] = &["self", "teacher", "outreach", "appointment", "repeat"];

/// xorshift64: the same notes on every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn text(&mut self, min_words: usize, max_words: usize) -> String {
        let n = min_words + self.below(max_words - min_words + 1);
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(WORDS[self.below(WORDS.len())]);
            s.push_str(GLUE[self.below(GLUE.len())]);
        }
        s
    }
}

fn main() {
    let visits: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("VISITS is a number"))
        .unwrap_or(100_000);
    let dir = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap();
    let vault = Vault::new(dir.path().join("data"));
    let (mut store, _) = vault.create(PASS, PASS).unwrap();

    let started = Instant::now();
    let (campus_ids, students) = fill(&mut store, visits);
    let filled = started.elapsed();
    store.close().unwrap();
    let db_bytes = std::fs::metadata(vault.db_path()).unwrap().len();
    // Timings on a freshly unlocked store, as after the supporter unlocks the app.
    let store = vault.unlock(PASS).unwrap();
    println!(
        "{visits} visits, {} students, {CAMPUSES} campuses: filled through the public API in {:.1} s; salon.db {:.0} MB",
        students,
        filled.as_secs_f64(),
        db_bytes as f64 / 1e6
    );
    println!(
        "{:<58} {:>8} {:>10} {:>10}",
        "query", "total", "cold ms", "median ms"
    );

    let q = |text: &str| SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    };
    let mut cases: Vec<(String, SearchQuery)> = vec![
        ("3+ chars, common: 「アルバイト」".into(), q("アルバイト")),
        (
            "3+ chars, a phrase: 「パン屋のアルバイト」".into(),
            q("パン屋のアルバイト"),
        ),
        (
            "3+ chars, rare: 「朝起きられない」".into(),
            q("朝起きられない"),
        ),
        (
            "two words: 「奨学金 オープンキャンパス」".into(),
            q("奨学金 オープンキャンパス"),
        ),
        ("2 chars (scan): 「面接」".into(), q("面接")),
        ("1 char (scan): 「親」".into(), q("親")),
        ("no text: every visit, first page".into(), q("")),
    ];
    let mut filtered = q("履歴書");
    filtered.campus_id = Some(campus_ids[3]);
    filtered.from = Some("2024-04-01".into());
    filtered.to = Some("2025-03-31".into());
    filtered.topic = Some("application_prep".into());
    cases.push((
        "filtered: 「履歴書」+ campus + 年度 + topic".into(),
        filtered,
    ));
    let mut flags = q("面接");
    flags.concern_only = true;
    flags.campus_id = Some(campus_ids[0]);
    cases.push(("filtered scan: 「面接」+ campus + 要連携".into(), flags));
    let mut no_text = q("");
    no_text.campus_id = Some(campus_ids[5]);
    no_text.follow_up_only = true;
    cases.push(("no text: campus + follow-up".into(), no_text));
    for (label, query) in cases.clone() {
        let total = store.search(&query).unwrap().total;
        let last = ((total - 1).max(0) / 50) * 50;
        let mut at_end = query.clone();
        at_end.offset = Some(last);
        if label.starts_with("3+ chars, common")
            || label.starts_with("no text: every")
            || label.starts_with("2 chars")
        {
            cases.push((format!("  … last page (offset {last})"), at_end));
        }
    }
    for (label, query) in &cases {
        let (total, cold, median) = time(|| store.search(query).unwrap().total);
        println!(
            "{label:<58} {total:>8} {:>10.1} {:>10.1}",
            ms(cold),
            ms(median)
        );
    }
    let (n, cold, median) = time(|| store.students(None, "").unwrap().len() as i64);
    println!(
        "{:<58} {n:>8} {:>10.1} {:>10.1}",
        "students: list (all campuses)",
        ms(cold),
        ms(median)
    );
    let (n, cold, median) = time(|| store.students(Some(campus_ids[2]), "").unwrap().len() as i64);
    println!(
        "{:<58} {n:>8} {:>10.1} {:>10.1}",
        "students: list (one campus)",
        ms(cold),
        ms(median)
    );
    let (n, cold, median) = time(|| store.students(None, "さ").unwrap().len() as i64);
    println!(
        "{:<58} {n:>8} {:>10.1} {:>10.1}",
        "students: by name 「さ」",
        ms(cold),
        ms(median)
    );
    let one = store.students(Some(campus_ids[1]), "").unwrap()[0].id;
    let (n, cold, median) = time(|| store.visits_of_student(one).unwrap().len() as i64);
    println!(
        "{:<58} {n:>8} {:>10.1} {:>10.1}",
        "one student's visit history",
        ms(cold),
        ms(median)
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The first (cold) run, then the median of [`RUNS`] more.
fn time(mut f: impl FnMut() -> i64) -> (i64, Duration, Duration) {
    let t = Instant::now();
    let n = f();
    let cold = t.elapsed();
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    runs.sort();
    (n, cold, runs[RUNS / 2])
}

fn fill(store: &mut Store, visits: usize) -> (Vec<i64>, usize) {
    const NAMES: &[&str] = &[
        "さくら",
        "はるか",
        "ゆうき",
        "そら",
        "ひなた",
        "れん",
        "あおい",
        "みお",
        "かいと",
        "りん",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut campus_ids = Vec::new();
    let mut students: Vec<Vec<i64>> = Vec::new();
    for c in 0..CAMPUSES {
        let campus = store
            .save_campus(&CampusInput {
                id: None,
                name: format!("第{}キャンパス", c + 1),
                weekday: (c % 5) as i64 + 1,
                start_time: "13:00".into(),
                end_time: "16:00".into(),
                place: "相談室".into(),
                default_format: "in_person".into(),
                hq_code: None,
            })
            .unwrap();
        let mut mine = Vec::new();
        for s in 0..STUDENTS_PER_CAMPUS {
            let student = store
                .save_student(&StudentInput {
                    id: None,
                    display_name: format!("{}{}", NAMES[s % NAMES.len()], s / NAMES.len() + 1),
                    grade: Some((s % 4) as i64 + 1),
                    campus_id: campus.id,
                    enrolment: "enrolled".into(),
                    path_status: "undecided".into(),
                    path_decided_on: None,
                })
                .unwrap();
            mine.push(student.id);
        }
        campus_ids.push(campus.id);
        students.push(mine);
    }
    let first_day = NaiveDate::from_ymd_opt(2021, 4, 5).unwrap();
    let ten = NaiveTime::from_hms_opt(13, 0, 0).unwrap();
    let mut logged = 0;
    let mut week = 0;
    while logged < visits {
        for (c, campus_id) in campus_ids.iter().enumerate() {
            if logged >= visits {
                break;
            }
            let day = first_day
                .checked_add_days(Days::new(week * 7 + (c % 5) as u64))
                .unwrap();
            let open = SessionOpen {
                campus_id: *campus_id,
                format: "in_person".into(),
                place: String::new(),
            };
            let session = store.open_session(&open, day, ten).unwrap();
            for _ in 0..VISITS_PER_SALON.min(visits - logged) {
                let student = rng.below(10);
                let mut topics = vec![TOPICS[rng.below(TOPICS.len())].to_owned()];
                if rng.below(2) == 0 {
                    topics.push(TOPICS[rng.below(TOPICS.len())].to_owned());
                }
                let input = VisitInput {
                    id: None,
                    session_id: session.id,
                    student_id: (student < 7).then(|| students[c][rng.below(STUDENTS_PER_CAMPUS)]),
                    new_student: None,
                    route: ROUTES[rng.below(ROUTES.len())].into(),
                    topics,
                    minutes: 20 + rng.below(40) as i64,
                    note: rng.text(8, 40),
                    next_steps: rng.text(1, 6),
                    follow_up_on: (rng.below(8) == 0).then(|| day.to_string()),
                    concern: rng.below(25) == 0,
                    teacher_summary: if rng.below(3) == 0 {
                        rng.text(2, 8)
                    } else {
                        String::new()
                    },
                };
                store.save_visit(&input, None).unwrap();
                logged += 1;
            }
            store
                .close_session(session.id, NaiveTime::from_hms_opt(16, 0, 0).unwrap())
                .unwrap();
        }
        week += 1;
    }
    (campus_ids, CAMPUSES * STUDENTS_PER_CAMPUS)
}
