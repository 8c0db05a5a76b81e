//! Requests about one student: what is held about them, written out whole to hand over
//! (開示請求), and the deletion of their data (削除請求), done as the retention purge does it.
//! Each is recorded in `data_request_log` with its time and the student's row id, never with
//! any content.

use salon_core::care::{Appointment, PathChange};
use salon_core::{Student, Visit};

use crate::error::Result;
use crate::retention::{log_request, purge_student_in, PurgeResult};
use crate::vault::Store;

/// Everything held about one student, as the supporter's records hold it.
#[derive(Debug, Clone)]
pub struct Disclosure {
    pub student: Student,
    pub campus: String,
    pub visits: Vec<Visit>,
    pub appointments: Vec<Appointment>,
    pub path_history: Vec<PathChange>,
    /// Each visit's campus name, by the visit's campus id.
    pub campus_names: Vec<(i64, String)>,
}

/// One line of the log of requests: when, what, about which student row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRequest {
    pub at: String,
    pub action: String,
    pub student_id: i64,
}

impl Store {
    /// Everything held about one student (開示), and the disclosure recorded in the log.
    pub fn disclose_student(&mut self, id: i64) -> Result<Disclosure> {
        let student = self.student(id)?;
        let campuses = self.campuses()?;
        let name_of = |campus_id: i64| {
            campuses
                .iter()
                .find(|c| c.id == campus_id)
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        let disclosure = Disclosure {
            campus: name_of(student.campus_id),
            visits: self.visits_of_student(id)?,
            appointments: self.appointments_of_student(id)?,
            path_history: self.path_history(id)?,
            campus_names: campuses.iter().map(|c| (c.id, c.name.clone())).collect(),
            student,
        };
        let tx = self.conn.transaction()?;
        log_request(&tx, "disclosed", id)?;
        tx.commit()?;
        Ok(disclosure)
    }

    /// Deletes one student's data on request (削除請求): the purge of `retention.rs`, whether or
    /// not the retention period has passed, recorded in the log.
    pub fn erase_student(&mut self, id: i64) -> Result<PurgeResult> {
        self.student(id)?;
        let tx = self.conn.transaction()?;
        let visits = purge_student_in(&tx, id)?;
        log_request(&tx, "deleted", id)?;
        tx.commit()?;
        Ok(PurgeResult {
            students: 1,
            visits,
        })
    }

    /// The log of requests and purges, newest first.
    pub fn data_requests(&self) -> Result<Vec<DataRequest>> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, action, student_id FROM data_request_log ORDER BY id DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok(DataRequest {
                at: r.get(0)?,
                action: r.get(1)?,
                student_id: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// The disclosure as one self-contained, printable HTML page in Japanese. `label(kind, code)`
/// gives the catalogue's words for a code (`route`, `topic`, `pathStatus`, `enrolment`,
/// `care.status`); every text is escaped.
pub fn disclosure_html(
    d: &Disclosure,
    label: &dyn Fn(&str, &str) -> String,
    made_on: &str,
) -> String {
    let e = escape;
    let campus_of = |id: i64| {
        d.campus_names
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, n)| n.as_str())
            .unwrap_or("")
    };
    let s = &d.student;
    let mut out = String::new();
    out.push_str("<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">");
    out.push_str(&format!("<title>記録の開示 {}</title>", e(&s.display_name)));
    out.push_str("<style>body{font-family:sans-serif;margin:2em;line-height:1.6}table{border-collapse:collapse;margin:0 0 1.5em}th,td{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}h2{margin-top:1.5em}</style></head><body>");
    out.push_str("<h1>キャリアサロンの記録（開示）</h1>");
    out.push_str(&format!("<p>作成日：{}。キャリアサポーターのパソコンに保存されている、この生徒についての記録のすべてです。</p>", e(made_on)));
    out.push_str("<h2>生徒</h2><table>");
    let grade = s
        .grade
        .map(|g| format!("{g}年"))
        .unwrap_or_else(|| "未設定".into());
    let decided = s.path_decided_on.map(|d| d.to_string()).unwrap_or_default();
    for (k, v) in [
        ("呼び名", e(&s.display_name)),
        ("キャンパス", e(&d.campus)),
        ("学年", grade),
        ("在籍状況", e(&label("enrolment", s.enrolment.code()))),
        ("進路", e(&label("pathStatus", s.path_status.code()))),
        ("進路決定日", decided),
    ] {
        out.push_str(&format!("<tr><th>{k}</th><td>{v}</td></tr>"));
    }
    out.push_str("</table>");
    out.push_str(&format!("<h2>来談（{}件）</h2>", d.visits.len()));
    for v in &d.visits {
        let topics: Vec<String> = v.topics.iter().map(|t| label("topic", t.code())).collect();
        out.push_str("<table>");
        for (k, val) in [
            ("日付", v.date.to_string()),
            ("キャンパス", e(campus_of(v.campus_id))),
            ("来談経路", e(&label("route", v.route.code()))),
            ("相談内容", e(&topics.join("、"))),
            ("時間", format!("{}分", v.minutes)),
            ("メモ", e(&v.note)),
            ("次にすること", e(&v.next_steps)),
            (
                "フォローの日付",
                v.follow_up_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "要連携",
                if v.concern {
                    "あり".into()
                } else {
                    "なし".into()
                },
            ),
            ("先生への共有メモ", e(&v.teacher_summary)),
        ] {
            out.push_str(&format!("<tr><th>{k}</th><td>{val}</td></tr>"));
        }
        out.push_str("</table>");
    }
    out.push_str(&format!(
        "<h2>予約（{}件）</h2><table>",
        d.appointments.len()
    ));
    for a in &d.appointments {
        let time = a
            .time
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default();
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            a.date,
            time,
            e(campus_of(a.campus_id)),
            e(&label("care.status", a.status.code()))
        ));
    }
    out.push_str("</table>");
    out.push_str(&format!(
        "<h2>進路の履歴（{}件）</h2><table>",
        d.path_history.len()
    ));
    for p in &d.path_history {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&p.changed_at),
            e(&label("pathStatus", p.status.code())),
            p.decided_on.map(|d| d.to_string()).unwrap_or_default()
        ));
    }
    out.push_str("</table></body></html>\n");
    out
}

fn escape(text: &str) -> String {
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

#[cfg(test)]
pub(crate) mod tests;
