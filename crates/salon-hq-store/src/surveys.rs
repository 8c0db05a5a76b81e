//! Surveys (アンケート): made for a term from the seed's templates, questions editable until
//! the first answer; a link per campus for its teachers (one link for supporters). The
//! answers themselves: `survey_answers`; the records both use: `survey_types`.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::rows::{check_name, from_ts, ts};
use crate::error::{HqError, Result};
use crate::secret;

pub use super::survey_templates::template;
pub use super::survey_types::*;

fn check_questions(questions: &[QuestionInput]) -> Result<()> {
    if questions.is_empty() || questions.len() > MAX_QUESTIONS {
        return Err(HqError::BadForm("questions"));
    }
    for q in questions {
        check_text(&q.text, 300, "question")?;
        let needs_options = q.kind != QuestionKind::Text;
        if needs_options && !(2..=MAX_OPTIONS).contains(&q.options.len()) {
            return Err(HqError::BadForm("options"));
        }
        for o in &q.options {
            check_text(o, 100, "options")?;
        }
    }
    Ok(())
}

fn check_text(text: &str, max: usize, field: &'static str) -> Result<()> {
    let n = text.trim().chars().count();
    if n == 0 || n > max || text.chars().any(char::is_control) {
        return Err(HqError::BadForm(field));
    }
    Ok(())
}

fn insert_questions(conn: &Connection, survey: i64, questions: &[QuestionInput]) -> Result<()> {
    conn.execute(
        "DELETE FROM survey_questions WHERE survey_id = ?1",
        [survey],
    )?;
    for (i, q) in questions.iter().enumerate() {
        let options: Vec<&str> = q.options.iter().map(|o| o.trim()).collect();
        let options = serde_json::to_string(&options).map_err(|_| HqError::Internal("json"))?;
        conn.execute(
            "INSERT INTO survey_questions (survey_id, position, kind, text, options, required)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                survey,
                i as i64,
                q.kind.code(),
                q.text.trim(),
                options,
                q.required
            ],
        )?;
    }
    Ok(())
}

fn read_questions(conn: &Connection, survey: i64) -> Result<Vec<Question>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, text, options, required FROM survey_questions WHERE survey_id = ?1
         ORDER BY position",
    )?;
    let rows = stmt
        .query_map([survey], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, kind, text, options, required)| {
            Ok(Question {
                id,
                kind: QuestionKind::parse(&kind).map_err(|_| HqError::Internal("stored kind"))?,
                text,
                options: serde_json::from_str(&options)
                    .map_err(|_| HqError::Internal("stored options"))?,
                required,
            })
        })
        .collect()
}

fn responses_of(conn: &Connection, survey: i64) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT COUNT(*) FROM survey_responses r JOIN survey_links l ON l.id = r.link_id
         WHERE l.survey_id = ?1",
        [survey],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

