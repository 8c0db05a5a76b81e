//! The survey form a teacher or supporter opens from a link or QR code: no account, nothing
//! asked that names the person, Japanese, phone-sized, headed with the NPO's name and ending
//! with its contact. Each opened form carries a signed token good for one answer (opening it
//! writes nothing); forms opened from one address, and answers from one address and through
//! one link, are limited per hour. A form sent blank, or without a required answer, comes back
//! with what was chosen and the questions marked.

use crate::throttle::Key;
use salon_hq_store::surveys::{AnswerInput, Question, QuestionKind, Submitted, Survey, SurveyLink};
use salon_hq_store::Organisation;

use super::shared::*;

/// What every page of the form is headed and signed with.
fn form_page(org: &Organisation, title: &str, status: StatusCode, body: Markup) -> Response {
    let body = html! {
        (body)
        @if !org.contact.is_empty() {
            p.note data-testid="contact" { "お問い合わせ：" (org.name) " " (org.contact) }
        }
    };
    (status, html::public_page(title, org.heading(), body)).into_response()
}

fn notice(org: &Organisation, status: StatusCode, testid: &str, text: &str) -> Response {
    let body = html! { p.notice role="alert" data-testid=(testid) { (text) } };
    form_page(org, "アンケート", status, body)
}

/// A short link as typed from a printed flyer: its alphabet has no 0 or 1 and is upper case,
/// so a lower-case letter, a zero for O and a one for I still find it. Longer tokens (links
/// made before short ones) are taken as they are.
fn as_typed(token: &str) -> String {
    if token.len() == salon_hq_store::secret::CODE_LEN {
        token
            .to_ascii_uppercase()
            .replace('0', "O")
            .replace('1', "I")
    } else {
        token.to_owned()
    }
}

async fn find(
    state: &ServerState,
    token: &str,
) -> Result<(Organisation, Option<(SurveyLink, Survey)>)> {
    let t = as_typed(token);
    Ok(state
        .blocking(move |s| {
            let found = if t.len() > 100 {
                None
            } else {
                s.link_by_token(&t)?
            };
            Ok((s.organisation()?, found))
        })
        .await?)
}

/// Whether a required question was left blank in what was sent.
fn missing(q: &Question, sent: Option<&Form>) -> bool {
    let Some(f) = sent else {
        return false;
    };
    let name = format!("q{}", q.id);
    q.required && f.all(&name).all(|v| v.trim().is_empty())
}

/// The form, filled in with what was sent before when it comes back with a problem.
fn render(
    org: &Organisation,
    survey: &Survey,
    token: &str,
    form_token: &str,
    sent: Option<&Form>,
    problem: Option<&str>,
) -> Response {
    let chosen =
        |name: &str, j: usize| sent.is_some_and(|f| f.all(name).any(|v| v == j.to_string()));
    let body = html! {
        (alert(problem))
        p.lead { "回答は匿名です。お名前や所属は伺いません。「必須」の質問のほかは、答えたくなければ空欄のままで構いません。" }
        @if let Some(d) = survey.deadline {
            p data-testid="deadline" { "回答期限：" strong { (html::day_ja(d)) } }
        }
        form.survey method="post" action=(format!("/s/{token}")) data-testid="survey-form" {
            input type="hidden" name="form_token" value=(form_token);
            @for (i, q) in survey.questions.iter().enumerate() {
                @let name = format!("q{}", q.id);
                fieldset.question.missing[missing(q, sent)] {
                    legend { "Q" (i + 1) ". " (q.text) @if q.required { " " span.required { "必須" } } }
                    @if missing(q, sent) { p.error { "この質問は必須です。" } }
                    @match q.kind {
                        QuestionKind::Text => {
                            textarea name=(name) rows="5" maxlength="2000" aria-label=(q.text) required[q.required] { (sent.and_then(|f| f.get(&name)).unwrap_or_default()) }
                        }
                        kind => {
                            @for (j, o) in q.options.iter().enumerate() {
                                label.choice {
                                    @if kind == QuestionKind::Multi {
                                        input type="checkbox" name=(name) value=(j) checked[chosen(&name, j)];
                                    } @else {
                                        input type="radio" name=(name) value=(j) checked[chosen(&name, j)] required[q.required];
                                    }
                                    span { (o) }
                                }
                            }
                        }
                    }
                }
            }
            button.send type="submit" { "回答を送る" }
        }
    };
    form_page(org, &survey.title, StatusCode::OK, body)
}

