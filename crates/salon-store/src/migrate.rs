//! Append-only migrations, embedded by name. The schema version is SQLite's `user_version`.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// Every migration, in order: the 1.0 baseline, then one file per later change. Never edit or
/// reorder one that has shipped: append a new one, tested from the 1.0 data-folder fixture.
pub(crate) const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_baseline",
        include_str!("../migrations/0001_baseline.sql"),
    ),
    (
        "0002_data_request_log",
        include_str!("../migrations/0002_data_request_log.sql"),
    ),
    (
        "0003_one_release_table",
        include_str!("../migrations/0003_one_release_table.sql"),
    ),
    (
        "0004_handover_keys",
        include_str!("../migrations/0004_handover_keys.sql"),
    ),
    (
        "0005_handovers",
        include_str!("../migrations/0005_handovers.sql"),
    ),
    (
        "0006_handover_relay",
        include_str!("../migrations/0006_handover_relay.sql"),
    ),
];

/// The schema version of a fully migrated database.
pub const LATEST_VERSION: usize = MIGRATIONS.len();

pub(crate) fn version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    Ok(v as usize)
}

/// Applies the migrations after the database's version, each in its own transaction with its
/// version bump, so a failure leaves the database at a known version. A database from a newer
/// app is refused rather than written by code that does not know its schema.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current = version(conn)?;
    if current > LATEST_VERSION {
        return Err(StoreError::Damaged(
            "a database from a newer version of the app",
        ));
    }
    for (index, (_name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
