//! Search against a real encrypted store: plans agree, operators are literal, highlights.

use chrono::{NaiveDate, NaiveTime};
use salon_core::{NewStudent, SessionOpen, VisitInput};

use super::snippets::{SNIPPET_BEFORE, SNIPPET_CHARS};
use super::*;
use crate::vault::tests::{campus_input, fresh_store, student_input};
use crate::StoreError;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn salon(store: &mut Store, campus_id: i64, date: &str) -> i64 {
    let open = SessionOpen {
        campus_id,
        format: "in_person".into(),
        place: String::new(),
    };
    let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
    store.open_session(&open, day(date), ten).unwrap().id
}

fn visit(session_id: i64, note: &str) -> VisitInput {
    VisitInput {
        id: None,
        session_id,
        student_id: None,
        new_student: None,
        route: "self".into(),
        topics: vec!["other".into()],
        minutes: 30,
        note: note.into(),
        next_steps: String::new(),
        follow_up_on: None,
        concern: false,
        teacher_summary: String::new(),
    }
}

pub(super) fn text(t: &str) -> SearchQuery {
    SearchQuery {
        text: t.into(),
        ..SearchQuery::default()
    }
}

pub(super) fn ids(page: &SearchPage) -> Vec<i64> {
    page.hits.iter().map(|h| h.visit_id).collect()
}

/// The snippet of a hit as text with the hits in 【】, for readable assertions.
fn marked(snippet: &Snippet) -> String {
    snippet
        .segments
        .iter()
        .map(|s| {
            if s.hit {
                format!("【{}】", s.text)
            } else {
                s.text.clone()
            }
        })
        .collect()
}

#[test]
fn the_bundled_sqlcipher_has_fts5_with_trigrams() {
    let (_dir, store) = fresh_store();
    let version: String = store
        .conn
        .query_row("SELECT sqlite_version()", [], |r| r.get(0))
        .unwrap();
    assert!(
        version.as_str() >= "3.34",
        "trigram needs 3.34+, got {version}"
    );
    store
        .conn
        .execute_batch(
            "CREATE VIRTUAL TABLE temp.scratch USING fts5(x, tokenize='trigram');
             INSERT INTO temp.scratch (x) VALUES ('パン屋のアルバイト');",
        )
        .unwrap();
    let n: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM temp.scratch WHERE scratch MATCH '\"ン屋のア\"'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_japanese_phrase_is_found_inside_a_longer_note_and_marked() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏キャンパス", 2)).unwrap();
    let s = salon(&mut store, campus.id, "2024-10-08");
    let mut input = visit(
        s,
        "十月の相談。パン屋のアルバイトの面接を来週受けるので、志望動機を一緒に考えた。",
    );
    input.new_student = Some(NewStudent {
        display_name: "はるか".into(),
        grade: Some(3),
    });
    input.topics = vec!["part_time".into(), "application_prep".into()];
    input.next_steps = "面接の練習をもう一度".into();
    let bakery = store.save_visit(&input, None).unwrap();
    store
        .save_visit(
            &visit(s, "進学の相談。オープンキャンパスの日程を確認。"),
            None,
        )
        .unwrap();

    let page = store.search(&text("パン屋のアルバイト")).unwrap();
    assert_eq!((page.total, ids(&page)), (1, vec![bakery.id]));
    let hit = &page.hits[0];
    assert_eq!(hit.student_name.as_deref(), Some("はるか"));
    assert_eq!(hit.campus_name, "柏キャンパス");
    assert_eq!(hit.date, day("2024-10-08"));
    assert_eq!(hit.topics, vec![Topic::ApplicationPrep, Topic::PartTime]);
    assert_eq!(hit.snippets.len(), 1);
    assert_eq!(hit.snippets[0].field, "note");
    assert_eq!(
        marked(&hit.snippets[0]),
        "十月の相談。【パン屋のアルバイト】の面接を来週受けるので、志望動機を一緒に考えた。"
    );

    // Two terms: both must appear, in any field; each is marked where it is.
    let page = store.search(&text("アルバイト　面接の練習")).unwrap();
    assert_eq!(ids(&page), vec![bakery.id]);
    let snippets = &page.hits[0].snippets;
    assert_eq!(
        snippets.iter().map(|s| s.field).collect::<Vec<_>>(),
        ["note", "nextSteps"]
    );
    assert_eq!(marked(&snippets[1]), "【面接の練習】をもう一度");
    assert!(store
        .search(&text("アルバイト 大学"))
        .unwrap()
        .hits
        .is_empty());
    assert!(store.search(&text("パン屋の就職")).unwrap().hits.is_empty());
}

