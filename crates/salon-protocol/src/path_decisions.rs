//! Path decisions and the sensitive topics, released under noise per device and period
//! (docs/privacy.md, "Breakdowns under noise"). A campus's month holds too few decisions for noise to leave
//! anything readable, so a device releases its decisions once per period of headquarters'
//! calendar, over all its campuses together: each 年度 (April to March) and the funder term
//! headquarters names. Funder terms never overlap one another, so a decision lies in at most
//! two periods, which is what the privacy statement counts.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::codes::Month;
use crate::error::ProtocolError;
use crate::kinds::{PathStatus, Topic};
use crate::noise::check_cells;
use crate::noise::{NoisyCell, Release, NOISE};
use crate::snapshots::PathReleaseKey;

/// The longest funder term the calendar takes, in months: a term longer than a 年度 would hold
/// its decisions back for more than a year.
pub const MAX_TERM_MONTHS: u32 = 12;

/// Whole months `from..=to` over which a device releases its path decisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PathPeriod {
    pub from: Month,
    pub to: Month,
}

fn month(year: i32, m: u32) -> Month {
    Month::of(NaiveDate::from_ymd_opt(year, m, 1).unwrap_or_default())
}

impl PathPeriod {
    /// The 年度 that starts in April of `year`: 2024年度 is April 2024 to March 2025.
    pub fn fiscal_year(year: i32) -> PathPeriod {
        PathPeriod {
            from: month(year, 4),
            to: month(year + 1, 3),
        }
    }

    /// The 年度 a day lies in.
    pub fn fiscal_year_of(day: NaiveDate) -> PathPeriod {
        let year = if day.month() >= 4 {
            day.year()
        } else {
            day.year() - 1
        };
        PathPeriod::fiscal_year(year)
    }

    pub fn is_fiscal_year(&self) -> bool {
        PathPeriod::fiscal_year_of(self.from.first_day()) == *self
    }

    /// Months from `from` to `to`, both counted; 0 if `to` is before `from`.
    pub fn months(&self) -> u32 {
        let (a, b) = (self.from.first_day(), self.to.first_day());
        let n = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32 + 1;
        n.max(0) as u32
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from.first_day() <= day && day <= self.to.last_day()
    }

    pub fn overlaps(&self, other: &PathPeriod) -> bool {
        self.from <= other.to && other.from <= self.to
    }

    /// The day (Asia/Tokyo) from which a release of the period is drawn and accepted: 7 and 49
    /// days after its last month, as for a month's release.
    pub fn release_day(&self, release: Release) -> NaiveDate {
        let last = self.to.last_day();
        last.checked_add_days(Days::new(release.days_after_month()))
            .unwrap_or(last)
    }
}

/// Headquarters' calendar of path periods: every 年度, and the funder terms it names, which
/// never overlap one another (headquarters' settings refuse an overlapping or moved term, and
/// a device uses only [`PathCalendar::sound_terms`] whatever it is sent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PathCalendar {
    pub terms: Vec<PathPeriod>,
}

impl PathCalendar {
    /// Whether headquarters takes a release for `period`: a 年度, or a term it names.
    pub fn knows(&self, period: &PathPeriod) -> bool {
        period.is_fiscal_year() || self.terms.contains(period)
    }

    /// The terms a device releases, given the terms it has already drawn (`drawn`): a term of
    /// 1 to 12 months that is not a 年度 and overlaps no other kept term, those already drawn
    /// kept first. So a calendar that would put a decision in a third period (an overlapping
    /// or moved term) releases nothing more for it.
    pub fn sound_terms(&self, drawn: &[PathPeriod]) -> Vec<PathPeriod> {
        let mut kept: Vec<PathPeriod> = Vec::new();
        for t in drawn.iter().chain(&self.terms) {
            let fits = (1..=MAX_TERM_MONTHS).contains(&t.months()) && !t.is_fiscal_year();
            if fits && !kept.iter().any(|k| k.overlaps(t)) {
                kept.push(*t);
            }
        }
        kept.retain(|t| self.terms.contains(t));
        kept
    }

