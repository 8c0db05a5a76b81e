//! The schema's history: every migration in order, applied at open, each in its own
//! transaction. Append-only: a shipped migration is never edited or reordered.

use rusqlite::Connection;

use crate::error::{HqError, Result};
use crate::rows::user_version;
use crate::{audit, audit_chain};

/// Every migration, in order: the 1.0 baseline, then one file per later change. Never edit or
/// reorder one that has shipped: append a new one, tested from the 1.0 data-folder fixture.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_baseline",
        include_str!("../migrations/0001_baseline.sql"),
    ),
    (
        "0002_survey_anonymity",
        include_str!("../migrations/0002_survey_anonymity.sql"),
    ),
    (
        AUDIT_CHAIN_MIGRATION,
        include_str!("../migrations/0003_audit_chain.sql"),
    ),
    ("0004_logins", include_str!("../migrations/0004_logins.sql")),
    (
        "0005_survey_form",
        include_str!("../migrations/0005_survey_form.sql"),
    ),
    (
        "0006_report_names",
        include_str!("../migrations/0006_report_names.sql"),
    ),
    (
        "0007_month_totals",
        include_str!("../migrations/0007_month_totals.sql"),
    ),
    (
        "0008_one_release_table",
        include_str!("../migrations/0008_one_release_table.sql"),
    ),
    (
        "0009_app_updates",
        include_str!("../migrations/0009_app_updates.sql"),
    ),
    (
        "0010_handover_relay",
        include_str!("../migrations/0010_handover_relay.sql"),
    ),
];

/// The migration that adds each audit line's MAC; the lines already there are chained in its
/// transaction (`audit::chain_existing`).
const AUDIT_CHAIN_MIGRATION: &str = "0003_audit_chain";

/// The schema version from which a database's audit lines carry MACs: a database below it is
/// from before the chain (or was set back to look so).
pub fn chain_version() -> usize {
    MIGRATIONS
        .iter()
        .position(|(name, _)| *name == AUDIT_CHAIN_MIGRATION)
        .map_or(0, |i| i + 1)
}

/// Applies the migrations after the database's version, each in its own transaction with its
/// `user_version` bump. Foreign keys are off meanwhile, as SQLite asks for a migration that
/// rebuilds a table (dropping the old one would otherwise cascade to its children), and every
/// key is checked before the migration commits.
pub(crate) fn migrate(conn: &mut Connection, key: &audit_chain::AuditKey) -> Result<()> {
    let current = user_version(conn)?;
    if current > MIGRATIONS.len() {
        return Err(HqError::Internal("database is newer than this server"));
    }
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let result = (|| {
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)?;
            if *name == AUDIT_CHAIN_MIGRATION {
                audit::chain_existing(&tx, key)?;
            }
            let broken: bool = tx.prepare("PRAGMA foreign_key_check")?.exists([])?;
            if broken {
                return Err(HqError::Internal("a migration broke a foreign key"));
            }
            tx.pragma_update(None, "user_version", (index + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    })();
    conn.pragma_update(None, "foreign_keys", "ON")?;
    result?;
    if (1..SURVEY_ANONYMITY_VERSION).contains(&current) {
        // A 1.0 database kept each answer's time: rebuild the file so no free page, and no
        // write-ahead log, still holds one.
        conn.execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    Ok(())
}

/// The schema version from which survey answers keep their day and not their time.
const SURVEY_ANONYMITY_VERSION: usize = 2;
