//! Search and list timings on 100,000 generated Japanese notes, in two corpora.
//!
//! ```sh
//! cargo run --release -p salon-store --example search_bench [-- VISITS]
//! ```
//!
//! Builds a throwaway vault per corpus (in /dev/shm when there is one, so that the 100,000
//! one-visit transactions of the public API do not wait for a disk's fsync), fills it through
//! the public API (campuses, students, salons, visits), then times the searches the search
//! screen makes and the student list: the first (cold) run, then the median and the 95th
//! percentile of [`RUNS`] more, and p95 against its goal (30 ms for terms of three characters
//! or more, 200 ms for one or two; BENCHMARKS.md).
//!
//! - worst case: 43 words, each in about half of the notes (every search is a common word);
//! - realistic: a few hundred words drawn with a long-tailed (Zipf) frequency, with the full-
//!   and half-width forms a phone or a pasted form gives (ｱﾙﾊﾞｲﾄ, ＳＰＩ, ２年生).

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveTime};
use salon_core::{CampusInput, SessionOpen, StudentInput, VisitInput};
use salon_store::{SearchQuery, Store, Vault};

mod corpus;
use corpus::{Corpus, Rng, Vocabulary};

const PASS: &str = "ベンチマーク用のパスフレーズ2025";
const CAMPUSES: usize = 20;
const VISITS_PER_SALON: usize = 20;
const RUNS: usize = 21;
/// p95 goals, in milliseconds.
const GOAL_LONG_MS: f64 = 30.0;
const GOAL_SHORT_MS: f64 = 200.0;

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

fn main() {
    let visits: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("VISITS is a number"))
        .unwrap_or(100_000);
    // `SEARCH_BENCH_FILL=DIR`: only fill a data folder with the realistic corpus, kept for the
    // window benchmark (tests/tests/search_window.rs), under this file's passphrase.
    if let Some(dir) = std::env::var_os("SEARCH_BENCH_FILL") {
        let (mut store, _) = Vault::new(dir).create(PASS, PASS).unwrap();
        fill(&mut store, &Vocabulary::new(Corpus::Realistic), visits);
        store.close().unwrap();
        return;
    }
    for kind in [Corpus::WorstCase, Corpus::Realistic] {
        run(&Vocabulary::new(kind), visits);
    }
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    }
}

/// The searches of one corpus: (label, query).
fn cases(v: &Vocabulary, campus_ids: &[i64]) -> Vec<(String, SearchQuery)> {
    let mut cases: Vec<(String, SearchQuery)> = match v.kind {
        Corpus::WorstCase => vec![
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
        ],
        Corpus::Realistic => vec![
            (format!("word of rank 1: 「{}」", v.at(0)), q(v.at(0))),
            (format!("word of rank 30: 「{}」", v.at(29)), q(v.at(29))),
            (
                format!("3+ chars, rank 300: 「{}」", v.at(299)),
                q(v.at(299)),
            ),
            (
                "half-width: 「ｱﾙﾊﾞｲﾄ」 (finds アルバイト)".into(),
                q("ｱﾙﾊﾞｲﾄ"),
            ),
            ("full-width: 「ＳＰＩ」 (finds SPI)".into(), q("ＳＰＩ")),
            ("two words: 「奨学金 不安」".into(), q("奨学金 不安")),
            ("2 chars (scan), rank 2: 「面接」".into(), q("面接")),
            ("2 chars (scan), rare: 「敬語」".into(), q("敬語")),
            ("1 char (scan): 「親」".into(), q("親")),
        ],
    };
    cases.push(("no text: every visit, first page".into(), q("")));
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
    cases
}

/// The page a supporter reaches by paging on: the 20th (offset 950), and the count asked.
fn late_cases(cases: &[(String, SearchQuery)]) -> Vec<(String, SearchQuery)> {
    let mut more = Vec::new();
    for (label, query) in cases.iter().take(2) {
        let mut late = query.clone();
        late.offset = Some(950);
        more.push((format!("  … 20th page of {label}"), late));
        let mut all = query.clone();
        all.count_all = true;
        more.push((format!("  … counted wholly: {label}"), all));
    }
    more
}

