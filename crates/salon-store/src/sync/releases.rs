//! The one table of releases drawn under noise (`drawn_release`), whatever period a release
//! covers: a campus's month (`month_releases`) or a period of headquarters' path calendar over
//! all the reporting campuses (`path_decisions`). A release is drawn once, on its day, and
//! kept: every send repeats the same numbers, so nobody can average its noise away by asking
//! again. It is *held* once headquarters holds it (it confirmed it, or said it holds its own):
//! a held release is never drawn or sent again.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use salon_protocol::{CampusCode, Month, MonthRelease, PathRelease, PathReleaseKey, Release};

use crate::error::{Result, StoreError};
use crate::rows::date_text;

/// Which release: a campus's month (`campus` its local id, `from` = `to`), or a period of the
/// path calendar over all the reporting campuses (`campus` none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct DrawnKey {
    pub campus: Option<i64>,
    pub from: Month,
    pub to: Month,
    pub release: Release,
}

impl DrawnKey {
    pub(super) fn month(campus_id: i64, month: Month, release: Release) -> DrawnKey {
        DrawnKey {
            campus: Some(campus_id),
            from: month,
            to: month,
            release,
        }
    }

    pub(super) fn period(key: &PathReleaseKey) -> DrawnKey {
        DrawnKey {
            campus: None,
            from: key.from,
            to: key.to,
            release: key.release,
        }
    }

    fn columns(&self) -> (Option<i64>, String, String, &'static str) {
        (
            self.campus,
            self.from.to_string(),
            self.to.to_string(),
            self.release.as_str(),
        )
    }
}

/// Keeps a release as drawn on `today`: `body` is its JSON as it goes on the wire (a month's
/// breakdown, a period's whole release).
pub(super) fn keep(
    tx: &Transaction<'_>,
    key: &DrawnKey,
    body: &str,
    today: chrono::NaiveDate,
) -> Result<()> {
    let (campus, from, to, release) = key.columns();
    tx.execute(
        "INSERT INTO drawn_release (campus_id, from_month, to_month, release, body, drawn_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![campus, from, to, release, body, date_text(today)],
    )?;
    Ok(())
}

/// Whether the release is drawn, or held at headquarters as drawn before.
pub(super) fn drawn(conn: &Connection, key: &DrawnKey) -> Result<bool> {
    let (campus, from, to, release) = key.columns();
    Ok(conn
        .query_row(
            "SELECT 1 FROM drawn_release WHERE ifnull(campus_id, 0) = ifnull(?1, 0)
               AND from_month = ?2 AND to_month = ?3 AND release = ?4",
            params![campus, from, to, release],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Headquarters holds this release: never drawn or sent again. One this device never drew (a
/// laptop restored from a backup older than the draw) is kept as a row without numbers.
pub(super) fn mark_held(tx: &Transaction<'_>, key: &DrawnKey) -> Result<()> {
    let (campus, from, to, release) = key.columns();
    tx.execute(
        "INSERT INTO drawn_release (campus_id, from_month, to_month, release, body, drawn_on, held)
         VALUES (?1, ?2, ?3, ?4, '', '', 1)
         ON CONFLICT (ifnull(campus_id, 0), from_month, to_month, release) DO UPDATE SET held = 1",
        params![campus, from, to, release],
    )?;
    Ok(())
}

/// Headquarters holds this campus month's release, as it names it: by the code it was sent
/// under (nothing to mark when no campus has that code now).
pub(super) fn mark_month_held(
    tx: &Transaction<'_>,
    campus: &CampusCode,
    month: Month,
    release: Release,
) -> Result<()> {
    match campus_of(tx, campus)? {
        Some(id) => mark_held(tx, &DrawnKey::month(id, month, release)),
        None => Ok(()),
    }
}

/// The local campus headquarters names by `code`: the campus's own as long as no campus has
/// taken that code since a key was sent under it.
fn campus_of(conn: &Connection, code: &CampusCode) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT id FROM campus WHERE hq_code = ?1",
            [code.as_str()],
            |r| r.get(0),
        )
        .optional()?)
}

/// A release as kept, with the HQ code its campus has now (none for a period's, or for a
/// campus without a code).
pub(super) struct KeptRelease {
    pub key: DrawnKey,
    pub code: Option<String>,
    body: String,
}

impl KeptRelease {
    /// As a campus month's release on the wire, under its campus's code as it is now.
    pub(super) fn month_release(&self) -> Result<Option<MonthRelease>> {
        let (Some(_), Some(code)) = (self.key.campus, &self.code) else {
            return Ok(None);
        };
        let damaged = || StoreError::Damaged("drawn release row");
        Ok(Some(MonthRelease {
            campus: CampusCode::parse(code).map_err(|_| damaged())?,
            month: self.key.from,
            breakdown: serde_json::from_str(&self.body).map_err(|_| damaged())?,
        }))
    }

    /// As a period's release on the wire.
    pub(super) fn path_release(&self) -> Result<Option<PathRelease>> {
        if self.key.campus.is_some() {
            return Ok(None);
        }
        let release = serde_json::from_str(&self.body)
            .map_err(|_| StoreError::Damaged("drawn release row"))?;
        Ok(Some(release))
    }
}

/// The releases drawn here that headquarters holds (`held`) or not yet, drawn on or after
/// `since`, oldest first: campus months (by month, then campus code), then periods.
pub(super) fn kept(conn: &Connection, held: bool, since: &str) -> Result<Vec<KeptRelease>> {
    let mut stmt = conn.prepare(
        "SELECT r.campus_id, c.hq_code, r.from_month, r.to_month, r.release, r.body
         FROM drawn_release r LEFT JOIN campus c ON c.id = r.campus_id
         WHERE r.held = ?1 AND r.body != '' AND r.drawn_on >= ?2
         ORDER BY r.campus_id IS NULL, r.from_month, c.hq_code, r.to_month, r.release",
    )?;
    let rows = stmt.query_map(params![held, since], |r| {
        Ok((
            r.get::<_, Option<i64>>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let damaged = || StoreError::Damaged("drawn release row");
    let mut out = Vec::new();
    for row in rows {
        let (campus, code, from, to, release, body) = row?;
        out.push(KeptRelease {
            key: DrawnKey {
                campus,
                from: Month::parse(&from).map_err(|_| damaged())?,
                to: Month::parse(&to).map_err(|_| damaged())?,
                release: Release::parse(&release).ok_or_else(damaged)?,
            },
            code,
            body,
        });
    }
    Ok(out)
}
