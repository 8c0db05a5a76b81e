//! The handover relay's packages: carried from one laptop to a colleague's, sealed to the
//! colleague's key so headquarters cannot read them. A package is kept only until the
//! recipient fetches it, the sender or a manager cancels it, or it expires; its row keeps the
//! two devices, the size, the times and the reason code, and each step writes one 操作記録 line
//! of the same. The id stays, so a package is relayed once.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};
use salon_protocol::relay::{
    PackageId, RelayEnd, RelayEnded, RelayInbox, RelayLaptop, RelayLaptops, RelayOffer,
    RelayPackage, RelayReason, RelayReceipt, RelaySend, LONGEST_RELAY_DAYS, MAX_PACKAGE_BYTES,
    MAX_RECEIPT_BYTES, MOST_BYTES_WAITING_FOR_ONE, MOST_WAITING_FROM_ONE,
};
use salon_protocol::{CampusCode, PublicKeys};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::device_auth::authenticate;
use super::device_keys::in_use;
use super::relay_ending::{detail, end, scrub};
use super::rows::{from_ts, ts};
use crate::error::{HqError, Result};

impl HqStore {
    /// The other laptops in use with keys registered, for a sender to choose from.
    pub fn relay_laptops(&self, token: &str) -> Result<RelayLaptops> {
        let conn = self.read();
        let me = authenticate(&conn, token)?;
        let mut stmt = conn.prepare(
            "SELECT d.id, d.supporter, k.encryption, k.signing,
                    (SELECT group_concat(campus_code, ' ') FROM
                        (SELECT campus_code FROM device_campuses WHERE device_id = d.id
                         ORDER BY campus_code)),
                    (SELECT json_group_array(name) FROM
                        (SELECT c.name FROM device_campuses dc
                         JOIN campuses c ON c.code = dc.campus_code
                         WHERE dc.device_id = d.id ORDER BY dc.campus_code))
             FROM devices d JOIN device_keys k ON k.device_id = d.id AND k.retired_at IS NULL
             WHERE d.revoked_at IS NULL AND d.id != ?1 ORDER BY d.supporter, d.id",
        )?;
        let rows = stmt
            .query_map([me.id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let laptops = rows
            .into_iter()
            .map(|(device, supporter, e, s, campuses, names)| {
                let key = |v: Vec<u8>| -> Result<[u8; 32]> {
                    v.try_into().map_err(|_| HqError::Internal("stored key"))
                };
                Ok(RelayLaptop {
                    device,
                    supporter,
                    campuses: campuses
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(|c| CampusCode::parse(c).map_err(|_| HqError::Internal("campus")))
                        .collect::<Result<_>>()?,
                    campus_names: serde_json::from_str(&names)
                        .map_err(|_| HqError::Internal("campus names"))?,
                    keys: PublicKeys::new(&key(e)?, &key(s)?),
                })
            })
            .collect::<Result<_>>()?;
        Ok(RelayLaptops { laptops })
    }

    /// Takes a package for the colleague's laptop `send.to`, sealed to the keys that laptop
    /// has in use. Refused: a recipient revoked, unknown, itself or without keys
    /// (`RelayRecipient`); keys that are not its keys now (`RelayKeysChanged`); an id relayed
    /// before (`RelayReplayed`); an expiry past or over 30 days ahead (`RelayExpired`).
    pub fn relay_send(&self, token: &str, send: RelaySend, now: DateTime<Utc>) -> Result<()> {
        if send.package.len() > MAX_PACKAGE_BYTES {
            return Err(HqError::BodyTooLarge);
        }
        let sealed_to = send.keys.bytes().ok_or(HqError::BadBody)?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let me = authenticate(&tx, token)?;
        let seen: Option<i64> = tx
            .query_row(
                "SELECT sender FROM relayed_packages WHERE id = ?1",
                [send.id.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        match seen {
            // The sender's own retry (its answer lost on the way): already here.
            Some(sender) if sender == me.id => return Ok(()),
            Some(_) => return Err(HqError::RelayReplayed),
            None => {}
        }
        let recipient_open: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1 AND revoked_at IS NULL)",
            [send.to],
            |r| r.get(0),
        )?;
        if !recipient_open || send.to == me.id {
            return Err(HqError::RelayRecipient);
        }
        let (keys_id, held) = in_use(&tx, send.to)?.ok_or(HqError::RelayRecipient)?;
        if held != sealed_to {
            return Err(HqError::RelayKeysChanged);
        }
        if send.expires_at <= now || send.expires_at > now + Duration::days(LONGEST_RELAY_DAYS) {
            return Err(HqError::RelayExpired);
        }
        let (from_me, for_them): (i64, i64) = tx.query_row(
            "SELECT (SELECT COUNT(*) FROM relayed_packages WHERE sender = ?1 AND state = 'waiting'),
                    (SELECT COALESCE(SUM(bytes), 0) FROM relayed_packages
                     WHERE recipient = ?2 AND state = 'waiting')",
            params![me.id, send.to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let bytes_after = u64::try_from(for_them).unwrap_or(u64::MAX) + send.package.len() as u64;
        if from_me >= i64::from(MOST_WAITING_FROM_ONE) || bytes_after > MOST_BYTES_WAITING_FOR_ONE {
            return Err(HqError::RelayFull);
        }
        let bytes = i64::try_from(send.package.len()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO relayed_packages
                 (id, sender, recipient, keys_id, reason, bytes, sent_at, expires_at, state, package)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'waiting', ?9)",
            params![
                send.id.as_str(),
                me.id,
                send.to,
                keys_id,
                send.reason.code(),
                bytes,
                ts(now),
                ts(send.expires_at),
                send.package.as_bytes(),
            ],
        )?;
        let line = detail(me.id, send.to, send.reason.code(), bytes);
        record(
            &tx,
            &Actor::device(me.id),
            now,
            AuditAction::HandoverRelayed,
            &line,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// What waits for the laptop `token` names: packages for it, receipts for packages it
    /// sent, and its packages that ended without arriving. Expired packages are deleted first.
    pub fn relay_inbox(&self, token: &str, now: DateTime<Utc>) -> Result<RelayInbox> {
        let me = authenticate(&self.read(), token)?;
        self.sweep_relay(now)?;
        let conn = self.read();
        let mut inbox = RelayInbox::default();
        let mut stmt = conn.prepare(
            "SELECT p.id, p.sender, d.supporter, p.reason, p.bytes, p.expires_at
             FROM relayed_packages p JOIN devices d ON d.id = p.sender
             WHERE p.recipient = ?1 AND p.state = 'waiting' ORDER BY p.sent_at, p.id",
        )?;
        let rows = stmt.query_map([me.id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
            ))
        })?;
        for row in rows {
            let (id, from, sender, reason, bytes, expires_at) = row?;
            inbox.packages.push(RelayOffer {
                id: stored_id(&id)?,
                from,
                sender,
                reason: RelayReason::parse(&reason).ok_or(HqError::Internal("reason"))?,
                bytes: u64::try_from(bytes).unwrap_or(0),
                expires_at: from_ts(expires_at),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT id, receipt FROM relayed_packages
             WHERE sender = ?1 AND state = 'receipted' ORDER BY sent_at, id",
        )?;
        let rows = stmt.query_map([me.id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        for row in rows {
            let (id, receipt): (String, Option<String>) = row?;
            inbox.receipts.push(RelayReceipt {
                id: stored_id(&id)?,
                receipt: receipt.unwrap_or_default(),
            });
        }
        let mut stmt = conn.prepare(
            "SELECT id, ended_why FROM relayed_packages
             WHERE sender = ?1 AND state = 'ended' AND told_at IS NULL ORDER BY sent_at, id",
        )?;
        let rows = stmt.query_map([me.id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))?;
        for row in rows {
            let (id, why): (String, Option<String>) = row?;
            inbox.ended.push(RelayEnded {
                id: stored_id(&id)?,
                why: why
                    .as_deref()
                    .and_then(RelayEnd::parse)
                    .ok_or(HqError::Internal("ended why"))?,
            });
        }
        Ok(inbox)
    }

    /// Gives the package to its recipient, unchanged here: it is deleted only when the
    /// recipient says it has it (`relay_received`), so an answer lost on the way loses
    /// nothing. Another device's package, or one no longer held, is not found; an expired
    /// one is `RelayExpired`.
    pub fn relay_fetch(
        &self,
        token: &str,
        id: &PackageId,
        now: DateTime<Utc>,
    ) -> Result<RelayPackage> {
        let me = authenticate(&self.read(), token)?;
        self.sweep_relay(now)?;
        let conn = self.read();
        let row: Option<(String, Option<String>, Option<Vec<u8>>)> = conn
            .query_row(
                "SELECT state, ended_why, package FROM relayed_packages
                 WHERE id = ?1 AND recipient = ?2",
                params![id.as_str(), me.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match row {
            Some((state, _, Some(package))) if state == "waiting" => {
                let package =
                    String::from_utf8(package).map_err(|_| HqError::Internal("package"))?;
                Ok(RelayPackage { package })
            }
            Some((_, Some(why), _)) if why == "expired" => Err(HqError::RelayExpired),
            _ => Err(HqError::NotFound),
        }
    }

    /// The recipient has the package safe: it is deleted here, and no file of headquarters'
    /// holds it from now on. Said again by the same recipient (its answer lost on the way), it
    /// is answered the same, so the laptop offers what it kept.
    pub fn relay_received(&self, token: &str, id: &PackageId, now: DateTime<Utc>) -> Result<()> {
        {
            let conn = self.read();
            let me = authenticate(&conn, token)?;
            let already: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM relayed_packages WHERE id = ?1 AND recipient = ?2
                     AND state IN ('fetched', 'receipted', 'done'))",
                params![id.as_str(), me.id],
                |r| r.get(0),
            )?;
            if already {
                return Ok(());
            }
        }
        self.recipient_step(
            token,
            id,
            "waiting",
            AuditAction::HandoverFetched,
            now,
            |tx| {
                tx.execute(
                    "UPDATE relayed_packages SET state = 'fetched', fetched_at = ?2, package = NULL
                 WHERE id = ?1",
                    params![id.as_str(), ts(now)],
                )
            },
        )?;
        // The package is gone whatever the log's copy does next.
        let _ = scrub(&self.write());
        Ok(())
    }

    /// The recipient declined a package it fetched: its sender is told at its next sync.
    pub fn relay_decline(&self, token: &str, id: &PackageId, now: DateTime<Utc>) -> Result<()> {
        self.recipient_step(
            token,
            id,
            "fetched",
            AuditAction::HandoverDeclined,
            now,
            |tx| {
                tx.execute(
                "UPDATE relayed_packages SET state = 'ended', ended_why = 'declined', ended_at = ?2
                 WHERE id = ?1",
                params![id.as_str(), ts(now)],
            )
            },
        )
    }

    /// Keeps the recipient's receipt of a package it fetched, for the sender's next sync.
    pub fn relay_receipt(
        &self,
        token: &str,
        receipt: RelayReceipt,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if receipt.receipt.len() > MAX_RECEIPT_BYTES || receipt.receipt.is_empty() {
            return Err(HqError::BodyTooLarge);
        }
        let id = receipt.id.clone();
        self.recipient_step(
            token,
            &id,
            "fetched",
            AuditAction::HandoverReceipted,
            now,
            |tx| {
                tx.execute(
                    "UPDATE relayed_packages SET state = 'receipted', receipt = ?2 WHERE id = ?1",
                    params![receipt.id.as_str(), receipt.receipt],
                )
            },
        )
    }

    /// One step of the recipient's on its package in state `from` (any other is not found):
    /// `change` made and its 操作記録 line written in one transaction.
    fn recipient_step(
        &self,
        token: &str,
        id: &PackageId,
        from: &str,
        action: AuditAction,
        now: DateTime<Utc>,
        change: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<usize>,
    ) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let me = authenticate(&tx, token)?;
        let (sender, reason, bytes) = for_recipient(&tx, id, me.id, from)?;
        change(&tx)?;
        let line = detail(sender, me.id, &reason, bytes);
        record(&tx, &Actor::device(me.id), now, action, &line)?;
        tx.commit()?;
        Ok(())
    }

    /// The sender has the receipt, or knows the package ended: the receipt is deleted and
    /// neither is offered again.
    pub fn relay_ack(&self, token: &str, id: &PackageId, now: DateTime<Utc>) -> Result<()> {
        let conn = self.write();
        let me = authenticate(&conn, token)?;
        let n = conn.execute(
            "UPDATE relayed_packages SET
                 state = CASE state WHEN 'receipted' THEN 'done' ELSE state END,
                 receipt = NULL,
                 told_at = CASE state WHEN 'ended' THEN ?3 ELSE told_at END
             WHERE id = ?1 AND sender = ?2 AND state IN ('receipted', 'ended')",
            params![id.as_str(), me.id, ts(now)],
        )?;
        if n == 0 {
            return Err(HqError::NotFound);
        }
        Ok(())
    }

    /// The sender takes back a package not yet fetched: it is deleted here.
    pub fn relay_cancel(&self, token: &str, id: &PackageId, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let me = authenticate(&tx, token)?;
        let state: Option<String> = tx
            .query_row(
                "SELECT state FROM relayed_packages WHERE id = ?1 AND sender = ?2",
                params![id.as_str(), me.id],
                |r| r.get(0),
            )
            .optional()?;
        match state.as_deref() {
            None => return Err(HqError::NotFound),
            Some("fetched" | "receipted" | "done") => return Err(HqError::RelayFetched),
            Some(_) => {}
        }
        if !end(
            &tx,
            &Actor::device(me.id),
            id.as_str(),
            RelayEnd::Cancelled,
            Some(now),
            now,
        )? {
            return Err(HqError::NotFound);
        }
        tx.commit()?;
        let _ = scrub(&conn);
        Ok(())
    }
}

/// A package for `recipient` in `state`: its sender, reason and size; any other is not found.
fn for_recipient(
    conn: &rusqlite::Connection,
    id: &PackageId,
    recipient: i64,
    state: &str,
) -> Result<(i64, String, i64)> {
    conn.query_row(
        "SELECT sender, reason, bytes FROM relayed_packages
         WHERE id = ?1 AND recipient = ?2 AND state = ?3",
        params![id.as_str(), recipient, state],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()?
    .ok_or(HqError::NotFound)
}

fn stored_id(id: &str) -> Result<PackageId> {
    PackageId::parse(id).ok_or(HqError::Internal("stored package id"))
}
