//! What headquarters can state from noisy breakdowns, tried on made-up terms: draw a term
//! ([`world`]), make the releases the laptops would make, add the noise each cell would get
//! (with the real sampler), state each project-level share and its 95 % interval with the very
//! functions headquarters shows them with (`salon-figures`), and compare them with the truth. Goal 1 of the breakdowns: every share
//! within ±5 points in at least 95 % of terms.

mod scenario;
pub mod world;

use std::collections::BTreeSet;

use salon_protocol::{PathStatus, Route, Topic};

use salon_figures::{path_estimates, sensitive_estimates};

use crate::random::SeededRandom;
use crate::sampler::discrete_laplace;
use salon_protocol::NoiseScale;
use world::Term;

pub use scenario::{PathReleaseDesign, Scenario};

/// How far a share may be from the truth, in points, and in how many terms at least.
pub const GOAL_POINTS: f64 = 5.0;
pub const GOAL_SHARE_OF_TERMS: f64 = 0.95;

/// How one figure fared over the simulated terms.
#[derive(Debug, Clone)]
pub struct Figure {
    /// What the share is of, e.g. `route:outreach`.
    pub name: String,
    /// The mean true share, in points.
    pub mean_truth: f64,
    /// The share of terms whose estimate was within ±5 points.
    pub within_goal: f64,
    pub mean_abs_error: f64,
    /// The share of terms whose stated 95 % interval held the truth.
    pub coverage: f64,
    /// The mean half-width of the stated interval, in points.
    pub mean_half_width: f64,
}

impl Figure {
    pub fn meets_goal(&self) -> bool {
        self.within_goal >= GOAL_SHARE_OF_TERMS
    }
}

/// The figures of a scenario over many terms.
#[derive(Debug, Clone)]
pub struct Report {
    pub scenario: Scenario,
    pub runs: usize,
    /// Mean number of releases per term carrying the visit breakdowns, and the path decisions.
    pub mean_releases: f64,
    pub mean_path_releases: f64,
    pub figures: Vec<Figure>,
}

/// One estimate: the share and the half-width of its 95 % interval, in points.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    truth: f64,
    share: f64,
    half_width: f64,
}

/// Simulates `runs` terms from `seed`.
pub fn run(s: &Scenario, runs: usize, seed: u64) -> Report {
    let mut rng = SeededRandom::new(seed);
    let mut all: Vec<(String, Vec<Estimate>)> = Vec::new();
    let (mut releases, mut path_releases) = (0usize, 0usize);
    for _ in 0..runs {
        let term = world::draw_term(s, &mut rng);
        let (units, path_units) = release_units(s, &term);
        releases += units;
        path_releases += path_units;
        let estimates = estimate_term(s, &term, units, path_units, &mut rng);
        if all.is_empty() {
            all = estimates
                .iter()
                .map(|(n, _)| (n.clone(), Vec::new()))
                .collect();
        }
        for ((_, list), (_, e)) in all.iter_mut().zip(estimates) {
            list.push(e);
        }
    }
    Report {
        scenario: *s,
        runs,
        mean_releases: releases as f64 / runs.max(1) as f64,
        mean_path_releases: path_releases as f64 / runs.max(1) as f64,
        figures: all
            .into_iter()
            .map(|(name, list)| summarise(name, &list))
            .collect(),
    }
}

/// The releases a term makes: one per device, campus and month with visits; for paths, one
/// per device, campus and month from the campus's first visit (a decision can fall in a month
/// without visits), or one per supporter for the term.
fn release_units(s: &Scenario, term: &Term) -> (usize, usize) {
    let visit_units: BTreeSet<(usize, usize, usize)> = term
        .visits
        .iter()
        .map(|v| (v.device, v.campus, v.month))
        .collect();
    let path_units = match s.path_release {
        PathReleaseDesign::PerCampusMonth => {
            let mut first = vec![s.months; s.campuses];
            for v in &term.visits {
                first[v.campus] = first[v.campus].min(v.month);
            }
            first
                .iter()
                .map(|m| (s.months - m) * s.devices_per_campus)
                .sum()
        }
        PathReleaseDesign::PerDeviceTerm { devices } => {
            devices.min(s.campuses * s.devices_per_campus)
        }
    };
    (visit_units.len(), path_units)
}

/// Every project-level share of the term, as headquarters would state it.
fn estimate_term(
    s: &Scenario,
    term: &Term,
    units: usize,
    path_units: usize,
    rng: &mut SeededRandom,
) -> Vec<(String, Estimate)> {
    let visits = term.visits.len() as f64;
    let mut out = Vec::new();
    for route in Route::ALL {
        let truth = term.visits.iter().filter(|v| v.route == *route).count() as i64;
        let e = visit_share(truth, visits, units, s.policy.route, rng);
        out.push((format!("route:{}", route.code()), e));
    }
    let by_period = matches!(s.path_release, PathReleaseDesign::PerDeviceTerm { .. });
    for topic in Topic::ALL {
        if by_period && topic.is_sensitive() {
            continue;
        }
        let truth = topic_count(term, *topic);
        let e = visit_share(truth, visits, units, s.policy.for_topic(*topic), rng);
        out.push((format!("topic:{}", topic.code()), e));
    }
    if by_period {
        out.extend(sensitive_shares(
            term,
            path_units,
            s.policy.sensitive_topic,
            rng,
        ));
    }
    out.extend(path_shares(term, path_units, s.policy.path, rng));
    out
}

