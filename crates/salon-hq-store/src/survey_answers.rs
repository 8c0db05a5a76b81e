//! Anonymous answers to a survey: each checked against its question and against its form's
//! signed token (a double submit counts once); the chosen options stored under a random id
//! with the day they came and never the time, the free comments apart from them; read back for
//! the results, counted per link and day apart from their content, and the comments an admin
//! chooses for the funder report.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction};

use super::audit::{record, Actor, AuditAction};
use super::database::HqStore;
use super::survey_forms::{open, survey_key};
use super::surveys::{
    read_survey, AnswerInput, ChoiceRow, Comment, DayAnswers, Question, QuestionKind, Submitted,
    SurveyAnswers, MAX_COMMENT_CHARS,
};
use crate::error::{HqError, Result};
use crate::secret;
use crate::tokyo;
use data_encoding::HEXLOWER;

/// One answer as it will be stored: a chosen option, or a comment.
enum AnswerToStore<'a> {
    Choice(usize),
    Comment(&'a str),
}

/// What an answer to `q` stores, or why it does not fit the question.
fn checked<'a>(q: &Question, answer: &'a AnswerInput) -> Result<Vec<AnswerToStore<'a>>> {
    match (q.kind, answer) {
        (QuestionKind::Text, AnswerInput::Text(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Ok(Vec::new());
            }
            if text.chars().count() > MAX_COMMENT_CHARS
                || text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            {
                return Err(HqError::BadForm("comment"));
            }
            Ok(vec![AnswerToStore::Comment(text)])
        }
        (QuestionKind::Text, _) | (_, AnswerInput::Text(_)) => Err(HqError::BadForm("answer")),
        (kind, AnswerInput::Choices(choices)) => {
            let mut choices = choices.clone();
            choices.sort_unstable();
            choices.dedup();
            if choices.iter().any(|c| *c >= q.options.len())
                || (kind != QuestionKind::Multi && choices.len() > 1)
            {
                return Err(HqError::BadForm("answer"));
            }
            Ok(choices.into_iter().map(AnswerToStore::Choice).collect())
        }
    }
}

/// A response row under a random id (drawn again on the rare collision).
fn insert_response(tx: &Transaction, link_id: i64, day: NaiveDate) -> Result<i64> {
    for _ in 0..4 {
        let id = i64::from_be_bytes(secret::random_bytes::<8>()?) & i64::MAX;
        let n = tx.execute(
            "INSERT OR IGNORE INTO survey_responses (id, link_id, answered_on) VALUES (?1, ?2, ?3)",
            params![id, link_id, day.to_string()],
        )?;
        if n == 1 {
            return Ok(id);
        }
    }
    Err(HqError::Internal("response id"))
}

impl HqStore {
    /// Stores one anonymous answer sent from a form this server signed. A form sent twice
    /// counts once; a closed survey or link, a forged or expired token, an answer that leaves
    /// every question or a required one blank, or does not fit its question, is refused and
    /// nothing is stored.
    pub fn submit(
        &self,
        link_id: i64,
        token: &str,
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
        let form = open(&survey_key(&tx)?, token)
            .filter(|f| f.link_id == link_id && f.fresh(now))
            .ok_or(HqError::SurveyFormExpired)?;
        let mut stored = Vec::new();
        for (question_id, answer) in answers {
            let q = survey
                .questions
                .iter()
                .find(|q| q.id == *question_id)
                .ok_or(HqError::BadForm("answer"))?;
            stored.extend(checked(q, answer)?.into_iter().map(|s| (q.id, s)));
        }
        if stored.is_empty() {
            return Err(HqError::BadForm("blank_answer"));
        }
        if survey
            .questions
            .iter()
            .any(|q| q.required && !stored.iter().any(|(id, _)| *id == q.id))
        {
            return Err(HqError::BadForm("required_answer"));
        }
        let today = tokyo::day(now);
        tx.execute(
            "DELETE FROM survey_sent_forms WHERE until_day < ?1",
            [today.to_string()],
        )?;
        let first = tx.execute(
            "INSERT OR IGNORE INTO survey_sent_forms (nonce_hash, until_day) VALUES (?1, ?2)",
            params![form.nonce_hash(), form.until_day().to_string()],
        )?;
        if first == 0 {
            return Ok(Submitted::Already);
        }
        let response = insert_response(&tx, link_id, today)?;
        for (question, answer) in stored {
            match answer {
                AnswerToStore::Choice(c) => tx.execute(
                    "INSERT INTO survey_choices (response_id, question_id, choice) VALUES (?1, ?2, ?3)",
                    params![response, question, c as i64],
                )?,
                AnswerToStore::Comment(text) => tx.execute(
                    "INSERT INTO survey_comments (id, question_id, text) VALUES (?1, ?2, ?3)",
                    params![HEXLOWER.encode(&secret::random_bytes::<16>()?), question, text],
                )?,
            };
        }
        tx.commit()?;
        Ok(Submitted::Stored)
    }

