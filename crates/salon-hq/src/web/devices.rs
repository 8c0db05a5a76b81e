//! Enrolment codes (issued once, shown once) and the devices they enrolled (revocable).

use super::*;

// ---- enrolment codes ----

pub(super) async fn code_form(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let campuses = state.blocking(|s| s.campuses()).await?;
    let mut boxes = String::new();
    for c in &campuses {
        let _ = write!(
            boxes,
            "<label><span><input type=\"checkbox\" name=\"campus\" value=\"{}\"> {} {}</span></label>",
            esc(&c.code),
            esc(&c.code),
            esc(&c.name)
        );
    }
    if campuses.is_empty() {
        boxes.push_str(
            "<p class=\"note\">キャンパスがまだ登録されていません(salon-hq admin add-campus)。</p>",
        );
    }
    let body = format!(
        "<form class=\"stack\" method=\"post\" action=\"/codes\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>キャリアサポーター名<input name=\"supporter\" required maxlength=\"100\"></label>\
         <fieldset><legend>担当キャンパス</legend>{boxes}</fieldset>\
         <button type=\"submit\">登録コードを発行</button></form>\
         <p class=\"note\">登録コードは一度だけ表示され、発行から15分で失効します。1台の端末の登録に1回だけ使えます。</p>",
        esc(&secret::csrf_token(&sid))
    );
    Ok(Html(page("登録コード発行", &nav(&session, &sid), &body)).into_response())
}

pub(super) async fn issue_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let form = Form::parse(&body);
    check_csrf(&form, &sid)?;
    let supporter = form.get("supporter").unwrap_or_default().to_owned();
    let campuses = form
        .all("campus")
        .map(CampusCode::parse)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| HqError::BadForm("campuses"))?;
    let now = state.now();
    let issued = state
        .blocking(move |s| s.issue_code(&supporter, &campuses, now))
        .await?;
    let body = format!(
        "<p>キャリアサポーター: {}<br>担当キャンパス: {}</p>\
         <p>登録コード(この画面でのみ表示されます):</p><p class=\"code\" data-testid=\"enrolment-code\">{}</p>\
         <p>有効期限: {} まで(1回限り)</p><p><a href=\"/codes/new\">別のコードを発行</a></p>",
        esc(&issued.supporter),
        esc(&issued.campuses.join("、")),
        esc(&issued.code),
        html::datetime_ja(issued.expires_at)
    );
    Ok(Html(page(
        "登録コードを発行しました",
        &nav(&session, &sid),
        &body,
    ))
    .into_response())
}

// ---- devices ----

pub(super) async fn devices(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let now = state.now();
    let (devices, quiet, quiet_days) = state
        .blocking(move |s| Ok((s.devices()?, s.quiet_devices(now)?, s.quiet_days()?)))
        .await?;
    let csrf = secret::csrf_token(&sid);
    let mut b = String::from(
        "<table><thead><tr><th>ID</th><th class=\"text\">キャリアサポーター</th><th class=\"text\">キャンパス</th>\
         <th class=\"text\">登録日</th><th class=\"text\">最終送信</th><th class=\"text\">状態</th><th></th></tr></thead><tbody>",
    );
    for d in &devices {
        let state_cell = match d.revoked_at {
            Some(t) => format!("失効({})", html::date_ja(t)),
            None => "有効".to_owned(),
        };
        let action = if d.revoked_at.is_none() {
            format!(
                "<form method=\"post\" action=\"/devices/{}/revoke\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                 <button type=\"submit\">失効させる</button></form>",
                d.id,
                esc(&csrf)
            )
        } else {
            String::new()
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td><td>{}</td></tr>",
            d.id,
            esc(&d.supporter),
            esc(&d.campuses.join("、")),
            html::date_ja(d.created_at),
            d.last_upload_at.map(html::datetime_ja).unwrap_or_else(|| "—".into()),
            state_cell,
            action
        );
    }
    if devices.is_empty() {
        b.push_str("<tr><td class=\"text\" colspan=\"7\">登録された端末はありません。</td></tr>");
    }
    b.push_str("</tbody></table><p class=\"note\">失効させた端末は送信できなくなります。それまでに送られた数値は集計に残ります。</p>");
    b.push_str(&quiet_box(&quiet, quiet_days));
    let _ = write!(
        b,
        "<form class=\"stack\" method=\"post\" action=\"/devices/quiet-days\" data-testid=\"quiet-days-form\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <label>何日送信がなければ知らせるか(1〜365日)<input name=\"days\" type=\"number\" min=\"1\" max=\"365\" value=\"{quiet_days}\" required></label>\
         <button type=\"submit\">保存</button></form>",
        esc(&csrf)
    );
    Ok(Html(page("端末一覧", &nav(&session, &sid), &b)).into_response())
}

/// The devices silent for `days` or more: shown on the dashboard and the devices page, so a
/// missing supporter's counts are noticed before a funder report. Empty when none is.
pub(super) fn quiet_box(quiet: &[crate::store::DeviceRow], days: u32) -> String {
    if quiet.is_empty() {
        return String::new();
    }
    let mut b = format!(
        "<section class=\"warning\" data-testid=\"quiet-devices\"><h2>{days}日以上送信のない端末</h2>\
         <p>次の端末から{days}日以上数値が届いていません。報告の前に、担当のキャリアサポーターに送信を確かめてください。</p><ul>"
    );
    for d in quiet {
        let last = match d.last_upload_at {
            Some(t) => format!("最終送信 {}", html::datetime_ja(t)),
            None => format!("登録 {} から送信なし", html::date_ja(d.created_at)),
        };
        let _ = write!(
            b,
            "<li>{} {}(端末ID {}、{})</li>",
            esc(&d.supporter),
            esc(&d.campuses.join("、")),
            d.id,
            last
        );
    }
    b.push_str("</ul></section>");
    b
}

pub(super) async fn set_quiet_days(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let (_, sid) = admin(&state, &headers).await?;
    let form = Form::parse(&body);
    check_csrf(&form, &sid)?;
    let days: u32 = form
        .get("days")
        .and_then(|d| d.trim().parse().ok())
        .ok_or(HqError::BadForm("days"))?;
    state.blocking(move |s| s.set_quiet_days(days)).await?;
    Ok(Redirect::to("/devices").into_response())
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let (_, sid) = admin(&state, &headers).await?;
    check_csrf(&Form::parse(&body), &sid)?;
    let id: i64 = id.parse().map_err(|_| HqError::NotFound)?;
    let now = state.now();
    state.blocking(move |s| s.revoke(id, now)).await?;
    Ok(Redirect::to("/devices").into_response())
}
