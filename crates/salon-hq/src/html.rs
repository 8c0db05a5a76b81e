//! Small helpers for the server-rendered pages: escaping, the page frame, Japanese dates and
//! the labels of the codes.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use salon_protocol::{DayField, Month, Route, Topic};

/// Every date headquarters shows or files figures under is a date in Japan.
pub const TOKYO: chrono_tz::Tz = chrono_tz::Asia::Tokyo;

/// The day it is in Tokyo at `now` (the handlers pass their clock's time).
pub fn tokyo_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&TOKYO).date_naive()
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2025年2月25日`, in Tokyo.
pub fn date_ja(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&TOKYO);
    format!("{}年{}月{}日", t.year(), t.month(), t.day())
}

/// `2025年2月25日 14:05`, in Tokyo.
pub fn datetime_ja(t: DateTime<Utc>) -> String {
    let l = t.with_timezone(&TOKYO);
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

/// A day figure's name in the dashboard and the CSV.
pub fn day_field_ja(f: DayField) -> &'static str {
    match f {
        DayField::Sessions => "実施回数",
        DayField::SessionMinutes => "実施時間(分)",
        DayField::Visits => "利用人数(延べ)",
        DayField::DistinctStudents => "延べ生徒数(日ごと)",
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

/// What a hidden cell shows.
pub const HIDDEN: &str = "秘匿";

/// A whole page. `nav` is the logged-in navigation (with the logout form), or empty.
pub fn page(title: &str, nav: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} | キャリアサロン 事務局</title>\n<link rel=\"stylesheet\" href=\"/static/hq.css\">\n\
         </head>\n<body>\n<header><span class=\"brand\">キャリアサロン 事務局</span>{}</header>\n\
         <main>\n<h1>{}</h1>\n{}\n</main>\n</body>\n</html>\n",
        esc(title),
        nav,
        esc(title),
        body
    )
}

pub fn nav(admin: &str, csrf: &str) -> String {
    format!(
        "<nav><a href=\"/\">ダッシュボード</a><a href=\"/codes/new\">登録コード発行</a>\
         <a href=\"/devices\">端末一覧</a></nav>\
         <span>{}</span>\
         <form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <button type=\"submit\">ログアウト</button></form>",
        esc(admin),
        esc(csrf)
    )
}

/// Formats a count with thousands separators: 28,000.
pub fn num(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
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
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        let t = DateTime::parse_from_rfc3339("2025-02-24T15:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(date_ja(t), "2025年2月25日");
        assert_eq!(datetime_ja(t), "2025年2月25日 00:30");
        assert_eq!(num(28000), "28,000");
        assert_eq!(num(757), "757");
    }
}
