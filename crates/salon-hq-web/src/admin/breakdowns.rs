//! The breakdowns under noise as the dashboard and the funder report show them: visits by route
//! and by topic over the whole period, each a count and a share with its 95 % interval; for a
//! calendar period, path decisions by kind and the students who came about 家庭のこと or
//! 心身の不調; and a plain-Japanese note of what was done to them and what is not yet in them.

use salon_figures::{Estimate, NoisyBreakdowns};
use salon_figures::{PathEstimates, PeriodEstimate};

use super::shared::*;

/// A section's heading: h3 inside the funder report (under its own h2), h2 on the dashboard.
fn heading(in_report: bool, text: &str) -> Markup {
    html! { @if in_report { h3 { (text) } } @else { h2 { (text) } } }
}

/// A share as shown, with its approximate interval's half-width: none for a share clipped at
/// 0 % or 100 %, where a symmetric interval around the clipped value would mislead.
fn shown(share: Option<(f64, f64)>) -> Option<(f64, Option<f64>)> {
    share.map(|(s, m)| (s, (s > 0.0 && s < 100.0).then_some(m)))
}

/// The margin cell: "±3.6ポイント", or "—" where a share has none.
fn margin_cell(margin: Option<f64>) -> String {
    margin.map(points).unwrap_or_else(|| "—".into())
}

/// An interval's half-width to one decimal, never shown as 0.
fn margin_text(margin: f64) -> String {
    format!("{:.1}", margin.max(0.1))
}

/// "±3.6ポイント".
fn points(margin: f64) -> String {
    format!("±{}ポイント", margin_text(margin))
}

fn estimate_rows<C: Copy>(
    n: &NoisyBreakdowns,
    estimates: &[Estimate<C>],
    name: impl Fn(C) -> &'static str,
    key: impl Fn(C) -> &'static str,
) -> Markup {
    html! {
        @for e in estimates {
            @let share = shown(e.share(n.visits));
            tr data-testid=(format!("noisy-{}", key(e.code))) data-count=(e.count())
                data-share=[share.map(|(s, _)| format!("{s:.1}"))]
                data-margin=[share.and_then(|(_, m)| m).map(|m| format!("{m:.1}"))] {
                th.text scope="row" { (name(e.code)) }
                td { "約" (num(e.count())) "件" }
                @match share {
                    Some((s, m)) => { td { (format!("{s:.1}%")) } td { (margin_cell(m)) } }
                    None => { td { "—" } td { "—" } }
                }
            }
        }
    }
}

/// The breakdowns under noise as CSV rows: (区分, 項目, 件数（推計）, 割合（%）, 誤差の目安（近似、ポイント）),
/// the same numbers as the tables, to one decimal; none before anything is released.
pub(super) fn noisy_csv_rows(n: &NoisyBreakdowns) -> Vec<[String; 5]> {
    fn rows<C: Copy>(
        n: &NoisyBreakdowns,
        what: &str,
        estimates: &[Estimate<C>],
        name: impl Fn(C) -> &'static str,
    ) -> Vec<[String; 5]> {
        estimates
            .iter()
            .map(|e| {
                let share = shown(e.share(n.visits));
                [
                    what.to_owned(),
                    name(e.code).to_owned(),
                    e.count().to_string(),
                    share.map(|(s, _)| format!("{s:.1}")).unwrap_or_default(),
                    share
                        .and_then(|(_, m)| m)
                        .map(margin_text)
                        .unwrap_or_default(),
                ]
            })
            .collect()
    }
    let mut out = Vec::new();
    if n.releases > 0 {
        out.extend(rows(n, "来談経路（推計）", &n.by_route, html::route_ja));
        out.extend(rows(n, "相談内容（推計）", &n.by_topic, html::topic_ja));
    }
    if let Some(p) = n.paths.as_ref().filter(|p| p.releases > 0) {
        out.extend(period_rows("進路決定（推計）", &p.by_path, html::path_ja));
    }
    if let Some(s) = n
        .paths
        .as_ref()
        .map(|p| &p.sensitive)
        .filter(|s| s.releases > 0)
    {
        let what = "家庭のこと・心身の不調（推計、人）";
        let met = s.students_shown().to_string();
        out.push([
            what.to_owned(),
            "期間中に会った生徒".to_owned(),
            met,
            String::new(),
            String::new(),
        ]);
        out.extend(period_rows(what, &s.by_topic, html::topic_ja));
    }
    out
}

fn period_rows<C: Copy>(
    what: &str,
    estimates: &[PeriodEstimate<C>],
    name: impl Fn(C) -> &'static str,
) -> Vec<[String; 5]> {
    estimates
        .iter()
        .map(|e| {
            let share = shown(e.share);
            [
                what.to_owned(),
                name(e.code).to_owned(),
                e.count().to_string(),
                share.map(|(s, _)| format!("{s:.1}")).unwrap_or_default(),
                share
                    .and_then(|(_, m)| m)
                    .map(margin_text)
                    .unwrap_or_default(),
            ]
        })
        .collect()
}

