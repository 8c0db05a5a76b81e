//! Logins attacked as a botnet would: guesses spread over many addresses, a flood of made-up
//! names, a stranger trying to keep the owner out. Through the real router and database, with
//! the server's clock in the test's hands.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::*;
use salon_hq_web::{Clock, Throttle};

fn hq() -> Hq {
    Hq::with_clock(Clock::manual(Utc::now()))
}

fn retry_after(a: &Answer) -> i64 {
    a.headers["retry-after"].to_str().unwrap().parse().unwrap()
}

const KNOWN: &str = "__Host-hq_known";

#[tokio::test]
async fn each_failure_doubles_the_accounts_wait_whatever_the_address() {
    let hq = hq();
    let a = hq.login_from(Some("203.0.113.1"), ADMIN, "a guess").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.text().contains("名前またはパスワードが違います"));
    // From another address, even the right password waits: the account is counted, not the
    // pair of name and address.
    let a = hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&a), 1);
    assert!(a.text().contains("長くて15分"), "{}", a.text());
    assert!(session_cookie(&a).is_none());
    hq.state.clock.advance(Duration::seconds(1));
    assert_eq!(
        hq.login_from(Some("203.0.113.2"), ADMIN, "another")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let a = hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD).await;
    assert_eq!(retry_after(&a), 2);
    hq.state.clock.advance(Duration::seconds(2));
    let a = hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    // Another account is not affected.
    hq.store()
        .create_admin(
            &salon_hq_store::Actor::cli(),
            "other",
            "another long password",
            salon_hq_store::Role::Manager,
            hq.state.now(),
        )
        .unwrap();
    hq.login_from(Some("203.0.113.3"), ADMIN, "again").await;
    let a = hq
        .login_from(Some("198.51.100.9"), "other", "another long password")
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    hq.state.clock.advance(Duration::seconds(1));
    assert_eq!(
        hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    // The success forgave the account: the next failure waits a second again.
    hq.login_from(Some("203.0.113.3"), ADMIN, "again").await;
    let a = hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD).await;
    assert_eq!(retry_after(&a), 1);

    // Names that belong to no one share one counter per address.
    for i in 0..5 {
        let a = hq
            .login_from(Some("203.0.113.60"), &format!("nobody{i}"), "x")
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = hq
        .login_from(Some("203.0.113.60"), "yet another", "x")
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);

    let log = hq.log_text();
    for secret in [PASSWORD, "a guess", "nobody", ADMIN] {
        assert!(!log.contains(secret), "{log}");
    }
}

#[tokio::test]
async fn two_hundred_guesses_from_a_hundred_addresses_are_slowed_and_the_owners_browser_gets_in() {
    let hq = hq();
    // The owner logged in from the office browser last week.
    let a = hq.login_from(Some("198.51.100.30"), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let office = cookie_named(&a, KNOWN).expect("the browser is remembered");
    hq.state.clock.advance(Duration::days(7));

    // A botnet: 200 guesses over 200 seconds, two from each of 100 addresses.
    let mut checked = 0;
    for i in 0..200 {
        let ip = format!("203.0.{}.{}", 113 + i % 2, i / 2);
        let a = hq.login_from(Some(&ip), ADMIN, &format!("guess {i}")).await;
        match a.status {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("{other}: {}", a.text()),
        }
        hq.state.clock.advance(Duration::seconds(1));
    }
    assert!(checked <= 9, "{checked} of 200 guesses were checked");

    // The owner at a new computer waits too …
    let a = hq.login_from(Some("198.51.100.31"), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    // … but the office browser logs in at once.
    let a = hq
        .login_with(Some("198.51.100.30"), Some(&office), ADMIN, PASSWORD, &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(
        cookie_named(&a, KNOWN).as_deref(),
        Some(office.as_str()),
        "the same browser keeps its id"
    );

    // A known browser is counted on its own, in the same doubling way: a stolen cookie buys
    // no faster guessing than the account allows anyone.
    let a = hq
        .login_with(Some("198.51.100.30"), Some(&office), ADMIN, "typo", &[])
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = hq
        .login_with(Some("198.51.100.30"), Some(&office), ADMIN, PASSWORD, &[])
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after(&a), 1);
    hq.state.clock.advance(Duration::seconds(1));

    // A forged or another account's cookie skips nothing.
    // (One character of the browser's id changed: the signature no longer holds.)
    let at = KNOWN.len() + 1 + 15;
    let swap = if &office[at..=at] == "B" { "C" } else { "B" };
    let forged = format!("{}{swap}{}", &office[..at], &office[at + 1..]);
    assert_ne!(forged, office);
    let a = hq
        .login_with(Some("198.51.100.32"), Some(&forged), ADMIN, PASSWORD, &[])
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);

    // A new password makes every remembered browser a stranger again.
    let a = hq
        .login_with(Some("198.51.100.30"), Some(&office), ADMIN, PASSWORD, &[])
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let cookie = session_cookie(&a).unwrap();
    let page = hq.get("/password", Some(&cookie)).await.text();
    let change = form(&[
        ("csrf", &csrf_of(&page)),
        ("current", PASSWORD),
        ("password", "a brand new password"),
        ("password_again", "a brand new password"),
    ]);
    assert_eq!(
        hq.post_form("/password", &cookie, &change).await.status,
        StatusCode::OK
    );
    let a = hq
        .login_with(
            Some("198.51.100.30"),
            Some(&office),
            ADMIN,
            "a brand new password",
            &[],
        )
        .await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the botnet's wait applies"
    );
}

