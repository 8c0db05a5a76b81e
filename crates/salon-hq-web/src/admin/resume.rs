//! A form posted after its session ended (30 minutes idle, or 8 hours after login) is not
//! lost: the login page carries it, and after the new login a page offers to send it again
//! with the new session's CSRF token. Nothing is sent until the admin presses the button.
//!
//! Only a form this server handed to that session is carried: it must come with the ended
//! session's cookie and that session's CSRF token. A form another site makes a browser post
//! has neither (the cookie is SameSite=Strict), so it is turned away as before, never offered
//! to be sent again with a fresh token. Passwords are never carried.

use super::shared::*;

pub(super) const EXPIRED: &str = "ログインの有効期限が切れました（30分操作がなかったか、ログインから8時間たちました）。もう一度ログインすると、入力していた内容を保存する画面に進みます。";

/// Where a form was going and what it held (without its old CSRF token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resume {
    to: String,
    form: Form,
}

/// A path of this server's that takes a form: no other host, no login pages.
/// An update's upload: far larger than a form, and its files cannot be kept through a login.
pub(super) const UPDATE_UPLOAD: &str = "/devices/updates";

pub(super) fn resumable(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
        && !["/login", "/logout", "/setup", UPDATE_UPLOAD].contains(&path)
        && !path.starts_with("/s/")
}

impl Resume {
    pub(super) fn new(to: &str, form: Form) -> Option<Resume> {
        resumable(to).then(|| Resume {
            to: to.to_owned(),
            form: form.without(|name| {
                name == "csrf" || name == "current" || name.starts_with("password")
            }),
        })
    }

    /// The form the login page carried, if any.
    pub(super) fn from_login_form(login: &Form) -> Option<Resume> {
        let to = login.get("resume_to")?;
        let body = login.get("resume_form").unwrap_or_default();
        Resume::new(to, Form::parse(body.as_bytes()))
    }

    /// The fields the login form carries it in.
    pub(super) fn hidden_fields(&self) -> Markup {
        html! {
            input type="hidden" name="resume_to" value=(self.to);
            input type="hidden" name="resume_form" value=(self.form.encode());
        }
    }

    /// After the new login: the form again, to send with the new session.
    pub(super) fn page(&self, sid: &str) -> Response {
        let body = html! {
            p data-testid="resume" { "ログインし直しました。ログインが切れる前に入力していた内容は残っています。保存するには「続けて保存する」を押してください。" }
            form method="post" action=(self.to) {
                input type="hidden" name="csrf" value=(secret::csrf_token(sid));
                @for (name, value) in self.form.pairs() {
                    input type="hidden" name=(name) value=(value);
                }
                button type="submit" { "続けて保存する" }
            }
            p { a href="/" { "保存せずにダッシュボードへ" } }
        };
        page("入力した内容の保存", None, body).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_own_form_paths_are_resumed() {
        assert!(resumable("/terms/3"));
        assert!(resumable("/accounts/2/role"));
        for path in [
            "//evil.example/x",
            "/login",
            "/logout",
            "/s/abc",
            "https://x",
            "/a?b=c",
        ] {
            assert!(!resumable(path), "{path}");
        }
        let r = Resume::new(
            "/terms/3",
            Form::parse(b"csrf=old&name=%E6%9C%9F&x=1&current=a&password=b&password_again=b"),
        )
        .unwrap();
        for gone in ["csrf", "current", "password", "password_again"] {
            assert_eq!(r.form.get(gone), None);
        }
        assert_eq!(
            Form::parse(r.form.encode().as_bytes()).get("name"),
            Some("期")
        );
    }
}
