//! The dashboard: the period filter, the funder figures with 目標比, the monthly chart, the
//! campus × month table and the breakdowns with 秘匿 cells.

use super::*;

// ---- the period filter ----

#[derive(Debug, Default, Deserialize)]
pub(super) struct PeriodQuery {
    fy: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// The 年度 shown and the period: the whole 年度, or `from..=to` within or across it.
pub(super) fn nonempty(o: &Option<String>) -> Option<&str> {
    o.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(super) fn period_of(q: &PeriodQuery, today: NaiveDate) -> Result<(i32, Period)> {
    let fy = match nonempty(&q.fy) {
        Some(s) => s
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or(HqError::BadForm("fy"))?,
        None => fiscal_year_of(today),
    };
    let whole = Period::fiscal_year(fy);
    let month = |s: &str| Month::parse(s).map_err(|_| HqError::BadForm("month"));
    let from = nonempty(&q.from)
        .map(month)
        .transpose()?
        .unwrap_or(whole.from);
    let to = nonempty(&q.to).map(month).transpose()?.unwrap_or(whole.to);
    Ok((fy, Period::new(from, to)?))
}

// ---- the dashboard ----

pub(super) async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PeriodQuery>,
) -> Result<Response> {
    let (session, sid) = admin(&state, &headers).await?;
    let (fy, period) = period_of(&q, tokyo_day(state.now()))?;
    let now = state.now();
    let (figures, quiet, quiet_days) = state
        .blocking(move |s| {
            Ok((
                figures::compute(s, period)?,
                s.quiet_devices(now)?,
                s.quiet_days()?,
            ))
        })
        .await?;
    let body = quiet_box(&quiet, quiet_days) + &render_dashboard(fy, &q, &figures, tokyo_day(now));
    Ok(Html(page("ダッシュボード", &nav(&session, &sid), &body)).into_response())
}

pub(super) fn query_string(fy: i32, q: &PeriodQuery) -> String {
    let mut s = format!("fy={fy}");
    for (k, v) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            if Month::parse(v).is_ok() {
                let _ = write!(s, "&{k}={v}");
            }
        }
    }
    s
}

