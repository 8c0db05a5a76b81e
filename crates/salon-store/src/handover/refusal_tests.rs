//! A package or a receipt that is not right, as an attacker would send one: refused whole,
//! with the reason the supporter is told, and nothing written.

use chrono::{DateTime, Duration, Utc};
use salon_handover::Refusal;

use super::tests::{everything, handover_day, now, pair};
use super::*;
use crate::vault::tests::{campus_input, fresh_store, student_input};
use crate::{Store, StoreError};

#[test]
fn a_package_not_for_this_laptop_altered_unknown_replayed_or_expired_is_refused_and_changes_nothing(
) {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Transfer);
    let untouched = everything(&p.b);
    let refused = |b: &mut Store, file: &str, at: DateTime<Utc>| {
        let opened = b.open_package(file, at).map(|_| ()).unwrap_err();
        let accepted = b.accept_package(file, &[], at).map(|_| ()).unwrap_err();
        match (opened, accepted) {
            (StoreError::Handover(x), StoreError::Handover(y)) if x == y => x,
            other => panic!("{other:?}"),
        }
    };

    // For another laptop: a third colleague who knows A.
    let (_c_dir, mut c) = fresh_store();
    let a_card = p.a.laptop_card("A 山田").unwrap();
    c.import_laptop_card(&a_card.to_file(), &a_card.fingerprint().to_string())
        .unwrap();
    assert_eq!(
        refused(&mut c, &sealed.file, now()),
        Refusal::NotForThisLaptop
    );

    // Altered on the way: one character of the ciphertext.
    let mut package: serde_json::Value = serde_json::from_str(&sealed.file).unwrap();
    let text = package["ciphertext"].as_str().unwrap().to_owned();
    let flipped = if text.starts_with('A') { "B" } else { "A" };
    package["ciphertext"] = format!("{flipped}{}", &text[1..]).into();
    assert_eq!(
        refused(&mut p.b, &package.to_string(), now()),
        Refusal::Altered
    );

    // Expired: opened after its two weeks.
    assert_eq!(
        refused(&mut p.b, &sealed.file, now() + Duration::days(15)),
        Refusal::Expired
    );

    // From a laptop whose card was never imported: B forgets A.
    let (_d_dir, mut stranger) = fresh_store();
    let b_card = p.b.laptop_card("B").unwrap();
    let request = HandoverRequest {
        colleague: stranger
            .import_laptop_card(&b_card.to_file(), &b_card.fingerprint().to_string())
            .unwrap()
            .id,
        typed_fingerprint: b_card.fingerprint().to_string(),
        ..p.request(HandoverReason::Transfer)
    };
    let campus = stranger.save_campus(&campus_input("柏", 2)).unwrap();
    stranger
        .save_student(&student_input(campus.id, "だれか"))
        .unwrap();
    let from_stranger = stranger
        .seal_handover(
            &HandoverRequest {
                campus_id: campus.id,
                ..request
            },
            "知らない端末",
            now(),
            handover_day(),
        )
        .unwrap();
    assert_eq!(
        refused(&mut p.b, &from_stranger.file, now()),
        Refusal::UnknownSender
    );
    assert_eq!(everything(&p.b), untouched, "nothing was written");

    // Taken once; a second time is a replay, and nothing is added.
    p.b.accept_package(&sealed.file, &[], now()).unwrap();
    let once = everything(&p.b);
    assert_eq!(refused(&mut p.b, &sealed.file, now()), Refusal::Replayed);
    assert_eq!(everything(&p.b), once);
}

