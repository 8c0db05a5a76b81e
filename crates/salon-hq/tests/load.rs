//! A bounded load test of the real `salon-hq` binary on 127.0.0.1: 8 devices upload as fast as
//! they can for 10 s (every request a write, FULL durability) while a manager reloads the
//! dashboard. No request may fail; an oversized body gets 413; HQ's own log (JSON lines) holds
//! one event per request and never a body, a token, a code, a cookie or the password.
//! Throughput and p50/p99 are printed (BENCHMARKS.md keeps them; no figure here is a pass/fail goal).
//! `SALON_LOAD_SECONDS` runs it longer.

use std::io::Write;
use std::time::{Duration, Instant};

use salon_protocol::{API_VERSION, API_VERSION_HEADER, IDEMPOTENCY_HEADER, MAX_BODY_BYTES};

const DEVICES: usize = 8;

mod server;
use server::{log_in, upload, Server, PASSWORD};

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    sorted[(sorted.len() * p).div_ceil(100).max(1) - 1].as_secs_f64() * 1000.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_devices_uploading_and_a_dashboard_reading_never_fail() {
    let seconds: u64 = std::env::var("SALON_LOAD_SECONDS")
        .map(|s| s.parse().unwrap())
        .unwrap_or(10);
    let (server, codes) = Server::start(DEVICES);
    let url = server.url.trim_end_matches('/').to_owned();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut tokens = Vec::new();
    for code in &codes {
        let res = http
            .post(format!("{url}/api/v1/enrol"))
            .header(API_VERSION_HEADER, API_VERSION.to_string())
            .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
            .json(&serde_json::json!({ "code": code }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let enrolment: salon_protocol::Enrolment = res.json().await.unwrap();
        tokens.push((enrolment.token.to_string(), enrolment.campuses[0].clone()));
    }
    let session = log_in(&http, &url).await;

    let until = Instant::now() + Duration::from_secs(seconds);
    let writers: Vec<_> = tokens
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, (token, campus))| {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let mut times = Vec::new();
                let mut n = 0;
                while Instant::now() < until {
                    let body = serde_json::to_vec(&upload(&campus, n)).unwrap();
                    let t = Instant::now();
                    let res = http
                        .post(format!("{url}/api/v1/upload"))
                        .header(API_VERSION_HEADER, API_VERSION.to_string())
                        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
                        .header("authorization", format!("Bearer {token}"))
                        .header(IDEMPOTENCY_HEADER, format!("load-{i}-{n}"))
                        .header("content-type", "application/json")
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(res.status(), 200, "device {i}, upload {n}");
                    let receipt: salon_protocol::Receipt = res.json().await.unwrap();
                    assert_eq!(receipt.stored, 1);
                    times.push(t.elapsed());
                    n += 1;
                }
                times
            })
        })
        .collect();
    let reader = {
        let (http, url, session) = (http.clone(), url.clone(), session.clone());
        tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < until {
                let t = Instant::now();
                let res = http
                    .get(format!("{url}/"))
                    .header("cookie", &session)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200);
                let page = res.text().await.unwrap();
                assert!(page.contains("利用人数"));
                times.push(t.elapsed());
            }
            times
        })
    };
    let mut writes: Vec<Duration> = Vec::new();
    for w in writers {
        writes.extend(w.await.unwrap());
    }
    let mut reads = reader.await.unwrap();
    writes.sort();
    reads.sort();
    println!(
        "HQ load, {DEVICES} devices for {seconds} s: {} uploads ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms; \
         {} dashboard reads beside them ({:.0}/s), p50 {:.1} ms, p99 {:.1} ms",
        writes.len(),
        writes.len() as f64 / seconds as f64,
        percentile(&writes, 50),
        percentile(&writes, 99),
        reads.len(),
        reads.len() as f64 / seconds as f64,
        percentile(&reads, 50),
        percentile(&reads, 99),
    );
    assert!(
        writes.len() >= DEVICES * 10,
        "too few uploads to say anything"
    );

    // Too large a body is refused before it is read whole.
    let (token, _) = &tokens[0];
    let res = http
        .post(format!("{url}/api/v1/upload"))
        .header(API_VERSION_HEADER, API_VERSION.to_string())
        .header(salon_protocol::APP_VERSION_HEADER, "1.0.0")
        .header("authorization", format!("Bearer {token}"))
        .header(IDEMPOTENCY_HEADER, "too-large")
        .header("content-type", "application/json")
        .body(vec![b' '; MAX_BODY_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);

    // The log: a line per request, and nothing anyone could use.
    std::io::stdout().flush().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let log = server.log.lock().unwrap().join("\n");
    // HQ's own log, read back: one JSON event per request, with what it may say and no more.
    let events: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: not JSON: {l}")))
        .collect();
    let uploads: Vec<_> = events
        .iter()
        .filter(|e| e["target"] == "salon_hq::request" && e["route"] == "/api/v1/upload")
        .collect();
    let fields: std::collections::BTreeSet<&str> = uploads
        .iter()
        .flat_map(|e| e.as_object().unwrap().keys().map(String::as_str))
        .collect();
    assert_eq!(
        fields.into_iter().collect::<Vec<_>>(),
        [
            "level",
            "message",
            "method",
            "ms",
            "route",
            "status",
            "target",
            "timestamp"
        ]
    );
    let answered = |status: u64| uploads.iter().filter(|e| e["status"] == status).count();
    assert_eq!(answered(200), writes.len(), "one event per upload");
    assert_eq!(answered(413), 1);
    let session_value = session
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap();
    let mut secrets: Vec<&str> = vec![PASSWORD, session_value, "Bearer", "\"days\"", "C-100"];
    secrets.extend(tokens.iter().map(|(t, _)| t.as_str()));
    secrets.extend(codes.iter().map(String::as_str));
    for secret in secrets {
        assert!(!log.contains(secret), "the log holds {secret:?}");
    }
}
