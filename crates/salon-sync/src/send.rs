//! One sync: fetch headquarters' campuses and calendar, prepare the outbox under them, then send
//! what waits, one upload after another, recording each answer. The outbox (the device's
//! store) is reached through [`Outbox`], so this file knows HTTP and the order of the steps
//! and nothing of SQL or of the app.

use salon_protocol::{DeviceConfig, DeviceToken, HeldRevision, Receipt};
use thiserror::Error;

use crate::client::{HqClient, SyncError};

/// Enough for a whole term offline at several campuses; the rest waits for the next sync.
pub const MAX_UPLOADS_PER_SYNC: usize = 50;

/// Where this device reports.
#[derive(Debug, Clone)]
pub struct Destination {
    pub hq_url: String,
    pub token: DeviceToken,
}

/// The device's side of a sync. Each call is short: the caller may lock its store per call,
/// never across the network.
pub trait Outbox {
    /// One upload waiting to go.
    type Pending;
    type Error;

    /// Where to send; `None` when the device is not enrolled.
    fn destination(&self) -> Result<Option<Destination>, Self::Error>;
    /// Stores headquarters' campuses and calendar and recomputes the snapshots under them.
    fn prepare(&self, config: &DeviceConfig) -> Result<(), Self::Error>;
    /// The next upload, or `None` when nothing waits.
    fn next_upload(&self) -> Result<Option<Self::Pending>, Self::Error>;
    /// The exact JSON of an upload and its idempotency key.
    fn body<'a>(&self, pending: &'a Self::Pending) -> (&'a str, &'a str);
    fn sent(&self, pending: &Self::Pending, receipt: &Receipt) -> Result<(), Self::Error>;
    /// Headquarters refused or could not be reached: logged, and the upload keeps waiting.
    fn failed(&self, pending: &Self::Pending, error: &SyncError);
    /// Headquarters holds these snapshots at these revisions with other figures: the next
    /// upload carries the device's figures above them. A release among them is headquarters'
    /// to keep: the device never sends its own again.
    fn continue_above(&self, held: &[HeldRevision]) -> Result<(), Self::Error>;
}

/// Why a sync stopped.
#[derive(Debug, Error)]
pub enum SendError<E> {
    /// Talking to headquarters failed; [`SyncError::is_retryable`] says whether to try again.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// The device's outbox failed (locked, storage).
    #[error("the outbox failed")]
    Outbox(E),
}

impl<E> SendError<E> {
    /// Whether trying again later can succeed: only a network or server failure can mend.
    pub fn is_retryable(&self) -> bool {
        match self {
            SendError::Sync(e) => e.is_retryable(),
            SendError::Outbox(_) => false,
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    NotEnrolled,
    /// Every upload sent; the receipts added up (`None` when nothing waited).
    Done(Option<Receipt>),
}

/// Runs one sync against the outbox's headquarters.
pub async fn send_pending<O: Outbox>(outbox: &O) -> Result<Sent, SendError<O::Error>> {
    let Some(dest) = outbox.destination().map_err(SendError::Outbox)? else {
        return Ok(Sent::NotEnrolled);
    };
    let client = HqClient::new(&dest.hq_url)?;
    let config = client.config(&dest.token).await?;
    outbox.prepare(&config).map_err(SendError::Outbox)?;
    let mut total: Option<Receipt> = None;
    for _ in 0..MAX_UPLOADS_PER_SYNC {
        let Some(pending) = outbox.next_upload().map_err(SendError::Outbox)? else {
            break;
        };
        let (payload, key) = outbox.body(&pending);
        match client.upload(&dest.token, key, payload).await {
            Ok(receipt) => {
                outbox.sent(&pending, &receipt).map_err(SendError::Outbox)?;
                let sum = total.get_or_insert_with(Receipt::default);
                sum.stored += receipt.stored;
                sum.unchanged += receipt.unchanged;
                sum.stale += receipt.stale;
            }
            Err(e) => {
                outbox.failed(&pending, &e);
                // A laptop restored from an older backup: never stall, go on above HQ.
                if let SyncError::RevisionsHeld { held, .. } = &e {
                    outbox.continue_above(held).map_err(SendError::Outbox)?;
                    continue;
                }
                return Err(e.into());
            }
        }
    }
    Ok(Sent::Done(total))
}
