//! The admin web: login, the dashboard, the CSV export, enrolment codes and devices.
//! Server-rendered HTML in Japanese, no JavaScript, a strict CSP. Every POST form carries a
//! CSRF token derived from the session id; the session cookie is HttpOnly and SameSite=Strict.

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

pub const CSP: &str = "default-src 'self'; style-src 'self'";
const CSS: &str = include_str!("../static/hq.css");
const FORM_LIMIT: usize = 16 * 1024;

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
        .route("/static/hq.css", get(css))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
        .layer(middleware::from_fn(security_headers))
}

async fn security_headers(req: Request, next: Next) -> Response {
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

async fn css() -> Response {
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
const SESSION_COOKIE: &str = "__Host-hq_session";
/// The login form's nonce, set with the form: a login POST must carry the token derived from
/// it, so another site cannot log a browser in to an account of its choosing (login CSRF).
const LOGIN_COOKIE: &str = "__Host-hq_login";
/// How long a login form stays usable.
const LOGIN_FORM_SECS: i64 = 60 * 60;

fn set_cookie(name: &str, value: &str, max_age: i64) -> Result<HeaderValue> {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age}"
    ))
    .map_err(|_| HqError::Internal("cookie"))
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
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
async fn admin(state: &AppState, headers: &HeaderMap) -> Result<(AdminSession, String)> {
    let sid = cookie(headers, SESSION_COOKIE).ok_or(HqError::LoginRequired)?;
    let lookup = sid.clone();
    let now = state.now();
    let session = state
        .blocking(move |s| s.session(&lookup, now))
        .await?
        .ok_or(HqError::LoginRequired)?;
    Ok((session, sid))
}

fn check_csrf(form: &Form, sid: &str) -> Result<()> {
    let sent = form.get("csrf").unwrap_or_default();
    if secret::constant_time_eq(sent.as_bytes(), secret::csrf_token(sid).as_bytes()) {
        Ok(())
    } else {
        Err(HqError::Csrf)
    }
}

fn nav(session: &AdminSession, sid: &str) -> String {
    html::nav(&session.name, &secret::csrf_token(sid))
}

// ---- forms ----

/// An `application/x-www-form-urlencoded` body, keeping repeated fields.
struct Form(Vec<(String, String)>);

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

fn decode(raw: &[u8]) -> String {
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

// ---- login ----

fn login_page(message: Option<&str>, csrf: &str) -> String {
    let msg = message
        .map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    page(
        "ログイン",
        "",
        &format!(
            "{msg}<form class=\"stack\" method=\"post\" action=\"/login\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <label>名前<input name=\"name\" autocomplete=\"username\" required></label>\
             <label>パスワード<input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
             <button type=\"submit\">ログイン</button></form>",
            esc(csrf)
        ),
    )
}

/// The login page with a fresh form nonce in its cookie, answered with `status`.
fn login_response(status: StatusCode, message: Option<&str>) -> Result<Response> {
    let nonce = secret::new_token()?;
    let mut res = (
        status,
        Html(login_page(message, &secret::csrf_token(&nonce))),
    )
        .into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, &nonce, LOGIN_FORM_SECS)?,
    );
    Ok(res)
}

async fn login_form() -> Result<Response> {
    login_response(StatusCode::OK, None)
}

/// Whether the login form was the one this server handed to this browser.
fn login_form_is_ours(headers: &HeaderMap, form: &Form) -> bool {
    let Some(nonce) = cookie(headers, LOGIN_COOKIE) else {
        return false;
    };
    let sent = form.get("csrf").unwrap_or_default();
    secret::constant_time_eq(sent.as_bytes(), secret::csrf_token(&nonce).as_bytes())
}

const TOO_MANY_LOGINS: &str =
    "ログインの試行が多すぎます。15分ほど待ってから、もう一度お試しください。";

