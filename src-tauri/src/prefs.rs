//! Preferences that say nothing about any person (language, auto-lock time, where backups go
//! and when the last one was made), kept in a small JSON file beside the database so the lock
//! screen can speak the supporter's language.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Code, IpcError};

const PREFS_FILE: &str = "preferences.json";
/// Auto-lock after this many idle minutes unless the supporter chose otherwise.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
const IDLE_MINUTES_RANGE: (u32, u32) = (1, 120);
/// Keep notes of students who left for this many years unless the supporter chose otherwise.
pub const DEFAULT_RETENTION_YEARS: u32 = 5;
const RETENTION_YEARS_RANGE: (u32, u32) = (1, 20);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Preferences {
    pub language: String,
    pub idle_minutes: u32,
    /// The folder backups are written to; the documents folder when unset.
    #[serde(default)]
    pub backup_folder: Option<String>,
    /// When the last backup was written (RFC 3339, UTC).
    #[serde(default)]
    pub last_backup_at: Option<String>,
    /// Notes of students who left more than this many years ago may be purged.
    #[serde(default = "default_retention_years")]
    pub retention_years: u32,
}

fn default_retention_years() -> u32 {
    DEFAULT_RETENTION_YEARS
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences {
            language: "ja".into(),
            idle_minutes: DEFAULT_IDLE_MINUTES,
            backup_folder: None,
            last_backup_at: None,
            retention_years: DEFAULT_RETENTION_YEARS,
        }
    }
}

impl Preferences {
    /// The folder the supporter chose for backups (a USB stick, say); none means the default,
    /// which is on this laptop.
    pub fn chosen_backup_folder(&self) -> Option<&str> {
        self.backup_folder
            .as_deref()
            .filter(|f| !f.trim().is_empty())
    }

    pub fn validate(self) -> Result<Self, IpcError> {
        if !matches!(self.language.as_str(), "ja" | "en") {
            return Err(IpcError::invalid(Code::InvalidChoice, "language"));
        }
        let (min, max) = IDLE_MINUTES_RANGE;
        if !(min..=max).contains(&self.idle_minutes) {
            return Err(IpcError::invalid(Code::OutOfRange, "idleMinutes"));
        }
        let (min, max) = RETENTION_YEARS_RANGE;
        if !(min..=max).contains(&self.retention_years) {
            return Err(IpcError::invalid(Code::OutOfRange, "retentionYears"));
        }
        Ok(self)
    }

    fn path(dir: &Path) -> PathBuf {
        dir.join(PREFS_FILE)
    }

    /// Reads the preferences; a missing or unreadable file gives the defaults.
    pub fn load(dir: &Path) -> Self {
        std::fs::read(Self::path(dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Preferences>(&bytes).ok())
            .and_then(|p| p.validate().ok())
            .unwrap_or_default()
    }

    pub fn save(&self, dir: &Path) -> Result<(), IpcError> {
        let bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        std::fs::create_dir_all(dir)
            .map_err(salon_store::StoreError::from)
            .and_then(|_| salon_store::write_atomically(&Self::path(dir), &bytes))
            .map_err(|_| IpcError::internal("could not save preferences"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_written_before_backups_existed_still_load() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(PREFS_FILE),
            br#"{"language":"en","idleMinutes":7}"#,
        )
        .unwrap();
        let p = Preferences::load(dir.path());
        assert_eq!(
            (p.language.as_str(), p.idle_minutes, p.backup_folder),
            ("en", 7, None)
        );
    }

    #[test]
    fn preferences_round_trip_and_fall_back_to_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Preferences::load(dir.path()), Preferences::default());
        let p = Preferences {
            language: "en".into(),
            idle_minutes: 10,
            backup_folder: Some("/media/usb/バックアップ".into()),
            last_backup_at: Some("2025-02-25T05:00:00Z".into()),
            retention_years: 3,
        }
        .validate()
        .unwrap();
        p.save(dir.path()).unwrap();
        assert_eq!(Preferences::load(dir.path()), p);
        std::fs::write(dir.path().join(PREFS_FILE), b"{broken").unwrap();
        assert_eq!(Preferences::load(dir.path()), Preferences::default());
    }

    #[test]
    fn bad_preferences_are_refused() {
        let bad = Preferences {
            language: "fr".into(),
            ..Preferences::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, Some("language"));
        let bad = Preferences {
            idle_minutes: 0,
            ..Preferences::default()
        };
        assert_eq!(bad.validate().unwrap_err().field, Some("idleMinutes"));
    }
}
