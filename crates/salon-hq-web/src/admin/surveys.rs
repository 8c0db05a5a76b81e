//! アンケート for admins: the list, a new survey for a term from a template, its questions
//! (editable until the first answer), its links with a printable QR code per campus, and
//! closing a survey or one link.

use salon_hq_store::surveys::{Audience, QuestionInput, QuestionKind, Survey, SurveyLink};

use super::period::nonempty;
use super::shared::*;

pub(super) fn survey_id(id: &str) -> std::result::Result<i64, HqError> {
    id.parse().map_err(|_| HqError::NotFound)
}

/// The link a campus's teachers (or the supporters) open.
pub(super) fn link_url(state: &ServerState, link: &SurveyLink) -> String {
    format!("{}/s/{}", state.public_url, link.token)
}

pub(super) fn status_ja(s: &Survey) -> &'static str {
    if s.closed_at.is_some() {
        "締め切り"
    } else {
        "受付中"
    }
}

pub(super) async fn surveys(
    State(state): State<ServerState>,
    headers: HeaderMap,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let (surveys, terms) = state.blocking(|s| Ok((s.surveys()?, s.terms()?))).await?;
    let term_name = |id: Option<i64>| {
        terms
            .iter()
            .find(|t| Some(t.id) == id)
            .map(|t| t.name.clone())
            .unwrap_or_else(|| "—".into())
    };
    let body = html! {
        table data-testid="surveys" {
            thead { tr { th.text { "アンケート" } th.text { "対象" } th.text { "事業期間" } th { "回答" } th.text { "状態" } } }
            tbody {
                @for s in &surveys {
                    tr {
                        td.text { a href=(format!("/surveys/{}", s.id)) { (s.title) } }
                        td.text { (s.audience.ja()) }
                        td.text { (term_name(s.term_id)) }
                        td { (s.responses) "件" }
                        td.text { (status_ja(s)) }
                    }
                }
                @if surveys.is_empty() { tr { td.text colspan="5" { "アンケートはまだありません。" } } }
            }
        }
        @if session.may_change() {
            h2 { "アンケートを作る" }
            form.stack method="post" action="/surveys" data-testid="new-survey" {
                input type="hidden" name="csrf" value=(secret::csrf_token(&sid));
                label { "対象" select name="audience" {
                    option value="teachers" { "教職員向け（キャンパスごとのリンク）" }
                    option value="supporters" { "キャリアサポーター向け" }
                } }
                label { "事業期間" select name="term" {
                    option value="" { "（選ばない）" }
                    @for t in &terms { option value=(t.id) { (t.name) } }
                } }
                button type="submit" { "ひな形から作る" }
            }
            p.note { "ひな形は事業の振り返りで使った質問です。最初の回答が届くまで、質問は自由に変えられます。" }
        }
    };
    Ok(screen("アンケート", &session, &sid, body))
}

pub(super) async fn create_survey(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let audience = Audience::parse(p.form.get("audience").unwrap_or_default())?;
    let term = match nonempty(&p.form.get("term").map(str::to_owned)) {
        Some(t) => Some(t.parse::<i64>().map_err(|_| HqError::BadForm("term"))?),
        None => None,
    };
    let now = state.now();
    let id = state
        .blocking(move |s| s.create_survey(&p.by, term, audience, now))
        .await?;
    Ok(Redirect::to(&format!("/surveys/{id}/edit")).into_response())
}

// ---- questions ----

pub(super) async fn edit_form(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    let id = survey_id(&id)?;
    edit_page(&state, &session, &sid, id, None).await
}

/// Room for this many new questions below the held ones.
const BLANK_QUESTIONS: usize = 2;

