//! End-to-end: the real app window (tauri-driver + WebKitWebDriver, under Xvfb) through a
//! salon day, a restart, a wrong passphrase and a crash with a draft open.
//!
//! Run with `xvfb-run -a cargo test -p salon-tests --features e2e --test e2e` after building
//! the app (`cargo build -p salon-app`). Screenshots go to `tests/screenshots/`.
//!
//! Over 500 lines because one salon day runs in one window, step by step: each step starts where
//! the last one left the window.
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

use std::path::Path;

use driver::App;
use salon_day::{add_campus_of_today, open_salon, set_up, set_up_and, shots_dir, PASSPHRASE};
use salon_store::DB_FILE;

const NEW_PASSPHRASE: &str = "新しい合言葉は紅葉の季節";

fn assert_no_file_holds(home: &Path, secrets: &[&str]) {
    for secret in secrets {
        let found = support::files_containing(home, secret);
        assert!(found.is_empty(), "{secret} found in the clear in {found:?}");
    }
}

/// First run: setup with a short passphrase refused, then a Japanese one; the recovery key.
fn first_run_setup(app: &App) -> String {
    app.wait_for_screen("setup");
    app.screenshot("01-setup");
    app.type_into("setup-passphrase", "短すぎる");
    app.type_into("setup-confirm", "短すぎる");
    app.click("setup-submit");
    let error = app.text("form-error");
    assert!(error.contains("8文字"), "short passphrase message: {error}");
    app.screenshot("02-setup-too-short");
    let recovery_key = set_up_and(app, |key| {
        assert_eq!(key.trim().len(), 39, "eight groups of four: {key}");
        app.screenshot("03-recovery-key");
    });
    app.find("first-run");
    assert_eq!(
        app.count("first-run-campus"),
        1,
        "Today says what to do first"
    );
    app.screenshot("04-today-no-campus");
    recovery_key
}

fn open_salon_and_log_a_visit(app: &App, note: &str) {
    open_salon(app);
    app.screenshot("06-today-open");
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.set_value("visit-student", "new");
    app.type_into("visit-new-student-name", "はるか");
    app.set_value("visit-route", "teacher");
    app.type_into("visit-note", note);
    // Bad input: no topic chosen. A clear message, and nothing is lost from the form.
    app.click("visit-save");
    let error = app.text("form-error");
    assert_eq!(
        error, "「相談内容」を選んでください。",
        "missing topic message"
    );
    assert_eq!(app.text("field-error"), error, "said beside the topics too");
    assert_eq!(app.value("visit-note"), note);
    app.screenshot("07a-visit-missing-topic");
    app.click("visit-topic-job_search");
    assert!(
        !app.is_present("form-error") && !app.is_present("field-error"),
        "the message goes as soon as a topic is ticked"
    );
    app.click("visit-topic-application_prep");
    app.type_into("visit-next-steps", "履歴書の下書きを来週持ってくる");
    app.type_into(
        "visit-teacher-summary",
        "求人票の見方を一緒に確認しました。",
    );
    app.screenshot("07-visit-form");
    app.click("visit-save");
    app.wait_for_screen("today");
    app.wait_until("one visit", || (app.count("visit-row") == 1).then_some(()));
    assert!(app.text("visit-count").contains('1'));
    assert!(app.text("visit-list").contains("はるか"));
    app.screenshot("08-today-one-visit");
}

fn unlock(app: &App, passphrase: &str) {
    app.wait_for_screen("unlock");
    app.type_into("unlock-passphrase", passphrase);
    app.click("unlock-submit");
    app.wait_for_screen("today");
}

