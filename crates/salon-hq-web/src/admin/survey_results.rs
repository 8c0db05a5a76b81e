//! A survey's results for admins, once it is closed: each question as a chart with counts and
//! percentages, for the whole survey and per campus where no one's answers can be worked out
//! (`survey_results`), the free comments (chosen ones go into the funder report), and the
//! comments as CSV.

use crate::survey_results::{
    self, QuestionCounts, QuestionResult, SurveyResults, Withheld, MIN_ANSWERS,
};

use super::csv::csv_response;
use super::shared::*;
use super::surveys::{status_ja, survey_id};

/// One question's choices as horizontal bars, each under its label, with count and
/// percentage (labels above the bars, so a long choice never runs into its bar).
pub(super) fn bars(q: &QuestionCounts) -> Markup {
    let (w, row) = (640.0_f64, 40.0_f64);
    let h = row * q.counts.len() as f64 + 4.0;
    let max = q.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_w = w - 130.0;
    html! {
        svg.bars xmlns="http://www.w3.org/2000/svg" width=(w) height=(h) viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(q.question.text) {
            @for (i, (label, n)) in q.question.options.iter().zip(&q.counts).enumerate() {
                @let y = 2.0 + i as f64 * row;
                @let len = bar_w * *n as f64 / max;
                text x="4" y=(format!("{:.1}", y + 14.0)) font-size="13" fill="#1d2530" { (label) }
                rect x="4" y=(format!("{:.1}", y + 19.0)) width=(format!("{len:.1}")) height="14" fill="#2b6cb0" {}
                text x=(format!("{:.1}", len + 10.0)) y=(format!("{:.1}", y + 31.0)) font-size="13" fill="#1d2530" {
                    (n) "件（" (q.percent(*n)) "%）"
                }
            }
        }
    }
}

pub(super) fn question_block(q: &QuestionResult) -> Markup {
    question_under(q, false)
}

/// A question as the funder report shows it: under its survey's h3, so an h4.
pub(super) fn report_question(q: &QuestionResult) -> Markup {
    question_under(q, true)
}

fn question_under(q: &QuestionResult, in_report: bool) -> Markup {
    let heading = |text: &str| {
        html! { @if in_report { h4 { (text) } } @else { h3 { (text) } } }
    };
    html! {
        @match q {
            QuestionResult::Shown(q) => {
                div.question data-question=(q.question.id) {
                    (heading(&q.question.text))
                    p.note { "回答 " (q.answered) "件" @if q.question.kind == salon_hq_store::surveys::QuestionKind::Multi { "（複数選択のため、割合の合計は100%を超えます）" } }
                    (bars(q))
                }
            }
            QuestionResult::Withheld(q) => {
                div.question.withheld data-question=(q.id) {
                    (heading(&q.text))
                    p.note { "この質問は、ここでの回答が" (MIN_ANSWERS) "件未満になるか、ほかの集計との差から少ない人数の回答が分かってしまうため、表示していません。" }
                }
            }
        }
    }
}

/// What is said instead of results that are not shown.
pub(super) fn withheld_note(why: Withheld) -> Markup {
    html! {
        @match why {
            Withheld::Open => p.warning data-testid="results-wait" { "受付中です。集計と自由記述は、アンケートを締め切った後に表示します（途中の集計を見比べると、1人ずつの回答が分かってしまうためです）。" }
            Withheld::TooFew => p.warning data-testid="too-few" { "回答が" (MIN_ANSWERS) "件に満たないため、集計と自由記述は表示していません（少ない回答から回答した人が推測されないように）。" }
        }
    }
}

