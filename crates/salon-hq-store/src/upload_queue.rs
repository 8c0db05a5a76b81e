//! The queue of uploads waiting for the writer (`ingest.rs` writes them in groups): kept by the
//! database, so whoever holds the writer takes everything queued.

use std::sync::mpsc;

use chrono::{DateTime, Utc};
use salon_protocol::{Receipt, Upload};

use crate::error::Result;

/// An upload waiting for the writer, with where its answer goes.
pub(crate) struct Pending {
    pub(crate) job: Job,
    pub(crate) answer: mpsc::Sender<Result<Receipt>>,
}

// A job holds a device token: never printed.
impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending(..)")
    }
}

pub(crate) struct Job {
    pub(crate) token: String,
    pub(crate) idempotency_key: String,
    pub(crate) body_hash: Vec<u8>,
    /// Parsed before the queue (outside the lock); a bad body is refused in its turn, after
    /// the idempotency check, as if parsed there.
    pub(crate) upload: std::result::Result<Upload, ()>,
    pub(crate) now: DateTime<Utc>,
}
