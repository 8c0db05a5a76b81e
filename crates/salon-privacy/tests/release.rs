//! Releases as they leave the laptop, drawn from the keyed generator: every code sent, the
//! noise of the exact distribution (χ² against it), the same input giving the same numbers,
//! and another input — one cell changed, another campus or release, another laptop's key —
//! giving noise unrelated to the first.

use std::collections::BTreeMap;

use salon_privacy::{
    release_month, release_paths, ExactMonth, ExactPeriod, ExactSensitive, NoiseKey, NOISE,
};
use salon_protocol::{Month, NoisyMonthBreakdown, PathPeriod, PathStatus, Release, Route, Topic};

fn key(byte: u8) -> NoiseKey {
    NoiseKey::from_bytes([byte; 32])
}

fn feb() -> Month {
    Month::parse("2025-02").unwrap()
}

fn seed_like_month() -> ExactMonth {
    ExactMonth {
        by_route: BTreeMap::from([(Route::ALL[0], 3), (Route::ALL[1], 2)]),
        by_topic: BTreeMap::from([(Topic::MONTHLY[0], 4)]),
    }
}

/// One release of `exact` for each of `n` campuses: n different inputs.
fn releases(exact: &ExactMonth, n: i64) -> Vec<NoisyMonthBreakdown> {
    (0..n)
        .map(|campus| release_month(&key(7), campus, feb(), Release::First, exact).unwrap())
        .collect()
}

