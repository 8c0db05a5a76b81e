//! The words headquarters uses for the protocol's codes, months and days: the same words as the
//! supporter's app (a test reads its catalogue), so a supporter who logs 保護者向けセミナー reads
//! the same name on the funder's report.

use chrono::{Datelike, NaiveDate};
use salon_protocol::{DayField, EventKind, Month, PathStatus, Route, Topic};

/// `2025年2月25日`.
pub fn day_ja(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
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
pub fn path_ja(p: PathStatus) -> &'static str {
    use salon_protocol::PathStatus;
    match p {
        PathStatus::Undecided => "未定",
        PathStatus::FurtherStudy => "進学決定",
        PathStatus::Employment => "就職決定",
        PathStatus::Other => "その他決定",
    }
}

/// A kind of related activity as the seed names it.
pub fn event_kind_ja(k: EventKind) -> &'static str {
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

/// `2024年度` for April to March, else `2024年9月〜2025年2月`.
pub fn period_name(from: Month, to: Month) -> String {
    let f = from.first_day();
    if f.month() == 4 && crate::period::months_between(from, to) == 12 {
        format!("{}年度", f.year())
    } else {
        format!("{}〜{}", month_ja(from), month_ja(to))
    }
}
