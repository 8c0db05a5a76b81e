//! Surveys end to end through the router: made from the seed's template, answered anonymously
//! through a campus's link (a double submit counts once), closed, and shown per campus only
//! where no campus's answers can be worked out.
//!
//! Over 500 lines because one survey is followed from its template to its closed results; its tests
//! share the steps before them.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::*;
use salon_hq_store::surveys::{AnswerInput, Audience, Submitted};
use salon_hq_store::HqError;
use salon_hq_store::{Actor, AuditAction};

fn form_token_of(page: &str) -> String {
    let field = "name=\"form_token\" value=\"";
    let at = page.find(field).expect("a form token") + field.len();
    let len = page[at..].find('"').expect("the token's end");
    page[at..at + len].to_owned()
}

/// Answers one form through the link as a browser would: open it, send it.
async fn answer(
    hq: &Hq,
    token: &str,
    choices: &[(&str, &str)],
) -> (String, axum::http::StatusCode, String) {
    let page = hq.get(&format!("/s/{token}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let form_token = form_token_of(&page.text());
    let mut pairs = vec![("form_token", form_token.as_str())];
    pairs.extend_from_slice(choices);
    let a = hq
        .post_form(&format!("/s/{token}"), "", &form(&pairs))
        .await;
    (form_token, a.status, a.text())
}

#[tokio::test]
async fn a_teachers_survey_is_answered_through_campus_links_and_shown_without_exposing_a_campus() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let a = hq
        .post_form(
            "/surveys",
            &cookie,
            &form(&[("csrf", &csrf), ("audience", "teachers"), ("term", "")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let survey = hq.store().surveys().unwrap().remove(0);
    assert_eq!(survey.audience, Audience::Teachers);
    assert_eq!(survey.questions.len(), 5);
    assert!(survey.questions[0].text.contains("満足度"));
    let links = hq.store().survey_links(survey.id).unwrap();
    let token = |code: &str| {
        links
            .iter()
            .find(|l| l.campus_code.as_deref() == Some(code))
            .unwrap()
            .token
            .clone()
    };
    let (kashiwa, akihabara) = (token("C-012"), token("C-013"));
    let q = |i: usize| format!("q{}", survey.questions[i].id);
    let (q0, q1, q4) = (q(0), q(1), q(4));

    // The form: Japanese, phone-sized, asks for no name.
    let page = hq.get(&format!("/s/{kashiwa}"), None).await.text();
    assert!(page.contains("<html lang=\"ja\">") && page.contains("width=device-width"));
    assert!(page.contains("回答は匿名です"));
    assert!(!page.contains("name=\"name\"") && !page.contains("氏名"));

    // Six answers at 柏, four at 秋葉原.
    for i in 0..6 {
        let sat = ["0", "0", "1", "0", "2", "1"][i];
        let (_, status, text) = answer(
            &hq,
            &kashiwa,
            &[(&q0, sat), (&q1, "0"), (&q1, "3"), (&q4, "助かりました")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        assert!(text.contains("ご回答ありがとうございました"));
    }
    for _ in 0..4 {
        answer(&hq, &akihabara, &[(&q0, "1")]).await;
    }
    // The same form sent twice counts once.
    let (nonce, _, _) = answer(&hq, &akihabara, &[(&q0, "4")]).await;
    let again = hq
        .post_form(
            &format!("/s/{akihabara}"),
            "",
            &form(&[("form_token", &nonce), (&q0, "4")]),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.text().contains("ご回答ありがとうございました"));
    assert_eq!(hq.store().survey(survey.id).unwrap().responses, 11);
    // A forged token, a choice that does not exist, two choices for one, a blank answer:
    // refused, nothing stored.
    let a = hq
        .post_form(
            &format!("/s/{akihabara}"),
            "",
            &form(&[("form_token", "forged"), (&q0, "1")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::GONE);
    assert!(a.text().contains("リンクをもう一度開いて"));
    let (_, status, text) = answer(&hq, &akihabara, &[(&q0, "9")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("回答の内容が質問に合いません"), "{text}");
    let (_, status, _) = answer(&hq, &akihabara, &[(&q0, "0"), (&q0, "1")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, status, text) = answer(&hq, &akihabara, &[(&q4, "  ")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("どの質問にも回答がありません"), "{text}");
    assert_eq!(hq.store().survey(survey.id).unwrap().responses, 11);

    // While the survey takes answers, its results wait.
    let open = hq
        .get(&format!("/surveys/{}", survey.id), Some(&cookie))
        .await
        .text();
    assert!(open.contains("data-testid=\"results-wait\"") && !open.contains("件（"));

    // Closing 秋葉原's link: its form is closed, 柏's still open.
    let at = links
        .iter()
        .find(|l| l.campus_code.as_deref() == Some("C-013"))
        .unwrap()
        .id;
    let a = hq
        .post_form(
            &format!("/surveys/{}/links/{at}/close", survey.id),
            &cookie,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let closed = hq.get(&format!("/s/{akihabara}"), None).await;
    assert_eq!(closed.status, StatusCode::GONE);
    assert!(closed.text().contains("締め切りました"));
    assert_eq!(
        hq.get(&format!("/s/{kashiwa}"), None).await.status,
        StatusCode::OK
    );

    // Closing the survey is asked once more, then done.
    let ask = hq
        .post_form(
            &format!("/surveys/{}/close", survey.id),
            &cookie,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.text().contains("締め切った後は、受付を再開できません"));
    assert!(hq.store().survey(survey.id).unwrap().closed_at.is_none());
    let a = hq
        .post_form(
            &format!("/surveys/{}/close", survey.id),
            &cookie,
            &format!("csrf={csrf}&confirmed=1"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);

    // 秋葉原 has five answers now, 柏 six: both shown. Overall 満足度: 11 answered.
    let results = hq
        .get(&format!("/surveys/{}", survey.id), Some(&cookie))
        .await
        .text();
    assert!(results.contains("回答 <strong>11件</strong>"), "{results}");
    assert!(results.contains("data-campus=\"C-012\"") && results.contains("data-campus=\"C-013\""));
    assert!(results.contains("とても満足</text>"));
    assert!(results.contains("6件（55%）"), "満足 6 of 11: {results}");
    assert!(results.contains("助かりました"));
    assert!(results.contains("同じ人が2回以上答えることを完全には防げません"));

    // Questions can no longer change.
    let a = hq
        .post_form(
            &format!("/surveys/{}/edit", survey.id),
            &cookie,
            &form(&[
                ("csrf", &csrf),
                ("title", "新しい題"),
                ("q0_text", "別の質問"),
                ("q0_kind", "text"),
            ]),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a
        .text()
        .contains("回答が届いているため、質問は変えられません"));

    // A comment chosen for the report; the choice is recorded.
    let answers = hq.store().survey_answers(survey.id).unwrap();
    let comment = answers.comments[0].id.clone();
    let a = hq
        .post_form(
            &format!("/surveys/{}/comments/{comment}/feature", survey.id),
            &cookie,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(hq
        .store()
        .survey_answers(survey.id)
        .unwrap()
        .comments
        .iter()
        .any(|c| c.featured));
    assert_eq!(hq.audit_actions()[0], AuditAction::CommentFeatured);
    let csv = hq
        .get(
            &format!("/surveys/{}/comments.csv", survey.id),
            Some(&cookie),
        )
        .await
        .text();
    assert!(
        csv.starts_with('\u{feff}') && csv.contains("助かりました,はい"),
        "{csv}"
    );
}

#[tokio::test]
async fn a_campus_with_four_answers_shows_no_result_of_its_own_nor_one_that_gives_it_away() {
    let hq = Hq::new();
    let by = Actor::cli();
    let now = Utc::now();
    let id = hq
        .store()
        .create_survey(&by, None, Audience::Teachers, now)
        .unwrap();
    let survey = hq.store().survey(id).unwrap();
    let links = hq.store().survey_links(id).unwrap();
    let q0 = survey.questions[0].id;
    let answer_at = |code: &str, n: usize, choice: usize| {
        let link = links
            .iter()
            .find(|l| l.campus_code.as_deref() == Some(code))
            .unwrap()
            .id;
        for _ in 0..n {
            let nonce = hq.store().form_token(link, now).unwrap();
            let done = hq
                .store()
                .submit(
                    link,
                    &nonce,
                    &[(q0, AnswerInput::Choices(vec![choice]))],
                    now,
                )
                .unwrap();
            assert_eq!(done, Submitted::Stored);
        }
    };
    answer_at("C-012", 7, 0);
    answer_at("C-013", 4, 3);
    hq.store()
        .set_survey_closed(&by, id, None, true, now)
        .unwrap();
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let page = hq
        .get(&format!("/surveys/{id}"), Some(&cookie))
        .await
        .text();
    // The whole survey (11) is shown, neither campus: 柏 alone would give 秋葉原's four away.
    assert!(page.contains("回答 <strong>11件</strong>"));
    assert!(!page.contains("data-campus="), "{page}");
    assert!(page.contains("2キャンパスの結果は表示していません"));
    // A survey with four answers in all shows no counts at all.
    let small = hq
        .store()
        .create_survey(&by, None, Audience::Supporters, now)
        .unwrap();
    let link = hq.store().survey_links(small).unwrap()[0].id;
    let sq = hq.store().survey(small).unwrap().questions[0].id;
    for _ in 0..4 {
        let nonce = hq.store().form_token(link, now).unwrap();
        hq.store()
            .submit(link, &nonce, &[(sq, AnswerInput::Choices(vec![0]))], now)
            .unwrap();
    }
    hq.store()
        .set_survey_closed(&by, small, None, true, now)
        .unwrap();
    let page = hq
        .get(&format!("/surveys/{small}"), Some(&cookie))
        .await
        .text();
    assert!(page.contains("data-testid=\"too-few\""));
    assert!(!page.contains("件（"), "no count is shown: {page}");
    // Closed as a whole: no new answer is taken, and it does not reopen.
    let nonce = hq.store().form_token(link, now).unwrap();
    assert!(matches!(
        hq.store()
            .submit(link, &nonce, &[(sq, AnswerInput::Choices(vec![0]))], now),
        Err(HqError::SurveyClosed)
    ));
    assert!(matches!(
        hq.store().set_survey_closed(&by, small, None, false, now),
        Err(HqError::SurveyFinal)
    ));
}

#[tokio::test]
async fn a_printable_qr_code_carries_the_public_address() {
    let mut hq = Hq::new();
    hq.state.public_url = "https://hq.example.org".into();
    hq.router = salon_hq_web::router(hq.state.clone());
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let id = hq
        .store()
        .create_survey(&Actor::cli(), None, Audience::Teachers, Utc::now())
        .unwrap();
    let link = hq.store().survey_links(id).unwrap().remove(0);
    let page = hq
        .get(
            &format!("/surveys/{id}/links/{}/print", link.id),
            Some(&cookie),
        )
        .await
        .text();
    assert!(
        page.contains(&format!("https://hq.example.org/s/{}", link.token)),
        "{page}"
    );
    assert!(
        page.contains("<svg") && !page.contains("<?xml"),
        "an inline QR code"
    );
    assert!(page.contains("柏キャンパスの教職員の皆さまへ"));
    let list = hq
        .get(&format!("/surveys/{id}/links"), Some(&cookie))
        .await
        .text();
    assert!(list.contains(&format!("https://hq.example.org/s/{}", link.token)));
}

#[test]
fn answers_of_a_1_0_database_keep_their_day_and_lose_their_time_and_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hq.db");
    {
        // A 1.0 database: the baseline only, with a survey answered twice, 40 minutes apart.
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(salon_hq_store::MIGRATIONS[0].1).unwrap();
        db.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO campuses (code, name, created_at) VALUES ('C-012', '柏キャンパス', 0);
             INSERT INTO surveys (id, audience, title, created_at) VALUES (1, 'teachers', 'ふりかえり', 0);
             INSERT INTO survey_questions (id, survey_id, position, kind, text, options)
                 VALUES (1, 1, 0, 'single', '満足度', '[\"はい\",\"いいえ\"]'),
                        (2, 1, 1, 'text', 'ご意見', '[]');
             INSERT INTO survey_links (id, survey_id, campus_code, token, created_at)
                 VALUES (1, 1, 'C-012', 'tok', 0);
             INSERT INTO survey_forms (nonce_hash, link_id, opened_at) VALUES (x'00', 1, 0);
             -- 2026-11-10 23:50 and 2026-11-11 00:30 in Tokyo.
             INSERT INTO survey_responses (id, link_id, submitted_at)
                 VALUES (1, 1, 1794322200), (2, 1, 1794324600);
             INSERT INTO survey_answers (response_id, question_id, choice) VALUES (1, 1, 0), (2, 1, 1);
             INSERT INTO survey_answers (response_id, question_id, text, featured)
                 VALUES (1, 2, '最初の声', 1), (2, 2, '次の声', 0);",
        )
        .unwrap();
    }
    let store = salon_hq_store::HqStore::open(&path).unwrap();
    // Nothing of the times is left in the file, not even in free pages: each was stored as a
    // 4-byte big-endian integer.
    let mut raw = std::fs::read(&path).unwrap();
    raw.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    for time in [1_794_322_200_u32, 1_794_324_600] {
        let bytes = time.to_be_bytes();
        assert!(
            !raw.windows(4).any(|w| w == bytes),
            "the time {time} is still in the database file"
        );
    }
    let answers = store.survey_answers(1).unwrap();
    assert_eq!((answers.choices.len(), answers.comments.len()), (2, 2));
    // The comments, apart from their answers, keep whether they were chosen for the report.
    let first = answers
        .comments
        .iter()
        .find(|c| c.text == "最初の声")
        .unwrap();
    assert!(first.featured && first.id.len() == 32);
    // The choices keep their answers apart, under ids that are no longer 1 or 2.
    let mut by_response: Vec<(i64, usize)> = answers
        .choices
        .iter()
        .map(|c| (c.response_id, c.choice))
        .collect();
    by_response.sort_by_key(|(_, c)| *c);
    assert!(by_response[0].0 != by_response[1].0);
    assert!(answers.choices.iter().all(|c| c.response_id > 2));
    let days: Vec<(String, u64)> = store
        .answers_per_day(1)
        .unwrap()
        .into_iter()
        .map(|d| (d.day.to_string(), d.answers))
        .collect();
    assert_eq!(days, [("2026-11-11".into(), 1), ("2026-11-10".into(), 1)]);
    let db = rusqlite::Connection::open(&path).unwrap();
    let left: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master
             WHERE name IN ('survey_forms', 'survey_answers', 'survey_responses_new')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_form_names_the_npo_marks_what_is_required_and_keeps_what_was_chosen() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    // The office names the NPO and its contact, and a deadline.
    let a = hq
        .post_form(
            "/settings/organisation",
            &cookie,
            &form(&[
                ("csrf", &csrf),
                ("org_name", "NPO法人 キャリアベース"),
                ("org_contact", "事務局 03-0000-0000"),
            ]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let id = hq
        .store()
        .create_survey(&Actor::cli(), None, Audience::Teachers, Utc::now())
        .unwrap();
    let a = hq
        .post_form(
            &format!("/surveys/{id}/deadline"),
            &cookie,
            &form(&[("csrf", &csrf), ("deadline", "2026-12-20")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let survey = hq.store().survey(id).unwrap();
    assert!(survey.questions[0].required && !survey.questions[1].required);
    let link = hq.store().survey_links(id).unwrap().remove(0);
    assert_eq!(link.token.len(), 10, "short enough to type from paper");

    let page = hq.get(&format!("/s/{}", link.token), None).await.text();
    // Typed from the flyer in lower case, with a zero for an O and a one for an I: found.
    let typed = link
        .token
        .to_ascii_lowercase()
        .replace('o', "0")
        .replace('i', "1");
    assert_eq!(
        hq.get(&format!("/s/{typed}"), None).await.status,
        StatusCode::OK,
        "{typed}"
    );
    assert!(page.contains("<span class=\"brand\">NPO法人 キャリアベース</span>"));
    assert!(!page.contains("事務局</span>"), "not the server's name");
    assert!(page.contains("2026年12月20日") && page.contains("事務局 03-0000-0000"));
    assert_eq!(page.matches("class=\"required\"").count(), 1);

    // Only the optional questions answered: refused, nothing counted, the choice kept and the
    // required question marked.
    let token = form_token_of(&page);
    let q = |i: usize| format!("q{}", survey.questions[i].id);
    let a = hq
        .post_form(
            &format!("/s/{}", link.token),
            "",
            &form(&[("form_token", &token), (&q(2), "1")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let text = a.text();
    assert!(text.contains("「必須」の質問に回答してから"), "{text}");
    assert!(text.contains("class=\"question missing\""));
    assert!(
        text.contains(&format!("name=\"{}\" value=\"1\" checked", q(2))),
        "{text}"
    );
    assert_eq!(hq.store().survey(id).unwrap().responses, 0);
    // With it, the same form is taken.
    let a = hq
        .post_form(
            &format!("/s/{}", link.token),
            "",
            &form(&[("form_token", &token), (&q(0), "0"), (&q(2), "1")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(hq.store().survey(id).unwrap().responses, 1);

    // The flyer: the short address, the deadline and the contact.
    let flyer = hq
        .get(
            &format!("/surveys/{id}/links/{}/print", link.id),
            Some(&cookie),
        )
        .await
        .text();
    assert!(flyer.contains(&format!("/s/{}</code>", link.token)));
    assert!(flyer.contains("回答期限") && flyer.contains("事務局 03-0000-0000"));

    // Once answered, the questions are shown, not offered for editing.
    let edit = hq
        .get(&format!("/surveys/{id}/edit"), Some(&cookie))
        .await
        .text();
    assert!(edit.contains("data-testid=\"questions-read\""));
    assert!(
        !edit.contains("data-testid=\"questions-form\"")
            && !edit.contains("<input name=\"q0_text\"")
    );
}

#[tokio::test]
async fn closing_a_survey_with_too_few_answers_says_first_that_nothing_will_show() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let id = hq
        .store()
        .create_survey(&Actor::cli(), None, Audience::Supporters, Utc::now())
        .unwrap();
    let link = hq.store().survey_links(id).unwrap().remove(0);
    let q0 = format!("q{}", hq.store().survey(id).unwrap().questions[0].id);
    for _ in 0..3 {
        answer(&hq, &link.token, &[(&q0, "0")]).await;
    }
    let ask = hq
        .post_form(
            &format!("/surveys/{id}/close"),
            &cookie,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    let text = ask.text();
    assert!(
        text.contains("data-testid=\"confirm-too-few\"")
            && text.contains("締め切っても集計と自由記述は表示されません"),
        "{text}"
    );
    assert!(!text.contains("集計と自由記述が見られるようになります"));
    assert!(hq.store().survey(id).unwrap().closed_at.is_none());
}
