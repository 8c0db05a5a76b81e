//! The client of headquarters' device API: one request per call, each with a timeout, HTTPS
//! required except to this machine, and every failure saying whether a retry can help.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::{StatusCode, Url};
use salon_protocol::{
    DeviceConfig, EnrolRequest, Enrolment, EnrolmentCode, ErrorBody, ErrorCode, HeldRevision,
    Receipt, API_VERSION, API_VERSION_HEADER, APP_VERSION_HEADER, IDEMPOTENCY_HEADER,
};
use serde::de::DeserializeOwned;
use thiserror::Error;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// No answer of headquarters' is larger than a relayed package quoted in JSON: a larger one is
/// refused before it fills this laptop's memory.
const LARGEST_ANSWER: usize = 2 * salon_protocol::relay::MAX_PACKAGE_BYTES + 64 * 1024;

/// Why a request to headquarters failed.
#[derive(Debug, Error)]
pub enum SyncError {
    /// The address is not a URL.
    #[error("not a valid address")]
    BadUrl,
    /// Plain HTTP to anything but this machine would expose the token.
    #[error("headquarters must be reached over https")]
    InsecureUrl,
    /// No answer: offline, refused, timed out. Try again later.
    #[error("headquarters could not be reached")]
    Unreachable,
    /// Headquarters refused the request; its code says why (`device_revoked`, …).
    #[error("headquarters refused the request: {code} ({status})")]
    Refused { status: u16, code: ErrorCode },
    /// Headquarters holds some snapshots at a revision this device has not passed, with other
    /// figures (`revision_behind`, `revision_conflict`): the device goes on above them. Or it
    /// holds releases with other numbers (`release_held`): the device stops sending its own.
    #[error("headquarters holds newer revisions: {code}")]
    RevisionsHeld {
        code: ErrorCode,
        held: Vec<HeldRevision>,
    },
    /// Headquarters' certificate is not one this laptop trusts (expired, for another name,
    /// self-signed): nothing was sent. Retried later, as headquarters may renew it.
    #[error("headquarters' certificate is not trusted")]
    Untrusted,
    /// Headquarters failed (5xx) or answered something unreadable. Try again later.
    #[error("headquarters answered with an error ({0})")]
    Server(u16),
    /// The address redirects elsewhere. Nothing is sent on to another host: the address the
    /// supporter set must be the right one.
    #[error("headquarters' address redirects elsewhere ({0})")]
    Redirected(u16),
}

impl SyncError {
    /// Whether trying the same request later can succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Unreachable
            | SyncError::Untrusted
            | SyncError::Server(_)
            | SyncError::RevisionsHeld { .. } => true,
            SyncError::Refused { status, .. } => *status == 408 || *status == 429,
            SyncError::BadUrl | SyncError::InsecureUrl | SyncError::Redirected(_) => false,
        }
    }

    /// A stable snake_case code for the local sync log: the client's own, or headquarters'.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::BadUrl => "hq_bad_url",
            SyncError::InsecureUrl => "hq_insecure_url",
            SyncError::Unreachable => "hq_unreachable",
            SyncError::Untrusted => "hq_untrusted_certificate",
            SyncError::Refused { code, .. } | SyncError::RevisionsHeld { code, .. } => {
                code.as_str()
            }
            SyncError::Server(_) => "hq_server_error",
            SyncError::Redirected(_) => "hq_redirected",
        }
    }
}

/// A client for one headquarters.
#[derive(Debug, Clone)]
pub struct HqClient {
    base: Url,
    http: reqwest::Client,
    /// Sent with every request so headquarters can name laptops running an older app.
    app_version: String,
}

/// The app's version: every crate of the workspace, the app among them, shares it.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

impl HqClient {
    pub fn new(address: &str) -> Result<Self, SyncError> {
        HqClient::trusting(address, None)
    }

    /// A client that also trusts the certificate authority `root_pem` (PEM), beside the
    /// public ones: for a headquarters with its own authority, and for tests.
    pub fn with_root_certificate(address: &str, root_pem: &[u8]) -> Result<Self, SyncError> {
        HqClient::trusting(address, Some(root_pem))
    }