fn too_many_logins(refused: Refused) -> Result<Response> {
    let mut res = login_response(StatusCode::TOO_MANY_REQUESTS, Some(TOO_MANY_LOGINS))?;
    res.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(refused.retry_after_secs.max(1)),
    );
    Ok(res)
}

/// Checks the password, unless the name or the client's address has failed too often lately
/// (see `throttle`): then the answer is 429 whatever the password. The name and password are
/// never logged.
async fn login(
    State(state): State<AppState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let form = Form::parse(&body);
    if !login_form_is_ours(&headers, &form) {
        return login_response(
            StatusCode::FORBIDDEN,
            Some("ログイン画面の有効期限が切れました。もう一度入力してください。"),
        );
    }
    let name = form.get("name").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let mut keys = vec![Key::login_name(&name, peer)];
    keys.extend(peer.map(Key::login_peer));
    let attempt = match state.throttle.begin(keys, state.now()) {
        Ok(a) => a,
        Err(refused) => return too_many_logins(refused),
    };
    let now = state.now();
    let sid = match state
        .blocking(move |s| s.login(&name, &password, now))
        .await
    {
        Ok(sid) => sid,
        Err(e) => {
            attempt.abandon();
            return Err(e);
        }
    };
    let Some(sid) = sid else {
        attempt.failed(state.now());
        return login_response(
            StatusCode::UNAUTHORIZED,
            Some("名前またはパスワードが違います。"),
        );
    };
    attempt.succeeded(state.now());
    let mut res = Redirect::to("/").into_response();
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &sid, SESSION_LIFETIME_SECS)?,
    );
    h.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0)?);
    Ok(res)
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (_, sid) = admin(&state, &headers).await?;
    check_csrf(&Form::parse(&body), &sid)?;
    state.blocking(move |s| s.logout(&sid)).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", 0)?);
    Ok(res)
}

// ---- the period filter ----

#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    fy: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The 年度 shown and the period: the whole 年度, or `from..=to` within or across it.
fn nonempty(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn period_of(q: &PeriodQuery, today: NaiveDate) -> Result<(i32, Period)> {
    let fy = match nonempty(&q.fy) {
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(HqError::BadForm("fy"))?,
        None => fiscal_year_of(today),
    };
    let whole = Period::fiscal_year(fy);
    let month = |s: &str| Month::parse(s).map_err(|_| HqError::BadForm("month"));
    let from = nonempty(&q.from)
        .map(month)
        .transpose()?
        .unwrap_or(whole.from);
    let to = nonempty(&q.to).map(month).transpose()?.unwrap_or(whole.to);
    Ok((fy, Period::new(from, to)?))
}

// ---- the dashboard ----

async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let (fy, period) = period_of(&q, tokyo_day(state.now()))?;
    let figures = state.blocking(move |s| figures::compute(s, period)).await?;
    let body = render_dashboard(fy, &q, &figures, tokyo_day(state.now()));
    Ok(Html(page("ダッシュボード", &nav(&session, &sid), &body)).into_response())
}

fn query_string(fy: i32, q: &PeriodQuery) -> String {
    let mut s = format!("fy={fy}");
    for (k, v) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            if Month::parse(v).is_ok() {
                let _ = write!(s, "&{k}={v}");
            }
        }
    }
    s
}

