//! Locks the store after the supporter has been idle for the chosen time, and tells the UI.

use std::time::Duration;

use tauri::{Emitter, Manager, Runtime};

use crate::state::AppState;

/// The event the UI listens for to show the unlock screen.
pub const LOCKED_EVENT: &str = "salon://locked";
const CHECK_EVERY: Duration = Duration::from_secs(5);

pub fn watch<R: Runtime>(app: tauri::AppHandle<R>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(CHECK_EVERY);
        if app.state::<AppState>().lock_if_idle() {
            let _ = app.emit(LOCKED_EVENT, ());
        }
    });
}

impl AppState {
    /// Locks when unlocked and idle past the limit; returns whether it locked.
    pub fn lock_if_idle(&self) -> bool {
        self.is_unlocked() && self.idle_for() >= self.idle_limit() && self.lock()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salon_store::Vault;

    fn unlocked_state() -> (tempfile::TempDir, AppState) {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let pass = "さくら咲くキャンパス2025";
        let (store, _) = vault.create(pass, pass).unwrap();
        let state = AppState::new(vault);
        state.put_store(store);
        (dir, state)
    }

    #[test]
    fn an_idle_store_locks_and_then_answers_locked() {
        let (_dir, state) = unlocked_state();
        assert!(!state.lock_if_idle(), "just unlocked: not idle");
        assert!(state.with_store(|s| Ok(s.campuses()?)).is_ok());
        state.pretend_idle_since(Duration::from_secs(4 * 60), false);
        assert!(!state.lock_if_idle(), "four minutes is not five");
        state.pretend_idle_since(Duration::from_secs(5 * 60), false);
        assert!(state.lock_if_idle());
        assert!(!state.is_unlocked());
        assert_eq!(
            state.with_store(|s| Ok(s.campuses()?)).unwrap_err(),
            crate::error::IpcError::locked()
        );
        assert!(!state.lock_if_idle(), "already locked");
    }

    #[test]
    fn time_asleep_counts_as_idle() {
        let (_dir, state) = unlocked_state();
        // The lid was closed for two hours: the monotonic clock did not move, the wall clock did.
        state.pretend_idle_since(Duration::from_secs(2 * 60 * 60), true);
        assert!(state.lock_if_idle());
    }
}