    /// Of the sound terms `sound`, those whose releases also carry the sensitive topics: at
    /// most one for any 年度 a term touches, those already drawn with them (`drawn`) kept
    /// first, then in calendar order. A student's visits of a 年度 are then in its own release
    /// and in one term's at most, however many terms headquarters names, so ε for whether they
    /// came about 家庭のこと stays at two periods' a 年度.
    pub fn sensitive_terms(sound: &[PathPeriod], drawn: &[PathPeriod]) -> Vec<PathPeriod> {
        let mut kept: Vec<PathPeriod> = Vec::new();
        for t in drawn.iter().chain(sound) {
            let shares_a_year = kept.iter().any(|k| {
                k.fiscal_years()
                    .iter()
                    .any(|y| t.fiscal_years().contains(y))
            });
            if !shares_a_year {
                kept.push(*t);
            }
        }
        // A term drawn with them and since dropped still holds its 年度.
        kept.retain(|t| sound.contains(t));
        kept
    }
}

impl PathPeriod {
    /// The 年度 of its first and of its last month (the same one for most terms).
    pub fn fiscal_years(&self) -> [PathPeriod; 2] {
        [
            PathPeriod::fiscal_year_of(self.from.first_day()),
            PathPeriod::fiscal_year_of(self.to.first_day()),
        ]
    }
}

/// One release of a device's period, all its campuses together: the path decisions, each
/// decided kind (`PathStatus::DECIDED`) with its own draw at [`NOISE`]`.path`, and the
/// sensitive topics. It has no revision: headquarters keeps the first it receives for a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PathRelease {
    pub from: Month,
    pub to: Month,
    pub release: Release,
    pub by_path: Vec<NoisyCell<PathStatus>>,
    /// Absent from the releases of a term whose 年度 already has its one term carrying them
    /// ([`PathCalendar::sensitive_terms`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<SensitiveTopics>,
}

/// The sensitive topics of a period: the named students met in it at the device's campuses,
/// and of them those who came about each sensitive topic (`Topic::SENSITIVE`) at least once,
/// every count with its own draw at [`NOISE`]`.sensitive_topic`. A student moves each cell by
/// at most one however often they came. Anonymous visits are left out: nothing says two are
/// one student, so a student who came ten times without a name would move a cell by ten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SensitiveTopics {
    /// The students met.
    pub met: i64,
    pub by_topic: Vec<NoisyCell<Topic>>,
}

impl PathReleaseKey {
    pub fn period(&self) -> PathPeriod {
        PathPeriod {
            from: self.from,
            to: self.to,
        }
    }
}

impl PathRelease {
    pub fn period(&self) -> PathPeriod {
        PathPeriod {
            from: self.from,
            to: self.to,
        }
    }

    pub fn release_key(&self) -> PathReleaseKey {
        PathReleaseKey {
            from: self.from,
            to: self.to,
            release: self.release,
        }
    }

    /// What headquarters checks before it keeps a release: every decided kind and sensitive
    /// topic is there once and in order, and no cell is further from 0 to its bound (`bounds`)
    /// than noise can be.
    pub fn check(&self, bounds: PeriodBounds) -> Result<(), ProtocolError> {
        check_cells(
            &self.by_path,
            PathStatus::DECIDED,
            bounds.students,
            NOISE.path,
        )?;
        if let Some(s) = &self.sensitive {
            let met = [NoisyCell {
                code: (),
                count: s.met,
            }];
            let scale = NOISE.sensitive_topic;
            check_cells(&met, &[()], bounds.met, scale)?;
            check_cells(&s.by_topic, Topic::SENSITIVE, bounds.met, scale)?;
        }
        Ok(())
    }
}

/// What a device's own days let a period's release hold, as headquarters has them: `students`,
/// the named students it can have met by the period's end (the decisions' bound); `met`, the
/// named students of its days in the period (the bound of the students met and the sensitive
/// cells).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodBounds {
    pub students: u32,
    pub met: u32,
}

impl PeriodBounds {
    pub fn new(students: u32, met: u32) -> Self {
        PeriodBounds { students, met }
    }
}

