//! 初期設定: the first admin, created from the one-time link `serve` prints while no account
//! exists. The token travels in the query (the request log never writes a query) and then
//! in the form.

use salon_hq_store::MIN_PASSWORD_CHARS;

use super::period::nonempty;
use super::shared::*;

#[derive(Debug, Default, Deserialize)]
pub(super) struct SetupQuery {
    token: Option<String>,
}

fn setup_page(token: &str, problem: Option<&Problem>) -> Markup {
    page(
        "初期設定：最初の管理者",
        None,
        html! {
            (alert(problem.map(|p| p.message.as_str())))
            p { "事務局サーバーの最初の管理者アカウントを作ります。このアカウントで、キャンパス・目標・ほかのアカウントを設定できます。" }
            form.stack method="post" action="/setup" {
                input type="hidden" name="token" value=(token);
                label { "名前（ログインに使います）" input name="name" required maxlength="100" autocomplete="username" value=(Problem::value(problem, "name")); }
                label { "パスワード（" (MIN_PASSWORD_CHARS) "文字以上）" input name="password" type="password" required autocomplete="new-password"; }
                label { "パスワード（確認）" input name="password_again" type="password" required autocomplete="new-password"; }
                button type="submit" { "作成してログイン" }
            }
            p.note { "このリンクは1回だけ、発行から1時間使えます。" }
        },
    )
}

fn link_closed() -> Response {
    WebError::from(HqError::SetupLinkInvalid).into_response()
}

pub(super) async fn setup_form(
    State(state): State<ServerState>,
    Query(q): Query<SetupQuery>,
) -> Result<Response> {
    let token = nonempty(&q.token).unwrap_or_default().to_owned();
    let now = state.now();
    let t = token.clone();
    if token.len() > 100 || !state.blocking(move |s| s.setup_link_open(&t, now)).await? {
        return Ok(link_closed());
    }
    Ok(setup_page(&token, None).into_response())
}

pub(super) async fn setup(State(state): State<ServerState>, body: Bytes) -> Result<Response> {
    let form = Form::parse(&body);
    let token = form.get("token").unwrap_or_default().to_owned();
    let name = form.get("name").unwrap_or_default().to_owned();
    let password = form.get("password").unwrap_or_default().to_owned();
    if password != form.get("password_again").unwrap_or_default() {
        let problem = Problem::of(HqError::BadForm("password_again"), form)?;
        return Ok(problem.answer(setup_page(&token, Some(&problem)).into_response()));
    }
    let now = state.now();
    let t = token.clone();
    let created = state
        .blocking(move |s| s.create_first_admin(&t, &name, &password, now))
        .await;
    let sid = match created {
        Ok(sid) => sid,
        Err(HqError::SetupLinkInvalid) => return Ok(link_closed()),
        Err(e) => {
            let problem = Problem::of(e, form)?;
            return Ok(problem.answer(setup_page(&token, Some(&problem)).into_response()));
        }
    };
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &sid, SESSION_LIFETIME_SECS)?,
    );
    Ok(res)
}
