//! Admin accounts (Argon2id password hashes) and their sessions (kept as hashes of the id).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{check_name, ts, AdminSession, Store, SESSION_LIFETIME_SECS};
use crate::error::{HqError, Result};
use crate::secret;

impl Store {
    // ---- admins and their sessions ----

    pub fn create_admin(&self, name: &str, password: &str, now: DateTime<Utc>) -> Result<i64> {
        let name = check_name(name, "name")?;
        if password.chars().count() < 10 {
            return Err(HqError::BadForm("password"));
        }
        let hash = secret::hash_password(password)?;
        let conn = self.write();
        let exists: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM admins WHERE name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(HqError::AlreadyExists("admin"));
        }
        conn.execute(
            "INSERT INTO admins (name, password_hash, created_at) VALUES (?1, ?2, ?3)",
            params![name, hash, ts(now)],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Checks a password and opens a session; returns the session id (kept only by the
    /// browser; the database keeps its hash). The Argon2id check runs outside the lock.
    pub fn login(&self, name: &str, password: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        let found: Option<(i64, String)> = self
            .read()
            .query_row(
                "SELECT id, password_hash FROM admins WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let ok = match &found {
            Some((_, hash)) => secret::verify_password(password, hash),
            None => {
                secret::verify_password(password, secret::dummy_password_hash());
                false
            }
        };
        let Some((admin_id, _)) = found.filter(|_| ok) else {
            return Ok(None);
        };
        let id = secret::new_token()?;
        let conn = self.write();
        conn.execute(
            "DELETE FROM admin_sessions WHERE expires_at <= ?1",
            [ts(now)],
        )?;
        conn.execute(
            "INSERT INTO admin_sessions (id_hash, admin_id, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                secret::sha256(id.as_bytes()),
                admin_id,
                ts(now),
                ts(now) + SESSION_LIFETIME_SECS
            ],
        )?;
        Ok(Some(id))
    }

    pub fn session(&self, session_id: &str, now: DateTime<Utc>) -> Result<Option<AdminSession>> {
        let s = self
            .read()
            .query_row(
                "SELECT a.id, a.name FROM admin_sessions s JOIN admins a ON a.id = s.admin_id
                 WHERE s.id_hash = ?1 AND s.expires_at > ?2",
                params![secret::sha256(session_id.as_bytes()), ts(now)],
                |r| {
                    Ok(AdminSession {
                        admin_id: r.get(0)?,
                        name: r.get(1)?,
                    })
                },
            )
            .optional()?;
        Ok(s)
    }

    pub fn logout(&self, session_id: &str) -> Result<()> {
        self.write().execute(
            "DELETE FROM admin_sessions WHERE id_hash = ?1",
            [secret::sha256(session_id.as_bytes())],
        )?;
        Ok(())
    }
}
