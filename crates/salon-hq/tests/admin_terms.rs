//! Terms (事業期間) from the admin web: overlapping terms, each read against its own targets.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::*;
use salon_hq_store::{Actor, AuditAction};

fn term_form(csrf: &str, name: &str, from: &str, to: &str, targets: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("csrf", csrf),
        ("name", name),
        ("funder", "休眠預金活用事業"),
        ("from", from),
        ("to", to),
    ];
    pairs.extend_from_slice(targets);
    form(&pairs)
}

#[tokio::test]
async fn overlapping_terms_each_read_the_figures_against_their_own_targets() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let token = hq.enrol(&["C-012", "C-013"]).await;
    let mut upload = sample_upload();
    upload.days.push(day_snapshot("C-013", day(2024, 9, 10), 1));
    assert_eq!(
        hq.upload(&token, "k1", &upload).await.status,
        StatusCode::OK
    );
    let figures =
        salon_hq_store::figures::compute(hq.store(), salon_figures::Period::fiscal_year(2024))
            .unwrap();

    let year = term_form(
        &csrf,
        "2024年度",
        "2024-04",
        "2025-03",
        &[("schools", "4"), ("sessions", "8"), ("visits", "")],
    );
    let a = hq.post_form("/terms", &cookie, &year).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let funded = term_form(
        &csrf,
        "休眠預金 2024",
        "2024-09",
        "2025-02",
        &[
            ("schools", "2"),
            ("sessions", "3"),
            ("visits", "10"),
            ("events_career_talk", "6"),
            ("participants_career_talk", "300"),
        ],
    );
    assert_eq!(
        hq.post_form("/terms", &cookie, &funded).await.status,
        StatusCode::SEE_OTHER
    );

    // Refused, in Japanese, with what was typed kept.
    for (body, status, message) in [
        (
            term_form(&csrf, "逆順", "2025-02", "2024-09", &[]),
            StatusCode::BAD_REQUEST,
            "期間は開始月が終了月以前で",
        ),
        (
            term_form(&csrf, "文字", "2024-09", "2025-02", &[("visits", "四百")]),
            StatusCode::BAD_REQUEST,
            "目標は0以上の整数",
        ),
        (
            term_form(&csrf, "月なし", "2024/09", "2025-02", &[]),
            StatusCode::BAD_REQUEST,
            "月は「2024-09」の形で",
        ),
        (
            term_form(&csrf, "2024年度", "2024-04", "2025-03", &[]),
            StatusCode::CONFLICT,
            "その名前の事業期間はすでにあります",
        ),
    ] {
        let a = hq.post_form("/terms", &cookie, &body).await;
        assert_eq!(a.status, status, "{body}");
        let page = a.text();
        assert!(page.contains(message), "{message}: {page}");
        assert!(page.contains("value=\"休眠預金活用事業\""), "kept: {page}");
    }
    assert_eq!(hq.store().terms().unwrap().len(), 2);

    let terms = hq.store().terms().unwrap();
    let funded = terms.iter().find(|t| t.name == "休眠預金 2024").unwrap();
    let talk = funded.targets.events[0];
    assert_eq!(
        (talk.kind, talk.events, talk.participants),
        (salon_protocol::EventKind::CareerTalk, Some(6), Some(300))
    );
    // The funded term: its months, its targets, its 目標比.
    let page = hq
        .get(&format!("/?term={}", funded.id), Some(&cookie))
        .await
        .text();
    let funded_figures = salon_hq_store::figures::compute_term(hq.store(), funded.id).unwrap();
    assert!(page.contains("集計期間：2024年9月 〜 2025年2月"), "{page}");
    let pct = |v: u64, t: u32| salon_figures::percent_of(v, t).unwrap();
    assert!(page.contains(&format!(
        "<td>10名</td><td>{}%</td>",
        pct(funded_figures.visits, 10)
    )));
    assert!(page.contains("目標は事業期間「休眠預金 2024」（休眠預金活用事業）"));
    // The year, by 年度: its own targets; a target left empty shows none.
    let page = hq.get("/?fy=2024", Some(&cookie)).await.text();
    assert!(page.contains("目標は事業期間「2024年度」"), "{page}");
    assert!(page.contains(&format!(
        "<td>8回</td><td>{}%</td>",
        pct(figures.sessions, 8)
    )));
    assert!(page.contains(&format!(
        "data-figure=\"利用人数（延べ）\">{}名</td><td>—</td><td>—</td>",
        figures.visits
    )));
    let csv = hq
        .get(&format!("/export.csv?term={}", funded.id), Some(&cookie))
        .await;
    assert!(csv.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains("career-salon-2024-2024-09-2025-02.csv"));

    // Edited, then deleted: the figures stay, the audit log says so.
    let edit = term_form(
        &csrf,
        "休眠預金 2024",
        "2024-09",
        "2025-02",
        &[("visits", "12")],
    );
    let a = hq
        .post_form(&format!("/terms/{}", funded.id), &cookie, &edit)
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let edited = hq.store().term(funded.id).unwrap();
    assert_eq!(
        (
            edited.targets.visits,
            edited.targets.schools,
            edited.targets.events[0].events
        ),
        (Some(12), None, None)
    );
    let delete_path = format!("/terms/{}/delete", funded.id);
    let delete = |extra: &'static str| {
        let body = format!("csrf={csrf}{extra}");
        let (hq, cookie, path) = (&hq, &cookie, &delete_path);
        async move { hq.post_form(path, cookie, &body).await }
    };
    let a = delete("").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("件数は消えません"));
    assert_eq!(
        hq.store().terms().unwrap().len(),
        2,
        "one press deletes nothing"
    );
    let a = delete("&confirmed=1").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(hq.store().terms().unwrap().len(), 1);
    assert!(hq.stored().0 > 0, "the figures stay");
    let log = hq.store().audit_log(None).unwrap();
    assert_eq!(log[0].action, Some(AuditAction::TermDeleted));
    assert_eq!(log[0].detail, "休眠預金 2024（2024-09〜2025-02）");
    assert_eq!(log[1].action, Some(AuditAction::TermSaved));
    assert_eq!(
        log[1].detail,
        "休眠預金 2024（2024-09〜2025-02）: 利用人数 12"
    );
    assert_eq!(
        log[2].detail,
        "休眠預金 2024（2024-09〜2025-02）: 導入校数 2、実施回数 3、利用人数 10、オンライン職業講話 6回・300名"
    );

    // The command line's set-target changes the headline targets of the term with exactly
    // its months and keeps the rest.
    hq.store()
        .set_target(
            &Actor::cli(),
            salon_hq_store::Target {
                from: salon_protocol::Month::parse("2024-04").unwrap(),
                to: salon_protocol::Month::parse("2025-03").unwrap(),
                schools: 20,
                sessions: 230,
                visits: 400,
            },
            Utc::now(),
        )
        .unwrap();
    let terms = hq.store().terms().unwrap();
    assert_eq!(terms.len(), 1);
    assert_eq!(
        (
            terms[0].name.as_str(),
            terms[0].funder.as_str(),
            terms[0].targets.visits
        ),
        ("2024年度", "休眠預金活用事業", Some(400))
    );
}
