//! What the caseloads handed away counted in this laptop's releases not yet drawn (the shares
//! `handover_shares` keeps when a copy is removed), read back and added when a release is
//! drawn.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use salon_privacy::{ExactMonth, ExactPeriod, ExactSensitive};
use salon_protocol::{Month, PathPeriod};
use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

/// Counts by code, as kept in `handover_share.body`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Share {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub routes: BTreeMap<String, u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub topics: BTreeMap<String, u32>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub paths: BTreeMap<String, u32>,
    #[serde(default)]
    pub met: u32,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sensitive: BTreeMap<String, u32>,
}

impl Share {
    pub(super) fn minus(&self, after: &Share) -> Share {
        let diff = |a: &BTreeMap<String, u32>, b: &BTreeMap<String, u32>| {
            a.iter()
                .map(|(k, n)| (k.clone(), n.saturating_sub(b.get(k).copied().unwrap_or(0))))
                .filter(|(_, n)| *n > 0)
                .collect()
        };
        Share {
            routes: diff(&self.routes, &after.routes),
            topics: diff(&self.topics, &after.topics),
            paths: diff(&self.paths, &after.paths),
            met: self.met.saturating_sub(after.met),
            sensitive: diff(&self.sensitive, &after.sensitive),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        *self == Share::default()
    }

    fn add(&mut self, other: &Share) {
        let add = |a: &mut BTreeMap<String, u32>, b: &BTreeMap<String, u32>| {
            for (k, n) in b {
                *a.entry(k.clone()).or_default() += n;
            }
        };
        add(&mut self.routes, &other.routes);
        add(&mut self.topics, &other.topics);
        add(&mut self.paths, &other.paths);
        self.met += other.met;
        add(&mut self.sensitive, &other.sensitive);
    }
}

pub(super) fn period_text(period: PathPeriod) -> String {
    format!("{}..{}", period.from, period.to)
}

fn shares(conn: &Connection, campus_id: Option<i64>, period: &str) -> Result<Share> {
    let mut stmt =
        conn.prepare("SELECT body FROM handover_share WHERE period = ?1 AND campus_id IS ?2")?;
    let rows = stmt.query_map(params![period, campus_id], |r| r.get::<_, String>(0))?;
    let mut total = Share::default();
    for body in rows {
        let share: Share =
            serde_json::from_str(&body?).map_err(|_| StoreError::Damaged("handover share"))?;
        total.add(&share);
    }
    Ok(total)
}

/// Adds to a campus month's exact cells what the caseloads handed away counted in it.
pub(super) fn add_month_shares(
    conn: &Connection,
    campus_id: i64,
    month: Month,
    exact: &mut ExactMonth,
) -> Result<()> {
    let share = shares(conn, Some(campus_id), &month.to_string())?;
    for (code, n) in &share.routes {
        if let Some(route) = salon_core::Route::from_code(code) {
            *exact.by_route.entry(route).or_default() += n;
        }
    }
    for (code, n) in &share.topics {
        if let Some(topic) = salon_core::Topic::from_code(code) {
            *exact.by_topic.entry(topic).or_default() += n;
        }
    }
    Ok(())
}

/// The campus months some caseload handed away counted in, with or without visits left here.
pub(super) fn months_with_shares(conn: &Connection, campus_id: i64) -> Result<Vec<Month>> {
    let mut stmt =
        conn.prepare("SELECT DISTINCT period FROM handover_share WHERE campus_id = ?1")?;
    let rows = stmt.query_map([campus_id], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for text in rows {
        if let Ok(month) = Month::parse(&text?) {
            out.push(month);
        }
    }
    Ok(out)
}

/// Adds to a period's exact cells what the caseloads handed away counted in it.
pub(super) fn add_period_shares(
    conn: &Connection,
    period: PathPeriod,
    exact: &mut ExactPeriod,
) -> Result<()> {
    let share = shares(conn, None, &period_text(period))?;
    for (code, n) in &share.paths {
        if let Some(status) = salon_core::PathStatus::from_code(code) {
            *exact.by_path.entry(status).or_default() += n;
        }
    }
    if let Some(sensitive) = exact.sensitive.as_mut() {
        let ExactSensitive { met, by_topic } = sensitive;
        *met += share.met;
        for (code, n) in &share.sensitive {
            if let Some(topic) = salon_core::Topic::from_code(code) {
                *by_topic.entry(topic).or_default() += n;
            }
        }
    }
    Ok(())
}
