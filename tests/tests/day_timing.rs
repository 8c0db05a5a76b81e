//! The time of day never reaches headquarters. While a salon is open the background sender
//! runs every ten minutes; had it sent the day each time, headquarters' history would show two
//! visits ten minutes apart as two revisions ten minutes apart. Nothing about the day leaves
//! while its salon is open; it goes as one revision when the salon closes; what changes later
//! that day (the salon reopened, a visit added) waits until the day has ended. The real store,
//! the real send loop and the real headquarters on 127.0.0.1.

#[path = "support/device.rs"]
mod device;

use std::sync::atomic::Ordering;

use device::*;

/// (revision, visits) of each revision headquarters holds for C-012 on `day`.
fn revisions(hq: &salon_hq_store::HqStore, day: chrono::NaiveDate) -> Vec<(u32, u32)> {
    let mut held: Vec<(u32, u32)> = hq
        .day_revisions("C-012", day)
        .unwrap()
        .into_iter()
        .map(|r| (r.revision, r.counts.visits))
        .collect();
    held.sort_unstable();
    held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_reaches_headquarters_once_its_salon_is_over_and_never_by_the_hour() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    let day = today();
    let session = device.with(|s| Ok(open(s, campus, day))).unwrap();
    // The salon is open: a visit, a background sync; another visit, another sync.
    for _ in 0..2 {
        device.with(|s| Ok(log(s, session, None, "self"))).unwrap();
        sync(&device).await;
        assert_eq!(
            revisions(&hq, day),
            [],
            "nothing of the day while it is open"
        );
    }
    let month = chrono::Datelike::month(&day);
    assert!(
        hq.day_totals(day, day).unwrap().is_empty(),
        "nor of its month ({month})"
    );
    // Closed: the day goes, once.
    device
        .with(|s| s.close_session(session, at(13)).map(|_| ()))
        .unwrap();
    sync(&device).await;
    assert_eq!(revisions(&hq, day), [(1, 2)]);
    // Reopened, a visit added, closed again: nothing more that day, whatever is synced.
    device
        .with(|s| s.reopen_session(session, day).map(|_| ()))
        .unwrap();
    device.with(|s| Ok(log(s, session, None, "self"))).unwrap();
    sync(&device).await;
    device
        .with(|s| s.close_session(session, at(14)).map(|_| ()))
        .unwrap();
    sync(&device).await;
    assert_eq!(revisions(&hq, day), [(1, 2)]);
    // The next morning the day goes as a correction.
    device.days_ahead.store(1, Ordering::SeqCst);
    sync(&device).await;
    assert_eq!(revisions(&hq, day), [(1, 2), (2, 3)]);
}
