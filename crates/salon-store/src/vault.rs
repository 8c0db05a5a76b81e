//! The data folder: where the key file and the database live, and how they are opened.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::db;
use crate::error::{Result, StoreError};
use crate::folder::check_data_folder;
use crate::keys::{DbKey, KeyFile, RecoveryKey};

/// The key file's name in the data folder.
pub const KEY_FILE: &str = "keys.json";
/// The database's name in the data folder.
pub const DB_FILE: &str = "salon.db";

/// The data folder of one installation.
#[derive(Debug, Clone)]
pub struct Vault {
    dir: PathBuf,
}

/// The open, unlocked database. Dropping it closes the connection, which is locking.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
}

impl Vault {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Vault { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether first-run setup has happened (the key file exists).
    pub fn is_initialized(&self) -> bool {
        self.key_path().exists()
    }

    /// First run: makes the database key, seals it, writes the key file, then creates the
    /// database. The key file comes first so that a crash between the two leaves a state that
    /// unlocks (to an empty database) rather than a database nobody can open.
    pub fn create(&self, passphrase: &str, confirm: &str) -> Result<(Store, RecoveryKey)> {
        if self.is_initialized() {
            return Err(StoreError::AlreadyInitialized);
        }
        check_data_folder(&self.dir)?;
        let (file, key, recovery) = KeyFile::create(passphrase, confirm)?;
        create_private_dir(&self.dir)?;
        self.set_aside_orphan_database()?;
        write_atomically(&self.key_path(), &file.to_json())?;
        let store = self.open_with(&key)?;
        // Made with the data folder, so every backup carries them.
        crate::noise_key::noise_key(&store.conn)?;
        crate::laptop_keys::laptop_keys(&store.conn)?;
        Ok((store, recovery))
    }

    /// Unlocks with the passphrase. A wrong one changes nothing on disk. A rotation of the
    /// keys left half done is settled first (`rotation.rs`).
    pub fn unlock(&self, passphrase: &str) -> Result<Store> {
        let file = self.key_file()?;
        let keys = file.keys_for_passphrase(passphrase)?;
        self.open_settling(&file, keys)
    }

    /// Unlocks with the recovery key (the one written down at setup, or shown at the last
    /// rotation of the keys).
    pub fn unlock_with_recovery(&self, recovery_key: &str) -> Result<Store> {
        let file = self.key_file()?;
        let keys = file.keys_for_recovery(recovery_key)?;
        self.open_settling(&file, keys)
    }

    /// Re-seals the database key under a new passphrase; the database is untouched.
    pub fn change_passphrase(&self, current: &str, next: &str, confirm: &str) -> Result<()> {
        let changed = self.key_file()?.change_passphrase(current, next, confirm)?;
        write_atomically(&self.key_path(), &changed.to_json())
    }

    pub(crate) fn open_with(&self, key: &DbKey) -> Result<Store> {
        check_data_folder(&self.dir)?;
        Ok(Store {
            conn: db::open(&self.db_path(), key)?,
        })
    }

    pub(crate) fn key_file(&self) -> Result<KeyFile> {
        match fs::read(self.key_path()) {
            Ok(bytes) => KeyFile::from_json(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotInitialized),
            Err(e) => Err(e.into()),
        }
    }

    /// A database without a key file can never be opened; keep it aside rather than delete it.
    fn set_aside_orphan_database(&self) -> Result<()> {
        let db = self.db_path();
        if db.exists() {
            let stamp = crate::rows::now().format("%Y%m%dT%H%M%SZ");
            fs::rename(&db, self.dir.join(format!("{DB_FILE}.orphaned-{stamp}")))?;
            for suffix in ["-wal", "-shm"] {
                let _ = fs::remove_file(self.dir.join(format!("{DB_FILE}{suffix}")));
            }
        }
        Ok(())
    }

    pub(crate) fn key_path(&self) -> PathBuf {
        self.dir.join(KEY_FILE)
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }
}

impl Store {
    /// Locks: folds the WAL back into the database and closes the connection. SQLCipher wipes
    /// its copy of the key on close.
    pub fn close(self) -> Result<()> {
        self.conn
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")?;
        self.conn.close().map_err(|(_, e)| StoreError::from(e))
    }

    /// The schema version; for migration tests.
    pub fn schema_version(&self) -> Result<usize> {
        crate::migrate::version(&self.conn)
    }
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes a file so that a crash leaves either the old or the new content, never a mix.
/// A write that fails (a full disk) leaves no temporary file behind to fill it further.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let written = (|| -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e.into());
    }
    if let Some(parent) = path.parent() {
        // The rename itself is durable only once the folder is synced.
        fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use salon_core::{CampusInput, StudentInput};

    pub(crate) const PASS: &str = "さくら咲くキャンパス2025";

    pub(crate) fn fresh_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let (store, _) = Vault::new(dir.path()).create(PASS, PASS).unwrap();
        (dir, store)
    }

    pub(crate) fn campus_input(name: &str, weekday: i64) -> CampusInput {
        CampusInput {
            id: None,
            name: name.into(),
            weekday,
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: None,
        }
    }

    pub(crate) fn student_input(campus_id: i64, name: &str) -> StudentInput {
        StudentInput {
            id: None,
            display_name: name.into(),
            grade: Some(3),
            campus_id,
            enrolment: "enrolled".into(),
            path_status: "undecided".into(),
            path_decided_on: None,
        }
    }

