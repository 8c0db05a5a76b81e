//! Breakdowns under noise against the ways their noise could be undone (docs/privacy.md,
//! "Breakdowns under noise"): a resend, corrections of a released month, a laptop restored from
//! a backup made before its releases were drawn, a lost laptop's backup taken over by a new one,
//! two laptops at one campus. The real store, the real send loop and the real headquarters on
//! 127.0.0.1.

#[path = "support/device.rs"]
mod device;

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use device::*;
use salon_protocol::{Month, MonthRelease, NoisyMonthBreakdown, Release, Upload};
use salon_store::Vault;

fn february() -> Month {
    Month::parse("2025-02").unwrap()
}

/// Every release headquarters holds for February, each device's in order: (device, release,
/// the numbers).
fn held(hq: &salon_hq_store::HqStore) -> Vec<(i64, Release, NoisyMonthBreakdown)> {
    hq.all_releases(february(), february())
        .unwrap()
        .into_iter()
        .map(|r| (r.device, r.breakdown.release, r.breakdown))
        .collect()
}

/// The releases the device would send next.
fn waiting(device: &Device) -> Vec<NoisyMonthBreakdown> {
    device
        .with(|s| s.pending_upload())
        .unwrap()
        .upload
        .releases
        .into_iter()
        .map(|r| r.breakdown)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_send_is_retried_with_the_same_draws() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    device
        .with(|s| {
            let day = open(s, campus, feb(17));
            log(s, day, None, "self");
            Ok(())
        })
        .unwrap();
    device
        .unreachable
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(salon_sync::send_pending(&device).await.is_err());
    // The failed send drew nothing new: it never got as far as preparing.
    device.with(|s| s.prepare_outbox(today())).unwrap();
    let drawn = waiting(&device);
    assert_eq!(drawn.len(), 2, "February's two releases have fallen due");
    for _ in 0..3 {
        device.with(|s| s.prepare_outbox(today())).unwrap();
        assert_eq!(
            waiting(&device),
            drawn,
            "prepared again, drawn again: never"
        );
    }
    sync(&device).await.unwrap();
    let at_hq: Vec<NoisyMonthBreakdown> = held(&hq).into_iter().map(|h| h.2).collect();
    assert_eq!(at_hq, drawn, "headquarters holds exactly the first draws");
}

/// Every upload body headquarters was sent, each answered 503 before anything is stored.
type Refused = Arc<Mutex<Vec<String>>>;

