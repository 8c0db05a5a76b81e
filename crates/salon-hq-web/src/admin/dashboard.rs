//! The dashboard: the period filter, the funder figures with 目標比, the monthly chart, the
//! campus × month table, and the period's breakdowns under noise.

use super::activities::activities;
use super::breakdowns::noisy_breakdowns;
use super::devices::quiet_box;
use super::history::month_link;
use super::period::{figures_of, nonempty, period_of, query_string, term_of, PeriodQuery};
use super::shared::*;
use super::supporters::supporters_box;
use salon_hq_store::Term;

pub(super) async fn dashboard(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let today = tokyo::day(state.now());
    // Nothing asked for: the term that holds today, else the latest term with figures — never
    // an empty 年度 that makes the data look lost.
    let asked = [&q.fy, &q.from, &q.to, &q.term]
        .into_iter()
        .any(|o| nonempty(o).is_some());
    let q = if asked {
        q
    } else {
        let term = state.blocking(move |s| default_term(s, today)).await?;
        PeriodQuery {
            term: term.map(|id| id.to_string()),
            ..q
        }
    };
    let (fy, period) = period_of(&q, today)?;
    let term = term_of(&q)?;
    let now = state.now();
    let (figures, terms, quiet, quiet_days, supporters, without) = state
        .blocking(move |s| {
            let f = figures_of(s, period, term)?;
            let (from, to) = (f.period.from, f.period.to);
            Ok((
                f,
                s.terms()?,
                s.quiet_devices(now)?,
                s.quiet_days()?,
                s.supporter_totals(from, to)?,
                s.campuses_in_use()?,
            ))
        })
        .await?;
    let held: std::collections::BTreeSet<&str> = figures
        .rows
        .iter()
        .filter(|r| r.counts.sessions > 0)
        .map(|r| r.campus.as_str())
        .collect();
    let without: Vec<(String, String)> = without
        .into_iter()
        .filter(|(code, _)| !held.contains(code.as_str()))
        .collect();
    // Which supporter has gone quiet is for the managers who dispatch them.
    let quiet = if session.may_change() {
        quiet
    } else {
        Vec::new()
    };
    // The 年度 box says the year the figures are in, not today's.
    let fy = if term.is_some() {
        fiscal_year_of(figures.period.first_day())
    } else {
        fy
    };
    let body = html! {
        (quiet_box(&quiet, quiet_days))
        (render_dashboard(fy, &q, &terms, &figures, tokyo::day(now)))
        @if session.may_change() { (supporters_box(&supporters, &without)) }
    };
    Ok(screen("ダッシュボード", &session, &sid, body))
}

/// Campuses a page of the campus table holds: the page stays the same size at 20 campuses or
/// 2,000.
pub(super) const CAMPUSES_PER_PAGE: usize = 50;

/// One row per campus with its totals for the period and its months (each opening its days
/// and their history), a page at a time.
fn campus_table(f: &Figures, q: &PeriodQuery, fy: i32) -> Markup {
    let campuses = salon_figures::per_campus(&f.rows);
    let pages = campuses.len().div_ceil(CAMPUSES_PER_PAGE).max(1);
    let page = nonempty(&q.page)
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let shown = campuses
        .iter()
        .skip((page - 1) * CAMPUSES_PER_PAGE)
        .take(CAMPUSES_PER_PAGE);
    let link = |p: usize| format!("/?{}&page={p}", query_string(fy, q));
    // Within a year a month's number is enough; a longer period names the year too.
    let long = f.period.months().len() > 12;
    html! {
        h2 { "キャンパス別" }
        p.note { "期間の合計です。月を開くと、日ごとの数値と、その数値になった送信の履歴（どの端末から、いつ、何が変わったか）が見られます。" }
        div.scroll tabindex="0" role="region" aria-label="キャンパス別の表（横にスクロールできます）" {
            table data-testid="campus-totals" {
                thead { tr {
                    th.text { "キャンパス" }
                    @for field in html::shown_day_fields() { th { (html::day_field_ja(field)) } }
                    th.text { "月ごとの内訳" }
                } }
                tbody {
                    @for (code, name, counts, months) in shown {
                        tr data-campus=(code) {
                            td.text { (code) " " (name) }
                            @for field in html::shown_day_fields() { td { (counts.get(field)) } }
                            td.text.months {
                                @for m in months {
                                    a.month href=(format!("{}&{}", month_link(code, *m), query_string(fy, q))) aria-label=(month_ja(*m)) {
                                        @if long { (month_ja(*m)) } @else { (chrono::Datelike::month(&m.first_day())) "月" }
                                    }
                                }
                            }
                        }
                    }
                    @if campuses.is_empty() {
                        tr { td.text colspan=(2 + html::shown_day_fields().count()) { "この期間のデータはまだありません。" } }
                    }
                }
            }
        }
        @if pages > 1 {
            p.pages data-testid="campus-pages" {
                (num(campuses.len() as u64)) "キャンパス中 " ((page - 1) * CAMPUSES_PER_PAGE + 1) "〜" ((page * CAMPUSES_PER_PAGE).min(campuses.len())) "件目 "
                @if page > 1 { a href=(link(page - 1)) { "前の" (CAMPUSES_PER_PAGE) "キャンパス" } " " }
                @if page < pages { a href=(link(page + 1)) { "次の" (CAMPUSES_PER_PAGE) "キャンパス" } }
            }
        }
    }
}

