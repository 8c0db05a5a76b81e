//! Supporters and their laptops from the admin web: each supporter's salons, a laptop taken
//! over by its replacement, and a revocation that asks first.

mod common;

use axum::http::StatusCode;
use chrono::Utc;
use common::*;

use salon_hq_store::{Actor, AuditAction, Role};

#[tokio::test]
async fn managers_see_each_supporters_salons_and_the_campuses_still_without_one() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012", "C-013"]).await;
    let upload = sample_upload();
    assert_eq!(
        hq.upload(&token, "u1", &upload).await.status,
        StatusCode::OK
    );
    let sessions: u32 = upload.days.iter().map(|d| d.counts.sessions).sum();
    let minutes: u32 = upload.days.iter().map(|d| d.counts.session_minutes).sum();
    let (cookie, _) = hq.session_of(ADMIN, PASSWORD).await;
    let page = hq.get("/?fy=2024", Some(&cookie)).await.text();
    let table = page
        .split("data-testid=\"supporters\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the supporters' table");
    assert!(
        table.contains(&format!(
            "<td class=\"text\">山田 花子</td><td>1</td><td>{sessions}回</td><td>{}時間{:02}分</td><td class=\"text\">C-012</td>",
            minutes / 60,
            minutes % 60
        )),
        "{table}"
    );
    let without = page
        .split("data-testid=\"campuses-without-salon\"")
        .nth(1)
        .expect("the campuses without a salon");
    assert!(without.contains("C-013 秋葉原キャンパス"), "{without}");
    // A viewer sees the figures, not who was sent where.
    hq.store()
        .create_admin(
            &Actor::cli(),
            "viewer",
            "viewer password 1",
            Role::Viewer,
            Utc::now(),
        )
        .unwrap();
    let (viewer, _) = hq.session_of("viewer", "viewer password 1").await;
    let page = hq.get("/?fy=2024", Some(&viewer)).await.text();
    assert!(!page.contains("data-testid=\"supporters\""));
}

