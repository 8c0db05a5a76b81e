//! The device side of reporting to headquarters: the enrolment, the outbox of count snapshots
//! and the log of what was sent. Only counts are computed here (by salon-core's rules) and only
//! salon-protocol's types are prepared for sending.

#[cfg(test)]
mod correction_tests;
mod enrolment;
#[cfg(test)]
mod event_tests;
mod facts;
pub(crate) mod handover_shares;
mod month_releases;
mod outbox;
#[cfg(test)]
mod path_decision_tests;
mod path_decisions;
mod pending;
mod prepared;
mod preview;
#[cfg(test)]
mod release_tests;
mod releases;
mod shares;
#[cfg(test)]
pub(crate) mod tests;
mod today;
#[cfg(test)]
mod today_tests;

pub use enrolment::HqEnrolment;
pub use pending::{HeldBack, PendingUpload, SyncLogEntry};
pub use preview::{OutboxPreview, ReleaseToDraw};
