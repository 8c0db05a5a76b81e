//! Updates of the app (アプリの更新), served by headquarters and signed by the NPO
//! (docs/updates.md). After a sync the app asks headquarters whether a newer version is offered
//! for the way it was installed (after a background sync at most once an hour; after the
//! supporter pressed 送信, always); the supporter sees the offer with its
//! notes and installs it when no salon is open and no form is half typed. The store is locked
//! before the installer runs, then the app restarts into the new version.
//!
//! The updater plugin checks what the NPO's key signed: the bundle, and the version named in
//! the signature (`requireSignedVersion` in tauri.conf.json), which must be the one offered and
//! newer than this one. So headquarters cannot make a laptop install anything else.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use salon_protocol::updates::{Bundle, UPDATES_PATH};
use salon_store::WorkInHand;
use serde::Serialize;
use tauri::utils::config::BundleType;
use tauri::{Emitter, Manager, Runtime, State};
use tauri_plugin_updater::{Update, UpdaterExt};

use crate::error::{Code, IpcError};
use crate::state::AppState;

/// The event that tells the UI what headquarters offers after a check: an update, or none
/// (`null`: one shown before was withdrawn).
pub const UPDATE_OFFERED_EVENT: &str = "salon://update-offered";
/// Headquarters is asked at most this often.
const CHECK_EVERY: Duration = Duration::from_secs(60 * 60);
/// A download of a few tens of megabytes over a school's network.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);
const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// The update on offer, as the supporter sees it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOffer {
    /// The version offered (1.0.1).
    version: String,
    /// The version running now.
    current: String,
    /// 更新内容 as headquarters sent it, shown as plain text.
    notes: String,
    /// Installing asks for an administrator's password (a .deb, through pkexec).
    asks_for_password: bool,
}

/// The offer found by the last check, and when headquarters was last asked.
#[derive(Default)]
pub struct Updates {
    offer: Mutex<Option<Update>>,
    last_check: Mutex<Option<Instant>>,
}

impl std::fmt::Debug for Updates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Updates").finish_non_exhaustive()
    }
}

impl Updates {
    fn offered(&self) -> Option<Update> {
        self.offer.lock().ok()?.clone()
    }

    fn keep(&self, update: Option<Update>) {
        if let Ok(mut offer) = self.offer.lock() {
            *offer = update;
        }
    }

    /// Whether it is time to ask again (and, if so, counts this as the asking).
    fn due(&self) -> bool {
        let Ok(mut last) = self.last_check.lock() else {
            return false;
        };
        if last.is_some_and(|at| at.elapsed() < CHECK_EVERY) {
            return false;
        }
        *last = Some(Instant::now());
        true
    }
}

fn offer_of(update: &Update) -> UpdateOffer {
    UpdateOffer {
        version: update.version.clone(),
        current: update.current_version.clone(),
        notes: update.body.clone().unwrap_or_default(),
        asks_for_password: installed_with() == Some(Bundle::Deb),
    }
}

/// How this copy was installed, as headquarters names bundles; `None` for a build that no
/// installer put in place (run from the source), which nothing can update.
fn installed_with() -> Option<Bundle> {
    match tauri::utils::platform::bundle_type()? {
        BundleType::Deb => Some(Bundle::Deb),
        BundleType::AppImage => Some(Bundle::AppImage),
        BundleType::Nsis => Some(Bundle::Nsis),
        BundleType::Msi => Some(Bundle::Msi),
        BundleType::App | BundleType::Dmg => Some(Bundle::App),
        _ => None,
    }
}

/// Where the updater asks: headquarters' address and `/api/updates/{target}/{arch}/{version}`,
/// the placeholders filled in by the updater.
fn check_url(hq_url: &str, bundle: Bundle) -> Option<tauri::Url> {
    let base = tauri::Url::parse(hq_url).ok()?;
    let path = base.join(UPDATES_PATH.trim_start_matches('/')).ok()?;
    let url = format!(
        "{path}/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}?bundle={}",
        bundle.code()
    );
    tauri::Url::parse(&url).ok()
}

