//! 引き継ぎ: this laptop's card and fingerprint, colleagues' cards, a caseload sealed to a
//! colleague, a colleague's package taken, the receipt imported, the record. Files travel by
//! USB stick or any channel: they are written (0600) to the folder the supporter chose (the
//! backup folder unless another is given) and read from the path picked or typed. What the
//! store refuses is told in the catalogue's words; nothing about a student is logged.

use std::path::{Path, PathBuf};

use salon_store::{
    HandoverRecord, HandoverRequest, KnownLaptop, Merge, PackageSummary, StoreError,
};
use serde::Serialize;
use tauri::{Runtime, State};

use crate::error::{Code, IpcError};
use crate::state::AppState;

/// The file extensions of what travels, so the pickers can show only the right files.
pub const CARD_EXTENSION: &str = "salon-card";
pub const PACKAGE_EXTENSION: &str = "salon-handover";
pub const RECEIPT_EXTENSION: &str = "salon-receipt";

/// A file kept no bigger than a package can be: a year of notes for a campus is a few MiB.
const LONGEST_FILE: u64 = 64 * 1024 * 1024;

/// This laptop's card as its screen shows it.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct MyCard {
    /// Twenty-four digits in six groups, to be read to a colleague.
    pub fingerprint: String,
}

/// A file written for the colleague.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Written {
    pub path: String,
}

/// A package sealed and written.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HandoverWritten {
    pub path: String,
    pub record: HandoverRecord,
}

/// A package taken: its record, and the receipt written for the sender.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PackageTaken {
    pub record: HandoverRecord,
    pub receipt_path: String,
}

#[tauri::command(async)]
pub fn my_laptop_card(state: State<'_, AppState>) -> Result<MyCard, IpcError> {
    state.with_store(|s| {
        Ok(MyCard {
            fingerprint: s.laptop_card("")?.fingerprint().to_string(),
        })
    })
}

/// 端末カードを書き出す: the card, named `label` (the supporter's name, say), into `folder`.
#[tauri::command(async)]
pub fn write_laptop_card<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    label: String,
    folder: Option<String>,
) -> Result<Written, IpcError> {
    let label = label.trim().to_owned();
    if label.is_empty() {
        return Err(IpcError::invalid(Code::Required, "label"));
    }
    let folder = folder_for(&app, &state, folder)?;
    let card = state.with_store(|s| Ok(s.laptop_card(&label)?))?;
    let path = folder.join(format!(
        "端末カード-{}.{CARD_EXTENSION}",
        safe_name(&card.label)
    ));
    write(&path, card.to_file().as_bytes())?;
    Ok(Written {
        path: path.to_string_lossy().into_owned(),
    })
}

/// 同僚の端末を登録: the card at `path`, when `fingerprint` (read from its owner's screen) is
/// its own.
#[tauri::command(async)]
pub fn import_laptop_card(
    state: State<'_, AppState>,
    path: String,
    fingerprint: String,
) -> Result<KnownLaptop, IpcError> {
    let text = read(&path)?;
    state
        .with_store(|s| Ok(s.import_laptop_card(&text, &fingerprint)?))
        .map_err(|e| about_fingerprint(e, "fingerprint"))
}

#[tauri::command(async)]
pub fn known_laptops(state: State<'_, AppState>) -> Result<Vec<KnownLaptop>, IpcError> {
    state.with_store(|s| Ok(s.known_laptops()?))
}

/// 引き継ぎファイルを作る: the caseload `request` names, sealed to the colleague as this
/// laptop's `my_label`, into `folder`.
#[tauri::command(async)]
pub fn seal_handover<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    request: HandoverRequest,
    my_label: String,
    folder: Option<String>,
) -> Result<HandoverWritten, IpcError> {
    let folder = folder_for(&app, &state, folder)?;
    let today = crate::clock::today_tokyo();
    let sealed = state
        .with_store(|s| {
            Ok(s.seal_handover(&request, my_label.trim(), crate::clock::now_utc(), today)?)
        })
        .map_err(|e| about_fingerprint(e, "typedFingerprint"))?;
    let path = folder.join(format!(
        "引き継ぎ-{}-{}.{PACKAGE_EXTENSION}",
        safe_name(&sealed.record.campus_name),
        today.format("%Y%m%d")
    ));
    if let Err(e) = write(&path, sealed.file.as_bytes()) {
        // Nothing reached the colleague: the students are not kept read-only for it.
        let _ = state.with_store(|s| Ok(s.cancel_handover(&sealed.record.id)?));
        return Err(e);
    }
    Ok(HandoverWritten {
        path: path.to_string_lossy().into_owned(),
        record: sealed.record,
    })
}

