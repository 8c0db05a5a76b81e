//! Surveys attacked as a curious headquarters would: tying comments to a campus and a minute,
//! differencing results before and after one answer, subtracting the campuses shown from the
//! whole, and filling the database by opening forms. Through the real router and database.

mod common;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use common::*;
use salon_hq_store::surveys::Audience;
use salon_hq_store::Actor;
use salon_hq_web::Clock;

fn t0() -> DateTime<Utc> {
    // 2026-11-10 09:00 in Tokyo.
    DateTime::from_timestamp(1_794_268_800, 0).unwrap()
}

/// The hidden form field that carries the form's token (or, before, its nonce).
fn form_field(page: &str) -> (String, String) {
    for name in ["form_token", "nonce"] {
        let field = format!("name=\"{name}\" value=\"");
        if let Some(at) = page.find(&field) {
            let at = at + field.len();
            let len = page[at..].find('"').unwrap();
            return (name.to_owned(), page[at..at + len].to_owned());
        }
    }
    panic!("no form token: {page}");
}

/// One teacher's answer through a link, as a browser sends it.
async fn answer(hq: &Hq, link: &str, pairs: &[(&str, &str)]) -> StatusCode {
    let page = hq.get(&format!("/s/{link}"), None).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let (name, value) = form_field(&page.text());
    let mut all = vec![(name.as_str(), value.as_str())];
    all.extend_from_slice(pairs);
    hq.post_form(&format!("/s/{link}"), "", &form(&all))
        .await
        .status
}

struct Survey {
    id: i64,
    links: BTreeMap<String, String>,
    q: Vec<String>,
}

async fn teachers_survey(hq: &Hq) -> Survey {
    hq.store()
        .add_campus(&Actor::cli(), &campus("C-014"), "松戸キャンパス", t0())
        .unwrap();
    let id = hq
        .store()
        .create_survey(&Actor::cli(), None, Audience::Teachers, t0())
        .unwrap();
    let survey = hq.store().survey(id).unwrap();
    let links = hq
        .store()
        .survey_links(id)
        .unwrap()
        .into_iter()
        .map(|l| (l.campus_code.unwrap(), l.token))
        .collect();
    let q = survey
        .questions
        .iter()
        .map(|q| format!("q{}", q.id))
        .collect();
    Survey { id, links, q }
}

