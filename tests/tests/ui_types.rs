//! The UI's types are the Rust types the commands take and return: `ui/api-types.d.ts` is
//! generated from them (`salon_app_lib::ui_types`), and `npm run check:ui` (tsc --checkJs) checks
//! every screen against it. This fails when the file is not what a fresh generation writes, so
//! a field renamed in Rust cannot reach the window unnoticed.
//! `UPDATE_UI_TYPES=1 cargo test -p salon-tests --test ui_types` writes it again.

use std::path::Path;

#[test]
fn the_ui_types_are_what_the_rust_types_generate() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(salon_app_lib::ui_types::UI_TYPES_FILE);
    let fresh = salon_app_lib::ui_types::declarations();
    if std::env::var_os("UPDATE_UI_TYPES").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let held = std::fs::read_to_string(&path).unwrap_or_default();
    if held != fresh {
        let first = held
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(held.lines().count().min(fresh.lines().count()));
        panic!(
            "{} differs from the Rust types from line {}:\n  held:  {:?}\n  fresh: {:?}\n\
             Run `UPDATE_UI_TYPES=1 cargo test -p salon-tests --test ui_types`, then `npm run \
             check:ui` and mend the screens it names.",
            salon_app_lib::ui_types::UI_TYPES_FILE,
            first + 1,
            held.lines().nth(first).unwrap_or(""),
            fresh.lines().nth(first).unwrap_or("")
        );
    }
}
