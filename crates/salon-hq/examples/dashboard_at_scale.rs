//! The dashboard of a national programme: 2,000 campuses, each with a salon every week of a
//! 年度, from 200 laptops of 10 campuses each, every salon day uploaded as its own revision and
//! 5 % of them corrected (`--stress`: every day revised ten times), and every campus's month
//! released under noise. Against the real server on
//! 127.0.0.1:0 and a real SQLite file (release build):
//!
//!     cargo run --release -p salon-hq --example dashboard_at_scale [--stress]
//!
//! Prints the figures alone (`figures::compute_term`, the summary every view starts from),
//! the whole dashboard page (p50/p95 over loopback, and its size), and the page read again
//! and again while 8 laptops upload as fast as they can (p99). Goals (BENCHMARKS.md):
//! dashboard p95 ≤ 150 ms, page ≤ 300 KB, p99 beside uploads ≤ 100 ms.

mod support;
use support::{login, ADMIN, PASSWORD};

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, Utc};
use salon_hq_store::HqStore;
use salon_hq_store::{Actor, Role, Targets, TermInput};
use salon_hq_web::{router, LogSink, ServerState};
use salon_protocol::{
    CampusCode, DayCounts, DaySnapshot, Month, MonthRelease, NoisyCell, NoisyMonthBreakdown,
    Release, Route, Topic, Upload, API_VERSION, API_VERSION_HEADER, IDEMPOTENCY_HEADER,
};

const CAMPUSES: usize = 2_000;
const LAPTOPS: usize = 200;
const PER_LAPTOP: usize = CAMPUSES / LAPTOPS;
const WRITERS: usize = 8;

fn code(i: usize) -> CampusCode {
    CampusCode::parse(&format!("C-{i:04}")).unwrap()
}

fn snapshot(campus: usize, day: NaiveDate, revision: u32) -> DaySnapshot {
    let visits = 2 + (campus as u32 + revision) % 6;
    DaySnapshot {
        campus: code(campus),
        day,
        revision,
        counts: DayCounts {
            sessions: 1,
            session_minutes: 180,
            visits,
            distinct_students: visits - 1,
            first_time_students: 1,
            ..Default::default()
        },
    }
}

fn days_only(days: Vec<DaySnapshot>) -> Vec<u8> {
    serde_json::to_vec(&Upload {
        days,
        ..Upload::default()
    })
    .unwrap()
}

/// A campus's month under noise, as a laptop releases it 7 days after the month: small counts
/// in every cell, within what its visits allow.
fn release(campus: usize, month: Month) -> MonthRelease {
    let n = |i: usize| ((campus + i) % 4) as i64;
    MonthRelease {
        campus: code(campus),
        month,
        breakdown: NoisyMonthBreakdown {
            release: Release::First,
            by_route: Route::ALL
                .iter()
                .enumerate()
                .map(|(i, &code)| NoisyCell { code, count: n(i) })
                .collect(),
            by_topic: Topic::MONTHLY
                .iter()
                .enumerate()
                .map(|(i, &code)| NoisyCell { code, count: n(i) })
                .collect(),
        },
    }
}

/// A laptop's 年度: its campuses on their weekdays, each salon day one upload (revisions
/// `1..=revisions` of it), and every twentieth day corrected once more afterwards.
fn history(laptop: usize, revisions: u32) -> Vec<Vec<u8>> {
    let monday = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
    let mut uploads = Vec::new();
    let mut corrections = Vec::new();
    for week in 0..52 {
        for weekday in 0..5 {
            let day = monday + Days::days(week * 7 + weekday);
            let campuses: Vec<usize> = (0..PER_LAPTOP)
                .filter(|k| k % 5 == weekday as usize)
                .map(|k| laptop * PER_LAPTOP + k)
                .collect();
            for revision in 1..=revisions {
                uploads.push(days_only(
                    campuses
                        .iter()
                        .map(|&c| snapshot(c, day, revision))
                        .collect(),
                ));
            }
            if (week * 5 + weekday) % 20 == 0 {
                corrections.push(days_only(
                    campuses
                        .iter()
                        .map(|&c| snapshot(c, day, revisions + 1))
                        .collect(),
                ));
            }
        }
    }
    uploads.extend(corrections);
    // Each month's releases, one upload a month for the laptop's campuses.
    let mut month = Month::parse("2024-04").unwrap();
    for _ in 0..12 {
        let releases = (0..PER_LAPTOP)
            .map(|k| release(laptop * PER_LAPTOP + k, month))
            .collect();
        uploads.push(
            serde_json::to_vec(&Upload {
                releases,
                ..Upload::default()
            })
            .unwrap(),
        );
        month = Month::of(month.last_day() + Days::days(1));
    }
    uploads
}

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    sorted[(sorted.len() * p).div_ceil(100).max(1) - 1].as_secs_f64() * 1000.0
}