#[test]
fn a_receipt_for_another_package_or_from_another_laptop_settles_nothing() {
    let mut p = pair();
    let sealed = p.seal(HandoverReason::Transfer);
    // The receipt of a package A never sealed (a third laptop's, to B).
    let (_c_dir, mut c) = fresh_store();
    let b_card = p.b.laptop_card("B").unwrap();
    let c_card = c.laptop_card("C").unwrap();
    let to_b = c
        .import_laptop_card(&b_card.to_file(), &b_card.fingerprint().to_string())
        .unwrap()
        .id;
    p.b.import_laptop_card(&c_card.to_file(), &c_card.fingerprint().to_string())
        .unwrap();
    let campus = c.save_campus(&campus_input("松戸", 3)).unwrap();
    c.save_student(&student_input(campus.id, "ほか")).unwrap();
    let other = c
        .seal_handover(
            &HandoverRequest {
                colleague: to_b,
                typed_fingerprint: b_card.fingerprint().to_string(),
                campus_id: campus.id,
                students: None,
                reason: HandoverReason::Transfer,
            },
            "C",
            now(),
            handover_day(),
        )
        .unwrap();
    let (_, not_ours) = p.b.accept_package(&other.file, &[], now()).unwrap();
    let before = everything(&p.a);
    assert!(matches!(
        p.a.import_receipt(&not_ours, handover_day()),
        Err(StoreError::Handover(Refusal::WrongReceipt))
    ));
    // A receipt made by a laptop other than the one the package was sealed to.
    let (_, receipt) = p.b.accept_package(&sealed.file, &[], now()).unwrap();
    let mut forged: serde_json::Value = serde_json::from_str(&receipt).unwrap();
    let header: salon_handover::PackageHeader =
        serde_json::from_str(&record::record(&p.a.conn, &sealed.record.id).unwrap().1).unwrap();
    let c_keys = crate::laptop_keys::laptop_keys(&c.conn).unwrap();
    let by_c = salon_handover::Receipt::new(&c_keys, &header, now()).to_file();
    forged["signature"] =
        serde_json::from_str::<serde_json::Value>(&by_c).unwrap()["signature"].clone();
    assert!(matches!(
        p.a.import_receipt(&forged.to_string(), handover_day()),
        Err(StoreError::Handover(Refusal::WrongReceipt))
    ));
    assert!(matches!(
        p.a.import_receipt(&by_c, handover_day()),
        Err(StoreError::Handover(Refusal::WrongReceipt))
    ));
    assert_eq!(everything(&p.a), before, "nothing was removed");
}

#[test]
fn a_package_whose_handover_day_is_not_the_day_it_was_sealed_is_refused() {
    let mut p = pair();
    // Sealed with a clock ten days ahead: B's counting would wait on a day to come.
    let request = p.request(HandoverReason::Transfer);
    let ahead = handover_day() + Duration::days(10);
    let sealed = p.a.seal_handover(&request, "A 山田", now(), ahead).unwrap();
    let untouched = everything(&p.b);
    assert!(matches!(
        p.b.accept_package(&sealed.file, &[], now()),
        Err(StoreError::Handover(Refusal::Unreadable))
    ));
    assert_eq!(everything(&p.b), untouched);
}

#[test]
fn a_campus_of_the_same_name_under_another_code_is_not_the_packages() {
    let mut p = pair();
    let b_campus = p.b.campuses().unwrap()[0].clone();
    let mut recoded = campus_input("柏", 2);
    recoded.id = Some(b_campus.id);
    recoded.hq_code = Some("C-099".into());
    p.b.save_campus(&recoded).unwrap();
    let sealed = p.seal(HandoverReason::Transfer);
    p.b.accept_package(&sealed.file, &[], now()).unwrap();
    let campuses = p.b.campuses().unwrap();
    let codes: Vec<Option<&str>> = campuses.iter().map(|c| c.hq_code.as_deref()).collect();
    assert_eq!(campuses.len(), 2, "{codes:?}");
    assert!(codes.contains(&Some("C-012")) && codes.contains(&Some("C-099")));
    let haruka = &p.b.students(None, "はるか").unwrap()[0];
    let home = campuses.iter().find(|c| c.id == haruka.campus_id).unwrap();
    assert_eq!(home.hq_code.as_deref(), Some("C-012"));
}
