//! Logging in, and the sessions it opens.
//!
//! Each failed login of an account doubles the wait before its next try — 1 s, 2 s, 4 s … up
//! to [`LOGIN_DELAY_CAP_SECS`] — whatever address the tries come from, so guesses spread over a
//! botnet or an IPv6 range slow the account all the same. The count lives in the database
//! (`login_failures`), so it is never pushed out by other names, and is counted from the
//! moment a try starts, so tries sent at once cannot all be checked. A browser that has logged
//! in to the account before ([`KnownBrowser`], a signed cookie) skips that wait, so a stranger
//! cannot keep the owner out; its own failures double a wait of its own, also in the database.
//! The cookie names the account's password as it was (a hash of its hash): a new password, set
//! by the owner or reset by a manager, makes every remembered browser a stranger again.
//!
//! A session ends [`SESSION_LIFETIME_SECS`] after login, or [`SESSION_IDLE_SECS`] after its
//! last request.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::admins::{open_session, Role};
use super::database::HqStore;
use super::rows::{ts, AdminSession, SESSION_IDLE_SECS};
use super::signed::{self, Purpose};
use crate::error::{HqError, Result};
use crate::secret;

/// The longest wait between two tries of one account.
pub const LOGIN_DELAY_CAP_SECS: i64 = 15 * 60;

/// How long an account waits after `failures` failed tries in a row.
fn wait_after(failures: i64) -> i64 {
    match failures {
        ..=0 => 0,
        n => 1_i64
            .checked_shl((n - 1).min(30) as u32)
            .unwrap_or(i64::MAX)
            .min(LOGIN_DELAY_CAP_SECS),
    }
}

/// A browser's proof that it logged in to an account before: the account, the browser's own
/// random id and the account's password generation, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownBrowser {
    pub admin_id: i64,
    pub browser: [u8; 16],
    generation: [u8; 8],
}

const KNOWN_BODY: usize = 8 + 16 + 8;

/// Which password a known browser logged in under: it changes with the password.
fn generation(password_hash: &str) -> [u8; 8] {
    let digest = secret::sha256(password_hash.as_bytes());
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginResult {
    /// Logged in: the session id only the browser keeps.
    Session { sid: String, admin_id: i64 },
    /// No such account, a wrong password, or a stopped account (said alike).
    Refused,
    /// The account waits this long before its next try; the password was not checked.
    Wait { retry_after_secs: i64 },
}

impl HqStore {
    /// The account an admin name belongs to, if any.
    pub fn account_named(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .read()
            .query_row(
                "SELECT id FROM admins WHERE name = ?1",
                [name.trim()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Checks a password, unless the account is waiting after failed tries and `known` is not
    /// a browser that logged in to it before.
    pub fn login(
        &self,
        name: &str,
        password: &str,
        known: Option<&KnownBrowser>,
        now: DateTime<Utc>,
    ) -> Result<LoginResult> {
        let found: Option<(i64, String, Option<i64>)> = self
            .read()
            .query_row(
                "SELECT id, password_hash, disabled_at FROM admins WHERE name = ?1",
                [name.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((admin_id, hash, disabled)) = found else {
            secret::verify_password(password, secret::dummy_password_hash());
            return Ok(LoginResult::Refused);
        };
        // The account's own count, or this browser's when it logged in under this password.
        let counter: Vec<u8> = match known {
            Some(k) if k.admin_id == admin_id && k.generation == generation(&hash) => {
                k.browser.to_vec()
            }
            _ => Vec::new(),
        };
        {
            // Counted as failed before the password is checked; a success forgives it.
            let mut conn = self.write();
            let tx = conn.transaction()?;
            let (failures, last): (i64, i64) = tx
                .query_row(
                    "SELECT failures, last_at FROM login_failures
                     WHERE admin_id = ?1 AND browser = ?2",
                    params![admin_id, counter],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .unwrap_or((0, 0));
            let until = last.saturating_add(wait_after(failures));
            if ts(now) < until {
                return Ok(LoginResult::Wait {
                    retry_after_secs: until - ts(now),
                });
            }
            tx.execute(
                "INSERT INTO login_failures (admin_id, browser, failures, last_at)
                 VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (admin_id, browser) DO UPDATE SET failures = failures + 1, last_at = ?3",
                params![admin_id, counter, ts(now)],
            )?;
            tx.commit()?;
        }
        if !secret::verify_password(password, &hash) || disabled.is_some() {
            return Ok(LoginResult::Refused);
        }
        let conn = self.write();
        conn.execute(
            "DELETE FROM login_failures WHERE admin_id = ?1 AND browser = ?2",
            params![admin_id, counter],
        )?;
        let sid = open_session(&conn, admin_id, now)?;
        Ok(LoginResult::Session { sid, admin_id })
    }

    /// A cookie value that proves this browser logged in to `admin_id` under its present
    /// password: the browser's id is kept if it has one.
    pub fn known_browser_token(&self, admin_id: i64, browser: Option<[u8; 16]>) -> Result<String> {
        let conn = self.read();
        let key = signed::key(&conn, Purpose::KnownBrowser)?;
        let hash: String = conn.query_row(
            "SELECT password_hash FROM admins WHERE id = ?1",
            [admin_id],
            |r| r.get(0),
        )?;
        let browser = match browser {
            Some(b) => b,
            None => secret::random_bytes::<16>()?,
        };
        let body = [&admin_id.to_be_bytes()[..], &browser, &generation(&hash)].concat();
        Ok(signed::sign(&key, Purpose::KnownBrowser, &body))
    }

    /// The browser a cookie value proves, if this server signed it.
    pub fn known_browser(&self, token: &str) -> Result<Option<KnownBrowser>> {
        let key = signed::key(&self.read(), Purpose::KnownBrowser)?;
        Ok(
            signed::open(&key, Purpose::KnownBrowser, token, KNOWN_BODY).and_then(|body| {
                Some(KnownBrowser {
                    admin_id: i64::from_be_bytes(body[..8].try_into().ok()?),
                    browser: body[8..24].try_into().ok()?,
                    generation: body[24..].try_into().ok()?,
                })
            }),
        )
    }

    /// The session behind a session id, if it has neither expired nor been left idle; a
    /// request keeps it alive (written at most once a minute).
    pub fn session(&self, session_id: &str, now: DateTime<Utc>) -> Result<Option<AdminSession>> {
        let id_hash = secret::sha256(session_id.as_bytes());
        let found = self
            .read()
            .query_row(
                "SELECT a.id, a.name, a.role, s.last_seen_at FROM admin_sessions s
                 JOIN admins a ON a.id = s.admin_id
                 WHERE s.id_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3
                   AND a.disabled_at IS NULL",
                params![id_hash, ts(now), ts(now) - SESSION_IDLE_SECS],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((admin_id, name, role, seen)) = found else {
            return Ok(None);
        };
        if ts(now) - seen >= 60 {
            self.write().execute(
                "UPDATE admin_sessions SET last_seen_at = ?2 WHERE id_hash = ?1",
                params![id_hash, ts(now)],
            )?;
        }
        Ok(Some(AdminSession {
            admin_id,
            name,
            role: Role::parse(&role).map_err(|_| HqError::Internal("stored role"))?,
            id_hash,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_doubles_the_wait_up_to_fifteen_minutes() {
        let waits: Vec<i64> = (0..13).map(wait_after).collect();
        assert_eq!(waits, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(wait_after(i64::MAX), LOGIN_DELAY_CAP_SECS);
    }
}
