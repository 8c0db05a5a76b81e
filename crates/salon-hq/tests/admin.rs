//! The admin web without a terminal: campuses, settings, accounts and roles, the audit log,
//! and the first admin's one-time link — each change made, each bad input refused in
//! Japanese with what was typed kept, CSRF refused, and a 閲覧者 refused every change.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::*;
use salon_hq_store::HqError;
use salon_hq_store::HqStore;
use salon_hq_store::{Actor, AuditAction, Role};
use salon_hq_web::{router, LogSink, ServerState};

fn campus_row(hq: &Hq, code: &str) -> Option<salon_hq_store::CampusRow> {
    hq.store()
        .campuses()
        .unwrap()
        .into_iter()
        .find(|c| c.code == code)
}

#[tokio::test]
async fn campuses_are_added_renamed_retired_and_each_change_is_recorded() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let post = |path: &'static str, pairs: Vec<(&'static str, &'static str)>| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(pairs);
        let body = form(&all);
        let cookie = cookie.clone();
        let hq = &hq;
        async move { hq.post_form(path, &cookie, &body).await }
    };

    let a = post(
        "/campuses",
        vec![("code", "C-020"), ("name", "松戸キャンパス")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert_eq!(campus_row(&hq, "C-020").unwrap().name, "松戸キャンパス");

    // A bad code: refused in Japanese, the name typed is still in the form.
    let a = post("/campuses", vec![("code", "c 20"), ("name", "<松戸>")]).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let page = a.text();
    assert!(
        page.contains("キャンパスコードは英大文字・数字・「-」で入力してください"),
        "{page}"
    );
    assert!(page.contains("value=\"c 20\""), "{page}");
    assert!(page.contains("value=\"&lt;松戸&gt;\""), "escaped: {page}");
    let a = post("/campuses", vec![("code", "C-020"), ("name", "別の名前")]).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a
        .text()
        .contains("そのキャンパスコードはすでに登録されています"));
    assert_eq!(campus_row(&hq, "C-020").unwrap().name, "松戸キャンパス");

    let a = post(
        "/campuses/C-020/rename",
        vec![("renaming", "C-020"), ("name", "松戸駅前キャンパス")],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = post(
        "/campuses/C-020/rename",
        vec![("renaming", "C-020"), ("name", " ")],
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("名前を1〜100文字で入力してください"));
    assert_eq!(campus_row(&hq, "C-020").unwrap().name, "松戸駅前キャンパス");
    let a = post("/campuses/C-999/rename", vec![("name", "x")]).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);

    // Retired: no new code for it, the figures stay; resumed: codes again.
    // One press says what retiring does and changes nothing; the confirmation retires.
    let a = post("/campuses/C-020/retire", vec![]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.text().contains("新しい登録コードを発行できなくなります") && a.text().contains("再開")
    );
    assert!(campus_row(&hq, "C-020").unwrap().retired_at.is_none());
    let a = post("/campuses/C-020/retire", vec![("confirmed", "1")]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(campus_row(&hq, "C-020").unwrap().retired_at.is_some());
    let codes = hq.get("/codes/new", Some(&cookie)).await.text();
    assert!(
        !codes.contains("value=\"C-020\"") && codes.contains("value=\"C-012\""),
        "{codes}"
    );
    let refused = hq
        .store()
        .issue_code(&Actor::cli(), "山田 花子", &[campus("C-020")], Utc::now());
    assert!(matches!(refused, Err(HqError::BadForm("campuses"))));
    let a = post("/campuses/C-020/resume", vec![]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(campus_row(&hq, "C-020").unwrap().retired_at.is_none());

    // Without the page's token nothing changes.
    let before = hq.store().audit_log(None).unwrap().len();
    let a = hq
        .post_form(
            "/campuses",
            &cookie,
            &form(&[("csrf", "forged"), ("code", "C-021"), ("name", "x")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert!(a.text().contains("画面を読み込み直して"));
    assert!(campus_row(&hq, "C-021").is_none());
    assert_eq!(hq.store().audit_log(None).unwrap().len(), before);

    let log = hq.store().audit_log(None).unwrap();
    let mine: Vec<_> = log.iter().filter(|l| l.actor == ADMIN).collect();
    assert_eq!(
        mine.iter().map(|l| l.action.unwrap()).collect::<Vec<_>>(),
        vec![
            AuditAction::CampusResumed,
            AuditAction::CampusRetired,
            AuditAction::CampusRenamed,
            AuditAction::CampusAdded,
        ]
    );
    assert_eq!(mine[2].detail, "C-020: 松戸キャンパス → 松戸駅前キャンパス");
    let page = hq.get("/audit", Some(&cookie)).await.text();
    assert!(page.contains("キャンパス名を変更"), "{page}");
    assert!(page.contains("C-020: 松戸キャンパス → 松戸駅前キャンパス"));
}

#[tokio::test]
async fn settings_ask_for_no_noise_and_codes_are_recorded_without_the_code() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    // The noise is the protocol's, not a setting: the page offers no dial, and the old
    // addresses change nothing.
    let page = hq.get("/settings", Some(&cookie)).await.text();
    for absent in ["name=\"route\"", "ノイズの大きさ b"] {
        assert!(!page.contains(absent), "{absent}: {page}");
    }
    // The funder's period for path decisions is chosen with its 事業期間, not here.
    assert!(page.contains("進路決定を集計する期間"), "{page}");
    assert!(page.contains("href=\"/terms\""), "{page}");
    let before = hq.store().audit_log(None).unwrap().len();
    for (path, body) in [
        (
            "/settings/noise",
            "route=0.5&topic=0.5&sensitive_topic=0.5&path=0.5",
        ),
        ("/settings/path-terms", "from=2024-09&to=2025-02"),
    ] {
        let a = hq
            .post_form(path, &cookie, &format!("csrf={csrf}&{body}"))
            .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(hq.store().audit_log(None).unwrap().len(), before);

    let a = hq
        .post_form(
            "/codes",
            &cookie,
            &form(&[("csrf", &csrf), ("supporter", "山田 花子")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("担当キャンパスを1つ以上選んでください"));
    assert!(a.text().contains("value=\"山田 花子\""));
    let a = hq
        .post_form(
            "/codes",
            &cookie,
            &form(&[
                ("csrf", &csrf),
                ("supporter", "山田 花子"),
                ("campus", "C-012"),
            ]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let page = a.text();
    let at = page.find("data-code=\"").unwrap() + 11;
    let code = &page[at..at + 10];
    let log = hq.store().audit_log(None).unwrap();
    assert_eq!(log[0].action, Some(AuditAction::CodeIssued));
    assert_eq!(log[0].detail, "山田 花子（C-012）");
    assert!(log.iter().all(|l| !l.detail.contains(code)), "{code}");
}

#[tokio::test]
async fn a_viewer_sees_the_figures_and_changes_nothing() {
    let hq = Hq::new();
    hq.store()
        .create_admin(
            &Actor::cli(),
            "suzuki",
            "viewer password 1",
            Role::Viewer,
            Utc::now(),
        )
        .unwrap();
    let (cookie, csrf) = hq.session_of("suzuki", "viewer password 1").await;
    let home = hq.get("/", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    let home = home.text();
    assert!(home.contains("suzuki（閲覧者）"), "{home}");
    assert!(!home.contains("href=\"/campuses\"") && !home.contains("href=\"/devices\""));
    assert_eq!(
        hq.get("/export.csv?fy=2024", Some(&cookie)).await.status,
        StatusCode::OK
    );
    for path in [
        "/campuses",
        "/codes/new",
        "/devices",
        "/settings",
        "/accounts",
        "/audit",
    ] {
        let a = hq.get(path, Some(&cookie)).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            a.text().contains("この操作は管理者だけができます"),
            "{path}"
        );
    }
    let rows = |hq: &Hq| {
        [
            "campuses",
            "admins",
            "enrolment_codes",
            "audit_log",
            "devices",
        ]
        .map(|t| hq.store().count_rows(t).unwrap())
    };
    hq.enrol(&["C-012"]).await;
    let before = rows(&hq);
    let before_devices = hq.store().devices().unwrap();
    let admin_id = hq.store().admins().unwrap()[0].id;
    let changes = [
        ("/campuses".to_owned(), "code=C-030&name=x"),
        ("/campuses/C-012/rename".to_owned(), "name=x"),
        ("/campuses/C-012/retire".to_owned(), ""),
        ("/codes".to_owned(), "supporter=x&campus=C-012"),
        ("/devices/1/revoke".to_owned(), ""),
        ("/devices/1/takeover".to_owned(), ""),
        ("/devices/quiet-days".to_owned(), "days=3"),
        (
            "/accounts".to_owned(),
            "name=x&role=manager&password=aaaaaaaaaaaa&password_again=aaaaaaaaaaaa",
        ),
        (format!("/accounts/{admin_id}/role"), "role=viewer"),
        (format!("/accounts/{admin_id}/stop"), ""),
    ];
    for (path, body) in &changes {
        let a = hq
            .post_form(path, &cookie, &format!("csrf={csrf}&{body}"))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(rows(&hq), before);
    assert_eq!(hq.store().devices().unwrap(), before_devices);
    assert_eq!(hq.store().admins().unwrap()[0].role, Role::Manager);
}

#[tokio::test]
async fn accounts_get_roles_are_stopped_and_change_their_password() {
    let hq = Hq::with_clock(salon_hq_web::Clock::manual(Utc::now()));
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let add = |password_again: &str| {
        form(&[
            ("csrf", &csrf),
            ("name", "鈴木"),
            ("role", "viewer"),
            ("password", "a long password"),
            ("password_again", password_again),
        ])
    };
    let a = hq.post_form("/accounts", &cookie, &add("another")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    let page = a.text();
    assert!(page.contains("確認のパスワードが一致しません"), "{page}");
    assert!(page.contains("value=\"鈴木\""));
    assert!(
        !page.contains("a long password"),
        "a password is never typed back"
    );
    let a = hq
        .post_form("/accounts", &cookie, &add("a long password"))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = hq
        .post_form("/accounts", &cookie, &add("a long password"))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a.text().contains("その名前のアカウントはすでにあります"));
    let short = form(&[
        ("csrf", &csrf),
        ("name", "田中"),
        ("role", "manager"),
        ("password", "short"),
        ("password_again", "short"),
    ]);
    let a = hq.post_form("/accounts", &cookie, &short).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("パスワードは10文字以上にしてください"));

    let admins = hq.store().admins().unwrap();
    let me = admins.iter().find(|a| a.name == ADMIN).unwrap().id;
    let suzuki = admins.iter().find(|a| a.name == "鈴木").unwrap();
    assert_eq!(suzuki.role, Role::Viewer);
    let (suzuki_cookie, _) = hq.session_of("鈴木", "a long password").await;

    // Nobody demotes or stops themself.
    let a = hq
        .post_form(
            &format!("/accounts/{me}/role"),
            &cookie,
            &form(&[("csrf", &csrf), ("role", "viewer")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert!(a
        .text()
        .contains("自分のアカウントの役割の変更や停止はできません"));
    // The last manager stays one, even from the command line.
    assert!(matches!(
        hq.store()
            .set_role(&Actor::cli(), me, Role::Viewer, Utc::now()),
        Err(HqError::LastManager)
    ));
    assert!(matches!(
        hq.store().set_stopped(&Actor::cli(), me, true, Utc::now()),
        Err(HqError::LastManager)
    ));

    // Stopped (after one press that only asks): the open session ends at once and the
    // password no longer logs in.
    let stop_path = format!("/accounts/{}/stop", suzuki.id);
    let stop = |extra: &'static str| {
        let body = format!("csrf={csrf}{extra}");
        let (hq, cookie, path) = (&hq, &cookie, &stop_path);
        async move { hq.post_form(path, cookie, &body).await }
    };
    let a = stop("").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("鈴木") && a.text().contains("停止します"));
    assert_eq!(
        hq.get("/", Some(&suzuki_cookie)).await.status,
        StatusCode::OK
    );
    let a = stop("&confirmed=1").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(
        hq.get("/", Some(&suzuki_cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let a = hq.login_from(None, "鈴木", "a long password").await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let a = hq
        .post_form(
            &format!("/accounts/{}/resume", suzuki.id),
            &cookie,
            &format!("csrf={csrf}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let a = hq
        .post_form(
            &format!("/accounts/{}/role", suzuki.id),
            &cookie,
            &form(&[("csrf", &csrf), ("role", "manager")]),
        )
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(hq.store().admins().unwrap()[1].role, Role::Manager);

    // One's own password: the current one is checked, other sessions end.
    let (other_cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let change = |current: &str| {
        form(&[
            ("csrf", &csrf),
            ("current", current),
            ("password", "a brand new password"),
            ("password_again", "a brand new password"),
        ])
    };
    let a = hq.post_form("/password", &cookie, &change("wrong")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("今のパスワードが違います"));
    let a = hq.post_form("/password", &cookie, &change(PASSWORD)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("パスワードを変更しました"));
    assert_eq!(hq.get("/", Some(&cookie)).await.status, StatusCode::OK);
    assert_eq!(
        hq.get("/", Some(&other_cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        hq.login_from(None, ADMIN, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The failed try makes the account wait a second.
    hq.state.clock.advance(chrono::Duration::seconds(1));
    hq.session_of(ADMIN, "a brand new password").await;

    let actions = hq.audit_actions();
    assert_eq!(
        actions[..5],
        [
            AuditAction::PasswordChanged,
            AuditAction::AdminRole,
            AuditAction::AdminResumed,
            AuditAction::AdminStopped,
            AuditAction::AdminCreated,
        ]
    );
    let log = hq.store().audit_log(None).unwrap();
    assert_eq!(log[1].detail, "鈴木 を管理者に");
    assert!(log.iter().all(|l| !l.detail.contains("password")));
}

#[tokio::test]
async fn the_first_admin_comes_from_a_one_time_link() {
    let dir = tempfile::tempdir().unwrap();
    let store = HqStore::open(&dir.path().join("hq.db")).unwrap();
    let old = store.issue_setup_link(Utc::now()).unwrap().unwrap();
    let token = store.issue_setup_link(Utc::now()).unwrap().unwrap();
    let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut state = ServerState::new(store);
    state.log = LogSink::Memory(lines.clone());
    let hq = Hq {
        dir,
        router: router(state.clone()),
        state,
        log: lines,
    };
    for t in ["", "wrong", old.as_str()] {
        let a = hq.get(&format!("/setup?token={t}"), None).await;
        assert_eq!(a.status, StatusCode::GONE, "{t}");
        assert!(a.text().contains("この設定用リンクは使えません"));
    }
    let a = hq.get(&format!("/setup?token={token}"), None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("最初の管理者"));
    let post = |again: &str| {
        form(&[
            ("token", &token),
            ("name", "事務局 佐藤"),
            ("password", "first admin password"),
            ("password_again", again),
        ])
    };
    let a = hq.post_form("/setup", "", &post("typo")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.text().contains("value=\"事務局 佐藤\""));
    let a = hq
        .post_form("/setup", "", &post("first admin password"))
        .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let cookie = session_cookie(&a).unwrap();
    let home = hq.get("/", Some(&cookie)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("事務局 佐藤（管理者）"));

    // Used up, and no new link while an account exists.
    let a = hq
        .post_form("/setup", "", &post("first admin password"))
        .await;
    assert_eq!(a.status, StatusCode::GONE);
    assert_eq!(hq.store().admins().unwrap().len(), 1);
    assert!(hq.store().issue_setup_link(Utc::now()).unwrap().is_none());
    assert_eq!(hq.audit_actions(), vec![AuditAction::FirstAdmin]);
    let log = hq.log.lock().unwrap().join("\n");
    assert!(log.contains("GET /setup 200"), "{log}");
    assert!(!log.contains(&token), "the token never reaches the log");
}
