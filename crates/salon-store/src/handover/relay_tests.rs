//! The laptop's side of the relay where no headquarters is needed to see it: keys renewed
//! after a takeover still settle what was sealed before, and what waits here is limited.

use salon_protocol::relay::{
    PackageId, RelayOffer, RelayReason, MAX_PACKAGE_BYTES, MOST_KEPT_UNDECIDED,
};

use super::tests::{handover_day, now, pair};
use super::HandoverReason;
use crate::vault::tests::fresh_store;

#[test]
fn a_receipt_for_a_handover_sealed_before_the_keys_were_renewed_still_settles_it() {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Transfer);
    let (_, receipt) = p.b.accept_package(&sealed.file, &[], now()).unwrap();
    // A's laptop is replaced from its backup and, after the takeover, gets a new pair.
    let before = p.a.laptop_card("").unwrap();
    p.a.renew_laptop_keys().unwrap();
    assert!(!p.a.laptop_card("").unwrap().same_keys(&before));
    let settled = p.a.import_receipt(&receipt, handover_day()).unwrap();
    assert_eq!(settled.state, "done");
}

fn offer(n: u8) -> RelayOffer {
    RelayOffer {
        id: PackageId::parse(&format!("{n:032x}")).unwrap(),
        from: 7,
        sender: "山田 花子".into(),
        reason: RelayReason::Cover,
        // What headquarters lists: understated here, as a hostile one could.
        bytes: 0,
        expires_at: now() + chrono::Duration::days(14),
    }
}

#[test]
fn what_waits_here_is_limited_on_what_was_fetched_whatever_size_headquarters_lists() {
    let (_dir, mut store) = fresh_store();
    // Larger than headquarters relays: never kept, whatever the listing said.
    let huge = "x".repeat(MAX_PACKAGE_BYTES + 1);
    assert!(!store.keep_relayed(&offer(100), &huge).unwrap());
    for n in 0..MOST_KEPT_UNDECIDED as u8 {
        assert!(store.keep_relayed(&offer(n), "package").unwrap(), "{n}");
    }
    assert!(
        !store.keep_relayed(&offer(50), "package").unwrap(),
        "the 21st"
    );
    // One already kept (its confirmation lost) is kept still.
    assert!(store.keep_relayed(&offer(0), "package").unwrap());
    // A declined one counts until headquarters has the decline and its text is gone.
    store.relay_received_here(&offer(0).id).unwrap();
    let first = store.relayed_to_me().unwrap()[0].id.clone();
    store.decline_relayed(&first).unwrap();
    assert!(!store.keep_relayed(&offer(50), "package").unwrap());
    store.relay_delivered(&offer(0).id).unwrap();
    assert!(store.keep_relayed(&offer(50), "package").unwrap());
    assert_eq!(
        store.relay_unconfirmed().unwrap().len(),
        MOST_KEPT_UNDECIDED as usize
    );
}
