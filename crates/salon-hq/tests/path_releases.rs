//! Path decisions released per device and period: headquarters sends its path calendar to
//! every device, takes a release only for a 年度 or a funder term it names
//! and only from the period's day, keeps it as first received, checks it against the students
//! the device's own days hold, and keeps a funder term a device has released from moving.

mod common;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use salon_hq_store::Actor;
use salon_hq_web::Clock;
use salon_protocol::{
    Month, NoisyCell, PathPeriod, PathRelease, PathStatus, Receipt, Release, SensitiveTopics,
    Topic, Upload,
};

/// 10 April 2025 in Tokyo: 2024年度's first path release is due (7 April), its second is not
/// (19 May); so is the first of a September–February term (7 March).
fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2025, 4, 10, 3, 0, 0).unwrap())
}

fn period(from: &str, to: &str) -> PathPeriod {
    PathPeriod {
        from: Month::parse(from).unwrap(),
        to: Month::parse(to).unwrap(),
    }
}

fn path_release(p: PathPeriod, release: Release, counts: [i64; 3]) -> PathRelease {
    PathRelease {
        from: p.from,
        to: p.to,
        release,
        by_path: PathStatus::DECIDED
            .iter()
            .zip(counts)
            .map(|(&code, count)| NoisyCell { code, count })
            .collect(),
        sensitive: Some(sensitive(40, [6, 2])),
    }
}

/// The students met and those of them who came about 家庭のこと and 心身の不調.
fn sensitive(students: i64, counts: [i64; 2]) -> SensitiveTopics {
    SensitiveTopics {
        met: students,
        by_topic: Topic::SENSITIVE
            .iter()
            .zip(counts)
            .map(|(&code, count)| NoisyCell { code, count })
            .collect(),
    }
}

/// February's two salon days at C-012 (29 and 36 distinct students) and the releases.
fn upload(releases: Vec<PathRelease>) -> Upload {
    Upload {
        days: vec![
            day_snapshot("C-012", day(2025, 2, 18), 1),
            day_snapshot("C-012", day(2025, 2, 25), 1),
        ],
        path_releases: releases,
        ..Upload::default()
    }
}

/// Headquarters with the funder's September–February term and one device enrolled at C-012.
async fn with_funder_term() -> (Hq, PathPeriod, String) {
    let hq = Hq::with_clock(clock());
    let funder = period("2024-09", "2025-02");
    hq.store()
        .add_path_term(&Actor::cli(), funder, Utc::now())
        .unwrap();
    let token = hq.enrol(&["C-012"]).await;
    (hq, funder, token)
}

#[tokio::test]
async fn a_device_gets_the_calendar_and_no_noise_setting() {
    let (hq, funder, token) = with_funder_term().await;
    let text = hq.config_text(&token).await;
    assert!(!text.contains("noise") && !text.contains("rule"), "{text}");
    assert_eq!(hq.config(&token).await.path_calendar.terms, vec![funder]);
}

#[tokio::test]
async fn a_path_release_is_kept_once_and_listed_as_held() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let fy = PathPeriod::fiscal_year(2024);
    let first = path_release(fy, Release::First, [20, 9, -2]);
    let a = hq.upload(&token, "a", &upload(vec![first.clone()])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(a.json::<Receipt>().stored, 3);
    let again = Upload {
        path_releases: vec![first.clone()],
        ..Upload::default()
    };
    let a = hq.upload(&token, "b", &again).await;
    assert_eq!(a.json::<Receipt>().unchanged, 1);
    // Another draw for the same key (a laptop restored from before it was sent).
    let redrawn = Upload {
        path_releases: vec![path_release(fy, Release::First, [21, 9, -2])],
        ..Upload::default()
    };
    let a = hq.upload(&token, "c", &redrawn).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    let e = a.error();
    assert_eq!(e.code, "release_held");
    assert_eq!(e.held[0].snapshot, first.key());
    assert_eq!(
        hq.config(&token).await.path_releases_held,
        vec![first.release_key()]
    );
    let held = hq.store().latest_path_releases(fy).unwrap();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].release, first);
}