/// The noise of every cell: what was sent less the exact count.
fn noise_of(sent: &NoisyMonthBreakdown, exact: &ExactMonth) -> Vec<i64> {
    fn of<C: Ord>(m: &BTreeMap<C, u32>, c: C) -> i64 {
        i64::from(m.get(&c).copied().unwrap_or(0))
    }
    sent.by_route
        .iter()
        .map(|c| c.count - of(&exact.by_route, c.code))
        .chain(
            sent.by_topic
                .iter()
                .map(|c| c.count - of(&exact.by_topic, c.code)),
        )
        .collect()
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

/// 4,000 releases of one month at 4,000 campuses, 13 cells each: the noise's histogram
/// against the discrete Laplace distribution of b = 1, by χ² over the values −6..=6 and the
/// two tails (14 classes, 13 degrees of freedom: 34.5 is the 0.1 % point).
#[test]
fn keyed_noise_has_the_exact_distribution() {
    let exact = seed_like_month();
    let noise: Vec<i64> = releases(&exact, 4_000)
        .iter()
        .flat_map(|r| noise_of(r, &exact))
        .collect();
    let n = noise.len() as f64;
    let scale = NOISE.route;
    let mut chi2 = 0.0;
    for x in -6i64..=6 {
        let seen = noise.iter().filter(|v| **v == x).count() as f64;
        let expected = n * scale.probability(x);
        chi2 += (seen - expected).powi(2) / expected;
    }
    let tail: f64 = (-6..=6).map(|x| scale.probability(x)).sum::<f64>();
    let seen_tail = noise.iter().filter(|v| v.abs() > 6).count() as f64;
    let expected_tail = n * (1.0 - tail);
    chi2 += (seen_tail - expected_tail).powi(2) / expected_tail;
    eprintln!("keyed noise: χ² = {chi2:.1} (13 d.f.) over {n} draws");
    assert!(chi2 < 34.5, "χ² = {chi2:.1} over {n} draws");
    let zero_cells = noise.iter().filter(|v| **v != 0).count();
    assert!(zero_cells as f64 > n * 0.5, "an empty cell is drawn too");
}

#[test]
fn the_same_release_of_the_same_cells_gives_the_same_numbers() {
    let exact = seed_like_month();
    let once = release_month(&key(7), 12, feb(), Release::First, &exact).unwrap();
    for _ in 0..5 {
        assert_eq!(
            release_month(&key(7), 12, feb(), Release::First, &exact).unwrap(),
            once
        );
    }
    // Another release, campus or month, or another laptop's key: other numbers.
    let others = [
        release_month(&key(7), 12, feb(), Release::Second, &exact).unwrap(),
        release_month(&key(7), 13, feb(), Release::First, &exact).unwrap(),
        release_month(
            &key(7),
            12,
            Month::parse("2025-03").unwrap(),
            Release::First,
            &exact,
        )
        .unwrap(),
        release_month(&key(8), 12, feb(), Release::First, &exact).unwrap(),
    ];
    for other in others {
        assert_ne!(noise_of(&other, &exact), noise_of(&once, &exact));
    }
}

/// A backup one visit behind draws its month again over other cells: that draw must be new
/// noise, unrelated to the first, or the difference of the two would give the visit away.
/// Over 3,000 months, the noise of the cells that did not change is uncorrelated between the
/// two draws (|r| < 0.05, about four standard errors).
#[test]
fn one_changed_cell_gives_noise_unrelated_to_the_first() {
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for campus in 0..3_000 {
        let exact = seed_like_month();
        let mut one_more = exact.clone();
        *one_more.by_route.entry(Route::ALL[0]).or_default() += 1;
        let a = release_month(&key(7), campus, feb(), Release::First, &exact).unwrap();
        let b = release_month(&key(7), campus, feb(), Release::First, &one_more).unwrap();
        // Every cell but the changed one.
        before.extend(noise_of(&a, &exact).into_iter().skip(1));
        after.extend(noise_of(&b, &one_more).into_iter().skip(1));
    }
    let n = before.len() as f64;
    let mean = |v: &[i64]| v.iter().sum::<i64>() as f64 / n;
    let (ma, mb) = (mean(&before), mean(&after));
    let cov: f64 = before
        .iter()
        .zip(&after)
        .map(|(a, b)| (*a as f64 - ma) * (*b as f64 - mb))
        .sum::<f64>()
        / n;
    let var = |v: &[i64], m: f64| v.iter().map(|x| (*x as f64 - m).powi(2)).sum::<f64>() / n;
    let r = cov / (var(&before, ma) * var(&after, mb)).sqrt();
    eprintln!("one cell changed: correlation {r:.4} over {n} cells");
    assert!(r.abs() < 0.05, "correlation {r:.3} over {n} cells");
}

#[test]
fn a_path_release_carries_every_decided_kind_and_the_sensitive_topics() {
    let exact = ExactPeriod {
        by_path: BTreeMap::from([(PathStatus::FurtherStudy, 30), (PathStatus::Employment, 12)]),
        sensitive: Some(ExactSensitive {
            met: 42,
            by_topic: BTreeMap::from([(Topic::Family, 5)]),
        }),
    };
    let fy = PathPeriod::fiscal_year(2024);
    let r = release_paths(&key(7), fy, Release::First, &exact).unwrap();
    assert_eq!(r.period(), fy);
    let kinds: Vec<PathStatus> = r.by_path.iter().map(|c| c.code).collect();
    assert_eq!(kinds, PathStatus::DECIDED);
    assert_eq!(r.check(salon_protocol::PeriodBounds::new(42, 42)), Ok(()));
    let sensitive = r.sensitive.as_ref().unwrap();
    let topics: Vec<Topic> = sensitive.by_topic.iter().map(|c| c.code).collect();
    assert_eq!(topics.as_slice(), Topic::SENSITIVE);
    // Drawn again, the same; the period without the sensitive topics is another input.
    assert_eq!(
        release_paths(&key(7), fy, Release::First, &exact).unwrap(),
        r
    );
    let none = release_paths(&key(7), fy, Release::First, &ExactPeriod::default()).unwrap();
    assert_eq!(none.sensitive, None);
}

/// 3,000 periods of 3,000 laptops (keys): the students met and 家庭のこと come out around their
/// exact values with scale 1's variance, 1.84.
#[test]
fn the_sensitive_topics_go_with_the_period_under_noise() {
    let exact = ExactPeriod {
        sensitive: Some(ExactSensitive {
            met: 40,
            by_topic: BTreeMap::from([(Topic::Family, 6)]),
        }),
        ..ExactPeriod::default()
    };
    let fy = PathPeriod::fiscal_year(2024);
    let n = 3_000;
    let cells: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let mut bytes = [0u8; 32];
            bytes[..4].copy_from_slice(&(i as u32).to_be_bytes());
            let r =
                release_paths(&NoiseKey::from_bytes(bytes), fy, Release::Second, &exact).unwrap();
            let s = r.sensitive.unwrap();
            (s.met as f64, s.by_topic[0].count as f64)
        })
        .collect();
    for (pick, exact) in [(0, 40.0), (1, 6.0)] {
        let values: Vec<f64> = cells
            .iter()
            .map(|c| if pick == 0 { c.0 } else { c.1 })
            .collect();
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        assert!((mean - exact).abs() < 0.15, "mean {mean}");
        assert!(
            (var - NOISE.sensitive_topic.variance()).abs() < 0.4,
            "{var}"
        );
    }
}