/// After a sync: asks headquarters for an update when it is time (`attended`: the supporter
/// asked for the sync, so always), and tells the UI when one is offered. Quiet on failure: the
/// next sync asks again, and nothing is lost by waiting.
pub async fn check_after_sync<R: Runtime>(app: &tauri::AppHandle<R>, attended: bool) {
    let updates = app.state::<Updates>();
    let Some(bundle) = installed_with() else {
        return;
    };
    if !updates.due() && !attended {
        return;
    }
    let state = app.state::<AppState>();
    let Ok(Some(enrolment)) = state.with_store_unattended(|s| Ok(s.enrolment()?)) else {
        return;
    };
    let Some(url) = check_url(&enrolment.hq_url, bundle) else {
        return;
    };
    let updater = app
        .updater_builder()
        .endpoints(vec![url])
        .and_then(|b| b.header("Authorization", format!("Bearer {}", &*enrolment.token)))
        .map(|b| b.timeout(CHECK_TIMEOUT))
        .and_then(|b| b.build());
    let found = match updater {
        Ok(updater) => updater.check().await,
        Err(e) => Err(e),
    };
    match found {
        Ok(update) => {
            let offer = update.as_ref().map(offer_of);
            updates.keep(update);
            let _ = app.emit(UPDATE_OFFERED_EVENT, offer);
        }
        // The kind of failure only: the address and the token stay out of the log.
        Err(e) => eprintln!("career-salon: update check failed ({})", kind(&e)),
    }
}

/// The update headquarters offers, if any (for the banner after an unlock).
#[tauri::command(async)]
pub fn update_offer(updates: State<'_, Updates>) -> Option<UpdateOffer> {
    updates.offered().as_ref().map(offer_of)
}

/// 今すぐ更新: downloads the offer and checks its signature, locks the store, installs and
/// restarts. Refused while a salon is open or a form is half typed; a bundle the NPO's key did
/// not sign for this version, or an installer that fails, leaves this version running.
#[tauri::command]
pub async fn install_update<R: Runtime>(app: tauri::AppHandle<R>) -> Result<(), IpcError> {
    let state = app.state::<AppState>();
    let updates = app.state::<Updates>();
    let mut update = updates
        .offered()
        .ok_or_else(|| IpcError::invalid(Code::NotFound, "update"))?;
    match state.with_store(|s| Ok(s.work_in_hand()?))? {
        Some(WorkInHand::SalonOpen) => return Err(refused(Code::UpdateSalonOpen)),
        Some(WorkInHand::Draft) => return Err(refused(Code::UpdateDraftPending)),
        None => {}
    }
    update.timeout = Some(DOWNLOAD_TIMEOUT);
    // `download` checks the signature and the version it names before giving the bytes.
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(|e| failed(&e))?;
    // Closed cleanly before the installer runs: on Windows it ends this process itself.
    state.lock();
    update.install(&bytes).map_err(|e| failed(&e))?;
    app.restart();
}

fn refused(code: Code) -> IpcError {
    IpcError::invalid(code, "update")
}

/// What the supporter is told: the NPO's signature did not hold (a bundle altered, another key,
/// a version other than the one offered), the download did not finish, or the installer
/// failed. Each leaves this version running.
fn failed(e: &tauri_plugin_updater::Error) -> IpcError {
    use tauri_plugin_updater::Error as E;
    let code = match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => Code::UpdateNotSigned,
        E::Reqwest(_) | E::Network(_) | E::Http(_) => Code::UpdateDownloadFailed,
        _ => Code::UpdateInstallFailed,
    };
    eprintln!("career-salon: update refused or failed ({})", kind(e));
    IpcError::invalid(code, "update")
}

/// The failure's kind, without its detail (which may hold an address).
fn kind(e: &tauri_plugin_updater::Error) -> &'static str {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_) => "signature",
        E::SignedVersionMismatch { .. } => "signed version differs",
        E::MissingSignedVersion => "signature names no version",
        E::Reqwest(_) | E::Network(_) | E::Http(_) => "network",
        E::Io(_) => "io",
        E::InsecureTransportProtocol => "not https",
        E::PackageInstallFailed | E::DebInstallFailed | E::AuthenticationFailed => "installer",
        E::InvalidUpdaterFormat => "not a bundle of this kind",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_is_asked_under_headquarters_address_with_the_updaters_placeholders() {
        let url = check_url("https://hq.example.jp/salon/", Bundle::Deb).unwrap();
        let url = url.as_str();
        assert!(
            url.starts_with("https://hq.example.jp/salon/api/updates/"),
            "{url}"
        );
        for placeholder in ["target", "arch", "current_version"] {
            assert!(url.contains(&format!("%7B%7B{placeholder}%7D%7D")), "{url}");
        }
        assert!(url.ends_with("?bundle=deb"), "{url}");
        assert_eq!(check_url("not an address", Bundle::Deb), None);
    }

    #[test]
    fn headquarters_is_asked_at_most_once_an_hour() {
        let updates = Updates::default();
        assert!(updates.due());
        assert!(!updates.due());
        *updates.last_check.lock().unwrap() = Some(Instant::now() - CHECK_EVERY);
        assert!(updates.due());
    }
}
