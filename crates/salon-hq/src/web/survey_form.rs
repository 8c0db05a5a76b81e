//! The survey form a teacher or supporter opens from a link or QR code: no account, nothing
//! asked that names the person, Japanese, phone-sized. Each opened form carries a nonce good
//! for one answer; answers from one address and through one link are limited per hour.

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

fn render(survey: &Survey, token: &str, nonce: &str, problem: Option<&str>) -> Response {
    let body = html! {
        (alert(problem))
        p.lead { "回答は匿名です。お名前や所属は伺いません。答えたくない質問は空欄のままで構いません。" }
        form.survey method="post" action=(format!("/s/{token}")) data-testid="survey-form" {
            input type="hidden" name="nonce" value=(nonce);
            @for (i, q) in survey.questions.iter().enumerate() {
                fieldset.question {
                    legend { "Q" (i + 1) ". " (q.text) }
                    @match q.kind {
                        QuestionKind::Text => {
                            textarea name=(format!("q{}", q.id)) rows="5" maxlength="2000" aria-label=(q.text) {}
                        }
                        kind => {
                            @for (j, o) in q.options.iter().enumerate() {
                                label.choice {
                                    @if kind == QuestionKind::Multi {
                                        input type="checkbox" name=(format!("q{}", q.id)) value=(j);
                                    } @else {
                                        input type="radio" name=(format!("q{}", q.id)) value=(j);
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

pub(super) async fn survey_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let Some((link, survey)) = find(&state, &token).await? else {
        return Ok(closed_page(
            StatusCode::NOT_FOUND,
            HqError::SurveyFormExpired,
        ));
    };
    if link.closed_at.is_some() || survey.closed_at.is_some() {
        return Ok(closed_page(StatusCode::GONE, HqError::SurveyClosed));
    }
    let now = state.now();
    let nonce = state.blocking(move |s| s.open_form(link.id, now)).await?;
    Ok(render(&survey, &token, &nonce, None))
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
        return Ok(closed_page(
            StatusCode::NOT_FOUND,
            HqError::SurveyFormExpired,
        ));
    };
    let form = Form::parse(&body);
    let nonce = form.get("nonce").unwrap_or_default().to_owned();
    let answers = match answers_of(&survey, &form) {
        Ok(a) => a,
        Err(e) => {
            return Ok((
                StatusCode::BAD_REQUEST,
                render(&survey, &token, &nonce, Some(&message_ja(&e))),
            )
                .into_response())
        }
    };
    let mut keys = vec![Key::survey_link(link.id)];
    keys.extend(peer.map(Key::survey_peer));
    let attempt = match state.throttle.begin(keys, state.now()) {
        Ok(a) => a,
        Err(_) => {
            let body = html! { p.notice role="alert" data-testid="too-many" { "短い時間に多くの回答が届いたため、しばらく受け付けを止めています。1時間ほどおいてから、もう一度お試しください。" } };
            return Ok((
                StatusCode::TOO_MANY_REQUESTS,
                form_page(&survey.title, body),
            )
                .into_response());
        }
    };
    let now = state.now();
    let link_id = link.id;
    let result = state
        .blocking(move |s| s.submit(link_id, &nonce, &answers, now))
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
        Err(e @ HqError::BadForm(_)) => {
            let nonce = form.get("nonce").unwrap_or_default();
            Ok((
                StatusCode::BAD_REQUEST,
                render(&survey, &token, nonce, Some(&message_ja(&e))),
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
