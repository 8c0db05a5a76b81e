//! `/healthz` and `/readyz` on the real router and database.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::Hq;

async fn get(hq: &Hq, path: &str) -> common::Answer {
    hq.send(Request::get(path).body(Body::empty()).unwrap())
        .await
}

#[tokio::test]
async fn ready_only_while_the_database_holds_every_migration() {
    let hq = Hq::new();
    let alive = get(&hq, "/healthz").await;
    assert_eq!(
        (alive.status, alive.text().as_str()),
        (StatusCode::OK, "ok\n")
    );
    let ready = get(&hq, "/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    let body: serde_json::Value = ready.json();
    let expected = salon_hq_store::MIGRATIONS.len();
    assert_eq!(
        body,
        serde_json::json!({"ready": true, "schema": expected, "expected": expected})
    );

    // The database an older binary left behind, not yet migrated: not ready, and says why.
    let conn = rusqlite::Connection::open(hq.dir.path().join("hq.db")).unwrap();
    let older = expected as i64 - 1;
    conn.pragma_update(None, "user_version", older).unwrap();
    let behind = get(&hq, "/readyz").await;
    assert_eq!(behind.status, StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = behind.json();
    assert_eq!(body["ready"], false);
    assert_eq!(body["schema"], older);
    // The process itself still answers.
    assert_eq!(get(&hq, "/healthz").await.status, StatusCode::OK);
}
