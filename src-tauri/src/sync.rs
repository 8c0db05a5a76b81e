//! Reporting counts to headquarters: enrolment, the preview of exactly what will be sent, a
//! send on demand, and a background sender that tries when a salon closes and then backs off
//! (capped, with jitter) until headquarters can be reached. Offline is the normal case.

use std::sync::Arc;
use std::time::Duration;

use salon_protocol::{EnrolmentCode, MonthRelease, PathRelease, Receipt, Upload};
use salon_store::{HeldBack, ReleaseToDraw, StoreError, SyncLogEntry};
use salon_sync::{Backoff, HqClient, SendError, Sent, StoreOutbox};
use serde::Serialize;
use tauri::{Emitter, Manager, Runtime, State};
use tokio::sync::Notify;

use crate::app_store::AppStore;
use crate::error::{Code, IpcError};
use crate::state::AppState;

/// The event the UI listens for to refresh the sync screen after a background send.
pub const SYNCED_EVENT: &str = "salon://synced";
/// With nothing failing, look for new figures this often.
const IDLE_CHECK: Duration = Duration::from_secs(10 * 60);

/// Wakes the background sender (a salon closed, the supporter pressed send).
#[derive(Debug, Default, Clone)]
pub struct SyncTrigger(Arc<Notify>);

impl SyncTrigger {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Where this laptop reports, for the settings and sync screens.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct HqStatus {
    enrolled: bool,
    hq_url: Option<String>,
    enrolled_at: Option<String>,
    /// HQ campus codes this device may report for.
    campuses: Vec<String>,
}

#[tauri::command(async)]
pub fn hq_status(state: State<'_, AppState>) -> Result<HqStatus, IpcError> {
    state.with_store(|s| {
        let e = s.enrolment()?;
        Ok(HqStatus {
            enrolled: e.is_some(),
            hq_url: e.as_ref().map(|e| e.hq_url.clone()),
            enrolled_at: e.as_ref().map(|e| e.enrolled_at.clone()),
            campuses: e
                .map(|e| e.campuses.iter().map(|c| c.as_str().to_owned()).collect())
                .unwrap_or_default(),
        })
    })
}

#[tauri::command]
pub async fn enrol<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    hq_url: String,
    code: String,
) -> Result<HqStatus, IpcError> {
    let code =
        EnrolmentCode::parse(&code).map_err(|_| IpcError::invalid(Code::InvalidChoice, "code"))?;
    let client = HqClient::new(&hq_url).map_err(|e| IpcError::from(e).about("hqUrl"))?;
    let enrolment = client.enrol(&code).await?;
    state.with_store(|s| Ok(s.save_enrolment(client.address(), &enrolment)?))?;
    // The laptop's keys go to headquarters at once (after a takeover, a new pair): a
    // colleague can hand it students from now on. Not reached now, the next sync does it.
    let _ = crate::handover_relay::relay_now(&app, true).await;
    hq_status(state)
}

/// Exactly what the next send would carry.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncPreview {
    upload: Upload,
    /// Whether there is nothing to send (`Upload::is_empty`, so the screen need not know
    /// every field an upload has).
    empty: bool,
    /// The JSON as it goes on the wire, pretty-printed.
    json: String,
    /// Snapshots held back because headquarters would refuse them, each with its code.
    held_back: Vec<HeldBack>,
    /// Releases not drawn yet, shown without numbers, each with its day: those due are drawn
    /// at the next send.
    to_draw: Vec<ReleaseToDraw>,
    /// Releases headquarters already has (drawn in the last two months), as it has them.
    sent_releases: Vec<MonthRelease>,
    sent_path_releases: Vec<PathRelease>,
}

/// The sync screen's preview. Opening it writes nothing and draws nothing
/// (`Store::outbox_preview`).
#[tauri::command(async)]
pub fn sync_preview(state: State<'_, AppState>) -> Result<SyncPreview, IpcError> {
    let preview = state.with_store(|s| Ok(s.outbox_preview(crate::clock::today_tokyo())?))?;
    let upload = preview.pending.upload;
    Ok(SyncPreview {
        json: serde_json::to_string_pretty(&upload).unwrap_or_default(),
        empty: upload.is_empty() && !preview.to_draw.iter().any(|r| r.due),
        upload,
        held_back: preview.held_back,
        to_draw: preview.to_draw,
        sent_releases: preview.sent,
        sent_path_releases: preview.sent_paths,
    })
}

#[tauri::command(async)]
pub fn sync_log(state: State<'_, AppState>) -> Result<Vec<SyncLogEntry>, IpcError> {
    state.with_store(|s| Ok(s.sync_log(50)?))
}

/// One sync, and the UI told when something was sent.
async fn send_pending<R: Runtime>(
    app: &tauri::AppHandle<R>,
    attended: bool,
) -> Result<Sent, SendError<IpcError>> {
    let state = app.state::<AppState>();
    let outbox = StoreOutbox(AppStore {
        state: &state,
        attended,
    });
    let sent = salon_sync::send_pending(&outbox).await?;
    if let Sent::Done(receipt) = &sent {
        if receipt.is_some() {
            let _ = app.emit(SYNCED_EVENT, ());
        }
        // Then handovers through headquarters. Their failure is not the counts': the counts
        // were sent, and what waits in the relay waits for the next sync.
        let _ = crate::handover_relay::relay_now(app, attended).await;
        // Headquarters answered: a good moment to ask it for an update too, before the send
        // is reported done (one more request to a server that just answered), so a screen
        // opened after 送信 shows what it offers now.
        crate::updates::check_after_sync(app, attended).await;
    }
    Ok(sent)
}

#[tauri::command]
pub async fn sync_now<R: Runtime>(app: tauri::AppHandle<R>) -> Result<Option<Receipt>, IpcError> {
    match send_pending(&app, true).await {
        Ok(Sent::Done(receipt)) => Ok(receipt),
        Ok(Sent::NotEnrolled) => Err(StoreError::NotEnrolled.into()),
        Err(SendError::Sync(e)) => Err(e.into()),
        Err(SendError::Outbox(e)) => Err(e),
    }
}

/// The background sender: after a wake-up or a wait, try; on a failure a retry can mend,
/// wait longer each time (capped, with jitter).
pub fn spawn_sender<R: Runtime>(app: tauri::AppHandle<R>, trigger: SyncTrigger) {
    tauri::async_runtime::spawn(async move {
        let backoff = Backoff::default();
        let mut failures = 0u32;
        let mut wait = IDLE_CHECK;
        loop {
            tokio::select! {
                _ = trigger.0.notified() => {}
                _ = tokio::time::sleep(wait) => {}
            }
            // Locked, or refused (revoked, not enrolled for a campus): waiting will not mend
            // it, the next check will see. Unreachable or failing: back off.
            wait = match send_pending(&app, false).await {
                Err(e) if e.is_retryable() => {
                    failures = failures.saturating_add(1);
                    backoff.delay(failures - 1)
                }
                _ => {
                    failures = 0;
                    IDLE_CHECK
                }
            };
        }
    });
}