/// Reads `url` `n` times one after another: sorted times and the last page's size.
async fn read_times(url: &str, cookie: &str, n: usize) -> (Vec<Duration>, usize) {
    let http = reqwest::Client::new();
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..n {
        let started = Instant::now();
        let r = http.get(url).header("cookie", cookie).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        size = r.bytes().await.unwrap().len();
        times.push(started.elapsed());
    }
    times.sort();
    (times, size)
}

fn build(store: &Arc<HqStore>, revisions: u32) -> (Vec<String>, i64) {
    let now = Utc::now();
    let by = Actor::cli();
    for i in 0..CAMPUSES {
        store
            .add_campus(&by, &code(i), &format!("キャンパス{i}"), now)
            .unwrap();
    }
    store
        .create_admin(&by, ADMIN, PASSWORD, Role::Manager, now)
        .unwrap();
    let term = store
        .save_term(
            &by,
            None,
            &TermInput {
                name: "2024年度".into(),
                funder: "休眠預金等交付金".into(),
                project: String::new(),
                distributor: String::new(),
                from: Month::parse("2024-04").unwrap(),
                to: Month::parse("2025-03").unwrap(),
                targets: Targets {
                    schools: Some(2_000),
                    sessions: Some(100_000),
                    visits: Some(400_000),
                    ..Targets::default()
                },
                counts_paths: false,
            },
            now,
        )
        .unwrap();
    let app = salon_protocol::AppVersion::parse("1.0.0").unwrap();
    let tokens: Vec<String> = (0..LAPTOPS)
        .map(|l| {
            let campuses: Vec<CampusCode> =
                (0..PER_LAPTOP).map(|k| code(l * PER_LAPTOP + k)).collect();
            let issued = store
                .issue_code(&by, &format!("サポーター{l}"), &campuses, now)
                .unwrap();
            let code = salon_protocol::EnrolmentCode::parse(&issued.code).unwrap();
            store.enrol(&code, &app, now).unwrap().token.to_string()
        })
        .collect();
    // Eight laptops at a time, as they would arrive: the store commits them in groups.
    let started = Instant::now();
    let next = Arc::new(AtomicU64::new(0));
    std::thread::scope(|s| {
        for _ in 0..WRITERS {
            let (store, tokens, next) = (store.clone(), &tokens, next.clone());
            s.spawn(move || loop {
                let l = next.fetch_add(1, Ordering::Relaxed) as usize;
                if l >= LAPTOPS {
                    break;
                }
                for (i, body) in history(l, revisions).iter().enumerate() {
                    store
                        .upload(&tokens[l], &format!("h{l}-{i}"), body, Utc::now())
                        .unwrap();
                }
            });
        }
    });
    let rows = store.count_rows("day_snapshots").unwrap();
    let releases = store.count_rows("releases").unwrap();
    eprintln!(
        "built: {CAMPUSES} campuses, {LAPTOPS} laptops, {rows} day snapshots, {releases} month releases in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    (tokens, term)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let stress = std::env::args().any(|a| a == "--stress");
    let revisions = if stress { 10 } else { 1 };
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(HqStore::open(&dir.path().join("hq.db")).unwrap());
    // SCALE_KEEP=FILE keeps a copy of the database built, to look into with sqlite3.
    let keep = std::env::var("SCALE_KEEP").ok();
    let (tokens, term) = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || build(&store, revisions))
            .await
            .unwrap()
    };

    if let Some(keep) = &keep {
        rusqlite::Connection::open(dir.path().join("hq.db"))
            .unwrap()
            .execute("VACUUM INTO ?1", [keep])
            .unwrap();
    }
    let mut summary = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        salon_hq_store::figures::compute_term(&store, term).unwrap();
        summary.push(started.elapsed());
    }
    summary.sort();
    // SCALE_PARTS=1 times each read the dashboard makes.
    if std::env::var("SCALE_PARTS").is_ok() {
        let (from, to) = (
            Month::parse("2024-04").unwrap(),
            Month::parse("2025-03").unwrap(),
        );
        let t = |name: &str, f: &dyn Fn()| {
            let started = Instant::now();
            f();
            eprintln!(
                "  {name}: {:.1} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
        };
        t("terms", &|| drop(store.terms().unwrap()));
        t("quiet_devices", &|| {
            drop(store.quiet_devices(Utc::now()).unwrap())
        });
        t("supporter_totals", &|| {
            drop(store.supporter_totals(from, to).unwrap())
        });
        t("campuses_in_use", &|| {
            drop(store.campuses_in_use().unwrap())
        });
        t("month_totals", &|| {
            drop(store.month_totals(from, to).unwrap())
        });
        t("campuses", &|| drop(store.campuses().unwrap()));
    }

    let mut state = ServerState::new(HqStore::open(&dir.path().join("hq.db")).unwrap());
    state.log = LogSink::Memory(Arc::default());
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let cookie = login(&base).await;
    let page = format!("{base}/?term={term}");
    let (alone, size) = read_times(&page, &cookie, 40).await;

    // Eight laptops revise today's salons as fast as they can while the page is read.
    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for (w, token) in tokens.iter().take(WRITERS).enumerate() {
        let (base, stop, writes, token) =
            (base.clone(), stop.clone(), writes.clone(), token.clone());
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let day = NaiveDate::from_ymd_opt(2025, 3, 24).unwrap();
            let mut revision = 100;
            while !stop.load(Ordering::Relaxed) {
                let body = days_only(
                    (0..PER_LAPTOP)
                        .map(|k| snapshot(w * PER_LAPTOP + k, day, revision))
                        .collect(),
                );
                let status = http
                    .post(format!("{base}/api/v1/upload"))
                    .header(API_VERSION_HEADER, API_VERSION.to_string())
                    .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
                    .header(IDEMPOTENCY_HEADER, format!("w{w}-r{revision}"))
                    .header("content-type", "application/json")
                    .bearer_auth(&token)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status();
                assert!(status.is_success(), "upload answered {status}");
                writes.fetch_add(1, Ordering::Relaxed);
                revision += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let (beside, _) = read_times(&page, &cookie, 60).await;
    let uploads = writes.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }

    let run = if stress {
        "ten revisions a day"
    } else {
        "one revision a day + 5 %"
    };
    println!("dashboard at {CAMPUSES} campuses × 12 months, {LAPTOPS} laptops ({run})");
    println!(
        "  figures alone (compute_term):       p50 {:7.1} ms  p95 {:7.1} ms",
        percentile(&summary, 50),
        percentile(&summary, 95)
    );
    println!(
        "  dashboard page:                     p50 {:7.1} ms  p95 {:7.1} ms  (goal ≤ 150)  ratio p95/figures {:.2}",
        percentile(&alone, 50),
        percentile(&alone, 95),
        percentile(&alone, 95) / percentile(&summary, 95)
    );
    println!(
        "  page size:                          {:7.0} KB  (goal ≤ 300)",
        size as f64 / 1024.0
    );
    println!(
        "  beside {WRITERS} laptops uploading ({uploads:.0}/s): p50 {:7.1} ms  p99 {:7.1} ms  (goal ≤ 100)",
        percentile(&beside, 50),
        percentile(&beside, 99)
    );
}
