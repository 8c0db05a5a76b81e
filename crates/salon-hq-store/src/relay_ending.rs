//! How a relayed package stops being held: the laptop's steps and the manager's cancel end
//! it (`end`), its expiry sweeps it (`sweep_relay`), a revoked or replaced laptop's packages
//! end with it; each deleted, the write-ahead log emptied after (`scrub`), one 操作記録 line
//! naming the two devices, the reason and the size (`detail`).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::relay::{RelayEnd, RelayReason};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::ts;
use crate::error::Result;

/// The 操作記録 detail of a package: the two devices, the reason, the size. Nothing else.
pub(crate) fn detail(sender: i64, recipient: i64, reason: &str, bytes: i64) -> String {
    let reason = match RelayReason::parse(reason) {
        Some(RelayReason::Transfer) => "担当交代",
        Some(RelayReason::Cover) => "一時的な代理",
        None => "不明",
    };
    let kb = (bytes + 1023) / 1024;
    format!("端末 {sender} → 端末 {recipient}（{reason}、{kb} KB）")
}

impl Actor {
    /// A laptop, by its device number, for the lines the relay writes at its request.
    pub fn device(id: i64) -> Actor {
        Actor {
            admin_id: None,
            name: format!("端末 {id}"),
        }
    }
}

impl HqStore {
    /// Deletes every package past its expiry and not yet fetched; one 操作記録 line each.
    pub fn sweep_relay(&self, now: DateTime<Utc>) -> Result<usize> {
        let due: bool = self.read().query_row(
            "SELECT EXISTS (SELECT 1 FROM relayed_packages
                            WHERE state = 'waiting' AND expires_at <= ?1)",
            [ts(now)],
            |r| r.get(0),
        )?;
        if !due {
            return Ok(0);
        }
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let ids = tx
            .prepare(
                "SELECT id FROM relayed_packages WHERE state = 'waiting' AND expires_at <= ?1",
            )?
            .query_map([ts(now)], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for id in &ids {
            end(&tx, &Actor::server(), id, RelayEnd::Expired, None, now)?;
        }
        tx.commit()?;
        let _ = scrub(&conn);
        Ok(ids.len())
    }
}

/// Ends packages not yet fetched for `device` (taken over or revoked): deleted, their senders
/// told at their next sync. The caller scrubs the log after its commit when this says some
/// ended.
pub(crate) fn end_for_recipient(
    conn: &Connection,
    device: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    end_where(conn, "recipient", device, RelayEnd::RecipientReplaced, now)
}

/// Ends packages a revoked laptop sent that are still waiting: a lost laptop's last packages,
/// signed with keys its colleagues still trust, are not delivered.
pub(crate) fn end_from_sender(conn: &Connection, device: i64, now: DateTime<Utc>) -> Result<bool> {
    end_where(conn, "sender", device, RelayEnd::SenderRevoked, now)
}

fn end_where(
    conn: &Connection,
    column: &str,
    device: i64,
    why: RelayEnd,
    now: DateTime<Utc>,
) -> Result<bool> {
    let ids = conn
        .prepare(&format!(
            "SELECT id FROM relayed_packages WHERE {column} = ?1 AND state = 'waiting'"
        ))?
        .query_map([device], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for id in &ids {
        end(conn, &Actor::server(), id, why, None, now)?;
    }
    Ok(!ids.is_empty())
}

/// Ends one waiting package: the package deleted, why kept, a line written. `told`: the sender
/// knows already (it cancelled it itself). False when the package was not waiting.
pub(crate) fn end(
    conn: &Connection,
    by: &Actor,
    id: &str,
    why: RelayEnd,
    told: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let row: Option<(i64, i64, String, i64)> = conn
        .query_row(
            "SELECT sender, recipient, reason, bytes FROM relayed_packages
             WHERE id = ?1 AND state = 'waiting'",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((sender, recipient, reason, bytes)) = row else {
        return Ok(false);
    };
    conn.execute(
        "UPDATE relayed_packages SET state = 'ended', ended_why = ?2, ended_at = ?3,
                                     told_at = ?4, package = NULL
         WHERE id = ?1",
        params![id, why.code(), ts(now), told.map(ts)],
    )?;
    let action = match why {
        RelayEnd::Cancelled => AuditAction::HandoverCancelled,
        RelayEnd::Expired => AuditAction::HandoverExpired,
        RelayEnd::RecipientReplaced => AuditAction::HandoverRecipientReplaced,
        RelayEnd::SenderRevoked => AuditAction::HandoverSenderRevoked,
        RelayEnd::Declined => AuditAction::HandoverDeclined,
    };
    record(
        conn,
        by,
        now,
        action,
        &detail(sender, recipient, &reason, bytes),
    )?;
    Ok(true)
}

/// Once a package is deleted, the write-ahead log still holds the pages it was written in:
/// they are copied back and the log emptied, so the package is in no file of headquarters'
/// (the deleted pages themselves are zeroed, `secure_delete`). A reader still open keeps the
/// log for now; the next deletion empties it.
pub(crate) fn scrub(conn: &Connection) -> Result<()> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        tracing::warn!(
            "a reader kept the write-ahead log: deleted handover pages stay in it until the next deletion empties it"
        );
    }
    Ok(())
}
