//! What a snapshot can hold and be true. Headquarters refuses an upload with a snapshot that
//! fails here; the device runs the same checks before it sends and holds a failing snapshot
//! back, naming it, so one bad day never blocks the rest silently.

use chrono::{Days, NaiveDate};

use crate::codes::Month;
use crate::counts::{DayCounts, DayField, MonthBreakdown};
use crate::error::ProtocolError;
use crate::kinds::Format;
use crate::snapshots::{DaySnapshot, MonthSnapshot};

/// The most one device can count for one campus on one day. A salon runs about three hours
/// (seed: 247 salons, 757 visits over a term, so about three visits a salon); the caps are
/// far above any real day and only refuse what cannot be a day of one campus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayCaps {
    /// The app opens one salon per campus and day; the cap leaves room for a second or third.
    pub sessions: u32,
    /// A visit a minute for three hours is 180.
    pub visits: u32,
    pub appointments_booked: u32,
    pub events: u32,
    /// A whole-school guidance event, with parents and teachers.
    pub event_participants: u32,
}

pub const DAY_CAPS: DayCaps = DayCaps {
    sessions: 3,
    visits: 200,
    appointments_booked: 100,
    events: 10,
    event_participants: 2000,
};

/// The highest revision a snapshot may carry. A laptop's figure for one day changes a handful
/// of times; a revision near the type's maximum (4,294,967,295) would leave no higher one for
/// a later correction, so headquarters and the device refuse one above this.
pub const MAX_REVISION: u32 = 1_000_000;

/// A revision between 1 and [`MAX_REVISION`].
pub(crate) fn check_revision(revision: u32) -> Result<(), ProtocolError> {
    match revision {
        0 => Err(ProtocolError::RevisionZero),
        r if r > MAX_REVISION => Err(ProtocolError::RevisionTooHigh),
        _ => Ok(()),
    }
}

/// A session lasts at most a day.
pub const MINUTES_PER_SESSION: u32 = 24 * 60;

/// Whether a day snapshot can be true on `today` (Asia/Tokyo, the programme's calendar):
/// a revision of 1 to [`MAX_REVISION`], a day no later than tomorrow (a clock a little ahead), the day's
/// figures consistent with each other, and nothing over [`DAY_CAPS`].
pub fn check_day(d: &DaySnapshot, today: NaiveDate) -> Result<(), ProtocolError> {
    check_revision(d.revision)?;
    if d.day > tomorrow(today) {
        return Err(ProtocolError::DayInFuture);
    }
    check_counts(&d.counts)
}

/// Whether a month snapshot can be true on `today`: a revision of 1 to [`MAX_REVISION`] and a month no
/// later than tomorrow's. Its breakdown is checked by [`crate::rule::check_breakdown`].
pub fn check_month(m: &MonthSnapshot, today: NaiveDate) -> Result<(), ProtocolError> {
    check_revision(m.revision)?;
    if m.month > Month::of(tomorrow(today)) {
        return Err(ProtocolError::DayInFuture);
    }
    Ok(())
}

pub(crate) fn tomorrow(today: NaiveDate) -> NaiveDate {
    today.checked_add_days(Days::new(1)).unwrap_or(today)
}

fn check_counts(c: &DayCounts) -> Result<(), ProtocolError> {
    if c.distinct_students > c.visits {
        return Err(ProtocolError::DistinctOverVisits);
    }
    if c.first_time_students > c.distinct_students {
        return Err(ProtocolError::FirstTimeOverDistinct);
    }
    if c.sessions == 0 && (c.visits > 0 || c.session_minutes > 0) {
        return Err(ProtocolError::CountsWithoutSession);
    }
    if u64::from(c.session_minutes) > u64::from(c.sessions) * u64::from(MINUTES_PER_SESSION) {
        return Err(ProtocolError::MinutesOverDay);
    }
    let settled = u64::from(c.appointments_kept) + u64::from(c.appointments_missed);
    if settled > u64::from(c.appointments_booked) {
        return Err(ProtocolError::AppointmentsOverBooked);
    }
    let caps = [
        (DayField::Sessions, DAY_CAPS.sessions),
        (DayField::Visits, DAY_CAPS.visits),
        (DayField::AppointmentsBooked, DAY_CAPS.appointments_booked),
        (DayField::Events, DAY_CAPS.events),
        (DayField::EventParticipants, DAY_CAPS.event_participants),
    ];
    match caps.iter().find(|(f, cap)| c.get(*f) > *cap) {
        Some((f, _)) => Err(ProtocolError::OverDayCap(*f)),
        None => Ok(()),
    }
}