/// Unlocks with the recovery key and sets a new passphrase; the keys are made anew, so a new
/// recovery key is shown once. Returns it.
fn unlock_with_recovery_and_reset(app: &App, recovery_key: &str) -> String {
    app.wait_for_screen("unlock");
    app.click("unlock-use-recovery");
    // Typed the way people copy a key off paper: lower case, spaces for hyphens.
    app.type_into(
        "unlock-recovery-key",
        &recovery_key.to_lowercase().replace('-', " "),
    );
    app.screenshot("13-unlock-recovery-key");
    app.click("unlock-submit");
    app.wait_for_screen("reset");
    app.type_into("reset-next", NEW_PASSPHRASE);
    app.type_into("reset-confirm", "違う確認用の入力です");
    app.click("reset-submit");
    assert!(app.text("form-error").contains("一致しません"));
    app.screenshot("14-reset-passphrase-mismatch");
    app.type_into("reset-next", NEW_PASSPHRASE);
    app.type_into("reset-confirm", NEW_PASSPHRASE);
    app.click("reset-submit");
    app.wait_for_screen("recovery");
    assert!(app.text("recovery-lead").contains("鍵を作り直しました"));
    let renewed = app.text("recovery-key");
    assert_eq!(renewed.trim().len(), 39, "{renewed}");
    assert_ne!(renewed, recovery_key, "a new recovery key");
    app.screenshot("14b-recovery-key-renewed");
    app.click("recovery-confirm");
    app.click("recovery-next");
    app.wait_for_screen("today");
    renewed
}

/// 設定 → 鍵を作り直す, proven by the passphrase; the new recovery key is shown once.
fn renew_keys_in_settings(app: &App, passphrase: &str) -> String {
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.type_into("keys-passphrase", "ちがう合言葉です");
    app.click("keys-renew");
    assert!(app.text("form-error").contains("パスフレーズが違います"));
    app.type_into("keys-passphrase", passphrase);
    app.script(
        "document.querySelector('[data-testid=\"settings-keys\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("17-settings-renew-keys");
    app.click("keys-renew");
    app.wait_for_screen("recovery");
    assert!(app.text("recovery-lead").contains("鍵を作り直しました"));
    let renewed = app.text("recovery-key");
    app.click("recovery-confirm");
    app.click("recovery-next");
    app.wait_for_screen("today");
    renewed
}

fn look_at_students_and_settings(app: &App) {
    app.click("nav-students");
    app.wait_for_screen("students");
    app.wait_until("one student", || {
        (app.count("student-row") == 1).then_some(())
    });
    app.screenshot("12a-students");
    app.click("student-row");
    app.wait_for_screen("student");
    assert_eq!(app.count("student-visit-row"), 1);
    assert!(
        app.text("student-visits").contains("履歴書"),
        "next steps in the history"
    );
    app.screenshot("12b-student-history");
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.screenshot("12c-settings");
}

#[test]
fn a_salon_day_survives_restart_wrong_passphrase_crash_and_forgotten_passphrase() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let note = format!(
        "パン屋のアルバイトの面接が不安とのこと。{}",
        support::canary("note")
    );
    let draft = format!("書きかけのメモ {}", support::canary("draft"));

    // Day one: setup, campus, open the salon, log a visit, quit.
    let app = App::start(home, &shots);
    let recovery_key = first_run_setup(&app);
    add_campus_of_today(&app, None);
    open_salon_and_log_a_visit(&app, &note);
    app.quit();
    assert_no_file_holds(home, &[&note, &recovery_key, PASSPHRASE]);
    let db = std::fs::read(home.join("data").join(DB_FILE)).unwrap();
    assert!(
        !db.starts_with(b"SQLite format 3"),
        "the database must be encrypted"
    );

    // Start again: a wrong passphrase is refused, the right one shows the visit and its note.
    let app = App::start(home, &shots);
    app.wait_for_screen("unlock");
    app.screenshot("09-unlock");
    app.type_into("unlock-passphrase", "ちがう合言葉です");
    app.click("unlock-submit");
    let error = app.text("form-error");
    assert!(
        error.contains("パスフレーズが違います"),
        "wrong passphrase message: {error}"
    );
    app.screenshot("10-unlock-wrong");
    app.type_into("unlock-passphrase", PASSPHRASE);
    app.click("unlock-submit");
    app.wait_for_screen("today");
    app.wait_until("the visit", || (app.count("visit-row") == 1).then_some(()));
    app.click("visit-row");
    app.wait_for_screen("visit");
    assert_eq!(app.value("visit-note"), note);
    app.screenshot("11-visit-after-restart");

    look_at_students_and_settings(&app);

    // A new visit typed but never saved, then the app is killed.
    app.click("nav-today");
    app.wait_for_screen("today");
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.type_into("visit-note", &draft);
    app.wait_until("draft saved", || {
        (!app.text("draft-status").trim().is_empty()).then_some(())
    });
    app.screenshot("12d-visit-draft-saving");
    app.kill(home);

    // After the crash, unlocked with the recovery key (the passphrase forgotten): a new
    // passphrase is set, and the draft comes back where it was.
    let app = App::start(home, &shots);
    let renewed = unlock_with_recovery_and_reset(&app, &recovery_key);
    app.find("draft-notice");
    app.screenshot("15-today-draft-notice");
    app.click("draft-resume");
    app.wait_for_screen("visit");
    assert_eq!(app.value("visit-note"), draft);
    app.screenshot("16-draft-restored");

    // Locked: the new passphrase unlocks, the recovery key used for the reset no longer
    // does, and nothing typed is anywhere in the clear.
    app.click("lock-button");
    app.wait_for_screen("unlock");
    let secrets = [
        note.as_str(),
        &draft,
        &recovery_key,
        &renewed,
        PASSPHRASE,
        NEW_PASSPHRASE,
    ];
    assert_no_file_holds(home, &secrets);
    app.click("unlock-use-recovery");
    app.type_into("unlock-recovery-key", &recovery_key);
    app.click("unlock-submit");
    assert!(app.text("form-error").contains("リカバリーキーが違います"));
    app.click("unlock-use-recovery"); // the same link leads back to the passphrase
    app.type_into("unlock-passphrase", PASSPHRASE);
    app.click("unlock-submit");
    assert!(app.text("form-error").contains("パスフレーズが違います"));
    unlock(&app, NEW_PASSPHRASE);

    // The keys made anew from 設定: the records are still there, under a new key.
    let third = renew_keys_in_settings(&app, NEW_PASSPHRASE);
    assert_ne!(third, renewed);
    app.wait_until("the visit", || (app.count("visit-row") >= 1).then_some(()));
    app.quit();
    assert_no_file_holds(home, &[secrets.as_slice(), &[third.as_str()]].concat());
}

