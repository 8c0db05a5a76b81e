//! キャリアサポーター別: salons held, hours and campuses per supporter's device in the period
//! (for dispatch and 謝金), and the enrolled campuses with no salon yet. Managers only.

use salon_hq_store::SupporterTotals;

use super::shared::*;

fn hours(minutes: u64) -> String {
    format!("{}時間{:02}分", minutes / 60, minutes % 60)
}

pub(super) fn supporters_box(totals: &[SupporterTotals], without: &[(String, String)]) -> Markup {
    html! {
        h2 { "キャリアサポーター別（派遣・謝金の確認用）" }
        div.scroll tabindex="0" role="region" aria-label="キャリアサポーター別の表（横にスクロールできます）" { table data-testid="supporters" {
            thead { tr { th.text { "キャリアサポーター" } th { "端末" } th { "実施回数" } th { "実施時間" } th.text { "キャンパス" } } }
            tbody {
                @for t in totals {
                    tr {
                        td.text { (t.supporter) }
                        td { (t.device_id) }
                        td { (num(t.sessions)) "回" }
                        td { (hours(t.minutes)) }
                        td.text { (t.campuses.join("、")) }
                    }
                }
                @if totals.is_empty() { tr { td.text colspan="5" { "この期間のサロンはまだありません。" } } }
            }
        } }
        p.note { "実施時間はサロンを開いてから閉じるまでの時間の合計です。1台の端末を1人のキャリアサポーターが使う前提で数えています。" }
        @if !without.is_empty() {
            section.warning data-testid="campuses-without-salon" {
                h2 { "登録済みでサロンのないキャンパス" }
                p { "次のキャンパスは端末に登録されていますが、この期間にサロンの記録が届いていません。" }
                ul { @for (code, name) in without { li { (code) " " (name) } } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_read_as_japanese() {
        assert_eq!(hours(0), "0時間00分");
        assert_eq!(hours(185), "3時間05分");
        assert_eq!(hours(741 * 60), "741時間00分");
    }
}
