//! The exact counts that cross the wire: a campus's day, and a campus's month by format.
//! salon-core computes them (`salon_core::counts`); headquarters adds them up. Every field is an
//! integer or a code.
//!
//! What leaves exactly, and nothing more: per campus and day the salons, their minutes, the
//! visits, the distinct named students, the first-time students, the appointments booked, kept
//! and missed, and the events and their participants (by kind and group in
//! [`crate::events`]); per campus and month the visits by format (対面/オンライン). Everything
//! else about a visit or a student (route, topics, path decisions, the sensitive topics) leaves
//! only under noise ([`crate::noise`], [`crate::release`], [`crate::paths`]).

use serde::{Deserialize, Serialize};

use crate::kinds::Format;

/// A campus's figures for one day. Every field is exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DayCounts {
    /// Salon sessions held (実施回数).
    pub sessions: u32,
    pub session_minutes: u32,
    /// Visits, counted per visit (利用人数・延べ).
    pub visits: u32,
    /// Students with at least one named visit; anonymous visits count towards `visits` only.
    pub distinct_students: u32,
    pub first_time_students: u32,
    pub appointments_booked: u32,
    pub appointments_kept: u32,
    pub appointments_missed: u32,
    pub events: u32,
    pub event_participants: u32,
}

/// One figure of [`DayCounts`]. Code that handles every figure (headquarters' columns, tables
/// and CSV) goes through [`DayField::ALL`], so the field list is written here alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayField {
    Sessions,
    SessionMinutes,
    Visits,
    DistinctStudents,
    FirstTimeStudents,
    AppointmentsBooked,
    AppointmentsKept,
    AppointmentsMissed,
    Events,
    EventParticipants,
}

impl DayField {
    /// Every figure, in the order of the struct.
    pub const ALL: [DayField; 10] = [
        DayField::Sessions,
        DayField::SessionMinutes,
        DayField::Visits,
        DayField::DistinctStudents,
        DayField::FirstTimeStudents,
        DayField::AppointmentsBooked,
        DayField::AppointmentsKept,
        DayField::AppointmentsMissed,
        DayField::Events,
        DayField::EventParticipants,
    ];

    /// The field's snake_case name (a column name at headquarters).
    pub fn name(self) -> &'static str {
        match self {
            DayField::Sessions => "sessions",
            DayField::SessionMinutes => "session_minutes",
            DayField::Visits => "visits",
            DayField::DistinctStudents => "distinct_students",
            DayField::FirstTimeStudents => "first_time_students",
            DayField::AppointmentsBooked => "appointments_booked",
            DayField::AppointmentsKept => "appointments_kept",
            DayField::AppointmentsMissed => "appointments_missed",
            DayField::Events => "events",
            DayField::EventParticipants => "event_participants",
        }
    }
}

impl DayCounts {
    pub fn get(&self, field: DayField) -> u32 {
        *self.slot(field)
    }

    pub fn set(&mut self, field: DayField, value: u32) {
        *self.slot_mut(field) = value;
    }

    fn slot(&self, field: DayField) -> &u32 {
        match field {
            DayField::Sessions => &self.sessions,
            DayField::SessionMinutes => &self.session_minutes,
            DayField::Visits => &self.visits,
            DayField::DistinctStudents => &self.distinct_students,
            DayField::FirstTimeStudents => &self.first_time_students,
            DayField::AppointmentsBooked => &self.appointments_booked,
            DayField::AppointmentsKept => &self.appointments_kept,
            DayField::AppointmentsMissed => &self.appointments_missed,
            DayField::Events => &self.events,
            DayField::EventParticipants => &self.event_participants,
        }
    }

    fn slot_mut(&mut self, field: DayField) -> &mut u32 {
        match field {
            DayField::Sessions => &mut self.sessions,
            DayField::SessionMinutes => &mut self.session_minutes,
            DayField::Visits => &mut self.visits,
            DayField::DistinctStudents => &mut self.distinct_students,
            DayField::FirstTimeStudents => &mut self.first_time_students,
            DayField::AppointmentsBooked => &mut self.appointments_booked,
            DayField::AppointmentsKept => &mut self.appointments_kept,
            DayField::AppointmentsMissed => &mut self.appointments_missed,
            DayField::Events => &mut self.events,
            DayField::EventParticipants => &mut self.event_participants,
        }
    }
}

/// One cell of an exact breakdown: a code and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct Cell<C> {
    pub code: C,
    pub count: u32,
}

/// A campus's month, exact: its visits and how they were held. Format is about the salon, not
/// the student, so it leaves without noise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonthBreakdown {
    /// The month's visits: the sum of its days' visits.
    pub visits: u32,
    /// Visits by format, every format once in order; they add up to `visits`.
    pub by_format: Vec<Cell<Format>>,
}
