//! The counts that cross the wire: a campus's day, and a campus's month broken down with the
//! small-count rule applied. salon-core computes them (`salon_core::counts`); headquarters adds
//! them up. Every field is an integer or a code.

use serde::{Deserialize, Serialize};

use crate::kinds::{Format, PathStatus, Route, Topic};

/// A campus's figures for one day. Every field is exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One cell of a breakdown: a code and its count, or `None` when hidden (秘匿).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cell<C> {
    pub code: C,
    pub count: Option<u32>,
}

/// The small-count rule set by headquarters: a count from 1 to k−1 is never sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SuppressionRule {
    /// k for every cell but the sensitive topics (5 by default).
    pub k: u32,
    /// k for 家庭のこと and 心身の不調 (10 by default).
    pub sensitive_k: u32,
}

impl Default for SuppressionRule {
    fn default() -> Self {
        SuppressionRule {
            k: 5,
            sensitive_k: 10,
        }
    }
}

impl SuppressionRule {
    /// The threshold for one topic.
    pub fn k_for_topic(&self, topic: Topic) -> u32 {
        if topic.is_sensitive() {
            self.sensitive_k
        } else {
            self.k
        }
    }

    /// Whether a rule is one headquarters could set: k of at least 2 (1 would hide nothing).
    pub fn is_valid(&self) -> bool {
        self.k >= 2 && self.sensitive_k >= self.k && self.sensitive_k <= 100
    }
}

/// A campus's breakdowns for one month, with the small-count rule applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MonthBreakdown {
    /// The month's visits, exact (the sum of its days' visits): the total of `by_route`.
    pub visits: u32,
    /// Visits by route; the cells add up to `visits`. Empty from a device that releases them
    /// under noise instead (protocol 5: `Upload.releases`).
    pub by_route: Vec<Cell<Route>>,
    /// Visits by topic; a visit can have several topics, so the cells have no known total.
    /// Empty, as `by_route`, under noise.
    pub by_topic: Vec<Cell<Topic>>,
    /// Visits by format (対面/オンライン): about the salon, not the student; exact.
    pub by_format: Vec<Cell<Format>>,
    /// Paths decided this month, by kind.
    pub path_decisions: Vec<Cell<PathStatus>>,
}
