//! 登録コード発行: a code is shown once with the address the app links to; the codes still
//! waiting are listed (never the code itself) and may be cancelled, after which no laptop
//! enrols with it.

mod common;

use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use common::*;
use salon_hq_store::AuditAction;
use salon_hq_web::Clock;

fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2025, 2, 10, 3, 0, 0).unwrap())
}

/// Issues a code for `supporter` at C-012; returns the page and the code.
async fn issue(hq: &Hq, cookie: &str, csrf: &str, supporter: &str) -> (String, String) {
    let a = hq
        .post_form(
            "/codes",
            cookie,
            &form(&[
                ("csrf", csrf),
                ("supporter", supporter),
                ("campus", "C-012"),
            ]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let page = a.text();
    let at = page.find("data-code=\"").unwrap() + 11;
    let code = page[at..at + 10].to_owned();
    (page, code)
}

#[tokio::test]
async fn a_code_shows_the_address_and_waits_in_a_list_until_used_cancelled_or_expired() {
    let hq = Hq::with_clock(clock());
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let (page, code) = issue(&hq, &cookie, &csrf, "山田 花子").await;
    // What the supporter types into the app: the address and the code, in two groups of five.
    assert!(
        page.contains(&format!(
            "data-testid=\"hq-address\">{}<",
            hq.state.public_url
        )),
        "{page}"
    );
    let shown = format!("{} {}", &code[..5], &code[5..]);
    assert!(page.contains(&format!(">{shown}<")), "{page}");
    assert!(page.contains("2025年2月10日"), "{page}");

    let (_, other) = issue(&hq, &cookie, &csrf, "佐藤 一郎").await;
    let list = hq.get("/codes/new", Some(&cookie)).await.text();
    assert!(list.contains("data-testid=\"pending-codes\""), "{list}");
    assert!(
        list.contains("山田 花子") && list.contains("佐藤 一郎"),
        "{list}"
    );
    for c in [&code, &other] {
        assert!(!list.contains(c.as_str()), "the list never shows a code");
    }

    // Used: it leaves the list.
    assert_eq!(hq.enrol_with(&other).await.status, StatusCode::OK);
    let list = hq.get("/codes/new", Some(&cookie)).await.text();
    assert!(!list.contains("佐藤 一郎"), "{list}");

    // Cancelled: it leaves the list, no laptop enrols with it, and the log says for whom.
    let id = hq.store().pending_codes(hq.state.now()).unwrap()[0].id;
    let a = hq
        .post_form(
            &format!("/codes/{id}/cancel"),
            &cookie,
            &form(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(a.headers["location"], "/codes/new?done=cancelled");
    let list = hq
        .get("/codes/new?done=cancelled", Some(&cookie))
        .await
        .text();
    assert!(list.contains("取り消しました。"), "{list}");
    assert!(
        list.contains("data-testid=\"pending-codes-none\""),
        "{list}"
    );
    assert_eq!(hq.enrol_with(&code).await.status, StatusCode::UNAUTHORIZED);
    let log = hq.store().audit_log(None).unwrap();
    assert_eq!(log[0].action, Some(AuditAction::CodeCancelled));
    assert_eq!(log[0].detail, "山田 花子（C-012）");
    // Cancelling it again finds nothing.
    let a = hq
        .post_form(
            &format!("/codes/{id}/cancel"),
            &cookie,
            &form(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);

    // Expired after 15 minutes: it leaves the list by itself.
    issue(&hq, &cookie, &csrf, "鈴木 次郎").await;
    hq.state.clock.advance(chrono::Duration::minutes(16));
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let list = hq.get("/codes/new", Some(&cookie)).await.text();
    assert!(!list.contains("鈴木 次郎"), "{list}");
}
