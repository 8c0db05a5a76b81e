//! このアプリについて (the app's version and data folder), and printing the page on show.

use serde::Serialize;
use tauri::State;

use crate::error::IpcError;
use crate::state::AppState;

#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct About {
    /// The installer's version (tauri.conf.json), the one the updater compares.
    version: String,
    /// Where the encrypted database, key file and preferences live (a support call asks).
    data_folder: String,
}

#[tauri::command(async)]
pub fn about<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<About, IpcError> {
    Ok(About {
        version: app.package_info().version.to_string(),
        data_folder: state.vault.dir().display().to_string(),
    })
}

/// Set, the page is printed to this file as a PDF without the dialog (Linux): how the
/// end-to-end test sees what printing leaves behind, through the webview's own print path.
pub const PRINT_TO_ENV: &str = "CAREER_SALON_PRINT_TO";

/// Opens the system's print dialog for the page on show. The page's own `window.print()` does
/// nothing in macOS's WebView; the webview's print call works on every platform.
#[tauri::command(async)]
pub fn print_page<R: tauri::Runtime>(window: tauri::WebviewWindow<R>) -> Result<(), IpcError> {
    #[cfg(target_os = "linux")]
    if let Some(to) = std::env::var_os(PRINT_TO_ENV) {
        return print_to_file(&window, std::path::PathBuf::from(to));
    }
    window
        .print()
        .map_err(|_| IpcError::internal("printing could not start"))
}

#[cfg(target_os = "linux")]
fn print_to_file<R: tauri::Runtime>(
    window: &tauri::WebviewWindow<R>,
    to: std::path::PathBuf,
) -> Result<(), IpcError> {
    window
        .with_webview(move |webview| {
            use webkit2gtk::PrintOperationExt;
            let Ok(uri) = gtk::glib::filename_to_uri(&to, None) else {
                return;
            };
            let settings = gtk::PrintSettings::new();
            settings.set_printer("Print to File");
            settings.set("output-file-format", Some("pdf"));
            settings.set("output-uri", Some(uri.as_str()));
            let operation = webkit2gtk::PrintOperation::new(&webview.inner());
            operation.set_print_settings(&settings);
            // Held until the print is done (this path prints once, in a test run).
            let held = operation.clone();
            operation.connect_finished(move |_| {
                let _ = &held;
            });
            operation.print();
        })
        .map_err(|_| IpcError::internal("printing could not start"))
}