#[test]
fn the_day_reaches_headquarters_as_counts_only() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let (hq_url, hq, code) = hq::start_hq(home);
    let note = format!("進路の話 {}", support::canary("sync-note"));

    let app = App::start(home, &shots);
    set_up(&app);
    // Enrol with the address and the one-time code, typed as a person would (lower case).
    hq::enrol_in_settings(&app, &hq_url, &code);
    app.script(
        "document.querySelector('[data-testid=\"settings-hq\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("20-settings-enrolled");
    add_campus_of_today(&app, Some("C-012"));
    // Neither the app nor WebKit's processes (which hold what is typed) may leave a core file.
    let limits = driver::core_limits(home);
    assert!(
        limits.iter().any(|(_, name, _)| name.starts_with("WebKit")),
        "WebKit's processes are found: {limits:?}"
    );
    assert!(
        limits
            .iter()
            .all(|(_, _, core)| core == "Max core file size 0 0 bytes"),
        "{limits:?}"
    );

    // One visit while the salon is open: the preview says that today goes when the salon
    // closes, and a send now carries nothing of today (when students came never leaves).
    open_salon(&app);
    salon_day::log_anonymous_visit(&app, &note);
    app.click("nav-sync");
    app.wait_for_screen("sync");
    app.find("sync-preview");
    app.find("sync-nothing");
    assert_eq!(app.count("sync-day"), 0);
    assert!(app
        .text("sync-today-explained")
        .contains("サロンを開いている間は送らず"));
    app.screenshot("21-sync-preview");
    app.click("sync-send");
    app.wait_until("the answer", || {
        let shown = app.script(
            "const r = document.querySelector('[data-testid=\"sync-result\"]'); return !!r && !r.hidden && r.textContent.length > 0;",
            serde_json::json!([]),
        );
        shown.as_bool().unwrap_or(false).then_some(())
    });
    assert_eq!(
        hq::visits_today(&hq),
        0,
        "nothing of today while the salon is open"
    );

    // A second visit, then closing the salon sends the day by itself, once.
    salon_day::log_anonymous_visit(&app, &note);
    app.click("salon-close");
    app.click("salon-close-confirm");
    app.wait_until("the automatic send", || {
        (hq::visits_today(&hq) == 2).then_some(())
    });
    app.click("nav-sync");
    app.wait_for_screen("sync");
    app.wait_until("the send in the log", || {
        (app.count("sync-log-row") == 1).then_some(())
    });
    app.screenshot("22-sync-sent");
    app.find("sync-nothing");
    app.screenshot("23-sync-log");
    app.quit();
    assert_no_file_holds(home, &[&note]);
}

