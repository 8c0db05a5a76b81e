//! The funder's term of the path calendar, chosen where the office enters its 事業期間: at
//! most one per 年度, overlapping no other, fixed from the day devices start releasing it,
//! and the dashboard says until when it may still be chosen or undone.

mod common;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use salon_hq_store::AuditAction;
use salon_hq_web::Clock;

/// 10 February 2025 in Tokyo: a September–February term's first path release (7 March) is
/// still to come.
fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2025, 2, 10, 3, 0, 0).unwrap())
}

fn term_form(csrf: &str, name: &str, from: &str, to: &str, paths: bool) -> String {
    let mut pairs = vec![
        ("csrf", csrf),
        ("name", name),
        ("funder", "休眠預金等交付金"),
        ("from", from),
        ("to", to),
    ];
    if paths {
        pairs.push(("paths", "on"));
    }
    form(&pairs)
}

/// Posts the term form to `path` (`/terms` adds a term, `/terms/ID` saves one).
async fn post_term(
    hq: &Hq,
    path: &str,
    (cookie, csrf): (&str, &str),
    name: &str,
    from: &str,
    to: &str,
    paths: bool,
) -> Answer {
    hq.post_form(path, cookie, &term_form(csrf, name, from, to, paths))
        .await
}

fn term_id(hq: &Hq, name: &str) -> i64 {
    hq.store()
        .terms()
        .unwrap()
        .into_iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no term {name}"))
        .id
}

fn counted_periods(hq: &Hq) -> Vec<String> {
    let today = chrono::NaiveDate::from_ymd_opt(2025, 2, 10).unwrap();
    hq.store()
        .path_terms(today)
        .unwrap()
        .into_iter()
        .map(|t| format!("{}..{}", t.period.from, t.period.to))
        .collect()
}

