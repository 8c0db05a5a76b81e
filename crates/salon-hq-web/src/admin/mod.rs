//! The admin web: login and the first admin's set-up, the dashboard, the CSV export,
//! campuses, terms and their targets, surveys (and the anonymous form under `/s/`), enrolment
//! codes and devices, settings, accounts and the audit log.
//! Server-rendered HTML in Japanese (maud templates, which escape every value), no
//! JavaScript, a strict CSP. Every POST form carries a CSRF token derived from the session
//! id; the session cookie is HttpOnly and SameSite=Strict. A 閲覧者 (viewer) opens the
//! figures only; every page that changes something asks for a 管理者 (manager).
//!
//! This file holds the router; what every screen shares (the security headers, sessions,
//! errors as pages, the page frame) is `shared`; each screen is a module of its own, and a new
//! admin screen gets one too.

mod accounts;
mod activities;
mod app_updates;
mod audit;
mod breakdowns;
mod campuses;
mod codes;
mod confirm;
mod csv;
mod dashboard;
mod devices;
mod first_admin;
mod form;
mod handovers;
mod history;
mod login;
pub(crate) mod messages;
mod period;
mod report;
mod report_words;
mod resume;
mod settings;
mod shared;
mod supporters;
mod survey_form;
mod survey_results;
mod surveys;
mod terms;

use accounts::*;
use audit::*;
use campuses::*;
use codes::*;
use csv::*;
use dashboard::*;
use devices::*;
use first_admin::*;
use history::*;
use login::*;
use report::*;
use settings::*;
use shared::*;
use survey_form::*;
use survey_results::*;
use surveys::*;
use terms::*;

pub(crate) fn router() -> Router<ServerState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/export.csv", get(export_csv))
        .route(
            "/login",
            // A login may carry a form posted after the session ended (`resume`).
            get(login_form)
                .post(login)
                .layer(axum::extract::DefaultBodyLimit::max(4 * FORM_LIMIT)),
        )
        .route("/logout", post(logout))
        .route("/setup", get(setup_form).post(setup))
        .route("/campuses", get(campuses).post(add_campus))
        .route("/campuses/{code}/rename", post(rename_campus))
        .route("/campuses/{code}/{action}", post(retire_campus))
        .route("/report", get(report))
        .route("/report.csv", get(report_csv))
        .route("/terms", get(terms).post(add_term))
        .route("/terms/{id}", get(term).post(edit_term))
        .route("/terms/{id}/delete", post(delete_term))
        .route("/surveys", get(surveys).post(create_survey))
        .route("/surveys/{id}", get(results))
        .route("/surveys/{id}/edit", get(edit_form).post(save_questions))
        .route("/surveys/{id}/links", get(links))
        .route("/surveys/{id}/links/{link}/print", get(print_link))
        .route("/surveys/{id}/deadline", post(set_deadline))
        .route("/surveys/{id}/{action}", post(close_survey))
        .route("/surveys/{id}/links/{link}/{action}", post(close_link))
        .route("/surveys/{id}/comments.csv", get(comments_csv))
        .route(
            "/surveys/{id}/comments/{comment}/{action}",
            post(feature_comment),
        )
        .route("/s/{token}", get(survey_form).post(submit_survey))
        .route("/settings", get(settings))
        .route("/settings/organisation", post(set_organisation))
        .route("/accounts", get(accounts).post(add_account))
        .route("/accounts/{id}/role", post(set_role))
        .route("/accounts/{id}/{action}", post(stop_account))
        .route("/password", get(password_form).post(change_password))
        .route("/audit", get(audit_log))
        .route("/codes/new", get(code_form))
        .route("/codes", post(issue_code))
        .route("/codes/{id}/cancel", post(cancel_code))
        .route("/devices", get(devices))
        .route("/devices/{id}/revoke", post(revoke))
        .route("/devices/{id}/takeover", post(takeover_code))
        .route("/devices/handovers/{id}/cancel", post(handovers::cancel))
        .route("/devices/quiet-days", post(set_quiet_days))
        .route("/devices/updates/new", get(app_updates::new_update))
        .route(
            resume::UPDATE_UPLOAD,
            post(app_updates::add_update).layer(axum::extract::DefaultBodyLimit::max(
                salon_hq_store::MAX_BUNDLE_BYTES + 64 * 1024,
            )),
        )
        .route("/devices/updates/offer", post(app_updates::offer_updates))
        .route(
            "/devices/updates/{id}/withdraw",
            post(app_updates::withdraw_update),
        )
        .route("/history", get(history))
        .route("/history.csv", get(history_csv))
        .route("/static/hq.css", get(css))
        .route("/static/print.js", get(print_js))
        .route("/privacy.md", get(privacy_md))
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
        .layer(middleware::from_fn(login::keep_form_through_login))
        .layer(middleware::from_fn(security_headers))
}
