//! Admin accounts (Argon2id password hashes, two roles, stoppable) and their sessions (kept as
//! hashes of the id).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::{check_name, from_ts, ts, AdminSession, SESSION_LIFETIME_SECS};
use crate::error::{HqError, Result};
pub use crate::rows::Role;
use crate::secret;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// An account as the accounts page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub stopped_at: Option<DateTime<Utc>>,
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(HqError::BadForm("password"));
    }
    Ok(())
}

/// Inserts an account; the name must be free.
pub(super) fn insert_admin(
    conn: &Connection,
    name: &str,
    password: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    let name = check_name(name, "name")?;
    check_password(password)?;
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM admins WHERE name = ?1)",
        [&name],
        |r| r.get(0),
    )?;
    if exists {
        return Err(HqError::AlreadyExists("admin"));
    }
    let hash = secret::hash_password(password)?;
    conn.execute(
        "INSERT INTO admins (name, password_hash, created_at, role) VALUES (?1, ?2, ?3, ?4)",
        params![name, hash, ts(now), role.code()],
    )?;
    Ok((conn.last_insert_rowid(), name))
}

/// A new session for an account; returns the id only the browser keeps.
pub(super) fn open_session(conn: &Connection, admin_id: i64, now: DateTime<Utc>) -> Result<String> {
    let id = secret::new_token()?;
    conn.execute(
        "DELETE FROM admin_sessions WHERE expires_at <= ?1",
        [ts(now)],
    )?;
    conn.execute(
        "INSERT INTO admin_sessions (id_hash, admin_id, created_at, expires_at, last_seen_at)
         VALUES (?1, ?2, ?3, ?4, ?3)",
        params![
            secret::sha256(id.as_bytes()),
            admin_id,
            ts(now),
            ts(now) + SESSION_LIFETIME_SECS
        ],
    )?;
    Ok(id)
}

impl HqStore {
    /// Creates an account. From the command line, before any account exists, this is how the
    /// first admin is made.
    pub fn create_admin(
        &self,
        by: &Actor,
        name: &str,
        password: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let (id, name) = insert_admin(&tx, name, password, role, now)?;
        record(
            &tx,
            by,
            now,
            AuditAction::AdminCreated,
            &format!("{name}（{}）", role.ja()),
        )?;
        tx.commit()?;
        Ok(id)
    }

    pub fn admins(&self) -> Result<Vec<AdminRow>> {
        let conn = self.read();
        let mut stmt =
            conn.prepare("SELECT id, name, role, created_at, disabled_at FROM admins ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, name, role, created, stopped)| {
                Ok(AdminRow {
                    id,
                    name,
                    role: Role::parse(&role).map_err(|_| HqError::Internal("stored role"))?,
                    created_at: from_ts(created),
                    stopped_at: stopped.map(from_ts),
                })
            })
            .collect()
    }

    /// Changes an account's role. Nobody changes their own, and the last working manager
    /// stays one (or nobody could change anything again).
    pub fn set_role(&self, by: &Actor, id: i64, role: Role, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let name = other_account(&tx, by, id)?;
        if role == Role::Viewer {
            keep_a_manager(&tx, id)?;
        }
        tx.execute(
            "UPDATE admins SET role = ?1 WHERE id = ?2",
            params![role.code(), id],
        )?;
        record(
            &tx,
            by,
            now,
            AuditAction::AdminRole,
            &format!("{name} を{}に", role.ja()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Stops an account (its sessions end and it cannot log in) or lets it in again.
    pub fn set_stopped(&self, by: &Actor, id: i64, stop: bool, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let name = other_account(&tx, by, id)?;
        if stop {
            keep_a_manager(&tx, id)?;
            tx.execute(
                "UPDATE admins SET disabled_at = ?1 WHERE id = ?2 AND disabled_at IS NULL",
                params![ts(now), id],
            )?;
            tx.execute("DELETE FROM admin_sessions WHERE admin_id = ?1", [id])?;
        } else {
            tx.execute("UPDATE admins SET disabled_at = NULL WHERE id = ?1", [id])?;
        }
        let action = if stop {
            AuditAction::AdminStopped
        } else {
            AuditAction::AdminResumed
        };
        record(&tx, by, now, action, &name)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes the logged-in admin's own password after checking the current one; every
    /// other session of the account ends.
    pub fn change_password(
        &self,
        session: &AdminSession,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        check_password(new)?;
        let hash: String = self.read().query_row(
            "SELECT password_hash FROM admins WHERE id = ?1",
            [session.admin_id],
            |r| r.get(0),
        )?;
        if !secret::verify_password(current, &hash) {
            return Err(HqError::WrongPassword);
        }
        let new_hash = secret::hash_password(new)?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE admins SET password_hash = ?1 WHERE id = ?2",
            params![new_hash, session.admin_id],
        )?;
        tx.execute(
            "DELETE FROM admin_sessions WHERE admin_id = ?1 AND id_hash != ?2",
            params![session.admin_id, session.id_hash],
        )?;
        record(
            &tx,
            &Actor::from(session),
            now,
            AuditAction::PasswordChanged,
            &session.name,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a password and opens a session; returns the session id (kept only by the
    /// browser; the database keeps its hash). The Argon2id check runs outside the lock. A
    /// stopped account is refused like a wrong password.
    pub fn logout(&self, session_id: &str) -> Result<()> {
        self.write().execute(
            "DELETE FROM admin_sessions WHERE id_hash = ?1",
            [secret::sha256(session_id.as_bytes())],
        )?;
        Ok(())
    }
}

/// The name of account `id`, which must exist and not be `by`'s own.
fn other_account(conn: &Connection, by: &Actor, id: i64) -> Result<String> {
    if by.admin_id == Some(id) {
        return Err(HqError::OwnAccount);
    }
    conn.query_row("SELECT name FROM admins WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or(HqError::NotFound)
}

/// Refuses to take away the last working manager.
fn keep_a_manager(conn: &Connection, losing: i64) -> Result<()> {
    let others: i64 = conn.query_row(
        "SELECT COUNT(*) FROM admins
         WHERE role = 'manager' AND disabled_at IS NULL AND id != ?1",
        [losing],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(HqError::LastManager);
    }
    Ok(())
}
