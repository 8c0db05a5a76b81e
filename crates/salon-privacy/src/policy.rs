//! The privacy parameters of the breakdowns, as code: the noise scale of each kind of cell,
//! how much one visit or one student can move a cell, and when releases are made. The
//! statement they add up to is docs/privacy.md's "Breakdowns under noise"; the tests below
//! keep the figures written there true.

use salon_protocol::NoisePolicy;
#[cfg(test)]
use salon_protocol::NOISE;

/// Days after a month's end on which its breakdown is released: a first release, and a final
/// one that takes in the corrections of the weeks after. Fixed in advance, so when a release
/// happens says nothing about the data; later corrections reach the exact headline figures only.
pub const RELEASE_DAYS_AFTER_MONTH: [u32; 2] = [7, 49];

/// How many periods' releases hold a student's decision or sensitive topic of a 年度 at most:
/// the 年度's and one funder term's (funder terms never overlap one another, and the sensitive
/// topics go with one term at most for any 年度: `PathCalendar::sensitive_terms`).
pub const PERIODS_PER_DAY: u32 = 2;

/// The privacy statement a set of noise scales makes (protocol 1's are
/// `salon_protocol::NOISE`): ε for each thing protected.
pub trait Statement {
    /// What one release discloses.
    fn per_release(&self) -> Guarantee;
    /// Both releases of what holds the thing protected: a visit's month (a visit belongs to
    /// one campus and one month, so other months' releases say nothing about it), or a
    /// student's period for the sensitive topics and the path decision.
    fn both_releases(&self) -> Guarantee;
    /// For a student over a 年度 with `visits` visits in all: group privacy adds up their
    /// visits; the sensitive topics and the path decision are released once per period, in
    /// at most [`PERIODS_PER_DAY`] periods' releases, however many months they came.
    fn per_year_for_student(&self, visits: u32) -> Guarantee;
}

impl Statement for NoisePolicy {
    fn per_release(&self) -> Guarantee {
        Guarantee {
            visit_route: 2.0 * self.route.epsilon(),
            visit_one_topic: self.topic.epsilon(),
            student_sensitive_topic: self.sensitive_topic.epsilon(),
            student_path_added: self.path.epsilon(),
            student_path_changed: 2.0 * self.path.epsilon(),
        }
    }

    fn both_releases(&self) -> Guarantee {
        self.per_release()
            .times(RELEASE_DAYS_AFTER_MONTH.len() as f64)
    }

    fn per_year_for_student(&self, visits: u32) -> Guarantee {
        let both = self.both_releases();
        let periods = f64::from(PERIODS_PER_DAY);
        Guarantee {
            visit_route: both.visit_route * f64::from(visits),
            visit_one_topic: both.visit_one_topic * f64::from(visits),
            student_sensitive_topic: both.student_sensitive_topic * periods,
            student_path_added: both.student_path_added * periods,
            student_path_changed: both.student_path_changed * periods,
        }
    }
}

/// ε for each thing protected: the factor e^ε bounds how much more likely any release becomes
/// because of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guarantee {
    /// One visit's route.
    pub visit_route: f64,
    /// Whether one visit was about one (non-sensitive) topic.
    pub visit_one_topic: f64,
    /// Whether a student came about 家庭のこと (or 心身の不調) in a period, however often; and
    /// whether they came in the period at all (the students met, the share's denominator).
    pub student_sensitive_topic: f64,
    /// Whether a student's path was decided, and as what, against not decided.
    pub student_path_added: f64,
    /// A student's decided path against another kind.
    pub student_path_changed: f64,
}

impl Guarantee {
    fn times(self, n: f64) -> Guarantee {
        Guarantee {
            visit_route: self.visit_route * n,
            visit_one_topic: self.visit_one_topic * n,
            student_sensitive_topic: self.student_sensitive_topic * n,
            student_path_added: self.student_path_added * n,
            student_path_changed: self.student_path_changed * n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use salon_protocol::Topic;

    /// The figures docs/privacy.md states; change both together.
    #[test]
    fn the_standard_policy_states_what_the_privacy_statement_says() {
        let p = NOISE;
        let r = p.per_release();
        assert_eq!(
            (r.visit_route, r.visit_one_topic, r.student_sensitive_topic),
            (2.0, 1.0, 1.0)
        );
        assert_eq!((r.student_path_added, r.student_path_changed), (1.0, 2.0));
        let m = p.both_releases();
        assert_eq!(
            (m.visit_route, m.visit_one_topic, m.student_sensitive_topic),
            (4.0, 2.0, 2.0)
        );
        // A student who came four times in the 年度, about 家庭のこと every time, whose path
        // was decided: the sensitive topic and the path are in a 年度 and a funder term.
        let y = p.per_year_for_student(4);
        assert_eq!(
            (y.visit_route, y.visit_one_topic, y.student_sensitive_topic),
            (16.0, 8.0, 4.0)
        );
        assert_eq!((y.student_path_added, y.student_path_changed), (4.0, 8.0));
        assert_eq!(p.for_topic(Topic::Family), p.sensitive_topic);
        assert!((p.route.variance() - 1.8410).abs() < 1e-3);
    }
}
