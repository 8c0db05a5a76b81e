//! The invariants ARCHITECTURE.md states, each checked against the tree as it is: crates depend
//! in one direction, modules inside a crate import each other in one direction, each program
//! reads the wall clock in one place, every command the window calls runs off its main thread,
//! the pure crates do no I/O, and no file passes 500 lines without saying why.

#[path = "support/architecture.rs"]
mod modules;
#[path = "support/mod.rs"]
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use modules::{crate_roots, module_graph, product_code, source_files, Graph};
use support::files_under;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What each workspace crate may depend on (normal dependencies; tests and benches may use
/// more). The laptop's crates and headquarters' meet only in the protocol.
const MAY_DEPEND_ON: &[(&str, &[&str])] = &[
    ("salon-protocol", &[]),
    ("salon-core", &["salon-protocol"]),
    ("salon-privacy", &["salon-protocol", "salon-figures"]),
    ("salon-figures", &["salon-protocol"]),
    ("salon-handover", &[]),
    (
        "salon-store",
        &[
            "salon-core",
            "salon-protocol",
            "salon-privacy",
            "salon-handover",
        ],
    ),
    ("salon-sync", &["salon-protocol", "salon-store"]),
    ("salon-hq-store", &["salon-protocol", "salon-figures"]),
    (
        "salon-hq-web",
        &[
            "salon-protocol",
            "salon-figures",
            "salon-hq-store",
            "salon-handover",
        ],
    ),
    (
        "salon-hq",
        &[
            "salon-protocol",
            "salon-figures",
            "salon-hq-store",
            "salon-hq-web",
        ],
    ),
    (
        "salon-app",
        &[
            "salon-core",
            "salon-protocol",
            "salon-store",
            "salon-sync",
            "salon-handover",
        ],
    ),
    (
        "salon-demo",
        &[
            "salon-core",
            "salon-protocol",
            "salon-store",
            "salon-sync",
            "salon-hq-store",
            "salon-hq-web",
        ],
    ),
    ("salon-tests", &[]),
    ("salon-bare-window", &[]),
];

/// The only crates that may depend on Tauri: the shell and the window benchmark.
const TAURI_CRATES: &[&str] = &["salon-app", "salon-bare-window"];

#[test]
fn crates_depend_in_one_direction_and_only_the_shell_knows_tauri() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let allowed: BTreeMap<&str, &[&str]> = MAY_DEPEND_ON.iter().copied().collect();
    let mut wrong = Vec::new();
    for package in meta["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let Some(may) = allowed.get(name) else {
            wrong.push(format!("{name} is not in MAY_DEPEND_ON: give it its place"));
            continue;
        };
        for dep in package["dependencies"].as_array().unwrap() {
            if !dep["kind"].is_null() {
                continue; // dev or build
            }
            let on = dep["name"].as_str().unwrap();
            if on.starts_with("salon-") && !may.contains(&on) {
                wrong.push(format!("{name} depends on {on}"));
            }
            if on.starts_with("tauri") && !TAURI_CRATES.contains(&name) {
                wrong.push(format!(
                    "{name} depends on {on}: only the shell knows Tauri"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn modules_inside_each_crate_import_in_one_direction() {
    let mut cycles = Vec::new();
    let mut measured = 0;
    for (krate, src) in crate_roots(&root()) {
        let graph = module_graph(&src);
        measured += graph.files();
        if let Some(cycle) = graph.cycle_explained() {
            cycles.push(format!("{krate}: {cycle}"));
        }
    }
    assert!(measured > 150, "only {measured} files read");
    assert!(
        cycles.is_empty(),
        "modules that import each other:\n{}",
        cycles.join("\n")
    );
}

/// The resolver the test above relies on finds a cycle where there is one.
#[test]
fn the_module_check_sees_a_cycle_through_a_parent() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("web")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod web;\nmod state;\n").unwrap();
    std::fs::write(src.join("state.rs"), "pub struct AppState;\n").unwrap();
    std::fs::write(
        src.join("web/mod.rs"),
        "mod pages;\nuse pages::*;\npub struct WebError;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("web/pages.rs"),
        "use super::WebError;\nuse crate::state::AppState;\n",
    )
    .unwrap();
    let graph: Graph = module_graph(src);
    let cycle = graph.cycle().expect("web/mod.rs ⇄ web/pages.rs");
    assert!(cycle.iter().any(|f| f.ends_with("pages.rs")), "{cycle:?}");
    std::fs::write(src.join("web/pages.rs"), "use crate::state::AppState;\n").unwrap();
    assert_eq!(module_graph(src).cycle(), None);
}

/// Where each program may read the wall clock; everything else is given the time, so a test
/// can set it and a figure never depends on when it was computed.
const CLOCKS: &[&str] = &[
    "src-tauri/src/clock.rs",
    "crates/salon-store/src/rows.rs",
    "crates/salon-hq-web/src/state.rs",
    "crates/salon-hq-store/src/rows.rs",
];

#[test]
fn each_program_reads_the_wall_clock_in_one_place() {
    let read: BTreeSet<String> = product_code(&root())
        .into_iter()
        // The demo plays a year through; it is no program a supporter runs.
        .filter(|(krate, _, _)| krate != "salon-demo")
        .filter(|(_, _, code)| {
            ["Utc::now()", "Local::now()", "SystemTime::now()"]
                .iter()
                .any(|c| code.contains(c))
        })
        .map(|(_, file, _)| relative(&file))
        .collect();
    let allowed: BTreeSet<String> = CLOCKS.iter().map(|s| s.to_string()).collect();
    assert_eq!(read, allowed, "files that read the wall clock");
}

#[test]
fn every_command_the_window_calls_runs_off_the_main_thread() {
    let mut blocking = Vec::new();
    let mut commands = 0;
    for file in source_files(&root().join("src-tauri/src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.trim_start().starts_with("#[tauri::command") {
                continue;
            }
            commands += 1;
            let signature = lines[i + 1..]
                .iter()
                .find(|l| !l.trim_start().starts_with("#[") && !l.trim_start().starts_with("//"))
                .unwrap();
            if !line.contains("(async)") && !signature.contains("async fn") {
                blocking.push(format!("{}: {}", relative(&file), signature.trim()));
            }
        }
    }
    assert!(commands > 60, "only {commands} commands found");
    assert!(
        blocking.is_empty(),
        "commands run on the main thread:\n{}",
        blocking.join("\n")
    );
}

/// The crates that are pure functions of what they are given.
const PURE: &[&str] = &["salon-core", "salon-protocol", "salon-figures"];

#[test]
fn the_pure_crates_do_no_io() {
    let io = [
        "std::fs",
        "std::net",
        "std::process",
        "std::env",
        "std::io::",
        "SystemTime",
        "Utc::now",
        "tokio",
        "rusqlite",
        "getrandom",
    ];
    let mut found = Vec::new();
    for (_, file, code) in product_code(&root())
        .into_iter()
        .filter(|(krate, _, _)| PURE.contains(&krate.as_str()))
    {
        for word in io.iter().filter(|w| code.contains(*w)) {
            found.push(format!("{}: {word}", relative(&file)));
        }
    }
    assert!(
        found.is_empty(),
        "I/O in a pure crate:\n{}",
        found.join("\n")
    );
}

/// A file past this many lines says why near its top ("Over 500 lines because …").
const MAX_LINES: usize = 500;

#[test]
fn no_file_passes_500_lines_without_saying_why() {
    let mut long = Vec::new();
    let mut read = 0;
    for dir in ["crates", "src-tauri/src", "tests", "ui", "scripts", "bench"] {
        for file in files_under(&root().join(dir)) {
            let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["rs", "js", "mjs", "css", "html", "sh"].contains(&ext)
                || file.components().any(|c| {
                    ["node_modules", "target", "gen"].contains(&&*c.as_os_str().to_string_lossy())
                })
                || file.to_string_lossy().contains("/licenses")
            {
                continue;
            }
            read += 1;
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let lines = text.lines().count();
            let says_why = text
                .lines()
                .take(20)
                .any(|l| l.contains("Over 500 lines because"));
            if lines > MAX_LINES && !says_why {
                long.push(format!("{} ({lines} lines)", relative(&file)));
            }
        }
    }
    assert!(read > 300, "only {read} files read");
    assert!(
        long.is_empty(),
        "split these, or say why:\n{}",
        long.join("\n")
    );
}

fn relative(file: &Path) -> String {
    let root = root().canonicalize().unwrap();
    let file = file.canonicalize().unwrap();
    file.strip_prefix(&root)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The map and the design documents name files and tests that exist: a path in backticks
/// (`crates/…`, `tests/tests/…`, `src-tauri/…`, `ui/…`, `scripts/…`, `docs/…`) is there, and a
/// `path::test` has that function.
#[test]
fn the_documents_name_files_and_tests_that_exist() {
    let mut docs = vec![root().join("ARCHITECTURE.md"), root().join("BENCHMARKS.md")];
    docs.extend(files_under(&root().join("docs")));
    let roots = [
        "crates/",
        "tests/tests/",
        "tests/fixtures/",
        "tests/examples/",
        "src-tauri/",
        "ui/",
        "scripts/",
        "docs/",
    ];
    let mut missing = Vec::new();
    let mut named = 0;
    for doc in docs
        .iter()
        .filter(|d| d.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(doc).unwrap();
        for quoted in text.split('`').skip(1).step_by(2) {
            if !roots.iter().any(|r| quoted.starts_with(r)) || quoted.contains(' ') {
                continue;
            }
            named += 1;
            let (path, function) = match quoted.split_once("::") {
                Some((p, f)) => (p, Some(f)),
                None => (quoted, None),
            };
            let file = root().join(path.trim_end_matches('/'));
            let found = match function {
                None => file.exists() || path.contains('*') || path.contains('<'),
                Some(f) => std::fs::read_to_string(&file)
                    .is_ok_and(|code| code.contains(&format!("fn {f}("))),
            };
            if !found {
                missing.push(format!("{}: {quoted}", relative(doc)));
            }
        }
    }
    assert!(named > 100, "only {named} paths read");
    assert!(
        missing.is_empty(),
        "named but not there:\n{}",
        missing.join("\n")
    );
}
