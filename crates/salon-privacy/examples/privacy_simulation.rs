//! The breakdowns' precision at the seed's scale, half and twice it, and with path decisions
//! released per supporter and term: the table in BENCHMARKS.md.
//!
//! cargo run --release -p salon-privacy --example privacy_simulation [-- RUNS]

use salon_privacy::simulation::{self, PathRelease, Report, Scenario, GOAL_POINTS};
use salon_privacy::NoiseScale;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let mut four_laptops = Scenario::seed();
    four_laptops.path_release = PathRelease::PerDeviceTerm { devices: 4 };
    let mut every_campus = Scenario::seed();
    every_campus.path_release = PathRelease::PerDeviceTerm { devices: 22 };
    let mut every_campus_half = every_campus;
    every_campus_half.policy.path = NoiseScale::new(1, 2).expect("a valid scale");
    let mut two_per_campus = Scenario::seed();
    two_per_campus.devices_per_campus = 2;
    let scenarios = [
        (
            "the seed's scale (22 campuses, 757 visits)",
            Scenario::seed(),
        ),
        ("half (11 campuses, 379 visits)", Scenario::scaled(0.5)),
        ("twice (44 campuses, 1,514 visits)", Scenario::scaled(2.0)),
        ("the seed's, two laptops at every campus", two_per_campus),
        ("the seed's, paths once per term, 4 laptops", four_laptops),
        ("the seed's, paths once per term, 22 laptops", every_campus),
        (
            "the seed's, paths once per term, 22 laptops, path scale 1/2",
            every_campus_half,
        ),
    ];
    println!(
        "{runs} simulated terms each; goal: within ±{GOAL_POINTS} points in ≥ 95 % of terms\n"
    );
    for (i, (title, s)) in scenarios.iter().enumerate() {
        print_report(title, &simulation::run(s, runs, 2026 + i as u64));
    }
}

fn print_report(title: &str, r: &Report) {
    println!("### {title}\n");
    println!(
        "{:.0} releases of the visit breakdowns, {:.0} of path decisions per term\n",
        r.mean_releases, r.mean_path_releases
    );
    println!("| share | mean truth % | within ±5 pt | mean error pt | 95 % interval ± pt | interval held truth | goal |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for f in &r.figures {
        println!(
            "| {} | {:.1} | {:.1} % | {:.2} | {:.2} | {:.1} % | {} |",
            f.name,
            f.mean_truth,
            100.0 * f.within_goal,
            f.mean_abs_error,
            f.mean_half_width,
            100.0 * f.coverage,
            if f.meets_goal() { "met" } else { "not met" }
        );
    }
    println!();
}
