//! Anonymous answers to a survey: a nonce per opened form (a double submit counts once), each
//! answer checked against its question, the answers read back for the results, and the free
//! comments an admin chooses for the funder report.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};

use super::audit::{record, Actor, AuditAction};
use super::surveys::{
    read_survey, AnswerInput, AnswerRow, QuestionKind, Submitted, FORM_LIFETIME_SECS,
    MAX_COMMENT_CHARS,
};
use super::{from_ts, ts, Store};
use crate::error::{HqError, Result};
use crate::secret;

impl Store {
    /// A nonce for one opened form (kept as its hash).
    pub fn open_form(&self, link_id: i64, now: DateTime<Utc>) -> Result<String> {
        let nonce = secret::new_token()?;
        let conn = self.write();
        conn.execute(
            "DELETE FROM survey_forms WHERE used_at IS NULL AND opened_at < ?1",
            [ts(now - Duration::seconds(FORM_LIFETIME_SECS))],
        )?;
        conn.execute(
            "INSERT INTO survey_forms (nonce_hash, link_id, opened_at) VALUES (?1, ?2, ?3)",
            params![secret::sha256(nonce.as_bytes()), link_id, ts(now)],
        )?;
        Ok(nonce)
    }

    /// Stores one anonymous answer sent from an opened form. A form sent twice counts once; a
    /// closed survey or link, an unknown or expired form, or an answer that does not fit its
    /// question is refused and nothing is stored.
    pub fn submit(
        &self,
        link_id: i64,
        nonce: &str,
        answers: &[(i64, AnswerInput)],
        now: DateTime<Utc>,
    ) -> Result<Submitted> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let (survey_id, link_closed): (i64, Option<i64>) = tx
            .query_row(
                "SELECT survey_id, closed_at FROM survey_links WHERE id = ?1",
                [link_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(HqError::NotFound)?;
        let survey = read_survey(&tx, survey_id)?;
        if link_closed.is_some() || survey.closed_at.is_some() {
            return Err(HqError::SurveyClosed);
        }
        let hash = secret::sha256(nonce.as_bytes());
        let form: Option<(i64, i64, Option<i64>)> = tx
            .query_row(
                "SELECT link_id, opened_at, used_at FROM survey_forms WHERE nonce_hash = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match form {
            Some((l, _, Some(_))) if l == link_id => return Ok(Submitted::Already),
            Some((l, opened, None)) if l == link_id && ts(now) - opened <= FORM_LIFETIME_SECS => {}
            _ => return Err(HqError::SurveyFormExpired),
        }
        tx.execute(
            "INSERT INTO survey_responses (link_id, submitted_at) VALUES (?1, ?2)",
            params![link_id, ts(now)],
        )?;
        let response = tx.last_insert_rowid();
        for (question_id, answer) in answers {
            let q = survey
                .questions
                .iter()
                .find(|q| q.id == *question_id)
                .ok_or(HqError::BadForm("answer"))?;
            match (q.kind, answer) {
                (QuestionKind::Text, AnswerInput::Text(text)) => {
                    let text = text.trim();
                    if text.is_empty() {
                        continue;
                    }
                    if text.chars().count() > MAX_COMMENT_CHARS
                        || text
                            .chars()
                            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
                    {
                        return Err(HqError::BadForm("comment"));
                    }
                    tx.execute("INSERT INTO survey_answers (response_id, question_id, text) VALUES (?1, ?2, ?3)", params![response, q.id, text])?;
                }
                (QuestionKind::Text, _) | (_, AnswerInput::Text(_)) => {
                    return Err(HqError::BadForm("answer"))
                }
                (kind, AnswerInput::Choices(choices)) => {
                    let mut choices = choices.clone();
                    choices.sort_unstable();
                    choices.dedup();
                    if choices.iter().any(|c| *c >= q.options.len())
                        || (kind != QuestionKind::Multi && choices.len() > 1)
                    {
                        return Err(HqError::BadForm("answer"));
                    }
                    for c in choices {
                        tx.execute("INSERT INTO survey_answers (response_id, question_id, choice) VALUES (?1, ?2, ?3)", params![response, q.id, c as i64])?;
                    }
                }
            }
        }
        tx.execute(
            "UPDATE survey_forms SET used_at = ?2 WHERE nonce_hash = ?1",
            params![hash, ts(now)],
        )?;
        tx.commit()?;
        Ok(Submitted::Stored)
    }

    /// Every answer of a survey, for the results.
    pub fn survey_answers(&self, id: i64) -> Result<Vec<AnswerRow>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT a.response_id, r.link_id, a.question_id, a.choice, a.text, a.featured, r.submitted_at
             FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
             JOIN survey_links l ON l.id = r.link_id WHERE l.survey_id = ?1
             ORDER BY r.submitted_at, a.response_id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(AnswerRow {
                    response_id: r.get(0)?,
                    link_id: r.get(1)?,
                    question_id: r.get(2)?,
                    choice: r.get::<_, Option<i64>>(3)?.map(|c| c as usize),
                    text: r.get(4)?,
                    featured: r.get(5)?,
                    submitted_at: from_ts(r.get(6)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// When each answer came, per link (so an admin can see a burst).
    pub fn response_times(&self, id: i64) -> Result<Vec<(i64, DateTime<Utc>)>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT r.link_id, r.submitted_at FROM survey_responses r
             JOIN survey_links l ON l.id = r.link_id WHERE l.survey_id = ?1 ORDER BY r.submitted_at DESC",
        )?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get(0)?, from_ts(r.get(1)?))))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Marks a free comment for the funder report, or takes it off.
    pub fn set_featured(
        &self,
        by: &Actor,
        survey: i64,
        response: i64,
        question: i64,
        featured: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE survey_answers SET featured = ?4 WHERE response_id = ?1 AND question_id = ?2 AND text IS NOT NULL
               AND question_id IN (SELECT id FROM survey_questions WHERE survey_id = ?3)",
            params![response, question, survey, featured],
        )?;
        if n == 0 {
            return Err(HqError::NotFound);
        }
        let action = if featured {
            AuditAction::CommentFeatured
        } else {
            AuditAction::CommentUnfeatured
        };
        record(
            &tx,
            by,
            now,
            action,
            &format!("アンケート {survey} の回答 {response}"),
        )?;
        tx.commit()?;
        Ok(())
    }
}