/// A release before its day, or of a period headquarters' calendar does not name, is refused:
/// the first would be drawn over a period still being written, the second could put a
/// decision in a third period. `today` is headquarters' Tokyo date, with a day of slack as for
/// a month's release.
pub fn check_path_release(
    r: &PathRelease,
    calendar: &PathCalendar,
    today: NaiveDate,
) -> Result<(), ProtocolError> {
    if r.from > r.to || !calendar.knows(&r.period()) {
        return Err(ProtocolError::PathPeriodUnknown);
    }
    if crate::plausible::tomorrow(today) < r.period().release_day(r.release) {
        return Err(ProtocolError::ReleaseEarly);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(text: &str) -> Month {
        Month::parse(text).unwrap()
    }

    fn period(from: &str, to: &str) -> PathPeriod {
        PathPeriod {
            from: m(from),
            to: m(to),
        }
    }

    fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, day).unwrap()
    }

    fn release(p: PathPeriod, counts: [i64; 3]) -> PathRelease {
        PathRelease {
            from: p.from,
            to: p.to,
            release: Release::First,
            by_path: PathStatus::DECIDED
                .iter()
                .zip(counts)
                .map(|(&code, count)| NoisyCell { code, count })
                .collect(),
            sensitive: None,
        }
    }

    fn with_sensitive(mut r: PathRelease, students: i64, counts: [i64; 2]) -> PathRelease {
        r.sensitive = Some(SensitiveTopics {
            met: students,
            by_topic: Topic::SENSITIVE
                .iter()
                .zip(counts)
                .map(|(&code, count)| NoisyCell { code, count })
                .collect(),
        });
        r
    }

    #[test]
    fn a_fiscal_year_runs_april_to_march_and_releases_after_march() {
        let fy = PathPeriod::fiscal_year_of(d(2025, 3, 31));
        assert_eq!(fy, period("2024-04", "2025-03"));
        assert!(fy.is_fiscal_year() && fy.contains(d(2024, 4, 1)) && !fy.contains(d(2025, 4, 1)));
        assert_eq!(fy.months(), 12);
        assert_eq!(fy.release_day(Release::First), d(2025, 4, 7));
        assert_eq!(fy.release_day(Release::Second), d(2025, 5, 19));
        assert!(!period("2024-09", "2025-02").is_fiscal_year());
    }

    #[test]
    fn only_terms_that_overlap_no_other_are_released() {
        let funder = period("2024-09", "2025-02");
        let calendar = PathCalendar {
            terms: vec![
                funder,
                // Overlaps the funder's term: a decision in December would be in three periods.
                period("2024-12", "2025-05"),
                // A 年度 is released anyway; longer than a 年度, or backwards, is no term.
                period("2025-04", "2026-03"),
                period("2025-04", "2026-06"),
                period("2026-02", "2025-12"),
                period("2025-09", "2026-02"),
            ],
        };
        assert_eq!(
            calendar.sound_terms(&[]),
            vec![funder, period("2025-09", "2026-02")]
        );
        // A term the device has drawn keeps its place: a moved term is not released beside it.
        let moved = PathCalendar {
            terms: vec![period("2024-10", "2025-03")],
        };
        assert_eq!(moved.sound_terms(&[funder]), vec![]);
        assert!(calendar.knows(&period("2023-04", "2024-03")));
        assert!(!moved.knows(&funder));
    }

    #[test]
    fn the_sensitive_topics_go_with_one_term_at_most_for_any_fiscal_year() {
        let funder = period("2024-09", "2025-02");
        // Twelve one-month terms would put a student's every month in a release of its own.
        let months: Vec<PathPeriod> = ["2024-04", "2024-05", "2025-03"]
            .iter()
            .map(|m| period(m, m))
            .collect();
        let mut sound = months.clone();
        sound.push(funder);
        sound.sort();
        assert_eq!(PathCalendar::sensitive_terms(&sound, &[]), vec![months[0]]);
        // The funder's term drawn with them first keeps them; a term across two 年度 takes
        // both years.
        assert_eq!(
            PathCalendar::sensitive_terms(&sound, &[funder]),
            vec![funder]
        );
        let dropped = period("2024-10", "2024-10");
        assert_eq!(PathCalendar::sensitive_terms(&sound, &[dropped]), vec![]);
        let across = period("2025-01", "2025-06");
        let next = period("2025-09", "2026-02");
        assert_eq!(
            PathCalendar::sensitive_terms(&[across, next], &[]),
            vec![across]
        );
        assert_eq!(
            PathCalendar::sensitive_terms(&[funder, next], &[]),
            vec![funder, next]
        );
    }

    #[test]
    fn headquarters_refuses_a_period_it_does_not_name_and_a_release_before_its_day() {
        let calendar = PathCalendar {
            terms: vec![period("2024-09", "2025-02")],
        };
        let term = release(period("2024-09", "2025-02"), [3, 2, 1]);
        assert_eq!(check_path_release(&term, &calendar, d(2025, 3, 6)), Ok(()));
        assert_eq!(
            check_path_release(&term, &calendar, d(2025, 3, 5)),
            Err(ProtocolError::ReleaseEarly)
        );
        let other = release(period("2024-10", "2025-02"), [3, 2, 1]);
        assert_eq!(
            check_path_release(&other, &calendar, d(2026, 1, 1)),
            Err(ProtocolError::PathPeriodUnknown)
        );
        assert_eq!(
            ProtocolError::PathPeriodUnknown.code().as_str(),
            "path_period_unknown"
        );
    }

    #[test]
    fn a_release_is_checked_against_its_kinds_and_the_students_seen() {
        let fy = PathPeriod::fiscal_year(2024);
        let bounds = PeriodBounds::new(12, 12);
        assert_eq!(release(fy, [12, -40, 52]).check(bounds), Ok(()));
        assert_eq!(
            release(fy, [12, -41, 0]).check(bounds),
            Err(ProtocolError::NoiseImplausible)
        );
        assert_eq!(
            release(fy, [53, 0, 0]).check(bounds),
            Err(ProtocolError::NoiseImplausible)
        );
        let mut missing = release(fy, [1, 1, 1]);
        missing.by_path.pop();
        assert_eq!(
            missing.check(bounds),
            Err(ProtocolError::IncompleteBreakdown)
        );
    }

    #[test]
    fn the_sensitive_topics_are_checked_as_the_paths_are_and_may_be_absent() {
        let fy = PathPeriod::fiscal_year(2024);
        let ok = with_sensitive(release(fy, [1, 0, 2]), 12, [3, -2]);
        assert_eq!(ok.check(PeriodBounds::new(12, 12)), Ok(()));
        // Beyond what the period's named students allow, for the total or a topic; the
        // decisions' bound is the named students by the period's end, the sensitive cells'
        // those of the period's own days.
        assert_eq!(
            with_sensitive(release(fy, [1, 0, 2]), 53, [3, 1]).check(PeriodBounds::new(12, 12)),
            Err(ProtocolError::NoiseImplausible)
        );
        assert_eq!(
            with_sensitive(release(fy, [1, 0, 2]), 53, [3, 1]).check(PeriodBounds::new(12, 13)),
            Ok(())
        );
        assert_eq!(
            with_sensitive(release(fy, [1, 0, 2]), 12, [-41, 1]).check(PeriodBounds::new(12, 12)),
            Err(ProtocolError::NoiseImplausible)
        );
        let mut missing = ok.clone();
        if let Some(s) = missing.sensitive.as_mut() {
            s.by_topic.pop();
        }
        assert_eq!(
            missing.check(PeriodBounds::new(12, 12)),
            Err(ProtocolError::IncompleteBreakdown)
        );
        // As it travels: no scale is named, and a term without them carries no `sensitive`.
        let json = serde_json::to_string(&ok).unwrap();
        assert!(
            json.ends_with(
                r#""sensitive":{"met":12,"byTopic":[{"code":"family","count":3},{"code":"wellbeing","count":-2}]}}"#
            ),
            "{json}"
        );
        let without = serde_json::to_string(&release(fy, [1, 0, 2])).unwrap();
        assert!(!without.contains("sensitive") && !without.contains("noise"));
        assert_eq!(
            serde_json::from_str::<PathRelease>(&without).unwrap(),
            release(fy, [1, 0, 2])
        );
    }

    #[test]
    fn a_release_key_travels_as_its_period_and_number() {
        let fy = PathPeriod::fiscal_year(2024);
        let json = serde_json::to_string(&release(fy, [1, 0, 2]).key()).unwrap();
        assert_eq!(
            json,
            r#"{"pathRelease":{"from":"2024-04","to":"2025-03","release":"first"}}"#
        );
    }
}
