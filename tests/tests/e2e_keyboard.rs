//! A salon day done with the keyboard alone, in the real window: set up, link to headquarters,
//! register a campus, book two appointments, open the salon, log three visits (a new student,
//! an anonymous one, one from an appointment), mark the other appointment missed, close the
//! salon and send. Focus moves with Tab only (never a click, never a script's focus()), keys
//! go to whatever has focus, and a screenshot at each step shows where the focus is.
//!
//! Run with `xvfb-run -a cargo test -p salon-tests --features e2e --test e2e_keyboard` after
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

use driver::{key, App};
use salon_day::tokyo_today;

/// Types into the focused field, one key at a time (ASCII only: the IME is not a keyboard),
/// and waits until the field holds the text: a key the window had not taken yet would
/// otherwise land in the next field.
fn type_keys(app: &App, text: &str) {
    let field = app.focused();
    let before = app.value(&field);
    let keys: Vec<String> = text.chars().map(String::from).collect();
    app.press(&keys.iter().map(String::as_str).collect::<Vec<_>>());
    let want = format!("{before}{text}");
    app.wait_until(&format!("{field} typed"), || {
        (app.value(&field) == want).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_eq!(app.value(&field), want, "{field}: each key typed once");
}

/// Moves a focused <select> with ↓ until it shows `value`.
fn choose(app: &App, testid: &str, value: &str) {
    for _ in 0..20 {
        if app.value(testid) == value {
            return;
        }
        app.press(&[key::ARROW_DOWN]);
    }
    panic!(
        "↓ never chose {value} in {testid} ({:?})",
        app.value(testid)
    );
}

/// Focus visible: the focused control draws a ring (the style a keyboard user sees).
fn assert_focus_shows(app: &App, testid: &str) {
    let style = app.script(
        "const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth];",
        serde_json::json!([]),
    );
    assert!(
        style[0] != "none" && style[1] != "0px",
        "{testid} has focus but no ring: {style}"
    );
}

fn step(app: &App, testid: &str, shot: &str) {
    app.tab_to(testid);
    assert_focus_shows(app, testid);
    app.screenshot(shot);
}

#[test]
fn a_salon_day_with_the_keyboard_alone() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = salon_day::shots_dir();
    let (hq_url, hq, code) = hq::start_hq(home);
    let today = tokyo_today();

    let app = App::start(home, &shots);
    app.wait_for_screen("setup");
    // The passphrase field has focus from the start. Typed in ASCII here: WebDriver's keys
    // cannot compose Japanese.
    let passphrase = "sakura-saku-2025";
    assert_eq!(app.focused(), "setup-passphrase");
    // WebKit's driver has now and then delivered a session's very first key sequence twice;
    // a Shift on its own types nothing and takes that first turn.
    app.press(&[key::SHIFT]);
    type_keys(&app, passphrase);
    app.tab_to("setup-confirm");
    type_keys(&app, passphrase);
    app.press(&[key::ENTER]);
    app.wait_for_screen("recovery");
    step(&app, "recovery-confirm", "80-keys-recovery");
    app.press(&[key::SPACE]);
    app.tab_to("recovery-next");
    app.press(&[key::ENTER]);
    app.wait_for_screen("today");

    // 1. Link to headquarters from the first-run list.
    step(&app, "first-run-hq-go", "81-keys-first-run");
    app.press(&[key::ENTER]);
    app.wait_for_screen("settings");
    app.wait_until("the address field focused", || {
        (app.focused() == "settings-hq-url").then_some(())
    });
    type_keys(&app, &hq_url);
    app.tab_to("settings-hq-code");
    type_keys(&app, &code.to_lowercase());
    app.press(&[key::ENTER]);
    app.find("settings-enrolled");

    // 2. A campus: its name typed in ASCII, today's weekday, the offered キャンパスコード.
    app.tab_to("nav-campuses");
    app.press(&[key::ENTER]);
    app.wait_for_screen("campuses");
    app.tab_to("campus-name");
    type_keys(&app, "Kashiwa");
    app.tab_to("campus-weekday");
    use chrono::Datelike;
    choose(
        &app,
        "campus-weekday",
        &today.weekday().number_from_monday().to_string(),
    );
    app.tab_to("campus-hq-code");
    assert_eq!(app.value("campus-hq-code"), "C-012");
    step(&app, "campus-save", "82-keys-campus");
    app.press(&[key::ENTER]);
    app.wait_until("the campus", || {
        (app.count("campus-row") == 1).then_some(())
    });

    // 3. Two students with an appointment today each, from the students screen.
    for name in ["Haruka", "Misaki"] {
        app.tab_to("nav-students");
        app.press(&[key::ENTER]);
        app.wait_for_screen("students");
        app.tab_to("student-new");
        app.press(&[key::ENTER]);
        app.tab_to("student-name");
        type_keys(&app, name);
        app.tab_to("student-save");
        app.press(&[key::ENTER]);
        app.wait_for_screen("student");
        app.tab_to("student-book-date");
        type_keys(&app, &today.format("%Y/%-m/%-d").to_string());
        app.tab_to("student-book");
        app.press(&[key::ENTER]);
        app.wait_until("booked", || {
            (app.count("student-appointment-row") == 1).then_some(())
        });
    }
    app.screenshot("83-keys-booked");

    // 4. The salon opens.
    app.tab_to("nav-today");
    app.press(&[key::ENTER]);
    app.wait_for_screen("today");
    step(&app, "salon-open", "84-keys-open");
    app.press(&[key::ENTER]);
    app.find("salon-close");

    // 5. A new student's visit: N opens the form, the student chosen with ↓.
    app.press(&["n"]);
    app.wait_for_screen("visit");
    app.tab_to("visit-student");
    choose(&app, "visit-student", "new");
    app.wait_until("the name field", || {
        (app.focused() == "visit-new-student-name").then_some(())
    });
    type_keys(&app, "Sora");
    app.tab_to("visit-topic-further_study");
    app.press(&[key::SPACE]);
    app.tab_to("visit-note");
    type_keys(&app, "keyboard only visit");
    assert_focus_shows(&app, "visit-note");
    app.screenshot("85-keys-visit");
    app.chord(key::CONTROL, key::ENTER);
    app.wait_for_screen("today");

    // 6. An anonymous visit (the form opens on 匿名).
    app.chord(key::CONTROL, "n");
    app.wait_for_screen("visit");
    app.tab_to("visit-topic-unsure_future");
    app.press(&[key::SPACE]);
    app.chord(key::CONTROL, key::ENTER);
    app.wait_for_screen("today");

    // 7. One appointment kept (its visit logged), the other missed.
    step(&app, "appointment-kept", "86-keys-appointments");
    app.press(&[key::ENTER]);
    app.wait_for_screen("visit");
    app.find("visit-from-appointment");
    app.tab_to("visit-topic-job_search");
    app.press(&[key::SPACE]);
    app.chord(key::CONTROL, key::ENTER);
    app.wait_for_screen("today");
    app.tab_to("appointment-missed");
    app.press(&[key::ENTER]);
    app.wait_until("missed", || {
        let statuses = app.script(
            "return [...document.querySelectorAll('[data-testid=appointment-row]')].map(r => r.dataset.status).sort().join(',');",
            serde_json::json!([]),
        );
        (statuses.as_str() == Some("kept,missed")).then_some(())
    });
    assert_eq!(app.count("visit-row"), 3);

    // 8. The salon closes, and the day goes to headquarters by itself.
    step(&app, "salon-close", "87-keys-close");
    app.press(&[key::ENTER]);
    app.tab_to("salon-close-confirm");
    app.press(&[key::ENTER]);
    app.wait_until("the automatic send", || {
        (hq::day(&hq, today).visits == 3).then_some(())
    });
    let sent = hq::day(&hq, today);
    assert_eq!((sent.appointments_kept, sent.appointments_missed), (1, 1));
    app.screenshot("88-keys-sent");
    app.quit();
}
