//! The device API through the real router and a real SQLite file.
//!
//! Over 500 lines because every answer of the device API (enrol, config, upload and each refusal)
//! is checked here against one enrolled device; the helpers above serve them all.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use chrono::Utc;
use common::*;
use salon_figures::Period;
use salon_hq_store::figures::compute;
use salon_protocol::{
    DeviceConfig, EnrolmentCode, Month, PathCalendar, Receipt, API_VERSION, API_VERSION_HEADER,
    APP_VERSION_HEADER, MAX_BODY_BYTES,
};
use serde_json::json;

fn feb() -> Period {
    let m = Month::parse("2025-02").unwrap();
    Period::new(m, m).unwrap()
}

/// (sessions, visits) held for February 2025.
fn figures(hq: &Hq) -> (u64, u64, u64) {
    let f = compute(hq.store(), feb()).unwrap();
    (f.sessions, f.visits, f.student_days)
}

/// One protocol: any other version, or no app version headquarters can read, is told to
/// update the app, in Japanese, before anything else is looked at.
#[tokio::test]
async fn any_other_protocol_version_or_an_unreadable_app_version_is_told_to_update() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let upload = serde_json::to_vec(&sample_upload()).unwrap();
    let request = |api: Option<&str>, app: Option<&str>| {
        let mut r = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/upload")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {token}"))
            .header("idempotency-key", "k1");
        if let Some(api) = api {
            r = r.header(API_VERSION_HEADER, api);
        }
        if let Some(app) = app {
            r = r.header(APP_VERSION_HEADER, app);
        }
        r.body(Body::from(upload.clone())).unwrap()
    };
    let refused = [
        (Some("0"), Some(APP)),
        (Some("2"), Some(APP)),
        (Some("3"), Some(APP)),
        (Some("8"), Some(APP)),
        (Some("one"), Some(APP)),
        (None, Some(APP)),
        (Some("1"), None),
        (Some("1"), Some("1.0")),
        (Some("1"), Some("最新")),
    ];
    for (api, app) in refused {
        let a = hq.send(request(api, app)).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{api:?} {app:?}");
        let e = a.error();
        assert_eq!(e.code, "api_version", "{api:?} {app:?}");
        assert!(
            e.message.contains("アプリを最新の版に更新してください"),
            "{}",
            e.message
        );
        assert_eq!(a.headers[API_VERSION_HEADER], "1");
    }
    assert_eq!(hq.stored(), (0, 0, 0));
    let a = hq.send(request(Some("1"), Some("1.0.0"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
}

#[tokio::test]
async fn every_answer_carries_the_version() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    for version in [None, Some("1"), Some("2"), Some("8"), Some("v3"), Some("")] {
        let mut b = axum::http::Request::builder()
            .method("POST")
            .uri("/api/v1/upload")
            .header("authorization", format!("Bearer {token}"))
            .header("idempotency-key", "k1");
        if let Some(v) = version {
            b = b.header(API_VERSION_HEADER, v);
        }
        let body = serde_json::to_vec(&sample_upload()).unwrap();
        let a = hq.send(b.body(Body::from(body)).unwrap()).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{version:?}");
        assert_eq!(a.error().code, "api_version");
        assert_eq!(
            a.headers[API_VERSION_HEADER],
            API_VERSION.to_string().as_str()
        );
    }
    assert_eq!(hq.stored(), (0, 0, 0));
    let a = hq
        .send(
            Hq::api("GET", "/api/v1/config")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(
        a.headers[API_VERSION_HEADER],
        API_VERSION.to_string().as_str()
    );
    let config: DeviceConfig = a.json();
    assert_eq!(config.campuses, vec![campus("C-012")]);
    assert_eq!(config.path_calendar, PathCalendar::default());
    let a = hq
        .send(
            Hq::api("GET", "/api/v1/nothing")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(
        a.headers[API_VERSION_HEADER],
        API_VERSION.to_string().as_str()
    );
}

#[tokio::test]
async fn enrolment_codes_are_single_use_expire_and_all_failures_look_alike() {
    let hq = Hq::new();
    let now = Utc::now();
    let issued = hq
        .store()
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &[campus("C-012"), campus("C-013")],
            now,
        )
        .unwrap();
    // Typed by a person: lower case and a hyphen are fine.
    let typed = format!("{}-{}", issued.code[..5].to_lowercase(), &issued.code[5..]);
    let a = hq.enrol_with(&typed).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let e: salon_protocol::Enrolment = a.json();
    assert_eq!(e.campuses, vec![campus("C-012"), campus("C-013")]);
    assert_eq!(e.token.len(), 43);

    let expired = hq
        .store()
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "佐藤",
            &[campus("C-012")],
            now - chrono::Duration::minutes(16),
        )
        .unwrap();
    let mut bodies = Vec::new();
    for code in [issued.code.as_str(), expired.code.as_str(), "ABCDEFGH23"] {
        let a = hq.enrol_with(code).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        bodies.push(a.body.clone());
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "used, expired and unknown answer alike"
    );
    assert_eq!(hq.store().count_rows("devices").unwrap(), 1);

    // Not a code at all, or an extra field: a bad body.
    for body in [
        json!({"code": "ABC"}),
        json!({"code": "ABCDEFGH!2"}),
        json!({"code": issued.code, "name": "x"}),
        json!({}),
    ] {
        let a = hq
            .send(
                Hq::api("POST", "/api/v1/enrol")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        assert_eq!(a.error().code, "bad_body");
    }
    // The error message never echoes the code.
    let a = hq.enrol_with(&issued.code).await;
    assert!(!a.text().contains(&issued.code));
    assert_eq!(hq.store().count_rows("devices").unwrap(), 1);
}

#[tokio::test]
async fn each_bad_upload_has_its_own_answer_and_stores_nothing() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let good = serde_json::to_value(sample_upload()).unwrap();

    let with = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = good.clone();
        f(&mut v);
        serde_json::to_vec(&v).unwrap()
    };
    let mut too_big = serde_json::to_vec(&good).unwrap();
    too_big.truncate(too_big.len() - 1);
    too_big.extend(std::iter::repeat_n(b' ', MAX_BODY_BYTES));
    too_big.push(b'}');

    let mut not_adding_up = sample_upload();
    not_adding_up.months[0].breakdown.by_format[1].count = 1;
    let mut incomplete = sample_upload();
    incomplete.months[0].breakdown.by_format.pop();
    let mut other_campus = sample_upload();
    other_campus
        .days
        .push(day_snapshot("C-013", day(2025, 2, 19), 1));
    let mut unknown_campus = sample_upload();
    unknown_campus.days[0].campus = campus("C-999");
    let mut too_many = sample_upload();
    too_many.days = (0..401)
        .map(|i| day_snapshot("C-012", day(2024, 1, 1) + chrono::Duration::days(i), 1))
        .collect();

    let long_key = "k".repeat(101);
    let cases: Vec<(&str, &str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "not json",
            "k1",
            b"{not json".to_vec(),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "empty",
            "k1",
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "unknown field",
            "k1",
            with(&|v| v["days"][0]["note"] = json!("泣きながら話してくれた")),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "text where a code belongs",
            "k1",
            with(&|v| v["days"][0]["campus"] = json!("柏キャンパス")),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "text as a format",
            "k1",
            with(&|v| v["months"][0]["breakdown"]["byFormat"][0]["code"] = json!("面接の練習")),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "negative count",
            "k1",
            with(&|v| v["days"][0]["counts"]["visits"] = json!(-1)),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "too big",
            "k1",
            too_big,
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            // A month has no route cell: one sent exactly is not a message of this API.
            "a route cell in a month",
            "k1",
            with(&|v| {
                v["months"][0]["breakdown"]["byRoute"] = json!([{"code": "self", "count": 3}])
            }),
            StatusCode::BAD_REQUEST,
            "bad_body",
        ),
        (
            "formats not adding up to the visits",
            "k1",
            serde_json::to_vec(&not_adding_up).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "month_total_mismatch",
        ),
        (
            "incomplete breakdown",
            "k1",
            serde_json::to_vec(&incomplete).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "incomplete_breakdown",
        ),
        (
            // 401 day snapshots do not fit in 64 KiB: the size limit answers first.
            "too many snapshots",
            "k1",
            serde_json::to_vec(&too_many).unwrap(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
        ),
        (
            "campus not enrolled",
            "k1",
            serde_json::to_vec(&other_campus).unwrap(),
            StatusCode::FORBIDDEN,
            "campus_not_enrolled",
        ),
        (
            "campus unknown",
            "k1",
            serde_json::to_vec(&unknown_campus).unwrap(),
            StatusCode::FORBIDDEN,
            "campus_not_enrolled",
        ),
        (
            "key with a space",
            "a b",
            serde_json::to_vec(&good).unwrap(),
            StatusCode::BAD_REQUEST,
            "idempotency_key",
        ),
        (
            "key too long",
            &long_key,
            serde_json::to_vec(&good).unwrap(),
            StatusCode::BAD_REQUEST,
            "idempotency_key",
        ),
    ];
    for (what, key, body, status, code) in cases {
        let a = hq.upload_raw(&token, key, body).await;
        assert_eq!(a.status, status, "{what}: {}", a.text());
        let e = a.error();
        assert_eq!(e.code, code, "{what}");
        assert!(
            !e.message.contains("泣き") && !e.message.contains("柏"),
            "{what}"
        );
        assert_eq!(hq.stored(), (0, 0, 0), "{what} stored something");
    }

    // Below the HTTP layer the count limit holds too (the body limit is reached first).
    let e = hq
        .store()
        .upload(
            &token,
            "k1",
            &serde_json::to_vec(&too_many).unwrap(),
            Utc::now(),
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "too_many_snapshots");
    assert_eq!(hq.stored(), (0, 0, 0));

    // No idempotency key, no token, an unknown token.
    let body = serde_json::to_vec(&good).unwrap();
    let a = hq
        .send(
            Hq::api("POST", "/api/v1/upload")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (StatusCode::BAD_REQUEST, "idempotency_key")
    );
    let a = hq
        .send(
            Hq::api("POST", "/api/v1/upload")
                .header("idempotency-key", "k1")
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (StatusCode::UNAUTHORIZED, "token_invalid")
    );
    let a = hq.upload_raw("not-a-token", "k1", body.clone()).await;
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (StatusCode::UNAUTHORIZED, "token_invalid")
    );
    assert_eq!(hq.stored(), (0, 0, 0));

    // The same key with a different body.
    let a = hq.upload(&token, "k1", &sample_upload()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let before = (hq.stored(), figures(&hq));
    let mut other = sample_upload();
    other.days[0].revision = 2;
    let a = hq.upload(&token, "k1", &other).await;
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (StatusCode::CONFLICT, "idempotency_conflict")
    );
    assert_eq!((hq.stored(), figures(&hq)), before);

    // A revoked device.
    let id = hq.store().devices().unwrap()[0].id;
    hq.store()
        .revoke(&salon_hq_store::Actor::cli(), id, Utc::now())
        .unwrap();
    let a = hq.upload(&token, "k2", &other).await;
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (StatusCode::UNAUTHORIZED, "device_revoked")
    );
    assert_eq!((hq.stored(), figures(&hq)), before);
}

