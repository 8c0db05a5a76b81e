//! The count rules: what a campus's salon days add up to, and which small cells are hidden
//! before anything leaves the laptop. Pure functions, so they can be property-tested; the
//! wire format (salon-protocol) carries exactly these figures.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::codes::{Format, PathStatus, Route, Topic};
pub use salon_protocol::counts::{Cell, DayCounts, MonthBreakdown, SuppressionRule};

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

/// Adds up and hides one campus's month. `decisions` are the path statuses decided in it.
pub fn month_breakdown(
    visits: &[VisitFact],
    decisions: &[PathStatus],
    rule: SuppressionRule,
) -> MonthBreakdown {
    let routes = tally(Route::ALL, visits.iter().map(|v| v.route));
    let topics = tally(
        Topic::ALL,
        visits.iter().flat_map(|v| v.topics.iter().copied()),
    );
    let formats = tally(Format::ALL, visits.iter().map(|v| v.format));
    let paths = tally(PathStatus::DECIDED, decisions.iter().copied());
    MonthBreakdown {
        visits: visits.len() as u32,
        by_route: suppress_with_total(&routes, |_| rule.k),
        by_topic: suppress_each(&topics, |t| rule.k_for_topic(t)),
        by_format: exact(&formats),
        path_decisions: suppress_each(&paths, |_| rule.k),
    }
}

/// Visits by route and by topic, every code once, in code order.
pub type ExactTally = (Vec<(Route, u32)>, Vec<(Topic, u32)>);

/// A campus's month counted exactly for its release under noise: visits by route, and visits
/// by topic with 家庭のこと and 心身の不調 counted once per student however often they came
/// about it (an anonymous visit counts alone), so that one student moves each of those cells
/// by at most one (ARCHITECTURE.md, "Breakdowns under noise"). Every code is present.
pub fn exact_month(visits: &[VisitFact]) -> ExactTally {
    let routes = tally(Route::ALL, visits.iter().map(|v| v.route));
    let mut seen: BTreeSet<(i64, Topic)> = BTreeSet::new();
    let topics = visits.iter().flat_map(|v| {
        let distinct: BTreeSet<Topic> = v.topics.iter().copied().collect();
        distinct
            .into_iter()
            .filter(|t| match v.student {
                Some(student) if t.is_sensitive() => seen.insert((student, *t)),
                _ => true,
            })
            .collect::<Vec<_>>()
    });
    let topics = tally(Topic::ALL, topics);
    (routes, topics)
}

fn tally<C: Copy + Ord>(all: &[C], items: impl Iterator<Item = C>) -> Vec<(C, u32)> {
    let mut counts: BTreeMap<C, u32> = all.iter().map(|c| (*c, 0)).collect();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    all.iter().map(|c| (*c, counts[c])).collect()
}

fn exact<C: Copy>(cells: &[(C, u32)]) -> Vec<Cell<C>> {
    cells
        .iter()
        .map(|&(code, n)| Cell {
            code,
            count: Some(n),
        })
        .collect()
}

fn is_small(n: u32, k: u32) -> bool {
    (1..k).contains(&n)
}

/// Hides each cell from 1 to k−1. For breakdowns whose total is not sent.
pub fn suppress_each<C: Copy>(cells: &[(C, u32)], k_of: impl Fn(C) -> u32) -> Vec<Cell<C>> {
    cells
        .iter()
        .map(|&(code, n)| Cell {
            code,
            count: (!is_small(n, k_of(code))).then_some(n),
        })
        .collect()
}

