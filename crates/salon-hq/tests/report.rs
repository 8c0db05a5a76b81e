//! The funder report through the real router: named as the NPO's own review is, and a term
//! without surveys or related activities prints without their empty headings.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::*;
use salon_hq_store::surveys::Audience;
use salon_hq_store::{Actor, Targets, TermInput};
use salon_protocol::Month;

#[tokio::test]
async fn a_term_without_surveys_or_activities_prints_without_their_headings() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let a = hq
        .post_form(
            "/settings/organisation",
            &cookie,
            &form(&[
                ("csrf", &csrf),
                ("org_name", "NPO法人キャリアbase"),
                ("org_contact", ""),
            ]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let term = |name: &str, project: &str| TermInput {
        name: name.into(),
        funder: "休眠預金等交付金".into(),
        project: project.into(),
        distributor: "キッズドア様".into(),
        from: Month::parse("2024-09").unwrap(),
        to: Month::parse("2025-02").unwrap(),
        targets: Targets::default(),
        counts_paths: false,
    };
    let quiet = hq
        .store()
        .save_term(
            &Actor::cli(),
            None,
            &term("静かな期間", "くらしと学び支援事業"),
            Utc::now(),
        )
        .unwrap();
    let page = hq
        .get(&format!("/report?term={quiet}"), Some(&cookie))
        .await
        .text();
    assert!(page.contains("「校内キャリアサロン」事業報告"));
    // A print button, wired by the one script headquarters serves.
    assert!(page.contains("data-print") && page.contains("<script src=\"/static/print.js\""));
    let js = hq.get("/static/print.js", None).await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.text().contains("window.print()"));
    assert!(
        page.contains("NPO法人キャリアbase")
            && page.contains("『くらしと学び支援事業』（資金分配団体：キッズドア様）")
    );
    for heading in [
        "関連する活動",
        "振り返り",
        "来談のきっかけ",
        "この期間から分かったこと",
    ] {
        assert!(
            !page.contains(&format!("<h2>{heading}")),
            "{heading}: {page}"
        );
    }

    // With a closed survey (and still no activity): its heading, and no empty one.
    let surveyed = hq
        .store()
        .save_term(
            &Actor::cli(),
            None,
            &term("アンケートの期間", ""),
            Utc::now(),
        )
        .unwrap();
    let id = hq
        .store()
        .create_survey(
            &Actor::cli(),
            Some(surveyed),
            Audience::Supporters,
            Utc::now(),
        )
        .unwrap();
    hq.store()
        .set_survey_closed(&Actor::cli(), id, None, true, Utc::now())
        .unwrap();
    let page = hq
        .get(&format!("/report?term={surveyed}"), Some(&cookie))
        .await
        .text();
    assert!(page.contains("<h2>振り返り（アンケート）</h2>"));
    assert!(!page.contains("<h2>関連する活動") && !page.contains("report-project"));
}
