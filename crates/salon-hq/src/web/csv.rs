//! The CSV export: UTF-8 with BOM and CRLF, formula-safe fields, for Japanese Excel.

use super::*;

// ---- CSV ----

/// One CSV field: quoted when needed; a leading =, +, -, @ is defused for spreadsheets.
pub(super) fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub(super) fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = ["キャンパスコード", "キャンパス名", "年月"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(html::shown_day_fields().map(|f| html::day_field_ja(f).to_owned()));
    h.extend(
        Route::ALL
            .iter()
            .map(|r| format!("来談経路:{}", html::route_ja(*r))),
    );
    h.extend(
        Topic::ALL
            .iter()
            .map(|t| format!("相談内容:{}", html::topic_ja(*t))),
    );
    h
}

pub(super) fn render_csv(f: &Figures, campuses: &[crate::store::CampusRow]) -> String {
    let mut out = String::from("\u{feff}");
    let mut line = |fields: Vec<String>| {
        let l: Vec<String> = fields.iter().map(|s| csv_field(s)).collect();
        out.push_str(&l.join(","));
        out.push_str("\r\n");
    };
    line(csv_header());
    let cells = |c: Option<&figures::Cells>, n: usize| -> Vec<String> {
        match c {
            Some(cells) => cells
                .iter()
                .map(|c| {
                    c.map(|n| n.to_string())
                        .unwrap_or_else(|| HIDDEN.to_owned())
                })
                .collect(),
            None => vec![String::new(); n],
        }
    };
    for campus in campuses {
        for m in f.period.months() {
            let row = f
                .rows
                .iter()
                .find(|r| r.campus == campus.code && r.month == m);
            let c = row.map(|r| r.counts).unwrap_or_default();
            let mut fields = vec![campus.code.clone(), campus.name.clone(), month_ja(m)];
            fields.extend(html::shown_day_fields().map(|f| c.get(f).to_string()));
            fields.extend(cells(
                row.and_then(|r| r.by_route.as_ref()),
                Route::ALL.len(),
            ));
            fields.extend(cells(
                row.and_then(|r| r.by_topic.as_ref()),
                Topic::ALL.len(),
            ));
            line(fields);
        }
    }
    out
}

pub(super) async fn export_csv(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response> {
    admin(&state, &headers).await?;
    let (fy, period) = period_of(&q, tokyo_day(state.now()))?;
    let csv = state
        .blocking(move |s| Ok(render_csv(&figures::compute(s, period)?, &s.campuses()?)))
        .await?;
    let name = format!(
        "attachment; filename=\"career-salon-{fy}-{}-{}.csv\"",
        period.from, period.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        csv,
    )
        .into_response())
}
