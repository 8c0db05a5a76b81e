//! The end-of-day sync of a whole year: a device with a year of weekly salons at 3 campuses
//! (about 150 salons, 600 visits) sends everything to headquarters on 127.0.0.1 through the
//! real send loop, then the next day's sync sends one more day. The floor is headquarters'
//! own ingest of the same uploads (the handler's time, from its request log).
//!
//! ```sh
//! cargo run --release -p salon-tests --example sync_year
//! ```
//!
//! Prints one table row per sync: wall time, HQ's share, and the goal (≤ 1 s).

#[path = "../tests/support/device.rs"]
mod device;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{Days, NaiveDate, Utc};
use device::{at, log, open, Device, PASS};
use salon_core::CampusInput;
use salon_hq_store::Actor;
use salon_protocol::{CampusCode, EnrolmentCode};
use salon_store::Vault;
use salon_sync::HqClient;

const CAMPUSES: [&str; 3] = ["C-012", "C-013", "C-014"];

/// Milliseconds HQ spent on uploads, from its request log ("POST /api/v1/upload 200 12ms").
fn hq_upload_ms(log: &Mutex<Vec<String>>) -> u64 {
    log.lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("POST /api/v1/upload "))
        .filter_map(|l| {
            l.rsplit(' ')
                .next()?
                .strip_suffix("ms")?
                .parse::<u64>()
                .ok()
        })
        .sum()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir_in("/var/tmp").unwrap();
    let hq = salon_hq_store::HqStore::open(&dir.path().join("hq.db")).unwrap();
    let codes: Vec<CampusCode> = CAMPUSES
        .iter()
        .map(|c| CampusCode::parse(c).unwrap())
        .collect();
    for code in &codes {
        hq.add_campus(&Actor::cli(), code, "キャンパス", Utc::now())
            .unwrap();
    }
    let issued = hq
        .issue_code(&Actor::cli(), "山田 花子", &codes, Utc::now())
        .unwrap();
    let requests: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut state = salon_hq_web::ServerState::new(hq);
    state.log = salon_hq_web::LogSink::Memory(requests.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app =
        salon_hq_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (mut store, _) = Vault::new(dir.path().join("device"))
        .create(PASS, PASS)
        .unwrap();
    let mut campuses = Vec::new();
    for code in CAMPUSES {
        let campus = store
            .save_campus(&CampusInput {
                id: None,
                name: format!("{code}キャンパス"),
                weekday: 1,
                start_time: "10:00".into(),
                end_time: "13:00".into(),
                place: "相談室".into(),
                default_format: "in_person".into(),
                hq_code: Some(code.into()),
            })
            .unwrap();
        campuses.push(campus.id);
    }
    let client = HqClient::new(&url).unwrap();
    let enrolment = client
        .enrol(&EnrolmentCode::parse(&issued.code).unwrap())
        .await
        .unwrap();
    store.save_enrolment(client.address(), &enrolment).unwrap();
    let start = NaiveDate::from_ymd_opt(2024, 4, 8).unwrap();
    for week in 0..50u64 {
        for (c, &campus) in campuses.iter().enumerate() {
            let day = start + Days::new(week * 7 + c as u64);
            let session = open(&mut store, campus, day);
            for v in 0..(3 + (week + c as u64) % 3) {
                log(
                    &mut store,
                    session,
                    None,
                    ["self", "teacher", "outreach"][v as usize % 3],
                );
            }
            store.close_session(session, at(13)).unwrap();
        }
    }
    let device = Device::new(store);

    let mut rows = Vec::new();
    for what in ["a whole year, first sync", "the next day"] {
        if what == "the next day" {
            device
                .with(|s| {
                    let session = open(s, campuses[0], start + Days::new(50 * 7));
                    log(s, session, None, "self");
                    s.close_session(session, at(13))?;
                    Ok(())
                })
                .unwrap();
        }
        let before = hq_upload_ms(&requests);
        let t = Instant::now();
        let stored = match salon_sync::send_pending(&device).await.unwrap() {
            salon_sync::Sent::Done(receipt) => receipt.map_or(0, |r| r.stored),
            salon_sync::Sent::NotEnrolled => panic!("the device is enrolled"),
        };
        let wall = t.elapsed().as_secs_f64() * 1000.0;
        let hq_ms = (hq_upload_ms(&requests) - before) as f64;
        let uploads = requests
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("POST /api/v1/upload "))
            .count();
        rows.push(format!(
            "| end-of-day sync, 3 campuses: {what} ({stored} snapshots stored) | {wall:.0} ms | HQ's own ingest: {hq_ms:.0} ms ({uploads} uploads so far) | {:.1}× | ≤ 1000 ms | {} |",
            wall / hq_ms.max(1.0),
            if wall <= 1000.0 { "met" } else { "not met" }
        ));
    }
    for row in rows {
        println!("{row}");
    }
}
