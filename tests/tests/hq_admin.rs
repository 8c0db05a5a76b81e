//! End-to-end: headquarters set up and run from a browser, as an NPO office worker would,
//! in headless Chromium against the real HQ on 127.0.0.1. The first admin comes from the
//! one-time link; campuses are added, refused, renamed and retired; 設定 offers no dial for the
//! noise; a funded term with its targets is added and read on the dashboard; a 閲覧者 account is made, logs in and is refused every change; a forged form is
//! refused; the audit log shows who did what.
//!
//! Run with `cargo test -p salon-tests --features e2e --test hq_admin` (no display needed).
//! Screenshots go to `tests/screenshots/hq-admin-*.png`.
#![cfg(feature = "e2e")]

#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/mod.rs"]
mod support;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::sync::Arc;

use chromium::Chromium;
use chrono::Utc;
use salon_hq_store::{AuditAction, Role};
use serde_json::json;

const ADMIN: &str = "事務局 佐藤";
const ADMIN_PASSWORD: &str = "honbu-aikotoba-2024";
const VIEWER: &str = "suzuki";
const VIEWER_PASSWORD: &str = "etsuran-dake-2024";

/// The real HQ on 127.0.0.1:0 over an empty database, and the set-up link `serve` prints.
async fn start_empty_hq(dir: &std::path::Path) -> (String, Arc<salon_hq_store::HqStore>, String) {
    let store = salon_hq_store::HqStore::open(&dir.join("hq.db")).unwrap();
    let token = store.issue_setup_link(Utc::now()).unwrap().unwrap();
    let state = salon_hq_web::ServerState {
        log: salon_hq_web::LogSink::Memory(Arc::default()),
        ..salon_hq_web::ServerState::new(store)
    };
    let hq = state.store.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = salon_hq_web::router(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hq, token)
}

fn submit(browser: &Chromium, form: &str) {
    browser.click_css(&format!("{form} button[type=\"submit\"]"));
}

