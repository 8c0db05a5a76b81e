//! Brute-force protection per address through the real router and a real SQLite file: failed
//! logins and refused enrolment codes lock an address, forwarded addresses are believed only
//! from a named proxy, and the locks end after 15 minutes of a clock the test moves (an
//! account's own wait: `logins.rs`).

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::*;
use salon_hq_web::Clock;

const LOCKED: &str = "ログインの失敗が続いたため、しばらく（長くて15分）試せません。";

fn hq() -> Hq {
    Hq::with_clock(Clock::manual(Utc::now()))
}

fn retry_after(a: &Answer) -> i64 {
    a.headers["retry-after"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn behind_the_named_proxy_the_address_it_appended_last_is_the_client() {
    let mut hq = hq();
    hq.state.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    hq.router = salon_hq_web::router(hq.state.clone());
    // The client wrote a header line of its own; the proxy added its line after it.
    let enrol = |forwarded: &[&str]| {
        let mut b = Hq::api("POST", "/api/v1/enrol").extension(connect_info("127.0.0.1"));
        for line in forwarded {
            b = b.header("x-forwarded-for", *line);
        }
        b.body(axum::body::Body::from("{\"code\":\"ABCDEFGH23\"}"))
            .unwrap()
    };
    for i in 0..10 {
        let a = hq
            .send(enrol(&[&format!("10.0.0.{i}"), "198.51.100.77"]))
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    // Whatever the client writes first, it is counted as the address the proxy saw.
    let a = hq.send(enrol(&["10.9.9.9", "198.51.100.77"])).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    let a = hq.send(enrol(&["198.51.100.77, 198.51.100.78"])).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED, "another client");
    let a = hq.send(enrol(&["198.51.100.77"])).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_forwarded_address_from_a_peer_not_named_is_ignored() {
    // Any local process can write X-Forwarded-For: without --trusted-proxy it picks nothing.
    let hq = hq();
    let enrol = |client: String| {
        Hq::api("POST", "/api/v1/enrol")
            .extension(connect_info("127.0.0.1"))
            .header("x-forwarded-for", client)
            .body(axum::body::Body::from("{\"code\":\"ABCDEFGH23\"}"))
            .unwrap()
    };
    for i in 0..10 {
        let a = hq.send(enrol(format!("198.51.100.{i}"))).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = hq.send(enrol("198.51.100.200".to_owned())).await;
    assert_eq!(
        a.status,
        StatusCode::TOO_MANY_REQUESTS,
        "counted as 127.0.0.1"
    );
}

#[tokio::test]
async fn twenty_failures_from_one_address_lock_that_address_only() {
    let hq = hq();
    let attacker = "192.0.2.10";
    let names: Vec<String> = (0..5).map(|n| format!("account{n}")).collect();
    for name in &names {
        hq.store()
            .create_admin(
                &salon_hq_store::Actor::cli(),
                name,
                "a long enough password",
                salon_hq_store::Role::Viewer,
                hq.state.now(),
            )
            .unwrap();
    }
    // Four guesses each at five accounts, each as soon as its account takes one: no account
    // waits long, the address reaches its limit.
    for round in 0..4 {
        for name in &names {
            let a = hq.login_from(Some(attacker), name, "some password").await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        }
        hq.state.clock.advance(Duration::seconds(1 << round));
    }
    let a = hq.login_from(Some(attacker), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.text().contains(LOCKED));
    // IPv4-mapped IPv6 is the same client.
    let a = hq
        .login_from(Some("::ffff:192.0.2.10"), ADMIN, PASSWORD)
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    // Another address, and the same admin name: fine.
    let a = hq.login_from(Some("192.0.2.11"), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);

    hq.state.clock.advance(Duration::minutes(15));
    let a = hq.login_from(Some(attacker), ADMIN, PASSWORD).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn ten_refused_codes_lock_enrolment_from_that_address_even_with_a_good_code() {
    let hq = hq();
    let attacker = "198.51.100.7";
    let issue = |hq: &Hq| {
        hq.store()
            .issue_code(
                &salon_hq_store::Actor::cli(),
                "山田 花子",
                &[campus("C-012")],
                hq.state.now(),
            )
            .unwrap()
            .code
    };
    let good = issue(&hq);
    for i in 0..10 {
        let a = hq.enrol_from(Some(attacker), "ABCDEFGH23").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "attempt {}", i + 1);
        assert_eq!(a.error().code, "enrolment_code_invalid");
    }
    let a = hq.enrol_from(Some(attacker), &good).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(a.error().code, "too_many_attempts");
    assert_eq!(
        a.headers["x-salon-api-version"],
        salon_protocol::API_VERSION.to_string().as_str()
    );
    assert_eq!(retry_after(&a), 15 * 60);
    assert_eq!(hq.store().count_rows("devices").unwrap(), 0, "not spent");
    // Malformed requests are answered as before, still refused while locked.
    let a = hq
        .send(
            Hq::api("POST", "/api/v1/enrol")
                .extension(connect_info(attacker))
                .body(axum::body::Body::from("{"))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);

    // Other addresses enrol as usual; malformed bodies are not counted as guesses.
    for _ in 0..12 {
        let a = hq
            .send(
                Hq::api("POST", "/api/v1/enrol")
                    .extension(connect_info("198.51.100.8"))
                    .body(axum::body::Body::from("{\"code\": 1}"))
                    .unwrap(),
            )
            .await;
        assert_eq!(a.error().code, "bad_body");
    }
    let a = hq.enrol_from(Some("198.51.100.8"), &issue(&hq)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());

    // Still refused just before the window ends; after it, a good code works again.
    hq.state.clock.advance(Duration::minutes(14));
    let a = hq.enrol_from(Some(attacker), &good).await;
    assert_eq!(a.error().code, "too_many_attempts");
    assert_eq!(retry_after(&a), 60);
    hq.state.clock.advance(Duration::minutes(1));
    let a = hq.enrol_from(Some(attacker), &issue(&hq)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(hq.store().count_rows("devices").unwrap(), 2);
}

#[tokio::test]
async fn without_a_peer_address_enrolment_is_not_limited() {
    // A router served without connect info (as some tests do) has no address to count by.
    let hq = hq();
    for _ in 0..12 {
        let a = hq.enrol_from(None, "ABCDEFGH23").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let code = hq
        .store()
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田",
            &[campus("C-012")],
            hq.state.now(),
        )
        .unwrap()
        .code;
    assert_eq!(hq.enrol_from(None, &code).await.status, StatusCode::OK);
}

/// The status code of one HTTP/1.1 request over a fresh connection.
fn post(addr: SocketAddr, path: &str, headers: &str, body: &str) -> u16 {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {answer}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_with_connect_info_counts_by_the_real_peer_address() {
    let hq = hq();
    let app =
        salon_hq_web::router(hq.state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let headers = format!(
        "x-salon-api-version: {}\r\nx-salon-app-version: 1.0.0\r\ncontent-type: application/json\r\n",
        salon_protocol::API_VERSION
    );
    let statuses = tokio::task::spawn_blocking(move || {
        (0..11)
            .map(|_| post(addr, "/api/v1/enrol", &headers, "{\"code\":\"ABCDEFGH23\"}"))
            .collect::<Vec<_>>()
    })
    .await
    .unwrap();
    server.abort();
    assert_eq!(&statuses[..10], &[401; 10]);
    assert_eq!(statuses[10], 429);
}