/// Closes the survey as an office worker does (asked once more, then confirmed).
async fn close(hq: &Hq, cookie: &str, csrf: &str, id: i64) {
    let a = hq
        .post_form(
            &format!("/surveys/{id}/close"),
            cookie,
            &format!("csrf={csrf}&confirmed=1"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
}

/// Every `HH:MM` on a page.
fn times_on(page: &str) -> Vec<String> {
    let b = page.as_bytes();
    (0..b.len().saturating_sub(4))
        .filter(|&i| {
            b[i].is_ascii_digit()
                && b[i + 1].is_ascii_digit()
                && b[i + 2] == b':'
                && b[i + 3].is_ascii_digit()
                && b[i + 4].is_ascii_digit()
                && (i == 0 || !b[i - 1].is_ascii_digit())
        })
        .map(|i| page[i..i + 5].to_owned())
        .collect()
}

/// The id in each comment's 「報告に載せる」 form, in page order.
fn comment_ids(page: &str) -> Vec<String> {
    page.match_indices("/comments/")
        .map(|(at, m)| {
            let rest = &page[at + m.len()..];
            rest[..rest.find('/').unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_comment_cannot_be_tied_to_its_campus_and_minute() {
    let hq = Hq::with_clock(Clock::manual(t0()));
    let s = teachers_survey(&hq).await;
    // The lines the server writes of itself about its audit chain carry the machine's own
    // clock, not the test's: whatever minute the test runs at is on the log before anyone
    // answers, and is no answer's.
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let before_answers = times_on(&hq.get("/audit", Some(&cookie)).await.text());
    // Twelve teachers, one every 37 minutes, in turn through three campuses' links; each
    // leaves a comment that says when and where it came from (for the test's eyes only).
    let campuses = ["C-012", "C-013", "C-014"];
    let mut sent = Vec::new();
    hq.state.clock.advance(Duration::minutes(13));
    for i in 0..12 {
        let code = campuses[i % 3];
        let comment = format!("声{i:02}");
        let status = answer(&hq, &s.links[code], &[(&s.q[0], "0"), (&s.q[4], &comment)]).await;
        assert_eq!(status, StatusCode::OK);
        sent.push((hq.state.now(), code, comment));
        hq.state.clock.advance(Duration::minutes(37));
    }
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    close(&hq, &cookie, &csrf, s.id).await;

    // Everything an admin can open about the survey.
    let mut pages = String::new();
    for path in [
        format!("/surveys/{}", s.id),
        format!("/surveys/{}/links", s.id),
        format!("/surveys/{}/comments.csv", s.id),
        "/surveys".to_owned(),
        "/audit".to_owned(),
    ] {
        let a = hq.get(&path, Some(&cookie)).await;
        assert_eq!(a.status, StatusCode::OK, "{path}");
        pages.push_str(&a.text());
    }
    let results = hq
        .get(&format!("/surveys/{}", s.id), Some(&cookie))
        .await
        .text();
    let ids = comment_ids(&results);
    assert_eq!(ids.len(), 12, "every comment can be chosen for the report");

    // The attack that worked before: sort the comments' ids and pair them off with the answer
    // times shown beside their campus links. No answer's minute is shown anywhere…
    let mut by_id: Vec<(String, usize)> = ids.iter().cloned().zip(0..).collect();
    by_id.sort_by(|a, b| match (a.0.parse::<i64>(), b.0.parse::<i64>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.0.cmp(&b.0),
    });
    let page_comments: Vec<&str> = results
        .match_indices("声")
        .map(|(at, _)| &results[at..at + "声00".len()])
        .collect();
    let times: Vec<String> = times_on(&pages)
        .into_iter()
        .filter(|t| !before_answers.contains(t))
        .collect();
    // The times that remain are the admins' own actions (操作記録), none an answer's.
    let minute = |at: &DateTime<Utc>| {
        at.with_timezone(&salon_hq_store::tokyo::ZONE)
            .format("%H:%M")
            .to_string()
    };
    let answer_times: Vec<String> = sent.iter().map(|(at, _, _)| minute(at)).collect();
    assert!(
        times.iter().all(|t| !answer_times.contains(t)),
        "an answer's time is shown: {times:?}"
    );

    // …nor does the order of the ids follow arrival (12! orders; sorted by chance once in
    // 479 million runs).
    let order: Vec<usize> = by_id
        .iter()
        .map(|(_, pos)| {
            let comment = page_comments[*pos];
            sent.iter().position(|(_, _, c)| c == comment).unwrap()
        })
        .collect();
    assert!(
        order != (0..12).collect::<Vec<_>>() && order != (0..12).rev().collect::<Vec<_>>(),
        "the ids follow arrival: {order:?}"
    );

    // The database file itself: answers keep their day, not their time, and their row order
    // does not follow arrival either.
    let db = rusqlite::Connection::open(hq.dir.path().join("hq.db")).unwrap();
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('survey_responses')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(columns, ["id", "link_id", "answered_on"]);
    // Comments are kept apart from their answers: no link, no day, no response.
    let comment_columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('survey_comments')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(comment_columns, ["id", "question_id", "text", "featured"]);
    // Read in the table's own order (no rowid follows arrival: the tables have none, or a
    // random one).
    let stored: Vec<String> = db
        .prepare("SELECT text FROM survey_comments")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let arrival: Vec<String> = sent.iter().map(|(_, _, c)| c.clone()).collect();
    assert_ne!(stored, arrival, "rows in the order they came");
    for table in ["survey_choices", "survey_comments", "survey_sent_forms"] {
        assert!(
            db.prepare(&format!("SELECT rowid FROM {table}")).is_err(),
            "{table} has a rowid that counts rows as they came"
        );
    }
}

/// Every "N件（P%）" on a page, in order.
fn counts_on(page: &str) -> Vec<String> {
    page.match_indices("件（")
        .map(|(at, _)| {
            let start = page[..at]
                .rfind(|c: char| !c.is_ascii_digit())
                .map_or(0, |i| i + 1);
            let end = at + page[at..].find('）').unwrap();
            page[start..end].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn results_before_and_after_one_answer_do_not_give_it_away() {
    let hq = Hq::with_clock(Clock::manual(t0()));
    let s = teachers_survey(&hq).await;
    for i in 0..10 {
        let code = ["C-012", "C-013"][i % 2];
        answer(&hq, &s.links[code], &[(&s.q[0], "1")]).await;
    }
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let path = format!("/surveys/{}", s.id);
    let before = counts_on(&hq.get(&path, Some(&cookie)).await.text());
    // One teacher at 松戸 answers 「不満」.
    answer(&hq, &s.links["C-014"], &[(&s.q[0], "4")]).await;
    let after = counts_on(&hq.get(&path, Some(&cookie)).await.text());
    assert_eq!(before, after, "the difference is that teacher's answer");
    assert!(
        after.is_empty(),
        "no counts while the survey is open: {after:?}"
    );

    // Once closed, the results are shown and stay as they are: the survey does not reopen, so
    // no later answer can be set against them.
    close(&hq, &cookie, &csrf, s.id).await;
    let closed = counts_on(&hq.get(&path, Some(&cookie)).await.text());
    assert!(!closed.is_empty());
    let reopen = hq
        .post_form(
            &format!("/surveys/{}/reopen", s.id),
            &cookie,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(reopen.status, StatusCode::CONFLICT);
    assert!(reopen.text().contains("再開できません"));
    let page = hq.get(&format!("/s/{}", s.links["C-012"]), None).await;
    assert_eq!(page.status, StatusCode::GONE);
    assert_eq!(
        closed,
        counts_on(&hq.get(&path, Some(&cookie)).await.text())
    );
}

/// The number answered in each question block of a section of the results page.
fn answered_in(section: &str) -> Vec<u64> {
    section
        .match_indices("回答 ")
        .filter_map(|(at, m)| {
            let rest = &section[at + m.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..]
                .starts_with("件</p>")
                .then(|| digits.parse().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn twenty_one_and_one_give_neither_small_campus_away() {
    let hq = Hq::with_clock(Clock::manual(t0()));
    let s = teachers_survey(&hq).await;
    for _ in 0..20 {
        answer(&hq, &s.links["C-012"], &[(&s.q[0], "0")]).await;
    }
    // The two teachers of the small campuses answer alike: together they are a group of two.
    answer(&hq, &s.links["C-013"], &[(&s.q[0], "4")]).await;
    answer(&hq, &s.links["C-014"], &[(&s.q[0], "4")]).await;
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    close(&hq, &cookie, &csrf, s.id).await;
    let page = hq
        .get(&format!("/surveys/{}", s.id), Some(&cookie))
        .await
        .text();
    // The attack: the whole minus every campus shown is what the others answered.
    let (whole, campuses) = page.split_at(page.find("data-campus").unwrap_or(page.len()));
    let whole = answered_in(whole)[0];
    let shown: u64 = campuses
        .split("data-campus")
        .skip(1)
        .map(|c| answered_in(c).first().copied().unwrap_or(0))
        .sum();
    assert_eq!(whole, 22);
    let rest = whole - shown;
    assert!(
        rest == 0 || rest >= 5,
        "the campuses not shown are {rest} teachers: {page}"
    );
    assert!(
        page.contains("3キャンパスの結果は表示していません"),
        "{page}"
    );
}

/// Rows in every table of the database file.
fn rows(hq: &Hq) -> i64 {
    let db = rusqlite::Connection::open(hq.dir.path().join("hq.db")).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables
        .iter()
        .map(|t| {
            db.query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap()
        })
        .sum()
}

#[tokio::test]
async fn opening_a_form_a_thousand_times_writes_nothing_and_a_forged_token_is_refused() {
    let hq = Hq::new();
    let s = teachers_survey(&hq).await;
    let link = &s.links["C-012"];
    let before = rows(&hq);
    let mut last = String::new();
    for _ in 0..1000 {
        let a = hq.get(&format!("/s/{link}"), None).await;
        assert_eq!(a.status, StatusCode::OK);
        last = a.text();
    }
    assert_eq!(rows(&hq), before, "opening forms added rows");

    // A token for another link, or one altered, is refused; nothing is stored.
    let (name, token) = form_field(&last);
    let other = form_field(
        &hq.get(&format!("/s/{}", s.links["C-013"]), None)
            .await
            .text(),
    )
    .1;
    let mut altered = token.clone().into_bytes();
    altered[5] = if altered[5] == b'A' { b'B' } else { b'A' };
    for forged in [
        other,
        String::from_utf8(altered).unwrap(),
        "forged".to_owned(),
    ] {
        let a = hq
            .post_form(
                &format!("/s/{link}"),
                "",
                &form(&[(&name, &forged), (&s.q[0], "0")]),
            )
            .await;
        assert_eq!(a.status, StatusCode::GONE, "{}", a.text());
    }
    assert_eq!(hq.store().survey(s.id).unwrap().responses, 0);

    // A mistyped link says so (its last character changed, whatever it was). Links are read
    // without regard to case, so the change must differ once upper-cased: 'x' for a link
    // ending in 'X' is the same link.
    let last = if link.to_ascii_uppercase().ends_with('X') {
        'Y'
    } else {
        'X'
    };
    let a = hq
        .get(&format!("/s/{}{last}", &link[..link.len() - 1]), None)
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.text().contains("見つかりません"));
}

#[tokio::test]
async fn one_address_opening_forms_without_end_is_slowed() {
    let hq = Hq::new();
    let s = teachers_survey(&hq).await;
    let open = |ip: &'static str| {
        let mut req = Request::builder()
            .uri(format!("/s/{}", s.links["C-012"]))
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(connect_info(ip));
        hq.send(req)
    };
    for _ in 0..salon_hq_web::throttle::SURVEY_OPENS_PER_PEER.max_failures {
        assert_eq!(open("192.0.2.10").await.status, StatusCode::OK);
    }
    assert_eq!(
        open("192.0.2.10").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        open("192.0.2.11").await.status,
        StatusCode::OK,
        "another staff room"
    );
}
