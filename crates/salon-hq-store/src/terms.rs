//! Terms (事業期間): a named span of whole months for a funder, with its own targets for
//! schools, salons, visits and each kind of related activity. Terms overlap freely (a 休眠預金
//! term beside the 年度); a term is only a lens on the figures, so deleting one loses no count.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use salon_protocol::{EventKind, Month, PathPeriod};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::{check_name, ts, Target, MAX_NAME_CHARS};
use crate::error::{HqError, Result};
use salon_figures::labels;

/// The largest target accepted (the NPO's whole history is 28,000 students).
pub const MAX_TARGET: u32 = 1_000_000;
/// The longest term accepted, in months.
pub const MAX_TERM_MONTHS: usize = 120;

/// A target for one kind of related activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTarget {
    pub kind: EventKind,
    pub events: Option<u32>,
    pub participants: Option<u32>,
}

/// A term's targets; `None` is no target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    /// 導入校数
    pub schools: Option<u32>,
    /// 実施回数
    pub sessions: Option<u32>,
    /// 利用人数(延べ)
    pub visits: Option<u32>,
    /// One per kind, in `EventKind::ALL` order.
    pub events: Vec<EventTarget>,
}

impl Default for Targets {
    fn default() -> Targets {
        Targets {
            schools: None,
            sessions: None,
            visits: None,
            events: EventKind::ALL
                .iter()
                .map(|&kind| EventTarget {
                    kind,
                    events: None,
                    participants: None,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub id: i64,
    pub name: String,
    pub funder: String,
    /// 事業名, as the funder knows the project.
    pub project: String,
    /// 資金分配団体.
    pub distributor: String,
    pub from: Month,
    pub to: Month,
    pub targets: Targets,
    /// Path decisions are also released for its months (the funder's term of the path
    /// calendar, `path_decisions.rs`).
    pub counts_paths: bool,
}

impl Term {
    pub fn period(&self) -> PathPeriod {
        PathPeriod {
            from: self.from,
            to: self.to,
        }
    }
}

/// A term as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermInput {
    pub name: String,
    pub funder: String,
    pub project: String,
    pub distributor: String,
    pub from: Month,
    pub to: Month,
    pub targets: Targets,
    /// Whether path decisions are also released for its months.
    pub counts_paths: bool,
}

impl TermInput {
    fn period(&self) -> PathPeriod {
        PathPeriod {
            from: self.from,
            to: self.to,
        }
    }
}

/// The longest project name accepted: a funder's programme titles run long.
pub const MAX_PROJECT_CHARS: usize = 200;

/// An optional line of text: trimmed, at most `max` characters, no control characters.
fn optional_text(text: &str, max: usize, field: &'static str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(HqError::BadForm(field));
    }
    Ok(text.to_owned())
}

/// The input with its name checked and every text trimmed.
fn check_input(t: &TermInput) -> Result<TermInput> {
    let name = check_name(&t.name, "term_name")?;
    let funder = optional_text(&t.funder, MAX_NAME_CHARS, "funder")?;
    let project = optional_text(&t.project, MAX_PROJECT_CHARS, "project")?;
    let distributor = optional_text(&t.distributor, MAX_NAME_CHARS, "distributor")?;
    if t.from > t.to || salon_figures::months_between(t.from, t.to) > MAX_TERM_MONTHS {
        return Err(HqError::BadForm("period"));
    }
    let all = [t.targets.schools, t.targets.sessions, t.targets.visits]
        .into_iter()
        .chain(
            t.targets
                .events
                .iter()
                .flat_map(|e| [e.events, e.participants]),
        );
    if all.flatten().any(|n| n > MAX_TARGET) {
        return Err(HqError::BadForm("target"));
    }
    Ok(TermInput {
        name,
        funder,
        project,
        distributor,
        ..t.clone()
    })
}

/// What the audit log says of a term: its name, months and every target set.
fn describe(name: &str, t: &TermInput) -> String {
    let mut parts = Vec::new();
    for (label, n) in [
        ("導入校数", t.targets.schools),
        ("実施回数", t.targets.sessions),
        ("利用人数", t.targets.visits),
    ] {
        if let Some(n) = n {
            parts.push(format!("{label} {n}"));
        }
    }
    for e in &t.targets.events {
        if e.events.is_some() || e.participants.is_some() {
            let n = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
            parts.push(format!(
                "{} {}回・{}名",
                labels::event_kind_ja(e.kind),
                n(e.events),
                n(e.participants)
            ));
        }
    }
    let targets = if parts.is_empty() {
        "目標なし".to_owned()
    } else {
        parts.join("、")
    };
    format!("{name}（{}〜{}）: {targets}", t.from, t.to)
}

fn month_of(text: String) -> rusqlite::Result<Month> {
    Month::parse(&text)
        .map_err(|_| rusqlite::Error::InvalidColumnType(0, text, rusqlite::types::Type::Text))
}

fn event_targets(conn: &Connection, id: i64) -> Result<Vec<EventTarget>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, events, participants FROM term_event_targets WHERE term_id = ?1",
    )?;
    let held = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<u32>>(1)?,
                r.get::<_, Option<u32>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Targets::default()
        .events
        .into_iter()
        .map(|mut e| {
            if let Some((_, events, participants)) = held.iter().find(|h| h.0 == e.kind.code()) {
                e.events = *events;
                e.participants = *participants;
            }
            e
        })
        .collect())
}

