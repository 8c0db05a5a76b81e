//! A small W3C WebDriver client over blocking HTTP, and the driver process behind it: one
//! session; elements found by `data-testid` or a CSS selector; clicks, typing, text, scripts,
//! screenshots and polling waits. The Tauri window (driver.rs, through tauri-driver) and the
//! headquarters dashboard in headless Chromium (hq_dashboard.rs, through chromedriver) both
//! use it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// What an input method does when the supporter confirms a Japanese conversion.
const IME_COMMIT: &str = "const f = arguments[0], text = arguments[1];
    f.focus();
    f.value = '';
    f.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
    f.value = text;
    f.dispatchEvent(new InputEvent('input', {bubbles: true, data: text, inputType: 'insertCompositionText', isComposing: true}));
    f.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: text}));
    f.dispatchEvent(new InputEvent('input', {bubbles: true, data: text, inputType: 'insertText'}));";
pub const WAIT: Duration = Duration::from_secs(20);
pub const POLL: Duration = Duration::from_millis(100);

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The CSS selector of an element by its `data-testid`.
pub fn by_testid(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

/// A WebDriver server we started (tauri-driver, chromedriver). Stopped with SIGTERM to its
/// own pid, never by name, so a parallel run is never touched; also when dropped.
pub struct DriverProcess {
    child: Child,
}

impl DriverProcess {
    pub fn new(child: Child) -> DriverProcess {
        DriverProcess { child }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// SIGTERM, up to 10 s to exit, then SIGKILL.
    pub fn stop(&mut self) {
        if !self.is_running() {
            return;
        }
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(POLL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for DriverProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One WebDriver session. Screenshots go to `shots` as `<name>.png`.
pub struct WebDriver {
    http: reqwest::blocking::Client,
    base: String,
    session: String,
    shots: PathBuf,
}

impl WebDriver {
    /// Opens a session with these capabilities on the driver at `base`
    /// (`http://127.0.0.1:port`), retrying while the driver is still starting.
    pub fn connect(base: &str, capabilities: Value, shots: &Path) -> WebDriver {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": capabilities}});
        let deadline = Instant::now() + WAIT;
        let session = loop {
            match http.post(format!("{base}/session")).json(&caps).send() {
                Ok(resp) => {
                    let body: Value = resp.json().expect("session answer");
                    let id = body["value"]["sessionId"].as_str();
                    break id
                        .unwrap_or_else(|| panic!("no session: {body}"))
                        .to_owned();
                }
                Err(_) if Instant::now() < deadline => std::thread::sleep(POLL),
                Err(e) => panic!("the WebDriver server at {base} did not answer: {e}"),
            }
        };
        WebDriver {
            http,
            base: base.to_owned(),
            session,
            shots: shots.to_path_buf(),
        }
    }

    /// One command of this session; returns the answer's `value` (an error object included).
    pub fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
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

    pub fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None)
    }

    pub fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body))
    }

    // ---- pages and scripts ----

    pub fn navigate(&self, url: &str) {
        self.post("/url", json!({ "url": url }));
    }

    pub fn current_url(&self) -> String {
        self.get("/url").as_str().unwrap_or_default().to_owned()
    }

    /// Runs a script in the page and returns its value.
    pub fn script(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args}))
    }

    /// Runs a script that calls its last argument with the result (for promises).
    pub fn script_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({"script": script, "args": args}))
    }

    /// Resizes the window (for a screenshot of a whole page).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({"width": width, "height": height}));
    }

    /// Presses keys on whatever has focus, as a keyboard does: each of `keys` down and up in
    /// turn (a character, or one of the `key` codes). No pointer is moved.
    pub fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| {
                [
                    json!({"type": "keyDown", "value": k}),
                    json!({"type": "keyUp", "value": k}),
                ]
            })
            .collect();
        self.perform_keys(actions);
    }

    /// Holds `modifier` (key::CONTROL, say) while pressing `key`.
    pub fn chord(&self, modifier: &str, key: &str) {
        self.perform_keys(vec![
            json!({"type": "keyDown", "value": modifier}),
            json!({"type": "keyDown", "value": key}),
            json!({"type": "keyUp", "value": key}),
            json!({"type": "keyUp", "value": modifier}),
        ]);
    }

    fn perform_keys(&self, actions: Vec<Value>) {
        self.post(
            "/actions",
            json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
        self.call(reqwest::Method::DELETE, "/actions", None);
    }

    // ---- elements ----

    pub fn try_find_css(&self, css: &str) -> Option<String> {
        let found = self.post("/element", json!({"using": "css selector", "value": css}));
        found[ELEMENT_KEY].as_str().map(str::to_owned)
    }

    fn find_displayed(&self, css: &str, what: &str) -> String {
        self.wait_until(&format!("{what} displayed"), || {
            let el = self.try_find_css(css)?;
            let shown = self.get(&format!("/element/{el}/displayed"));
            shown.as_bool().unwrap_or(false).then_some(el)
        })
    }

    /// Waits until an element matching `css` is displayed.
    pub fn find_css(&self, css: &str) -> String {
        self.find_displayed(css, css)
    }

    /// Waits until an element with this `data-testid` is displayed.
    pub fn find(&self, testid: &str) -> String {
        self.find_displayed(&by_testid(testid), testid)
    }

    pub fn is_present(&self, testid: &str) -> bool {
        self.try_find_css(&by_testid(testid)).is_some()
    }

    /// Polls `probe` until it gives a value or the wait runs out (then a screenshot named
    /// `timeout-…` and a panic).
    pub fn wait_until<T>(&self, what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(v) = probe() {
                return v;
            }
            if Instant::now() > deadline {
                self.screenshot(&format!("timeout-{}", what.replace([' ', '/'], "-")));
                panic!("timed out waiting for {what}");
            }
            std::thread::sleep(POLL);
        }
    }

    fn click_element(&self, el: &str) {
        self.post(&format!("/element/{el}/click"), json!({}));
    }

    pub fn click_css(&self, css: &str) {
        self.click_element(&self.find_css(css));
    }

    pub fn click(&self, testid: &str) {
        self.click_element(&self.find(testid));
    }

    /// Types into a field through real key events, as a person would.
    /// Types `text` as a person would. ASCII goes through real key events. Japanese is not
    /// typed key by key (nobody does: an input method composes it and commits it), so it is
    /// committed the way an IME commits — compositionstart, input while composing,
    /// compositionend, input — which also exercises every "ignore Enter while composing"
    /// guard. (Sending Japanese as WebDriver keys let WebKitWebDriver deliver some of them to
    /// the previously focused field, about one run in five.)
    fn type_into_element(&self, el: &str, text: &str) {
        let element = json!([{ ELEMENT_KEY: el }, text]);
        if !text.is_ascii() {
            self.script(IME_COMMIT, element);
            return;
        }
        for _ in 0..3 {
            self.script(
                "const f = arguments[0]; f.value = '';
                 f.dispatchEvent(new Event('input', {bubbles: true}));",
                element.clone(),
            );
            self.post(&format!("/element/{el}/click"), json!({}));
            self.wait_until("the field to have focus", || {
                let focused = self.script(
                    "if (document.activeElement !== arguments[0]) arguments[0].focus();
                     return document.activeElement === arguments[0];",
                    element.clone(),
                );
                focused.as_bool().unwrap_or(false).then_some(())
            });
            self.post(&format!("/element/{el}/value"), json!({ "text": text }));
            let typed = self.script("return arguments[0].value;", element.clone());
            if typed.as_str() == Some(text) {
                return;
            }
        }
        panic!("could not type into the field: the value differs after three tries");
    }

    pub fn type_into_css(&self, css: &str, text: &str) {
        self.type_into_element(&self.find_css(css), text);
    }

    pub fn type_into(&self, testid: &str, text: &str) {
        self.type_into_element(&self.find(testid), text);
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

    fn element_text(&self, el: &str) -> String {
        let v = self.get(&format!("/element/{el}/text"));
        v.as_str().unwrap_or_default().to_owned()
    }

    /// The rendered text of a displayed element.
    pub fn text_css(&self, css: &str) -> String {
        self.element_text(&self.find_css(css))
    }

    pub fn text(&self, testid: &str) -> String {
        self.element_text(&self.find(testid))
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
        self.count_css(&by_testid(testid))
    }

    /// How many elements match `css` now (displayed or not).
    pub fn count_css(&self, css: &str) -> usize {
        let v = self.script(
            "return document.querySelectorAll(arguments[0]).length;",
            json!([css]),
        );
        v.as_u64().unwrap_or(0) as usize
    }

    /// The rendered text of each cell of each body row of a displayed table (or of one row).
    pub fn table(&self, testid: &str) -> Vec<Vec<String>> {
        self.find(testid);
        let v = self.script(
            "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
             const rows = el.tagName === 'TR' ? [el] : [...el.tBodies].flatMap(b => [...b.rows]);
             return rows.map(r => [...r.cells].map(c => c.innerText.trim()));",
            json!([testid]),
        );
        serde_json::from_value(v).expect("table cells")
    }

    /// Saves a PNG of the window, after letting the last DOM change paint.
    pub fn screenshot(&self, name: &str) {
        std::thread::sleep(Duration::from_millis(500));
        let b64 = self.get("/screenshot");
        let Some(b64) = b64.as_str() else { return };
        let png = data_encoding::BASE64
            .decode(b64.as_bytes())
            .expect("screenshot base64");
        std::fs::create_dir_all(&self.shots).unwrap();
        std::fs::write(self.shots.join(format!("{name}.png")), png).unwrap();
    }

    // ---- the session's end ----

    pub fn has_session(&self) -> bool {
        !self.session.is_empty()
    }

    /// Ends the session (which closes the window or browser).
    pub fn end_session(&mut self) {
        if self.has_session() {
            let _ = self
                .http
                .delete(format!("{}/session/{}", self.base, self.session))
                .send();
            self.session.clear();
        }
    }

    /// Forgets the session without asking the driver (its browser or app is gone).
    pub fn forget_session(&mut self) {
        self.session.clear();
    }
}

/// WebDriver's codes of the keys that are not characters.
pub mod key {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SHIFT: &str = "\u{E008}";
    pub const CONTROL: &str = "\u{E009}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const SPACE: &str = "\u{E00D}";
    pub const ARROW_DOWN: &str = "\u{E015}";
}
