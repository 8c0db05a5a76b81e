//! A survey's results for admins: each question as a chart with counts and percentages, for
//! the whole survey and per campus where no campus's answers can be worked out
//! (`survey_results`), the free comments (chosen ones go into the funder report), when the
//! answers came, and the comments as CSV.

use crate::survey_results::{self, QuestionCounts, SurveyResults, MIN_ANSWERS};

use super::surveys::{status_ja, survey_id};
use super::*;

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

pub(super) fn question_block(q: &QuestionCounts) -> Markup {
    html! {
        div.question data-question=(q.question.id) {
            h3 { (q.question.text) }
            p.note { "回答 " (q.answered) "件" @if q.question.kind == crate::store::surveys::QuestionKind::Multi { "（複数選択のため、割合の合計は100%を超えます）" } }
            (bars(q))
        }
    }
}

pub(super) async fn results(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let id = survey_id(&id)?;
    let (survey, links, answers, times, campuses) = state
        .blocking(move |s| {
            Ok((
                s.survey(id)?,
                s.survey_links(id)?,
                s.survey_answers(id)?,
                s.response_times(id)?,
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
    let link_name = |link: i64| match links
        .iter()
        .find(|l| l.id == link)
        .and_then(|l| l.campus_code.clone())
    {
        Some(c) => campus_name(&c),
        None => "キャリアサポーター".to_owned(),
    };
    let csrf = secret::csrf_token(&sid);
    let body = html! {
        @if session.may_change() {
            p { a href=(format!("/surveys/{id}/links")) { "リンクとQRコード" } " ・ " a href=(format!("/surveys/{id}/edit")) { "質問" } " ・ " a href=(format!("/surveys/{id}/comments.csv")) { "自由記述をCSVで保存" } }
        }
        p data-testid="survey-status" { (survey.audience.ja()) "・" (status_ja(&survey)) "・回答 " strong { (r.responses) "件" } }
        @match &r.overall {
            Some(overall) => {
                h2 { "全体" }
                @for q in overall { (question_block(q)) }
            }
            None => {
                p.warning data-testid="too-few" { "回答が" (MIN_ANSWERS) "件に満たないため、集計は表示していません（少ない回答から回答した人が推測されないように）。" }
            }
        }
        @if !r.campuses.is_empty() {
            h2 { "キャンパス別" }
            @for (code, n, qs) in &r.campuses {
                section.campus data-campus=(code) {
                    h3 { (campus_name(code)) "（回答 " (n) "件）" }
                    @for q in qs { (question_block(q)) }
                }
            }
        }
        @if r.hidden_campuses > 0 {
            p.note data-testid="hidden-campuses" {
                (r.hidden_campuses) "キャンパスの結果は表示していません。回答が" (MIN_ANSWERS) "件未満のキャンパスと、全体との差からその回答が分かってしまうキャンパスです。"
            }
        }
        h2 { "自由記述" }
        p.note { "自由記述は、どのキャンパスから・いつ届いたかを表示しません。「報告に載せる」を選んだものが事業報告に載ります。" }
        ul.comments data-testid="comments" {
            @for c in &r.comments {
                li.featured[c.featured] {
                    p { (c.text) }
                    @if session.may_change() {
                        form method="post" action=(format!("/surveys/{id}/comments/{}/{}/{}", c.response_id, c.question_id, if c.featured { "unfeature" } else { "feature" })) {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" { @if c.featured { "報告から外す" } @else { "報告に載せる" } }
                        }
                    }
                }
            }
            @if r.comments.is_empty() { li { "自由記述の回答はまだありません。" } }
        }
        h2 { "回答の受付について" }
        p.note data-testid="honesty" {
            "匿名のアンケートのため、同じ人が2回以上答えることを完全には防げません。1つの画面から送れる回答は1回だけで、同じ接続元からは1時間に30件、1つのリンクからは1時間に200件までしか受け付けません。"
            "リンクはいつでも締め切れます。回答の日時を下に示します（不自然にまとまった回答がないか確かめてください）。"
        }
        @if session.may_change() {
            table data-testid="answer-times" {
                thead { tr { th.text { "受付日時" } th.text { "リンク" } } }
                tbody {
                    @for (link, at) in times.iter().take(200) {
                        tr { td.text { (html::datetime_ja(*at)) } td.text { (link_name(*link)) } }
                    }
                }
            }
        }
    };
    Ok(screen(&survey.title, &session, &sid, body))
}

/// `feature` a free comment in the funder report, or `unfeature` it.
pub(super) async fn feature_comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, response, question, action)): Path<(String, String, String, String)>,
    body: Bytes,
) -> Result<Response> {
    let on = switch(&action, "feature", "unfeature")?;
    let p = change(&state, &headers, &body).await?;
    let id = survey_id(&id)?;
    let response = survey_id(&response)?;
    let question = survey_id(&question)?;
    let now = state.now();
    state
        .blocking(move |s| s.set_featured(&p.by, id, response, question, on, now))
        .await?;
    Ok(Redirect::to(&format!("/surveys/{id}")).into_response())
}

/// Every free comment, with its question, for Excel.
pub(super) async fn comments_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    manager(&state, &headers).await?;
    let id = survey_id(&id)?;
    let (survey, answers) = state
        .blocking(move |s| Ok((s.survey(id)?, s.survey_answers(id)?)))
        .await?;
    let mut rows = vec![vec![
        "質問".to_owned(),
        "自由記述".to_owned(),
        "報告に掲載".to_owned(),
    ]];
    let mut comments: Vec<_> = answers.iter().filter(|a| a.text.is_some()).collect();
    // Never in the order they came (see `survey_results`).
    comments.sort_by(|a, b| (a.question_id, &a.text).cmp(&(b.question_id, &b.text)));
    for a in comments {
        let q = survey.questions.iter().find(|q| q.id == a.question_id);
        rows.push(vec![
            q.map(|q| q.text.clone()).unwrap_or_default(),
            a.text.clone().unwrap_or_default(),
            if a.featured { "はい" } else { "" }.to_owned(),
        ]);
    }
    Ok(csv_response(
        &format!("career-salon-survey-{id}-comments.csv"),
        &rows,
    ))
}
