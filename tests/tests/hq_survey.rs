//! End-to-end: a teachers' survey in headless Chromium. An admin makes it from the template
//! and prints a campus's QR sheet; teachers answer on a phone-sized window, without an
//! account; the results show the whole survey as charts, and no per-campus result where a
//! campus has four answers.
//!
//! Run with `cargo test -p salon-tests --features e2e --test hq_survey` (no display needed).
//! Screenshots go to `tests/screenshots/hq-survey-*.png`.
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
use salon_hq_store::surveys::{AnswerInput, Audience};
use salon_hq_store::{Actor, Role};
use salon_protocol::CampusCode;
use serde_json::json;

const ADMIN: &str = "事務局 佐藤";
const PASSWORD: &str = "honbu-aikotoba-2024";

async fn start_hq(dir: &std::path::Path) -> (String, Arc<salon_hq_store::HqStore>) {
    let store = salon_hq_store::HqStore::open(&dir.join("hq.db")).unwrap();
    let by = Actor::cli();
    for (code, name) in [("C-012", "柏キャンパス"), ("C-013", "秋葉原キャンパス")] {
        store
            .add_campus(&by, &CampusCode::parse(code).unwrap(), name, Utc::now())
            .unwrap();
    }
    store
        .create_admin(&by, ADMIN, PASSWORD, Role::Manager, Utc::now())
        .unwrap();
    store
        .set_organisation(
            &by,
            "NPO法人 キャリアベース",
            "事務局 03-0000-0000 info@example.org",
            Utc::now(),
        )
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let state = salon_hq_web::ServerState {
        log: salon_hq_web::LogSink::Memory(Arc::default()),
        public_url: url.clone(),
        ..salon_hq_web::ServerState::new(store)
    };
    let hq = state.store.clone();
    let app =
        salon_hq_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hq)
}

/// Each control of the survey form scrolled into view: outside the viewport's width, or
/// covered at its centre, it is listed in `bad`; `boxes` holds the distinct sizes of the radio
/// buttons and checkboxes.
const CONTROLS_WITHIN_REACH: &str = r#"
const controls = [...document.querySelectorAll(
  'form.survey input:not([type=hidden]), form.survey textarea, form.survey button')];
const bad = [];
const boxes = new Set();
for (const el of controls) {
  el.scrollIntoView({block: 'center', inline: 'nearest'});
  const r = el.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (r.left < 0 || r.right > window.innerWidth || !(hit === el || el.contains(hit))) {
    bad.push(`${el.name}=${el.value} ${Math.round(r.left)}..${Math.round(r.right)} ${hit && hit.tagName}`);
  }
  if (el.type === 'radio' || el.type === 'checkbox') {
    boxes.add(`${Math.round(r.width)}x${Math.round(r.height)}`);
  }
}
window.scrollTo(0, 0);
return {bad, count: controls.length, boxes: [...boxes], width: window.innerWidth};
"#;

