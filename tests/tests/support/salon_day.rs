//! The steps every end-to-end test of the app window starts with: first-run setup, a campus
//! whose salon is today, an open salon.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use chrono::{Datelike, NaiveDate};

use crate::driver::App;

pub const PASSPHRASE: &str = "さくら咲く相談室2025";

pub use crate::support::shots_dir;

pub fn tokyo_today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive()
}

/// From the setup screen: the passphrase twice, past the recovery key, to Today. Returns the
/// recovery key as shown.
pub fn set_up(app: &App) -> String {
    set_up_and(app, |_| {})
}

/// `set_up`, with `on_recovery` run while the recovery key is on screen.
pub fn set_up_and(app: &App, on_recovery: impl FnOnce(&str)) -> String {
    app.wait_for_screen("setup");
    app.type_into("setup-passphrase", PASSPHRASE);
    app.type_into("setup-confirm", PASSPHRASE);
    app.click("setup-submit");
    app.wait_for_screen("recovery");
    let recovery_key = app.text("recovery-key");
    on_recovery(&recovery_key);
    app.click("recovery-confirm");
    app.click("recovery-next");
    app.wait_for_screen("today");
    recovery_key
}

/// Adds 柏キャンパス with its salon on today's weekday (Tokyo), with a キャンパスコード if given
/// (the laptop must be enrolled for one to be offered).
pub fn add_campus_of_today(app: &App, hq_code: Option<&str>) {
    app.click("nav-campuses");
    app.wait_for_screen("campuses");
    app.click("campus-new");
    app.type_into("campus-name", "柏キャンパス");
    if let Some(code) = hq_code {
        // Chosen from the codes headquarters allowed at enrolment.
        app.set_value("campus-hq-code", code);
    }
    let weekday = tokyo_today().weekday().number_from_monday();
    app.set_value("campus-weekday", &weekday.to_string());
    app.set_value("campus-start", "10:00");
    app.set_value("campus-end", "13:00");
    app.type_into("campus-place", "3階 相談室");
    app.set_value("campus-format", "in_person");
    app.click("campus-save");
    app.wait_until("campus row", || {
        (app.count("campus-row") == 1).then_some(())
    });
}

/// Opens today's salon from Today.
pub fn open_salon(app: &App) {
    app.click("nav-today");
    app.wait_for_screen("today");
    app.click("salon-open");
    app.find("salon-close");
}

/// From Today, a visit of no named student with `note`, saved; back on Today.
pub fn log_anonymous_visit(app: &App, note: &str) {
    app.click("nav-today");
    app.wait_for_screen("today");
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.set_value("visit-route", "self");
    app.click("visit-topic-unsure_future");
    app.type_into("visit-note", note);
    let remembering = fields_that_remember(app);
    assert!(
        remembering.is_empty(),
        "fields that would remember what is typed: {remembering:?}"
    );
    app.click("visit-save");
    app.wait_for_screen("today");
}

/// The text fields on screen that the WebView or the OS could remember (form autofill, the
/// spelling dictionary): any input or textarea without autocomplete="off" and
/// spellcheck="false". Passphrase fields keep their own autocomplete hint.
pub fn fields_that_remember(app: &App) -> Vec<String> {
    let found = app.script(
        "return [...document.querySelectorAll('input, textarea')]
           .filter(e => e.getAttribute('spellcheck') !== 'false'
                     || (e.type !== 'password' && e.getAttribute('autocomplete') !== 'off'))
           .map(e => e.dataset.testid || e.name || e.type);",
        serde_json::json!([]),
    );
    serde_json::from_value(found).unwrap_or_default()
}

/// Unlocks with the passphrase `set_up` chose; on Today.
pub fn unlock(app: &App) {
    app.wait_for_screen("unlock");
    app.type_into("unlock-passphrase", PASSPHRASE);
    app.click("unlock-submit");
    app.wait_for_screen("today");
}

/// The screen shown, once it is drawn (none while one is on its way).
fn screen_shown(app: &App) -> Option<String> {
    let v = app.script(
        "if (document.querySelector('[aria-busy=\"true\"]')) return null;
         const s = document.querySelector('[data-testid=\"screen\"]'); return s && s.dataset.screen;",
        serde_json::json!([]),
    );
    v.as_str().map(str::to_owned)
}

/// 設定 → 引き継ぎを開く. A click on 設定 right after a salon closed was once lost under CI
/// (the cause not found); a click that opens nothing in 3 s is made again.
pub fn to_handover(app: &App) {
    let mut clicked: Option<std::time::Instant> = None;
    app.wait_until("screen settings", || {
        if screen_shown(app).as_deref() == Some("settings") {
            return Some(());
        }
        if clicked.is_none_or(|at| at.elapsed() > std::time::Duration::from_secs(3)) {
            app.click("nav-settings");
            clicked = Some(std::time::Instant::now());
        }
        None
    });
    app.click("settings-handover-open");
    app.wait_for_screen("handover");
}
