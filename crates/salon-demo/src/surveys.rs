//! The term's two surveys, answered over HTTP the way a teacher's phone would (open the link,
//! send the form), with comments taken from the voices the seed published; a few chosen for
//! the funder report.

use anyhow::Context;
use chrono::Utc;
use salon_hq_store::surveys::{Audience, QuestionKind, Survey};
use salon_hq_store::Actor;

const TEACHER_VOICES: [&str; 7] = [
    "当教職員とはまた別視線で生徒をみてもらえ、生徒自身の進路選択能力や自己指導能力を伸ばせていると思いました。",
    "何から考えて良いか分からないといった生徒にアプローチをすることができる点が良いと感じました。回数を重ね、欠席してしまう生徒が多い点が課題でした。",
    "当校を担当してくれたキャリアサポーターの方は、プロ目線かつ親しみやすいお人柄で、生徒側の受け入れもスムーズで、こちらも安心してお任せできました。",
    "教師以外で頼れる場所ができたことが良かったと思います。",
    "進路相談を月1回開催していただき、プロの視点でアドバイスを受けられ私達スタッフも対応方法など勉強になりました。",
    "キャリアサポーターの方がとても細かな所にまで気を配って下さり、生徒目線で対応して下さいました。",
    "求人検索や応募準備を一人で実施するのは生徒にとってハードルが高い為、サポートしていただけてとても助かりました。参加者がもっといるといいなと思います。",
];

const SUPPORTER_VOICES: [&str; 4] = [
    "先生でもない、親でもない、第三の大人として学校に入り、高校生の支援をすることに価値を発揮できたと思います。",
    "先生とは違う立場で生徒と会話ができました。「居場所だと思ってくれる生徒が1人でもいれば、ありがたい」というお話も頂きました。",
    "話すことが苦手だと感じている生徒が、サロンに来てたくさん話をしてくれたことが1番印象に残っています。",
    "相談したいことがあるけど、自分から声をかけることが苦手な子もたくさんいると気づきました。こちらからの声かけが大切だと感じています。",
];

/// Opens the link and sends one answer: `choices[i]` for question i (several for 複数選択可),
/// `comment` for the first free-comment question.
async fn send(
    client: &reqwest::Client,
    url: &str,
    survey: &Survey,
    choices: &[&[usize]],
    comment: Option<&str>,
) -> anyhow::Result<()> {
    let page = client
        .get(url)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let field = "name=\"form_token\" value=\"";
    let at = page.find(field).context("a form")? + field.len();
    let token = &page[at..at + page[at..].find('"').context("form token")?];
    let mut form: Vec<(String, String)> = vec![("form_token".into(), token.into())];
    let mut comment = comment;
    let mut choice = choices.iter();
    for q in &survey.questions {
        let name = format!("q{}", q.id);
        if q.kind == QuestionKind::Text {
            if let Some(text) = comment.take() {
                form.push((name, text.into()));
            }
        } else if let Some(picked) = choice.next() {
            form.extend(picked.iter().map(|c| (name.clone(), c.to_string())));
        }
    }
    let res = client.post(url).form(&form).send().await?;
    anyhow::ensure!(
        res.status().is_success(),
        "a survey answer was refused: {}",
        res.status()
    );
    Ok(())
}

pub(crate) async fn answer(
    base: &str,
    hq: &salon_hq_store::HqStore,
    term: i64,
) -> anyhow::Result<()> {
    let by = Actor::cli();
    let now = Utc::now();
    let client = reqwest::Client::new();
    // What teachers see on the form and the flyer: the NPO as the seed names it.
    hq.set_organisation(
        &by,
        "NPO法人キャリアbase",
        "事務局（千葉県柏市）までお問い合わせください",
        now,
    )?;
    let teachers = hq.create_survey(&by, Some(term), Audience::Teachers, now)?;
    let survey = hq.survey(teachers)?;
    let links = hq.survey_links(teachers)?;
    let mut n = 0usize;
    for (i, link) in links.iter().enumerate() {
        // One to three teachers a campus answered.
        for k in 0..1 + (i * 7 + 3) % 3 {
            let satisfaction = [0, 0, 1, 0, 1, 2][n % 6];
            let valued: &[usize] = [&[0, 3][..], &[1, 2], &[0, 2, 4], &[3, 5], &[2]][n % 5];
            let again = [0, 0, 1, 0, 2][n % 5];
            let hard: &[usize] = [&[0][..], &[3], &[1, 3], &[5], &[2, 4]][n % 5];
            let voice =
                (k == 0 && i % 3 == 0).then(|| TEACHER_VOICES[(i / 3) % TEACHER_VOICES.len()]);
            let url = format!("{base}/s/{}", link.token);
            send(
                &client,
                &url,
                &survey,
                &[&[satisfaction], valued, &[again], hard],
                voice,
            )
            .await?;
            n += 1;
        }
    }
    let supporters = hq.create_survey(&by, Some(term), Audience::Supporters, now)?;
    let survey = hq.survey(supporters)?;
    let link = hq.survey_links(supporters)?.remove(0);
    for (k, voice) in SUPPORTER_VOICES.iter().enumerate() {
        let url = format!("{base}/s/{}", link.token);
        send(&client, &url, &survey, &[&[[0, 0, 1, 0][k]]], Some(voice)).await?;
    }
    for k in 0..2 {
        let url = format!("{base}/s/{}", link.token);
        send(&client, &url, &survey, &[&[k]], None).await?;
    }
    // Closed, so their results show; then three teachers' voices and two supporters' are
    // chosen for the funder report.
    for (survey, wanted) in [(teachers, 3usize), (supporters, 2)] {
        hq.set_survey_closed(&by, survey, None, true, now)?;
        let answers = hq.survey_answers(survey)?;
        for comment in answers.comments.iter().take(wanted) {
            hq.set_featured(&by, survey, &comment.id, true, now)?;
        }
    }
    Ok(())
}
