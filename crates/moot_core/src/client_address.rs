//! Who a request comes from: the peer's address, or, behind a reverse
//! proxy the node trusts, the address the proxy says it forwarded for.
//! Rate limits and sign-in limits count by it.

use std::net::IpAddr;

use crate::settings::RateLimitSettings;

/// The reverse proxies named in the settings (entries that are not
/// addresses were refused when the settings were checked).
pub fn trusted_proxies(settings: &RateLimitSettings) -> Vec<IpAddr> {
    settings
        .trusted_proxies
        .iter()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// The client's address: the peer's, unless the peer is a trusted proxy;
/// then the last address in `X-Forwarded-For` (`forwarded_for`, its header
/// values in order) that is not a trusted proxy: the ones before it could
/// have been written by the client itself.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = forwarded_for
        .into_iter()
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn only_a_trusted_proxy_is_believed() {
        let trusted = [ip("127.0.0.1")];
        let forged = ["203.0.113.9"];
        assert_eq!(
            client_address(ip("198.51.100.7"), forged, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), forged, &trusted),
            ip("203.0.113.9")
        );
        // What the client wrote comes first; the proxy appends what it saw.
        let appended = ["1.2.3.4, 198.51.100.7"];
        assert_eq!(
            client_address(ip("127.0.0.1"), appended, &trusted),
            ip("198.51.100.7")
        );
        assert_eq!(
            client_address(ip("127.0.0.1"), ["junk"], &trusted),
            ip("127.0.0.1")
        );
    }
}
