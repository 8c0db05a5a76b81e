//! A survey's results, shown so that no one's answer can be worked out — not from one view,
//! not by setting two views side by side, not by comparing them over time:
//!
//! - **Only once the survey is closed**, and a survey closed with answers never reopens
//!   (`HqStore::set_survey_closed`): results never change after they are first shown, so there
//!   is no "before and after one answer" to compare. Until then only the number of answers
//!   is shown.
//! - **Every group shown holds at least [`MIN_ANSWERS`] answers**, for every question on its
//!   own (an optional question is answered by fewer people than the campus has): the whole
//!   survey, each campus block, and each question within it.
//! - **Every group left out holds none or at least [`MIN_ANSWERS`]**: whatever is subtracted
//!   from the whole (the campuses shown, per question), what remains is never a group of one
//!   to four people. Campuses are hidden smallest first until that holds.
//! - Free comments are listed without campus, time or order of arrival, and only when the
//!   survey has at least [`MIN_ANSWERS`] answers.

use std::collections::{BTreeMap, BTreeSet};

pub use salon_hq_store::surveys::Comment;
use salon_hq_store::surveys::{
    ChoiceRow, Question, QuestionKind, Survey, SurveyAnswers, SurveyLink,
};

/// The fewest answers a shown group, and a group left out, may hold.
pub const MIN_ANSWERS: u64 = 5;

/// One question's counts over a set of responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionCounts {
    pub question: Question,
    /// Responses that answered this question.
    pub answered: u64,
    /// Per option, in the question's order.
    pub counts: Vec<u64>,
}

impl QuestionCounts {
    /// A count as a whole percentage of those who answered, rounded half up.
    pub fn percent(&self, count: u64) -> u64 {
        if self.answered == 0 {
            0
        } else {
            (count * 200 + self.answered) / (2 * self.answered)
        }
    }
}

/// A question within a group: its counts, or left out (too few in the group answered it, or
/// showing it would leave too few in the rest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionResult {
    Shown(QuestionCounts),
    Withheld(Question),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampusResults {
    pub code: String,
    pub responses: u64,
    pub questions: Vec<QuestionResult>,
}

/// Why a survey shows no results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    /// Still taking answers.
    Open,
    /// Closed with fewer than [`MIN_ANSWERS`] answers.
    TooFew,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyResults {
    pub responses: u64,
    /// Why nothing but the number of answers is shown, if so.
    pub withheld: Option<Withheld>,
    /// The whole survey, per question (empty when withheld).
    pub overall: Vec<QuestionResult>,
    pub campuses: Vec<CampusResults>,
    /// Campuses with answers that are not shown.
    pub hidden_campuses: usize,
    pub comments: Vec<Comment>,
}

/// Takes the smallest group out of `shown` until what the shown groups leave of `total` is
/// none or at least [`MIN_ANSWERS`]. Ties go by code, so the choice is the same every time.
fn leave_no_small_rest(total: u64, sizes: &BTreeMap<String, u64>, shown: &mut BTreeSet<String>) {
    loop {
        let rest = total - shown.iter().map(|c| sizes[c]).sum::<u64>();
        if rest == 0 || rest >= MIN_ANSWERS {
            return;
        }
        let Some(smallest) = shown
            .iter()
            .min_by_key(|c| (sizes[*c], (*c).clone()))
            .cloned()
        else {
            return;
        };
        shown.remove(&smallest);
    }
}

/// Which groups may be shown out of `total`, from each group's size: each shown one holds at
/// least [`MIN_ANSWERS`], and so does the rest (or it is empty). A total under the minimum
/// shows no group.
pub fn shown_groups(total: u64, sizes: &BTreeMap<String, u64>) -> BTreeSet<String> {
    if total < MIN_ANSWERS {
        return BTreeSet::new();
    }
    let mut shown = sizes
        .iter()
        .filter(|(_, n)| **n >= MIN_ANSWERS)
        .map(|(c, _)| c.clone())
        .collect();
    leave_no_small_rest(total, sizes, &mut shown);
    shown
}