fn unknown_link(org: &Organisation) -> Response {
    notice(
        org,
        StatusCode::NOT_FOUND,
        "form-unknown",
        "このアドレスのアンケートは見つかりません。QRコードを読み直すか、届いた案内のアドレスをもう一度確かめてください。",
    )
}

fn too_many(org: &Organisation) -> Response {
    notice(
        org,
        StatusCode::TOO_MANY_REQUESTS,
        "too-many",
        "短い時間にこの接続元から多くのアクセスがあったため、しばらく受け付けを止めています。1時間ほどおいてから、もう一度お試しください。",
    )
}

pub(super) async fn survey_form(
    State(state): State<ServerState>,
    Peer(peer): Peer,
    Path(token): Path<String>,
) -> Result<Response> {
    // Every opening counts: a page view costs a signature, never a write.
    let opened = match peer {
        Some(ip) => state
            .throttle
            .begin(vec![Key::survey_open(ip)], state.now())
            .map(|opened| opened.failed(state.now()))
            .is_ok(),
        None => true,
    };
    let (org, found) = find(&state, &token).await?;
    if !opened {
        return Ok(too_many(&org));
    }
    let Some((link, survey)) = found else {
        return Ok(unknown_link(&org));
    };
    if link.closed_at.is_some() || survey.closed_at.is_some() {
        let text = message_ja(&HqError::SurveyClosed);
        return Ok(notice(&org, StatusCode::GONE, "form-closed", &text));
    }
    let now = state.now();
    let form_token = state.blocking(move |s| s.form_token(link.id, now)).await?;
    Ok(render(&org, &survey, &token, &form_token, None, None))
}

fn answers_of(
    survey: &Survey,
    form: &Form,
) -> std::result::Result<Vec<(i64, AnswerInput)>, HqError> {
    survey
        .questions
        .iter()
        .map(|q| {
            let name = format!("q{}", q.id);
            let answer = match q.kind {
                QuestionKind::Text => {
                    AnswerInput::Text(form.get(&name).unwrap_or_default().to_owned())
                }
                _ => AnswerInput::Choices(
                    form.all(&name)
                        .map(|v| v.parse::<usize>().map_err(|_| HqError::BadForm("answer")))
                        .collect::<std::result::Result<_, _>>()?,
                ),
            };
            Ok((q.id, answer))
        })
        .collect()
}

pub(super) async fn submit_survey(
    State(state): State<ServerState>,
    Peer(peer): Peer,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let (org, found) = find(&state, &token).await?;
    let Some((link, survey)) = found else {
        return Ok(unknown_link(&org));
    };
    let form = Form::parse(&body);
    let form_token = form.get("form_token").unwrap_or_default().to_owned();
    let refused = |e: &HqError| {
        let page = render(
            &org,
            &survey,
            &token,
            &form_token,
            Some(&form),
            Some(&message_ja(e)),
        );
        (StatusCode::BAD_REQUEST, page).into_response()
    };
    let answers = match answers_of(&survey, &form) {
        Ok(a) => a,
        Err(e) => return Ok(refused(&e)),
    };
    let mut keys = vec![Key::survey_link(link.id)];
    keys.extend(peer.map(Key::survey_peer));
    let attempt = match state.throttle.begin(keys, state.now()) {
        Ok(a) => a,
        Err(_) => return Ok(too_many(&org)),
    };
    let now = state.now();
    let link_id = link.id;
    let sent_token = form_token.clone();
    let result = state
        .blocking(move |s| s.submit(link_id, &sent_token, &answers, now))
        .await;
    match result {
        Ok(Submitted::Stored) => attempt.failed(state.now()),
        _ => attempt.abandon(),
    }
    match result {
        Ok(_) => Ok(form_page(
            &org,
            &survey.title,
            StatusCode::OK,
            html! { p.notice role="status" data-testid="thanks" { "ご回答ありがとうございました。回答を受け付けました。" } },
        )),
        Err(e @ (HqError::SurveyClosed | HqError::SurveyFormExpired)) => Ok(notice(
            &org,
            StatusCode::GONE,
            "form-closed",
            &message_ja(&e),
        )),
        Err(e @ HqError::BadForm(_)) => Ok(refused(&e)),
        Err(e) => Err(e.into()),
    }
}
