//! When a teacher report may tally topics: never 家庭のこと or 心身の不調, and the others only
//! where no tally, alone or subtracted from another report, can point at one student.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};

/// The fewest visits, and named students, every month of a teacher report's period must hold
/// for its topics to be tallied.
pub const TOPICS_MIN_VISITS: u32 = 10;
pub const TOPICS_MIN_STUDENTS: u32 = 5;

/// Whether a teacher report tallies its topics, given each calendar month's (visits, named
/// students) in the period. A school knows who came on a day, so a tally of a day or a week
/// (「就職 1」) tells it what one student came about; and two reports that differ by a few days
/// would tell it by subtraction. So topics are tallied only over whole calendar months, each of
/// which holds at least [`TOPICS_MIN_VISITS`] visits by at least [`TOPICS_MIN_STUDENTS`]
/// students: any two such reports differ by whole months that pass on their own. 家庭のこと
/// and 心身の不調 are never tallied: a teacher who knows one of the students could read them
/// against the rest.
pub fn topics_shown(from: NaiveDate, to: NaiveDate, months: &BTreeMap<String, (u32, u32)>) -> bool {
    let whole = from.day() == 1
        && to
            .checked_add_days(Days::new(1))
            .is_some_and(|next| next.day() == 1);
    if !whole {
        return false;
    }
    let mut month = from;
    while month <= to {
        let (visits, students) = months
            .get(&month.format("%Y-%m").to_string())
            .copied()
            .unwrap_or((0, 0));
        if visits < TOPICS_MIN_VISITS || students < TOPICS_MIN_STUDENTS {
            return false;
        }
        month = match month.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => return false,
        };
    }
    true
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    /// Two reports a few days apart would give the days between by subtraction: February and
    /// 1 February to 3 March. Only whole months are tallied, each full enough on its own, so
    /// the longer one tallies nothing until March passes too.
    #[test]
    fn reports_a_few_days_apart_cannot_be_subtracted() {
        use std::collections::BTreeMap;
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let full = BTreeMap::from([
            ("2025-02".to_owned(), (10, 5)),
            ("2025-03".to_owned(), (1, 1)),
        ]);
        assert!(super::topics_shown(d(2, 1), d(2, 28), &full));
        assert!(
            !super::topics_shown(d(2, 1), d(3, 3), &full),
            "not whole months"
        );
        assert!(
            !super::topics_shown(d(2, 1), d(3, 31), &full),
            "March alone is thin"
        );
        assert!(!super::topics_shown(d(1, 15), d(2, 14), &full));
        // Ten visits by one student are one student's topics.
        let one = BTreeMap::from([("2025-02".to_owned(), (10, 1))]);
        assert!(!super::topics_shown(d(2, 1), d(2, 28), &one));
        let both = BTreeMap::from([
            ("2025-02".to_owned(), (10, 5)),
            ("2025-03".to_owned(), (12, 6)),
        ]);
        assert!(super::topics_shown(d(2, 1), d(3, 31), &both));
    }
}
