//! Keys made anew (鍵を作り直す), and the reset with the recovery key, which does the same: the
//! database is copied under a new random key (`sqlcipher_export` into `salon.db.rotating`),
//! which takes the old file's place, and a new recovery key is made. So an old `keys.json` with
//! an old passphrase, or a recovery key that leaked, opens no later copy of `salon.db`. Backups
//! made before hold the old `keys.json` and still open with the old passphrase and recovery key.
//! Secrets kept inside the database (the noise key) are copied unchanged.
//!
//! A folder left at any moment unlocks. The key file is written first with the next key sealed
//! beside the current one; the copy is made; the old file is closed and the copy renamed over
//! it; only then does the key file drop the old key. Opening settles what was left: if the
//! current key still opens `salon.db`, the rotation never happened (the copy is removed and the
//! next key forgotten); if only the next key does, it happened (the key file keeps only it).

use std::fs;
use std::path::Path;

use crate::error::{Result, StoreError};
use crate::keys::{check_new_passphrase, DbKey, KeyFile, RecoveryKey};
use crate::vault::{write_atomically, Store, Vault};

/// The copy of the database under the next key, beside `salon.db` until it takes its place.
pub const ROTATING_FILE: &str = "salon.db.rotating";

/// What proves the supporter may make the keys anew: the current passphrase (鍵を作り直す), or
/// the recovery key (a forgotten passphrase, reset).
#[derive(Clone, Copy)]
pub enum Proof<'a> {
    Passphrase(&'a str),
    RecoveryKey(&'a str),
}

impl std::fmt::Debug for Proof<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Proof::Passphrase(_) => "Proof::Passphrase(..)",
            Proof::RecoveryKey(_) => "Proof::RecoveryKey(..)",
        })
    }
}

/// A rotation half done: the key file holds the next key beside the current one, and the
/// database has been copied under it. `Vault::complete_rotation` puts the copy in place.
pub struct Rotation {
    file: KeyFile,
    key: DbKey,
    recovery: RecoveryKey,
}

impl std::fmt::Debug for Rotation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rotation(..)")
    }
}

impl Vault {
    /// Writes the next key beside the current one and copies the open database under it. The
    /// passphrase becomes `next_passphrase` (the same one, to make the keys anew). Refused
    /// proofs and failed copies leave the folder as it was, and the store open.
    pub fn prepare_rotation(
        &self,
        store: &Store,
        proof: Proof<'_>,
        next_passphrase: &str,
        confirm: &str,
    ) -> Result<Rotation> {
        check_new_passphrase(next_passphrase, confirm)?;
        let file = self.key_file()?;
        match proof {
            Proof::Passphrase(p) => drop(file.unlock(p)?),
            Proof::RecoveryKey(r) => drop(file.unlock_with_recovery(r)?),
        }
        let (pending, key, recovery) = file.begin_rotation(next_passphrase)?;
        self.remove_copy()?;
        write_atomically(&self.key_path(), &pending.to_json())?;
        if let Err(e) = store.export_to(&self.dir().join(ROTATING_FILE), &key) {
            let _ = self.remove_copy();
            let _ = write_atomically(&self.key_path(), &file.to_json());
            return Err(e);
        }
        Ok(Rotation {
            file: pending,
            key,
            recovery,
        })
    }

    /// Closes the store, puts the copy in the database's place, keeps only the next key and
    /// opens the copy. The new recovery key is returned to be shown once. A failure here leaves
    /// the store locked; the next unlock settles the folder.
    pub fn complete_rotation(
        &self,
        store: Store,
        rotation: Rotation,
    ) -> Result<(Store, RecoveryKey)> {
        store.close()?;
        // Closed cleanly, the old file's WAL is folded in: nothing of it may meet the copy.
        for suffix in ["-wal", "-shm"] {
            remove_if_exists(
                &self
                    .dir()
                    .join(format!("{}{suffix}", crate::vault::DB_FILE)),
            )?;
        }
        fs::rename(self.dir().join(ROTATING_FILE), self.db_path())?;
        fs::File::open(self.dir())?.sync_all()?;
        write_atomically(&self.key_path(), &rotation.file.finish_rotation().to_json())?;
        let store = self.open_with(&rotation.key)?;
        Ok((store, rotation.recovery))
    }

    /// Opens with the keys a secret unlocked (`KeyFile::keys_for_*`), settling a rotation left
    /// half done (see the module's comment).
    pub(crate) fn open_settling(&self, file: &KeyFile, keys: [Option<DbKey>; 2]) -> Result<Store> {
        let [current, next] = keys;
        if !file.is_rotating() {
            return self.open_with(&current.ok_or(StoreError::WrongPassphrase)?);
        }
        if let Some(key) = current {
            match self.open_with(&key) {
                Ok(store) => {
                    self.remove_copy()?;
                    write_atomically(&self.key_path(), &file.abandon_rotation().to_json())?;
                    return Ok(store);
                }
                Err(StoreError::WrongPassphrase) => {}
                Err(e) => return Err(e),
            }
        }
        match next {
            Some(key) => {
                let store = self.open_with(&key)?;
                write_atomically(&self.key_path(), &file.finish_rotation().to_json())?;
                Ok(store)
            }
            None => Err(StoreError::WrongPassphrase),
        }
    }

    /// Removes a copy left by a rotation that did not complete (and its journal).
    fn remove_copy(&self) -> Result<()> {
        for name in [ROTATING_FILE, "salon.db.rotating-journal"] {
            remove_if_exists(&self.dir().join(name))?;
        }
        Ok(())
    }
}

fn remove_if_exists(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

impl Store {
    /// Copies the whole database, under `key`, into a new file at `path` (`sqlcipher_export`:
    /// every table, the search index's included, and the schema version).
    fn export_to(&self, path: &Path, key: &DbKey) -> Result<()> {
        crate::db::make_private(path)?;
        let path = path
            .to_str()
            .ok_or(StoreError::Damaged("data folder path"))?;
        self.conn.execute_batch(&key.attach_statement(path))?;
        let copied = (|| -> Result<()> {
            self.conn
                .query_row("SELECT sqlcipher_export('rotated')", [], |_| Ok(()))?;
            let version = crate::migrate::version(&self.conn)?;
            // A whole number, formatted: no text of ours reaches the statement.
            self.conn
                .execute_batch(&format!("PRAGMA rotated.user_version = {version}"))?;
            Ok(())
        })();
        self.conn.execute_batch("DETACH DATABASE rotated")?;
        copied
    }
}

#[cfg(test)]
mod tests;
