//! Who is asking: the client's address for the throttle, from the connection or, behind a
//! proxy named with `--trusted-proxy`, from the header that proxy appends.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::state::ServerState;

/// The client's address, when the server was built with
/// `into_make_service_with_connect_info::<SocketAddr>` (otherwise none): the peer, or for a
/// proxy named with `--trusted-proxy` the address it appended last to `X-Forwarded-For`.
pub(crate) struct Peer(pub Option<IpAddr>);

/// Whether the warning about a forwarded header from an unnamed peer was written already.
static UNTRUSTED_FORWARD_WARNED: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

impl FromRequestParts<ServerState> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &ServerState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        // A proxy that appends its own header line puts the address it saw last.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok());
        // A proxy on 127.0.0.1 reaches a dual-stack listener as ::ffff:127.0.0.1.
        let trusted = peer.is_some_and(|p| {
            state
                .trusted_proxies
                .iter()
                .any(|t| t.to_canonical() == p.to_canonical())
        });
        if forwarded.is_some()
            && peer.is_some()
            && !trusted
            && !UNTRUSTED_FORWARD_WARNED.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            tracing::warn!(
                "X-Forwarded-For を送ってきた接続元は --trusted-proxy に指定されていないため、その値を使いません。リバースプロキシを使っているなら、そのアドレスを --trusted-proxy に指定してください"
            );
        }
        Ok(Peer(client_address(peer, forwarded, trusted)))
    }
}

/// The peer, or for a trusted proxy the last address in `X-Forwarded-For`: the one the proxy
/// itself appended, which a client cannot forge.
fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: bool,
) -> Option<IpAddr> {
    let peer = peer?;
    if !trusted {
        return Some(peer);
    }
    forwarded_for
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_named_proxy_is_believed() {
        let outside: IpAddr = "203.0.113.7".parse().unwrap();
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let client: IpAddr = "198.51.100.20".parse().unwrap();
        // Any peer not named, loopback included (any local process), gains nothing.
        assert_eq!(
            client_address(Some(outside), Some("10.0.0.1"), false),
            Some(outside)
        );
        assert_eq!(
            client_address(Some(local), Some("198.51.100.20"), false),
            Some(local)
        );
        // Through the named proxy: the address it appended last.
        assert_eq!(
            client_address(Some(local), Some("10.9.9.9, 198.51.100.20"), true),
            Some(client)
        );
        assert_eq!(
            client_address(Some(local), Some("not an address"), true),
            Some(local)
        );
        assert_eq!(client_address(Some(local), None, true), Some(local));
        assert_eq!(client_address(None, Some("198.51.100.20"), true), None);
    }
}
