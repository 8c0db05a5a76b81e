//! 事業期間と目標: terms (a name, a funder, months from–to) with their targets for schools,
//! salons, visits and each kind of related activity. Terms overlap; the dashboard and the
//! funder report read the figures of one term against its own targets.

use salon_protocol::EventKind;

use salon_hq_store::{EventTarget, Targets, Term, TermInput};

use super::shared::*;

pub(super) async fn terms(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Query(done): Query<Done>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    terms_page(&state, &session, &sid, None, None, done.code()).await
}

pub(super) async fn term(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response> {
    let (session, sid) = manager(&state, &headers).await?;
    let id = term_id(&id)?;
    terms_page(&state, &session, &sid, Some(id), None, None).await
}

fn term_id(id: &str) -> std::result::Result<i64, HqError> {
    id.parse().map_err(|_| HqError::NotFound)
}

fn n(v: Option<u32>) -> String {
    v.map(|v| num(u64::from(v))).unwrap_or_else(|| "—".into())
}

/// The list of terms, and the form: empty to add one, or holding term `editing`.
async fn terms_page(
    state: &ServerState,
    session: &AdminSession,
    sid: &str,
    editing: Option<i64>,
    problem: Option<&Problem>,
    done: Option<&str>,
) -> Result<Response> {
    let today = salon_hq_store::tokyo::day(state.now());
    let (terms, path_terms) = state
        .blocking(move |s| Ok((s.terms()?, s.path_terms(today)?)))
        .await?;
    // A funder term of the path calendar that devices may have drawn stays as it is.
    let fixed = |t: &Term| {
        path_terms
            .iter()
            .any(|p| p.period == t.period() && p.released)
    };
    let term = match editing {
        Some(id) => Some(terms.iter().find(|t| t.id == id).ok_or(HqError::NotFound)?),
        None => None,
    };
    let csrf = secret::csrf_token(sid);
    let body = html! {
        (alert(problem.map(|p| p.message.as_str())))
        (done_notice(done))
        table data-testid="terms" {
            thead { tr {
                th.text { "事業期間" } th.text { "助成元" } th.text { "期間" }
                th { "導入校数" } th { "実施回数" } th { "利用人数" } th.text { "関連活動の目標" } th.text {}
            } }
            tbody {
                @for t in &terms {
                    tr data-term=(t.name) {
                        td.text { a href=(format!("/?term={}", t.id)) { (t.name) } }
                        td.text { (t.funder) }
                        td.text {
                            (month_ja(t.from)) "〜" (month_ja(t.to))
                            @if t.counts_paths {
                                div.note data-testid="term-counts-paths" { "進路決定もこの期間で集計" }
                            }
                        }
                        td { (n(t.targets.schools)) } td { (n(t.targets.sessions)) } td { (n(t.targets.visits)) }
                        td.text {
                            @for e in t.targets.events.iter().filter(|e| e.events.is_some() || e.participants.is_some()) {
                                div { (html::event_kind_ja(e.kind)) " " (n(e.events)) "回・" (n(e.participants)) "名" }
                            }
                        }
                        td.text { a href=(format!("/terms/{}", t.id)) { "編集" } " " a href=(format!("/report?term={}", t.id)) { "報告書" } }
                    }
                }
                @if terms.is_empty() {
                    tr { td.text colspan="8" { "事業期間はまだありません。下のフォームで追加してください。" } }
                }
            }
        }
        h2 { @if term.is_some() { "事業期間を編集" } @else { "事業期間を追加" } }
        (term_form(&csrf, term, term.is_some_and(fixed), problem))
        @if let Some(t) = term {
            form method="post" action=(format!("/terms/{}/delete", t.id)) data-testid="delete-term" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { "この事業期間を削除" }
                span.note { " 削除しても、届いた数値は消えません。" }
            }
        }
    };
    Ok(with_problem(
        problem,
        screen("事業期間と目標", session, sid, body),
    ))
}

