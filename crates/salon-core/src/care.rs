//! The supporter's follow-through (フォロー): appointments (予約) and no-shows (欠席), follow-ups
//! and concerns (要連携), path history (進路), and events (イベント).
//!
//! Final year (最終学年): a student in grade 3 or 4 counts as final-year for the risk list
//! ([`is_final_year`]). Correspondence courses take three years at least and can take four, so a
//! third-year student in a four-year plan is listed too: a risk list that says too much is
//! safer than one that misses a student about to graduate 未定. A student whose grade is not
//! known is not listed.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::codes::PathStatus;
use crate::error::CoreError;
use crate::time::{parse_date, parse_time};
use crate::validate::{in_range, optional_text};

/// The lowest grade counted as the final year.
pub const FINAL_YEAR_FROM_GRADE: u8 = 3;

/// Whether a student of this grade is in their final year (see the module's note).
pub fn is_final_year(grade: Option<u8>) -> bool {
    grade.is_some_and(|g| g >= FINAL_YEAR_FROM_GRADE)
}

/// How many missed appointments in a row put a student on the outreach list (声かけ).
pub const OUTREACH_MISSES: u32 = 2;

/// The most participants one event records in one category.
pub const MAX_PARTICIPANTS: i64 = 100_000;

/// Length limit of an event's optional title, in characters.
pub const EVENT_TITLE: usize = 100;

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
pub enum AppointmentStatus {
    /// 予約中
    #[serde(rename = "booked")]
    Booked,
    /// 来談: it became a visit.
    #[serde(rename = "kept")]
    Kept,
    /// 欠席: a no-show.
    #[serde(rename = "missed")]
    Missed,
}

impl AppointmentStatus {
    pub const ALL: &'static [AppointmentStatus] = &[
        AppointmentStatus::Booked,
        AppointmentStatus::Kept,
        AppointmentStatus::Missed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Kept => "kept",
            AppointmentStatus::Missed => "missed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.code() == code)
    }
}

/// The kinds of event the NPO runs (defined with the other codes that travel).
pub use salon_protocol::EventKind;

/// Times of day travel as `HH:MM`.
mod hhmm_option {
    use chrono::NaiveTime;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.collect_str(&t.format("%H:%M")),
            None => s.serialize_none(),
        }
    }
}

/// An appointment as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: i64,
    pub student_id: i64,
    pub student_name: String,
    pub campus_id: i64,
    pub date: NaiveDate,
    #[serde(with = "hhmm_option")]
    #[ts(type = "string | null")]
    pub time: Option<NaiveTime>,
    pub status: AppointmentStatus,
    /// The visit it became, once kept.
    pub visit_id: Option<i64>,
    /// The visit during which it was booked (次回の予約), if any.
    pub booked_from_visit_id: Option<i64>,
}

/// An appointment as typed (the student's page, or 次回の予約 in the visit form).
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentInput {
    pub student_id: i64,
    pub date: String,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub time: Option<String>,
    #[serde(default)]
    #[ts(optional = nullable)]
    pub booked_from_visit_id: Option<i64>,
}

/// A validated appointment input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRecord {
    pub student_id: i64,
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub booked_from_visit_id: Option<i64>,
}

impl AppointmentInput {
    pub fn validate(&self) -> Result<AppointmentRecord, CoreError> {
        if self.student_id < 1 {
            return Err(CoreError::InvalidChoice("studentId"));
        }
        if self.date.trim().is_empty() {
            return Err(CoreError::Required("date"));
        }
        let time = match self.time.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(t) => Some(parse_time("time", t)?),
        };
        Ok(AppointmentRecord {
            student_id: self.student_id,
            date: parse_date("date", &self.date)?,
            time,
            booked_from_visit_id: self.booked_from_visit_id,
        })
    }
}

/// 次回の予約 typed in the visit form: booked for the visit's student when the visit is saved.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct NextAppointment {
    pub date: String,
    #[serde(default)]
    pub time: Option<String>,
}

impl NextAppointment {
    /// The booking for `student_id`, made during `visit_id`.
    pub fn for_student(&self, student_id: i64, visit_id: Option<i64>) -> AppointmentInput {
        AppointmentInput {
            student_id,
            date: self.date.clone(),
            time: self.time.clone(),
            booked_from_visit_id: visit_id,
        }
    }
}

/// A student on the outreach list (声かけリスト): the latest appointments were missed in a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct OutreachEntry {
    pub student_id: i64,
    pub student_name: String,
    pub campus_id: i64,
    pub grade: Option<u8>,
    /// Missed appointments in a row, newest first, since the last kept one or visit.
    pub misses: u32,
    pub last_missed_on: NaiveDate,
    /// The latest visit (a kept appointment is a visit); a no-show is not contact.
    pub last_contact_on: Option<NaiveDate>,
}

