//! End-to-end: 山田さん hands 柏キャンパス to 佐藤さん in the real app window, by files on a
//! USB stick, as the two would: each writes their laptop card, each registers the other's
//! only with the digits read from the other's screen (a wrong number is refused), 山田さん
//! seals the caseload, 佐藤さん sees who sent what and takes it, and 山田さん's copy goes
//! with 佐藤さん's receipt. The two laptops are two data folders, one window at a time.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};

use driver::App;
use salon_day::{add_campus_of_today, open_salon, set_up, shots_dir, to_handover, unlock};

/// Writes this laptop's card to the stick; returns the digits its screen shows.
fn write_card(app: &App, name: &str, usb: &Path) -> String {
    let digits = app.text("handover-my-fingerprint");
    assert_eq!(digits.replace(' ', "").len(), 24, "{digits}");
    app.type_into("handover-my-label", name);
    app.type_into("handover-card-folder", usb.to_str().unwrap());
    app.click("handover-card-write");
    app.wait_until("the card written", || {
        app.is_present("handover-notice")
            .then(|| app.text("handover-notice"))
            .filter(|t| t.contains("端末カードを書き出しました"))
    });
    digits
}

fn file_on(usb: &Path, extension: &str) -> PathBuf {
    std::fs::read_dir(usb)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == extension))
        .unwrap_or_else(|| panic!("no .{extension} on the stick"))
}

fn register(app: &App, card: &Path, digits: &str) {
    app.type_into("handover-card-path", card.to_str().unwrap());
    app.type_into("handover-card-fingerprint", digits);
    app.click("handover-card-import");
}