    /// A visit that came by itself about 就職, 30 minutes, with nothing written.
    pub(crate) fn visit_input(session_id: i64, student_id: Option<i64>) -> salon_core::VisitInput {
        salon_core::VisitInput {
            id: None,
            session_id,
            student_id,
            new_student: None,
            route: "self".into(),
            topics: vec!["job_search".into()],
            minutes: 30,
            note: String::new(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        }
    }

    fn file_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut out: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.clone(), fs::read(&p).unwrap()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn setup_then_unlock_with_passphrase_or_recovery_key() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path().join("data"));
        assert!(!vault.is_initialized());
        assert!(matches!(
            vault.unlock(PASS),
            Err(StoreError::NotInitialized)
        ));
        let (mut store, recovery) = vault.create(PASS, PASS).unwrap();
        store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        store.close().unwrap();
        assert!(matches!(
            vault.create(PASS, PASS),
            Err(StoreError::AlreadyInitialized)
        ));
        assert_eq!(vault.unlock(PASS).unwrap().campuses().unwrap().len(), 1);
        let store = vault.unlock_with_recovery(recovery.display()).unwrap();
        assert_eq!(store.campuses().unwrap()[0].name, "柏キャンパス");
    }

    /// Every file the app makes in the data folder is the supporter's alone (0600), the folder
    /// 0700: while open (the WAL and shared memory beside the database), after locking, and
    /// for a folder whose database an older version left 0644.
    #[cfg(unix)]
    #[test]
    fn every_file_in_the_data_folder_is_the_supporters_alone() {
        use std::os::unix::fs::PermissionsExt;
        let modes = |dir: &Path| -> Vec<(String, u32)> {
            let mut out: Vec<(String, u32)> = fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap())
                .map(|e| {
                    let mode = e.metadata().unwrap().permissions().mode() & 0o777;
                    (e.file_name().to_string_lossy().into_owned(), mode)
                })
                .collect();
            out.sort();
            out
        };
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path().join("data"));
        let (mut store, _) = vault.create(PASS, PASS).unwrap();
        store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        let open = modes(vault.dir());
        assert!(open.iter().any(|(n, _)| n.ends_with("-wal")), "{open:?}");
        assert!(open.iter().all(|(_, m)| *m == 0o600), "{open:?}");
        store.close().unwrap();
        assert!(modes(vault.dir()).iter().all(|(_, m)| *m == 0o600));
        let folder = fs::metadata(vault.dir()).unwrap().permissions().mode() & 0o777;
        assert_eq!(folder, 0o700);
        // An older version's database, 0644: made private when it is next opened.
        fs::set_permissions(vault.db_path(), fs::Permissions::from_mode(0o644)).unwrap();
        let store = vault.unlock(PASS).unwrap();
        assert!(modes(vault.dir()).iter().all(|(_, m)| *m == 0o600));
        drop(store);
    }

    #[test]
    fn a_wrong_passphrase_changes_nothing_on_disk() {
        let (dir, store) = fresh_store();
        store.close().unwrap();
        let before = file_bytes(dir.path());
        let vault = Vault::new(dir.path());
        assert!(matches!(
            vault.unlock("まちがった合言葉です"),
            Err(StoreError::WrongPassphrase)
        ));
        assert!(matches!(
            vault.unlock_with_recovery("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH"),
            Err(StoreError::WrongRecoveryKey)
        ));
        assert!(matches!(
            vault.change_passphrase(
                "まちがった合言葉です",
                "あたらしい合言葉",
                "あたらしい合言葉"
            ),
            Err(StoreError::WrongPassphrase)
        ));
        assert_eq!(file_bytes(dir.path()), before);
    }

    #[test]
    fn changing_the_passphrase_does_not_rewrite_the_database() {
        let (dir, mut store) = fresh_store();
        store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
        store.close().unwrap();
        let vault = Vault::new(dir.path());
        let db_before = fs::read(vault.db_path()).unwrap();
        let next = "あたらしい合言葉です";
        vault.change_passphrase(PASS, next, next).unwrap();
        assert_eq!(fs::read(vault.db_path()).unwrap(), db_before);
        assert!(matches!(
            vault.unlock(PASS),
            Err(StoreError::WrongPassphrase)
        ));
        assert_eq!(vault.unlock(next).unwrap().campuses().unwrap().len(), 1);
        assert!(!dir.path().join("keys.tmp").exists());
    }

    #[test]
    fn the_database_is_not_plain_sqlite() {
        let (dir, store) = fresh_store();
        store.close().unwrap();
        let db = fs::read(dir.path().join(DB_FILE)).unwrap();
        assert!(db.len() >= 16);
        assert_ne!(&db[..16], b"SQLite format 3\0");
        // And plain SQLite (no key) cannot read it.
        let plain = Connection::open(dir.path().join(DB_FILE)).unwrap();
        assert!(plain
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .is_err());
    }

    #[test]
    fn an_orphan_database_is_set_aside_not_deleted() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(DB_FILE), b"left from an interrupted setup").unwrap();
        let (store, _) = Vault::new(dir.path()).create(PASS, PASS).unwrap();
        drop(store);
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("salon.db.orphaned-")),
            "{names:?}"
        );
    }

    #[test]
    fn migrations_take_an_empty_database_to_the_latest_version() {
        let (_dir, store) = fresh_store();
        assert_eq!(store.schema_version().unwrap(), crate::LATEST_VERSION);
        let fk: i64 = store
            .conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        let sync: i64 = store
            .conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!((fk, sync, mode.as_str()), (1, 2, "wal"));
    }
}
