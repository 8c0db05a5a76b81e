//! Every screen of the app, in its real window, as a keyboard or screen-reader user meets it:
//! axe-core (injected through WebDriver) finds no serious or critical violation; the focus
//! ring stands out at least 3:1 from what is behind it, in the dark menu too; and at the
//! smallest window the app allows (800×560) every menu entry and ロック can be reached.
//!
//! Run with `xvfb-run -a cargo test -p salon-tests --features e2e --test e2e_accessibility`
//! after building the app and `npm ci` (axe-core). Each screen's result is printed.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;

use driver::App;
use salon_day::{add_campus_of_today, log_anonymous_visit, open_salon, set_up_and, shots_dir};
use serde_json::{json, Value};

/// The focused control's outline against the colour behind it: the contrast ratio (WCAG), or
/// 0 when it shows no outline at all.
const FOCUS_CONTRAST: &str = r#"
const el = document.activeElement;
const parse = (c) => { const m = c.match(/[\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
let behind = null;
for (let n = el.parentElement; n; n = n.parentElement) {
  const c = parse(getComputedStyle(n).backgroundColor);
  if (c.a > 0.5) { behind = c; break; }
}
behind = behind || {r: 255, g: 255, b: 255, a: 1};
const style = getComputedStyle(el);
if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return {id: el.dataset.testid || el.tagName, ratio: 0};
const o = parse(style.outlineColor);
// A translucent ring is seen blended with what is behind it.
const seen = {r: o.r * o.a + behind.r * (1 - o.a), g: o.g * o.a + behind.g * (1 - o.a), b: o.b * o.a + behind.b * (1 - o.a)};
const [hi, lo] = [lum(seen), lum(behind)].sort((a, b) => b - a);
return {id: el.dataset.testid || el.tagName, ratio: (hi + 0.05) / (lo + 0.05)};
"#;

struct Audit {
    axe: String,
    problems: Vec<String>,
}

impl Audit {
    fn screen(&mut self, app: &App, name: &str) {
        app.script(&self.axe, json!([]));
        let found: Vec<String> =
            serde_json::from_value(app.script_async(support::AXE, json!([]))).unwrap_or_default();
        println!(
            "axe {name}: {}",
            if found.is_empty() {
                "no serious or critical violation".to_owned()
            } else {
                found.join("; ")
            }
        );
        self.problems
            .extend(found.into_iter().map(|f| format!("{name}: {f}")));
    }

    /// Tabs to `testid` and measures its focus ring.
    fn focus_ring(&mut self, app: &App, testid: &str) {
        app.tab_to(testid);
        let measured: Value = app.script(FOCUS_CONTRAST, json!([]));
        let ratio = measured["ratio"].as_f64().unwrap_or(0.0);
        println!("focus ring of {testid}: {ratio:.2}:1 against what is behind it");
        if ratio < 3.0 {
            self.problems
                .push(format!("focus ring of {testid}: {ratio:.2}:1 (needs 3:1)"));
        }
    }
}

fn go(app: &App, screen: &str) {
    app.click(&format!("nav-{screen}"));
    app.wait_for_screen(screen);
}

#[test]
fn every_screen_passes_axe_shows_its_focus_and_fits_the_smallest_window() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let axe = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../node_modules/axe-core/axe.min.js"),
    )
    .expect("axe-core (npm ci)");
    let mut audit = Audit {
        axe,
        problems: Vec::new(),
    };

    let app = App::start(home, &shots);
    app.wait_for_screen("setup");
    audit.screen(&app, "setup");
    app.click("setup-restore");
    app.wait_for_screen("restore");
    audit.screen(&app, "restore");
    app.click("restore-back");
    set_up_and(&app, |_| audit.screen(&app, "recovery"));
    audit.screen(&app, "today (first run)");
    add_campus_of_today(&app, None);
    audit.screen(&app, "campuses");
    open_salon(&app);
    audit.screen(&app, "today (salon open)");
    app.click("new-visit");
    app.wait_for_screen("visit");
    audit.screen(&app, "visit");
    log_anonymous_visit(&app, "アクセシビリティの確認");
    for screen in [
        "today", "salons", "care", "students", "search", "events", "sync", "reports", "settings",
    ] {
        go(&app, screen);
        audit.screen(&app, screen);
    }
    go(&app, "reports");
    app.click("report-show");
    app.find("teacher-report");
    audit.screen(&app, "reports (teacher report)");
    go(&app, "salons");
    app.click("salon-row");
    app.wait_for_screen("salon");
    audit.screen(&app, "salon");
    go(&app, "settings");
    app.click("settings-about");
    app.wait_for_screen("about");
    audit.screen(&app, "about");

    // The focus ring, in the dark menu and on the page.
    go(&app, "today");
    audit.focus_ring(&app, "nav-salons");
    audit.focus_ring(&app, "lock-button");
    audit.focus_ring(&app, "new-visit");

    // The smallest window: the page itself does not scroll away, and every menu entry and
    // ロック lie inside the window (the menu may scroll on its own, ロック stays put).
    app.set_window_size(800, 560);
    app.wait_until("the window at 800×560", || {
        let h = app.script("return window.innerHeight;", json!([]));
        (h.as_u64().unwrap_or(0) <= 560).then_some(())
    });
    let unreachable: Vec<String> = serde_json::from_value(app.script(
        "const out = [];
         if (document.documentElement.scrollHeight > window.innerHeight + 1) out.push('the page scrolls');
         const lock = document.querySelector('[data-testid=lock-button]').getBoundingClientRect();
         for (const el of document.querySelectorAll('.nav button')) {
           el.scrollIntoView({block: 'nearest'});
           const r = el.getBoundingClientRect();
           if (el.dataset.testid !== 'lock-button' && r.bottom > lock.top) out.push(`${el.dataset.testid} under ロック`);
           if (r.bottom > window.innerHeight + 1 || r.top < -1 || r.right > window.innerWidth + 1) out.push(el.dataset.testid);
         }
         return out;",
        json!([]),
    ))
    .unwrap();
    app.screenshot("70-smallest-window");
    assert!(
        unreachable.is_empty(),
        "out of reach at 800×560: {unreachable:?}"
    );
    app.click("lock-button");
    app.wait_for_screen("unlock");
    audit.screen(&app, "unlock");

    // The audit itself works in this window: an image without a text alternative is found.
    app.script(
        "const img = document.createElement('img'); img.src = 'data:,'; document.body.append(img);",
        json!([]),
    );
    app.script(&audit.axe, json!([]));
    let planted: Vec<String> =
        serde_json::from_value(app.script_async(support::AXE, json!([]))).unwrap_or_default();
    assert!(
        planted.iter().any(|v| v.starts_with("image-alt")),
        "{planted:?}"
    );
    app.quit();
    assert!(
        audit.problems.is_empty(),
        "accessibility problems:\n{}",
        audit.problems.join("\n")
    );
}