#[test]
fn one_and_two_character_terms_are_found_too() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s = salon(&mut store, campus.id, "2025-01-14");
    let parent = store
        .save_visit(&visit(s, "親と進路の話をしたい。"), None)
        .unwrap();
    let interview = store
        .save_visit(&visit(s, "来週、面接がある。"), None)
        .unwrap();
    let mut in_summary = visit(s, "");
    in_summary.teacher_summary = "面接練習を担任と共有".into();
    let summary = store.save_visit(&in_summary, None).unwrap();
    let ascii = store
        .save_visit(&visit(s, "Webで求人を探す。SPI対策。"), None)
        .unwrap();

    assert_eq!(ids(&store.search(&text("親")).unwrap()), vec![parent.id]);
    assert_eq!(
        ids(&store.search(&text("面接")).unwrap()),
        vec![summary.id, interview.id]
    );
    let page = store.search(&text("面接")).unwrap();
    assert_eq!(page.hits[0].snippets[0].field, "teacherSummary");
    assert_eq!(
        marked(&page.hits[0].snippets[0]),
        "【面接】練習を担任と共有"
    );
    // ASCII letters match in either case, in the scan and in the index.
    assert_eq!(ids(&store.search(&text("we")).unwrap()), vec![ascii.id]);
    assert_eq!(
        ids(&store.search(&text("spi対策")).unwrap()),
        vec![ascii.id]
    );
    assert_eq!(
        marked(&store.search(&text("spi")).unwrap().hits[0].snippets[0]),
        "Webで求人を探す。【SPI】対策。"
    );
    // Mixed: a short and a long term.
    assert_eq!(
        ids(&store.search(&text("親 進路の話")).unwrap()),
        vec![parent.id]
    );
    assert!(store.search(&text("親 面接")).unwrap().hits.is_empty());
}

#[test]
fn fts_operators_and_like_wildcards_in_the_text_are_literal() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s = salon(&mut store, campus.id, "2025-01-14");
    let quoted = store
        .save_visit(&visit(s, "本人いわく\"面接\"は苦手"), None)
        .unwrap();
    let near = store
        .save_visit(&visit(s, "メモ: NEAR(面接 履歴書) OR 進学*"), None)
        .unwrap();
    let percent = store
        .save_visit(&visit(s, "出席率は80%_以上"), None)
        .unwrap();
    store
        .save_visit(&visit(s, "面接 履歴書 進学 出席率80"), None)
        .unwrap();

    for (q, want) in [
        ("\"面接\"", vec![quoted.id]),
        ("\"", vec![quoted.id]),
        ("\"面接", vec![quoted.id]),
        ("NEAR(面接", vec![near.id]),
        ("NEAR(", vec![near.id]),
        ("OR", vec![near.id]),
        ("OR 進学*", vec![near.id]),
        ("進学*", vec![near.id]),
        ("*", vec![near.id]),
        ("履歴書)", vec![near.id]),
        ("%", vec![percent.id]),
        ("%_", vec![percent.id]),
        ("_", vec![percent.id]),
        ("80%", vec![percent.id]),
        ("AND", vec![]),
        ("NOT 面接", vec![]),
        ("面接 -履歴書", vec![]),
        ("\\", vec![]),
    ] {
        assert_eq!(ids(&store.search(&text(q)).unwrap()), want, "query {q:?}");
    }
}

