//! The handover relay's part of a sync, after the counts: this laptop's keys registered (a new
//! pair made when headquarters calls them retired, as after a takeover); then what waits here
//! goes (packages, cancels, receipts, declines); then the inbox: receipts for packages it sent
//! settle them, packages that ended without arriving are cancelled here (each acknowledged),
//! and packages for this laptop are fetched and kept here, offered only once headquarters has
//! deleted its copy. What would pass the limit of what waits here undecided is left at
//! headquarters.

use salon_protocol::relay::{PackageId, RelayReceipt, RelaySend, MAX_PACKAGE_BYTES};
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
    /// Packages for this laptop left at headquarters: too many wait here undecided.
    pub left_at_hq: u32,
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

/// One pass of the relay for the enrolled laptop behind `access`. Each item goes or fails on
/// its own: a step headquarters could not answer leaves that item for the next pass and the
/// rest still go; the pass then answers with the first such failure.
pub async fn relay<A: StoreAccess>(access: &A) -> Result<Relayed, SendError<A::Error>> {
    let out = |e| SendError::Outbox(e);
    let Some(enrolment) = access.with(|s| s.enrolment()).map_err(out)? else {
        return Ok(Relayed::default());
    };
    let client = HqClient::new(&enrolment.hq_url)?;
    let token: &str = &enrolment.token;
    let mut done = Relayed::default();
    let mut failed: Option<SyncError> = None;

    let (keys, registered) = access.with(|s| s.relay_keys()).map_err(out)?;
    if !registered {
        let taken = match client.register_keys(token, &keys).await {
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
                client.register_keys(token, &keys).await.map(|()| keys)
            }
            other => other.map(|()| keys),
        };
        match taken {
            Ok(keys) => access
                .with(|s| s.relay_keys_registered(&keys))
                .map_err(out)?,
            // Not registered: nothing can be sealed to this laptop yet, but what it holds
            // and what waits for it still move.
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }

    // What waits here first (a cancel must reach headquarters before anything is fetched),
    // then what headquarters holds for this laptop.
    for outgoing in access.with(|s| s.relay_outgoing()).map_err(out)? {
        let (id, is_package, answer) = send_one(&client, token, outgoing).await;
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
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }

    let inbox = match client.relay_inbox(token).await {
        Ok(inbox) => inbox,
        Err(e) => return Err(failed.unwrap_or(e).into()),
    };
    // Kept here before headquarters confirmed deleting its copy (the answer lost, or the
    // laptop locked meanwhile): confirmed now, listed or not, and never fetched again.
    let unconfirmed = access.with(|s| s.relay_unconfirmed()).map_err(out)?;
    for id in &unconfirmed {
        confirm(&client, token, access, id, &mut done, &mut failed).await?;
    }
    let today = access.today();
    for receipt in &inbox.receipts {
        access
            .with(|s| s.relay_receipt_arrived(&receipt.receipt, today))
            .map_err(out)?;
        match client.relay_ack(token, &receipt.id).await {
            Ok(()) => done.settled += 1,
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    for ended in &inbox.ended {
        access
            .with(|s| s.relay_ended(&ended.id, ended.why.code()))
            .map_err(out)?;
        match client.relay_ack(token, &ended.id).await {
            Ok(()) => done.ended += 1,
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    for offer in &inbox.packages {
        if unconfirmed.contains(&offer.id) {
            continue;
        }
        // Larger than headquarters relays: a listing no honest headquarters makes.
        if offer.bytes > MAX_PACKAGE_BYTES as u64 {
            continue;
        }
        // Not even fetched while there is no room here for the size headquarters lists; kept
        // only if the package it gives fits too.
        if !access
            .with(|s| s.relay_room_for(&offer.id, offer.bytes))
            .map_err(out)?
        {
            done.left_at_hq += 1;
            continue;
        }
        let package = match client.relay_fetch(token, &offer.id).await {
            Ok(package) => package,
            Err(e) => {
                failed.get_or_insert(e);
                continue;
            }
        };
        if !access
            .with(|s| s.keep_relayed(offer, &package.package))
            .map_err(out)?
        {
            done.left_at_hq += 1;
            continue;
        }
        confirm(&client, token, access, &offer.id, &mut done, &mut failed).await?;
    }
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(done),
    }
}

/// Tells headquarters a package kept here is safe, so it deletes its copy; offered here only
/// once it says so (until then it could still be cancelled there). One headquarters ended
/// meanwhile (cancelled, expired) is dropped here too.
async fn confirm<A: StoreAccess>(
    client: &HqClient,
    token: &str,
    access: &A,
    id: &PackageId,
    done: &mut Relayed,
    failed: &mut Option<SyncError>,
) -> Result<(), SendError<A::Error>> {
    let out = |e| SendError::Outbox(e);
    match client.relay_received(token, id).await {
        Ok(()) => {
            access.with(|s| s.relay_received_here(id)).map_err(out)?;
            done.fetched += 1;
        }
        Err(SyncError::Refused {
            status: 404 | 410, ..
        }) => access.with(|s| s.relay_drop_unreceived(id)).map_err(out)?,
        Err(e) => {
            failed.get_or_insert(e);
        }
    }
    Ok(())
}

/// One item waiting here, sent: its package id, whether it is a package, and the answer.
async fn send_one(
    client: &HqClient,
    token: &str,
    outgoing: RelayOutgoing,
) -> (salon_protocol::PackageId, bool, Result<(), SyncError>) {
    match outgoing {
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
    }
}
