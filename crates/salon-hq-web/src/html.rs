//! Small helpers for the server-rendered pages (maud templates, which escape every value by
//! default): the page frame and navigation, and Japanese times in Tokyo. The words for the
//! codes, months and days are `salon_figures::labels`, which the store's audit lines use too.

use chrono::{DateTime, Timelike, Utc};
use maud::{html, Markup, DOCTYPE};
pub use salon_figures::labels::*;

use salon_hq_store::tokyo;

/// `2025年2月25日`, in Tokyo.
pub fn date_ja(t: DateTime<Utc>) -> String {
    day_ja(tokyo::day(t))
}

/// `2025年2月25日 14:05`, in Tokyo.
pub fn datetime_ja(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&tokyo::ZONE);
    format!("{} {:02}:{:02}", date_ja(t), l.hour(), l.minute())
}

/// A whole page. `nav` is the logged-in navigation (with the logout form), or none.
pub fn page(title: &str, nav: Option<Markup>, body: Markup) -> Markup {
    frame(title, "キャリアサロン 事務局", nav, body)
}

/// A page for people outside headquarters (a survey form, its flyer): headed with the name
/// they know, the NPO's (or the salon's), not the server's.
pub fn public_page(title: &str, heading: &str, body: Markup) -> Markup {
    frame(title, heading, None, body)
}

fn frame(title: &str, brand: &str, nav: Option<Markup>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | " (brand) }
                link rel="stylesheet" href="/static/hq.css";
            }
            body {
                a.skip href="#main" { "本文へ移動" }
                header {
                    span.brand { (brand) }
                    @if let Some(nav) = nav { (nav) }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The screens a role may open, in the order the navigation shows them.
pub fn menu(may_change: bool) -> &'static [(&'static str, &'static str)] {
    const MANAGER: &[(&str, &str)] = &[
        ("/", "ダッシュボード"),
        ("/campuses", "キャンパス"),
        ("/terms", "事業期間と目標"),
        ("/surveys", "アンケート"),
        ("/codes/new", "登録コード発行"),
        ("/devices", "端末一覧"),
        ("/settings", "設定"),
        ("/accounts", "アカウント"),
        ("/audit", "操作記録"),
    ];
    const VIEWER: &[(&str, &str)] = &[("/", "ダッシュボード"), ("/surveys", "アンケート")];
    if may_change {
        MANAGER
    } else {
        VIEWER
    }
}

pub fn nav(admin: &str, role: &str, may_change: bool, csrf: &str, path: &str) -> Markup {
    // A menu entry is the page the admin is on when the path is it or lies under it
    // (登録コード発行 is /codes/new; its form posts to /codes).
    let here = |href: &str| match href {
        "/" => path == "/",
        "/codes/new" => path.starts_with("/codes"),
        _ => path == href || path.starts_with(&format!("{href}/")),
    };
    html! {
        nav aria-label="メニュー" {
            @for (href, label) in menu(may_change) {
                @if here(href) {
                    a href=(href) aria-current="page" { (label) }
                } @else {
                    a href=(href) { (label) }
                }
            }
        }
        div.account {
            span data-testid="who" { (admin) "（" (role) "）" }
            div.account-links {
                a href="/password" { "パスワード変更" }
                form method="post" action="/logout" {
                    input type="hidden" name="csrf" value=(csrf);
                    button type="submit" { "ログアウト" }
                }
            }
        }
    }
}

/// A message above a form: what went wrong, in Japanese.
pub fn alert(message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.error role="alert" data-testid="error" { (m) }
        }
    }
}

/// Formats a count with thousands separators: 28,000.
pub fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_formats() {
        let p = page("<題>", None, html! { p { "a & \"b\"" } }).into_string();
        assert!(p.contains("<h1>&lt;題&gt;</h1>"), "{p}");
        assert!(p.contains("<p>a &amp; &quot;b&quot;</p>"), "{p}");
        let t = DateTime::parse_from_rfc3339("2025-02-24T15:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date_ja(t), "2025年2月25日");
        assert_eq!(datetime_ja(t), "2025年2月25日 00:30");
        assert_eq!(num(28000), "28,000");
        assert_eq!(num(757), "757");
    }
}