async fn refuse_every_upload(refused: Refused, req: Request, next: Next) -> Response {
    if req.uri().path() != "/api/v1/upload" {
        return next.run(req).await;
    }
    let body = axum::body::to_bytes(req.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    refused
        .lock()
        .unwrap()
        .push(String::from_utf8_lossy(&body).into_owned());
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}

/// Headquarters behind the middleware `misbehave`, and a laptop enrolled there with a salon
/// on 17 February (two visits, closed).
async fn a_salon_under<F, Fut>(
    dir: &std::path::Path,
    misbehave: F,
) -> (Arc<salon_hq_store::HqStore>, Device)
where
    F: Fn(Request, Next) -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response> + Send + 'static,
{
    let (url, hq) = start_hq_with(dir, move |router| {
        router.layer(middleware::from_fn(misbehave))
    })
    .await;
    let (device, campus) = enrolled_device(dir, &url, &hq).await;
    device
        .with(|s| {
            let day = open(s, campus, feb(17));
            log(s, day, None, "self");
            log(s, day, None, "teacher");
            s.close_session(day, at(13)).map(|_| ())
        })
        .unwrap();
    (hq, device)
}

/// A headquarters that answers every upload 503, 200 times over, hoping each try brings a
/// fresh draw to average: every try carries the same numbers, byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_refused_sends_carry_the_same_draws_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let refused: Refused = Arc::default();
    let layer = refused.clone();
    let (hq, device) = a_salon_under(dir.path(), move |req, next| {
        refuse_every_upload(layer.clone(), req, next)
    })
    .await;
    for _ in 0..200 {
        assert!(salon_sync::send_pending(&device).await.is_err());
    }
    let bodies = refused.lock().unwrap().clone();
    assert_eq!(bodies.len(), 200);
    let releases = |body: &str| -> Vec<MonthRelease> {
        serde_json::from_str::<Upload>(body).unwrap().releases
    };
    let first = releases(&bodies[0]);
    assert_eq!(first.len(), 2, "February's two releases");
    let firsts: Vec<String> = bodies
        .iter()
        .map(|b| serde_json::to_string(&releases(b)).unwrap())
        .collect();
    assert!(
        firsts.iter().all(|r| *r == firsts[0]),
        "a refused send brought another draw"
    );
    assert!(
        bodies.iter().all(|b| b == &bodies[0]),
        "resent byte for byte"
    );
    assert_eq!(held(&hq), [], "headquarters stored nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_after_a_release_never_bring_another_draw_of_the_month() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    device
        .with(|s| {
            let day = open(s, campus, feb(17));
            log(s, day, None, "self");
            Ok(())
        })
        .unwrap();
    sync(&device).await.unwrap();
    let first = held(&hq);
    assert_eq!(first.len(), 2);
    // Five corrections of the month (a visit entered late each time), each sent: the day and
    // month figures follow every one, the releases never change and no third appears.
    for (i, route) in ["teacher", "outreach", "appointment", "repeat", "self"]
        .iter()
        .enumerate()
    {
        device
            .with(|s| {
                let day = s.session_on(campus, feb(17))?.unwrap().id;
                log(s, day, None, route);
                Ok(())
            })
            .unwrap();
        let r = sync(&device).await.unwrap();
        assert_eq!(r.stored, 2, "the day and the month, nothing else: {r:?}");
        assert_eq!(held(&hq), first, "after correction {i}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_restored_from_before_its_releases_does_not_get_a_second_draw_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    device
        .with(|s| {
            let day = open(s, campus, feb(17));
            log(s, day, None, "self");
            log(s, day, None, "teacher");
            Ok(())
        })
        .unwrap();
    // The backup is made before the first sync: it holds no draw.
    let backup = dir.path().join("career-salon.backup");
    device
        .with(|s| s.write_backup(&backup, |_, _| {}).map(|_| ()))
        .unwrap();
    sync(&device).await.unwrap();
    let first = held(&hq);
    assert_eq!(first.len(), 2);

    let restored = Vault::new(dir.path().join("device2"))
        .restore_backup(
            &backup,
            salon_store::backup::RestoreSecret::Passphrase(PASS),
        )
        .unwrap();
    let device = Device::new(restored);
    // Headquarters' configuration lists February's releases as held: the restored laptop
    // never draws them again, so no second draw even crosses the wire. (Had it drawn, the
    // answer would be `release_held`: headquarters' own tests.)
    sync(&device).await.unwrap();
    assert_eq!(held(&hq), first, "the first draws are the only ones kept");
    let log = device.with(|s| s.sync_log(10)).unwrap();
    assert!(!log.is_empty());
    for entry in &log {
        assert_eq!(entry.outcome, "sent", "{entry:?}");
        assert!(
            !entry.payload.contains("\"releases\""),
            "a release was sent again"
        );
    }
    assert!(device.with(|s| s.pending_upload()).unwrap().is_empty());
    assert!(sync(&device).await.is_none(), "nothing waits afterwards");
}

/// What a hostile headquarters does to get a second draw from a restored laptop: it lists
/// nothing as held, so the laptop has no reason not to draw again. Every upload body is kept.
async fn forget_what_is_held(seen: Refused, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/api/v1/upload" {
        let (parts, body) = req.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        seen.lock()
            .unwrap()
            .push(String::from_utf8_lossy(&body).into_owned());
        return next.run(Request::from_parts(parts, body.into())).await;
    }
    let response = next.run(req).await;
    if path != "/api/v1/config" {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut config: serde_json::Value = serde_json::from_slice(&body).unwrap();
    config["releasesHeld"] = serde_json::json!([]);
    config["pathReleasesHeld"] = serde_json::json!([]);
    let body = serde_json::to_vec(&config).unwrap();
    let mut response = Response::from_parts(parts, body.into());
    response
        .headers_mut()
        .remove(axum::http::header::CONTENT_LENGTH);
    response
}

/// A laptop restored from a backup made before its releases were drawn, under a headquarters
/// that says it holds nothing: it draws its months and its 年度 again, over the same records,
/// and sends the very numbers the lost laptop sent — the noise is keyed by a secret the backup
/// carries and by the exact cells — so there is no second draw to average.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_laptop_under_a_headquarters_that_lists_nothing_draws_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let seen: Refused = Arc::default();
    let layer = seen.clone();
    let (hq, device) = a_salon_under(dir.path(), move |req, next| {
        forget_what_is_held(layer.clone(), req, next)
    })
    .await;
    let backup = dir.path().join("career-salon.backup");
    device
        .with(|s| s.write_backup(&backup, |_, _| {}).map(|_| ()))
        .unwrap();
    sync(&device).await.unwrap();
    let drawn = |body: &str| -> (Vec<MonthRelease>, Vec<salon_protocol::PathRelease>) {
        let u: Upload = serde_json::from_str(body).unwrap();
        (u.releases, u.path_releases)
    };
    let lost = seen.lock().unwrap().clone();
    let (months, periods) = drawn(&lost[0]);
    assert_eq!(months.len(), 2, "February's two releases");
    assert!(!periods.is_empty(), "and the 年度's");

    let restored = Vault::new(dir.path().join("device2"))
        .restore_backup(
            &backup,
            salon_store::backup::RestoreSecret::Passphrase(PASS),
        )
        .unwrap();
    let device = Device::new(restored);
    seen.lock().unwrap().clear();
    // Headquarters' own store still answers the same numbers as a resend.
    sync(&device).await.unwrap();
    let again = seen.lock().unwrap().clone();
    assert_eq!(again.len(), 1);
    assert_eq!(
        drawn(&again[0]),
        (months, periods),
        "drawn again: the same numbers"
    );
    assert_eq!(held(&hq).len(), 2, "nothing new kept");
}

/// A laptop lost on a train: headquarters revokes it; last week's backup is restored on a new
/// laptop, which is enrolled with a code that takes the lost device over. It sends again what
/// it sent after the backup, and the day figures stay those of the supporter's own records
/// (a new enrolment would count them twice); no release is drawn again; the new visit goes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_laptops_backup_taken_over_by_a_new_one_counts_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;
    device
        .with(|s| {
            let day = open(s, campus, feb(10));
            log(s, day, None, "self");
            Ok(())
        })
        .unwrap();
    sync(&device).await.unwrap();
    let backup = dir.path().join("career-salon.backup");
    device
        .with(|s| s.write_backup(&backup, |_, _| {}).map(|_| ()))
        .unwrap();
    device
        .with(|s| {
            let day = open(s, campus, feb(17));
            log(s, day, None, "teacher");
            Ok(())
        })
        .unwrap();
    sync(&device).await.unwrap();
    let releases = held(&hq);
    assert_eq!(releases.len(), 2);
    let sent = at_hq(&hq);
    assert_eq!(sent.values().map(|f| f.2).sum::<u32>(), 2);

    let cli = salon_hq_store::Actor::cli();
    let id = hq.devices().unwrap()[0].id;
    hq.revoke(&cli, id, chrono::Utc::now()).unwrap();
    let code = hq
        .issue_takeover_code(&cli, id, chrono::Utc::now())
        .unwrap()
        .code;
    let mut restored = Vault::new(dir.path().join("new-laptop"))
        .restore_backup(
            &backup,
            salon_store::backup::RestoreSecret::Passphrase(PASS),
        )
        .unwrap();
    let client = salon_sync::HqClient::new(&url).unwrap();
    let enrolment = client
        .enrol(&salon_protocol::EnrolmentCode::parse(&code).unwrap())
        .await
        .unwrap();
    restored
        .save_enrolment(client.address(), &enrolment)
        .unwrap();
    let laptop = Device::new(restored);
    // The backup knows only 10 February; the visit of the 17th stays as it was sent.
    sync(&laptop).await;
    assert_eq!(at_hq(&hq), sent, "nothing counted twice");
    assert_eq!(held(&hq), releases, "no release drawn again");
    assert_eq!(hq.devices().unwrap().len(), 1);

    // Work goes on from the new laptop.
    laptop
        .with(|s| {
            let day = s.session_on(campus, feb(10))?.unwrap().id;
            log(s, day, None, "outreach");
            Ok(())
        })
        .unwrap();
    sync(&laptop).await.unwrap();
    let now = at_hq(&hq);
    assert_eq!(now[&feb(10)].2, 2, "the new visit is counted");
    assert_eq!(now[&feb(17)], sent[&feb(17)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_laptops_at_one_campus_each_release_with_their_own_noise() {
    let dir = tempfile::tempdir().unwrap();
    let (url, hq) = start_hq(dir.path()).await;
    let (one, campus_one) = enrolled_device(&dir.path().join("one"), &url, &hq).await;
    let (two, campus_two) = enrolled_device(&dir.path().join("two"), &url, &hq).await;
    for (device, campus) in [(&one, campus_one), (&two, campus_two)] {
        device
            .with(|s| {
                let day = open(s, campus, feb(17));
                for _ in 0..3 {
                    log(s, day, None, "self");
                }
                Ok(())
            })
            .unwrap();
        sync(device).await.unwrap();
    }
    let held = held(&hq);
    assert_eq!(held.len(), 4, "two releases from each laptop");
    let devices: std::collections::BTreeSet<i64> = held.iter().map(|h| h.0).collect();
    assert_eq!(devices.len(), 2);
    // The same three visits on each laptop, each drawn with its own noise: two independent
    // draws of 15 cells agree everywhere with a chance of about one in 10^8.
    let firsts: Vec<&NoisyMonthBreakdown> = held
        .iter()
        .filter(|h| h.1 == Release::First)
        .map(|h| &h.2)
        .collect();
    assert_eq!(firsts.len(), 2);
    assert_ne!(firsts[0], firsts[1], "two laptops drew the same noise");
}
