//! Reports the supporter gives away (the teacher report, the monthly activity report) and
//! backups: writing one with progress, listing them, and restoring one into a new installation.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use salon_core::parse_date;
use salon_store::backup::{is_backup_file, RestoreSecret};
use salon_store::reports::{ActivityReport, TeacherReport};
use serde::Serialize;
use tauri::{Emitter, Manager, Runtime, State};
use zeroize::Zeroizing;

use crate::error::{Code, IpcError};
use crate::state::AppState;

/// The event the UI listens for while a backup is written: `{done, total}` in bytes.
pub const BACKUP_PROGRESS_EVENT: &str = "salon://backup-progress";

/// What `BACKUP_PROGRESS_EVENT` carries while a backup is written: bytes written of all.
#[derive(Debug, Clone, Copy, Serialize, ts_rs::TS)]
pub struct BackupProgress {
    pub done: u64,
    pub total: u64,
}
/// Backup files end with this, so the restore screen can list them.
pub(crate) const BACKUP_EXTENSION: &str = "salonbackup";

fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), IpcError> {
    let from = parse_date("from", from).map_err(salon_store::StoreError::from)?;
    let to = parse_date("to", to).map_err(salon_store::StoreError::from)?;
    Ok((from, to))
}

#[tauri::command(async)]
pub fn teacher_report(
    state: State<'_, AppState>,
    campus_id: i64,
    from: String,
    to: String,
) -> Result<TeacherReport, IpcError> {
    let (from, to) = period(&from, &to)?;
    state.with_store(|s| Ok(s.teacher_report(campus_id, from, to)?))
}

#[tauri::command(async)]
pub fn activity_report(
    state: State<'_, AppState>,
    from: String,
    to: String,
) -> Result<ActivityReport, IpcError> {
    let (from, to) = period(&from, &to)?;
    state.with_store(|s| Ok(s.activity_report(from, to)?))
}

/// One backup file found in the backup folder.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupFile {
    path: String,
    name: String,
    bytes: u64,
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    folder: String,
    last_backup_at: Option<String>,
    files: Vec<BackupFile>,
}

/// Where backups go: the chosen folder, else `キャリアサロン バックアップ` in the documents folder.
pub(crate) fn backup_folder<R: Runtime>(app: &tauri::AppHandle<R>, state: &AppState) -> PathBuf {
    let chosen = state
        .prefs
        .lock()
        .ok()
        .and_then(|p| p.chosen_backup_folder().map(PathBuf::from));
    match chosen {
        Some(folder) => folder,
        None => app
            .path()
            .document_dir()
            .or_else(|_| app.path().home_dir())
            .unwrap_or_else(|_| PathBuf::from("."))
            .join("キャリアサロン バックアップ"),
    }
}

fn list_backups(folder: &Path) -> Vec<BackupFile> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut files: Vec<BackupFile> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == BACKUP_EXTENSION) && is_backup_file(p))
        .map(|p| BackupFile {
            bytes: std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0),
            name: p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: p.to_string_lossy().into_owned(),
        })
        .collect();
    // Names carry the time, so the newest sorts first.
    files.sort_by(|a, b| b.name.cmp(&a.name));
    files
}

/// Where backups go, when the last was made, and the backups there (also before setup, for a
/// new installation to restore from).
#[tauri::command(async)]
pub fn backup_status<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<BackupStatus, IpcError> {
    let folder = backup_folder(&app, &state);
    Ok(BackupStatus {
        last_backup_at: state
            .prefs
            .lock()
            .ok()
            .and_then(|p| p.last_backup_at.clone()),
        files: list_backups(&folder),
        folder: folder.to_string_lossy().into_owned(),
    })
}

#[tauri::command(async)]
pub fn set_backup_folder(state: State<'_, AppState>, folder: String) -> Result<(), IpcError> {
    let folder = folder.trim().to_owned();
    if !folder.is_empty() && !Path::new(&folder).is_absolute() {
        return Err(IpcError::invalid(Code::InvalidChoice, "folder"));
    }
    state.update_prefs(|p| p.backup_folder = (!folder.is_empty()).then_some(folder))?;
    Ok(())
}

#[tauri::command(async)]
pub fn write_backup<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<BackupFile, IpcError> {
    let folder = backup_folder(&app, &state);
    std::fs::create_dir_all(&folder)
        .map_err(|_| IpcError::invalid(Code::BackupFolder, "folder"))?;
    let now = crate::clock::now_utc();
    let stamp = crate::clock::now_tokyo().format("%Y%m%d-%H%M%S");
    let path = folder.join(format!("career-salon-{stamp}.{BACKUP_EXTENSION}"));
    let info = state.with_store(|s| {
        Ok(s.write_backup(&path, |done, total| {
            let _ = app.emit(BACKUP_PROGRESS_EVENT, BackupProgress { done, total });
        })?)
    })?;
    state.update_prefs(|p| {
        p.last_backup_at = Some(now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    })?;
    Ok(BackupFile {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: info.path.to_string_lossy().into_owned(),
        bytes: info.bytes,
    })
}

/// A new installation restored from a backup; the store is then open.
#[tauri::command]
pub async fn restore_backup(
    state: State<'_, AppState>,
    path: String,
    passphrase: Option<String>,
    recovery_key: Option<String>,
) -> Result<(), IpcError> {
    let vault = state.vault.clone();
    let passphrase = passphrase.map(Zeroizing::new);
    let recovery_key = recovery_key.map(Zeroizing::new);
    let store = tauri::async_runtime::spawn_blocking(move || {
        let secret = match (&passphrase, &recovery_key) {
            (Some(p), _) => RestoreSecret::Passphrase(p),
            (None, Some(r)) => RestoreSecret::RecoveryKey(r),
            (None, None) => return Err(salon_store::StoreError::WrongPassphrase),
        };
        vault.restore_backup(Path::new(&path), secret)
    })
    .await
    .map_err(|_| IpcError::internal("restore failed"))??;
    state.put_store(store);
    Ok(())
}
