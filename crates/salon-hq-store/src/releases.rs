//! The one table of releases under noise (`releases`), whatever period a release covers: a
//! campus's month (`month_releases`) or a period of the path calendar over all a device's
//! campuses (`path_decisions`). Each is kept as first received and never replaced: a second
//! draw of the same key would let its noise be averaged away. What is held is answered
//! first: the same numbers again are unchanged; other numbers are refused with the key, and
//! the device stops sending its own.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{CampusCode, HeldRevision, Month, PathReleaseKey, Release, ReleaseKey};
use serde::de::DeserializeOwned;

use super::rows::ts;
use super::snapshots::Outcome;
use crate::error::{HqError, Result};

/// Which of a device's releases: a campus's month (`campus` set, `from` = `to`), or a period
/// of the path calendar (`campus` none).
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeptKey<'a> {
    pub campus: Option<&'a str>,
    pub from: Month,
    pub to: Month,
    pub release: Release,
}

/// Of each device's releases of a key, the latest (the second once it has come: it holds the
/// period's corrections), for a query over `releases r`.
pub(crate) const LATEST: &str = "r.release = (SELECT MAX(l.release) FROM releases l
    WHERE l.device_id = r.device_id AND l.campus_code IS r.campus_code
      AND l.from_month = r.from_month AND l.to_month = r.to_month)";

impl KeptKey<'_> {
    fn columns(&self) -> (Option<&str>, String, String, &'static str) {
        (
            self.campus,
            self.from.to_string(),
            self.to.to_string(),
            self.release.as_str(),
        )
    }
}

/// The answer to a release whose key headquarters already holds, if it does: `received` is
/// unchanged when it is what is held, and refused with its key (`snapshot`) otherwise.
pub(crate) fn held_answer<T: DeserializeOwned + PartialEq>(
    tx: &Connection,
    device: i64,
    key: &KeptKey<'_>,
    received: &T,
    snapshot: impl FnOnce() -> salon_protocol::SnapshotKey,
) -> Result<Option<std::result::Result<Outcome, HeldRevision>>> {
    let (campus, from, to, release) = key.columns();
    let held: Option<String> = tx
        .prepare_cached(
            "SELECT body FROM releases WHERE device_id = ?1 AND campus_code IS ?2
               AND from_month = ?3 AND to_month = ?4 AND release = ?5",
        )?
        .query_row(params![device, campus, from, to, release], |row| row.get(0))
        .optional()?;
    let Some(json) = held else {
        return Ok(None);
    };
    let held: T = serde_json::from_str(&json).map_err(|_| HqError::Internal("stored release"))?;
    Ok(Some(if held == *received {
        Ok(Outcome::Unchanged)
    } else {
        Err(HeldRevision {
            snapshot: snapshot(),
            revision: 0,
        })
    }))
}

/// Keeps a release as received: `body` its JSON, `bound` what it was checked against.
pub(crate) fn keep_first(
    tx: &Connection,
    device: i64,
    key: &KeptKey<'_>,
    body: &str,
    bound: u64,
    now: DateTime<Utc>,
) -> Result<()> {
    let (campus, from, to, release) = key.columns();
    let bound = i64::try_from(bound).map_err(|_| HqError::ImpossibleTotal)?;
    tx.prepare_cached(
        "INSERT INTO releases
            (device_id, campus_code, from_month, to_month, release, body, bound, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        device,
        campus,
        from,
        to,
        release,
        body,
        bound,
        ts(now)
    ])?;
    Ok(())
}

/// Every release held from a device, for its configuration: campus months, then periods.
pub(crate) fn held_keys(
    conn: &Connection,
    device: i64,
) -> Result<(Vec<ReleaseKey>, Vec<PathReleaseKey>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT campus_code, from_month, to_month, release FROM releases WHERE device_id = ?1
         ORDER BY campus_code IS NULL, from_month, campus_code, to_month, release",
    )?;
    let rows = stmt
        .query_map([device], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let stored = || HqError::Internal("stored release key");
    let (mut months, mut periods) = (Vec::new(), Vec::new());
    for (campus, from, to, release) in rows {
        let from = Month::parse(&from).map_err(|_| stored())?;
        let release = Release::parse(&release).ok_or_else(stored)?;
        match campus {
            Some(campus) => months.push(ReleaseKey {
                campus: CampusCode::parse(&campus).map_err(|_| stored())?,
                month: from,
                release,
            }),
            None => periods.push(PathReleaseKey {
                from,
                to: Month::parse(&to).map_err(|_| stored())?,
                release,
            }),
        }
    }
    Ok((months, periods))
}

/// `'second' > 'first'` as text, so MAX(release) is the later one (`LATEST`); kept true by
/// this test.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_release_sorts_last_as_text() {
        assert!(Release::Second.as_str() > Release::First.as_str());
        let names: Vec<&str> = Release::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
    }
}
