//! Logging in and out: the login form with its CSRF nonce, brute-force limits, the session cookie.

use super::*;

// ---- login ----

pub(super) fn login_page(message: Option<&str>, csrf: &str) -> Markup {
    page(
        "ログイン",
        None,
        html! {
            (alert(message))
            form.stack method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
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
    let nonce = secret::new_token()?;
    let mut res = (status, login_page(message, &secret::csrf_token(&nonce))).into_response();
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
    "ログインの試行が多すぎます。15分ほど待ってから、もう一度お試しください。";

pub(super) fn too_many_logins(refused: Refused) -> Result<Response> {
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
pub(super) async fn login(
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
            return Err(e.into());
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

pub(super) async fn logout(
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
