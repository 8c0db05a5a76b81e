//! 操作記録: who changed what, when, newest first, a page of lines at a time. Every showing
//! checks the whole chain of MACs (`salon_hq_store::audit_chain`) and says whether it holds.

use salon_hq_store::AUDIT_PAGE;

use super::period::nonempty;
use super::shared::*;

#[derive(Debug, Default, Deserialize)]
pub(super) struct AuditQuery {
    before: Option<String>,
}

pub(super) async fn audit_log(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    let before = match nonempty(&q.before) {
        Some(b) => Some(b.parse::<i64>().map_err(|_| HqError::NotFound)?),
        None => None,
    };
    let (lines, check) = state
        .blocking(move |s| Ok((s.audit_log(before)?, s.check_audit(None)?)))
        .await?;
    let older = (lines.len() == AUDIT_PAGE)
        .then(|| lines.last().map(|l| l.id))
        .flatten();
    let body = html! {
        p.note { "管理者と閲覧者の操作のうち、設定や登録を変えたものを記録しています。パスワードや登録コードそのものは記録しません。" }
        @if check.intact() {
            p.note data-testid="audit-intact" {
                "この記録は表示のたびに確かめています。すべての行（" (check.lines) " 行）が、記録されたときのままです。"
            }
        } @else {
            div.warning role="alert" data-testid="audit-broken" {
                p.error { strong { "操作記録が書き換えられています。" } "次の点が、記録されたときと合いません。" }
                ul {
                    @for problem in &check.problems {
                        li { (problem.ja()) }
                    }
                }
                p { "サーバーの管理者に知らせてください。サーバーでは salon-hq audit verify で同じ確認ができます。" }
            }
        }
        @if !check.notices.is_empty() {
            div.warning data-testid="audit-notices" {
                p { strong { "この記録の鎖には切れ目があります。" } "サーバーが次の行に書き残しています。" }
                ul {
                    @for notice in &check.notices {
                        li { (notice.ja()) }
                    }
                }
            }
        }
        table data-testid="audit" {
            thead { tr { th.text { "日時" } th.text { "だれが" } th.text { "操作" } th.text { "内容" } } }
            tbody {
                @for l in &lines {
                    tr {
                        td.text { (html::datetime_ja(l.at)) }
                        td.text { (l.actor) }
                        td.text { (l.action.map(|a| a.ja()).unwrap_or("（新しい版の操作）")) }
                        td.text.wrap { (l.detail) }
                    }
                }
                @if lines.is_empty() {
                    tr { td.text colspan="4" { "記録はまだありません。" } }
                }
            }
        }
        @if let Some(id) = older {
            p { a href=(format!("/audit?before={id}")) { "さらに古い記録" } }
        }
    };
    Ok(screen("操作記録", &session, &sid, body))
}