/// The term a dashboard opened without a choice shows: a funder's term holding today (else the
/// shortest one), else, in the latest 年度 with figures, its funder's term before the rest.
fn default_term(s: &salon_hq_store::HqStore, today: NaiveDate) -> Result<Option<i64>, HqError> {
    let this_month = Month::of(today);
    let mut terms = s.terms()?;
    let holding = terms
        .iter()
        .filter(|t| t.from <= this_month && this_month <= t.to)
        .min_by_key(|t| {
            (
                t.funder.is_empty(),
                salon_figures::months_between(t.from, t.to),
                t.id,
            )
        });
    if let Some(t) = holding {
        return Ok(Some(t.id));
    }
    // The latest 年度 first, and in it a funder's term before the 年度 itself.
    terms.sort_by_key(|t| {
        (
            std::cmp::Reverse(fiscal_year_of(t.to.first_day())),
            t.funder.is_empty(),
            std::cmp::Reverse(t.to),
            salon_figures::months_between(t.from, t.to),
            t.id,
        )
    });
    // A salon day is enough to know a term has figures; computing them is the page's work.
    for t in &terms {
        if s.last_salon_day(t.from.first_day(), t.to.last_day())?
            .is_some()
        {
            return Ok(Some(t.id));
        }
    }
    Ok(None)
}

fn filter(fy: i32, q: &PeriodQuery, terms: &[Term], today: NaiveDate) -> Markup {
    let chosen = term_of(q).ok().flatten();
    let current = fiscal_year_of(today);
    let mut years: Vec<i32> = ((current - 5)..=(current + 1)).collect();
    if !years.contains(&fy) {
        years.push(fy);
        years.sort();
    }
    let val = |o: &Option<String>| {
        o.as_deref()
            .filter(|s| Month::parse(s).is_ok())
            .unwrap_or_default()
            .to_owned()
    };
    html! {
        // Two forms, so each sends only what it chooses: a term, or a 年度 and months.
        form.filter method="get" action="/" data-testid="filter-term" {
            label { "事業期間" select name="term" data-testid="term" {
                option value="" { "（年度・期間で選ぶ）" }
                @for t in terms {
                    option value=(t.id) selected[Some(t.id) == chosen] { (t.name) }
                }
            } }
            button type="submit" { "この事業期間を表示" }
        }
        // A 年度 or months are the other way in; folded away while a term is shown, so one
        // choice is in view at a time.
        details.period-choice open[chosen.is_none()] data-testid="period-choice" {
            summary { "事業期間ではなく、年度や月で選ぶ" }
            form.filter method="get" action="/" data-testid="filter-period" {
                label { "年度" select name="fy" {
                    @for y in years.iter().rev() {
                        option value=(y) selected[*y == fy] { (y) "年度" }
                    }
                } }
                label { "期間（開始月）" input type="month" name="from" value=(val(&q.from)) placeholder="2024-09"; }
                label { "期間（終了月）" input type="month" name="to" value=(val(&q.to)) placeholder="2025-02"; }
                button type="submit" { "この期間を表示" }
            }
        }
    }
}

fn figure_row(key: &str, label: &str, value: u64, unit: &str, target: Option<u32>) -> Markup {
    let (tgt, pct) = match target {
        Some(tv) => (
            format!("{}{unit}", num(tv as u64)),
            percent_of(value, tv)
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "—".into()),
        ),
        None => ("—".into(), "—".into()),
    };
    html! {
        tr data-testid=(format!("figure-{key}")) {
            th.text scope="row" { (label) }
            td.value data-figure=(label) { (num(value)) (unit) }
            td { (tgt) }
            td { (pct) }
        }
    }
}

