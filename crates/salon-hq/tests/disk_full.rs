//! Headquarters' database on a real small disk filled to the last byte: an upload is refused
//! whole (507, `server_disk_full`, nothing of it stored), the figures stay exact, and the same
//! upload is taken once there is room.

mod common;

#[path = "../../salon-store/tests/common/mounts.rs"]
mod mounts;

use axum::http::StatusCode;
use chrono::Days;
use common::*;
use mounts::SmallDisk;
use salon_hq_web::Clock;
use salon_protocol::{ErrorCode, Upload};

/// 50 days of one campus, each with `visits` visits, starting `first` days after 2023-04-01.
fn days_from(first: u64, visits: u32) -> Upload {
    let start = day(2023, 4, 1) + Days::new(first);
    Upload {
        days: (0..50)
            .map(|i| day_with_visits("C-012", start + Days::new(i), 1, visits))
            .collect(),
        months: vec![],
        events: vec![],
        releases: vec![],
        path_releases: Vec::new(),
    }
}

fn visits_stored(hq: &Hq) -> u64 {
    hq.store()
        .day_totals(day(2023, 1, 1), day(2026, 12, 31))
        .unwrap()
        .iter()
        .map(|t| u64::from(t.counts.visits))
        .sum()
}

#[tokio::test]
async fn an_upload_to_a_full_disk_is_refused_whole_and_taken_once_there_is_room() {
    let Some(disk) = SmallDisk::mount(4096) else {
        return;
    };
    let hq = Hq::at(
        &disk.path.join("hq.db"),
        Clock::System,
        tempfile::tempdir().unwrap(),
    );
    let token = hq.enrol(&["C-012"]).await;
    let first = hq.upload(&token, "first", &days_from(0, 4)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());

    let filler = disk.fill();
    let mut expected = 50 * 4;
    // The database may still have free pages from before; each upload needs more.
    let mut refused = None;
    for i in 1..100 {
        let upload = days_from(i * 50, 3);
        let before = (hq.stored(), visits_stored(&hq));
        let answer = hq.upload(&token, &format!("upload-{i}"), &upload).await;
        if answer.status == StatusCode::OK {
            expected += 50 * 3;
            continue;
        }
        assert_eq!(
            answer.status,
            StatusCode::INSUFFICIENT_STORAGE,
            "{}",
            answer.text()
        );
        assert_eq!(answer.error().code, ErrorCode::ServerDiskFull.as_str());
        assert!(answer.error().message.contains("空き容量"));
        assert_eq!(
            (hq.stored(), visits_stored(&hq)),
            before,
            "nothing of it stored"
        );
        refused = Some((i, upload));
        break;
    }
    let (i, upload) = refused.expect("a full disk refuses an upload");
    assert_eq!(visits_stored(&hq), expected);
    assert!(hq.log_text().contains(" 507 "), "{}", hq.log_text());

    std::fs::remove_file(filler).unwrap();
    let again = hq.upload(&token, &format!("upload-{i}"), &upload).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert_eq!(visits_stored(&hq), expected + 50 * 3);
    // The receipt was stored too: the same upload again is answered from it, not stored twice.
    let replay = hq.upload(&token, &format!("upload-{i}"), &upload).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(visits_stored(&hq), expected + 50 * 3);
}
