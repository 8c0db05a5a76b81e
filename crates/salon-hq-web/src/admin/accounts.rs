//! アカウント: headquarters' staff accounts with their roles (管理者 changes things, 閲覧者
//! reads figures and reports), stopped rather than deleted so the audit log keeps its names;
//! and each admin's own password.

use salon_hq_store::{Role, MIN_PASSWORD_CHARS};

use super::shared::*;

pub(super) async fn accounts(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    accounts_page(&state, &session, &sid, None, done.code()).await
}

async fn accounts_page(
    state: &ServerState,
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
    done: Option<&str>,
) -> Result<Response> {
    let admins = state.blocking(|s| s.admins()).await?;
    let csrf = secret::csrf_token(sid);
    let typed_role = Problem::value(problem, "role");
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        (done_notice(done))
        table data-testid="accounts" {
            thead { tr {
                th.text { "名前" } th.text { "役割" } th.text { "作成日" } th.text { "状態" } th.text { "操作" }
            } }
            tbody {
                @for a in &admins {
                    @let own = a.id == session.admin_id;
                    tr data-name=(a.name) {
                        td.text { (a.name) @if own { "（あなた）" } }
                        td.text {
                            @if own {
                                (a.role.ja())
                            } @else {
                                form.inline method="post" action=(format!("/accounts/{}/role", a.id)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    select name="role" aria-label="役割" {
                                        @for r in Role::ALL {
                                            option value=(r.code()) selected[r == a.role] { (r.ja()) }
                                        }
                                    }
                                    button type="submit" { "役割を変更" }
                                }
                            }
                        }
                        td.text { (html::date_ja(a.created_at)) }
                        td.text {
                            @match a.stopped_at {
                                Some(t) => { "停止中（" (html::date_ja(t)) "から）" }
                                None => { "利用中" }
                            }
                        }
                        td.text {
                            @if !own {
                                @let (action, label) = if a.stopped_at.is_none() { ("stop", "停止する") } else { ("resume", "再開する") };
                                form method="post" action=(format!("/accounts/{}/{action}", a.id)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { (label) }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.note { "停止したアカウントはログインできず、開いている画面もすぐに使えなくなります。操作記録には名前が残ります。" }
        h2 { "アカウントを追加" }
        form.stack method="post" action="/accounts" data-testid="add-account" {
            input type="hidden" name="csrf" value=(csrf);
            label { "名前（ログインに使います）" input name="name" required maxlength="100" autocomplete="off" value=(Problem::value(problem, "name")); }
            label {
                "役割"
                select name="role" {
                    @for r in Role::ALL {
                        option value=(r.code()) selected[typed_role == r.code() || (typed_role.is_empty() && r == Role::Viewer)] {
                            (r.ja()) @if r == Role::Manager { "（設定・登録コード・端末を変更できる）" } @else { "（数値と報告を見るだけ）" }
                        }
                    }
                }
            }
            label { "最初のパスワード（" (MIN_PASSWORD_CHARS) "文字以上）" input name="password" type="password" required autocomplete="new-password"; }
            label { "最初のパスワード（確認）" input name="password_again" type="password" required autocomplete="new-password"; }
            button type="submit" { "追加" }
        }
        p.note { "最初のパスワードは本人に直接伝え、ログイン後に「パスワード変更」で変えてもらってください。" }
    };
    Ok(with_problem(
        problem,
        screen("アカウント", session, sid, body),
    ))
}

/// The new password typed twice the same.
fn new_password(form: &Form, field: &str, again: &str) -> std::result::Result<String, HqError> {
    let password = form.get(field).unwrap_or_default();
    if password != form.get(again).unwrap_or_default() {
        return Err(HqError::BadForm("password_again"));
    }
    Ok(password.to_owned())
}

pub(super) async fn add_account(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let name = p.form.get("name").unwrap_or_default().to_owned();
    let role = Role::parse(p.form.get("role").unwrap_or_default());
    let password = new_password(&p.form, "password", "password_again");
    let by = p.by.clone();
    let now = state.now();
    let result = match (role, password) {
        (Ok(role), Ok(password)) => {
            state
                .blocking(move |s| s.create_admin(&by, &name, &password, role, now).map(|_| ()))
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    accounts_done(&state, p, result).await
}

fn account_id(id: &str) -> std::result::Result<i64, HqError> {
    id.parse().map_err(|_| HqError::NotFound)
}

pub(super) async fn set_role(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id = account_id(&id)?;
    let by = p.by.clone();
    let now = state.now();
    let result = match Role::parse(p.form.get("role").unwrap_or_default()) {
        Ok(role) => {
            state
                .blocking(move |s| s.set_role(&by, id, role, now))
                .await
        }
        Err(e) => Err(e),
    };
    accounts_done(&state, p, result).await
}

/// `stop` an account or `resume` it.
pub(super) async fn stop_account(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response> {
    let stop = switch(&action, "stop", "resume")?;
    let p = change(&state, &headers, &body).await?;
    let id = account_id(&id)?;
    if stop && !super::confirm::confirmed(&p) {
        let admins = state.blocking(|s| s.admins()).await?;
        let a = admins
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(HqError::NotFound)?;
        let says = html! {
            p { strong { (a.name) } "（" (a.role.ja()) "）のアカウントを停止します。" }
            ul {
                li { "この名前ではログインできなくなり、ログイン中の画面もすぐに使えなくなります。" }
                li { "これまでの操作記録は残ります。" }
                li { "元に戻せます：アカウントの一覧で「再開」を押します。" }
            }
        };
        return Ok(super::confirm::ask(
            &p,
            "アカウントを停止する",
            &format!("/accounts/{id}/stop"),
            says,
            "停止する",
            "/accounts",
        ));
    }
    let by = p.by.clone();
    let now = state.now();
    let result = state
        .blocking(move |s| s.set_stopped(&by, id, stop, now))
        .await;
    accounts_done(&state, p, result).await
}

async fn accounts_done(
    state: &ServerState,
    p: Posted,
    result: std::result::Result<(), HqError>,
) -> Result<Response> {
    match result {
        Ok(()) => Ok(back_to("/accounts", "saved")),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            accounts_page(state, &p.session, &p.sid, Some(&problem), None).await
        }
    }
}

// ---- one's own password (both roles) ----

pub(super) async fn password_form(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    Ok(password_page(&session, &sid, None, false))
}

fn password_page(
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
    done: bool,
) -> Response {
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        @if done { p.done role="status" data-testid="done" { "パスワードを変更しました。ほかの端末やブラウザでのログインは終了しました。" } }
        form.stack method="post" action="/password" {
            input type="hidden" name="csrf" value=(secret::csrf_token(sid));
            label { "今のパスワード" input name="current" type="password" required autocomplete="current-password"; }
            label { "新しいパスワード（" (MIN_PASSWORD_CHARS) "文字以上）" input name="password" type="password" required autocomplete="new-password"; }
            label { "新しいパスワード（確認）" input name="password_again" type="password" required autocomplete="new-password"; }
            button type="submit" { "変更" }
        }
    };
    with_problem(problem, screen("パスワード変更", session, sid, body))
}

pub(super) async fn change_password(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let form = Form::parse(&body);
    check_csrf(&form, &sid).map_err(|e| WebError::new(e, Some((&session, &sid))))?;
    let current = form.get("current").unwrap_or_default().to_owned();
    let now = state.now();
    let result = match new_password(&form, "password", "password_again") {
        Ok(new) => {
            let s2 = session.clone();
            state
                .blocking(move |s| s.change_password(&s2, &current, &new, now))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(password_page(&session, &sid, None, true)),
        // Passwords are never typed back into a page.
        Err(e) => {
            let problem = Problem::of(e, Form::default())?;
            Ok(password_page(&session, &sid, Some(&problem), false))
        }
    }
}
