//! A month's release as it would leave the laptop: drawn from the operating system, so these
//! tests check distributions with wide margins (six standard errors) rather than exact values.

use std::collections::BTreeMap;

use salon_privacy::{release_month, ExactMonth, ExactPeriod, ExactSensitive, OsRandom, NOISE};
use salon_protocol::{NoisyMonthBreakdown, Release, Route, Topic};

fn seed_like_month() -> ExactMonth {
    ExactMonth {
        by_route: BTreeMap::from([(Route::ALL[0], 3), (Route::ALL[1], 2)]),
        by_topic: BTreeMap::from([(Topic::ALL[0], 4), (Topic::Family, 1)]),
    }
}

fn releases(exact: &ExactMonth, n: usize) -> Vec<NoisyMonthBreakdown> {
    (0..n)
        .map(|_| release_month(exact, Release::First, &mut OsRandom).unwrap())
        .collect()
}

/// Mean and variance of one topic's cell over many releases.
fn topic_moments(sent: &[NoisyMonthBreakdown], topic: Topic) -> (f64, f64) {
    let values: Vec<f64> = sent
        .iter()
        .map(|r| r.by_topic.iter().find(|c| c.code == topic).unwrap().count as f64)
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
    (mean, variance)
}

#[test]
fn every_code_is_sent_and_headquarters_accepts_it() {
    for sent in releases(&seed_like_month(), 200) {
        let routes: Vec<Route> = sent.by_route.iter().map(|c| c.code).collect();
        let topics: Vec<Topic> = sent.by_topic.iter().map(|c| c.code).collect();
        // The sensitive topics never leave in a month's release: they go per period.
        assert_eq!(
            (routes.as_slice(), topics.as_slice()),
            (Route::ALL, Topic::MONTHLY)
        );
        assert_eq!(sent.check(5), Ok(()));
    }
}

#[test]
fn empty_cells_get_noise_too_and_the_noise_adds_nothing_on_average() {
    let policy = NOISE;
    let n = 4_000;
    let sent = releases(&seed_like_month(), n);
    let standard_error = (policy.topic.variance() / n as f64).sqrt();
    for (topic, exact) in [(Topic::ALL[0], 4.0), (Topic::ALL[2], 0.0)] {
        let (mean, variance) = topic_moments(&sent, topic);
        assert!(
            (mean - exact).abs() < 6.0 * standard_error,
            "{topic:?}: mean {mean}"
        );
        assert!(
            (variance - policy.topic.variance()).abs() < 0.4,
            "{topic:?}: variance {variance}"
        );
    }
    let zero_cell_moved = sent.iter().filter(|r| r.by_topic[2].count != 0).count();
    assert!(
        zero_cell_moved > n / 2,
        "an empty cell was sent as 0 in {} of {n}",
        n - zero_cell_moved
    );
}

#[test]
fn each_release_is_drawn_afresh() {
    let sent = releases(&seed_like_month(), 20);
    let alike = sent
        .windows(2)
        .filter(|w| w[0].by_topic == w[1].by_topic && w[0].by_route == w[1].by_route)
        .count();
    // Fifteen cells alike by chance: about 0.3^15 each time.
    assert_eq!(alike, 0);
}

#[test]
fn a_path_release_carries_every_decided_kind_with_the_path_scale() {
    use salon_privacy::release_paths;
    use salon_protocol::{PathPeriod, PathStatus};
    let policy = NOISE;
    let exact = ExactPeriod {
        by_path: BTreeMap::from([(PathStatus::FurtherStudy, 30), (PathStatus::Employment, 12)]),
        sensitive: Some(ExactSensitive {
            met: 42,
            by_topic: BTreeMap::from([(Topic::Family, 5)]),
        }),
    };
    let fy = PathPeriod::fiscal_year(2024);
    let n = 3_000;
    let sent: Vec<_> = (0..n)
        .map(|_| release_paths(&exact, fy, Release::First, &mut OsRandom).unwrap())
        .collect();
    for r in &sent {
        assert_eq!(r.period(), fy);
        let kinds: Vec<PathStatus> = r.by_path.iter().map(|c| c.code).collect();
        assert_eq!(kinds, PathStatus::DECIDED);
        assert_eq!(r.check(salon_protocol::PeriodBounds::new(42, 42)), Ok(()));
        let sensitive = r.sensitive.as_ref().unwrap();
        let topics: Vec<Topic> = sensitive.by_topic.iter().map(|c| c.code).collect();
        assert_eq!(topics.as_slice(), Topic::SENSITIVE);
    }
    // The empty kind (その他決定) is drawn too, around 0 with scale 1's variance 1.84.
    let other: Vec<f64> = sent.iter().map(|r| r.by_path[2].count as f64).collect();
    let mean = other.iter().sum::<f64>() / n as f64;
    let variance = other.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
    let standard_error = (policy.path.variance() / n as f64).sqrt();
    assert!(mean.abs() < 6.0 * standard_error, "mean {mean}");
    assert!(
        (variance - policy.path.variance()).abs() < 0.4,
        "variance {variance}"
    );
}

#[test]
fn the_sensitive_topics_go_with_the_period_under_noise() {
    use salon_privacy::release_paths;
    let exact = ExactPeriod {
        sensitive: Some(ExactSensitive {
            met: 40,
            by_topic: BTreeMap::from([(Topic::Family, 6)]),
        }),
        ..ExactPeriod::default()
    };
    // A period that does not carry them releases none.
    let none = release_paths(
        &ExactPeriod::default(),
        salon_protocol::PathPeriod::fiscal_year(2024),
        Release::First,
        &mut OsRandom,
    )
    .unwrap();
    assert_eq!(none.sensitive, None);
    let fy = salon_protocol::PathPeriod::fiscal_year(2024);
    let n = 3_000;
    let cells: Vec<(f64, f64, f64)> = (0..n)
        .map(|_| {
            let r = release_paths(&exact, fy, Release::Second, &mut OsRandom).unwrap();
            let s = r.sensitive.unwrap();
            let path = r.by_path[0].count as f64;
            (s.met as f64, s.by_topic[0].count as f64, path)
        })
        .collect();
    let moments = |pick: fn(&(f64, f64, f64)) -> f64| {
        let mean = cells.iter().map(pick).sum::<f64>() / n as f64;
        let var = cells.iter().map(|c| (pick(c) - mean).powi(2)).sum::<f64>() / n as f64;
        (mean, var)
    };
    let (students, students_var) = moments(|c| c.0);
    let (family, family_var) = moments(|c| c.1);
    let (path, path_var) = moments(|c| c.2);
    // Scale 1 has variance 1.84: the standard error of a mean over 3,000 draws is 0.025.
    assert!((students - 40.0).abs() < 0.15 && (family - 6.0).abs() < 0.15);
    assert!(path.abs() < 0.15, "an empty kind is drawn around 0: {path}");
    for var in [students_var, family_var, path_var] {
        assert!(
            (var - NOISE.sensitive_topic.variance()).abs() < 0.4,
            "{var}"
        );
    }
}
