//! End-to-end: the teacher report shares what was written for teachers and never a private
//! note; a backup written from Settings restores into a new installation with everything in
//! it, and the backup file itself reveals nothing.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;
#[path = "support/x11.rs"]
mod x11;

use std::path::Path;

use driver::{app_pids, App};
use salon_day::{add_campus_of_today, open_salon, set_up, shots_dir, PASSPHRASE};

const SUMMARY: &str = "面接の練習を続けています。担任の先生にも様子を見ていただけると助かります。";

fn set_up_with_a_visit(app: &App, note: &str) {
    set_up(app);
    add_campus_of_today(app, None);
    open_salon(app);
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.set_value("visit-student", "new");
    app.type_into("visit-new-student-name", "はるか");
    app.set_value("visit-route", "teacher");
    app.click("visit-topic-application_prep");
    app.type_into("visit-note", note);
    app.type_into("visit-teacher-summary", SUMMARY);
    app.click("visit-concern");
    app.click("visit-save");
    app.wait_for_screen("today");
    app.wait_until("the visit", || (app.count("visit-row") == 1).then_some(()));
}

/// 印刷する opens the system's print dialog through the webview (the way that works on every
/// platform), and closing the dialog leaves the app as it was.
fn print_opens_the_system_dialog(app: &App, home: &Path) {
    let pid = app_pids(home)[0];
    let watcher = x11::Watcher::connect();
    let before = watcher.mapped(pid);
    assert_eq!(before.len(), 1, "only the app's window before printing");
    app.click("report-print");
    let dialog = app.wait_until("the print dialog", || {
        let now = watcher.mapped(pid);
        let new: Vec<_> = now.into_iter().filter(|w| !before.contains(w)).collect();
        (!new.is_empty()).then_some(new)
    });
    watcher.close(&dialog);
    app.wait_until("the print dialog closed", || {
        (watcher.mapped(pid) == before).then_some(())
    });
    assert!(app.text("teacher-report").contains(SUMMARY));
}

/// このアプリについて: the version, the data folder, and a licence for every crate built in.
fn about_says_version_folder_and_licences(app: &App, home: &Path) {
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.click("settings-about");
    app.wait_for_screen("about");
    assert_eq!(app.text("about-version"), env!("CARGO_PKG_VERSION"));
    assert_eq!(
        app.text("about-data-folder"),
        home.join("data").display().to_string()
    );
    let shipped: serde_json::Value =
        serde_json::from_str(include_str!("../../ui/licenses.json")).unwrap();
    let count = shipped["packages"].as_array().unwrap().len();
    assert!(count > 100, "{count} crates");
    let lead = app.wait_until("the licence list", || {
        Some(app.text("about-licence-count")).filter(|t| !t.is_empty())
    });
    assert!(lead.contains(&format!("{count} 個")), "{lead}");
    app.script(
        "document.querySelector('.about-licences details').open = true;",
        serde_json::json!([]),
    );
    app.screenshot("54-about");
}

