//! The handover relay's part of a sync, after the counts: this laptop's keys registered (a new
//! pair made when headquarters calls them retired, as after a takeover); then the inbox:
//! receipts for packages it sent settle them, packages that ended without arriving are
//! cancelled here (each acknowledged), and packages for this laptop are fetched and kept here
//! before headquarters is told to delete them; then what waits here goes (packages, cancels,
//! receipts, declines).

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

    // What headquarters holds for this laptop first: a receipt or an ending settles a
    // handover here, and a package fetched is kept here before headquarters deletes it.
    let inbox = client.relay_inbox(token).await?;
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
    for offer in &inbox.packages {
        let package = client.relay_fetch(token, &offer.id).await?;
        access
            .with(|s| s.keep_relayed(offer, &package.package))
            .map_err(out)?;
        client.relay_received(token, &offer.id).await?;
        done.fetched += 1;
    }

    for outgoing in access.with(|s| s.relay_outgoing()).map_err(out)? {
        let (id, is_package, answer) = match outgoing {
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
                let answer = client.relay_send(token, &send).await;
                (id, true, answer)
            }
            RelayOutgoing::Cancel(id) => {
                let answer = client.relay_cancel(token, &id).await;
                (id, false, answer)
            }
            RelayOutgoing::Receipt { id, receipt } => {
                let receipt = RelayReceipt {
                    id: id.clone(),
                    receipt,
                };
                let answer = client.relay_receipt(token, &receipt).await;
                (id, false, answer)
            }
            RelayOutgoing::Decline(id) => {
                let answer = client.relay_decline(token, &id).await;
                (id, false, answer)
            }
        };
        match answer {
            Ok(()) => {
                access.with(|s| s.relay_delivered(&id)).map_err(out)?;
                done.sent += u32::from(is_package);
            }
            // A cancel too late: the colleague's laptop has it. The record says so.
            Err(SyncError::Refused {
                code: ErrorCode::RelayFetched,
                ..
            }) => {
                access
                    .with(|s| s.relay_ended(&id, ErrorCode::RelayFetched.as_str()))
                    .map_err(out)?;
            }
            // Too much waits at headquarters: this one waits here, the rest still go.
            Err(SyncError::Refused {
                code: ErrorCode::RelayFull,
                ..
            }) => {}
            Err(SyncError::Refused { code, .. }) if is_package && ends_the_package(code) => {
                access
                    .with(|s| s.relay_ended(&id, code.as_str()))
                    .map_err(out)?;
                done.ended += 1;
            }
            // A cancel, receipt or decline headquarters refuses for good (the package already
            // fetched, ended or gone) is not sent again: sending it again would meet the same.
            Err(SyncError::Refused { status, .. })
                if !is_package && status < 500 && status != 401 && status != 429 =>
            {
                access.with(|s| s.relay_delivered(&id)).map_err(out)?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}
