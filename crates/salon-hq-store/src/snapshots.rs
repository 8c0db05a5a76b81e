//! Storing count snapshots (highest revision wins; see `ingest` for the upload around them) and
//! the figures read back.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{
    DayCounts, DayField, DaySnapshot, HeldRevision, Month, MonthSnapshot, Receipt,
};

use super::database::HqStore;
use super::rows::{counts_from, ts, DayTotals};
use crate::error::{HqError, Result};

impl HqStore {
    // ---- figures ----

    /// The last day in `from..=to` with a salon held or a visit: what a report's figures are
    /// "as of" (the seed: 「いずれも2025年2月25日時点の実績」).
    pub fn last_salon_day(&self, from: NaiveDate, to: NaiveDate) -> Result<Option<NaiveDate>> {
        let day: Option<String> = self.read().query_row(
            "SELECT MAX(day) FROM day_snapshots
             WHERE day >= ?1 AND day <= ?2 AND (sessions > 0 OR visits > 0)",
            params![from.to_string(), to.to_string()],
            |r| r.get(0),
        )?;
        day.map(|d| d.parse().map_err(|_| HqError::Internal("stored day")))
            .transpose()
    }

    /// Day figures per campus and month for the days `from..=to`: for each campus and day, the
    /// sum over devices of each device's latest snapshot.
    pub fn day_totals(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayTotals>> {
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        totals(
            &self.read(),
            "SELECT campus_code, substr(day, 1, 7), {sums}
             FROM day_snapshots WHERE day >= ?1 AND day <= ?2 GROUP BY 1, 2",
            [day(from), day(to)],
        )
    }

    /// The same as [`HqStore::day_totals`] over the months' days, read from the campus totals
    /// kept at every upload: twelve rows a campus for a year, however many days, devices and
    /// revisions lie behind them.
    pub fn month_totals(&self, from: Month, to: Month) -> Result<Vec<DayTotals>> {
        totals(
            &self.read(),
            "SELECT campus_code, month, {fields}
             FROM campus_month_totals WHERE month >= ?1 AND month <= ?2",
            [from.to_string(), to.to_string()],
        )
    }
}

/// Runs `sql` (after a campus and a `YYYY-MM`, its `{fields}` every day field and its `{sums}`
/// the sum of each) and gives its rows by campus, then month.
fn totals(conn: &Connection, sql: &str, range: [String; 2]) -> Result<Vec<DayTotals>> {
    static COLUMNS: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    let [fields, sums] = COLUMNS.get_or_init(|| {
        let names: Vec<&str> = DayField::ALL.iter().map(|f| f.name()).collect();
        let sums: Vec<String> = names.iter().map(|n| format!("SUM({n})")).collect();
        [names.join(", "), sums.join(", ")]
    });
    let sql = sql.replace("{fields}", fields).replace("{sums}", sums);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(params![range[0], range[1]], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                counts_from(r, 2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A period has a few months and thousands of campuses: each month's text is parsed once.
    let mut months: Vec<(String, Month)> = Vec::new();
    let mut totals = Vec::with_capacity(rows.len());
    for (campus, text, counts) in rows {
        let month = match months.iter().find(|(t, _)| *t == text) {
            Some((_, m)) => *m,
            None => {
                let m = Month::parse(&text).map_err(|_| HqError::Internal("stored month"))?;
                months.push((text, m));
                m
            }
        };
        totals.push(DayTotals {
            campus,
            month,
            counts,
        });
    }
    // Sorted here rather than by SQLite, which would sort the rows in a temporary b-tree.
    totals.sort_by(|a, b| (&a.campus, a.month).cmp(&(&b.campus, b.month)));
    Ok(totals)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    Stored,
    Unchanged,
    Stale,
}

pub(super) fn tally(r: &mut Receipt, o: Outcome) {
    match o {
        Outcome::Stored => r.stored += 1,
        Outcome::Unchanged => r.unchanged += 1,
        Outcome::Stale => r.stale += 1,
    }
}

/// What a snapshot at `revision` does against the one held: stored above it; the same figures
/// at or below it are a retry or a reordered upload; other figures at or below it are refused
/// with the revision held (`true` when the revisions are equal).
pub(super) fn compare(
    held: Option<(u32, bool)>,
    revision: u32,
    key: impl FnOnce() -> salon_protocol::SnapshotKey,
) -> Result<Outcome, (HeldRevision, bool)> {
    match held {
        None => Ok(Outcome::Stored),
        Some((h, _)) if revision > h => Ok(Outcome::Stored),
        Some((h, true)) if revision == h => Ok(Outcome::Unchanged),
        Some((_, true)) => Ok(Outcome::Stale),
        Some((h, false)) => Err((
            HeldRevision {
                snapshot: key(),
                revision: h,
            },
            revision == h,
        )),
    }
}

pub(super) type Stored = Result<Outcome, (HeldRevision, bool)>;

/// The revision and figures this device's day snapshot for (campus, day) holds, if any.
fn held_day(
    tx: &Connection,
    device: i64,
    d: &DaySnapshot,
    day: &str,
) -> Result<Option<(u32, DayCounts)>> {
    let names: Vec<&str> = DayField::ALL.iter().map(|f| f.name()).collect();
    let row = tx
        .prepare_cached(&format!(
            "SELECT revision, {} FROM day_snapshots
             WHERE device_id = ?1 AND campus_code = ?2 AND day = ?3",
            names.join(", ")
        ))?
        .query_row(params![device, d.campus.as_str(), day], |r| {
            let mut counts = DayCounts::default();
            for (i, f) in DayField::ALL.iter().enumerate() {
                counts.set(*f, r.get(i + 1)?);
            }
            Ok((r.get(0)?, counts))
        })
        .optional()?;
    Ok(row)
}

pub(super) fn store_day(
    tx: &Connection,
    device: i64,
    d: &DaySnapshot,
    now: DateTime<Utc>,
) -> Result<Stored> {
    let day = d.day.format("%Y-%m-%d").to_string();
    let before = held_day(tx, device, d, &day)?;
    let held = before
        .as_ref()
        .map(|(rev, counts)| (*rev, *counts == d.counts));
    let outcome = compare(held, d.revision, || d.key());
    if outcome == Ok(Outcome::Stored) {
        let replaced = before.map(|(_, counts)| counts).unwrap_or_default();
        add_to_month(tx, device, d, &replaced)?;
        let mut values: Vec<rusqlite::types::Value> = vec![
            device.into(),
            d.campus.as_str().to_owned().into(),
            day.into(),
            d.revision.into(),
        ];
        values.extend(DayField::ALL.iter().map(|f| d.counts.get(*f).into()));
        values.push(ts(now).into());
        let (latest, history) = day_insert_sql();
        tx.prepare_cached(latest)?
            .execute(rusqlite::params_from_iter(values.iter()))?;
        tx.prepare_cached(history)?
            .execute(rusqlite::params_from_iter(values))?;
    }
    Ok(outcome)
}

/// Moves the device's month total, and its campus's, for the snapshot's campus and month
/// from the day as it was (`replaced`, zero for a new day) to the day as it is now.
fn add_to_month(tx: &Connection, device: i64, d: &DaySnapshot, replaced: &DayCounts) -> Result<()> {
    static SQL: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    let [per_device, per_campus] = SQL.get_or_init(|| {
        let names: Vec<&str> = DayField::ALL.iter().map(|f| f.name()).collect();
        let upsert = |table: &str, keys: &[&str]| {
            let n = keys.len();
            let marks: Vec<String> = (1..=n + names.len()).map(|i| format!("?{i}")).collect();
            let adds: Vec<String> = names
                .iter()
                .map(|c| format!("{c} = {c} + excluded.{c}"))
                .collect();
            format!(
                "INSERT INTO {table} ({}, {}) VALUES ({})
                 ON CONFLICT ({}) DO UPDATE SET {}",
                keys.join(", "),
                names.join(", "),
                marks.join(", "),
                keys.join(", "),
                adds.join(", ")
            )
        };
        [
            upsert("month_totals", &["month", "campus_code", "device_id"]),
            upsert("campus_month_totals", &["month", "campus_code"]),
        ]
    });
    let month = Month::of(d.day).to_string();
    let change: Vec<rusqlite::types::Value> = DayField::ALL
        .iter()
        .map(|f| (i64::from(d.counts.get(*f)) - i64::from(replaced.get(*f))).into())
        .collect();
    let keyed = |keys: Vec<rusqlite::types::Value>| keys.into_iter().chain(change.iter().cloned());
    tx.prepare_cached(per_device)?
        .execute(rusqlite::params_from_iter(keyed(vec![
            month.clone().into(),
            d.campus.as_str().to_owned().into(),
            device.into(),
        ])))?;
    tx.prepare_cached(per_campus)?
        .execute(rusqlite::params_from_iter(keyed(vec![
            month.into(),
            d.campus.as_str().to_owned().into(),
        ])))?;
    Ok(())
}

/// The day snapshot's INSERTs (the latest, and the revision kept in the history), their
/// columns from `DayField`, written once per process.
fn day_insert_sql() -> (&'static str, &'static str) {
    static SQL: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (latest, history) = SQL.get_or_init(|| {
        let names: Vec<&str> = DayField::ALL.iter().map(|f| f.name()).collect();
        let marks: Vec<String> = (5..5 + names.len()).map(|i| format!("?{i}")).collect();
        let insert = |verb: &str, table: &str| {
            format!(
                "{verb} INTO {table} (device_id, campus_code, day, revision, {}, received_at)
                 VALUES (?1, ?2, ?3, ?4, {}, ?{})",
                names.join(", "),
                marks.join(", "),
                5 + names.len()
            )
        };
        (
            insert("INSERT OR REPLACE", "day_snapshots"),
            insert("INSERT", "day_revisions"),
        )
    });
    (latest, history)
}

pub(super) fn store_month(
    tx: &Connection,
    device: i64,
    m: &MonthSnapshot,
    now: DateTime<Utc>,
) -> Result<Stored> {
    let month = m.month.to_string();
    let held: Option<(u32, String)> = tx
        .query_row(
            "SELECT revision, snapshot FROM month_snapshots
             WHERE device_id = ?1 AND campus_code = ?2 AND month = ?3",
            params![device, m.campus.as_str(), month],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let held = match held {
        Some((rev, json)) => {
            let h: MonthSnapshot =
                serde_json::from_str(&json).map_err(|_| HqError::Internal("stored snapshot"))?;
            Some((rev, h.breakdown == m.breakdown))
        }
        None => None,
    };
    let outcome = compare(held, m.revision, || m.key());
    if outcome == Ok(Outcome::Stored) {
        let json = serde_json::to_string(m).map_err(|_| HqError::Internal("json"))?;
        for table in ["month_snapshots", "month_revisions"] {
            let verb = if table == "month_snapshots" {
                "INSERT OR REPLACE"
            } else {
                "INSERT"
            };
            tx.execute(
                &format!(
                    "{verb} INTO {table}
                        (device_id, campus_code, month, revision, snapshot, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ),
                params![device, m.campus.as_str(), month, m.revision, json, ts(now)],
            )?;
        }
    }
    Ok(outcome)
}
