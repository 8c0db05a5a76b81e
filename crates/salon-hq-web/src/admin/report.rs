//! 事業報告: a term's report that reads like the NPO's own review (the seed) and can be handed
//! to a funder as it prints — the NPO and the project named, figures as of the term's last
//! salon; 活動実績 (the three figures against their targets, a paragraph, the month chart),
//! 関連する活動, 振り返り (the teachers' survey and 教職員の声, then the supporters'), the
//! breakdowns in words (`report_words`), the campuses by name with totals, and what the term
//! showed; A4 with page numbers (hq.css); the same figures as CSV for Excel.

use chrono::NaiveDate;
use salon_protocol::{DayCounts, EventKind};

use crate::survey_results::{self, SurveyResults};
use salon_hq_store::surveys::{Audience, Survey};
use salon_hq_store::{Organisation, Term};

use super::activities::totals;
use super::breakdowns::noisy_csv_rows;
use super::csv::csv_response;
use super::dashboard::chart;
use super::period::nonempty;
use super::shared::*;
use super::survey_results::{report_question, withheld_note};

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReportQuery {
    term: Option<String>,
}

/// Everything the report shows, read at once.
struct Report {
    term: Term,
    figures: Figures,
    /// The term's closed surveys, teachers' first (the seed's order).
    surveys: Vec<(Survey, SurveyResults)>,
    org: Organisation,
    /// The last day of the term with a salon: what the figures are as of.
    as_of: Option<NaiveDate>,
}

fn read_report(s: &salon_hq_store::HqStore, id: i64) -> Result<Report, HqError> {
    let figures = figures::compute_term(s, id)?;
    let term = figures.term.clone().ok_or(HqError::NotFound)?;
    let mut surveys = Vec::new();
    for survey in s.surveys()?.into_iter().filter(|v| v.term_id == Some(id)) {
        let links = s.survey_links(survey.id)?;
        let answers = s.survey_answers(survey.id)?;
        let results = survey_results::compute(&survey, &links, &answers);
        surveys.push((survey, results));
    }
    surveys.sort_by_key(|(v, _)| (v.audience != Audience::Teachers, v.id));
    let as_of = s.last_salon_day(term.from.first_day(), term.to.last_day())?;
    Ok(Report {
        term,
        figures,
        surveys,
        org: s.organisation()?,
        as_of,
    })
}

fn term_id(q: &ReportQuery) -> std::result::Result<i64, HqError> {
    nonempty(&q.term)
        .and_then(|t| t.parse().ok())
        .ok_or(HqError::BadForm("term"))
}

