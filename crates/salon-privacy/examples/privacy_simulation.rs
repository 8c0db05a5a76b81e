//! The breakdowns' precision at the seed's scale, half and twice it, with more or fewer
//! laptops, and with path decisions and the sensitive topics per campus and month for
//! comparison: the table in BENCHMARKS.md.
//!
//! cargo run --release -p salon-privacy --example privacy_simulation [-- RUNS]

use salon_privacy::simulation::{self, Figure, PathReleaseDesign, Report, Scenario, GOAL_POINTS};
use salon_privacy::NoiseScale;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let mut four_laptops = Scenario::seed();
    four_laptops.path_release = PathReleaseDesign::PerDeviceTerm { devices: 4 };
    let mut path_scale_half = Scenario::seed();
    path_scale_half.policy.path = NoiseScale::new(1, 2).expect("a valid scale");
    let mut two_per_campus = Scenario::seed();
    two_per_campus.devices_per_campus = 2;
    two_per_campus.path_release = PathReleaseDesign::PerDeviceTerm { devices: 44 };
    let mut per_campus_month = Scenario::seed();
    per_campus_month.path_release = PathReleaseDesign::PerCampusMonth;
    let scenarios = [
        (
            "the seed's scale (22 campuses, 757 visits, 22 laptops)",
            Scenario::seed(),
        ),
        ("half (11 campuses, 379 visits)", Scenario::scaled(0.5)),
        ("twice (44 campuses, 1,514 visits)", Scenario::scaled(2.0)),
        ("the seed's, two laptops at every campus", two_per_campus),
        ("the seed's, 4 laptops (as the demo)", four_laptops),
        ("the seed's, path scale 1/2", path_scale_half),
        (
            "the seed's, paths and sensitive topics per campus and month (not built)",
            per_campus_month,
        ),
    ];
    println!(
        "{runs} simulated terms each; goal: within ±{GOAL_POINTS} points in ≥ 95 % of terms\n"
    );
    let reports: Vec<(&str, Report)> = scenarios
        .iter()
        .enumerate()
        .map(|(i, (title, s))| (*title, simulation::run(s, runs, 2026 + i as u64)))
        .collect();
    print_summary(&reports);
    for (title, r) in &reports {
        print_report(title, r);
    }
}

/// One row per scenario: the worst share of each kind against the goal.
fn print_summary(reports: &[(&str, Report)]) {
    println!("| term | releases (visit breakdowns / paths and sensitive) | route & topic: worst within ±5 pt | ± pt | paths: worst within ±5 pt | ± pt |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (title, r) in reports {
        let (visits, paths): (Vec<&Figure>, Vec<&Figure>) =
            r.figures.iter().partition(|f| !f.name.starts_with("path:"));
        println!(
            "| {title} | {:.0} / {:.0} | {} | {:.1} | {} | {:.1} |",
            r.mean_releases,
            r.mean_path_releases,
            worst(&visits),
            widest(&visits),
            worst(&paths),
            widest(&paths)
        );
    }
    println!();
}

fn worst(figures: &[&Figure]) -> String {
    let low = figures.iter().map(|f| f.within_goal).fold(1.0, f64::min);
    let verdict = if low >= simulation::GOAL_SHARE_OF_TERMS {
        "met"
    } else {
        "not met"
    };
    format!("{:.1} % {verdict}", 100.0 * low)
}

fn widest(figures: &[&Figure]) -> f64 {
    figures
        .iter()
        .map(|f| f.mean_half_width)
        .fold(0.0, f64::max)
}

fn print_report(title: &str, r: &Report) {
    println!("### {title}\n");
    println!(
        "{:.0} month releases of the visit breakdowns, {:.0} releases of the paths and sensitive topics per term\n",
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
