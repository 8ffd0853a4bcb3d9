//! Which tenant a Host header names.
use crate::model::slug::Slug;

use super::ResolveError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Routing {
    /// `acme.<base_domain>` is tenant `acme`.
    Subdomain { base_domain: String },
    /// Every host is this one tenant (a customer's own instance).
    Single(Slug),
}

impl Routing {
    pub fn slug_for(&self, host: Option<&str>) -> Result<Slug, ResolveError> {
        let host = host.ok_or(ResolveError::MissingHost)?;
        let name = hostname(host).ok_or(ResolveError::MalformedHost)?;
        match self {
            Routing::Single(slug) => Ok(slug.clone()),
            Routing::Subdomain { base_domain } => {
                let label = name
                    .strip_suffix(base_domain.as_str())
                    .and_then(|rest| rest.strip_suffix('.'))
                    .ok_or(ResolveError::UnknownTenant)?;
                if label.contains('.') {
                    return Err(ResolveError::UnknownTenant);
                }
                Slug::parse(label).map_err(|_| ResolveError::UnknownTenant)
            }
        }
    }
}

/// The lowercase host name without port, or `None` when the header is not a valid host.
fn hostname(host: &str) -> Option<String> {
    let host = host.trim();
    if host.is_empty() || host.len() > 253 {
        return None;
    }
    let name = if host.starts_with('[') {
        // An IPv6 literal names no tenant but is well formed.
        let end = host.find(']')?;
        &host[..=end]
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => {
                port.parse::<u16>().ok()?;
                name
            }
            None => host,
        }
    };
    let ok = name.starts_with('[')
        || (!name.is_empty()
            && name
                .split('.')
                .all(|l| !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')));
    ok.then(|| name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub() -> Routing {
        Routing::Subdomain { base_domain: "samtal.example".into() }
    }
    fn slug(s: &str) -> Slug {
        Slug::parse(s).expect("slug")
    }

    #[test]
    fn subdomain_names_the_tenant() {
        assert_eq!(sub().slug_for(Some("acme.samtal.example")), Ok(slug("acme")));
        assert_eq!(sub().slug_for(Some("ACME.Samtal.Example:443")), Ok(slug("acme")));
        let local = Routing::Subdomain { base_domain: "localhost".into() };
        assert_eq!(local.slug_for(Some("demo.localhost:3000")), Ok(slug("demo")));
    }

    #[test]
    fn never_falls_back_to_some_tenant() {
        for host in [
            "samtal.example",
            "evil.example",
            "acme.evil.example",
            "a.b.samtal.example",
            "www.samtal.example",
            "acmesamtal.example",
            "127.0.0.1:3000",
            "[::1]:3000",
        ] {
            assert_eq!(sub().slug_for(Some(host)), Err(ResolveError::UnknownTenant), "{host}");
        }
    }

    #[test]
    fn malformed_or_missing_hosts_are_told_apart() {
        assert_eq!(sub().slug_for(None), Err(ResolveError::MissingHost));
        for host in [
            "",
            "acme.samtal.example:99999",
            "acme..samtal.example",
            "ac me.samtal.example",
            "acme.samtal.example:x",
            "acme_x.samtal.example",
            "acme.samtal.example/evil",
        ] {
            assert_eq!(sub().slug_for(Some(host)), Err(ResolveError::MalformedHost), "{host:?}");
        }
    }

    #[test]
    fn single_tenant_serves_any_well_formed_host() {
        let single = Routing::Single(slug("acme"));
        assert_eq!(single.slug_for(Some("hr.acme.se")), Ok(slug("acme")));
        assert_eq!(single.slug_for(Some("10.0.0.5:8080")), Ok(slug("acme")));
        assert_eq!(single.slug_for(None), Err(ResolveError::MissingHost));
        assert_eq!(single.slug_for(Some("bad host")), Err(ResolveError::MalformedHost));
    }
}
