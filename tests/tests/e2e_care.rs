//! End-to-end, the supporter's follow-through in the real app window: a student books, misses
//! twice and lands on the 声かけリスト, then comes and leaves it; a final-year 未定 student is
//! on the 進路未定リスト until 進学決定; an event is recorded; Today lists ten of the follow-ups
//! due and opens the rest.
//!
//! Run with `cargo build -p salon-app && xvfb-run -a cargo test -p salon-tests --features e2e
//! --test e2e_care`. Screenshots go to `tests/screenshots/40-care-*.png`.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;

use driver::App;
use salon_day::{add_campus_of_today, set_up, shots_dir, tokyo_today};

const NAME: &str = "みなと";

/// A third-year student (final year under the app's rule), path 未定; ends on their page.
fn add_final_year_student(app: &App) {
    app.click("nav-students");
    app.wait_for_screen("students");
    app.click("student-new");
    app.type_into("student-name", NAME);
    app.set_value("student-grade", "3");
    app.click("student-save");
    // Saved: the student's own page opens.
    app.wait_for_screen("student");
}

#[test]
fn no_shows_reach_the_outreach_list_and_an_undecided_final_year_student_the_risk_list() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let today = tokyo_today().format("%Y-%m-%d").to_string();

    let app = App::start(home, &shots);
    set_up(&app);
    add_campus_of_today(&app, None);
    add_final_year_student(&app);

    // Three appointments for today, booked from the student's page.
    for (i, time) in ["10:15", "11:00", "12:30"].iter().enumerate() {
        app.set_value("student-book-date", &today);
        app.set_value("student-book-time", time);
        app.click("student-book");
        app.wait_until("booked", || {
            (app.count("student-appointment-row") == i + 1).then_some(())
        });
        app.wait_for_screen("student");
    }
    assert_eq!(app.count("path-change-row"), 1, "未定 since registration");
    app.screenshot("40-care-student-booked");

    // Today lists them; two are missed (欠席).
    app.click("nav-today");
    app.wait_for_screen("today");
    app.wait_until("three appointments", || {
        (app.count("appointment-row") == 3).then_some(())
    });
    app.screenshot("40-care-today-appointments");
    for left in [2, 1] {
        app.click("appointment-missed");
        app.wait_until("marked missed", || {
            (app.count("appointment-missed") == left).then_some(())
        });
    }
    app.screenshot("40-care-today-two-missed");

    // Two no-shows in a row: on the 声かけリスト, never contacted.
    app.click("nav-care");
    app.wait_for_screen("care");
    app.wait_until("outreach row", || {
        (app.count("outreach-row") == 1).then_some(())
    });
    let row = app.text("outreach-row");
    assert!(
        row.contains(NAME) && row.contains('2'),
        "outreach row: {row}"
    );
    app.screenshot("40-care-outreach");

    // A final-year student still 未定: on the risk list, also with the campus filter.
    app.click("care-tab-risk");
    app.wait_until("risk row", || (app.count("risk-row") == 1).then_some(()));
    assert!(app.text("risk-row").contains(NAME));
    app.set_value("risk-campus", "1");
    app.wait_until("filtered risk row", || {
        let filtered = app
            .script(
                "return document.querySelector('[data-testid=risk-campus]').value;",
                serde_json::json!([]),
            )
            .as_str()
            == Some("1");
        (filtered && app.count("risk-row") == 1).then_some(())
    });
    app.screenshot("40-care-risk");

    // The third appointment is kept: the salon opens, 来談 opens the visit form for the student.
    app.click("nav-today");
    app.wait_for_screen("today");
    app.click("salon-open");
    app.find("salon-close");
    app.click("appointment-kept");
    app.wait_for_screen("visit");
    app.find("visit-from-appointment");
    assert_eq!(app.value("visit-route"), "appointment");
    app.click("visit-topic-further_study");
    app.set_value("visit-next-appointment", &today);
    app.screenshot("40-care-visit-from-appointment");
    app.click("visit-save");
    app.wait_for_screen("today");
    app.wait_until("kept, and the next one booked", || {
        let kept = app.script(
            "return [...document.querySelectorAll('[data-testid=appointment-row]')].map(r => r.dataset.status).join(',');",
            serde_json::json!([]),
        );
        (kept.as_str() == Some("missed,missed,kept,booked")).then_some(())
    });
    app.screenshot("40-care-today-kept");

    // The student came: off the 声かけリスト.
    app.click("nav-care");
    app.wait_for_screen("care");
    app.find("outreach-empty");

    // 進学決定 on the student's page: the history grows and the risk list empties.
    app.click("care-tab-risk");
    app.click("risk-row");
    app.wait_for_screen("student");
    app.click("student-edit");
    app.set_value("student-path", "further_study");
    app.set_value("student-path-date", &today);
    app.click("student-save");
    app.wait_until("path history", || {
        (app.count("path-change-row") == 2).then_some(())
    });
    app.screenshot("40-care-path-history");
    app.click("nav-care");
    app.wait_for_screen("care");
    app.click("care-tab-risk");
    app.find("risk-empty");
    app.screenshot("40-care-risk-empty");

    // An event at the campus, with its participants.
    app.click("nav-events");
    app.wait_for_screen("events");
    app.set_value("event-kind", "parent_seminar");
    // Typed as a supporter types a date; shown back in the app's one form, whatever the
    // laptop's language.
    app.type_into(
        "event-date",
        &tokyo_today().format("%Y/%-m/%-d").to_string(),
    );
    app.set_value("event-campus", "1");
    app.type_into("event-students", "3");
    assert_eq!(
        app.value("event-date"),
        tokyo_today().format("%Y年%-m月%-d日").to_string()
    );
    app.type_into("event-parents", "12");
    app.type_into("event-teachers", "2");
    app.type_into("event-supporters", "1");
    app.click("event-save");
    app.wait_until("event row", || (app.count("event-row") == 1).then_some(()));
    let row = app.text("event-row");
    assert!(
        row.contains("保護者向けセミナー") && row.contains("18"),
        "event row: {row}"
    );
    app.type_into("event-parents", "-1");
    app.click("event-save");
    let error = app.text("form-error");
    assert!(
        error.starts_with("「保護者」は0〜") && error.ends_with("の範囲で入力してください。"),
        "the field and its range are named: {error}"
    );
    assert_eq!(app.count("event-row"), 1);
    app.screenshot("40-care-events");
    app.quit();
}

