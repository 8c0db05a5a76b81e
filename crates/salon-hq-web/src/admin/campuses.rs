//! キャンパス: add one with its code, rename it, retire it (no new enrolment codes; its figures
//! and devices stay) or take it back.

use super::shared::*;

pub(super) async fn campuses(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    campuses_page(&state, &session, &sid, None, done.code()).await
}

async fn campuses_page(
    state: &ServerState,
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
    done: Option<&str>,
) -> Result<Response> {
    let campuses = state.blocking(|s| s.campuses()).await?;
    let csrf = secret::csrf_token(sid);
    // A refused rename is shown again in its own row.
    let renaming = problem.and_then(|p| p.form.get("renaming"));
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        (done_notice(done))
        h2 { "キャンパスを追加" }
        form.stack method="post" action="/campuses" data-testid="add-campus" {
            input type="hidden" name="csrf" value=(csrf);
            label {
                "キャンパスコード（英大文字・数字・「-」、例：C-012）"
                input name="code" required maxlength="32" autocomplete="off"
                    value=(if renaming.is_none() { Problem::value(problem, "code") } else { String::new() });
            }
            label {
                "キャンパス名"
                input name="name" required maxlength="100"
                    value=(if renaming.is_none() { Problem::value(problem, "name") } else { String::new() });
            }
            button type="submit" { "追加" }
        }
        p.note { "キャンパスコードは端末の登録と件数の送信に使われるため、あとから変えられません。名前はいつでも変えられます。" }
        h2 { "登録済みのキャンパス" }
        table data-testid="campuses" {
            thead { tr {
                th.text { "コード" } th.text { "名前" } th.text { "状態" } th.text { "操作" }
            } }
            tbody {
                @for c in &campuses {
                    tr data-code=(c.code) {
                        td.text { (c.code) }
                        td.text {
                            form.inline method="post" action=(format!("/campuses/{}/rename", c.code)) {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="renaming" value=(c.code);
                                input name="name" required maxlength="100" aria-label="キャンパス名"
                                    value=(if renaming == Some(c.code.as_str()) { Problem::value(problem, "name") } else { c.name.clone() });
                                button type="submit" { "名前を変更" }
                            }
                        }
                        td.text {
                            @match c.retired_at {
                                Some(t) => { "終了（" (html::date_ja(t)) "）" }
                                None => { "利用中" }
                            }
                        }
                        td.text {
                            @let (action, label) = if c.retired_at.is_none() { ("retire", "終了する") } else { ("resume", "再開する") };
                            form method="post" action=(format!("/campuses/{}/{action}", c.code)) {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { (label) }
                            }
                        }
                    }
                }
                @if campuses.is_empty() {
                    tr { td.text colspan="4" { "キャンパスはまだありません。" } }
                }
            }
        }
        p.note { "終了したキャンパスには新しい登録コードを発行できません。これまでの数値はダッシュボードと報告に残り、登録済みの端末からの訂正も届きます。" }
    };
    Ok(with_problem(
        problem,
        screen("キャンパス", session, sid, body),
    ))
}

fn campus_code(text: &str) -> std::result::Result<CampusCode, HqError> {
    CampusCode::parse(text.trim()).map_err(|_| HqError::BadForm("code"))
}

pub(super) async fn add_campus(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let name = p.form.get("name").unwrap_or_default().to_owned();
    let by = p.by.clone();
    let now = state.now();
    let result = match campus_code(p.form.get("code").unwrap_or_default()) {
        Ok(code) => {
            state
                .blocking(move |s| s.add_campus(&by, &code, &name, now))
                .await
        }
        Err(e) => Err(e),
    };
    done(&state, p, result).await
}

pub(super) async fn rename_campus(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let code = campus_code(&code).map_err(|_| HqError::NotFound)?;
    let name = p.form.get("name").unwrap_or_default().to_owned();
    let by = p.by.clone();
    let now = state.now();
    let result = state
        .blocking(move |s| s.rename_campus(&by, &code, &name, now))
        .await;
    done(&state, p, result).await
}

/// `retire` or `resume` a campus.
pub(super) async fn retire_campus(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((code, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response> {
    let retire = switch(&action, "retire", "resume")?;
    let p = change(&state, &headers, &body).await?;
    let code = campus_code(&code).map_err(|_| HqError::NotFound)?;
    if retire && !super::confirm::confirmed(&p) {
        let campuses = state.blocking(|s| s.campuses()).await?;
        let c = campuses
            .into_iter()
            .find(|c| c.code == code.as_str())
            .ok_or(HqError::NotFound)?;
        let says = html! {
            p { strong { (c.name) } "（" (c.code) "）を終了します。" }
            ul {
                li { "このキャンパスには、新しい登録コードを発行できなくなります。" }
                li { "これまでの件数は、すべての集計と報告に残ります。" }
                li { "元に戻せます：キャンパスの一覧で「再開」を押します。" }
            }
        };
        return Ok(super::confirm::ask(
            &p,
            "キャンパスを終了する",
            &format!("/campuses/{}/retire", c.code),
            says,
            "終了する",
            "/campuses",
        ));
    }
    let by = p.by.clone();
    let now = state.now();
    let result = state
        .blocking(move |s| s.set_campus_retired(&by, &code, retire, now))
        .await;
    done(&state, p, result).await
}

/// Back to the list, or the list again with the refusal.
async fn done(
    state: &ServerState,
    p: Posted,
    result: std::result::Result<(), HqError>,
) -> Result<Response> {
    match result {
        Ok(()) => Ok(back_to("/campuses", "saved")),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            campuses_page(state, &p.session, &p.sid, Some(&problem), None).await
        }
    }
}
