//! Backups: one file holding the key file (the database key sealed under the passphrase and
//! the recovery key) and the encrypted database exactly as it is on disk. Nothing in it is
//! readable without the passphrase or the recovery key; a checksum guards against a damaged
//! copy; it is written atomically, and a restore checks the secret before writing anything.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::keys::KeyFile;
use crate::vault::{create_private_dir, write_atomically, Store, Vault, DB_FILE, KEY_FILE};

const MAGIC: &[u8; 24] = b"CAREER-SALON-BACKUP-v1\n\0";
const CHUNK: usize = 1 << 20;

/// The secret that opens a backup being restored.
#[derive(Clone, Copy)]
pub enum RestoreSecret<'a> {
    Passphrase(&'a str),
    RecoveryKey(&'a str),
}

/// Says which kind of secret it is, never the secret.
impl std::fmt::Debug for RestoreSecret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestoreSecret::Passphrase(_) => f.write_str("RestoreSecret::Passphrase(..)"),
            RestoreSecret::RecoveryKey(_) => f.write_str("RestoreSecret::RecoveryKey(..)"),
        }
    }
}

/// What a written backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub path: PathBuf,
    pub bytes: u64,
}

impl Store {
    /// Writes a backup to `to`. `progress(done, total)` is called as the database is copied.
    /// The caller holds the store, so nothing is written to the database meanwhile.
    pub fn write_backup(
        &self,
        to: &Path,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<BackupInfo> {
        // Everything committed goes into the main file, so the copy is complete.
        self.conn
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        let db_path = PathBuf::from(
            self.conn
                .path()
                .ok_or(StoreError::Damaged("database path"))?,
        );
        let dir = db_path
            .parent()
            .ok_or(StoreError::Damaged("database path"))?;
        let keys = fs::read(dir.join(KEY_FILE))?;
        let mut db = fs::File::open(&db_path)?;
        let total = db.metadata()?.len();

        let mut out = Vec::with_capacity(total as usize + keys.len() + 128);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
        out.extend_from_slice(&keys);
        out.extend_from_slice(&total.to_le_bytes());
        let mut buf = vec![0u8; CHUNK];
        let mut done = 0u64;
        progress(0, total);
        loop {
            let n = db.read(&mut buf)?;
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            done += n as u64;
            progress(done, total);
        }
        if done != total {
            return Err(StoreError::Damaged("database changed during backup"));
        }
        let digest = Sha256::digest(&out);
        out.extend_from_slice(&digest);
        write_atomically(to, &out).map_err(|e| match e {
            StoreError::DiskFull => StoreError::BackupDiskFull,
            e => e,
        })?;
        Ok(BackupInfo {
            path: to.to_path_buf(),
            bytes: out.len() as u64,
        })
    }
}

/// The parts of a backup file, checked.
struct Backup {
    keys: Vec<u8>,
    db: Vec<u8>,
}

fn read_backup(from: &Path) -> Result<Backup> {
    let mut bytes = Vec::new();
    fs::File::open(from)?.read_to_end(&mut bytes)?;
    let damaged = || StoreError::BackupDamaged;
    if bytes.len() < MAGIC.len() + 4 + 8 + 32 || !bytes.starts_with(MAGIC) {
        return Err(damaged());
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err(damaged());
    }
    let mut at = MAGIC.len();
    let key_len = u32::from_le_bytes(body[at..at + 4].try_into().map_err(|_| damaged())?) as usize;
    at += 4;
    let keys = body.get(at..at + key_len).ok_or_else(damaged)?.to_vec();
    at += key_len;
    let db_len = u64::from_le_bytes(
        body.get(at..at + 8)
            .ok_or_else(damaged)?
            .try_into()
            .map_err(|_| damaged())?,
    );
    at += 8;
    let db = body.get(at..).ok_or_else(damaged)?;
    if db.len() as u64 != db_len {
        return Err(damaged());
    }
    Ok(Backup {
        keys,
        db: db.to_vec(),
    })
}

impl Vault {
    /// Restores a backup into this (new, empty) installation and opens it. The secret is
    /// checked against the backup's key file before anything is written.
    pub fn restore_backup(&self, from: &Path, secret: RestoreSecret<'_>) -> Result<Store> {
        if self.is_initialized() {
            return Err(StoreError::AlreadyInitialized);
        }
        crate::folder::check_data_folder(self.dir())?;
        let backup = read_backup(from)?;
        let key_file = KeyFile::from_json(&backup.keys)?;
        match secret {
            RestoreSecret::Passphrase(p) => key_file.unlock(p)?,
            RestoreSecret::RecoveryKey(r) => key_file.unlock_with_recovery(r)?,
        };
        // Private like a folder made at setup: only the supporter's account may look inside.
        create_private_dir(self.dir())?;
        for stale in ["-wal", "-shm"] {
            let _ = fs::remove_file(self.dir().join(format!("{DB_FILE}{stale}")));
        }
        // The database first: a key file without its database would look like a set-up
        // installation with nothing in it.
        let opened = write_atomically(&self.db_path(), &backup.db)
            .and_then(|()| write_atomically(&self.dir().join(KEY_FILE), &backup.keys))
            .and_then(|()| match secret {
                RestoreSecret::Passphrase(p) => self.unlock(p),
                RestoreSecret::RecoveryKey(r) => self.unlock_with_recovery(r),
            });
        if opened.is_err() {
            // A database that does not open (damaged inside a whole backup) or a disk that
            // filled up: the new installation is left as it was, empty, to try again.
            let _ = fs::remove_file(self.dir().join(KEY_FILE));
            for suffix in ["", "-wal", "-shm"] {
                let _ = fs::remove_file(self.dir().join(format!("{DB_FILE}{suffix}")));
            }
        }
        opened
    }
}

/// Writes nothing but tells whether a file looks like a backup (for the restore screen's list).
pub fn is_backup_file(path: &Path) -> bool {
    let mut head = [0u8; MAGIC.len()];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .map(|_| &head == MAGIC)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::tests::{campus_input, fresh_store, student_input, PASS};

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_backup_restores_into_a_new_installation_and_reveals_nothing() {
        let (dir, mut store) = fresh_store();
        let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let secret_name = "CANARY-バックアップ-生徒";
        store
            .save_student(&student_input(campus.id, secret_name))
            .unwrap();
        store.save_draft("visit:new:1", "CANARY-下書き").unwrap();
        let file = dir.path().join("backup.salonbackup");
        let mut calls = Vec::new();
        let info = store
            .write_backup(&file, |done, total| calls.push((done, total)))
            .unwrap();
        assert_eq!(info.bytes, fs::metadata(&file).unwrap().len());
        assert_eq!(calls.first().map(|c| c.0), Some(0));
        assert_eq!(calls.last().map(|c| c.0), calls.last().map(|c| c.1));

        let bytes = fs::read(&file).unwrap();
        assert!(!contains(&bytes, b"SQLite format 3"));
        for secret in [secret_name, "CANARY-下書き", PASS] {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{secret} in the backup"
            );
        }

        let fresh = tempfile::tempdir().unwrap();
        let vault = Vault::new(fresh.path().join("data"));
        assert!(matches!(
            vault.restore_backup(&file, RestoreSecret::Passphrase("ちがうパスフレーズです")),
            Err(StoreError::WrongPassphrase)
        ));
        assert!(!vault.is_initialized(), "a wrong passphrase writes nothing");
        let restored = vault
            .restore_backup(&file, RestoreSecret::Passphrase(PASS))
            .unwrap();
        assert_eq!(restored.campuses().unwrap(), vec![campus]);
        assert_eq!(restored.students(None, "CANARY").unwrap().len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(vault.dir()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "the restored data folder is private");
        }
        assert_eq!(
            restored.draft("visit:new:1").unwrap().as_deref(),
            Some("CANARY-下書き")
        );
        assert!(matches!(
            vault.restore_backup(&file, RestoreSecret::Passphrase(PASS)),
            Err(StoreError::AlreadyInitialized)
        ));
    }

    #[test]
    fn a_restore_secret_never_shows_in_debug() {
        for secret in [
            RestoreSecret::Passphrase(PASS),
            RestoreSecret::RecoveryKey("ABCD-EFGH-IJKL-MNOP"),
        ] {
            let shown = format!("{secret:?} {secret:#?}");
            assert!(!shown.contains(PASS) && !shown.contains("ABCD"), "{shown}");
        }
    }

    #[test]
    fn a_damaged_backup_is_refused() {
        let (dir, store) = fresh_store();
        let file = dir.path().join("backup.salonbackup");
        store.write_backup(&file, |_, _| {}).unwrap();
        let mut bytes = fs::read(&file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        fs::write(&file, &bytes).unwrap();
        assert!(!is_backup_file(&dir.path().join("keys.json")));
        assert!(is_backup_file(&file));
        let fresh = tempfile::tempdir().unwrap();
        let vault = Vault::new(fresh.path());
        assert!(matches!(
            vault.restore_backup(&file, RestoreSecret::Passphrase(PASS)),
            Err(StoreError::BackupDamaged)
        ));
        assert!(!vault.is_initialized());
    }
}
