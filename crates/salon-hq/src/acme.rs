//! Certificates for the server's domain from an ACME authority (Let's Encrypt unless told
//! otherwise), for an NPO with no proxy and no one to renew certificates: obtained at start,
//! renewed before they expire, kept in a folder so a restart asks for none. The authority's
//! check (TLS-ALPN-01) is answered on the HTTPS port itself, so only that port must be open.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use futures_util::StreamExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls_acme::caches::DirCache;
use rustls_acme::{AcmeConfig, AcmeState};

pub const LETS_ENCRYPT: &str = "https://acme-v02.api.letsencrypt.org/directory";

/// What `serve --acme-domain` was given.
#[derive(Debug)]
pub struct AcmeSettings {
    pub domain: String,
    /// Where the authority writes before a certificate expires unrenewed.
    pub email: Option<String>,
    pub directory: String,
    /// The account key and certificates (kept private to the server's user).
    pub cache: PathBuf,
    /// An authority to trust for the directory instead of the public ones (a test or
    /// private authority).
    pub directory_ca: Option<PathBuf>,
}

/// The rustls configuration serving the domain's certificate, the task that obtains and
/// renews it (to be spawned once the server is about to listen), and the domain as checked
/// (lower case, no final dot).
pub fn server_config(
    s: &AcmeSettings,
) -> anyhow::Result<(
    rustls::ServerConfig,
    impl std::future::Future<Output = ()>,
    String,
)> {
    let domain = check_domain(&s.domain)?;
    let email = s.email.as_deref().map(check_email).transpose()?;
    prepare_cache(&s.cache)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = match &s.directory_ca {
        None => AcmeConfig::new_with_provider([domain.clone()], provider.clone()),
        Some(ca) => {
            AcmeConfig::new_with_client_config([domain.clone()], client_for(ca, &provider)?)
        }
    }
    .directory(&s.directory)
    .cache(DirCache::new(s.cache.clone()));
    if let Some(email) = email {
        config = config.contact_push(format!("mailto:{email}"));
    }
    let state = config.state();
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(state.resolver());
    server.alpn_protocols = vec![
        b"h2".to_vec(),
        b"http/1.1".to_vec(),
        rustls_acme::acme::ACME_TLS_ALPN_NAME.to_vec(),
    ];
    Ok((server, keep_certified(state, domain.clone()), domain))
}

/// Drives the ACME state for as long as the server runs, logging what happens (never a key).
async fn keep_certified(mut state: AcmeState<std::io::Error>, domain: String) {
    while let Some(event) = state.next().await {
        match event {
            Ok(ok) => tracing::info!(domain = %domain, event = ?ok, "certificate"),
            Err(err) => tracing::warn!(domain = %domain, error = %err, "certificate not obtained"),
        }
    }
}

/// A domain name an authority can issue for: letters, digits and hyphens in dotted labels.
fn check_domain(domain: &str) -> anyhow::Result<String> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let numeric = labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit()));
    if labels.len() < 2 || !labels.iter().all(|l| label_ok(l)) || numeric || domain.len() > 253 {
        bail!(
            "--acme-domain にはこのサーバーのドメイン名を指定してください（例：hq.example.org。IP アドレスには証明書を取れません）"
        );
    }
    Ok(domain)
}

fn check_email(email: &str) -> anyhow::Result<&str> {
    let email = email.trim();
    match email.split_once('@') {
        Some((user, host)) if !user.is_empty() && host.contains('.') && !email.contains(' ') => {
            Ok(email)
        }
        _ => bail!("--acme-email はメールアドレスにしてください（例：it@example.org）"),
    }
}

/// The folder exists, is this user's alone (it holds the account and certificate keys) and
/// can be written.
fn prepare_cache(cache: &Path) -> anyhow::Result<()> {
    let unwritable = || {
        anyhow::anyhow!(
            "証明書のフォルダ {} を作れないか、書き込めません。このサーバーを動かすユーザーに書き込みの権限を与えてください",
            cache.display()
        )
    };
    std::fs::create_dir_all(cache).map_err(|_| unwritable())?;
    std::fs::set_permissions(cache, std::fs::Permissions::from_mode(0o700))
        .map_err(|_| unwritable())?;
    let probe = cache.join(format!(".write-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|_| unwritable())?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

fn client_for(
    ca: &Path,
    provider: &Arc<rustls::crypto::CryptoProvider>,
) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let unreadable = || {
        anyhow::anyhow!(
            "認証局の証明書 {} を読めません（PEM 形式のファイルか確かめてください）",
            ca.display()
        )
    };
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(ca).map_err(|_| unreadable())? {
        roots
            .add(cert.map_err(|_| unreadable())?)
            .map_err(|_| unreadable())?;
    }
    if roots.is_empty() {
        return Err(unreadable());
    }
    let client = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("TLS")?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_a_dotted_name_not_an_address() {
        assert_eq!(check_domain(" HQ.Example.org. ").unwrap(), "hq.example.org");
        assert!(check_domain("hq.salon.test").is_ok());
        for bad in [
            "",
            "localhost",
            "192.168.1.10",
            "hq..example.org",
            "-hq.example.org",
            "hq.example.org/",
            "https://hq.example.org",
            "hq_1.example.org",
        ] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_email_has_a_user_and_a_domain() {
        assert!(check_email("it@example.org").is_ok());
        for bad in ["", "it", "@example.org", "it@localhost", "it @example.org"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_cache_is_the_servers_alone() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("acme");
        prepare_cache(&cache).unwrap();
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        assert!(prepare_cache(Path::new("/proc/salon-acme")).is_err());
    }
}
