//! The CSV export: UTF-8 with BOM and CRLF, formula-safe fields, for Japanese Excel.

use super::breakdowns::noisy_csv_rows;
use super::period::{figures_of, period_of, term_of, PeriodQuery};
use super::shared::*;

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
    h
}

/// Rows as CSV text: a BOM, CRLF line ends, every field through `csv_field`.
pub(super) fn csv_text(rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    for fields in rows {
        let l: Vec<String> = fields.iter().map(|s| csv_field(s)).collect();
        out.push_str(&l.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Rows as a CSV download named `filename` (codes and dates only).
pub(super) fn csv_response(filename: &str, rows: &[Vec<String>]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        csv_text(rows),
    )
        .into_response()
}

pub(super) fn csv_rows(f: &Figures, campuses: &[salon_hq_store::CampusRow]) -> Vec<Vec<String>> {
    let mut rows = vec![csv_header()];
    for campus in campuses {
        for m in f.period.months() {
            let row = f
                .rows
                .iter()
                .find(|r| r.campus == campus.code && r.month == m);
            let c = row.map(|r| r.counts).unwrap_or_default();
            let mut fields = vec![campus.code.clone(), campus.name.clone(), month_ja(m)];
            fields.extend(html::shown_day_fields().map(|f| c.get(f).to_string()));
            rows.push(fields);
        }
    }
    // Routes and topics leave the laptops under noise only: the period's estimates follow.
    let noisy = noisy_csv_rows(&f.noisy);
    if !noisy.is_empty() {
        rows.push(Vec::new());
        rows.push(
            [
                "区分",
                "項目",
                "件数（推計）",
                "割合（%）",
                "誤差の目安（近似、ポイント）",
            ]
            .map(str::to_owned)
            .to_vec(),
        );
        rows.extend(noisy.into_iter().map(|r| r.to_vec()));
    }
    rows
}

pub(super) async fn export_csv(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response> {
    admin(&state, &headers).await?;
    let (fy, period) = period_of(&q, tokyo::day(state.now()))?;
    let term = term_of(&q)?;
    let (rows, period) = state
        .blocking(move |s| {
            let f = figures_of(s, period, term)?;
            Ok((csv_rows(&f, &s.campuses()?), f.period))
        })
        .await?;
    let fy = match term {
        Some(_) => fiscal_year_of(period.first_day()),
        None => fy,
    };
    let name = format!("career-salon-{fy}-{}-{}.csv", period.from, period.to);
    Ok(csv_response(&name, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_field("柏キャンパス"), "柏キャンパス");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
