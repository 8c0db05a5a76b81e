//! What is simulated: the scale of a term (campuses, months, visits, decisions, laptops) and
//! how path decisions and the sensitive topics are released.

use salon_protocol::{NoisePolicy, NOISE};

/// How path decisions and the sensitive topics are released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathReleaseDesign {
    /// With the other breakdowns, per device, campus and month; a sensitive topic counted once
    /// per student, campus and month, as a share of visits (for comparison).
    PerCampusMonth,
    /// Once per device and term, all its campuses together, with `devices` supporters sharing
    /// the campuses in turn; a sensitive topic as a share of the students met (what is
    /// built).
    PerDeviceTerm { devices: usize },
}

/// One scale of term to simulate.
#[derive(Debug, Clone, Copy)]
pub struct Scenario {
    pub campuses: usize,
    pub months: usize,
    pub visits: u32,
    /// About how many paths are decided in the term (the seed gives no figure: an assumption).
    pub path_decisions: u32,
    /// Supporters' laptops logging at each campus (each makes its own releases).
    pub devices_per_campus: usize,
    pub path_release: PathReleaseDesign,
    pub policy: NoisePolicy,
}

impl Scenario {
    /// The seed's term: 22 campuses, six months, 757 visits, one laptop per campus (the most
    /// releases, so the most noise), about 120 decisions, released as built.
    pub fn seed() -> Self {
        Scenario {
            campuses: 22,
            months: 6,
            visits: 757,
            path_decisions: 120,
            devices_per_campus: 1,
            path_release: PathReleaseDesign::PerDeviceTerm { devices: 22 },
            policy: NOISE,
        }
    }

    /// The seed's term with campuses (and so laptops), visits and decisions times `factor`.
    pub fn scaled(factor: f64) -> Self {
        let s = Scenario::seed();
        let campuses = ((s.campuses as f64 * factor).round() as usize).max(1);
        Scenario {
            campuses,
            visits: (f64::from(s.visits) * factor).round() as u32,
            path_decisions: (f64::from(s.path_decisions) * factor).round() as u32,
            path_release: PathReleaseDesign::PerDeviceTerm { devices: campuses },
            ..s
        }
    }
}
