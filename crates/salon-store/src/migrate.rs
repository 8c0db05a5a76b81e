//! Append-only migrations, embedded by name. The schema version is SQLite's `user_version`.

use rusqlite::Connection;

use crate::error::Result;

/// Every migration, in order. Never edit or reorder one that has shipped: append a new one.
pub(crate) const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_initial",
        include_str!("../migrations/0001_initial.sql"),
    ),
    ("0002_drafts", include_str!("../migrations/0002_drafts.sql")),
    ("0003_sync", include_str!("../migrations/0003_sync.sql")),
    ("0004_search", include_str!("../migrations/0004_search.sql")),
    ("0005_care", include_str!("../migrations/0005_care.sql")),
    (
        "0006_month_visits",
        include_str!("../migrations/0006_month_visits.sql"),
    ),
    (
        "0007_folded_search",
        include_str!("../migrations/0007_folded_search.sql"),
    ),
    (
        "0008_outbox_problems",
        include_str!("../migrations/0008_outbox_problems.sql"),
    ),
    (
        "0009_path_campus",
        include_str!("../migrations/0009_path_campus.sql"),
    ),
    (
        "0010_search_order",
        include_str!("../migrations/0010_search_order.sql"),
    ),
    (
        "0011_visit_filters",
        include_str!("../migrations/0011_visit_filters.sql"),
    ),
    (
        "0012_outbox_events",
        include_str!("../migrations/0012_outbox_events.sql"),
    ),
    (
        "0013_open_care",
        include_str!("../migrations/0013_open_care.sql"),
    ),
    (
        "0014_releases",
        include_str!("../migrations/0014_releases.sql"),
    ),
    (
        "0015_path_releases",
        include_str!("../migrations/0015_path_releases.sql"),
    ),
    (
        "0016_sensitive_by_period",
        include_str!("../migrations/0016_sensitive_by_period.sql"),
    ),
];

/// The schema version of a fully migrated database.
pub const LATEST_VERSION: usize = MIGRATIONS.len();

pub(crate) fn version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(v as usize)
}

/// Applies the migrations after the database's version up to `target`, each in its own
/// transaction with its version bump, so a failure leaves the database at a known version.
pub(crate) fn migrate_to(conn: &mut Connection, target: usize) -> Result<()> {
    let current = version(conn)?;
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
