//! 関連活動: events per kind against the term's targets, with participants by group, and per
//! kind and month. Shared by the dashboard and the funder report.

use salon_protocol::EventKind;

use salon_hq_store::EventMonth;

use super::shared::*;

/// One kind's totals over the period.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct KindTotals {
    pub events: u64,
    pub online: u64,
    pub students: u64,
    pub parents: u64,
    pub teachers: u64,
    pub supporters: u64,
}

impl KindTotals {
    pub fn participants(&self) -> u64 {
        self.students + self.parents + self.teachers + self.supporters
    }

    fn add(&mut self, m: &EventMonth) {
        self.events += m.events;
        if m.online {
            self.online += m.events;
        }
        self.students += m.students;
        self.parents += m.parents;
        self.teachers += m.teachers;
        self.supporters += m.supporters;
    }
}

/// A kind's totals, over the whole period or one month.
pub(super) fn totals(f: &Figures, kind: EventKind, month: Option<Month>) -> KindTotals {
    let mut t = KindTotals::default();
    for m in f
        .events
        .iter()
        .filter(|m| m.kind == kind && month.is_none_or(|mo| mo == m.month))
    {
        t.add(m);
    }
    t
}

fn against(value: u64, target: Option<u32>, unit: &str) -> (String, String) {
    match target {
        Some(t) => (
            format!("{}{unit}", num(u64::from(t))),
            percent_of(value, t)
                .map(|p| format!("{p}%"))
                .unwrap_or_else(|| "—".into()),
        ),
        None => ("—".into(), "—".into()),
    }
}

pub(super) fn activities(f: &Figures) -> Markup {
    let targets = f.term.as_ref().map(|t| &t.targets.events);
    let months = f.period.months();
    html! {
        h2 { "関連活動（イベント）" }
        div.scroll tabindex="0" role="region" aria-label="関連活動の表（横にスクロールできます）" { table data-testid="activities" {
            thead {
                tr {
                    th.text rowspan="2" { "種類" } th rowspan="2" { "回数" } th rowspan="2" { "うちオンライン" }
                    th colspan="5" { "参加者（延べ）" } th colspan="2" { "回数の目標" } th colspan="2" { "参加者の目標" }
                }
                tr {
                    th { "生徒" } th { "保護者" } th { "教員" } th { "サポーター" } th { "計" }
                    th { "目標" } th { "目標比" } th { "目標" } th { "目標比" }
                }
            }
            tbody {
                @for &kind in EventKind::ALL {
                    @let t = totals(f, kind, None);
                    @let target = targets.and_then(|ts| ts.iter().find(|e| e.kind == kind));
                    @let (ev_t, ev_p) = against(t.events, target.and_then(|e| e.events), "回");
                    @let (pa_t, pa_p) = against(t.participants(), target.and_then(|e| e.participants), "名");
                    tr data-kind=(kind.code()) {
                        th.text scope="row" { (html::event_kind_ja(kind)) }
                        td { (num(t.events)) "回" } td { (num(t.online)) "回" }
                        td { (num(t.students)) } td { (num(t.parents)) } td { (num(t.teachers)) } td { (num(t.supporters)) }
                        td { (num(t.participants())) "名" }
                        td { (ev_t) } td { (ev_p) } td { (pa_t) } td { (pa_p) }
                    }
                }
            }
        } }
        div.scroll tabindex="0" role="region" aria-label="関連活動の月別の表（横にスクロールできます）" { table data-testid="activities-by-month" {
            thead { tr {
                th.text { "種類" }
                @for m in &months { th { (month_ja(*m)) } }
            } }
            tbody {
                @for &kind in EventKind::ALL {
                    tr {
                        th.text scope="row" { (html::event_kind_ja(kind)) }
                        @for m in &months {
                            @let t = totals(f, kind, Some(*m));
                            td { @if t.events == 0 { "—" } @else { (t.events) "回・" (num(t.participants())) "名" } }
                        }
                    }
                }
            }
        } }
        p.note {
            "参加者は延べ人数です（同じ人が2回参加すれば2人）。オンライン職業講話のようにキャンパスに属さないイベントは、記録した端末ごとに数えています。"
        }
    }
}
