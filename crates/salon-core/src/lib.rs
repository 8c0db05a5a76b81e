//! The domain of the in-school career salon (校内キャリアサロン).
//!
//! Pure Rust: no I/O, no SQL, no HTTP, no Tauri. The store persists these types; the app shell
//! passes them to the UI. Input types validate themselves so every caller gets the same rules.

pub mod care;
mod codes;
mod corrections;
pub mod counts;
mod error;
pub mod fold;
mod model;
mod time;
mod validate;

pub use codes::{Enrolment, Format, PathStatus, Route, Topic};
pub use corrections::{CorrectedSession, SessionCorrection};
pub use error::{CoreError, Field};
pub use model::{
    Campus, CampusInput, NewStudent, SalonSession, SessionOpen, Student, StudentInput, Visit,
    VisitInput, VisitRecord, VisitStudent,
};
pub use time::{in_tokyo, parse_date, parse_time, TOKYO};
pub use validate::limits;
