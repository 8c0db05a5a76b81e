//! Small helpers for the server-rendered pages (maud templates, which escape every value by
//! default): the page frame and navigation, Japanese dates and
//! the labels of the codes.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use maud::{html, Markup, DOCTYPE};
use salon_protocol::{DayField, Month, Route, Topic};

use crate::tokyo;

/// `2025年2月25日`, in Tokyo.
pub fn date_ja(t: DateTime<Utc>) -> String {
    day_ja(tokyo::day(t))
}

/// `2025年2月25日`.
pub fn day_ja(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `2025年2月25日 14:05`, in Tokyo.
pub fn datetime_ja(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&tokyo::ZONE);
    format!("{} {:02}:{:02}", date_ja(t), l.hour(), l.minute())
}

/// `2024年9月`.
pub fn month_ja(m: Month) -> String {
    let d = m.first_day();
    format!("{}年{}月", d.year(), d.month())
}

pub fn route_ja(r: Route) -> &'static str {
    match r {
        Route::SelfReferred => "自発",
        Route::Teacher => "教員紹介",
        Route::Outreach => "声かけ",
        Route::Appointment => "予約",
        Route::Repeat => "継続",
    }
}

pub fn topic_ja(t: Topic) -> &'static str {
    match t {
        Topic::FurtherStudy => "進学",
        Topic::JobSearch => "就職・求人検索",
        Topic::ApplicationPrep => "応募書類・面接準備",
        Topic::PartTime => "アルバイト",
        Topic::Family => "家庭のこと",
        Topic::SchoolLife => "学校生活",
        Topic::Friends => "友人関係",
        Topic::Wellbeing => "心身の不調",
        Topic::UnsureFuture => "将来が分からない",
        Topic::Other => "その他",
    }
}

/// A decided path as the app names it (未定 is never a cell).
pub fn path_ja(p: salon_protocol::PathStatus) -> &'static str {
    use salon_protocol::PathStatus;
    match p {
        PathStatus::Undecided => "未定",
        PathStatus::FurtherStudy => "進学決定",
        PathStatus::Employment => "就職決定",
        PathStatus::Other => "その他決定",
    }
}

/// A kind of related activity as the seed names it.
pub fn event_kind_ja(k: salon_protocol::EventKind) -> &'static str {
    use salon_protocol::EventKind;
    match k {
        EventKind::CareerTalk => "オンライン職業講話",
        EventKind::CareerGuidance => "キャリア教育ガイダンス・イベント",
        EventKind::ParentSeminar => "保護者向けセミナー",
        EventKind::SupporterTraining => "キャリアサポーター育成講習",
        EventKind::Exchange => "交流会",
    }
}

/// A day figure's name in the dashboard and the CSV.
pub fn day_field_ja(f: DayField) -> &'static str {
    match f {
        DayField::Sessions => "実施回数",
        DayField::SessionMinutes => "実施時間（分）",
        DayField::Visits => "利用人数（延べ）",
        DayField::DistinctStudents => "延べ生徒数（日ごと）",
        DayField::FirstTimeStudents => "初回生徒数",
        DayField::AppointmentsBooked => "予約数",
        DayField::AppointmentsKept => "予約来談数",
        DayField::AppointmentsMissed => "予約欠席数",
        DayField::Events => "イベント数",
        DayField::EventParticipants => "イベント参加者数",
    }
}

/// The day figures the campus × month table and the CSV show, in order: all but the events,
/// which have their own report.
pub fn shown_day_fields() -> impl Iterator<Item = DayField> {
    DayField::ALL
        .into_iter()
        .filter(|f| !matches!(f, DayField::Events | DayField::EventParticipants))
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

    /// The supporter's app and headquarters name each code in the same words: a supporter
    /// who logs 保護者向けセミナー reads the same name on the funder's report.
    #[test]
    fn the_app_and_headquarters_name_every_code_alike() {
        use salon_protocol::{EventKind, PathStatus};
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/i18n");
        let mut catalogue = serde_json::Map::new();
        for entry in std::fs::read_dir(&ui).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !(name.starts_with("ja.") && name.ends_with(".json")) {
                continue;
            }
            let part: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            merge(&mut catalogue, part.as_object().unwrap());
        }
        let catalogue = serde_json::Value::Object(catalogue);
        let app = |path: &str| -> String {
            let mut node = &catalogue;
            for key in path.split('.') {
                node = &node[key];
            }
            node.as_str()
                .unwrap_or_else(|| panic!("no {path} in the app's catalogue"))
                .to_owned()
        };
        let mut differ = Vec::new();
        let mut check = |key: String, hq: &str| {
            let ours = app(&key);
            if ours != hq {
                differ.push(format!("{key}: app 「{ours}」, headquarters 「{hq}」"));
            }
        };
        for r in Route::ALL {
            check(format!("route.{}", r.code()), route_ja(*r));
        }
        for t in Topic::ALL {
            check(format!("topic.{}", t.code()), topic_ja(*t));
        }
        for p in PathStatus::ALL {
            check(format!("pathStatus.{}", p.code()), path_ja(*p));
        }
        for k in EventKind::ALL {
            check(format!("events.kind.{}", k.code()), event_kind_ja(*k));
        }
        assert!(differ.is_empty(), "{}", differ.join("\n"));
    }

    fn merge(
        into: &mut serde_json::Map<String, serde_json::Value>,
        part: &serde_json::Map<String, serde_json::Value>,
    ) {
        for (key, value) in part {
            match (into.get_mut(key), value) {
                (Some(serde_json::Value::Object(held)), serde_json::Value::Object(more)) => {
                    merge(held, more)
                }
                _ => {
                    into.insert(key.clone(), value.clone());
                }
            }
        }
    }
}
