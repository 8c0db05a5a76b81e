//! What the supporter types to correct a salon (サロンの修正): its day, times, format and place.

use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;

use crate::codes::Format;
use crate::error::CoreError;
use crate::time::{parse_date, parse_time};
use crate::validate::{choice, limits, optional_text};

/// A salon's corrected day, times, format and place, as typed (`YYYY-MM-DD`, `HH:MM`).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SessionCorrection {
    pub date: String,
    pub opened_at: String,
    /// Blank while the salon is still open.
    #[serde(default)]
    pub closed_at: String,
    pub format: String,
    #[serde(default)]
    pub place: String,
}

/// A [`SessionCorrection`] that passed the domain's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectedSession {
    pub date: NaiveDate,
    pub opened_at: NaiveTime,
    pub closed_at: Option<NaiveTime>,
    pub format: Format,
    pub place: String,
}

impl SessionCorrection {
    /// A salon is held on or before `today` (Tokyo), and ends no earlier than it began.
    pub fn validate(&self, today: NaiveDate) -> Result<CorrectedSession, CoreError> {
        let date = parse_date("date", &self.date)?;
        if date > today {
            return Err(CoreError::InvalidDate("date"));
        }
        let opened_at = parse_time("openedAt", &self.opened_at)?;
        let closed_at = match self.closed_at.trim() {
            "" => None,
            text => Some(parse_time("closedAt", text)?),
        };
        if closed_at.is_some_and(|c| c < opened_at) {
            return Err(CoreError::InvalidTime("closedAt"));
        }
        Ok(CorrectedSession {
            date,
            opened_at,
            closed_at,
            format: choice("format", &self.format, Format::from_code)?,
            place: optional_text("place", &self.place, limits::PLACE)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(date: &str, opened: &str, closed: &str) -> SessionCorrection {
        SessionCorrection {
            date: date.into(),
            opened_at: opened.into(),
            closed_at: closed.into(),
            format: "in_person".into(),
            place: " 相談室 ".into(),
        }
    }

    #[test]
    fn a_past_salon_with_its_times_passes_and_a_future_or_backwards_one_does_not() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let ok = input("2026-11-24", "13:00", "16:00")
            .validate(today)
            .unwrap();
        assert_eq!(ok.place, "相談室");
        assert_eq!(ok.closed_at, NaiveTime::from_hms_opt(16, 0, 0));
        assert!(input("2026-12-01", "13:00", "").validate(today).is_ok());
        assert_eq!(
            input("2026-12-02", "13:00", "16:00").validate(today),
            Err(CoreError::InvalidDate("date"))
        );
        assert_eq!(
            input("2026-02-30", "13:00", "16:00").validate(today),
            Err(CoreError::InvalidDate("date"))
        );
        assert_eq!(
            input("2026-11-24", "16:00", "13:00").validate(today),
            Err(CoreError::InvalidTime("closedAt"))
        );
        assert_eq!(
            input("2026-11-24", "25:00", "").validate(today),
            Err(CoreError::InvalidTime("openedAt"))
        );
        let mut online = input("2026-11-24", "13:00", "16:00");
        online.format = "zoom".into();
        assert_eq!(
            online.validate(today),
            Err(CoreError::InvalidChoice("format"))
        );
    }
}
