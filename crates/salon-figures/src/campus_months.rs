//! The funder figures per campus and month (実施回数, 利用人数, …), as the latest day snapshots
//! of every device add up to, and 目標比 against a term's targets.

use salon_protocol::{DayCounts, Month};

/// One campus and month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampusMonth {
    pub campus: String,
    pub campus_name: String,
    pub month: Month,
    pub counts: DayCounts,
}

/// Adds one set of day figures into another, field by field.
pub fn add_counts(into: &mut DayCounts, counts: &DayCounts) {
    for field in salon_protocol::DayField::ALL {
        into.set(field, into.get(field).saturating_add(counts.get(field)));
    }
}

/// A period's figures per campus, in campus order: (code, name, the totals, the months with
/// figures).
pub fn per_campus(rows: &[CampusMonth]) -> Vec<(&str, &str, DayCounts, Vec<Month>)> {
    let mut out: Vec<(&str, &str, DayCounts, Vec<Month>)> = Vec::new();
    for r in rows {
        match out.last_mut() {
            Some(last) if last.0 == r.campus => {
                add_counts(&mut last.2, &r.counts);
                last.3.push(r.month);
            }
            _ => out.push((&r.campus, &r.campus_name, r.counts, vec![r.month])),
        }
    }
    out
}

/// 目標比 as a whole percentage, rounded half up: 757 of 400 is 189%.
pub fn percent_of(value: u64, target: u32) -> Option<u64> {
    (target > 0).then(|| (value * 200 + target as u64) / (2 * target as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_report_percentages() {
        assert_eq!(percent_of(22, 20), Some(110));
        assert_eq!(percent_of(247, 230), Some(107));
        assert_eq!(percent_of(757, 400), Some(189));
        assert_eq!(percent_of(1, 0), None);
    }
}