/// Hides each cell from 1 to k−1 of a breakdown whose total is sent, then hides more cells
/// (smallest first) until at least two are hidden and together they hold at least k, so that
/// subtracting the shown cells from the total reveals only the sum of several hidden cells.
/// When the whole total is below k, every cell is hidden.
pub fn suppress_with_total<C: Copy>(cells: &[(C, u32)], k_of: impl Fn(C) -> u32) -> Vec<Cell<C>> {
    let mut hidden: Vec<bool> = cells.iter().map(|&(c, n)| is_small(n, k_of(c))).collect();
    let Some(k) = cells
        .iter()
        .zip(&hidden)
        .filter(|(_, h)| **h)
        .map(|(&(c, _), _)| k_of(c))
        .max()
    else {
        return exact(cells);
    };
    loop {
        let hidden_count = hidden.iter().filter(|h| **h).count();
        let hidden_sum: u32 = cells
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| **h)
            .map(|(&(_, n), _)| n)
            .sum();
        if hidden_count >= 2 && hidden_sum >= k {
            break;
        }
        let next = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(i, &(_, n))| (n, *i))
            .map(|(i, _)| i);
        match next {
            Some(i) => hidden[i] = true,
            None => break,
        }
    }
    cells
        .iter()
        .zip(hidden)
        .map(|(&(code, n), h)| Cell {
            code,
            count: (!h).then_some(n),
        })
        .collect()
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
    fn one_small_cell_gets_a_partner() {
        // self 3 would be total − shown if it were hidden alone.
        let cells = [
            (Route::SelfReferred, 3),
            (Route::Teacher, 12),
            (Route::Outreach, 0),
            (Route::Appointment, 7),
            (Route::Repeat, 9),
        ];
        let out = suppress_with_total(&cells, |_| 5);
        let shown: Vec<Option<u32>> = out.iter().map(|c| c.count).collect();
        // self hidden; outreach (0) then appointment (7) join until the hidden sum reaches k.
        assert_eq!(shown, vec![None, Some(12), None, None, Some(9)]);
    }

    #[test]
    fn sensitive_topics_use_their_own_k() {
        let rule = SuppressionRule::default();
        let cells = [(Topic::Family, 9), (Topic::JobSearch, 9)];
        let out = suppress_each(&cells, |t| rule.k_for_topic(t));
        assert_eq!(out[0].count, None);
        assert_eq!(out[1].count, Some(9));
    }

    #[test]
    fn sensitive_topics_count_each_student_once_a_month() {
        let visits = [
            visit(
                Some(1),
                true,
                Route::SelfReferred,
                &[Topic::Family, Topic::JobSearch],
            ),
            visit(
                Some(1),
                false,
                Route::Repeat,
                &[Topic::Family, Topic::JobSearch],
            ),
            visit(
                Some(1),
                false,
                Route::Repeat,
                &[Topic::Family, Topic::Family],
            ),
            visit(
                Some(2),
                true,
                Route::Teacher,
                &[Topic::Family, Topic::Wellbeing],
            ),
            visit(None, false, Route::Outreach, &[Topic::Family]),
            visit(None, false, Route::Outreach, &[Topic::Family]),
        ];
        let (routes, topics) = exact_month(&visits);
        let count = |t: Topic| topics.iter().find(|(c, _)| *c == t).unwrap().1;
        // Student 1 once, student 2 once, each anonymous visit alone.
        assert_eq!(count(Topic::Family), 4);
        assert_eq!(count(Topic::Wellbeing), 1);
        // Other topics count every visit.
        assert_eq!(count(Topic::JobSearch), 2);
        assert_eq!(routes.iter().map(|(_, n)| n).sum::<u32>(), 6);
        assert_eq!(topics.len(), Topic::ALL.len());
    }

    fn route_cells() -> impl Strategy<Value = Vec<(Route, u32)>> {
        proptest::collection::vec(0u32..30, Route::ALL.len())
            .prop_map(|ns| Route::ALL.iter().copied().zip(ns).collect())
    }

    proptest! {
        #[test]
        fn no_sent_cell_is_small(cells in route_cells(), k in 2u32..12) {
            for c in suppress_with_total(&cells, |_| k) {
                if let Some(n) = c.count { prop_assert!(!is_small(n, k)); }
            }
            for c in suppress_each(&cells, |_| k) {
                if let Some(n) = c.count { prop_assert!(!is_small(n, k)); }
            }
        }

        #[test]
        fn no_hidden_cell_is_recoverable_from_the_total(cells in route_cells(), k in 2u32..12) {
            let out = suppress_with_total(&cells, |_| k);
            let hidden: Vec<u32> = cells.iter().zip(&out).filter(|(_, c)| c.count.is_none()).map(|(&(_, n), _)| n).collect();
            let total: u32 = cells.iter().map(|&(_, n)| n).sum();
            let shown: u32 = out.iter().filter_map(|c| c.count).sum();
            // What subtraction yields is the sum of the hidden cells, never one cell alone.
            prop_assert_eq!(total - shown, hidden.iter().sum::<u32>());
            prop_assert!(hidden.is_empty() || hidden.len() >= 2);
            if !hidden.is_empty() && total >= k {
                prop_assert!(hidden.iter().sum::<u32>() >= k);
            }
            // Only small cells or their partners are hidden: a table with no small cell is exact.
            if cells.iter().all(|&(_, n)| !is_small(n, k)) {
                prop_assert!(hidden.is_empty());
            }
        }

        #[test]
        fn breakdowns_count_every_visit(routes in proptest::collection::vec(0usize..5, 0..60)) {
            let visits: Vec<VisitFact> = routes.iter().map(|&r| visit(None, false, Route::ALL[r], &[Topic::Other])).collect();
            let rule = SuppressionRule { k: 1, sensitive_k: 1 };
            let m = month_breakdown(&visits, &[], rule);
            let sum: u32 = m.by_route.iter().filter_map(|c| c.count).sum();
            prop_assert_eq!(sum as usize, visits.len());
        }
    }

    proptest! {
        /// Whatever a campus's month holds, what the device's rule makes of it passes headquarters'
        /// check under the same rule.
        #[test]
        fn the_devices_rule_always_passes_headquarters_check(
            routes in prop::collection::vec(0usize..5, 0..60),
            topics in prop::collection::vec(0usize..10, 0..60),
            k in 2u32..8,
            extra in 0u32..6,
        ) {
            let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
            let visits: Vec<VisitFact> = routes
                .iter()
                .enumerate()
                .map(|(i, r)| VisitFact {
                    date: day,
                    student: None,
                    first_visit: false,
                    route: Route::ALL[*r],
                    topics: vec![Topic::ALL[topics.get(i).copied().unwrap_or(0)]],
                    format: Format::Online,
                })
                .collect();
            let rule = SuppressionRule { k, sensitive_k: k + extra };
            let b = month_breakdown(&visits, &[], rule);
            prop_assert_eq!(salon_protocol::rule::check_breakdown(&b, &rule), Ok(()));
            prop_assert_eq!(salon_protocol::rule::check_month_total(&b, visits.len() as u64), Ok(()));
        }
    }
}
