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
    let rt = support::runtime();
    let started = std::time::Instant::now();
    let demo = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        salon_demo::run(&dir.path().join("demo"), listener)
            .await
            .unwrap()
    });
    eprintln!("demo built in {:?}", started.elapsed());
    let f = salon_hq_store::figures::compute_term(&demo.hq, demo.term_id).unwrap();
    assert_eq!((f.schools, f.sessions, f.visits), (22, 247, 757));
    // Students came by appointment, and some who booked did not: the 予約 columns are not empty.
    let booked = f.rows.iter().fold([0, 0, 0], |[b, k, m], r| {
        [
            b + r.counts.appointments_booked,
            k + r.counts.appointments_kept,
            m + r.counts.appointments_missed,
        ]
    });
    assert!(booked[1] > 0 && booked[2] > 0, "{booked:?}");
    assert_eq!(booked[0], booked[1] + booked[2], "{booked:?}");

    let shots = support::shots_dir();
    let browser = Chromium::start(&shots);
    browser.log_in(&demo.url, salon_demo::ADMIN, salon_demo::ADMIN_PASSWORD);
    // Opened without choosing anything, the dashboard shows the latest 年度 with figures, its
    // funder's term first, and says which.
    browser.navigate(&format!("{}/", demo.url));
    let figure = |key: &str| {
        browser
            .text(&format!("figure-{key}"))
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        (figure("schools"), figure("sessions"), figure("visits")),
        ("22校".to_owned(), "247回".to_owned(), "757名".to_owned())
    );
    let chosen = browser.script(
        "const s = document.querySelector('[data-testid=\"term\"]');
         return [s.options[s.selectedIndex].text, document.querySelector('select[name=\"fy\"]').value];",
        json!([]),
    );
    assert_eq!(
        chosen,
        json!(["2024年度 休眠預金", "2024"]),
        "the filter says what is shown"
    );
    browser.screenshot("hq-dashboard-opened");
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

    // On the dashboard, visits by route under noise, at the seed's own scale: every campus-month released, each
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
    browser.screenshot("hq-dashboard-breakdowns");
    browser.script(
        "document.querySelector('[data-testid=\"noisy-paths\"]').scrollIntoView();",
        json!([]),
    );
    browser.screenshot("hq-dashboard-paths");
    browser.script(
        "document.querySelector('[data-testid=\"noisy-sensitive\"]').scrollIntoView();",
        json!([]),
    );
    browser.screenshot("hq-dashboard-sensitive");

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
        page.contains("オンライン職業講話")
            && page.contains("教職員の声")
            && page.contains("キャリアサポーターの声"),
        "{page}"
    );
    // Named as the seed names them: the NPO, the project and its distributors, the campuses.
    assert_eq!(browser.text("report-org"), "NPO法人キャリアbase");
    assert!(browser
        .text("report-project")
        .contains("『高校生世代の子育て家庭「くらしと学びの危機」緊急支援事業』（資金分配団体：キッズドア様、READYFOR様）"));
    assert!(browser.text("report-as-of").contains("時点の実績"));
    let campuses = browser.table("report-campuses");
    assert_eq!(campuses.len(), 22);
    assert!(
        campuses
            .iter()
            .all(|r| r[0].contains("キャンパス") && !r[0].starts_with("C-")),
        "{campuses:?}"
    );
    assert!(browser.text("report-campus-total").contains("22キャンパス"));
    let lessons = browser.text("report-lessons");
    assert!(
        lessons.contains("平均11.2回") && lessons.contains("平均3.1名"),
        "247 salons at 22 campuses, 757 visits: {lessons}"
    );
    // The breakdowns in words, each share the dashboard's.
    let routes = browser.text("words-routes");
    assert!(
        routes.contains("割") && !routes.contains("ポイント") && !routes.contains("ノイズ"),
        "{routes}"
    );
    assert!(!browser.text("words-footnote").contains("ノイズ"));
    // The teachers' survey before the supporters' (the seed's order).
    let order = browser.script(
        "return [...document.querySelectorAll('section.survey')].map(s => s.dataset.audience);",
        json!([]),
    );
    assert_eq!(order, json!(["teachers", "supporters"]));

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
        "活動実績,利用人数（延べ）,757,400,189",
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

    // Printed to A4 by Chromium, and that PDF to PNG: the same figures on paper, page by page.
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
        "NPO法人キャリアbase",
        "高校生世代の子育て家庭",
        "教職員の声",
    ] {
        assert!(
            text.contains(figure),
            "{figure} is not in the printed report:\n{text}"
        );
    }
    assert!(
        text.find("教職員の声") < text.find("キャリアサポーターの声"),
        "the teachers' survey first"
    );
    let fill = page_fill(&pdf_path);
    let pages = fill.len();
    eprintln!("the report prints on {pages} A4 pages, filled {fill:.2?}");
    assert!((2..=6).contains(&pages), "{pages} pages");
    for page in 1..=pages {
        assert!(
            text.contains(&format!("{page} / {pages}")),
            "page {page} has no number:\n{text}"
        );
    }
    for (i, f) in fill.iter().enumerate().take(pages - 1) {
        assert!(*f >= 0.5, "page {} is {:.0}% full", i + 1, f * 100.0);
    }
    for page in 1..=pages {
        let status = Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .args(["-f", &page.to_string(), "-l", &page.to_string()])
            .arg(&pdf_path)
            .arg(shots.join(format!("hq-report-a4-p{page}")))
            .status()
            .expect("pdftoppm (Debian: poppler-utils)");
        assert!(status.success());
    }
    std::fs::remove_file(&pdf_path).ok();
}

/// How full each page of a PDF is: from the top margin down to its lowest text, as a share of
/// the space above the footer (page numbers sit in the bottom margin and are left out).
fn page_fill(pdf: &std::path::Path) -> Vec<f64> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian: poppler-utils)");
    let html = String::from_utf8_lossy(&out.stdout);
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        let at = tag.find(&key).unwrap() + key.len();
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    // A4 in points, and the margins of hq.css's @page (14 mm top, 16 mm bottom).
    let mm = 72.0 / 25.4;
    let mut pages: Vec<(f64, f64)> = Vec::new();
    for tag in html.split('<').skip(1) {
        if tag.starts_with("page ") {
            pages.push((attr(tag, "height"), 0.0));
        } else if tag.starts_with("word ") {
            let (height, lowest) = pages.last_mut().unwrap();
            let y = attr(tag, "yMax");
            if y < *height - 16.0 * mm {
                *lowest = lowest.max(y);
            }
        }
    }
    pages
        .into_iter()
        .map(|(height, lowest)| (lowest - 14.0 * mm) / (height - 30.0 * mm))
        .collect()
}
