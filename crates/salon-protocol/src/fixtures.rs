//! The day snapshots both sides are tested with (feature `fixtures`, tests only): headquarters'
//! API refuses each implausible one with its code, and the device holds each back with the
//! same code. The cases are written once, in `fixtures/implausible_days.json`.

use chrono::{Days, NaiveDate};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::codes::CampusCode;
use crate::counts::DayCounts;
use crate::error::ErrorCode;
use crate::snapshots::DaySnapshot;

/// One case: a snapshot, and the code it is refused with (`None`: it is plausible).
#[derive(Debug, Clone)]
pub struct DayCase {
    pub name: String,
    pub snapshot: DaySnapshot,
    pub code: Option<ErrorCode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    name: String,
    day_offset: i64,
    revision: u32,
    counts: Map<String, Value>,
    code: Option<ErrorCode>,
}

#[derive(Deserialize)]
struct File {
    cases: Vec<Case>,
    plausible: Vec<Case>,
}

/// A real salon day: one salon of three hours, six visits by five students.
pub fn salon_day() -> DayCounts {
    DayCounts {
        sessions: 1,
        session_minutes: 180,
        visits: 6,
        distinct_students: 5,
        first_time_students: 2,
        appointments_booked: 2,
        appointments_kept: 1,
        appointments_missed: 1,
        events: 1,
        event_participants: 40,
    }
}

/// Every case for `campus`, its day counted from `today`: the implausible ones first.
pub fn day_cases(campus: &CampusCode, today: NaiveDate) -> Vec<DayCase> {
    let file: File = serde_json::from_str(include_str!("../fixtures/implausible_days.json"))
        .expect("the fixture parses");
    file.cases
        .into_iter()
        .chain(file.plausible)
        .map(|c| {
            let mut counts = serde_json::to_value(salon_day()).expect("counts serialise");
            for (k, v) in c.counts {
                counts[k] = v;
            }
            let day = if c.day_offset >= 0 {
                today.checked_add_days(Days::new(c.day_offset.unsigned_abs()))
            } else {
                today.checked_sub_days(Days::new(c.day_offset.unsigned_abs()))
            };
            DayCase {
                name: c.name,
                snapshot: DaySnapshot {
                    campus: campus.clone(),
                    day: day.expect("a day in range"),
                    revision: c.revision,
                    counts: serde_json::from_value(counts).expect("the fixture's counts"),
                },
                code: c.code,
            }
        })
        .collect()
}