fn run(v: &Vocabulary, visits: usize) {
    let dir = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .unwrap();
    let vault = Vault::new(dir.path().join("data"));
    let (mut store, _) = vault.create(PASS, PASS).unwrap();
    let started = Instant::now();
    let (campus_ids, students) = fill(&mut store, v, visits);
    let filled = started.elapsed();
    store.close().unwrap();
    let db_bytes = std::fs::metadata(vault.db_path()).unwrap().len();
    // Timings on a freshly unlocked store, as after the supporter unlocks the app.
    let store = vault.unlock(PASS).unwrap();
    let name = match v.kind {
        Corpus::WorstCase => "worst case (43 words, each in about half the notes)",
        Corpus::Realistic => "realistic (a long tail of words, full- and half-width forms)",
    };
    println!(
        "\n## {name}\n{visits} visits, {students} students, {CAMPUSES} campuses: filled through the public API in {:.1} s; salon.db {:.0} MB",
        filled.as_secs_f64(),
        db_bytes as f64 / 1e6
    );
    println!(
        "{:<58} {:>8} {:>8} {:>8} {:>8} {:>6} {:>7}",
        "query", "total", "cold ms", "median", "p95", "goal", "p95/goal"
    );
    let mut all = cases(v, &campus_ids);
    all.extend(late_cases(&all));
    for (label, query) in &all {
        let (page, cold, median, p95) = time(|| store.search(query).unwrap());
        let total = if page.total_capped {
            format!("{}+", page.total)
        } else {
            page.total.to_string()
        };
        let short = query.text.split_whitespace().any(|t| t.chars().count() < 3);
        let goal = if short { GOAL_SHORT_MS } else { GOAL_LONG_MS };
        println!(
            "{label:<58} {total:>8} {:>8.1} {:>8.1} {:>8.1} {goal:>6.0} {:>7.2}",
            ms(cold),
            ms(median),
            ms(p95),
            ms(p95) / goal
        );
    }
    lists(&store, &campus_ids);
}

fn lists(store: &Store, campus_ids: &[i64]) {
    let row = |label: &str, f: &mut dyn FnMut() -> usize| {
        let (n, cold, median, p95) = time(f);
        println!(
            "{label:<58} {n:>8} {:>8.1} {:>8.1} {:>8.1}",
            ms(cold),
            ms(median),
            ms(p95)
        );
    };
    row("students: list (all campuses)", &mut || {
        store.students(None, "").unwrap().len()
    });
    row("students: list (one campus)", &mut || {
        store.students(Some(campus_ids[2]), "").unwrap().len()
    });
    row("students: by name 「さ」", &mut || {
        store.students(None, "さ").unwrap().len()
    });
    let one = store.students(Some(campus_ids[1]), "").unwrap()[0].id;
    row("one student's visit history", &mut || {
        store.visits_of_student(one).unwrap().len()
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The first (cold) run, then the median and the 95th percentile of [`RUNS`] more.
fn time<T>(mut f: impl FnMut() -> T) -> (T, Duration, Duration, Duration) {
    let t = Instant::now();
    let out = f();
    let cold = t.elapsed();
    let mut runs: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    runs.sort();
    let p95 = runs[(RUNS * 95).div_ceil(100) - 1];
    (out, cold, runs[RUNS / 2], p95)
}

fn fill(store: &mut Store, v: &Vocabulary, visits: usize) -> (Vec<i64>, usize) {
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
    // `SEARCH_BENCH_STUDENTS=N`: N students in all (3,000 by default; the window benchmark's
    // goal names 10,000).
    let per_campus = std::env::var("SEARCH_BENCH_STUDENTS")
        .ok()
        .map(|n| {
            n.parse::<usize>()
                .expect("SEARCH_BENCH_STUDENTS is a number")
                / CAMPUSES
        })
        .unwrap_or(150);
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
        for s in 0..per_campus {
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
                    student_id: (student < 7).then(|| students[c][rng.below(per_campus)]),
                    new_student: None,
                    route: ROUTES[rng.below(ROUTES.len())].into(),
                    topics,
                    minutes: 20 + rng.below(40) as i64,
                    note: rng.text(v, 8, 40),
                    next_steps: rng.text(v, 1, 6),
                    follow_up_on: (rng.below(8) == 0).then(|| day.to_string()),
                    concern: rng.below(25) == 0,
                    teacher_summary: if rng.below(3) == 0 {
                        rng.text(v, 2, 8)
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
    (campus_ids, CAMPUSES * per_campus)
}
