//! Every headquarters screen, as an office worker meets it on the demo's data at 1280 px in
//! headless Chromium: every link, button and field, once scrolled into view (with whatever
//! holds it), lies inside the window and is what a click at its centre reaches; axe-core finds
//! no serious or critical violation; a screenshot of each.
//!
//! Run with `cargo test -p salon-tests --features e2e --test hq_screens` (no display needed).
#![cfg(feature = "e2e")]

#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/mod.rs"]
mod support;
#[path = "support/webdriver.rs"]
mod webdriver;

use chromium::Chromium;
use serde_json::{json, Value};

/// The controls of a page that lie outside the window or under something else once scrolled
/// to, as "what: where".
const OUT_OF_REACH: &str = r#"
const controls = [...document.querySelectorAll(
  'a[href], button, input:not([type=hidden]), select, textarea')]
    // What a closed <details> holds is reached by opening it: its summary is checked instead.
  .filter(el => el.getClientRects().length > 0 && !el.closest('[hidden]') && !el.matches('a.skip')
    && !el.closest('details:not([open]) > :not(summary)'));
const bad = [];
for (const el of controls) {
  el.scrollIntoView({block: 'center', inline: 'nearest'});
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) continue;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (r.left < 0 || r.right > window.innerWidth + 0.5 || !(hit === el || el.contains(hit))) {
    const name = (el.innerText || el.value || el.name || el.getAttribute('href') || '').trim().slice(0, 20);
    bad.push(`${el.tagName.toLowerCase()} "${name}" at ${Math.round(r.left)}..${Math.round(r.right)} (hit ${hit ? hit.tagName.toLowerCase() : 'none'})`);
  }
}
window.scrollTo(0, 0);
return {bad, count: controls.length, width: document.documentElement.scrollWidth};
"#;

/// How many lines the menu takes, and how many entries say they are the page shown.
const MENU: &str = r##"
const links = [...document.querySelectorAll('header nav a')];
const tops = new Set(links.map(a => Math.round(a.getBoundingClientRect().top)));
return {lines: tops.size, current: document.querySelectorAll('header nav a[aria-current=page]').length,
        skip: !!document.querySelector('a.skip[href="#main"]')};
"##;

