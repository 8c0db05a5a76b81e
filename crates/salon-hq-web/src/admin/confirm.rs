//! Permanent actions asked once more, in the page: the first press of a button like 失効させる
//! only says exactly what will happen (which laptop, whose, what its next upload meets) and
//! whether and how it can be undone; the same form sent again with `confirmed=1` does it.

use super::shared::*;

/// Whether this is the confirming press.
pub(super) fn confirmed(p: &Posted) -> bool {
    p.form.get("confirmed") == Some("1")
}

/// The question: what will happen, a button that does it, and a way back that does nothing.
pub(super) fn ask(
    p: &Posted,
    title: &str,
    action: &str,
    says: Markup,
    button: &str,
    back: &str,
) -> Response {
    let body = html! {
        div.confirm data-testid="confirm" {
            (says)
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(secret::csrf_token(&p.sid));
                input type="hidden" name="confirmed" value="1";
                button.danger type="submit" data-testid="confirm-yes" { (button) }
            }
            p { a href=(back) data-testid="confirm-no" { "やめて戻る" } }
        }
    };
    screen(title, &p.session, &p.sid, body)
}
