//! A handover carried through headquarters (事務局経由) instead of on a file: the store's side.
//! The package is the same sealed file; headquarters only carries it. The colleague's laptop
//! comes from headquarters' list, so the supporter still types the fingerprint read from the
//! colleague's own screen (headquarters could list a key of its own); a relayed package from a
//! sender not known here is opened only after the sender's fingerprint is typed the same way.
//! What waits to go (a package, a cancel, a receipt) is kept here until a sync carries it
//! (salon-sync `relay.rs`).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension};
use salon_handover::{LaptopCard, SealedPackage};
use salon_protocol::relay::{
    PackageId, RelayLaptop, RelayOffer, RelayReason, MAX_PACKAGE_BYTES, MOST_BYTES_WAITING_FOR_ONE,
    MOST_KEPT_UNDECIDED,
};
use salon_protocol::PublicKeys;
use serde::Serialize;

use super::cards::KnownLaptop;
use super::record::{record, HandoverReason, HandoverRecord, HandoverRequest, Merge, Sealed};
use crate::error::{Result, StoreError};
use crate::laptop_keys::laptop_keys;
use crate::vault::Store;

/// A colleague's laptop as headquarters lists it: whose it is and which campuses. Its
/// fingerprint is never shown from the list; the supporter types the one on the colleague's
/// own screen, and sealing checks it against the listed keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RelayColleague {
    pub device: i64,
    pub supporter: String,
    pub campuses: Vec<String>,
}

/// A package fetched from headquarters, waiting for the supporter here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RelayedToMe {
    pub id: String,
    /// The sender's supporter, as headquarters enrolled them.
    pub sender: String,
    pub reason: HandoverReason,
    pub fetched_at: String,
    /// Whether the sending laptop is known here; if not, its fingerprint is typed first.
    pub sender_known: bool,
}

/// What waits here to go to headquarters: a package, a cancel, a receipt or a decline.
#[derive(Debug, Clone)]
pub enum RelayOutgoing {
    Package {
        id: PackageId,
        to: i64,
        keys: PublicKeys,
        reason: RelayReason,
        expires_at: DateTime<Utc>,
        package: String,
    },
    Cancel(PackageId),
    Receipt {
        id: PackageId,
        receipt: String,
    },
    /// A package fetched here and declined: its sender is told.
    Decline(PackageId),
}

fn card_keys(card: &LaptopCard) -> PublicKeys {
    let (e, s) = card.public_keys();
    PublicKeys::new(&e, &s)
}