#[test]
fn teachers_answer_on_a_phone_and_a_small_campus_stays_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let rt = support::runtime();
    let (url, hq) = rt.block_on(start_hq(dir.path()));
    let browser = Chromium::start(&support::shots_dir());

    // The admin makes the survey from the template.
    browser.log_in(&url, ADMIN, PASSWORD);
    browser.navigate(&format!("{url}/surveys"));
    browser.click_css("form[data-testid=\"new-survey\"] button[type=\"submit\"]");
    browser.find("questions-form");
    browser.full_page_screenshot("hq-survey-questions");
    browser.click_css("form[data-testid=\"questions-form\"] button[type=\"submit\"]");
    browser.find("survey-links");
    browser.full_page_screenshot("hq-survey-links");
    let survey = hq.surveys().unwrap().remove(0);
    assert_eq!(survey.audience, Audience::Teachers);
    let deadline = chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
    hq.set_deadline(&Actor::cli(), survey.id, Some(deadline), Utc::now())
        .unwrap();
    let links = hq.survey_links(survey.id).unwrap();
    let kashiwa = links
        .iter()
        .find(|l| l.campus_code.as_deref() == Some("C-012"))
        .unwrap();
    let akihabara = links
        .iter()
        .find(|l| l.campus_code.as_deref() == Some("C-013"))
        .unwrap();
    browser.navigate(&format!(
        "{url}/surveys/{}/links/{}/print",
        survey.id, kashiwa.id
    ));
    browser.find("qr");
    assert!(browser
        .text_css("main")
        .contains(&format!("{url}/s/{}", kashiwa.token)));
    browser.screenshot("hq-survey-qr-sheet");

    // Five teachers at 柏 answer on a phone, no account.
    browser.navigate(&format!("{url}/surveys"));
    browser.click_css("form[action=\"/logout\"] button");
    browser.set_window_size(390, 844);
    let q = |i: usize| survey.questions[i].id;
    for n in 0..5 {
        browser.navigate(&format!("{url}/s/{}", kashiwa.token));
        browser.find("survey-form");
        if n == 0 {
            // Every control, once scrolled to, lies within the phone's width and is what a
            // finger at its centre touches; every box is the same size, wrapped choice or not.
            let seen = browser.script(CONTROLS_WITHIN_REACH, json!([]));
            assert_eq!(seen["bad"], json!([]), "{seen}");
            assert!(seen["count"].as_u64().unwrap() > 20, "{seen}");
            assert_eq!(seen["boxes"].as_array().unwrap().len(), 1, "{seen}");
            assert!(browser
                .text_css("header")
                .contains("NPO法人 キャリアベース"));
            assert!(browser.text("contact").contains("03-0000-0000"));
            assert!(browser.text("deadline").contains("2026年12月20日"));
        }
        browser.click_css(&format!("input[name=\"q{}\"][value=\"{}\"]", q(0), n % 2));
        browser.click_css(&format!("input[name=\"q{}\"][value=\"0\"]", q(1)));
        browser.click_css(&format!("input[name=\"q{}\"][value=\"3\"]", q(1)));
        browser.click_css(&format!("input[name=\"q{}\"][value=\"0\"]", q(2)));
        browser.type_into_css(
            &format!("textarea[name=\"q{}\"]", q(4)),
            &format!("教師以外で頼れる場所ができた（{n}）"),
        );
        if n == 0 {
            // The whole form at phone width, then the phone's window again.
            browser.full_page_screenshot("hq-survey-phone");
            browser.set_window_size(390, 844);
        }
        browser.click_css("button.send");
        assert!(browser
            .text("thanks")
            .contains("ご回答ありがとうございました"));
    }
    assert_eq!(hq.survey(survey.id).unwrap().responses, 5);
    let width = browser.script("return document.documentElement.scrollWidth;", json!([]));
    assert!(
        width.as_u64().unwrap() <= 390,
        "the form fits a phone: {width}"
    );
    browser.screenshot("hq-survey-thanks");
    browser.set_window_size(1280, 1000);

    // Four at 秋葉原.
    for _ in 0..4 {
        let token = hq.form_token(akihabara.id, Utc::now()).unwrap();
        hq.submit(
            akihabara.id,
            &token,
            &[(q(0), AnswerInput::Choices(vec![2]))],
            Utc::now(),
        )
        .unwrap();
    }

    // While it is open, the results wait; the office closes it (asked once more).
    browser.log_in(&url, ADMIN, PASSWORD);
    browser.navigate(&format!("{url}/surveys/{}", survey.id));
    browser.find("results-wait");
    browser.navigate(&format!("{url}/surveys/{}/links", survey.id));
    browser.find("answers-per-day");
    browser.full_page_screenshot("hq-survey-links-answered");
    browser.click_css(&format!(
        "form[action=\"/surveys/{}/close\"] button",
        survey.id
    ));
    browser.find("confirm-close");
    browser.screenshot("hq-survey-confirm-close");
    browser.click_css("form input[name=\"confirmed\"] ~ button");

    // The results, where closing leads: the whole survey as charts; neither campus on its own
    // (秋葉原 has four, and 柏 alone would give them away).
    browser.find("comments");
    assert!(browser.text("survey-status").contains("回答 9件"));
    assert!(
        browser.text_css("main").contains("4件（44%）"),
        "どちらともいえない 4 of 9"
    );
    assert_eq!(browser.count_css("section.campus"), 0);
    assert!(browser.text("hidden-campuses").contains("2キャンパス"));
    assert_eq!(browser.count_css("ul.comments li"), 5);
    browser.full_page_screenshot("hq-survey-results");
}
