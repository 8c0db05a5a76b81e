//! The real router over a real SQLite file in a temp folder, driven with `oneshot`.
#![allow(dead_code)]

pub mod updates;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use chrono::{NaiveDate, Utc};
use http_body_util::BodyExt;
use salon_core::counts::{month_breakdown, DayCounts, VisitFact};
use salon_core::{Format, Route, Topic};
use salon_hq_store::HqStore;
use salon_hq_web::{router, Clock, LogSink, ServerState};
use salon_protocol::{
    CampusCode, DaySnapshot, Month, MonthSnapshot, Upload, API_VERSION, API_VERSION_HEADER,
    APP_VERSION_HEADER, IDEMPOTENCY_HEADER,
};
use tower::ServiceExt;

pub const ADMIN: &str = "admin";
pub const PASSWORD: &str = "correct horse battery";
/// The app version the test devices name.
pub const APP: &str = "1.0.0";

pub struct Hq {
    pub dir: tempfile::TempDir,
    pub state: ServerState,
    pub router: Router,
    pub log: Arc<Mutex<Vec<String>>>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// An error answer as it is on the wire: the code as its string, as a client sees it.
#[derive(Debug, serde::Deserialize)]
pub struct WireError {
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub snapshot: Option<salon_protocol::SnapshotKey>,
    #[serde(default)]
    pub held: Vec<salon_protocol::HeldRevision>,
}

impl Answer {
    pub fn error(&self) -> WireError {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!(
                "not an error body ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e} ({}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.to_vec()).unwrap()
    }
}

pub fn campus(code: &str) -> CampusCode {
    CampusCode::parse(code).unwrap()
}

impl Hq {
    pub fn new() -> Hq {
        Hq::with_clock(Clock::System)
    }

    /// With a clock the test moves (see `Clock::manual`).
    pub fn with_clock(clock: Clock) -> Hq {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hq.db");
        Hq::at(&path, clock, dir)
    }

    /// With its database at `db` (on a small disk, say); `dir` lives as long as the server.
    pub fn at(db: &std::path::Path, clock: Clock, dir: tempfile::TempDir) -> Hq {
        let store = HqStore::open(db).unwrap();
        let now = Utc::now();
        store
            .add_campus(
                &salon_hq_store::Actor::cli(),
                &campus("C-012"),
                "柏キャンパス",
                now,
            )
            .unwrap();
        store
            .add_campus(
                &salon_hq_store::Actor::cli(),
                &campus("C-013"),
                "秋葉原キャンパス",
                now,
            )
            .unwrap();
        store
            .create_admin(
                &salon_hq_store::Actor::cli(),
                ADMIN,
                PASSWORD,
                salon_hq_store::Role::Manager,
                now,
            )
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut state = ServerState::new(store);
        state.log = LogSink::Memory(log.clone());
        state.clock = clock;
        let router = router(state.clone());
        Hq {
            dir,
            state,
            router,
            log,
        }
    }

    pub fn store(&self) -> &HqStore {
        &self.state.store
    }

