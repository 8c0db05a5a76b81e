//! How the dashboard holds up while devices upload: dashboard reads per second over loopback
//! with no writers, then beside 8 devices uploading as fast as they can, against the real
//! server on 127.0.0.1:0 and a real SQLite file (release build recommended):
//!
//!     cargo run --release -p salon-hq --example reads_under_writes [seconds]
//!
//! Prints reads/s alone, reads/s under writes, their ratio, and writes/s.

mod support;
use support::{login, ADMIN, PASSWORD};

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, Utc};
use salon_hq_store::HqStore;
use salon_hq_store::Target;
use salon_hq_web::{router, LogSink, ServerState};
use salon_protocol::{
    CampusCode, DayCounts, DaySnapshot, Month, Upload, API_VERSION, API_VERSION_HEADER,
    IDEMPOTENCY_HEADER,
};

const CAMPUSES: usize = 22;
const WRITERS: usize = 8;
const READERS: usize = 4;

fn code(i: usize) -> CampusCode {
    CampusCode::parse(&format!("C-{i:03}")).unwrap()
}

fn snapshot(campus: usize, day: NaiveDate, revision: u32) -> DaySnapshot {
    let visits = 3 + (campus as u32 + revision) % 5;
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

/// A term's worth of salon days (the seed's scale: 22 campuses, 247 sessions) from one device.
fn term() -> Upload {
    let start = NaiveDate::from_ymd_opt(2024, 9, 2).unwrap();
    let days = (0..247)
        .map(|i| {
            snapshot(
                i % CAMPUSES,
                start + Days::days((i / CAMPUSES * 7) as i64),
                1,
            )
        })
        .collect();
    Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days,
        months: Vec::new(),
    }
}

async fn enrol(http: &reqwest::Client, base: &str, store: &HqStore) -> String {
    let codes: Vec<CampusCode> = (0..CAMPUSES).map(code).collect();
    let issued = store
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &codes,
            Utc::now(),
        )
        .unwrap();
    let answer: serde_json::Value = http
        .post(format!("{base}/api/v1/enrol"))
        .header(API_VERSION_HEADER, API_VERSION.to_string())
        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
        .json(&serde_json::json!({ "code": issued.code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["token"].as_str().unwrap().to_owned()
}

async fn upload(http: &reqwest::Client, base: &str, token: &str, key: &str, u: &Upload) {
    let status = http
        .post(format!("{base}/api/v1/upload"))
        .header(API_VERSION_HEADER, API_VERSION.to_string())
        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
        .header(IDEMPOTENCY_HEADER, key)
        .bearer_auth(token)
        .json(u)
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "upload answered {status}");
}

/// Dashboard reads per second by `READERS` clients for `span`.
async fn reads_for(base: &str, cookie: &str, span: Duration) -> f64 {
    let done = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + span;
    let mut tasks = Vec::new();
    for _ in 0..READERS {
        let (base, cookie, done) = (base.to_owned(), cookie.to_owned(), done.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            while Instant::now() < until {
                let r = http
                    .get(format!("{base}/?fy=2024"))
                    .header("cookie", &cookie)
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
                r.bytes().await.unwrap();
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    done.load(Ordering::Relaxed) as f64 / span.as_secs_f64()
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let span = Duration::from_secs(secs);
    let dir = tempfile::tempdir().unwrap();
    let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
    let now = Utc::now();
    for i in 0..CAMPUSES {
        store
            .add_campus(
                &salon_hq_store::Actor::cli(),
                &code(i),
                &format!("キャンパス{i}"),
                now,
            )
            .unwrap();
    }
    store
        .create_admin(
            &salon_hq_store::Actor::cli(),
            ADMIN,
            PASSWORD,
            salon_hq_store::Role::Manager,
            now,
        )
        .unwrap();
    store
        .set_target(
            &salon_hq_store::Actor::cli(),
            Target {
                from: Month::parse("2024-04").unwrap(),
                to: Month::parse("2025-03").unwrap(),
                schools: 20,
                sessions: 230,
                visits: 400,
            },
            chrono::Utc::now(),
        )
        .unwrap();
    let mut state = ServerState::new(store);
    state.log = LogSink::Memory(Arc::default());
    let seed = state.store.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let http = reqwest::Client::new();
    let first = enrol(&http, &base, &seed).await;
    upload(&http, &base, &first, "term", &term()).await;
    let cookie = login(&base).await;

    let alone = reads_for(&base, &cookie, span).await;

    let stop = Arc::new(AtomicBool::new(false));
    let writes = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for w in 0..WRITERS {
        let token = enrol(&http, &base, &seed).await;
        let (base, stop, writes) = (base.clone(), stop.clone(), writes.clone());
        writers.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
            let mut revision = 1;
            while !stop.load(Ordering::Relaxed) {
                let u = Upload {
                    events: Vec::new(),
                    releases: Vec::new(),
                    path_releases: Vec::new(),
                    days: (0..CAMPUSES).map(|c| snapshot(c, day, revision)).collect(),
                    months: Vec::new(),
                };
                upload(&http, &base, &token, &format!("w{w}-r{revision}"), &u).await;
                writes.fetch_add(1, Ordering::Relaxed);
                revision += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let written_before = writes.load(Ordering::Relaxed);
    let started = Instant::now();
    let beside = reads_for(&base, &cookie, span).await;
    let uploads_per_sec =
        (writes.load(Ordering::Relaxed) - written_before) as f64 / started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }

    println!("dashboard reads/s, {READERS} readers, no writers:      {alone:8.0}");
    println!("dashboard reads/s, {READERS} readers, {WRITERS} devices uploading: {beside:8.0}");
    println!(
        "ratio under writes / alone:                          {:8.3}",
        beside / alone
    );
    println!(
        "uploads/s beside the readers ({CAMPUSES} day snapshots each):  {uploads_per_sec:8.0}"
    );
}