#[tokio::test]
async fn a_period_headquarters_does_not_name_an_early_one_and_an_impossible_one_are_refused() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let refused = |p: PathPeriod, release: Release, counts: [i64; 3]| {
        upload(vec![path_release(p, release, counts)])
    };
    let fy = PathPeriod::fiscal_year(2024);
    let cases = [
        // Not a term of the calendar: it could put a decision in a third period.
        (
            refused(period("2024-09", "2025-02"), Release::First, [1, 1, 1]),
            "path_period_unknown",
        ),
        // The second release falls due on 19 May.
        (refused(fy, Release::Second, [1, 1, 1]), "release_early"),
        // The device's days hold at most 65 students by March: 65 + 40 is the most noise allows.
        (
            refused(fy, Release::First, [106, 0, 0]),
            "noise_implausible",
        ),
        (
            refused(fy, Release::First, [0, -41, 0]),
            "noise_implausible",
        ),
    ];
    let with_sensitive = |s: SensitiveTopics| {
        let mut r = path_release(fy, Release::First, [1, 1, 1]);
        r.sensitive = Some(s);
        upload(vec![r])
    };
    let mut missing = sensitive(40, [6, 2]);
    missing.by_topic.pop();
    let cases = cases.into_iter().chain([
        // The students met and each sensitive topic are bound by the named students of the
        // period's days (65), 65 + 40 at most.
        (with_sensitive(sensitive(106, [6, 2])), "noise_implausible"),
        (with_sensitive(sensitive(40, [6, -41])), "noise_implausible"),
        (with_sensitive(missing), "incomplete_breakdown"),
    ]);
    let cases: Vec<_> = cases.collect();
    for (i, (body, code)) in cases.iter().enumerate() {
        let a = hq.upload(&token, &format!("k{i}"), body).await;
        assert_eq!(a.error().code, *code, "{i}: {}", a.text());
        assert!(
            a.error().message.contains("進路決定の内訳"),
            "{}",
            a.error().message
        );
    }
    assert_eq!(hq.stored().0, 0, "a refusal stores nothing, days included");
    // 105 decisions and 105 students met (65 named students + 40 each).
    let mut ok = path_release(fy, Release::First, [105, 0, -40]);
    ok.sensitive = Some(sensitive(105, [6, 2]));
    let a = hq.upload(&token, "ok", &upload(vec![ok])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    // A release without the sensitive topics (a term whose 年度 has its carrier) is taken.
    let mut without = path_release(fy, Release::Second, [3, 2, 1]);
    without.sensitive = None;
    hq.state.clock.advance(chrono::Duration::days(40));
    let a = hq.upload(&token, "without", &upload(vec![without])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
}

#[tokio::test]
async fn a_funder_term_may_not_overlap_another_nor_move_once_released() {
    let hq = Hq::with_clock(clock());
    let store = hq.store();
    let now = Utc.with_ymd_and_hms(2025, 4, 10, 3, 0, 0).unwrap();
    let funder = period("2024-09", "2025-02");
    store.add_path_term(&Actor::cli(), funder, now).unwrap();
    let refusals = [
        (period("2024-12", "2025-05"), "path_term_overlap"),
        (period("2025-04", "2026-03"), "path_term_fiscal"),
        (period("2025-04", "2026-06"), "path_term_length"),
    ];
    for (p, field) in refusals {
        match store.add_path_term(&Actor::cli(), p, now) {
            Err(salon_hq_store::HqError::BadForm(f)) => assert_eq!(f, field),
            other => panic!("{p:?}: {other:?}"),
        }
    }
    let token = hq.enrol(&["C-012"]).await;
    let a = hq
        .upload(
            &token,
            "a",
            &upload(vec![path_release(funder, Release::First, [4, 2, 0])]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    match store.remove_path_term(&Actor::cli(), funder.from, now) {
        Err(salon_hq_store::HqError::BadForm(f)) => assert_eq!(f, "path_term_released"),
        other => panic!("{other:?}"),
    }
    let today = chrono::NaiveDate::from_ymd_opt(2025, 4, 10).unwrap();
    let terms = store.path_terms(today).unwrap();
    assert_eq!((terms.len(), terms[0].released), (1, true));
    // A term before its first release day may go; from that day devices may have drawn it.
    let next = period("2025-09", "2026-02");
    store.add_path_term(&Actor::cli(), next, now).unwrap();
    let later = Utc.with_ymd_and_hms(2026, 3, 7, 3, 0, 0).unwrap();
    match store.remove_path_term(&Actor::cli(), next.from, later) {
        Err(salon_hq_store::HqError::BadForm(f)) => assert_eq!(f, "path_term_released"),
        other => panic!("{other:?}"),
    }
    store
        .remove_path_term(&Actor::cli(), next.from, now)
        .unwrap();
    assert_eq!(store.path_terms(today).unwrap().len(), 1);
    let actions = hq.audit_actions();
    assert!(actions.contains(&salon_hq_store::AuditAction::PathTermAdded));
    assert!(actions.contains(&salon_hq_store::AuditAction::PathTermRemoved));
}

#[tokio::test]
async fn the_dashboard_states_paths_with_their_precision() {
    let hq = Hq::with_clock(clock());
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let now = Utc.with_ymd_and_hms(2025, 2, 10, 3, 0, 0).unwrap();
    hq.store()
        .add_path_term(&Actor::cli(), period("2024-09", "2025-02"), now)
        .unwrap();
    let page = hq.get("/settings", Some(&cookie)).await.text();
    assert!(page.contains("2024年9月〜2025年2月"), "{page}");
    // 10 April is past the term's first release day (7 March): it stays as it is.
    assert!(page.contains("各パソコンから届き始めています"), "{page}");

    // Two laptops release 2024年度: 30 + 28 進学, 20 + 22 就職, 9 + 11 その他; they met
    // 40 + 50 students, 6 + 12 of them about 家庭のこと, 2 + 1 about 心身の不調.
    let met = [sensitive(40, [6, 2]), sensitive(50, [12, 1])];
    for (i, (counts, met)) in [[30, 20, 9], [28, 22, 11]].into_iter().zip(met).enumerate() {
        let token = hq.enrol(&["C-012"]).await;
        let fy = PathPeriod::fiscal_year(2024);
        let mut release = path_release(fy, Release::First, counts);
        release.sensitive = Some(met);
        let mut body = upload(vec![release]);
        if i == 1 {
            body.days.truncate(1);
        }
        let a = hq.upload(&token, "a", &body).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    }
    let page = hq.get("/?fy=2024", Some(&cookie)).await.text();
    assert!(page.contains("進路決定（2024年度）"), "{page}");
    // 58 of 120: p = 48.3 %, ±1.96·√(2·1.84·(1 − 2p) + p²·6·1.84) / 120 = ±2.7 points.
    assert!(
        page.contains(r#"data-testid="noisy-path-further_study" data-count="58" data-share="48.3" data-margin="2.7""#),
        "{page}"
    );
    assert!(page.contains("推計の合計（約120件）"), "{page}");
    assert!(
        page.contains("家庭のこと・心身の不調（2024年度）"),
        "{page}"
    );
    // 18 of 90: p = 20 %, ±1.96·√((2·1.84 + 0.04·2·1.84) / 90²) = ±4.3 points.
    assert!(
        page.contains(r#"data-testid="noisy-sensitive-family" data-count="18" data-share="20.0" data-margin="4.3""#),
        "{page}"
    );
    assert!(page.contains("推計 約90名"), "{page}");
    // The month tables hold no sensitive row: those go per period only.
    assert!(!page.contains("data-testid=\"noisy-family\""), "{page}");
    // A view that is not a period of the calendar states no path figure.
    let page = hq
        .get("/?fy=2024&from=2025-01&to=2025-02", Some(&cookie))
        .await
        .text();
    assert!(page.contains("data-testid=\"paths-not-stated\""), "{page}");
    // The funder term is a period of the calendar: stated, still to come from both laptops.
    let page = hq
        .get("/?fy=2024&from=2024-09&to=2025-02", Some(&cookie))
        .await
        .text();
    assert!(page.contains("進路決定（2024年9月〜2025年2月）"), "{page}");
    assert!(
        page.contains("data-testid=\"paths-awaiting-all\""),
        "{page}"
    );
    let csv = hq.get("/export.csv?fy=2024", Some(&cookie)).await.text();
    assert!(
        csv.contains("進路決定（推計）,進学決定,58,48.3,2.7\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("家庭のこと・心身の不調（推計、人）,期間中に会った生徒,90,,\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("家庭のこと・心身の不調（推計、人）,家庭のこと,18,20.0,4.3\r\n"),
        "{csv}"
    );
}

/// A term whose releases carry no sensitive topics (a second term of a 年度) states its
/// decisions and points to the 年度 for 家庭のこと・心身の不調.
#[tokio::test]
async fn a_term_without_the_sensitive_topics_points_to_the_fiscal_year() {
    let (hq, funder, token) = with_funder_term().await;
    let mut r = path_release(funder, Release::First, [3, 2, 1]);
    r.sensitive = None;
    let a = hq.upload(&token, "a", &upload(vec![r])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let cookie = hq.login().await;
    let page = hq
        .get("/?fy=2024&from=2024-09&to=2025-02", Some(&cookie))
        .await
        .text();
    assert!(
        page.contains(r#"data-testid="noisy-path-further_study""#),
        "{page}"
    );
    assert!(
        page.contains(r#"data-testid="sensitive-awaiting-all""#),
        "{page}"
    );
    assert!(page.contains("年度の表をご覧ください"), "{page}");
    assert!(
        !page.contains(r#"data-testid="noisy-sensitive-table""#),
        "{page}"
    );
}

/// A laptop that names an app older than the newest any laptop has named is shown on the
/// devices page with its version and asked to update; it is awaited for its path releases all
/// the same (every app of the protocol makes them).
#[tokio::test]
async fn a_laptop_on_an_older_app_is_named_for_updating() {
    let (hq, _funder, old) = with_funder_term().await;
    let a = hq.upload(&old, "a", &upload(vec![])).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let current = hq.enrol(&["C-012"]).await;
    let a = hq.config_from_app(&current, "1.0.1").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let fy = PathPeriod::fiscal_year(2024);
    assert_eq!(hq.store().devices_with_salons(fy).unwrap().len(), 1);
    let versions: Vec<Option<String>> = hq
        .store()
        .devices()
        .unwrap()
        .iter()
        .map(|d| d.app_version.clone())
        .collect();
    assert_eq!(versions, [Some(APP.to_owned()), Some("1.0.1".to_owned())]);
    let cookie = hq.login().await;
    let page = hq.get("/devices", Some(&cookie)).await.text();
    assert!(
        page.contains(&format!(
            r#"data-testid="device-app-outdated" data-version="{APP}""#
        )),
        "{page}"
    );
    assert!(page.contains("アプリの更新をお願いしてください"), "{page}");
    assert!(
        page.contains(r#"data-testid="device-app-current" data-version="1.0.1""#),
        "{page}"
    );
}
