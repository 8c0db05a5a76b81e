use chrono::{DateTime, Utc};
use proptest::prelude::*;

use super::*;
use salon_hq_store::surveys::Audience;

fn sizes(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(c, n)| (c.to_string(), *n)).collect()
}

fn shown(pairs: &[(&str, u64)]) -> Vec<String> {
    let s = sizes(pairs);
    shown_groups(s.values().sum(), &s).into_iter().collect()
}

#[test]
fn what_is_left_out_is_never_a_group_of_one_to_four() {
    assert_eq!(shown(&[("A", 5), ("B", 9)]), ["A", "B"]);
    // One small campus: it and the smallest shown one are left out together.
    assert_eq!(shown(&[("A", 5), ("B", 9), ("C", 4)]), ["B"]);
    // 20, 1 and 1: the two small ones together are still two people, so the large one goes
    // too, and only the whole survey is shown.
    assert_eq!(
        shown(&[("A", 20), ("B", 1), ("C", 1)]),
        Vec::<String>::new()
    );
    assert_eq!(shown(&[("A", 20), ("B", 3), ("C", 2)]), ["A"]);
    assert_eq!(shown(&[("A", 4)]), Vec::<String>::new());
}

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_760_000_000 + secs, 0).unwrap()
}

/// A closed survey of `questions` choice questions with two options each, answered through one
/// link per campus: `people[c]` lists, per person at campus c, which questions they answered.
fn survey_of(
    questions: usize,
    people: &[Vec<Vec<bool>>],
) -> (Survey, Vec<SurveyLink>, SurveyAnswers) {
    let survey = Survey {
        id: 1,
        term_id: None,
        audience: Audience::Teachers,
        title: "アンケート".into(),
        created_at: t(0),
        closed_at: Some(t(10)),
        deadline: None,
        questions: (0..questions as i64)
            .map(|id| Question {
                id,
                kind: QuestionKind::Single,
                text: format!("Q{id}"),
                options: vec!["はい".into(), "いいえ".into()],
                required: false,
            })
            .collect(),
        responses: 0,
    };
    let mut links = Vec::new();
    let mut answers = SurveyAnswers::default();
    let mut response = 0;
    for (c, campus) in people.iter().enumerate() {
        links.push(SurveyLink {
            id: c as i64,
            survey_id: 1,
            campus_code: Some(format!("C-{c:02}")),
            token: String::new(),
            closed_at: None,
            responses: campus.len() as u64,
        });
        for person in campus {
            response += 1;
            for (q, answered) in person.iter().enumerate() {
                if *answered {
                    answers.choices.push(ChoiceRow {
                        response_id: response,
                        link_id: c as i64,
                        question_id: q as i64,
                        choice: response as usize % 2,
                    });
                }
            }
        }
    }
    (survey, links, answers)
}

fn answered(r: &QuestionResult) -> Option<u64> {
    match r {
        QuestionResult::Shown(k) => Some(k.answered),
        QuestionResult::Withheld(_) => None,
    }
}

/// For every question: every group shown holds at least the minimum, and the whole minus
/// the campuses shown is none or at least the minimum; the same for the number of answers.
fn check(r: &SurveyResults, per_question_total: &[u64]) -> std::result::Result<(), String> {
    let campus_sum: u64 = r.campuses.iter().map(|c| c.responses).sum();
    let rest = r.responses - campus_sum;
    if (1..MIN_ANSWERS).contains(&rest) {
        return Err(format!("{rest} answers left out"));
    }
    for (q, total) in per_question_total.iter().enumerate() {
        if let Some(n) = answered(&r.overall[q]) {
            if n < MIN_ANSWERS {
                return Err(format!("Q{q}: {n} shown for the whole"));
            }
        }
        let mut shown_sum = 0;
        for c in &r.campuses {
            if let Some(n) = answered(&c.questions[q]) {
                if n < MIN_ANSWERS {
                    return Err(format!("Q{q}: {n} shown at {}", c.code));
                }
                shown_sum += n;
            }
        }
        if shown_sum > 0 && (1..MIN_ANSWERS).contains(&(total - shown_sum)) {
            return Err(format!("Q{q}: {} left out", total - shown_sum));
        }
    }
    Ok(())
}

#[test]
fn an_optional_question_answered_by_one_at_a_campus_is_not_shown_for_it() {
    // Six at each of two campuses; at B only one answered Q1.
    let a = vec![vec![true, true]; 6];
    let mut b = vec![vec![true, false]; 6];
    b[0][1] = true;
    let (survey, links, answers) = survey_of(2, &[a, b]);
    let r = compute(&survey, &links, &answers);
    assert_eq!(r.campuses.len(), 2);
    assert!(r
        .campuses
        .iter()
        .all(|c| answered(&c.questions[0]) == Some(6)));
    // Q1: seven in all; A's six shown would leave B's one: neither is shown.
    assert_eq!(answered(&r.overall[1]), Some(7));
    assert!(r
        .campuses
        .iter()
        .all(|c| answered(&c.questions[1]).is_none()));
    check(&r, &[12, 7]).unwrap();
}

#[test]
fn results_wait_for_the_survey_to_close() {
    let (mut survey, links, answers) = survey_of(1, &[vec![vec![true]; 9]]);
    survey.closed_at = None;
    let r = compute(&survey, &links, &answers);
    assert_eq!(r.withheld, Some(Withheld::Open));
    assert!(r.overall.is_empty() && r.campuses.is_empty() && r.comments.is_empty());
    assert_eq!(r.responses, 9);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn no_group_shown_or_left_out_is_under_the_minimum(
        people in prop::collection::vec(
            prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.7), 3), 0..14),
            1..6,
        )
    ) {
        let (survey, links, answers) = survey_of(3, &people);
        let r = compute(&survey, &links, &answers);
        let totals: Vec<u64> = (0..3)
            .map(|q| people.iter().flatten().filter(|p| p[q]).count() as u64)
            .collect();
        if r.withheld.is_none() {
            prop_assert_eq!(r.overall.len(), 3);
            prop_assert!(check(&r, &totals).is_ok(), "{:?}: {:?}", people.iter().map(Vec::len).collect::<Vec<_>>(), check(&r, &totals));
        }
    }
}