/// The named students met in the term who came about `topic` at least once, or all of them
/// with none: as the laptop counts them, anonymous visits left out.
fn students_about(term: &Term, topic: Option<Topic>) -> i64 {
    let named: BTreeSet<_> = term
        .visits
        .iter()
        .filter(|v| topic.is_none_or(|t| v.topics.contains(&t)))
        .filter_map(|v| v.student)
        .collect();
    named.len() as i64
}

/// Each sensitive topic as a share of the students met in the term, both noisy, released
/// once per supporter and term, stated as headquarters states it
/// (`salon_figures::sensitive_estimates::shares`).
fn sensitive_shares(
    term: &Term,
    units: usize,
    scale: NoiseScale,
    rng: &mut SeededRandom,
) -> Vec<(String, Estimate)> {
    let truth_n = students_about(term, None);
    let cell_var = units as f64 * scale.variance();
    let noisy_n = truth_n + noise_sum(units, scale, rng);
    let truth: Vec<i64> = Topic::SENSITIVE
        .iter()
        .map(|&topic| students_about(term, Some(topic)))
        .collect();
    let cells: Vec<(Topic, i64, f64)> = Topic::SENSITIVE
        .iter()
        .zip(&truth)
        .map(|(&topic, t)| (topic, t + noise_sum(units, scale, rng), cell_var))
        .collect();
    sensitive_estimates::shares((noisy_n, cell_var), &cells)
        .into_iter()
        .zip(&truth)
        .map(|(stated, t)| {
            let (share, half_width) = stated.share.unwrap_or((0.0, 0.0));
            let e = Estimate {
                truth: 100.0 * *t as f64 / truth_n.max(1) as f64,
                share,
                half_width,
            };
            (format!("sensitive:{}", stated.code.code()), e)
        })
        .collect()
}

/// Visits about a topic; for a sensitive topic, each student once per campus and month (and
/// each anonymous visit once): the per-campus-month design the period release is compared
/// with.
fn topic_count(term: &Term, topic: Topic) -> i64 {
    let about = term.visits.iter().filter(|v| v.topics.contains(&topic));
    if !topic.is_sensitive() {
        return about.count() as i64;
    }
    let mut named = BTreeSet::new();
    let mut anonymous = 0;
    for v in about {
        match v.student {
            Some(id) => {
                named.insert((id, v.campus, v.month));
            }
            None => anonymous += 1,
        }
    }
    (named.len() + anonymous) as i64
}

/// A share of the exact visit total: the noisy cells summed over every release, stated as
/// headquarters states it (`salon_figures::Estimate`).
fn visit_share(
    truth: i64,
    visits: f64,
    units: usize,
    scale: NoiseScale,
    rng: &mut SeededRandom,
) -> Estimate {
    let stated = salon_figures::Estimate {
        code: (),
        sum: truth + noise_sum(units, scale, rng),
        variance: units as f64 * scale.variance(),
    };
    let (share, half_width) = stated.share(visits as u64).unwrap_or((0.0, 0.0));
    Estimate {
        truth: 100.0 * truth as f64 / visits,
        share,
        half_width,
    }
}

/// Decisions by kind as shares of the (noisy) decisions, stated as headquarters states them
/// (`salon_figures::path_estimates::shares`).
fn path_shares(
    term: &Term,
    units: usize,
    scale: NoiseScale,
    rng: &mut SeededRandom,
) -> Vec<(String, Estimate)> {
    let kinds = PathStatus::DECIDED;
    let truth: Vec<i64> = kinds
        .iter()
        .map(|k| term.decisions.iter().filter(|d| d.kind == *k).count() as i64)
        .collect();
    let cell_var = units as f64 * scale.variance();
    let cells: Vec<(PathStatus, i64, f64)> = kinds
        .iter()
        .zip(&truth)
        .map(|(&kind, t)| (kind, t + noise_sum(units, scale, rng), cell_var))
        .collect();
    let total_truth = truth.iter().sum::<i64>().max(1) as f64;
    let (_, stated) = path_estimates::shares(&cells);
    stated
        .into_iter()
        .zip(&truth)
        .map(|(stated, t)| {
            let (share, half_width) = stated.share.unwrap_or((0.0, 0.0));
            let e = Estimate {
                truth: 100.0 * *t as f64 / total_truth,
                share,
                half_width,
            };
            (format!("path:{}", stated.code.code()), e)
        })
        .collect()
}

fn noise_sum(units: usize, scale: NoiseScale, rng: &mut SeededRandom) -> i64 {
    // A seeded source never fails.
    (0..units)
        .map(|_| discrete_laplace(scale, rng).unwrap_or(0))
        .sum()
}

fn summarise(name: String, list: &[Estimate]) -> Figure {
    let n = list.len().max(1) as f64;
    let err = |e: &Estimate| (e.share - e.truth).abs();
    Figure {
        name,
        mean_truth: list.iter().map(|e| e.truth).sum::<f64>() / n,
        within_goal: list.iter().filter(|e| err(e) <= GOAL_POINTS).count() as f64 / n,
        mean_abs_error: list.iter().map(err).sum::<f64>() / n,
        coverage: list.iter().filter(|e| err(e) <= e.half_width).count() as f64 / n,
        mean_half_width: list.iter().map(|e| e.half_width).sum::<f64>() / n,
    }
}
