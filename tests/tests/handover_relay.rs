//! A caseload handed on through headquarters (事務局経由), attacked as a hostile headquarters
//! would: two real stores, the real relay step (`salon_sync::relay`) and the real headquarters
//! on 127.0.0.1 with every request body kept. Headquarters carries the package and the receipt
//! and can read neither: no body, no database file, no backup holds a note, a name or a
//! campus; the package is gone from it once fetched; the 操作記録 names the two devices and no
//! more; a key it swaps in for the colleague's is caught by the fingerprint the sender types.
//!
//! Over 500 lines because the attacks share one harness (headquarters keeping every body, or
//! on a clock the test moves) and read best beside it.

#[path = "support/device.rs"]
mod device;
#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::Request;
use axum::middleware::{self, Next};
use chrono::Utc;
use device::*;
use salon_core::VisitInput;
use salon_protocol::relay::RelayLaptop;
use salon_store::{HandoverReason, HandoverRequest, SearchQuery, StoreError};
use salon_sync::HqClient;

/// Every request body headquarters was sent, as bytes.
type Bodies = Arc<Mutex<Vec<u8>>>;

async fn headquarters_keeping_bodies(dir: &Path) -> (String, Arc<salon_hq_store::HqStore>, Bodies) {
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

fn token(d: &Device) -> String {
    d.with(|s| s.enrolment())
        .unwrap()
        .unwrap()
        .token
        .to_string()
}

/// The colleague's laptop as headquarters lists it to `from`.
async fn listed(url: &str, from: &Device, supporter_device: i64) -> RelayLaptop {
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
const A: i64 = 1;
const B: i64 = 2;

/// A campus of A's with one student whose visit holds `note`; the campus's id.
fn a_student_with(a: &Device, campus: i64, note: &str) {
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

fn request(campus: i64, typed: String) -> HandoverRequest {
    HandoverRequest {
        colleague: 0,
        typed_fingerprint: typed,
        campus_id: campus,
        students: None,
        reason: HandoverReason::Transfer,
    }
}

fn screen_fingerprint(d: &Device) -> String {
    d.with(|s| s.laptop_card(""))
        .unwrap()
        .fingerprint()
        .to_string()
}

/// The database file and a backup of it (SQLite's online backup, as `salon-hq backup` makes).
fn hq_files(dir: &Path) -> Vec<u8> {
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

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campus_handed_on_through_headquarters_arrives_whole_and_headquarters_reads_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, bodies) = headquarters_keeping_bodies(dir.path()).await;
    let (a, campus) = enrolled_device(&dir.path().join("a"), &url, &hq).await;
    let (b, _) = enrolled_device(&dir.path().join("b"), &url, &hq).await;
    let canary = support::canary("relay");
    a_student_with(&a, campus, &canary);
    // Each laptop's first sync registers its keys.
    for d in [&a, &b] {
        salon_sync::relay(d).await.unwrap();
    }
    assert_eq!(hq.keys_in_use().unwrap().len(), 2);

    // 山田さん picks 佐藤さん's laptop from headquarters' list and types the digits 佐藤さん
    // reads from their own screen.
    let b_listed = listed(&url, &a, B).await;
    let sealed = a
        .with(|s| {
            s.seal_for_relay(
                &b_listed,
                &request(campus, screen_fingerprint(&b)),
                "山田 花子",
                Utc::now(),
                today(),
            )
        })
        .unwrap();
    let sent = salon_sync::relay(&a).await.unwrap();
    assert_eq!(sent.sent, 1);
    let held = hq.relayed_packages(Utc::now()).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].sender, held[0].recipient, held[0].state.as_str()),
        (A, B, "waiting")
    );
    // A piece of the sealed package, to look for after it is fetched.
    let sealed_part: String = {
        let v: serde_json::Value = serde_json::from_str(&sealed.file).unwrap();
        v["ciphertext"].as_str().unwrap()[100..160].to_owned()
    };
    assert!(
        holds(&hq_files(dir.path()), &sealed_part),
        "held while waiting"
    );

    // 佐藤さん's sync fetches it; headquarters keeps none of it.
    let fetched = salon_sync::relay(&b).await.unwrap();
    assert_eq!(fetched.fetched, 1);
    assert_eq!(hq.relayed_packages(Utc::now()).unwrap()[0].state, "fetched");
    let waiting = b.with(|s| s.relayed_to_me()).unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(!waiting[0].sender_known, "B never met A's card");
    // Taking it asks for 山田さん's digits, from 山田さん's screen.
    assert!(matches!(
        b.with(|s| s.trust_relayed_sender(&waiting[0].id, "0000 0000 0000 0000 0000 0000")),
        Err(StoreError::FingerprintMismatch)
    ));
    b.with(|s| s.trust_relayed_sender(&waiting[0].id, &screen_fingerprint(&a)))
        .unwrap();
    b.with(|s| s.accept_relayed(&waiting[0].id, &[], Utc::now()))
        .unwrap();
    salon_sync::relay(&b).await.unwrap();
    let settled = salon_sync::relay(&a).await.unwrap();
    assert_eq!(settled.settled, 1);

    let search = |d: &Device| {
        d.with(|s| {
            s.search(&SearchQuery {
                text: canary.clone(),
                ..Default::default()
            })
        })
        .unwrap()
        .total
    };
    assert_eq!(
        (search(&a), search(&b)),
        (0, 1),
        "A's copy gone, B holds it"
    );
    assert_eq!(a.with(|s| s.handovers()).unwrap()[0].state, "done");
    assert_eq!(hq.relayed_packages(Utc::now()).unwrap()[0].state, "done");

    // What headquarters was sent and keeps: nothing of the student.
    let sent_bodies = bodies.lock().unwrap().clone();
    let kept = hq_files(dir.path());
    for secret in [canary.as_str(), "はるかさん", "次は履歴書"] {
        assert!(
            !holds(&sent_bodies, secret),
            "a request body holds {secret}"
        );
        assert!(!holds(&kept, secret), "headquarters' files hold {secret}");
    }
    // Headquarters names its campuses itself; no laptop sent it the campus's name.
    assert!(!holds(&sent_bodies, "柏キャンパス"));
    assert!(
        !holds(&kept, &sealed_part),
        "the package is deleted once fetched"
    );
    let lines: Vec<_> = hq
        .audit_log(None)
        .unwrap()
        .into_iter()
        .filter(|l| l.detail.contains("→"))
        .collect();
    let actions: Vec<_> = lines
        .iter()
        .filter_map(|l| l.action.map(|a| a.code()))
        .collect();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.starts_with("handover_"))
            .count(),
        3,
        "{actions:?}"
    );
    for line in &lines {
        assert!(
            line.detail.starts_with("端末 1 → 端末 2（担当交代、"),
            "{}",
            line.detail
        );
        assert!(line.detail.ends_with(" KB）"), "{}", line.detail);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_headquarters_swaps_in_for_the_colleagues_is_refused_by_the_typed_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, _) = headquarters_keeping_bodies(dir.path()).await;
    let (a, campus) = enrolled_device(&dir.path().join("a"), &url, &hq).await;
    let (b, _) = enrolled_device(&dir.path().join("b"), &url, &hq).await;
    a_student_with(&a, campus, "家での話");
    for d in [&a, &b] {
        salon_sync::relay(d).await.unwrap();
    }
    // Headquarters' operator puts a key pair of their own in B's place.
    let mallory_dir = tempfile::tempdir().unwrap();
    let (m_store, _) = salon_store::Vault::new(mallory_dir.path())
        .create(PASS, PASS)
        .unwrap();
    let (e, s) = m_store.laptop_card("").unwrap().public_keys();
    let db = rusqlite::Connection::open(dir.path().join("hq.db")).unwrap();
    db.execute(
        "UPDATE device_keys SET encryption = ?1, signing = ?2 WHERE device_id = ?3",
        rusqlite::params![e.as_slice(), s.as_slice(), B],
    )
    .unwrap();

    let swapped = listed(&url, &a, B).await;
    let refused = a.with(|s| {
        s.seal_for_relay(
            &swapped,
            &request(campus, screen_fingerprint(&b)),
            "山田 花子",
            Utc::now(),
            today(),
        )
    });
    assert!(
        matches!(refused, Err(StoreError::FingerprintMismatch)),
        "{refused:?}"
    );
    assert!(
        a.with(|s| s.handovers()).unwrap().is_empty(),
        "nothing sealed"
    );
    assert_eq!(salon_sync::relay(&a).await.unwrap().sent, 0);
    assert!(hq.relayed_packages(Utc::now()).unwrap().is_empty());
}

