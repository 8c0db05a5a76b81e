//! End-to-end: headquarters' history in headless Chromium. A device sends a salon day, then a
//! correction of it; an admin goes from the dashboard's campus × month table to the month's
//! days and to the day's revisions, and what the pages show is what the database holds.
//!
//! Run with `cargo test -p salon-tests --features e2e --test hq_history` (no display needed).
//! Screenshots go to `tests/screenshots/hq-history-*.png`.
#![cfg(feature = "e2e")]

#[path = "support/chromium.rs"]
mod chromium;
#[path = "support/mod.rs"]
mod support;
#[path = "support/webdriver.rs"]
mod webdriver;

use chromium::Chromium;
use chrono::{Datelike, NaiveDate, NaiveTime, Utc};
use salon_core::{CampusInput, SessionOpen, VisitInput};
use salon_protocol::{CampusCode, EnrolmentCode};
use salon_store::{Store, Vault};
use salon_sync::HqClient;

const PASS: &str = "さくら咲く相談室2025";
const ADMIN: &str = "事務局 佐藤";
const ADMIN_PASSWORD: &str = "本部の合言葉-2024";

fn log(store: &mut Store, session_id: i64, route: &str) -> i64 {
    let input = VisitInput {
        id: None,
        session_id,
        student_id: None,
        new_student: None,
        route: route.into(),
        topics: vec!["job_search".into()],
        minutes: 30,
        note: String::new(),
        next_steps: String::new(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    };
    store.save_visit(&input, None).unwrap().id
}

async fn sync(store: &mut Store, client: &HqClient) {
    store
        .prepare_outbox(salon_core::in_tokyo(Utc::now()).date_naive())
        .unwrap();
    let pending = store.pending_upload().unwrap();
    let token = store.enrolment().unwrap().unwrap().token;
    let receipt = client
        .upload(&token, &pending.idempotency_key, &pending.payload)
        .await
        .unwrap();
    store.record_sent(&pending, &receipt).unwrap();
}

#[test]
fn from_a_figure_to_the_revisions_that_made_it_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let rt = support::runtime();
    let day = NaiveDate::from_ymd_opt(2025, 2, 18).unwrap();
    let (url, hq) = rt.block_on(async {
        let hq = salon_hq_store::HqStore::open(&dir.path().join("hq.db")).unwrap();
        let code = CampusCode::parse("C-012").unwrap();
        hq.add_campus(
            &salon_hq_store::Actor::cli(),
            &code,
            "柏キャンパス",
            Utc::now(),
        )
        .unwrap();
        hq.create_admin(
            &salon_hq_store::Actor::cli(),
            ADMIN,
            ADMIN_PASSWORD,
            salon_hq_store::Role::Manager,
            Utc::now(),
        )
        .unwrap();
        let issued = hq
            .issue_code(
                &salon_hq_store::Actor::cli(),
                "山田 花子",
                &[code],
                Utc::now(),
            )
            .unwrap();
        let state = salon_hq_web::ServerState::new(hq);
        let hq = state.store.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, salon_hq_web::router(state))
                .await
                .unwrap()
        });

        // The device: a salon day of three visits, sent; one was logged by mistake, deleted, sent.
        let (mut store, _) = Vault::new(dir.path().join("device"))
            .create(PASS, PASS)
            .unwrap();
        let campus = store
            .save_campus(&CampusInput {
                id: None,
                name: "柏".into(),
                weekday: 2,
                start_time: "10:00".into(),
                end_time: "13:00".into(),
                place: String::new(),
                default_format: "in_person".into(),
                hq_code: Some("C-012".into()),
            })
            .unwrap()
            .id;
        let open = SessionOpen {
            campus_id: campus,
            format: "in_person".into(),
            place: String::new(),
        };
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let session = store.open_session(&open, day, at(10)).unwrap().id;
        log(&mut store, session, "self");
        log(&mut store, session, "teacher");
        let mistake = log(&mut store, session, "teacher");
        store.close_session(session, at(13)).unwrap();
        let client = HqClient::new(&url).unwrap();
        let enrolment = client
            .enrol(&EnrolmentCode::parse(&issued.code).unwrap())
            .await
            .unwrap();
        store.save_enrolment(client.address(), &enrolment).unwrap();
        sync(&mut store, &client).await;
        store.delete_visit(mistake).unwrap();
        sync(&mut store, &client).await;
        (url, hq)
    });
    let revisions = hq.day_revisions("C-012", day).unwrap();
    assert_eq!(
        revisions
            .iter()
            .map(|r| (r.revision, r.counts.visits, r.current))
            .collect::<Vec<_>>(),
        [(1, 3, false), (2, 2, true)]
    );

    let browser = Chromium::start(&support::shots_dir());
    browser.navigate(&url);
    browser.wait_until("the login form", || {
        browser.current_url().ends_with("/login").then_some(())
    });
    browser.type_into_css("input[name=\"name\"]", ADMIN);
    browser.type_into_css("input[name=\"password\"]", ADMIN_PASSWORD);
    browser.click_css("form[action=\"/login\"] button[type=\"submit\"]");
    browser.find("figure-sessions");
    browser.navigate(&format!("{url}?fy=2024"));
    browser.find("campus-totals");
    let row = &browser.table("campus-totals")[0];
    assert_eq!(
        (row[0].as_str(), row[3].as_str(), row[9].as_str()),
        ("C-012 柏キャンパス", "2", "2月"),
        "{row:?}"
    );

    // The campus's month opens its days.
    browser.click_css("[data-testid=\"campus-totals\"] a[href*=\"month=2025-02\"]");
    browser.find("history-days");
    assert!(browser
        .text_css("h1")
        .contains("C-012 柏キャンパス 2025年2月"));
    let days = browser.table("history-days");
    assert_eq!(days.len(), 1);
    assert_eq!(
        (
            days[0][0].as_str(),
            days[0][1].as_str(),
            days[0][3].as_str()
        ),
        ("2025年2月18日", "1", "2")
    );
    browser.full_page_screenshot("hq-history-month");

    // The day opens the revisions that made it: which device, when, what changed.
    browser.click_css("[data-testid=\"history-days\"] a");
    browser.find("history-revisions");
    let shown = browser.table("history-revisions");
    assert_eq!(shown.len(), revisions.len());
    for (row, r) in shown.iter().zip(&revisions) {
        assert_eq!(row[0], format!("山田 花子（端末{}）", r.device_id));
        assert!(row[1].starts_with(&r.revision.to_string()));
        assert_eq!(row[1].contains("集計中"), r.current);
        assert_eq!(row[5], r.counts.visits.to_string());
        let received = r.received_at.with_timezone(&chrono_tz::Asia::Tokyo);
        assert!(row[2].starts_with(&format!(
            "{}年{}月{}日",
            received.year(),
            received.month(),
            received.day()
        )));
    }
    assert_eq!(shown[0].last().unwrap(), "最初の送信");
    assert_eq!(shown[1].last().unwrap(), "利用人数（延べ） 3→2");
    browser.full_page_screenshot("hq-history-day");
}
