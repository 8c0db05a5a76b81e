//! The history pages through the real router and a real SQLite file: a campus's month, day
//! by day, and a day's every revision (which device, when, what changed), as HTML and CSV;
//! and the devices that have gone quiet, on the dashboard and the devices page.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use common::*;
use salon_hq_web::Clock;
use salon_protocol::Upload;

fn days(days: Vec<salon_protocol::DaySnapshot>) -> Upload {
    Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days,
        months: vec![],
    }
}

/// 2026-12-01 10:00 in Tokyo.
fn clock() -> Clock {
    Clock::manual(Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).unwrap())
}

/// The rows of the table with `testid`, cell texts with tags stripped.
fn table(page: &str, testid: &str) -> Vec<Vec<String>> {
    let start = page
        .find(&format!("data-testid=\"{testid}\""))
        .unwrap_or_else(|| panic!("no {testid}"));
    let body = &page[start..];
    let body = &body[body.find("<tbody>").unwrap() + 7..body.find("</tbody>").unwrap()];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let cell = &cell[cell.find('>').unwrap() + 1..];
                    let cell = &cell[..cell.find("</td>").unwrap()];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in cell.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    text
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn a_figure_goes_back_to_its_days_and_the_revisions_that_made_it() {
    let hq = Hq::with_clock(clock());
    let a = hq.enrol(&["C-012"]).await;
    let b = hq.enrol(&["C-012"]).await;
    let d = day(2026, 11, 24);
    let other = day(2026, 11, 17);
    for (token, key, upload) in [
        (
            &a,
            "a1",
            days(vec![
                day_with_visits("C-012", d, 1, 12),
                day_with_visits("C-012", other, 1, 4),
            ]),
        ),
        (&a, "a2", days(vec![day_with_visits("C-012", d, 2, 9)])),
        (&b, "b1", days(vec![day_with_visits("C-012", d, 1, 5)])),
    ] {
        hq.state.clock.advance(Duration::minutes(30));
        let r = hq.upload(token, key, &upload).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let cookie = hq.login().await;

    // The dashboard's campus × month row links to the month, keeping the view it came from,
    // so the way back returns to it through a day and its month.
    let dash = hq.get("/?fy=2026", Some(&cookie)).await.text();
    assert!(
        dash.contains("href=\"/history?campus=C-012&amp;month=2026-11&amp;fy=2026\""),
        "{dash}"
    );
    let kept = hq
        .get("/history?campus=C-012&month=2026-11&fy=2026", Some(&cookie))
        .await
        .text();
    assert!(
        kept.contains("href=\"/?fy=2026\" data-testid=\"history-back\""),
        "{kept}"
    );
    assert!(kept.contains("href=\"/history?campus=C-012&amp;day=2026-11-24&amp;fy=2026\""));
    let kept = hq
        .get(
            "/history?campus=C-012&day=2026-11-24&fy=2026",
            Some(&cookie),
        )
        .await
        .text();
    assert!(
        kept.contains("href=\"/history?campus=C-012&amp;month=2026-11&amp;fy=2026\" data-testid=\"history-back\""),
        "{kept}"
    );

    let month = hq
        .get("/history?campus=C-012&month=2026-11", Some(&cookie))
        .await;
    assert_eq!(month.status, StatusCode::OK);
    let page = month.text();
    assert!(page.contains("履歴：C-012 柏キャンパス 2026年11月"));
    let rows = table(&page, "history-days");
    // Day, 実施回数, 実施時間, 利用人数, 延べ生徒数, …: the 24th adds the latest of each device.
    let firsts: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[1].clone(), r[3].clone()))
        .collect();
    assert_eq!(
        firsts,
        [
            ("2026年11月17日".to_owned(), "1".to_owned(), "4".to_owned()),
            ("2026年11月24日".to_owned(), "2".to_owned(), "14".to_owned()),
        ]
    );
    assert!(page.contains("href=\"/history?campus=C-012&amp;day=2026-11-24\""));

    let day_page = hq
        .get("/history?campus=C-012&day=2026-11-24", Some(&cookie))
        .await
        .text();
    let rows = table(&day_page, "history-revisions");
    let seen: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                r[1].clone(),
                r[5].clone(),
                r.last().unwrap().clone(),
            )
        })
        .collect();
    let device_a = format!("山田 花子（端末{}）", hq.store().devices().unwrap()[0].id);
    let device_b = format!("山田 花子（端末{}）", hq.store().devices().unwrap()[1].id);
    assert_eq!(
        seen,
        [
            (
                device_a.clone(),
                "1".into(),
                "12".into(),
                "最初の送信".into()
            ),
            (
                device_a,
                "2（集計中）".into(),
                "9".into(),
                "利用人数（延べ） 12→9、延べ生徒数（日ごと） 10→7".into()
            ),
            (
                device_b,
                "1（集計中）".into(),
                "5".into(),
                "最初の送信".into()
            ),
        ]
    );
    assert!(rows[1][2].contains("2026年12月1日 11:00"), "{:?}", rows[1]);

    // The same as CSV, for Excel.
    let csv = hq
        .get("/history.csv?campus=C-012&day=2026-11-24", Some(&cookie))
        .await;
    assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
    let text = csv.text();
    assert!(text.starts_with(
        "\u{feff}キャンパスコード,日付,端末ID,キャリアサポーター,版,集計中,受信日時,実施回数"
    ));
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4);
    assert!(
        lines[2].contains(",2,はい,")
            && lines[2].ends_with("利用人数（延べ） 12→9、延べ生徒数（日ごと） 10→7"),
        "{}",
        lines[2]
    );
    let csv = hq
        .get("/history.csv?campus=C-012&month=2026-11", Some(&cookie))
        .await
        .text();
    assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count(), 3);

    // Asked wrongly, or without a login.
    for path in [
        "/history",
        "/history?campus=C-012",
        "/history?campus=柏&month=2026-11",
        "/history?campus=C-012&day=2026-02-30",
    ] {
        assert_eq!(
            hq.get(path, Some(&cookie)).await.status,
            StatusCode::BAD_REQUEST,
            "{path}"
        );
    }
    assert_eq!(
        hq.get("/history?campus=C-012&month=2026-11", None)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_device_that_has_gone_quiet_is_named_until_it_sends() {
    let hq = Hq::with_clock(clock());
    let token = hq.enrol(&["C-012"]).await;
    let cookie = hq.login().await;
    let quiet = |page: &str| page.contains("data-testid=\"quiet-devices\"");
    assert!(
        !quiet(&hq.get("/", Some(&cookie)).await.text()),
        "just enrolled"
    );

    hq.state.clock.advance(Duration::days(15));
    let cookie = hq.login().await; // a session lasts 8 hours
    let dash = hq.get("/", Some(&cookie)).await.text();
    assert!(quiet(&dash));
    assert!(
        dash.contains("14日以上送信のない端末") && dash.contains("山田 花子"),
        "{dash}"
    );
    assert!(quiet(&hq.get("/devices", Some(&cookie)).await.text()));

    // 事務局 allows a month: no longer flagged.
    let page = hq.get("/devices", Some(&cookie)).await.text();
    let form = format!("csrf={}&days=30", csrf_of(&page));
    let a = hq.post_form("/devices/quiet-days", &cookie, &form).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(!quiet(&hq.get("/", Some(&cookie)).await.text()));
    for bad in ["0", "366", "十四"] {
        let a = hq
            .post_form(
                "/devices/quiet-days",
                &cookie,
                &format!("csrf={}&days={bad}", csrf_of(&page)),
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    let a = hq
        .post_form("/devices/quiet-days", &cookie, "csrf=wrong&days=3")
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(hq.store().quiet_days().unwrap(), 30);

    // Silent for 31 days, then it sends: gone from the list.
    hq.state.clock.advance(Duration::days(16));
    let cookie = hq.login().await;
    assert!(quiet(&hq.get("/", Some(&cookie)).await.text()));
    let r = hq
        .upload(
            &token,
            "k",
            &days(vec![day_snapshot("C-012", day(2026, 12, 29), 1)]),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(!quiet(&hq.get("/", Some(&cookie)).await.text()));
}
