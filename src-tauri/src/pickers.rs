//! The OS's own pickers for the backup folder and for the backup to restore, so that nobody
//! types 「E:\キャリアサロン」 by hand. The picker only answers a path: the UI then hands it to
//! the command that checks and uses it (`set_backup_folder`, `restore_backup`), the same
//! command a typed path goes to. The webview itself gets no permission to open dialogs.

use std::path::{Path, PathBuf};

use tauri::{Runtime, State};
use tauri_plugin_dialog::{DialogExt, FileDialogBuilder};

use crate::error::IpcError;
use crate::reports::{backup_folder, BACKUP_EXTENSION};
use crate::state::AppState;

/// 保存先を選ぶ: a folder, starting where backups go now. None when the supporter cancels.
#[tauri::command(async)]
pub fn pick_backup_folder<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    title: String,
) -> Result<Option<String>, IpcError> {
    let picked = starting_where_backups_go(&app, &state, title).blocking_pick_folder();
    Ok(picked.and_then(|p| p.as_path().map(|p| p.to_string_lossy().into_owned())))
}

/// ファイルを選ぶ: a backup file, before setup too (a new laptop restores from one).
#[tauri::command(async)]
pub fn pick_backup_file<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
) -> Result<Option<String>, IpcError> {
    Ok(pick_file(
        &app,
        &state,
        title,
        filter_name,
        BACKUP_EXTENSION,
    ))
}

/// ファイルを選ぶ: a colleague's card, a handover package or a receipt (`kind`: `card`,
/// `package`, `receipt`), looked for where backups go (a USB stick, usually).
#[tauri::command(async)]
pub fn pick_handover_file<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    title: String,
    filter_name: String,
    kind: String,
) -> Result<Option<String>, IpcError> {
    let extension = match kind.as_str() {
        "card" => crate::handover::CARD_EXTENSION,
        "package" => crate::handover::PACKAGE_EXTENSION,
        _ => crate::handover::RECEIPT_EXTENSION,
    };
    Ok(pick_file(&app, &state, title, filter_name, extension))
}

/// A file of the kind `extension` names, picked where backups go; None when cancelled.
fn pick_file<R: Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    title: String,
    filter_name: String,
    extension: &str,
) -> Option<String> {
    let picked = starting_where_backups_go(app, state, title)
        .add_filter(filter_name, &[extension])
        .blocking_pick_file();
    picked.and_then(|p| p.as_path().map(|p| p.to_string_lossy().into_owned()))
}

/// A picker titled in the app's language, opened at the backup folder.
fn starting_where_backups_go<R: Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    title: String,
) -> FileDialogBuilder<R> {
    app.dialog()
        .file()
        .set_title(title)
        .set_directory(nearest_existing(&backup_folder(app, state)))
}

/// The folder itself, or the nearest of its parents that exists (a USB stick may be out).
fn nearest_existing(folder: &Path) -> PathBuf {
    folder
        .ancestors()
        .find(|p| p.is_dir())
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