#[tokio::test]
async fn the_funder_term_is_chosen_with_its_term_once_per_year_and_fixed_from_its_release_day() {
    let hq = Hq::with_clock(clock());
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let a = post_term(
        &hq,
        "/terms",
        (&cookie, &csrf),
        "休眠預金",
        "2024-09",
        "2025-02",
        true,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(counted_periods(&hq), ["2024-09..2025-02"]);
    // The page it returns to says it was saved.
    let back = a.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(back, "/terms?done=saved");
    let page = hq.get(&back, Some(&cookie)).await.text();
    assert!(page.contains("保存しました。"), "{page}");
    let id = term_id(&hq, "休眠預金");
    let page = hq.get("/terms", Some(&cookie)).await.text();
    assert!(page.contains("data-testid=\"term-counts-paths\""), "{page}");
    let settings = hq.get("/settings", Some(&cookie)).await.text();
    assert!(settings.contains("2024年9月〜2025年2月"), "{settings}");
    assert!(!settings.contains("<input type=\"month\""), "{settings}");

    // The dashboard says until when it may be undone.
    let dash = hq.get(&format!("/?term={id}"), Some(&cookie)).await.text();
    assert!(dash.contains("data-testid=\"paths-deadline\""), "{dash}");
    assert!(dash.contains("2025年3月7日"), "{dash}");

    // A second term of the same 年度, or one overlapping, is refused with why; neither term
    // is kept.
    let refusals = [
        (
            "三月",
            "2025-03",
            "2025-03",
            "この年度には、進路決定を集計する事業期間がもう一つあります",
        ),
        ("冬", "2024-12", "2025-05", "月が重なっています"),
        (
            "年度",
            "2024-04",
            "2025-03",
            "年度（4月〜翌年3月）の進路決定はいつも集計しているため",
        ),
    ];
    for (name, from, to, says) in refusals {
        let a = post_term(&hq, "/terms", (&cookie, &csrf), name, from, to, true).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(a.text().contains(says), "{name}: {}", a.text());
        assert!(hq.store().terms().unwrap().iter().all(|t| t.name != name));
    }
    assert_eq!(counted_periods(&hq), ["2024-09..2025-02"]);
    // The next 年度's term is its own.
    let a = post_term(
        &hq,
        "/terms",
        (&cookie, &csrf),
        "次の休眠預金",
        "2025-09",
        "2026-02",
        true,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    // Unticked before the release day: no longer counted; ticked again: counted.
    let edit = format!("/terms/{id}");
    let a = post_term(
        &hq,
        &edit,
        (&cookie, &csrf),
        "休眠預金",
        "2024-09",
        "2025-02",
        false,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(counted_periods(&hq), ["2025-09..2026-02"]);
    let a = post_term(
        &hq,
        &edit,
        (&cookie, &csrf),
        "休眠預金",
        "2024-09",
        "2025-02",
        true,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(counted_periods(&hq).len(), 2);
    let actions = hq.audit_actions();
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == AuditAction::PathTermAdded)
            .count(),
        3
    );
    assert!(actions.contains(&AuditAction::PathTermRemoved));

    // From 7 March devices may have drawn it: the box is fixed, and a forged form that unticks
    // it or moves its months is refused with why.
    hq.state.clock.advance(chrono::Duration::days(25));
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let page = hq.get(&edit, Some(&cookie)).await.text();
    assert!(page.contains("data-testid=\"term-paths-fixed\""), "{page}");
    for (from, to, paths) in [("2024-09", "2025-02", false), ("2024-10", "2025-02", true)] {
        let a = post_term(&hq, &edit, (&cookie, &csrf), "休眠預金", from, to, paths).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{from} {paths}");
        assert!(
            a.text().contains("すでに各パソコンから届き始めています"),
            "{}",
            a.text()
        );
    }
    let held = hq.store().term(id).unwrap();
    assert_eq!(
        (held.from.to_string(), held.counts_paths),
        ("2024-09".into(), true)
    );
    // Its name and targets still change.
    let a = post_term(
        &hq,
        &edit,
        (&cookie, &csrf),
        "2024年度 休眠預金",
        "2024-09",
        "2025-02",
        true,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let dash = hq.get(&format!("/?term={id}"), Some(&cookie)).await.text();
    assert!(!dash.contains("data-testid=\"paths-deadline\""), "{dash}");

    // Deleting a fixed term keeps its period counted; deleting one not yet fixed stops it.
    for name in ["2024年度 休眠預金", "次の休眠預金"] {
        let id = term_id(&hq, name);
        let delete = format!("/terms/{id}/delete");
        let ask = hq
            .post_form(&delete, &cookie, &form(&[("csrf", &csrf)]))
            .await;
        assert!(ask.text().contains("進路決定"), "{}", ask.text());
        let a = hq
            .post_form(
                &delete,
                &cookie,
                &form(&[("csrf", &csrf), ("confirmed", "1")]),
            )
            .await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    }
    assert_eq!(counted_periods(&hq), ["2024-09..2025-02"]);
}

#[tokio::test]
async fn a_funder_term_not_yet_chosen_says_by_when_on_the_dashboard() {
    let hq = Hq::with_clock(clock());
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let a = post_term(
        &hq,
        "/terms",
        (&cookie, &csrf),
        "休眠預金",
        "2024-09",
        "2025-02",
        false,
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let id = term_id(&hq, "休眠預金");
    let dash = hq.get(&format!("/?term={id}"), Some(&cookie)).await.text();
    assert!(dash.contains("2025年3月7日より前に"), "{dash}");
    assert!(dash.contains(&format!("href=\"/terms/{id}\"")), "{dash}");
}

#[tokio::test]
async fn a_period_already_being_sent_is_chosen_only_when_the_office_says_so_twice() {
    let hq = Hq::with_clock(clock());
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    // April–September 2024: devices send it from 7 October 2024, long past on 10 February.
    let late = |late: bool| {
        let mut pairs = vec![
            ("csrf", csrf.as_str()),
            ("name", "上半期"),
            ("from", "2024-04"),
            ("to", "2024-09"),
            ("paths", "on"),
        ];
        if late {
            pairs.push(("late", "1"));
        }
        form(&pairs)
    };
    let a = hq.post_form("/terms", &cookie, &late(false)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let page = a.text();
    assert!(
        page.contains("この期間の末日の7日後をもう過ぎています"),
        "{page}"
    );
    assert!(page.contains(r#"name="late" value="1""#), "{page}");
    assert!(hq.store().terms().unwrap().is_empty(), "nothing saved yet");
    let a = hq.post_form("/terms", &cookie, &late(true)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(counted_periods(&hq), ["2024-04..2024-09"]);
    // Fixed at once: its months can no longer be typed over.
    let id = term_id(&hq, "上半期");
    let page = hq.get(&format!("/terms/{id}"), Some(&cookie)).await.text();
    assert!(page.contains("data-testid=\"term-paths-fixed\""), "{page}");
    assert!(page.contains(r#"name="from" required readonly"#), "{page}");
}
