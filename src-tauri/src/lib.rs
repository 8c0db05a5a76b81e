//! The thin Tauri shell of Career Salon: state, commands, the IPC error, the idle lock.

mod care;
mod closing;
mod commands;
mod error;
mod idle;
mod prefs;
mod reports;
mod retention;
mod search;
mod state;
mod sync;

use std::path::PathBuf;

use salon_store::Vault;
use tauri::{Manager, RunEvent, Runtime};

pub use error::IpcError;
use state::AppState;

/// Overrides where the data folder is (tests, or a supporter keeping it on another disk).
pub const DATA_DIR_ENV: &str = "CAREER_SALON_DATA_DIR";

/// The app's builder, generic over the runtime so tests can build it with the mock runtime.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .setup(|app| {
            let dir = data_dir(app.handle())?;
            app.manage(AppState::new(Vault::new(dir)));
            let trigger = sync::SyncTrigger::default();
            app.manage(trigger.clone());
            idle::watch(app.handle().clone());
            sync::spawn_sender(app.handle().clone(), trigger);
            Ok(())
        })
        .on_window_event(closing::on_window_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::setup,
            commands::unlock,
            commands::unlock_with_recovery,
            commands::lock,
            commands::change_passphrase,
            commands::reset_passphrase,
            commands::touch,
            commands::ready_to_close,
            commands::set_preferences,
            commands::list_campuses,
            commands::save_campus,
            commands::today,
            commands::open_session,
            commands::close_session,
            commands::list_students,
            commands::students_page,
            commands::save_student,
            commands::get_student,
            commands::save_visit,
            commands::get_visit,
            commands::get_draft,
            commands::save_draft,
            commands::discard_draft,
            sync::hq_status,
            sync::enrol,
            sync::sync_preview,
            sync::sync_now,
            sync::sync_log,
            care::book_appointment,
            care::list_appointments,
            care::student_appointments,
            care::mark_appointment_missed,
            care::cancel_appointment,
            care::save_visit_with_care,
            care::outreach_list,
            care::list_follow_ups,
            care::mark_follow_up_done,
            care::path_history,
            care::risk_list,
            care::save_event,
            care::delete_event,
            care::list_events,
            reports::teacher_report,
            reports::activity_report,
            reports::backup_status,
            reports::set_backup_folder,
            reports::write_backup,
            reports::restore_backup,
            retention::retention_preview,
            retention::set_retention_years,
            retention::purge_old_notes,
            search::search_visits,
        ])
}

fn data_dir<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => app.path().app_data_dir(),
    }
}

pub fn run() {
    build(tauri::Builder::default())
        .build(tauri::generate_context!())
        .expect("Career Salon could not start")
        .run(|app, event| {
            // Quitting is locking: the WAL is folded back and the key leaves memory.
            if let RunEvent::Exit = event {
                app.state::<AppState>().lock();
            }
        });
}
