//! A real headquarters for the end-to-end tests: on 127.0.0.1, in a thread of its own, with
//! campus C-012 and a one-time enrolment code; and the app enrolled with it from Settings.
// Shared by several test binaries; each uses only part of it.
#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use salon_protocol::{CampusCode, DayCounts};

use crate::driver::App;
use crate::salon_day::tokyo_today;

/// Headquarters' address, its store, and the code to enrol with.
pub fn start_hq(dir: &Path) -> (String, Arc<salon_hq_store::HqStore>, String) {
    let store = salon_hq_store::HqStore::open(&dir.join("hq.db")).unwrap();
    let code = CampusCode::parse("C-012").unwrap();
    store
        .add_campus(
            &salon_hq_store::Actor::cli(),
            &code,
            "柏キャンパス",
            Utc::now(),
        )
        .unwrap();
    let issued = store
        .issue_code(
            &salon_hq_store::Actor::cli(),
            "山田 花子",
            &[code],
            Utc::now(),
        )
        .unwrap();
    let state = salon_hq_web::ServerState::new(store);
    let hq = state.store.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, salon_hq_web::router(state))
                .await
                .unwrap();
        });
    });
    let addr = rx.recv().unwrap();
    (format!("http://{addr}/"), hq, issued.code)
}

/// Enrols from Settings with the address and the code, typed as a person would (lower case).
pub fn enrol_in_settings(app: &App, hq_url: &str, code: &str) {
    app.click("nav-settings");
    app.wait_for_screen("settings");
    app.type_into("settings-hq-url", hq_url);
    app.type_into("settings-hq-code", &code.to_lowercase());
    app.click("settings-enrol");
    app.find("hq-status");
    assert!(app.text("hq-status").contains("C-012"));
}

/// What headquarters holds for one day, all campuses added up.
pub fn day(hq: &salon_hq_store::HqStore, on: NaiveDate) -> DayCounts {
    let mut sum = DayCounts::default();
    for t in hq.day_totals(on, on).unwrap() {
        for f in salon_protocol::DayField::ALL {
            sum.set(f, sum.get(f) + t.counts.get(f));
        }
    }
    sum
}

/// Visits headquarters holds for today, all campuses.
pub fn visits_today(hq: &salon_hq_store::HqStore) -> u32 {
    day(hq, tokyo_today()).visits
}
