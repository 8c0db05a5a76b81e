//! 鍵を作り直す, and the reset with the recovery key, which does the same: the database copied
//! under a new key and a new recovery key shown once (salon-store `rotation.rs`). The store is
//! taken out of the state while it happens, so nothing else writes to it; other commands answer
//! `locked` meanwhile.

use salon_store::{Proof, StoreError};
use serde::Serialize;
use tauri::State;
use zeroize::Zeroizing;

use crate::error::IpcError;
use crate::state::AppState;

/// The new recovery key, to be shown once.
#[derive(Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct KeysRenewed {
    recovery_key: String,
}

impl std::fmt::Debug for KeysRenewed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeysRenewed { recovery_key: .. }")
    }
}

/// 鍵を作り直す: proven by the current passphrase, which stays the same.
#[tauri::command]
pub async fn renew_keys(
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<KeysRenewed, IpcError> {
    let passphrase = Zeroizing::new(passphrase);
    let next = passphrase.clone();
    rotate(&state, Secret::Passphrase(passphrase), next.clone(), next).await
}

/// After unlocking with the recovery key: a new passphrase, proven by that key again; the keys
/// are made anew, so the recovery key used stops working and a new one is shown.
#[tauri::command]
pub async fn reset_passphrase(
    state: State<'_, AppState>,
    recovery_key: String,
    next: String,
    confirm: String,
) -> Result<KeysRenewed, IpcError> {
    let secret = Secret::RecoveryKey(Zeroizing::new(recovery_key));
    rotate(
        &state,
        secret,
        Zeroizing::new(next),
        Zeroizing::new(confirm),
    )
    .await
}

enum Secret {
    Passphrase(Zeroizing<String>),
    RecoveryKey(Zeroizing<String>),
}

async fn rotate(
    state: &State<'_, AppState>,
    secret: Secret,
    next: Zeroizing<String>,
    confirm: Zeroizing<String>,
) -> Result<KeysRenewed, IpcError> {
    let store = state.take_store().ok_or_else(IpcError::locked)?;
    let vault = state.vault.clone();
    let (store, renewed) = tauri::async_runtime::spawn_blocking(move || {
        let proof = match &secret {
            Secret::Passphrase(p) => Proof::Passphrase(p),
            Secret::RecoveryKey(r) => Proof::RecoveryKey(r),
        };
        match vault.prepare_rotation(&store, proof, &next, &confirm) {
            // Refused or not copied: nothing changed, the store stays open.
            Err(e) => (Some(store), Err::<_, StoreError>(e)),
            Ok(rotation) => match vault.complete_rotation(store, rotation) {
                Ok((store, recovery)) => (Some(store), Ok(recovery)),
                // Past the copy: locked; the next unlock settles the folder.
                Err(e) => (None, Err(e)),
            },
        }
    })
    .await
    .map_err(|_| IpcError::internal("key rotation failed"))?;
    if let Some(store) = store {
        state.put_store(store);
    }
    let recovery = renewed?;
    Ok(KeysRenewed {
        recovery_key: recovery.display().to_owned(),
    })
}
