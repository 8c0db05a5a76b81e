//! What the shell holds between commands: the vault, the open store (or none: locked), the
//! preferences and when the supporter last did something.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use salon_store::{Store, Vault};

use crate::error::IpcError;
use crate::prefs::Preferences;

#[derive(Debug)]
pub struct AppState {
    pub vault: Vault,
    store: Mutex<Option<Store>>,
    pub prefs: Mutex<Preferences>,
    last_activity: Mutex<Instant>,
}

impl AppState {
    pub fn new(vault: Vault) -> Self {
        let prefs = Preferences::load(vault.dir());
        AppState {
            vault,
            store: Mutex::new(None),
            prefs: Mutex::new(prefs),
            last_activity: Mutex::new(Instant::now()),
        }
    }

    pub fn is_unlocked(&self) -> bool {
        self.store.lock().map(|s| s.is_some()).unwrap_or(false)
    }

    /// Keeps an unlocked store and counts this as activity.
    pub fn put_store(&self, store: Store) {
        if let Ok(mut slot) = self.store.lock() {
            *slot = Some(store);
        }
        self.touch();
    }

    /// Runs `f` with the open store; answers `locked` when there is none.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        self.touch();
        let mut slot = self
            .store
            .lock()
            .map_err(|_| IpcError::internal("state poisoned"))?;
        let store = slot.as_mut().ok_or_else(IpcError::locked)?;
        f(store)
    }

    /// Closes the database and forgets its key. Returns whether it was unlocked.
    pub fn lock(&self) -> bool {
        let taken = self.store.lock().ok().and_then(|mut slot| slot.take());
        match taken {
            Some(store) => {
                if let Err(e) = store.close() {
                    eprintln!("career-salon: closing the store: {e}");
                }
                true
            }
            None => false,
        }
    }

    pub fn touch(&self) {
        if let Ok(mut at) = self.last_activity.lock() {
            *at = Instant::now();
        }
    }

    #[cfg(test)]
    pub fn pretend_idle_since(&self, ago: Duration) {
        if let Ok(mut at) = self.last_activity.lock() {
            *at = Instant::now() - ago;
        }
    }

    pub fn idle_for(&self) -> Duration {
        self.last_activity
            .lock()
            .map(|at| at.elapsed())
            .unwrap_or_default()
    }

    pub fn idle_limit(&self) -> Duration {
        let minutes = self.prefs.lock().map(|p| p.idle_minutes).unwrap_or(5);
        Duration::from_secs(u64::from(minutes) * 60)
    }
}