async fn edit_page(
    state: &ServerState,
    session: &AdminSession,
    sid: &str,
    id: i64,
    problem: Option<&Problem>,
) -> Result<Response> {
    let survey = state.blocking(move |s| s.survey(id)).await?;
    let rows = survey.questions.len() + BLANK_QUESTIONS;
    let held = |i: usize, f: fn(&salon_hq_store::surveys::Question) -> String| {
        survey.questions.get(i).map(f).unwrap_or_default()
    };
    let value = |name: String, held: String| match problem {
        Some(_) => Problem::value(problem, &name),
        None => held,
    };
    let locked = survey.responses > 0;
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        p { a href=(format!("/surveys/{id}")) { "結果へ" } " ・ " a href=(format!("/surveys/{id}/links")) { "リンク・QRコード・締め切り" } }
        @if locked {
            p.warning data-testid="locked" { "回答が" (survey.responses) "件届いているため、質問は変えられません（届いた回答の意味が変わってしまうためです）。変えるときは、新しいアンケートを作ってください。" }
            ol.questions-read data-testid="questions-read" {
                @for q in &survey.questions {
                    li {
                        strong { (q.text) } " （" (q.kind.ja()) @if q.required { "・必須" } "）"
                        @if !q.options.is_empty() { ul { @for o in &q.options { li { (o) } } } }
                    }
                }
            }
        } @else {
            form.stack.wide method="post" action=(format!("/surveys/{id}/edit")) data-testid="questions-form" {
                input type="hidden" name="csrf" value=(secret::csrf_token(sid));
                label { "題名" input name="title" required maxlength="100" value=(value("title".into(), survey.title.clone())); }
                @for i in 0..rows {
                    @let required = match problem {
                        Some(_) => !Problem::value(problem, &format!("q{i}_required")).is_empty(),
                        None => survey.questions.get(i).is_some_and(|q| q.required),
                    };
                    fieldset data-question=(i) {
                        legend { "質問 " (i + 1) @if i >= survey.questions.len() { "（追加するときだけ入力）" } }
                        label { "質問文（空欄にするとこの質問を削除）" input name=(format!("q{i}_text")) maxlength="300" value=(value(format!("q{i}_text"), held(i, |q| q.text.clone()))); }
                        label { "答え方" select name=(format!("q{i}_kind")) {
                            @let kind = value(format!("q{i}_kind"), held(i, |q| q.kind.code().to_owned()));
                            @for k in QuestionKind::ALL {
                                option value=(k.code()) selected[kind == k.code()] { (k.ja()) }
                            }
                        } }
                        label { "選択肢（1行に1つ。自由記述では不要）"
                            textarea name=(format!("q{i}_options")) rows="4" { (value(format!("q{i}_options"), held(i, |q| q.options.join("\n")))) }
                        }
                        label.check { input type="checkbox" name=(format!("q{i}_required")) value="1" checked[required]; "必須にする（答えないと送れません）" }
                    }
                }
                button type="submit" { "保存" }
            }
        }
    };
    Ok(with_problem(
        problem,
        screen(&format!("質問の編集：{}", survey.title), session, sid, body),
    ))
}