pub(super) fn render_dashboard(fy: i32, q: &PeriodQuery, f: &Figures, today: NaiveDate) -> String {
    let mut b = String::new();
    // Filter.
    let current = fiscal_year_of(today);
    let mut years: Vec<i32> = ((current - 5)..=(current + 1)).collect();
    if !years.contains(&fy) {
        years.push(fy);
        years.sort();
    }
    let options: String = years
        .iter()
        .rev()
        .map(|y| {
            format!(
                "<option value=\"{y}\"{}>{y}年度</option>",
                if *y == fy { " selected" } else { "" }
            )
        })
        .collect();
    let val = |o: &Option<String>| {
        esc(o
            .as_deref()
            .filter(|s| Month::parse(s).is_ok())
            .unwrap_or_default())
    };
    let _ = write!(
        b,
        "<form class=\"filter\" method=\"get\" action=\"/\">\
         <label>年度<select name=\"fy\">{options}</select></label>\
         <label>期間(開始月)<input type=\"month\" name=\"from\" value=\"{}\" placeholder=\"2024-09\"></label>\
         <label>期間(終了月)<input type=\"month\" name=\"to\" value=\"{}\" placeholder=\"2025-02\"></label>\
         <button type=\"submit\">表示</button>\
         <a href=\"/export.csv?{}\">CSVをダウンロード</a></form>",
        val(&q.from),
        val(&q.to),
        esc(&query_string(fy, q))
    );
    let _ = write!(
        b,
        "<p>集計期間: {} 〜 {}</p>",
        month_ja(f.period.from),
        month_ja(f.period.to)
    );

    // The funder figures.
    let t = f.target;
    let row = |key: &str, label: &str, value: u64, unit: &str, target: Option<u32>| {
        let (tgt, pct) = match target {
            Some(tv) => (
                format!("{}{unit}", num(tv as u64)),
                percent_of(value, tv)
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "—".into()),
            ),
            None => ("—".into(), "—".into()),
        };
        format!(
            "<tr data-testid=\"figure-{key}\"><th class=\"text\" scope=\"row\">{label}</th><td class=\"value\" data-figure=\"{label}\">{}{unit}</td>\
             <td>{tgt}</td><td>{pct}</td></tr>",
            num(value)
        )
    };
    let _ = write!(
        b,
        "<h2>実績と目標</h2><table class=\"figures\"><thead><tr><th class=\"text\">指標</th><th>実績</th><th>目標</th><th>目標比</th></tr></thead><tbody>{}{}{}{}</tbody></table>",
        row("schools", "導入校数", f.schools as u64, "校", t.map(|t| t.schools)),
        row("sessions", "実施回数", f.sessions, "回", t.map(|t| t.sessions)),
        row("visits", "利用人数(延べ)", f.visits, "名", t.map(|t| t.visits)),
        row("student-days", "延べ生徒数(日ごと)", f.student_days, "名", None),
    );
    let _ = write!(
        b,
        "<p class=\"note\">導入校数はこの期間にサロンを1回以上実施したキャンパスの数。利用人数は来談1回ごとに数えた延べ人数。\
         延べ生徒数(日ごと)は各日の実人数の合計で、同じ生徒が別の日に来談すれば重ねて数えます(期間を通じた実人数ではありません)。{}</p>",
        match t {
            Some(t) => format!(
                "目標は{}〜{}の期間に設定されたものです。",
                month_ja(t.from),
                month_ja(t.to)
            ),
            None => "この期間ちょうどに設定された目標はありません。".to_owned(),
        }
    );

    // Chart.
    b.push_str("<h2>月別利用人数(延べ)</h2>");
    b.push_str(&chart(f));

    // Campus × month.
    b.push_str(
        "<h2>キャンパス別・月別</h2><p class=\"note\">月を開くと、日ごとの数値と、その数値になった送信の履歴(どの端末から、いつ、何が変わったか)が見られます。</p><table data-testid=\"campus-months\"><thead><tr><th class=\"text\">キャンパス</th><th class=\"text\">月</th>",
    );
    for field in html::shown_day_fields() {
        let _ = write!(b, "<th>{}</th>", html::day_field_ja(field));
    }
    b.push_str("</tr></thead><tbody>");
    for r in &f.rows {
        let _ = write!(
            b,
            "<tr><td class=\"text\">{} {}</td><td class=\"text\"><a href=\"{}\">{}</a></td>",
            esc(&r.campus),
            esc(&r.campus_name),
            month_link(&r.campus, r.month),
            month_ja(r.month),
        );
        for field in html::shown_day_fields() {
            let _ = write!(b, "<td>{}</td>", r.counts.get(field));
        }
        b.push_str("</tr>");
    }
    if f.rows.is_empty() {
        b.push_str(&format!(
            "<tr><td class=\"text\" colspan=\"{}\">この期間のデータはまだありません。</td></tr>",
            2 + html::shown_day_fields().count()
        ));
    }
    b.push_str("</tbody></table>");

    // Breakdowns.
    let route_heads: Vec<&str> = Route::ALL.iter().map(|r| html::route_ja(*r)).collect();
    let topic_heads: Vec<&str> = Topic::ALL.iter().map(|t| html::topic_ja(*t)).collect();
    b.push_str("<h2>来談経路別(月ごと)</h2>");
    b.push_str(&breakdown_table(f, "by-route", &route_heads, |r| {
        r.by_route.as_ref()
    }));
    b.push_str("<h2>相談内容別(月ごと)</h2>");
    b.push_str(&breakdown_table(f, "by-topic", &topic_heads, |r| {
        r.by_topic.as_ref()
    }));
    b.push_str(
        "<p class=\"note\">「秘匿」は少数のため端末側で伏せられたセルです(小さな数から個人が推測されないように)。\
         推計も合計への算入もしていません。相談内容は1回の来談に複数つくことがあるため、合計は利用人数と一致しません。</p>",
    );
    b
}