impl MonthBreakdown {
    /// What a parser cannot check: every format once and in order, adding up to the visits.
    pub fn check(&self) -> Result<(), ProtocolError> {
        let codes: Vec<Format> = self.by_format.iter().map(|c| c.code).collect();
        if codes != Format::ALL {
            return Err(ProtocolError::IncompleteBreakdown);
        }
        let sum: u64 = self.by_format.iter().map(|c| u64::from(c.count)).sum();
        if sum != u64::from(self.visits) {
            return Err(ProtocolError::MonthTotalMismatch);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CampusCode;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn snapshot(on: NaiveDate, counts: DayCounts) -> DaySnapshot {
        DaySnapshot {
            campus: CampusCode::parse("C-1").unwrap(),
            day: on,
            revision: 1,
            counts,
        }
    }

    /// The fixture's real salon day (shared with headquarters' and the device's tests).
    fn salon() -> DayCounts {
        crate::fixtures::salon_day()
    }

    #[test]
    fn a_real_day_and_an_empty_day_pass() {
        let today = day(2026, 12, 1);
        assert_eq!(check_day(&snapshot(today, salon()), today), Ok(()));
        assert_eq!(
            check_day(&snapshot(today, DayCounts::default()), today),
            Ok(())
        );
        // Appointments and events on a day without a salon are real.
        let no_salon = DayCounts {
            appointments_booked: 1,
            events: 1,
            event_participants: 12,
            ..Default::default()
        };
        assert_eq!(check_day(&snapshot(today, no_salon), today), Ok(()));
    }

    #[test]
    fn each_impossible_day_has_its_own_refusal() {
        let today = day(2026, 12, 1);
        let with = |f: fn(&mut DayCounts)| {
            let mut c = salon();
            f(&mut c);
            check_day(&snapshot(today, c), today)
        };
        assert_eq!(
            with(|c| c.distinct_students = 7),
            Err(ProtocolError::DistinctOverVisits)
        );
        assert_eq!(
            with(|c| c.first_time_students = 6),
            Err(ProtocolError::FirstTimeOverDistinct)
        );
        assert_eq!(
            with(|c| c.sessions = 0),
            Err(ProtocolError::CountsWithoutSession)
        );
        assert_eq!(
            with(|c| {
                *c = DayCounts {
                    session_minutes: 30,
                    ..Default::default()
                }
            }),
            Err(ProtocolError::CountsWithoutSession)
        );
        assert_eq!(
            with(|c| c.session_minutes = 24 * 60 + 1),
            Err(ProtocolError::MinutesOverDay)
        );
        assert_eq!(
            with(|c| {
                c.sessions = 2;
                c.session_minutes = 2 * 24 * 60;
            }),
            Ok(())
        );
        assert_eq!(
            with(|c| c.appointments_kept = 2),
            Err(ProtocolError::AppointmentsOverBooked)
        );
        assert_eq!(
            with(|c| c.sessions = 4),
            Err(ProtocolError::OverDayCap(DayField::Sessions))
        );
        assert_eq!(
            with(|c| c.visits = 201),
            Err(ProtocolError::OverDayCap(DayField::Visits))
        );
        assert_eq!(with(|c| c.visits = 200), Ok(()));
        assert_eq!(
            with(|c| c.event_participants = 2001),
            Err(ProtocolError::OverDayCap(DayField::EventParticipants))
        );
        assert_eq!(
            with(|c| c.appointments_missed = u32::MAX),
            Err(ProtocolError::AppointmentsOverBooked)
        );
    }

    #[test]
    fn tomorrow_is_a_clock_ahead_and_the_day_after_is_refused() {
        let today = day(2026, 12, 31);
        assert_eq!(
            check_day(&snapshot(day(2027, 1, 1), salon()), today),
            Ok(())
        );
        assert_eq!(
            check_day(&snapshot(day(2027, 1, 2), salon()), today),
            Err(ProtocolError::DayInFuture)
        );
        assert_eq!(
            check_day(&snapshot(day(2099, 4, 1), salon()), today),
            Err(ProtocolError::DayInFuture)
        );
        // Last year's days are corrected and sent like any other.
        assert_eq!(
            check_day(&snapshot(day(2025, 4, 8), salon()), today),
            Ok(())
        );
        let mut zero = snapshot(today, salon());
        zero.revision = 0;
        assert_eq!(check_day(&zero, today), Err(ProtocolError::RevisionZero));
    }
}
