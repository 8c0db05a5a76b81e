//! Closing the window: the UI first saves what is being typed, then the app quits (which
//! locks). If the UI does not answer in time, the app quits anyway: the draft was saved at
//! most a moment before, as the supporter typed.

use std::time::Duration;

use tauri::{Emitter, Manager, Runtime, Window, WindowEvent};

/// The event that asks the UI to save its draft and call `ready_to_close`.
pub const CLOSING_EVENT: &str = "salon://closing";
const UI_GRACE: Duration = Duration::from_secs(3);

pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if let WindowEvent::CloseRequested { api, .. } = event {
        api.prevent_close();
        let _ = window.emit(CLOSING_EVENT, ());
        let app = window.app_handle().clone();
        std::thread::spawn(move || {
            std::thread::sleep(UI_GRACE);
            app.exit(0);
        });
    }
}
