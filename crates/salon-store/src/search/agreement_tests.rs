//! Search against many generated notes: every plan agrees with a brute-force reading of the
//! same notes, and Japanese is found however it was typed (full- or half-width, kana).

use chrono::{NaiveDate, NaiveTime};
use rusqlite::params;
use salon_core::{SessionOpen, VisitInput};

use super::*;
use crate::vault::tests::{campus_input, fresh_store};

use super::tests::{ids, text};

/// A few thousand notes from a small vocabulary: every count equals a plain `contains` over
/// the same notes, for short and long terms, alone, combined and under filters.
#[test]
fn thousands_of_generated_notes_agree_with_brute_force() {
    const WORDS: &[&str] = &[
        "面接",
        "履歴書",
        "パン屋",
        "アルバイト",
        "進学",
        "家族",
        "体調",
        "友達",
        "親",
        "大学",
        "専門学校",
        "オープンキャンパス",
        "求人票",
        "志望動機",
        "不安",
        "担任",
        "バイト",
        "コンビニ",
        "部活",
        "レポート",
        "スクーリング",
        "将来",
        "就職",
        "相談",
        "の",
        "が",
        "を",
        "に",
        "と",
        "。",
        "、",
        "SPI",
        // As input methods and pasted forms write them.
        "ｱﾙﾊﾞｲﾄ",
        "ばいと",
        "ＳＰＩ",
        "２年生",
        "Excel",
        "ｅｘｃｅｌ",
        "トト",
    ];
    let (_dir, mut store) = fresh_store();
    let campuses: Vec<i64> = (0..3)
        .map(|i| {
            store
                .save_campus(&campus_input(&format!("校舎{i}"), 2))
                .unwrap()
                .id
        })
        .collect();
    // A small deterministic generator (xorshift), so the notes are the same every run.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    struct Gen {
        note: String,
        next_steps: String,
        summary: String,
        campus: i64,
        date: String,
        concern: bool,
    }
    let mut generated = Vec::new();
    let tx = store.conn.transaction().unwrap();
    for (ci, campus) in campuses.iter().enumerate() {
        for d in 0..20 {
            let date = format!("2024-{:02}-{:02}", 9 + d / 5, 1 + (d % 5) * 5 + ci);
            tx.execute(
                "INSERT INTO salon_session (campus_id, date, opened_at, format)
                 VALUES (?1, ?2, '13:00', 'in_person')",
                params![campus, date],
            )
            .unwrap();
            let session = tx.last_insert_rowid();
            for _ in 0..50 {
                let mut words = |max: usize| {
                    let n = next(max + 1);
                    (0..n).map(|_| WORDS[next(WORDS.len())]).collect::<String>()
                };
                let g = Gen {
                    note: words(30),
                    next_steps: words(6),
                    summary: words(4),
                    campus: *campus,
                    date: date.clone(),
                    concern: next(10) == 0,
                };
                tx.execute(
                    "INSERT INTO visit (session_id, route, minutes, note, next_steps,
                        concern, teacher_summary, created_at, updated_at)
                     VALUES (?1, 'self', 30, ?2, ?3, ?4, ?5, 'x', 'x')",
                    params![session, g.note, g.next_steps, g.concern, g.summary],
                )
                .unwrap();
                tx.execute(
                    "INSERT INTO visit_topic (visit_id, topic) VALUES (?1, 'other')",
                    [tx.last_insert_rowid()],
                )
                .unwrap();
                generated.push(g);
            }
        }
    }
    tx.commit().unwrap();
    assert_eq!(generated.len(), 3_000);

    let has = |g: &Gen, term: &str| {
        let term = reference_fold(term);
        [&g.note, &g.next_steps, &g.summary]
            .iter()
            .any(|f| reference_fold(f).contains(&term))
    };
    let queries = [
        "面接",
        "親",
        "の",
        "履歴書",
        "アルバイト",
        "パン屋のアルバイト",
        "面接の",
        "専門学校",
        "オープンキャンパス",
        "志望動機が不安",
        "家族 体調",
        "親 進学",
        "面接 履歴書 友達",
        "バイト",
        "spi",
        "SPIの",
        "校舎",
        "。、",
        "とと",
        "ばいと",
        "ﾊﾞｲﾄ",
        "2年生",
        "EXCEL",
        "ｓｐｉ",
    ];
    for q in queries {
        let terms: Vec<&str> = q.split_whitespace().collect();
        let want = generated
            .iter()
            .filter(|g| terms.iter().all(|t| has(g, t)))
            .count() as i64;
        let mut whole = text(q);
        whole.count_all = true;
        let page = store.search(&whole).unwrap();
        assert_eq!(
            (page.total, page.total_capped),
            (want, false),
            "query {q:?}"
        );
        // Counted to the cap only, the first page is the same.
        let capped = store.search(&text(q)).unwrap();
        assert_eq!(capped.total, want.min(SEARCH_COUNT_CAP), "query {q:?}");
        assert_eq!(capped.total_capped, want > SEARCH_COUNT_CAP, "query {q:?}");
        assert_eq!(ids(&capped), ids(&page), "query {q:?}");
        // Every hit on the page shows each term marked somewhere.
        for hit in &page.hits {
            for term in &terms {
                let shown = hit
                    .snippets
                    .iter()
                    .flat_map(|s| &s.segments)
                    .any(|s| s.hit && reference_fold(&s.text).contains(&reference_fold(term)));
                assert!(shown, "query {q:?}: {term} not marked in {}", hit.visit_id);
            }
        }
        let mut filtered = text(q);
        filtered.campus_id = Some(campuses[1]);
        filtered.concern_only = true;
        filtered.from = Some("2024-10-01".into());
        let want = generated
            .iter()
            .filter(|g| g.campus == campuses[1] && g.concern && g.date.as_str() >= "2024-10-01")
            .filter(|g| terms.iter().all(|t| has(g, t)))
            .count() as i64;
        // Both plans (the index then the filters; a scan of what the filters leave) agree.
        for plan in [Some(true), Some(false), None] {
            let found = store.search_planned(&filtered, plan).unwrap();
            assert_eq!(found.total, want, "filtered {q:?}, plan {plan:?}");
        }
        let both = |plan| ids(&store.search_planned(&filtered, plan).unwrap());
        assert_eq!(both(Some(true)), both(Some(false)), "same page, {q:?}");
    }
}