/// Presses × as a window manager would. Without a window manager (Xvfb) the message was now
/// and then not delivered (the app never saw a close request: not even its own 3 s fallback
/// ran), so it is pressed again while the app is still there after 5 s.
fn press_close_button_until_quit(home: &Path) {
    for _ in 0..3 {
        let pressed: usize = driver::app_pids(home)
            .into_iter()
            .map(x11::press_close_button)
            .sum();
        assert!(pressed > 0, "no window of the app was found");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if driver::app_pids(home).is_empty() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
}

/// Closing the window right after typing, before the draft's own pause: the app first asks the
/// UI to save the draft, then quits; the draft comes back whole.
#[test]
fn closing_the_window_right_after_typing_keeps_the_draft() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let draft = format!("最後の一文字まで残る {}", support::canary("close"));

    let app = App::start(home, &shots);
    set_up(&app);
    add_campus_of_today(&app, None);
    open_salon(&app);
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.type_into("visit-note", &draft);
    press_close_button_until_quit(home);
    app.wait_until_quit(home);

    let app = App::start(home, &shots);
    unlock(&app, PASSPHRASE);
    app.click("draft-resume");
    app.wait_for_screen("visit");
    assert_eq!(app.value("visit-note"), draft);
    app.quit();
    assert_no_file_holds(home, &[&draft]);
}

/// A month that ended long ago, typed in before the laptop was enrolled: its two releases under
/// noise wait in the preview beside the plain-Japanese explanation, with the numbers exactly as
/// they go, and headquarters receives exactly those numbers.
#[test]
fn a_past_months_breakdowns_are_previewed_with_their_noise_and_sent_as_shown() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let (hq_url, hq, code) = hq::start_hq(home);
    let day = salon_day::tokyo_today() - chrono::Days::new(120);
    let month = salon_protocol::Month::of(day);
    past_salon(home, day, |store, session, _| {
        for route in ["outreach", "outreach", "self"] {
            let visit = salon_core::VisitInput {
                id: None,
                session_id: session,
                student_id: None,
                new_student: None,
                route: route.into(),
                topics: vec!["family".into()],
                minutes: 30,
                note: "家のことで相談".into(),
                next_steps: String::new(),
                follow_up_on: None,
                concern: false,
                teacher_summary: String::new(),
            };
            store.save_visit(&visit, None).unwrap();
        }
    });

    let app = App::start(home, &shots);
    unlock(&app, PASSPHRASE);
    hq::enrol_in_settings(&app, &hq_url, &code);
    app.click("nav-sync");
    app.wait_for_screen("sync");
    // Opening the screen draws nothing: both releases are named, to be made at the send.
    // (From 7 April to the end of July the month is in a 年度 that has ended, whose path
    // releases are named too: only the month's are counted.)
    app.wait_until("both releases named in the preview", || {
        let months = app.script(
            "return document.querySelectorAll('[data-testid=\"sync-to-draw\"][data-kind=\"month\"]').length;",
            serde_json::json!([]),
        );
        (months == serde_json::json!(2)).then_some(())
    });
    assert_eq!(app.count("sync-release"), 0, "no numbers before the send");
    assert!(app.text("sync-noise-explained").contains("ノイズ"));
    assert!(app.text("sync-exact-explained").contains("実際の数のまま"));
    let preview = app.text("sync-preview");
    assert!(
        preview.contains("1回目の公表") && preview.contains("2回目の公表"),
        "{preview}"
    );
    assert!(preview.contains("開いただけでは作りません"), "{preview}");
    app.script(
        "document.querySelector('[data-testid=\"sync-to-draw-lead\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("24-sync-to-draw");

    app.click("sync-send");
    app.wait_until("both releases at headquarters", || {
        (hq.all_releases(month, month).unwrap().len() == 2).then_some(())
    });
    // Once sent, the screen shows the numbers headquarters holds, below zero and all.
    app.wait_until("both releases shown as sent", || {
        (app.count("sync-sent-release") == 2).then_some(())
    });
    assert!(app.text("sync-sent-lead").contains("マイナスになったり"));
    let shown = app.script(
        "const r = document.querySelector('[data-testid=\"sync-sent-release\"][data-release=\"first\"]');
         return [...r.querySelector('table').tBodies[0].rows].map(row => Number(row.cells[1].innerText));",
        serde_json::json!([]),
    );
    let shown: Vec<i64> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.len(), 5);
    app.script(
        "document.querySelector('[data-testid=\"sync-sent-lead\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("24-sync-releases");
    let held = hq.all_releases(month, month).unwrap();
    let first: Vec<i64> = held[0].breakdown.by_route.iter().map(|c| c.count).collect();
    assert_eq!(first, shown, "the screen shows what headquarters holds");
    assert_eq!(held[0].visits, 3);
    app.quit();
    assert_no_file_holds(home, &["家のことで相談"]);
}

