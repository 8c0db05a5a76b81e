//! The real binary's first start and its proxy setting: the one-time set-up link reaches only
//! the server's own user, and a forwarded address from a peer not named is ignored, with a
//! warning.

mod server;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use server::*;

fn wait_for(what: &str, mut found: impl FnMut() -> bool) {
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while !found() {
        assert!(std::time::Instant::now() < until, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn without_a_terminal_the_set_up_link_goes_to_a_file_only_the_server_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hq.db.setup-link");
    let server = Server::serve(dir);
    wait_for("the set-up link file", || file.exists());
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("60分以内"), "{text}");
    let at = text.find("/setup?token=").expect("the link") + "/setup?token=".len();
    let token: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    // The log says where the link is, never the link.
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("hq.db.setup-link"), "{log}");
    assert!(!log.contains(&token) && !log.contains("token="), "{log}");

    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/setup?token={token}", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("発行から1時間"));

    // A forwarded address from this machine's loopback, not named with --trusted-proxy.
    let a = http
        .post(format!("{}/login", server.url))
        .header("x-forwarded-for", "198.51.100.7")
        .form(&[("name", "someone"), ("password", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 403, "a login form this server did not hand out");
    wait_for("the warning about the forwarded header", || {
        server
            .log
            .lock()
            .unwrap()
            .join("\n")
            .contains("--trusted-proxy")
    });
}
