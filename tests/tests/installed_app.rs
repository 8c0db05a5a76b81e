//! The app as a supporter installs it: the binary the .deb put in /usr/bin, started through
//! tauri-driver under Xvfb, shows the setup screen, sets up its encrypted store and says its
//! version. `scripts/app-package-check.sh` builds and installs the package and runs this with
//! `CAREER_SALON_APP` naming the installed binary.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;

use driver::App;
use salon_day::{set_up, shots_dir};

fn installed_binary() -> PathBuf {
    let path = std::env::var_os("CAREER_SALON_APP")
        .map(PathBuf::from)
        .expect("CAREER_SALON_APP must name the installed app (scripts/app-package-check.sh)");
    let target = std::env::current_exe().unwrap();
    let target = target.ancestors().nth(3).unwrap();
    assert!(
        path.is_absolute() && !path.starts_with(target),
        "{} is the build, not the installed app",
        path.display()
    );
    path
}

#[test]
fn the_installed_app_sets_up_and_says_its_version() {
    let binary = installed_binary();
    let shots = shots_dir();
    let home = tempfile::tempdir().unwrap();
    let app = App::start(home.path(), &shots);

    app.wait_for_screen("setup");
    let title = app.script("return document.title;", serde_json::json!([]));
    assert_eq!(title.as_str(), Some("キャリアサロン"), "window title");
    app.screenshot("60-installed-setup");

    set_up(&app);
    assert!(
        home.path().join("data/salon.db").is_file(),
        "the installed app made no encrypted store"
    );
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.click("settings-about");
    app.wait_for_screen("about");
    assert_eq!(app.text("about-version"), env!("CARGO_PKG_VERSION"));
    app.screenshot("61-installed-about");
    app.quit();
    eprintln!("the installed {} ran", binary.display());
}
