fn main() {
    // Declaring every command generates an `allow-…` permission for each, so the capability
    // file can grant the window exactly these and nothing else.
    let commands = &[
        "app_status",
        "setup",
        "unlock",
        "unlock_with_recovery",
        "lock",
        "change_passphrase",
        "reset_passphrase",
        "touch",
        "ready_to_close",
        "set_preferences",
        "list_campuses",
        "save_campus",
        "today",
        "open_session",
        "close_session",
        "list_students",
        "save_student",
        "get_student",
        "save_visit",
        "get_visit",
        "get_draft",
        "save_draft",
        "discard_draft",
        "hq_status",
        "enrol",
        "sync_preview",
        "sync_now",
        "sync_log",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri build step failed");
}
