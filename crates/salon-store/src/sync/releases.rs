//! The outbox of months released under noise. A release is drawn once, on its day
//! (`Release::day`, Asia/Tokyo), over the month as it then stands, and kept: every send repeats
//! the same numbers, so nobody can average its noise away by asking again. A release is never
//! redrawn, whatever changes in its month afterwards; the second release carries corrections.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use salon_core::counts::{exact_month, VisitFact};
use salon_privacy::{release_month, ExactMonth, NoiseKey};
use salon_protocol::{CampusCode, Month, MonthRelease, Release, ReleaseKey};

use super::facts::CampusFacts;
use crate::error::{Result, StoreError};
use crate::rows::date_text;
use crate::vault::Store;

/// Draws every release of the campus `campus_id`'s months with visits that has fallen due by
/// `today` and is not drawn yet. A month without visits releases nothing: headquarters knows its
/// exact visits are 0, and noise over nothing would only widen every interval it is added into.
/// A visit already drawn into two other months (moved by date corrections) is left out of the
/// cells (`admitted`); each visit drawn is recorded with its month (`visit_released`).
pub(super) fn draw_due(
    tx: &Transaction<'_>,
    key: &NoiseKey,
    campus_id: i64,
    facts: &CampusFacts,
    today: NaiveDate,
) -> Result<()> {
    for (month, visits) in facts.visits_by_month() {
        for release in Release::ALL {
            if release.day(month) > today || drawn(tx, campus_id, month, release)? {
                continue;
            }
            let mut counted = Vec::with_capacity(visits.len());
            for (id, visit) in &visits {
                if admitted(tx, *id, campus_id, month)? {
                    counted.push((*id, (*visit).clone()));
                }
            }
            let facts: Vec<VisitFact> = counted.iter().map(|(_, v)| v.clone()).collect();
            let (routes, topics) = exact_month(&facts);
            let exact = ExactMonth {
                by_route: routes.into_iter().collect(),
                by_topic: topics.into_iter().collect(),
            };
            let breakdown = release_month(key, campus_id, month, release, &exact)?;
            let json = serde_json::to_string(&breakdown).unwrap_or_default();
            tx.execute(
                "INSERT INTO release_outbox (campus_id, month, release, breakdown, drawn_on)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    campus_id,
                    month.to_string(),
                    release.as_str(),
                    json,
                    date_text(today)
                ],
            )?;
            for (id, _) in &counted {
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

/// Whether the campus month's release is drawn (or held at headquarters as drawn before).
pub(super) fn drawn(
    conn: &Connection,
    campus_id: i64,
    month: Month,
    release: Release,
) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM release_outbox WHERE campus_id = ?1 AND month = ?2 AND release = ?3",
            params![campus_id, month.to_string(), release.as_str()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The releases not yet confirmed by headquarters for the campuses this device reports for
/// (`enrolled`), under each campus's HQ code as it is now, oldest month first, at most `limit`;
/// each with its campus's local id, by which it is marked sent.
/// One for a campus without a code, or one headquarters took away from the device, waits,
/// unsent, in case it comes back.
pub(super) fn unsent(
    conn: &Connection,
    enrolled: &[CampusCode],
    limit: usize,
) -> Result<Vec<(i64, MonthRelease)>> {
    let enrolled = serde_json::to_string(enrolled).unwrap_or_default();
    let mut stmt = conn.prepare(
        "SELECT c.hq_code, r.month, r.breakdown, c.id FROM release_outbox r
         JOIN campus c ON c.id = r.campus_id
         WHERE r.sent = 0 AND c.hq_code IN (SELECT value FROM json_each(?2))
         ORDER BY r.month, c.hq_code, r.release LIMIT ?1",
    )?;
    let rows = stmt
        .query_map(params![limit as i64, enrolled], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(campus, month, json, id)| {
            let damaged = || StoreError::Damaged("release outbox row");
            let release = MonthRelease {
                campus: CampusCode::parse(&campus).map_err(|_| damaged())?,
                month: Month::parse(&month).map_err(|_| damaged())?,
                breakdown: serde_json::from_str(&json).map_err(|_| damaged())?,
            };
            Ok((id, release))
        })
        .collect()
}

/// The releases headquarters says it holds from this device: never drawn or sent again. One
/// the device has not drawn (a laptop restored from a backup older than the draw) is kept as
/// a row with no numbers, so that it is never drawn. A key names the campus by the code it
/// was sent under, which is the campus's own as long as no campus has taken that code since.
pub(super) fn mark_held(tx: &Transaction<'_>, held: &[ReleaseKey]) -> Result<()> {
    for k in held {
        tx.execute(
            "INSERT INTO release_outbox (campus_id, month, release, breakdown, drawn_on, sent)
             SELECT id, ?2, ?3, '', '', 1 FROM campus WHERE hq_code = ?1
             ON CONFLICT (campus_id, month, release) DO UPDATE SET sent = 1",
            params![k.campus.as_str(), k.month.to_string(), k.release.as_str()],
        )?;
    }
    Ok(())
}

/// Headquarters confirmed this release of ours: never sent again. Marked by the campus's local
/// id, which a code changed since the upload was made cannot turn into another campus's.
pub(super) fn mark_sent_of(
    tx: &Transaction<'_>,
    campus_id: i64,
    month: Month,
    release: Release,
) -> Result<()> {
    tx.execute(
        "UPDATE release_outbox SET sent = 1 WHERE campus_id = ?1 AND month = ?2 AND release = ?3",
        params![campus_id, month.to_string(), release.as_str()],
    )?;
    Ok(())
}

/// Headquarters holds this release (it answered that it holds its own): never sent again.
pub(super) fn mark_sent(
    tx: &Transaction<'_>,
    campus: &CampusCode,
    month: Month,
    release: Release,
) -> Result<()> {
    tx.execute(
        "UPDATE release_outbox SET sent = 1
         WHERE campus_id = (SELECT id FROM campus WHERE hq_code = ?1) AND month = ?2
           AND release = ?3",
        params![campus.as_str(), month.to_string(), release.as_str()],
    )?;
    Ok(())
}