#[tokio::test]
async fn a_flood_of_made_up_names_pushes_no_accounts_count_out() {
    // A limiter that keeps only 50 keys, flooded from 200 addresses.
    let mut hq = hq();
    hq.state.throttle = std::sync::Arc::new(Throttle::with_max_keys(50));
    hq.router = salon_hq_web::router(hq.state.clone());
    // Twelve guesses, each as soon as the account takes one: it now waits 15 minutes.
    for i in 0..12 {
        if i > 0 {
            hq.state.clock.advance(Duration::seconds(1 << (i - 1)));
        }
        let a = hq
            .login_from(Some("203.0.113.1"), ADMIN, &format!("guess {i}"))
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let waiting = hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD).await;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
    for i in 0..200 {
        hq.login_from(Some(&format!("192.0.2.{i}")), &format!("junk{i}"), "x")
            .await;
    }
    assert!(hq.state.throttle.tracked_keys() <= 50);
    // 20,000 made-up names from one address take one key, and are refused after five.
    let mut refused = 0;
    for i in 0..20_000 {
        let a = hq
            .login_from(Some("203.0.113.99"), &format!("n{i}"), "x")
            .await;
        refused += usize::from(a.status == StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(refused >= 19_995, "{refused}");
    // The account still waits: its count is in the database.
    let a = hq.login_from(Some("198.51.100.9"), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&a) > 0);
}

#[tokio::test]
async fn an_idle_session_ends_after_thirty_minutes_and_a_form_posted_then_keeps_its_text() {
    let hq = hq();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let ended_csrf = csrf.clone();
    // Requests keep it alive …
    for _ in 0..3 {
        hq.state.clock.advance(Duration::minutes(29));
        assert_eq!(hq.get("/", Some(&cookie)).await.status, StatusCode::OK);
    }
    // … 31 minutes without one end it.
    hq.state.clock.advance(Duration::minutes(31));
    let a = hq.get("/", Some(&cookie)).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);

    // A campus typed in and saved after that: the login page keeps it.
    let sent = form(&[
        ("csrf", &csrf),
        ("code", "C-200"),
        ("name", "松戸キャンパス"),
    ]);
    let a = hq.post_form("/campuses", &cookie, &sent).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let page = a.text();
    assert!(page.contains("ログインの有効期限が切れました"), "{page}");
    assert!(
        page.contains("松戸キャンパス") || page.contains("%E6%9D%BE"),
        "{page}"
    );
    let resume_form = {
        let field = "name=\"resume_form\" value=\"";
        let at = page.find(field).unwrap() + field.len();
        page[at..at + page[at..].find('"').unwrap()].replace("&amp;", "&")
    };
    // Logging in again offers to send it with the new session; nothing is saved before.
    let a = hq
        .login_with(
            None,
            None,
            ADMIN,
            PASSWORD,
            &[("resume_to", "/campuses"), ("resume_form", &resume_form)],
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert!(hq
        .store()
        .campuses()
        .unwrap()
        .iter()
        .all(|c| c.code != "C-200"));
    let again = a.text();
    assert!(again.contains("続けて保存する") && again.contains("松戸キャンパス"));
    let new_cookie = session_cookie(&a).unwrap();
    let csrf = csrf_of(&again);
    let a = hq
        .post_form(
            "/campuses",
            &new_cookie,
            &form(&[
                ("csrf", &csrf),
                ("code", "C-200"),
                ("name", "松戸キャンパス"),
            ]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert!(hq
        .store()
        .campuses()
        .unwrap()
        .iter()
        .any(|c| c.code == "C-200"));

    // A form another site makes the browser post (no session cookie, since it is SameSite,
    // and no token of ours) is turned away as before, never carried to be sent again.
    let forged = form(&[("code", "C-666"), ("name", "偽のキャンパス")]);
    let a = hq.post_form("/campuses", "", &forged).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = hq
        .post_form(
            "/campuses",
            &cookie,
            &form(&[("csrf", "not ours"), ("code", "C-666")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    // Nor are passwords carried.
    let sent = form(&[
        ("csrf", &ended_csrf),
        ("current", PASSWORD),
        ("password", "a new long password"),
        ("password_again", "a new long password"),
    ]);
    let a = hq.post_form("/password", &cookie, &sent).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(!a.text().contains(PASSWORD) && !a.text().contains("a+new+long"));

    // Eight hours after login a session ends however busy it was.
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    for _ in 0..16 {
        hq.state.clock.advance(Duration::minutes(29));
        assert_eq!(hq.get("/", Some(&cookie)).await.status, StatusCode::OK);
    }
    hq.state.clock.advance(Duration::minutes(8 * 60 - 16 * 29));
    assert_eq!(
        hq.get("/", Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
}
