//! The wire format between a supporter's laptop and headquarters (事務局), and nothing else.
//!
//! This crate is the only definition of what leaves the laptop. Every type here holds integers,
//! dates without a time of day, and enumerated codes; there is no free-text field, no student
//! id, no name. Both sides parse with `deny_unknown_fields`, so an extra field is refused
//! rather than silently carried.

mod codes;
pub mod counts;
mod error;
pub mod events;
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;
mod kinds;
mod messages;
pub mod noise;
pub mod path_decisions;
pub mod plausible;
pub mod relay;
pub mod release;
mod snapshots;
mod token;
pub mod updates;

pub use codes::{AppVersion, CampusCode, EnrolmentCode, Month};
pub use counts::{Cell, DayCounts, DayField, MonthBreakdown};
pub use error::{ErrorCode, ProtocolError};
pub use events::{EventCount, EventDaySnapshot, Participants};
pub use kinds::{EventKind, Format, PathStatus, Route, Topic};
pub use messages::{
    DeviceConfig, EnrolRequest, Enrolment, ErrorBody, HeldRevision, Receipt, Upload, API_VERSION,
    API_VERSION_HEADER, APP_VERSION_HEADER, IDEMPOTENCY_HEADER, MAX_BODY_BYTES, MAX_SNAPSHOTS,
};
pub use noise::{NoisePolicy, NoiseScale, NoisyCell, NoisyMonthBreakdown, Release, NOISE};
pub use path_decisions::{PathCalendar, PathPeriod, PathRelease, PeriodBounds, SensitiveTopics};
pub use relay::{PackageId, PublicKeys};
pub use release::{MonthRelease, ReleaseKey};
pub use snapshots::{DaySnapshot, MonthSnapshot, PathReleaseKey, SnapshotKey};
pub use token::DeviceToken;

#[cfg(test)]
mod tests;