    /// Everything answered to a survey, for the results: in no order that follows arrival
    /// (choices by their random response id, comments by question and text).
    pub fn survey_answers(&self, id: i64) -> Result<SurveyAnswers> {
        let conn = self.read();
        let choices = conn
            .prepare(
                "SELECT c.response_id, r.link_id, c.question_id, c.choice
                 FROM survey_choices c JOIN survey_responses r ON r.id = c.response_id
                 JOIN survey_links l ON l.id = r.link_id WHERE l.survey_id = ?1
                 ORDER BY c.response_id, c.question_id, c.choice",
            )?
            .query_map([id], |r| {
                Ok(ChoiceRow {
                    response_id: r.get(0)?,
                    link_id: r.get(1)?,
                    question_id: r.get(2)?,
                    choice: r.get::<_, i64>(3)? as usize,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let comments = conn
            .prepare(
                "SELECT c.id, c.question_id, c.text, c.featured FROM survey_comments c
                 JOIN survey_questions q ON q.id = c.question_id WHERE q.survey_id = ?1
                 ORDER BY q.position, c.text, c.id",
            )?
            .query_map([id], |r| {
                Ok(Comment {
                    id: r.get(0)?,
                    question_id: r.get(1)?,
                    text: r.get(2)?,
                    featured: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(SurveyAnswers { choices, comments })
    }

    /// How many answered through each link on each day, newest day first: enough to see a
    /// burst, never beside what was answered.
    pub fn answers_per_day(&self, id: i64) -> Result<Vec<DayAnswers>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT r.answered_on, r.link_id, COUNT(*) FROM survey_responses r
             JOIN survey_links l ON l.id = r.link_id WHERE l.survey_id = ?1
             GROUP BY r.answered_on, r.link_id ORDER BY r.answered_on DESC, r.link_id",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, i64>(2)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(day, link_id, n)| {
                Ok(DayAnswers {
                    day: day.parse().map_err(|_| HqError::Internal("answer day"))?,
                    link_id,
                    answers: n as u64,
                })
            })
            .collect()
    }

    /// Marks a free comment (by its random id) for the funder report, or takes it off.
    pub fn set_featured(
        &self,
        by: &Actor,
        survey: i64,
        comment: &str,
        featured: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut conn = self.write();
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE survey_comments SET featured = ?3 WHERE id = ?1
               AND question_id IN (SELECT id FROM survey_questions WHERE survey_id = ?2)",
            params![comment, survey, featured],
        )?;
        if n == 0 {
            return Err(HqError::NotFound);
        }
        let action = if featured {
            AuditAction::CommentFeatured
        } else {
            AuditAction::CommentUnfeatured
        };
        let title = read_survey(&tx, survey)?.title;
        record(&tx, by, now, action, &format!("{title}の自由記述 1件"))?;
        tx.commit()?;
        Ok(())
    }
}