fn count(q: &Question, answers: &[&ChoiceRow]) -> QuestionCounts {
    let mine: Vec<&&ChoiceRow> = answers.iter().filter(|a| a.question_id == q.id).collect();
    let answered: BTreeSet<i64> = mine.iter().map(|a| a.response_id).collect();
    let mut counts = vec![0; q.options.len()];
    for a in &mine {
        if a.choice < counts.len() {
            counts[a.choice] += 1;
        }
    }
    QuestionCounts {
        question: q.clone(),
        answered: answered.len() as u64,
        counts,
    }
}

pub fn compute(survey: &Survey, links: &[SurveyLink], answers: &SurveyAnswers) -> SurveyResults {
    let responses: u64 = links.iter().map(|l| l.responses).sum();
    let withheld = if survey.closed_at.is_none() {
        Some(Withheld::Open)
    } else if responses < MIN_ANSWERS {
        Some(Withheld::TooFew)
    } else {
        None
    };
    let mut results = SurveyResults {
        responses,
        withheld,
        overall: Vec::new(),
        campuses: Vec::new(),
        hidden_campuses: 0,
        comments: Vec::new(),
    };
    let campus_of: BTreeMap<i64, Option<&String>> = links
        .iter()
        .map(|l| (l.id, l.campus_code.as_ref()))
        .collect();
    let mut per_campus: BTreeMap<String, u64> = BTreeMap::new();
    for l in links.iter().filter(|l| l.responses > 0) {
        if let Some(c) = &l.campus_code {
            *per_campus.entry(c.clone()).or_default() += l.responses;
        }
    }
    results.hidden_campuses = per_campus.len();
    if withheld.is_some() {
        return results;
    }
    let campus_shown = shown_groups(responses, &per_campus);
    results.hidden_campuses = per_campus.len() - campus_shown.len();
    let all: Vec<&ChoiceRow> = answers.choices.iter().collect();
    let of_campus: BTreeMap<&String, Vec<&ChoiceRow>> = campus_shown
        .iter()
        .map(|c| {
            let mine = answers
                .choices
                .iter()
                .filter(|a| campus_of.get(&a.link_id).copied().flatten() == Some(c))
                .collect();
            (c, mine)
        })
        .collect();
    let questions: Vec<&Question> = survey
        .questions
        .iter()
        .filter(|q| q.kind != QuestionKind::Text)
        .collect();
    let mut per_question: Vec<(
        QuestionCounts,
        BTreeMap<String, QuestionCounts>,
        BTreeSet<String>,
    )> = Vec::new();
    for q in &questions {
        let whole = count(q, &all);
        let by_campus: BTreeMap<String, QuestionCounts> = of_campus
            .iter()
            .map(|(c, mine)| ((*c).clone(), count(q, mine)))
            .collect();
        let sizes = by_campus
            .iter()
            .map(|(c, k)| (c.clone(), k.answered))
            .collect();
        let shown = shown_groups(whole.answered, &sizes);
        per_question.push((whole, by_campus, shown));
    }
    let result = |k: &QuestionCounts, shown: bool| {
        if shown {
            QuestionResult::Shown(k.clone())
        } else {
            QuestionResult::Withheld(k.question.clone())
        }
    };
    results.overall = per_question
        .iter()
        .map(|(whole, _, _)| result(whole, whole.answered >= MIN_ANSWERS))
        .collect();
    results.campuses = campus_shown
        .iter()
        .map(|c| CampusResults {
            code: c.clone(),
            responses: per_campus[c],
            questions: per_question
                .iter()
                .map(|(_, by_campus, shown)| result(&by_campus[c], shown.contains(c)))
                .collect(),
        })
        .collect();
    results.comments = answers.comments.clone();
    // By question and text, never by arrival.
    results
        .comments
        .sort_by(|a, b| (a.question_id, &a.text).cmp(&(b.question_id, &b.text)));
    results
}

#[cfg(test)]
mod tests;
