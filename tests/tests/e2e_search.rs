//! End-to-end, search (検索) in the real app window: a visit whose note mentions the bakery job
//! interview is found by 「面接」 (two characters: the scan) and by a longer phrase (the trigram
//! index), typed into the search box, with the words marked; a filter narrows; the result opens
//! the visit. Half-width katakana and hiragana find the katakana as written.
//!
//! Run with `cargo build -p salon-app && xvfb-run -a cargo test -p salon-tests --features e2e
//! --test e2e_search`. The screenshot goes to `tests/screenshots/30-search.png`.
#![cfg(feature = "e2e")]

#[path = "support/driver.rs"]
mod driver;
#[path = "support/salon_day.rs"]
mod salon_day;
#[path = "support/mod.rs"]
mod support;

use driver::App;
use salon_day::{add_campus_of_today, open_salon, set_up, shots_dir};
use serde_json::json;

const NOTE: &str = "十月の相談。パン屋のアルバイトの面接を来週受けるので、志望動機を一緒に考えた。";

fn set_up_with_campus_of_today(app: &App) {
    set_up(app);
    add_campus_of_today(app, None);
    open_salon(app);
}

fn log_visit(app: &App, name: Option<&str>, topic: &str, note: &str) {
    app.click("nav-today");
    app.wait_for_screen("today");
    app.click("new-visit");
    app.wait_for_screen("visit");
    if let Some(name) = name {
        app.set_value("visit-student", "new");
        app.type_into("visit-new-student-name", name);
    }
    app.set_value("visit-route", "self");
    app.click(&format!("visit-topic-{topic}"));
    app.type_into("visit-note", note);
    app.click("visit-save");
    app.wait_for_screen("today");
}

/// The text of every <mark> in the results.
fn marks(app: &App) -> Vec<String> {
    let v = app.script(
        "return [...document.querySelectorAll('[data-testid=\"search-result\"] mark')].map(m => m.textContent);",
        json!([]),
    );
    serde_json::from_value(v).unwrap()
}

/// Types `text` into the search box and waits until the results show `count` visits.
fn search_for(app: &App, text: &str, count: usize) {
    app.type_into("search-text", text);
    app.wait_until(&format!("{count} result(s) for {text}"), || {
        let answered = app.script(
            "return document.querySelector('[data-testid=\"search-results\"]').dataset.text;",
            json!([]),
        );
        if answered.as_str() != Some(text) {
            return None;
        }
        let shown = app.count("search-result");
        let line = app.text("search-count");
        let settled = if count == 0 {
            line.contains("ありません")
        } else {
            line.contains(&format!("{count}件中"))
        };
        (shown == count && settled).then_some(())
    });
}

#[test]
fn a_phrase_typed_in_japanese_finds_the_visit_and_marks_it() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let app = App::start(home, &shots_dir());
    set_up_with_campus_of_today(&app);
    log_visit(&app, Some("はるか"), "part_time", NOTE);
    log_visit(
        &app,
        None,
        "further_study",
        "進学の相談。オープンキャンパスの日程を確認した。",
    );

    // 「/」 from Today opens the search screen with the cursor in the box.
    app.script(
        "document.body.dispatchEvent(new KeyboardEvent('keydown', {key: '/', bubbles: true}));",
        json!([]),
    );
    app.wait_for_screen("search");
    let focused = app.script(
        "return document.activeElement && document.activeElement.dataset.testid;",
        json!([]),
    );
    assert_eq!(focused.as_str(), Some("search-text"));
    // With nothing typed, the latest visits are listed.
    app.wait_until("both visits listed", || {
        (app.count("search-result") == 2).then_some(())
    });

    // Two characters: found by the scan, the word marked.
    search_for(&app, "面接", 1);
    assert_eq!(marks(&app), ["面接"]);
    let row = app.text("search-result");
    assert!(row.contains("はるか"), "student in the row: {row}");
    assert!(row.contains("柏キャンパス"), "campus in the row: {row}");
    assert!(row.contains("パン屋のアルバイトの面接"), "snippet: {row}");
    app.screenshot("30-search");

    // A longer phrase: found through the trigram index.
    search_for(&app, "パン屋のアルバイト", 1);
    assert_eq!(marks(&app), ["パン屋のアルバイト"]);
    search_for(&app, "オープンキャンパス", 1);
    assert!(app.text("search-result").contains("匿名"));
    search_for(&app, "パン屋の就職", 0);

    // Typed the way a phone or a pasted form writes it: half-width katakana, hiragana. Found
    // all the same, and the note's own characters are marked.
    search_for(&app, "ﾊﾟﾝ屋のｱﾙﾊﾞｲﾄ", 1);
    assert_eq!(marks(&app), ["パン屋のアルバイト"]);
    app.screenshot("31-search-half-width");
    search_for(&app, "ぱん屋", 1);
    assert_eq!(marks(&app), ["パン屋"]);

    // A filter narrows: no visit about the bakery was flagged 要連携.
    search_for(&app, "面接", 1);
    app.click("search-concern");
    app.wait_until("no concern result", || {
        (app.count("search-result") == 0).then_some(())
    });
    app.click("search-concern");
    app.wait_until("the result again", || {
        (app.count("search-result") == 1).then_some(())
    });

    // The result opens the visit.
    app.click("search-result");
    app.wait_for_screen("visit");
    assert_eq!(app.value("visit-note"), NOTE);
    app.quit();
}
