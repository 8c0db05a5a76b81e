//! Japanese fiscal years (年度, April to March) and periods of whole months: every figure
//! headquarters shows is over one.

use chrono::{Datelike, NaiveDate};
use salon_protocol::Month;

/// A period that is not one: it ends before it starts, or runs over ten years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a period runs forward over at most 120 months")]
pub struct PeriodError;

/// The 年度 a day belongs to: April 2024 to March 2025 is 2024年度.
pub fn fiscal_year_of(day: NaiveDate) -> i32 {
    if day.month() >= 4 {
        day.year()
    } else {
        day.year() - 1
    }
}

fn month(year: i32, m: u32) -> Month {
    Month::of(NaiveDate::from_ymd_opt(year, m, 1).unwrap_or_default())
}

/// Whole months `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Month,
    pub to: Month,
}

impl Period {
    pub fn fiscal_year(fy: i32) -> Period {
        Period {
            from: month(fy, 4),
            to: month(fy + 1, 3),
        }
    }

    pub fn new(from: Month, to: Month) -> Result<Period, PeriodError> {
        if from > to || months_between(from, to) > 120 {
            return Err(PeriodError);
        }
        Ok(Period { from, to })
    }

    pub fn months(&self) -> Vec<Month> {
        let mut out = Vec::new();
        let mut m = self.from;
        while m <= self.to && out.len() <= 1200 {
            out.push(m);
            m = next_month(m);
        }
        out
    }

    pub fn first_day(&self) -> NaiveDate {
        self.from.first_day()
    }

    pub fn last_day(&self) -> NaiveDate {
        next_month(self.to)
            .first_day()
            .pred_opt()
            .unwrap_or(self.to.first_day())
    }
}

/// Whole months `from..=to`, counted.
pub fn months_between(from: Month, to: Month) -> usize {
    let (a, b) = (from.first_day(), to.first_day());
    let n = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32 + 1;
    n.max(0) as usize
}

pub fn next_month(m: Month) -> Month {
    let d = m.first_day();
    if d.month() == 12 {
        month(d.year() + 1, 1)
    } else {
        month(d.year(), d.month() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn fiscal_years_run_april_to_march() {
        assert_eq!(fiscal_year_of(d(2025, 3, 31)), 2024);
        assert_eq!(fiscal_year_of(d(2025, 4, 1)), 2025);
        let p = Period::fiscal_year(2024);
        assert_eq!(p.first_day(), d(2024, 4, 1));
        assert_eq!(p.last_day(), d(2025, 3, 31));
        assert_eq!(p.months().len(), 12);
    }

    #[test]
    fn a_period_runs_forward_over_at_most_ten_years() {
        let (a, b) = (Month::of(d(2024, 4, 1)), Month::of(d(2025, 3, 1)));
        assert_eq!(Period::new(b, a), Err(PeriodError));
        assert_eq!(Period::new(a, b).unwrap().months().len(), 12);
        assert_eq!(
            Period::new(a, Month::of(d(2034, 4, 1))),
            Err(PeriodError),
            "121 months"
        );
    }
}
