//! A made-up term like the seed's: campuses that join month by month (8, 6, 4, 3, 1 of 22 in
//! the seed's first five months), visits spread unevenly over campuses and rising towards
//! February, routes and topics in mixes that vary by campus, repeat and anonymous students,
//! and path decisions late in the term. Only the shape is the seed's; the mixes are assumptions
//! stated here, since the seed gives totals only.

use salon_protocol::{PathStatus, Route, Topic};

use super::scenario::Scenario;
use crate::random::SeededRandom;

/// The project-wide route mix the issue names: 35/25/20/10/10 %.
pub const ROUTE_MIX: [(Route, f64); 5] = [
    (Route::SelfReferred, 0.35),
    (Route::Teacher, 0.25),
    (Route::Outreach, 0.20),
    (Route::Appointment, 0.10),
    (Route::Repeat, 0.10),
];

/// How often a topic is named, before a visit's one to three topics are drawn.
pub const TOPIC_WEIGHTS: [(Topic, f64); 10] = [
    (Topic::FurtherStudy, 0.25),
    (Topic::JobSearch, 0.15),
    (Topic::ApplicationPrep, 0.12),
    (Topic::PartTime, 0.10),
    (Topic::Family, 0.06),
    (Topic::SchoolLife, 0.10),
    (Topic::Friends, 0.06),
    (Topic::Wellbeing, 0.05),
    (Topic::UnsureFuture, 0.08),
    (Topic::Other, 0.03),
];

/// Kinds of decided path: 進学 50 %, 就職 30 %, その他 20 %.
pub const PATH_MIX: [(PathStatus, f64); 3] = [
    (PathStatus::FurtherStudy, 0.5),
    (PathStatus::Employment, 0.3),
    (PathStatus::Other, 0.2),
];

/// Share of campuses joining in each month of the term, from the seed's 8, 6, 4, 3, 1.
const JOINING: [f64; 5] = [8.0 / 22.0, 6.0 / 22.0, 4.0 / 22.0, 3.0 / 22.0, 1.0 / 22.0];
const ANONYMOUS: f64 = 0.10;
const RETURNING: f64 = 0.35;

/// One visit as the counts see it.
#[derive(Debug, Clone)]
pub struct Visit {
    pub campus: usize,
    pub month: usize,
    /// Which of the campus's devices logged it.
    pub device: usize,
    /// None for an anonymous visit.
    pub student: Option<usize>,
    pub route: Route,
    pub topics: Vec<Topic>,
}

/// A path decided in the term.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub campus: usize,
    pub month: usize,
    pub device: usize,
    pub kind: PathStatus,
}

/// One term's records.
#[derive(Debug, Clone)]
pub struct Term {
    pub visits: Vec<Visit>,
    pub decisions: Vec<Decision>,
}

/// The month each campus joins, so that the seed's pattern holds at any number of campuses.
pub fn joining_months(campuses: usize) -> Vec<usize> {
    let mut out = Vec::with_capacity(campuses);
    let mut share = 0.0;
    for (month, s) in JOINING.iter().enumerate() {
        share += s;
        let upto = ((share * campuses as f64).round() as usize).max(out.len());
        while out.len() < upto.min(campuses) {
            out.push(month);
        }
    }
    out.resize(campuses, JOINING.len() - 1);
    out
}

/// Draws one term of the scenario.
pub fn draw_term(s: &Scenario, rng: &mut SeededRandom) -> Term {
    let joins = joining_months(s.campuses);
    let campus_weight: Vec<f64> = (0..s.campuses).map(|_| lognormal(rng, 0.5)).collect();
    let route_mix: Vec<Vec<f64>> = (0..s.campuses)
        .map(|_| perturbed(&ROUTE_MIX, rng))
        .collect();
    // Every active campus-month, weighted by its campus and a profile rising towards February.
    let mut cells = Vec::new();
    for (c, join) in joins.iter().enumerate() {
        for m in *join..s.months {
            let rising = 0.8 + 0.4 * m as f64 / (s.months.max(2) - 1) as f64;
            cells.push(((c, m), campus_weight[c] * rising));
        }
    }
    let mut students: Vec<Vec<(usize, usize)>> = vec![Vec::new(); s.campuses]; // (id, device)
    let mut next_student = 0;
    let mut visits = Vec::with_capacity(s.visits as usize);
    for _ in 0..s.visits {
        let (campus, month) = cells[pick(rng, cells.iter().map(|c| c.1))].0;
        let (student, device) = if rng.unit() < ANONYMOUS {
            (None, rng.below_usize(s.devices_per_campus))
        } else if !students[campus].is_empty() && rng.unit() < RETURNING {
            let known = &students[campus];
            let (id, device) = known[rng.below_usize(known.len())];
            (Some(id), device)
        } else {
            let device = rng.below_usize(s.devices_per_campus);
            students[campus].push((next_student, device));
            next_student += 1;
            (Some(next_student - 1), device)
        };
        let route = ROUTE_MIX[pick(rng, route_mix[campus].iter().copied())].0;
        visits.push(Visit {
            campus,
            month,
            device,
            student,
            route,
            topics: draw_topics(rng),
        });
    }
    let decisions = draw_decisions(s, &visits, rng);
    Term { visits, decisions }
}

