//! The sampler draws what it claims: a χ² test of 200,000 draws against the exact discrete
//! Laplace probabilities, for scales with and without a denominator, and the same test
//! rejecting draws checked against a slightly different scale (so the test can fail).

use salon_privacy::{discrete_laplace, NoiseScale, SeededRandom};

const DRAWS: usize = 200_000;

/// Counts of draws in bins −w..=w, with everything beyond in two tail bins; w chosen so
/// every bin expects at least 5 draws.
fn binned(draws: &[i64], scale: NoiseScale) -> (Vec<f64>, Vec<f64>) {
    let n = draws.len() as f64;
    let mut w = 0i64;
    while n * scale.probability(w + 1) >= 5.0 {
        w += 1;
    }
    let p = scale.ratio();
    let tail = p.powi(w as i32 + 1) / (1.0 + p); // P(X > w) = P(X < −w)
    let mut expected = vec![n * tail];
    expected.extend((-w..=w).map(|x| n * scale.probability(x)));
    expected.push(n * tail);
    let mut seen = vec![0.0; expected.len()];
    for &x in draws {
        let bin = (x.clamp(-w - 1, w + 1) + w + 1) as usize;
        seen[bin] += 1.0;
    }
    (seen, expected)
}

fn chi_square(seen: &[f64], expected: &[f64]) -> f64 {
    seen.iter()
        .zip(expected)
        .map(|(o, e)| (o - e) * (o - e) / e)
        .sum()
}

/// The 99.9th percentile of χ² with `df` degrees of freedom (Wilson–Hilferty).
fn critical(df: usize) -> f64 {
    let df = df as f64;
    let a = 2.0 / (9.0 * df);
    df * (1.0 - a + 3.090 * a.sqrt()).powi(3)
}

fn draws(scale: NoiseScale, seed: u64) -> Vec<i64> {
    let mut rng = SeededRandom::new(seed);
    (0..DRAWS)
        .map(|_| discrete_laplace(scale, &mut rng).unwrap())
        .collect()
}

#[test]
fn draws_follow_the_exact_probabilities() {
    for (i, (t, s)) in [(1, 1), (4, 3), (1, 2), (5, 1)].into_iter().enumerate() {
        let scale = NoiseScale::new(t, s).unwrap();
        let sample = draws(scale, 100 + i as u64);
        let (seen, expected) = binned(&sample, scale);
        let chi = chi_square(&seen, &expected);
        let limit = critical(seen.len() - 1);
        assert!(
            chi < limit,
            "scale {t}/{s}: χ² {chi:.1} over {} bins, limit {limit:.1}",
            seen.len()
        );
        let mean = sample.iter().sum::<i64>() as f64 / DRAWS as f64;
        assert!(
            mean.abs() < 5.0 * (scale.variance() / DRAWS as f64).sqrt(),
            "scale {t}/{s}: mean {mean}"
        );
    }
}

#[test]
fn the_test_rejects_a_scale_ten_percent_off() {
    let sample = draws(NoiseScale::new(1, 1).unwrap(), 7);
    let other = NoiseScale::new(11, 10).unwrap();
    let (seen, expected) = binned(&sample, other);
    let chi = chi_square(&seen, &expected);
    assert!(
        chi > critical(seen.len() - 1),
        "χ² {chi:.1} should reject scale 11/10"
    );
}
