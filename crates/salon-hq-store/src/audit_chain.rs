//! The 操作記録 as a chain that shows tampering.
//!
//! Each line's `mac` is HMAC-SHA256, under the audit key, of the previous line's `mac` (32 zero
//! bytes before the first line) and the line's own id, time, admin id, actor, action and
//! detail, each length-prefixed (`line_message`), so no two different lines encode alike.
//! The key is 32 random bytes in a file beside the database (`hq.db.audit-key`, 0600, made at
//! the first open), never in it: whoever can rewrite only the database file can change,
//! insert or delete a line, but cannot make the MACs from that line on hold again, and
//! `audit_check::check` names the first line that does not.
//!
//! Lines deleted at the end leave a shorter chain that still holds. Two things remember the
//! end:
//! - the head file (`hq.db.audit-head`, 0600): the number of lines, the last line's id and
//!   MAC, signed with the key. It is brought up to date after every transaction that wrote a
//!   line (`HqStore::write`'s guard, once the transaction is over), at the start of `serve`,
//!   daily, and at shutdown, and only ever moves forward: it is replaced only when the
//!   database still holds the line it names, with the MAC it names, and the lines after it
//!   chain from there. A tail deleted and then written past leaves the head file as it was.
//!   The lines it moves over must include every one this server committed since
//!   (`audit_tally.rs`); one gone is written into the chain first (`AuditAction::LinesMissing`).
//! - the server log: at start and daily, `serve` writes the line count and the last MAC
//!   (target `salon_hq::audit`); `salon-hq audit verify --expect-count N --expect-head HEX`
//!   checks the database against them, for when the head file itself was deleted.
//!
//! What it cannot see: whoever has the key (the server's user, root, anyone holding a backup
//! with its key file) can write any chain and any head. A head file deleted together with the
//! lines at the end, or replaced by an older one of the same key, hides those lines from the
//! head file (a missing one is reported, and written anew when the server next writes it,
//! with a line of its own saying so, `AuditAction::HeadRebuilt`, that every check shows):
//! only the log's figures show them. Lines of a 1.0 database are chained when the migration
//! that adds `mac` runs: they are vouched for only from that moment, which a line of the
//! server's own records (`audit::chain_existing`).
//!
//! Lines are made through `salon_audit_mac`, an SQL function registered on the writing
//! connection only, with SQLITE_DIRECTONLY: a trigger or view planted in the database file
//! cannot call it to forge MACs. It puts the line tag in front of what it is given, so no
//! caller can have it sign a head file.

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::rows::from_ts;
use crate::error::Result;
use crate::secret::hmac_sha256;

pub type Mac = [u8; 32];
/// What the first line chains from.
pub const GENESIS: Mac = [0; 32];

const LINE_TAG: &[u8] = b"salon-hq audit line v1\0";
const HEAD_TAG: &[u8] = b"salon-hq audit head v1\0";

