//! The commands the UI calls. Each parses its input, calls the store, and maps errors; the
//! rules live in salon-core and salon-store.

use salon_core::{Campus, CampusInput, SalonSession, SessionOpen, Student, StudentInput, Visit};
use salon_store::Vault;
use serde::Serialize;
use tauri::{Runtime, State};
use zeroize::Zeroizing;

use crate::clock::{now_tokyo, today_tokyo};
use crate::error::IpcError;
use crate::prefs::Preferences;
use crate::state::AppState;

type Answer<T> = Result<T, IpcError>;

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppStatus {
    initialized: bool,
    unlocked: bool,
    language: String,
    idle_minutes: u32,
    /// When the last backup was written (RFC 3339), for the reminder on Today.
    last_backup_at: Option<String>,
    /// Backups go to a folder the supporter chose, not the default on this laptop (the
    /// first-run list on Today).
    backup_folder_chosen: bool,
}

#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> Answer<AppStatus> {
    let prefs = state.prefs.lock().map(|p| p.clone()).unwrap_or_default();
    Ok(AppStatus {
        initialized: state.vault.is_initialized(),
        unlocked: state.is_unlocked(),
        backup_folder_chosen: prefs.chosen_backup_folder().is_some(),
        language: prefs.language,
        idle_minutes: prefs.idle_minutes,
        last_backup_at: prefs.last_backup_at,
    })
}

#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupDone {
    recovery_key: String,
}

/// The recovery key is shown once, to the supporter, and never in a log.
impl std::fmt::Debug for SetupDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SetupDone { recovery_key: .. }")
    }
}

/// Argon2id takes a noticeable moment by design: run it off the UI thread.
async fn with_vault<T: Send + 'static>(
    state: &State<'_, AppState>,
    f: impl FnOnce(&Vault) -> salon_store::Result<T> + Send + 'static,
) -> Answer<T> {
    let vault = state.vault.clone();
    tauri::async_runtime::spawn_blocking(move || f(&vault))
        .await
        .map_err(|_| IpcError::internal("key derivation failed"))?
        .map_err(IpcError::from)
}

#[tauri::command]
pub async fn setup(
    state: State<'_, AppState>,
    passphrase: String,
    confirm: String,
) -> Answer<SetupDone> {
    let (passphrase, confirm) = (Zeroizing::new(passphrase), Zeroizing::new(confirm));
    let (store, recovery) = with_vault(&state, move |v| v.create(&passphrase, &confirm)).await?;
    state.put_store(store);
    Ok(SetupDone {
        recovery_key: recovery.display().to_owned(),
    })
}

#[tauri::command]
pub async fn unlock<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    passphrase: String,
) -> Answer<()> {
    let passphrase = Zeroizing::new(passphrase);
    let store = with_vault(&state, move |v| v.unlock(&passphrase)).await?;
    state.put_store(store);
    crate::handover_relay::relay_soon(app);
    Ok(())
}

#[tauri::command]
pub async fn unlock_with_recovery<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    recovery_key: String,
) -> Answer<()> {
    let recovery_key = Zeroizing::new(recovery_key);
    let store = with_vault(&state, move |v| v.unlock_with_recovery(&recovery_key)).await?;
    state.put_store(store);
    crate::handover_relay::relay_soon(app);
    Ok(())
}

#[tauri::command(async)]
pub fn lock(state: State<'_, AppState>) -> Answer<()> {
    state.lock();
    Ok(())
}

#[tauri::command]
pub async fn change_passphrase(
    state: State<'_, AppState>,
    current: String,
    next: String,
    confirm: String,
) -> Answer<()> {
    if !state.is_unlocked() {
        return Err(IpcError::locked());
    }
    let (current, next, confirm) = (
        Zeroizing::new(current),
        Zeroizing::new(next),
        Zeroizing::new(confirm),
    );
    with_vault(&state, move |v| {
        v.change_passphrase(&current, &next, &confirm)
    })
    .await
}

#[tauri::command(async)]
pub fn touch(state: State<'_, AppState>) -> Answer<()> {
    state.touch();
    Ok(())
}

/// The UI has saved what was being typed: the window may close now.
#[tauri::command(async)]
pub fn ready_to_close<R: tauri::Runtime>(app: tauri::AppHandle<R>) -> Answer<()> {
    app.exit(0);
    Ok(())
}

