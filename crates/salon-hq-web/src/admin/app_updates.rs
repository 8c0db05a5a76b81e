//! アプリの更新, on the devices page beside each laptop's version: the updates headquarters
//! offers, adding one (the bundle and its `.sig` uploaded, or `salon-hq release add` on the
//! server), withdrawing one (confirmed), and the switch that stops offering any (laptops an IT
//! department installs).

use axum::extract::Multipart;
use salon_hq_store::{AppUpdate, NewAppUpdate};
use salon_protocol::updates::{Arch, Bundle, Target, UpdatePlatform};

use super::form::Form;
use super::resume::UPDATE_UPLOAD;
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
            p { a href="/devices/updates/new" data-testid="update-new" { "更新を追加する" } }
            p.note {
                "更新は、団体の署名鍵で署名したものを追加します（手順は README の「アプリの更新を配る」）。"
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

/// 更新を追加する: the version, the platform, the bundle, its `.sig` and the notes.
pub(super) async fn new_update(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    Ok(update_form(&session, &sid, None))
}

fn update_form(session: &AdminSession, sid: &str, problem: Option<&Problem>) -> Response {
    let typed = |name: &str| Problem::value(problem, name);
    let chosen = typed("platform");
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        p.note {
            "団体の署名鍵で作った更新ファイルと、その署名ファイル（ファイル名の末尾が「.sig」）を選びます。"
            "署名鍵そのもの（.key）は選ばないでください。このサーバーには置きません。"
        }
        form.stack method="post" action=(UPDATE_UPLOAD) enctype="multipart/form-data" data-testid="update-form" {
            input type="hidden" name="csrf" value=(secret::csrf_token(sid));
            label { "版（例：1.1.0）" input name="version" required value=(typed("version")); }
            label {
                "対象のパソコン"
                select name="platform" {
                    @for p in UpdatePlatform::all() {
                        option value=(p.to_string()) selected[chosen == p.to_string()] { (platform_ja(p)) }
                    }
                }
            }
            label { "更新ファイル" input type="file" name="bundle" required; }
            label { "署名ファイル（.sig）" input type="file" name="signature" accept=".sig" required; }
            label {
                "更新内容（更新の前に、キャリアサポーターが読みます）"
                textarea name="notes" rows="5" maxlength=(salon_hq_store::MAX_NOTES_CHARS) required { (typed("notes")) }
            }
            button type="submit" { "更新を追加する" }
        }
        p { a href="/devices" { "端末一覧に戻る" } }
    };
    with_problem(problem, screen("アプリの更新を追加", session, sid, body))
}

/// The upload: every field read, the CSRF token checked, then the update kept; a refusal shows
/// the form again with what was typed (the files must be chosen again).
pub(super) async fn add_update(
    State(state): State<ServerState>,
    headers: HeaderMap,
    mut upload: Multipart,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    // A body cut off or past the limit reads as too large, on the page's frame.
    let too_large = |_| WebError::new(HqError::BodyTooLarge, Some((&session, &sid)));
    let mut text = Vec::new();
    let (mut bundle, mut signature) = (None, None);
    while let Some(field) = upload.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(too_large)?;
        match name.as_str() {
            "bundle" => bundle = Some((file.unwrap_or_default(), bytes.to_vec())),
            "signature" => signature = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => text.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    let form = Form::of(text);
    check_csrf(&form, &sid).map_err(|e| WebError::new(e, Some((&session, &sid))))?;
    let by = Actor::from(&session);
    let read = || -> std::result::Result<NewAppUpdate, HqError> {
        let (file_name, bundle) = bundle.ok_or(HqError::BadForm("update_bundle"))?;
        Ok(NewAppUpdate {
            version: AppVersion::parse(form.get("version").unwrap_or_default().trim())
                .ok_or(HqError::BadForm("update_version"))?,
            platform: UpdatePlatform::parse(form.get("platform").unwrap_or_default())
                .ok_or(HqError::BadForm("update_platform"))?,
            file_name,
            bundle,
            signature: signature.ok_or(HqError::BadForm("update_signature"))?,
            notes: form.get("notes").unwrap_or_default().to_owned(),
        })
    };
    let now = state.now();
    let kept = match read() {
        Ok(new) => {
            state
                .blocking(move |s| s.add_app_update(&by, new, now))
                .await
        }
        Err(e) => Err(e),
    };
    match kept {
        Ok(_) => Ok(back_to("/devices", "update_added")),
        Err(e) => {
            let problem = Problem::of(e, form.without(|k| k == "csrf"))
                .map_err(|e| WebError::new(e, Some((&session, &sid))))?;
            Ok(update_form(&session, &sid, Some(&problem)))
        }
    }
}