fn read_terms(conn: &Connection, only: Option<i64>) -> Result<Vec<Term>> {
    let calendar = super::path_decisions::path_calendar(conn)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, funder, from_month, to_month, schools, sessions, visits, project,
                distributor
         FROM terms WHERE ?1 IS NULL OR id = ?1 ORDER BY from_month DESC, to_month DESC, id",
    )?;
    let rows = stmt
        .query_map([only], |r| {
            Ok(Term {
                id: r.get(0)?,
                name: r.get(1)?,
                funder: r.get(2)?,
                project: r.get(8)?,
                distributor: r.get(9)?,
                from: month_of(r.get(3)?)?,
                to: month_of(r.get(4)?)?,
                targets: Targets {
                    schools: r.get(5)?,
                    sessions: r.get(6)?,
                    visits: r.get(7)?,
                    events: Vec::new(),
                },
                counts_paths: false,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|mut t| {
            t.targets.events = event_targets(conn, t.id)?;
            t.counts_paths = calendar.terms.contains(&t.period());
            Ok(t)
        })
        .collect()
}

/// Writes a term checked by `check_input`.
fn write_term(
    conn: &Connection,
    id: Option<i64>,
    t: &TermInput,
    now: DateTime<Utc>,
) -> Result<i64> {
    let name = t.name.as_str();
    let taken: Option<i64> = conn
        .query_row("SELECT id FROM terms WHERE name = ?1", [name], |r| r.get(0))
        .optional()?;
    if taken.is_some_and(|other| Some(other) != id) {
        return Err(HqError::AlreadyExists("term"));
    }
    let g = &t.targets;
    let id = match id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE terms SET name = ?2, funder = ?3, from_month = ?4, to_month = ?5,
                   schools = ?6, sessions = ?7, visits = ?8, project = ?9, distributor = ?10
                 WHERE id = ?1",
                params![
                    id,
                    name,
                    t.funder,
                    t.from.to_string(),
                    t.to.to_string(),
                    g.schools,
                    g.sessions,
                    g.visits,
                    t.project,
                    t.distributor
                ],
            )?;
            if n == 0 {
                return Err(HqError::NotFound);
            }
            id
        }
        None => {
            conn.execute(
                "INSERT INTO terms (name, funder, from_month, to_month, schools, sessions, visits,
                   created_at, project, distributor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    name,
                    t.funder,
                    t.from.to_string(),
                    t.to.to_string(),
                    g.schools,
                    g.sessions,
                    g.visits,
                    ts(now),
                    t.project,
                    t.distributor
                ],
            )?;
            conn.last_insert_rowid()
        }
    };
    conn.execute("DELETE FROM term_event_targets WHERE term_id = ?1", [id])?;
    for e in &g.events {
        if e.events.is_some() || e.participants.is_some() {
            conn.execute(
                "INSERT INTO term_event_targets (term_id, kind, events, participants)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, e.kind.code(), e.events, e.participants],
            )?;
        }
    }
    Ok(id)
}