fn render_dashboard(fy: i32, q: &PeriodQuery, f: &Figures, today: NaiveDate) -> String {
    let mut b = String::new();
    // Filter.
    let current = fiscal_year_of(today);
    let mut years: Vec<i32> = ((current - 5)..=(current + 1)).collect();
    if !years.contains(&fy) {
        years.push(fy);
        years.sort();
    }
    let options: String = years
        .iter()
        .rev()
        .map(|y| {
            format!(
                "<option value=\"{y}\"{}>{y}年度</option>",
                if *y == fy { " selected" } else { "" }
            )
        })
        .collect();
    let val = |o: &Option<String>| {
        esc(o
            .as_deref()
            .filter(|s| Month::parse(s).is_ok())
            .unwrap_or_default())
    };
    let _ = write!(
        b,
        "<form class=\"filter\" method=\"get\" action=\"/\">\
         <label>年度<select name=\"fy\">{options}</select></label>\
         <label>期間(開始月)<input type=\"month\" name=\"from\" value=\"{}\" placeholder=\"2024-09\"></label>\
         <label>期間(終了月)<input type=\"month\" name=\"to\" value=\"{}\" placeholder=\"2025-02\"></label>\
         <button type=\"submit\">表示</button>\
         <a href=\"/export.csv?{}\">CSVをダウンロード</a></form>",
        val(&q.from),
        val(&q.to),
        esc(&query_string(fy, q))
    );
    let _ = write!(
        b,
        "<p>集計期間: {} 〜 {}</p>",
        month_ja(f.period.from),
        month_ja(f.period.to)
    );

    // The funder figures.
    let t = f.target;
    let row = |key: &str, label: &str, value: u64, unit: &str, target: Option<u32>| {
        let (tgt, pct) = match target {
            Some(tv) => (
                format!("{}{unit}", num(tv as u64)),
                percent_of(value, tv)
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "—".into()),
            ),
            None => ("—".into(), "—".into()),
        };
        format!(
            "<tr data-testid=\"figure-{key}\"><th class=\"text\" scope=\"row\">{label}</th><td class=\"value\" data-figure=\"{label}\">{}{unit}</td>\
             <td>{tgt}</td><td>{pct}</td></tr>",
            num(value)
        )
    };
    let _ = write!(
        b,
        "<h2>実績と目標</h2><table class=\"figures\"><thead><tr><th class=\"text\">指標</th><th>実績</th><th>目標</th><th>目標比</th></tr></thead><tbody>{}{}{}{}</tbody></table>",
        row("schools", "導入校数", f.schools as u64, "校", t.map(|t| t.schools)),
        row("sessions", "実施回数", f.sessions, "回", t.map(|t| t.sessions)),
        row("visits", "利用人数(延べ)", f.visits, "名", t.map(|t| t.visits)),
        row("student-days", "延べ生徒数(日ごと)", f.student_days, "名", None),
    );
    let _ = write!(
        b,
        "<p class=\"note\">導入校数はこの期間にサロンを1回以上実施したキャンパスの数。利用人数は来談1回ごとに数えた延べ人数。\
         延べ生徒数(日ごと)は各日の実人数の合計で、同じ生徒が別の日に来談すれば重ねて数えます(期間を通じた実人数ではありません)。{}</p>",
        match t {
            Some(t) => format!(
                "目標は{}〜{}の期間に設定されたものです。",
                month_ja(t.from),
                month_ja(t.to)
            ),
            None => "この期間ちょうどに設定された目標はありません。".to_owned(),
        }
    );

    // Chart.
    b.push_str("<h2>月別利用人数(延べ)</h2>");
    b.push_str(&chart(f));

    // Campus × month.
    b.push_str(
        "<h2>キャンパス別・月別</h2><table data-testid=\"campus-months\"><thead><tr><th class=\"text\">キャンパス</th><th class=\"text\">月</th>",
    );
    for field in html::SHOWN_DAY_FIELDS {
        let _ = write!(b, "<th>{}</th>", html::day_field_ja(field));
    }
    b.push_str("</tr></thead><tbody>");
    for r in &f.rows {
        let _ = write!(
            b,
            "<tr><td class=\"text\">{} {}</td><td class=\"text\">{}</td>",
            esc(&r.campus),
            esc(&r.campus_name),
            month_ja(r.month),
        );
        for field in html::SHOWN_DAY_FIELDS {
            let _ = write!(b, "<td>{}</td>", r.counts.get(field));
        }
        b.push_str("</tr>");
    }
    if f.rows.is_empty() {
        b.push_str(&format!(
            "<tr><td class=\"text\" colspan=\"{}\">この期間のデータはまだありません。</td></tr>",
            2 + html::SHOWN_DAY_FIELDS.len()
        ));
    }
    b.push_str("</tbody></table>");

    // Breakdowns.
    let route_heads: Vec<&str> = Route::ALL.iter().map(|r| html::route_ja(*r)).collect();
    let topic_heads: Vec<&str> = Topic::ALL.iter().map(|t| html::topic_ja(*t)).collect();
    b.push_str("<h2>来談経路別(月ごと)</h2>");
    b.push_str(&breakdown_table(f, "by-route", &route_heads, |r| {
        r.by_route.as_ref()
    }));
    b.push_str("<h2>相談内容別(月ごと)</h2>");
    b.push_str(&breakdown_table(f, "by-topic", &topic_heads, |r| {
        r.by_topic.as_ref()
    }));
    b.push_str(
        "<p class=\"note\">「秘匿」は少数のため端末側で伏せられたセルです(小さな数から個人が推測されないように)。\
         推計も合計への算入もしていません。相談内容は1回の来談に複数つくことがあるため、合計は利用人数と一致しません。</p>",
    );
    b
}

