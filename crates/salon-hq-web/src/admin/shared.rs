//! What every admin page shares, and the imports every page uses (`use super::shared::*`):
//! the security headers, sessions and their cookies, errors as pages, the page frame with its
//! navigation, and the limits on forms.

pub(super) use axum::body::Bytes;
pub(super) use axum::extract::{Path, Query, Request, State};
pub(super) use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
pub(super) use axum::middleware::{self, Next};
pub(super) use axum::response::{IntoResponse, Redirect, Response};
pub(super) use axum::routing::{get, post};
pub(super) use axum::Router;
pub(super) use chrono::NaiveDate;
pub(super) use salon_protocol::{AppVersion, CampusCode, Month};
pub(super) use serde::Deserialize;

pub(super) use maud::{html, Markup, PreEscaped};

pub(super) use super::form::Form;
pub(super) use super::messages::message_ja;
pub(super) use crate::html::{self, alert, month_ja, num, page};
pub(super) use crate::peer::Peer;
pub(super) use crate::state::ServerState;
pub(super) use crate::throttle::{Key, Refused};
pub(super) use salon_figures::{fiscal_year_of, percent_of, Period};
pub(super) use salon_hq_store::error::HqError;
pub(super) use salon_hq_store::figures::{self, Figures};
pub(super) use salon_hq_store::secret;
pub(super) use salon_hq_store::tokyo;
pub(super) use salon_hq_store::{Actor, AdminSession, SESSION_LIFETIME_SECS};

/// What a page handler answers: the page, or the error as a page in Japanese.
pub(super) type Result<T, E = WebError> = std::result::Result<T, E>;

pub const CSP: &str = "default-src 'self'; style-src 'self'";
pub(super) const CSS: &str = include_str!("../../static/hq.css");
/// The privacy design, for the data-protection officer; linked from 設定.
pub(super) const PRIVACY_MD: &str = include_str!("../../../../docs/privacy.md");
/// The print button of the report and the survey flyer (the only script headquarters serves;
/// pages work without it).
pub(super) const PRINT_JS: &str = include_str!("../../static/print.js");
pub(super) const FORM_LIMIT: usize = 16 * 1024;

tokio::task_local! {
    /// The path of the page being answered, so the navigation can mark where the admin is.
    static CURRENT_PATH: String;
}

pub(super) async fn security_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = CURRENT_PATH.scope(path, next.run(req)).await;
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

pub(super) async fn privacy_md(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response> {
    admin(&state, &headers).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        PRIVACY_MD,
    )
        .into_response())
}

pub(super) async fn print_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        PRINT_JS,
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
/// A browser's proof that it logged in to an account before (`salon_hq_store::logins`).
pub(super) const KNOWN_COOKIE: &str = "__Host-hq_known";
/// How long a browser is remembered: about a year, the most browsers keep a cookie.
pub(super) const KNOWN_BROWSER_SECS: i64 = 400 * 24 * 60 * 60;
/// How long a login form stays usable.
pub(super) const LOGIN_FORM_SECS: i64 = 60 * 60;

