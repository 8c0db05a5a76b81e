//! What the handover relay refuses, on the real headquarters on 127.0.0.1 with its clock
//! moved: another laptop's fetch, a revoked recipient or sender, a package too large, replayed,
//! sealed to other keys, sent to itself or past its expiry; a lost answer or a decline loses
//! nothing; a laptop taken over gets new keys and what was sealed to the old ones ends.

#[path = "support/device.rs"]
mod device;
#[path = "support/relay.rs"]
mod relay;
#[path = "support/mod.rs"]
mod support;

use chrono::Utc;
use device::*;
use relay::*;
use salon_sync::HqClient;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relay_refuses_other_devices_revoked_ones_large_replayed_and_expired_packages() {
    use salon_protocol::relay::MAX_PACKAGE_BYTES;
    use salon_protocol::ErrorCode;
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, clock) = headquarters_on_a_clock(dir.path()).await;
    let (a, b, c) = three_laptops(dir.path(), &url, &hq).await;
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
    assert!(
        !holds(&hq_files(dir.path()), &"x".repeat(4096)),
        "in no file of headquarters'"
    );
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
    let (a, b, campus) = a_and_b(dir.path(), &url, &hq, "家での話").await;
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
    // The list now gives the new keys, the ones B's screen shows the digits of.
    let listed_now = listed(&url, &a, B).await;
    assert_eq!(listed_now.keys, b.with(|s| s.relay_keys()).unwrap().0);
}

/// B fetches and keeps the first package waiting for it, and does not tell headquarters.
async fn kept_first(client: &HqClient, b: &Device) -> salon_protocol::relay::RelayOffer {
    let offer = client
        .relay_inbox(&token(b))
        .await
        .unwrap()
        .packages
        .remove(0);
    let text = client
        .relay_fetch(&token(b), &offer.id)
        .await
        .unwrap()
        .package;
    b.with(|s| s.keep_relayed(&offer, &text)).unwrap();
    offer
}

