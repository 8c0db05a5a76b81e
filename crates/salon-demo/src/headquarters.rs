//! Headquarters' side of the demo: the 22 campuses, the admin, and the two overlapping terms
//! (the funder's 2024年9月〜2025年2月 with the seed's targets, and 2024年度).

use chrono::Utc;
use salon_hq_store::{Actor, EventTarget, Role, Targets, TermInput};
use salon_protocol::{CampusCode, EventKind, Month};

use crate::plan;

/// The demo's manager account, as the README gives it.
pub const ADMIN: &str = "事務局";
pub const ADMIN_PASSWORD: &str = "demo-honbu-2024";

pub(crate) const CAMPUS_NAMES: [&str; plan::CAMPUSES] = [
    "柏",
    "松戸",
    "船橋",
    "千葉",
    "津田沼",
    "秋葉原",
    "池袋",
    "新宿",
    "渋谷",
    "立川",
    "八王子",
    "町田",
    "横浜",
    "川崎",
    "大宮",
    "浦和",
    "川越",
    "所沢",
    "水戸",
    "つくば",
    "宇都宮",
    "高崎",
];

fn month(s: &str) -> anyhow::Result<Month> {
    Month::parse(s).map_err(|_| anyhow::anyhow!("month {s}"))
}

/// Headquarters' side: campuses, the admin, the two overlapping terms.
pub(crate) fn set_up_hq(hq: &salon_hq_store::HqStore) -> anyhow::Result<i64> {
    let by = Actor::cli();
    let now = Utc::now();
    for (i, name) in CAMPUS_NAMES.iter().enumerate() {
        hq.add_campus(&by, &campus_code(i), &format!("{name}キャンパス"), now)?;
    }
    hq.create_admin(&by, ADMIN, ADMIN_PASSWORD, Role::Manager, now)?;
    let event = |kind, events, participants| EventTarget {
        kind,
        events: Some(events),
        participants: Some(participants),
    };
    let funded = TermInput {
        name: "2024年度 休眠預金".into(),
        funder: "休眠預金等交付金".into(),
        project: "高校生世代の子育て家庭「くらしと学びの危機」緊急支援事業".into(),
        distributor: "キッズドア様、READYFOR様".into(),
        from: month("2024-09")?,
        to: month("2025-02")?,
        targets: Targets {
            schools: Some(20),
            sessions: Some(230),
            visits: Some(400),
            events: vec![
                event(EventKind::CareerTalk, 6, 600),
                event(EventKind::CareerGuidance, 10, 300),
                event(EventKind::ParentSeminar, 4, 60),
                event(EventKind::SupporterTraining, 2, 30),
                EventTarget {
                    kind: EventKind::Exchange,
                    events: Some(1),
                    participants: None,
                },
            ],
        },
        // The funder's term is also a period path decisions are released for.
        counts_paths: true,
    };
    let term = hq.save_term(&by, None, &funded, now)?;
    let year = TermInput {
        name: "2024年度".into(),
        funder: String::new(),
        project: String::new(),
        distributor: String::new(),
        from: month("2024-04")?,
        to: month("2025-03")?,
        targets: Targets {
            schools: Some(25),
            sessions: Some(300),
            visits: Some(600),
            ..Targets::default()
        },
        counts_paths: false,
    };
    hq.save_term(&by, None, &year, now)?;
    Ok(term)
}

/// The code of the seed's `i`th campus: C-001 to C-022.
pub fn campus_code(i: usize) -> CampusCode {
    CampusCode::parse(&format!("C-{:03}", i + 1)).unwrap_or_else(|_| unreachable!())
}