#[tauri::command(async)]
pub fn set_preferences(
    state: State<'_, AppState>,
    language: String,
    idle_minutes: u32,
) -> Answer<Preferences> {
    state.touch();
    state.update_prefs(|p| {
        p.language = language;
        p.idle_minutes = idle_minutes;
    })
}

#[tauri::command(async)]
pub fn list_campuses(state: State<'_, AppState>) -> Answer<Vec<Campus>> {
    state.with_store(|s| Ok(s.campuses()?))
}

#[tauri::command(async)]
pub fn save_campus(state: State<'_, AppState>, campus: CampusInput) -> Answer<Campus> {
    state.with_store(|s| Ok(s.save_campus(&campus)?))
}

#[tauri::command(async)]
pub fn today(state: State<'_, AppState>, campus_id: Option<i64>) -> Answer<salon_store::Today> {
    state.with_store(|s| Ok(s.today(today_tokyo(), campus_id)?))
}

#[tauri::command(async)]
pub fn open_session(
    state: State<'_, AppState>,
    campus_id: i64,
    format: String,
    place: String,
) -> Answer<SalonSession> {
    let input = SessionOpen {
        campus_id,
        format,
        place,
    };
    let now = now_tokyo();
    state.with_store(|s| Ok(s.open_session(&input, now.date_naive(), now.time())?))
}

#[tauri::command(async)]
pub fn close_session(
    state: State<'_, AppState>,
    trigger: State<'_, crate::sync::SyncTrigger>,
    session_id: i64,
) -> Answer<SalonSession> {
    let closed = state.with_store(|s| Ok(s.close_session(session_id, now_tokyo().time())?))?;
    // The day's counts are final for now: send them if headquarters can be reached.
    trigger.wake();
    Ok(closed)
}

#[tauri::command(async)]
pub fn list_students(
    state: State<'_, AppState>,
    campus_id: Option<i64>,
    query: Option<String>,
) -> Answer<Vec<Student>> {
    state.with_store(|s| Ok(s.students(campus_id, query.as_deref().unwrap_or(""))?))
}

/// One page of the students screen.
#[tauri::command(async)]
pub fn students_page(
    state: State<'_, AppState>,
    campus_id: Option<i64>,
    query: Option<String>,
    offset: Option<u32>,
) -> Answer<salon_store::StudentPage> {
    let query = query.unwrap_or_default();
    state.with_store(|s| Ok(s.students_page(campus_id, &query, offset.unwrap_or(0))?))
}

#[tauri::command(async)]
pub fn save_student(state: State<'_, AppState>, student: StudentInput) -> Answer<Student> {
    state.with_store(|s| Ok(s.save_student(&student)?))
}

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StudentRecord {
    student: Student,
    visits: Vec<Visit>,
}

#[tauri::command(async)]
pub fn get_student(state: State<'_, AppState>, student_id: i64) -> Answer<StudentRecord> {
    state.with_store(|s| {
        Ok(StudentRecord {
            student: s.student(student_id)?,
            visits: s.visits_of_student(student_id)?,
        })
    })
}

#[tauri::command(async)]
pub fn get_visit(state: State<'_, AppState>, visit_id: i64) -> Answer<Visit> {
    state.with_store(|s| Ok(s.visit(visit_id)?))
}

#[tauri::command(async)]
pub fn get_draft(state: State<'_, AppState>, key: String) -> Answer<Option<String>> {
    state.with_store(|s| Ok(s.draft(&key)?))
}

#[tauri::command(async)]
pub fn save_draft(state: State<'_, AppState>, key: String, body: String) -> Answer<()> {
    state.with_store(|s| Ok(s.save_draft(&key, &body)?))
}

#[tauri::command(async)]
pub fn discard_draft(state: State<'_, AppState>, key: String) -> Answer<()> {
    state.with_store(|s| Ok(s.discard_draft(&key)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_done_never_shows_the_recovery_key_in_debug() {
        let done = SetupDone {
            recovery_key: "ABCD-EFGH-JKLM-NPQR".into(),
        };
        let shown = format!("{done:?} {done:#?}");
        assert!(!shown.contains("ABCD"), "{shown}");
        assert!(serde_json::to_string(&done).unwrap().contains("ABCD-EFGH"));
    }
}
