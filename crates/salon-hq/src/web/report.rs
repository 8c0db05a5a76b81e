//! 事業報告: one A4 page for a term that reads like the seed's 活動実績 and 振り返り — the three
//! figures against their targets, the month chart, related activities, the surveys as charts
//! with the comments an admin chose, and the campuses — printable to PDF from the browser;
//! the same figures as CSV for Excel.

use crate::store::surveys::Survey;
use crate::store::Term;
use crate::survey_results::{self, SurveyResults};

use super::*;

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReportQuery {
    term: Option<String>,
}

/// Everything the report shows, read at once.
struct Report {
    term: Term,
    figures: Figures,
    surveys: Vec<(Survey, SurveyResults)>,
    campuses: Vec<crate::store::CampusRow>,
}

fn read_report(s: &crate::Store, id: i64) -> Result<Report, HqError> {
    let figures = figures::compute_term(s, id)?;
    let term = figures.term.clone().ok_or(HqError::NotFound)?;
    let mut surveys = Vec::new();
    for survey in s.surveys()?.into_iter().filter(|v| v.term_id == Some(id)) {
        let links = s.survey_links(survey.id)?;
        let answers = s.survey_answers(survey.id)?;
        let results = survey_results::compute(&survey, &links, &answers);
        surveys.push((survey, results));
    }
    Ok(Report {
        term,
        figures,
        surveys,
        campuses: s.campuses()?,
    })
}

fn term_id(q: &ReportQuery) -> std::result::Result<i64, HqError> {
    nonempty(&q.term)
        .and_then(|t| t.parse().ok())
        .ok_or(HqError::BadForm("term"))
}

/// One headline figure: value, target and 目標比.
fn tile(key: &str, label: &str, value: u64, unit: &str, target: Option<u32>) -> Markup {
    let pct = target.and_then(|t| percent_of(value, t));
    html! {
        div.tile data-testid=(format!("report-{key}")) data-value=(value) data-percent=[pct] {
            div.label { (label) }
            div.value { (num(value)) (unit) }
            div.target {
                @match (target, pct) {
                    (Some(t), Some(p)) => { "目標 " (num(u64::from(t))) (unit) "・" strong { "目標比" (p) "%" } }
                    _ => { "目標なし" }
                }
            }
        }
    }
}

/// What the seed's paragraph says, from the figures.
fn summary(r: &Report) -> String {
    let f = &r.figures;
    let t = &r.term.targets;
    let pct = |v: u64, t: Option<u32>| {
        t.and_then(|t| percent_of(v, t))
            .map(|p| format!("（目標比{p}%）"))
            .unwrap_or_default()
    };
    format!(
        "{}から{}までの{}か月間で、合計{}校{}に導入されました。サロンの実施回数は合計{}回{}、利用人数は延べ{}名{}でした。",
        month_ja(r.term.from),
        month_ja(r.term.to),
        f.period.months().len(),
        num(f.schools as u64),
        pct(f.schools as u64, t.schools),
        num(f.sessions),
        pct(f.sessions, t.sessions),
        num(f.visits),
        pct(f.visits, t.visits),
    )
}

