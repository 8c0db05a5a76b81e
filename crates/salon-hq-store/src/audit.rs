//! 操作記録: every change an admin makes, written in the same transaction as the change, so
//! a change without its record (or a record without its change) cannot exist.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::audit_chain::{self, GENESIS};
use super::rows::{ts, AdminSession};
use crate::error::{HqError, Result};

/// Who makes a change: a logged-in admin, or the `salon-hq admin` command line (whoever has
/// the server's terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub admin_id: Option<i64>,
    pub name: String,
}

impl Actor {
    pub fn cli() -> Actor {
        Actor {
            admin_id: None,
            name: "コマンドライン".to_owned(),
        }
    }

    /// The server itself, writing a line about the chain (`AuditAction::about_the_chain`).
    pub fn server() -> Actor {
        Actor {
            admin_id: None,
            name: "サーバー".to_owned(),
        }
    }
}

impl From<&AdminSession> for Actor {
    fn from(s: &AdminSession) -> Actor {
        Actor {
            admin_id: Some(s.admin_id),
            name: s.name.clone(),
        }
    }
}

macro_rules! audit_actions {
    ($($variant:ident => $code:literal, $ja:literal;)*) => {
        /// What was done. The code is what the database keeps; the Japanese is what the log
        /// page shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum AuditAction { $($variant),* }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$(AuditAction::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $(AuditAction::$variant => $code),* }
            }

            pub fn ja(self) -> &'static str {
                match self { $(AuditAction::$variant => $ja),* }
            }

            pub fn parse(code: &str) -> Option<AuditAction> {
                match code { $($code => Some(AuditAction::$variant),)* _ => None }
            }
        }
    };
}

audit_actions! {
    FirstAdmin => "first_admin", "最初の管理者を作成";
    AdminCreated => "admin_created", "アカウントを作成";
    AdminRole => "admin_role", "アカウントの役割を変更";
    AdminStopped => "admin_stopped", "アカウントを停止";
    AdminResumed => "admin_resumed", "アカウントを再開";
    PasswordChanged => "password_changed", "パスワードを変更";
    CampusAdded => "campus_added", "キャンパスを追加";
    CampusRenamed => "campus_renamed", "キャンパス名を変更";
    CampusRetired => "campus_retired", "キャンパスを終了";
    CampusResumed => "campus_resumed", "キャンパスを再開";
    TermSaved => "term_saved", "事業期間と目標を保存";
    TermDeleted => "term_deleted", "事業期間を削除";
    QuietDaysSet => "quiet_days_set", "無送信の通知日数を変更";
    PathTermAdded => "path_term_added", "進路の集計期間（助成元）を追加";
    PathTermRemoved => "path_term_removed", "進路の集計期間（助成元）を削除";
    CodeIssued => "code_issued", "登録コードを発行";
    TakeoverCodeIssued => "takeover_code_issued", "引き継ぎの登録コードを発行";
    CodeCancelled => "code_cancelled", "登録コードを取り消し";
    SurveyCreated => "survey_created", "アンケートを作成";
    SurveyEdited => "survey_edited", "アンケートの質問を変更";
    SurveyClosed => "survey_closed", "アンケートを締め切り";
    SurveyReopened => "survey_reopened", "アンケートを再開";
    SurveyDeadline => "survey_deadline", "アンケートの回答期限を変更";
    OrganisationSet => "organisation_set", "団体名と連絡先を変更";
    CommentFeatured => "comment_featured", "回答のコメントを報告に掲載";
    CommentUnfeatured => "comment_unfeatured", "回答のコメントを報告から外す";
    DeviceRevoked => "device_revoked", "端末を失効";
    KeysRegistered => "keys_registered", "端末の鍵を登録";
    HandoverRelayed => "handover_relayed", "生徒の引き継ぎを預かり";
    HandoverFetched => "handover_fetched", "生徒の引き継ぎを相手の端末に渡して削除";
    HandoverReceipted => "handover_receipted", "生徒の引き継ぎの受領書を預かり";
    HandoverCancelled => "handover_cancelled", "生徒の引き継ぎを取り消して削除";
    HandoverExpired => "handover_expired", "生徒の引き継ぎを期限切れで削除";
    HandoverRecipientReplaced => "handover_recipient_replaced", "受け取る端末の失効・交代で生徒の引き継ぎを削除";
    HandoverSenderRevoked => "handover_sender_revoked", "送った端末の失効で生徒の引き継ぎを削除";
    HandoverDeclined => "handover_declined", "生徒の引き継ぎの受け取りを辞退";
    UpdateAdded => "update_added", "アプリの更新を追加";
    UpdateWithdrawn => "update_withdrawn", "アプリの更新を取り下げ";
    UpdatesOffered => "updates_offered", "アプリの更新の配信を切り替え";
    ChainStarted => "chain_started", "操作記録の鎖を開始";
    HeadRebuilt => "head_rebuilt", "操作記録の末尾の控えを作り直し";
    LinesMissing => "lines_missing", "書いた操作記録が消えていた";
}

