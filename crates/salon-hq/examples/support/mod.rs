//! What the benchmarks share: logging in to the real server as the admin they made.

/// The admin every benchmark makes, and its password.
pub const ADMIN: &str = "事務局";
pub const PASSWORD: &str = "benchmark password 2025";

/// Logs in through the login form and returns the session cookie.
pub async fn login(base: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    let form_cookie = page.headers()["set-cookie"].to_str().unwrap();
    let form_cookie = form_cookie.split(';').next().unwrap().to_owned();
    let text = page.text().await.unwrap();
    let at = text.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &text[at..at + 64];
    let answer = http
        .post(format!("{base}/login"))
        .header("cookie", form_cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={csrf}&name={}&password={}",
            "%E4%BA%8B%E5%8B%99%E5%B1%80", // ADMIN
            PASSWORD.replace(' ', "+")
        ))
        .send()
        .await
        .unwrap();
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-hq_session="))
        .expect("logged in")
}
