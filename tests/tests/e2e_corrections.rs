//! End-to-end, corrections in the real app window against a real headquarters: a visit logged
//! by mistake is deleted, two nicknames of one student merged, a salon recorded under the
//! wrong day removed after its visits moved to the right one, an empty salon opened by mistake
//! removed; after a sync headquarters' figures are the truth again.
//!
//! Run with `cargo build -p salon-app && xvfb-run -a cargo test -p salon-tests --features e2e
//! --test e2e_corrections`. Screenshots go to `tests/screenshots/50-corrections-*.png`.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/hq.rs"]
mod hq;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;

use driver::App;
use salon_day::{
    add_campus_of_today, log_anonymous_visit, open_salon, set_up, shots_dir, tokyo_today,
};

/// A visit of a new student, named as typed; back on Today.
fn log_new_student(app: &App, name: &str, note: &str) {
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.set_value("visit-student", "new");
    app.type_into("visit-new-student-name", name);
    app.set_value("visit-route", "teacher");
    app.click("visit-topic-job_search");
    app.type_into("visit-note", note);
    app.click("visit-save");
    app.wait_for_screen("today");
}

/// Opens a student's page from the students list by name.
fn open_student(app: &App, name: &str) {
    app.click("nav-students");
    app.wait_for_screen("students");
    let clicked = app.script(
        "const row = [...document.querySelectorAll('[data-testid=\"student-row\"]')].find((r) => r.textContent.includes(arguments[0]));
         if (!row) return false; row.click(); return true;",
        serde_json::json!([name]),
    );
    assert_eq!(clicked.as_bool(), Some(true), "no row for {name}");
    app.wait_for_screen("student");
}

/// Picks the option of a <select> whose text contains `text`.
fn pick(app: &App, testid: &str, text: &str) {
    let picked = app.script(
        "const s = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
         const o = [...s.options].find((o) => o.textContent.includes(arguments[1]));
         if (!o) return false; s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
        serde_json::json!([testid, text]),
    );
    assert_eq!(picked.as_bool(), Some(true), "no option {text} in {testid}");
}

#[test]
fn corrections_in_the_window_bring_headquarters_back_to_the_truth() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let today = tokyo_today();
    let yesterday = today.pred_opt().unwrap();
    let (hq_url, hq, code) = hq::start_hq(home);

    let app = App::start(home, &shots);
    set_up(&app);
    hq::enrol_in_settings(&app, &hq_url, &code);
    add_campus_of_today(&app, Some("C-012"));

    // The salon of the day as it was typed: one student under two nicknames, and a visit
    // logged twice by mistake.
    open_salon(&app);
    log_new_student(&app, "みさき", "面接の練習をした");
    log_new_student(&app, "ミサキ", "履歴書の書き方");
    log_anonymous_visit(&app, "間違えて二度記録した来談");
    app.click("salon-close");
    app.click("salon-close-confirm");
    app.wait_until("the automatic send", || {
        (hq::day(&hq, today).visits == 3).then_some(())
    });
    assert_eq!(hq::day(&hq, today).distinct_students, 2);

    // 1. Delete the visit logged by mistake, from its own form.
    let rows = app.count("visit-row");
    assert_eq!(rows, 3);
    app.script(
        "document.querySelectorAll('[data-testid=\"visit-row\"]')[2].click();",
        serde_json::json!([]),
    );
    app.wait_for_screen("visit");
    app.click("visit-delete");
    app.find("visit-delete-box");
    assert!(app.text("visit-delete-box").contains("元に戻せません"));
    app.script(
        "document.querySelector('[data-testid=\"visit-delete-box\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("50-corrections-visit-delete-confirm");
    app.click("visit-delete-confirm");
    app.wait_for_screen("salon");
    app.wait_until("two visits left", || {
        (app.count("visit-row") == 2).then_some(())
    });
    app.screenshot("51-corrections-salon-after-delete");

    // 2. Merge ミサキ into みさき.
    open_student(&app, "みさき");
    pick(&app, "merge-student", "ミサキ");
    app.click("merge-students");
    app.find("merge-students-box");
    let text = app.text("merge-students-box");
    assert!(
        text.contains("「ミサキ」を「みさき」に統合します"),
        "{text}"
    );
    // Each confirmation says what is final about it: a merge deletes no note.
    let last = app.text("merge-students-final");
    assert!(
        last.contains("分け直すことはできません") && !last.contains("メモ"),
        "{last}"
    );
    app.script(
        "document.querySelector('[data-testid=\"merge-students-box\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("52-corrections-merge-confirm");
    app.click("merge-students-confirm");
    app.wait_until("both visits on one student", || {
        (app.count("student-visit-row") == 2).then_some(())
    });
    app.screenshot("53-corrections-merged-student");

    // 3. The salon belonged to yesterday: its visits move there and today's salon goes.
    app.click("nav-today");
    app.wait_for_screen("today");
    app.click("salon-details");
    app.wait_for_screen("salon");
    app.set_value(
        "salon-remove-move-date",
        &yesterday.format("%Y-%m-%d").to_string(),
    );
    app.click("salon-remove-move");
    app.find("salon-remove-move-box");
    assert!(app.text("salon-remove-move-box").contains("2件"));
    app.script(
        "document.querySelector('[data-testid=\"salon-remove-move-box\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("54-corrections-remove-salon-moving-visits");
    app.click("salon-remove-move-confirm");
    app.wait_for_screen("salons");
    app.wait_until("one salon, yesterday's", || {
        (app.count("salon-row") == 1).then_some(())
    });
    let row_date = app.script(
        "return document.querySelector('[data-testid=\"salon-row\"]').dataset.date;",
        serde_json::json!([]),
    );
    assert_eq!(
        row_date.as_str(),
        Some(yesterday.format("%Y-%m-%d").to_string().as_str())
    );
    app.screenshot("55-corrections-salons-list");

    // 4. A salon opened today by mistake, with nothing in it, is removed at once.
    open_salon(&app);
    app.click("salon-details");
    app.wait_for_screen("salon");
    app.click("salon-remove-empty");
    app.find("salon-remove-empty-box");
    assert_eq!(
        app.text("salon-remove-empty-final"),
        "この操作は元に戻せません。",
        "an empty salon has no note to lose"
    );
    app.screenshot("56-corrections-remove-empty-salon");
    app.click("salon-remove-empty-confirm");
    app.wait_for_screen("salons");
    app.wait_until("still one salon", || {
        (app.count("salon-row") == 1).then_some(())
    });

    // 5. Sent: yesterday holds the salon and its visits; today, which went once when its salon
    // closed, stays as it went until the day has ended (a change to today going at once would
    // tell headquarters when it was made), and goes then as a correction.
    app.click("nav-sync");
    app.wait_for_screen("sync");
    app.click("sync-send");
    app.wait_until("yesterday's salon", || {
        (hq::day(&hq, yesterday).sessions == 1).then_some(())
    });
    app.screenshot("57-corrections-synced");
    let y = hq::day(&hq, yesterday);
    assert_eq!((y.sessions, y.visits, y.distinct_students), (1, 2, 1));
    assert_eq!(y.session_minutes, 180, "at the campus's usual 10:00–13:00");
    let t = hq::day(&hq, today);
    assert_eq!(
        (t.sessions, t.visits),
        (1, 3),
        "today as it went at closing"
    );
    app.quit();
}