fn term_form(csrf: &str, term: Option<&Term>, fixed: bool, problem: Option<&Problem>) -> Markup {
    // What was typed (refused), else what is held, else empty.
    let value = |name: &str, held: Option<String>| match problem {
        Some(_) => Problem::value(problem, name),
        None => held.unwrap_or_default(),
    };
    fn target(v: Option<u32>) -> Option<String> {
        v.map(|v| v.to_string())
    }
    let action = match term {
        Some(t) => format!("/terms/{}", t.id),
        None => "/terms".to_owned(),
    };
    let held = |f: fn(&Term) -> Option<String>| term.and_then(f);
    let blank = Targets::default();
    let events = term.map(|t| &t.targets.events).unwrap_or(&blank.events);
    html! {
        form.stack.wide method="post" action=(action) data-testid="term-form" {
            input type="hidden" name="csrf" value=(csrf);
            label { "名前（例：2024年度 休眠預金）" input name="name" required maxlength="100" value=(value("name", held(|t| Some(t.name.clone())))); }
            label { "助成元（任意。例：休眠預金等交付金）" input name="funder" maxlength="100" value=(value("funder", held(|t| Some(t.funder.clone())))); }
            label { "事業名（任意。事業報告の表紙に載ります）" input name="project" maxlength="200" value=(value("project", held(|t| Some(t.project.clone())))); }
            label { "資金分配団体（任意）" input name="distributor" maxlength="100" value=(value("distributor", held(|t| Some(t.distributor.clone())))); }
            div.row {
                label { "開始月" input type="month" name="from" required readonly[fixed] placeholder="2024-09" value=(value("from", held(|t| Some(t.from.to_string())))); }
                label { "終了月" input type="month" name="to" required readonly[fixed] placeholder="2025-02" value=(value("to", held(|t| Some(t.to.to_string())))); }
            }
            fieldset {
                legend { "目標（空欄は目標なし）" }
                div.row {
                    label { "導入校数（校）" input type="number" min="0" name="schools" value=(value("schools", held(|t| target(t.targets.schools)))); }
                    label { "実施回数（回）" input type="number" min="0" name="sessions" value=(value("sessions", held(|t| target(t.targets.sessions)))); }
                    label { "利用人数・延べ（名）" input type="number" min="0" name="visits" value=(value("visits", held(|t| target(t.targets.visits)))); }
                }
            }
            fieldset {
                legend { "関連活動の目標（空欄は目標なし）" }
                table {
                    thead { tr { th.text { "種類" } th { "回数" } th { "参加者数（名）" } } }
                    tbody {
                        @for e in events {
                            @let (ev, pa) = (format!("events_{}", e.kind.code()), format!("participants_{}", e.kind.code()));
                            tr {
                                td.text { (html::event_kind_ja(e.kind)) }
                                td { input type="number" min="0" name=(ev) aria-label="回数" value=(value(&ev, target(e.events))); }
                                td { input type="number" min="0" name=(pa) aria-label="参加者数" value=(value(&pa, target(e.participants))); }
                            }
                        }
                    }
                }
            }
            (paths_field(term, fixed, problem))
            button type="submit" { "保存" }
        }
    }
}

/// Whether the term is also a period of the path calendar: the funder's term, chosen here
/// rather than in 設定 because it is the term the report is written for.
fn paths_field(term: Option<&Term>, fixed: bool, problem: Option<&Problem>) -> Markup {
    let checked = match problem {
        Some(_) => !Problem::value(problem, "paths").is_empty(),
        None => term.is_some_and(|t| t.counts_paths),
    };
    // Asked once whether a period already being sent is meant: the next 保存 says yes.
    let asked_late = problem.and_then(|p| p.field) == Some("path_term_late");
    html! {
        fieldset data-testid="term-paths" {
            legend { "進路決定の集計" }
            @if asked_late { input type="hidden" name="late" value="1"; }
            @if fixed && checked {
                // A disabled box is not sent: the hidden field keeps it as it is.
                input type="hidden" name="paths" value="on";
                label.check { input type="checkbox" checked disabled; "この事業期間でも進路決定を集計する" }
                p.note data-testid="term-paths-fixed" {
                    "この期間の進路決定は、すでに各パソコンから届き始めています（期間の末日の7日後から）。月を変えることも、集計をやめることもできません。"
                }
            } @else {
                label.check { input type="checkbox" name="paths" checked[checked] data-testid="term-paths-box"; "この事業期間でも進路決定を集計する（助成元に、年度と違う期間の進路決定を報告するとき）" }
                p.note {
                    "進路決定は、いつも年度（4月〜翌年3月）ごとに集計しています。選べるのは、一つの年度につき一つの事業期間までです。"
                    "一人の進路決定が三つ以上の期間で数えられると、生徒を守るノイズが弱まるためです。"
                    "期間の末日の7日後から各パソコンが送り始めるので、それより前に選んでください。その日からは変更も取り消しもできません。"
                }
            }
        }
    }
}