/// The folding a person expects, written out here independently of `salon_core::fold` for the
/// characters the generated notes use: half-width katakana (with ﾞ ﾟ), full-width ASCII, ASCII
/// case, and katakana as hiragana, each from a table typed in this test.
fn reference_fold(text: &str) -> String {
    const HALF: &str = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｯｬｭｮｰ";
    const FULL: &str = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォッャュョー";
    const VOICED: &[(&str, &str)] = &[
        ("ｶﾞ", "ガ"),
        ("ｷﾞ", "ギ"),
        ("ｸﾞ", "グ"),
        ("ｹﾞ", "ゲ"),
        ("ｺﾞ", "ゴ"),
        ("ｻﾞ", "ザ"),
        ("ｼﾞ", "ジ"),
        ("ｽﾞ", "ズ"),
        ("ｾﾞ", "ゼ"),
        ("ｿﾞ", "ゾ"),
        ("ﾀﾞ", "ダ"),
        ("ﾁﾞ", "ヂ"),
        ("ﾂﾞ", "ヅ"),
        ("ﾃﾞ", "デ"),
        ("ﾄﾞ", "ド"),
        ("ﾊﾞ", "バ"),
        ("ﾋﾞ", "ビ"),
        ("ﾌﾞ", "ブ"),
        ("ﾍﾞ", "ベ"),
        ("ﾎﾞ", "ボ"),
        ("ﾊﾟ", "パ"),
        ("ﾋﾟ", "ピ"),
        ("ﾌﾟ", "プ"),
        ("ﾍﾟ", "ペ"),
        ("ﾎﾟ", "ポ"),
        ("ｳﾞ", "ヴ"),
    ];
    const KATA: &str = "ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶ";
    const HIRA: &str = "ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖ";
    assert_eq!(HALF.chars().count(), FULL.chars().count());
    assert_eq!(KATA.chars().count(), HIRA.chars().count());
    let mut t = text.to_owned();
    for (half, full) in VOICED {
        t = t.replace(half, full);
    }
    t.chars()
        .map(|c| match HALF.chars().position(|h| h == c) {
            Some(i) => FULL.chars().nth(i).unwrap(),
            None => c,
        })
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
            c => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .map(|c| match KATA.chars().position(|k| k == c) {
            Some(i) => HIRA.chars().nth(i).unwrap(),
            None => c,
        })
        .collect()
}

