//! What a survey is made of (アンケート): who it asks, its questions and their kinds, its
//! links, an answer as typed and as stored, and the limits on a form. `surveys` and
//! `survey_answers` read and write them.

use chrono::{DateTime, Utc};

use crate::error::{HqError, Result};

/// Who a survey asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// 教職員: one link per campus.
    Teachers,
    /// キャリアサポーター: one link.
    Supporters,
}

impl Audience {
    pub fn code(self) -> &'static str {
        match self {
            Audience::Teachers => "teachers",
            Audience::Supporters => "supporters",
        }
    }

    pub fn parse(code: &str) -> Result<Audience> {
        match code {
            "teachers" => Ok(Audience::Teachers),
            "supporters" => Ok(Audience::Supporters),
            _ => Err(HqError::BadForm("audience")),
        }
    }

    pub fn ja(self) -> &'static str {
        match self {
            Audience::Teachers => "教職員向け",
            Audience::Supporters => "キャリアサポーター向け",
        }
    }
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    /// A satisfaction scale: one of its choices, shown in order.
    Scale,
    /// One choice.
    Single,
    /// 複数選択可.
    Multi,
    /// A free comment.
    Text,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 4] = [
        QuestionKind::Scale,
        QuestionKind::Single,
        QuestionKind::Multi,
        QuestionKind::Text,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Scale => "scale",
            QuestionKind::Single => "single",
            QuestionKind::Multi => "multi",
            QuestionKind::Text => "text",
        }
    }

    pub fn parse(code: &str) -> Result<QuestionKind> {
        QuestionKind::ALL
            .into_iter()
            .find(|k| k.code() == code)
            .ok_or(HqError::BadForm("question_kind"))
    }

    pub fn ja(self) -> &'static str {
        match self {
            QuestionKind::Scale => "満足度（1つ選ぶ）",
            QuestionKind::Single => "1つ選ぶ",
            QuestionKind::Multi => "複数選択可",
            QuestionKind::Text => "自由記述",
        }
    }
}

/// A question as typed or as held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionInput {
    pub kind: QuestionKind,
    pub text: String,
    pub options: Vec<String>,
    /// 必須: a form that leaves it blank is refused.
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub kind: QuestionKind,
    pub text: String,
    pub options: Vec<String>,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub id: i64,
    pub term_id: Option<i64>,
    pub audience: Audience,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// 回答期限: the last day (Tokyo) answers are asked for, shown on the form and the flyer.
    pub deadline: Option<chrono::NaiveDate>,
    pub questions: Vec<Question>,
    pub responses: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyLink {
    pub id: i64,
    pub survey_id: i64,
    /// None: the supporters' link.
    pub campus_code: Option<String>,
    pub token: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub responses: u64,
}

/// An answer as sent from the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerInput {
    /// Option indexes (none, one, or several for 複数選択可).
    Choices(Vec<usize>),
    Text(String),
}

/// One chosen option of one answer, for the results. It carries no time: answers keep only
/// their day, and that is read apart from their content (`HqStore::answers_per_day`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceRow {
    /// Random, so it says nothing of the order answers came in.
    pub response_id: i64,
    pub link_id: i64,
    pub question_id: i64,
    pub choice: usize,
}

/// A free comment, kept apart from the answer it came with: no campus, no day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Its own random id, by which an admin chooses it for the report.
    pub id: String,
    pub question_id: i64,
    pub text: String,
    pub featured: bool,
}

/// Everything answered to a survey.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyAnswers {
    pub choices: Vec<ChoiceRow>,
    pub comments: Vec<Comment>,
}

/// How many answers came through one link on one day (Tokyo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAnswers {
    pub day: chrono::NaiveDate,
    pub link_id: i64,
    pub answers: u64,
}

/// What a submit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    Stored,
    /// This form was sent before: the answer counts once.
    Already,
}

/// Limits on what a form holds.
pub const MAX_QUESTIONS: usize = 20;
pub const MAX_OPTIONS: usize = 12;
pub const MAX_COMMENT_CHARS: usize = 2000;
/// How long an opened form can still be sent.
pub const FORM_LIFETIME_SECS: i64 = 24 * 60 * 60;
