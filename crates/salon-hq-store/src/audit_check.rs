//! The verdict on the whole 操作記録 (`audit_chain.rs` says how lines are chained): the
//! first line whose MAC does not hold, lines missing at the end against the counts it must
//! still hold, and how each reads in Japanese on the log page and from `audit verify`.

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER;
use rusqlite::{Connection, OptionalExtension};

use super::audit::AuditAction;
use super::audit_chain::{each_line, AuditKey, GENESIS};
use crate::error::Result;

/// The first line whose MAC does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// Its place in the log, from 1.
    pub position: u64,
    pub id: i64,
    pub at: DateTime<Utc>,
}

/// What a check of the whole log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// A line that was changed, or comes after a line deleted or inserted.
    Line(BadLine),
    /// The log ends `missing` lines before the `expected` count.
    TailMissing { missing: u64, expected: u64 },
    /// The log holds `expected` lines or more, but its line at that count is not the one
    /// recorded: lines were deleted at the end and new ones written after.
    TailReplaced { expected: u64 },
    /// The head file is not one signed with the key.
    HeadForged,
    /// The head file was missing while the log had lines (it is written anew).
    HeadMissing,
    /// A trigger or view in the database file (`planted`), found while the server runs or by
    /// `audit verify`: the server refuses to open a database that holds one.
    Planted(Planted),
}

/// A trigger or view in the database file. No migration makes one (`migrations/*.sql` hold
/// none), so one found was put there by someone else; a trigger can delete, skip or rewrite
/// an audit line as it is written (AFTER INSERT … DELETE, BEFORE INSERT … RAISE(IGNORE)),
/// and a view has no place in this schema either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    /// `trigger` or `view`, as SQLite names it.
    pub kind: String,
    pub name: String,
}

/// The first trigger or view in the database file, by kind and name, if any.
pub fn planted(conn: &Connection) -> Result<Option<Planted>> {
    Ok(conn
        .query_row(
            "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')
             ORDER BY type, name LIMIT 1",
            [],
            |r| {
                Ok(Planted {
                    kind: r.get(0)?,
                    name: r.get(1)?,
                })
            },
        )
        .optional()?)
}

impl Planted {
    /// What it is and its name, escaped: the name was chosen by whoever planted it, and is
    /// printed to a terminal.
    fn named_ja(&self) -> String {
        let kind = if self.kind == "view" {
            "ビュー"
        } else {
            "トリガー"
        };
        let name: String = self.name.chars().take(64).collect();
        format!("{kind}「{}」", name.escape_debug())
    }

    /// Why the server does not open the database, and what to do.
    pub fn refused_ja(&self) -> String {
        format!(
            "データベースに、salon-hq が作ることのない{}があります。操作記録の行を書かれたそばから消したり書き換えたりできるため、このデータベースは開きません。だれがいつ作ったかを確かめ、削除してから（sqlite3 で DROP {} …）起動してください。",
            self.named_ja(),
            self.kind.to_uppercase()
        )
    }
}

/// A line the server wrote about the chain (`AuditAction::about_the_chain`), among the lines
/// that hold: not tampering seen, but a gap in what the chain vouches for, told with every
/// check so that it outlasts the process that found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditNotice {
    /// Its place in the log, from 1.
    pub position: u64,
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    /// The server's own words (the line's MAC holds, so nobody else wrote them).
    pub detail: String,
}

/// The verdict on the whole log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub lines: u64,
    /// The last line's MAC as stored (zeros for an empty log).
    pub head: Vec<u8>,
    pub problems: Vec<AuditProblem>,
    /// Lines about the chain, oldest first: shown whether or not the log is intact.
    pub notices: Vec<AuditNotice>,
}

