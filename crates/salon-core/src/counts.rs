//! The count rules: what a campus's salon days and months add up to, exactly. Pure functions,
//! so they can be property-tested; the wire format (salon-protocol) carries the day and month
//! figures as they are, and the exact tallies only through noise (salon-privacy).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::codes::{Format, Route, Topic};
pub use salon_protocol::counts::{Cell, DayCounts, MonthBreakdown};

/// One salon session as the count rules see it: no names, no notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFact {
    pub date: NaiveDate,
    pub minutes: u32,
    pub format: Format,
}

/// One visit as the count rules see it. `student` is a local id used only to count distinct
/// students; it never leaves the laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFact {
    pub date: NaiveDate,
    pub student: Option<i64>,
    /// Whether this is the student's first visit ever (on this laptop).
    pub first_visit: bool,
    pub route: Route,
    pub topics: Vec<Topic>,
    pub format: Format,
}

/// Adds up one campus's day from its sessions and visits.
pub fn day_counts(sessions: &[SessionFact], visits: &[VisitFact]) -> DayCounts {
    let students: BTreeSet<i64> = visits.iter().filter_map(|v| v.student).collect();
    let first_timers: BTreeSet<i64> = visits
        .iter()
        .filter(|v| v.first_visit)
        .filter_map(|v| v.student)
        .collect();
    DayCounts {
        sessions: sessions.len() as u32,
        session_minutes: sessions.iter().map(|s| s.minutes).sum(),
        visits: visits.len() as u32,
        distinct_students: students.len() as u32,
        first_time_students: first_timers.len() as u32,
        ..DayCounts::default()
    }
}

/// Adds up one campus's month as it leaves exactly: its visits, by format.
pub fn month_breakdown(visits: &[VisitFact]) -> MonthBreakdown {
    let formats = tally(Format::ALL, visits.iter().map(|v| v.format));
    MonthBreakdown {
        visits: visits.len() as u32,
        by_format: formats
            .into_iter()
            .map(|(code, count)| Cell { code, count })
            .collect(),
    }
}

/// Visits by route and by topic, every code once, in code order.
pub type ExactTally = (Vec<(Route, u32)>, Vec<(Topic, u32)>);

/// A campus's month counted exactly for its release under noise: visits by route, and visits
/// by each topic of [`Topic::MONTHLY`] (a topic named twice on one visit counts once). The
/// sensitive topics are counted per student and period instead (the store's period release).
pub fn exact_month(visits: &[VisitFact]) -> ExactTally {
    let routes = tally(Route::ALL, visits.iter().map(|v| v.route));
    let topics = visits.iter().flat_map(|v| {
        let distinct: BTreeSet<Topic> = v.topics.iter().copied().collect();
        distinct.into_iter().filter(|t| !t.is_sensitive())
    });
    (routes, tally(Topic::MONTHLY, topics))
}

fn tally<C: Copy + Ord>(all: &[C], items: impl Iterator<Item = C>) -> Vec<(C, u32)> {
    let mut counts: BTreeMap<C, u32> = all.iter().map(|c| (*c, 0)).collect();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    all.iter().map(|c| (*c, counts[c])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 2, d).unwrap()
    }

    fn visit(student: Option<i64>, first: bool, route: Route, topics: &[Topic]) -> VisitFact {
        VisitFact {
            date: day(25),
            student,
            first_visit: first,
            route,
            topics: topics.to_vec(),
            format: Format::InPerson,
        }
    }

    #[test]
    fn a_day_adds_up() {
        let sessions = [SessionFact {
            date: day(25),
            minutes: 185,
            format: Format::InPerson,
        }];
        let visits = [
            visit(Some(1), true, Route::SelfReferred, &[Topic::JobSearch]),
            visit(Some(1), true, Route::Repeat, &[Topic::JobSearch]),
            visit(Some(2), false, Route::Teacher, &[Topic::Family]),
            visit(None, false, Route::Outreach, &[Topic::Other]),
        ];
        let c = day_counts(&sessions, &visits);
        assert_eq!(
            (
                c.sessions,
                c.session_minutes,
                c.visits,
                c.distinct_students,
                c.first_time_students
            ),
            (1, 185, 4, 2, 1)
        );
    }

    #[test]
    fn a_months_release_counts_each_visits_topics_once_and_leaves_the_sensitive_ones_out() {
        let visits = [
            visit(
                Some(1),
                true,
                Route::SelfReferred,
                &[Topic::Family, Topic::JobSearch, Topic::JobSearch],
            ),
            visit(Some(1), false, Route::Repeat, &[Topic::JobSearch]),
            visit(None, false, Route::Outreach, &[Topic::Wellbeing]),
        ];
        let (routes, topics) = exact_month(&visits);
        let count = |t: Topic| topics.iter().find(|(c, _)| *c == t).map(|c| c.1);
        assert_eq!(count(Topic::JobSearch), Some(2));
        assert_eq!(count(Topic::Family), None);
        assert_eq!(count(Topic::Wellbeing), None);
        assert_eq!(
            topics.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            Topic::MONTHLY
        );
        assert_eq!(routes.iter().map(|(_, n)| n).sum::<u32>(), 3);
    }

    proptest! {
        /// Whatever a campus's month holds, what the device makes of it passes headquarters'
        /// check: every format, adding up to the month's visits.
        #[test]
        fn a_month_always_passes_headquarters_check(
            formats in prop::collection::vec(0usize..2, 0..60),
        ) {
            let visits: Vec<VisitFact> = formats
                .iter()
                .map(|f| VisitFact {
                    format: Format::ALL[*f],
                    ..visit(None, false, Route::Repeat, &[Topic::Other])
                })
                .collect();
            let b = month_breakdown(&visits);
            prop_assert_eq!(b.check(), Ok(()));
            prop_assert_eq!(b.visits as usize, visits.len());
        }
    }
}