impl AuditAction {
    /// A line the server writes about the chain itself, where what the chain vouches for has
    /// a gap: every check shows it (`AuditNotice`) for as long as the line is in the log.
    pub fn about_the_chain(self) -> bool {
        matches!(
            self,
            AuditAction::ChainStarted | AuditAction::HeadRebuilt | AuditAction::LinesMissing
        )
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    /// `None` for a code this server does not know (written by a newer version).
    pub action: Option<AuditAction>,
    pub detail: String,
}

/// Writes one line, chained to the one before (`audit_chain`); call it on the transaction
/// that makes the change. Only the writing connection can make the line's MAC.
pub(crate) fn record(
    conn: &Connection,
    by: &Actor,
    now: DateTime<Utc>,
    action: AuditAction,
    detail: &str,
) -> Result<()> {
    let (last_id, prev) = audit_chain::last_line(conn)?.unwrap_or((0, GENESIS.to_vec()));
    let line = audit_chain::Line {
        id: last_id + 1,
        at: ts(now),
        admin_id: by.admin_id,
        actor: by.name.clone(),
        action: action.code().to_owned(),
        detail: detail.to_owned(),
    };
    let fields = audit_chain::line_fields(&prev, &line);
    let mac: Vec<u8> = conn.query_row("SELECT salon_audit_mac(?1)", [fields], |r| r.get(0))?;
    let inserted = conn.execute(
        "INSERT INTO audit_log (id, at, admin_id, actor, action, detail, mac)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            line.id,
            line.at,
            line.admin_id,
            line.actor,
            line.action,
            line.detail,
            mac
        ],
    )?;
    // A trigger planted while the server runs (one there at open is refused) could skip the
    // insert (RAISE(IGNORE)), delete the line as soon as it is written, or rewrite it: then
    // the change is not made either, rather than made without its line.
    let held = conn
        .query_row(
            "SELECT at, admin_id, actor, action, detail, mac FROM audit_log WHERE id = ?1",
            [line.id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)? == line.at
                        && r.get::<_, Option<i64>>(1)? == line.admin_id
                        && r.get::<_, String>(2)? == line.actor
                        && r.get::<_, String>(3)? == line.action
                        && r.get::<_, String>(4)? == line.detail,
                    r.get::<_, Vec<u8>>(5)?,
                ))
            },
        )
        .optional()?;
    match held {
        Some((true, held_mac)) if inserted == 1 && held_mac == mac => Ok(()),
        _ => Err(HqError::AuditTampered(format!(
            "操作記録の行（ID {}）が、書いたとおりに残りませんでした。データベースに仕掛けられたトリガーが消したか書き換えたおそれがあります。この変更は取り消しました。",
            line.id
        ))),
    }
}

/// Gives every line a MAC, in id order from the zero MAC: run once, in the transaction of the
/// migration that adds the column, over the lines written before there was a chain. Then a
/// line of its own says how many were chained, and when: the chain vouches for them only
/// from that moment (whatever a copy held when it was migrated, edited lines too), and that
/// must stay visible in the log (`AuditAction::ChainStarted`).
pub(crate) fn chain_existing(conn: &Connection, key: &audit_chain::AuditKey) -> Result<()> {
    let mut lines = Vec::new();
    audit_chain::each_line(conn, i64::MIN, |_, s| {
        lines.push(s.line);
        true
    })?;
    let mut prev = GENESIS.to_vec();
    let mut chained = 0u64;
    let mut update = conn.prepare("UPDATE audit_log SET mac = ?1 WHERE id = ?2")?;
    for line in lines.into_iter().flatten() {
        let mac = key.line_mac(&prev, &line);
        update.execute(params![mac.to_vec(), line.id])?;
        prev = mac.to_vec();
        chained += 1;
    }
    if chained > 0 {
        // The moment of chaining is the clock's: a migration is given no caller's time.
        record(
            conn,
            &Actor::server(),
            crate::rows::server_now(),
            AuditAction::ChainStarted,
            &format!("それまでの操作記録 {chained} 行に鎖を付けました"),
        )?;
    }
    Ok(())
}

/// How many lines a page of the log shows.
pub const AUDIT_PAGE: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_code() {
        let mut codes = std::collections::BTreeSet::new();
        for a in AuditAction::ALL {
            assert_eq!(AuditAction::parse(a.code()), Some(*a));
            assert!(codes.insert(a.code()), "{} twice", a.code());
            assert!(!a.ja().is_empty());
        }
        assert_eq!(AuditAction::parse("unknown"), None);
    }
}
