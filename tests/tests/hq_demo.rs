//! End-to-end: the seed's term rebuilt by `salon-demo` (four laptops on the real store, synced
//! through the real client to a real headquarters on 127.0.0.1, surveys answered over HTTP),
//! and its funder report in headless Chromium: on the page, printed to A4 PDF by Chromium
//! and to PNG by pdftoppm, it reads exactly 22校（110%）, 247回（107%）, 757名（189%）.
//!
//! Run with `cargo test -p salon-tests --features e2e --test hq_demo` (no display needed).
//! Screenshots: `tests/screenshots/hq-report*.png` (the breakdowns under noise in
//! `hq-report-breakdowns.png`).
#![cfg(feature = "e2e")]

#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/mod.rs"]
mod support;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::process::Command;

use chromium::Chromium;
use serde_json::json;

#[test]
fn the_demo_terms_funder_report_reads_the_seeds_figures() {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let demo = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        salon_demo::run(&dir.path().join("demo"), listener)
            .await
            .unwrap()
    });
    eprintln!("demo built in {:?}", started.elapsed());
    let f = salon_hq::figures::compute_term(&demo.hq, demo.term_id).unwrap();
    assert_eq!((f.schools, f.sessions, f.visits), (22, 247, 757));

    let shots = support::shots_dir();
    let browser = Chromium::start(&shots);
    browser.log_in(&demo.url, salon_demo::ADMIN, salon_demo::ADMIN_PASSWORD);
    browser.navigate(&format!("{}/?term={}", demo.url, demo.term_id));
    // Per supporter, for dispatch and 謝金: four laptops, every salon of the term.
    let supporters = browser.table("supporters");
    assert_eq!(supporters.len(), 4, "{supporters:?}");
    let salons: u64 = supporters
        .iter()
        .map(|r| r[2].trim_end_matches('回').parse::<u64>().unwrap())
        .sum();
    assert_eq!(salons, 247);
    assert!(supporters.iter().all(|r| r[3].ends_with('分')));
    assert!(!browser.is_present("campuses-without-salon"));
    browser.full_page_screenshot("hq-dashboard-demo");
    browser.click("report-link");
    browser.find("report");

    // The page, read back.
    let tile = |key: &str| {
        let v = browser.script(
            "const t = document.querySelector(`[data-testid=\"report-${arguments[0]}\"]`);
             return [t.dataset.value, t.dataset.percent, t.innerText];",
            json!([key]),
        );
        serde_json::from_value::<(String, String, String)>(v).unwrap()
    };
    for (key, value, percent, shown) in [
        ("schools", "22", "110", "22校"),
        ("sessions", "247", "107", "247回"),
        ("visits", "757", "189", "757名"),
    ] {
        let (v, p, text) = tile(key);
        assert_eq!((v.as_str(), p.as_str()), (value, percent), "{key}");
        assert!(
            text.contains(shown) && text.contains(&format!("目標比{percent}%")),
            "{text}"
        );
    }
    let summary = browser.text("report-summary");
    assert!(
        summary.contains("合計22校（目標比110%）")
            && summary.contains("合計247回（目標比107%）")
            && summary.contains("延べ757名（目標比189%）"),
        "{summary}"
    );
    let page = browser.text_css("main");
    assert!(
        page.contains("オンライン職業講話") && page.contains("回答者の声"),
        "{page}"
    );
    assert_eq!(browser.table("report-campuses").len(), 22);

    // Visits by route under noise, at the seed's own scale: every campus-month released, each
    // share within its shown interval's reach of the laptops' truth, every interval under 5 pt.
    let section = browser.script(
        "const s = document.querySelector('[data-testid=\"noisy-breakdowns\"]');
         return [s.dataset.visits, s.dataset.releases];",
        json!([]),
    );
    let (visits, releases): (String, String) = serde_json::from_value(section).unwrap();
    assert_eq!(visits, "757", "every month of the term has been released");
    assert!(releases.parse::<u32>().unwrap() >= 100, "{releases}");
    assert_eq!(demo.routes.values().sum::<u64>(), 757);
    let mut shown_rows = Vec::new();
    for (code, truth) in &demo.routes {
        let shown = browser.script(
            "const r = document.querySelector(`[data-testid=\"noisy-${arguments[0]}\"]`);
             return [r.dataset.share, r.dataset.margin, r.innerText, r.dataset.count];",
            json!([code]),
        );
        let (share_text, margin_text, text, count): (String, String, String, String) =
            serde_json::from_value(shown).unwrap();
        shown_rows.push(format!(",{count},,,{share_text},{margin_text}"));
        let share: f64 = share_text.parse().unwrap();
        let margin: f64 = margin_text.parse().unwrap();
        let true_share = *truth as f64 / 757.0 * 100.0;
        assert!(margin < 5.0, "{code}: ±{margin} pt");
        // 2.5 intervals: a miss has a chance of about one in a million.
        assert!(
            (share - true_share).abs() <= 2.5 * margin,
            "{code}: shown {share} ± {margin}, truth {true_share:.1}"
        );
        assert!(text.contains("ポイント") && text.contains('%'), "{text}");
    }
    assert!(browser.text("noisy-note").contains("ノイズ"));
    // Path decisions of the funder's term, one release per laptop over all its campuses: each
    // share within 2.5 of its intervals of the laptops' truth.
    let decided: u64 = demo.paths.values().sum();
    assert!(decided >= 60, "{:?}", demo.paths);
    let section = browser.script(
        "const s = document.querySelector('[data-testid=\"noisy-paths\"]');
         return [s.dataset.releases, s.dataset.total];",
        json!([]),
    );
    let (releases, total): (String, String) = serde_json::from_value(section).unwrap();
    assert_eq!(releases, "4", "one release per laptop");
    let total: f64 = total.parse().unwrap();
    assert!(
        (total - decided as f64).abs() < 30.0,
        "{total} of {decided}"
    );
    for (code, truth) in &demo.paths {
        let shown = browser.script(
            "const r = document.querySelector(`[data-testid=\"noisy-path-${arguments[0]}\"]`);
             return [r.dataset.share, r.dataset.margin];",
            json!([code]),
        );
        let (share, margin): (String, String) = serde_json::from_value(shown).unwrap();
        let (share, margin): (f64, f64) = (share.parse().unwrap(), margin.parse().unwrap());
        let true_share = *truth as f64 / decided as f64 * 100.0;
        assert!(
            (share - true_share).abs() <= 2.5 * margin,
            "{code}: shown {share} ± {margin}, truth {true_share:.1}"
        );
    }
    assert!(browser.text("paths-note").contains("4台分"));
    // 家庭のこと and 心身の不調 of the term, as shares of the students the laptops met: each
    // within 2.5 of its intervals of the truth.
    let met = demo.sensitive["met"] as f64;
    assert!(met >= 200.0, "{:?}", demo.sensitive);
    for code in ["family", "wellbeing"] {
        let shown = browser.script(
            "const r = document.querySelector(`[data-testid=\"noisy-sensitive-${arguments[0]}\"]`);
             return [r.dataset.share, r.dataset.margin];",
            json!([code]),
        );
        let (share, margin): (String, String) = serde_json::from_value(shown).unwrap();
        let (share, margin): (f64, f64) = (share.parse().unwrap(), margin.parse().unwrap());
        let truth = demo.sensitive.get(code).copied().unwrap_or(0) as f64 / met * 100.0;
        assert!(
            (share - truth).abs() <= 2.5 * margin && margin < 5.0,
            "{code}: shown {share} ± {margin}, truth {truth:.1}"
        );
    }
    assert!(browser
        .text("sensitive-note")
        .contains("特に慎重に扱う相談"));
    browser.script(
        "document.querySelector('[data-testid=\"noisy-breakdowns\"]').scrollIntoView();",
        json!([]),
    );
    browser.screenshot("hq-report-breakdowns");
    browser.script(
        "document.querySelector('[data-testid=\"noisy-paths\"]').scrollIntoView();",
        json!([]),
    );
    browser.screenshot("hq-report-paths");
    browser.script(
        "document.querySelector('[data-testid=\"noisy-sensitive\"]').scrollIntoView();",
        json!([]),
    );
    browser.screenshot("hq-report-sensitive");
    browser.full_page_screenshot("hq-report");
    // The same figures as CSV for Excel.
    let csv = browser.script_async(
        "const done = arguments[arguments.length - 1];
         fetch('/report.csv?term=' + arguments[0]).then(r => r.arrayBuffer())
           .then(b => done(new TextDecoder('utf-8', {ignoreBOM: true}).decode(b)));",
        json!([demo.term_id]),
    );
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    for line in [
        "活動実績,導入校数,22,20,110",
        "活動実績,実施回数,247,230,107",
        "活動実績,利用人数(延べ),757,400,189",
    ] {
        assert!(csv.contains(line), "{line}:\n{csv}");
    }
    // The breakdowns under noise as the page shows them: count, share, interval.
    for row in &shown_rows {
        assert!(
            csv.lines()
                .any(|l| l.starts_with("来談経路（推計）,") && l.ends_with(row.as_str())),
            "{row:?} is not in the CSV:\n{csv}"
        );
    }

    // Printed to A4 by Chromium, and that PDF to PNG: the same figures on paper.
    let pdf = browser.post(
        "/print",
        json!({"page": {"width": 21.0, "height": 29.7}, "background": true}),
    );
    let pdf = data_encoding::BASE64
        .decode(pdf.as_str().expect("a PDF").as_bytes())
        .unwrap();
    let pdf_path = shots.join("hq-report.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian: poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    for figure in [
        "22校",
        "目標比110%",
        "247回",
        "目標比107%",
        "757名",
        "目標比189%",
    ] {
        assert!(
            text.contains(figure),
            "{figure} is not in the printed report:\n{text}"
        );
    }
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf_path)
        .arg(shots.join("hq-report-a4"))
        .status()
        .expect("pdftoppm (Debian: poppler-utils)");
    assert!(status.success());
    assert!(shots.join("hq-report-a4.png").exists());
    std::fs::remove_file(&pdf_path).ok();
}
