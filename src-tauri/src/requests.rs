//! A request about one student: 開示用に書き出す writes everything held about them to one HTML
//! file in the backup folder (the supporter's USB stick, say), in the catalogue's words; この生徒の
//! データを削除 deletes their data as the retention purge does. Both are logged without content.

use std::path::PathBuf;
use std::sync::OnceLock;

use salon_store::retention::PurgeResult;
use serde::Serialize;
use serde_json::Value;
use tauri::{Runtime, State};

use crate::error::{Code, IpcError};
use crate::state::AppState;

/// The Japanese catalogue, for the words of the codes in a disclosure.
const CATALOGUES: [&str; 2] = [
    include_str!("../../ui/i18n/ja.json"),
    include_str!("../../ui/i18n/ja.care.json"),
];

/// The catalogues, parsed once (a disclosure asks for a word per visit, topic and appointment).
fn catalogues() -> &'static [Value] {
    static PARSED: OnceLock<Vec<Value>> = OnceLock::new();
    PARSED.get_or_init(|| {
        CATALOGUES
            .iter()
            .filter_map(|c| serde_json::from_str(c).ok())
            .collect()
    })
}

/// `kind.code` (`route.self`, `care.status.kept`) in the Japanese catalogue; the code itself
/// when the catalogue has no such word.
fn label(kind: &str, code: &str) -> String {
    let path: Vec<&str> = kind.split('.').chain([code]).collect();
    catalogues()
        .iter()
        .find_map(|v| {
            path.iter()
                .try_fold(v, |at, key| at.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| code.to_owned())
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct DisclosureWritten {
    path: String,
}

/// 開示用に書き出す: the file is written (0600) to the backup folder.
#[tauri::command(async)]
pub fn disclose_student<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    student_id: i64,
) -> Result<DisclosureWritten, IpcError> {
    let folder: PathBuf = crate::reports::backup_folder(&app, &state);
    std::fs::create_dir_all(&folder)
        .map_err(|_| IpcError::invalid(Code::BackupFolder, "folder"))?;
    let now = crate::clock::now_tokyo();
    let path = folder.join(format!(
        "kaiji-{student_id}-{}.html",
        now.format("%Y%m%d-%H%M%S")
    ));
    let made_on = now.format("%Y年%-m月%-d日").to_string();
    state.with_store(|s| {
        let disclosure = s.disclose_student(student_id)?;
        let html = salon_store::disclosure_html(&disclosure, &label, &made_on);
        salon_store::write_atomically(&path, html.as_bytes())?;
        Ok(())
    })?;
    Ok(DisclosureWritten {
        path: path.to_string_lossy().into_owned(),
    })
}

/// この生徒のデータを削除: the retention purge for one student, now.
#[tauri::command(async)]
pub fn erase_student(state: State<'_, AppState>, student_id: i64) -> Result<PurgeResult, IpcError> {
    state.with_store(|s| Ok(s.erase_student(student_id)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The disclosure speaks the app's words: every code it names has them in the catalogue.
    #[test]
    fn the_disclosures_codes_have_their_japanese_words() {
        assert_eq!(label("route", "self"), "自発");
        assert_eq!(label("care.status", "kept"), "来談");
        for topic in salon_core::Topic::ALL {
            assert_ne!(label("topic", topic.code()), topic.code(), "{topic:?}");
        }
        for path in salon_core::PathStatus::ALL {
            assert_ne!(label("pathStatus", path.code()), path.code(), "{path:?}");
        }
    }
}
