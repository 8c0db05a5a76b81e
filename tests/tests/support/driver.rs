//! A small W3C WebDriver client for tauri-driver, and the app process around it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(20);
const POLL: Duration = Duration::from_millis(100);

/// The built app binary: beside this test binary's `deps` folder, unless named by the env.
pub fn app_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("CAREER_SALON_APP") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("test binary path");
    let debug_dir = exe.parent().and_then(Path::parent).expect("target/debug");
    debug_dir.join("salon-app")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One run of the app: tauri-driver (and through it WebKitWebDriver and the app) started with
/// `home` as the HOME and data folder, and one WebDriver session.
pub struct App {
    driver: Child,
    http: reqwest::blocking::Client,
    base: String,
    session: String,
    shots: PathBuf,
}

impl App {
    pub fn start(home: &Path, shots: &Path) -> App {
        let port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
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
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let mut app = App {
            driver,
            http,
            base,
            session: String::new(),
            shots: shots.to_path_buf(),
        };
        app.session = app.new_session();
        app
    }

    fn new_session(&self) -> String {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": app_binary()}
        }}});
        let deadline = Instant::now() + WAIT;
        loop {
            match self
                .http
                .post(format!("{}/session", self.base))
                .json(&caps)
                .send()
            {
                Ok(resp) => {
                    let body: Value = resp.json().expect("session answer");
                    let id = body["value"]["sessionId"].as_str();
                    return id
                        .unwrap_or_else(|| panic!("no session: {body}"))
                        .to_owned();
                }
                Err(_) if Instant::now() < deadline => std::thread::sleep(POLL),
                Err(e) => panic!("tauri-driver did not answer: {e}"),
            }
        }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut req = self.http.request(method, url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp: Value = req
            .send()
            .expect("webdriver request")
            .json()
            .expect("webdriver json");
        resp["value"].clone()
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    fn try_find(&self, testid: &str) -> Option<String> {
        let found = self.post(
            "/element",
            json!({"using": "css selector", "value": format!("[data-testid=\"{testid}\"]")}),
        );
        found[ELEMENT_KEY].as_str().map(str::to_owned)
    }

    /// Waits until an element with this `data-testid` is displayed.
    pub fn find(&self, testid: &str) -> String {
        self.wait_until(&format!("{testid} displayed"), || {
            let el = self.try_find(testid)?;
            let shown = self.call(
                reqwest::Method::GET,
                &format!("/element/{el}/displayed"),
                None,
            );
            shown.as_bool().unwrap_or(false).then_some(el)
        })
    }

    pub fn is_present(&self, testid: &str) -> bool {
        self.try_find(testid).is_some()
    }

    /// Polls `probe` until it gives a value or the wait runs out.
    pub fn wait_until<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(v) = probe() {
                return v;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("timeout-{}", what.replace(' ', "-")));
                panic!("timed out waiting for {what}");
            }
            std::thread::sleep(POLL);
        }
    }

    pub fn wait_for_screen(&self, screen: &str) {
        self.wait_until(&format!("screen {screen}"), || {
            let v = self.script(
                "const s = document.querySelector('[data-testid=\"screen\"]'); return s && s.dataset.screen;",
                json!([]),
            );
            (v.as_str() == Some(screen)).then_some(())
        });
    }

    pub fn click(&self, testid: &str) {
        let el = self.find(testid);
        self.post(&format!("/element/{el}/click"), json!({}));
    }

    /// Types into a field through real key events, as the supporter would.
    pub fn type_into(&self, testid: &str, text: &str) {
        let el = self.find(testid);
        self.post(&format!("/element/{el}/clear"), json!({}));
        self.post(&format!("/element/{el}/value"), json!({"text": text}));
    }

    /// Sets a select, date or time input by value and tells the page it changed.
    pub fn set_value(&self, testid: &str, value: &str) {
        self.find(testid);
        self.script(
            "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
             el.value = arguments[1];
             el.dispatchEvent(new Event('input', {bubbles: true}));
             el.dispatchEvent(new Event('change', {bubbles: true}));",
            json!([testid, value]),
        );
    }

    pub fn text(&self, testid: &str) -> String {
        let el = self.find(testid);
        let v = self.call(reqwest::Method::GET, &format!("/element/{el}/text"), None);
        v.as_str().unwrap_or_default().to_owned()
    }

    pub fn value(&self, testid: &str) -> String {
        self.find(testid);
        let v = self.script(
            "return document.querySelector(`[data-testid=\"${arguments[0]}\"]`).value;",
            json!([testid]),
        );
        v.as_str().unwrap_or_default().to_owned()
    }

    pub fn count(&self, testid: &str) -> usize {
        let v = self.script(
            "return document.querySelectorAll(`[data-testid=\"${arguments[0]}\"]`).length;",
            json!([testid]),
        );
        v.as_u64().unwrap_or(0) as usize
    }

    /// Saves a PNG of the window, after letting the last DOM change paint.
    pub fn screenshot(&self, name: &str) {
        std::thread::sleep(Duration::from_millis(500));
        let b64 = self.call(reqwest::Method::GET, "/screenshot", None);
        let Some(b64) = b64.as_str() else { return };
        let png = data_encoding::BASE64
            .decode(b64.as_bytes())
            .expect("screenshot base64");
        std::fs::create_dir_all(&self.shots).unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    /// Quits the app the way closing its window does.
    pub fn quit(mut self) {
        self.call(reqwest::Method::DELETE, "", None);
        self.session.clear();
        self.stop_driver();
    }

    /// Kills the app process outright (a crash, a dead battery), then the driver.
    pub fn kill(mut self, home: &Path) {
        for pid in app_pids(home) {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
        self.session.clear();
        self.stop_driver();
    }

    fn stop_driver(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.driver.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.driver.try_wait() {
                return;
            }
            std::thread::sleep(POLL);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.driver.try_wait() {
            if !self.session.is_empty() {
                let _ = self
                    .http
                    .delete(format!("{}/session/{}", self.base, self.session))
                    .send();
            }
            self.stop_driver();
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
