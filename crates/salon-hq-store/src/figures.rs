//! The dashboard's figures of a period, read from the database: the funder figures from each
//! device's latest snapshots, and the estimates under noise from the latest releases, stated by
//! `salon_figures`.

use std::collections::BTreeMap;

use salon_figures::{CampusMonth, NoisyBreakdowns, PathEstimates, Period};
use salon_protocol::{Month, PathCalendar, PathPeriod};

use crate::database::HqStore;
use crate::error::{HqError, Result};
use crate::events::EventMonth;
use crate::terms::Term;

impl From<salon_figures::PeriodError> for HqError {
    fn from(_: salon_figures::PeriodError) -> Self {
        HqError::BadForm("period")
    }
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
    pub noisy: NoisyBreakdowns,
}

/// The figures of a period, against the first term with exactly its months.
pub fn compute(store: &HqStore, period: Period) -> Result<Figures> {
    let term = store
        .terms()?
        .into_iter()
        .filter(|t| t.from == period.from && t.to == period.to)
        .min_by_key(|t| t.id);
    compute_with(store, period, term)
}

/// The figures of a term's months, against its targets.
pub fn compute_term(store: &HqStore, id: i64) -> Result<Figures> {
    let term = store.term(id)?;
    let period = Period::new(term.from, term.to)?;
    compute_with(store, period, Some(term))
}

fn compute_with(store: &HqStore, period: Period, term: Option<Term>) -> Result<Figures> {
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
    let noisy = NoisyBreakdowns::from_totals(
        &store.release_totals(period.from, period.to)?,
        store.awaiting_releases(period.from, period.to)?,
        path_estimates(store, period)?,
    );
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

/// The path decisions of `period` if it is a period of headquarters' calendar (a 年度 or the
/// funder term); none otherwise: they are released only for the calendar's periods.
pub fn path_estimates(store: &HqStore, period: Period) -> Result<Option<PathEstimates>> {
    let asked = PathPeriod {
        from: period.from,
        to: period.to,
    };
    let calendar = PathCalendar {
        terms: crate::path_decisions::path_calendar(&store.read())?.terms,
    };
    if !calendar.knows(&asked) {
        return Ok(None);
    }
    let held = store.latest_path_releases(asked)?;
    let awaiting = store
        .devices_with_salons(asked)?
        .into_iter()
        .filter(|d| !held.iter().any(|h| h.device == *d))
        .count();
    let releases: Vec<_> = held.into_iter().map(|h| h.release).collect();
    Ok(Some(PathEstimates::from_releases(
        asked, &releases, awaiting,
    )))
}