fn breakdown_table(
    f: &Figures,
    testid: &str,
    heads: &[&str],
    cells: impl Fn(&figures::CampusMonth) -> Option<&figures::Cells>,
) -> String {
    let mut t = format!(
        "<table data-testid=\"{testid}\"><thead><tr><th class=\"text\">月</th><th class=\"text\">キャンパス</th>"
    );
    for h in heads {
        let _ = write!(t, "<th>{}</th>", esc(h));
    }
    t.push_str("</tr></thead><tbody>");
    let mut rows: Vec<&figures::CampusMonth> =
        f.rows.iter().filter(|r| cells(r).is_some()).collect();
    rows.sort_by(|a, b| (a.month, &a.campus).cmp(&(b.month, &b.campus)));
    for r in &rows {
        let _ = write!(
            t,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{} {}</td>",
            month_ja(r.month),
            esc(&r.campus),
            esc(&r.campus_name)
        );
        for c in cells(r).into_iter().flatten() {
            match c {
                Some(n) => {
                    let _ = write!(t, "<td>{n}</td>");
                }
                None => {
                    let _ = write!(t, "<td class=\"hidden\">{HIDDEN}</td>");
                }
            }
        }
        t.push_str("</tr>");
    }
    if rows.is_empty() {
        let _ = write!(
            t,
            "<tr><td class=\"text\" colspan=\"{}\">この期間の内訳はまだありません。</td></tr>",
            heads.len() + 2
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// Visits per month as SVG bars, with the monthly target (the period's visits target spread
/// evenly over its months) as a line. Presentation attributes only: the CSP forbids inline
/// styles.
fn chart(f: &Figures) -> String {
    let months = &f.visits_by_month;
    let monthly_target = f.target.and_then(|t| {
        let n = Period {
            from: t.from,
            to: t.to,
        }
        .months()
        .len() as f64;
        (n > 0.0).then(|| t.visits as f64 / n)
    });
    let (w, h, left, bottom, top) = (760.0_f64, 260.0_f64, 48.0_f64, 28.0_f64, 12.0_f64);
    let max = months
        .iter()
        .map(|(_, v)| *v as f64)
        .fold(monthly_target.unwrap_or(0.0), f64::max)
        .max(1.0)
        * 1.1;
    let plot_h = h - bottom - top;
    let slot = (w - left - 8.0) / months.len().max(1) as f64;
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"chart-title\">\
         <title id=\"chart-title\">月別利用人数(延べ)</title>\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8895a7\"/>",
        top + plot_h,
        w - 8.0,
        top + plot_h
    );
    for (i, (m, v)) in months.iter().enumerate() {
        let x = left + i as f64 * slot + slot * 0.15;
        let bw = slot * 0.7;
        let yv = y(*v as f64);
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{yv:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"#2b6cb0\"><title>{}: {}名</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2530\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6675\">{}月</text>",
            top + plot_h - yv,
            month_ja(*m),
            v,
            x + bw / 2.0,
            (yv - 3.0).max(10.0),
            v,
            x + bw / 2.0,
            h - 10.0,
            chrono::Datelike::month(&m.first_day())
        );
    }
    if let Some(t) = monthly_target {
        let yt = y(t);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{yt:.1}\" x2=\"{}\" y2=\"{yt:.1}\" stroke=\"#c05621\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
             <text x=\"4\" y=\"{:.1}\" font-size=\"11\" fill=\"#c05621\">目標/月</text>\
             <text x=\"4\" y=\"{:.1}\" font-size=\"11\" fill=\"#c05621\">{:.0}</text>",
            w - 8.0,
            yt - 2.0,
            yt + 11.0,
            t
        );
    }
    s.push_str("</svg>");
    if monthly_target.is_none() {
        s.push_str("<p class=\"note\">この期間の目標がないため、目標線は表示していません。</p>");
    }
    s
}

// ---- CSV ----

/// One CSV field: quoted when needed; a leading =, +, -, @ is defused for spreadsheets.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = ["キャンパスコード", "キャンパス名", "年月"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(
        html::SHOWN_DAY_FIELDS
            .iter()
            .map(|f| html::day_field_ja(*f).to_owned()),
    );
    h.extend(
        Route::ALL
            .iter()
            .map(|r| format!("来談経路:{}", html::route_ja(*r))),
    );
    h.extend(
        Topic::ALL
            .iter()
            .map(|t| format!("相談内容:{}", html::topic_ja(*t))),
    );
    h
}

