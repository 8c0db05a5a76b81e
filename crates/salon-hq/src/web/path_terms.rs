//! 設定 → 進路の集計期間: the funder terms devices release their path decisions for, beside
//! every 年度. A term overlapping another, or one a device has released, is refused with why
//! (store/paths.rs): a decision must lie in at most two periods.

use salon_protocol::{Month, PathPeriod};

use super::*;
use crate::store::PathTerm;

/// The section of the settings page: the terms, a remove button for each not yet released,
/// and the form to add one.
pub(super) fn path_terms_section(
    terms: &[PathTerm],
    sid: &str,
    problem: Option<&Problem>,
) -> Markup {
    let value = |name: &str| Problem::value(problem, name);
    html! {
        h2 { "進路決定の集計期間" }
        p {
            "進路決定は、各端末が年度（4月〜翌年3月）ごとに、担当キャンパス全体をまとめ、ノイズを加えて送ります。"
            "助成元の期間（例: 9月〜翌年2月）でも報告するときは、その期間をここに一つ加えてください。端末はその期間についても送ります。"
        }
        @if terms.is_empty() {
            p.note data-testid="path-terms-none" { "いまは年度だけを集計しています。" }
        } @else {
            table data-testid="path-terms" {
                thead { tr { th.text { "期間" } th.text { "状態" } th.text { "" } } }
                tbody {
                    @for t in terms {
                        tr data-testid=(format!("path-term-{}", t.period.from)) {
                            td.text { (crate::store::terms::period_name(t.period.from, t.period.to)) }
                            @if t.released {
                                td.text { "公表日を過ぎました（変更・削除はできません）" }
                                td {}
                            } @else {
                                td.text { "まだ届いていません" }
                                td {
                                    form method="post" action=(format!("/settings/path-terms/{}/remove", t.period.from)) {
                                        input type="hidden" name="csrf" value=(secret::csrf_token(sid));
                                        button.secondary type="submit" data-testid=(format!("remove-path-term-{}", t.period.from)) { "削除" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.stack method="post" action="/settings/path-terms" data-testid="path-term-form" {
            input type="hidden" name="csrf" value=(secret::csrf_token(sid));
            label { "開始月" input type="month" name="from" required placeholder="2024-09" value=(value("from")); }
            label { "終了月" input type="month" name="to" required placeholder="2025-02" value=(value("to")); }
            button type="submit" { "集計期間を追加" }
        }
        p.note {
            "期間は1〜12か月で、ほかの集計期間と重ねられません。最初の公表日（期間の末日の7日後）を過ぎた期間は、変更も削除もできません。"
            "一つの進路決定が三つ以上の期間で送られると、生徒を守るノイズが弱まるためです。"
        }
    }
}

fn month_field(form: &Form, name: &str) -> crate::error::Result<Month> {
    Month::parse(form.get(name).unwrap_or_default().trim()).map_err(|_| HqError::BadForm("month"))
}

pub(super) async fn add_path_term(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let period = month_field(&p.form, "from").and_then(|from| {
        let to = month_field(&p.form, "to")?;
        if from > to {
            return Err(HqError::BadForm("period"));
        }
        Ok(PathPeriod { from, to })
    });
    let result = match period {
        Ok(period) => {
            let (by, now) = (p.by.clone(), state.now());
            state
                .blocking(move |s| s.add_path_term(&by, period, now))
                .await
        }
        Err(e) => Err(e),
    };
    settled(&state, p, result).await
}

pub(super) async fn remove_path_term(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(from): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let result = match Month::parse(&from) {
        Ok(from) => {
            let (by, now) = (p.by.clone(), state.now());
            state
                .blocking(move |s| s.remove_path_term(&by, from, now))
                .await
        }
        Err(_) => Err(HqError::NotFound),
    };
    settled(&state, p, result).await
}

/// Back to the settings page, or the page again with the refusal in Japanese.
async fn settled(
    state: &AppState,
    p: Posted,
    result: crate::error::Result<()>,
) -> Result<Response> {
    match result {
        Ok(()) => Ok(Redirect::to("/settings").into_response()),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            super::settings::settings_page(state, &p.session, &p.sid, Some(&problem)).await
        }
    }
}