#[tokio::test]
async fn enrol_config_upload_replay_correct_reorder_revoke() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let upload = sample_upload();
    let a = hq.upload(&token, "first", &upload).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(
        a.json::<Receipt>(),
        Receipt {
            stored: 3,
            unchanged: 0,
            stale: 0
        }
    );
    let held = figures(&hq);
    let expected_visits: u64 = upload.days.iter().map(|d| d.counts.visits as u64).sum();
    assert_eq!(held, (2, expected_visits, expected_visits - 4));

    // The same key again: the stored receipt, nothing changes.
    let a = hq.upload(&token, "first", &upload).await;
    assert_eq!(
        a.json::<Receipt>(),
        Receipt {
            stored: 3,
            unchanged: 0,
            stale: 0
        }
    );
    // The same snapshots 50 times under new keys (a client that lost its receipt).
    for i in 0..50 {
        let a = hq.upload(&token, &format!("retry-{i}"), &upload).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            a.json::<Receipt>(),
            Receipt {
                stored: 0,
                unchanged: 3,
                stale: 0
            }
        );
        assert_eq!(figures(&hq), held);
    }
    assert_eq!(hq.stored().0, 2);
    assert_eq!(hq.stored().1, 1);

    // A corrected day replaces the earlier figures.
    let corrected = salon_protocol::Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days: vec![day_snapshot("C-012", day(2025, 2, 25), 2)],
        months: vec![month_snapshot(
            "C-012",
            Month::parse("2025-02").unwrap(),
            2,
            79,
        )],
    };
    let a = hq.upload(&token, "second", &corrected).await;
    assert_eq!(
        a.json::<Receipt>(),
        Receipt {
            stored: 2,
            unchanged: 0,
            stale: 0
        }
    );
    let after = figures(&hq);
    assert_eq!(after.1, held.1 + 10);

    // The older revisions with their other figures arriving late are refused whole, with
    // the revisions held; nothing changes.
    let a = hq.upload(&token, "late", &upload).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.text());
    let e = a.error();
    assert_eq!(e.code, "revision_behind");
    assert_eq!(
        e.held.iter().map(|h| h.revision).collect::<Vec<_>>(),
        [2, 2]
    );
    assert_eq!(figures(&hq), after);

    // A second device for the same campus on another day adds up.
    let token2 = hq.enrol(&["C-012"]).await;
    let other_day = salon_protocol::Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days: vec![day_snapshot("C-012", day(2025, 2, 20), 1)],
        months: vec![],
    };
    let a = hq.upload(&token2, "first", &other_day).await;
    assert_eq!(
        a.json::<Receipt>(),
        Receipt {
            stored: 1,
            unchanged: 0,
            stale: 0
        }
    );
    let both = figures(&hq);
    assert_eq!(both.0, 3);
    assert_eq!(both.1, after.1 + other_day.days[0].counts.visits as u64);

    // Revoked: refused from now on, its figures stay.
    let id = hq.store().devices().unwrap()[0].id;
    hq.store()
        .revoke(&salon_hq_store::Actor::cli(), id, Utc::now())
        .unwrap();
    let a = hq.upload(&token, "after-revoke", &corrected).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.error().code, "device_revoked");
    let a = hq
        .send(
            Hq::api("GET", "/api/v1/config")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(
        (a.status, a.error().code.as_str()),
        (StatusCode::UNAUTHORIZED, "device_revoked")
    );
    assert_eq!(figures(&hq), both);
    let _ = EnrolmentCode::parse("ABCDEFGH23").unwrap();
}
