//! The dashboard's figures: Japanese fiscal years (年度, April to March), periods of whole
//! months, and the funder figures computed from each device's latest snapshots; the
//! breakdowns under noise are `noisy`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use salon_protocol::{DayCounts, Month};

use crate::error::{HqError, Result};
use crate::store::{EventMonth, Store, Term};

/// The 年度 a day belongs to: April 2024 to March 2025 is 2024年度.
pub fn fiscal_year_of(day: NaiveDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

fn month(year: i32, m: u32) -> Month {
    Month::of(NaiveDate::from_ymd_opt(year, m, 1).unwrap_or_default())
}

/// Whole months `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    pub fn fiscal_year(fy: i32) -> Period {
        Period {
            from: month(fy, 4),
            to: month(fy + 1, 3),
        }
    }

    pub fn new(from: Month, to: Month) -> Result<Period> {
        if from > to {
            return Err(HqError::BadForm("period"));
        }
        let p = Period { from, to };
        if p.months().len() > 120 {
            return Err(HqError::BadForm("period"));
        }
        Ok(p)
    }

    pub fn months(&self) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = self.from;
        while m <= self.to && out.len() <= 1200 {
            out.push(m);
            m = next_month(m);
        }
        out
    }

    pub fn first_day(&self) -> NaiveDate {
        self.from.first_day()
    }

    pub fn last_day(&self) -> NaiveDate {
        next_month(self.to)
            .first_day()
            .pred_opt()
            .unwrap_or(self.to.first_day())
    }
}

pub fn next_month(m: Month) -> Month {
    let d = m.first_day();
    if d.month() == 12 {
        month(d.year() + 1, 1)
    } else {
        month(d.year(), d.month() + 1)
    }
}

/// One campus and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampusMonth {
    pub campus: String,
    pub campus_name: String,
    pub month: Month,
    pub counts: DayCounts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub period: Period,
    /// The term whose targets the figures are read against: the one asked for, or else the
    /// first term with exactly this period's months.
    pub term: Option<Term>,
    /// 導入校数: campuses with at least one salon session held in the period.
    pub schools: u32,
    /// 実施回数: salon sessions held.
    pub sessions: u64,
    /// 利用人数（延べ）: visits.
    pub visits: u64,
    /// Sum of each day's distinct students (延べ生徒数・日ごと): not distinct over the period.
    pub student_days: u64,
    /// Visits per month of the period, all campuses.
    pub visits_by_month: Vec<(Month, u64)>,
    /// Every campus × month with figures, ordered by campus then month.
    pub rows: Vec<CampusMonth>,
    /// Related activities by month, kind and place (campus or online).
    pub events: Vec<EventMonth>,
    /// Visits by route and by topic over the whole period, from the releases under noise.
    pub noisy: crate::noisy::NoisyBreakdowns,
}

/// Adds one set of day figures into another, field by field.
pub fn add_counts(into: &mut DayCounts, counts: &DayCounts) {
    for field in salon_protocol::DayField::ALL {
        into.set(field, into.get(field).saturating_add(counts.get(field)));
    }
}

/// A period's figures per campus, in campus order: (code, name, the totals, the months with
/// figures).
pub fn per_campus(rows: &[CampusMonth]) -> Vec<(&str, &str, DayCounts, Vec<Month>)> {
    let mut out: Vec<(&str, &str, DayCounts, Vec<Month>)> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last) if last.0 == r.campus => {
                add_counts(&mut last.2, &r.counts);
                last.3.push(r.month);
            }
            _ => out.push((&r.campus, &r.campus_name, r.counts, vec![r.month])),
        }
    }
    out
}

/// 目標比 as a whole percentage, rounded half up: 757 of 400 is 189%.
pub fn percent_of(value: u64, target: u32) -> Option<u64> {
    (target > 0).then(|| (value * 200 + target as u64) / (2 * target as u64))
}

/// The figures of a period, against the first term with exactly its months.
pub fn compute(store: &Store, period: Period) -> Result<Figures> {
    let term = store
        .terms()?
        .into_iter()
        .filter(|t| t.from == period.from && t.to == period.to)
        .min_by_key(|t| t.id);
    compute_with(store, period, term)
}

/// The figures of a term's months, against its targets.
pub fn compute_term(store: &Store, id: i64) -> Result<Figures> {
    let term = store.term(id)?;
    let period = Period::new(term.from, term.to)?;
    compute_with(store, period, Some(term))
}

fn compute_with(store: &Store, period: Period, term: Option<Term>) -> Result<Figures> {
    let names: BTreeMap<String, String> = store
        .campuses()?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect();

    // One total per campus and month, already by campus then month.
    let rows: Vec<CampusMonth> = store
        .month_totals(period.from, period.to)?
        .into_iter()
        .map(|t| CampusMonth {
            campus_name: names.get(&t.campus).cloned().unwrap_or_default(),
            campus: t.campus,
            month: t.month,
            counts: t.counts,
        })
        .collect();

    let mut per_campus_sessions: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_month: BTreeMap<Month, u64> = period.months().into_iter().map(|m| (m, 0)).collect();
    let (mut sessions, mut visits, mut student_days) = (0u64, 0u64, 0u64);
    for r in &rows {
        *per_campus_sessions.entry(&r.campus).or_default() += r.counts.sessions as u64;
        *by_month.entry(r.month).or_default() += r.counts.visits as u64;
        sessions += r.counts.sessions as u64;
        visits += r.counts.visits as u64;
        student_days += r.counts.distinct_students as u64;
    }
    let schools = per_campus_sessions.values().filter(|n| **n > 0).count() as u32;
    let noisy = crate::noisy::compute(store, period)?;
    Ok(Figures {
        period,
        term,
        schools,
        sessions,
        visits,
        student_days,
        visits_by_month: by_month.into_iter().collect(),
        rows,
        events: store.event_months(period.first_day(), period.last_day())?,
        noisy,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fiscal_years_run_april_to_march() {
        assert_eq!(fiscal_year_of(d(2025, 3, 31)), 2024);
        assert_eq!(fiscal_year_of(d(2025, 4, 1)), 2025);
        let p = Period::fiscal_year(2024);
        assert_eq!(p.first_day(), d(2024, 4, 1));
        assert_eq!(p.last_day(), d(2025, 3, 31));
        assert_eq!(p.months().len(), 12);
    }

    #[test]
    fn the_seed_report_percentages() {
        assert_eq!(percent_of(22, 20), Some(110));
        assert_eq!(percent_of(247, 230), Some(107));
        assert_eq!(percent_of(757, 400), Some(189));
        assert_eq!(percent_of(1, 0), None);
    }
}
