//! Certificates from an ACME authority, against Debian's `pebble` (a test ACME server) on
//! loopback with its mock DNS (`pebble-challtestsrv`) saying hq.salon.test is 127.0.0.1: the
//! real `salon-hq` binary, given only its domain, gets a certificate by answering the TLS-ALPN-01
//! check on its own HTTPS port and serves it; restarted with the authority gone, it serves the
//! one it kept. `serve` refuses a domain it cannot get a certificate for.

mod server;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use server::{hq, refused, test_certificate, Server, ADMIN};

const DOMAIN: &str = "hq.salon.test";

/// `N` free ports of 127.0.0.1, all different: every listener is held until the last port is
/// chosen, since a port given back at once may be handed out again by the next bind.
fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<_> = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    std::array::from_fn(|i| held[i].local_addr().unwrap().port())
}

/// A process stopped when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(program: &str, args: &[&str], env: &[(&str, &str)]) -> Running {
    let child = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} (Debian's pebble package) must be installed: {e}"));
    Running(child)
}

fn wait_for_port(port: u16, what: &str) {
    let until = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "{what} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The authority pebble serves its own API with (it is no ACME matter): a test CA and a
/// certificate for 127.0.0.1 signed by it. Returns the CA's file.
fn api_certificate(dir: &Path) -> PathBuf {
    let (ca, leaf, key) = test_certificate("127.0.0.1");
    std::fs::write(dir.join("api-cert.pem"), leaf).unwrap();
    std::fs::write(dir.join("api-key.pem"), key).unwrap();
    std::fs::write(dir.join("api-ca.pem"), ca).unwrap();
    dir.join("api-ca.pem")
}

/// pebble and its DNS on the free ports given, validating TLS-ALPN-01 on `hq_port`. Returns the
/// two processes and the directory's URL and management port.
fn authority(dir: &Path, hq_port: u16, ports: [u16; 5]) -> (Running, Running, String, u16) {
    let [dns, dns_admin, api, admin, http] = ports;
    let config = serde_json::json!({"pebble": {
        "listenAddress": format!("127.0.0.1:{api}"),
        "managementListenAddress": format!("127.0.0.1:{admin}"),
        "certificate": dir.join("api-cert.pem"),
        "privateKey": dir.join("api-key.pem"),
        "httpPort": http,
        "tlsPort": hq_port,
        "ocspResponderURL": "",
        "externalAccountBindingRequired": false
    }});
    std::fs::write(dir.join("pebble.json"), config.to_string()).unwrap();
    let dns_addr = format!("127.0.0.1:{dns}");
    let dns_admin_addr = format!("127.0.0.1:{dns_admin}");
    let dns_server = spawn(
        "pebble-challtestsrv",
        &[
            "-dns01",
            &dns_addr,
            "-management",
            &dns_admin_addr,
            "-http01",
            "",
            "-https01",
            "",
            "-tlsalpn01",
            "",
            "-defaultIPv4",
            "127.0.0.1",
            "-defaultIPv6",
            "",
        ],
        &[],
    );
    wait_for_port(dns_admin, "pebble-challtestsrv");
    let config = dir.join("pebble.json");
    let pebble = spawn(
        "pebble",
        &["-config", config.to_str().unwrap(), "-dnsserver", &dns_addr],
        // No random waits, and no nonce refused on purpose (pebble refuses 5% by default).
        &[("PEBBLE_VA_NOSLEEP", "1"), ("PEBBLE_WFE_NONCEREJECT", "0")],
    );
    wait_for_port(api, "pebble");
    (
        dns_server,
        pebble,
        format!("https://127.0.0.1:{api}/dir"),
        admin,
    )
}

/// A client that trusts only `root` and finds the domain at 127.0.0.1.
fn client(root: &str, port: u16) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(root.as_bytes()).unwrap())
        .resolve(DOMAIN, ([127, 0, 0, 1], port).into())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn ready_over_https(root: &str, port: u16) -> Result<String, String> {
    let res = client(root, port)
        .get(format!("https://{DOMAIN}:{port}/readyz"))
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    res.text().await.map_err(|e| format!("{e:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headquarters_gets_its_certificate_from_an_acme_authority_and_keeps_it() {
    let work = tempfile::tempdir().unwrap();
    let api_ca = api_certificate(work.path());
    let [hq_port, ports @ ..] = free_ports::<6>();
    let (dns_server, pebble, directory, admin) = authority(work.path(), hq_port, ports);

    let dir = tempfile::tempdir().unwrap();
    hq(
        dir.path(),
        &[
            "admin",
            "create-admin",
            "--name",
            ADMIN,
            "--role",
            "manager",
        ],
    );
    let cache = dir.path().join("acme");
    let acme_args = [
        "--acme-domain",
        DOMAIN,
        "--acme-email",
        "it@example.org",
        "--acme-directory",
        &directory,
        "--acme-directory-ca",
        api_ca.to_str().unwrap(),
    ];
    let addr = format!("127.0.0.1:{hq_port}");
    let server = Server::serve_at(dir, &addr, &acme_args);
    assert_eq!(server.url, format!("https://{addr}"));

    // The certificates pebble issues chain to a root it makes at start.
    let root = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(&std::fs::read(&api_ca).unwrap()).unwrap(),
        )
        .build()
        .unwrap()
        .get(format!("https://127.0.0.1:{admin}/roots/0"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let ready = loop {
        match ready_over_https(&root, hq_port).await {
            Ok(body) => break body,
            Err(e) if Instant::now() > until => panic!(
                "no certificate within a minute: {e}\n{}",
                server.log.lock().unwrap().join("\n")
            ),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    };
    assert!(ready.contains("\"ready\":true"), "{ready}");
    let log = server.log.lock().unwrap().join("\n");
    assert!(log.contains("DeployedNewCert"), "{log}");
    assert!(!log.contains("PRIVATE KEY"), "a key reached the log: {log}");
    let kept = std::fs::read_dir(&cache).unwrap().count();
    assert!(
        kept >= 2,
        "the account and the certificate are kept ({kept} files)"
    );
    let listing = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<Vec<_>>();
    assert!(listing.iter().any(|p| std::fs::read_to_string(p)
        .map(|t| t.contains("BEGIN CERTIFICATE"))
        .unwrap_or(false)));
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "the certificate's key is the server's alone");
    }

    // Restarted with the authority gone, it serves the certificate it kept.
    let dir = server.stop();
    drop(pebble);
    drop(dns_server);
    let again = Server::serve_at(dir, &addr, &acme_args);
    let until = Instant::now() + Duration::from_secs(20);
    loop {
        match ready_over_https(&root, hq_port).await {
            Ok(body) => break assert!(body.contains("\"ready\":true"), "{body}"),
            Err(e) if Instant::now() > until => panic!(
                "the kept certificate was not served: {e}\n{}",
                again.log.lock().unwrap().join("\n")
            ),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let log = again.log.lock().unwrap().join("\n");
    assert!(log.contains("DeployedCachedCert"), "{log}");
}

#[test]
fn serve_refuses_what_no_authority_can_certify() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(
        dir.path(),
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--acme-domain",
            "192.168.1.10",
        ],
    );
    assert!(err.contains("ドメイン名を指定してください"), "{err}");
    let err = refused(
        dir.path(),
        &[
            "serve",
            "--addr",
            "0.0.0.0:0",
            "--acme-domain",
            DOMAIN,
            "--acme-cache",
            "/proc/salon-acme",
        ],
    );
    assert!(err.contains("証明書のフォルダ /proc/salon-acme"), "{err}");
    let err = refused(
        dir.path(),
        &[
            "serve",
            "--acme-domain",
            DOMAIN,
            "--acme-email",
            "it-at-example.org",
        ],
    );
    assert!(err.contains("メールアドレス"), "{err}");
    assert!(
        !dir.path().join("acme").exists(),
        "a refused start wrote nothing"
    );
}
