//! 設定: the periods path decisions are released for (path_terms.rs). The noise the
//! breakdowns carry is fixed by the protocol, so nothing about it is set here.

use super::*;

pub(super) async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    settings_page(&state, &session, &sid, None).await
}

pub(super) async fn settings_page(
    state: &AppState,
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
) -> Result<Response> {
    let path_terms = state
        .blocking({
            let today = crate::html::tokyo_day(state.now());
            move |s| s.path_terms(today)
        })
        .await?;
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        (path_terms_section(&path_terms, sid, problem))
    };
    Ok(with_problem(problem, screen("設定", session, sid, body)))
}
