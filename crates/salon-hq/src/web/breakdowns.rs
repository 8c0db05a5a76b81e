//! The breakdowns under noise as the dashboard and the funder report show them: visits by route
//! and by topic over the whole period, each a count and a share with its 95 % interval, and a
//! plain-Japanese note of what was done to them and what is not yet in them.

use crate::noisy::{Estimate, NoisyBreakdowns};

use super::*;

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
            @let share = e.share(n.visits);
            tr data-testid=(format!("noisy-{}", key(e.code))) data-count=(e.count())
                data-share=[share.map(|(s, _)| format!("{s:.1}"))]
                data-margin=[share.map(|(_, m)| format!("{m:.1}"))] {
                th.text scope="row" { (name(e.code)) }
                td { "約" (num(e.count())) "件" }
                @match share {
                    Some((s, m)) => { td { (format!("{s:.1}%")) } td { (points(m)) } }
                    None => { td { "—" } td { "—" } }
                }
            }
        }
    }
}

/// The breakdowns under noise as CSV rows: (区分, 項目, 件数（推計）, 割合(%), 95%の幅(ポイント)),
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
                let share = e.share(n.visits);
                [
                    what.to_owned(),
                    name(e.code).to_owned(),
                    e.count().to_string(),
                    share.map(|(s, _)| format!("{s:.1}")).unwrap_or_default(),
                    share.map(|(_, m)| margin_text(m)).unwrap_or_default(),
                ]
            })
            .collect()
    }
    if n.releases == 0 {
        return Vec::new();
    }
    let mut out = rows(n, "来談経路（推計）", &n.by_route, html::route_ja);
    out.extend(rows(n, "相談内容（推計）", &n.by_topic, html::topic_ja));
    out
}

/// Both tables and their note, under h2 headings on the dashboard and h3 in the report.
pub(super) fn noisy_breakdowns(n: &NoisyBreakdowns, in_report: bool) -> Markup {
    let head = |what: &str| {
        html! {
            thead { tr { th.text { (what) } th { "件数（推計）" } th { "割合" } th { "95%の幅" } } }
        }
    };
    html! {
        section.noisy data-testid="noisy-breakdowns" data-visits=(n.visits) data-releases=(n.releases) {
            @if in_report { h3 { "来談経路" } } @else { h2 { "来談経路（期間全体）" } }
            @if n.releases == 0 {
                p.note { "この期間の内訳はまだ届いていません（各月の内訳は月末の7日後に届きます）。" }
            } @else {
                table.noisy data-testid="noisy-routes" {
                    (head("来談経路"))
                    tbody { (estimate_rows(n, &n.by_route, html::route_ja, |r| r.code())) }
                }
                @if in_report { h3 { "相談内容" } } @else { h2 { "相談内容（期間全体）" } }
                table.noisy data-testid="noisy-topics" {
                    (head("相談内容"))
                    tbody { (estimate_rows(n, &n.by_topic, html::topic_ja, |t| t.code())) }
                }
                p.note data-testid="noisy-note" {
                    "割合は、内訳が届いた月の利用人数（延べ）" (num(n.visits)) "名に対するものです。"
                    "生徒一人ひとりが推測されないよう、各端末は月ごとの内訳に小さなランダムな数（ノイズ）を加えてから送っています。"
                    "ここに示す件数と割合は全キャンパス・全月を合計した推計で、真の値はおよそ95%の確率で「95%の幅」の中にあります。"
                    "相談内容は1回の来談に複数つくことがあるため、割合の合計は100%になりません。"
                    "家庭のこと・心身の不調は、月ごとに同じ生徒を1人と数えています。"
                }
                @if !n.awaiting.is_empty() {
                    p.note data-testid="noisy-awaiting" {
                        "内訳がまだ届いていない月（月末の7日後に届きます）が" (n.awaiting.len()) "件（キャンパス×月）あり、上の数には含まれていません。"
                    }
                }
            }
        }
    }
}
