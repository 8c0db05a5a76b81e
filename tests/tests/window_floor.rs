//! A benchmark, not a test: the release app's window against a bare Tauri 2 window built from
//! the same workspace (bench/bare-window), over a data folder of 100,000 notes. Prints table
//! rows for BENCHMARKS.md: launch to the first screen painted, unlock to Today painted against
//! the Argon2id unwrap alone, and the memory (PSS) of each process tree.
//!
//! ```sh
//! SEARCH_BENCH_FILL=/dev/shm/window-data cargo run --release -p salon-store --example search_bench
//! cargo build --release -p salon-app -p salon-bare-window
//! CAREER_SALON_APP=target/release/salon-app SEARCH_WINDOW_DATA=/dev/shm/window-data \
//!   xvfb-run -a -s "-screen 0 1280x900x24" cargo test -p salon-tests --features e2e \
//!   --test window_floor -- --ignored --nocapture
//! ```
//!
//! "Painted" is seen from outside, in the window's pixels on the X server (a light page with dark
//! text on it), polled every few milliseconds. Both windows are painted the same way (on the CPU,
//! what the app chooses on a machine without a GPU).
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/mod.rs"]
mod support;
#[path = "support/x11.rs"]
mod x11;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use driver::App;
use serde_json::json;

const PASS: &str = "ベンチマーク用のパスフレーズ2025";
const RUNS: usize = 7;

fn data_copy(home: &Path) {
    let data = std::env::var_os("SEARCH_WINDOW_DATA").expect("SEARCH_WINDOW_DATA");
    let copy = home.join("data");
    std::fs::create_dir_all(&copy).unwrap();
    for file in ["keys.json", "salon.db"] {
        std::fs::copy(Path::new(&data).join(file), copy.join(file)).unwrap();
    }
}

fn spawn(binary: &Path, home: &Path) -> Child {
    Command::new(binary)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("CAREER_SALON_DATA_DIR", home.join("data"))
        .env("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Milliseconds from start until the window shows its page.
fn launch_ms(binary: &Path, home: &Path) -> (f64, Child) {
    let t = Instant::now();
    let mut child = spawn(binary, home);
    let x = x11::Watcher::connect();
    while !x.shows_text(child.id()) {
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{} never painted: (pixels, light, dark) {:?}, exited {:?}",
            binary.display(),
            x.census(child.id()),
            child.try_wait()
        );
        std::thread::sleep(Duration::from_millis(3));
    }
    (t.elapsed().as_secs_f64() * 1000.0, child)
}

/// PSS in MiB of `pid` and every process below it.
fn tree_pss_mib(pid: u32) -> f64 {
    let mut tree = vec![pid];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            // The parent pid is the second field after the command's closing parenthesis.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            if ppid == Some(parent) {
                tree.push(child);
            }
        }
        i += 1;
    }
    let kib: u64 = tree
        .iter()
        .filter_map(|p| std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok())
        .filter_map(|s| {
            s.lines()
                .find(|l| l.starts_with("Pss:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
        })
        .sum();
    kib as f64 / 1024.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
    std::thread::sleep(Duration::from_millis(300));
}

#[test]
#[ignore = "a benchmark: needs the release app, the bare window and a filled data folder"]
fn the_window_against_a_bare_tauri_window() {
    let app: PathBuf = driver::app_binary();
    let bare = app.with_file_name("salon-bare-window");
    assert!(
        bare.exists(),
        "build it: cargo build --release -p salon-bare-window"
    );

    // Launch to painted, the two alternating.
    let (mut app_ms, mut bare_ms) = (Vec::new(), Vec::new());
    let mut bare_pss = 0.0;
    for _ in 0..RUNS {
        let home = tempfile::tempdir().unwrap();
        data_copy(home.path());
        let (ms, child) = launch_ms(&app, home.path());
        app_ms.push(ms);
        stop(child);
        let (ms, child) = launch_ms(&bare, home.path());
        bare_ms.push(ms);
        std::thread::sleep(Duration::from_secs(1));
        bare_pss = tree_pss_mib(child.id());
        stop(child);
    }
    let (app_launch, bare_launch) = (median(app_ms), median(bare_ms));
    let ratio = app_launch / bare_launch;
    println!(
        "| launch to the unlock screen painted (median of {RUNS}) | {app_launch:.0} ms | a bare Tauri 2 window: {bare_launch:.0} ms | {ratio:.2} | ≤ 1.3× | {} |",
        if ratio <= 1.3 { "met" } else { "not met" }
    );

    // Unlock to Today painted, against the Argon2id unwrap alone (in this process).
    let home = tempfile::tempdir().unwrap();
    data_copy(home.path());
    let keys = std::fs::read(home.path().join("data/keys.json")).unwrap();
    let unwrap_ms = median(
        (0..3)
            .map(|_| {
                let t = Instant::now();
                salon_store::KeyFile::from_json(&keys)
                    .unwrap()
                    .unlock(PASS)
                    .unwrap();
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect(),
    );
    let window = App::start_as_shipped(home.path(), &support::shots_dir());
    window.wait_for_screen("unlock");
    window.type_into("unlock-passphrase", PASS);
    // Where the time goes: the unlock command answers when the shell starts leaving the unlock
    // screen (its main area turns aria-busy), Today's reads and drawing follow, then the paint.
    let measured = window.script_async(
        r#"const done = arguments[arguments.length - 1];
           const t0 = performance.now();
           let unlocked = null;
           document.querySelector('[data-testid="unlock-submit"]').click();
           const check = () => {
             const s = document.querySelector('[data-testid="screen"]');
             if (unlocked === null && document.querySelector('main[aria-busy="true"]')) unlocked = performance.now() - t0;
             if (s && s.dataset.screen === 'today' && !document.querySelector('[aria-busy="true"]')) {
               const drawn = performance.now() - t0;
               requestAnimationFrame(() => requestAnimationFrame(() =>
                 done({total: performance.now() - t0, unlocked, drawn})));
             } else setTimeout(check, 1);
           };
           check();"#,
        json!([]),
    );
    let unlock = measured["total"].as_f64().unwrap();
    println!(
        "  the unlock command answered at {:.0} ms, Today was in the page at {:.0} ms, painted at {unlock:.0} ms",
        measured["unlocked"].as_f64().unwrap_or_default(),
        measured["drawn"].as_f64().unwrap_or_default()
    );
    let over = unlock - unwrap_ms;
    println!(
        "| unlock to Today painted, 100,000 notes | {unlock:.0} ms | the Argon2id unwrap alone: {unwrap_ms:.0} ms | +{over:.0} ms | ≤ unwrap + 150 ms | {} |",
        if over <= 150.0 { "met" } else { "not met" }
    );
    std::thread::sleep(Duration::from_secs(2));
    let pid = *driver::app_pids(home.path()).first().expect("the app runs");
    let app_pss = tree_pss_mib(pid);
    let ratio = app_pss / bare_pss;
    println!(
        "| memory (PSS) of the process tree, unlocked at Today with 100,000 notes | {app_pss:.0} MiB | the bare window's tree: {bare_pss:.0} MiB | {ratio:.2} | ≤ 1.25× | {} |",
        if ratio <= 1.25 { "met" } else { "not met" }
    );
    window.quit();
}
