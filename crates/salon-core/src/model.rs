//! The records of a salon day and the inputs the supporter types for them.
//!
//! Inputs arrive from the UI as plain strings and numbers and are validated here, so an invalid
//! code or date becomes a [`CoreError`] that names its field instead of a parse failure.
//! A record whose `id` is 0 has not been stored yet.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::codes::{Enrolment, Format, PathStatus, Route, Topic};
use crate::error::CoreError;
use crate::time::parse_time;
use crate::validate::{
    choice, free_text, in_range, limits, optional_date, optional_text, required_text,
};

/// Times of day travel as `HH:MM`.
mod hhmm {
    use chrono::NaiveTime;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&t.format("%H:%M"))
    }

    pub mod option {
        use super::*;
        pub fn serialize<S: Serializer>(t: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => super::serialize(t, s),
                None => s.serialize_none(),
            }
        }
    }
}

/// A campus (キャンパス) where the supporter holds a salon on a fixed weekday and time slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Campus {
    pub id: i64,
    pub name: String,
    /// ISO weekday of the salon: 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    #[serde(with = "hhmm")]
    #[ts(type = "string")]
    pub start_time: NaiveTime,
    #[serde(with = "hhmm")]
    #[ts(type = "string")]
    pub end_time: NaiveTime,
    /// The room in the school (開催場所).
    pub place: String,
    pub default_format: Format,
    /// The campus code headquarters gives it; filled in when the device is enrolled.
    pub hq_code: Option<String>,
}

/// A campus as typed on the Campuses screen.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct CampusInput {
    pub id: Option<i64>,
    pub name: String,
    pub weekday: i64,
    pub start_time: String,
    pub end_time: String,
    #[serde(default)]
    pub place: String,
    pub default_format: String,
    #[serde(default)]
    pub hq_code: Option<String>,
}

impl CampusInput {
    pub fn validate(&self) -> Result<Campus, CoreError> {
        let start_time = parse_time("startTime", &self.start_time)?;
        let end_time = parse_time("endTime", &self.end_time)?;
        if end_time <= start_time {
            return Err(CoreError::InvalidTime("endTime"));
        }
        let hq_code = optional_text(
            "hqCode",
            self.hq_code.as_deref().unwrap_or(""),
            limits::HQ_CODE,
        )?;
        Ok(Campus {
            id: stored_id(self.id)?,
            name: required_text("name", &self.name, limits::NAME)?,
            weekday: in_range("weekday", self.weekday, (1, 7))? as u8,
            start_time,
            end_time,
            place: optional_text("place", &self.place, limits::PLACE)?,
            default_format: choice("defaultFormat", &self.default_format, Format::from_code)?,
            hq_code: (!hq_code.is_empty()).then_some(hq_code),
        })
    }
}

/// A student (生徒), known by a nickname or display name that never leaves the laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Student {
    pub id: i64,
    pub display_name: String,
    /// 学年: 1 to 4 (correspondence courses can take four years), or unknown.
    pub grade: Option<u8>,
    pub campus_id: i64,
    pub enrolment: Enrolment,
    pub path_status: PathStatus,
    /// The day the path was decided; only with a decided status.
    pub path_decided_on: Option<NaiveDate>,
    /// How many visits the student has made (computed, not stored).
    pub visit_count: i64,
    /// The date of the latest visit (computed, not stored).
    pub last_visit_on: Option<NaiveDate>,
}

/// A student as typed on the Students screen.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct StudentInput {
    pub id: Option<i64>,
    pub display_name: String,
    pub grade: Option<i64>,
    pub campus_id: i64,
    pub enrolment: String,
    pub path_status: String,
    #[serde(default)]
    pub path_decided_on: Option<String>,
}

impl StudentInput {
    pub fn validate(&self) -> Result<Student, CoreError> {
        let path_status = choice("pathStatus", &self.path_status, PathStatus::from_code)?;
        let path_decided_on = optional_date("pathDecidedOn", self.path_decided_on.as_deref())?;
        Ok(Student {
            id: stored_id(self.id)?,
            display_name: required_text("displayName", &self.display_name, limits::NAME)?,
            grade: validate_grade("grade", self.grade)?,
            campus_id: self.campus_id,
            enrolment: choice("enrolment", &self.enrolment, Enrolment::from_code)?,
            path_status,
            // A date of decision means nothing while the path is still undecided.
            path_decided_on: path_decided_on.filter(|_| path_status.is_decided()),
            visit_count: 0,
            last_visit_on: None,
        })
    }
}

