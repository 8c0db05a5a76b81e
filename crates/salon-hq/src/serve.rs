//! The `salon-hq serve` command: its settings checked before anything starts (each with a
//! clear message), HTTPS from a certificate and key when given or from an ACME authority for a
//! domain (acme.rs), plain HTTP only on loopback (for this machine, or a reverse proxy on it).

use std::future::Future;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use salon_hq_store::HqStore;
use salon_hq_web::{router, Clock, ServerState};

use crate::acme::{self, AcmeSettings};

/// What `serve` was given.
#[derive(Debug)]
pub struct Settings {
    pub db: PathBuf,
    pub addr: SocketAddr,
    pub public_url: Option<String>,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub acme: Option<AcmeSettings>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Everything `serve` needs, checked: the lock, the database, the socket, the certificate.
struct Checked {
    _lock: std::fs::File,
    store: HqStore,
    listener: TcpListener,
    tls: Option<rustls::ServerConfig>,
    /// Obtains and renews the ACME certificate while the server runs.
    renewal: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    public_url: String,
}

pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    let mut checked = check(&settings)?;
    if let Some(renewal) = checked.renewal.take() {
        tokio::spawn(renewal);
    }
    let local = checked.listener.local_addr()?;
    let scheme = if checked.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!("salon-hq listening on {scheme}://{local}");
    // While no account exists, the way in is a one-time link (never in the request log, which
    // writes no query).
    if let Some(token) = checked.store.issue_setup_link(Clock::System.now())? {
        let link = format!("{}/setup?token={token}", checked.public_url);
        hand_over_setup_link(&settings.db, &link)?;
    } else {
        // An admin exists: a link left from the first start is spent.
        let _ = std::fs::remove_file(setup_link_file(&settings.db));
    }
    let state = ServerState {
        public_url: checked.public_url,
        trusted_proxies: settings.trusted_proxies.clone(),
        ..ServerState::new(checked.store)
    };
    let store = state.store.clone();
    tokio::spawn(audit_daily(store.clone()));
    let app = match checked.tls {
        Some(_) => router(state).layer(axum::middleware::map_response(strict_transport)),
        None => router(state),
    };
    // The client's address feeds the per-address limits on logins and enrolments.
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    match checked.tls {
        None => {
            let listener = tokio::net::TcpListener::from_std(checked.listener)?;
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown())
                .await?;
        }
        Some(config) => {
            let handle = axum_server::Handle::new();
            let stopping = handle.clone();
            tokio::spawn(async move {
                shutdown().await;
                stopping.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            let config = axum_server::tls_rustls::RustlsConfig::from_config(Arc::new(config));
            axum_server::from_tcp_rustls(checked.listener, config)
                .handle(handle)
                .serve(app)
                .await?;
        }
    }
    audit_checkpoint(store).await;
    Ok(())
}

/// How often the 操作記録's end goes to the log while the server runs.
const AUDIT_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// At start and then daily: the audit head file brought up to date, and the log's line count
/// and last MAC written to the server log, where the database's owner cannot reach them
/// (`salon-hq audit verify --expect-count --expect-head` checks against them).
async fn audit_daily(store: Arc<HqStore>) {
    let mut every = tokio::time::interval(AUDIT_EVERY);
    // After the machine slept, one line, not one for every day missed.
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        audit_checkpoint(store.clone()).await;
    }
}

/// One checkpoint: the count and the MAC, and any problem by its place in the log (never a
/// line's content, a name or the key).
async fn audit_checkpoint(store: Arc<HqStore>) {
    match tokio::task::spawn_blocking(move || store.audit_checkpoint()).await {
        Ok(Ok(check)) => {
            tracing::info!(
                target: "salon_hq::audit",
                lines = check.lines,
                head = %check.head_hex(),
                intact = check.intact(),
                "audit log head"
            );
            for problem in &check.problems {
                tracing::error!(target: "salon_hq::audit", problem = ?problem, "audit log tampered with");
            }
        }
        Ok(Err(e)) => {
            tracing::error!(target: "salon_hq::audit", error = %e, "audit log not checked")
        }
        Err(_) => tracing::error!(target: "salon_hq::audit", "audit log not checked"),
    }
}

/// Served over HTTPS, every answer tells browsers to keep to HTTPS for this host for a year, so
/// an office worker's browser never sends its session cookie over plain HTTP to a network that
/// intercepts the first request. (Over loopback HTTP there is nothing to keep to.)
async fn strict_transport(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        axum::http::header::STRICT_TRANSPORT_SECURITY,
        axum::http::HeaderValue::from_static("max-age=31536000"),
    );
    response
}

/// Where the set-up link goes when no one is at the console: a file beside the database that
/// only the server's user can read.
pub fn setup_link_file(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".setup-link");
    db.with_file_name(name)
}

