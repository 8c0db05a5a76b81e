//! The one place the app reads the clock: the domain and the store are given the moment.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// Now, on a Tokyo wall clock.
pub fn now_tokyo() -> DateTime<Tz> {
    salon_core::in_tokyo(Utc::now())
}

/// Today's date in Tokyo.
pub fn today_tokyo() -> NaiveDate {
    now_tokyo().date_naive()
}