#[test]
fn japanese_is_found_however_it_was_typed_and_marked_where_it_was_written() {
    let (_dir, mut store) = fresh_store();
    let campus = store.save_campus(&campus_input("柏", 2)).unwrap();
    let open = SessionOpen {
        campus_id: campus.id,
        format: "in_person".into(),
        place: String::new(),
    };
    let day = NaiveDate::from_ymd_opt(2025, 2, 25).unwrap();
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let session = store.open_session(&open, day, t(10)).unwrap();
    let notes = [
        "２年生でＳＰＩの勉強を始めた",
        "ｱﾙﾊﾞｲﾄの面接に受かった",
        "Excelの資格を取りたい",
        "コンビニのバイトを辞めたい",
    ];
    let ids: Vec<i64> = notes
        .iter()
        .map(|note| {
            let input = VisitInput {
                id: None,
                session_id: session.id,
                student_id: None,
                new_student: None,
                route: "self".into(),
                topics: vec!["other".into()],
                minutes: 20,
                note: (*note).into(),
                next_steps: String::new(),
                follow_up_on: None,
                concern: false,
                teacher_summary: String::new(),
            };
            store.save_visit(&input, None).unwrap().id
        })
        .collect();
    // What a person would say each query finds (by note, as numbered above).
    for (query, expected, marked) in [
        ("2年生", vec![0], "２年生"),
        ("SPI", vec![0], "ＳＰＩ"),
        ("spi", vec![0], "ＳＰＩ"),
        ("アルバイト", vec![1], "ｱﾙﾊﾞｲﾄ"),
        ("ｅｘｃｅｌ", vec![2], "Excel"),
        ("EXCEL", vec![2], "Excel"),
        ("バイト", vec![1, 3], ""),
        ("ばいと", vec![1, 3], ""),
        ("ﾊﾞｲﾄ", vec![1, 3], ""),
        ("面接", vec![1], "面接"),
        ("受かった", vec![1], "受かった"),
        ("ハイト", vec![], ""),
    ] {
        for plan in [Some(true), Some(false)] {
            let page = store.search_planned(&text(query), plan).unwrap();
            let mut found: Vec<usize> = page
                .hits
                .iter()
                .map(|h| ids.iter().position(|id| *id == h.visit_id).unwrap())
                .collect();
            found.sort_unstable();
            assert_eq!(found, expected, "{query:?} ({plan:?})");
            if !marked.is_empty() {
                let hits: Vec<&str> = page.hits[0]
                    .snippets
                    .iter()
                    .flat_map(|s| &s.segments)
                    .filter(|s| s.hit)
                    .map(|s| s.text.as_str())
                    .collect();
                assert_eq!(
                    hits,
                    vec![marked],
                    "{query:?}: the original characters are marked"
                );
            }
        }
    }
    // The index still agrees with its content (the folding view).
    store
        .conn
        .execute_batch("INSERT INTO visit_fts (visit_fts) VALUES ('integrity-check');")
        .unwrap();
}
