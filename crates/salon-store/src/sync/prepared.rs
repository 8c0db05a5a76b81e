//! What a preparation of the outbox computes from the records, read without writing: the body
//! each snapshot key would hold, and each campus's facts, from which the month releases due
//! are drawn. A send writes it (`outbox::prepare_in`); the sync screen's preview lays it over
//! the outbox in memory (`preview`), so that opening the screen changes no row.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::Connection;
use salon_core::counts::{month_breakdown, DayCounts};
use salon_protocol::{CampusCode, EventCount};
use serde::Serialize;

use super::facts::{campus_facts, event_days, CampusFacts};
use super::today::DayLimit;
use crate::error::Result;
use crate::rows::date_text;

/// A snapshot as the records now make it: its key columns in the outbox and its body (JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SnapshotBody {
    pub kind: &'static str,
    pub campus: String,
    pub period: String,
    pub body: String,
}

/// What a preparation would write.
pub(super) struct Prepared {
    /// Every snapshot that may change: those today allows, and a zero for each key whose day
    /// or month no longer holds anything (a salon removed, a visit moved away), so that
    /// headquarters' figure drops.
    pub bodies: Vec<SnapshotBody>,
    /// Each reporting campus's local id and HQ code with its facts, as far as today allows.
    pub facts: Vec<(i64, CampusCode, CampusFacts)>,
}

/// A day whose events were all removed.
const NO_EVENTS: [EventCount; 0] = [];

/// The preparation of the outbox for the campuses `campuses` on Tokyo's `today`: days after it
/// are not sent, today only as `DayLimit` allows (nothing while its salon is open, once when
/// it closes). Online events belong to no campus: they go under campus code ''.
pub(super) fn prepared(
    conn: &Connection,
    campuses: &[(i64, CampusCode)],
    today: NaiveDate,
) -> Result<Prepared> {
    let mut out = Prepared {
        bodies: Vec::new(),
        facts: Vec::new(),
    };
    for (campus_id, campus_code) in campuses {
        let (campus_id, code) = (*campus_id, campus_code.as_str());
        let as_of = DayLimit::of(conn, campus_id, code, today)?;
        let facts = campus_facts(conn, campus_id, as_of.until())?;
        let mut now_held = BTreeSet::new();
        for (day, kinds) in event_days(conn, Some(campus_id), as_of.until())? {
            out.put(
                &as_of,
                &mut now_held,
                "events",
                code,
                date_text(day),
                &kinds,
            );
        }
        for (day, counts) in facts.days() {
            out.put(&as_of, &mut now_held, "day", code, date_text(day), &counts);
        }
        for (month, breakdown) in facts.months() {
            out.put(
                &as_of,
                &mut now_held,
                "month",
                code,
                month.to_string(),
                &breakdown,
            );
        }
        for (kind, period) in outbox_keys(conn, code)? {
            if now_held.contains(&(kind.clone(), period.clone())) || as_of.keeps(&kind, &period) {
                continue;
            }
            let zero = match kind.as_str() {
                "day" => body(&DayCounts::default()),
                "month" => body(&month_breakdown(&[])),
                _ => body(&NO_EVENTS),
            };
            out.bodies.push(SnapshotBody {
                kind: kind_of(&kind),
                campus: code.to_owned(),
                period,
                body: zero,
            });
        }
        out.facts.push((campus_id, campus_code.clone(), facts));
    }
    let online = DayLimit::online(today);
    let mut now_held = BTreeSet::new();
    for (day, kinds) in event_days(conn, None, online.until())? {
        out.put(&online, &mut now_held, "events", "", date_text(day), &kinds);
    }
    for (kind, period) in outbox_keys(conn, "")? {
        if !now_held.contains(&(kind, period.clone())) {
            out.bodies.push(SnapshotBody {
                kind: "events",
                campus: String::new(),
                period,
                body: body(&NO_EVENTS),
            });
        }
    }
    Ok(out)
}

impl Prepared {
    /// A snapshot of `period` as the records make it, unless it stays as it went while its
    /// days are held back; either way its key is held now.
    fn put<T: Serialize + ?Sized>(
        &mut self,
        as_of: &DayLimit,
        now_held: &mut BTreeSet<(String, String)>,
        kind: &'static str,
        campus: &str,
        period: String,
        snapshot: &T,
    ) {
        if !as_of.keeps(kind, &period) {
            self.bodies.push(SnapshotBody {
                kind,
                campus: campus.to_owned(),
                period: period.clone(),
                body: body(snapshot),
            });
        }
        now_held.insert((kind.to_owned(), period));
    }
}

fn body<T: Serialize + ?Sized>(snapshot: &T) -> String {
    serde_json::to_string(snapshot).unwrap_or_default()
}

/// The outbox's own name for a kind read back from it.
fn kind_of(kind: &str) -> &'static str {
    match kind {
        "day" => "day",
        "month" => "month",
        _ => "events",
    }
}

/// Every (kind, period) the outbox holds for a campus code.
fn outbox_keys(conn: &Connection, code: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT kind, period FROM outbox WHERE campus_code = ?1")?;
    let rows = stmt.query_map([code], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