/// The id of a record being edited, or 0 for a new one; ids start at 1.
fn stored_id(id: Option<i64>) -> Result<i64, CoreError> {
    match id {
        None => Ok(0),
        Some(id) if id >= 1 => Ok(id),
        Some(_) => Err(CoreError::InvalidChoice("id")),
    }
}

fn validate_grade(field: &'static str, grade: Option<i64>) -> Result<Option<u8>, CoreError> {
    grade
        .map(|g| in_range(field, g, limits::GRADE).map(|g| g as u8))
        .transpose()
}

/// A student created from the visit form in the same step as their first visit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct NewStudent {
    pub display_name: String,
    pub grade: Option<i64>,
}

/// One salon session (サロン実施回): a campus, a day, when it opened and closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SalonSession {
    pub id: i64,
    pub campus_id: i64,
    pub date: NaiveDate,
    #[serde(with = "hhmm")]
    #[ts(type = "string")]
    pub opened_at: NaiveTime,
    #[serde(with = "hhmm::option")]
    #[ts(type = "string | null")]
    pub closed_at: Option<NaiveTime>,
    pub format: Format,
    pub place: String,
}

impl SalonSession {
    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }
}

/// What the supporter types to open the salon (開始).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionOpen {
    pub campus_id: i64,
    pub format: String,
    #[serde(default)]
    pub place: String,
}

impl SessionOpen {
    pub fn validate(&self) -> Result<(Format, String), CoreError> {
        Ok((
            choice("format", &self.format, Format::from_code)?,
            optional_text("place", &self.place, limits::PLACE)?,
        ))
    }
}

/// A visit (来談) as stored and shown. The note is private: it never leaves the laptop and this
/// type is never part of what is sent to headquarters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub id: i64,
    pub session_id: i64,
    pub date: NaiveDate,
    pub campus_id: i64,
    /// None for a student who gave no name: still a visit, still counted.
    pub student_id: Option<i64>,
    pub student_name: Option<String>,
    pub route: Route,
    pub topics: Vec<Topic>,
    pub minutes: u16,
    /// 非公開メモ: private consultation notes.
    pub note: String,
    /// 次の一歩: next steps agreed with the student.
    pub next_steps: String,
    pub follow_up_on: Option<NaiveDate>,
    /// 要連携: something the school must know (safeguarding).
    pub concern: bool,
    /// 先生への共有メモ: written to be shared with the campus teachers.
    pub teacher_summary: String,
    /// Taken from a colleague's laptop in a handover (引き継ぎ): that laptop counted it, so a
    /// correction here changes nothing at headquarters.
    pub taken: bool,
}

/// Who a visit is with, once validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitStudent {
    Anonymous,
    Existing(i64),
    New {
        display_name: String,
        grade: Option<u8>,
    },
}

/// A visit as typed in the visit form.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct VisitInput {
    pub id: Option<i64>,
    pub session_id: i64,
    pub student_id: Option<i64>,
    #[serde(default)]
    pub new_student: Option<NewStudent>,
    pub route: String,
    pub topics: Vec<String>,
    pub minutes: i64,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub next_steps: String,
    #[serde(default)]
    pub follow_up_on: Option<String>,
    #[serde(default)]
    pub concern: bool,
    #[serde(default)]
    pub teacher_summary: String,
}

/// A visit that passed validation, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRecord {
    pub id: Option<i64>,
    pub session_id: i64,
    pub student: VisitStudent,
    pub route: Route,
    pub topics: Vec<Topic>,
    pub minutes: u16,
    pub note: String,
    pub next_steps: String,
    pub follow_up_on: Option<NaiveDate>,
    pub concern: bool,
    pub teacher_summary: String,
}

impl VisitInput {
    pub fn validate(&self) -> Result<VisitRecord, CoreError> {
        let mut topics = self
            .topics
            .iter()
            .map(|code| choice("topics", code, Topic::from_code))
            .collect::<Result<Vec<_>, _>>()?;
        topics.sort();
        topics.dedup();
        if topics.is_empty() {
            return Err(CoreError::Required("topics"));
        }
        Ok(VisitRecord {
            id: Some(stored_id(self.id)?).filter(|id| *id != 0),
            session_id: self.session_id,
            student: self.visit_student()?,
            route: choice("route", &self.route, Route::from_code)?,
            topics,
            minutes: in_range("minutes", self.minutes, limits::MINUTES)? as u16,
            note: free_text("note", &self.note, limits::NOTE)?,
            next_steps: free_text("nextSteps", &self.next_steps, limits::NEXT_STEPS)?,
            follow_up_on: optional_date("followUpOn", self.follow_up_on.as_deref())?,
            concern: self.concern,
            teacher_summary: free_text(
                "teacherSummary",
                &self.teacher_summary,
                limits::TEACHER_SUMMARY,
            )?,
        })
    }

