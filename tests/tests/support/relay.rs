//! The handover relay's harness, shared by its test binaries: headquarters on 127.0.0.1
//! keeping every request body, or on a clock the test moves; two laptops and a student with a
//! story; the list, the digits on a laptop's screen, a package as any laptop could send it.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use chrono::Utc;
use salon_core::VisitInput;
use salon_protocol::relay::RelayLaptop;
use salon_store::{HandoverReason, HandoverRequest};
use salon_sync::HqClient;

use super::device::*;

/// Every request body headquarters was sent, as bytes.
pub type Bodies = Arc<Mutex<Vec<u8>>>;

pub async fn headquarters_keeping_bodies(
    dir: &Path,
) -> (String, Arc<salon_hq_store::HqStore>, Bodies) {
    let bodies: Bodies = Arc::default();
    let kept = bodies.clone();
    let (url, hq) = start_hq_with(dir, move |router| {
        router.layer(middleware::from_fn(move |req: Request, next: Next| {
            let kept = kept.clone();
            async move {
                let (parts, body) = req.into_parts();
                let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                kept.lock().unwrap().extend_from_slice(&bytes);
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
        }))
    })
    .await;
    (url, hq, bodies)
}

pub fn token(d: &Device) -> String {
    d.with(|s| s.enrolment())
        .unwrap()
        .unwrap()
        .token
        .to_string()
}

/// The colleague's laptop as headquarters lists it to `from`.
pub async fn listed(url: &str, from: &Device, supporter_device: i64) -> RelayLaptop {
    let list = HqClient::new(url)
        .unwrap()
        .relay_laptops(&token(from))
        .await
        .unwrap();
    list.laptops
        .into_iter()
        .find(|l| l.device == supporter_device)
        .expect("the colleague's laptop is listed")
}

/// Device numbers as headquarters gave them: enrolled in order, from 1.
pub const A: i64 = 1;
pub const B: i64 = 2;

/// A campus of A's with one student whose visit holds `note`; the campus's id.
pub fn a_student_with(a: &Device, campus: i64, note: &str) {
    a.with(|s| {
        let haruka = named(s, campus, "はるかさん");
        let salon = open(s, campus, today());
        s.save_visit(
            &VisitInput {
                id: None,
                session_id: salon,
                student_id: Some(haruka),
                new_student: None,
                route: "self".into(),
                topics: vec!["family".into()],
                minutes: 30,
                note: note.into(),
                next_steps: "次は履歴書".into(),
                follow_up_on: None,
                concern: false,
                teacher_summary: String::new(),
            },
            None,
        )?;
        s.close_session(salon, at(13))?;
        Ok(())
    })
    .unwrap();
}

pub fn request(campus: i64, typed: String) -> HandoverRequest {
    HandoverRequest {
        colleague: 0,
        typed_fingerprint: typed,
        campus_id: campus,
        students: None,
        reason: HandoverReason::Transfer,
    }
}

pub fn screen_fingerprint(d: &Device) -> String {
    d.with(|s| s.laptop_card(""))
        .unwrap()
        .fingerprint()
        .to_string()
}

/// The database file and a backup of it (SQLite's online backup, as `salon-hq backup` makes).
pub fn hq_files(dir: &Path) -> Vec<u8> {
    let copy = dir.join("hq-backup.db");
    let _ = std::fs::remove_file(&copy);
    let source = rusqlite::Connection::open(dir.join("hq.db")).unwrap();
    let mut dest = rusqlite::Connection::open(&copy).unwrap();
    rusqlite::backup::Backup::new(&source, &mut dest)
        .unwrap()
        .run_to_completion(1000, std::time::Duration::ZERO, None)
        .unwrap();
    let mut all = std::fs::read(dir.join("hq.db")).unwrap();
    all.extend(std::fs::read(&copy).unwrap());
    all.extend(std::fs::read(dir.join("hq.db-wal")).unwrap_or_default());
    all
}

pub fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Headquarters on a clock the test moves, its store, and its clock.
pub async fn headquarters_on_a_clock(
    dir: &Path,
) -> (String, Arc<salon_hq_store::HqStore>, salon_hq_web::Clock) {
    let store = salon_hq_store::HqStore::open(&dir.join("hq.db")).unwrap();
    store
        .add_campus(
            &salon_hq_store::Actor::cli(),
            &salon_protocol::CampusCode::parse("C-012").unwrap(),
            "柏キャンパス",
            Utc::now(),
        )
        .unwrap();
    let mut state = salon_hq_web::ServerState::new(store);
    let clock = salon_hq_web::Clock::manual(Utc::now());
    state.clock = clock.clone();
    let hq = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let app = salon_hq_web::router(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hq, clock)
}

pub fn refused(
    r: Result<impl std::fmt::Debug, salon_sync::SyncError>,
) -> salon_protocol::ErrorCode {
    match r {
        Err(salon_sync::SyncError::Refused { code, .. }) => code,
        other => panic!("not refused: {other:?}"),
    }
}

/// Bytes that differ from call to call, for package ids.
pub fn rand_byte() -> u8 {
    use std::sync::atomic::{AtomicU8, Ordering};
    static NEXT: AtomicU8 = AtomicU8::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (nanos as u8).wrapping_add(NEXT.fetch_add(37, Ordering::SeqCst))
}

/// A package as a laptop would send it, of `bytes` bytes (headquarters cannot tell).
pub fn package_for(
    to: &RelayLaptop,
    bytes: usize,
    expires_in_days: i64,
) -> salon_protocol::relay::RelaySend {
    let id: [u8; 16] = std::array::from_fn(|i| (rand_byte() as usize + i) as u8);
    salon_protocol::relay::RelaySend {
        id: salon_protocol::PackageId::parse(&data_encoding::HEXLOWER.encode(&id)).unwrap(),
        to: to.device,
        keys: to.keys.clone(),
        reason: salon_protocol::relay::RelayReason::Cover,
        expires_at: Utc::now() + chrono::Duration::days(expires_in_days),
        package: "x".repeat(bytes),
    }
}

/// Laptops A, B and C enrolled at `url`, their keys registered.
pub async fn three_laptops(
    dir: &Path,
    url: &str,
    hq: &salon_hq_store::HqStore,
) -> (Device, Device, Device) {
    let mut three = laptops(dir, url, hq, &["a", "b", "c"]).await.into_iter();
    let mut next = || three.next().unwrap().0;
    (next(), next(), next())
}

/// `names.len()` laptops enrolled at `url`, each in its own folder under `dir`, their keys
/// registered by a first relay pass; each with its campus's id.
pub async fn laptops(
    dir: &Path,
    url: &str,
    hq: &salon_hq_store::HqStore,
    names: &[&str],
) -> Vec<(Device, i64)> {
    let mut out = Vec::new();
    for name in names {
        out.push(enrolled_device(&dir.join(name), url, hq).await);
    }
    for (d, _) in &out {
        salon_sync::relay(d).await.unwrap();
    }
    out
}

/// Laptops A and B enrolled at `url` (keys registered), A with one student whose visit holds
/// `note` at its campus; A, B and that campus's id.
pub async fn a_and_b(
    dir: &Path,
    url: &str,
    hq: &salon_hq_store::HqStore,
    note: &str,
) -> (Device, Device, i64) {
    let mut two = laptops(dir, url, hq, &["a", "b"]).await.into_iter();
    let ((a, campus), (b, _)) = (two.next().unwrap(), two.next().unwrap());
    a_student_with(&a, campus, note);
    (a, b, campus)
}