/// Today lists the first ten follow-ups due, says how many more wait, and opens the rest.
#[test]
fn today_lists_ten_follow_ups_and_opens_the_rest() {
    use chrono::{NaiveDate, NaiveTime};
    use salon_core::{CampusInput, SessionOpen, VisitInput};

    let home = tempfile::tempdir().unwrap();
    let (mut store, _) = salon_store::Vault::new(home.path().join("data"))
        .create(salon_day::PASSPHRASE, salon_day::PASSPHRASE)
        .unwrap();
    let campus = store
        .save_campus(&CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 2,
            start_time: "13:00".into(),
            end_time: "16:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: None,
        })
        .unwrap();
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let day = NaiveDate::from_ymd_opt(2025, 6, 3).unwrap();
    let session = store
        .open_session(&open, day, NaiveTime::from_hms_opt(13, 0, 0).unwrap())
        .unwrap();
    for i in 0..12 {
        store
            .save_visit(
                &VisitInput {
                    id: None,
                    session_id: session.id,
                    student_id: None,
                    new_student: None,
                    route: "teacher".into(),
                    topics: vec!["job_search".into()],
                    minutes: 20,
                    note: format!("{i}回目の相談"),
                    next_steps: format!("求人票を{i}件見る"),
                    follow_up_on: Some(format!("2025-06-{:02}", 10 + i)),
                    concern: false,
                    teacher_summary: String::new(),
                },
                None,
            )
            .unwrap();
    }
    store
        .close_session(session.id, NaiveTime::from_hms_opt(16, 0, 0).unwrap())
        .unwrap();
    store.close().unwrap();

    let app = App::start(home.path(), &shots_dir());
    app.wait_for_screen("unlock");
    app.type_into("unlock-passphrase", salon_day::PASSPHRASE);
    app.click("unlock-submit");
    app.wait_for_screen("today");
    app.find("today-follow-ups");
    assert!(
        app.text("today-follow-ups").contains("12件"),
        "{}",
        app.text("today-follow-ups")
    );
    assert_eq!(app.count("follow-up-row"), 10);
    assert!(app.text("today-follow-ups-more").contains("ほか 2件"));
    // Scrolled to the link, until it is in view (Today may still be drawing).
    app.wait_until("the link to the rest in view", || {
        let top = app.script(
            "const el = document.querySelector('[data-testid=\"today-follow-ups-more\"]');
             el.scrollIntoView({block: 'center'});
             return el.getBoundingClientRect().bottom <= window.innerHeight;",
            serde_json::json!([]),
        );
        (top == serde_json::Value::Bool(true)).then_some(())
    });
    app.screenshot("41-care-today-follow-ups");
    app.click("today-follow-ups-more");
    app.wait_for_screen("care");
    app.find("follow-up-list");
    assert_eq!(app.count("follow-up-row"), 12);
    app.quit();
}