/// Headquarters on a clock the test moves, its store, and its clock.
async fn headquarters_on_a_clock(
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

fn refused(r: Result<impl std::fmt::Debug, salon_sync::SyncError>) -> salon_protocol::ErrorCode {
    match r {
        Err(salon_sync::SyncError::Refused { code, .. }) => code,
        other => panic!("not refused: {other:?}"),
    }
}

/// Bytes that differ from call to call, for package ids.
fn rand_byte() -> u8 {
    use std::sync::atomic::{AtomicU8, Ordering};
    static NEXT: AtomicU8 = AtomicU8::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    (nanos as u8).wrapping_add(NEXT.fetch_add(37, Ordering::SeqCst))
}

/// A package as a laptop would send it, of `bytes` bytes (headquarters cannot tell).
fn package_for(
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_refuses_other_devices_revoked_ones_large_replayed_and_expired_packages() {
    use salon_protocol::relay::MAX_PACKAGE_BYTES;
    use salon_protocol::ErrorCode;
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, clock) = headquarters_on_a_clock(dir.path()).await;
    let (a, _) = enrolled_device(&dir.path().join("a"), &url, &hq).await;
    let (b, _) = enrolled_device(&dir.path().join("b"), &url, &hq).await;
    let (c, _) = enrolled_device(&dir.path().join("c"), &url, &hq).await;
    for d in [&a, &b, &c] {
        salon_sync::relay(d).await.unwrap();
    }
    let client = HqClient::new(&url).unwrap();
    let (ta, tb, tc) = (token(&a), token(&b), token(&c));
    let to_b = listed(&url, &a, B).await;

    // Over the device API's 64 KiB, under the relay's own limit: carried.
    let big = package_for(&to_b, 200 * 1024, 14);
    client.relay_send(&ta, &big).await.unwrap();
    // The same package again: the sender's own retry is taken as delivered once; another
    // laptop sending that id is refused.
    client.relay_send(&ta, &big).await.unwrap();
    let mut copied = big.clone();
    copied.to = A;
    copied.keys = listed(&url, &c, A).await.keys;
    assert_eq!(
        refused(client.relay_send(&tc, &copied).await),
        ErrorCode::RelayReplayed
    );
    // Too large; sealed to keys that are not B's; to itself; an expiry past or too far.
    let huge = package_for(&to_b, MAX_PACKAGE_BYTES + 1, 14);
    assert_eq!(
        refused(client.relay_send(&ta, &huge).await),
        ErrorCode::BodyTooLarge
    );
    let mut other_keys = package_for(&to_b, 10, 14);
    other_keys.keys = listed(&url, &a, 3).await.keys;
    assert_eq!(
        refused(client.relay_send(&ta, &other_keys).await),
        ErrorCode::RelayKeysChanged
    );
    let to_self = package_for(&listed(&url, &b, A).await, 10, 14);
    assert_eq!(
        refused(client.relay_send(&ta, &to_self).await),
        ErrorCode::RelayRecipient
    );
    for days in [-1, 31] {
        let wrong = package_for(&to_b, 10, days);
        assert_eq!(
            refused(client.relay_send(&ta, &wrong).await),
            ErrorCode::RelayExpired
        );
    }

    // C, a colleague with a good token, sees nothing for B and cannot fetch it.
    assert!(client.relay_inbox(&tc).await.unwrap().packages.is_empty());
    assert_eq!(
        refused(client.relay_fetch(&tc, &big.id).await),
        ErrorCode::NotFound
    );
    let inbox = client.relay_inbox(&tb).await.unwrap();
    assert_eq!(
        (inbox.packages.len(), inbox.packages[0].bytes),
        (1, 200 * 1024)
    );

    // Expired: deleted by headquarters on its clock, the sender told.
    clock.advance(chrono::Duration::days(15));
    assert!(client.relay_inbox(&tb).await.unwrap().packages.is_empty());
    assert_eq!(
        refused(client.relay_fetch(&tb, &big.id).await),
        ErrorCode::RelayExpired
    );
    let ended = client.relay_inbox(&ta).await.unwrap().ended;
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].why, salon_protocol::relay::RelayEnd::Expired);
    let held: Option<Vec<u8>> = rusqlite::Connection::open(dir.path().join("hq.db"))
        .unwrap()
        .query_row(
            "SELECT package FROM relayed_packages WHERE id = ?1",
            [big.id.as_str()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(held.is_none(), "the expired package is deleted");
    client.relay_ack(&ta, &ended[0].id).await.unwrap();
    assert!(
        client.relay_inbox(&ta).await.unwrap().ended.is_empty(),
        "told once"
    );

    // B revoked: a package waiting for it ends, a new one is refused, B fetches nothing.
    // (Headquarters' clock is 15 days ahead now.)
    let waiting = package_for(&to_b, 10, 29);
    client.relay_send(&ta, &waiting).await.unwrap();
    hq.revoke(&salon_hq_store::Actor::cli(), B, Utc::now())
        .unwrap();
    let fresh = package_for(&to_b, 10, 29);
    assert_eq!(
        refused(client.relay_send(&ta, &fresh).await),
        ErrorCode::RelayRecipient
    );
    assert_eq!(
        refused(client.relay_fetch(&tb, &waiting.id).await),
        ErrorCode::DeviceRevoked
    );
    let ended = client.relay_inbox(&ta).await.unwrap().ended;
    assert_eq!(
        ended[0].why,
        salon_protocol::relay::RelayEnd::RecipientReplaced
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_taken_over_gets_new_keys_and_packages_sealed_to_the_old_ones_end() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, _) = headquarters_keeping_bodies(dir.path()).await;
    let (a, campus) = enrolled_device(&dir.path().join("a"), &url, &hq).await;
    let (b, _) = enrolled_device(&dir.path().join("b"), &url, &hq).await;
    a_student_with(&a, campus, "家での話");
    for d in [&a, &b] {
        salon_sync::relay(d).await.unwrap();
    }
    let before = screen_fingerprint(&b);
    let to_b = listed(&url, &a, B).await;
    a.with(|s| {
        s.seal_for_relay(
            &to_b,
            &request(campus, before.clone()),
            "山田 花子",
            Utc::now(),
            today(),
        )
    })
    .unwrap();
    salon_sync::relay(&a).await.unwrap();

    // B's laptop is lost; its backup is restored on a new one (here: the same store, which
    // holds the same keys), enrolled with a takeover code.
    let code = hq
        .issue_takeover_code(&salon_hq_store::Actor::cli(), B, Utc::now())
        .unwrap()
        .code;
    let enrolment = HqClient::new(&url)
        .unwrap()
        .enrol(&salon_protocol::EnrolmentCode::parse(&code).unwrap())
        .await
        .unwrap();
    b.with(|s| s.save_enrolment(&url, &enrolment)).unwrap();
    salon_sync::relay(&b).await.unwrap();
    let after = screen_fingerprint(&b);
    assert_ne!(before, after, "a new pair on the replacement");
    assert!(
        b.with(|s| s.relayed_to_me()).unwrap().is_empty(),
        "nothing sealed to the old pair arrives"
    );
    // A is told, and its students' records can be written again.
    let told = salon_sync::relay(&a).await.unwrap();
    assert_eq!(told.ended, 1);
    let record = &a.with(|s| s.handovers()).unwrap()[0];
    assert_eq!(
        (record.state.as_str(), record.relay_end.as_deref()),
        ("cancelled", Some("recipient_replaced"))
    );
    // The list now gives the new keys, whose digits are the ones on B's screen.
    let listed_now = listed(&url, &a, B).await;
    let shown = a.with(|s| Ok(s.relay_colleagues(&[listed_now]))).unwrap();
    assert_eq!(shown[0].fingerprint, after);
}
