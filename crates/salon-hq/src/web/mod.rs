//! The admin web: login, the dashboard, the CSV export, enrolment codes and devices.
//! Server-rendered HTML in Japanese, no JavaScript, a strict CSP. Every POST form carries a
//! CSRF token derived from the session id; the session cookie is HttpOnly and SameSite=Strict.
//!
//! This file holds the router, the security headers, sessions and form parsing; each screen
//! is a module of its own (`login`, `dashboard`, `csv`, `devices`, `history`), and a new admin screen
//! gets one too.

use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use salon_protocol::{CampusCode, Month, Route, Topic};
use serde::Deserialize;

use crate::error::{HqError, Result};
use crate::figures::{self, fiscal_year_of, percent_of, Figures, Period};
use crate::html::{self, esc, month_ja, num, page, tokyo_day, HIDDEN};
use crate::secret;
use crate::store::{AdminSession, SESSION_LIFETIME_SECS};
use crate::throttle::{Key, Refused};
use crate::{AppState, Peer};

mod csv;
mod dashboard;
mod devices;
mod history;
mod login;

use csv::*;
use dashboard::*;
use devices::*;
use history::*;
use login::*;

pub const CSP: &str = "default-src 'self'; style-src 'self'";
pub(super) const CSS: &str = include_str!("../../static/hq.css");
pub(super) const FORM_LIMIT: usize = 16 * 1024;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/export.csv", get(export_csv))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/codes/new", get(code_form))
        .route("/codes", post(issue_code))
        .route("/devices", get(devices))
        .route("/devices/{id}/revoke", post(revoke))
        .route("/devices/quiet-days", post(set_quiet_days))
        .route("/history", get(history))
        .route("/history.csv", get(history_csv))
        .route("/static/hq.css", get(css))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
        .layer(middleware::from_fn(security_headers))
}

pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

pub(super) async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

// ---- sessions ----

/// The admin session. Always `Secure` (browsers keep Secure cookies for http://127.0.0.1 and
/// http://localhost too), and `__Host-`, so no other host or path can set or shadow it.
pub(super) const SESSION_COOKIE: &str = "__Host-hq_session";
/// The login form's nonce, set with the form: a login POST must carry the token derived from
/// it, so another site cannot log a browser in to an account of its choosing (login CSRF).
pub(super) const LOGIN_COOKIE: &str = "__Host-hq_login";
/// How long a login form stays usable.
pub(super) const LOGIN_FORM_SECS: i64 = 60 * 60;

pub(super) fn set_cookie(name: &str, value: &str, max_age: i64) -> Result<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age}"
    ))
    .map_err(|_| HqError::Internal("cookie"))
}

pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 100)
}

/// The logged-in admin and the session id, or `LoginRequired` (a redirect to /login).
pub(super) async fn admin(state: &AppState, headers: &HeaderMap) -> Result<(AdminSession, String)> {
    let sid = cookie(headers, SESSION_COOKIE).ok_or(HqError::LoginRequired)?;
    let lookup = sid.clone();
    let now = state.now();
    let session = state
        .blocking(move |s| s.session(&lookup, now))
        .await?
        .ok_or(HqError::LoginRequired)?;
    Ok((session, sid))
}

pub(super) fn check_csrf(form: &Form, sid: &str) -> Result<()> {
    let sent = form.get("csrf").unwrap_or_default();
    if secret::constant_time_eq(sent.as_bytes(), secret::csrf_token(sid).as_bytes()) {
        Ok(())
    } else {
        Err(HqError::Csrf)
    }
}

pub(super) fn nav(session: &AdminSession, sid: &str) -> String {
    html::nav(&session.name, &secret::csrf_token(sid))
}

// ---- forms ----

/// An `application/x-www-form-urlencoded` body, keeping repeated fields.
pub(super) struct Form(Vec<(String, String)>);

impl Form {
    fn parse(body: &[u8]) -> Form {
        let pairs = body
            .split(|b| *b == b'&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut it = p.splitn(2, |b| *b == b'=');
                let k = decode(it.next().unwrap_or_default());
                let v = decode(it.next().unwrap_or_default());
                (k, v)
            })
            .collect();
        Form(pairs)
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

pub(super) fn decode(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < raw.len() => {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_and_keep_repeats() {
        let f = Form::parse(
            b"supporter=%E5%B1%B1%E7%94%B0+%E8%8A%B1%E5%AD%90&campus=C-012&campus=C-013&x=%zz%",
        );
        assert_eq!(f.get("supporter"), Some("山田 花子"));
        assert_eq!(f.all("campus").collect::<Vec<_>>(), vec!["C-012", "C-013"]);
        assert_eq!(f.get("x"), Some("%zz%"));
    }

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("柏キャンパス"), "柏キャンパス");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