#[test]
fn each_filter_narrows_the_results() {
    let (_dir, mut store) = fresh_store();
    let kashiwa = store.save_campus(&campus_input("柏", 2)).unwrap();
    let chiba = store.save_campus(&campus_input("千葉", 3)).unwrap();
    let haruka = store
        .save_student(&student_input(kashiwa.id, "はるか"))
        .unwrap();
    let s_oct = salon(&mut store, kashiwa.id, "2024-10-08");
    let s_nov = salon(&mut store, kashiwa.id, "2024-11-12");
    let s_chiba = salon(&mut store, chiba.id, "2024-11-13");

    let mut a = visit(s_oct, "面接の相談 A");
    a.student_id = Some(haruka.id);
    a.topics = vec!["part_time".into()];
    let a = store.save_visit(&a, None).unwrap();
    let mut b = visit(s_nov, "面接の相談 B");
    b.concern = true;
    let b = store.save_visit(&b, None).unwrap();
    let mut c = visit(s_chiba, "面接の相談 C");
    c.follow_up_on = Some("2024-12-01".into());
    c.topics = vec!["part_time".into(), "family".into()];
    let c = store.save_visit(&c, None).unwrap();
    let d = store
        .save_visit(&visit(s_chiba, "進学の話 D"), None)
        .unwrap();

    let found = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = text("面接の相談");
        f(&mut q);
        ids(&store.search(&q).unwrap())
    };
    assert_eq!(found(&|_| {}), vec![c.id, b.id, a.id]);
    assert_eq!(found(&|q| q.campus_id = Some(kashiwa.id)), vec![b.id, a.id]);
    assert_eq!(found(&|q| q.campus_id = Some(chiba.id)), vec![c.id]);
    assert_eq!(found(&|q| q.student_id = Some(haruka.id)), vec![a.id]);
    assert_eq!(
        found(&|q| q.from = Some("2024-11-01".into())),
        vec![c.id, b.id]
    );
    assert_eq!(
        found(&|q| q.to = Some("2024-11-12".into())),
        vec![b.id, a.id]
    );
    assert_eq!(
        found(&|q| {
            q.from = Some("2024-11-12".into());
            q.to = Some("2024-11-12".into());
        }),
        vec![b.id]
    );
    assert_eq!(
        found(&|q| q.topic = Some("part_time".into())),
        vec![c.id, a.id]
    );
    assert_eq!(found(&|q| q.topic = Some("family".into())), vec![c.id]);
    assert_eq!(found(&|q| q.concern_only = true), vec![b.id]);
    assert_eq!(found(&|q| q.follow_up_only = true), vec![c.id]);
    let found = |query: SearchQuery| ids(&store.search(&query).unwrap());
    // The same filters hold on the scan of a short term, and with no text at all.
    let mut short = text("面接");
    short.campus_id = Some(chiba.id);
    assert_eq!(found(short), vec![c.id]);
    let mut all_chiba = text("");
    all_chiba.campus_id = Some(chiba.id);
    assert_eq!(found(all_chiba.clone()), vec![d.id, c.id]);
    all_chiba.topic = Some("family".into());
    assert_eq!(found(all_chiba), vec![c.id]);
}

#[test]
fn an_empty_query_lists_visits_newest_first_with_the_start_of_the_note() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s1 = salon(&mut store, campus.id, "2024-09-03");
    let s2 = salon(&mut store, campus.id, "2025-02-25");
    let long = store
        .save_visit(&visit(s1, &"あ".repeat(300)), None)
        .unwrap();
    let mut summary_only = visit(s2, "");
    summary_only.teacher_summary = "共有メモだけ".into();
    let summary_only = store.save_visit(&summary_only, None).unwrap();
    let blank = store.save_visit(&visit(s2, " "), None).unwrap();

    let page = store.search(&text("  ")).unwrap();
    assert_eq!(ids(&page), vec![blank.id, summary_only.id, long.id]);
    assert!(page.hits[0].snippets.is_empty());
    assert_eq!(page.hits[0].student_name, None);
    assert_eq!(page.hits[1].snippets[0].field, "teacherSummary");
    let start = &page.hits[2].snippets[0];
    assert_eq!(marked(start), "あ".repeat(SNIPPET_CHARS));
    assert!(!start.cut_before && start.cut_after);
}

