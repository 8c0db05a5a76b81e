//! 設定: the small-count rule devices apply before a breakdown leaves the laptop (and
//! headquarters applies again before showing it), the noise releases carry, and the periods
//! path decisions are released for (path_terms.rs).

use salon_protocol::{NoisePolicy, NoiseScale, SuppressionRule};

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
    let (rule, noise, path_terms) = state
        .blocking({
            let today = crate::html::tokyo_day(state.now());
            move |s| Ok((s.rule()?, s.noise_policy()?, s.path_terms(today)?))
        })
        .await?;
    let value = |name: &str, held: u32| match problem {
        Some(_) => Problem::value(problem, name),
        None => held.to_string(),
    };
    let scale = |name: &str, held: NoiseScale| match problem {
        Some(_) => Problem::value(problem, name),
        None => scale_text(held),
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
        h2 { "内訳のノイズ" }
        p {
            "来談経路・相談内容の月ごとの内訳は、各端末がランダムな数（ノイズ）を足してから送ります。"
            "ノイズの大きさ b を大きくするほど一人ひとりはより強く守られ、そのぶん推計の「95%の幅」が広がります（b を2倍にすると幅もほぼ2倍）。"
        }
        form.stack method="post" action="/settings/noise" data-testid="noise-form" {
            input type="hidden" name="csrf" value=(secret::csrf_token(sid));
            @for (name, label, held) in [
                ("route", "来談経路の b", noise.route),
                ("topic", "相談内容の b", noise.topic),
                ("sensitive_topic", "家庭のこと・心身の不調の b", noise.sensitive_topic),
                ("path", "進路決定の b", noise.path),
            ] {
                label { (label) "（0.5〜20）" input name=(name) inputmode="decimal" required value=(scale(name, held)); }
            }
            button type="submit" { "保存" }
        }
        p.note { "0.5 より小さくはできません（端末も0.5より小さいノイズでは送りません）。変更は各端末の次の送信から使われ、すでに届いた内訳はそのままです。" }
        (path_terms_section(&path_terms, sid, problem))
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

/// A scale as an admin reads and types it: "1", "0.5", "1.25".
fn scale_text(s: NoiseScale) -> String {
    let text = format!("{:.2}", s.as_f64());
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A scale typed as a decimal with at most two places ("0.5", "２", "1.25"); none otherwise.
fn parse_scale(text: &str) -> Option<NoiseScale> {
    let text: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            c => c,
        })
        .collect();
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let dotted = text.contains('.');
    if !digits(whole) || (dotted && !(digits(frac) && frac.len() <= 2)) {
        return None;
    }
    let whole: u32 = whole.parse().ok().filter(|w| *w <= 1000)?;
    let frac: u32 = format!("{frac:0<2}").parse().ok()?;
    NoiseScale::new(whole * 100 + frac, 100).ok()
}

pub(super) async fn set_noise(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let scale = |name: &str| {
        p.form
            .get(name)
            .and_then(parse_scale)
            .ok_or(HqError::BadForm("noise"))
    };
    let policy = (|| {
        Ok(NoisePolicy {
            route: scale("route")?,
            topic: scale("topic")?,
            sensitive_topic: scale("sensitive_topic")?,
            path: scale("path")?,
        })
    })();
    let result = match policy {
        Ok(policy) => {
            let by = p.by.clone();
            let now = state.now();
            state
                .blocking(move |s| s.set_noise_policy(&by, policy, now))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/settings").into_response()),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            settings_page(&state, &p.session, &p.sid, Some(&problem)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_are_typed_as_decimals_with_two_places_at_most() {
        let s = |n, d| NoiseScale::new(n, d).unwrap();
        assert_eq!(parse_scale("1"), Some(s(100, 100)));
        assert_eq!(parse_scale(" 0.5 "), Some(s(50, 100)));
        assert_eq!(parse_scale("１．２５"), Some(s(125, 100)));
        for bad in ["", "0", "-1", "1.234", "abc", "1e3", ".5", "1."] {
            assert_eq!(parse_scale(bad), None, "{bad}");
        }
        assert_eq!(scale_text(s(1, 2)), "0.5");
        assert_eq!(scale_text(s(1, 1)), "1");
        assert_eq!(scale_text(s(125, 100)), "1.25");
    }
}
