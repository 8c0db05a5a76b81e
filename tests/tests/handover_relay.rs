//! A caseload handed on through headquarters (事務局経由), attacked as a hostile headquarters
//! would: two real stores, the real relay step (`salon_sync::relay`) and the real headquarters
//! on 127.0.0.1 with every request body kept. Headquarters carries the package and the receipt
//! and can read neither: no body, no database file, no backup holds a note or a name; the
//! package is gone from its files once fetched; the 操作記録 names the two devices and no
//! more; a key it swaps in for the colleague's is caught by the fingerprint the sender types.
//! Its refusals and a lost laptop: `handover_relay_refusals.rs`.

#[path = "support/device.rs"]
mod device;
#[path = "support/relay.rs"]
mod relay;
#[path = "support/mod.rs"]
mod support;

use chrono::Utc;
use device::*;
use relay::*;
use salon_store::{SearchQuery, StoreError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_campus_handed_on_through_headquarters_arrives_whole_and_headquarters_reads_none_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, bodies) = headquarters_keeping_bodies(dir.path()).await;
    let canary = support::canary("relay");
    // Each laptop's first sync registers its keys.
    let (a, b, campus) = a_and_b(dir.path(), &url, &hq, &canary).await;
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
    assert!(
        b.with(|s| s.relayed_to_me()).unwrap()[0].sender_known,
        "A's card is known once trusted"
    );
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
    let (a, b, campus) = a_and_b(dir.path(), &url, &hq, "家での話").await;
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
