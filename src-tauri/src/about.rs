//! このアプリについて (the app's version and data folder), and printing the page on show.

use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct About {
    version: &'static str,
    /// Where the encrypted database, key file and preferences live (a support call asks).
    data_folder: String,
}

#[tauri::command]
pub fn about(state: State<'_, AppState>) -> Result<About, IpcError> {
    Ok(About {
        version: env!("CARGO_PKG_VERSION"),
        data_folder: state.vault.dir().display().to_string(),
    })
}

/// Opens the system's print dialog for the page on show. The page's own `window.print()` does
/// nothing in macOS's WebView; the webview's print call works on every platform.
#[tauri::command]
pub fn print_page<R: tauri::Runtime>(window: tauri::WebviewWindow<R>) -> Result<(), IpcError> {
    window
        .print()
        .map_err(|_| IpcError::internal("printing could not start"))
}
