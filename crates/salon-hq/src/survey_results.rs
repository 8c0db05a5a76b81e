//! A survey's results: each question's choices counted over the whole survey, and per campus
//! only where no campus's answers can be worked out. A campus with fewer than
//! [`MIN_ANSWERS`] answers is not shown; when exactly one campus would be hidden, the
//! smallest shown one is hidden too, so the total minus the shown campuses is the sum of at
//! least two campuses, never one. A survey with fewer than [`MIN_ANSWERS`] answers in all
//! shows no counts at all. Free comments are listed without their campus or time.

use std::collections::{BTreeMap, BTreeSet};

use crate::store::surveys::{AnswerRow, Question, QuestionKind, Survey, SurveyLink};

/// The fewest answers a shown group (the whole survey, or a campus) may hold.
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub response_id: i64,
    pub question_id: i64,
    pub text: String,
    pub featured: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyResults {
    pub responses: u64,
    /// Counts over the whole survey, when it has at least `MIN_ANSWERS` answers.
    pub overall: Option<Vec<QuestionCounts>>,
    /// (campus code, answers, counts) for each campus that may be shown.
    pub campuses: Vec<(String, u64, Vec<QuestionCounts>)>,
    /// Campuses with answers that are not shown.
    pub hidden_campuses: usize,
    pub comments: Vec<Comment>,
}

/// Which campuses may be shown, from each campus's number of answers.
pub fn shown_campuses(answers: &BTreeMap<String, u64>) -> BTreeSet<String> {
    let mut shown: Vec<(&String, u64)> = answers
        .iter()
        .filter(|(_, n)| **n >= MIN_ANSWERS)
        .map(|(c, n)| (c, *n))
        .collect();
    let hidden = answers
        .values()
        .filter(|n| (1..MIN_ANSWERS).contains(*n))
        .count();
    if hidden == 1 {
        // The total minus the shown campuses would be that one campus: hide the smallest
        // shown campus with it (ties by code, so the choice is the same every time).
        shown.sort_by_key(|(c, n)| (*n, (*c).clone()));
        if !shown.is_empty() {
            shown.remove(0);
        }
    }
    shown.into_iter().map(|(c, _)| c.clone()).collect()
}

fn count(questions: &[Question], answers: &[&AnswerRow]) -> Vec<QuestionCounts> {
    questions
        .iter()
        .filter(|q| q.kind != QuestionKind::Text)
        .map(|q| {
            let mine: Vec<&&AnswerRow> = answers.iter().filter(|a| a.question_id == q.id).collect();
            let answered: BTreeSet<i64> = mine.iter().map(|a| a.response_id).collect();
            let mut counts = vec![0; q.options.len()];
            for a in &mine {
                if let Some(c) = a.choice.filter(|c| *c < counts.len()) {
                    counts[c] += 1;
                }
            }
            QuestionCounts {
                question: q.clone(),
                answered: answered.len() as u64,
                counts,
            }
        })
        .collect()
}

pub fn compute(survey: &Survey, links: &[SurveyLink], answers: &[AnswerRow]) -> SurveyResults {
    let campus_of: BTreeMap<i64, Option<&String>> = links
        .iter()
        .map(|l| (l.id, l.campus_code.as_ref()))
        .collect();
    let mut per_campus: BTreeMap<String, u64> = BTreeMap::new();
    for l in links {
        if let Some(c) = &l.campus_code {
            if l.responses > 0 {
                *per_campus.entry(c.clone()).or_default() += l.responses;
            }
        }
    }
    let responses: u64 = links.iter().map(|l| l.responses).sum();
    let all: Vec<&AnswerRow> = answers.iter().collect();
    let overall = (responses >= MIN_ANSWERS).then(|| count(&survey.questions, &all));
    let shown = if overall.is_some() {
        shown_campuses(&per_campus)
    } else {
        BTreeSet::new()
    };
    let campuses = shown
        .iter()
        .map(|c| {
            let mine: Vec<&AnswerRow> = answers
                .iter()
                .filter(|a| campus_of.get(&a.link_id).copied().flatten() == Some(c))
                .collect();
            (c.clone(), per_campus[c], count(&survey.questions, &mine))
        })
        .collect();
    let mut comments: Vec<Comment> = answers
        .iter()
        .filter_map(|a| {
            a.text.as_ref().map(|t| Comment {
                response_id: a.response_id,
                question_id: a.question_id,
                text: t.clone(),
                featured: a.featured,
            })
        })
        .collect();
    // By question and text, never by arrival: the order must not match the answer times.
    comments.sort_by(|a, b| (a.question_id, &a.text).cmp(&(b.question_id, &b.text)));
    SurveyResults {
        responses,
        overall,
        hidden_campuses: per_campus.len() - shown.len(),
        campuses,
        comments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(c, n)| (c.to_string(), *n)).collect()
    }

    fn shown(pairs: &[(&str, u64)]) -> Vec<String> {
        shown_campuses(&counts(pairs)).into_iter().collect()
    }

    #[test]
    fn no_campus_can_be_worked_out_from_the_total() {
        assert_eq!(shown(&[("A", 5), ("B", 9)]), ["A", "B"]);
        // One small campus: it and the smallest shown one are hidden together.
        assert_eq!(shown(&[("A", 5), ("B", 9), ("C", 4)]), ["B"]);
        assert_eq!(shown(&[("A", 6), ("B", 6), ("C", 1)]), ["B"]);
        // Two small campuses hide each other: their sum is two campuses.
        assert_eq!(shown(&[("A", 7), ("B", 2), ("C", 3)]), ["A"]);
        // A lone large campus beside a small one: nothing per campus.
        assert_eq!(shown(&[("A", 20), ("B", 4)]), Vec::<String>::new());
        assert_eq!(shown(&[("A", 4)]), Vec::<String>::new());
        // Whatever the counts, the hidden group is empty or holds at least two campuses (or the
        // survey has too few answers to show anything).
        for a in 0..8 {
            for b in 0..8 {
                for c in 0..8 {
                    let all = counts(&[("A", a), ("B", b), ("C", c)]);
                    let s = shown_campuses(&all);
                    let hidden: Vec<_> = all
                        .iter()
                        .filter(|(k, n)| **n > 0 && !s.contains(*k))
                        .collect();
                    let total = a + b + c;
                    assert!(
                        hidden.len() != 1 || total < MIN_ANSWERS,
                        "{a} {b} {c}: {hidden:?}"
                    );
                    assert!(s.iter().all(|k| all[k] >= MIN_ANSWERS));
                }
            }
        }
    }
}
