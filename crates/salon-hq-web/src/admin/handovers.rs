//! 端末一覧's handovers relayed between laptops: what headquarters holds and held (the two
//! laptops, the reason, the size, the times; never what a package says, which it cannot
//! read), a manager's cancel of one still held, asked once more; and each laptop's key
//! fingerprint, for a supporter to compare with the colleague's screen.

use salon_handover::LaptopCard;
use salon_hq_store::relay_admin::RelayedPackage;
use salon_hq_store::KeyBytes;
use salon_protocol::relay::{RelayEnd, RelayReason};

use super::shared::*;

/// A laptop's 24 digits as its own screen shows them.
pub(super) fn fingerprint(keys: Option<&KeyBytes>) -> Markup {
    let card = keys.and_then(|(e, s)| LaptopCard::from_public_keys("", *e, *s).ok());
    html! {
        @match card {
            Some(card) => {
                @let digits = card.fingerprint().to_string();
                span.fingerprint data-testid="device-fingerprint" { (digits) }
            }
            None => { span.note { "未登録（次の「送信」で登録されます）" } }
        }
    }
}

fn reason_ja(r: RelayReason) -> &'static str {
    match r {
        RelayReason::Transfer => "担当交代",
        RelayReason::Cover => "一時的な代理",
    }
}

fn state_ja(p: &RelayedPackage) -> &'static str {
    match (p.state.as_str(), p.ended_why) {
        ("waiting", _) => "受け取り待ち（預かり中）",
        ("fetched", _) => "相手の端末に届いた（事務局からは削除済み）",
        ("receipted", _) => "受領書を預かり中",
        ("done", _) => "完了",
        (_, Some(RelayEnd::Cancelled)) => "取り消し（削除済み）",
        (_, Some(RelayEnd::Expired)) => "期限切れ（削除済み）",
        (_, Some(RelayEnd::RecipientReplaced)) => "送り先の端末の失効・交代で終了（削除済み）",
        (_, Some(RelayEnd::SenderRevoked)) => "送り元の端末の失効で終了（削除済み）",
        (_, Some(RelayEnd::Declined)) => "受け取りを辞退されて終了",
        _ => "終了",
    }
}

/// The handovers section: each laptop's key fingerprint, then the packages, waiting ones
/// first with 取り消す, then the last 30 days.
pub(super) fn section(
    devices: &[salon_hq_store::DeviceRow],
    keys: &std::collections::BTreeMap<i64, KeyBytes>,
    packages: &[RelayedPackage],
    csrf: &str,
) -> Markup {
    html! {
        section data-testid="relayed-handovers" {
            h2 { "キャリアサポーター間の生徒の引き継ぎ（事務局経由）" }
            p.note {
                "キャリアサポーターどうしが事務局経由で受け渡す、生徒の記録の引き継ぎです。"
                "中身は受け取る端末の鍵で暗号化されていて、事務局では読めません。"
                "相手の端末に届いたとき、取り消したとき、期限が過ぎたとき、どちらかの端末を失効させたときに、事務局から削除されます。"
                "（なくしたパソコンの「新しいパソコンに引き継ぐ」とは別のものです。）"
            }
            h3 { "各端末の鍵の指紋" }
            p.note {
                "問い合わせのとき、パソコンの画面の確認番号と見比べるための一覧です。"
                "送る人には、この一覧ではなく、相手のパソコンの画面の番号を確かめるよう伝えてください。"
            }
            table data-testid="device-keys" {
                thead { tr { th { "ID" } th.text { "キャリアサポーター" } th.text { "鍵の指紋（確認番号）" } } }
                tbody {
                    @for d in devices.iter().filter(|d| d.revoked_at.is_none()) {
                        tr {
                            td { (d.id) }
                            td.text { (d.supporter) }
                            td.text { (fingerprint(keys.get(&d.id))) }
                        }
                    }
                }
            }
            h3 { "預かっている引き継ぎと、この30日の記録" }
            @if packages.is_empty() {
                p { "この30日に事務局を経由した引き継ぎはありません。" }
            } @else {
                table {
                    thead { tr {
                        th.text { "送り元の端末" } th.text { "送り先の端末" } th.text { "理由" }
                        th { "大きさ" } th.text { "預かった日時" } th.text { "受け取り期限" } th.text { "状態" } th {}
                    } }
                    tbody {
                        @for p in packages {
                            tr data-testid="relayed-handover" {
                                td.text { (p.sender_name) br; span.note { "端末ID " (p.sender) } }
                                td.text { (p.recipient_name) br; span.note { "端末ID " (p.recipient) } }
                                td.text { (reason_ja(p.reason)) }
                                td { (p.bytes.div_ceil(1024)) " KB" }
                                td.text { (html::datetime_ja(p.sent_at)) }
                                td.text { (html::datetime_ja(p.expires_at)) }
                                td.text { (state_ja(p)) }
                                td.actions {
                                    @if p.cancellable() {
                                        form method="post" action=(format!("/devices/handovers/{}/cancel", p.id)) {
                                            input type="hidden" name="csrf" value=(csrf);
                                            button type="submit" data-testid="handover-cancel" { "取り消す" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A manager cancels a package headquarters still holds, after being told what it does.
pub(super) async fn cancel(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let now = state.now();
    if !super::confirm::confirmed(&p) {
        let packages = state.blocking(move |s| s.relayed_packages(now)).await?;
        let package = packages
            .into_iter()
            .find(|r| r.id == id && r.cancellable())
            .ok_or(HqError::NotFound)?;
        let says = html! {
            p {
                strong { (package.sender_name) } "さん（端末ID " (package.sender) "）から"
                strong { (package.recipient_name) } "さん（端末ID " (package.recipient) "）への引き継ぎ（"
                (reason_ja(package.reason)) "、" (package.bytes.div_ceil(1024)) " KB）を取り消します。"
            }
            ul {
                li { "事務局が預かっている暗号化されたファイルは削除され、受け取る端末には届きません。" }
                li { "送った端末には、次の「送信」のときに取り消されたことが伝わり、生徒の記録はその端末で再び編集できるようになります。" }
                li { strong { "取り消しは元に戻せません。" } "改めて渡すときは、送った端末で引き継ぎを作り直してもらいます。" }
            }
        };
        return Ok(super::confirm::ask(
            &p,
            "引き継ぎを取り消す",
            &format!("/devices/handovers/{id}/cancel"),
            says,
            "取り消す",
            "/devices",
        ));
    }
    let by = p.by.clone();
    state
        .blocking(move |s| s.cancel_relayed(&by, &id, now))
        .await?;
    Ok(back_to("/devices", "handover_cancelled"))
}