fn file_holds(path: &Path, needle: &str) -> bool {
    let bytes = std::fs::read(path).unwrap();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_campus_handed_to_a_colleague_by_files_on_a_stick() {
    let shots = shots_dir();
    let a_home = tempfile::tempdir().unwrap();
    let b_home = tempfile::tempdir().unwrap();
    let usb = tempfile::tempdir().unwrap();
    let usb = usb.path();
    let note = format!(
        "家のことで眠れていないと話した {}",
        support::canary("handover-note")
    );

    // 佐藤さん's laptop, new: writes its card.
    let b = App::start(b_home.path(), &shots);
    set_up(&b);
    to_handover(&b);
    let b_digits = write_card(&b, "佐藤 一郎", usb);
    b.screenshot("100-handover-my-card");
    b.quit();

    // 山田さん's laptop: a salon day with はるか, then the handover.
    let a = App::start(a_home.path(), &shots);
    set_up(&a);
    add_campus_of_today(&a, None);
    open_salon(&a);
    a.click("new-visit");
    a.wait_for_screen("visit");
    a.set_value("visit-student", "new");
    a.type_into("visit-new-student-name", "はるか");
    a.set_value("visit-route", "teacher");
    a.click("visit-topic-family");
    a.type_into("visit-note", &note);
    a.click("visit-save");
    a.wait_for_screen("today");
    a.click("salon-close");
    a.click("salon-close-confirm");
    a.wait_until("the salon closed", || {
        (!a.is_present("salon-close")).then_some(())
    });
    to_handover(&a);
    // Neither enrolled with headquarters nor knowing a colleague's laptop: nothing to send by
    // yet, and the screen says what would open each way.
    let none = a.text("handover-send-none");
    assert!(
        none.contains("同僚のパソコン") && none.contains("設定"),
        "{none}"
    );
    let a_digits = write_card(&a, "山田 花子", usb);
    let b_card = file_on(usb, "salon-card");
    // The wrong number (a digit misread, or a card swapped on the way) is refused.
    // The field groups what is typed by four, as the other screen shows it.
    let plain = b_digits.replace(' ', "");
    let last = if plain.ends_with('0') { '1' } else { '0' };
    let wrong: Vec<String> = format!("{}{last}", &plain[..23])
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let wrong = wrong.join(" ");
    register(&a, &b_card, &wrong);
    let refused = a.text("form-error");
    assert!(refused.contains("確認番号"), "{refused}");
    a.screenshot("101-handover-wrong-number");
    a.type_into("handover-card-fingerprint", &b_digits);
    a.click("handover-card-import");
    a.wait_until("佐藤さん registered", || {
        a.text("handover-known").contains("佐藤 一郎").then_some(())
    });
    // Headquarters cannot carry it (not enrolled): that way is shown, not offered.
    let hq_way = a.script(
        "return document.querySelector('[data-testid=\"handover-way-hq\"]').disabled;",
        serde_json::json!([]),
    );
    assert_eq!(hq_way, serde_json::json!(true));
    assert!(a.text("handover-way-hq-hint").contains("選べません"));
    a.click("handover-reason-transfer");
    a.type_into("handover-send-fingerprint", &b_digits);
    assert_eq!(
        a.value("handover-send-label"),
        "山田 花子",
        "the name typed once"
    );
    a.type_into("handover-send-folder", usb.to_str().unwrap());
    a.click("handover-seal");
    let sealed = a.wait_until("the package", || {
        Some(a.text("handover-notice")).filter(|t| !t.is_empty())
    });
    assert!(sealed.contains("生徒1人、来談記録1件"), "{sealed}");
    a.screenshot("102-handover-sealed");
    a.quit();
    let package = file_on(usb, "salon-handover");
    for secret in [note.as_str(), "はるか", "眠れていない"] {
        assert!(
            !file_holds(&package, secret),
            "{secret} readable in the package"
        );
    }
    // A's card was written under its own name: B registers it by A's digits.
    let a_card = std::fs::read_dir(usb)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("山田"))
        .unwrap();

    // 佐藤さん takes it.
    let b = App::start(b_home.path(), &shots);
    unlock(&b);
    to_handover(&b);
    register(&b, &a_card, &a_digits);
    b.wait_until("山田さん registered", || {
        b.text("handover-known").contains("山田 花子").then_some(())
    });
    b.type_into("handover-package-path", package.to_str().unwrap());
    b.click("handover-open");
    let from = b.wait_until("the summary", || {
        Some(b.text("handover-from")).filter(|t| !t.is_empty())
    });
    assert_eq!(from, "山田 花子");
    assert!(b.text("handover-counts").contains("生徒1人"));
    b.script(
        "document.querySelector('[data-testid=\"handover-summary\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    b.screenshot("103-handover-received");
    b.click("handover-accept");
    let receipt_line = b.wait_until("the receipt", || {
        Some(b.text("handover-notice")).filter(|t| t.contains("受領書"))
    });
    assert!(receipt_line.contains(".salon-receipt"), "{receipt_line}");
    b.screenshot("104-handover-taken");
    b.click("nav-search");
    b.wait_for_screen("search");
    b.type_into("search-text", "眠れていない");
    b.wait_until("the note found", || {
        (b.count("search-result") == 1).then_some(())
    });
    b.screenshot("105-handover-note-found");
    // Its form says a correction changes nothing at headquarters.
    b.click("search-result");
    b.wait_for_screen("visit");
    assert!(b.text("visit-taken").contains("事務局の件数は変わりません"));
    assert!(b.value("visit-note").contains("眠れていない"));
    b.screenshot("105b-handover-taken-visit");
    b.quit();

    // 山田さん imports the receipt: the copy goes.
    let receipt = file_on(usb, "salon-receipt");
    let a = App::start(a_home.path(), &shots);
    unlock(&a);
    to_handover(&a);
    a.type_into("handover-receipt-file", receipt.to_str().unwrap());
    a.click("handover-import-receipt");
    let settled = a.wait_until("settled", || {
        Some(a.text("handover-notice")).filter(|t| !t.is_empty())
    });
    assert!(settled.contains("担当交代が完了"), "{settled}");
    a.screenshot("106-handover-settled");
    a.click("nav-search");
    a.wait_for_screen("search");
    a.type_into("search-text", "眠れていない");
    a.wait_until("nothing left", || {
        a.text("search-count").contains("ありません").then_some(())
    });
    to_handover(&a);
    a.script(
        "document.querySelector('[data-testid=\"handover-record-list\"]').scrollIntoView();",
        serde_json::json!([]),
    );
    assert!(a.text("handover-record-list").contains("完了"));
    a.screenshot("107-handover-record");
    a.quit();
}
