//! What a sync brings the sender of a relayed handover: the colleague's receipt, which settles
//! it, or headquarters' word that it ended. Either happens with no one watching (a background
//! sync, or the pass run as the store is unlocked), so it is kept as news until the supporter
//! opens 引き継ぎ, and 今日 says so meanwhile: a transfer settled deletes students from this
//! laptop, which the supporter should not find out by missing them.

use chrono::NaiveDate;
use rusqlite::params;
use salon_protocol::relay::PackageId;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::vault::Store;

/// Sent handovers a sync settled or ended since the supporter last opened 引き継ぎ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct RelayNews {
    /// Taken by the colleague: a transfer's students are gone from here, a cover's read-only.
    pub settled: u32,
    /// Ended without being taken (declined, expired, cancelled at headquarters): the students'
    /// records can be written again.
    pub ended: u32,
}

impl Store {
    /// Headquarters will not carry a package (`why`: its refusal's code, or why it ended it):
    /// the handover is cancelled here, its students' records can be written again, and the
    /// record says why.
    pub fn relay_ended(&mut self, id: &PackageId, why: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE handover SET package = NULL, relay_state = 'ended', relay_end = ?2,
                 news = CASE state WHEN 'sealed' THEN 1 ELSE news END,
                 state = CASE state WHEN 'sealed' THEN 'cancelled' ELSE state END,
                 settled_at = CASE state WHEN 'sealed' THEN ?3 ELSE settled_at END
             WHERE id = ?1 AND direction = 'sent'",
            params![id.as_str(), why, crate::rows::stamp()],
        )?;
        Ok(())
    }

    /// A receipt headquarters carried back: settles the handover as a receipt file would. One
    /// already settled (or not this laptop's) is passed over, so the sync can acknowledge it.
    pub fn relay_receipt_arrived(&mut self, receipt: &str, today: NaiveDate) -> Result<()> {
        match self.import_receipt(receipt, today) {
            Ok(settled) => {
                self.conn
                    .execute("UPDATE handover SET news = 1 WHERE id = ?1", [&settled.id])?;
                Ok(())
            }
            Err(StoreError::Handover(_)) | Err(StoreError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// What syncs settled or ended since 引き継ぎ was last opened.
    pub fn relay_news(&self) -> Result<RelayNews> {
        Ok(self.conn.query_row(
            "SELECT count(*) FILTER (WHERE state != 'cancelled'),
                    count(*) FILTER (WHERE state = 'cancelled')
             FROM handover WHERE news = 1",
            [],
            |r| {
                Ok(RelayNews {
                    settled: r.get(0)?,
                    ended: r.get(1)?,
                })
            },
        )?)
    }

    /// The supporter opened 引き継ぎ, whose record shows each: no longer news.
    pub fn relay_news_seen(&mut self) -> Result<()> {
        self.conn
            .execute("UPDATE handover SET news = 0 WHERE news = 1", [])?;
        Ok(())
    }
}
