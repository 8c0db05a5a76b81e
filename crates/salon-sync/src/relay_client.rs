//! The handover relay's requests (`/api/v1/relay/*`), one method each, answered and refused
//! as every request to headquarters is.

use salon_protocol::relay::{
    RelayId, RelayInbox, RelayLaptops, RelayPackage, RelayReceipt, RelaySend,
};
use salon_protocol::{PackageId, PublicKeys};

use crate::client::{answer, answer_done, HqClient, SyncError};

impl HqClient {
    fn relay(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> Result<reqwest::RequestBuilder, SyncError> {
        Ok(self
            .request(method, &format!("api/v1/relay/{path}"))?
            .bearer_auth(token))
    }

    /// Registers this laptop's public keys for the handover relay.
    pub async fn register_keys(&self, token: &str, keys: &PublicKeys) -> Result<(), SyncError> {
        answer_done(self.relay(reqwest::Method::PUT, "keys", token)?.json(keys)).await
    }

    /// The colleagues' laptops headquarters can relay a handover to.
    pub async fn relay_laptops(&self, token: &str) -> Result<RelayLaptops, SyncError> {
        answer(self.relay(reqwest::Method::GET, "laptops", token)?).await
    }

    /// Hands a sealed package to headquarters for the colleague's laptop.
    pub async fn relay_send(&self, token: &str, send: &RelaySend) -> Result<(), SyncError> {
        let req = self
            .relay(reqwest::Method::POST, "send", token)?
            .timeout(RELAY_SEND_TIMEOUT)
            .json(send);
        answer_done(req).await
    }

    pub async fn relay_inbox(&self, token: &str) -> Result<RelayInbox, SyncError> {
        answer(self.relay(reqwest::Method::GET, "inbox", token)?).await
    }

    /// A package for this laptop; headquarters deletes it once told it arrived
    /// (`relay_received`).
    pub async fn relay_fetch(
        &self,
        token: &str,
        id: &PackageId,
    ) -> Result<RelayPackage, SyncError> {
        let req = self
            .relay(reqwest::Method::POST, "fetch", token)?
            .timeout(RELAY_SEND_TIMEOUT)
            .json(&RelayId { id: id.clone() });
        answer(req).await
    }

    /// The package fetched is safe here: headquarters deletes it.
    pub async fn relay_received(&self, token: &str, id: &PackageId) -> Result<(), SyncError> {
        let body = RelayId { id: id.clone() };
        answer_done(
            self.relay(reqwest::Method::POST, "received", token)?
                .json(&body),
        )
        .await
    }

    /// A package fetched and not taken: its sender is told.
    pub async fn relay_decline(&self, token: &str, id: &PackageId) -> Result<(), SyncError> {
        let body = RelayId { id: id.clone() };
        answer_done(
            self.relay(reqwest::Method::POST, "decline", token)?
                .json(&body),
        )
        .await
    }

    pub async fn relay_receipt(
        &self,
        token: &str,
        receipt: &RelayReceipt,
    ) -> Result<(), SyncError> {
        answer_done(
            self.relay(reqwest::Method::POST, "receipt", token)?
                .json(receipt),
        )
        .await
    }

    /// This laptop has a receipt, or knows a package ended: headquarters drops it.
    pub async fn relay_ack(&self, token: &str, id: &PackageId) -> Result<(), SyncError> {
        let body = RelayId { id: id.clone() };
        answer_done(self.relay(reqwest::Method::POST, "ack", token)?.json(&body)).await
    }

    pub async fn relay_cancel(&self, token: &str, id: &PackageId) -> Result<(), SyncError> {
        let body = RelayId { id: id.clone() };
        answer_done(
            self.relay(reqwest::Method::POST, "cancel", token)?
                .json(&body),
        )
        .await
    }
}

/// A package of several megabytes on a slow line takes longer than a count's upload.
const RELAY_SEND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
