//! Headquarters' ingest against its floor: 8 devices upload one day snapshot per request for a
//! few seconds over loopback, to the real server (token check, idempotency, plausibility,
//! revisions and their history, all in FULL durability) and then to a bare axum endpoint over
//! rusqlite that parses the same body and does the same insert (the snapshot and the
//! idempotency row, one FULL transaction). Both on a real disk (/var/tmp), one after the other.
//!
//! ```sh
//! cargo run --release -p salon-hq --example ingest_floor [-- SECONDS]
//! ```
//!
//! Prints one table row: uploads/s of each, their ratio (goal ≥ 0.95) and the server's p99
//! (goal ≤ 20 ms).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use chrono::{Days, NaiveDate, Utc};
use salon_hq_store::Actor;
use salon_hq_store::HqStore;
use salon_hq_web::{router, LogSink, ServerState};
use salon_protocol::{
    CampusCode, DayCounts, DaySnapshot, Upload, API_VERSION, API_VERSION_HEADER, IDEMPOTENCY_HEADER,
};

const DEVICES: usize = 8;

fn upload(campus: &CampusCode, n: u64) -> Vec<u8> {
    let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() - Days::new(n % 3000);
    serde_json::to_vec(&Upload {
        days: vec![DaySnapshot {
            campus: campus.clone(),
            day,
            revision: 1 + (n / 3000) as u32,
            counts: DayCounts {
                sessions: 1,
                session_minutes: 180,
                visits: 4,
                distinct_students: 3,
                first_time_students: 1,
                ..Default::default()
            },
        }],
        months: vec![],
        events: vec![],
        releases: vec![],
        path_releases: Vec::new(),
    })
    .unwrap()
}

/// 8 clients posting to `url` for `span`: (uploads, sorted latencies).
async fn drive(url: String, tokens: Vec<(String, CampusCode)>, span: Duration) -> Vec<Duration> {
    let until = Instant::now() + span;
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, (token, campus))| {
            let url = url.clone();
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut times = Vec::new();
                let mut n = 0;
                while Instant::now() < until {
                    let t = Instant::now();
                    let res = http
                        .post(&url)
                        .header(API_VERSION_HEADER, API_VERSION.to_string())
                        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
                        .header(IDEMPOTENCY_HEADER, format!("{i}-{n}"))
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(upload(&campus, n))
                        .send()
                        .await
                        .unwrap();
                    assert!(res.status().is_success(), "{}", res.status());
                    res.bytes().await.unwrap();
                    times.push(t.elapsed());
                    n += 1;
                }
                times
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    all
}

/// The floor: parse the body, insert the snapshot and the idempotency row, FULL.
async fn bare_ingest(State(db): State<Arc<Mutex<rusqlite::Connection>>>, body: Bytes) -> String {
    let upload: Upload = serde_json::from_slice(&body).unwrap();
    let mut conn = db.lock().unwrap();
    let tx = conn.transaction().unwrap();
    for d in &upload.days {
        tx.execute(
            "INSERT INTO day_snapshots (campus_code, day, revision, visits) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (campus_code, day) DO UPDATE SET revision = excluded.revision,
             visits = excluded.visits",
            rusqlite::params![
                d.campus.as_str(),
                d.day.to_string(),
                d.revision,
                d.counts.visits
            ],
        )
        .unwrap();
    }
    tx.execute(
        "INSERT INTO uploads (idem_key, receipt) VALUES (hex(randomblob(8)), '{}')",
        [],
    )
    .unwrap();
    tx.commit().unwrap();
    r#"{"stored":1,"unchanged":0,"stale":0}"#.to_owned()
}

fn pct(sorted: &[Duration], p: usize) -> f64 {
    sorted[(sorted.len() * p).div_ceil(100).max(1) - 1].as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let span = Duration::from_secs(secs);
    let dir = tempfile::tempdir_in("/var/tmp").unwrap();

    // The real server, 8 devices each enrolled for a campus of its own.
    let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
    let mut codes = Vec::new();
    for i in 0..DEVICES {
        let campus = CampusCode::parse(&format!("C-{:03}", 100 + i)).unwrap();
        store
            .add_campus(&Actor::cli(), &campus, "キャンパス", Utc::now())
            .unwrap();
        let issued = store
            .issue_code(
                &Actor::cli(),
                "山田 花子",
                std::slice::from_ref(&campus),
                Utc::now(),
            )
            .unwrap();
        codes.push((issued.code, campus));
    }
    let mut state = ServerState::new(store);
    state.log = LogSink::Memory(Arc::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for (code, campus) in codes {
        let answer: serde_json::Value = http
            .post(format!("{base}/api/v1/enrol"))
            .header(API_VERSION_HEADER, API_VERSION.to_string())
            .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
            .json(&serde_json::json!({ "code": code }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push((answer["token"].as_str().unwrap().to_owned(), campus));
    }
    let real = drive(format!("{base}/api/v1/upload"), tokens.clone(), span).await;

    // The floor, on a database of its own beside it.
    let conn = rusqlite::Connection::open(dir.path().join("floor.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE day_snapshots (campus_code TEXT, day TEXT, revision INTEGER,
             visits INTEGER, PRIMARY KEY (campus_code, day));
         CREATE TABLE uploads (idem_key TEXT PRIMARY KEY, receipt TEXT);",
    )
    .unwrap();
    let bare = axum::Router::new()
        .route("/ingest", post(bare_ingest))
        .with_state(Arc::new(Mutex::new(conn)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let floor_url = format!("http://{}/ingest", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, bare).await.unwrap() });
    let floor = drive(floor_url, tokens, span).await;

    let (real_rate, floor_rate) = (
        real.len() as f64 / secs as f64,
        floor.len() as f64 / secs as f64,
    );
    let ratio = real_rate / floor_rate;
    let p99 = pct(&real, 99);
    println!(
        "| HQ ingest, FULL, {DEVICES} connections ({secs} s each) | {real_rate:.0}/s, p50 {:.1} ms, p99 {p99:.1} ms | bare axum + rusqlite, same insert: {floor_rate:.0}/s, p99 {:.1} ms | {ratio:.2} | ≥ 0.95, p99 ≤ 20 ms | {} |",
        pct(&real, 50),
        pct(&floor, 99),
        if ratio >= 0.95 && p99 <= 20.0 { "met" } else { "not met" }
    );
}
