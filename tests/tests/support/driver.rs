//! The app process around a WebDriver session through tauri-driver; the WebDriver client
//! itself is support/webdriver.rs.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

#[path = "webdriver.rs"]
mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
pub use webdriver::key;
use webdriver::{free_port, DriverProcess, WebDriver};

/// The built app binary: beside this test binary's `deps` folder, unless named by the env.
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CAREER_SALON_APP") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let debug_dir = exe.parent().and_then(Path::parent).expect("target/debug");
    debug_dir.join("salon-app")
}

/// One run of the app: tauri-driver (and through it WebKitWebDriver and the app) started with
/// `home` as the HOME and data folder, and one WebDriver session.
pub struct App {
    web: WebDriver,
    driver: DriverProcess,
}

/// WebKitGTK's renderer switch (src-tauri's rendering.rs). With the window painted on the
/// CPU, which the app chooses on a machine without a GPU like CI's, WebKitWebDriver's
/// screenshot stops answering once the store is set up, while the window itself goes on
/// painting (seen in `xwd` captures). So the end-to-end tests run WebKit's default renderer
/// unless the environment names one; the window benchmark runs the app as shipped.
const RENDERER: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";

impl App {
    pub fn start(home: &Path, shots: &Path) -> App {
        let renderer = std::env::var(RENDERER).unwrap_or_else(|_| "0".into());
        App::start_with(home, shots, Some(&renderer), &[], None)
    }

    /// `start`, with the driver and so the app run as another user (uid, gid): a supporter
    /// who is not an administrator. `home` must be theirs, and the display open to them.
    pub fn start_as(home: &Path, shots: &Path, user: (u32, u32)) -> App {
        let renderer = std::env::var(RENDERER).unwrap_or_else(|_| "0".into());
        App::start_with(home, shots, Some(&renderer), &[], Some(user))
    }

    /// `start`, with more of the app's environment (a variable a test sets).
    pub fn start_with_env(home: &Path, shots: &Path, env: &[(&str, &Path)]) -> App {
        let renderer = std::env::var(RENDERER).unwrap_or_else(|_| "0".into());
        App::start_with(home, shots, Some(&renderer), env, None)
    }

    /// The app choosing its own renderer, as a supporter's laptop starts it.
    pub fn start_as_shipped(home: &Path, shots: &Path) -> App {
        App::start_with(
            home,
            shots,
            std::env::var(RENDERER).ok().as_deref(),
            &[],
            None,
        )
    }

