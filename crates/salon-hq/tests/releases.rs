//! Months released under noise: headquarters keeps each release as first received, refuses
//! other numbers for a release it holds (`release_held`, naming it), and refuses a release that
//! is early, carries a sensitive topic, or lies further from the device's own days than noise
//! can carry it.

mod common;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use salon_hq_web::Clock;
use salon_protocol::{
    Month, MonthRelease, NoisyCell, NoisyMonthBreakdown, Release, Route, Topic, Upload,
};

/// 20 March 2025 in Tokyo: February's first release is due (7 March), its second is not (18 April).
fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2025, 3, 20, 3, 0, 0).unwrap())
}

fn feb() -> Month {
    Month::parse("2025-02").unwrap()
}

/// A release of February at `code` whose every route cell is `route` and topic cell `topic`.
fn release(code: &str, release: Release, route: i64, topic: i64) -> MonthRelease {
    MonthRelease {
        campus: campus(code),
        month: feb(),
        breakdown: NoisyMonthBreakdown {
            release,
            by_route: Route::ALL
                .iter()
                .map(|&code| NoisyCell { code, count: route })
                .collect(),
            by_topic: Topic::MONTHLY
                .iter()
                .map(|&code| NoisyCell { code, count: topic })
                .collect(),
        },
    }
}

/// The same release with every topic, the sensitive ones too.
fn release_with_every_topic(code: &str, r: Release, route: i64, topic: i64) -> MonthRelease {
    let mut sent = release(code, r, route, topic);
    sent.breakdown.by_topic = Topic::ALL
        .iter()
        .map(|&code| NoisyCell { code, count: topic })
        .collect();
    sent
}

/// February's two salon days at `code` (31 and 38 visits) and the given releases.
fn upload(code: &str, releases: Vec<MonthRelease>) -> Upload {
    Upload {
        days: vec![
            day_snapshot(code, day(2025, 2, 18), 1),
            day_snapshot(code, day(2025, 2, 25), 1),
        ],
        releases,
        ..Upload::default()
    }
}

#[tokio::test]
async fn a_release_is_kept_as_first_received_and_other_numbers_for_it_are_refused() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let first = release("C-012", Release::First, 14, 3);
    let a = hq
        .upload(&token, "a", &upload("C-012", vec![first.clone()]))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json::<salon_protocol::Receipt>().stored, 3);

    // The same release again, in another upload: nothing changes.
    let again = Upload {
        releases: vec![first.clone()],
        ..Upload::default()
    };
    let a = hq.upload(&token, "b", &again).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json::<salon_protocol::Receipt>().unchanged, 1);

    // A second draw of the same release (a laptop restored from before it was sent).
    let redrawn = Upload {
        releases: vec![release("C-012", Release::First, 13, 3)],
        ..Upload::default()
    };
    let a = hq.upload(&token, "c", &redrawn).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    let e = a.error();
    assert_eq!(e.code, "release_held");
    assert_eq!(e.held.len(), 1);
    assert_eq!(e.held[0].snapshot, first.key());
    assert!(e.message.contains("先に届いた方"), "{}", e.message);
    let held = hq.store().latest_releases(feb(), feb()).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].breakdown, first.breakdown, "the first draw is kept");
    assert_eq!(held[0].visits, 69);
}

