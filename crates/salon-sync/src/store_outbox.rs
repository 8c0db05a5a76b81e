//! The device's store as the send loop drives it: the one [`Outbox`] there is. The app, the
//! tests and the demo reach their store differently (the app behind its lock, which may be
//! locked; a test behind a mutex; the demo on its own), so each says only how it reaches the
//! store and what day it is ([`StoreAccess`]); what a step does to the store is written here
//! once.

use chrono::NaiveDate;
use salon_protocol::{DeviceConfig, HeldRevision, Receipt};
use salon_store::{PendingUpload, Store, StoreError};

use crate::client::SyncError;
use crate::send::{Destination, Outbox};

/// How a sync reaches the device's store.
pub trait StoreAccess {
    type Error: From<StoreError>;
    /// Runs one short step on the store. Never held across the network: a supporter may save a
    /// visit while an upload is on its way.
    fn with<T>(
        &self,
        step: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, Self::Error>;
    /// Tokyo's date: what of today may leave, and which releases have fallen due.
    fn today(&self) -> NaiveDate;
}

impl<A: StoreAccess + ?Sized> StoreAccess for &A {
    type Error = A::Error;

    fn with<T>(
        &self,
        step: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, A::Error> {
        (**self).with(step)
    }

    fn today(&self) -> NaiveDate {
        (**self).today()
    }
}

/// The store behind `access`, as one sync sees it.
#[derive(Debug)]
pub struct StoreOutbox<A>(pub A);

impl<A: StoreAccess> Outbox for StoreOutbox<A> {
    type Pending = PendingUpload;
    type Error = A::Error;

    fn destination(&self) -> Result<Option<Destination>, A::Error> {
        Ok(self.0.with(|s| s.enrolment())?.map(|e| Destination {
            hq_url: e.hq_url,
            token: e.token,
        }))
    }

    fn prepare(&self, config: &DeviceConfig) -> Result<(), A::Error> {
        let today = self.0.today();
        self.0.with(|s| {
            s.update_device_config(config)?;
            s.prepare_outbox(today)
        })
    }

    fn next_upload(&self) -> Result<Option<PendingUpload>, A::Error> {
        Ok(Some(self.0.with(|s| s.pending_upload())?).filter(|p| !p.is_empty()))
    }

    fn body<'p>(&self, pending: &'p PendingUpload) -> (&'p str, &'p str) {
        (&pending.payload, &pending.idempotency_key)
    }

    fn sent(&self, pending: &PendingUpload, receipt: &Receipt) -> Result<(), A::Error> {
        self.0.with(|s| s.record_sent(pending, receipt))
    }

    fn failed(&self, pending: &PendingUpload, error: &SyncError) {
        // The upload keeps waiting whether or not its line reaches the log.
        let _ = self.0.with(|s| s.record_failed(pending, error.code()));
    }

    fn continue_above(&self, held: &[HeldRevision]) -> Result<(), A::Error> {
        self.0.with(|s| s.continue_above(held))
    }
}
