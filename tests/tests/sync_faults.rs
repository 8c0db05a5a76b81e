//! A sync that fails at every step, against the real headquarters on 127.0.0.1: headquarters
//! unreachable before the request, a 503 before it stores anything, the answer lost after it
//! stored the upload, the device failing to record the receipt (its disk full), and an answer
//! slower than the device's 20 s timeout. After each fault a plain sync follows, and then every
//! revision of every day is stored at headquarters exactly once (revisions 1..=n, none twice,
//! none missing), every upload headquarters stored is acknowledged once in the device's log,
//! nothing waits on the device, and headquarters' figures equal the device's records.

#[path = "support/device.rs"]
mod device;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use device::*;
use salon_store::MoveTo;
use salon_sync::{SendError, SyncError};

/// What headquarters does with the next upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HqFault {
    /// 503 before anything is stored.
    Unavailable,
    /// Stored, then the answer is lost (502 in its place, as a proxy says when the line drops).
    AnswerLost,
    /// Stored, answered after the device has given up waiting.
    AnswerTooLate,
}

type Cue = Arc<Mutex<Option<HqFault>>>;

async fn misbehave(State(cue): State<Cue>, req: Request, next: Next) -> Response {
    let fault = if req.method() == Method::POST && req.uri().path() == "/api/v1/upload" {
        cue.lock().unwrap().take()
    } else {
        None
    };
    match fault {
        None => next.run(req).await,
        Some(HqFault::Unavailable) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Some(HqFault::AnswerLost) => {
            let stored = next.run(req).await;
            assert_eq!(stored.status(), StatusCode::OK);
            StatusCode::BAD_GATEWAY.into_response()
        }
        Some(HqFault::AnswerTooLate) => {
            let stored = next.run(req).await;
            tokio::time::sleep(Duration::from_secs(21)).await;
            stored
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    Unreachable,
    Hq(HqFault),
    RecordingFails,
}

/// The checks after a fault and the plain sync that follows it.
fn assert_whole(device: &Device, hq: &salon_hq_store::HqStore, campus: i64, after: Fault) {
    let truth = device.with(|s| Ok(recomputed(s, campus))).unwrap();
    assert_eq!(at_hq(hq), truth, "after {after:?}: headquarters' figures");
    let pending = device.with(|s| s.pending_upload()).unwrap();
    assert!(
        pending.is_empty(),
        "after {after:?}: nothing waits on the device"
    );
    for d in truth.keys() {
        let revisions: Vec<u32> = hq
            .day_revisions("C-012", *d)
            .unwrap()
            .iter()
            .map(|r| r.revision)
            .collect();
        let mut sorted = revisions.clone();
        sorted.sort_unstable();
        let once: Vec<u32> = (1..=sorted.len() as u32).collect();
        assert_eq!(sorted, once, "after {after:?}: {d}'s revisions, each once");
    }
    let acknowledged = device
        .with(|s| s.sync_log(10_000))
        .unwrap()
        .iter()
        .filter(|e| e.outcome == "sent")
        .count();
    assert_eq!(
        hq.count_rows("uploads").unwrap() as usize,
        acknowledged,
        "after {after:?}: every upload stored at headquarters is acknowledged once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_broken_at_any_step_stores_and_acknowledges_everything_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let cue: Cue = Arc::default();
    let layer = cue.clone();
    let (url, hq) = start_hq_with(dir.path(), move |router| {
        router.layer(middleware::from_fn_with_state(layer, misbehave))
    })
    .await;
    let (device, campus) = enrolled_device(dir.path(), &url, &hq).await;

    let faults = [
        Fault::Unreachable,
        Fault::Hq(HqFault::Unavailable),
        Fault::Hq(HqFault::AnswerLost),
        Fault::RecordingFails,
        Fault::Hq(HqFault::AnswerTooLate),
        Fault::Hq(HqFault::AnswerLost),
        Fault::RecordingFails,
        Fault::Unreachable,
        Fault::Hq(HqFault::Unavailable),
    ];
    for (round, fault) in faults.into_iter().enumerate() {
        // A new salon day, and a correction of an earlier one, so revisions move on.
        device
            .with(|s| {
                let day = feb(3 + round as u32 * 2);
                let session = open(s, campus, day);
                for i in 0..=round % 3 {
                    log(s, session, None, ["self", "teacher"][i % 2]);
                }
                if round > 0 {
                    // One visit of the day before was logged in the wrong salon.
                    let earlier = s.session_on(campus, feb(1 + round as u32 * 2))?.unwrap().id;
                    if let Some(v) = s.visits_in_session(earlier)?.first() {
                        s.move_visit(v.id, MoveTo::Session(session), today())?;
                    }
                }
                s.close_session(session, at(13))?;
                Ok(())
            })
            .unwrap();
        match fault {
            Fault::Unreachable => device.unreachable.store(true, Ordering::SeqCst),
            Fault::RecordingFails => device.fail_recording.store(true, Ordering::SeqCst),
            Fault::Hq(f) => *cue.lock().unwrap() = Some(f),
        }
        let broken = salon_sync::send_pending(&device).await;
        match (&fault, &broken) {
            (Fault::RecordingFails, Err(SendError::Outbox(_))) => {}
            (Fault::Unreachable | Fault::Hq(HqFault::AnswerTooLate), Err(SendError::Sync(e))) => {
                assert!(matches!(e, SyncError::Unreachable), "{fault:?}: {e:?}");
                assert!(e.is_retryable());
            }
            (Fault::Hq(_), Err(SendError::Sync(e))) => {
                assert!(matches!(e, SyncError::Server(_)), "{fault:?}: {e:?}");
                assert!(e.is_retryable());
            }
            (_, other) => panic!("{fault:?}: the sync should have failed, got {other:?}"),
        }
        assert!(cue.lock().unwrap().is_none(), "{fault:?} was used");
        sync(&device).await;
        assert_whole(&device, &hq, campus, fault);
    }
}
