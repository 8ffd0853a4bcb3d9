//! Who sent a request, decided once per request before anything else reads it: the client's IP
//! address, the scheme the browser used, and a request id the server made itself. Every header a
//! client sends is a claim: `X-Forwarded-For`, `Forwarded` and `X-Forwarded-Proto` are believed
//! only when the TCP peer is one of the operator's `--trusted-proxy` ranges, and a client's own
//! `X-Request-Id` is replaced, never kept.
use std::net::{IpAddr, SocketAddr};

use app::core::logbook::Origin;
use axum::{
    extract::{ConnectInfo, Request},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;
use tower_http::request_id::RequestId;

/// The scheme the browser used to reach us (directly, or as a trusted proxy says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "http" => Some(Scheme::Http),
            "https" => Some(Scheme::Https),
            _ => None,
        }
    }
}

/// The request's sender as the server decided it; put into the request's extensions, next to
/// the logbook [`Origin`] built from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub ip: Option<IpAddr>,
    pub scheme: Scheme,
}

/// Which forwarding header the operator's proxy writes. Only that one is read: a proxy that
/// appends to `X-Forwarded-For` passes a client's own `Forwarded` header on untouched, so reading
/// both would let the client choose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For` and `X-Forwarded-Proto` (nginx, HAProxy, Traefik, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=…;proto=…`.
    Forwarded,
}

/// The operator's reverse proxies (`--trusted-proxy CIDR`, repeatable). Empty: no forwarding
/// header is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> Self {
        Self { nets, header: ForwardedHeader::default() }
    }

    pub fn reading(mut self, header: ForwardedHeader) -> Self {
        self.header = header;
        self
    }

    fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.nets.iter().any(|n| n.contains(&ip))
    }

    /// The client behind `peer`: the peer itself unless it is trusted; then the rightmost
    /// address in the forwarding chain that is not a trusted proxy (everything to its left was
    /// written by a party we do not trust).
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap, own_scheme: Scheme) -> Client {
        let Some(peer) = peer.map(canonical) else { return Client { ip: None, scheme: own_scheme } };
        if !self.contains(peer) {
            return Client { ip: Some(peer), scheme: own_scheme };
        }
        let forwarded = forwarded_for(headers, self.header);
        let mut ip = peer;
        for hop in forwarded.iter().rev() {
            match hop {
                Some(addr) if self.contains(*addr) => ip = *addr,
                Some(addr) => {
                    ip = *addr;
                    break;
                }
                // A hop we cannot read: stop at the last one we could.
                None => break,
            }
        }
        // Over our own TLS the scheme is a fact, not a proxy's word.
        let scheme = match own_scheme {
            Scheme::Https => Scheme::Https,
            Scheme::Http => forwarded_proto(headers, self.header).unwrap_or(own_scheme),
        };
        Client { ip: Some(ip), scheme }
    }
}

/// `::ffff:192.0.2.1` is 192.0.2.1: one address, one throttle key.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// Parses `--trusted-proxy`: a CIDR range or a single address.
pub fn parse_net(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("{s:?} is not an address or CIDR range (e.g. 10.0.0.0/8 or 192.0.2.7)"))
}

/// One address out of a forwarding header element: `192.0.2.1`, `192.0.2.1:4711`,
/// `[2001:db8::1]:4711`, `2001:db8::1`, optionally quoted. Anything else (`unknown`, obfuscated
/// identifiers, garbage) is `None`.
fn hop_addr(raw: &str) -> Option<IpAddr> {
    let s = raw.trim().trim_matches('"');
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    s.strip_prefix('[').and_then(|r| r.split(']').next()).and_then(|v6| v6.parse().ok()).map(canonical)
}

/// The forwarding chain from the one header the proxy writes, oldest hop first, over every
/// header line in order.
fn forwarded_for(headers: &HeaderMap, which: ForwardedHeader) -> Vec<Option<IpAddr>> {
    let values = |name| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    match which {
        ForwardedHeader::Forwarded => values(header::FORWARDED)
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (k, v) = pair.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("for").then(|| hop_addr(v))?
                })
            })
            .collect(),
        ForwardedHeader::XForwardedFor => values(header::HeaderName::from_static("x-forwarded-for"))
            .iter()
            .flat_map(|v| v.split(','))
            .map(hop_addr)
            .collect(),
    }
}