#[test]
fn every_screen_fits_1280_px_and_passes_axe() {
    let dir = tempfile::tempdir().unwrap();
    let rt = support::runtime();
    let demo = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        salon_demo::run(&dir.path().join("demo"), listener)
            .await
            .unwrap()
    });
    let axe = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core (npm ci)");
    let survey = demo.hq.surveys().unwrap()[0].id;
    let campus = demo.hq.campuses().unwrap()[0].code.clone();
    let term = demo.term_id;
    // A salon day of the first campus, and a code waiting to be used.
    let october = salon_protocol::Month::parse("2024-10").unwrap();
    let day = demo.hq.campus_days(&campus, october).unwrap()[0].0;
    let by = salon_hq_store::Actor::cli();
    let c012 = salon_protocol::CampusCode::parse(&campus).unwrap();
    demo.hq
        .issue_code(&by, "山田 花子", &[c012], chrono::Utc::now())
        .unwrap();
    // An update on offer, so that 端末一覧 shows it beside the laptops that will be offered it.
    demo.hq
        .add_app_update(
            &by,
            salon_hq_store::NewAppUpdate {
                version: salon_protocol::AppVersion::parse("1.1.0").unwrap(),
                platform: salon_protocol::updates::UpdatePlatform::parse("windows-x86_64-nsis")
                    .unwrap(),
                file_name: "career-salon_1.1.0_x64-setup.exe".into(),
                bundle: vec![0; 6 * 1024 * 1024],
                // A minisign signature's four lines, naming its version, as `tauri signer sign
                // --app-version 1.1.0` writes it (base64).
                signature: data_encoding::BASE64.encode(
                    b"untrusted comment: signature from tauri secret key\nRUTEST\n\
                      trusted comment: timestamp:1700000000\tfile:career-salon_1.1.0_x64-setup.exe\t\
                      version:1.1.0\nTESTGLOBAL\n",
                ),
                notes: "予約の一覧で、次に来る生徒が上に並ぶようになりました。バックアップの完了を知らせる表示を分かりやすくしました。".into(),
            },
            chrono::Utc::now(),
        )
        .unwrap();
    let screens = [
        ("dashboard", "/".to_owned()),
        ("dashboard-term", format!("/?term={term}")),
        ("campuses", "/campuses".to_owned()),
        ("terms", "/terms".to_owned()),
        ("term", format!("/terms/{term}")),
        ("surveys", "/surveys".to_owned()),
        ("survey-results", format!("/surveys/{survey}")),
        ("survey-links", format!("/surveys/{survey}/links")),
        ("survey-questions", format!("/surveys/{survey}/edit")),
        ("codes", "/codes/new".to_owned()),
        ("devices", "/devices".to_owned()),
        ("update-new", "/devices/updates/new".to_owned()),
        (
            "history-month",
            format!("/history?campus={campus}&month=2024-10&term={term}"),
        ),
        ("history-day", format!("/history?campus={campus}&day={day}")),
        ("settings", "/settings".to_owned()),
        ("accounts", "/accounts".to_owned()),
        ("audit", "/audit".to_owned()),
        ("password", "/password".to_owned()),
        ("report", format!("/report?term={term}")),
    ];
    let browser = Chromium::start(&support::shots_dir());
    browser.set_window_size(1280, 900);
    browser.log_in(&demo.url, salon_demo::ADMIN, salon_demo::ADMIN_PASSWORD);
    let mut problems = Vec::new();
    for (name, path) in &screens {
        browser.navigate(&format!("{}{path}", demo.url));
        browser.find_css("main");
        let reach = browser.script(OUT_OF_REACH, json!([]));
        for b in reach["bad"].as_array().unwrap() {
            problems.push(format!("{name}: out of reach: {}", b.as_str().unwrap()));
        }
        if reach["width"].as_u64().unwrap() > 1280 {
            problems.push(format!("{name}: the page is {} px wide", reach["width"]));
        }
        let menu = browser.script(MENU, json!([]));
        if menu["lines"] != json!(1) {
            problems.push(format!("{name}: the menu takes {} lines", menu["lines"]));
        }
        let in_menu = !matches!(
            *name,
            "password" | "report" | "history-month" | "history-day"
        );
        if in_menu && menu["current"] != json!(1) {
            problems.push(format!(
                "{name}: {} menu entries marked as shown",
                menu["current"]
            ));
        }
        if menu["skip"] != json!(true) {
            problems.push(format!("{name}: no link to skip to the content"));
        }
        browser.script(&axe, json!([]));
        let violations = browser.script_async(support::AXE, json!([]));
        for v in violations.as_array().unwrap_or(&Vec::<Value>::new()) {
            problems.push(format!("{name}: axe: {}", v.as_str().unwrap_or_default()));
        }
        eprintln!(
            "{name}: {} controls, {} px wide",
            reach["count"], reach["width"]
        );
        browser.screenshot(&format!("hq-screen-{name}"));
        if *name == "devices" {
            // The updates sit below the laptops.
            browser.full_page_screenshot("hq-screen-devices-full");
        }
    }
    // At a phone's 390 px: the dashboard, and the survey form a teacher opens.
    browser.set_window_size(390, 844);
    let link = demo.hq.survey_links(survey).unwrap().remove(0);
    for (name, path) in [
        ("phone-dashboard", format!("/?term={term}")),
        ("phone-form", format!("/s/{}", link.token)),
    ] {
        browser.set_window_size(390, 844);
        browser.navigate(&format!("{}{path}", demo.url));
        browser.find_css("main");
        let reach = browser.script(OUT_OF_REACH, json!([]));
        for b in reach["bad"].as_array().unwrap() {
            problems.push(format!("{name}: out of reach: {}", b.as_str().unwrap()));
        }
        let wide = browser.script(
            "return [...document.querySelectorAll('main > *, main table, main form, main svg')]
               .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5
                 && !e.closest('.scroll'))
               .map(e => e.tagName.toLowerCase() + (e.dataset.testid ? '#' + e.dataset.testid : '') + ' ' + Math.round(e.getBoundingClientRect().right));",
            json!([]),
        );
        for w in wide.as_array().unwrap() {
            problems.push(format!(
                "{name}: wider than the phone: {}",
                w.as_str().unwrap()
            ));
        }
        let width = browser.script("return document.documentElement.scrollWidth;", json!([]));
        if width.as_u64().unwrap() > 390 {
            problems.push(format!("{name}: the page is {width} px wide"));
        }
        browser.screenshot(&format!("hq-screen-{name}-top"));
        browser.full_page_screenshot(&format!("hq-screen-{name}"));
    }
    // The phone's first screen holds the dashboard's figures, not the menu and filters alone.
    browser.set_window_size(390, 844);
    browser.navigate(&format!("{}/?term={term}", demo.url));
    let top = browser.script(
        "return Math.round(document.querySelector('[data-testid=\"figure-visits\"]').getBoundingClientRect().bottom);",
        json!([]),
    );
    eprintln!("phone: 利用人数 ends {top} px down");
    if top.as_u64().unwrap() > 844 {
        problems.push(format!(
            "phone-dashboard: 利用人数 ends {top} px down, below the first screen"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