/// The key the chain is made with. Never printed.
#[derive(Clone)]
pub struct AuditKey(pub(crate) [u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

impl PartialEq for AuditKey {
    fn eq(&self, other: &AuditKey) -> bool {
        crate::secret::constant_time_eq(&self.0, &other.0)
    }
}

impl AuditKey {
    pub(crate) fn line_mac(&self, prev: &[u8], line: &Line) -> Mac {
        hmac_sha256(&self.0, &[LINE_TAG, &line_fields(prev, line)])
    }

    pub(crate) fn head_signature(&self, head: &AuditHead) -> Mac {
        hmac_sha256(&self.0, &[&head_message(head)])
    }
}

/// What a head's signature is taken over: its own tag, so that no line's MAC is ever one.
pub(crate) fn head_message(head: &AuditHead) -> Vec<u8> {
    let mut m = HEAD_TAG.to_vec();
    m.extend_from_slice(&head.lines.to_be_bytes());
    m.extend_from_slice(&head.last_id.to_be_bytes());
    m.extend_from_slice(&head.mac);
    m
}

/// A line's fields as its MAC covers them.
#[derive(Debug, Clone)]
pub struct Line {
    pub id: i64,
    pub at: i64,
    pub admin_id: Option<i64>,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

/// What a line's MAC is taken over: the line tag, then `line_fields`.
pub fn line_message(prev: &[u8], line: &Line) -> Vec<u8> {
    let mut m = LINE_TAG.to_vec();
    m.extend_from_slice(&line_fields(prev, line));
    m
}

/// Every field of a line with its length or a fixed width, so that moving bytes from one
/// field to the next changes the message. Without the tag: `salon_audit_mac` adds it.
pub(crate) fn line_fields(prev: &[u8], line: &Line) -> Vec<u8> {
    let mut m = Vec::with_capacity(128 + line.detail.len());
    let mut field = |bytes: &[u8]| {
        m.extend_from_slice(&(bytes.len() as u64).to_be_bytes());
        m.extend_from_slice(bytes);
    };
    field(prev);
    field(&line.id.to_be_bytes());
    field(&line.at.to_be_bytes());
    match line.admin_id {
        Some(id) => field(&id.to_be_bytes()),
        None => field(&[]),
    }
    field(line.actor.as_bytes());
    field(line.action.as_bytes());
    field(line.detail.as_bytes());
    m
}

/// Where the chain ends: how many lines, the last one's id and MAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditHead {
    pub lines: u64,
    pub last_id: i64,
    pub mac: Mac,
}

impl AuditHead {
    pub const EMPTY: AuditHead = AuditHead {
        lines: 0,
        last_id: 0,
        mac: GENESIS,
    };
}

/// Registers `salon_audit_mac(fields)` on the writing connection: the MAC of a line whose
/// `line_fields` are given. It puts the line tag in front itself, so whatever it is asked,
/// it makes a line's MAC and never a head file's signature (`head_message`'s own tag). Each
/// MAC it makes goes to `made` (the tally of `audit_tally.rs`), so that the head file moves
/// over the lines committed, and only over a log that holds them all.
pub(crate) fn register(
    conn: &Connection,
    key: &AuditKey,
    made: impl Fn(Mac) + Send + 'static,
) -> Result<()> {
    let key = key.clone();
    conn.create_scalar_function(
        "salon_audit_mac",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        move |ctx| {
            let fields: Vec<u8> = ctx.get(0)?;
            let mac = hmac_sha256(&key.0, &[LINE_TAG, &fields]);
            made(mac);
            Ok(mac.to_vec())
        },
    )?;
    Ok(())
}

/// A stored line as read back, or what makes it unreadable as a line.
pub(crate) struct StoredLine {
    pub line: Option<Line>,
    pub at: DateTime<Utc>,
    pub mac: Vec<u8>,
}

const SELECT_LINES: &str =
    "SELECT id, at, admin_id, actor, action, detail, mac FROM audit_log WHERE id > ?1 ORDER BY id";

/// Every line after `after` (an id), in id order, to `each` until it answers false. A field of
/// an unexpected type (written by hand into the file) makes the line unreadable, not the log.
pub(crate) fn each_line(
    conn: &Connection,
    after: i64,
    mut each: impl FnMut(i64, StoredLine) -> bool,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(SELECT_LINES)?;
    let mut rows = stmt.query([after])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let values: Vec<Value> = (1..7).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
        let at = match values[0] {
            Value::Integer(t) => from_ts(t),
            _ => DateTime::<Utc>::default(),
        };
        let mac = match &values[5] {
            Value::Blob(b) => b.clone(),
            _ => Vec::new(),
        };
        let line = match (&values[0], &values[1], &values[2], &values[3], &values[4]) {
            (
                Value::Integer(at),
                Value::Null | Value::Integer(_),
                Value::Text(actor),
                Value::Text(action),
                Value::Text(detail),
            ) => Some(Line {
                id,
                at: *at,
                admin_id: match values[1] {
                    Value::Integer(a) => Some(a),
                    _ => None,
                },
                actor: actor.clone(),
                action: action.clone(),
                detail: detail.clone(),
            }),
            _ => None,
        };
        if !each(id, StoredLine { line, at, mac }) {
            break;
        }
    }
    Ok(())
}

/// The last line's id and MAC as stored (empty when it is not a blob), if the log has a line.
pub(crate) fn last_line(conn: &Connection) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .query_row(
            "SELECT id, mac FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                let mac = match r.get::<_, Value>(1)? {
                    Value::Blob(b) => b,
                    _ => Vec::new(),
                };
                Ok((r.get(0)?, mac))
            },
        )
        .optional()?)
}

/// Whether any audit line has a MAC (false before the column exists): a database whose log
/// can be checked only with the key it was made with.
pub fn has_macs(conn: &Connection) -> rusqlite::Result<bool> {
    if !has_mac_column(conn)? {
        return Ok(false);
    }
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM audit_log WHERE mac IS NOT NULL)",
        [],
        |r| r.get(0),
    )
}

/// Whether `audit_log` has its `mac` column (added by the audit chain migration).
pub(crate) fn has_mac_column(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('audit_log') WHERE name = 'mac')",
        [],
        |r| r.get(0),
    )
}

/// The chain from `from` (a head the caller trusts) to the end of the log, if every line
/// after it holds: the new head. None when the log no longer holds `from` as it was, or a
/// line after it does not hold.
pub(crate) fn extend(
    conn: &Connection,
    key: &AuditKey,
    from: &AuditHead,
) -> Result<Option<AuditHead>> {
    let (held, mac): (u64, Option<Vec<u8>>) = conn.query_row(
        "SELECT count(*), (SELECT mac FROM audit_log WHERE id = ?1) FROM audit_log WHERE id <= ?1",
        [from.last_id],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
    )?;
    let start_holds = if from.lines == 0 {
        held == 0
    } else {
        held == from.lines && mac.as_deref() == Some(&from.mac[..])
    };
    if !start_holds {
        return Ok(None);
    }
    let mut head = from.clone();
    let mut holds = true;
    each_line(conn, from.last_id, |id, s| {
        let expected = s.line.as_ref().map(|l| key.line_mac(&head.mac, l));
        match expected {
            Some(m) if crate::secret::constant_time_eq(&m, &s.mac) => {
                head = AuditHead {
                    lines: head.lines + 1,
                    last_id: id,
                    mac: m,
                };
                true
            }
            _ => {
                holds = false;
                false
            }
        }
    })?;
    Ok(holds.then_some(head))
}