pub(super) fn set_cookie(name: &str, value: &str, max_age: i64) -> Result<HeaderValue, HqError> {
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
pub(super) async fn admin(
    state: &ServerState,
    headers: &HeaderMap,
) -> Result<(AdminSession, String)> {
    let sid = cookie(headers, SESSION_COOKIE).ok_or(HqError::LoginRequired)?;
    let lookup = sid.clone();
    let now = state.now();
    let session = state
        .blocking(move |s| s.session(&lookup, now))
        .await?
        .ok_or(HqError::LoginRequired)?;
    Ok((session, sid))
}

/// The logged-in admin if a 管理者 (manager); a 閲覧者 gets `ManagersOnly` (403).
pub(super) async fn manager(
    state: &ServerState,
    headers: &HeaderMap,
) -> Result<(AdminSession, String)> {
    let (session, sid) = admin(state, headers).await?;
    if !session.may_change() {
        return Err(WebError::new(HqError::ManagersOnly, Some((&session, &sid))));
    }
    Ok((session, sid))
}

/// A change posted by a manager: the session, the parsed form, its CSRF token checked, and
/// who to record it as.
pub(super) async fn change(
    state: &ServerState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Posted> {
    let (session, sid) = manager(state, headers).await?;
    let form = Form::parse(body);
    check_csrf(&form, &sid).map_err(|e| WebError::new(e, Some((&session, &sid))))?;
    Ok(Posted {
        by: Actor::from(&session),
        session,
        sid,
        form,
    })
}

pub(super) struct Posted {
    pub session: AdminSession,
    pub sid: String,
    pub form: Form,
    pub by: Actor,
}

pub(super) fn check_csrf(form: &Form, sid: &str) -> std::result::Result<(), HqError> {
    let sent = form.get("csrf").unwrap_or_default();
    if secret::constant_time_eq(sent.as_bytes(), secret::csrf_token(sid).as_bytes()) {
        Ok(())
    } else {
        Err(HqError::Csrf)
    }
}

pub(super) fn nav(session: &AdminSession, sid: &str) -> Markup {
    let path = CURRENT_PATH.try_with(Clone::clone).unwrap_or_default();
    html::nav(
        &session.name,
        session.role.ja(),
        session.may_change(),
        &secret::csrf_token(sid),
        &path,
    )
}

/// A page of the logged-in admin's, answered 200.
pub(super) fn screen(title: &str, session: &AdminSession, sid: &str, body: Markup) -> Response {
    page(title, Some(nav(session, sid)), body).into_response()
}

/// For a route `…/{action}` that switches something on or off: `true` for `on`, `false` for
/// `off`, anything else is not a page.
pub(super) fn switch(action: &str, on: &str, off: &str) -> std::result::Result<bool, HqError> {
    match action {
        a if a == on => Ok(true),
        a if a == off => Ok(false),
        _ => Err(HqError::NotFound),
    }
}

/// A form's page: as it is, or with the refusal's status when shown again with a problem.
pub(super) fn with_problem(problem: Option<&Problem>, page: Response) -> Response {
    match problem {
        Some(p) => p.answer(page),
        None => page,
    }
}

// ---- errors as pages ----

/// An error on the admin web, answered as a Japanese page with the error's status (a
/// missing login as a redirect to the login page). With the session, the page keeps the
/// navigation.
pub(super) struct WebError {
    error: HqError,
    nav: Option<Markup>,
}

impl WebError {
    pub(super) fn new(error: HqError, session: Option<(&AdminSession, &str)>) -> WebError {
        WebError {
            error,
            nav: session.map(|(s, sid)| nav(s, sid)),
        }
    }
}

impl From<HqError> for WebError {
    fn from(error: HqError) -> WebError {
        WebError { error, nav: None }
    }
}

impl From<salon_figures::PeriodError> for WebError {
    fn from(error: salon_figures::PeriodError) -> WebError {
        HqError::from(error).into()
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let HqError::LoginRequired = self.error {
            return Redirect::to("/login").into_response();
        }
        self.error.log_storage();
        let body = html! {
            (alert(Some(&message_ja(&self.error))))
            p { a href="/" { "ダッシュボードへ戻る" } }
        };
        let title = match crate::refusal::status(&self.error).as_u16() {
            403 => "この操作はできません",
            404 => "見つかりません",
            500.. => "サーバーで問題が起きました",
            _ => "受け付けられませんでした",
        };
        (
            crate::refusal::status(&self.error),
            page(title, self.nav, body),
        )
            .into_response()
    }
}

/// A refused form, shown again with what was typed and why it was refused, so nothing typed
/// is lost. Errors that are not about the form's content (storage, a lost session) stay
/// errors.
pub(super) struct Problem {
    pub status: StatusCode,
    pub message: String,
    pub form: Form,
    /// The field a `BadForm` refusal names, for a form that answers one refusal its own way.
    pub field: Option<&'static str>,
}

impl Problem {
    pub(super) fn of(error: HqError, form: Form) -> std::result::Result<Problem, HqError> {
        match error {
            HqError::BadForm(_)
            | HqError::AlreadyExists(_)
            | HqError::OwnAccount
            | HqError::LastManager
            | HqError::WrongPassword
            | HqError::NotFound => Ok(Problem {
                status: crate::refusal::status(&error),
                message: message_ja(&error),
                form,
                field: match error {
                    HqError::BadForm(field) => Some(field),
                    _ => None,
                },
            }),
            other => Err(other),
        }
    }

    /// The value typed into field `name`, to put back in the form.
    pub(super) fn value(problem: Option<&Problem>, name: &str) -> String {
        problem
            .and_then(|p| p.form.get(name))
            .unwrap_or_default()
            .to_owned()
    }

    /// The page with the form again, answered with the refusal's status.
    pub(super) fn answer(&self, page: Response) -> Response {
        (self.status, page).into_response()
    }
}

/// `?done=` on the page a change returns to: what it did, said once at the top, so a press
/// of 保存 is seen to have worked.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Done {
    done: Option<String>,
}

impl Done {
    pub(super) fn code(&self) -> Option<&str> {
        self.done.as_deref()
    }
}

pub(super) fn done_notice(done: Option<&str>) -> Markup {
    let said = match done {
        Some("saved") => "保存しました。",
        Some("deleted") => "削除しました。",
        Some("cancelled") => "取り消しました。",
        Some("revoked") => "端末を失効させました。この端末からの次の送信は受け付けません。",
        Some("handover_cancelled") => "引き継ぎを取り消しました。預かっていたファイルは削除しました。送った端末には次の「送信」のときに伝わります。",
        Some("withdrawn") => {
            "更新を取り下げました。これからは、どのパソコンにもこの版は案内されません。"
        }
        Some("offer_on") => "アプリの更新の配信を再開しました。",
        Some("update_added") => {
            "更新を追加しました。配信している間は、対象のパソコンに送信のときに案内されます。"
        }
        Some("offer_off") => {
            "アプリの更新の配信を止めました。どのパソコンにも更新は案内されません。"
        }
        _ => return html! {},
    };
    html! { p.done-notice role="status" data-testid="done" { (said) } }
}

/// Back to `path` after a change, saying what it did.
pub(super) fn back_to(path: &str, done: &str) -> Response {
    Redirect::to(&format!("{path}?done={done}")).into_response()
}
