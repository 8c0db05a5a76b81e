//! The command list (`src/command_list.rs`) against everything that must agree with it, and
//! the lock gate: every command that needs the store answers `locked`, without running, while
//! the store is locked.

use std::collections::BTreeSet;
use std::path::Path;

use salon_app_lib::{runs_while_locked, Access, COMMANDS, DATA_DIR_ENV};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;

fn names() -> BTreeSet<String> {
    COMMANDS.iter().map(|(n, _)| n.to_string()).collect()
}

fn read(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The quoted name after each `call(` or `invokeCommand(` in a UI module.
fn invoked_in(source: &str) -> Vec<String> {
    let mut found = Vec::new();
    for opener in ["call(\"", "invokeCommand(\""] {
        for (at, _) in source.match_indices(opener) {
            let rest = &source[at + opener.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].to_owned());
            }
        }
    }
    found
}

#[test]
fn the_capability_file_allows_exactly_the_listed_commands() {
    let caps: serde_json::Value = serde_json::from_str(&read("capabilities/main.json")).unwrap();
    let allowed: BTreeSet<String> = caps["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str()?.strip_prefix("allow-").map(str::to_owned))
        .collect();
    let listed: BTreeSet<String> = names().iter().map(|n| n.replace('_', "-")).collect();
    assert_eq!(
        allowed, listed,
        "capabilities/main.json and src/command_list.rs disagree"
    );
}

#[test]
fn the_ui_calls_exactly_the_listed_commands() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    let mut called = BTreeSet::new();
    for entry in std::fs::read_dir(&ui).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("api") && name.ends_with(".js") {
            called.extend(invoked_in(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert_eq!(
        called,
        names(),
        "ui/api*.js and src/command_list.rs disagree"
    );
}

#[test]
fn only_setup_unlock_restore_status_lock_and_closing_run_while_locked() {
    // Restoring includes choosing the backup file (the OS's picker answers a path only).
    let open: BTreeSet<&str> = COMMANDS
        .iter()
        .filter(|(_, a)| *a == Access::AnyTime)
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        open,
        BTreeSet::from([
            "app_status",
            "backup_status",
            "lock",
            "pick_backup_file",
            "ready_to_close",
            "restore_backup",
            "setup",
            "unlock",
            "unlock_with_recovery",
        ])
    );
    assert!(!runs_while_locked("enrol") && !runs_while_locked("no_such_command"));
}

fn invoke(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
) -> serde_json::Value {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(serde_json::json!({})),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    match get_ipc_response(webview, request) {
        Ok(body) => body.deserialize().unwrap_or(serde_json::Value::Null),
        Err(e) => e,
    }
}

#[test]
fn every_command_that_needs_the_store_answers_locked_while_locked() {
    let data = tempfile::tempdir().unwrap();
    std::env::set_var(DATA_DIR_ENV, data.path());
    // The updater's configuration as tauri.conf.json gives it (its key is checked at start).
    let mut context = mock_context(noop_assets());
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    context
        .config_mut()
        .plugins
        .0
        .insert("updater".into(), conf["plugins"]["updater"].clone());
    let mut app = salon_app_lib::build(mock_builder()).build(context).unwrap();
    // One iteration runs the setup (the vault and its state) and leaves the app running;
    // the deprecation warns against calling it in a loop, which this does not.
    #[allow(deprecated)]
    app.run_iteration(|_, _| {});
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let before: Vec<_> = walk(data.path());
    for (name, access) in COMMANDS {
        if *name == "ready_to_close" {
            continue; // it quits the app
        }
        let answer = invoke(&webview, name);
        let code = answer["code"].as_str().unwrap_or_default().to_owned();
        match access {
            Access::Unlocked => assert_eq!(code, "locked", "{name}: {answer}"),
            // These run: with no arguments they are refused for their input, not for the lock
            // (and not as unknown commands: the handler has every listed command).
            Access::AnyTime => assert_ne!(code, "locked", "{name}: {answer}"),
        }
    }
    assert_eq!(
        walk(data.path()),
        before,
        "nothing was written while locked"
    );
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            out.push(e.path().display().to_string());
            out.extend(walk(&e.path()));
        }
    }
    out.sort();
    out
}

#[test]
fn the_ui_writes_the_draft_keys_the_store_writes() {
    let api = read("../ui/api.js");
    for (key, placeholder) in [
        (salon_store::new_visit_draft_key(12345), "${sessionId}"),
        (salon_store::visit_draft_key(12345), "${visitId}"),
    ] {
        let template = format!("`{}`", key.replace("12345", placeholder));
        assert!(
            api.contains(&template),
            "ui/api.js has no {template} (salon-store's drafts.rs writes {key})"
        );
    }
}

/// The one version: the workspace's (`CARGO_PKG_VERSION`, what the app names to headquarters
/// and shows on このアプリについて) is the installer's (tauri.conf.json) and npm's.
#[test]
fn the_app_has_one_version() {
    let version = |file: &str| -> String {
        let json: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
        json["version"].as_str().unwrap_or_default().to_owned()
    };
    assert_eq!(version("tauri.conf.json"), env!("CARGO_PKG_VERSION"));
    assert_eq!(version("../package.json"), env!("CARGO_PKG_VERSION"));
    assert!(salon_protocol::AppVersion::parse(env!("CARGO_PKG_VERSION")).is_some());
}

/// WebView2 (Windows) keeps general form autofill, names and free text included, unless it is
/// turned off for the window; `autocomplete="off"` alone is not always honoured there.
#[test]
fn the_window_turns_general_autofill_off() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    let windows = conf["app"]["windows"].as_array().unwrap();
    assert!(!windows.is_empty());
    for window in windows {
        assert_eq!(window["generalAutofillEnabled"], false, "{window}");
    }
}
