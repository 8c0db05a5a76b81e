//! The funder report's breakdowns in the words a funder reads: 「声かけから約2割」, not a table of
//! estimates with intervals. The shares are the dashboard's (`noisy`, `path_estimates`); how
//! precise they are is said once, in a footnote.

use salon_figures::PeriodEstimate;
use salon_figures::{Estimate, NoisyBreakdowns};

use super::shared::*;

/// A share of 0–100 % as words: 約3割 from 10 %, 約7% below, ごくわずか under 2.5 %.
pub(super) fn share_in_words(share: f64) -> String {
    match share {
        s if s < 2.5 => "ごくわずか".to_owned(),
        s if s < 9.5 => format!("約{}%", s.round()),
        s if s >= 95.0 => "ほぼすべて".to_owned(),
        s => format!("約{}割", (s / 10.0).round()),
    }
}

/// One share as a list item the test can read back.
struct Shown {
    testid: String,
    name: &'static str,
    share: f64,
    margin: f64,
}

/// Each code's share of the whole, as (code, share and interval, if any).
fn shown<C: Copy>(
    shares: impl Iterator<Item = (C, Option<(f64, f64)>)>,
    name: impl Fn(C) -> &'static str,
    testid: impl Fn(C) -> String,
) -> Vec<Shown> {
    shares
        .filter_map(|(code, share)| {
            let (share, margin) = share?;
            Some(Shown {
                testid: testid(code),
                name: name(code),
                share,
                margin,
            })
        })
        .collect()
}

fn shares<C: Copy>(
    estimates: &[Estimate<C>],
    visits: u64,
) -> impl Iterator<Item = (C, Option<(f64, f64)>)> + '_ {
    estimates.iter().map(move |e| (e.code, e.share(visits)))
}

fn period_shares<C: Copy>(
    estimates: &[PeriodEstimate<C>],
) -> impl Iterator<Item = (C, Option<(f64, f64)>)> + '_ {
    estimates.iter().map(|e| (e.code, e.share))
}

/// The shares largest first, each in words: 「声かけ 約3割、…」.
fn sentence(mut shown: Vec<Shown>) -> Markup {
    shown.sort_by(|a, b| b.share.total_cmp(&a.share));
    html! {
        @for (i, s) in shown.iter().enumerate() {
            @if i > 0 { "、" }
            span data-testid=(s.testid) data-share=(format!("{:.1}", s.share)) {
                (s.name) " " strong { (share_in_words(s.share)) }
            }
        }
    }
}

/// The widest interval among the shares shown, for the footnote.
fn widest(all: &[&[Shown]]) -> f64 {
    all.iter()
        .flat_map(|s| s.iter())
        .filter(|s| s.share > 0.0 && s.share < 100.0)
        .map(|s| s.margin)
        .fold(0.0, f64::max)
}

/// 来談のきっかけ, 相談の内容, 進路, and 家庭のこと・心身の不調, as words; nothing (no heading) before
/// anything has been released for the term.
pub(super) fn breakdowns(n: &NoisyBreakdowns) -> Markup {
    let routes = shown(shares(&n.by_route, n.visits), html::route_ja, |r| {
        format!("words-route-{}", r.code())
    });
    let topics = shown(shares(&n.by_topic, n.visits), html::topic_ja, |t| {
        format!("words-topic-{}", t.code())
    });
    let paths = n.paths.as_ref().filter(|p| p.releases > 0).map(|p| {
        (
            p,
            shown(period_shares(&p.by_path), html::path_ja, |k| {
                format!("words-path-{}", k.code())
            }),
            shown(period_shares(&p.sensitive.by_topic), html::topic_ja, |t| {
                format!("words-sensitive-{}", t.code())
            }),
        )
    });
    let margin = widest(&[
        &routes,
        &topics,
        paths.as_ref().map_or(&[][..], |p| &p.1),
        paths.as_ref().map_or(&[][..], |p| &p.2),
    ]);
    html! {
        @if n.releases > 0 {
            section.words data-testid="report-words" {
                h2 { "来談のきっかけと相談の内容" }
                ul.words {
                    li data-testid="words-routes" { "来談のきっかけは、" (sentence(routes)) "でした。" }
                    li data-testid="words-topics" { "相談の内容は、" (sentence(topics)) "でした（1回の来談で複数の相談があるため、合計は10割を超えます）。" }
                    @if let Some((p, by_path, sensitive)) = paths {
                        li data-testid="words-paths" { "サロンで会った生徒の進路は（約" (num(p.total)) "件）、" (sentence(by_path)) "でした。" }
                        @if p.sensitive.releases > 0 {
                            li data-testid="words-sensitive" {
                                "名前を記録した生徒（約" (num(p.sensitive.students_shown())) "名）のうち、" (sentence(sensitive)) "が、特に慎重に扱う相談（家庭のこと・心身の不調）で来ていました。"
                            }
                        }
                    }
                }
                p.footnote data-testid="words-footnote" {
                    "※割合は、生徒一人ひとりが特定されないよう各パソコンで少しずらして送られた件数を、全キャンパス分合計して求めた推計です。実際の割合との差は、おおむね±"
                    (format!("{:.0}", margin.max(1.0).ceil())) "ポイント以内です。"
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_a_funder_would_say_them() {
        let said: Vec<String> = [0.0, 2.0, 4.6, 9.4, 9.6, 23.0, 27.0, 50.0, 96.0]
            .into_iter()
            .map(share_in_words)
            .collect();
        assert_eq!(
            said,
            [
                "ごくわずか",
                "ごくわずか",
                "約5%",
                "約9%",
                "約1割",
                "約2割",
                "約3割",
                "約5割",
                "ほぼすべて"
            ]
        );
    }
}
