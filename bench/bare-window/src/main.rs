//! A bare Tauri 2 window showing one static page: what the app's window costs before any of
//! the app (BENCHMARKS.md, "The window against a bare Tauri window").
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("the bare window could not start");
}
