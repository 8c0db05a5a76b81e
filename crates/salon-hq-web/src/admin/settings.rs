//! 設定: the NPO's name and contact as teachers see them on survey forms and flyers, and, read
//! only, the periods path decisions are released for (chosen with the 事業期間, terms.rs) and
//! how students are protected. The noise is fixed by the protocol, so nothing about it is set.

use super::shared::*;

pub(super) async fn settings(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    settings_page(&state, &session, &sid, None, done.code()).await
}

pub(super) async fn settings_page(
    state: &ServerState,
    session: &AdminSession,
    sid: &str,
    problem: Option<&Problem>,
    done: Option<&str>,
) -> Result<Response> {
    let (path_terms, org) = state
        .blocking({
            let today = salon_hq_store::tokyo::day(state.now());
            move |s| Ok((s.path_terms(today)?, s.organisation()?))
        })
        .await?;
    let typed = |name: &str, held: &str| match problem {
        Some(_) => Problem::value(problem, name),
        None => held.to_owned(),
    };
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        (done_notice(done))
        h2 { "団体名と連絡先" }
        p.note { "アンケートの回答画面と、印刷するQRコードの案内に載ります（回答する教職員・キャリアサポーターが見ます）。" }
        form.stack method="post" action="/settings/organisation" data-testid="organisation-form" {
            input type="hidden" name="csrf" value=(secret::csrf_token(sid));
            label { "団体名" input name="org_name" maxlength="100" value=(typed("org_name", &org.name)) placeholder="例：NPO法人 ○○"; }
            label { "連絡先（電話・メールなど）" input name="org_contact" maxlength="200" value=(typed("org_contact", &org.contact)); }
            button type="submit" { "団体名と連絡先を保存" }
        }
        (path_periods(&path_terms))
        (protection())
    };
    Ok(with_problem(problem, screen("設定", session, sid, body)))
}

pub(super) async fn set_organisation(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let name = p.form.get("org_name").unwrap_or_default().to_owned();
    let contact = p.form.get("org_contact").unwrap_or_default().to_owned();
    let by = p.by.clone();
    let now = state.now();
    match state
        .blocking(move |s| s.set_organisation(&by, &name, &contact, now))
        .await
    {
        Ok(()) => Ok(back_to("/settings", "saved")),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            settings_page(&state, &p.session, &p.sid, Some(&problem), None).await
        }
    }
}

/// The periods path decisions are counted for: every 年度, and the 事業期間 chosen for it.
fn path_periods(terms: &[salon_hq_store::PathTerm]) -> Markup {
    html! {
        h2 { "進路決定を集計する期間" }
        p {
            "進路決定は、いつも年度（4月〜翌年3月）ごとに集計しています。"
            @if terms.is_empty() {
                "助成元の期間でも集計するときは、"
            } @else {
                "ほかに、次の期間でも集計しています。"
            }
            a href="/terms" { "事業期間と目標" } "で、その事業期間の「この事業期間でも進路決定を集計する」を選んでください。"
        }
        @if !terms.is_empty() {
            ul data-testid="path-terms" {
                @for t in terms {
                    li {
                        (salon_figures::labels::period_name(t.period.from, t.period.to))
                        @if t.released { span.note { "（各パソコンから届き始めています）" } }
                    }
                }
            }
        }
    }
}

/// How students are protected, in plain Japanese, read-only: nothing here is a setting.
fn protection() -> Markup {
    html! {
        section data-testid="protection" {
            h2 { "生徒を守るしくみ（変更はできません）" }
            ul {
                li { "事務局に届くのは、キャンパスと日ごとの件数だけです。生徒の名前、相談のメモ、生年月日などは、キャリアサポーターのパソコンから出ません。" }
                li { "来談のきっかけと相談の内容は、月ごとに、各パソコンが少しずらした件数にしてから送ります。一人ひとりのことは、事務局にも分かりません。全キャンパスを合わせた割合は、誤差が数ポイントの推計になります。" }
                li { "進路決定と、家庭のこと・心身の不調は、年度と、事業期間と目標で選んだ助成元の期間ごとに、一人一回だけ数えてから送ります。" }
                li { "ずらし方の大きさはアプリと事務局で決まっていて、ここでは変えられません（変えられると、生徒を守る強さが変わってしまうためです）。" }
            }
            p.note { "詳しい設計は、個人情報保護の担当者向けの文書にあります（英語）：" a href="/privacy.md" { "プライバシーの設計（privacy.md）" } }
        }
    }
}
