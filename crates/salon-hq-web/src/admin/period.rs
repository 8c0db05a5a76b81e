//! The period a page shows, as the dashboard, the CSV, the history and the report ask for it:
//! a 年度, months within or across it, or a term (事業期間) with its targets.

use super::shared::*;

#[derive(Debug, Default, Deserialize)]
pub(super) struct PeriodQuery {
    pub(super) fy: Option<String>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    /// A term (事業期間) by id: its months and its targets, whatever the other fields say.
    pub(super) term: Option<String>,
    /// Which page of the campus table (from 1).
    pub(super) page: Option<String>,
}

/// A form field, trimmed, if it holds anything.
pub(super) fn nonempty(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The 年度 shown and the period: the whole 年度, or `from..=to` within or across it.
pub(super) fn period_of(q: &PeriodQuery, today: NaiveDate) -> Result<(i32, Period)> {
    let fy = match nonempty(&q.fy) {
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(HqError::BadForm("fy"))?,
        None => fiscal_year_of(today),
    };
    let whole = Period::fiscal_year(fy);
    let month = |s: &str| Month::parse(s).map_err(|_| HqError::BadForm("month"));
    let from = nonempty(&q.from)
        .map(month)
        .transpose()?
        .unwrap_or(whole.from);
    let to = nonempty(&q.to).map(month).transpose()?.unwrap_or(whole.to);
    Ok((fy, Period::new(from, to)?))
}

/// The term asked for, if any.
pub(super) fn term_of(q: &PeriodQuery) -> Result<Option<i64>, HqError> {
    nonempty(&q.term)
        .map(|t| t.parse::<i64>().map_err(|_| HqError::NotFound))
        .transpose()
}

/// The figures asked for: a term's, or the period's against the term with exactly its months.
pub(super) fn figures_of(
    s: &salon_hq_store::HqStore,
    period: Period,
    term: Option<i64>,
) -> Result<Figures, HqError> {
    match term {
        Some(id) => figures::compute_term(s, id),
        None => figures::compute(s, period),
    }
}

/// The period asked for, as a query string for the links that keep it.
pub(super) fn query_string(fy: i32, q: &PeriodQuery) -> String {
    let mut s = format!("fy={fy}");
    if let Ok(Some(id)) = term_of(q) {
        s.push_str(&format!("&term={id}"));
    }
    for (k, v) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            if Month::parse(v).is_ok() {
                s.push_str(&format!("&{k}={v}"));
            }
        }
    }
    s
}