fn questions_of(form: &Form) -> std::result::Result<Vec<QuestionInput>, HqError> {
    let mut out = Vec::new();
    for i in 0..salon_hq_store::surveys::MAX_QUESTIONS + BLANK_QUESTIONS {
        let Some(text) = form.get(&format!("q{i}_text")) else {
            break;
        };
        if text.trim().is_empty() {
            continue;
        }
        let kind = QuestionKind::parse(form.get(&format!("q{i}_kind")).unwrap_or_default())?;
        let options = match kind {
            QuestionKind::Text => Vec::new(),
            _ => form
                .get(&format!("q{i}_options"))
                .unwrap_or_default()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        out.push(QuestionInput {
            kind,
            text: text.to_owned(),
            options,
            required: form.get(&format!("q{i}_required")).is_some(),
        });
    }
    Ok(out)
}

pub(super) async fn save_questions(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id = survey_id(&id)?;
    let title = p.form.get("title").unwrap_or_default().to_owned();
    let by = p.by.clone();
    let now = state.now();
    let result = match questions_of(&p.form) {
        Ok(questions) => {
            state
                .blocking(move |s| s.set_questions(&by, id, &title, &questions, now))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/surveys/{id}/links")).into_response()),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            edit_page(&state, &p.session, &p.sid, id, Some(&problem)).await
        }
    }
}

// ---- links, QR codes, closing ----

pub(super) async fn links(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    let id = survey_id(&id)?;
    let now = state.now();
    let (survey, links, campuses, days) = state
        .blocking(move |s| {
            s.add_campus_links(id, now)?;
            Ok((
                s.survey(id)?,
                s.survey_links(id)?,
                s.campuses()?,
                s.answers_per_day(id)?,
            ))
        })
        .await?;
    let csrf = secret::csrf_token(&sid);
    let name = |code: &Option<String>| match code {
        Some(c) => format!(
            "{c} {}",
            campuses
                .iter()
                .find(|x| &x.code == c)
                .map(|x| x.name.as_str())
                .unwrap_or_default()
        ),
        None => "キャリアサポーター".to_owned(),
    };
    let body = html! {
        p { a href=(format!("/surveys/{id}")) { "結果へ" } " ・ " a href=(format!("/surveys/{id}/edit")) { "質問" } }
        p { "状態：" strong { (status_ja(&survey)) } }
        form.inline method="post" action=(format!("/surveys/{id}/deadline")) data-testid="deadline-form" {
            input type="hidden" name="csrf" value=(csrf);
            label { "回答期限（フォームとQRコードの案内に載ります）" input type="date" name="deadline" value=[survey.deadline.map(|d| d.to_string())]; }
            button type="submit" { "回答期限を保存" }
        }
        @if survey.closed_at.is_none() {
            form method="post" action=(format!("/surveys/{id}/close")) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "アンケート全体を締め切る" }
            }
        } @else if survey.responses == 0 {
            form method="post" action=(format!("/surveys/{id}/reopen")) {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "受付を再開する" }
            }
        }
        table data-testid="survey-links" {
            thead { tr { th.text { "回答する人" } th.text { "リンク" } th { "回答" } th.text { "状態" } th.text {} th.text {} } }
            tbody {
                @for l in &links {
                    tr data-link=(l.id) {
                        td.text { (name(&l.campus_code)) }
                        td.text { code { (link_url(&state, l)) } }
                        td { (l.responses) "件" }
                        td.text { @if l.closed_at.is_some() || survey.closed_at.is_some() { "締め切り" } @else { "受付中" } }
                        td.text { a href=(format!("/surveys/{id}/links/{}/print", l.id)) { "QRコードを印刷" } }
                        td.text {
                            @if survey.closed_at.is_none() {
                                form method="post" action=(format!("/surveys/{id}/links/{}/{}", l.id, if l.closed_at.is_some() { "reopen" } else { "close" })) {
                                    input type="hidden" name="csrf" value=(csrf);
                                    button type="submit" { @if l.closed_at.is_some() { "再開" } @else { "締め切る" } }
                                }
                            }
                        }
                    }
                }
            }
        }
        p.note { "リンクを開くと、アカウントなしで回答できます。名前や所属など、回答した人が分かることは聞きません。" }
        h2 { "日ごとの回答数" }
        p.note { "回答は届いた日だけを記録し、時刻は記録しません。不自然にまとまった回答がないか確かめるときに使ってください。" }
        table data-testid="answers-per-day" {
            thead { tr { th.text { "日付" } th.text { "回答する人" } th { "回答" } } }
            tbody {
                @for d in days.iter().take(200) {
                    @let who = links.iter().find(|l| l.id == d.link_id).map(|l| name(&l.campus_code)).unwrap_or_default();
                    tr { td.text { (html::day_ja(d.day)) } td.text { (who) } td { (d.answers) "件" } }
                }
                @if days.is_empty() { tr { td.text colspan="3" { "回答はまだありません。" } } }
            }
        }
    };
    Ok(screen(
        &format!("リンクとQRコード：{}", survey.title),
        &session,
        &sid,
        body,
    ))
}

/// A QR code of `url` as SVG, drawn by the `qrcode` crate from our own link.
fn qr_svg(url: &str) -> std::result::Result<String, HqError> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|_| HqError::Internal("qr"))?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    // Inline in HTML: the element alone, without the XML declaration before it.
    Ok(svg
        .find("<svg")
        .map(|at| svg[at..].to_owned())
        .unwrap_or(svg))
}

