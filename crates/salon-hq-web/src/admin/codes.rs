//! 登録コード発行: a one-time code for a supporter's laptop, shown once with the address
//! the app is linked to, and the codes still waiting to be used, each of which may be
//! cancelled.

use super::shared::*;
use salon_hq_store::{CampusRow, IssuedCode, PendingCode};

pub(super) async fn code_form(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    code_page(&state, &session, &sid, None, done.code()).await
}

async fn code_page(
    state: &ServerState,
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
    done: Option<&str>,
) -> Result<Response> {
    let now = state.now();
    let (campuses, pending) = state
        .blocking(move |s| Ok((s.campuses()?, s.pending_codes(now)?)))
        .await?;
    let open: Vec<_> = campuses.iter().filter(|c| c.retired_at.is_none()).collect();
    let chosen: Vec<&str> = problem
        .map(|p| p.form.all("campus").collect())
        .unwrap_or_default();
    let csrf = secret::csrf_token(sid);
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        (done_notice(done))
        p { "キャリアサポーターのパソコンを事務局につなぐためのコードです。一度だけ表示され、発行から15分で使えなくなります。1台の登録に1回だけ使えます。" }
        form.stack.wide method="post" action="/codes" {
            input type="hidden" name="csrf" value=(csrf);
            label {
                "キャリアサポーター名"
                input name="supporter" required maxlength="100"
                    value=(Problem::value(problem, "supporter"));
            }
            fieldset.campus-grid {
                legend { "担当キャンパス" }
                @for c in &open {
                    label.check {
                        input type="checkbox" name="campus" value=(c.code)
                            checked[chosen.contains(&c.code.as_str())];
                        span { (c.code) " " (c.name) }
                    }
                }
                @if open.is_empty() {
                    p.note { "キャンパスがまだ登録されていません。" a href="/campuses" { "キャンパス" } "の画面で追加してください。" }
                }
            }
            button type="submit" { "登録コードを発行" }
        }
        (pending_list(&pending, &campuses, &csrf))
    };
    Ok(with_problem(
        problem,
        screen("登録コード発行", session, sid, body),
    ))
}

/// Codes issued and waiting: for whom, until when, and a button that cancels one.
fn pending_list(pending: &[PendingCode], campuses: &[CampusRow], csrf: &str) -> Markup {
    html! {
        h2 { "まだ使われていない登録コード" }
        @if pending.is_empty() {
            p.note data-testid="pending-codes-none" { "いまは、使われるのを待っているコードはありません。" }
        } @else {
            p.note { "コードそのものは、発行した画面にしか表示されません。渡し間違えたときや不要になったときは、取り消してください（必要なら、もう一度発行できます）。" }
            table data-testid="pending-codes" {
                thead { tr { th.text { "キャリアサポーター" } th.text { "担当キャンパス" } th.text { "種類" } th.text { "有効期限" } th {} } }
                tbody {
                    @for c in pending {
                        tr data-code-id=(c.id) {
                            td.text { (c.supporter) }
                            td.text.wrap { (named(campuses, &c.campuses)) }
                            td.text {
                                @match c.takes_over {
                                    Some(d) => { "端末ID " (d) " の引き継ぎ" }
                                    None => { "新しいパソコン" }
                                }
                            }
                            td.text { (html::datetime_ja(c.expires_at)) " まで" }
                            td {
                                form method="post" action=(format!("/codes/{}/cancel", c.id)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button.secondary type="submit" data-testid=(format!("cancel-code-{}", c.id)) { "取り消す" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) async fn issue_code(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let Posted {
        session,
        sid,
        form,
        by,
    } = change(&state, &headers, &body).await?;
    let supporter = form.get("supporter").unwrap_or_default().to_owned();
    let campuses = form
        .all("campus")
        .map(CampusCode::parse)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| HqError::BadForm("campuses"));
    let now = state.now();
    let issued = match campuses {
        Ok(campuses) => {
            state
                .blocking(move |s| s.issue_code(&by, &supporter, &campuses, now))
                .await
        }
        Err(e) => Err(e),
    };
    let issued = match issued {
        Ok(issued) => issued,
        Err(e) => {
            let problem = Problem::of(e, form)?;
            return code_page(&state, &session, &sid, Some(&problem), None).await;
        }
    };
    let campuses = state.blocking(|s| s.campuses()).await?;
    let body = html! {
        p {
            "キャリアサポーター：" (issued.supporter) br;
            "担当キャンパス：" (named(&campuses, &issued.campuses))
        }
        (code_shown(&state, &issued))
        p.note { "パソコンのアプリで、設定 →「事務局との連携」に、上の事務局のアドレスと登録コードを入力してもらってください。" }
        p { a href="/codes/new" { "登録コード発行に戻る" } }
    };
    Ok(screen("登録コードを発行しました", &session, &sid, body))
}

/// Cancels a waiting code; issuing another undoes it, so one press does it.
pub(super) async fn cancel_code(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id: i64 = id.parse().map_err(|_| HqError::NotFound)?;
    let now = state.now();
    state
        .blocking(move |s| s.cancel_code(&p.by, id, now))
        .await?;
    Ok(back_to("/codes/new", "cancelled"))
}

/// An issued code as shown once: the address the app links to, the code in two groups of
/// five in a typeface that tells O from 0, and when it expires.
pub(super) fn code_shown(state: &ServerState, issued: &IssuedCode) -> Markup {
    let (a, b) = issued.code.split_at(issued.code.len() / 2);
    html! {
        dl.code-card {
            dt { "事務局のアドレス" }
            dd { code data-testid="hq-address" { (state.public_url) } }
            dt { "登録コード（この画面でのみ表示されます）" }
            dd { p.code data-testid="enrolment-code" data-code=(issued.code) { (a) " " (b) } }
            dt { "有効期限" }
            dd data-testid="code-expires" { (html::datetime_ja(issued.expires_at)) " まで（発行から15分、1回限り）" }
        }
    }
}

/// Campus codes with their names, as the office knows them: 「C-001 柏キャンパス、C-002 …」.
pub(super) fn named(campuses: &[CampusRow], codes: &[String]) -> String {
    codes
        .iter()
        .map(|code| match campuses.iter().find(|c| &c.code == code) {
            Some(c) => format!("{} {}", c.code, c.name),
            None => code.clone(),
        })
        .collect::<Vec<_>>()
        .join("、")
}