#[tokio::test]
async fn an_early_sensitive_or_impossible_release_is_refused_and_nothing_of_its_upload_is_kept() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let cases = [
        (
            "early",
            release("C-012", Release::Second, 14, 3),
            "release_early",
            422,
        ),
        // 家庭のこと and 心身の不調 go per period, never in a month's release.
        (
            "sensitive",
            release_with_every_topic("C-012", Release::First, 14, 3),
            "incomplete_breakdown",
            422,
        ),
        // 69 visits and b = 1: a cell above 69 + 40 cannot be noise.
        (
            "high",
            release("C-012", Release::First, 110, 3),
            "noise_implausible",
            422,
        ),
        (
            "low",
            release("C-012", Release::First, 14, -41),
            "noise_implausible",
            422,
        ),
        (
            "campus",
            release("C-013", Release::First, 14, 3),
            "campus_not_enrolled",
            403,
        ),
    ];
    for (key, r, code, status) in cases {
        let a = hq.upload(&token, key, &upload("C-012", vec![r])).await;
        assert_eq!(a.status.as_u16(), status, "{key}: {}", a.text());
        assert_eq!(a.error().code, code, "{key}");
    }
    assert!(hq.store().latest_releases(feb(), feb()).unwrap().is_empty());
    assert_eq!(hq.stored().0, 0, "no day of a refused upload is kept");
    let a = hq
        .upload(
            &token,
            "edge",
            &upload("C-012", vec![release("C-012", Release::First, 109, -40)]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
}

#[tokio::test]
async fn two_devices_at_one_campus_each_keep_their_own_and_the_latest_release_is_read() {
    let hq = Hq::with_clock(clock());
    let one = hq.enrol(&["C-012"]).await;
    let two = hq.enrol(&["C-012"]).await;
    let a = hq
        .upload(
            &one,
            "a",
            &upload("C-012", vec![release("C-012", Release::First, 10, 1)]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let a = hq
        .upload(
            &two,
            "a",
            &upload("C-012", vec![release("C-012", Release::First, 20, 2)]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    hq.state.clock.advance(chrono::Duration::days(30));
    let second = Upload {
        releases: vec![release("C-012", Release::Second, 11, 1)],
        ..Upload::default()
    };
    let a = hq.upload(&one, "b", &second).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let held = hq.store().latest_releases(feb(), feb()).unwrap();
    let routes: Vec<(Release, i64)> = held
        .iter()
        .map(|h| (h.breakdown.release, h.breakdown.by_route[0].count))
        .collect();
    assert_eq!(
        routes,
        [(Release::Second, 11), (Release::First, 20)],
        "device one's second release replaces its first in what is read; device two's first stays"
    );
}

#[tokio::test]
async fn the_configuration_lists_the_releases_held_so_a_restored_laptop_never_draws_them() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let first = release("C-012", Release::First, 14, 3);
    let a = hq
        .upload(&token, "a", &upload("C-012", vec![first.clone()]))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(hq.config(&token).await.releases_held, [first.release_key()]);
}

#[tokio::test]
async fn a_month_that_shrank_after_its_draw_is_still_received_and_resent_unchanged() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    // Drawn over 69 visits (cells about 60 each would be 60 here); then corrections take the
    // month down to 8 visits before the release arrives.
    let a = hq.upload(&token, "days", &upload("C-012", vec![])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let shrunk = Upload {
        days: vec![
            day_with_visits("C-012", day(2025, 2, 18), 2, 4),
            day_with_visits("C-012", day(2025, 2, 25), 2, 4),
        ],
        releases: vec![release("C-012", Release::First, 60, 3)],
        ..Upload::default()
    };
    let a = hq.upload(&token, "shrunk", &shrunk).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let held = hq.store().latest_releases(feb(), feb()).unwrap();
    assert_eq!(
        held[0].visits, 8,
        "the share's denominator is the month as it stands"
    );
    // The same release again after the month shrank further: a resend, unchanged.
    let again = Upload {
        days: vec![day_with_visits("C-012", day(2025, 2, 18), 3, 3)],
        releases: vec![release("C-012", Release::First, 60, 3)],
        ..Upload::default()
    };
    let a = hq.upload(&token, "again", &again).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json::<salon_protocol::Receipt>().unchanged, 1);
}

/// A laptop lost on a train: headquarters revokes it, the supporter restores the backup on a
/// new laptop, and a takeover code makes the new laptop the same device. What it sends again
/// (the same days and release) is unchanged, not counted twice as under a new enrolment, and
/// the release stays held: the new laptop is told so and a second draw is refused.
#[tokio::test]
async fn a_new_laptop_taking_over_a_device_counts_nothing_twice_and_draws_nothing_again() {
    let hq = Hq::with_clock(clock());
    let cli = salon_hq_store::Actor::cli();
    let lost = hq.enrol(&["C-012"]).await;
    let sent = upload("C-012", vec![release("C-012", Release::First, 14, 3)]);
    let a = hq.upload(&lost, "a", &sent).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let device = hq.store().devices().unwrap()[0].id;
    hq.store().revoke(&cli, device, Utc::now()).unwrap();

    // An earlier takeover code is withdrawn by the next one.
    let withdrawn = hq
        .store()
        .issue_takeover_code(&cli, device, Utc::now())
        .unwrap();
    let issued = hq
        .store()
        .issue_takeover_code(&cli, device, Utc::now())
        .unwrap();
    assert_eq!(issued.supporter, "山田 花子");
    assert_eq!(issued.campuses, vec!["C-012".to_owned()]);
    assert_eq!(
        hq.enrol_with(&withdrawn.code).await.error().code,
        "enrolment_code_invalid"
    );
    let a = hq.enrol_with(&issued.code).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let new = a.json::<salon_protocol::Enrolment>().token.to_string();

    let devices = hq.store().devices().unwrap();
    assert_eq!(devices.len(), 1, "still one device");
    assert!(devices[0].revoked_at.is_none() && devices[0].taken_over_at.is_some());
    let config = hq.config(&new).await;
    assert_eq!(config.releases_held, vec![sent.releases[0].release_key()]);

    // The restored backup sends it all again: nothing new is stored.
    let a = hq.upload(&new, "b", &sent).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let receipt = a.json::<salon_protocol::Receipt>();
    assert_eq!((receipt.stored, receipt.unchanged), (0, 3));
    assert_eq!(hq.stored().0, 2, "February's two days, once");
    let redrawn = Upload {
        releases: vec![release("C-012", Release::First, 12, 4)],
        ..Upload::default()
    };
    assert_eq!(
        hq.upload(&new, "c", &redrawn).await.error().code,
        "release_held"
    );
    // The lost laptop's token is refused.
    assert_eq!(
        hq.upload(&lost, "d", &sent).await.error().code,
        "token_invalid"
    );

    // Enrolled as a new device instead, the same days would be counted twice.
    let other = hq.enrol(&["C-012"]).await;
    let a = hq.upload(&other, "e", &sent).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(hq.stored().0, 4);
    let actions = hq.audit_actions();
    assert!(actions.contains(&salon_hq_store::AuditAction::TakeoverCodeIssued));
}

/// The CSV export carries the period's estimates under noise after the campus-month rows: the
/// same count, share and interval as the dashboard's tables.
#[tokio::test]
async fn the_csv_export_states_the_breakdowns_under_noise_with_their_precision() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let sent = upload("C-012", vec![release("C-012", Release::First, 14, 3)]);
    assert_eq!(hq.upload(&token, "a", &sent).await.status, StatusCode::OK);
    let cookie = hq.login().await;
    let csv = hq
        .get("/export.csv?fy=2024&from=2025-02&to=2025-02", Some(&cookie))
        .await
        .text();
    // 14 of 69 visits is 20.3 %; one release at b = 1: ±1.96·√1.84 / 69 = ±3.9 points.
    for line in [
        "区分,項目,件数（推計）,割合（%）,誤差の目安（近似、ポイント）",
        "来談経路（推計）,声かけ,14,20.3,3.9",
        "相談内容（推計）,学校生活,3,4.3,3.9",
    ] {
        assert!(csv.contains(&format!("{line}\r\n")), "{line}:\n{csv}");
    }
    // 家庭のこと and 心身の不調 are stated per period only (none here: no period release).
    let estimated = csv
        .lines()
        .filter(|l| {
            l.split(',')
                .next()
                .unwrap_or_default()
                .ends_with("（推計）")
        })
        .count();
    assert_eq!(estimated, Route::ALL.len() + Topic::MONTHLY.len());
    assert!(!csv.contains("（推計）,家庭のこと"), "{csv}");
}

/// What the breakdowns read, summed again from every latest release as held: the totals kept
/// as releases arrive must be exactly this.
fn summed_from_releases(hq: &Hq) -> (salon_hq_store::ReleaseTotals, Vec<(String, Month)>) {
    let held: Vec<_> = hq
        .store()
        .latest_releases(feb(), feb())
        .unwrap()
        .into_iter()
        .filter(|r| r.visits > 0)
        .collect();
    let sum_route = |code: Route| -> i64 {
        held.iter()
            .flat_map(|r| &r.breakdown.by_route)
            .filter(|c| c.code == code)
            .map(|c| c.count)
            .sum()
    };
    let sum_topic = |code: Topic| -> i64 {
        held.iter()
            .flat_map(|r| &r.breakdown.by_topic)
            .filter(|c| c.code == code)
            .map(|c| c.count)
            .sum()
    };
    let totals = salon_hq_store::ReleaseTotals {
        releases: held.len() as u64,
        visits: held.iter().map(|r| r.visits).sum(),
        by_route: Route::ALL.iter().map(|&r| (r, sum_route(r))).collect(),
        by_topic: Topic::MONTHLY.iter().map(|&t| (t, sum_topic(t))).collect(),
    };
    let released: Vec<(String, Month)> = held.iter().map(|r| (r.campus.clone(), r.month)).collect();
    let awaiting = hq
        .store()
        .day_totals(feb().first_day(), feb().last_day())
        .unwrap()
        .into_iter()
        .filter(|d| d.counts.visits > 0)
        .map(|d| (d.campus, d.month))
        .filter(|k| !released.contains(k))
        .collect();
    (totals, awaiting)
}

fn kept_totals(hq: &Hq) -> (salon_hq_store::ReleaseTotals, Vec<(String, Month)>) {
    (
        hq.store().release_totals(feb(), feb()).unwrap(),
        hq.store().awaiting_releases(feb(), feb()).unwrap(),
    )
}

#[tokio::test]
async fn the_release_totals_kept_on_arrival_are_the_latest_releases_summed() {
    let hq = Hq::with_clock(clock());
    let a = hq.enrol(&["C-012", "C-013"]).await;
    let b = hq.enrol(&["C-012"]).await;
    // Days at both campuses from A, at C-012 from B; nothing released yet: both still to come.
    let days = |code: &str| upload(code, Vec::new());
    assert_eq!(
        hq.upload(&a, "a1", &days("C-012")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        hq.upload(&a, "a2", &days("C-013")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        hq.upload(&b, "b1", &days("C-012")).await.status,
        StatusCode::OK
    );
    assert_eq!(kept_totals(&hq), summed_from_releases(&hq));
    assert_eq!(kept_totals(&hq).1.len(), 2);
    let steps: [(&str, &str, Release, i64, i64); 4] = [
        ("a", "C-012", Release::First, 14, 3),
        ("b", "C-012", Release::First, 9, 2),
        ("a", "C-013", Release::First, 5, 1),
        // Past 18 April: A's second replaces its first for C-012.
        ("a", "C-012", Release::Second, 11, 4),
    ];
    for (i, (who, code, r, route, topic)) in steps.into_iter().enumerate() {
        if r == Release::Second {
            hq.state.clock.advance(chrono::Duration::days(30));
        }
        let token = if who == "a" { &a } else { &b };
        let sent = Upload {
            releases: vec![release(code, r, route, topic)],
            ..Upload::default()
        };
        let answer = hq.upload(token, &format!("r{i}"), &sent).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
        assert_eq!(
            kept_totals(&hq),
            summed_from_releases(&hq),
            "after step {i}"
        );
    }
    let (totals, awaiting) = kept_totals(&hq);
    assert_eq!(totals.releases, 3);
    assert_eq!(totals.by_route[0].1, 11 + 9 + 5);
    assert!(awaiting.is_empty());
}
