//! The one place the app reads the clock: the domain and the store are given the moment.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Now, on a Tokyo wall clock.
pub fn now_tokyo() -> DateTime<Tz> {
    salon_core::in_tokyo(now_utc())
}

/// Now, in UTC: for what is stored as an instant.
pub fn now_utc() -> DateTime<Utc> {
    Utc::now()
}

/// The wall clock as the OS keeps it, which runs on while the laptop sleeps (the idle lock
/// compares it with the monotonic clock, which does not).
pub fn wall() -> std::time::SystemTime {
    std::time::SystemTime::now()
}

/// Today's date in Tokyo.
pub fn today_tokyo() -> NaiveDate {
    now_tokyo().date_naive()
}
