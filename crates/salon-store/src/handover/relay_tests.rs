//! The laptop's side of the relay where no headquarters is needed to see it: keys renewed
//! after a takeover still settle what was sealed before, and a declined package waits to be
//! told and is gone from the list.

use super::tests::{handover_day, now, pair};
use super::HandoverReason;

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
