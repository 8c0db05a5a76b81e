//! The one-time link that creates the first admin, so an NPO without a terminal-savvy person
//! can set up headquarters from a browser. Printed by `serve` while no account exists; good
//! for one use within a day, and for nothing once any account exists.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::admins::{insert_admin, open_session, Role};
use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::ts;
use crate::error::{HqError, Result};
use crate::secret;

/// How long a set-up link stays usable: an hour, so one copied from a screen or a file is soon
/// worth nothing.
pub const SETUP_LINK_SECS: i64 = 60 * 60;

fn any_admin(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM admins)", [], |r| r.get(0))?)
}

fn link_is_open(conn: &Connection, token: &str, now: DateTime<Utc>) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM setup_links
         WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2)",
        params![secret::sha256(token.as_bytes()), ts(now)],
        |r| r.get(0),
    )?)
}

impl HqStore {
    /// A new set-up token while no account exists (any earlier unused one stops working);
    /// `None` once one does.
    pub fn issue_setup_link(&self, now: DateTime<Utc>) -> Result<Option<String>> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        if any_admin(&tx)? {
            return Ok(None);
        }
        let token = secret::new_token()?;
        tx.execute("DELETE FROM setup_links WHERE used_at IS NULL", [])?;
        tx.execute(
            "INSERT INTO setup_links (token_hash, created_at, expires_at) VALUES (?1, ?2, ?3)",
            params![
                secret::sha256(token.as_bytes()),
                ts(now),
                ts(now) + SETUP_LINK_SECS
            ],
        )?;
        tx.commit()?;
        Ok(Some(token))
    }

    /// Whether `token` would create the first admin now.
    pub fn setup_link_open(&self, token: &str, now: DateTime<Utc>) -> Result<bool> {
        let conn = self.read();
        Ok(!any_admin(&conn)? && link_is_open(&conn, token, now)?)
    }

    /// Creates the first admin (a manager) through the link, uses the link up, and logs the
    /// new admin in: returns the session id.
    pub fn create_first_admin(
        &self,
        token: &str,
        name: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        if any_admin(&tx)? || !link_is_open(&tx, token, now)? {
            return Err(HqError::SetupLinkInvalid);
        }
        let (id, name) = insert_admin(&tx, name, password, Role::Manager, now)?;
        tx.execute(
            "UPDATE setup_links SET used_at = ?1 WHERE token_hash = ?2",
            params![ts(now), secret::sha256(token.as_bytes())],
        )?;
        let by = Actor {
            admin_id: Some(id),
            name: name.clone(),
        };
        record(&tx, &by, now, AuditAction::FirstAdmin, &name)?;
        let sid = open_session(&tx, id, now)?;
        tx.commit()?;
        Ok(sid)
    }
}
