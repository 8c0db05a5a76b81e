//! The seed's two surveys as templates: the questions its review asked teachers and
//! supporters. The choices of the multiple-choice questions are drawn from what the teachers
//! and supporters themselves wrote in the review; every question is editable before the first
//! answer.

use super::survey_types::{Audience, QuestionInput, QuestionKind};

/// 満足度, as the seed asks it.
const SATISFACTION: [&str; 5] = [
    "とても満足",
    "満足",
    "どちらともいえない",
    "やや不満",
    "不満",
];

fn question(kind: QuestionKind, text: &str, options: &[&str]) -> QuestionInput {
    QuestionInput {
        kind,
        text: text.to_owned(),
        options: options.iter().map(|o| o.to_string()).collect(),
        // 満足度 is what the review reports for every survey; the rest may be left blank.
        required: kind == QuestionKind::Scale,
    }
}

/// The title and questions a new survey for `audience` starts with.
pub fn template(audience: Audience) -> (String, Vec<QuestionInput>) {
    match audience {
        Audience::Teachers => (
            "校内キャリアサロン 教職員向けアンケート".to_owned(),
            vec![
                question(
                    QuestionKind::Scale,
                    "校内キャリアサロンに対する満足度を教えてください。",
                    &SATISFACTION,
                ),
                question(
                    QuestionKind::Multi,
                    "校内キャリアサロンのどのような点に価値を感じましたか？（複数選択可）",
                    &[
                        "教職員とは別の視点で生徒を見てもらえる",
                        "何から考えてよいか分からない生徒にアプローチできる",
                        "専門家（キャリアコンサルタント等）の視点で助言がもらえる",
                        "生徒が教職員以外に頼れる場所ができた",
                        "求人検索や応募書類の準備を支援してもらえる",
                        "教職員も生徒への対応方法を学べる",
                        "その他",
                    ],
                ),
                question(
                    QuestionKind::Single,
                    "来年も継続して校内キャリアサロンを利用したいと思いますか？",
                    &[
                        "継続したい",
                        "どちらかといえば継続したい",
                        "どちらともいえない",
                        "継続したくない",
                    ],
                ),
                question(
                    QuestionKind::Multi,
                    "校内キャリアサロンを実施する上で、難しかったと感じた点はありますか？（複数選択可）",
                    &[
                        "サロンの実施場所の確保",
                        "開催回数・日程の調整",
                        "生徒への周知・参加の呼びかけ",
                        "予約した生徒の欠席",
                        "教職員との情報共有",
                        "特になし",
                        "その他",
                    ],
                ),
                question(
                    QuestionKind::Text,
                    "校内キャリアサロンについて、ご意見・ご感想をお聞かせください。",
                    &[],
                ),
            ],
        ),
        Audience::Supporters => (
            "校内キャリアサロン キャリアサポーター向けアンケート".to_owned(),
            vec![
                question(
                    QuestionKind::Scale,
                    "校内キャリアサロンの活動に参画してみての満足度を教えてください。",
                    &SATISFACTION,
                ),
                question(
                    QuestionKind::Text,
                    "校内キャリアサロンにおいて、キャリアサポーターとしてどのような価値を発揮できたと思いますか？",
                    &[],
                ),
                question(
                    QuestionKind::Text,
                    "活動に対する振り返り（印象に残ったこと、課題に感じたこと）をお聞かせください。",
                    &[],
                ),
            ],
        ),
    }
}
