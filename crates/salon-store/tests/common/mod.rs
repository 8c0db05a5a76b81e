//! What the fault suites share: a data folder set up as a supporter's is, and the write path's
//! inputs.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveTime};
use salon_core::{CampusInput, SessionOpen, VisitInput};
use salon_protocol::{CampusCode, Enrolment};
use salon_store::{Store, Vault};

pub const PASS: &str = "障害試験の合言葉2026";

/// A set-up data folder in `dir`: one campus reporting to headquarters as C-012, enrolled.
/// Returns the campus id.
pub fn set_up(dir: &std::path::Path) -> i64 {
    let (mut store, _) = Vault::new(dir).create(PASS, PASS).unwrap();
    let campus = store
        .save_campus(&CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 2,
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: Some("C-012".into()),
        })
        .unwrap();
    let enrolment = Enrolment {
        token: "device-token".into(),
        campuses: vec![CampusCode::parse("C-012").unwrap()],
        path_calendar: salon_protocol::PathCalendar::default(),
    };
    store
        .save_enrolment("http://127.0.0.1:8700", &enrolment)
        .unwrap();
    store.close().unwrap();
    campus.id
}

pub fn at(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

/// The salon of `campus` on `date`, opened if it is not there yet.
pub fn salon_on(store: &mut Store, campus: i64, date: NaiveDate) -> i64 {
    if let Some(s) = store.session_on(campus, date).unwrap() {
        return s.id;
    }
    let open = SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    store.open_session(&open, date, at(13)).unwrap().id
}

/// A new anonymous visit with `note`.
pub fn visit(session_id: i64, note: &str) -> VisitInput {
    VisitInput {
        id: None,
        session_id,
        student_id: None,
        new_student: None,
        route: "teacher".into(),
        topics: vec!["job_search".into(), "school_life".into()],
        minutes: 25,
        note: note.into(),
        next_steps: "次回までに求人票を見る".into(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    }
}
