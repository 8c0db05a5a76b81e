//! A bounded load test of the real `salon-hq` binary on 127.0.0.1: 8 devices upload as fast as
//! they can for 10 s (every request a write, FULL durability) while a manager reloads the
//! dashboard. No request may fail; an oversized body gets 413; HQ's own log holds one line per
//! request and never a body, a token, a code, a cookie or the password. Throughput and p50/p99
//! are printed (BENCHMARKS.md keeps them; no figure here is a pass/fail goal).
//! `SALON_LOAD_SECONDS` runs it longer.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use salon_protocol::{
    CampusCode, DayCounts, DaySnapshot, Upload, API_VERSION, API_VERSION_HEADER,
    IDEMPOTENCY_HEADER, MAX_BODY_BYTES,
};

const DEVICES: usize = 8;
const ADMIN: &str = "事務局";
const PASSWORD: &str = "load test password 2025";

/// The binary serving a database in a temp folder; its stderr (the request log) kept.
struct Server {
    child: Child,
    url: String,
    log: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

fn hq(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_salon-hq"))
        .args(args)
        .env("SALON_HQ_DB", dir.join("hq.db"))
        .env("SALON_HQ_ADMIN_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

impl Server {
    fn start() -> (Server, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        hq(
            dir.path(),
            &[
                "admin",
                "create-admin",
                "--name",
                ADMIN,
                "--role",
                "manager",
            ],
        );
        let codes = (0..DEVICES)
            .map(|i| {
                let campus = format!("C-{:03}", 100 + i);
                hq(
                    dir.path(),
                    &[
                        "admin",
                        "add-campus",
                        "--code",
                        &campus,
                        "--name",
                        "キャンパス",
                    ],
                );
                hq(
                    dir.path(),
                    &[
                        "admin",
                        "issue-code",
                        "--supporter",
                        "山田 花子",
                        "--campus",
                        &campus,
                    ],
                )
            })
            .collect();
        let mut child = Command::new(env!("CARGO_BIN_EXE_salon-hq"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("SALON_HQ_DB", dir.path().join("hq.db"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = BufReader::new(child.stderr.take().unwrap());
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("salon-hq listening on ") {
                    let _ = tx.send(url.to_owned());
                }
                kept.lock().unwrap().push(line);
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the server started");
        (
            Server {
                child,
                url,
                log,
                _dir: dir,
            },
            codes,
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn upload(campus: &CampusCode, n: u64) -> Upload {
    let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap() - Days::new(n);
    Upload {
        days: vec![DaySnapshot {
            campus: campus.clone(),
            day,
            revision: 1,
            counts: DayCounts {
                sessions: 1,
                session_minutes: 180,
                visits: 4,
                distinct_students: 3,
                first_time_students: 1,
                ..Default::default()
            },
        }],
        months: vec![],
        events: vec![],
    }
}

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    sorted[(sorted.len() * p).div_ceil(100).max(1) - 1].as_secs_f64() * 1000.0
}

/// Every `name=value` an answer sets as a cookie, as one Cookie header.
fn cookies(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn log_in(http: &reqwest::Client, url: &str) -> String {
    let page = http.get(format!("{url}/login")).send().await.unwrap();
    let form_cookie = cookies(&page);
    let text = page.text().await.unwrap();
    let at = text.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &text[at..at + 64];
    let res = http
        .post(format!("{url}/login"))
        .header("cookie", form_cookie)
        .form(&[("csrf", csrf), ("name", ADMIN), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    cookies(&res)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_devices_uploading_and_a_dashboard_reading_never_fail() {
    let seconds: u64 = std::env::var("SALON_LOAD_SECONDS")
        .map(|s| s.parse().unwrap())
        .unwrap_or(10);
    let (server, codes) = Server::start();
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
    let upload_lines = log
        .lines()
        .filter(|l| l.starts_with("POST /api/v1/upload 200"))
        .count();
    assert_eq!(upload_lines, writes.len(), "one line per upload");
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
