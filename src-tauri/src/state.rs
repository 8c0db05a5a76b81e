//! What the shell holds between commands: the vault, the open store (or none: locked), the
//! preferences and when the supporter last did something.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use salon_store::{Store, Vault};

use crate::error::IpcError;
use crate::prefs::Preferences;

#[derive(Debug)]
pub struct AppState {
    pub vault: Vault,
    store: Mutex<Option<Store>>,
    pub prefs: Mutex<Preferences>,
    last_activity: Mutex<Activity>,
}

/// When the supporter last did something, on two clocks: the monotonic one stops while the
/// laptop sleeps, so a lid closed for hours would not count as idle without the wall clock.
#[derive(Debug, Clone, Copy)]
struct Activity {
    monotonic: Instant,
    wall: SystemTime,
}

impl Activity {
    fn now() -> Self {
        Activity {
            monotonic: Instant::now(),
            wall: crate::clock::wall(),
        }
    }

    fn elapsed(&self) -> Duration {
        // A wall clock set backwards gives no time; the monotonic clock still counts.
        let wall = self.wall.elapsed().unwrap_or_default();
        self.monotonic.elapsed().max(wall)
    }
}

impl AppState {
    pub fn new(vault: Vault) -> Self {
        let prefs = Preferences::load(vault.dir());
        AppState {
            vault,
            store: Mutex::new(None),
            prefs: Mutex::new(prefs),
            last_activity: Mutex::new(Activity::now()),
        }
    }

    /// Changes the preferences, checks and saves them; returns what is now in force.
    pub fn update_prefs(
        &self,
        change: impl FnOnce(&mut Preferences),
    ) -> Result<Preferences, IpcError> {
        let mut current = self
            .prefs
            .lock()
            .map_err(|_| IpcError::internal("state poisoned"))?;
        let mut next = current.clone();
        change(&mut next);
        let next = next.validate()?;
        next.save(self.vault.dir())?;
        *current = next.clone();
        Ok(next)
    }

    /// The slot of the open store, even after a command panicked while holding it: a poisoned
    /// lock must never hide an open store from `lock()` or `is_unlocked()`. (A panicking
    /// command's transaction has rolled back when its guard was dropped.)
    fn store_slot(&self) -> MutexGuard<'_, Option<Store>> {
        self.store.lock().unwrap_or_else(|poisoned| {
            self.store.clear_poison();
            poisoned.into_inner()
        })
    }

    pub fn is_unlocked(&self) -> bool {
        self.store_slot().is_some()
    }

    /// Takes the open store out (to close and reopen it: the keys made anew); the state is
    /// locked until it is put back.
    pub fn take_store(&self) -> Option<Store> {
        self.store_slot().take()
    }

    /// Keeps an unlocked store and counts this as activity.
    pub fn put_store(&self, store: Store) {
        *self.store_slot() = Some(store);
        self.touch();
    }

    /// Runs `f` with the open store; answers `locked` when there is none.
    pub fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        self.touch();
        self.with_store_unattended(f)
    }

    /// Like `with_store`, for work the supporter did not ask for (background sync): it does not
    /// count as activity, so it never keeps the store from locking.
    pub fn with_store_unattended<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, IpcError>,
    ) -> Result<T, IpcError> {
        let mut slot = self.store_slot();
        let store = slot.as_mut().ok_or_else(IpcError::locked)?;
        f(store)
    }

    /// Closes the database and forgets its key, always. Returns whether it was unlocked.
    pub fn lock(&self) -> bool {
        let taken = self.store_slot().take();
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
            *at = Activity::now();
        }
    }

    /// Moves the last activity back in time, on one clock or both, as sleep or idleness would.
    #[cfg(test)]
    pub fn pretend_idle_since(&self, ago: Duration, wall_clock_only: bool) {
        if let Ok(mut at) = self.last_activity.lock() {
            at.wall = crate::clock::wall() - ago;
            if !wall_clock_only {
                at.monotonic = Instant::now() - ago;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    const PASS: &str = "さくら咲くキャンパス2025";

    #[test]
    fn a_command_that_panicked_holding_the_store_cannot_keep_it_unlocked() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::new(dir.path());
        let (store, _) = vault.create(PASS, PASS).unwrap();
        let state = AppState::new(vault);
        state.put_store(store);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = state.with_store(|_| -> Result<(), IpcError> { panic!("a bug") });
        }));
        assert!(panicked.is_err());
        assert!(state.is_unlocked(), "the store is still open and says so");
        assert!(state.lock(), "locking closes it");
        assert!(!state.is_unlocked());
        assert_eq!(
            state.with_store(|_| Ok(())).unwrap_err(),
            IpcError::locked()
        );
        // The database was closed: its WAL was folded back, so no -wal file is left behind.
        let wal = dir.path().join(format!("{}-wal", salon_store::DB_FILE));
        assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
    }
}