/// The value a field holds now.
fn field(browser: &Chromium, css: &str) -> String {
    browser.find_css(css);
    browser
        .script(
            "return document.querySelector(arguments[0]).value;",
            json!([css]),
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn wait_for_title(browser: &Chromium, title: &str) {
    browser.wait_until(title, || {
        browser.text_css("h1").contains(title).then_some(())
    });
}

#[test]
fn headquarters_is_set_up_from_a_browser_and_a_viewer_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rt = support::runtime();
    let (url, hq, token) = rt.block_on(start_empty_hq(dir.path()));
    let browser = Chromium::start(&support::shots_dir());

    // The first admin, from the link printed on the first start.
    browser.navigate(&format!("{url}/setup?token={token}"));
    wait_for_title(&browser, "初期設定");
    browser.type_into_css("input[name=\"name\"]", ADMIN);
    browser.type_into_css("input[name=\"password\"]", ADMIN_PASSWORD);
    browser.type_into_css("input[name=\"password_again\"]", ADMIN_PASSWORD);
    browser.screenshot("hq-admin-setup");
    submit(&browser, "form[action=\"/setup\"]");
    browser.find("figure-schools");
    assert_eq!(browser.text("who"), format!("{ADMIN}（管理者）"));
    // The link is spent.
    browser.navigate(&format!("{url}/setup?token={token}"));
    assert!(browser
        .text("error")
        .contains("この設定用リンクは使えません"));

    // Campuses: added, a bad code refused with what was typed kept, renamed, retired.
    browser.navigate(&format!("{url}/campuses"));
    let add = "form[data-testid=\"add-campus\"]";
    browser.type_into_css(&format!("{add} input[name=\"code\"]"), "C-012");
    browser.type_into_css(&format!("{add} input[name=\"name\"]"), "柏キャンパス");
    submit(&browser, add);
    browser.find_css("tr[data-code=\"C-012\"]");
    browser.type_into_css(&format!("{add} input[name=\"code\"]"), "c13");
    browser.type_into_css(&format!("{add} input[name=\"name\"]"), "松戸キャンパス");
    submit(&browser, add);
    assert!(browser
        .text("error")
        .contains("キャンパスコードは英大文字・数字・「-」で入力してください"));
    assert_eq!(
        field(&browser, &format!("{add} input[name=\"name\"]")),
        "松戸キャンパス"
    );
    assert_eq!(
        field(&browser, &format!("{add} input[name=\"code\"]")),
        "c13"
    );
    browser.full_page_screenshot("hq-admin-campus-refused");
    browser.type_into_css(&format!("{add} input[name=\"code\"]"), "C-013");
    submit(&browser, add);
    browser.find_css("tr[data-code=\"C-013\"]");
    let row = "tr[data-code=\"C-013\"]";
    browser.type_into_css(&format!("{row} input[name=\"name\"]"), "松戸駅前キャンパス");
    submit(&browser, &format!("{row} form[action$=\"/rename\"]"));
    browser.wait_until("the new name", || {
        (field(&browser, &format!("{row} input[name=\"name\"]")) == "松戸駅前キャンパス")
            .then_some(())
    });
    submit(&browser, &format!("{row} form[action$=\"/retire\"]"));
    // Asked once more, in the page, with what it means and how to undo it.
    assert!(browser.text("confirm").contains("再開"));
    browser.screenshot("hq-admin-confirm-retire");
    browser.click("confirm-yes");
    browser.wait_until("the campus retired", || {
        browser.text_css(row).contains("終了").then_some(())
    });
    let table = browser.table("campuses");
    assert_eq!(table.len(), 2);
    assert_eq!(table[0][2], "利用中");
    assert!(table[1][2].starts_with("終了"), "{table:?}");
    browser.full_page_screenshot("hq-admin-campuses");
    // A retired campus is not offered for a new enrolment code.
    browser.navigate(&format!("{url}/codes/new"));
    assert_eq!(browser.count_css("input[name=\"campus\"]"), 1);
    browser.find_css("input[name=\"campus\"][value=\"C-012\"]");

    // A form whose token was tampered with changes nothing.
    browser.navigate(&format!("{url}/campuses"));
    browser.script(
        "document.querySelector('form[data-testid=\"add-campus\"] input[name=\"csrf\"]').value = 'forged';",
        json!([]),
    );
    browser.type_into_css(&format!("{add} input[name=\"code\"]"), "C-014");
    browser.type_into_css(&format!("{add} input[name=\"name\"]"), "偽の送信");
    submit(&browser, add);
    wait_for_title(&browser, "この操作はできません");
    assert!(browser.text("error").contains("画面を読み込み直して"));
    assert_eq!(hq.campuses().unwrap().len(), 2);

    // 設定 asks for no noise: its scales are the protocol's, not dials.
    browser.navigate(&format!("{url}/settings"));
    wait_for_title(&browser, "設定");
    for gone in ["rule-form", "noise-form"] {
        assert!(!browser.is_present(gone), "{gone}");
    }
    let settings = browser.text_css("main");
    assert!(
        !settings.contains("ノイズの大きさ") && !settings.contains(" b "),
        "{settings}"
    );
    browser.full_page_screenshot("hq-admin-settings");

    // A funded term beside the year, with its targets; a bad target refused.
    browser.navigate(&format!("{url}/terms"));
    let term = "form[data-testid=\"term-form\"]";
    browser.type_into_css(&format!("{term} input[name=\"name\"]"), "2024年度 休眠預金");
    browser.type_into_css(
        &format!("{term} input[name=\"funder\"]"),
        "休眠預金活用事業",
    );
    browser.script(
        "document.querySelector('input[name=\"from\"]').value = '2024-09';
         document.querySelector('input[name=\"to\"]').value = '2025-02';
         document.querySelector('input[name=\"visits\"]').type = 'text';",
        json!([]),
    );
    browser.type_into_css(&format!("{term} input[name=\"schools\"]"), "20");
    browser.type_into_css(&format!("{term} input[name=\"sessions\"]"), "230");
    browser.type_into_css(&format!("{term} input[name=\"visits\"]"), "400人");
    browser.type_into_css(&format!("{term} input[name=\"events_career_talk\"]"), "6");
    submit(&browser, term);
    assert!(browser.text("error").contains("目標は0以上の整数"));
    assert_eq!(
        field(&browser, &format!("{term} input[name=\"name\"]")),
        "2024年度 休眠預金"
    );
    assert_eq!(
        field(&browser, &format!("{term} input[name=\"from\"]")),
        "2024-09"
    );
    browser.type_into_css(&format!("{term} input[name=\"visits\"]"), "400");
    submit(&browser, term);
    browser.find_css("tr[data-term=\"2024年度 休眠預金\"]");
    browser.full_page_screenshot("hq-admin-terms");
    let saved = hq.terms().unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(
        (
            saved[0].targets.schools,
            saved[0].targets.sessions,
            saved[0].targets.visits
        ),
        (Some(20), Some(230), Some(400))
    );
    assert_eq!(saved[0].targets.events[0].events, Some(6));
    // The dashboard reads the term's months against its targets.
    browser.navigate(&format!("{url}/"));
    browser.script(
        "document.querySelector('select[name=\"term\"]').value = arguments[0];",
        json!([saved[0].id.to_string()]),
    );
    submit(&browser, "form[data-testid=\"filter-term\"]");
    browser.wait_until("the term's period", || {
        browser.current_url().contains("term=").then_some(())
    });
    assert_eq!(
        browser.table("figure-visits"),
        vec![vec![
            "利用人数（延べ）".to_owned(),
            "0名".into(),
            "400名".into(),
            "0%".into()
        ]]
    );
    assert!(browser
        .text_css("main")
        .contains("集計期間：2024年9月 〜 2025年2月"));

    // The term edited: its visits target raised.
    browser.navigate(&format!("{url}/terms/{}", saved[0].id));
    browser.type_into_css(&format!("{term} input[name=\"visits\"]"), "450");
    submit(&browser, term);
    browser.find_css("tr[data-term=\"2024年度 休眠預金\"]");
    assert_eq!(hq.term(saved[0].id).unwrap().targets.visits, Some(450));

    // An enrolment code without a campus is refused, the supporter's name kept.
    browser.navigate(&format!("{url}/codes/new"));
    browser.type_into_css("input[name=\"supporter\"]", "山田 花子");
    submit(&browser, "form[action=\"/codes\"]");
    assert!(browser
        .text("error")
        .contains("担当キャンパスを1つ以上選んでください"));
    assert_eq!(field(&browser, "input[name=\"supporter\"]"), "山田 花子");
    browser.click_css("input[name=\"campus\"][value=\"C-012\"]");
    submit(&browser, "form[action=\"/codes\"]");
    browser.screenshot("hq-admin-code-issued");
    let code = browser.text("enrolment-code");
    let code = salon_protocol::EnrolmentCode::parse(&code).expect("a code");

    // A laptop enrols with it on app 1.0.0; a colleague's laptop on 1.0.1 comes after, so
    // 端末一覧 names the first for updating, with the version each laptop sent.
    let app = |v| salon_protocol::AppVersion::parse(v).unwrap();
    hq.enrol(&code, &app("1.0.0"), Utc::now()).unwrap();
    let id = hq.devices().unwrap()[0].id;
    browser.navigate(&format!("{url}/codes/new"));
    browser.type_into_css("input[name=\"supporter\"]", "佐藤 一郎");
    browser.click_css("input[name=\"campus\"][value=\"C-012\"]");
    submit(&browser, "form[action=\"/codes\"]");
    let other = salon_protocol::EnrolmentCode::parse(&browser.text("enrolment-code")).unwrap();
    hq.enrol(&other, &app("1.0.1"), Utc::now()).unwrap();
    browser.navigate(&format!("{url}/devices"));
    let old = browser.script(
        "return document.querySelector('[data-testid=\"device-app-outdated\"]').dataset.version;",
        json!([]),
    );
    assert_eq!(old, json!("1.0.0"));
    assert!(browser
        .text_css("[data-testid=\"device-app-outdated\"]")
        .contains("古い版です"));
    assert!(browser
        .text_css("[data-testid=\"device-app-current\"]")
        .contains("1.0.1"));
    browser.full_page_screenshot("hq-admin-devices");
    browser.click_css(&format!("button[data-testid=\"takeover-{id}\"]"));
    let takeover = browser.text("enrolment-code");
    assert!(
        salon_protocol::EnrolmentCode::parse(&takeover).is_ok(),
        "{takeover}"
    );
    assert!(browser
        .text_css("main")
        .contains("新しいパソコンでバックアップを復元し"));
    browser.screenshot("hq-admin-takeover");

    // A viewer account.
    browser.navigate(&format!("{url}/accounts"));
    let acc = "form[data-testid=\"add-account\"]";
    browser.type_into_css(&format!("{acc} input[name=\"name\"]"), VIEWER);
    browser.type_into_css(&format!("{acc} input[name=\"password\"]"), VIEWER_PASSWORD);
    browser.type_into_css(
        &format!("{acc} input[name=\"password_again\"]"),
        VIEWER_PASSWORD,
    );
    assert_eq!(
        field(&browser, &format!("{acc} select[name=\"role\"]")),
        "viewer"
    );
    submit(&browser, acc);
    browser.find_css(&format!("tr[data-name=\"{VIEWER}\"]"));
    browser.full_page_screenshot("hq-admin-accounts");
    let viewer = hq
        .admins()
        .unwrap()
        .into_iter()
        .find(|a| a.name == VIEWER)
        .unwrap();
    assert_eq!(viewer.role, Role::Viewer);

    // Who did what.
    browser.navigate(&format!("{url}/audit"));
    let log = browser.table("audit");
    let actions: Vec<&str> = log.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(
        actions,
        [
            "アカウントを作成",
            "引き継ぎの登録コードを発行",
            // The colleague's laptop.
            "登録コードを発行",
            "登録コードを発行",
            "事業期間と目標を保存",
            "事業期間と目標を保存",
            "キャンパスを終了",
            "キャンパス名を変更",
            "キャンパスを追加",
            "キャンパスを追加",
            "最初の管理者を作成",
        ]
    );
    assert!(log.iter().all(|r| r[1] == ADMIN), "{log:?}");
    assert_eq!(log[7][3], "C-013: 松戸キャンパス → 松戸駅前キャンパス");
    assert_eq!(log[1][3], format!("端末 {id}（山田 花子、C-012）"));
    assert_eq!(log[2][3], "佐藤 一郎（C-012）");
    assert_eq!(
        log[3][3], "山田 花子（C-012）",
        "who the code is for, never the code"
    );
    browser.full_page_screenshot("hq-admin-audit");

    // The viewer: figures yes, changes no — not even a request sent by hand.
    browser.click_css("form[action=\"/logout\"] button");
    browser.log_in(&url, VIEWER, VIEWER_PASSWORD);
    assert_eq!(browser.text("who"), format!("{VIEWER}（閲覧者）"));
    assert_eq!(browser.count_css("nav a[href=\"/campuses\"]"), 0);
    browser.navigate(&format!("{url}/campuses"));
    wait_for_title(&browser, "この操作はできません");
    assert!(browser
        .text("error")
        .contains("この操作は管理者だけができます"));
    browser.screenshot("hq-admin-viewer-refused");
    let status = browser.script_async(
        "const done = arguments[arguments.length - 1];
         const csrf = document.querySelector('form[action=\"/logout\"] input[name=\"csrf\"]').value;
         fetch('/campuses', {method: 'POST', redirect: 'manual',
                body: new URLSearchParams({csrf, code: 'C-099', name: 'x'})})
           .then(r => done(r.status));",
        json!([]),
    );
    assert_eq!(status, json!(403));
    assert_eq!(hq.campuses().unwrap().len(), 2);
    let logged = hq.audit_log(None).unwrap();
    assert_eq!(logged.len(), 11);
    assert_eq!(logged[0].action, Some(AuditAction::AdminCreated));

    // The viewer's own password: a wrong current one refused, then changed.
    browser.navigate(&format!("{url}/password"));
    browser.type_into_css("input[name=\"current\"]", "not-my-password");
    browser.type_into_css("input[name=\"password\"]", "a-new-viewer-password");
    browser.type_into_css("input[name=\"password_again\"]", "a-new-viewer-password");
    submit(&browser, "form[action=\"/password\"]");
    assert!(browser.text("error").contains("今のパスワードが違います"));
    browser.type_into_css("input[name=\"current\"]", VIEWER_PASSWORD);
    browser.type_into_css("input[name=\"password\"]", "a-new-viewer-password");
    browser.type_into_css("input[name=\"password_again\"]", "a-new-viewer-password");
    submit(&browser, "form[action=\"/password\"]");
    assert!(browser.text("done").contains("パスワードを変更しました"));
    assert_eq!(
        hq.audit_log(None).unwrap()[0].action,
        Some(AuditAction::PasswordChanged)
    );
}