impl Store {
    /// This laptop's public keys, and whether headquarters has them (these, not a pair
    /// replaced since).
    pub fn relay_keys(&self) -> Result<(PublicKeys, bool)> {
        let keys = card_keys(&laptop_keys(&self.conn)?.card(""));
        let registered: Option<String> = self
            .conn
            .query_row(
                "SELECT registered_key FROM laptop_keys WHERE id = 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        let held = registered.as_deref() == Some(keys.encryption.as_str());
        Ok((keys, held))
    }

    /// Headquarters took `keys`: kept as registered while they are this laptop's.
    pub fn relay_keys_registered(&mut self, keys: &PublicKeys) -> Result<()> {
        self.conn.execute(
            "UPDATE laptop_keys SET registered_key = ?1 WHERE id = 1",
            [&keys.encryption],
        )?;
        Ok(())
    }

    /// Headquarters refused this laptop's keys as retired: a backup restored on a new laptop
    /// after a takeover. A new pair replaces them (the lost laptop still holds the old); the
    /// old is kept only to check receipts of handovers sealed before.
    pub fn renew_laptop_keys(&mut self) -> Result<()> {
        let tx = self.conn.transaction()?;
        crate::laptop_keys::renew(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Headquarters' list as the supporter sees it: names and campuses, of laptops whose
    /// listed keys can be read.
    pub fn relay_colleagues(&self, laptops: &[RelayLaptop]) -> Vec<RelayColleague> {
        laptops
            .iter()
            .filter(|l| relay_card(l).is_ok())
            .map(|l| {
                RelayColleague {
                    device: l.device,
                    supporter: l.supporter.clone(),
                    // By name, as the supporter knows them; by code if the names are amiss.
                    campuses: if l.campus_names.len() == l.campuses.len() {
                        l.campus_names.clone()
                    } else {
                        l.campuses.iter().map(|c| c.as_str().to_owned()).collect()
                    },
                }
            })
            .collect()
    }

    /// Seals a handover for the colleague's laptop `laptop` of headquarters' list, once
    /// `request.typed_fingerprint`, read from the colleague's screen, is the listed keys': a
    /// key headquarters put in the list is refused here (`FingerprintMismatch`) and nothing is
    /// sealed. The package waits here until a sync hands it to headquarters.
    pub fn seal_for_relay(
        &mut self,
        laptop: &RelayLaptop,
        request: &HandoverRequest,
        my_label: &str,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Sealed> {
        let card = relay_card(laptop)?;
        let known = self.trust_card(&card, &request.typed_fingerprint, false)?;
        let request = HandoverRequest {
            colleague: known.id,
            ..request.clone()
        };
        self.seal_handover_via(&request, my_label, now, today, Some(laptop.device))
    }

    /// What waits to go through headquarters, packages first.
    pub fn relay_outgoing(&self) -> Result<Vec<RelayOutgoing>> {
        let mut stmt = self.conn.prepare(
            "SELECT h.id, h.relay_state, h.relay_device, h.reason, h.package, h.receipt, k.card
             FROM handover h LEFT JOIN known_laptop k ON k.fingerprint = h.fingerprint
             WHERE h.relay_state IN ('to_send', 'cancel_to_send', 'receipt_to_send')
             ORDER BY h.created_at, h.id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let damaged = || StoreError::Damaged("relayed handover");
        let mut rows = rows
            .into_iter()
            .map(|(id, state, device, reason, package, receipt, card)| {
                let id = PackageId::parse(&id).ok_or_else(damaged)?;
                Ok(match state.as_str() {
                    "to_send" => {
                        let package = package.ok_or_else(damaged)?;
                        let header = SealedPackage::from_file(&package)
                            .and_then(|p| p.header())
                            .map_err(|_| damaged())?;
                        let card = LaptopCard::from_file(&card.ok_or_else(damaged)?)
                            .map_err(|_| damaged())?;
                        RelayOutgoing::Package {
                            id,
                            to: device.ok_or_else(damaged)?,
                            keys: card_keys(&card),
                            reason: RelayReason::parse(&reason).ok_or_else(damaged)?,
                            expires_at: header.expires_at,
                            package,
                        }
                    }
                    "cancel_to_send" => RelayOutgoing::Cancel(id),
                    _ => RelayOutgoing::Receipt {
                        id,
                        receipt: receipt.ok_or_else(damaged)?,
                    },
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT id FROM relay_inbox WHERE declined_at IS NOT NULL AND package != ''
             ORDER BY declined_at, id",
        )?;
        let declined = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for id in declined {
            rows.push(RelayOutgoing::Decline(
                PackageId::parse(&id).ok_or_else(damaged)?,
            ));
        }
        Ok(rows)
    }

    /// Headquarters has what `relay_outgoing` gave: a package (its copy here is dropped), a
    /// cancel, a receipt, or a decline (the package here is deleted).
    pub fn relay_delivered(&mut self, id: &PackageId) -> Result<()> {
        self.conn.execute(
            "UPDATE handover SET package = NULL, relay_state = CASE relay_state
                 WHEN 'to_send' THEN 'sent'
                 WHEN 'cancel_to_send' THEN 'ended'
                 WHEN 'receipt_to_send' THEN 'receipt_sent'
                 ELSE relay_state END
             WHERE id = ?1",
            [id.as_str()],
        )?;
        self.conn.execute(
            "UPDATE relay_inbox SET package = '' WHERE id = ?1 AND declined_at IS NOT NULL",
            [id.as_str()],
        )?;
        Ok(())
    }

    /// The sender's copy of a relayed handover, cancelled here: headquarters is always told
    /// at the next sync, even when the package seemed not to have gone (an upload under way
    /// as the supporter cancels reaches it all the same); one it never had answers "not
    /// found", which ends it.
    pub(super) fn cancel_relayed_here(&mut self, id: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE handover SET package = NULL, relay_state = 'cancel_to_send'
             WHERE id = ?1 AND relay_state IN ('to_send', 'sent')",
            [id],
        )?;
        Ok(())
    }

    /// Whether a package of `bytes` for this laptop may be kept here: one already kept may,
    /// and otherwise one no larger than headquarters relays, only while what waits undecided
    /// stays within `MOST_KEPT_UNDECIDED` packages and `MOST_BYTES_WAITING_FOR_ONE` bytes, so
    /// no sender (nor headquarters) can fill this laptop's disk.
    pub fn relay_room_for(&self, id: &PackageId, bytes: u64) -> Result<bool> {
        // A declined package counts until headquarters has the decline and its text is gone.
        let (kept, count, held): (bool, u32, i64) = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM relay_inbox WHERE id = ?1 AND declined_at IS NULL),
                    count(*), coalesce(sum(bytes), 0)
             FROM relay_inbox WHERE declined_at IS NULL OR package != ''",
            [id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let held = u64::try_from(held).unwrap_or(u64::MAX);
        Ok(kept
            || (bytes <= MAX_PACKAGE_BYTES as u64
                && count < MOST_KEPT_UNDECIDED
                && held.saturating_add(bytes) <= MOST_BYTES_WAITING_FOR_ONE))
    }

    /// Keeps a package fetched from headquarters (deleted there) until the supporter decides;
    /// `false`, keeping nothing, when there is no room (`relay_room_for`): it stays at
    /// headquarters.
    pub fn keep_relayed(&mut self, offer: &RelayOffer, package: &str) -> Result<bool> {
        if !self.relay_room_for(&offer.id, package.len() as u64)? {
            return Ok(false);
        }
        let reason = match offer.reason {
            RelayReason::Transfer => "transfer",
            RelayReason::Cover => "cover",
        };
        // The header is read once here, not each time the screen lists what waits.
        let sender_card = package_sender(package).ok().map(|c| c.to_file());
        // Fetched again (headquarters not told in time it arrived): kept once, and never
        // again once taken.
        self.conn.execute(
            "INSERT OR IGNORE INTO relay_inbox
                 (id, sender_device, sender, reason, fetched_at, package, sender_card, bytes)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
             WHERE NOT EXISTS (SELECT 1 FROM handover WHERE id = ?1)",
            params![
                offer.id.as_str(),
                offer.from,
                offer.sender,
                reason,
                crate::rows::stamp(),
                package,
                sender_card,
                package.len() as i64
            ],
        )?;
        Ok(true)
    }

    /// Headquarters deleted its copy of a package kept here: from now on it is offered.
    pub fn relay_received_here(&mut self, id: &PackageId) -> Result<()> {
        self.conn.execute(
            "UPDATE relay_inbox SET received_at = ?2 WHERE id = ?1 AND received_at IS NULL",
            params![id.as_str(), crate::rows::stamp()],
        )?;
        Ok(())
    }

    /// A package kept here that headquarters no longer holds for this laptop before it
    /// confirmed deleting it (cancelled or expired there meanwhile): never offered.
    pub fn relay_drop_unreceived(&mut self, id: &PackageId) -> Result<()> {
        self.conn.execute(
            "DELETE FROM relay_inbox WHERE id = ?1 AND received_at IS NULL",
            [id.as_str()],
        )?;
        Ok(())
    }

    /// Packages kept here whose deletion headquarters has not confirmed yet: each is confirmed
    /// (or dropped, if headquarters ended it meanwhile) before anything is fetched again, so an
    /// answer lost on the way loses nothing.
    pub fn relay_unconfirmed(&self) -> Result<Vec<PackageId>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM relay_inbox WHERE received_at IS NULL AND declined_at IS NULL
             ORDER BY fetched_at, id",
        )?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.iter()
            .map(|id| PackageId::parse(id).ok_or(StoreError::Damaged("relayed package id")))
            .collect()
    }

    /// The packages fetched and waiting here.
    pub fn relayed_to_me(&self) -> Result<Vec<RelayedToMe>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, sender, reason, fetched_at, sender_card FROM relay_inbox
             WHERE declined_at IS NULL AND received_at IS NOT NULL ORDER BY fetched_at, id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let known = self.known_cards()?;
        rows.into_iter()
            .map(|(id, sender, reason, fetched_at, card)| {
                let sender_known = card
                    .and_then(|c| LaptopCard::from_file(&c).ok())
                    .is_some_and(|card| known.iter().any(|k| k.same_keys(&card)));
                Ok(RelayedToMe {
                    id,
                    sender,
                    reason: if reason == "cover" {
                        HandoverReason::Cover
                    } else {
                        HandoverReason::Transfer
                    },
                    fetched_at,
                    sender_known,
                })
            })
            .collect()
    }

    /// The text of a package waiting here.
    pub fn relayed_package(&self, id: &str) -> Result<String> {
        self.conn
            .query_row(
                "SELECT package FROM relay_inbox
                 WHERE id = ?1 AND received_at IS NOT NULL AND declined_at IS NULL",
                [id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound("relayed package"))
    }

    /// Trusts the sender of a package waiting here once `typed`, read from the sender's own
    /// screen, is the fingerprint of the key that signed it; named as headquarters names them.
    pub fn trust_relayed_sender(&mut self, id: &str, typed: &str) -> Result<KnownLaptop> {
        let (sender, card): (String, Option<String>) = self
            .conn
            .query_row(
                "SELECT sender, sender_card FROM relay_inbox
                 WHERE id = ?1 AND declined_at IS NULL AND received_at IS NOT NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(StoreError::NotFound("relayed package"))?;
        let card = card
            .and_then(|c| LaptopCard::from_file(&c).ok())
            .ok_or(StoreError::Handover(salon_handover::Refusal::Unreadable))?;
        let (e, s) = card.public_keys();
        let named = LaptopCard::from_public_keys(&sender, e, s).map_err(StoreError::Handover)?;
        self.trust_card(&named, typed, false)
    }

    /// Takes a package waiting here, as `accept_package` does; its receipt goes back through
    /// headquarters at the next sync.
    pub fn accept_relayed(
        &mut self,
        id: &str,
        merges: &[Merge],
        now: DateTime<Utc>,
    ) -> Result<HandoverRecord> {
        let package = self.relayed_package(id)?;
        let device: i64 = self.conn.query_row(
            "SELECT sender_device FROM relay_inbox WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let (taken, _) = self.accept_package_via(&package, merges, now, Some((id, device)))?;
        Ok(record(&self.conn, &taken.id)?.0)
    }

    /// Declines a package waiting here: headquarters and through it the sender are told at
    /// the next sync (the sender's records can then be written again), and it is deleted.
    pub fn decline_relayed(&mut self, id: &str) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE relay_inbox SET declined_at = ?2
             WHERE id = ?1 AND declined_at IS NULL AND received_at IS NOT NULL",
            params![id, crate::rows::stamp()],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound("relayed package"));
        }
        Ok(())
    }
}

/// The card headquarters lists for a laptop, named as it names the supporter.
fn relay_card(laptop: &RelayLaptop) -> Result<LaptopCard> {
    let (e, s) = laptop
        .keys
        .bytes()
        .ok_or(StoreError::Handover(salon_handover::Refusal::Unreadable))?;
    LaptopCard::from_public_keys(&laptop.supporter, e, s).map_err(StoreError::Handover)
}

/// The card in a package's header, as the package claims it: checked against the signature
/// only when the package is opened.
fn package_sender(package: &str) -> Result<LaptopCard> {
    SealedPackage::from_file(package)
        .and_then(|p| p.header())
        .map(|h| h.sender)
        .map_err(StoreError::Handover)
}