#[test]
fn a_hit_deep_in_a_long_note_is_cut_around() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s = salon(&mut store, campus.id, "2025-02-25");
    let note = format!("{}パン屋{}", "あ".repeat(500), "い".repeat(500));
    store.save_visit(&visit(s, &note), None).unwrap();
    let snippet = &store.search(&text("パン屋")).unwrap().hits[0].snippets[0];
    assert_eq!(
        marked(snippet),
        format!(
            "{}【パン屋】{}",
            "あ".repeat(SNIPPET_BEFORE),
            "い".repeat(SNIPPET_CHARS - SNIPPET_BEFORE - 3)
        )
    );
    assert!(snippet.cut_before && snippet.cut_after);
}

#[test]
fn edits_and_deletes_of_visits_update_the_index() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s = salon(&mut store, campus.id, "2025-02-25");
    let v = store
        .save_visit(&visit(s, "パン屋のアルバイト"), None)
        .unwrap();
    assert_eq!(store.search(&text("パン屋の")).unwrap().total, 1);

    let mut fix = visit(s, "コンビニのアルバイト");
    fix.id = Some(v.id);
    fix.teacher_summary = "シフトの相談を共有".into();
    store.save_visit(&fix, None).unwrap();
    assert_eq!(store.search(&text("パン屋の")).unwrap().total, 0);
    assert_eq!(store.search(&text("パン")).unwrap().total, 0);
    assert_eq!(ids(&store.search(&text("コンビニ")).unwrap()), vec![v.id]);
    assert_eq!(
        ids(&store.search(&text("シフトの相談")).unwrap()),
        vec![v.id]
    );

    store
        .conn
        .execute("DELETE FROM visit WHERE id = ?1", [v.id])
        .unwrap();
    assert_eq!(store.search(&text("コンビニ")).unwrap().total, 0);
    assert_eq!(store.search(&text("シフトの相談")).unwrap().total, 0);
    // The index agrees with its content table (FTS5's own consistency check).
    store
        .conn
        .execute_batch("INSERT INTO visit_fts (visit_fts) VALUES ('integrity-check');")
        .unwrap();
}

#[test]
fn results_come_in_pages_with_the_total() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let s = salon(&mut store, campus.id, "2025-02-25");
    let mut logged = Vec::new();
    for i in 0..7 {
        logged.push(
            store
                .save_visit(&visit(s, &format!("面接の練習 {i}回目")), None)
                .unwrap()
                .id,
        );
    }
    logged.reverse(); // newest first
    let page = |offset, limit| {
        let mut q = text("面接の練習");
        q.offset = Some(offset);
        q.limit = Some(limit);
        store.search(&q).unwrap()
    };
    let first = page(0, 3);
    assert_eq!((first.total, first.offset, first.limit), (7, 0, 3));
    assert_eq!(ids(&first), logged[0..3]);
    assert_eq!(ids(&page(3, 3)), logged[3..6]);
    assert_eq!(ids(&page(6, 3)), logged[6..7]);
    let beyond = page(9, 3);
    assert_eq!((beyond.total, beyond.hits.len()), (7, 0));
    assert_eq!(
        store.search(&text("面接")).unwrap().limit,
        SEARCH_PAGE_DEFAULT
    );
}

#[test]
fn bad_queries_are_refused() {
    let (_dir, store) = fresh_store();
    type Spoiler = (fn(&mut SearchQuery), &'static str);
    let spoilers: Vec<Spoiler> = vec![
        (|q| q.text = "長".repeat(SEARCH_TEXT_MAX + 1), "text"),
        (|q| q.from = Some("2025-02-30".into()), "from"),
        (|q| q.to = Some("昨日".into()), "to"),
        (|q| q.topic = Some("bakery".into()), "topic"),
        (|q| q.limit = Some(0), "limit"),
        (|q| q.limit = Some(SEARCH_PAGE_MAX + 1), "limit"),
        (|q| q.offset = Some(-1), "offset"),
    ];
    for (spoil, field) in spoilers {
        let mut q = text("面接");
        spoil(&mut q);
        match store.search(&q) {
            Err(StoreError::Invalid(e)) => assert_eq!(e.field(), field),
            other => panic!("{field}: {other:?}"),
        }
    }
    let mut fine = text(&"長".repeat(SEARCH_TEXT_MAX));
    fine.from = Some(" ".into());
    fine.topic = Some(String::new());
    assert_eq!(store.search(&fine).unwrap().total, 0);
}
