//! Logging in and out: the login form with its CSRF nonce, brute-force limits (an account's
//! doubling wait in the store, a browser that logged in before skipping it), the session
//! cookie, and a form posted after the session ended carried through the new login.

use salon_hq_store::{KnownBrowser, LoginResult};

use super::resume::{self, resumable, Resume};
use super::shared::*;

// ---- login ----

pub(super) fn login_page(message: Option<&str>, csrf: &str, resume: Option<&Resume>) -> Markup {
    page(
        "ログイン",
        None,
        html! {
            (alert(message))
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                @if let Some(r) = resume { (r.hidden_fields()) }
                label { "名前" input name="name" autocomplete="username" required; }
                label {
                    "パスワード"
                    input name="password" type="password" autocomplete="current-password" required;
                }
                button type="submit" { "ログイン" }
            }
        },
    )
}

/// The login page with a fresh form nonce in its cookie, answered with `status`.
pub(super) fn login_response(status: StatusCode, message: Option<&str>) -> Result<Response> {
    login_response_resuming(status, message, None)
}

/// The login page that also carries a form posted after the session ended.
pub(super) fn login_response_resuming(
    status: StatusCode,
    message: Option<&str>,
    resume: Option<&Resume>,
) -> Result<Response> {
    let nonce = secret::new_token()?;
    let mut res = (
        status,
        login_page(message, &secret::csrf_token(&nonce), resume),
    )
        .into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(LOGIN_COOKIE, &nonce, LOGIN_FORM_SECS)?,
    );
    Ok(res)
}

pub(super) async fn login_form() -> Result<Response> {
    login_response(StatusCode::OK, None)
}

/// Whether the login form was the one this server handed to this browser.
pub(super) fn login_form_is_ours(headers: &HeaderMap, form: &Form) -> bool {
    let Some(nonce) = cookie(headers, LOGIN_COOKIE) else {
        return false;
    };
    let sent = form.get("csrf").unwrap_or_default();
    secret::constant_time_eq(sent.as_bytes(), secret::csrf_token(&nonce).as_bytes())
}

pub(super) const TOO_MANY_LOGINS: &str =
    "ログインの失敗が続いたため、しばらく（長くて15分）試せません。時間をおいてから、もう一度お試しください。前にこのブラウザでログインしたことがあれば、待たずにログインできます。";

pub(super) fn too_many_logins(refused: Refused, resume: Option<&Resume>) -> Result<Response> {
    let mut res =
        login_response_resuming(StatusCode::TOO_MANY_REQUESTS, Some(TOO_MANY_LOGINS), resume)?;
    res.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(refused.retry_after_secs.max(1)),
    );
    Ok(res)
}

/// The browser this request proves logged in before, if its cookie is one this server signed.
async fn known_browser(state: &ServerState, headers: &HeaderMap) -> Result<Option<KnownBrowser>> {
    match cookie(headers, KNOWN_COOKIE) {
        Some(token) => Ok(state.blocking(move |s| s.known_browser(&token)).await?),
        None => Ok(None),
    }
}

/// Checks the password, unless the client's address, the account or this browser has failed
/// too often lately (see `throttle` and `salon_hq_store::logins`): then the answer is 429 whatever the
/// password. The name and password are never logged.
pub(super) async fn login(
    State(state): State<ServerState>,
    Peer(peer): Peer,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let form = Form::parse(&body);
    let resume = Resume::from_login_form(&form);
    if !login_form_is_ours(&headers, &form) {
        return login_response_resuming(
            StatusCode::FORBIDDEN,
            Some("ログイン画面の有効期限が切れました。もう一度入力してください。"),
            resume.as_ref(),
        );
    }
    let name = form.get("name").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    let known = known_browser(&state, &headers).await?;
    let lookup = name.clone();
    let account = state.blocking(move |s| s.account_named(&lookup)).await?;
    // A browser that logged in to this account before is counted in the store, on its own:
    // not by its address, which a stranger may share (an office, a phone network).
    let keys: Vec<Key> = match (account, &known) {
        (Some(id), Some(k)) if k.admin_id == id => Vec::new(),
        (Some(_), _) => peer.map(Key::login_peer).into_iter().collect(),
        (None, _) => peer
            .into_iter()
            .flat_map(|ip| [Key::login_peer(ip), Key::login_unknown(ip)])
            .collect(),
    };
    let attempt = match state.throttle.begin(keys, state.now()) {
        Ok(a) => a,
        Err(refused) => return too_many_logins(refused, resume.as_ref()),
    };
    let now = state.now();
    let proof = known.clone();
    let result = state
        .blocking(move |s| s.login(&name, &password, proof.as_ref(), now))
        .await;
    let (sid, admin_id) = match result {
        Ok(LoginResult::Session { sid, admin_id }) => {
            attempt.succeeded(state.now());
            (sid, admin_id)
        }
        Ok(LoginResult::Refused) => {
            attempt.failed(state.now());
            return login_response_resuming(
                StatusCode::UNAUTHORIZED,
                Some("名前またはパスワードが違います。"),
                resume.as_ref(),
            );
        }
        Ok(LoginResult::Wait { retry_after_secs }) => {
            attempt.abandon();
            return too_many_logins(Refused { retry_after_secs }, resume.as_ref());
        }
        Err(e) => {
            attempt.abandon();
            return Err(e.into());
        }
    };
    let browser = known.filter(|k| k.admin_id == admin_id).map(|k| k.browser);
    let proof = state
        .blocking(move |s| s.known_browser_token(admin_id, browser))
        .await?;
    let mut res = match &resume {
        Some(r) => r.page(&sid),
        None => Redirect::to("/").into_response(),
    };
    let h = res.headers_mut();
    h.append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &sid, SESSION_LIFETIME_SECS)?,
    );
    h.append(
        header::SET_COOKIE,
        set_cookie(KNOWN_COOKIE, &proof, KNOWN_BROWSER_SECS)?,
    );
    h.append(header::SET_COOKIE, set_cookie(LOGIN_COOKIE, "", 0)?);
    Ok(res)
}

/// A form posted after its session ended: the login page, carrying the form.
pub(super) fn login_to_resume(resume: &Resume) -> Response {
    login_response_resuming(
        StatusCode::UNAUTHORIZED,
        Some(resume::EXPIRED),
        Some(resume),
    )
    .unwrap_or_else(|e| e.into_response())
}

/// Turns "log in again" after a form was posted into the login page that carries the form.
pub(super) async fn keep_form_through_login(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if req.method() != axum::http::Method::POST || !resumable(&path) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, FORM_LIMIT).await else {
        return WebError::from(HqError::BodyTooLarge).into_response();
    };
    let ended_session = cookie(&parts.headers, SESSION_COOKIE);
    let res = next
        .run(Request::from_parts(parts, bytes.clone().into()))
        .await;
    let to_login = res.status() == StatusCode::SEE_OTHER
        && res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            == Some("/login");
    let form = Form::parse(&bytes);
    let ours = ended_session.is_some_and(|sid| check_csrf(&form, &sid).is_ok());
    match Resume::new(&path, form) {
        Some(resume) if to_login && ours => login_to_resume(&resume),
        _ => res,
    }
}

pub(super) async fn logout(
    State(state): State<ServerState>,
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
