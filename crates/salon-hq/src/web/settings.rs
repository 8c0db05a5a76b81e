//! 設定: the small-count rule devices apply before a breakdown leaves the laptop (and
//! headquarters applies again before showing it).

use salon_protocol::SuppressionRule;

use super::*;

pub(super) async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    settings_page(&state, &session, &sid, None).await
}

async fn settings_page(
    state: &AppState,
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
) -> Result<Response> {
    let rule = state.blocking(|s| s.rule()).await?;
    let value = |name: &str, held: u32| match problem {
        Some(_) => Problem::value(problem, name),
        None => held.to_string(),
    };
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        h2 { "少数の秘匿ルール" }
        p {
            "月ごとの内訳（来談経路・相談内容など）で、1件以上 k 件未満のセルは端末で「秘匿」にしてから送られます。"
            "家庭のこと・心身の不調は要配慮個人情報のため、より大きな k を使います。"
        }
        form.stack method="post" action="/settings/rule" data-testid="rule-form" {
            input type="hidden" name="csrf" value=(secret::csrf_token(sid));
            label { "k（2〜100）" input name="k" type="number" min="2" max="100" required value=(value("k", rule.k)); }
            label {
                "要配慮の内容の k（k〜100）"
                input name="sensitive_k" type="number" min="2" max="100" required
                    value=(value("sensitive_k", rule.sensitive_k));
            }
            button type="submit" { "保存" }
        }
        p.note { "変更は各端末の次の送信から使われます。緩めても、すでに届いた内訳で秘匿されたセルは秘匿のままです。厳しくすると、届いている内訳の表示にもすぐに新しいルールが使われます。" }
    };
    Ok(with_problem(problem, screen("設定", session, sid, body)))
}

pub(super) async fn set_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let number = |name: &str| {
        p.form
            .get(name)
            .and_then(|v| v.trim().parse::<u32>().ok())
            .ok_or(HqError::BadForm("rule"))
    };
    let result = match (number("k"), number("sensitive_k")) {
        (Ok(k), Ok(sensitive_k)) => {
            let by = p.by.clone();
            let now = state.now();
            let rule = SuppressionRule { k, sensitive_k };
            state.blocking(move |s| s.set_rule(&by, rule, now)).await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings").into_response()),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            settings_page(&state, &p.session, &p.sid, Some(&problem)).await
        }
    }
}
