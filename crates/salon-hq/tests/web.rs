//! The admin web and the secrets: login, sessions, CSRF, the dashboard, the CSV export, and no
//! enrolment code or token in the clear in the database files or the log.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::*;
use salon_hq_store::Target;
use salon_protocol::{Month, Receipt};

#[tokio::test]
async fn a_wrong_password_is_refused_and_pages_need_a_session() {
    let hq = Hq::with_clock(salon_hq_web::Clock::manual(Utc::now()));
    for path in ["/", "/export.csv?fy=2024", "/devices", "/codes/new"] {
        let a = hq.get(path, None).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(a.headers["location"], "/login");
        let a = hq.get(path, Some("__Host-hq_session=forged")).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{path}");
    }
    let a = hq.login_from(None, ADMIN, "wrong password").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&a).is_none());
    assert!(a.text().contains("名前またはパスワードが違います"));
    let a = hq.login_from(None, "nobody", "whatever else").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(hq.store().count_rows("admin_sessions").unwrap(), 0);

    let login = hq.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text().contains("<html lang=\"ja\">"));
    assert_eq!(
        login.headers["content-security-policy"],
        "default-src 'self'; style-src 'self'"
    );
    assert!(!login.text().contains("<script"));
    let css = hq.get("/static/hq.css", None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));

    // Logging in (a second after the wrong password: the account waits that long): the cookie
    // is Secure, __Host-, HttpOnly, SameSite=Strict, 8 hours.
    hq.state.clock.advance(chrono::Duration::seconds(1));
    let a = hq.login_from(None, ADMIN, PASSWORD).await;
    let set = a
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("__Host-hq_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly")
            && set.contains("; Secure")
            && set.contains("SameSite=Strict")
            && set.contains("Path=/;")
            && set.contains("Max-Age=28800"),
        "{set}"
    );
    let cookie = session_cookie(&a).unwrap();
    let page = hq.get("/", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("導入校数"));

    // Logging out needs the CSRF token; then the session is gone.
    let a = hq.post_form("/logout", &cookie, "csrf=wrong").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let csrf = csrf_of(&page.text());
    let a = hq
        .post_form("/logout", &cookie, &format!("csrf={csrf}"))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(
        hq.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_login_needs_the_form_this_server_gave_this_browser() {
    let hq = Hq::new();
    let form = |csrf: &str| {
        format!(
            "csrf={csrf}&name={ADMIN}&password={}",
            PASSWORD.replace(' ', "+")
        )
    };
    // Another site posting the right password (login CSRF): no form cookie, no token.
    let a = hq.post_form("/login", "", &form("")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.text().contains("有効期限が切れました"), "{}", a.text());
    assert!(session_cookie(&a).is_none());
    // A token from one form with the cookie of another.
    let (cookie, _) = hq.login_page().await;
    let (_, other_csrf) = hq.login_page().await;
    let a = hq.post_form("/login", &cookie, &form(&other_csrf)).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = hq.post_form("/login", &cookie, &form("")).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(hq.store().count_rows("admin_sessions").unwrap(), 0);
    // The refused page is a fresh form that works.
    let csrf = csrf_of(&a.text());
    let cookie = cookie_named(&a, "__Host-hq_login").unwrap();
    let a = hq.post_form("/login", &cookie, &form(&csrf)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert!(session_cookie(&a).is_some());
    // Logging in spends the form: its cookie is cleared.
    assert!(a
        .headers
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("__Host-hq_login=;")));
}

#[tokio::test]
async fn codes_are_issued_and_devices_revoked_from_the_web_with_csrf() {
    let hq = Hq::new();
    let cookie = hq.login().await;
    let form = hq.get("/codes/new", Some(&cookie)).await;
    assert!(form.text().contains("柏キャンパス"));
    let csrf = csrf_of(&form.text());

    let a = hq
        .post_form(
            "/codes",
            &cookie,
            "supporter=%E5%B1%B1%E7%94%B0&campus=C-012",
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "no csrf");
    assert_eq!(hq.store().count_rows("enrolment_codes").unwrap(), 0);
    let a = hq
        .post_form(
            "/codes",
            &cookie,
            &format!("csrf={csrf}&supporter=%E5%B1%B1%E7%94%B0&campus=C-999"),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "unknown campus");
    assert_eq!(hq.store().count_rows("enrolment_codes").unwrap(), 0);

    let a = hq
        .post_form(
            "/codes",
            &cookie,
            &format!("csrf={csrf}&supporter=%E5%B1%B1%E7%94%B0&campus=C-012&campus=C-013"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let text = a.text();
    let at = text.find("data-code=\"").unwrap() + 11;
    let code = &text[at..at + 10];
    assert!(text.contains("有効期限"));
    assert!(text.contains("年") && text.contains("月") && text.contains("日"));
    let e = hq.enrol_with(code).await;
    assert_eq!(e.status, StatusCode::OK);

    let devices = hq.get("/devices", Some(&cookie)).await;
    assert!(devices.text().contains("山田"));
    assert!(devices.text().contains("有効"));
    let id = hq.store().devices().unwrap()[0].id;
    let a = hq
        .post_form(&format!("/devices/{id}/revoke"), &cookie, "csrf=nope")
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(hq.store().devices().unwrap()[0].revoked_at.is_none());
    let a = hq
        .post_form(
            &format!("/devices/{id}/revoke"),
            &cookie,
            &format!("csrf={csrf}&confirmed=1"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(hq.store().devices().unwrap()[0].revoked_at.is_some());
    assert!(hq
        .get("/devices", Some(&cookie))
        .await
        .text()
        .contains("失効"));
}

#[tokio::test]
async fn the_dashboard_and_the_csv_state_the_funder_figures() {
    let hq = Hq::new();
    hq.store()
        .set_target(
            &salon_hq_store::Actor::cli(),
            Target {
                from: Month::parse("2024-04").unwrap(),
                to: Month::parse("2025-03").unwrap(),
                schools: 2,
                sessions: 4,
                visits: 40,
            },
            chrono::Utc::now(),
        )
        .unwrap();
    let token = hq.enrol(&["C-012", "C-013"]).await;
    let mut upload = sample_upload();
    upload.days.push(day_snapshot("C-013", day(2024, 9, 10), 1));
    let a = hq.upload(&token, "u1", &upload).await;
    assert_eq!(a.json::<Receipt>().stored, 4);
    let visits: u32 = upload.days.iter().map(|d| d.counts.visits).sum();

    let cookie = hq.login().await;
    let page = hq.get("/?fy=2024", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("<html lang=\"ja\">"));
    assert!(text.contains("data-figure=\"導入校数\">2校"), "{text}");
    assert!(text.contains("data-figure=\"実施回数\">3回"));
    assert!(text.contains(&format!("data-figure=\"利用人数（延べ）\">{visits}名")));
    assert!(text.contains("延べ生徒数（日ごと）"));
    // 目標比: 2 of 2 schools, 3 of 4 sessions.
    assert!(text.contains("<td>2校</td><td>100%</td>"));
    assert!(text.contains("<td>4回</td><td>75%</td>"));
    assert!(text.contains("<svg"));
    assert!(!text.contains("<script"));

    // A period inside the year has no target of its own.
    let p = hq
        .get("/?fy=2024&from=2025-02&to=2025-02", Some(&cookie))
        .await;
    assert!(p.text().contains("data-figure=\"導入校数\">1校"));
    assert!(p
        .text()
        .contains("この期間ちょうどの事業期間がないため、目標はありません"));
    let bad = hq.get("/?fy=2024&from=2025-13", Some(&cookie)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let csv = hq.get("/export.csv?fy=2024", Some(&cookie)).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(csv.body.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM");
    let text = csv.text();
    let mut lines = text.trim_start_matches('\u{feff}').split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "キャンパスコード,キャンパス名,年月,実施回数,実施時間（分）,利用人数（延べ）,延べ生徒数（日ごと）,初回生徒数,予約数,予約来談数,予約欠席数"
    );
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
    // 2 campuses × 12 months, and a trailing CRLF.
    assert_eq!(text.matches("\r\n").count(), 1 + 24);
    let feb = text
        .lines()
        .find(|l| l.starts_with("C-012,柏キャンパス,2025年2月"))
        .unwrap();
    let fields: Vec<&str> = feb.split(',').collect();
    assert_eq!(fields[3], "2");
    let expected_feb: u32 = upload
        .days
        .iter()
        .filter(|d| d.campus.as_str() == "C-012")
        .map(|d| d.counts.visits)
        .sum();
    assert_eq!(fields[5], expected_feb.to_string());
    assert_eq!(
        fields.len(),
        11,
        "no route or topic column: they leave only under noise"
    );
}

#[tokio::test]
async fn no_code_or_token_in_the_clear_in_the_database_or_the_log() {
    let hq = Hq::new();
    let issued = hq
        .store()
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &[campus("C-012")],
            Utc::now(),
        )
        .unwrap();
    let a = hq.enrol_with(&issued.code).await;
    let token = a.json::<salon_protocol::Enrolment>().token.to_string();
    assert_eq!(
        hq.upload(&token, "u1", &sample_upload()).await.status,
        StatusCode::OK
    );
    let a = hq.upload(&token, "u1", &sample_upload()).await;
    assert_eq!(a.status, StatusCode::OK);
    let _ = hq.upload("wrong-token", "u2", &sample_upload()).await;
    let cookie = hq.login().await;
    let session = cookie.split('=').nth(1).unwrap().to_owned();
    let _ = hq.get("/", Some(&cookie)).await;

    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(hq.dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(bytes.len() > 1000);
    let log = hq.log_text();
    assert!(log.contains("POST /api/v1/upload 200"), "{log}");
    assert!(log.contains("POST /api/v1/enrol 200"));
    for secret in [
        issued.code.as_str(),
        token.as_str(),
        session.as_str(),
        PASSWORD,
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a secret is stored in the clear"
        );
        assert!(!log.contains(secret), "a secret is in the log");
    }
}

#[tokio::test]
async fn the_dashboards_campus_table_is_a_page_of_fifty_whatever_the_campuses() {
    let hq = Hq::new();
    let codes: Vec<String> = (100..160).map(|n| format!("C-{n}")).collect();
    for code in &codes {
        hq.store()
            .add_campus(
                &salon_hq_store::Actor::cli(),
                &campus(code),
                &format!("{code}キャンパス"),
                Utc::now(),
            )
            .unwrap();
    }
    let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let token = hq.enrol(&refs).await;
    let days = codes
        .iter()
        .map(|c| day_with_visits(c, day(2024, 10, 8), 1, 3))
        .collect();
    let upload = salon_protocol::Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days,
        months: vec![],
    };
    assert_eq!(
        hq.upload(&token, "sixty", &upload).await.status,
        StatusCode::OK
    );
    let cookie = hq.login().await;
    let rows = |page: &str| page.matches("<tr data-campus=").count();
    let first = hq.get("/?fy=2024", Some(&cookie)).await.text();
    assert_eq!(rows(&first), 50);
    assert!(first.contains("60キャンパス中 1〜50件目") && first.contains("次の50キャンパス"));
    let second = hq.get("/?fy=2024&page=2", Some(&cookie)).await.text();
    assert_eq!(rows(&second), 10);
    assert!(second.contains("C-159キャンパス") && !second.contains("C-100キャンパス"));
}

#[tokio::test]
async fn settings_explain_how_students_are_protected_and_offer_no_dial() {
    let hq = Hq::new();
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let page = hq.get("/settings", Some(&cookie)).await.text();
    assert!(page.contains("生徒を守るしくみ（変更はできません）"));
    for dial in ["name=\"k\"", "name=\"b\"", "ε", "95%の幅"] {
        assert!(!page.contains(dial), "{dial}");
    }
    let doc = hq.get("/privacy.md", Some(&cookie)).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.text().starts_with("# Privacy in Career Salon"));
    assert_eq!(
        hq.get("/privacy.md", None).await.status,
        StatusCode::SEE_OTHER
    );
}
