//! Dates and times of day, always in Asia/Tokyo: a salon day is a Japanese calendar day.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::error::{CoreError, Field};

/// The time zone of every campus.
pub const TOKYO: Tz = chrono_tz::Asia::Tokyo;

/// A moment on a Tokyo wall clock, whatever the laptop's own time zone is. The domain never
/// reads the clock: the app passes the moment in.
pub fn in_tokyo(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&TOKYO)
}

/// Parses `YYYY-MM-DD`; a date that does not exist (2025-02-30) is refused.
pub fn parse_date(field: Field, text: &str) -> Result<NaiveDate, CoreError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| CoreError::InvalidDate(field))
}

/// Parses `HH:MM` (24-hour).
pub fn parse_time(field: Field, text: &str) -> Result<NaiveTime, CoreError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| CoreError::InvalidTime(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_that_does_not_exist_is_refused() {
        assert_eq!(
            parse_date("followUpOn", "2025-02-30"),
            Err(CoreError::InvalidDate("followUpOn"))
        );
        assert_eq!(
            parse_date("d", "2025-02-25").unwrap(),
            NaiveDate::from_ymd_opt(2025, 2, 25).unwrap()
        );
        assert!(parse_date("d", "25/02/2025").is_err());
        assert!(parse_date("d", "").is_err());
    }

    #[test]
    fn times_are_24_hour() {
        assert!(parse_time("t", "13:05").is_ok());
        assert_eq!(parse_time("t", "25:00"), Err(CoreError::InvalidTime("t")));
    }

    #[test]
    fn tokyo_day_starts_at_midnight_jst() {
        // 2025-02-24 15:30 UTC is already 00:30 on the 25th in Tokyo.
        let utc = DateTime::parse_from_rfc3339("2025-02-24T15:30:00Z").unwrap();
        assert_eq!(
            utc.with_timezone(&TOKYO).date_naive(),
            NaiveDate::from_ymd_opt(2025, 2, 25).unwrap()
        );
    }
}
