//! Related activities (関連活動) as counts: per kind of event, how many were held and who took
//! part, by group. Campus events are keyed by campus and day; online events (an オンライン職業講話
//! reaches students of many campuses) belong to no campus and are keyed by the device and day.
//! An event's title never travels.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::CampusCode;
use crate::error::ProtocolError;
use crate::kinds::EventKind;
use crate::plausible::{tomorrow, DAY_CAPS};

/// Who took part, by group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Participants {
    pub students: u32,
    pub parents: u32,
    pub teachers: u32,
    pub supporters: u32,
}

impl Participants {
    pub fn total(&self) -> u64 {
        [self.students, self.parents, self.teachers, self.supporters]
            .iter()
            .map(|n| u64::from(*n))
            .sum()
    }

    pub fn add(&mut self, other: &Participants) {
        self.students += other.students;
        self.parents += other.parents;
        self.teachers += other.teachers;
        self.supporters += other.supporters;
    }
}

/// The events of one kind on one day, and their participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventCount {
    pub kind: EventKind,
    pub events: u32,
    pub participants: Participants,
}

/// A day's events, as a whole: at a campus, or (campus `None`) this device's online events. A
/// higher revision replaces a lower one; a day whose events were all removed is sent with no
/// kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventDaySnapshot {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campus: Option<CampusCode>,
    pub day: NaiveDate,
    pub revision: u32,
    /// The kinds held that day, each once, in `EventKind::ALL` order.
    pub kinds: Vec<EventCount>,
}

impl EventDaySnapshot {
    /// The shape: each kind at most once, in order.
    pub fn check(&self) -> Result<(), ProtocolError> {
        let in_order = self.kinds.windows(2).all(|w| w[0].kind < w[1].kind);
        if !in_order {
            return Err(ProtocolError::IncompleteBreakdown);
        }
        Ok(())
    }
}

/// Whether a day's events can be true on `today`: a revision of 1 to `MAX_REVISION`, no later than
/// tomorrow, participants only where an event was held, and nothing over [`DAY_CAPS`].
pub fn check_events(e: &EventDaySnapshot, today: NaiveDate) -> Result<(), ProtocolError> {
    crate::plausible::check_revision(e.revision)?;
    if e.day > tomorrow(today) {
        return Err(ProtocolError::DayInFuture);
    }
    if e.kinds
        .iter()
        .any(|k| k.events == 0 && k.participants.total() > 0)
    {
        return Err(ProtocolError::ParticipantsWithoutEvent);
    }
    let events: u64 = e.kinds.iter().map(|k| u64::from(k.events)).sum();
    if events > u64::from(DAY_CAPS.events) {
        return Err(ProtocolError::OverDayCap(crate::counts::DayField::Events));
    }
    let participants: u64 = e.kinds.iter().map(|k| k.participants.total()).sum();
    if participants > u64::from(DAY_CAPS.event_participants) {
        return Err(ProtocolError::OverDayCap(
            crate::counts::DayField::EventParticipants,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(kinds: Vec<EventCount>) -> EventDaySnapshot {
        EventDaySnapshot {
            campus: None,
            day: NaiveDate::from_ymd_opt(2024, 11, 20).unwrap(),
            revision: 1,
            kinds,
        }
    }

    fn count(kind: EventKind, events: u32, students: u32) -> EventCount {
        EventCount {
            kind,
            events,
            participants: Participants {
                students,
                ..Participants::default()
            },
        }
    }

    #[test]
    fn a_day_of_events_is_checked_like_a_salon_day() {
        let today = NaiveDate::from_ymd_opt(2024, 11, 20).unwrap();
        let talk = count(EventKind::CareerTalk, 1, 120);
        assert_eq!(check_events(&snapshot(vec![talk]), today), Ok(()));
        assert_eq!(snapshot(vec![]).check(), Ok(()));
        let seminar = count(EventKind::ParentSeminar, 1, 0);
        assert_eq!(snapshot(vec![talk, seminar]).check(), Ok(()));
        assert_eq!(
            snapshot(vec![seminar, talk]).check(),
            Err(ProtocolError::IncompleteBreakdown)
        );
        assert_eq!(
            snapshot(vec![talk, talk]).check(),
            Err(ProtocolError::IncompleteBreakdown)
        );
        assert_eq!(
            check_events(&snapshot(vec![count(EventKind::Exchange, 0, 3)]), today),
            Err(ProtocolError::ParticipantsWithoutEvent)
        );
        assert_eq!(
            check_events(&snapshot(vec![count(EventKind::Exchange, 11, 3)]), today),
            Err(ProtocolError::OverDayCap(crate::counts::DayField::Events))
        );
        assert_eq!(
            check_events(&snapshot(vec![count(EventKind::Exchange, 1, 2001)]), today),
            Err(ProtocolError::OverDayCap(
                crate::counts::DayField::EventParticipants
            ))
        );
        let mut later = snapshot(vec![talk]);
        later.day = NaiveDate::from_ymd_opt(2024, 11, 22).unwrap();
        assert_eq!(check_events(&later, today), Err(ProtocolError::DayInFuture));
        later.revision = 0;
        assert_eq!(
            check_events(&later, today),
            Err(ProtocolError::RevisionZero)
        );
    }

    #[test]
    fn an_online_day_travels_without_a_campus() {
        let json =
            serde_json::to_value(snapshot(vec![count(EventKind::CareerTalk, 1, 40)])).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "day": "2024-11-20", "revision": 1,
                "kinds": [{"kind": "career_talk", "events": 1,
                           "participants": {"students": 40, "parents": 0, "teachers": 0, "supporters": 0}}]
            })
        );
        let mut at_campus = snapshot(vec![]);
        at_campus.campus = Some(CampusCode::parse("C-012").unwrap());
        let json = serde_json::to_string(&at_campus).unwrap();
        assert!(json.contains("\"campus\":\"C-012\""), "{json}");
        assert_eq!(
            serde_json::from_str::<EventDaySnapshot>(&json).unwrap(),
            at_campus
        );
        assert!(serde_json::from_str::<EventDaySnapshot>(
            r#"{"day":"2024-11-20","revision":1,"kinds":[],"title":"x"}"#
        )
        .is_err());
    }
}