fn render_csv(f: &Figures, campuses: &[crate::store::CampusRow]) -> String {
    let mut out = String::from("\u{feff}");
    let mut line = |fields: Vec<String>| {
        let l: Vec<String> = fields.iter().map(|s| csv_field(s)).collect();
        out.push_str(&l.join(","));
        out.push_str("\r\n");
    };
    line(csv_header());
    let cells = |c: Option<&figures::Cells>, n: usize| -> Vec<String> {
        match c {
            Some(cells) => cells
                .iter()
                .map(|c| {
                    c.map(|n| n.to_string())
                        .unwrap_or_else(|| HIDDEN.to_owned())
                })
                .collect(),
            None => vec![String::new(); n],
        }
    };
    for campus in campuses {
        for m in f.period.months() {
            let row = f
                .rows
                .iter()
                .find(|r| r.campus == campus.code && r.month == m);
            let c = row.map(|r| r.counts).unwrap_or_default();
            let mut fields = vec![campus.code.clone(), campus.name.clone(), month_ja(m)];
            fields.extend(html::SHOWN_DAY_FIELDS.iter().map(|f| c.get(*f).to_string()));
            fields.extend(cells(
                row.and_then(|r| r.by_route.as_ref()),
                Route::ALL.len(),
            ));
            fields.extend(cells(
                row.and_then(|r| r.by_topic.as_ref()),
                Topic::ALL.len(),
            ));
            line(fields);
        }
    }
    out
}

async fn export_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response> {
    admin(&state, &headers).await?;
    let (fy, period) = period_of(&q, tokyo_day(state.now()))?;
    let csv = state
        .blocking(move |s| Ok(render_csv(&figures::compute(s, period)?, &s.campuses()?)))
        .await?;
    let name = format!(
        "attachment; filename=\"career-salon-{fy}-{}-{}.csv\"",
        period.from, period.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        csv,
    )
        .into_response())
}

// ---- enrolment codes ----