/// 端末一覧 → 新しいパソコンに引き継ぐ: a code shown once (never in the record) with which the
/// new laptop becomes the same device; the list then says when it was taken over.
#[tokio::test]
async fn a_device_is_taken_over_from_the_devices_page() {
    let hq = Hq::new();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    hq.enrol(&["C-012"]).await;
    let id = hq.store().devices().unwrap()[0].id;
    let page = hq.get("/devices", Some(&cookie)).await.text();
    assert!(
        page.contains(&format!("data-testid=\"takeover-{id}\"")),
        "{page}"
    );
    assert!(page.contains("二重に数えられることはありません"));

    let a = hq
        .post_form(
            &format!("/devices/{id}/takeover"),
            &cookie,
            &form(&[("csrf", &csrf)]),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let page = a.text();
    assert!(page.contains("引き継ぎの登録コードを発行しました"));
    assert!(page.contains("山田 花子") && page.contains("C-012"));
    let at = page.find("data-code=\"").unwrap() + 11;
    let code = page[at..].split('"').next().unwrap().to_owned();
    let a = hq.enrol_with(&code).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(hq.store().devices().unwrap().len(), 1);
    let page = hq.get("/devices", Some(&cookie)).await.text();
    assert!(page.contains("に新しいパソコンへ引き継ぎ"), "{page}");
    let log = hq.store().audit_log(None).unwrap();
    assert_eq!(log[0].action, Some(AuditAction::TakeoverCodeIssued));
    assert_eq!(log[0].detail, format!("端末 {id}（山田 花子、C-012）"));
    assert!(log.iter().all(|l| !l.detail.contains(&code)));

    // A device that is not there gets the not-found page, and no code.
    let a = hq
        .post_form("/devices/999/takeover", &cookie, &form(&[("csrf", &csrf)]))
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_laptop_is_revoked_only_once_the_office_confirms_what_it_means() {
    let hq = Hq::new();
    let token = hq.enrol(&["C-012"]).await;
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let id = hq.store().devices().unwrap()[0].id;
    let revoke_path = format!("/devices/{id}/revoke");
    let revoke = |extra: &'static str| {
        let body = format!("csrf={csrf}{extra}");
        let (hq, cookie, path) = (&hq, &cookie, &revoke_path);
        async move { hq.post_form(path, cookie, &body).await }
    };
    let before = hq.audit_actions().len();
    let a = revoke("").await;
    assert_eq!(a.status, StatusCode::OK);
    let page = a.text();
    assert!(
        page.contains("山田 花子") && page.contains("C-012 柏キャンパス"),
        "which laptop, whose: {page}"
    );
    assert!(
        page.contains("次の送信は受け付けられず")
            && page.contains("再び送れるようになることはありません")
            && page.contains("新しいパソコンに引き継ぐ")
    );
    assert!(hq.store().devices().unwrap()[0].revoked_at.is_none());
    assert_eq!(hq.audit_actions().len(), before, "nothing recorded");
    assert_eq!(
        hq.config_from_app(&token, "1.0.0").await.status,
        StatusCode::OK
    );

    let a = revoke("&confirmed=1").await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert!(hq.store().devices().unwrap()[0].revoked_at.is_some());
    assert_eq!(hq.audit_actions()[0], AuditAction::DeviceRevoked);
    assert_eq!(
        hq.config_from_app(&token, "1.0.0").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// 端末一覧 → 取り消す: a handover headquarters holds is cancelled only once the office
/// confirms; the package is deleted, the sender is told at its next sync, and the 操作記録
/// names the manager, the two devices, the reason and the size.
#[tokio::test]
async fn a_relayed_handover_is_cancelled_only_once_a_manager_confirms() {
    use salon_protocol::relay::{RelayEnd, RelayReason, RelaySend};
    use salon_protocol::{PackageId, PublicKeys};
    let hq = Hq::new();
    let sender = hq.enrol(&["C-012"]).await;
    let recipient = hq.enrol(&["C-012"]).await;
    let now = Utc::now();
    let keys = PublicKeys::new(&[7; 32], &[8; 32]);
    hq.store()
        .register_keys(&sender, &PublicKeys::new(&[5; 32], &[6; 32]), now)
        .unwrap();
    hq.store().register_keys(&recipient, &keys, now).unwrap();
    let id = PackageId::parse(&"ab".repeat(16)).unwrap();
    let to = hq.store().devices().unwrap()[1].id;
    hq.store()
        .relay_send(
            &sender,
            RelaySend {
                id: id.clone(),
                to,
                keys,
                reason: RelayReason::Transfer,
                expires_at: now + chrono::Duration::days(14),
                package: "x".repeat(3000),
            },
            now,
        )
        .unwrap();
    let (cookie, csrf) = hq.session_of(ADMIN, PASSWORD).await;
    let page = hq.get("/devices", Some(&cookie)).await.text();
    assert!(
        page.contains("受け取り待ち（預かり中）") && page.contains("3 KB"),
        "{page}"
    );
    let path = format!("/devices/handovers/{id}/cancel");
    let before = hq.audit_actions().len();
    let asked = hq
        .post_form(&path, &cookie, &form(&[("csrf", &csrf)]))
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    let page = asked.text();
    assert!(
        page.contains("取り消します") && page.contains("元に戻せません"),
        "{page}"
    );
    assert_eq!(hq.audit_actions().len(), before, "nothing done yet");
    assert_eq!(
        hq.store().relayed_packages(now).unwrap()[0].state,
        "waiting"
    );

    let done = hq
        .post_form(
            &path,
            &cookie,
            &form(&[("csrf", &csrf), ("confirmed", "1")]),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let held = &hq.store().relayed_packages(now).unwrap()[0];
    assert_eq!(
        (held.state.as_str(), held.ended_why),
        ("ended", Some(RelayEnd::Cancelled))
    );
    let line = &hq.store().audit_log(None).unwrap()[0];
    assert_eq!(line.action, Some(AuditAction::HandoverCancelled));
    assert_eq!(line.actor, ADMIN);
    assert_eq!(line.detail, format!("端末 1 → 端末 {to}（担当交代、3 KB）"));
    let told = hq.store().relay_inbox(&sender, now).unwrap().ended;
    assert_eq!(told[0].why, RelayEnd::Cancelled);
    // Once cancelled, there is nothing left to cancel.
    let again = hq
        .post_form(
            &path,
            &cookie,
            &form(&[("csrf", &csrf), ("confirmed", "1")]),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}
