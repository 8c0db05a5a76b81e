//! What 端末一覧 shows of the handover relay and does with it: the packages held and lately
//! carried (never what they say, which headquarters cannot read), and a manager's cancel.

use chrono::{DateTime, Duration, Utc};
use salon_protocol::relay::{RelayEnd, RelayReason};

use super::audit::Actor;
use super::database::HqStore;
use super::relay_ending::{end, scrub};
use super::rows::{from_ts, ts};
use crate::error::{HqError, Result};

/// A relayed package as 端末一覧 lists it: never its contents, which headquarters cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayedPackage {
    pub id: String,
    pub sender: i64,
    pub sender_name: String,
    pub recipient: i64,
    pub recipient_name: String,
    pub reason: RelayReason,
    pub bytes: u64,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// `waiting`, `fetched`, `receipted`, `done` or `ended`.
    pub state: String,
    pub ended_why: Option<RelayEnd>,
}

impl RelayedPackage {
    /// Whether a manager may still cancel it: headquarters holds it, not yet fetched.
    pub fn cancellable(&self) -> bool {
        self.state == "waiting"
    }
}

impl HqStore {
    /// A manager cancels a package headquarters still holds: it is deleted, and its sender is
    /// told at its next sync.
    pub fn cancel_relayed(&self, by: &Actor, id: &str, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        if !end(&tx, by, id, RelayEnd::Cancelled, None, now)? {
            return Err(HqError::NotFound);
        }
        tx.commit()?;
        let _ = scrub(&conn);
        Ok(())
    }

    /// Packages waiting, and those of the last 30 days, newest first, for 端末一覧.
    pub fn relayed_packages(&self, now: DateTime<Utc>) -> Result<Vec<RelayedPackage>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT p.id, p.sender, s.supporter, p.recipient, r.supporter, p.reason, p.bytes,
                    p.sent_at, p.expires_at, p.state, p.ended_why
             FROM relayed_packages p
             JOIN devices s ON s.id = p.sender JOIN devices r ON r.id = p.recipient
             WHERE p.state = 'waiting' OR p.sent_at > ?1
             ORDER BY p.sent_at DESC, p.id",
        )?;
        let rows = stmt
            .query_map([ts(now - Duration::days(30))], |r| {
                Ok(RelayedPackage {
                    id: r.get(0)?,
                    sender: r.get(1)?,
                    sender_name: r.get(2)?,
                    recipient: r.get(3)?,
                    recipient_name: r.get(4)?,
                    reason: RelayReason::parse(&r.get::<_, String>(5)?)
                        .unwrap_or(RelayReason::Transfer),
                    bytes: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                    sent_at: from_ts(r.get(7)?),
                    expires_at: from_ts(r.get(8)?),
                    state: r.get(9)?,
                    ended_why: r
                        .get::<_, Option<String>>(10)?
                        .as_deref()
                        .and_then(RelayEnd::parse),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
