//! 引き継ぎ through headquarters (事務局経由): the colleagues' laptops headquarters lists, a
//! caseload sealed to one of them once the supporter typed the digits from the colleague's own
//! screen, the packages fetched for this laptop, the sender's digits typed before an unknown
//! sender is believed, a package taken or declined. Each step that waits on headquarters runs
//! the relay at once (`relay_now`); what cannot go now goes at the next sync.

use salon_store::{
    HandoverRecord, HandoverRequest, KnownLaptop, Merge, PackageSummary, RelayColleague, RelayNews,
    RelayedToMe, StoreError,
};
use salon_sync::{HqClient, Relayed};
use serde::Serialize;
use tauri::{Emitter, Manager, Runtime, State};

use crate::app_store::AppStore;
use crate::error::IpcError;
use crate::state::AppState;

/// The event 今日 listens for: the relay may have fetched, settled or ended something.
pub const RELAYED_EVENT: &str = "salon://relayed";

/// A relay pass in the background, as the store is unlocked: a colleague's handover that
/// waits at headquarters is on 今日 within moments, not at the next sync. Its failures (not
/// enrolled, headquarters unreachable) wait for the next sync, as the counts do.
pub(crate) fn relay_soon<R: Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let _ = relay_now(&app, false).await;
    });
}

/// One pass of the relay, and the screen told when something moved.
pub(crate) async fn relay_now<R: Runtime>(
    app: &tauri::AppHandle<R>,
    attended: bool,
) -> Result<Relayed, IpcError> {
    // One pass at a time: enrolment, the background sender and 事務局に確かめる may all ask at
    // once, and two passes would each send the same package or each renew the keys.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one = ONE_AT_A_TIME.lock().await;
    let state = app.state::<AppState>();
    let access = AppStore {
        state: &state,
        attended,
    };
    let done = salon_sync::relay(&access).await;
    // A pass that failed part way may still have kept a package: the screen reads again.
    if done
        .as_ref()
        .map_or(true, |d| d.fetched > 0 || d.settled > 0 || d.ended > 0)
    {
        let _ = app.emit(RELAYED_EVENT, ());
    }
    done.map_err(|e| match e {
        salon_sync::SendError::Sync(e) => IpcError::from(e),
        salon_sync::SendError::Outbox(e) => e,
    })
}

/// A handover as it stands after the relay ran: handed to headquarters, or waiting for the
/// next sync.
fn as_it_stands(state: &AppState, record: HandoverRecord) -> Result<HandoverRecord, IpcError> {
    state.with_store(|s| {
        Ok(s.handovers()?
            .into_iter()
            .find(|h| h.id == record.id)
            .unwrap_or(record))
    })
}

/// Headquarters' list, read now.
async fn laptops(state: &AppState) -> Result<Vec<salon_protocol::relay::RelayLaptop>, IpcError> {
    let enrolment = state
        .with_store(|s| Ok(s.enrolment()?))?
        .ok_or(IpcError::from(StoreError::NotEnrolled))?;
    let client = HqClient::new(&enrolment.hq_url)?;
    Ok(client.relay_laptops(&enrolment.token).await?.laptops)
}

/// 事務局から同僚のパソコンを読み込む: names and campuses; the digits to compare are on the
/// colleague's own screen, not here.
#[tauri::command]
pub async fn relay_colleagues(state: State<'_, AppState>) -> Result<Vec<RelayColleague>, IpcError> {
    let listed = laptops(&state).await?;
    state.with_store(|s| Ok(s.relay_colleagues(&listed)))
}

