//! Headless Chromium for the HQ tests: Debian's `chromium` through `chromedriver`, one session
//! with its own profile, and full-page screenshots.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::ops::Deref;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::webdriver::{free_port, DriverProcess, WebDriver};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver on a free port and one headless Chromium session with its own profile.
pub struct Chromium {
    web: WebDriver,
    driver: DriverProcess,
    _profile: tempfile::TempDir,
}

impl Chromium {
    pub fn start(shots: &Path) -> Chromium {
        let port = free_port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("chromedriver must be installed (Debian: chromium chromium-driver)");
        let driver = DriverProcess::new(child);
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let web = WebDriver::connect(&format!("http://127.0.0.1:{port}"), caps, shots);
        Chromium {
            web,
            driver,
            _profile: profile,
        }
    }

    /// Logs in to headquarters at `url` through its login form and waits for the dashboard.
    pub fn log_in(&self, url: &str, name: &str, password: &str) {
        self.navigate(&format!("{}/login", url.trim_end_matches('/')));
        self.type_into_css("input[name=\"name\"]", name);
        self.type_into_css("input[name=\"password\"]", password);
        self.click_css("form[action=\"/login\"] button[type=\"submit\"]");
        self.find("figure-schools");
    }

    /// A PNG of the whole page: the window grown until the document fits without scrolling.
    pub fn full_page_screenshot(&self, name: &str) {
        for _ in 0..4 {
            let v = self.script(
                "const d = document.documentElement;
                 return [d.scrollWidth, d.scrollHeight, d.clientWidth, d.clientHeight,
                         window.outerWidth, window.outerHeight];",
                json!([]),
            );
            let n: Vec<u32> = serde_json::from_value(v).expect("sizes");
            let (page_w, page_h, view_w, view_h, outer_w, outer_h) =
                (n[0], n[1], n[2], n[3], n[4], n[5]);
            if page_w <= view_w && page_h <= view_h {
                break;
            }
            self.set_window_size(
                (outer_w + page_w.saturating_sub(view_w)).min(4000),
                (outer_h + page_h.saturating_sub(view_h)).min(8000),
            );
        }
        self.screenshot(name);
        self.set_window_size(1280, 1000);
    }
}

impl Deref for Chromium {
    type Target = WebDriver;
    fn deref(&self) -> &WebDriver {
        &self.web
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.web.end_session();
        self.driver.stop();
    }
}