/// Walks the whole log; `expected` are the counts and last MACs it must still hold (from the
/// head file, and from the log's figures when given).
pub(crate) fn check(
    conn: &Connection,
    key: &AuditKey,
    expected: &[(u64, Vec<u8>)],
) -> Result<AuditCheck> {
    let mut prev = GENESIS.to_vec();
    let mut lines = 0u64;
    let mut bad = None;
    let mut at_expected: Vec<Option<Vec<u8>>> = vec![None; expected.len()];
    let mut notices = Vec::new();
    each_line(conn, i64::MIN, |id, s| {
        lines += 1;
        if bad.is_none() {
            let holds = s
                .line
                .as_ref()
                .filter(|l| crate::secret::constant_time_eq(&key.line_mac(&prev, l), &s.mac));
            match holds {
                None => {
                    bad = Some(BadLine {
                        position: lines,
                        id,
                        at: s.at,
                    })
                }
                Some(l) => {
                    let about = AuditAction::parse(&l.action).filter(|a| a.about_the_chain());
                    if let Some(action) = about {
                        notices.push(AuditNotice {
                            position: lines,
                            id,
                            at: s.at,
                            action,
                            detail: l.detail.clone(),
                        });
                    }
                }
            }
        }
        for (i, (count, _)) in expected.iter().enumerate() {
            if *count == lines {
                at_expected[i] = Some(s.mac.clone());
            }
        }
        prev = s.mac;
        true
    })?;
    let mut problems: Vec<AuditProblem> = bad.into_iter().map(AuditProblem::Line).collect();
    problems.extend(planted(conn)?.map(AuditProblem::Planted));
    for ((count, mac), found) in expected.iter().zip(at_expected) {
        let problem = if lines < *count {
            AuditProblem::TailMissing {
                missing: count - lines,
                expected: *count,
            }
        } else if *count > 0 && found.as_deref() != Some(&mac[..]) {
            AuditProblem::TailReplaced { expected: *count }
        } else {
            continue;
        };
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    }
    Ok(AuditCheck {
        lines,
        head: if lines == 0 { GENESIS.to_vec() } else { prev },
        problems,
        notices,
    })
}

/// How a check reads in Japanese: one sentence a problem, or that the log is whole.
impl AuditCheck {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn head_hex(&self) -> String {
        HEXLOWER.encode(&self.head)
    }

    pub fn summary_ja(&self) -> String {
        format!(
            "操作記録は記録されたときのままです（{} 行、最新の行の MAC {}）。",
            self.lines,
            self.head_hex()
        )
    }
}

impl AuditProblem {
    pub fn ja(&self) -> String {
        match self {
            AuditProblem::Line(bad) => format!(
                "{} から先が、記録されたときのままではありません。この行が書き換えられたか差し込まれたか、その直前の行が削除されています。",
                place(bad.position, bad.id, bad.at)
            ),
            AuditProblem::TailMissing { missing, expected } => format!(
                "末尾の {missing} 行がありません（記録では {expected} 行あります）。"
            ),
            AuditProblem::TailReplaced { expected } => format!(
                "{expected} 行目が記録された行ではありません。末尾の行が削除され、その後に新しい行が書かれています。"
            ),
            AuditProblem::HeadForged => "行数と最新の MAC の控え（.audit-head）が、鍵で署名されたものではありません。書き換えられています。".to_owned(),
            AuditProblem::Planted(p) => format!(
                "データベースに、salon-hq が作ることのない{}があります。操作記録の行を書かれたそばから消したり書き換えたりできます。",
                p.named_ja()
            ),
            AuditProblem::HeadMissing => "行数と最新の MAC の控え（.audit-head）がありませんでした。その前に末尾の行が削除されていても、控えからは分かりません。サーバーのログの行数と MAC と照らしてください（salon-hq audit verify --expect-count --expect-head）。".to_owned(),
        }
    }
}

/// 「N 行目（ID i、YYYY-MM-DD HH:MM の記録）」, in Tokyo time.
fn place(position: u64, id: i64, at: DateTime<Utc>) -> String {
    format!(
        "{position} 行目（ID {id}、{} の記録）",
        at.with_timezone(&crate::tokyo::ZONE)
            .format("%Y-%m-%d %H:%M")
    )
}

impl AuditNotice {
    /// The line's place, the server's words, and what the gap means.
    pub fn ja(&self) -> String {
        let meaning = match self.action {
            AuditAction::ChainStarted => "この行より前の行は、この時点で初めて鎖を付けたものです。それまでに書き換えられていても、この鎖からは分かりません。",
            AuditAction::HeadRebuilt => "それより前に末尾の行が削除されていても、控えからは分かりません。サーバーのログの行数と MAC と照らしてください（salon-hq audit verify --expect-count --expect-head）。",
            AuditAction::LinesMissing => "書いた直後に削除されたか、書き込みが失敗しています。その行が何だったかは、この記録からは分かりません。",
            _ => "",
        };
        format!(
            "{}: {}。{meaning}",
            place(self.position, self.id, self.at),
            self.detail
        )
    }
}