    fn trusting(address: &str, root_pem: Option<&[u8]>) -> Result<Self, SyncError> {
        let base = Url::parse(address.trim()).map_err(|_| SyncError::BadUrl)?;
        match base.scheme() {
            "https" => {}
            "http" if is_loopback(&base) => {}
            "http" => return Err(SyncError::InsecureUrl),
            _ => return Err(SyncError::BadUrl),
        }
        let mut http = reqwest::Client::builder();
        if let Some(pem) = root_pem {
            let root = reqwest::Certificate::from_pem(pem).map_err(|_| SyncError::BadUrl)?;
            http = http.add_root_certificate(root);
        }
        let http = http
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .https_only(base.scheme() == "https")
            // A redirect would resend the counts and the token to wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| SyncError::BadUrl)?;
        Ok(HqClient {
            base,
            http,
            app_version: APP_VERSION.to_owned(),
        })
    }

    /// This client naming another app version (semver): for tests and the demo, which play
    /// laptops on older apps.
    pub fn with_app_version(mut self, version: &str) -> Self {
        version.clone_into(&mut self.app_version);
        self
    }

    /// The address as entered, normalised.
    pub fn address(&self) -> &str {
        self.base.as_str()
    }

    fn url(&self, path: &str) -> Result<Url, SyncError> {
        self.base.join(path).map_err(|_| SyncError::BadUrl)
    }

    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        path: &str,
    ) -> Result<reqwest::RequestBuilder, SyncError> {
        Ok(self
            .http
            .request(method, self.url(path)?)
            .header(API_VERSION_HEADER, API_VERSION.to_string())
            .header(APP_VERSION_HEADER, &self.app_version))
    }

    /// Exchanges a one-time enrolment code for this device's token.
    pub async fn enrol(&self, code: &EnrolmentCode) -> Result<Enrolment, SyncError> {
        let body = EnrolRequest { code: code.clone() };
        let req = self
            .request(reqwest::Method::POST, "api/v1/enrol")?
            .json(&body);
        answer(req).await
    }

    /// The campuses, path calendar and held releases headquarters has for this device.
    pub async fn config(&self, token: &str) -> Result<DeviceConfig, SyncError> {
        let req = self
            .request(reqwest::Method::GET, "api/v1/config")?
            .bearer_auth(token);
        answer(req).await
    }

    /// Sends an upload exactly as `payload` (the JSON that was logged locally).
    pub async fn upload(
        &self,
        token: &str,
        idempotency_key: &str,
        payload: &str,
    ) -> Result<Receipt, SyncError> {
        let req = self
            .request(reqwest::Method::POST, "api/v1/upload")?
            .bearer_auth(token)
            .header(IDEMPOTENCY_HEADER, idempotency_key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload.to_owned());
        answer(req).await
    }
}

pub(crate) async fn answer<T: DeserializeOwned>(
    req: reqwest::RequestBuilder,
) -> Result<T, SyncError> {
    let (status, bytes) = success(req).await?;
    serde_json::from_slice(&bytes).map_err(|_| SyncError::Server(status.as_u16()))
}

/// A success without a body (204), or the refusal.
pub(crate) async fn answer_done(req: reqwest::RequestBuilder) -> Result<(), SyncError> {
    success(req).await.map(|_| ())
}

/// The status and body of a success; every failure as a [`SyncError`].
async fn success(req: reqwest::RequestBuilder) -> Result<(StatusCode, Vec<u8>), SyncError> {
    let resp = req.send().await.map_err(|e| {
        if certificate_refused(&e) {
            SyncError::Untrusted
        } else {
            SyncError::Unreachable
        }
    })?;
    let status = resp.status();
    let mut resp = resp;
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|_| SyncError::Unreachable)? {
        if bytes.len() + chunk.len() > LARGEST_ANSWER {
            return Err(SyncError::Server(status.as_u16()));
        }
        bytes.extend_from_slice(&chunk);
    }
    if status.is_success() {
        return Ok((status, bytes));
    }
    if status.is_server_error() {
        return Err(SyncError::Server(status.as_u16()));
    }
    if status.is_redirection() {
        return Err(SyncError::Redirected(status.as_u16()));
    }
    let body = serde_json::from_slice::<ErrorBody>(&bytes).ok();
    if let Some(e) = &body {
        let about_revisions = matches!(
            e.code,
            ErrorCode::RevisionBehind | ErrorCode::RevisionConflict | ErrorCode::ReleaseHeld
        );
        if about_revisions && !e.held.is_empty() {
            return Err(SyncError::RevisionsHeld {
                code: e.code,
                held: e.held.clone(),
            });
        }
    }
    let code = body.map_or_else(|| default_code(status), |e| e.code);
    Err(SyncError::Refused {
        status: status.as_u16(),
        code,
    })
}

