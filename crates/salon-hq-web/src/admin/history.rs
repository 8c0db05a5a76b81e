//! 履歴: where a figure came from. From the dashboard's campus × month table to the campus's
//! days that month, and from a day to every revision that made it: which device, when, what
//! it said and what changed. Both as CSV. Month breakdown revisions are not shown one by one
//! (two revisions of a breakdown side by side can reveal one student's change).

use salon_protocol::{DayCounts, DayField};

use super::csv::csv_response;
use super::period::{nonempty, query_string, term_of, PeriodQuery};
use super::shared::*;
use salon_hq_store::DayRevision;

#[derive(Debug, Default, Deserialize)]
pub(super) struct HistoryQuery {
    campus: Option<String>,
    month: Option<String>,
    day: Option<String>,
    /// The dashboard's view it was opened from (`fy`, `term`, `from`, `to`), so the way back
    /// returns to the same term.
    #[serde(flatten)]
    view: PeriodQuery,
}

/// The dashboard view `q` came from, as a query kept on every link (empty for none).
fn kept_view(q: &HistoryQuery) -> String {
    match nonempty(&q.view.fy).and_then(|y| y.parse::<i32>().ok()) {
        Some(fy) => format!("&{}", query_string(fy, &q.view)),
        None => match term_of(&q.view) {
            Ok(Some(id)) => format!("&term={id}"),
            _ => String::new(),
        },
    }
}

/// What is asked for: a campus's month, or one of its days.
enum Asked {
    Month(CampusCode, Month),
    Day(CampusCode, NaiveDate),
}

fn asked(q: &HistoryQuery) -> Result<Asked, HqError> {
    let campus = nonempty(&q.campus)
        .and_then(|c| CampusCode::parse(c).ok())
        .ok_or(HqError::BadForm("campus"))?;
    match (nonempty(&q.month), nonempty(&q.day)) {
        (_, Some(d)) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(|d| Asked::Day(campus, d))
            .map_err(|_| HqError::BadForm("day")),
        (Some(m), None) => Month::parse(m)
            .map(|m| Asked::Month(campus, m))
            .map_err(|_| HqError::BadForm("month")),
        (None, None) => Err(HqError::BadForm("month")),
    }
}

/// The URL of a campus's month or day in the history (a campus code needs no escaping in a
/// query; the template escapes the `&`).
pub(super) fn month_link(campus: &str, month: Month) -> String {
    format!("/history?campus={campus}&month={month}")
}

fn day_link(campus: &str, day: NaiveDate) -> String {
    format!("/history?campus={campus}&day={}", day.format("%Y-%m-%d"))
}

fn campus_name(state_campuses: &[salon_hq_store::CampusRow], code: &CampusCode) -> String {
    state_campuses
        .iter()
        .find(|c| c.code == code.as_str())
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

pub(super) async fn history(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(q): Query<HistoryQuery>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let asked = asked(&q)?;
    let (title, body) = match asked {
        Asked::Month(campus, month) => {
            let c = campus.clone();
            let (days, campuses) = state
                .blocking(move |s| Ok((s.campus_days(c.as_str(), month)?, s.campuses()?)))
                .await?;
            let name = campus_name(&campuses, &campus);
            let title = format!("履歴：{} {} {}", campus.as_str(), name, month_ja(month));
            (title, render_month(&campus, month, &days, &kept_view(&q)))
        }
        Asked::Day(campus, day) => {
            let c = campus.clone();
            let (revisions, campuses) = state
                .blocking(move |s| Ok((s.day_revisions(c.as_str(), day)?, s.campuses()?)))
                .await?;
            let name = campus_name(&campuses, &campus);
            let title = format!("履歴：{} {} {}", campus.as_str(), name, html::day_ja(day));
            (title, render_day(&campus, day, &revisions, &kept_view(&q)))
        }
    };
    Ok(screen(&title, &session, &sid, body))
}

fn header_cells() -> Markup {
    html! { @for f in html::shown_day_fields() { th { (html::day_field_ja(f)) } } }
}

fn count_cells(c: &DayCounts) -> Markup {
    html! { @for f in html::shown_day_fields() { td { (c.get(f)) } } }
}

fn render_month(
    campus: &CampusCode,
    month: Month,
    days: &[(NaiveDate, DayCounts)],
    view: &str,
) -> Markup {
    let code = campus.as_str();
    let back = match view.strip_prefix('&') {
        Some(v) => format!("/?{v}"),
        None => "/".to_owned(),
    };
    html! {
        p {
            a href=(back) data-testid="history-back" { "ダッシュボードへ戻る" } " ・ "
            a href=(format!("/history.csv?campus={code}&month={month}")) data-testid="history-csv" { "CSVで保存" }
        }
        p.note { "日ごとの数値は、各端末が送った最新の版の合計です。日付を開くと、その数値になった版の履歴が見られます。" }
        table data-testid="history-days" {
            thead { tr { th.text { "日付" } (header_cells()) } }
            tbody {
                @for (day, counts) in days {
                    tr { td.text { a href=(format!("{}{view}", day_link(code, *day))) { (html::day_ja(*day)) } } (count_cells(counts)) }
                }
                @if days.is_empty() {
                    tr { td.text colspan=(1 + html::shown_day_fields().count()) { "この月に届いた数値はありません。" } }
                }
            }
        }
    }
}

/// "利用人数（延べ） 3→2、実施回数 1→0" against the same device's previous revision.
fn changes(previous: Option<&DayRevision>, r: &DayRevision) -> String {
    let Some(p) = previous else {
        return "最初の送信".to_owned();
    };
    let changed: Vec<String> = DayField::ALL
        .iter()
        .filter(|f| p.counts.get(**f) != r.counts.get(**f))
        .map(|f| {
            format!(
                "{} {}→{}",
                html::day_field_ja(*f),
                p.counts.get(*f),
                r.counts.get(*f)
            )
        })
        .collect();
    if changed.is_empty() {
        "変更なし".to_owned()
    } else {
        changed.join("、")
    }
}

/// Each revision beside the one before it from the same device.
fn with_previous(revisions: &[DayRevision]) -> Vec<(Option<&DayRevision>, &DayRevision)> {
    revisions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let previous = i
                .checked_sub(1)
                .map(|j| &revisions[j])
                .filter(|p| p.device_id == r.device_id);
            (previous, r)
        })
        .collect()
}