/// Whether headquarters still holds the package's bytes.
fn held_at_hq(dir: &std::path::Path, id: &str) -> bool {
    let package: Option<Vec<u8>> = rusqlite::Connection::open(dir.join("hq.db"))
        .unwrap()
        .query_row(
            "SELECT package FROM relayed_packages WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    package.is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_or_a_decline_loses_nothing_and_a_revoked_senders_package_is_not_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, _) = headquarters_keeping_bodies(dir.path()).await;
    let (a, b, campus) = a_and_b(dir.path(), &url, &hq, "家での話").await;
    let to_b = listed(&url, &a, B).await;
    let seal = |a: &Device| {
        a.with(|s| {
            s.seal_for_relay(
                &to_b,
                &request(campus, screen_fingerprint(&b)),
                "山田 花子",
                Utc::now(),
                today(),
            )
        })
        .unwrap()
    };
    let first = seal(&a).record.id;
    salon_sync::relay(&a).await.unwrap();

    // B fetches, and the answer never reaches it: headquarters still holds the package.
    let client = HqClient::new(&url).unwrap();
    let id = salon_protocol::PackageId::parse(&first).unwrap();
    client.relay_fetch(&token(&b), &id).await.unwrap();
    assert!(
        held_at_hq(dir.path(), &first),
        "kept until B says it has it"
    );
    assert_eq!(salon_sync::relay(&b).await.unwrap().fetched, 1);
    assert!(!held_at_hq(dir.path(), &first), "deleted once B has it");

    // B declines: A is told, and its students can be written again.
    b.with(|s| s.decline_relayed(&first)).unwrap();
    assert!(b.with(|s| s.relayed_to_me()).unwrap().is_empty());
    salon_sync::relay(&b).await.unwrap();
    assert_eq!(salon_sync::relay(&a).await.unwrap().ended, 1);
    let record = &a.with(|s| s.handovers()).unwrap()[0];
    assert_eq!(
        (record.state.as_str(), record.relay_end.as_deref()),
        ("cancelled", Some("declined"))
    );
    // 今日 says so until 引き継ぎ is opened.
    let news = a.with(|s| s.relay_news()).unwrap();
    assert_eq!((news.settled, news.ended), (0, 1));
    a.with(|s| s.relay_news_seen()).unwrap();
    assert_eq!(a.with(|s| s.relay_news()).unwrap(), Default::default());

    // B keeps the next package and headquarters deletes its copy, but that answer is lost on
    // the way: B's next pass asks again, is answered the same, and offers it.
    let answer_lost = seal(&a).record.id;
    salon_sync::relay(&a).await.unwrap();
    let offer = kept_first(&client, &b).await;
    client.relay_received(&token(&b), &offer.id).await.unwrap();
    assert!(!held_at_hq(dir.path(), &answer_lost));
    assert_eq!(salon_sync::relay(&b).await.unwrap().fetched, 1);
    assert_eq!(b.with(|s| s.relayed_to_me()).unwrap()[0].id, answer_lost);
    b.with(|s| s.decline_relayed(&answer_lost)).unwrap();
    salon_sync::relay(&b).await.unwrap();
    assert_eq!(salon_sync::relay(&a).await.unwrap().ended, 1);

    // B keeps the next package, and headquarters never hears that it did; A cancels it
    // meanwhile. B never offers it, nor can take it.
    let cancelled = seal(&a).record.id;
    salon_sync::relay(&a).await.unwrap();
    kept_first(&client, &b).await;
    assert!(b.with(|s| s.relayed_to_me()).unwrap().is_empty());
    let b_id = b.with(|s| s.trust_relayed_sender(&cancelled, &screen_fingerprint(&a)));
    assert!(
        matches!(b_id, Err(salon_store::StoreError::NotFound(_))),
        "not offered while headquarters holds it"
    );
    a.with(|s| s.cancel_handover(&cancelled)).unwrap();
    salon_sync::relay(&a).await.unwrap();
    assert_eq!(salon_sync::relay(&b).await.unwrap().fetched, 0);
    assert!(matches!(
        b.with(|s| s.accept_relayed(&cancelled, &[], Utc::now())),
        Err(salon_store::StoreError::NotFound(_))
    ));

    // A's laptop is lost and revoked before B fetched its next package: never delivered,
    // and in no file of headquarters'.
    let second = seal(&a);
    let part: String = {
        let v: serde_json::Value = serde_json::from_str(&second.file).unwrap();
        v["ciphertext"].as_str().unwrap()[100..160].to_owned()
    };
    salon_sync::relay(&a).await.unwrap();
    assert!(holds(&hq_files(dir.path()), &part), "held while waiting");
    hq.revoke(&salon_hq_store::Actor::cli(), A, Utc::now())
        .unwrap();
    assert!(!held_at_hq(dir.path(), &second.record.id));
    assert!(!holds(&hq_files(dir.path()), &part));
    assert_eq!(salon_sync::relay(&b).await.unwrap().fetched, 0);
    assert!(b.with(|s| s.relayed_to_me()).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_laptops_token_can_fill_headquarters_or_a_colleagues_laptop_with_packages() {
    use salon_protocol::relay::{MAX_PACKAGE_BYTES, MOST_KEPT_UNDECIDED, MOST_WAITING_FROM_ONE};
    use salon_protocol::ErrorCode;
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, _) = headquarters_on_a_clock(dir.path()).await;
    let (a, b, c) = three_laptops(dir.path(), &url, &hq).await;
    let client = HqClient::new(&url).unwrap();
    let to_b = listed(&url, &a, B).await;
    for _ in 0..MOST_WAITING_FROM_ONE {
        client
            .relay_send(&token(&a), &package_for(&to_b, 10, 14))
            .await
            .unwrap();
    }
    let one_more = package_for(&to_b, 10, 14);
    assert_eq!(
        refused(client.relay_send(&token(&a), &one_more).await),
        ErrorCode::RelayFull
    );
    // Another laptop sending to B meets B's limit in bytes.
    let to_b_from_c = listed(&url, &c, B).await;
    let largest = || package_for(&to_b_from_c, MAX_PACKAGE_BYTES, 14);
    let c_token = token(&c);
    for _ in 0..3 {
        client.relay_send(&c_token, &largest()).await.unwrap();
    }
    assert_eq!(
        refused(client.relay_send(&c_token, &largest()).await),
        ErrorCode::RelayFull
    );
    // Nor can the senders fill B's laptop: it keeps 20 undecided, and leaves the rest at
    // headquarters. (Which 20 depends on the order headquarters lists them, by time and id;
    // at most 3 of A's wait still, so A may send again.)
    let first = salon_sync::relay(&b).await.unwrap();
    assert_eq!((first.fetched, first.left_at_hq), (MOST_KEPT_UNDECIDED, 3));
    client.relay_send(&token(&a), &one_more).await.unwrap();
    // Once B decides on those it has, what was left comes.
    let decline_all = || {
        for w in b.with(|s| s.relayed_to_me()).unwrap() {
            b.with(|s| s.decline_relayed(&w.id)).unwrap();
        }
    };
    decline_all();
    let next = salon_sync::relay(&b).await.unwrap();
    assert_eq!((next.fetched, next.left_at_hq), (4, 0));
    decline_all();
    salon_sync::relay(&b).await.unwrap();
    // B keeps 48 MiB and 10 bytes: a fourth 16 MiB package would pass 64 MiB, and waits.
    for _ in 0..3 {
        client.relay_send(&c_token, &largest()).await.unwrap();
    }
    client
        .relay_send(&token(&a), &package_for(&to_b, 10, 14))
        .await
        .unwrap();
    assert_eq!(salon_sync::relay(&b).await.unwrap().fetched, 4);
    client.relay_send(&c_token, &largest()).await.unwrap();
    let last = salon_sync::relay(&b).await.unwrap();
    assert_eq!((last.fetched, last.left_at_hq), (0, 1));
    assert_eq!(b.with(|s| s.relayed_to_me()).unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_after_the_colleague_fetched_it_says_so_and_the_list_names_campuses() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq, _) = headquarters_keeping_bodies(dir.path()).await;
    let (a, b, campus) = a_and_b(dir.path(), &url, &hq, "家での話").await;
    let to_b = listed(&url, &a, B).await;
    let shown = a
        .with(|s| Ok(s.relay_colleagues(std::slice::from_ref(&to_b))))
        .unwrap();
    assert_eq!(shown[0].campuses, vec!["柏キャンパス".to_owned()]);

    let id = a
        .with(|s| {
            s.seal_for_relay(
                &to_b,
                &request(campus, screen_fingerprint(&b)),
                "山田 花子",
                Utc::now(),
                today(),
            )
        })
        .unwrap()
        .record
        .id;
    salon_sync::relay(&a).await.unwrap();
    salon_sync::relay(&b).await.unwrap();
    a.with(|s| s.cancel_handover(&id)).unwrap();
    salon_sync::relay(&a).await.unwrap();
    let record = &a.with(|s| s.handovers()).unwrap()[0];
    assert_eq!(
        (record.state.as_str(), record.relay_end.as_deref()),
        ("cancelled", Some("relay_fetched"))
    );
    assert_eq!(
        b.with(|s| s.relayed_to_me()).unwrap().len(),
        1,
        "B holds it"
    );
}
