//! Headquarters' SQLite database in WAL mode (`database`): one connection writes (behind a
//! mutex, so uploads and admin changes take turns), and a small pool of read-only connections
//! reads beside it, so the dashboard does not wait behind uploads. Append-only migrations are
//! applied at open.
//! Every method is synchronous; the web layer calls them from `tokio::task::spawn_blocking`.
//! Callers pass the current time, so the store has no clock (but for the lines the audit chain
//! writes about itself, which no caller asks for: see `audit_state`).
//!
//! One module per kind of record: `admins` (accounts and sessions), `setup` (campuses and
//! targets), `devices` (enrolment codes and devices), `ingest` (uploads, written
//! in groups of one commit), `snapshots` (storing snapshots and the figures read from them),
//! `releases` (months under noise, kept as first received), `events` (related activities by
//! kind), `terms` (事業期間 and their targets), `audit` (操作記録; `audit_chain`,
//! `audit_check`, `audit_files`, `audit_state`, `audit_tally` and `audit_verify`: its lines
//! chained by MACs under a key kept beside the database), `history` (where each figure came
//! from, and quiet devices).

mod abandoned;
mod admins;
mod app_updates;
pub mod audit;
pub mod audit_chain;
mod audit_check;
pub mod audit_files;
mod audit_log;
mod audit_state;
mod audit_tally;
#[cfg(test)]
mod audit_tests;
mod audit_verify;
mod database;
mod device_auth;
mod device_keys;
mod devices;
pub mod error;
mod events;
pub mod figures;
mod first_admin;
mod history;
mod ingest;
mod logins;
mod migrations;
mod month_releases;
mod organisation;
pub mod path_decisions;
pub mod relay;
pub mod relay_admin;
mod relay_ending;
mod releases;
mod rows;
pub mod secret;
mod setup;
pub mod signed;
mod snapshots;
mod supporters;
mod survey_answers;
mod survey_forms;
mod survey_templates;
mod survey_types;
pub mod surveys;
pub mod terms;
#[cfg(test)]
mod tests;
pub mod tokyo;
mod upload_queue;

pub use abandoned::{caller_gone, watching};
pub use admins::{AdminRow, Role, MIN_PASSWORD_CHARS};
pub use app_updates::{AppUpdate, NewAppUpdate, MAX_BUNDLE_BYTES, MAX_NOTES_CHARS};
pub use audit::{Actor, AuditAction, AuditEntry, AUDIT_PAGE};
pub use audit_check::{planted, AuditCheck, AuditNotice, AuditProblem, BadLine, Planted};
pub use audit_verify::{verify_file, Verified};
pub use database::{HqStore, READERS};
pub use device_keys::KeyBytes;
pub use error::HqError;
pub use events::EventMonth;
pub use first_admin::SETUP_LINK_SECS;
pub use history::{DayRevision, QUIET_DAYS};
pub use logins::{KnownBrowser, LoginResult, LOGIN_DELAY_CAP_SECS};
pub use migrations::{chain_version, MIGRATIONS};
pub use month_releases::{HeldRelease, ReleaseTotals};
pub use organisation::{Organisation, MAX_CONTACT_CHARS};
pub use path_decisions::{HeldPathRelease, PathTerm};
pub use rows::{
    AdminSession, CampusRow, DayTotals, DeviceRow, IssuedCode, PendingCode, Target,
    CODE_LIFETIME_SECS, MAX_NAME_CHARS, SESSION_IDLE_SECS, SESSION_LIFETIME_SECS,
};
pub use supporters::SupporterTotals;
pub use terms::{EventTarget, Targets, Term, TermInput};
