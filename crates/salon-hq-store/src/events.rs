//! Related activities: each device's latest snapshot of a day's events (at a campus, or online
//! under place ''), stored by the same revision rules as the day figures, and read back by
//! month and kind.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{EventCount, EventDaySnapshot, EventKind, Month, Participants};

use super::database::HqStore;
use super::rows::ts;
use super::snapshots::{compare, Outcome, Stored};
use crate::error::{HqError, Result};

/// Where a snapshot's events were held, as stored: the campus code, or '' for online.
fn place(e: &EventDaySnapshot) -> &str {
    e.campus.as_ref().map(|c| c.as_str()).unwrap_or("")
}

fn held_kinds(tx: &Connection, device: i64, place: &str, day: &str) -> Result<Vec<EventCount>> {
    let mut stmt = tx.prepare_cached(
        "SELECT kind, events, students, parents, teachers, supporters FROM event_counts
         WHERE device_id = ?1 AND place = ?2 AND day = ?3 ORDER BY kind",
    )?;
    let rows = stmt
        .query_map(params![device, place, day], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                Participants {
                    students: r.get(2)?,
                    parents: r.get(3)?,
                    teachers: r.get(4)?,
                    supporters: r.get(5)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut kinds = rows
        .into_iter()
        .map(|(kind, events, participants)| {
            Ok(EventCount {
                kind: EventKind::from_code(&kind).ok_or(HqError::Internal("stored kind"))?,
                events,
                participants,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    kinds.sort_by_key(|k| k.kind);
    Ok(kinds)
}

pub(super) fn store_events(
    tx: &Connection,
    device: i64,
    e: &EventDaySnapshot,
    now: DateTime<Utc>,
) -> Result<Stored> {
    let day = e.day.format("%Y-%m-%d").to_string();
    let place = place(e);
    let revision: Option<u32> = tx
        .query_row(
            "SELECT revision FROM event_snapshots WHERE device_id = ?1 AND place = ?2 AND day = ?3",
            params![device, place, day],
            |r| r.get(0),
        )
        .optional()?;
    let held = match revision {
        Some(rev) => Some((rev, held_kinds(tx, device, place, &day)? == e.kinds)),
        None => None,
    };
    let outcome = compare(held, e.revision, || e.key());
    if outcome == Ok(Outcome::Stored) {
        tx.execute(
            "INSERT INTO event_snapshots (device_id, place, day, revision, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (device_id, place, day) DO UPDATE
               SET revision = excluded.revision, received_at = excluded.received_at",
            params![device, place, day, e.revision, ts(now)],
        )?;
        tx.execute(
            "DELETE FROM event_counts WHERE device_id = ?1 AND place = ?2 AND day = ?3",
            params![device, place, day],
        )?;
        for k in &e.kinds {
            let p = k.participants;
            tx.prepare_cached(
                "INSERT INTO event_counts
                   (device_id, place, day, kind, events, students, parents, teachers, supporters)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                device,
                place,
                day,
                k.kind.code(),
                k.events,
                p.students,
                p.parents,
                p.teachers,
                p.supporters
            ])?;
        }
        let kinds = serde_json::to_string(&e.kinds).map_err(|_| HqError::Internal("json"))?;
        tx.execute(
            "INSERT INTO event_revisions (device_id, place, day, revision, kinds, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![device, place, day, e.revision, kinds, ts(now)],
        )?;
    }
    Ok(outcome)
}

/// One kind of event in one month, summed over every device's latest snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventMonth {
    pub month: Month,
    pub kind: EventKind,
    /// Held online (no campus).
    pub online: bool,
    pub events: u64,
    pub students: u64,
    pub parents: u64,
    pub teachers: u64,
    pub supporters: u64,
}

impl EventMonth {
    pub fn participants(&self) -> u64 {
        self.students + self.parents + self.teachers + self.supporters
    }
}

impl HqStore {
    /// Events by month, kind and place (campus or online) for the days `from..=to`.
    pub fn event_months(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<EventMonth>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT substr(day, 1, 7), kind, place = '', SUM(events), SUM(students), SUM(parents),
                    SUM(teachers), SUM(supporters)
             FROM event_counts WHERE day >= ?1 AND day <= ?2
             GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        )?;
        let rows = stmt
            .query_map(
                params![
                    from.format("%Y-%m-%d").to_string(),
                    to.format("%Y-%m-%d").to_string()
                ],
                |r| {
                    let n = |i: usize| -> rusqlite::Result<u64> {
                        let v: i64 = r.get(i)?;
                        u64::try_from(v).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(i, v))
                    };
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                        [n(3)?, n(4)?, n(5)?, n(6)?, n(7)?],
                    ))
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(
                |(month, kind, online, [events, students, parents, teachers, supporters])| {
                    Ok(EventMonth {
                        month: Month::parse(&month).map_err(|_| HqError::Internal("stored day"))?,
                        kind: EventKind::from_code(&kind)
                            .ok_or(HqError::Internal("stored kind"))?,
                        online,
                        events,
                        students,
                        parents,
                        teachers,
                        supporters,
                    })
                },
            )
            .collect()
    }
}