/// Whether a failed request failed on headquarters' certificate (rustls refused it). The
/// refusal sits in the error's sources, some wrapped in `io::Error`s within each other.
fn certificate_refused(e: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        let mut inner = err;
        while let Some(io) = inner.downcast_ref::<std::io::Error>() {
            match io.get_ref() {
                Some(wrapped) => inner = wrapped,
                None => break,
            }
        }
        if let Some(rustls::Error::InvalidCertificate(_)) = inner.downcast_ref::<rustls::Error>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// A refusal without our error body (a proxy answering, say).
fn default_code(status: StatusCode) -> ErrorCode {
    match status {
        StatusCode::UNAUTHORIZED => ErrorCode::TokenInvalid,
        StatusCode::PAYLOAD_TOO_LARGE => ErrorCode::BodyTooLarge,
        _ => ErrorCode::Unknown,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_required_except_to_this_machine() {
        assert!(HqClient::new("https://hq.example.jp/").is_ok());
        assert!(HqClient::new("http://127.0.0.1:8700/").is_ok());
        assert!(HqClient::new("http://localhost:8700").is_ok());
        assert!(HqClient::new("http://[::1]:8700").is_ok());
        assert!(matches!(
            HqClient::new("http://hq.example.jp/"),
            Err(SyncError::InsecureUrl)
        ));
        assert!(matches!(
            HqClient::new("http://192.168.1.10/"),
            Err(SyncError::InsecureUrl)
        ));
        assert!(matches!(
            HqClient::new("ftp://hq.example.jp/"),
            Err(SyncError::BadUrl)
        ));
        assert!(matches!(
            HqClient::new("本部のサーバー"),
            Err(SyncError::BadUrl)
        ));
    }

    #[test]
    fn only_failures_a_retry_can_mend_are_retryable() {
        assert!(SyncError::Unreachable.is_retryable());
        assert!(SyncError::Server(503).is_retryable());
        assert!(!SyncError::Refused {
            status: 401,
            code: ErrorCode::DeviceRevoked
        }
        .is_retryable());
        assert!(SyncError::Refused {
            status: 429,
            code: ErrorCode::TooManyAttempts
        }
        .is_retryable());
    }

    /// Answers the first request on `listener` with `answer`.
    async fn answer_once(listener: tokio::net::TcpListener, answer: String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let mut seen = Vec::new();
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        socket.write_all(answer.as_bytes()).await.unwrap();
        socket.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn a_redirect_is_an_error_and_nothing_goes_where_it_points() {
        let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let target = format!(
            "http://127.0.0.1:{}/api/v1/upload",
            elsewhere.local_addr().unwrap().port()
        );
        for status in [
            "307 Temporary Redirect",
            "308 Permanent Redirect",
            "302 Found",
        ] {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = listener.local_addr().unwrap().port();
            let answer = format!(
                "HTTP/1.1 {status}\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let server = tokio::spawn(answer_once(listener, answer));
            let client = HqClient::new(&format!("http://127.0.0.1:{port}/")).unwrap();
            let err = client.upload("token", "key", "{}").await.unwrap_err();
            assert!(matches!(err, SyncError::Redirected(_)), "{status}: {err:?}");
            assert_eq!(err.code(), "hq_redirected");
            assert!(!err.is_retryable());
            server.await.unwrap();
        }
        // Had the client followed, it would have connected before answering.
        let followed =
            tokio::time::timeout(std::time::Duration::from_millis(100), elsewhere.accept()).await;
        assert!(followed.is_err(), "a redirect was followed");
    }

    #[tokio::test]
    async fn nothing_listening_is_unreachable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = HqClient::new(&format!("http://127.0.0.1:{port}/")).unwrap();
        let err = client.config("token").await.unwrap_err();
        assert!(matches!(err, SyncError::Unreachable), "{err:?}");
    }
}
