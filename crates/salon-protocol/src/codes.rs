//! The few strings that cross the wire, each constrained to a code so none can carry text.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::ProtocolError;

/// Headquarters' code for a campus, e.g. `C-012`: 1 to 20 of `A-Z`, `0-9`, `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ts_rs::TS)]
#[ts(type = "string")]
pub struct CampusCode(String);

impl CampusCode {
    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        let ok = (1..=20).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        ok.then(|| CampusCode(text.to_owned()))
            .ok_or(ProtocolError::BadCampusCode)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A one-time enrolment code as headquarters prints it: 10 of `A-Z` and `2-9`.
#[derive(Clone, PartialEq, Eq)]
pub struct EnrolmentCode(String);

impl fmt::Debug for EnrolmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnrolmentCode(..)")
    }
}

impl EnrolmentCode {
    /// Accepts what a person types: case, spaces and hyphens are ignored, and the digits 0
    /// and 1, which no code holds, are read as the letters O and I they are mistaken for.
    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        let code: String = text
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
            .map(|c| match c.to_ascii_uppercase() {
                '0' => 'O',
                '1' => 'I',
                c => c,
            })
            .collect();
        let ok = code.len() == 10
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'9').contains(&b));
        ok.then_some(EnrolmentCode(code))
            .ok_or(ProtocolError::BadEnrolmentCode)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ts_rs::TS)]
#[ts(type = "string")]
pub struct Month {
    first_day: NaiveDate,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month {
            first_day: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn parse(text: &str) -> Result<Self, ProtocolError> {
        if text.len() != 7 {
            return Err(ProtocolError::BadMonth);
        }
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .map(|first_day| Month { first_day })
            .map_err(|_| ProtocolError::BadMonth)
    }

    pub fn first_day(&self) -> NaiveDate {
        self.first_day
    }

    /// The month's last day.
    pub fn last_day(&self) -> NaiveDate {
        let next = self
            .first_day
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(self.first_day);
        next.pred_opt().unwrap_or(self.first_day)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first_day.format("%Y-%m"))
    }
}

/// The app's own version, as a device names it in [`crate::APP_VERSION_HEADER`]: semver
/// (`1.0.0`, `1.1.0-rc.1`), at most 32 characters. Ordered as semver orders it, so headquarters
/// can tell which laptops run an app older than the newest any laptop has reported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppVersion(semver::Version);

impl AppVersion {
    pub fn parse(text: &str) -> Option<AppVersion> {
        if text.len() > 32 {
            return None;
        }
        semver::Version::parse(text)
            .ok()
            .filter(|v| v.build.is_empty())
            .map(AppVersion)
    }
}

impl fmt::Display for AppVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! string_code {
    ($ty:ty, $text:expr) => {
        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[allow(clippy::redundant_closure_call)]
                s.collect_str(&($text)(self))
            }
        }
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                <$ty>::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

string_code!(CampusCode, |c: &CampusCode| c.0.clone());
string_code!(EnrolmentCode, |c: &EnrolmentCode| c.0.clone());
string_code!(Month, |m: &Month| m.to_string());