/// 引き継ぎファイルを開く: who sent what, before anything is taken.
#[tauri::command(async)]
pub fn open_package(state: State<'_, AppState>, path: String) -> Result<PackageSummary, IpcError> {
    let text = read(&path)?;
    state.with_store(|s| Ok(s.open_package(&text, crate::clock::now_utc())?))
}

/// 受け取る: the package at `path` joins the store; the receipt is written beside it.
#[tauri::command(async)]
pub fn accept_package(
    state: State<'_, AppState>,
    path: String,
    merges: Vec<Merge>,
) -> Result<PackageTaken, IpcError> {
    let text = read(&path)?;
    let (record, receipt) =
        state.with_store(|s| Ok(s.accept_package(&text, &merges, crate::clock::now_utc())?))?;
    let beside = Path::new(&path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let receipt_path = receipt_file(&beside, &record.campus_name);
    write(&receipt_path, receipt.as_bytes())?;
    Ok(PackageTaken {
        record,
        receipt_path: receipt_path.to_string_lossy().into_owned(),
    })
}

/// 受領書を取り込む: settles the handover the receipt at `path` names.
#[tauri::command(async)]
pub fn import_receipt(
    state: State<'_, AppState>,
    path: String,
) -> Result<HandoverRecord, IpcError> {
    let text = read(&path)?;
    state.with_store(|s| Ok(s.import_receipt(&text, crate::clock::today_tokyo())?))
}

#[tauri::command(async)]
pub fn cancel_handover(state: State<'_, AppState>, id: String) -> Result<HandoverRecord, IpcError> {
    state.with_store(|s| Ok(s.cancel_handover(&id)?))
}

/// 代理を終える: the students' records here can be written again.
#[tauri::command(async)]
pub fn end_cover(state: State<'_, AppState>, id: String) -> Result<HandoverRecord, IpcError> {
    state.with_store(|s| Ok(s.end_cover(&id)?))
}

/// 受領書をもう一度書き出す: the receipt of a package taken, into `folder` (a first file lost
/// or left on a stick that was pulled out).
#[tauri::command(async)]
pub fn write_receipt_again<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    folder: Option<String>,
) -> Result<Written, IpcError> {
    let folder = folder_for(&app, &state, folder)?;
    let (receipt, campus) = state.with_store(|s| {
        let campus = s
            .handovers()?
            .into_iter()
            .find(|h| h.id == id)
            .map(|h| h.campus_name)
            .unwrap_or_default();
        Ok((s.receipt_of(&id)?, campus))
    })?;
    let path = receipt_file(&folder, &campus);
    write(&path, receipt.as_bytes())?;
    Ok(Written {
        path: path.to_string_lossy().into_owned(),
    })
}

#[tauri::command(async)]
pub fn list_handovers(state: State<'_, AppState>) -> Result<Vec<HandoverRecord>, IpcError> {
    state.with_store(|s| Ok(s.handovers()?))
}

/// Where a receipt for the campus `campus` goes in `folder`.
fn receipt_file(folder: &Path, campus: &str) -> PathBuf {
    folder.join(format!(
        "受領書-{}-{}.{RECEIPT_EXTENSION}",
        safe_name(campus),
        crate::clock::today_tokyo().format("%Y%m%d")
    ))
}

/// A fingerprint that does not match is about the field it was typed in.
pub(crate) fn about_fingerprint(e: IpcError, field: &'static str) -> IpcError {
    if e.code == Code::FingerprintMismatch {
        e.about(field)
    } else {
        e
    }
}

fn folder_for<R: Runtime>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    folder: Option<String>,
) -> Result<PathBuf, IpcError> {
    let folder = match folder.filter(|f| !f.trim().is_empty()) {
        Some(f) => PathBuf::from(f.trim()),
        None => crate::reports::backup_folder(app, state),
    };
    std::fs::create_dir_all(&folder)
        .map_err(|_| IpcError::invalid(Code::BackupFolder, "folder"))?;
    Ok(folder)
}

fn read(path: &str) -> Result<String, IpcError> {
    let unreadable = || IpcError::from(StoreError::Handover(salon_handover::Refusal::Unreadable));
    let path = Path::new(path.trim());
    let size = std::fs::metadata(path)
        .map_err(|_| IpcError::invalid(Code::NotFound, "path"))?
        .len();
    if size > LONGEST_FILE {
        return Err(unreadable().about("path"));
    }
    std::fs::read_to_string(path).map_err(|_| unreadable().about("path"))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), IpcError> {
    salon_store::write_atomically(path, bytes).map_err(|e| match e {
        StoreError::DiskFull => IpcError::from(StoreError::BackupDiskFull),
        _ => IpcError::invalid(Code::BackupFolder, "folder"),
    })
}

/// A name fit for a file on any system: no separators or reserved characters.
fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(40)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').to_owned();
    if cleaned.is_empty() {
        "salon".into()
    } else {
        cleaned
    }
}
