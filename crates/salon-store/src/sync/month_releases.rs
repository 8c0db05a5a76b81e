//! Months released under noise: each campus month with visits is released twice
//! (`Release::day`, Asia/Tokyo), each drawn over the month as it then stands and kept in the
//! one table of releases (`releases`). A release is never redrawn, whatever changes in its
//! month afterwards; the second release carries corrections.

use chrono::NaiveDate;
use rusqlite::{params, Transaction};
use salon_core::counts::{exact_month, ExactTally, VisitFact};
use salon_privacy::{release_month, ExactMonth, NoiseKey};
use salon_protocol::{Month, Release};

use super::facts::CampusFacts;
use super::releases::{drawn, keep, DrawnKey};
use super::shares::{add_month_shares, months_with_shares};
use crate::error::Result;
use crate::vault::Store;

/// Draws every release of the campus `campus_id`'s months with visits that has fallen due by
/// `today` and is not drawn yet. A month without visits releases nothing: headquarters knows its
/// exact visits are 0, and noise over nothing would only widen every interval it is added into.
/// A visit already drawn into two other months (moved by date corrections) is left out of the
/// cells (`admitted`); each visit drawn is recorded with its month (`visit_released`). What a
/// caseload handed away counted in the month is added (`handover_shares`).
pub(super) fn draw_due(
    tx: &Transaction<'_>,
    noise: &NoiseKey,
    campus_id: i64,
    facts: &CampusFacts,
    today: NaiveDate,
) -> Result<()> {
    let mut months = facts.visits_by_month();
    for month in months_with_shares(tx, campus_id)? {
        months.entry(month).or_default();
    }
    for (month, visits) in months {
        for release in Release::ALL {
            let key = DrawnKey::month(campus_id, month, release);
            if release.day(month) > today || drawn(tx, &key)? {
                continue;
            }
            let (counted, (routes, topics)) = month_cells(tx, campus_id, month, &visits)?;
            let mut exact = ExactMonth {
                by_route: routes.into_iter().collect(),
                by_topic: topics.into_iter().collect(),
            };
            add_month_shares(tx, campus_id, month, &mut exact)?;
            let breakdown = release_month(noise, campus_id, month, release, &exact)?;
            let body = serde_json::to_string(&breakdown).unwrap_or_default();
            keep(tx, &key, &body, today)?;
            for id in &counted {
                tx.execute(
                    "INSERT OR IGNORE INTO visit_released (visit_id, campus_id, month)
                     VALUES (?1, ?2, ?3)",
                    params![id, campus_id, month.to_string()],
                )?;
            }
        }
    }
    Ok(())
}

/// The visits of a campus month a release may count (`admitted`), by id, and their exact
/// cells: what a release is drawn from, and what a handover's share is counted from.
pub(super) fn month_cells(
    tx: &Transaction<'_>,
    campus_id: i64,
    month: Month,
    visits: &[(i64, &VisitFact)],
) -> Result<(Vec<i64>, ExactTally)> {
    let mut ids = Vec::with_capacity(visits.len());
    let mut facts: Vec<VisitFact> = Vec::with_capacity(visits.len());
    for (id, visit) in visits {
        if admitted(tx, *id, campus_id, month)? {
            ids.push(*id);
            facts.push((*visit).clone());
        }
    }
    Ok((ids, exact_month(&facts)))
}

/// Whether a visit may be counted in this campus month's release: it was drawn into it before,
/// or into fewer than two campus months so far.
fn admitted(tx: &Transaction<'_>, visit_id: i64, campus_id: i64, month: Month) -> Result<bool> {
    let (here, elsewhere): (bool, u32) = tx.query_row(
        "SELECT coalesce(max(campus_id = ?2 AND month = ?3), 0), count(*) FROM visit_released
         WHERE visit_id = ?1",
        params![visit_id, campus_id, month.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(here || elsewhere < MONTHS_PER_VISIT)
}

impl Store {
    /// How many of `visits`, moved to `to`'s month at their campus, would be left out of that
    /// month's breakdown under noise (already drawn into two other months): their move changes
    /// the exact figures only, and the confirmation says so.
    pub fn left_out_of_breakdowns(&self, visits: &[i64], to: NaiveDate) -> Result<u32> {
        let ids = serde_json::to_string(visits).unwrap_or_default();
        Ok(self.conn.query_row(
            "SELECT count(*) FROM visit v JOIN salon_session s ON s.id = v.session_id
             WHERE v.id IN (SELECT value FROM json_each(?1))
               AND NOT EXISTS (SELECT 1 FROM visit_released r WHERE r.visit_id = v.id
                               AND r.campus_id = s.campus_id AND r.month = ?2)
               AND (SELECT count(*) FROM visit_released r WHERE r.visit_id = v.id) >= ?3",
            params![ids, Month::of(to).to_string(), MONTHS_PER_VISIT],
            |r| r.get(0),
        )?)
    }
}

/// The most campus months one visit's route and topics are released in.
pub(crate) const MONTHS_PER_VISIT: u32 = 2;