/// A target field: empty is none, else a whole number.
fn target_field(form: &Form, name: &str) -> std::result::Result<Option<u32>, HqError> {
    match form.get(name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| HqError::BadForm("target")),
    }
}

fn parse_term(form: &Form) -> std::result::Result<TermInput, HqError> {
    let month = |name: &str| {
        Month::parse(form.get(name).unwrap_or_default().trim())
            .map_err(|_| HqError::BadForm("month"))
    };
    let events = EventKind::ALL
        .iter()
        .map(|&kind| {
            Ok(EventTarget {
                kind,
                events: target_field(form, &format!("events_{}", kind.code()))?,
                participants: target_field(form, &format!("participants_{}", kind.code()))?,
            })
        })
        .collect::<std::result::Result<Vec<_>, HqError>>()?;
    Ok(TermInput {
        name: form.get("name").unwrap_or_default().to_owned(),
        funder: form.get("funder").unwrap_or_default().to_owned(),
        project: form.get("project").unwrap_or_default().to_owned(),
        distributor: form.get("distributor").unwrap_or_default().to_owned(),
        from: month("from")?,
        to: month("to")?,
        targets: Targets {
            schools: target_field(form, "schools")?,
            sessions: target_field(form, "sessions")?,
            visits: target_field(form, "visits")?,
            events,
        },
        counts_paths: form.get("paths").is_some_and(|v| !v.is_empty()),
    })
}

async fn save(
    state: ServerState,
    headers: HeaderMap,
    id: Option<i64>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let by = p.by.clone();
    let now = state.now();
    let late_agreed = p.form.get("late") == Some("1");
    let result = match parse_term(&p.form) {
        Ok(input) => {
            state
                .blocking(move |s| {
                    if !late_agreed && s.begins_counting_late(id, &input, tokyo::day(now))? {
                        return Err(HqError::BadForm("path_term_late"));
                    }
                    s.save_term(&by, id, &input, now)
                })
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(back_to("/terms", "saved")),
        Err(e) => {
            let problem = Problem::of(e, p.form)?;
            terms_page(&state, &p.session, &p.sid, id, Some(&problem), None).await
        }
    }
}

pub(super) async fn add_term(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    save(state, headers, None, body).await
}

pub(super) async fn edit_term(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let id = term_id(&id)?;
    save(state, headers, Some(id), body).await
}

pub(super) async fn delete_term(
    State(state): State<ServerState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response> {
    let p = change(&state, &headers, &body).await?;
    let id = term_id(&id)?;
    if !super::confirm::confirmed(&p) {
        let today = salon_hq_store::tokyo::day(state.now());
        let (t, path_terms) = state
            .blocking(move |s| Ok((s.term(id)?, s.path_terms(today)?)))
            .await?;
        let fixed = path_terms
            .iter()
            .any(|p| p.period == t.period() && p.released);
        let says = html! {
            p { "事業期間「" strong { (t.name) } "」（" (month_ja(t.from)) "〜" (month_ja(t.to)) "）とその目標を削除します。" }
            ul {
                li { "件数は消えません。事業期間は、数値を目標と比べて見るための枠です。" }
                li { "この事業期間に結び付いたアンケートは残り、事業期間なしになります。" }
                @if t.counts_paths && fixed {
                    li { "この期間の進路決定は各パソコンから届き始めているため、この期間での集計は続きます（設定に残ります）。" }
                } @else if t.counts_paths {
                    li { "この期間での進路決定の集計もやめます（年度ごとの集計は続きます）。" }
                }
                li { "元に戻すには、同じ名前・月・目標でもう一度作ってください。" }
            }
        };
        return Ok(super::confirm::ask(
            &p,
            "事業期間を削除する",
            &format!("/terms/{id}/delete"),
            says,
            "削除する",
            &format!("/terms/{id}"),
        ));
    }
    let now = state.now();
    state
        .blocking(move |s| s.delete_term(&p.by, id, now))
        .await?;
    Ok(back_to("/terms", "deleted"))
}
