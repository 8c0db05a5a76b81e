//! What a caseload handed away adds to this laptop's releases not yet drawn. A transfer removes
//! the copy as a deletion request does: the bare rows keep every exact day and month figure,
//! but the topics and the path decisions go, and with them what the releases still to come
//! would have counted of them. So, in the transaction that removes the copy, the exact cells of
//! every release not yet drawn are counted before and after, and the difference (the share) is
//! kept with the handover and added when the release is drawn. Shares are sums over disjoint
//! students (a student is in one laptop's records or the other's), so adding them is exact.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{params, Transaction};
use salon_protocol::{Month, PathCalendar, PathPeriod, PathReleaseKey, Release};

use super::facts::campus_facts;
use super::month_releases::month_cells;
use super::path_decisions::{exact_period, ids_json, periods_held};
use super::releases::{drawn, DrawnKey};
use super::shares::{period_text, Share};
use crate::error::Result;

/// The exact cells of every release not yet drawn: each campus month's, each period's.
pub(crate) struct Undrawn {
    months: BTreeMap<(i64, Month), Share>,
    periods: BTreeMap<PathPeriod, Share>,
}

/// The exact cells of every release not yet drawn, as the records stand: each campus month
/// with a visit, and each period of `calendar` over the reporting campuses `reporting`.
pub(crate) fn undrawn(
    tx: &Transaction<'_>,
    reporting: &[i64],
    calendar: Option<&PathCalendar>,
    today: NaiveDate,
) -> Result<Undrawn> {
    let mut out = Undrawn {
        months: BTreeMap::new(),
        periods: BTreeMap::new(),
    };
    let campuses: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT id FROM campus")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for campus_id in campuses {
        let facts = campus_facts(tx, campus_id, today)?;
        for (month, visits) in facts.visits_by_month() {
            if all_drawn(tx, |release| DrawnKey::month(campus_id, month, release))? {
                continue;
            }
            let (_, (routes, topics)) = month_cells(tx, campus_id, month, &visits)?;
            out.months.insert(
                (campus_id, month),
                Share {
                    routes: routes.iter().map(|(r, n)| (r.code().into(), *n)).collect(),
                    topics: topics.iter().map(|(t, n)| (t.code().into(), *n)).collect(),
                    ..Share::default()
                },
            );
        }
    }
    if let Some(calendar) = calendar {
        let ids = ids_json(reporting);
        for period in periods_held(tx, &ids, calendar)? {
            let key = |release| {
                DrawnKey::period(&PathReleaseKey {
                    from: period.from,
                    to: period.to,
                    release,
                })
            };
            if all_drawn(tx, key)? {
                continue;
            }
            let exact = exact_period(tx, &ids, period, true)?;
            let sensitive = exact.sensitive.unwrap_or_default();
            out.periods.insert(
                period,
                Share {
                    paths: codes(exact.by_path.iter().map(|(p, n)| (p.code(), *n))),
                    met: sensitive.met,
                    sensitive: codes(sensitive.by_topic.iter().map(|(t, n)| (t.code(), *n))),
                    ..Share::default()
                },
            );
        }
    }
    Ok(out)
}

fn codes<'a>(cells: impl Iterator<Item = (&'a str, u32)>) -> BTreeMap<String, u32> {
    cells.map(|(c, n)| (c.to_owned(), n)).collect()
}

fn all_drawn(tx: &Transaction<'_>, key: impl Fn(Release) -> DrawnKey) -> Result<bool> {
    for release in Release::ALL {
        if !drawn(tx, &key(release))? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Keeps, with the handover `handover_id`, what the records counted `before` its copy was
/// removed and no longer count `after`.
pub(crate) fn keep_shares(
    tx: &Transaction<'_>,
    handover_id: &str,
    before: &Undrawn,
    after: &Undrawn,
) -> Result<()> {
    let insert = |campus_id: Option<i64>, period: String, share: Share| -> Result<()> {
        if !share.is_empty() {
            tx.execute(
                "INSERT INTO handover_share (handover_id, campus_id, period, body)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    handover_id,
                    campus_id,
                    period,
                    serde_json::to_string(&share).unwrap_or_default()
                ],
            )?;
        }
        Ok(())
    };
    for ((campus_id, month), share) in &before.months {
        let left = after.months.get(&(*campus_id, *month)).cloned();
        insert(
            Some(*campus_id),
            month.to_string(),
            share.minus(&left.unwrap_or_default()),
        )?;
    }
    for (period, share) in &before.periods {
        let left = after.periods.get(period).cloned();
        insert(
            None,
            period_text(*period),
            share.minus(&left.unwrap_or_default()),
        )?;
    }
    Ok(())
}