/// The scheme the nearest proxy reports, from the same family of header: `X-Forwarded-Proto`
/// (its last value when a list) or `Forwarded: proto=` of the last element.
fn forwarded_proto(headers: &HeaderMap, which: ForwardedHeader) -> Option<Scheme> {
    match which {
        ForwardedHeader::Forwarded => {
            let rfc = headers.get_all(header::FORWARDED).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
            let last = rfc.iter().flat_map(|v| v.split(',')).next_back()?;
            last.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("proto").then(|| Scheme::parse(v.trim_matches('"')))?
            })
        }
        ForwardedHeader::XForwardedFor => {
            let xfp = headers.get_all("x-forwarded-proto").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
            xfp.iter().flat_map(|v| v.split(',')).next_back().and_then(Scheme::parse)
        }
    }
}

/// 96 random bits, hex.
fn new_request_id() -> Option<HeaderValue> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).ok()?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&hex).ok()
}

/// Outermost: replaces whatever `X-Request-Id` the client sent with one of ours, so logs and the
/// logbook can rely on it (and a client cannot forge one, or blank the logbook with a bad one).
pub async fn fresh_request_id(mut req: Request, next: Next) -> Response {
    req.headers_mut().remove("x-request-id");
    if let Some(id) = new_request_id() {
        req.headers_mut().insert("x-request-id", id.clone());
        req.extensions_mut().insert(RequestId::new(id));
    }
    next.run(req).await
}

/// Decides the [`Client`] and the logbook [`Origin`] of every request.
pub async fn identify(proxies: TrustedProxies, own_scheme: Scheme, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let client = proxies.client(peer, req.headers(), own_scheme);
    let origin = {
        // Scoped: a borrow of the request must not live across the await below (Body is not Sync).
        let text = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok());
        Origin::new(client.ip, text("user-agent"), text("x-request-id"))
    };
    req.extensions_mut().insert(origin);
    req.extensions_mut().insert(client);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(header::HeaderName::from_bytes(k.as_bytes()).expect("name"), v.parse().expect("value"));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn forwarding_headers_from_an_untrusted_peer_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "203.0.113.9"), ("x-forwarded-proto", "https")]);
        let c = none.client(Some(ip("198.51.100.7")), &h, Scheme::Http);
        assert_eq!(c, Client { ip: Some(ip("198.51.100.7")), scheme: Scheme::Http });
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let p = TrustedProxies::new(vec![parse_net("10.0.0.0/8").expect("net"), parse_net("192.0.2.1").expect("ip")]);
        // The client forged the first entry; the proxy appended the real address.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.1.1"), ("x-forwarded-proto", "https")]);
        let c = p.client(Some(ip("10.0.0.2")), &h, Scheme::Http);
        assert_eq!(c, Client { ip: Some(ip("203.0.113.9")), scheme: Scheme::Https });
        // Several header lines are one list.
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-for", "203.0.113.10")]);
        assert_eq!(p.client(Some(ip("192.0.2.1")), &h, Scheme::Http).ip, Some(ip("203.0.113.10")));
        // No header at all: the proxy itself.
        assert_eq!(p.client(Some(ip("10.0.0.2")), &HeaderMap::new(), Scheme::Http).ip, Some(ip("10.0.0.2")));
        // Garbage where the client should be: stop at the last readable trusted hop.
        let h = headers(&[("x-forwarded-for", "203.0.113.9, nonsense")]);
        assert_eq!(p.client(Some(ip("10.0.0.2")), &h, Scheme::Http).ip, Some(ip("10.0.0.2")));
    }

    #[test]
    fn only_the_header_the_proxy_writes_is_read() {
        let net = || vec![parse_net("::1/128").expect("net")];
        let h = headers(&[
            ("forwarded", r#"for=1.2.3.4, for="[2001:db8:cafe::17]:4711";proto=https;by=_proxy"#),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        let rfc = TrustedProxies::new(net()).reading(ForwardedHeader::Forwarded);
        assert_eq!(
            rfc.client(Some(ip("::1")), &h, Scheme::Http),
            Client { ip: Some(ip("2001:db8:cafe::17")), scheme: Scheme::Https }
        );
        // An X-Forwarded-For proxy passes a client's own `Forwarded` on: it is not read.
        let xff = TrustedProxies::new(net());
        assert_eq!(
            xff.client(Some(ip("::1")), &h, Scheme::Http),
            Client { ip: Some(ip("198.51.100.1")), scheme: Scheme::Http }
        );
    }

    #[test]
    fn mapped_addresses_are_one_address() {
        let p = TrustedProxies::new(vec![parse_net("127.0.0.1/32").expect("net")]);
        let h = headers(&[("x-forwarded-for", "::ffff:203.0.113.9")]);
        assert_eq!(p.client(Some(ip("::ffff:127.0.0.1")), &h, Scheme::Http).ip, Some(ip("203.0.113.9")));
        assert!(parse_net("not-a-net").is_err());
    }
}