    pub async fn send(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// The configuration as a device reads it (the body as sent).
    pub async fn config_text(&self, token: &str) -> String {
        let a = self
            .send(
                Hq::api("GET", "/api/v1/config")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        a.text()
    }

    /// The configuration asked for by a laptop naming app version `app`.
    pub async fn config_from_app(&self, token: &str, app: &str) -> Answer {
        let mut req = Hq::api("GET", "/api/v1/config")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        req.headers_mut()
            .insert(APP_VERSION_HEADER, app.parse().unwrap());
        self.send(req).await
    }

    pub async fn config(&self, token: &str) -> salon_protocol::DeviceConfig {
        serde_json::from_str(&self.config_text(token).await).unwrap()
    }

    /// A device API request with the protocol's version and the test app's.
    pub fn api(method: &str, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(API_VERSION_HEADER, API_VERSION.to_string())
            .header(APP_VERSION_HEADER, APP)
            .header("content-type", "application/json")
    }

    pub async fn enrol_with(&self, code: &str) -> Answer {
        let body = serde_json::json!({ "code": code }).to_string();
        self.send(
            Hq::api("POST", "/api/v1/enrol")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Issues a code for `campuses` and enrols with it; returns the token.
    pub async fn enrol(&self, campuses: &[&str]) -> String {
        let codes: Vec<CampusCode> = campuses.iter().map(|c| campus(c)).collect();
        let issued = self
            .store()
            .issue_code(
                &salon_hq_store::Actor::cli(),
                "山田 花子",
                &codes,
                Utc::now(),
            )
            .unwrap();
        let a = self.enrol_with(&issued.code).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        a.json::<salon_protocol::Enrolment>().token.to_string()
    }

    pub async fn upload_raw(&self, token: &str, key: &str, body: impl Into<Body>) -> Answer {
        self.send(
            Hq::api("POST", "/api/v1/upload")
                .header("authorization", format!("Bearer {token}"))
                .header(IDEMPOTENCY_HEADER, key)
                .body(body.into())
                .unwrap(),
        )
        .await
    }

    pub async fn upload(&self, token: &str, key: &str, upload: &Upload) -> Answer {
        self.upload_raw(token, key, serde_json::to_vec(upload).unwrap())
            .await
    }

    pub fn stored(&self) -> (i64, i64, i64) {
        let s = self.store();
        (
            s.count_rows("day_snapshots").unwrap(),
            s.count_rows("month_snapshots").unwrap(),
            s.count_rows("uploads").unwrap(),
        )
    }

    /// Logs in and returns the cookie header value.
    pub async fn login(&self) -> String {
        let a = self.login_from(None, ADMIN, PASSWORD).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
        session_cookie(&a).expect("a session cookie")
    }

    /// Opens the login page as a browser would: the form's nonce cookie and its CSRF token.
    pub async fn login_page(&self) -> (String, String) {
        let page = self.get("/login", None).await;
        assert_eq!(page.status, StatusCode::OK);
        let cookie = cookie_named(&page, "__Host-hq_login").expect("the login form's cookie");
        (cookie, csrf_of(&page.text()))
    }
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        let mut b = Request::builder().uri(path);
        if let Some(c) = cookie {
            b = b.header("cookie", c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn post_form(&self, path: &str, cookie: &str, form: &str) -> Answer {
        self.send(
            Request::builder()
                .method("POST")
                .uri(path)
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// A login through the login page, from `peer` (an IP address) as the connection would
    /// tell, or from an unknown address.
    pub async fn login_from(&self, peer: Option<&str>, name: &str, password: &str) -> Answer {
        self.login_with(peer, None, name, password, &[]).await
    }

    /// The same, from a browser that also sends `cookie` (a known browser's, say), with more
    /// fields in the form.
    pub async fn login_with(
        &self,
        peer: Option<&str>,
        cookie: Option<&str>,
        name: &str,
        password: &str,
        more: &[(&str, &str)],
    ) -> Answer {
        let (login_cookie, csrf) = self.login_page().await;
        let mut pairs = vec![
            ("csrf", csrf.as_str()),
            ("name", name),
            ("password", password),
        ];
        pairs.extend_from_slice(more);
        let cookies = match cookie {
            Some(c) => format!("{login_cookie}; {c}"),
            None => login_cookie,
        };
        let mut req = Request::builder()
            .method("POST")
            .uri("/login")
            .header("cookie", cookies)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form(&pairs)))
            .unwrap();
        if let Some(ip) = peer {
            req.extensions_mut().insert(connect_info(ip));
        }
        self.send(req).await
    }

    /// An enrolment with `code`, from `peer` or from an unknown address.
    pub async fn enrol_from(&self, peer: Option<&str>, code: &str) -> Answer {
        let body = serde_json::json!({ "code": code }).to_string();
        let mut req = Hq::api("POST", "/api/v1/enrol")
            .body(Body::from(body))
            .unwrap();
        if let Some(ip) = peer {
            req.extensions_mut().insert(connect_info(ip));
        }
        self.send(req).await
    }

    pub fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

/// The CSRF token in a page's form.
pub fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..at + 64].to_owned()
}

/// The `name=value` of the cookie `name` an answer sets, if it sets one with a value.
pub fn cookie_named(a: &Answer, name: &str) -> Option<String> {
    a.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned())
        .find(|pair| {
            pair.split_once('=')
                .is_some_and(|(k, v)| k == name && !v.is_empty())
        })
}

/// The admin session cookie an answer sets, if any.
pub fn session_cookie(a: &Answer) -> Option<String> {
    cookie_named(a, "__Host-hq_session")
}

/// What `into_make_service_with_connect_info::<SocketAddr>` puts in each request.
pub fn connect_info(ip: &str) -> ConnectInfo<SocketAddr> {
    ConnectInfo(SocketAddr::new(ip.parse().unwrap(), 50_000))
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A day snapshot whose figures are a function of (day, revision).
pub fn day_snapshot(code: &str, d: NaiveDate, revision: u32) -> DaySnapshot {
    let visits = 3 + chrono::Datelike::day(&d) + 10 * revision;
    day_with_visits(code, d, revision, visits)
}

/// A day snapshot of one salon with `visits` visits.
pub fn day_with_visits(code: &str, d: NaiveDate, revision: u32, visits: u32) -> DaySnapshot {
    DaySnapshot {
        campus: campus(code),
        day: d,
        revision,
        counts: DayCounts {
            sessions: 1,
            session_minutes: 180,
            visits,
            distinct_students: visits.saturating_sub(2),
            first_time_students: 1,
            ..Default::default()
        },
    }
}

/// A month snapshot built by the real count rules from `n` visits.
pub fn month_snapshot(code: &str, month: Month, revision: u32, n: u32) -> MonthSnapshot {
    let visits: Vec<VisitFact> = (0..n)
        .map(|i| VisitFact {
            date: month.first_day(),
            student: Some(i as i64 % 9),
            first_visit: false,
            route: Route::ALL[(i % 5) as usize],
            topics: vec![Topic::ALL[(i % 4) as usize]],
            format: Format::InPerson,
        })
        .collect();
    MonthSnapshot {
        campus: campus(code),
        month,
        revision,
        breakdown: month_breakdown(&visits),
    }
}

pub fn sample_upload() -> Upload {
    let m = Month::parse("2025-02").unwrap();
    Upload {
        events: Vec::new(),
        releases: Vec::new(),
        path_releases: Vec::new(),
        days: vec![
            day_snapshot("C-012", day(2025, 2, 18), 1),
            day_snapshot("C-012", day(2025, 2, 25), 1),
        ],
        // As many visits as its two days hold (31 + 38).
        months: vec![month_snapshot("C-012", m, 1, 69)],
    }
}

/// A form value as a browser sends it: every byte but letters and digits percent-encoded.
pub fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `a=b&c=d` from pairs, each value encoded.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Hq {
    /// Logs in as `name` and returns the cookie and the page's CSRF token.
    pub async fn session_of(&self, name: &str, password: &str) -> (String, String) {
        let a = self.login_from(None, name, password).await;
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
        let cookie = session_cookie(&a).expect("a session cookie");
        let page = self.get("/password", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let csrf = csrf_of(&page.text());
        (cookie, csrf)
    }

    /// The actions of the audit log, newest first.
    pub fn audit_actions(&self) -> Vec<salon_hq_store::AuditAction> {
        self.store()
            .audit_log(None)
            .unwrap()
            .into_iter()
            .filter_map(|l| l.action)
            .collect()
    }
}
