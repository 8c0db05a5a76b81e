//! A student's data deleted on request (削除請求), and a retention purge, seen from
//! headquarters: every figure it holds stays exactly as it was, because nothing the laptop sends
//! again differs. The real store, the real send loop and the real headquarters on 127.0.0.1.

#[path = "support/device.rs"]
mod device;

use device::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_students_data_changes_nothing_headquarters_holds() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    let haruka = device
        .with(|s| {
            let haruka = named(s, campus, "はるか");
            let sora = named(s, campus, "そら");
            for day in [feb(4), feb(18)] {
                let salon = open(s, campus, day);
                log(s, salon, Some(haruka), "self");
                log(s, salon, Some(sora), "teacher");
                log(s, salon, None, "outreach");
                s.close_session(salon, at(13))?;
            }
            Ok(haruka)
        })
        .unwrap();
    sync(&device).await.expect("the month goes");
    let held = at_hq(&hq);
    let month = salon_protocol::Month::parse("2025-02").unwrap();
    let releases = hq.all_releases(month, month).unwrap().len();
    assert_eq!(held[&feb(18)], (1, 180, 3, 2), "as sent");

    let erased = device.with(|s| s.erase_student(haruka)).unwrap();
    assert_eq!(erased.visits, 2);
    let again = sync(&device).await;
    assert!(
        again.as_ref().is_none_or(|r| r.stored == 0),
        "nothing new goes: {again:?}"
    );
    assert_eq!(at_hq(&hq), held, "every day figure as it was");
    assert_eq!(hq.all_releases(month, month).unwrap().len(), releases);
    // The laptop's own figures, recomputed from what is left, are headquarters' still.
    let recomputed = device.with(|s| Ok(recomputed(s, campus))).unwrap();
    assert_eq!(recomputed, held);
}
