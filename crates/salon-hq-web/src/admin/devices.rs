//! 端末一覧: the devices enrolled, their app versions and last uploads; a takeover code for
//! a lost laptop's replacement, and revocation, each confirmed; each laptop's key fingerprint
//! and the handovers relayed between laptops (`handovers`); and the app's updates
//! (`app_updates`).

use super::shared::*;

pub(super) async fn devices(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    let now = state.now();
    let (devices, quiet, quiet_days, updates, offered, (keys, relayed)) = state
        .blocking(move |s| {
            s.sweep_relay(now)?;
            Ok((
                s.devices()?,
                s.quiet_devices(now)?,
                s.quiet_days()?,
                s.app_updates()?,
                s.updates_offered()?,
                (s.keys_in_use()?, s.relayed_packages(now)?),
            ))
        })
        .await?;
    let csrf = secret::csrf_token(&sid);
    // The newest version offered for a platform.
    let on_offer = |platform: Option<salon_protocol::updates::UpdatePlatform>| {
        updates
            .iter()
            .filter(|u| offered && u.withdrawn_at.is_none() && Some(u.platform) == platform)
            .map(|u| u.version.clone())
            .max()
    };
    // Any update on offer counts, for whatever platform: a laptop that never asked on one
    // is behind it too, and must be updated by hand until it asks.
    let newest = devices
        .iter()
        .filter_map(|d| d.app_version.as_deref().and_then(AppVersion::parse))
        .chain(
            updates
                .iter()
                .filter(|u| offered && u.withdrawn_at.is_none())
                .map(|u| u.version.clone()),
        )
        .max();
    let offered_to = |d: &salon_hq_store::DeviceRow| {
        let v = d.app_version.as_deref().and_then(AppVersion::parse)?;
        on_offer(d.update_platform).filter(|o| *o > v)
    };
    let body = html! {
        (done_notice(done.code()))
        table {
            thead { tr {
                th { "ID" } th.text { "キャリアサポーター" } th.text { "キャンパス" }
                th.text { "登録日" } th.text { "最終送信" } th.text { "アプリ" } th.text { "状態" } th {}
            } }
            tbody {
                @for d in &devices {
                    tr {
                        td { (d.id) }
                        td.text { (d.supporter) }
                        td.text.wrap {
                            @for (i, c) in d.campuses.iter().enumerate() {
                                @if i > 0 { "、" }
                                span.nowrap { (c) }
                            }
                        }
                        td.text { (html::date_ja(d.created_at)) }
                        td.text { (d.last_upload_at.map(html::datetime_ja).unwrap_or_else(|| "—".into())) }
                        td.text { (app_version(d.app_version.as_deref(), newest.as_ref(), offered_to(d).as_ref())) }
                        td.text.wrap {
                            @match (d.revoked_at, d.taken_over_at) {
                                (Some(t), _) => { "失効（" (html::date_ja(t)) "）" }
                                (None, Some(t)) => { "有効（" (html::date_ja(t)) "に新しいパソコンへ引き継ぎ）" }
                                (None, None) => { "有効" }
                            }
                        }
                        td.actions {
                            @if d.revoked_at.is_none() {
                                form method="post" action=(format!("/devices/{}/revoke", d.id)) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { "失効させる" }
                                }
                            }
                            form method="post" action=(format!("/devices/{}/takeover", d.id)) {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" data-testid=(format!("takeover-{}", d.id)) {
                                    "新しいパソコンに引き継ぐ"
                                }
                            }
                        }
                    }
                }
                @if devices.is_empty() {
                    tr { td.text colspan="8" { "登録された端末はありません。" } }
                }
            }
        }
        @if devices.iter().any(|d| behind(d, newest.as_ref()) && offered_to(d).is_some()) {
            p.note data-testid="devices-offered" {
                "「更新を案内中」のパソコンには、送信のときに新しい版が案内されています。"
                "キャリアサポーターが更新すると、その次の送信からこの一覧に新しい版が表示されます。"
            }
        }
        @if devices.iter().any(|d| behind(d, newest.as_ref()) && offered_to(d).is_none()) {
            p.warning data-testid="devices-outdated" {
                "古い版のパソコンがあります。担当のキャリアサポーターに、アプリの更新をお願いしてください。"
            }
        }
        p.note { "失効させた端末は送信できなくなります。それまでに送られた数値は集計に残ります。" }
        p.note {
            "パソコンをなくしたり壊れたりしたときは、まず「失効させる」を押し、新しいパソコンにバックアップを復元してから「新しいパソコンに引き継ぐ」で発行したコードで登録してください。"
            "同じ端末として扱われるので、送り直された数値が二重に数えられることはありません。"
            "（新しい端末として登録すると、復元した記録が二重に数えられます。）"
        }
        (super::handovers::section(&devices, &keys, &relayed, &csrf))
        (super::app_updates::updates_section(&updates, offered, &csrf))
        (quiet_box(&quiet, quiet_days))
        form.stack method="post" action="/devices/quiet-days" data-testid="quiet-days-form" {
            input type="hidden" name="csrf" value=(csrf);
            label {
                "送信が何日なければ、ダッシュボードとこの画面で知らせるか（1〜365日）"
                input name="days" type="number" min="1" max="365" value=(quiet_days) required;
            }
            button type="submit" { "保存" }
        }
    };
    Ok(screen("端末一覧", &session, &sid, body))
}

