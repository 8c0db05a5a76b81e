//! The real `salon-hq` binary serving a database in a temp folder, for the tests that need the
//! process itself (its command line, its log, its lock).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Days, NaiveDate};
use salon_protocol::{CampusCode, DayCounts, DaySnapshot, Upload};

pub const ADMIN: &str = "事務局";
pub const PASSWORD: &str = "load test password 2025";

/// `salon-hq ARGS` on the database in `dir`, expected to fail: its standard error.
pub fn refused(dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_salon-hq"))
        .args(args)
        .env("SALON_HQ_DB", dir.join("hq.db"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > until {
            let _ = child.kill();
            panic!("{args:?} was not refused: it is still running");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "{args:?} was not refused");
    String::from_utf8(out.stderr).unwrap()
}

/// The binary serving a database in a temp folder; its stderr (the request log) kept.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub log: Arc<Mutex<Vec<String>>>,
    pub dir: tempfile::TempDir,
}

/// Runs `salon-hq ARGS` on the database in `dir` and returns its standard output; it must succeed.
pub fn hq(dir: &Path, args: &[&str]) -> String {
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

/// Runs `salon-hq ARGS` on the database in `dir`: whether it succeeded, and its standard output
/// and error together (a refusal is said on the error).
pub fn hq_said(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_salon-hq"))
        .args(args)
        .env("SALON_HQ_DB", dir.join("hq.db"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

impl Server {
    /// A new database with an admin and `devices` campuses, served; with one enrolment code
    /// per campus (campus `C-100`, `C-101`, …).
    pub fn start(devices: usize) -> (Server, Vec<String>) {
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
        let codes = (0..devices)
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
        (Server::serve(dir), codes)
    }

    /// Serves the database `hq.db` in `dir` on a free port of 127.0.0.1.
    pub fn serve(dir: tempfile::TempDir) -> Server {
        Server::serve_with(dir, &[])
    }

    /// The same, with more arguments to `serve` (`--tls-cert`, say).
    pub fn serve_with(dir: tempfile::TempDir, more: &[&str]) -> Server {
        Server::serve_at(dir, "127.0.0.1:0", more)
    }

    /// The same, on the address given.
    pub fn serve_at(dir: tempfile::TempDir, addr: &str, more: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_salon-hq"))
            .args(["serve", "--addr", addr, "--log-format", "json"])
            .args(more)
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
                // "salon-hq listening on http://…" in a text or a JSON line.
                if let Some((_, rest)) = line.split_once("salon-hq listening on ") {
                    let url = rest.split(['"', ' ']).next().unwrap_or_default();
                    let _ = tx.send(url.trim_end_matches('/').to_owned());
                }
                kept.lock().unwrap().push(line);
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(url) => url,
            Err(e) => panic!(
                "the server did not start ({e:?}, {:?}):\n{}",
                child.try_wait(),
                log.lock().unwrap().join("\n")
            ),
        };
        Server {
            child,
            url,
            log,
            dir,
        }
    }

    /// Stops the process (SIGKILL: nothing is flushed on the way out) and gives back its folder.
    pub fn stop(mut self) -> tempfile::TempDir {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let dir = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A certificate authority made for the test and a certificate for `name` signed by it, as
/// PEM: (the authority, the certificate, its private key).
pub fn test_certificate(name: &str) -> (String, String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![name.to_owned()])
        .unwrap()
        .signed_by(&key, &ca, &ca_key)
        .unwrap();
    (ca.pem(), leaf.pem(), key.serialize_pem())
}

/// Every `name=value` an answer sets as a cookie, as one Cookie header.
pub fn cookies(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn log_in(http: &reqwest::Client, url: &str) -> String {
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

/// An upload of one day snapshot for `campus`, `n` days before 1 March 2025, at revision 1.
pub fn upload(campus: &CampusCode, n: u64) -> Upload {
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
        ..Upload::default()
    }
}