impl HqStore {
    /// Every term, the latest first.
    pub fn terms(&self) -> Result<Vec<Term>> {
        read_terms(&self.read(), None)
    }

    /// Whether saving `input` (as term `id`, or a new one) would begin counting path decisions
    /// for a period already fixed (`path_decisions::is_fixed`: its first release day has come,
    /// or devices have released it): the office is asked once before it does.
    pub fn begins_counting_late(
        &self,
        id: Option<i64>,
        input: &TermInput,
        today: chrono::NaiveDate,
    ) -> Result<bool> {
        let period = input.period();
        if !input.counts_paths || period.is_fiscal_year() {
            return Ok(false);
        }
        if let Some(id) = id {
            let held = self.term(id)?;
            if held.counts_paths && held.period() == period {
                return Ok(false);
            }
        }
        super::path_decisions::is_fixed(&self.read(), &period, today)
    }

    pub fn term(&self, id: i64) -> Result<Term> {
        read_terms(&self.read(), Some(id))?
            .pop()
            .ok_or(HqError::NotFound)
    }

    /// Creates a term (`id` none) or replaces one's name, funder, months and targets.
    pub fn save_term(
        &self,
        by: &Actor,
        id: Option<i64>,
        t: &TermInput,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let t = check_input(t)?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let before = match id {
            Some(id) => Some(read_terms(&tx, Some(id))?.pop().ok_or(HqError::NotFound)?),
            None => None,
        };
        let saved = write_term(&tx, id, &t, now)?;
        record(&tx, by, now, AuditAction::TermSaved, &describe(&t.name, &t))?;
        let counted = before.filter(|b| b.counts_paths).map(|b| b.period());
        let counts = t.counts_paths.then(|| t.period());
        if counted != counts {
            if let Some(old) = counted {
                super::path_decisions::remove_path_term(&tx, by, old, now)?;
            }
            if let Some(new) = counts {
                super::path_decisions::add_path_term(&tx, by, new, now)?;
            }
        }
        tx.commit()?;
        Ok(saved)
    }

    pub fn delete_term(&self, by: &Actor, id: i64, now: DateTime<Utc>) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let term = read_terms(&tx, Some(id))?.pop().ok_or(HqError::NotFound)?;
        tx.execute("DELETE FROM terms WHERE id = ?1", [id])?;
        let detail = format!("{}（{}〜{}）", term.name, term.from, term.to);
        record(&tx, by, now, AuditAction::TermDeleted, &detail)?;
        // Its funder term of the path calendar goes with it while nothing can have drawn it;
        // once fixed it stays, as devices keep releasing it.
        let today = crate::tokyo::day(now);
        if term.counts_paths && !super::path_decisions::is_fixed(&tx, &term.period(), today)? {
            super::path_decisions::remove_path_term(&tx, by, term.period(), now)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The command line's `set-target`: the headline targets of the first term with exactly
    /// these months (its event targets kept), or a new term named after the months.
    pub fn set_target(&self, by: &Actor, t: Target, now: DateTime<Utc>) -> Result<()> {
        let existing = self
            .terms()?
            .into_iter()
            .filter(|term| term.from == t.from && term.to == t.to)
            .min_by_key(|term| term.id);
        let (id, name, funder, project, distributor, events, counts_paths) = match existing {
            Some(term) => (
                Some(term.id),
                term.name,
                term.funder,
                term.project,
                term.distributor,
                term.targets.events,
                term.counts_paths,
            ),
            None => (
                None,
                labels::period_name(t.from, t.to),
                String::new(),
                String::new(),
                String::new(),
                Targets::default().events,
                false,
            ),
        };
        let input = TermInput {
            name,
            funder,
            project,
            distributor,
            from: t.from,
            to: t.to,
            targets: Targets {
                schools: Some(t.schools),
                sessions: Some(t.sessions),
                visits: Some(t.visits),
                events,
            },
            counts_paths,
        };
        self.save_term(by, id, &input, now).map(|_| ())
    }
}