/// A salon in the last 年度, whose student has since decided: under headquarters' path
/// calendar the 年度's two path releases wait in the preview, all the laptop's campuses
/// together, no month carries a path cell, and headquarters receives exactly what was shown.
#[test]
fn a_past_years_path_decisions_are_previewed_per_period_and_sent_as_shown() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let shots = shots_dir();
    let (hq_url, hq, code) = hq::start_hq(home);
    // 420 days back: its 年度's second path release (19 May after it) is always due, which 400
    // was not in early May.
    let day = salon_day::tokyo_today() - chrono::Days::new(420);
    let year = salon_protocol::PathPeriod::fiscal_year_of(day);
    past_salon(home, day, |store, session, campus| {
        let visit = salon_core::VisitInput {
            id: None,
            session_id: session,
            student_id: None,
            new_student: Some(salon_core::NewStudent {
                display_name: "進路 さくら".into(),
                grade: Some(3),
            }),
            route: "outreach".into(),
            topics: vec!["further_study".into()],
            minutes: 30,
            note: "進学先を相談".into(),
            next_steps: String::new(),
            follow_up_on: None,
            concern: false,
            teacher_summary: String::new(),
        };
        let student = store.save_visit(&visit, None).unwrap().student_id.unwrap();
        let s = store.student(student).unwrap();
        store
            .save_student(&salon_core::StudentInput {
                id: Some(student),
                display_name: s.display_name,
                grade: s.grade.map(i64::from),
                campus_id: campus,
                enrolment: s.enrolment.code().into(),
                path_status: "further_study".into(),
                path_decided_on: Some(day.format("%Y-%m-%d").to_string()),
            })
            .unwrap();
    });

    let app = App::start(home, &shots);
    unlock(&app, PASSPHRASE);
    hq::enrol_in_settings(&app, &hq_url, &code);
    app.click("nav-sync");
    app.wait_for_screen("sync");
    app.wait_until("both path releases named in the preview", || {
        (app.count("sync-to-draw") >= 2).then_some(())
    });
    assert_eq!(
        app.count("sync-path-release"),
        0,
        "no numbers before the send"
    );
    assert!(app.text("sync-paths-explained").contains("年度ごと"));
    let preview = app.text("sync-preview");
    let fiscal_year = format!(
        "{}年度 担当キャンパス全体",
        year.from.first_day().format("%Y")
    );
    assert!(preview.contains(&fiscal_year), "{preview}");
    // The period carries the students met and 家庭のこと・心身の不調 too, and
    // the preview says so in words.
    assert!(app
        .text("sync-sensitive-explained")
        .contains("月ごとには送りません"));
    // Months carry no path table under the calendar: each month block has format only.
    let month_tables = app.script(
        "return [...document.querySelectorAll('[data-testid=\"sync-month\"] caption')].map(c => c.innerText);",
        serde_json::json!([]),
    );
    let month_tables: Vec<String> = serde_json::from_value(month_tables).unwrap();
    assert!(!month_tables.is_empty());
    assert!(
        month_tables.iter().all(|c| !c.contains("進路")),
        "{month_tables:?}"
    );

    app.click("sync-send");
    app.wait_until("both path releases at headquarters", || {
        let held = hq.latest_path_releases(year).unwrap();
        (held.len() == 1 && held[0].release.release == salon_protocol::Release::Second)
            .then_some(())
    });
    let second = format!(
        "[data-testid=\"sync-sent-path-release\"][data-release=\"second\"][data-from=\"{}\"]",
        year.from
    );
    app.wait_until("the year's releases shown as sent", || {
        let n = app.script(
            "return document.querySelectorAll(arguments[0]).length;",
            serde_json::json!([second]),
        );
        (n.as_u64() == Some(1)).then_some(())
    });
    let shown = app.script(
        "const r = document.querySelector(arguments[0]);
         return [...r.querySelector('table').tBodies[0].rows].map(row => Number(row.cells[1].innerText));",
        serde_json::json!([second]),
    );
    let shown: Vec<i64> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown.len(), 3);
    let sensitive = app.script(
        "const r = document.querySelector(arguments[0]);
         return [...r.querySelector('[data-testid=\"sync-sensitive\"]').tBodies[0].rows].map(row => Number(row.cells[1].innerText));",
        serde_json::json!([second]),
    );
    let sensitive: Vec<i64> = serde_json::from_value(sensitive).unwrap();
    app.script(
        "document.querySelector(arguments[0]).scrollIntoView();",
        serde_json::json!([second]),
    );
    app.screenshot("25-sync-path-releases");
    let held = hq.latest_path_releases(year).unwrap();
    let sent: Vec<i64> = held[0].release.by_path.iter().map(|c| c.count).collect();
    assert_eq!(sent, shown, "the screen shows what headquarters holds");
    let s = held[0]
        .release
        .sensitive
        .as_ref()
        .expect("the sensitive topics");
    let sent: Vec<i64> = std::iter::once(s.met)
        .chain(s.by_topic.iter().map(|c| c.count))
        .collect();
    assert_eq!(sent, sensitive, "and the sensitive topics as shown");
    app.quit();
    assert_no_file_holds(home, &["進学先を相談", "進路 さくら"]);
}

/// A new encrypted store in `home` with 柏 (HQ code C-012) and a salon there on `day`, 10:00
/// to 13:00, whose visits `visits` logs (given the store, the salon and the campus).
fn past_salon(
    home: &Path,
    day: chrono::NaiveDate,
    visits: impl FnOnce(&mut salon_store::Store, i64, i64),
) {
    let (mut store, _) = salon_store::Vault::new(home.join("data"))
        .create(PASSPHRASE, PASSPHRASE)
        .unwrap();
    let campus = store
        .save_campus(&salon_core::CampusInput {
            id: None,
            name: "柏キャンパス".into(),
            weekday: 1,
            start_time: "10:00".into(),
            end_time: "13:00".into(),
            place: "相談室".into(),
            default_format: "in_person".into(),
            hq_code: Some("C-012".into()),
        })
        .unwrap()
        .id;
    let at = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let open = salon_core::SessionOpen {
        campus_id: campus,
        format: "in_person".into(),
        place: String::new(),
    };
    let session = store.open_session(&open, day, at(10)).unwrap();
    visits(&mut store, session.id, campus);
    store.close_session(session.id, at(13)).unwrap();
}