/// The devices silent for `days` or more: shown on the dashboard and the devices page, so a
/// missing supporter's counts are noticed before a funder report. Empty when none is.
pub(super) fn quiet_box(quiet: &[salon_hq_store::DeviceRow], days: u32) -> Markup {
    html! {
        @if !quiet.is_empty() {
            section.warning data-testid="quiet-devices" {
                h2 { (days) "日以上送信のない端末" }
                p { "次の端末から" (days) "日以上数値が届いていません。報告の前に、担当のキャリアサポーターに送信を確かめてください。" }
                ul {
                    @for d in quiet {
                        li {
                            (d.supporter) " " (d.campuses.join("、")) "（端末ID " (d.id) "、"
                            @match d.last_upload_at {
                                Some(t) => { "最終送信 " (html::datetime_ja(t)) }
                                None => { "登録 " (html::date_ja(d.created_at)) " から送信なし" }
                            }
                            "）"
                        }
                    }
                }
            }
        }
    }
}

pub(super) async fn set_quiet_days(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let Posted { form, by, .. } = change(&state, &headers, &body).await?;
    let days: u32 = form
        .get("days")
        .and_then(|d| d.trim().parse().ok())
        .ok_or(HqError::BadForm("days"))?;
    let now = state.now();
    state
        .blocking(move |s| s.set_quiet_days(&by, days, now))
        .await?;
    Ok(back_to("/devices", "saved"))
}

/// A code with which a new laptop takes over this device (its backup restored there).
pub(super) async fn takeover_code(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let Posted {
        session, sid, by, ..
    } = change(&state, &headers, &body).await?;
    let id: i64 = id.parse().map_err(|_| HqError::NotFound)?;
    let now = state.now();
    let issued = state
        .blocking(move |s| s.issue_takeover_code(&by, id, now))
        .await?;
    let campuses = state.blocking(|s| s.campuses()).await?;
    let body = html! {
        p {
            "引き継ぐ端末：端末ID " (id) br;
            "キャリアサポーター：" (issued.supporter) br;
            "担当キャンパス：" (super::codes::named(&campuses, &issued.campuses))
        }
        (super::codes::code_shown(&state, &issued))
        p.note {
            "新しいパソコンでバックアップを復元し、設定 → 事務局との連携 でこのコードを入力してください。"
            "登録した時点で、前のパソコンからは送信できなくなります。"
        }
        p { a href="/devices" { "端末一覧に戻る" } }
    };
    Ok(screen(
        "引き継ぎの登録コードを発行しました",
        &session,
        &sid,
        body,
    ))
}

pub(super) async fn revoke(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id: i64 = id.parse().map_err(|_| HqError::NotFound)?;
    if !super::confirm::confirmed(&p) {
        let (devices, campuses) = state
            .blocking(|s| Ok((s.devices()?, s.campuses()?)))
            .await?;
        let d = devices
            .into_iter()
            .find(|d| d.id == id)
            .ok_or(HqError::NotFound)?;
        let places: Vec<String> = d
            .campuses
            .iter()
            .map(|code| {
                let name = campuses
                    .iter()
                    .find(|c| &c.code == code)
                    .map(|c| c.name.as_str());
                format!("{code} {}", name.unwrap_or_default())
            })
            .collect();
        let says = html! {
            p { "端末ID " (d.id) "（" strong { (d.supporter) } "さん、" (places.join("、")) "）を失効させます。" }
            ul {
                li { "この端末からの次の送信は受け付けられず、端末には事務局との連携が止められたと表示されます。" }
                li { "これまでに届いた件数は、すべての集計と報告に残ります。" }
                li { strong { "このパソコンが再び送れるようになることはありません。" } "なくしたパソコンの代わりに、バックアップを戻した新しいパソコンで続けるときは、失効させた後にこの一覧の「新しいパソコンに引き継ぐ」で登録コードを発行します（同じ端末として扱われ、数値が二重に数えられることはありません）。" }
            }
        };
        return Ok(super::confirm::ask(
            &p,
            "端末を失効させる",
            &format!("/devices/{id}/revoke"),
            says,
            "失効させる",
            "/devices",
        ));
    }
    let by = p.by.clone();
    let now = state.now();
    state.blocking(move |s| s.revoke(&by, id, now)).await?;
    Ok(back_to("/devices", "revoked"))
}

/// Whether a laptop's last named version is behind `newest`.
fn behind(d: &salon_hq_store::DeviceRow, newest: Option<&AppVersion>) -> bool {
    let v = d.app_version.as_deref().and_then(AppVersion::parse);
    matches!((v, newest), (Some(v), Some(n)) if v < *n)
}

/// The app version a laptop last named, and whether it is behind the newest any laptop runs
/// or headquarters offers: when an update newer than it is on offer for the platform it asks
/// on (`on_offer`), it is being offered it; otherwise the office is asked to have it updated.
fn app_version(
    version: Option<&str>,
    newest: Option<&AppVersion>,
    on_offer: Option<&AppVersion>,
) -> Markup {
    let parsed = version.and_then(AppVersion::parse);
    html! {
        @match (version, parsed) {
            (Some(text), Some(v)) if newest.is_none_or(|n| v >= *n) => {
                span data-testid="device-app-current" data-version=(text) { (text) "（最新）" }
            }
            (Some(text), Some(_)) if on_offer.is_some() => {
                span data-testid="device-app-offered" data-version=(text) {
                    (text) "（古い版）" br; "更新を案内中"
                }
            }
            (Some(text), Some(_)) => {
                span.error data-testid="device-app-outdated" data-version=(text) {
                    (text) br; "（古い版です）"
                }
            }
            _ => { "—" }
        }
    }
}