async fn code_form(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let campuses = state.blocking(|s| s.campuses()).await?;
    let mut boxes = String::new();
    for c in &campuses {
        let _ = write!(
            boxes,
            "<label><span><input type=\"checkbox\" name=\"campus\" value=\"{}\"> {} {}</span></label>",
            esc(&c.code),
            esc(&c.code),
            esc(&c.name)
        );
    }
    if campuses.is_empty() {
        boxes.push_str(
            "<p class=\"note\">キャンパスがまだ登録されていません(salon-hq admin add-campus)。</p>",
        );
    }
    let body = format!(
        "<form class=\"stack\" method=\"post\" action=\"/codes\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>キャリアサポーター名<input name=\"supporter\" required maxlength=\"100\"></label>\
         <fieldset><legend>担当キャンパス</legend>{boxes}</fieldset>\
         <button type=\"submit\">登録コードを発行</button></form>\
         <p class=\"note\">登録コードは一度だけ表示され、発行から15分で失効します。1台の端末の登録に1回だけ使えます。</p>",
        esc(&secret::csrf_token(&sid))
    );
    Ok(Html(page("登録コード発行", &nav(&session, &sid), &body)).into_response())
}

async fn issue_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let form = Form::parse(&body);
    check_csrf(&form, &sid)?;
    let supporter = form.get("supporter").unwrap_or_default().to_owned();
    let campuses = form
        .all("campus")
        .map(CampusCode::parse)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| HqError::BadForm("campuses"))?;
    let now = state.now();
    let issued = state
        .blocking(move |s| s.issue_code(&supporter, &campuses, now))
        .await?;
    let body = format!(
        "<p>キャリアサポーター: {}<br>担当キャンパス: {}</p>\
         <p>登録コード(この画面でのみ表示されます):</p><p class=\"code\" data-testid=\"enrolment-code\">{}</p>\
         <p>有効期限: {} まで(1回限り)</p><p><a href=\"/codes/new\">別のコードを発行</a></p>",
        esc(&issued.supporter),
        esc(&issued.campuses.join("、")),
        esc(&issued.code),
        html::datetime_ja(issued.expires_at)
    );
    Ok(Html(page(
        "登録コードを発行しました",
        &nav(&session, &sid),
        &body,
    ))
    .into_response())
}

// ---- devices ----

async fn devices(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let devices = state.blocking(|s| s.devices()).await?;
    let csrf = secret::csrf_token(&sid);
    let mut b = String::from(
        "<table><thead><tr><th>ID</th><th class=\"text\">キャリアサポーター</th><th class=\"text\">キャンパス</th>\
         <th class=\"text\">登録日</th><th class=\"text\">最終送信</th><th class=\"text\">状態</th><th></th></tr></thead><tbody>",
    );
    for d in &devices {
        let state_cell = match d.revoked_at {
            Some(t) => format!("失効({})", html::date_ja(t)),
            None => "有効".to_owned(),
        };
        let action = if d.revoked_at.is_none() {
            format!(
                "<form method=\"post\" action=\"/devices/{}/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                 <button type=\"submit\">失効させる</button></form>",
                d.id,
                esc(&csrf)
            )
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
            d.id,
            esc(&d.supporter),
            esc(&d.campuses.join("、")),
            html::date_ja(d.created_at),
            d.last_upload_at.map(html::datetime_ja).unwrap_or_else(|| "—".into()),
            state_cell,
            action
        );
    }
    if devices.is_empty() {
        b.push_str("<tr><td class=\"text\" colspan=\"7\">登録された端末はありません。</td></tr>");
    }
    b.push_str("</tbody></table><p class=\"note\">失効させた端末は送信できなくなります。それまでに送られた数値は集計に残ります。</p>");
    Ok(Html(page("端末一覧", &nav(&session, &sid), &b)).into_response())
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let (_, sid) = admin(&state, &headers).await?;
    check_csrf(&Form::parse(&body), &sid)?;
    let id: i64 = id.parse().map_err(|_| HqError::NotFound)?;
    let now = state.now();
    state.blocking(move |s| s.revoke(id, now)).await?;
    Ok(Redirect::to("/devices").into_response())
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
