// The command list is written once, in src/command_list.rs; here only the names are needed.
macro_rules! command_list {
    ($($module:ident :: $command:ident : $access:ident),* $(,)?) => {
        const COMMANDS: &[&str] = &[$(stringify!($command)),*];
    };
}
include!("src/command_list.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    // Declaring every command generates an `allow-…` permission for each, so the capability
    // file can grant the window exactly these and nothing else.
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
