//! Updates of the app headquarters serves (`app_updates`): added by an admin with the bundle,
//! the signature the NPO's updater key made and Japanese notes; offered to each device for its
//! platform when newer than what it runs; withdrawn when something is wrong with one; and not
//! offered at all while the switch is off (laptops an IT department installs).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use salon_protocol::updates::{UpdatePlatform, UpdateSignature};
use salon_protocol::AppVersion;

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::device_auth::authenticate;
use super::rows::{from_ts, ts};
use crate::error::{HqError, Result};

/// The largest bundle headquarters keeps (an installer is 5 to 20 MB).
pub const MAX_BUNDLE_BYTES: usize = 200 * 1024 * 1024;
/// The longest 更新内容.
pub const MAX_NOTES_CHARS: usize = 2000;

/// An update as an admin gives it.
#[derive(Debug, Clone)]
pub struct NewAppUpdate {
    pub version: AppVersion,
    pub platform: UpdatePlatform,
    pub file_name: String,
    pub bundle: Vec<u8>,
    /// The `.sig` file's text.
    pub signature: String,
    pub notes: String,
}

/// An update as kept, without its bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppUpdate {
    pub id: i64,
    pub version: AppVersion,
    pub platform: UpdatePlatform,
    pub file_name: String,
    pub bytes: u64,
    /// Hexadecimal, for the admin to compare with what the NPO built.
    pub sha256: String,
    pub signature: String,
    pub notes: String,
    pub added_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, version, platform, file_name, bytes, sha256, signature, notes, \
                       added_at, withdrawn_at";

fn update_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<AppUpdate> {
    let version: String = r.get(1)?;
    let platform: String = r.get(2)?;
    let parsed = AppVersion::parse(&version).zip(UpdatePlatform::parse(&platform));
    let Some((version, platform)) = parsed else {
        return Err(rusqlite::Error::InvalidColumnType(
            1,
            "version".into(),
            rusqlite::types::Type::Text,
        ));
    };
    Ok(AppUpdate {
        id: r.get(0)?,
        version,
        platform,
        file_name: r.get(3)?,
        bytes: r.get::<_, i64>(4)?.max(0) as u64,
        sha256: r.get(5)?,
        signature: r.get(6)?,
        notes: r.get(7)?,
        added_at: from_ts(r.get(8)?),
        withdrawn_at: r.get::<_, Option<i64>>(9)?.map(from_ts),
    })
}

