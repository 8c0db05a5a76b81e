//! Opening the encrypted database.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Result, StoreError};
use crate::keys::DbKey;
use crate::migrate;

/// `salon_fold(text)`: the search folding of `salon_core::fold`, for the triggers that keep
/// `visit_folded`. Registered on every connection before migrating.
fn register_fold(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "salon_fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                rusqlite::types::ValueRef::Text(t) => {
                    Some(salon_core::fold::fold(&String::from_utf8_lossy(t)))
                }
                _ => None,
            })
        },
    )?;
    Ok(())
}

/// The database and its WAL are the supporter's alone (0600), also for a folder written before
/// this rule: SQLite makes a new file 0644 less the umask and gives the WAL and shared-memory
/// files the database's own mode, so the database is made (empty) or set 0600 before it opens.
pub(crate) fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::fs::{OpenOptions, Permissions};
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        file.set_permissions(Permissions::from_mode(0o600))?;
        for suffix in ["-wal", "-shm"] {
            let side = path.with_file_name(format!(
                "{}{suffix}",
                path.file_name().unwrap_or_default().to_string_lossy()
            ));
            if side.exists() {
                std::fs::set_permissions(&side, Permissions::from_mode(0o600))?;
            }
        }
    }
    Ok(())
}

/// Opens (or creates) the SQLCipher database with the raw key, sets the pragmas every
/// connection needs and migrates it to the latest schema.
pub(crate) fn open(path: &Path, key: &DbKey) -> Result<Connection> {
    make_private(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    // Before the key: from here on SQLCipher wipes every buffer it frees, the key's included,
    // and decrypted pages are not left in the heap after a lock.
    conn.execute_batch("PRAGMA cipher_memory_security = ON;")?;
    // Built in a buffer we wipe, rather than in rusqlite's own (unwiped) SQL string.
    conn.execute_batch(&key.key_statement())?;
    // The first read proves the key; SQLCipher answers NotADatabase for a wrong one.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongPassphrase,
            _ => StoreError::from(e),
        })?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL: a saved note is on disk when the save returns, even if the laptop dies next.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Sorts and temporary tables stay in memory, never in an unencrypted temp file.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Deleted drafts and edited notes are overwritten, not left in free pages.
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    register_fold(&conn)?;
    migrate::migrate(&mut conn)?;
    Ok(conn)
}
