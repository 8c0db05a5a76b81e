//! A new supporter's first run, in the real window: はじめの準備 on Today names the three steps
//! (link to headquarters, a campus with its キャンパスコード, a backup), each step opens where it is
//! done, and the list goes once all three are.
//!
//! Run with `xvfb-run -a cargo test -p salon-tests --features e2e --test e2e_first_run` after
//! building the app (`cargo build -p salon-app`). Screenshots go to `tests/screenshots/`.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/hq.rs"]
mod hq;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;
#[path = "support/x11.rs"]
mod x11;

use driver::{app_pids, App};
use salon_day::{add_campus_of_today, set_up, shots_dir};

/// Each step of はじめの準備 and whether it is done, in order.
fn steps(app: &App) -> Vec<(String, bool)> {
    let found = app.script(
        "return [...document.querySelectorAll('[data-testid^=\"first-run-\"][data-done]')]
           .map(li => [li.dataset.testid.slice('first-run-'.length), li.dataset.done === 'true']);",
        serde_json::json!([]),
    );
    serde_json::from_value(found).unwrap()
}

fn to_today(app: &App) {
    app.click("nav-today");
    app.wait_for_screen("today");
}

#[test]
fn the_first_run_checklist_leads_to_a_linked_campus_and_a_backup() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let usb = home.join("USBメモリ");
    let (hq_url, _hq, code) = hq::start_hq(home);

    let app = App::start(home, &shots);
    set_up(&app);
    let own = |s: &[(&str, bool)]| -> Vec<(String, bool)> {
        s.iter().map(|(n, d)| (n.to_string(), *d)).collect()
    };
    assert_eq!(
        steps(&app),
        own(&[("hq", false), ("campus", false), ("backup", false)])
    );
    app.screenshot("60-first-run");

    // 1. Linking: the step opens Settings at the link, its address field ready to type in.
    app.click("first-run-hq-go");
    app.wait_for_screen("settings");
    app.wait_until("the address field focused", || {
        let focused = app.script(
            "return document.activeElement && document.activeElement.dataset.testid;",
            serde_json::json!([]),
        );
        (focused.as_str() == Some("settings-hq-url")).then_some(())
    });
    hq::enrol_in_settings(&app, &hq_url, &code);
    to_today(&app);
    assert_eq!(
        steps(&app),
        own(&[("hq", true), ("campus", false), ("backup", false)])
    );
    app.screenshot("61-first-run-linked");

    // 2. The campus: the code headquarters allowed is offered, and already chosen.
    app.click("first-run-campus-go");
    app.wait_for_screen("campuses");
    app.find("campus-hq-code");
    assert_eq!(app.value("campus-hq-code"), "C-012");
    app.screenshot("62-first-run-campus-code");
    add_campus_of_today(&app, None);
    to_today(&app);
    assert_eq!(
        steps(&app),
        own(&[("hq", true), ("campus", true), ("backup", false)])
    );
    // Settings no longer asks for codes once every campus reports.
    app.click("nav-settings");
    app.wait_for_screen("settings");
    assert!(!app.is_present("settings-hq-mapping"));

    // 3. The backup: the OS's folder picker opens over the window (cancelling it changes
    // nothing); the folder it would answer goes to the same command a typed one does.
    to_today(&app);
    app.click("first-run-backup-go");
    app.wait_for_screen("settings");
    let before_pick = app.value("backup-folder");
    let pid = app_pids(home)[0];
    let watcher = x11::Watcher::connect();
    let windows = watcher.mapped(pid);
    app.click("backup-folder-pick");
    let picker = app.wait_until("the folder picker", || {
        let new: Vec<_> = watcher
            .mapped(pid)
            .into_iter()
            .filter(|w| !windows.contains(w))
            .collect();
        (!new.is_empty()).then_some(new)
    });
    app.screenshot("63-first-run-folder-picker");
    watcher.close(&picker);
    app.wait_until("the picker closed", || {
        (watcher.mapped(pid) == windows).then_some(())
    });
    assert_eq!(
        app.value("backup-folder"),
        before_pick,
        "cancelled: unchanged"
    );
    app.type_into("backup-folder", usb.to_str().unwrap());
    app.click("backup-folder-save");
    app.click("backup-now");
    app.wait_until("the backup", || {
        (!app.text("backup-result").trim().is_empty()).then_some(())
    });
    let written: Vec<_> = std::fs::read_dir(&usb)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        written.len() == 1 && written[0].ends_with(".salonbackup"),
        "{written:?}"
    );

    // All three done: Today is the salon's again.
    to_today(&app);
    app.find("salon-open");
    assert!(!app.is_present("first-run"));
    assert!(!app.is_present("backup-reminder"));
    app.screenshot("64-first-run-done");
    app.quit();
}