pub(super) async fn print_link(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((id, link)): Path<(String, String)>,
) -> Result<Response> {
    manager(&state, &headers).await?;
    let id = survey_id(&id)?;
    let link = survey_id(&link)?;
    let now = state.now();
    let (survey, links, campuses, org) = state
        .blocking(move |s| {
            s.add_campus_links(id, now)?;
            Ok((
                s.survey(id)?,
                s.survey_links(id)?,
                s.campuses()?,
                s.organisation()?,
            ))
        })
        .await?;
    let l = links
        .iter()
        .find(|l| l.id == link)
        .ok_or(HqError::NotFound)?;
    let url = link_url(&state, l);
    let who = match &l.campus_code {
        Some(c) => format!(
            "{}の教職員の皆さまへ",
            campuses
                .iter()
                .find(|x| &x.code == c)
                .map(|x| x.name.as_str())
                .unwrap_or(c)
        ),
        None => "キャリアサポーターの皆さまへ".to_owned(),
    };
    let body = html! {
        p.no-print {
            a href=(format!("/surveys/{id}/links")) { "リンクの一覧へ戻る" } " ・ "
            button type="button" data-print data-testid="print" { "印刷する" }
        }
        section.print-sheet {
            p.lead { (who) }
            p { "いつも校内キャリアサロンにご協力いただき、ありがとうございます。事業の振り返りのため、アンケートへのご回答をお願いします。回答は匿名で、お名前は伺いません。所要時間は5分ほどです。" }
            @if let Some(d) = survey.deadline {
                p.deadline data-testid="flyer-deadline" { "回答期限：" strong { (html::day_ja(d)) } }
            }
            div.qr data-testid="qr" { (PreEscaped(qr_svg(&url)?)) }
            p { "スマートフォンのカメラで読み取るか、次のアドレスを開いてください。" }
            p.url data-testid="flyer-url" { code { (url) } }
            @if !org.contact.is_empty() || !org.name.is_empty() {
                p data-testid="flyer-contact" { "お問い合わせ：" (org.name) " " (org.contact) }
            }
        }
        script src="/static/print.js" defer {}
    };
    Ok(html::public_page(&survey.title, org.heading(), body).into_response())
}

/// 回答期限: set or cleared.
pub(super) async fn set_deadline(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id = survey_id(&id)?;
    let deadline = match p.form.get("deadline").map(str::trim) {
        None | Some("") => None,
        Some(d) => Some(d.parse::<NaiveDate>().map_err(|_| {
            WebError::new(HqError::BadForm("deadline"), Some((&p.session, &p.sid)))
        })?),
    };
    let now = state.now();
    state
        .blocking(move |s| s.set_deadline(&p.by, id, deadline, now))
        .await?;
    Ok(Redirect::to(&format!("/surveys/{id}/links")).into_response())
}

/// `close` or `reopen` a whole survey.
pub(super) async fn close_survey(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response> {
    set_closed(state, headers, id, None, action, body).await
}

/// `close` or `reopen` one campus's link.
pub(super) async fn close_link(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path((id, link, action)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Response> {
    set_closed(state, headers, id, Some(link), action, body).await
}

/// Closing a survey with answers cannot be undone: said first, and asked once more.
fn confirm_close(survey: &Survey, p: &Posted) -> Response {
    let too_few = survey.responses < crate::survey_results::MIN_ANSWERS;
    let says = html! {
        p data-testid="confirm-close" {
            "「" (survey.title) "」には回答が" (survey.responses) "件届いています。"
            @if too_few {
                strong data-testid="confirm-too-few" {
                    "回答が" (crate::survey_results::MIN_ANSWERS) "件未満のため、締め切っても集計と自由記述は表示されません"
                }
                "（少ない回答からは、答えた人が推測できてしまうためです）。まだ回答を待つときは、締め切らずに戻ってください。"
            } @else {
                "締め切ると、集計と自由記述が見られるようになります。"
            }
            strong { "締め切った後は、受付を再開できません" }
            "（締め切りの前後で集計を比べると、1人の回答が分かってしまうためです）。"
        }
    };
    super::confirm::ask(
        p,
        "アンケートを締め切る",
        &format!("/surveys/{}/close", survey.id),
        says,
        "締め切って集計を見る",
        &format!("/surveys/{}/links", survey.id),
    )
}

async fn set_closed(
    state: ServerState,
    headers: HeaderMap,
    id: String,
    link: Option<String>,
    action: String,
    body: Bytes,
) -> Result<Response> {
    let closed = switch(&action, "close", "reopen")?;
    let p = change(&state, &headers, &body).await?;
    let id = survey_id(&id)?;
    let link = link.map(|l| survey_id(&l)).transpose()?;
    let now = state.now();
    if closed && link.is_none() && !super::confirm::confirmed(&p) {
        let survey = state.blocking(move |s| s.survey(id)).await?;
        if survey.responses > 0 {
            return Ok(confirm_close(&survey, &p));
        }
    }
    state
        .blocking(move |s| s.set_survey_closed(&p.by, id, link, closed, now))
        .await?;
    // A survey closed as a whole has its results to show; a link goes back to the links.
    let to = match (closed, link) {
        (true, None) => format!("/surveys/{id}"),
        _ => format!("/surveys/{id}/links"),
    };
    Ok(Redirect::to(&to).into_response())
}
