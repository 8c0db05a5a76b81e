//! Reporting counts to headquarters: enrolment, the preview of exactly what will be sent, a
//! send on demand, and a background sender that tries when a salon closes and then backs off
//! (capped, with jitter) until headquarters can be reached. Offline is the normal case.

use std::sync::Arc;
use std::time::Duration;

use salon_protocol::{EnrolmentCode, Receipt, Upload};
use salon_store::{PendingUpload, StoreError, SyncLogEntry};
use salon_sync::{Backoff, HqClient, SyncError};
use serde::Serialize;
use tauri::{Emitter, Manager, Runtime, State};
use tokio::sync::Notify;

use crate::error::IpcError;
use crate::state::AppState;

/// The event the UI listens for to refresh the sync screen after a background send.
pub const SYNCED_EVENT: &str = "salon://synced";
/// With nothing failing, look for new figures this often.
const IDLE_CHECK: Duration = Duration::from_secs(10 * 60);
/// Enough for a whole term offline at several campuses; the rest waits for the next sync.
const MAX_UPLOADS_PER_SYNC: usize = 50;

/// Wakes the background sender (a salon closed, the supporter pressed send).
#[derive(Debug, Default, Clone)]
pub struct SyncTrigger(Arc<Notify>);

impl SyncTrigger {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

impl From<SyncError> for IpcError {
    fn from(e: SyncError) -> Self {
        IpcError::sync(&e)
    }
}

/// Where this laptop reports, for the settings and sync screens.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HqStatus {
    enrolled: bool,
    hq_url: Option<String>,
    enrolled_at: Option<String>,
    /// HQ campus codes this device may report for.
    campuses: Vec<String>,
    k: u32,
    sensitive_k: u32,
}

#[tauri::command(async)]
pub fn hq_status(state: State<'_, AppState>) -> Result<HqStatus, IpcError> {
    state.with_store(|s| {
        let e = s.enrolment()?;
        let rule = e.as_ref().map(|e| e.rule).unwrap_or_default();
        Ok(HqStatus {
            enrolled: e.is_some(),
            hq_url: e.as_ref().map(|e| e.hq_url.clone()),
            enrolled_at: e.as_ref().map(|e| e.enrolled_at.clone()),
            campuses: e
                .map(|e| e.campuses.iter().map(|c| c.as_str().to_owned()).collect())
                .unwrap_or_default(),
            k: rule.k,
            sensitive_k: rule.sensitive_k,
        })
    })
}

#[tauri::command]
pub async fn enrol(
    state: State<'_, AppState>,
    hq_url: String,
    code: String,
) -> Result<HqStatus, IpcError> {
    let code =
        EnrolmentCode::parse(&code).map_err(|_| IpcError::invalid("invalid_choice", "code"))?;
    let client = HqClient::new(&hq_url).map_err(|e| IpcError {
        field: Some("hqUrl"),
        ..IpcError::sync(&e)
    })?;
    let enrolment = client.enrol(&code).await?;
    state.with_store(|s| Ok(s.save_enrolment(client.address(), &enrolment)?))?;
    hq_status(state)
}

/// Exactly what the next send would carry.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPreview {
    upload: Upload,
    /// The JSON as it goes on the wire, pretty-printed.
    json: String,
    /// How many cells are hidden under the small-count rule.
    suppressed_cells: usize,
}

#[tauri::command(async)]
pub fn sync_preview(state: State<'_, AppState>) -> Result<SyncPreview, IpcError> {
    let pending = state.with_store(|s| {
        s.prepare_outbox()?;
        Ok(s.pending_upload()?)
    })?;
    let b = pending.upload.months.iter().map(|m| &m.breakdown);
    let suppressed_cells = b
        .map(|b| {
            let hidden = |n: Option<u32>| usize::from(n.is_none());
            b.by_route.iter().map(|c| hidden(c.count)).sum::<usize>()
                + b.by_topic.iter().map(|c| hidden(c.count)).sum::<usize>()
                + b.path_decisions
                    .iter()
                    .map(|c| hidden(c.count))
                    .sum::<usize>()
        })
        .sum();
    Ok(SyncPreview {
        json: serde_json::to_string_pretty(&pending.upload).unwrap_or_default(),
        upload: pending.upload,
        suppressed_cells,
    })
}

#[tauri::command]
pub async fn sync_now<R: Runtime>(app: tauri::AppHandle<R>) -> Result<Option<Receipt>, IpcError> {
    send_pending(&app, true).await
}

#[tauri::command(async)]
pub fn sync_log(state: State<'_, AppState>) -> Result<Vec<SyncLogEntry>, IpcError> {
    state.with_store(|s| Ok(s.sync_log(50)?))
}

/// Prepares and sends what is waiting. `None` when there is nothing to send, the store is
/// locked (background only) or the laptop is not enrolled.
async fn send_pending<R: Runtime>(
    app: &tauri::AppHandle<R>,
    asked: bool,
) -> Result<Option<Receipt>, IpcError> {
    let state = app.state::<AppState>();
    let run = |f: &mut dyn FnMut(&mut salon_store::Store) -> Result<(), StoreError>| {
        let go = |s: &mut salon_store::Store| f(s).map_err(IpcError::from);
        if asked {
            state.with_store(go)
        } else {
            state.with_store_unattended(go)
        }
    };
    let mut enrolment = None;
    match run(&mut |s| {
        enrolment = s.enrolment()?;
        Ok(())
    }) {
        Err(e) if e.code == "locked" && !asked => return Ok(None),
        other => other?,
    }
    let Some(enrolment) = enrolment else {
        return if asked {
            Err(StoreError::NotEnrolled.into())
        } else {
            Ok(None)
        };
    };
    let client = HqClient::new(&enrolment.hq_url)?;
    let config = client.config(&enrolment.token).await?;
    run(&mut |s| {
        s.update_device_config(&config.campuses, config.rule)?;
        s.prepare_outbox()
    })?;
    // A long time offline can leave more than one upload's worth waiting.
    let mut total: Option<Receipt> = None;
    for _ in 0..MAX_UPLOADS_PER_SYNC {
        let mut pending: Option<PendingUpload> = None;
        run(&mut |s| {
            pending = Some(s.pending_upload()?);
            Ok(())
        })?;
        let Some(pending) = pending.filter(|p| !p.is_empty()) else {
            break;
        };
        let sent = client
            .upload(&enrolment.token, &pending.idempotency_key, &pending.payload)
            .await;
        match sent {
            Ok(receipt) => {
                run(&mut |s| s.record_sent(&pending, &receipt))?;
                let sum = total.get_or_insert_with(Receipt::default);
                sum.stored += receipt.stored;
                sum.unchanged += receipt.unchanged;
                sum.stale += receipt.stale;
            }
            Err(e) => {
                let code = e.code();
                let _ = run(&mut |s| s.record_failed(&pending, &code));
                return Err(e.into());
            }
        }
    }
    if total.is_some() {
        let _ = app.emit(SYNCED_EVENT, ());
    }
    Ok(total)
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
            wait = match send_pending(&app, false).await {
                Ok(_) => {
                    failures = 0;
                    IDLE_CHECK
                }
                Err(e) if e.retryable => {
                    failures = failures.saturating_add(1);
                    backoff.delay(failures - 1)
                }
                // Refused (revoked, not enrolled for a campus): retrying will not mend it.
                Err(_) => IDLE_CHECK,
            };
        }
    });
}