impl HqStore {
    /// Keeps an update. Refused when the version and platform already have one (withdraw it and
    /// publish a newer version instead: a laptop may have taken the first).
    pub fn add_app_update(&self, by: &Actor, new: NewAppUpdate, now: DateTime<Utc>) -> Result<i64> {
        let name = new.file_name.trim();
        if name.is_empty() || name.chars().count() > 200 || name.contains(['/', '\\']) {
            return Err(HqError::BadForm("update_file"));
        }
        if new.bundle.is_empty() || new.bundle.len() > MAX_BUNDLE_BYTES {
            return Err(HqError::BadForm("update_bundle"));
        }
        // The signature itself is checked by each laptop, against the key built into it; what
        // every laptop would refuse is refused here at once.
        let signed = UpdateSignature::read(&new.signature)
            .ok_or(HqError::BadForm("update_signature"))?
            .version();
        if signed.as_ref() != Some(&new.version) {
            return Err(HqError::BadForm("update_signature_version"));
        }
        let notes = new.notes.trim();
        let control = notes.chars().any(|c| c.is_control() && c != '\n');
        if notes.is_empty() || notes.chars().count() > MAX_NOTES_CHARS || control {
            return Err(HqError::BadForm("update_notes"));
        }
        let sha256 = data_encoding::HEXLOWER.encode(&crate::secret::sha256(&new.bundle));
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM app_updates WHERE version = ?1 AND platform = ?2)",
            params![new.version.to_string(), new.platform.to_string()],
            |r| r.get(0),
        )?;
        if taken {
            return Err(HqError::AlreadyExists("update"));
        }
        tx.execute(
            "INSERT INTO app_updates (version, platform, file_name, bytes, sha256, signature,
                                      notes, added_at, bundle)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                new.version.to_string(),
                new.platform.to_string(),
                name,
                new.bundle.len() as i64,
                sha256,
                new.signature.trim(),
                notes,
                ts(now),
                new.bundle
            ],
        )?;
        let id = tx.last_insert_rowid();
        let detail = format!("{}（{}）", new.version, new.platform);
        record(&tx, by, now, AuditAction::UpdateAdded, &detail)?;
        tx.commit()?;
        Ok(id)
    }

    /// Offers an update to no laptop again (one that took it keeps it).
    pub fn withdraw_app_update(&self, by: &Actor, id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let found: Option<(String, String)> = tx
            .query_row(
                "SELECT version, platform FROM app_updates WHERE id = ?1 AND withdrawn_at IS NULL",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (version, platform) = found.ok_or(HqError::NotFound)?;
        tx.execute(
            "UPDATE app_updates SET withdrawn_at = ?2 WHERE id = ?1",
            params![id, ts(now)],
        )?;
        let detail = format!("{version}（{platform}）");
        record(&tx, by, now, AuditAction::UpdateWithdrawn, &detail)?;
        tx.commit()?;
        Ok(())
    }

    /// Every update kept, newest version first.
    pub fn app_updates(&self) -> Result<Vec<AppUpdate>> {
        let conn = self.read();
        let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM app_updates"))?;
        let mut all = stmt
            .query_map([], update_of)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        all.sort_by(|a, b| (&b.version, a.platform).cmp(&(&a.version, b.platform)));
        Ok(all)
    }

    /// The newest update for the device with `token` on `platform` that is newer than
    /// `current`; none when updates are switched off. Asked with the device's token: a revoked
    /// device, or none, gets nothing. The platform is kept for 端末一覧.
    pub fn update_for(
        &self,
        token: &str,
        platform: UpdatePlatform,
        current: &AppVersion,
    ) -> Result<Option<AppUpdate>> {
        let platform_text = platform.to_string();
        let (device, known, newest) = {
            let conn = self.read();
            let device = authenticate(&conn, token)?;
            let known: Option<String> = conn.query_row(
                "SELECT update_platform FROM devices WHERE id = ?1",
                [device.id],
                |r| r.get(0),
            )?;
            let newest = if offered(&conn)? {
                let mut stmt = conn.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM app_updates WHERE platform = ?1 AND withdrawn_at IS NULL"
                ))?;
                let offers = stmt
                    .query_map([&platform_text], update_of)?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                offers
                    .into_iter()
                    .filter(|u| u.version > *current)
                    .max_by(|a, b| a.version.cmp(&b.version))
            } else {
                None
            };
            (device, known, newest)
        };
        // Every laptop asks at each sync; the one writer, which uploads share, is taken (once
        // the reader is given back) only when a laptop asks on another platform than before.
        if known.as_deref() != Some(platform_text.as_str()) {
            self.write().execute(
                "UPDATE devices SET update_platform = ?2 WHERE id = ?1",
                params![device.id, platform_text],
            )?;
        }
        Ok(newest)
    }

    /// The bundle of an update still offered, for the device with `token`: its file name and
    /// bytes.
    pub fn update_bundle(&self, token: &str, id: i64) -> Result<(String, Vec<u8>)> {
        let conn = self.read();
        authenticate(&conn, token)?;
        if !offered(&conn)? {
            return Err(HqError::NotFound);
        }
        conn.query_row(
            "SELECT file_name, bundle FROM app_updates WHERE id = ?1 AND withdrawn_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(HqError::NotFound)
    }

    /// Whether laptops are offered updates.
    pub fn updates_offered(&self) -> Result<bool> {
        offered(&self.read())
    }

    /// Switches updates on or off for every laptop.
    pub fn set_updates_offered(&self, by: &Actor, on: bool, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE settings SET updates_offered = ?1 WHERE id = 1",
            [on],
        )?;
        let detail = if on {
            "配信する"
        } else {
            "配信しない"
        };
        record(&tx, by, now, AuditAction::UpdatesOffered, detail)?;
        tx.commit()?;
        Ok(())
    }
}

fn offered(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT updates_offered FROM settings WHERE id = 1",
        [],
        |r| r.get(0),
    )?)
}
