//! Small helpers to read codes and dates back from rows.

use chrono::{NaiveDate, NaiveTime};
use rusqlite::types::Type;
use rusqlite::{Error, Row};

fn conversion(idx: usize, what: &str) -> Error {
    Error::FromSqlConversionFailure(idx, Type::Text, format!("not a stored {what}").into())
}

/// Reads an enumerated code column.
pub(crate) fn code<T>(
    row: &Row<'_>,
    idx: usize,
    from_code: fn(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    from_code(&text).ok_or_else(|| conversion(idx, "code"))
}

/// Reads a visit's topics from a `group_concat(topic, ',')` column, in the codes' order.
pub(crate) fn topics(row: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<salon_core::Topic>> {
    let text: Option<String> = row.get(idx)?;
    let mut topics = text
        .unwrap_or_default()
        .split(',')
        .filter(|t| !t.is_empty())
        .map(|t| salon_core::Topic::from_code(t).ok_or_else(|| conversion(idx, "topic")))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    topics.sort();
    Ok(topics)
}

pub(crate) fn date(row: &Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(idx)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| conversion(idx, "date"))
}

pub(crate) fn opt_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| conversion(idx, "date")))
        .transpose()
}

pub(crate) fn time(row: &Row<'_>, idx: usize) -> rusqlite::Result<NaiveTime> {
    let text: String = row.get(idx)?;
    NaiveTime::parse_from_str(&text, "%H:%M").map_err(|_| conversion(idx, "time"))
}

pub(crate) fn opt_time(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveTime>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| conversion(idx, "time")))
        .transpose()
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn time_text(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// The one place the store reads the clock: when a row was written, for the supporter's own
/// record. Every date that counts (a salon's day, a release's due day) is given by the caller.
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// When a row was written; UTC, RFC 3339.
pub(crate) fn stamp() -> String {
    now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether an error is a UNIQUE constraint failure.
pub(crate) fn is_unique_violation(e: &Error) -> bool {
    matches!(
        e,
        Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}