pub(super) fn read_survey(conn: &Connection, id: i64) -> Result<Survey> {
    let row = conn
        .query_row(
            "SELECT term_id, audience, title, created_at, closed_at, deadline FROM surveys
             WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()?
        .ok_or(HqError::NotFound)?;
    Ok(Survey {
        id,
        term_id: row.0,
        audience: Audience::parse(&row.1).map_err(|_| HqError::Internal("stored audience"))?,
        title: row.2,
        created_at: from_ts(row.3),
        closed_at: row.4.map(from_ts),
        deadline: row
            .5
            .map(|d| d.parse().map_err(|_| HqError::Internal("stored deadline")))
            .transpose()?,
        questions: read_questions(conn, id)?,
        responses: responses_of(conn, id)?,
    })
}

/// Gives a teachers' survey a link for every campus in use that has none yet.
fn add_missing_links(
    conn: &Connection,
    survey: i64,
    audience: Audience,
    now: DateTime<Utc>,
) -> Result<()> {
    let campuses: Vec<Option<String>> = match audience {
        Audience::Supporters => vec![None],
        Audience::Teachers => {
            let mut stmt = conn.prepare(
                "SELECT code FROM campuses WHERE retired_at IS NULL AND code NOT IN
                   (SELECT campus_code FROM survey_links WHERE survey_id = ?1 AND campus_code IS NOT NULL)",
            )?;
            let rows = stmt.query_map([survey], |r| r.get::<_, String>(0))?;
            rows.map(|r| r.map(Some)).collect::<rusqlite::Result<_>>()?
        }
    };
    for campus in campuses {
        conn.execute(
            "INSERT OR IGNORE INTO survey_links (survey_id, campus_code, token, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![survey, campus, secret::new_link_token()?, ts(now)],
        )?;
    }
    Ok(())
}

impl HqStore {
    /// A survey for a term from the seed's template for its audience, with its links.
    pub fn create_survey(
        &self,
        by: &Actor,
        term_id: Option<i64>,
        audience: Audience,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let (title, questions) = template(audience);
        let mut conn = self.write();
        let tx = conn.transaction()?;
        if let Some(t) = term_id {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM terms WHERE id = ?1)",
                [t],
                |r| r.get(0),
            )?;
            if !exists {
                return Err(HqError::BadForm("term"));
            }
        }
        tx.execute(
            "INSERT INTO surveys (term_id, audience, title, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![term_id, audience.code(), title, ts(now)],
        )?;
        let id = tx.last_insert_rowid();
        insert_questions(&tx, id, &questions)?;
        add_missing_links(&tx, id, audience, now)?;
        record(
            &tx,
            by,
            now,
            AuditAction::SurveyCreated,
            &format!("{title}（{}）", audience.ja()),
        )?;
        tx.commit()?;
        Ok(id)
    }

    pub fn surveys(&self) -> Result<Vec<Survey>> {
        let conn = self.read();
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM surveys ORDER BY id DESC")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| read_survey(&conn, id)).collect()
    }

    pub fn survey(&self, id: i64) -> Result<Survey> {
        read_survey(&self.read(), id)
    }

    /// Replaces the title and questions; refused once an answer has come (it would change
    /// what the answers mean).
    pub fn set_questions(
        &self,
        by: &Actor,
        id: i64,
        title: &str,
        questions: &[QuestionInput],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let title = check_name(title, "survey_title")?;
        check_questions(questions)?;
        let mut conn = self.write();
        let tx = conn.transaction()?;
        read_survey(&tx, id)?;
        if responses_of(&tx, id)? > 0 {
            return Err(HqError::SurveyAnswered);
        }
        tx.execute(
            "UPDATE surveys SET title = ?2 WHERE id = ?1",
            params![id, title],
        )?;
        insert_questions(&tx, id, questions)?;
        record(
            &tx,
            by,
            now,
            AuditAction::SurveyEdited,
            &format!("{title}（{}問）", questions.len()),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Closes (or reopens) a whole survey, or one of its links. A survey closed with answers
    /// stays closed: its results are shown from then on, and results before and after one more
    /// answer would give that answer away.
    pub fn set_survey_closed(
        &self,
        by: &Actor,
        id: i64,
        link: Option<i64>,
        closed: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let survey = read_survey(&tx, id)?;
        let at = closed.then_some(ts(now));
        let what = match link {
            None if !closed && survey.closed_at.is_some() && responses_of(&tx, id)? > 0 => {
                return Err(HqError::SurveyFinal)
            }
            None => {
                tx.execute(
                    "UPDATE surveys SET closed_at = ?2 WHERE id = ?1",
                    params![id, at],
                )?;
                survey.title.clone()
            }
            Some(l) => {
                let campus: Option<Option<String>> = tx
                    .query_row(
                        "SELECT campus_code FROM survey_links WHERE id = ?1 AND survey_id = ?2",
                        params![l, id],
                        |r| r.get(0),
                    )
                    .optional()?;
                let campus = campus.ok_or(HqError::NotFound)?;
                tx.execute(
                    "UPDATE survey_links SET closed_at = ?2 WHERE id = ?1",
                    params![l, at],
                )?;
                format!(
                    "{}（{}のリンク）",
                    survey.title,
                    campus.as_deref().unwrap_or("サポーター")
                )
            }
        };
        let action = if closed {
            AuditAction::SurveyClosed
        } else {
            AuditAction::SurveyReopened
        };
        record(&tx, by, now, action, &what)?;
        tx.commit()?;
        Ok(())
    }

    /// Sets (or clears) the day answers are asked by. It can change after answers have come:
    /// a deadline moved changes nothing that was answered.
    pub fn set_deadline(
        &self,
        by: &Actor,
        id: i64,
        deadline: Option<chrono::NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let survey = read_survey(&tx, id)?;
        tx.execute(
            "UPDATE surveys SET deadline = ?2 WHERE id = ?1",
            params![id, deadline.map(|d| d.to_string())],
        )?;
        let when = deadline.map_or_else(|| "なし".to_owned(), |d| d.to_string());
        record(
            &tx,
            by,
            now,
            AuditAction::SurveyDeadline,
            &format!("{}（回答期限 {when}）", survey.title),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Gives the campuses added since the survey was made a link of their own (the links
    /// page does, before it lists them).
    pub fn add_campus_links(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let conn = self.write();
        let survey = read_survey(&conn, id)?;
        add_missing_links(&conn, id, survey.audience, now)
    }

    /// The survey's links with their answers (a read: results and reports change nothing).
    pub fn survey_links(&self, id: i64) -> Result<Vec<SurveyLink>> {
        let conn = self.read();
        read_survey(&conn, id)?;
        let mut stmt = conn.prepare(
            "SELECT l.id, l.campus_code, l.token, l.closed_at,
                    (SELECT COUNT(*) FROM survey_responses r WHERE r.link_id = l.id)
             FROM survey_links l WHERE l.survey_id = ?1 ORDER BY IFNULL(l.campus_code, '')",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(SurveyLink {
                    id: r.get(0)?,
                    survey_id: id,
                    campus_code: r.get(1)?,
                    token: r.get(2)?,
                    closed_at: r.get::<_, Option<i64>>(3)?.map(from_ts),
                    responses: r.get::<_, i64>(4)? as u64,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The survey behind a link, if the link exists.
    pub fn link_by_token(&self, token: &str) -> Result<Option<(SurveyLink, Survey)>> {
        let conn = self.read();
        let link = conn
            .query_row(
                "SELECT id, survey_id, campus_code, closed_at FROM survey_links WHERE token = ?1",
                [token],
                |r| {
                    Ok(SurveyLink {
                        id: r.get(0)?,
                        survey_id: r.get(1)?,
                        campus_code: r.get(2)?,
                        token: token.to_owned(),
                        closed_at: r.get::<_, Option<i64>>(3)?.map(from_ts),
                        responses: 0,
                    })
                },
            )
            .optional()?;
        match link {
            Some(l) => {
                let s = read_survey(&conn, l.survey_id)?;
                Ok(Some((l, s)))
            }
            None => Ok(None),
        }
    }
}