    fn visit_student(&self) -> Result<VisitStudent, CoreError> {
        match (&self.new_student, self.student_id) {
            (Some(_), Some(_)) => Err(CoreError::InvalidChoice("studentId")),
            (Some(new), None) => Ok(VisitStudent::New {
                display_name: required_text(
                    "newStudent.displayName",
                    &new.display_name,
                    limits::NAME,
                )?,
                grade: validate_grade("newStudent.grade", new.grade)?,
            }),
            (None, Some(id)) => Ok(VisitStudent::Existing(id)),
            (None, None) => Ok(VisitStudent::Anonymous),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit() -> VisitInput {
        VisitInput {
            id: None,
            session_id: 1,
            student_id: None,
            new_student: None,
            route: "self".into(),
            topics: vec![
                "job_search".into(),
                "further_study".into(),
                "job_search".into(),
            ],
            minutes: 30,
            note: "  面接の練習をした\n\n".into(),
            next_steps: String::new(),
            follow_up_on: Some(String::new()),
            concern: false,
            teacher_summary: String::new(),
        }
    }

    #[test]
    fn a_valid_visit_keeps_its_note_and_sorts_topics() {
        let v = visit().validate().unwrap();
        assert_eq!(v.topics, vec![Topic::FurtherStudy, Topic::JobSearch]);
        assert_eq!(v.note, "  面接の練習をした");
        assert_eq!(v.student, VisitStudent::Anonymous);
        assert_eq!(v.follow_up_on, None);
    }

    /// Spoils one field of a valid visit.
    type Spoiler = fn(&mut VisitInput);

    #[test]
    fn each_bad_field_is_named() {
        let cases: Vec<(Spoiler, CoreError)> = vec![
            (|v| v.topics.clear(), CoreError::Required("topics")),
            (
                |v| v.topics = vec!["進学".into()],
                CoreError::InvalidChoice("topics"),
            ),
            (
                |v| v.route = "walk_in".into(),
                CoreError::InvalidChoice("route"),
            ),
            (
                |v| v.minutes = 0,
                CoreError::OutOfRange {
                    field: "minutes",
                    min: 1,
                    max: 600,
                },
            ),
            (
                |v| v.follow_up_on = Some("2025-02-30".into()),
                CoreError::InvalidDate("followUpOn"),
            ),
            (
                |v| v.note = "あ".repeat(20_001),
                CoreError::TooLong {
                    field: "note",
                    max: 20_000,
                },
            ),
            (
                |v| {
                    v.new_student = Some(NewStudent {
                        display_name: " ".into(),
                        grade: None,
                    })
                },
                CoreError::Required("newStudent.displayName"),
            ),
            (|v| v.id = Some(0), CoreError::InvalidChoice("id")),
            (
                |v| {
                    v.student_id = Some(3);
                    v.new_student = Some(NewStudent {
                        display_name: "はる".into(),
                        grade: None,
                    });
                },
                CoreError::InvalidChoice("studentId"),
            ),
        ];
        for (spoil, expected) in cases {
            let mut v = visit();
            spoil(&mut v);
            assert_eq!(v.validate(), Err(expected));
        }
    }

    #[test]
    fn campus_end_must_follow_start() {
        let mut c = CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 2,
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "3階 相談室".into(),
            default_format: "in_person".into(),
            hq_code: Some(" ".into()),
        };
        let campus = c.validate().unwrap();
        assert_eq!(campus.hq_code, None);
        assert_eq!(serde_json::to_value(&campus).unwrap()["startTime"], "13:00");
        c.end_time = "12:00".into();
        assert_eq!(c.validate(), Err(CoreError::InvalidTime("endTime")));
        c.end_time = "16:00".into();
        c.weekday = 8;
        assert!(matches!(
            c.validate(),
            Err(CoreError::OutOfRange {
                field: "weekday",
                ..
            })
        ));
    }

    #[test]
    fn an_undecided_path_has_no_decision_date() {
        let s = StudentInput {
            id: None,
            display_name: "ゆうき".into(),
            grade: Some(3),
            campus_id: 1,
            enrolment: "enrolled".into(),
            path_status: "undecided".into(),
            path_decided_on: Some("2025-01-10".into()),
        };
        assert_eq!(s.validate().unwrap().path_decided_on, None);
        let s = StudentInput {
            grade: Some(5),
            ..s
        };
        assert!(matches!(
            s.validate(),
            Err(CoreError::OutOfRange { field: "grade", .. })
        ));
    }
}