/// A follow-up (フォロー予定日) or a concern (要連携) from a visit, open or done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FollowUp {
    pub visit_id: i64,
    pub visit_date: NaiveDate,
    pub campus_id: i64,
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub concern: bool,
    pub next_steps: String,
    /// When it was marked done (RFC 3339, UTC); None while open.
    pub done_at: Option<String>,
}

/// Today's 要対応: the first few follow-ups and concerns due, and how many are due in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct FollowUpsDue {
    pub first: Vec<FollowUp>,
    pub total: u64,
}

/// One entry of a student's path history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct PathChange {
    pub status: PathStatus,
    pub decided_on: Option<NaiveDate>,
    /// The campus the student was at (a decision is counted there, even after a 転校).
    pub campus_id: Option<i64>,
    /// When the change was recorded (RFC 3339, UTC).
    pub changed_at: String,
}

/// A final-year, enrolled student whose path is still 未定 (進路未定リスト).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RiskEntry {
    pub student_id: i64,
    pub student_name: String,
    pub campus_id: i64,
    pub grade: Option<u8>,
    /// The latest visit; None = never met, listed first.
    pub last_contact_on: Option<NaiveDate>,
}

/// An event as stored and shown. `campus_id` None = online.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub id: i64,
    pub kind: EventKind,
    pub date: NaiveDate,
    pub campus_id: Option<i64>,
    pub title: String,
    pub students: u32,
    pub parents: u32,
    pub teachers: u32,
    pub supporters: u32,
}

impl Event {
    /// Everyone who took part.
    pub fn participants(&self) -> u32 {
        self.students + self.parents + self.teachers + self.supporters
    }
}

/// An event as typed on the events screen.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    pub id: Option<i64>,
    pub kind: String,
    pub date: String,
    /// None = online.
    #[serde(default)]
    pub campus_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub students: i64,
    #[serde(default)]
    pub parents: i64,
    #[serde(default)]
    pub teachers: i64,
    #[serde(default)]
    pub supporters: i64,
}

impl EventInput {
    /// The event to store; id 0 = new.
    pub fn validate(&self) -> Result<Event, CoreError> {
        let id = match self.id {
            None => 0,
            Some(id) if id >= 1 => id,
            Some(_) => return Err(CoreError::InvalidChoice("id")),
        };
        let count = |field, n| in_range(field, n, (0, MAX_PARTICIPANTS)).map(|n| n as u32);
        if self.date.trim().is_empty() {
            return Err(CoreError::Required("date"));
        }
        Ok(Event {
            id,
            kind: EventKind::from_code(&self.kind).ok_or(CoreError::InvalidChoice("kind"))?,
            date: parse_date("date", &self.date)?,
            campus_id: self.campus_id,
            title: optional_text("title", &self.title, EVENT_TITLE)?,
            students: count("students", self.students)?,
            parents: count("parents", self.parents)?,
            teachers: count("teachers", self.teachers)?,
            supporters: count("supporters", self.supporters)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> EventInput {
        EventInput {
            id: None,
            kind: "parent_seminar".into(),
            date: "2025-02-25".into(),
            campus_id: Some(1),
            title: " 進路を考える保護者会 ".into(),
            students: 3,
            parents: 12,
            teachers: 2,
            supporters: 1,
        }
    }

    #[test]
    fn an_event_is_validated_field_by_field() {
        let e = event().validate().unwrap();
        assert_eq!(e.kind, EventKind::ParentSeminar);
        assert_eq!(e.title, "進路を考える保護者会");
        assert_eq!(e.participants(), 18);
        assert_eq!(
            EventInput {
                parents: -1,
                ..event()
            }
            .validate(),
            Err(CoreError::OutOfRange {
                field: "parents",
                min: 0,
                max: MAX_PARTICIPANTS
            })
        );
        assert_eq!(
            EventInput {
                kind: "保護者セミナー".into(),
                ..event()
            }
            .validate(),
            Err(CoreError::InvalidChoice("kind"))
        );
        assert_eq!(
            EventInput {
                date: "2025-02-30".into(),
                ..event()
            }
            .validate(),
            Err(CoreError::InvalidDate("date"))
        );
        for k in EventKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
        }
    }

    #[test]
    fn an_appointment_needs_a_date_and_takes_an_optional_time() {
        let a = AppointmentInput {
            student_id: 4,
            date: "2025-03-04".into(),
            time: Some(" ".into()),
            booked_from_visit_id: None,
        };
        assert_eq!(a.validate().unwrap().time, None);
        let timed = AppointmentInput {
            time: Some("25:00".into()),
            ..a.clone()
        };
        assert_eq!(timed.validate(), Err(CoreError::InvalidTime("time")));
        let undated = AppointmentInput {
            date: String::new(),
            ..a
        };
        assert_eq!(undated.validate(), Err(CoreError::Required("date")));
    }

    #[test]
    fn grades_three_and_four_are_final_year() {
        assert!(!is_final_year(None));
        assert!(!is_final_year(Some(2)));
        assert!(is_final_year(Some(3)));
        assert!(is_final_year(Some(4)));
    }
}
