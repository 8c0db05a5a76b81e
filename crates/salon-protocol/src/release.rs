//! A campus's month released under noise. Each release is drawn once on the laptop,
//! on a fixed day after the month ends, kept in its outbox and sent as drawn; headquarters keeps
//! the first it receives for a key and refuses other numbers for it (`release_held`), so a
//! resend or a restored laptop never gives it a second draw to average.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::{CampusCode, Month};
use crate::error::ProtocolError;
use crate::noise::{NoisyMonthBreakdown, Release};

/// One release of a campus's month by one device. It has no revision: it is never replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonthRelease {
    pub campus: CampusCode,
    pub month: Month,
    pub breakdown: NoisyMonthBreakdown,
}

/// Which release: a campus, a month, first or second. Headquarters lists the keys it holds for
/// a device in its configuration, so the device never draws again what headquarters has (a
/// laptop restored from a backup older than its draws, a receipt lost on the way back).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseKey {
    pub campus: CampusCode,
    pub month: Month,
    pub release: Release,
}

impl MonthRelease {
    pub fn release_key(&self) -> ReleaseKey {
        ReleaseKey {
            campus: self.campus.clone(),
            month: self.month,
            release: self.breakdown.release,
        }
    }
}

impl Release {
    /// Both releases, in the order they fall due.
    pub const ALL: [Release; 2] = [Release::First, Release::Second];

    /// Days after the month's last day: a week for the late entries of its last salon, then
    /// six more for the corrections its first report brings.
    pub fn days_after_month(self) -> u64 {
        match self {
            Release::First => 7,
            Release::Second => 49,
        }
    }

    /// The day (Asia/Tokyo) from which this release of `month` is drawn and accepted.
    pub fn day(self, month: Month) -> NaiveDate {
        let last = month.last_day();
        last.checked_add_days(Days::new(self.days_after_month()))
            .unwrap_or(last)
    }

    /// The release's name as the outbox and headquarters' tables store it.
    pub fn as_str(self) -> &'static str {
        match self {
            Release::First => "first",
            Release::Second => "second",
        }
    }

    pub fn parse(text: &str) -> Option<Release> {
        Release::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A release before its day would be drawn over a month still being written, and would let a
/// device release a month more often than the calendar says. `today` is headquarters' Tokyo
/// date; a day of slack lets a laptop whose clock runs a little ahead (at midnight on the
/// release day) through, as day figures are taken up to tomorrow.
pub fn check_release(r: &MonthRelease, today: NaiveDate) -> Result<(), ProtocolError> {
    if crate::plausible::tomorrow(today) < r.breakdown.release.day(r.month) {
        return Err(ProtocolError::ReleaseEarly);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn release(month: &str, release: Release) -> MonthRelease {
        MonthRelease {
            campus: CampusCode::parse("C-012").unwrap(),
            month: Month::parse(month).unwrap(),
            breakdown: NoisyMonthBreakdown {
                release,
                by_route: vec![],
                by_topic: vec![],
            },
        }
    }

    #[test]
    fn releases_fall_due_a_week_and_seven_weeks_after_the_month() {
        let feb = Month::parse("2025-02").unwrap();
        assert_eq!(Release::First.day(feb), d(2025, 3, 7));
        assert_eq!(Release::Second.day(feb), d(2025, 4, 18));
        let dec = Month::parse("2024-12").unwrap();
        assert_eq!(Release::First.day(dec), d(2025, 1, 7));
        assert_eq!(Release::parse("second"), Some(Release::Second));
        assert_eq!(Release::parse("third"), None);
    }

    #[test]
    fn a_release_before_its_day_is_refused() {
        let first = release("2025-02", Release::First);
        assert_eq!(
            check_release(&first, d(2025, 3, 5)),
            Err(ProtocolError::ReleaseEarly)
        );
        // A laptop a little ahead at midnight: headquarters' 6 March is the laptop's 7th.
        assert_eq!(check_release(&first, d(2025, 3, 6)), Ok(()));
        let second = release("2025-02", Release::Second);
        assert_eq!(
            check_release(&second, d(2025, 4, 16)),
            Err(ProtocolError::ReleaseEarly)
        );
        assert_eq!(ProtocolError::ReleaseEarly.code().as_str(), "release_early");
    }

    #[test]
    fn a_release_key_names_its_release() {
        let json = serde_json::to_string(&release("2025-02", Release::Second).key()).unwrap();
        assert_eq!(
            json,
            r#"{"release":{"campus":"C-012","month":"2025-02","release":"second"}}"#
        );
    }
}