/// A period's estimates as table rows: `testid` names each row, `unit` counts (件 or 人).
fn period_table_rows<C: Copy>(
    estimates: &[PeriodEstimate<C>],
    name: impl Fn(C) -> &'static str,
    testid: impl Fn(C) -> String,
    unit: &str,
) -> Markup {
    html! {
        @for e in estimates {
            @let share = shown(e.share);
            tr data-testid=(testid(e.code)) data-count=(e.count())
                data-share=[share.map(|(s, _)| format!("{s:.1}"))]
                data-margin=[share.and_then(|(_, m)| m).map(|m| format!("{m:.1}"))] {
                th.text scope="row" { (name(e.code)) }
                td { "約" (num(e.count())) (unit) }
                @match share {
                    Some((s, m)) => { td { (format!("{s:.1}%")) } td { (margin_cell(m)) } }
                    None => { td { "—" } td { "—" } }
                }
            }
        }
    }
}

/// 家庭のこと and 心身の不調 of a calendar period: how many of the students met came about each.
fn sensitive_section(p: &PathEstimates, in_report: bool) -> Markup {
    let s = &p.sensitive;
    let title = format!(
        "家庭のこと・心身の不調（{}）",
        salon_figures::labels::period_name(p.period.from, p.period.to)
    );
    html! {
        section.noisy data-testid="noisy-sensitive" data-releases=(s.releases)
            data-students=(s.students_shown()) {
            (heading(in_report, &title))
            @if s.releases == 0 {
                p.note data-testid="sensitive-awaiting-all" {
                    "この期間の家庭のこと・心身の不調は届いていません。各端末は、年度ごとと、一つの年度に重なる助成元の期間のうち最初の一つについてだけ送ります（生徒一人ひとりが何度も数えられないようにするためです）。年度の表をご覧ください。"
                }
            } @else {
                div.scroll tabindex="0" role="region" aria-label="家庭のこと・心身の不調の表（横にスクロールできます）" { table.noisy data-testid="noisy-sensitive-table" {
                    thead { tr { th.text { "相談内容" } th { "人数（推計）" } th { "会った生徒に占める割合" } th { "誤差の目安（近似）" } } }
                    tbody {
                        (period_table_rows(&s.by_topic, html::topic_ja, |t| format!("noisy-sensitive-{}", t.code()), "人"))
                    }
                } }
                p.note data-testid="sensitive-note" {
                    "割合は、この期間に各端末がサロンで会った、名前を記録した生徒（推計 約" (num(s.students_shown())) "名。名前のない来談は数えません）に対するものです。"
                    "家庭のこと・心身の不調は特に慎重に扱う相談のため、月ごとには送られません。各端末は、この期間に一度でもその相談で来た生徒を一人一回だけ数え、ノイズを加えてから送っています（"
                    (s.releases) "台分）。一人ひとりのことは分かりません。"
                }
            }
        }
    }
}

/// Path decisions by kind for a calendar period, or why a view states none.
fn path_section(paths: Option<&PathEstimates>, in_report: bool) -> Markup {
    let title = |p: &PathEstimates| {
        format!(
            "進路決定（{}）",
            salon_figures::labels::period_name(p.period.from, p.period.to)
        )
    };
    html! {
        section.noisy data-testid="noisy-paths" data-releases=[paths.map(|p| p.releases)]
            data-total=[paths.map(|p| p.total)] {
            @match paths {
                None => {
                    (heading(in_report, "進路決定"))
                    p.note data-testid="paths-not-stated" {
                        "進路決定と、家庭のこと・心身の不調は、年度（4月〜翌年3月）と、「事業期間と目標」で進路決定の集計を選んだ事業期間についてだけ示します。"
                        "生徒を守るため、各端末はこれらをその期間ごとにまとめて送っているからです。"
                    }
                }
                Some(p) => {
                    (heading(in_report, &title(p)))
                    @if p.releases == 0 {
                        p.note data-testid="paths-awaiting-all" {
                            "この期間の進路決定はまだ届いていません（期間の末日の7日後と49日後に、各端末から届きます）。"
                        }
                    } @else {
                        div.scroll tabindex="0" role="region" aria-label="進路決定の表（横にスクロールできます）" { table.noisy data-testid="noisy-path-table" {
                            thead { tr { th.text { "進路" } th { "件数（推計）" } th { "割合" } th { "誤差の目安（近似）" } } }
                            tbody {
                                (period_table_rows(&p.by_path, html::path_ja, |k| format!("noisy-path-{}", k.code()), "件"))
                            }
                        } }
                        p.note data-testid="paths-note" {
                            "割合は、進路決定の推計の合計（約" (num(p.total)) "件）に対するものです。"
                            "各端末は、サロンで会った生徒の進路決定を、この期間の担当キャンパス全体でまとめ、種類ごとにノイズを加えてから送っています（"
                            (p.releases) "台分）。一人ひとりの進路は分かりません。「誤差の目安」は近似で求めた幅で、真の割合はおよそ95%の確率でこの中にあります（0%・100%と示した項目には付けません）。"
                        }
                        @if p.awaiting > 0 {
                            p.note data-testid="paths-awaiting" {
                                "この期間にサロンを開いた端末のうち" (p.awaiting) "台からは、まだ届いていません（上の数には含まれていません）。"
                            }
                        }
                    }
                }
            }
        }
        @if let Some(p) = paths.filter(|p| p.releases > 0) { (sensitive_section(p, in_report)) }
    }
}