pub(super) fn render_dashboard(
    fy: i32,
    q: &PeriodQuery,
    terms: &[Term],
    f: &Figures,
    today: NaiveDate,
) -> Markup {
    let t = f.term.as_ref().map(|t| &t.targets);
    html! {
        (filter(fy, q, terms, today))
        p {
            "集計期間：" (month_ja(f.period.from)) " 〜 " (month_ja(f.period.to))
            @if let Some(t) = &f.term {
                " ・ " a.block href=(format!("/report?term={}", t.id)) data-testid="report-link" { "「" (t.name) "」の事業報告（A4・印刷用）" }
            }
            " ・ " a.block href=(format!("/export.csv?{}", query_string(fy, q))) data-testid="csv-link" { "CSVをダウンロード" }
        }
        h2 { "実績と目標" }
        table.figures {
            thead { tr { th.text { "指標" } th { "実績" } th { "目標" } th { "目標比" } } }
            tbody {
                (figure_row("schools", "導入校数", f.schools as u64, "校", t.and_then(|t| t.schools)))
                (figure_row("sessions", "実施回数", f.sessions, "回", t.and_then(|t| t.sessions)))
                (figure_row("visits", "利用人数（延べ）", f.visits, "名", t.and_then(|t| t.visits)))
                (figure_row("student-days", "延べ生徒数（日ごと）", f.student_days, "名", None))
            }
        }
        p.note {
            "導入校数はこの期間にサロンを1回以上実施したキャンパスの数。利用人数は来談1回ごとに数えた延べ人数。"
            "延べ生徒数（日ごと）は各日の実人数の合計で、同じ生徒が別の日に来談すれば重ねて数えます（期間を通じた実人数ではありません）。"
            @match &f.term {
                Some(t) => {
                    "目標は事業期間「" (t.name) "」"
                    @if !t.funder.is_empty() { "（" (t.funder) "）" }
                    "（" (month_ja(t.from)) "〜" (month_ja(t.to)) "）のものです。"
                }
                None => { "この期間ちょうどの事業期間がないため、目標はありません。" }
            }
        }
        @if let Some(t) = &f.term { (paths_deadline(t, today)) }
        h2 { "月別利用人数（延べ）" }
        (chart(f))
        (activities(f))
        (campus_table(f, q, fy))
        (noisy_breakdowns(&f.noisy, false))
    }
}

/// Until devices start releasing a funder term's path decisions (7 days after its last
/// month), the office may still choose or undo it: the dashboard says until when.
fn paths_deadline(t: &Term, today: NaiveDate) -> Markup {
    let period = t.period();
    let day = period.release_day(salon_protocol::Release::First);
    if day <= today || period.is_fiscal_year() {
        return html! {};
    }
    html! {
        @if t.counts_paths {
            p.note data-testid="paths-deadline" {
                "進路決定は、この事業期間でも集計します。各パソコンから届き始めるのは" (html::day_ja(day)) "です。"
                "それまでは、" a href=(format!("/terms/{}", t.id)) { "事業期間と目標" } "で取り消せます。"
            }
        } @else if !t.funder.is_empty() {
            p.note data-testid="paths-deadline" {
                "進路決定は年度ごとに集計しています。この事業期間の進路決定も助成元に報告するときは、"
                (html::day_ja(day)) "より前に、" a href=(format!("/terms/{}", t.id)) { "事業期間と目標" } "で選んでください。"
            }
        }
    }
}

/// Visits per month as SVG bars, with the monthly target (the period's visits target spread
/// evenly over its months) as a line. Presentation attributes only: the CSP forbids inline
/// styles.
pub(super) fn chart(f: &Figures) -> Markup {
    let months = &f.visits_by_month;
    let monthly_target = f.term.as_ref().and_then(|t| {
        let n = salon_figures::months_between(t.from, t.to) as f64;
        let visits = t.targets.visits? as f64;
        (n > 0.0).then(|| visits / n)
    });
    let (w, h, left, bottom, top) = (760.0_f64, 260.0_f64, 48.0_f64, 28.0_f64, 12.0_f64);
    let max = months
        .iter()
        .map(|(_, v)| *v as f64)
        .fold(monthly_target.unwrap_or(0.0), f64::max)
        .max(1.0)
        * 1.1;
    let plot_h = h - bottom - top;
    let slot = (w - left - 8.0) / months.len().max(1) as f64;
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let px = |v: f64| format!("{v:.1}");
    html! {
        svg.chart xmlns="http://www.w3.org/2000/svg" width=(w) height=(h)
            viewBox=(format!("0 0 {w} {h}")) role="img" aria-labelledby="chart-title" {
            title id="chart-title" { "月別利用人数（延べ）" }
            line x1=(left) y1=(top + plot_h) x2=(w - 8.0) y2=(top + plot_h) stroke="#8895a7" {}
            @for (i, (m, v)) in months.iter().enumerate() {
                @let x = left + i as f64 * slot + slot * 0.15;
                @let bw = slot * 0.7;
                @let yv = y(*v as f64);
                rect x=(px(x)) y=(px(yv)) width=(px(bw)) height=(px(top + plot_h - yv)) fill="#2b6cb0" {
                    title { (month_ja(*m)) ": " (v) "名" }
                }
                text x=(px(x + bw / 2.0)) y=(px((yv - 3.0).max(10.0))) font-size="11" text-anchor="middle" fill="#1d2530" { (v) }
                text x=(px(x + bw / 2.0)) y=(px(h - 10.0)) font-size="11" text-anchor="middle" fill="#5b6675" {
                    (chrono::Datelike::month(&m.first_day())) "月"
                }
            }
            @if let Some(t) = monthly_target {
                @let yt = y(t);
                line x1=(left) y1=(px(yt)) x2=(w - 8.0) y2=(px(yt)) stroke="#c05621" stroke-width="2" stroke-dasharray="6 4" {}
                text x="4" y=(px(yt - 2.0)) font-size="11" fill="#c05621" { "目標/月" }
                text x="4" y=(px(yt + 11.0)) font-size="11" fill="#c05621" { (format!("{t:.0}")) }
            }
        }
        @if monthly_target.is_none() {
            p.note { "この期間の目標がないため、目標線は表示していません。" }
        }
    }
}