pub(super) async fn results(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let id = survey_id(&id)?;
    let (survey, links, answers, campuses) = state
        .blocking(move |s| {
            Ok((
                s.survey(id)?,
                s.survey_links(id)?,
                s.survey_answers(id)?,
                s.campuses()?,
            ))
        })
        .await?;
    let r: SurveyResults = survey_results::compute(&survey, &links, &answers);
    let campus_name = |c: &str| {
        campuses
            .iter()
            .find(|x| x.code == c)
            .map(|x| format!("{c} {}", x.name))
            .unwrap_or_else(|| c.to_owned())
    };
    let csrf = secret::csrf_token(&sid);
    let body = html! {
        @if session.may_change() {
            p { a href=(format!("/surveys/{id}/links")) { "リンク・QRコード・締め切り" } " ・ " a href=(format!("/surveys/{id}/edit")) { "質問" } @if r.withheld.is_none() { " ・ " a href=(format!("/surveys/{id}/comments.csv")) { "自由記述をCSVで保存" } } }
        }
        p data-testid="survey-status" { (survey.audience.ja()) "・" (status_ja(&survey)) "・回答 " strong { (r.responses) "件" } }
        @if let Some(why) = r.withheld {
            (withheld_note(why))
        } @else {
            h2 { "全体" }
            @for q in &r.overall { (question_block(q)) }
            @if !r.campuses.is_empty() {
                h2 { "キャンパス別" }
                @for c in &r.campuses {
                    section.campus data-campus=(c.code) {
                        h3 { (campus_name(&c.code)) "（回答 " (c.responses) "件）" }
                        @for q in &c.questions { (question_block(q)) }
                    }
                }
            }
            @if r.hidden_campuses > 0 {
                p.note data-testid="hidden-campuses" {
                    (r.hidden_campuses) "キャンパスの結果は表示していません。回答が" (MIN_ANSWERS) "件未満のキャンパスと、全体との差から少ない人数の回答が分かってしまうキャンパスです。"
                }
            }
            h2 { "自由記述" }
            p.note { "自由記述は、どのキャンパスから・いつ届いたかを表示しません（並びは質問と文面の順です）。「報告に載せる」を選んだものが事業報告に載ります。" }
            ul.comments data-testid="comments" {
                @for c in &r.comments {
                    li.featured[c.featured] id=(format!("c-{}", c.id)) {
                        p { (c.text) }
                        @if session.may_change() {
                            form method="post" action=(format!("/surveys/{id}/comments/{}/{}", c.id, if c.featured { "unfeature" } else { "feature" })) {
                                input type="hidden" name="csrf" value=(csrf);
                                @if c.featured { span.badge { "報告に載せています" } " " }
                            button type="submit" { @if c.featured { "報告から外す" } @else { "報告に載せる" } }
                            }
                        }
                    }
                }
                @if r.comments.is_empty() { li { "自由記述の回答はありません。" } }
            }
        }
        h2 { "回答の受付について" }
        p.note data-testid="honesty" {
            "匿名のアンケートのため、同じ人が2回以上答えることを完全には防げません。1つの画面から送れる回答は1回だけで、同じ接続元からは1時間に30件、1つのリンクからは1時間に200件までしか受け付けません。"
            "日ごとの回答数は「リンク・QRコード・締め切り」の画面にあります（不自然にまとまった回答がないか確かめてください）。"
        }
    };
    Ok(screen(&survey.title, &session, &sid, body))
}

/// `feature` a free comment in the funder report, or `unfeature` it.
pub(super) async fn feature_comment(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((id, comment, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response> {
    let on = switch(&action, "feature", "unfeature")?;
    let p = change(&state, &headers, &body).await?;
    let id = survey_id(&id)?;
    if comment.len() != 32 || !comment.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(HqError::NotFound.into());
    }
    let now = state.now();
    let back = format!("/surveys/{id}#c-{comment}");
    state
        .blocking(move |s| s.set_featured(&p.by, id, &comment, on, now))
        .await?;
    // Back to the comment just chosen, not the top of a long page.
    Ok(Redirect::to(&back).into_response())
}

/// Every free comment, with its question, for Excel.
pub(super) async fn comments_csv(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    manager(&state, &headers).await?;
    let id = survey_id(&id)?;
    let (survey, links, answers) = state
        .blocking(move |s| Ok((s.survey(id)?, s.survey_links(id)?, s.survey_answers(id)?)))
        .await?;
    // The same comments as the page, in the same order, and only when the page shows them.
    let results = survey_results::compute(&survey, &links, &answers);
    let mut rows = vec![vec![
        "質問".to_owned(),
        "自由記述".to_owned(),
        "報告に掲載".to_owned(),
    ]];
    for c in &results.comments {
        let q = survey.questions.iter().find(|q| q.id == c.question_id);
        rows.push(vec![
            q.map(|q| q.text.clone()).unwrap_or_default(),
            c.text.clone(),
            if c.featured { "はい" } else { "" }.to_owned(),
        ]);
    }
    Ok(csv_response(
        &format!("career-salon-survey-{id}-comments.csv"),
        &rows,
    ))
}
