//! The client side of the protocol: enrol, fetch the configuration, upload snapshots, carry
//! handovers through headquarters (`relay`). HTTPS is required
//! except to this machine (loopback), every request has a timeout, and failures say whether a
//! retry can help, so the caller can back off and try again later.

mod backoff;
mod client;
mod relay;
mod relay_client;
mod send;
mod store_outbox;

pub use backoff::Backoff;
pub use client::{HqClient, SyncError, APP_VERSION};
pub use relay::{relay, Relayed};
pub use send::{send_pending, Destination, Outbox, SendError, Sent, MAX_UPLOADS_PER_SYNC};
pub use store_outbox::{StoreAccess, StoreOutbox};
