//! Japan's calendar, the one headquarters files every figure under: a day or a month is a day
//! or a month in Tokyo, whatever the server's own zone. The one place the zone is named.

use chrono::{DateTime, NaiveDate, Utc};

/// Japan keeps no daylight saving time: UTC+9 all year.
pub const ZONE: chrono_tz::Tz = chrono_tz::Asia::Tokyo;

/// The day it is in Tokyo at `now` (callers pass their clock's time, never read it here).
pub fn day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&ZONE).date_naive()
}