/// Shows the set-up link to whoever started the server at a terminal; otherwise (under
/// systemd, whose journal keeps stdout) writes it to `setup_link_file`, 0600, and logs only
/// where it is.
fn hand_over_setup_link(db: &Path, link: &str) -> anyhow::Result<()> {
    use std::io::{IsTerminal, Write};
    use std::os::unix::fs::OpenOptionsExt;
    let minutes = salon_hq_store::SETUP_LINK_SECS / 60;
    let text = format!(
        "管理者がまだいません。{minutes}分以内に次のリンクを開いて、最初の管理者を作成してください（過ぎたらサーバーを起動し直すと新しいリンクができます）：\n{link}\n"
    );
    if std::io::stdout().is_terminal() {
        print!("{text}");
        return Ok(());
    }
    let path = setup_link_file(db);
    let _ = std::fs::remove_file(&path);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("設定用リンクのファイル {} を作れません", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    tracing::warn!(
        "管理者がまだいません。最初の管理者を作る設定用リンク（{minutes}分有効）を {} に書きました。サーバーの利用者（root）で開いてください",
        path.display()
    );
    Ok(())
}

fn check(s: &Settings) -> anyhow::Result<Checked> {
    // The public address first: a mistake there is found before anything is opened.
    let public_url = s.public_url.as_deref().map(check_public_url).transpose()?;
    let (tls, renewal, domain) = match (&s.tls, &s.acme) {
        (Some((cert, key)), _) => (Some(tls_config(cert, key)?), None, None),
        (None, Some(settings)) => {
            let (config, renewal, domain) = acme::server_config(settings)?;
            let renewal: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(renewal);
            (Some(config), Some(renewal), Some(domain))
        }
        (None, None) if s.addr.ip().is_loopback() => (None, None, None),
        (None, None) => bail!(
            "{} で待ち受けるには HTTPS が必要です。--acme-domain でドメインを指定して証明書を自動で取るか、\
             --tls-cert と --tls-key で証明書と鍵を指定してください\
             （暗号化なしの HTTP はこのサーバーの中、127.0.0.1 だけで使えます）",
            s.addr
        ),
    };
    check_folder(&s.db)?;
    let lock = crate::backup::serve_lock(&s.db)?;
    let store = HqStore::open(&s.db)
        .with_context(|| format!("データベース {} を開けません", s.db.display()))?;
    let listener = TcpListener::bind(s.addr).map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => anyhow::anyhow!(
            "{} は別のプログラムが使っています。そのプログラムを止めるか、--addr で別のポートを指定してください",
            s.addr
        ),
        std::io::ErrorKind::PermissionDenied => anyhow::anyhow!(
            "{} で待ち受ける権限がありません（1024 未満のポートには権限が要ります）",
            s.addr
        ),
        _ => anyhow::anyhow!("{} で待ち受けられません：{e}", s.addr),
    })?;
    listener.set_nonblocking(true)?;
    let port = listener.local_addr()?.port();
    let public_url = match (public_url, domain) {
        (Some(url), _) => url,
        (None, Some(domain)) if port == 443 => format!("https://{domain}"),
        (None, Some(domain)) => format!("https://{domain}:{port}"),
        (None, None) => format!(
            "{}://{}",
            if tls.is_some() { "https" } else { "http" },
            listener.local_addr()?
        ),
    };
    Ok(Checked {
        _lock: lock,
        store,
        listener,
        tls,
        renewal,
        public_url,
    })
}

/// The public address without its trailing slash; https unless it names this machine.
fn check_public_url(url: &str) -> anyhow::Result<String> {
    let url = url.trim().trim_end_matches('/');
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|l| {
            url == *l || url.starts_with(&format!("{l}:")) || url.starts_with(&format!("{l}/"))
        });
    let https = url.starts_with("https://") && url.len() > "https://".len();
    if !(https || local) {
        bail!(
            "--public-url は https:// で始まるアドレスにしてください（例：https://hq.example.org）"
        );
    }
    Ok(url.to_owned())
}

/// The database's folder exists and this user can write in it (SQLite writes its journal
/// beside the database).
fn check_folder(db: &Path) -> anyhow::Result<()> {
    let folder = match db.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        bail!("データベースのフォルダ {} がありません", folder.display());
    }
    let probe = folder.join(format!(".salon-hq-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|_| {
        anyhow::anyhow!(
            "データベースのフォルダ {} に書き込めません。このサーバーを動かすユーザーに書き込みの権限を与えてください",
            folder.display()
        )
    })?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// A rustls configuration from PEM files: the certificate chain (the server's first) and its
/// private key.
fn tls_config(cert: &Path, key: &Path) -> anyhow::Result<rustls::ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect())
        .map_err(|_| {
            anyhow::anyhow!(
                "証明書 {} を読めません（PEM 形式のファイルで、読む権限があるか確かめてください）",
                cert.display()
            )
        })?;
    if certs.is_empty() {
        bail!("{} に証明書がありません", cert.display());
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|_| {
        anyhow::anyhow!(
            "秘密鍵 {} を読めません（PEM 形式のファイルで、読む権限があるか確かめてください）",
            key.display()
        )
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, private)
        .map_err(|_| {
            anyhow::anyhow!(
                "証明書 {} と秘密鍵 {} が対になっていません",
                cert.display(),
                key.display()
            )
        })?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_address_is_https_unless_it_is_this_machine() {
        assert_eq!(
            check_public_url("https://hq.example.org/").unwrap(),
            "https://hq.example.org"
        );
        assert!(check_public_url("http://127.0.0.1:8700").is_ok());
        assert!(check_public_url("http://localhost").is_ok());
        for bad in [
            "http://hq.example.org",
            "hq.example.org",
            "https://",
            "http://localhost.evil.jp",
        ] {
            assert!(check_public_url(bad).is_err(), "{bad}");
        }
    }
}