/// One headline figure: value, target and 目標比 (in the accent colour when reached, never a
/// warning's).
fn tile(key: &str, label: &str, value: u64, unit: &str, target: Option<u32>) -> Markup {
    let pct = target.and_then(|t| percent_of(value, t));
    html! {
        div.tile data-testid=(format!("report-{key}")) data-value=(value) data-percent=[pct] {
            div.label { (label) }
            div.value { (num(value)) (unit) }
            div.target {
                @match (target, pct) {
                    (Some(t), Some(p)) => { "目標 " (num(u64::from(t))) (unit) "・" strong.reached[p >= 100] { "目標比" (p) "%" } }
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

/// The campuses that held a salon in the term: (name, or the code if it has none; totals).
fn held_campuses(f: &Figures) -> Vec<(&str, DayCounts)> {
    salon_figures::per_campus(&f.rows)
        .into_iter()
        .filter(|(_, _, c, _)| c.sessions > 0)
        .map(|(code, name, c, _)| (if name.is_empty() { code } else { name }, c))
        .collect()
}

/// What the term showed, from figures headquarters already has: no-shows, salons per campus,
/// first-time students.
fn lessons(f: &Figures) -> Vec<String> {
    let mut total = DayCounts::default();
    for row in &f.rows {
        salon_figures::add_counts(&mut total, &row.counts);
    }
    let mut out = Vec::new();
    if total.appointments_booked > 0 {
        let missed = u64::from(total.appointments_missed);
        let booked = u64::from(total.appointments_booked);
        out.push(format!(
            "予約{}件のうち{}件（{}%）は欠席でした。予約した生徒への前日の声かけなど、欠席を減らす工夫が課題です。",
            num(booked),
            num(missed),
            (missed * 100 + booked / 2) / booked
        ));
    }
    if f.schools > 0 {
        let per_campus = f.sessions as f64 / f.schools as f64;
        out.push(format!(
            "1キャンパスあたりの実施回数は平均{:.1}回、1回あたりの利用は平均{:.1}名でした。",
            per_campus,
            if f.sessions > 0 {
                f.visits as f64 / f.sessions as f64
            } else {
                0.0
            }
        ));
    }
    if total.first_time_students > 0 {
        out.push(format!(
            "サロンに初めて来た生徒は{}名でした。",
            num(u64::from(total.first_time_students))
        ));
    }
    out
}

/// 関連する活動: each kind held, with its participants against its targets; nothing (no
/// heading) when none was held.
fn related(f: &Figures) -> Markup {
    let targets = f.term.as_ref().map(|t| &t.targets.events);
    let held: Vec<_> = EventKind::ALL
        .iter()
        .map(|&k| (k, totals(f, k, None)))
        .filter(|(_, t)| t.events > 0)
        .collect();
    html! {
        @if !held.is_empty() {
            section data-testid="report-related" {
                h2 { "関連する活動" }
                table data-testid="report-events" {
                    thead { tr { th.text { "活動" } th { "回数" } th { "参加者（延べ）" } th { "目標比（回数）" } } }
                    tbody {
                        @for (kind, t) in &held {
                            @let target = targets.and_then(|ts| ts.iter().find(|e| e.kind == *kind)).and_then(|e| e.events);
                            tr {
                                th.text scope="row" { (html::event_kind_ja(*kind)) }
                                td { (num(t.events)) "回" }
                                td { (num(t.participants())) "名" }
                                td { (target.and_then(|g| percent_of(t.events, g)).map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 振り返り: each closed survey's charts and the voices chosen for the report; nothing (no
/// heading) for a term without one.
fn reflections(r: &Report) -> Markup {
    html! {
        @if !r.surveys.is_empty() {
            section data-testid="report-surveys" {
                h2 { "振り返り（アンケート）" }
                p { "事業の振り返りとして、校内キャリアサロンを導入している学校の教職員や、活動に参画しているキャリアサポーターを対象としたアンケートを実施しました。" }
                @for (survey, results) in &r.surveys {
                    section.survey data-audience=(survey.audience.code()) {
                        h3 { (survey.title) "（回答 " (results.responses) "件）" }
                        @match results.withheld {
                            None => { @for q in &results.overall { (report_question(q)) } }
                            Some(why) => { (withheld_note(why)) }
                        }
                        @let chosen: Vec<_> = results.comments.iter().filter(|c| c.featured).collect();
                        @if !chosen.is_empty() {
                            h4.voices-heading { @if survey.audience == Audience::Teachers { "教職員の声" } @else { "キャリアサポーターの声" } }
                            ul.voices { @for c in chosen { li { (c.text) } } }
                        }
                    }
                }
            }
        }
    }
}

pub(super) async fn report(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let id = term_id(&q)?;
    let r = state.blocking(move |s| read_report(s, id)).await?;
    let f = &r.figures;
    let t = &r.term.targets;
    let held = held_campuses(f);
    let lessons = lessons(f);
    let body = html! {
        p.no-print {
            a href=(format!("/?term={id}")) { "ダッシュボードへ" } " ・ "
            a href=(format!("/report.csv?term={id}")) { "同じ数値をCSVで保存" } " ・ "
            button type="button" data-print data-testid="print" { "印刷する（PDFにする）" }
        }
        article.report data-testid="report" {
            div.cover data-testid="report-cover" {
                @if !r.org.name.is_empty() { p.org data-testid="report-org" { (r.org.name) } }
                @if !r.term.project.is_empty() {
                    p.project data-testid="report-project" {
                        "『" (r.term.project) "』"
                        @if !r.term.distributor.is_empty() { "（資金分配団体：" (r.term.distributor) "）" }
                    }
                }
                p.meta {
                    "事業期間 " (month_ja(r.term.from)) "〜" (month_ja(r.term.to))
                    @if !r.term.funder.is_empty() { "・" (r.term.funder) }
                }
            }
            section data-testid="report-results" {
                h2 { "活動実績" }
                div.tiles {
                    (tile("schools", "導入校数", f.schools as u64, "校", t.schools))
                    (tile("sessions", "実施回数", f.sessions, "回", t.sessions))
                    (tile("visits", "利用人数（延べ）", f.visits, "名", t.visits))
                }
                p data-testid="report-summary" { (summary(&r)) }
                @if let Some(day) = r.as_of {
                    p.note data-testid="report-as-of" { span.nowrap { "※いずれも" (html::day_ja(day)) "時点の実績" } }
                }
                h3 { "月別利用人数（延べ）" }
                (chart(f))
            }
            (related(f))
            (reflections(&r))
            (super::report_words::breakdowns(&f.noisy))
            section data-testid="report-campus-section" {
                h2 { "導入キャンパス" }
                table data-testid="report-campuses" {
                    thead { tr { th.text { "キャンパス" } th { "実施回数" } th { "利用人数（延べ）" } } }
                    tbody {
                        @for (name, c) in &held {
                            tr { td.text { (name) } td { (num(u64::from(c.sessions))) "回" } td { (num(u64::from(c.visits))) "名" } }
                        }
                    }
                    tfoot {
                        tr data-testid="report-campus-total" {
                            th.text scope="row" { "合計 " (held.len()) "キャンパス" }
                            td { (num(f.sessions)) "回" }
                            td { (num(f.visits)) "名" }
                        }
                    }
                }
            }
            @if !lessons.is_empty() {
                section data-testid="report-lessons" {
                    h2 { "この期間から分かったこと" }
                    ul { @for l in &lessons { li { (l) } } }
                }
            }
            p.note { "数値は各キャリアサポーターのパソコンから届いた件数（個人が分かる情報を含まない集計）です。導入校数はこの期間にサロンを1回以上実施したキャンパスの数、利用人数は来談1回ごとに数えた延べ人数です。" }
        }
        script src="/static/print.js" defer {}
    };
    Ok(screen(
        "「校内キャリアサロン」事業報告",
        &session,
        &sid,
        body,
    ))
}

/// The report's figures for Excel.
pub(super) async fn report_csv(
    State(state): State<ServerState>,
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
        "目標比（%）".into(),
        "割合（%）".into(),
        "誤差の目安（近似、ポイント）".into(),
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
        ("利用人数（延べ）", f.visits, t.visits),
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
    // The campuses by name, as the report's table.
    for (name, c) in held_campuses(f) {
        for (what, value) in [
            ("キャンパス別 実施回数", c.sessions),
            ("キャンパス別 利用人数（延べ）", c.visits),
        ] {
            rows.push(vec![
                what.into(),
                name.to_owned(),
                value.to_string(),
                String::new(),
                String::new(),
            ]);
        }
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
