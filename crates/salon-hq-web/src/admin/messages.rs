//! What the admin web says when it refuses something, in Japanese: one sentence that names
//! what to do, never the text that was sent.

use salon_hq_store::error::HqError;
use salon_hq_store::MIN_PASSWORD_CHARS;

/// The Japanese message for an error shown on a page.
pub(crate) fn message_ja(e: &HqError) -> String {
    match e {
        HqError::BadForm(field) => bad_field_ja(field),
        HqError::AlreadyExists(what) => match *what {
            "campus" => "そのキャンパスコードはすでに登録されています。".into(),
            "admin" => "その名前のアカウントはすでにあります。別の名前にしてください。".into(),
            "term" => "その名前の事業期間はすでにあります。別の名前にしてください。".into(),
            _ => "同じものがすでに登録されています。".into(),
        },
        HqError::Csrf => "この画面の有効期限が切れたか、別のサイトから送られました。画面を読み込み直して、もう一度操作してください。".into(),
        HqError::ManagersOnly => "この操作は管理者だけができます。閲覧者のアカウントでは、数値と報告を見ることができます。".into(),
        HqError::OwnAccount => "自分のアカウントの役割の変更や停止はできません。ほかの管理者に頼んでください。".into(),
        HqError::LastManager => "管理者が1人もいなくなるため、この変更はできません。先にほかのアカウントを管理者にしてください。".into(),
        HqError::WrongPassword => "今のパスワードが違います。".into(),
        HqError::SetupLinkInvalid => "この設定用リンクは使えません（期限切れ、使用済み、またはすでに管理者がいます）。サーバーを起動し直すと新しいリンクが表示されます。".into(),
        HqError::NotFound => "対象が見つかりません。一覧を読み込み直してください。".into(),
        HqError::SurveyAnswered => "回答が届いているため、質問は変えられません。質問を変えるときは、新しいアンケートを作ってください。".into(),
        HqError::SurveyFinal => "回答が届いた後に締め切ったアンケートは、再開できません（締め切りの前後で集計を比べると、1人の回答が分かってしまうためです）。続けて聞くときは、新しいアンケートを作ってください。".into(),
        HqError::SurveyClosed => "このアンケートは締め切りました。ご協力ありがとうございました。".into(),
        HqError::SurveyFormExpired => "この画面の有効期限が切れました。お手数ですが、リンクをもう一度開いて回答してください。".into(),
        HqError::TooManyAttempts { .. } => "試行が多すぎます。15分ほど待ってから、もう一度お試しください。".into(),
        HqError::BodyTooLarge => "送られた内容が大きすぎます。".into(),
        HqError::DiskFull => "サーバーの空き容量が足りないため、保存できませんでした。何も変更されていません。サーバーの担当者に空き容量を確保してもらってから、もう一度お試しください。".into(),
        HqError::Storage(_)
        | HqError::Internal(_)
        | HqError::AuditKey(_)
        | HqError::ImpossibleTotal => {
            "サーバーで問題が起きました。時間をおいてもう一度お試しください。続くときはサーバーの担当者に連絡してください。".into()
        }
        _ => "この内容は受け付けられませんでした。".into(),
    }
}

fn bad_field_ja(field: &str) -> String {
    match field {
        "name" => "名前を1〜100文字で入力してください（改行などの制御文字は使えません）。".into(),
        "supporter" => "キャリアサポーター名を1〜100文字で入力してください。".into(),
        "code" | "campus" => {
            "キャンパスコードは英大文字・数字・「-」で入力してください（例：C-012）。".into()
        }
        "campuses" => {
            "担当キャンパスを1つ以上選んでください（終了したキャンパスは選べません）。".into()
        }
        "password" => format!("パスワードは{MIN_PASSWORD_CHARS}文字以上にしてください。"),
        "password_again" => "確認のパスワードが一致しません。".into(),
        "role" => "役割を選んでください。".into(),
        "period" => "期間は開始月が終了月以前で、10年以内にしてください。".into(),
        "month" => "月は「2024-09」の形で入力してください。".into(),
        "fy" => "年度は2000〜2100の数で選んでください。".into(),
        "day" => "日付は「2025-02-25」の形で入力してください。".into(),
        "days" | "quiet_days" => "日数は1〜365の整数で入力してください。".into(),
        "survey_title" => "アンケートの題名を1〜100文字で入力してください。".into(),
        "questions" => "質問は1〜20問にしてください。".into(),
        "question" => "質問文を1〜300文字で入力してください。".into(),
        "options" => "選択肢は1行に1つ、2〜12個（各100文字まで）で入力してください。".into(),
        "question_kind" => "質問の種類を選んでください。".into(),
        "audience" => "アンケートの対象を選んでください。".into(),
        "term" => "事業期間を選び直してください。".into(),
        "answer" => {
            "回答の内容が質問に合いません。画面を開き直して、もう一度回答してください。".into()
        }
        "comment" => "自由記述は2000文字までで入力してください。".into(),
        "required_answer" => "「必須」の質問に回答してから送ってください（印の付いた質問です）。".into(),
        "org_name" => "団体名は100文字までで入力してください（改行などの制御文字は使えません）。".into(),
        "org_contact" => "連絡先は200文字までで入力してください（改行などの制御文字は使えません）。".into(),
        "deadline" => "回答期限は「2026-12-20」の形で入力するか、空欄にしてください。".into(),
        "blank_answer" => "どの質問にも回答がありません。答えられる質問に回答してから送ってください。".into(),
        "target" => "目標は0以上の整数（100万まで）で入力するか、空欄にしてください。".into(),
        "term_name" => "事業期間の名前を1〜100文字で入力してください。".into(),
        "funder" => "助成元は100文字までで入力してください。".into(),
        "project" => "事業名は200文字までで入力してください（改行などの制御文字は使えません）。".into(),
        "distributor" => "資金分配団体は100文字までで入力してください（改行などの制御文字は使えません）。".into(),
        "path_term_length" => "進路決定を集計する事業期間は1〜12か月にしてください。".into(),
        "path_term_fiscal" => "年度（4月〜翌年3月）の進路決定はいつも集計しているため、選ぶ必要はありません。チェックを外して保存してください。".into(),
        "path_term_overlap" => "進路決定を集計するほかの事業期間と月が重なっています。一人の進路決定が三つ以上の期間で数えられると、生徒を守るノイズが弱まるため、重なる期間は選べません。".into(),
        "path_term_year" => "この年度には、進路決定を集計する事業期間がもう一つあります（上の一覧で「進路決定もこの期間で集計」とある事業期間です）。選べるのは一つの年度（4月〜翌年3月）につき一つまでです。「この事業期間でも進路決定を集計する」のチェックを外して保存してください。まだ何も保存していません。".into(),
        "path_term_late" => "この期間の末日の7日後をもう過ぎています。選ぶと、各パソコンが次の送信からこの期間の進路決定を送り始め、そのあとは取り消せません。それでよければ、もう一度「保存」を押してください。やめるときは、チェックを外して保存してください。".into(),
        "path_term_released" => "この事業期間の進路決定は、すでに各パソコンから届き始めています（期間の末日の7日後から）。月を変えることも、集計をやめることもできません。変えると一人の進路決定が三つ目の期間で数えられ、生徒を守るノイズが弱まるためです。".into(),
        _ => "入力に誤りがあります。内容を確かめてください。".into(),
    }
}
