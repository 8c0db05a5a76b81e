//! アプリの更新, on the devices page beside each laptop's version: the updates headquarters
//! offers (added on the server with `salon-hq release add`), withdrawing one (confirmed), and
//! the switch that stops offering any (laptops an IT department installs).

use salon_hq_store::AppUpdate;
use salon_protocol::updates::{Arch, Bundle, Target, UpdatePlatform};

use super::shared::*;

/// The section of the devices page.
pub(super) fn updates_section(updates: &[AppUpdate], offered: bool, csrf: &str) -> Markup {
    html! {
        section data-testid="app-updates" {
            h2 { "アプリの更新" }
            @if offered {
                p { "配信しています。更新に対応したアプリは、送信のときに新しい版を確かめ、サロンを開いていないときに、キャリアサポーターの了解を得てから更新します。" }
            } @else {
                p.warning data-testid="updates-off" { "配信を止めています。どのパソコンにも更新は案内されません（情報システムの担当者がアプリを入れる団体向けです）。" }
            }
            form method="post" action="/devices/updates/offer" data-testid="updates-offer-form" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="offer" value=(if offered { "off" } else { "on" });
                button type="submit" { (if offered { "配信を止める" } else { "配信を再開する" }) }
            }
            table {
                thead { tr {
                    th.text { "版" } th.text { "対象" } th.text { "追加日" } th { "大きさ" }
                    th.text { "状態" } th.text { "更新内容" } th {}
                } }
                tbody {
                    @for u in updates {
                        tr data-testid="app-update" data-version=(u.version.to_string()) {
                            td.text { (u.version.to_string()) }
                            td.text { (platform_ja(u.platform)) }
                            td.text { (html::date_ja(u.added_at)) }
                            td { (u.bytes.div_ceil(1024 * 1024)) " MB" }
                            td.text {
                                @match u.withdrawn_at {
                                    Some(t) => { "取り下げ（" (html::date_ja(t)) "）" }
                                    None => { "配信中" }
                                }
                            }
                            td.text.wrap { (u.notes) }
                            td.actions {
                                @if u.withdrawn_at.is_none() {
                                    form method="post" action=(format!("/devices/updates/{}/withdraw", u.id)) {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button type="submit" { "取り下げる" }
                                    }
                                }
                            }
                        }
                    }
                    @if updates.is_empty() {
                        tr { td.text colspan="7" { "更新はまだありません。" } }
                    }
                }
            }
            p.note {
                "更新は、団体の署名鍵で署名したものを、サーバーで salon-hq release add を実行して追加します（手順は README の「アプリの更新を配る」）。"
                "署名鍵はこのサーバーには置きません。署名のない更新や、古い版への更新は、パソコンの側で断られます。"
            }
        }
    }
}

/// "Windows（インストーラー）", as an office worker names a laptop.
pub(super) fn platform_ja(p: UpdatePlatform) -> String {
    let system = match p.target {
        Target::Linux => "Linux",
        Target::Windows => "Windows",
        Target::Darwin => "Mac",
    };
    let how = match p.bundle {
        Bundle::Deb => ".deb",
        Bundle::AppImage => "AppImage",
        Bundle::Nsis => "インストーラー",
        Bundle::Msi => "MSI",
        Bundle::App => "アプリ",
    };
    let arm = match p.arch {
        Arch::X86_64 => "",
        Arch::Aarch64 => "・ARM",
    };
    format!("{system}（{how}{arm}）")
}

pub(super) async fn offer_updates(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let Posted { form, by, .. } = change(&state, &headers, &body).await?;
    let on = match form.get("offer") {
        Some("on") => true,
        Some("off") => false,
        _ => return Err(HqError::BadForm("offer").into()),
    };
    let now = state.now();
    state
        .blocking(move |s| s.set_updates_offered(&by, on, now))
        .await?;
    Ok(back_to(
        "/devices",
        if on { "offer_on" } else { "offer_off" },
    ))
}

pub(super) async fn withdraw_update(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id: i64 = id.parse().map_err(|_| HqError::NotFound)?;
    if !super::confirm::confirmed(&p) {
        let updates = state.blocking(|s| s.app_updates()).await?;
        let u = updates
            .into_iter()
            .find(|u| u.id == id && u.withdrawn_at.is_none())
            .ok_or(HqError::NotFound)?;
        let says = html! {
            p { "版 " strong { (u.version.to_string()) } "（" (platform_ja(u.platform)) "）の配信を取り下げます。" }
            ul {
                li { "これからは、どのパソコンにもこの版は案内されません。ひとつ前の版があれば、まだ更新していないパソコンにはそちらが案内されます。" }
                li { "すでにこの版に更新したパソコンは、そのまま使い続けます（古い版に戻すことはできません）。直した版を配るときは、版を上げて追加してください。" }
                li { strong { "取り下げた更新を、もう一度配信することはできません。" } }
            }
        };
        return Ok(super::confirm::ask(
            &p,
            "アプリの更新を取り下げる",
            &format!("/devices/updates/{id}/withdraw"),
            says,
            "取り下げる",
            "/devices",
        ));
    }
    let by = p.by.clone();
    let now = state.now();
    state
        .blocking(move |s| s.withdraw_app_update(&by, id, now))
        .await?;
    Ok(back_to("/devices", "withdrawn"))
}
