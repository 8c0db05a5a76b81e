//! The app updating itself, as on a supporter's laptop: the .deb installed, run by a user who
//! is not an administrator (a polkit rule lets them install, as an NPO's laptops would be set
//! up), enrolled with a real headquarters over HTTPS under the test's authority, which offers
//! the next version signed with the test's updater key. A hostile headquarters tries four
//! bundles the app must refuse (altered after signing, signed by another key, an older signed
//! version offered as the new one, and one signed before signatures named their version); the app refuses to update while a salon is open; then it
//! installs the real one, restarts into it, and the passphrase opens every record.
//!
//! `scripts/app-update-check.sh` builds both versions, signs them, starts headquarters, sets up
//! the user, dbus and polkit, and runs this with the names below.
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

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use driver::App;
use salon_day::{add_campus_of_today, open_salon, set_up, shots_dir, PASSPHRASE};

fn var(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} must be set (scripts/app-update-check.sh)"))
}

/// What the script prepared.
struct Release {
    hq_url: String,
    hq_db: PathBuf,
    code: String,
    files: PathBuf,
    old: String,
    new: String,
    user: (u32, u32),
}

impl Release {
    fn from_env() -> Release {
        let id = |flag: &str| -> u32 {
            let out = Command::new("id")
                .args([flag, &var("SALON_UPDATE_USER")])
                .output()
                .unwrap();
            String::from_utf8(out.stdout)
                .unwrap()
                .trim()
                .parse()
                .unwrap()
        };
        Release {
            hq_url: var("SALON_UPDATE_HQ"),
            hq_db: var("SALON_UPDATE_HQ_DB").into(),
            code: var("SALON_UPDATE_CODE"),
            files: var("SALON_UPDATE_FILES").into(),
            old: env!("CARGO_PKG_VERSION").to_owned(),
            new: var("SALON_UPDATE_VERSION"),
            user: (id("-u"), id("-g")),
        }
    }

    fn file(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.files.join(name)).unwrap()
    }

    /// What a hostile headquarters does to the update it offers: its own database, changed.
    fn offer(&self, bundle: &[u8], signature: &[u8]) {
        let db = rusqlite::Connection::open(&self.hq_db).unwrap();
        db.busy_timeout(Duration::from_secs(10)).unwrap();
        let changed = db
            .execute(
                "UPDATE app_updates SET bundle = ?1, signature = ?2 WHERE version = ?3",
                rusqlite::params![
                    bundle,
                    String::from_utf8(signature.to_vec()).unwrap().trim(),
                    self.new
                ],
            )
            .unwrap();
        assert_eq!(changed, 1, "headquarters offers {}", self.new);
    }
}

