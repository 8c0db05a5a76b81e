//! The thin Tauri shell of Career Salon: state, commands, the IPC error, the idle lock.

mod about;
mod app_store;
mod care;
mod clock;
mod closing;
mod commands;
mod corrections;
mod error;
mod handover;
mod handover_relay;
mod hardening;
mod idle;
mod keys;
mod pickers;
mod prefs;
pub mod rendering;
mod reports;
mod requests;
mod retention;
mod search;
mod state;
mod sync;
pub mod ui_types;
mod updates;

use std::path::PathBuf;

use salon_store::Vault;
use tauri::ipc::Invoke;
use tauri::{Manager, RunEvent, Runtime};

pub use error::{Code, IpcError};
use state::AppState;

/// When a command may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Before the store is unlocked too.
    AnyTime,
    /// Only with the store unlocked; otherwise it answers `locked` without running.
    Unlocked,
}

macro_rules! command_list {
    ($($module:ident :: $command:ident : $access:ident),* $(,)?) => {
        /// Every command the UI can call, and when it may run (`command_list.rs`).
        pub const COMMANDS: &[(&str, Access)] = &[$((stringify!($command), Access::$access)),*];

        fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$command),*]
        }
    };
}
include!("command_list.rs");

/// Whether `command` may run while the store is locked.
pub fn runs_while_locked(command: &str) -> bool {
    COMMANDS
        .iter()
        .any(|(name, access)| *name == command && *access == Access::AnyTime)
}

/// Answers `locked` for every command that needs the store while it is locked, before the
/// command runs: nothing it would do (spend an enrolment code, change a setting, create a
/// folder) happens.
fn gate<R: Runtime>(
    handler: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke| {
        // No state yet (before setup) is locked too.
        let locked = !invoke
            .message
            .webview_ref()
            .try_state::<AppState>()
            .is_some_and(|s| s.is_unlocked());
        if locked && !runs_while_locked(invoke.message.command()) {
            invoke.resolver.reject(IpcError::locked());
            return true;
        }
        handler(invoke)
    }
}

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
            app.manage(updates::Updates::default());
            idle::watch(app.handle().clone());
            sync::spawn_sender(app.handle().clone(), trigger);
            Ok(())
        })
        .plugin(tauri_plugin_dialog::init())
        // Its own commands are not in the window's capability: the UI installs through ours.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .on_window_event(closing::on_window_event)
        .invoke_handler(gate(handler()))
}

fn data_dir<R: Runtime>(app: &tauri::AppHandle<R>) -> tauri::Result<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => app.path().app_data_dir(),
    }
}

pub fn run() {
    hardening::no_core_files();
    // Before GTK starts: the choice is read once, when the window is made.
    rendering::choose_for_this_machine();
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
