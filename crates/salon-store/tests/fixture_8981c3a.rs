//! The data folder of the first complete version (commit 8981c3a, schema version 5), written by
//! that version's own code (`tests/fixtures/v1-8981c3a/README.md` says how), opens with this
//! version: every migration runs, nothing is lost, and search answers as it did for what
//! folding does not change, and better for what it does.

use std::path::Path;

use salon_store::{SearchQuery, Vault, LATEST_VERSION};

const PASS: &str = "フィクスチャの合言葉2026";
const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/v1-8981c3a");

/// A copy of the fixture's data folder (the fixture itself is never written).
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for file in ["keys.json", "salon.db"] {
        std::fs::copy(Path::new(FIXTURE).join(file), dir.path().join(file)).unwrap();
    }
    dir
}

fn search(store: &salon_store::Store, text: &str) -> (i64, Vec<i64>) {
    let page = store
        .search(&SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        })
        .unwrap();
    (page.total, page.hits.iter().map(|h| h.visit_id).collect())
}

#[test]
fn the_first_complete_versions_data_opens_migrated_and_whole() {
    let dir = copy();
    let vault = Vault::new(dir.path());
    let store = vault.unlock(PASS).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST_VERSION);
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());

    // Everything written then is there.
    let campuses = store.campuses().unwrap();
    assert_eq!(campuses.len(), 2);
    assert_eq!(campuses[0].hq_code.as_deref(), Some("C-012"));
    assert_eq!(store.students(None, "").unwrap().len(), 4);
    assert!(store.draft("visit:new:99").unwrap().is_some());
    assert!(store.enrolment().unwrap().is_some());
    let (all, _) = search(&store, "");
    assert_eq!(all, 7);

    // Unchanged queries answer as version 8981c3a did (recorded by its own search).
    let recorded =
        std::fs::read_to_string(Path::new(FIXTURE).join("search-at-8981c3a.tsv")).unwrap();
    for line in recorded.lines() {
        let mut cols = line.split('\t');
        let text = cols.next().unwrap();
        let total: i64 = cols.next().unwrap().parse().unwrap();
        let ids: Vec<i64> = cols
            .next()
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        let (now_total, mut now_ids) = search(&store, text);
        let mut then = ids.clone();
        // Folding may add what it did not find then; what it found stays found.
        now_ids.retain(|id| then.contains(id));
        then.sort_unstable();
        let mut kept = now_ids.clone();
        kept.sort_unstable();
        assert_eq!(kept, then, "{text:?}: what 8981c3a found is still found");
        assert!(now_total >= total, "{text:?}");
    }

    // And the written-out cases the folding issue names, which 8981c3a missed.
    for (query, found) in [
        ("2年生", 1),
        ("SPI", 1),
        ("spi", 1),
        ("アルバイト", 2),
        ("ｅｘｃｅｌ", 1),
        ("ばいと", 3),
    ] {
        assert_eq!(search(&store, query).0, found, "{query}");
    }
    drop(store);
    // It opens again as it is now.
    let again = vault.unlock(PASS).unwrap();
    assert_eq!(again.schema_version().unwrap(), LATEST_VERSION);
}