fn file_holds(path: &Path, needle: &[u8]) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_report_for_teachers_and_a_backup_that_restores() {
    let shots = shots_dir();
    let first = tempfile::tempdir().unwrap();
    let backups = first.path().join("usb");
    let note = format!(
        "家で言い争いがあり眠れていない {}",
        support::canary("report-note")
    );

    let app = App::start(first.path(), &shots);
    set_up_with_a_visit(&app, &note);

    // The teacher report: the shared summary and the concern, never the private note.
    app.click("nav-reports");
    app.wait_for_screen("reports");
    app.click("report-show");
    app.find("teacher-report");
    let report = app.text("teacher-report");
    assert!(
        report.contains(SUMMARY),
        "the shared summary is in the report"
    );
    assert!(report.contains("はるか"));
    assert!(
        !report.contains("CANARY") && !report.contains("言い争い"),
        "a private note reached the report"
    );
    // One visit in the period: what it was about is not tallied for the school to read.
    assert!(!app.is_present("report-by-topic"));
    assert!(app.text("report-topics-withheld").contains("10件以上"));
    assert!(!report.contains("応募書類・面接準備"), "{report}");
    // Today's salon is still open: its time is not known yet, and the report says so.
    let time = app.text("report-figures");
    assert!(
        time.contains("サロン開催中（終了後に記録されます）") && !time.contains("0分"),
        "{time:?}"
    );
    app.screenshot("50-teacher-report");
    print_opens_the_system_dialog(&app, first.path());
    about_says_version_folder_and_licences(&app, first.path());

    // A backup to a chosen folder (a USB stick, say).
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.type_into("backup-folder", backups.to_str().unwrap());
    app.click("backup-folder-save");
    app.click("backup-now");
    app.wait_until("the backup", || {
        (!app.text("backup-result").trim().is_empty()).then_some(())
    });
    app.script(
        "document.querySelector('[data-testid=\"settings-backup\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("51-backup-written");
    app.quit();
    let file = std::fs::read_dir(&backups)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(
        !file_holds(&file, b"SQLite format 3"),
        "the backup must not be a plain database"
    );
    for secret in [note.as_str(), "はるか", SUMMARY, PASSPHRASE] {
        assert!(
            !file_holds(&file, secret.as_bytes()),
            "{secret} readable in the backup"
        );
    }

    // A new laptop: restore from the backup, and everything is there.
    let second = tempfile::tempdir().unwrap();
    let app = App::start(second.path(), &shots);
    app.wait_for_screen("setup");
    app.click("setup-restore");
    app.wait_for_screen("restore");
    app.type_into("restore-path", file.to_str().unwrap());
    app.type_into("restore-passphrase", "まちがったパスフレーズ");
    app.click("restore-submit");
    assert!(app.text("form-error").contains("パスフレーズが違います"));
    app.type_into("restore-passphrase", PASSPHRASE);
    app.screenshot("52-restore");
    app.click("restore-submit");
    app.wait_for_screen("today");
    app.wait_until("the restored visit", || {
        (app.count("visit-row") == 1).then_some(())
    });
    app.click("visit-row");
    app.wait_for_screen("visit");
    assert_eq!(app.value("visit-note"), note);
    app.screenshot("53-restored-visit");
    app.quit();
}

/// A student (or guardian) asks to see what is held, then to have it deleted: the disclosure
/// file holds the note, the teacher summary and the name; after the deletion the student is a
/// bare row and the teacher report shares nothing of theirs.
#[test]
fn a_student_asks_to_see_their_records_and_then_to_have_them_deleted() {
    let shots = shots_dir();
    let home = tempfile::tempdir().unwrap();
    let usb = home.path().join("usb");
    let note = format!("進学の不安を話した {}", support::canary("disclosed-note"));
    let app = App::start(home.path(), &shots);
    set_up_with_a_visit(&app, &note);
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.type_into("backup-folder", usb.to_str().unwrap());
    app.click("backup-folder-save");

    app.click("nav-students");
    app.wait_for_screen("students");
    app.click("student-row");
    app.wait_for_screen("student");
    app.click("student-disclose");
    let written = app.wait_until("the disclosure written", || {
        Some(app.text("disclosure-written")).filter(|t| !t.trim().is_empty())
    });
    app.script(
        "document.querySelector('[data-testid=\"student-requests\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    app.screenshot("55-student-disclosed");
    let file = std::fs::read_dir(&usb)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert!(written.contains(&file.display().to_string()), "{written}");
    let html = std::fs::read_to_string(&file).unwrap();
    for expected in [
        note.as_str(),
        SUMMARY,
        "はるか",
        "教員紹介",
        "応募書類・面接準備",
    ] {
        assert!(html.contains(expected), "{expected} in the disclosure");
    }

    app.click("student-erase");
    app.find("student-erase-box");
    assert!(app.text("student-erase-box").contains("はるかさん"));
    app.screenshot("56-student-erase-confirm");
    app.click("student-erase-confirm");
    app.wait_until("the bare row", || {
        app.text("screen")
            .contains("（記録整理済み）")
            .then_some(())
    });
    app.click("nav-reports");
    app.wait_for_screen("reports");
    app.click("report-show");
    app.find("teacher-report");
    let report = app.text("teacher-report");
    assert!(
        !report.contains(SUMMARY) && !report.contains("はるか"),
        "{report}"
    );
    app.quit();
}

/// Printing the teacher report (to a PDF, the dialog skipped through the webview's own print
/// path): the shared summary is in the printed file, and in no other file the app, WebKit or the
/// print system left in the home folder (its cache folders included), /tmp or the print spool.
#[test]
fn printing_leaves_what_is_printed_only_in_the_printed_file() {
    let shots = shots_dir();
    let home = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let printed = out.path().join("report.pdf");
    let canary = support::canary("printed-summary");
    let began = std::time::SystemTime::now();
    let app = App::start_with_env(
        home.path(),
        &shots,
        &[("CAREER_SALON_PRINT_TO", printed.as_path())],
    );
    set_up(&app);
    add_campus_of_today(&app, None);
    open_salon(&app);
    app.click("new-visit");
    app.wait_for_screen("visit");
    app.set_value("visit-route", "self");
    app.click("visit-topic-part_time");
    app.type_into("visit-teacher-summary", &format!("先生へ {canary}"));
    app.click("visit-save");
    app.wait_for_screen("today");
    app.click("nav-reports");
    app.wait_for_screen("reports");
    app.click("report-show");
    app.find("teacher-report");
    app.click("report-print");
    let text = app.wait_until("the printed file", || {
        let out = std::process::Command::new("pdftotext")
            .arg(&printed)
            .arg("-")
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.contains(&canary).then_some(text)
    });
    // pdftotext gives some kanji as their radical forms (月 as ⽉); the ASCII canary reads true.
    assert!(text.contains("校内キャリアサロン"), "{text}");
    app.quit();
    let places = [home.path(), Path::new("/tmp"), Path::new("/var/spool/cups")];
    let elsewhere: Vec<_> = places
        .iter()
        .flat_map(|dir| support::files_containing(dir, &canary))
        .filter(|file| !file.starts_with(out.path()))
        .collect();
    assert_eq!(
        elsewhere,
        Vec::<std::path::PathBuf>::new(),
        "left by printing"
    );
    // A printed copy keeps its text compressed, out of reach of that scan: no PDF or PostScript
    // file made since the test began may be anywhere but where it was asked for.
    let copies: Vec<_> = places
        .iter()
        .flat_map(|dir| support::files_under(dir))
        .filter(|file| !file.starts_with(out.path()))
        .filter(|file| {
            let made_since = std::fs::metadata(file)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= began);
            let mut head = [0u8; 4];
            let printed = std::fs::File::open(file)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                .is_ok_and(|()| &head == b"%PDF" || &head == b"%!PS");
            made_since && printed
        })
        .collect();
    assert_eq!(
        copies,
        Vec::<std::path::PathBuf>::new(),
        "printed copies left behind"
    );
}