/// The version dpkg has installed.
fn installed_version() -> String {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "career-salon"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The Japanese message the app shows for `code` (ui/i18n/ja.json).
fn message(code: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/i18n/ja.json");
    let catalogue: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    catalogue["errors"][code].as_str().unwrap().to_owned()
}

/// 送信 on the sync screen: the sync, then the update check it is followed by.
fn send_now(app: &App) {
    app.click("nav-sync");
    app.wait_for_screen("sync");
    app.click("sync-send");
    app.wait_until("the send's answer", || {
        let shown = app.script(
            "const r = document.querySelector('[data-testid=\"sync-result\"]');
             return !!r && !r.hidden && r.textContent.length > 0;",
            serde_json::json!([]),
        );
        shown.as_bool().unwrap_or(false).then_some(())
    });
}

/// From the offer under the navigation to 今すぐ更新, and what the app then says.
fn try_to_install(app: &App, release: &Release) -> String {
    app.find("update-notice");
    app.click("update-open");
    app.wait_for_screen("about");
    assert_eq!(
        app.text("update-versions"),
        format!("いまの版 {} → 新しい版 {}", release.old, release.new)
    );
    app.click("update-install");
    app.wait_until("the update's outcome", || {
        let said = app.script(
            "const s = document.querySelector('[data-testid=\"update-status\"]');
             return s && s.classList.contains('form-error') ? s.textContent : null;",
            serde_json::json!([]),
        );
        said.as_str().map(str::to_owned)
    })
}

/// After a refusal: the same version runs, installed and on screen, and the store is open.
fn still_the_old_version(app: &App, release: &Release) {
    assert_eq!(installed_version(), release.old);
    assert_eq!(app.text("about-version"), release.old);
    app.click("nav-today");
    app.wait_for_screen("today");
}

#[test]
fn the_installed_app_refuses_what_the_npo_did_not_sign_and_updates_to_what_it_did() {
    let release = Release::from_env();
    let shots = shots_dir();
    let home = tempfile::tempdir().unwrap();
    std::os::unix::fs::chown(home.path(), Some(release.user.0), Some(release.user.1)).unwrap();
    let note = format!("進路の話 {}", support::canary("update-note"));
    let v2 = release.file("next.deb");
    let v2_signed = release.file("next.deb.sig");
    assert_eq!(installed_version(), release.old);

    let app = App::start_as(home.path(), &shots, release.user);
    set_up(&app);
    hq::enrol_in_settings(&app, &release.hq_url, &release.code);
    add_campus_of_today(&app, Some("C-012"));
    open_salon(&app);
    salon_day::log_anonymous_visit(&app, &note);

    // The offer is found after a sync; a salon still open keeps it from installing.
    send_now(&app);
    let said = try_to_install(&app, &release);
    assert_eq!(said, message("update_salon_open"));
    app.screenshot("90-update-offered-salon-open");
    still_the_old_version(&app, &release);
    app.click("salon-close");
    app.click("salon-close-confirm");
    app.wait_for_screen("today");

    // What a hostile headquarters can offer, each refused with the old version still running.
    let mut altered = v2.clone();
    let middle = altered.len() / 2;
    altered[middle] ^= 0x01;
    let attacks: [(&str, Vec<u8>, Vec<u8>); 4] = [
        ("altered after signing", altered, v2_signed.clone()),
        (
            "signed by another key",
            v2.clone(),
            release.file("next.deb.other-key.sig"),
        ),
        (
            "an older signed version offered as the new one",
            release.file("old.deb"),
            release.file("old.deb.sig"),
        ),
        (
            "an older one signed before signatures named their version",
            release.file("old.deb"),
            release.file("old.deb.unversioned.sig"),
        ),
    ];
    for (i, (attack, bundle, signature)) in attacks.iter().enumerate() {
        release.offer(bundle, signature);
        send_now(&app);
        let said = try_to_install(&app, &release);
        assert_eq!(said, message("update_not_signed"), "{attack}");
        app.screenshot(&format!("9{}-update-refused", i + 1));
        still_the_old_version(&app, &release);
    }

    assert_eq!(
        installed_version(),
        release.old,
        "nothing was installed over the old version"
    );

    // The real one: installed through pkexec as this user, then the app restarts into it.
    release.offer(&v2, &v2_signed);
    send_now(&app);
    let before = driver::app_pids(home.path());
    app.find("update-notice");
    app.click("update-open");
    app.wait_for_screen("about");
    app.click("update-install");
    let restarted = wait_for_restart(home.path(), &before);
    app.let_go();
    assert_eq!(installed_version(), release.new);
    let exe = std::fs::read_link(format!("/proc/{restarted}/exe")).unwrap();
    assert_eq!(
        exe,
        Path::new("/usr/bin/salon-app"),
        "the installed app restarted"
    );
    let watcher = x11::Watcher::connect();
    wait(Duration::from_secs(60), "the new version's window", || {
        !watcher.mapped(restarted).is_empty()
    });
    // Closed as a supporter closes it: the store stays whole.
    x11::press_close_button(restarted);
    wait(Duration::from_secs(30), "the new version to close", || {
        driver::app_pids(home.path()).is_empty()
    });

    // The new version: the passphrase opens it, it says its version, the visit is there.
    let app = App::start_as(home.path(), &shots, release.user);
    app.wait_for_screen("unlock");
    app.type_into("unlock-passphrase", PASSPHRASE);
    app.click("unlock-submit");
    app.wait_for_screen("today");
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.click("settings-about");
    app.wait_for_screen("about");
    assert_eq!(app.text("about-version"), release.new);
    assert!(!app.is_present("update-offer"), "nothing newer is offered");
    app.screenshot("95-updated-about");
    app.click("nav-search");
    app.wait_for_screen("search");
    app.type_into("search-text", &note);
    app.wait_until("the visit logged before the update", || {
        (app.count("search-result") == 1).then_some(())
    });
    app.screenshot("96-updated-visit-found");
    app.quit();
}

/// The pid of the app that started after `before`'s exited, once the old one is gone.
fn wait_for_restart(home: &Path, before: &[u32]) -> u32 {
    let mut found = None;
    wait(Duration::from_secs(180), "the app to restart", || {
        let now = driver::app_pids(home);
        found = now.iter().copied().find(|p| !before.contains(p));
        found.is_some() && before.iter().all(|p| !now.contains(p))
    });
    found.unwrap()
}

fn wait(limit: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < until, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}
