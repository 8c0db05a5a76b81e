//! The seed's term as a plan: which campus holds a salon on which day, and how many visits it
//! has, so the totals are exactly the seed's (22 campuses, 247 salons, 757 visits from
//! September 2024 to February 2025). Deterministic: the same plan every run.

use chrono::{Datelike, Days, NaiveDate, Weekday};

pub const CAMPUSES: usize = 22;
pub const SALONS: usize = 247;
pub const VISITS: u32 = 757;

/// One salon of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Salon {
    /// 0..CAMPUSES
    pub campus: usize,
    pub date: NaiveDate,
    pub visits: u32,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// When each campus joins: 8 in September, then 6, 4, 3 and 1 more by January.
fn start_of(campus: usize) -> NaiveDate {
    match campus {
        0..=7 => day(2024, 9, 2),
        8..=13 => day(2024, 10, 1),
        14..=17 => day(2024, 11, 1),
        18..=20 => day(2024, 12, 2),
        _ => day(2025, 1, 8),
    }
}

/// The campus's salon weekday (Monday to Friday in turn).
pub fn weekday_of(campus: usize) -> Weekday {
    [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ][campus % 5]
}

/// Every week's salon day of a campus from its start to the term's end (2025-02-25, the seed's
/// "as of" day).
fn weekly(campus: usize) -> Vec<NaiveDate> {
    let mut d = start_of(campus);
    while d.weekday() != weekday_of(campus) {
        d = d + Days::new(1);
    }
    let mut out = Vec::new();
    while d <= day(2025, 2, 25) {
        out.push(d);
        d = d + Days::new(7);
    }
    out
}

/// The plan: salons spread over the campuses (each at least one, the rest in turn while a
/// campus has weeks left), each campus's salons spread evenly over its weeks, and visits
/// around three a salon adding up to exactly `VISITS`.
pub fn salons() -> Vec<Salon> {
    let weeks: Vec<Vec<NaiveDate>> = (0..CAMPUSES).map(weekly).collect();
    let mut count = [1usize; CAMPUSES];
    let mut left = SALONS - CAMPUSES;
    while left > 0 {
        for (c, n) in count.iter_mut().enumerate() {
            if left > 0 && *n < weeks[c].len() {
                *n += 1;
                left -= 1;
            }
        }
    }
    let mut plan = Vec::with_capacity(SALONS);
    for (c, n) in count.iter().enumerate() {
        let all = &weeks[c];
        for j in 0..*n {
            plan.push(Salon {
                campus: c,
                date: all[j * all.len() / n],
                visits: 0,
            });
        }
    }
    plan.sort_by_key(|s| (s.date, s.campus));
    // 1 to 5 visits, three on average, then the remainder on the busiest days.
    const SHAPE: [u32; 7] = [3, 2, 4, 3, 1, 5, 3];
    for (i, s) in plan.iter_mut().enumerate() {
        s.visits = SHAPE[i % SHAPE.len()];
    }
    let mut total: u32 = plan.iter().map(|s| s.visits).sum();
    let mut i = 0;
    while total < VISITS {
        plan[i % SALONS].visits += 1;
        total += 1;
        i += 7;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_the_seeds_term() {
        let plan = salons();
        assert_eq!(plan.len(), SALONS);
        assert_eq!(plan.iter().map(|s| s.visits).sum::<u32>(), VISITS);
        let campuses: std::collections::BTreeSet<usize> = plan.iter().map(|s| s.campus).collect();
        assert_eq!(campuses.len(), CAMPUSES);
        assert!(plan
            .iter()
            .all(|s| s.date >= day(2024, 9, 1) && s.date <= day(2025, 2, 25)));
        assert!(plan.iter().all(|s| (1..=8).contains(&s.visits)));
        let days: std::collections::BTreeSet<(usize, NaiveDate)> =
            plan.iter().map(|s| (s.campus, s.date)).collect();
        assert_eq!(days.len(), SALONS, "one salon per campus and day");
    }
}