/// Each named student decides a path at most once, in a month from their first visit on,
/// later months likelier; the chance is set so the term has about `s.path_decisions`.
fn draw_decisions(s: &Scenario, visits: &[Visit], rng: &mut SeededRandom) -> Vec<Decision> {
    let mut first: Vec<Option<&Visit>> = Vec::new();
    for v in visits {
        if let Some(id) = v.student {
            if first.len() <= id {
                first.resize(id + 1, None);
            }
            first[id].get_or_insert(v);
        }
    }
    let named = first.iter().flatten().count().max(1);
    let chance = (s.path_decisions as f64 / named as f64).min(1.0);
    let mut out = Vec::new();
    for v in first.into_iter().flatten() {
        if rng.unit() >= chance {
            continue;
        }
        let months: Vec<usize> = (v.month..s.months).collect();
        let month = months[pick(rng, months.iter().map(|m| (m + 1) as f64))];
        let kind = PATH_MIX[pick(rng, PATH_MIX.iter().map(|k| k.1))].0;
        out.push(Decision {
            campus: v.campus,
            month,
            device: v.device,
            kind,
        });
    }
    out
}

/// One to three topics (half of visits one, a third two, the rest three), without repeats.
fn draw_topics(rng: &mut SeededRandom) -> Vec<Topic> {
    let n = match rng.unit() {
        u if u < 0.5 => 1,
        u if u < 0.85 => 2,
        _ => 3,
    };
    let mut left: Vec<(Topic, f64)> = TOPIC_WEIGHTS.to_vec();
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let i = pick(rng, left.iter().map(|t| t.1));
        out.push(left.remove(i).0);
    }
    out
}

/// The project mix with each share scaled by a lognormal factor, so campuses differ.
fn perturbed<T>(mix: &[(T, f64)], rng: &mut SeededRandom) -> Vec<f64> {
    mix.iter().map(|(_, w)| w * lognormal(rng, 0.3)).collect()
}

/// An index drawn with probability proportional to its weight.
fn pick(rng: &mut SeededRandom, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut x = rng.unit() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if x < w {
            return i;
        }
        x -= w;
        last = i;
    }
    last
}

/// e^(σ·Z) for a standard normal Z (Box–Muller).
fn lognormal(rng: &mut SeededRandom, sigma: f64) -> f64 {
    let u = rng.unit().max(f64::MIN_POSITIVE);
    let z = (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * rng.unit()).cos();
    (sigma * z).exp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campuses_join_as_in_the_seed() {
        let count = |m: usize, n: usize| joining_months(n).iter().filter(|&&j| j == m).count();
        assert_eq!(
            (0..5).map(|m| count(m, 22)).collect::<Vec<_>>(),
            [8, 6, 4, 3, 1]
        );
        assert_eq!(joining_months(11).len(), 11);
        assert_eq!(
            (0..5).map(|m| count(m, 44)).collect::<Vec<_>>(),
            [16, 12, 8, 6, 2]
        );
    }

    #[test]
    fn a_term_has_the_scenarios_visits_and_about_its_decisions() {
        let s = Scenario::seed();
        let term = draw_term(&s, &mut SeededRandom::new(3));
        assert_eq!(term.visits.len(), 757);
        assert!(
            (80..160).contains(&term.decisions.len()),
            "{}",
            term.decisions.len()
        );
        let outreach = term
            .visits
            .iter()
            .filter(|v| v.route == Route::Outreach)
            .count();
        assert!((100..200).contains(&outreach), "{outreach}");
        assert!(term
            .visits
            .iter()
            .all(|v| (1..=3).contains(&v.topics.len())));
    }
}