    fn start_with(
        home: &Path,
        shots: &Path,
        renderer: Option<&str>,
        env: &[(&str, &Path)],
        user: Option<(u32, u32)>,
    ) -> App {
        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new("tauri-driver");
        if let Some((uid, gid)) = user {
            use std::os::unix::process::CommandExt;
            // Root's supplementary groups are dropped with the change of user.
            command.uid(uid).gid(gid).env_remove("XAUTHORITY");
        }
        match renderer {
            Some(value) => command.env(RENDERER, value),
            None => command.env_remove(RENDERER),
        };
        for (key, value) in env {
            command.env(key, value);
        }
        let driver = command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("CAREER_SALON_DATA_DIR", home.join("data"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver must be installed (cargo install tauri-driver --locked)");
        let driver = DriverProcess::new(driver);
        let caps = json!({
            "browserName": "wry",
            "tauri:options": {"application": app_binary()}
        });
        let base = format!("http://127.0.0.1:{port}");
        let web = WebDriver::connect(&base, caps, shots);
        App { web, driver }
    }

    /// Presses keys on whatever has focus (see `webdriver::key`); no pointer moves.
    pub fn press(&self, keys: &[&str]) {
        self.web.press(keys);
    }

    /// Presses Tab until `testid` has focus; fails after 80 presses. Each press waits until
    /// the focus has moved (a control without a test id next to another reads the same, so
    /// that wait is short), so no press lands before the window has taken the last.
    pub fn tab_to(&self, testid: &str) {
        for _ in 0..80 {
            let here = self.focused();
            if here == testid {
                return;
            }
            self.press(&[key::TAB]);
            for _ in 0..20 {
                if self.focused() != here {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
        panic!(
            "Tab never reached {testid} (focus is on {:?})",
            self.focused()
        );
    }

    /// Holds `modifier` while pressing `key` (Ctrl+N, say).
    pub fn chord(&self, modifier: &str, key: &str) {
        self.web.chord(modifier, key);
    }

    /// The window's size, as the supporter would drag it.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.web.set_window_size(width, height);
    }

    /// The test id of what has keyboard focus ("" for none).
    pub fn focused(&self) -> String {
        self.script(
            "const a = document.activeElement; return (a && a.dataset && a.dataset.testid) || '';",
            serde_json::json!([]),
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.web.script(script, args)
    }

    /// Runs a script that calls its last argument with the result (for what takes time).
    pub fn script_async(&self, script: &str, args: Value) -> Value {
        self.web.script_async(script, args)
    }

    /// Waits until an element with this `data-testid` is displayed.
    pub fn find(&self, testid: &str) -> String {
        self.web.find(testid)
    }

    pub fn is_present(&self, testid: &str) -> bool {
        self.web.is_present(testid)
    }

    /// Polls `probe` until it gives a value or the wait runs out.
    pub fn wait_until<T>(&self, what: &str, probe: impl FnMut() -> Option<T>) -> T {
        self.web.wait_until(what, probe)
    }

    /// Waits until `screen` is drawn and no navigation is under way (going to the screen
    /// already shown draws it anew; until then its old buttons are about to go).
    pub fn wait_for_screen(&self, screen: &str) {
        self.wait_until(&format!("screen {screen}"), || {
            let v = self.script(
                "if (document.querySelector('[aria-busy=\"true\"]')) return null;
                 const s = document.querySelector('[data-testid=\"screen\"]'); return s && s.dataset.screen;",
                json!([]),
            );
            (v.as_str() == Some(screen)).then_some(())
        });
    }

    pub fn click(&self, testid: &str) {
        self.web.click(testid);
    }

    /// Types into a field through real key events, as the supporter would.
    pub fn type_into(&self, testid: &str, text: &str) {
        self.web.type_into(testid, text);
    }

    /// Sets a select, date or time input by value and tells the page it changed.
    pub fn set_value(&self, testid: &str, value: &str) {
        self.web.set_value(testid, value);
    }

    pub fn text(&self, testid: &str) -> String {
        self.web.text(testid)
    }

    pub fn value(&self, testid: &str) -> String {
        self.web.value(testid)
    }

    pub fn count(&self, testid: &str) -> usize {
        self.web.count(testid)
    }

    /// Saves a PNG of the window, after letting the last DOM change paint.
    pub fn screenshot(&self, name: &str) {
        self.web.screenshot(name);
    }

    /// Quits the app the way closing its window does.
    pub fn quit(mut self) {
        self.web.call(reqwest::Method::DELETE, "", None);
        self.web.forget_session();
        self.driver.stop();
    }

    /// Waits until the app has quit by itself (after its close button was pressed, say); then
    /// stops the driver.
    pub fn wait_until_quit(mut self, home: &Path) {
        self.web.wait_until("the app to quit", || {
            app_pids(home).is_empty().then_some(())
        });
        self.web.forget_session();
        self.driver.stop();
    }

    /// Lets go of an app that went on without this session (it restarted itself into an
    /// update): the driver stops, the app is left running.
    pub fn let_go(mut self) {
        self.web.forget_session();
        self.driver.stop();
    }

    /// Kills the app process outright (a crash, a dead battery), then the driver.
    pub fn kill(mut self, home: &Path) {
        for pid in app_pids(home) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        self.web.forget_session();
        self.driver.stop();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if self.driver.is_running() {
            self.web.end_session();
            self.driver.stop();
        }
    }
}

/// The pids of app processes started with this HOME (so a parallel run is never touched).
pub fn app_pids(home: &Path) -> Vec<u32> {
    let marker = format!("CAREER_SALON_DATA_DIR={}", home.join("data").display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            let is_app = exe.is_some_and(|p| p.file_name().is_some_and(|n| n == "salon-app"));
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            is_app && environ.split(|b| *b == 0).any(|kv| kv == marker.as_bytes())
        })
        .collect()
}

/// The app processes started with this HOME and every process they started (WebKit's web and
/// network processes), each as (pid, name, its "Max core file size" line from /proc).
pub fn core_limits(home: &Path) -> Vec<(u32, String, String)> {
    let parent_of = |pid: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        // "pid (name) state ppid …": the name may hold spaces, so read after its ')'.
        stat.rsplit_once(')')?
            .1
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let all: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let mut family = app_pids(home);
    let mut grew = true;
    while grew {
        grew = false;
        for pid in &all {
            if !family.contains(pid) && parent_of(*pid).is_some_and(|p| family.contains(&p)) {
                family.push(*pid);
                grew = true;
            }
        }
    }
    family
        .into_iter()
        .map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap_or_default();
            let core = limits
                .lines()
                .find(|l| l.starts_with("Max core file size"))
                .unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (pid, name.trim().to_owned(), core)
        })
        .collect()
}
