//! A benchmark, not a test: keystroke to results painted in the real window, over a data
//! folder of 100,000 notes. The goal is 100 ms at p95 (BENCHMARKS.md).
//!
//! ```sh
//! SEARCH_BENCH_FILL=/dev/shm/window-data cargo run --release -p salon-store --example search_bench
//! cargo build -p salon-app
//! SEARCH_WINDOW_DATA=/dev/shm/window-data xvfb-run -a cargo test -p salon-tests --features e2e \
//!   --test search_window -- --ignored --nocapture
//! ```
//!
//! For each word, the page sets the search box and fires `input` as typing does, then waits
//! for the results list to answer that text and for the next two frames: the time includes
//! the store's search, the IPC, drawing the rows in view and the frames themselves (printed
//! alone first, as the floor).
//!
//! Without a GPU render node the app paints its window on the CPU (src-tauri's rendering.rs);
//! `WEBKIT_DISABLE_DMABUF_RENDERER=0` in the environment measures WebKit's OpenGL compositing
//! instead, which Mesa then runs in software.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/mod.rs"]
mod support;

use driver::App;
use serde_json::json;

/// The passphrase the benchmark fill uses (crates/salon-store/examples/search_bench).
const PASS: &str = "ベンチマーク用のパスフレーズ2025";
const RUNS: usize = 21;
const WORDS: [&str; 7] = [
    "アルバイト",
    "調理",
    "姉の話",
    "ｱﾙﾊﾞｲﾄ",
    "敬語",
    "親",
    "奨学金 不安",
];
/// p95 goals (BENCHMARKS.md): 100 ms when every word has three characters or more; a word of
/// one or two characters is a scan, with 200 ms.
const GOAL_MS: f64 = 100.0;
const SHORT_WORD_GOAL_MS: f64 = 200.0;
/// Untimed searches first: right after it opens the app is still settling (its two frames
/// take twice as long for the first seconds).
const WARM_UP_ROUNDS: usize = 3;

fn goal_for(typed: &str) -> f64 {
    if typed.split_whitespace().any(|w| w.chars().count() < 3) {
        SHORT_WORD_GOAL_MS
    } else {
        GOAL_MS
    }
}

/// Types `word` as the search box receives it and returns the milliseconds until painted.
const TYPE_AND_WAIT: &str = r#"
const [word, done] = [arguments[0], arguments[arguments.length - 1]];
const input = document.querySelector('[data-testid="search-text"]');
const list = document.querySelector('[data-testid="search-results"]');
const t0 = performance.now();
const check = () => {
  if (list.dataset.text === word) {
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
    return true;
  }
  return false;
};
const seen = new MutationObserver(() => { if (check()) seen.disconnect(); });
seen.observe(list, { attributes: true, childList: true });
input.value = word;
input.dispatchEvent(new InputEvent('input', { bubbles: true, data: word }));
"#;

/// The same search through the command alone (store and IPC, nothing drawn), in milliseconds.
const INVOKE_ONLY: &str = r#"
const [word, done] = [arguments[0], arguments[arguments.length - 1]];
const t0 = performance.now();
window.__TAURI__.core
  .invoke("search_visits", { query: { text: word, limit: 50, offset: 0 } })
  .then(() => done(performance.now() - t0), () => done(-1));
"#;

/// The floor: two frames with nothing to draw (what waiting for "painted" costs by itself).
const FRAMES_ONLY: &str = r#"
const done = arguments[arguments.length - 1];
const t0 = performance.now();
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
"#;

/// Drawing alone: the rows in view now, replaced by copies of themselves, and two frames.
const DRAW_ONLY: &str = r#"
const done = arguments[arguments.length - 1];
const list = document.querySelector('[data-testid="search-results"]');
const rows = [...list.children].slice(0, 10).map((n) => n.cloneNode(true));
const t0 = performance.now();
list.replaceChildren(...rows);
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
"#;

fn median(app: &App, script: &str, word: &str) -> f64 {
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            app.script_async(script, json!([word]))
                .as_f64()
                .expect("ms")
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

#[test]
#[ignore = "a benchmark: needs a filled data folder (SEARCH_WINDOW_DATA)"]
fn keystroke_to_results_painted_at_100000_notes() {
    let Some(data) = std::env::var_os("SEARCH_WINDOW_DATA") else {
        panic!("set SEARCH_WINDOW_DATA to a data folder filled by search_bench");
    };
    let home = tempfile::tempdir().unwrap();
    let copy = home.path().join("data");
    std::fs::create_dir_all(&copy).unwrap();
    for file in ["keys.json", "salon.db"] {
        std::fs::copy(std::path::Path::new(&data).join(file), copy.join(file)).unwrap();
    }
    let app = App::start_as_shipped(home.path(), &support::shots_dir());
    app.wait_for_screen("unlock");
    app.type_into("unlock-passphrase", PASS);
    app.click("unlock-submit");
    app.wait_for_screen("today");
    app.click("nav-search");
    app.wait_for_screen("search");
    println!(
        "GPU render node: {}; WEBKIT_DISABLE_DMABUF_RENDERER: {}",
        if std::path::Path::new("/dev/dri").exists() {
            "/dev/dri"
        } else {
            "none"
        },
        std::env::var("WEBKIT_DISABLE_DMABUF_RENDERER")
            .unwrap_or_else(|_| "(the app chooses)".into())
    );
    for _ in 0..WARM_UP_ROUNDS {
        for word in WORDS {
            app.script_async(TYPE_AND_WAIT, json!([word]));
        }
    }
    println!(
        "two frames with nothing drawn (the floor), median ms: {:.1}",
        median(&app, FRAMES_ONLY, "")
    );
    println!(
        "{:<32} {:>8} {:>8} {:>8} {:>9} {:>14} {:>12}",
        "typed", "median", "p95", "goal", "p95/goal", "command only", "draw only"
    );
    for word in WORDS {
        let goal = goal_for(word);
        let mut times: Vec<f64> = (0..RUNS)
            .map(|i| {
                // Each run types the word after a different one, so each is a new search.
                let other = format!("{word}{i}");
                app.script_async(TYPE_AND_WAIT, json!([other]));
                app.script_async(TYPE_AND_WAIT, json!([word]))
                    .as_f64()
                    .expect("milliseconds")
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let p95 = times[(RUNS * 95).div_ceil(100) - 1];
        let invoke = median(&app, INVOKE_ONLY, word);
        let draw = median(&app, DRAW_ONLY, word);
        println!(
            "{:<32} {:>8.1} {:>8.1} {goal:>8.0} {:>9.2} {:>14.1} {:>12.1}",
            format!("「{word}」"),
            times[RUNS / 2],
            p95,
            p95 / goal,
            invoke,
            draw
        );
    }
    println!(
        "two frames with nothing drawn, again after the searches, median ms: {:.1}",
        median(&app, FRAMES_ONLY, "")
    );
    app.screenshot("32-search-100000");
    app.quit();
}