pub(super) fn breakdown_table(
    f: &Figures,
    testid: &str,
    heads: &[&str],
    cells: impl Fn(&figures::CampusMonth) -> Option<&figures::Cells>,
) -> String {
    let mut t = format!(
        "<table data-testid=\"{testid}\"><thead><tr><th class=\"text\">月</th><th class=\"text\">キャンパス</th>"
    );
    for h in heads {
        let _ = write!(t, "<th>{}</th>", esc(h));
    }
    t.push_str("</tr></thead><tbody>");
    let mut rows: Vec<&figures::CampusMonth> =
        f.rows.iter().filter(|r| cells(r).is_some()).collect();
    rows.sort_by(|a, b| (a.month, &a.campus).cmp(&(b.month, &b.campus)));
    for r in &rows {
        let _ = write!(
            t,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{} {}</td>",
            month_ja(r.month),
            esc(&r.campus),
            esc(&r.campus_name)
        );
        for c in cells(r).into_iter().flatten() {
            match c {
                Some(n) => {
                    let _ = write!(t, "<td>{n}</td>");
                }
                None => {
                    let _ = write!(t, "<td class=\"hidden\">{HIDDEN}</td>");
                }
            }
        }
        t.push_str("</tr>");
    }
    if rows.is_empty() {
        let _ = write!(
            t,
            "<tr><td class=\"text\" colspan=\"{}\">この期間の内訳はまだありません。</td></tr>",
            heads.len() + 2
        );
    }
    t.push_str("</tbody></table>");
    t
}

/// Visits per month as SVG bars, with the monthly target (the period's visits target spread
/// evenly over its months) as a line. Presentation attributes only: the CSP forbids inline
/// styles.
pub(super) fn chart(f: &Figures) -> String {
    let months = &f.visits_by_month;
    let monthly_target = f.target.and_then(|t| {
        let n = Period {
            from: t.from,
            to: t.to,
        }
        .months()
        .len() as f64;
        (n > 0.0).then(|| t.visits as f64 / n)
    });
    let (w, h, left, bottom, top) = (760.0_f64, 260.0_f64, 48.0_f64, 28.0_f64, 12.0_f64);
    let max = months
        .iter()
        .map(|(_, v)| *v as f64)
        .fold(monthly_target.unwrap_or(0.0), f64::max)
        .max(1.0)
        * 1.1;
    let plot_h = h - bottom - top;
    let slot = (w - left - 8.0) / months.len().max(1) as f64;
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"chart-title\">\
         <title id=\"chart-title\">月別利用人数(延べ)</title>\
         <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8895a7\"/>",
        top + plot_h,
        w - 8.0,
        top + plot_h
    );
    for (i, (m, v)) in months.iter().enumerate() {
        let x = left + i as f64 * slot + slot * 0.15;
        let bw = slot * 0.7;
        let yv = y(*v as f64);
        let _ = write!(
            s,
            "<rect x=\"{x:.1}\" y=\"{yv:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"#2b6cb0\"><title>{}: {}名</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2530\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6675\">{}月</text>",
            top + plot_h - yv,
            month_ja(*m),
            v,
            x + bw / 2.0,
            (yv - 3.0).max(10.0),
            v,
            x + bw / 2.0,
            h - 10.0,
            chrono::Datelike::month(&m.first_day())
        );
    }
    if let Some(t) = monthly_target {
        let yt = y(t);
        let _ = write!(
            s,
            "<line x1=\"{left}\" y1=\"{yt:.1}\" x2=\"{}\" y2=\"{yt:.1}\" stroke=\"#c05621\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\
             <text x=\"4\" y=\"{:.1}\" font-size=\"11\" fill=\"#c05621\">目標/月</text>\
             <text x=\"4\" y=\"{:.1}\" font-size=\"11\" fill=\"#c05621\">{:.0}</text>",
            w - 8.0,
            yt - 2.0,
            yt + 11.0,
            t
        );
    }
    s.push_str("</svg>");
    if monthly_target.is_none() {
        s.push_str("<p class=\"note\">この期間の目標がないため、目標線は表示していません。</p>");
    }
    s
}