pub(super) async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let id = term_id(&q)?;
    let now = state.now();
    let r = state.blocking(move |s| read_report(s, id)).await?;
    let f = &r.figures;
    let t = &r.term.targets;
    let name = |code: &str| {
        r.campuses
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };
    let mut by_campus: std::collections::BTreeMap<&str, (u64, u64)> = Default::default();
    for row in &f.rows {
        let e = by_campus.entry(row.campus.as_str()).or_default();
        e.0 += u64::from(row.counts.sessions);
        e.1 += u64::from(row.counts.visits);
    }
    let body = html! {
        p.no-print { a href=(format!("/?term={id}")) { "ダッシュボードへ" } " ・ " a href=(format!("/report.csv?term={id}")) { "同じ数値をCSVで保存" } " ・ ブラウザの印刷で、A4のPDFにできます。" }
        article.report data-testid="report" {
            p.meta {
                @if !r.term.funder.is_empty() { (r.term.funder) "・" }
                "事業期間 " (month_ja(r.term.from)) "〜" (month_ja(r.term.to)) "・" (html::date_ja(now)) "時点"
            }
            h2 { "活動実績" }
            div.tiles {
                (tile("schools", "導入校数", f.schools as u64, "校", t.schools))
                (tile("sessions", "実施回数", f.sessions, "回", t.sessions))
                (tile("visits", "利用人数（延べ）", f.visits, "名", t.visits))
            }
            p data-testid="report-summary" { (summary(&r)) }
            h3 { "月別利用人数（延べ）" }
            (chart(f))
            (activities(f))
            h2 { "来談経路と相談内容" }
            (noisy_breakdowns(&f.noisy, true))
            h2 { "振り返り（アンケート）" }
            @for (survey, results) in &r.surveys {
                section.survey {
                    h3 { (survey.title) "（回答 " (results.responses) "件）" }
                    @match results.withheld {
                        None => { @for q in &results.overall { (question_block(q)) } }
                        Some(why) => { (withheld_note(why)) }
                    }
                    @let chosen: Vec<_> = results.comments.iter().filter(|c| c.featured).collect();
                    @if !chosen.is_empty() {
                        h4 { "回答者の声" }
                        ul.voices { @for c in chosen { li { (c.text) } } }
                    }
                }
            }
            @if r.surveys.is_empty() { p.note { "この事業期間のアンケートはありません。" } }
            h2 { "導入キャンパス" }
            table data-testid="report-campuses" {
                thead { tr { th.text { "キャンパス" } th { "実施回数" } th { "利用人数（延べ）" } } }
                tbody {
                    @for (code, (sessions, visits)) in &by_campus {
                        @if *sessions > 0 {
                            tr { td.text { (code) " " (name(code)) } td { (sessions) "回" } td { (visits) "名" } }
                        }
                    }
                }
            }
            p.note { "数値は各キャリアサポーターの端末から届いた件数（個人が分かる情報を含まない集計）です。導入校数はこの期間にサロンを1回以上実施したキャンパスの数、利用人数は来談1回ごとに数えた延べ人数です。" }
        }
    };
    Ok(screen(
        &format!("{} 事業報告", r.term.name),
        &session,
        &sid,
        body,
    ))
}

/// The report's figures for Excel.
pub(super) async fn report_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response> {
    admin(&state, &headers).await?;
    let id = term_id(&q)?;
    let r = state.blocking(move |s| read_report(s, id)).await?;
    let (f, t) = (&r.figures, &r.term.targets);
    let mut rows = vec![vec![
        "区分".to_owned(),
        "項目".into(),
        "実績".into(),
        "目標".into(),
        "目標比(%)".into(),
        "割合(%)".into(),
        "誤差の目安(近似、ポイント)".into(),
    ]];
    let target = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    let pct = |v: u64, t: Option<u32>| {
        t.and_then(|t| percent_of(v, t))
            .map(|p| p.to_string())
            .unwrap_or_default()
    };
    for (label, value, goal) in [
        ("導入校数", f.schools as u64, t.schools),
        ("実施回数", f.sessions, t.sessions),
        ("利用人数(延べ)", f.visits, t.visits),
    ] {
        rows.push(vec![
            "活動実績".into(),
            label.into(),
            value.to_string(),
            target(goal),
            pct(value, goal),
        ]);
    }
    for &kind in salon_protocol::EventKind::ALL {
        let k = totals(f, kind, None);
        let goal = t.events.iter().find(|e| e.kind == kind);
        let label = html::event_kind_ja(kind);
        rows.push(vec![
            "関連活動".into(),
            format!("{label} 回数"),
            k.events.to_string(),
            target(goal.and_then(|g| g.events)),
            pct(k.events, goal.and_then(|g| g.events)),
        ]);
        rows.push(vec![
            "関連活動".into(),
            format!("{label} 参加者"),
            k.participants().to_string(),
            target(goal.and_then(|g| g.participants)),
            pct(k.participants(), goal.and_then(|g| g.participants)),
        ]);
    }
    for (m, v) in &f.visits_by_month {
        rows.push(vec![
            "月別利用人数".into(),
            month_ja(*m),
            v.to_string(),
            String::new(),
            String::new(),
        ]);
    }
    // Visits by route and topic under noise: estimates with their precision, no target.
    for [what, name, count, share, margin] in noisy_csv_rows(&f.noisy) {
        rows.push(vec![
            what,
            name,
            count,
            String::new(),
            String::new(),
            share,
            margin,
        ]);
    }
    Ok(csv_response(
        &format!("career-salon-report-{}-{}.csv", f.period.from, f.period.to),
        &rows,
    ))
}
