//! The NPO as teachers meet it on a survey form and its printed flyer: its name and how to
//! reach it (設定). Unset, the form names the salon instead of the server.

use chrono::{DateTime, Utc};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::check_name;
use crate::error::{HqError, Result};

/// The longest contact line: an office, a phone number and an address fit.
pub const MAX_CONTACT_CHARS: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Organisation {
    /// 団体名, as teachers know it.
    pub name: String,
    /// 連絡先: who to ask about a survey.
    pub contact: String,
}

impl Organisation {
    /// What a form is headed with: the NPO's name, or the salon's.
    pub fn heading(&self) -> &str {
        if self.name.is_empty() {
            "校内キャリアサロン"
        } else {
            &self.name
        }
    }
}

impl HqStore {
    pub fn organisation(&self) -> Result<Organisation> {
        Ok(self.read().query_row(
            "SELECT org_name, org_contact FROM settings WHERE id = 1",
            [],
            |r| {
                Ok(Organisation {
                    name: r.get(0)?,
                    contact: r.get(1)?,
                })
            },
        )?)
    }

    /// Sets the name and contact; either may be left empty.
    pub fn set_organisation(
        &self,
        by: &Actor,
        name: &str,
        contact: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = match name.trim() {
            "" => String::new(),
            n => check_name(n, "org_name")?,
        };
        let contact = contact.trim();
        if contact.chars().count() > MAX_CONTACT_CHARS || contact.chars().any(char::is_control) {
            return Err(HqError::BadForm("org_contact"));
        }
        let mut conn = self.write();
        let tx = conn.transaction()?;
        tx.execute(
            "UPDATE settings SET org_name = ?1, org_contact = ?2 WHERE id = 1",
            [&name, contact],
        )?;
        record(
            &tx,
            by,
            now,
            AuditAction::OrganisationSet,
            &format!(
                "{}／{contact}",
                if name.is_empty() {
                    "（なし）"
                } else {
                    &name
                }
            ),
        )?;
        tx.commit()?;
        Ok(())
    }
}
