//! The app's store as a sync reaches it (`salon_sync::StoreAccess`), for the counts' send
//! (`sync.rs`) and the handover relay (`handover_relay.rs`) alike.

use salon_store::{Store, StoreError};
use salon_sync::StoreAccess;

use crate::error::IpcError;
use crate::state::AppState;

/// The app's store as the sync reaches it: one short store call per step, attended (the
/// supporter pressed send: it counts as activity) or not (the background sender).
pub(crate) struct AppStore<'a> {
    pub(crate) state: &'a AppState,
    pub(crate) attended: bool,
}

impl StoreAccess for AppStore<'_> {
    type Error = IpcError;

    fn with<T>(
        &self,
        step: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, IpcError> {
        let go = |s: &mut Store| step(s).map_err(IpcError::from);
        if self.attended {
            self.state.with_store(go)
        } else {
            self.state.with_store_unattended(go)
        }
    }

    fn today(&self) -> chrono::NaiveDate {
        crate::clock::today_tokyo()
    }
}
