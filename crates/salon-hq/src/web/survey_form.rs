//! The survey form a teacher or supporter opens from a link or QR code: no account, nothing
//! asked that names the person, Japanese, phone-sized. Each opened form carries a signed token
//! good for one answer (opening it writes nothing); forms opened from one address, and answers
//! from one address and through one link, are limited per hour.

use crate::store::surveys::{AnswerInput, QuestionKind, Submitted, Survey, SurveyLink};
use crate::throttle::Key;

use super::*;

fn form_page(title: &str, body: Markup) -> Response {
    page(title, None, body).into_response()
}

fn closed_page(status: StatusCode, error: HqError) -> Response {
    (
        status,
        form_page(
            "アンケート",
            html! { p.notice role="alert" data-testid="form-closed" { (message_ja(&error)) } },
        ),
    )
        .into_response()
}

async fn find(state: &AppState, token: &str) -> Result<Option<(SurveyLink, Survey)>> {
    if token.len() > 100 {
        return Ok(None);
    }
    let t = token.to_owned();
    Ok(state.blocking(move |s| s.link_by_token(&t)).await?)
}

/// The form, filled in with what was sent before when it comes back with a problem.
fn render(
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
        p.lead { "回答は匿名です。お名前や所属は伺いません。答えたくない質問は空欄のままで構いません。" }
        form.survey method="post" action=(format!("/s/{token}")) data-testid="survey-form" {
            input type="hidden" name="form_token" value=(form_token);
            @for (i, q) in survey.questions.iter().enumerate() {
                fieldset.question {
                    legend { "Q" (i + 1) ". " (q.text) }
                    @match q.kind {
                        QuestionKind::Text => {
                            @let name = format!("q{}", q.id);
                            textarea name=(name) rows="5" maxlength="2000" aria-label=(q.text) { (sent.and_then(|f| f.get(&name)).unwrap_or_default()) }
                        }
                        kind => {
                            @for (j, o) in q.options.iter().enumerate() {
                                label.choice {
                                    @let name = format!("q{}", q.id);
                                    @if kind == QuestionKind::Multi {
                                        input type="checkbox" name=(name) value=(j) checked[chosen(&name, j)];
                                    } @else {
                                        input type="radio" name=(name) value=(j) checked[chosen(&name, j)];
                                    }
                                    " " (o)
                                }
                            }
                        }
                    }
                }
            }
            button.send type="submit" { "回答を送る" }
        }
    };
    form_page(&survey.title, body)
}

fn unknown_link() -> Response {
    (
        StatusCode::NOT_FOUND,
        form_page(
            "アンケート",
            html! { p.notice role="alert" data-testid="form-unknown" { "このアドレスのアンケートは見つかりません。QRコードを読み直すか、届いた案内のアドレスをもう一度確かめてください。" } },
        ),
    )
        .into_response()
}

fn too_many(title: &str) -> Response {
    let body = html! { p.notice role="alert" data-testid="too-many" { "短い時間にこの接続元から多くのアクセスがあったため、しばらく受け付けを止めています。1時間ほどおいてから、もう一度お試しください。" } };
    (StatusCode::TOO_MANY_REQUESTS, form_page(title, body)).into_response()
}

pub(super) async fn survey_form(
    State(state): State<AppState>,
    Peer(peer): Peer,
    Path(token): Path<String>,
) -> Result<Response> {
    // Every opening counts: a page view costs a signature, never a write.
    if let Some(ip) = peer {
        match state
            .throttle
            .begin(vec![Key::survey_open(ip)], state.now())
        {
            Ok(opened) => opened.failed(state.now()),
            Err(_) => return Ok(too_many("アンケート")),
        }
    }
    let Some((link, survey)) = find(&state, &token).await? else {
        return Ok(unknown_link());
    };
    if link.closed_at.is_some() || survey.closed_at.is_some() {
        return Ok(closed_page(StatusCode::GONE, HqError::SurveyClosed));
    }
    let now = state.now();
    let form_token = state.blocking(move |s| s.form_token(link.id, now)).await?;
    Ok(render(&survey, &token, &form_token, None, None))
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
    State(state): State<AppState>,
    Peer(peer): Peer,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let Some((link, survey)) = find(&state, &token).await? else {
        return Ok(unknown_link());
    };
    let form = Form::parse(&body);
    let form_token = form.get("form_token").unwrap_or_default().to_owned();
    let refused = |e: &HqError| {
        (
            StatusCode::BAD_REQUEST,
            render(
                &survey,
                &token,
                &form_token,
                Some(&form),
                Some(&message_ja(e)),
            ),
        )
            .into_response()
    };
    let answers = match answers_of(&survey, &form) {
        Ok(a) => a,
        Err(e) => return Ok(refused(&e)),
    };
    let mut keys = vec![Key::survey_link(link.id)];
    keys.extend(peer.map(Key::survey_peer));
    let attempt = match state.throttle.begin(keys, state.now()) {
        Ok(a) => a,
        Err(_) => return Ok(too_many(&survey.title)),
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
            &survey.title,
            html! { p.notice role="status" data-testid="thanks" { "ご回答ありがとうございました。回答を受け付けました。" } },
        )),
        Err(e @ (HqError::SurveyClosed | HqError::SurveyFormExpired)) => {
            Ok(closed_page(StatusCode::GONE, e))
        }
        Err(e @ HqError::BadForm(_)) => Ok(refused(&e)),
        Err(e) => Err(e.into()),
    }
}
