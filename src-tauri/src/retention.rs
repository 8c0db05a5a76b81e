//! Purging the notes of students who left long ago (N years, set by the supporter); their
//! visits still count.

use salon_store::retention::{PurgeResult, RetentionCandidate};
use serde::Serialize;
use tauri::State;

use crate::clock::today_tokyo;
use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPreview {
    years: u32,
    candidates: Vec<RetentionCandidate>,
}

fn years(state: &AppState) -> u32 {
    state
        .prefs
        .lock()
        .map(|p| p.retention_years)
        .unwrap_or(crate::prefs::DEFAULT_RETENTION_YEARS)
}

#[tauri::command(async)]
pub fn retention_preview(state: State<'_, AppState>) -> Result<RetentionPreview, IpcError> {
    let years = years(&state);
    let candidates = state.with_store(|s| Ok(s.retention_candidates(years, today_tokyo())?))?;
    Ok(RetentionPreview { years, candidates })
}

#[tauri::command(async)]
pub fn set_retention_years(state: State<'_, AppState>, years: u32) -> Result<(), IpcError> {
    state.touch();
    state.update_prefs(|p| p.retention_years = years)?;
    Ok(())
}

/// Purges after the supporter confirmed the list they saw; `expected` is how many students
/// that list held, so a list that changed meanwhile is not purged blindly.
#[tauri::command(async)]
pub fn purge_old_notes(state: State<'_, AppState>, expected: u32) -> Result<PurgeResult, IpcError> {
    let years = years(&state);
    state.with_store(|s| Ok(s.purge_old_notes(years, today_tokyo(), expected as usize)?))
}
