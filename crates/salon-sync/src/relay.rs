//! The handover relay's part of a sync, after the counts: this laptop's keys registered (a new
//! pair made when headquarters calls them retired, as after a takeover), then what waits here
//! handed over (packages, cancels, receipts), then the inbox: packages for this laptop fetched
//! (and so deleted at headquarters) into the store, receipts for packages it sent settled, and
//! packages that ended without arriving cancelled here, each acknowledged.

use salon_protocol::relay::{RelayReceipt, RelaySend};
use salon_protocol::ErrorCode;
use salon_store::RelayOutgoing;

use crate::client::{HqClient, SyncError};
use crate::send::SendError;
use crate::store_outbox::StoreAccess;

/// What the relay did in one sync, for the app to tell the supporter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relayed {
    /// Packages handed to headquarters.
    pub sent: u32,
    /// Packages fetched for this laptop.
    pub fetched: u32,
    /// Handovers settled by a receipt carried back.
    pub settled: u32,
    /// Handovers headquarters ended or refused, cancelled here.
    pub ended: u32,
}

impl Relayed {
    pub fn is_empty(&self) -> bool {
        *self == Relayed::default()
    }
}

/// The refusals that end a package for good: sending it again would meet them again.
fn ends_the_package(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::RelayRecipient
            | ErrorCode::RelayKeysChanged
            | ErrorCode::RelayReplayed
            | ErrorCode::RelayExpired
            | ErrorCode::BodyTooLarge
            | ErrorCode::BadBody
    )
}

/// One pass of the relay for the enrolled laptop behind `access`.
pub async fn relay<A: StoreAccess>(access: &A) -> Result<Relayed, SendError<A::Error>> {
    let out = |e| SendError::Outbox(e);
    let Some(enrolment) = access.with(|s| s.enrolment()).map_err(out)? else {
        return Ok(Relayed::default());
    };
    let client = HqClient::new(&enrolment.hq_url)?;
    let token: &str = &enrolment.token;
    let mut done = Relayed::default();

    let (keys, registered) = access.with(|s| s.relay_keys()).map_err(out)?;
    if !registered {
        match client.register_keys(token, &keys).await {
            Err(SyncError::Refused {
                code: ErrorCode::KeysRetired,
                ..
            }) => {
                let (keys, _) = access
                    .with(|s| {
                        s.renew_laptop_keys()?;
                        s.relay_keys()
                    })
                    .map_err(out)?;
                client.register_keys(token, &keys).await?;
            }
            other => other?,
        }
        access.with(|s| s.relay_keys_registered()).map_err(out)?;
    }

    for outgoing in access.with(|s| s.relay_outgoing()).map_err(out)? {
        let (id, sent) = match outgoing {
            RelayOutgoing::Package {
                id,
                to,
                keys,
                reason,
                expires_at,
                package,
            } => {
                let send = RelaySend {
                    id: id.clone(),
                    to,
                    keys,
                    reason,
                    expires_at,
                    package,
                };
                (id, client.relay_send(token, &send).await.map(|_| 1))
            }
            RelayOutgoing::Cancel(id) => {
                let answer = match client.relay_cancel(token, &id).await {
                    // Fetched already, or ended at headquarters: nothing there to cancel.
                    Err(SyncError::Refused {
                        code: ErrorCode::NotFound,
                        ..
                    }) => Ok(0),
                    other => other.map(|_| 0),
                };
                (id, answer)
            }
            RelayOutgoing::Receipt { id, receipt } => {
                let receipt = RelayReceipt {
                    id: id.clone(),
                    receipt,
                };
                let answer = match client.relay_receipt(token, &receipt).await {
                    Err(SyncError::Refused {
                        code: ErrorCode::NotFound,
                        ..
                    }) => Ok(0),
                    other => other.map(|_| 0),
                };
                (id, answer)
            }
        };
        match sent {
            Ok(n) => {
                access.with(|s| s.relay_delivered(&id)).map_err(out)?;
                done.sent += n;
            }
            Err(SyncError::Refused { code, .. }) if ends_the_package(code) => {
                access
                    .with(|s| s.relay_ended(&id, code.as_str()))
                    .map_err(out)?;
                done.ended += 1;
            }
            Err(e) => return Err(e.into()),
        }
    }

    let inbox = client.relay_inbox(token).await?;
    for offer in &inbox.packages {
        let package = client.relay_fetch(token, &offer.id).await?;
        access
            .with(|s| s.keep_relayed(offer, &package.package))
            .map_err(out)?;
        done.fetched += 1;
    }
    let today = access.today();
    for receipt in &inbox.receipts {
        access
            .with(|s| s.relay_receipt_arrived(&receipt.receipt, today))
            .map_err(out)?;
        client.relay_ack(token, &receipt.id).await?;
        done.settled += 1;
    }
    for ended in &inbox.ended {
        access
            .with(|s| s.relay_ended(&ended.id, ended.why.code()))
            .map_err(out)?;
        client.relay_ack(token, &ended.id).await?;
        done.ended += 1;
    }
    Ok(done)
}
