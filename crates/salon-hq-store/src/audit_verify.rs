//! `salon-hq audit verify` on a database file as it is: opened read-only, never migrated, and
//! no key made. Opening it as the server does (`HqStore::open`) would migrate a copy set back to
//! before the chain and chain its lines, edited ones too, under the real key, or make a key
//! for a database that has none, and then find the result intact.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::audit_chain::has_mac_column;
use super::audit_check::AuditCheck;
use super::audit_files::{head_path, key_path, read_key};
use super::audit_state::check_against_head;
use super::migrations::{chain_version, MIGRATIONS};
use super::rows::user_version;
use crate::error::Result;

/// What `verify_file` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    /// The chain, checked.
    Checked(AuditCheck),
    /// A database at a schema from before the chain (`version`): it has no MACs to check.
    Unchained { version: usize },
    /// At the chain's schema or later, without the `mac` column: it was removed by hand.
    NoMacColumn { version: usize },
    /// At a schema newer than this salon-hq knows.
    Newer { version: usize },
    /// No key beside the database.
    NoKey(PathBuf),
}

/// Checks the 操作記録 of the database at `db` against its key and head file (and `expected`,
/// a count and last MAC from the server log), changing nothing.
pub fn verify_file(db: &Path, expected: Option<(u64, Vec<u8>)>) -> Result<Verified> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let version = user_version(&conn)?;
    if version > MIGRATIONS.len() {
        return Ok(Verified::Newer { version });
    }
    if version < chain_version() {
        return Ok(Verified::Unchained { version });
    }
    if !has_mac_column(&conn)? {
        return Ok(Verified::NoMacColumn { version });
    }
    let Some(key) = read_key(&key_path(db))? else {
        return Ok(Verified::NoKey(key_path(db)));
    };
    let check = check_against_head(|| &conn, &key, &head_path(db), expected)?;
    Ok(Verified::Checked(check))
}

impl Verified {
    /// Why nothing was checked, in Japanese; none when the chain was.
    pub fn unchecked_ja(&self) -> Option<String> {
        Some(match self {
            Verified::Checked(_) => return None,
            Verified::Unchained { version } => format!(
                "このデータベース（版 {version}）は、操作記録に鎖（MAC）が付く前の版です。鎖がないので、書き換えられていないかは確かめられません。確かめるためにデータベースを書き換えることもしません（サーバーが開くと、その時点の行に鎖が付きますが、それより前の書き換えは分かりません）。"
            ),
            Verified::NoMacColumn { version } => format!(
                "操作記録に MAC の列がありません。この版（版 {version}）なら必ずある列なので、削除されています。"
            ),
            Verified::Newer { version } => format!(
                "このデータベースは、この salon-hq より新しい版（版 {version}）です。新しい版の salon-hq で確かめてください。"
            ),
            Verified::NoKey(path) => format!(
                "操作記録の鍵 {} がありません。鍵がないので確かめられません（このコマンドは鍵を作りません）。バックアップと一緒に残した鍵をこの名前で戻してください。",
                path.display()
            ),
        })
    }
}
