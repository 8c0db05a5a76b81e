//! The encrypted local store of Career Salon.
//!
//! A [`Vault`] is the data folder: a key file and a SQLCipher database. Setting it up or
//! unlocking it gives a [`Store`], the open database; dropping the store (or [`Store::close`])
//! is locking. Nothing personal is written outside the encrypted database.

pub mod backup;
mod campuses;
mod care;
mod corrections;
mod db;
mod drafts;
mod error;
pub mod folder;
mod handover;
mod integrity;
mod keys;
mod laptop_keys;
mod migrate;
mod noise_key;
pub mod reports;
pub mod retention;
mod rotation;
mod rows;
pub mod search;
mod sessions;
mod student_requests;
mod students;
mod sync;
mod today;
mod vault;
mod visits;

pub use care::CARE_LIST_LIMIT;
pub use corrections::{MoveTo, RemovedVisits};
pub use drafts::{new_visit_draft_key, visit_draft_key, WorkInHand, DRAFT_MAX_BYTES};
pub use error::{Result, StoreError};
pub use handover::{
    HandoverCounts, HandoverReason, HandoverRecord, HandoverRequest, KnownLaptop, Merge,
    MergeOffer, PackageSummary, RelayColleague, RelayNews, RelayOutgoing, RelayedToMe, Sealed,
};
pub use keys::{
    check_new_passphrase, DbKey, KdfLimits, KeyFile, RecoveryKey, KDF_LIMITS, MIN_PASSPHRASE_CHARS,
};
pub use migrate::LATEST_VERSION;
pub use rotation::{Proof, Rotation, ROTATING_FILE};
pub use search::{SearchHit, SearchPage, SearchQuery, Segment, Snippet};
pub use sessions::{SessionRow, SESSION_LIST_LIMIT};
pub use student_requests::{disclosure_html, DataRequest, Disclosure};
pub use students::{StudentPage, STUDENT_PAGE_SIZE};
pub use sync::{HeldBack, HqEnrolment, OutboxPreview, PendingUpload, ReleaseToDraw, SyncLogEntry};
pub use today::Today;
pub use vault::{write_atomically, Store, Vault, DB_FILE, KEY_FILE};