/// 事務局経由で送る: the caseload `request` names, sealed to headquarters' laptop `device`
/// once `request.typed_fingerprint` is its digits, and handed to headquarters now if it can
/// be reached (else at the next sync).
#[tauri::command]
pub async fn seal_for_relay<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    device: i64,
    request: HandoverRequest,
    my_label: String,
) -> Result<HandoverRecord, IpcError> {
    let listed = laptops(&state).await?;
    let laptop = listed
        .into_iter()
        .find(|l| l.device == device)
        .ok_or(IpcError::from(StoreError::NotFound("relay laptop")))?;
    let today = crate::clock::today_tokyo();
    let sealed = state
        .with_store(|s| {
            Ok(s.seal_for_relay(
                &laptop,
                &request,
                my_label.trim(),
                crate::clock::now_utc(),
                today,
            )?)
        })
        .map_err(|e| crate::handover::about_fingerprint(e, "typedFingerprint"))?;
    let _ = relay_now(&app, true).await;
    as_it_stands(&state, sealed.record)
}

/// Packages fetched from headquarters and waiting here.
#[tauri::command(async)]
pub fn relayed_to_me(state: State<'_, AppState>) -> Result<Vec<RelayedToMe>, IpcError> {
    state.with_store(|s| Ok(s.relayed_to_me()?))
}

/// Sent handovers a sync settled or ended since 引き継ぎ was last opened, for 今日.
#[tauri::command(async)]
pub fn relay_news(state: State<'_, AppState>) -> Result<RelayNews, IpcError> {
    state.with_store(|s| Ok(s.relay_news()?))
}

/// 引き継ぎ was opened and its record shows them: no longer news.
#[tauri::command(async)]
pub fn relay_news_seen(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.with_store(|s| Ok(s.relay_news_seen()?))
}

/// 送り主の番号を確かめる: the sender believed once `fingerprint` (from the sender's screen)
/// is the key that signed the package.
#[tauri::command(async)]
pub fn trust_relayed_sender(
    state: State<'_, AppState>,
    id: String,
    fingerprint: String,
) -> Result<KnownLaptop, IpcError> {
    state
        .with_store(|s| Ok(s.trust_relayed_sender(&id, &fingerprint)?))
        .map_err(|e| crate::handover::about_fingerprint(e, "fingerprint"))
}

/// Who sent what, before anything is taken.
#[tauri::command(async)]
pub fn open_relayed(state: State<'_, AppState>, id: String) -> Result<PackageSummary, IpcError> {
    state.with_store(|s| {
        let text = s.relayed_package(&id)?;
        Ok(s.open_package(&text, crate::clock::now_utc())?)
    })
}

/// 受け取る: the package joins the store; the receipt goes back through headquarters.
#[tauri::command]
pub async fn accept_relayed<R: Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    merges: Vec<Merge>,
) -> Result<HandoverRecord, IpcError> {
    let record =
        state.with_store(|s| Ok(s.accept_relayed(&id, &merges, crate::clock::now_utc())?))?;
    let _ = relay_now(&app, true).await;
    as_it_stands(&state, record)
}

/// 受け取らない: the package is deleted here.
#[tauri::command(async)]
pub fn decline_relayed(state: State<'_, AppState>, id: String) -> Result<(), IpcError> {
    state.with_store(|s| Ok(s.decline_relayed(&id)?))
}

/// What one pass of the relay did, as the handover screen says it.
#[derive(Debug, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RelayChecked {
    /// Packages waiting here now.
    pub waiting: u32,
    /// Handovers this laptop sent that a receipt completed.
    pub settled: u32,
    /// Handovers this laptop sent that headquarters ended or refused.
    pub ended: u32,
    /// Packages for this laptop left at headquarters: too many wait here undecided.
    pub left_at_hq: u32,
}

/// 事務局に確かめる: one pass of the relay now.
#[tauri::command]
pub async fn check_relay<R: Runtime>(app: tauri::AppHandle<R>) -> Result<RelayChecked, IpcError> {
    let done = relay_now(&app, true).await?;
    let waiting = app
        .state::<AppState>()
        .with_store(|s| Ok(s.relayed_to_me()?.len()))?;
    Ok(RelayChecked {
        waiting: u32::try_from(waiting).unwrap_or(u32::MAX),
        settled: done.settled,
        ended: done.ended,
        left_at_hq: done.left_at_hq,
    })
}
