//! What an admin sets up: campuses, targets for periods, the small-count rule.

use chrono::{DateTime, Utc};
use rusqlite::params;
use salon_protocol::{CampusCode, Month, SuppressionRule};

use super::{check_name, rule, ts, CampusRow, Store, Target};
use crate::error::{HqError, Result};

impl Store {
    // ---- campuses, targets, the rule ----

    pub fn add_campus(&self, code: &CampusCode, name: &str, now: DateTime<Utc>) -> Result<()> {
        let name = check_name(name, "name")?;
        let conn = self.write();
        let n = conn.execute(
            "INSERT OR IGNORE INTO campuses (code, name, created_at) VALUES (?1, ?2, ?3)",
            params![code.as_str(), name, ts(now)],
        )?;
        if n == 0 {
            return Err(HqError::AlreadyExists("campus"));
        }
        Ok(())
    }

    pub fn campuses(&self) -> Result<Vec<CampusRow>> {
        let conn = self.read();
        let mut stmt = conn.prepare("SELECT code, name FROM campuses ORDER BY code")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CampusRow {
                    code: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Sets (or replaces) the target for the months `from..=to`.
    pub fn set_target(&self, t: Target) -> Result<()> {
        if t.from > t.to {
            return Err(HqError::BadForm("period"));
        }
        self.write().execute(
            "INSERT INTO targets (from_month, to_month, schools, sessions, visits)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (from_month, to_month) DO UPDATE SET
               schools = excluded.schools, sessions = excluded.sessions, visits = excluded.visits",
            params![
                t.from.to_string(),
                t.to.to_string(),
                t.schools,
                t.sessions,
                t.visits
            ],
        )?;
        Ok(())
    }

    pub fn targets(&self) -> Result<Vec<Target>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT from_month, to_month, schools, sessions, visits FROM targets
             ORDER BY from_month, to_month",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(f, t, schools, sessions, visits)| {
                Ok(Target {
                    from: Month::parse(&f).map_err(|_| HqError::Internal("stored month"))?,
                    to: Month::parse(&t).map_err(|_| HqError::Internal("stored month"))?,
                    schools,
                    sessions,
                    visits,
                })
            })
            .collect()
    }

    pub fn rule(&self) -> Result<SuppressionRule> {
        rule(&self.read())
    }

    pub fn set_rule(&self, rule: SuppressionRule) -> Result<()> {
        if !rule.is_valid() {
            return Err(HqError::BadForm("rule"));
        }
        self.write().execute(
            "UPDATE rule SET k = ?1, sensitive_k = ?2 WHERE id = 1",
            params![rule.k, rule.sensitive_k],
        )?;
        Ok(())
    }
}