fn render_day(
    campus: &CampusCode,
    day: NaiveDate,
    revisions: &[DayRevision],
    view: &str,
) -> Markup {
    let code = campus.as_str();
    html! {
        p {
            a href=(format!("{}{view}", month_link(code, Month::of(day)))) data-testid="history-back" { (month_ja(Month::of(day))) "の日ごとの数値へ戻る" } " ・ "
            a href=(format!("/history.csv?campus={code}&day={}", day.format("%Y-%m-%d"))) data-testid="history-csv" { "CSVで保存" }
        }
        p.note { "端末ごとに、届いた版を古い順に並べています。「集計中」の版が、ダッシュボードの数値に含まれています。" }
        div.scroll tabindex="0" role="region" aria-label="版の履歴の表（横にスクロールできます）" { table data-testid="history-revisions" {
            thead { tr {
                th.text { "端末" } th { "版" } th.text { "受信日時" } (header_cells()) th.text { "変更" }
            } }
            tbody {
                @for (previous, r) in with_previous(revisions) {
                    tr.current[r.current] {
                        td.text { (r.supporter) "（端末" (r.device_id) "）" }
                        td { (r.revision) @if r.current { "（集計中）" } }
                        td.text { (html::datetime_ja(r.received_at)) }
                        (count_cells(&r.counts))
                        td.text.wrap { (changes(previous, r)) }
                    }
                }
                @if revisions.is_empty() {
                    tr { td.text colspan=(4 + html::shown_day_fields().count()) { "この日に届いた数値はありません。" } }
                }
            }
        } }
    }
}

pub(super) async fn history_csv(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(q): Query<HistoryQuery>,
) -> Result<Response> {
    admin(&state, &headers).await?;
    let asked = asked(&q)?;
    let fields = || html::shown_day_fields().map(|f| html::day_field_ja(f).to_owned());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let name = match asked {
        Asked::Month(campus, month) => {
            let c = campus.clone();
            let days = state
                .blocking(move |s| s.campus_days(c.as_str(), month))
                .await?;
            rows.push(
                ["キャンパスコード", "日付"]
                    .map(String::from)
                    .into_iter()
                    .chain(fields())
                    .collect(),
            );
            for (day, counts) in &days {
                let mut row = vec![
                    campus.as_str().to_owned(),
                    day.format("%Y-%m-%d").to_string(),
                ];
                row.extend(html::shown_day_fields().map(|f| counts.get(f).to_string()));
                rows.push(row);
            }
            format!("career-salon-history-{}-{month}.csv", campus.as_str())
        }
        Asked::Day(campus, day) => {
            let c = campus.clone();
            let revisions = state
                .blocking(move |s| s.day_revisions(c.as_str(), day))
                .await?;
            rows.push(
                [
                    "キャンパスコード",
                    "日付",
                    "端末ID",
                    "キャリアサポーター",
                    "版",
                    "集計中",
                    "受信日時",
                ]
                .map(String::from)
                .into_iter()
                .chain(fields())
                .chain(["変更".to_owned()])
                .collect(),
            );
            for (previous, r) in with_previous(&revisions) {
                let mut row = vec![
                    campus.as_str().to_owned(),
                    day.format("%Y-%m-%d").to_string(),
                    r.device_id.to_string(),
                    r.supporter.clone(),
                    r.revision.to_string(),
                    if r.current { "はい" } else { "" }.to_owned(),
                    html::datetime_ja(r.received_at),
                ];
                row.extend(html::shown_day_fields().map(|f| r.counts.get(f).to_string()));
                row.push(changes(previous, r));
                rows.push(row);
            }
            format!(
                "career-salon-history-{}-{}.csv",
                campus.as_str(),
                day.format("%Y-%m-%d")
            )
        }
    };
    Ok(csv_response(&name, &rows))
}
