//! Headquarters stores nothing that cannot be true, and nothing that would overwrite or be
//! overwritten by other figures at the same or a lower revision: each refusal with its code,
//! its status, a Japanese message naming the campus and day, and nothing of the upload stored.

mod common;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use salon_hq_web::Clock;
use salon_protocol::fixtures::day_cases;
use salon_protocol::{HeldRevision, Receipt, SnapshotKey, Upload};

/// 2026-12-01 23:30 in Tokyo (14:30 UTC): late in the day, so "tomorrow" is a UTC-today.
fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2026, 12, 1, 14, 30, 0).unwrap())
}

fn only_days(days: Vec<salon_protocol::DaySnapshot>) -> Upload {
    Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days,
        months: vec![],
    }
}

#[tokio::test]
async fn each_implausible_day_is_refused_with_its_code_and_nothing_is_stored() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let today = day(2026, 12, 1);
    let cases = day_cases(&campus("C-012"), today);
    let good = day_snapshot("C-012", day(2026, 11, 24), 1);
    let mut refused = 0;
    for (i, case) in cases.iter().enumerate() {
        // The bad day beside a good one: the good one is not stored either.
        let upload = only_days(vec![good.clone(), case.snapshot.clone()]);
        match case.code {
            Some(code) => {
                let a = hq.upload(&token, &format!("case-{i}"), &upload).await;
                refused += 1;
                assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", case.name);
                let e = a.error();
                assert_eq!(e.code, code.as_str(), "{}", case.name);
                assert_eq!(e.snapshot, Some(case.snapshot.key()), "{}", case.name);
                let named = format!("キャンパス C-012 の {}", case.snapshot.day);
                assert!(
                    e.message.starts_with(&named),
                    "{}: {}",
                    case.name,
                    e.message
                );
                assert!(e.message.contains("受け付けませんでした"), "{}", e.message);
                assert_eq!(hq.stored(), (0, 0, 0), "{} stored something", case.name);
            }
            None => {
                let fresh = Hq::with_clock(clock());
                let t = fresh.enrol(&["C-012"]).await;
                let a = fresh.upload(&t, "both", &upload).await;
                assert_eq!(a.status, StatusCode::OK, "{}: {}", case.name, a.text());
                assert_eq!(a.json::<Receipt>().stored, 2, "{}", case.name);
            }
        }
    }
    assert_eq!(refused, 15, "every refusal of the fixture was tried");
}

#[tokio::test]
async fn a_month_after_next_and_a_month_at_revision_zero_are_refused() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    for (month, revision, code) in [
        ("2027-01", 1, "day_in_future"),
        ("2026-11", 0, "revision_zero"),
    ] {
        let m = salon_protocol::Month::parse(month).unwrap();
        let upload = Upload {
            events: Vec::new(),
            releases: Vec::new(),
            path_releases: Vec::new(),
            days: vec![],
            months: vec![month_snapshot("C-012", m, revision, 20)],
        };
        let a = hq.upload(&token, month, &upload).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{month}");
        let e = a.error();
        assert_eq!(e.code, code);
        assert!(e
            .message
            .starts_with(&format!("キャンパス C-012 の {month}")));
        assert_eq!(hq.stored(), (0, 0, 0));
    }
    // December, the month of tomorrow, is fine.
    let m = salon_protocol::Month::parse("2026-12").unwrap();
    let upload = Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days: vec![],
        months: vec![month_snapshot("C-012", m, 1, 20)],
    };
    assert_eq!(
        hq.upload(&token, "dec", &upload).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn other_counts_at_a_held_revision_are_a_conflict_and_below_it_say_what_is_held() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let d = day(2026, 11, 24);
    let rev3 = day_with_visits("C-012", d, 3, 12);
    let a = hq.upload(&token, "a", &only_days(vec![rev3.clone()])).await;
    assert_eq!(a.status, StatusCode::OK);
    let held = (hq.stored(), hq.store().day_totals(d, d).unwrap());

    // The same revision with other counts under a new key: refused, not silently ignored.
    let other = day_with_visits("C-012", d, 3, 9);
    let fresh_day = day_snapshot("C-012", day(2026, 11, 17), 1);
    let a = hq
        .upload(&token, "b", &only_days(vec![fresh_day.clone(), other]))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    let e = a.error();
    assert_eq!(e.code, "revision_conflict");
    let expected = vec![HeldRevision {
        snapshot: SnapshotKey::Day {
            campus: campus("C-012"),
            day: d,
        },
        revision: 3,
    }];
    assert_eq!(e.held, expected);
    assert_eq!((hq.stored(), hq.store().day_totals(d, d).unwrap()), held);

    // Below it with other counts (a laptop restored from an older backup): what is held.
    let restored = day_with_visits("C-012", d, 2, 9);
    let a = hq
        .upload(&token, "c", &only_days(vec![restored, fresh_day.clone()]))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    let e = a.error();
    assert_eq!(e.code, "revision_behind");
    assert_eq!(e.held, expected);
    assert!(e.message.contains("新しい版"), "{}", e.message);
    assert_eq!((hq.stored(), hq.store().day_totals(d, d).unwrap()), held);

    // Below it with the same counts: a late copy, stale, and the rest is stored.
    let late = day_with_visits("C-012", d, 1, 12);
    let a = hq
        .upload(&token, "d", &only_days(vec![late, fresh_day]))
        .await;
    assert_eq!(
        a.json::<Receipt>(),
        Receipt {
            stored: 1,
            unchanged: 0,
            stale: 1
        }
    );

    // The device continues above what is held: stored, and the figure is the device's.
    let continued = day_with_visits("C-012", d, 4, 9);
    let a = hq.upload(&token, "e", &only_days(vec![continued])).await;
    assert_eq!(a.json::<Receipt>().stored, 1);
    let totals = hq.store().day_totals(d, d).unwrap();
    assert_eq!(totals[0].counts.visits, 9);
}