/// Both tables and their note, under h2 headings on the dashboard and h3 in the report.
pub(super) fn noisy_breakdowns(n: &NoisyBreakdowns, in_report: bool) -> Markup {
    let head = |what: &str| {
        html! {
            thead { tr { th.text { (what) } th { "件数（推計）" } th { "割合" } th { "誤差の目安（近似）" } } }
        }
    };
    html! {
        section.noisy data-testid="noisy-breakdowns" data-visits=(n.visits) data-releases=(n.releases) {
            @if in_report { h3 { "来談経路" } } @else { h2 { "来談経路（期間全体）" } }
            @if n.releases == 0 {
                p.note { "この期間の内訳はまだ届いていません（各月の内訳は月末の7日後に届きます）。" }
            } @else {
                div.scroll tabindex="0" role="region" aria-label="来談経路の表（横にスクロールできます）" { table.noisy data-testid="noisy-routes" {
                    (head("来談経路"))
                    tbody { (estimate_rows(n, &n.by_route, html::route_ja, |r| r.code())) }
                } }
                @if in_report { h3 { "相談内容" } } @else { h2 { "相談内容（期間全体）" } }
                div.scroll tabindex="0" role="region" aria-label="相談内容の表（横にスクロールできます）" { table.noisy data-testid="noisy-topics" {
                    (head("相談内容"))
                    tbody { (estimate_rows(n, &n.by_topic, html::topic_ja, |t| t.code())) }
                } }
                p.note data-testid="noisy-note" {
                    "割合は、内訳が届いた月の利用人数（延べ）" (num(n.visits)) "名に対するものです。"
                    "生徒一人ひとりが推測されないよう、各端末は月ごとの内訳に小さなランダムな数（ノイズ）を加えてから送っています。"
                    "ここに示す件数と割合は全キャンパス・全月を合計した推計です。「誤差の目安」は近似で求めた幅で、真の値はおよそ95%の確率でこの中にあります（0%・100%と示した項目には付けません）。"
                    "相談内容は1回の来談に複数つくことがあるため、割合の合計は100%になりません。"
                    "家庭のこと・心身の不調は月ごとには送られず、年度と助成元の期間ごとに、名前を記録した生徒に占める割合として下に示します。"
                }
                @if !n.awaiting.is_empty() {
                    p.note data-testid="noisy-awaiting" {
                        "内訳がまだ届いていない月（月末の7日後に届きます）が" (n.awaiting.len()) "件（キャンパス×月）あり、上の数には含まれていません。"
                    }
                }
            }
        }
        (path_section(n.paths.as_ref(), in_report))
    }
}

#[cfg(test)]
mod tests {
    use salon_protocol::Route;

    use super::*;

    /// A share clipped at zero (its noisy sum below zero) is shown as 0 % with no interval: a
    /// "0.0% ±4.0" would suggest the true share could lie below zero. One inside 0–100 % keeps
    /// its interval.
    #[test]
    fn a_share_clipped_at_zero_shows_no_interval() {
        let n = NoisyBreakdowns {
            visits: 40,
            releases: 4,
            awaiting: vec![],
            by_route: vec![
                Estimate {
                    code: Route::Outreach,
                    sum: -3,
                    variance: 4.0 * 1.84,
                },
                Estimate {
                    code: Route::SelfReferred,
                    sum: 20,
                    variance: 4.0 * 1.84,
                },
            ],
            by_topic: vec![],
            paths: None,
        };
        let rows = estimate_rows(&n, &n.by_route, html::route_ja, |r| r.code()).into_string();
        let (clipped, kept) = rows.split_once("</tr>").unwrap();
        assert!(
            clipped.contains("0.0%") && clipped.contains("<td>—</td>"),
            "{clipped}"
        );
        assert!(!clipped.contains("data-margin"), "{clipped}");
        assert!(
            kept.contains("50.0%") && kept.contains("±13.3ポイント"),
            "{kept}"
        );
        let csv = noisy_csv_rows(&n);
        assert_eq!(csv[0][3..], ["0.0".to_string(), String::new()]);
        assert_eq!(csv[1][3..], ["50.0".to_string(), "13.3".to_string()]);
    }
}
